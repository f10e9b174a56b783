// SPDX-License-Identifier: GPL-2.0
/*
 * nfqueue: the smallest NFQUEUE listener, which accepts every packet.
 *
 *   nfqueue QUEUE
 *
 * Binds netfilter queue QUEUE, says "listening", then gives every packet
 * queued to it the verdict NF_ACCEPT until SIGTERM, and prints how many it
 * passed.  The kernel then hands each packet back through nf_reinject(),
 * in this process's sendmsg(): the hooks after the queueing rule run in
 * process context with bottom halves enabled, which is the point.
 *
 * Raw nfnetlink, not libnetfilter_queue: the guest has no such library.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <linux/netlink.h>

#include "test_util.h"

#define NFQ_BUF 65536
/* linux/netfilter.h's, which would bring linux/in.h after netinet/in.h. */
#define NFQ_ACCEPT 1

static atomic_bool done;

static void stop(int sig)
{
	(void)sig;
	atomic_store(&done, 1);
}

/* Append attribute @type with @len bytes of @data to @nlh. */
static void put_attr(struct nlmsghdr *nlh, unsigned short type,
		     const void *data, unsigned short len)
{
	struct nlattr *nla = (void *)((char *)nlh + NLMSG_ALIGN(nlh->nlmsg_len));

	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + len;
	memcpy((char *)nla + NLA_HDRLEN, data, len);
	nlh->nlmsg_len = NLMSG_ALIGN(nlh->nlmsg_len) + NLA_ALIGN(nla->nla_len);
}

/* A queue message of @type for @queue, its attributes to follow. */
static struct nlmsghdr *start_msg(void *buf, unsigned short type,
				  unsigned short queue)
{
	struct nlmsghdr *nlh = buf;
	struct nfgenmsg *nfg;

	memset(buf, 0, NLMSG_SPACE(sizeof(*nfg)) + 64);
	nlh->nlmsg_len = NLMSG_LENGTH(sizeof(*nfg));
	nlh->nlmsg_type = (NFNL_SUBSYS_QUEUE << 8) | type;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nfg = NLMSG_DATA(nlh);
	nfg->nfgen_family = AF_UNSPEC;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = htons(queue);
	return nlh;
}

static void send_msg(int fd, struct nlmsghdr *nlh)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	if (sendto(fd, nlh, nlh->nlmsg_len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0)
		die("nfqueue: sendto");
}

/* Bind @queue, metadata only: the verdict needs no payload. */
static void bind_queue(int fd, unsigned short queue)
{
	struct nfqnl_msg_config_cmd cmd = { .command = NFQNL_CFG_CMD_BIND };
	struct nfqnl_msg_config_params params = { .copy_mode = NFQNL_COPY_META };
	char buf[256];
	struct nlmsghdr *nlh;

	nlh = start_msg(buf, NFQNL_MSG_CONFIG, queue);
	put_attr(nlh, NFQA_CFG_CMD, &cmd, sizeof(cmd));
	send_msg(fd, nlh);
	nlh = start_msg(buf, NFQNL_MSG_CONFIG, queue);
	put_attr(nlh, NFQA_CFG_PARAMS, &params, sizeof(params));
	send_msg(fd, nlh);
}

/* The packet id of a queued packet's message, or 0 for any other. */
static unsigned int packet_id(const struct nlmsghdr *nlh)
{
	const struct nlattr *nla;
	int len;

	if (nlh->nlmsg_type != ((NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET))
		return 0;
	len = nlh->nlmsg_len - NLMSG_SPACE(sizeof(struct nfgenmsg));
	nla = (const void *)((const char *)NLMSG_DATA(nlh) +
			     NLMSG_ALIGN(sizeof(struct nfgenmsg)));
	while (len >= NLA_HDRLEN && nla->nla_len >= NLA_HDRLEN &&
	       nla->nla_len <= len) {
		const struct nfqnl_msg_packet_hdr *ph;

		ph = (const void *)((const char *)nla + NLA_HDRLEN);
		if ((nla->nla_type & NLA_TYPE_MASK) == NFQA_PACKET_HDR)
			return ntohl(ph->packet_id);
		len -= NLA_ALIGN(nla->nla_len);
		nla = (const void *)((const char *)nla + NLA_ALIGN(nla->nla_len));
	}
	return 0;
}

static void accept_packet(int fd, unsigned short queue, unsigned int id)
{
	struct nfqnl_msg_verdict_hdr vh = {
		.verdict = htonl(NFQ_ACCEPT),
		.id = htonl(id),
	};
	char buf[256];
	struct nlmsghdr *nlh;

	nlh = start_msg(buf, NFQNL_MSG_VERDICT, queue);
	put_attr(nlh, NFQA_VERDICT_HDR, &vh, sizeof(vh));
	send_msg(fd, nlh);
}

int main(int argc, char **argv)
{
	struct sockaddr_nl local = { .nl_family = AF_NETLINK };
	static char buf[NFQ_BUF];
	unsigned long passed = 0;
	unsigned short queue;
	struct sigaction sa = { .sa_handler = stop };
	int fd;

	if (argc != 2)
		return usage("usage: nfqueue QUEUE\n");
	queue = atoi(argv[1]);
	sigaction(SIGTERM, &sa, NULL);
	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER);
	if (fd < 0 || bind(fd, (struct sockaddr *)&local, sizeof(local)))
		die("nfqueue: netlink socket");
	bind_queue(fd, queue);
	printf("listening\n");
	fflush(stdout);

	while (!atomic_load(&done)) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nlh;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("nfqueue: recv");
		}
		for (nlh = (void *)buf; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
			unsigned int id = packet_id(nlh);

			if (nlh->nlmsg_type == NLMSG_ERROR &&
			    ((struct nlmsgerr *)NLMSG_DATA(nlh))->error) {
				errno = -((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
				die("nfqueue: config");
			}
			if (!id)
				continue;
			accept_packet(fd, queue, id);
			passed++;
		}
	}
	printf("nfqueue: %lu packets accepted\n", passed);
	return 0;
}
