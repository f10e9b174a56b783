// SPDX-License-Identifier: GPL-2.0
/*
 * exthdr: receive what inject sends to an IPv6 ping socket, and say what
 * arrived, for a comparison between the built-in sockets and icmp_ep.
 *
 *   exthdr listen IDENT
 *
 * Binds an IPv6 ping socket to [::1]:IDENT with every extension-header
 * option on (RFC 3542 and RFC 2292), reads until SIGTERM, then prints how
 * many echo replies for IDENT arrived, how many other datagrams, and the
 * control messages of the first reply, in order, with their bytes.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>

#include "test_util.h"

#ifndef IPV6_2292DSTOPTS
#define IPV6_2292HOPOPTS 3
#define IPV6_2292DSTOPTS 4
#define IPV6_2292RTHDR 5
#endif

static atomic_bool done;

static void stop(int sig)
{
	(void)sig;
	atomic_store(&done, 1);
}

static void say_cmsgs(struct msghdr *msg, char *out, size_t size)
{
	struct cmsghdr *c;
	size_t used = 0;

	out[0] = 0;
	for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		const unsigned char *d = CMSG_DATA(c);
		size_t i, n = c->cmsg_len - CMSG_LEN(0);

		used += snprintf(out + used, size - used, " %d/%d/", c->cmsg_level,
				 c->cmsg_type);
		for (i = 0; i < n && used < size - 3; i++)
			used += snprintf(out + used, size - used, "%02x", d[i]);
	}
	if (!used)
		snprintf(out, size, " none");
}

struct tally {
	unsigned long replies, other;
	char first[4096];	/* the first reply's control messages */
};

/*
 * take: read one datagram, if one is queued, and count it.  Returns 0 when
 * the queue is empty.
 */
static int take(int fd, unsigned short ident, struct tally *t)
{
	unsigned char buf[2048], control[1024];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control, .msg_controllen = sizeof(control),
	};
	ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);

	if (n < 0)
		return 0;
	if (n < 8 || buf[0] != ECHO_REPLY_V6 || (buf[4] << 8 | buf[5]) != ident)
		t->other++;
	else if (!t->replies++)
		say_cmsgs(&msg, t->first, sizeof(t->first));
	return 1;
}

int main(int argc, char **argv)
{
	static const int opts[] = {
		IPV6_RECVHOPOPTS, IPV6_RECVDSTOPTS, IPV6_RECVRTHDR,
		IPV6_2292HOPOPTS, IPV6_2292DSTOPTS, IPV6_2292RTHDR,
	};
	struct tally tally = { .first = " none" };
	struct sockaddr_storage a;
	unsigned short ident;
	socklen_t len;
	int fd;
	unsigned int i;

	if (argc != 3 || strcmp(argv[1], "listen"))
		return usage("usage: exthdr listen IDENT\n");
	ident = atoi(argv[2]);
	len = sockaddr_loopback(AF_INET6, ident, &a);
	fd = ping_open(AF_INET6, 0);
	if (fd < 0 || bind(fd, (void *)&a, len)) {
		perror("exthdr: socket");
		return 1;
	}
	setsockopt_int(fd, SOL_SOCKET, SO_RCVBUF, 1 << 20);
	for (i = 0; i < ARRAY_SIZE(opts); i++)
		if (setsockopt_int(fd, SOL_IPV6, opts[i], 1)) {
			perror("exthdr: setsockopt");
			return 1;
		}
	signal(SIGTERM, stop);
	printf("listening on %s\n", argv[2]);
	fflush(stdout);
	while (!atomic_load(&done)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 200) > 0)
			while (take(fd, ident, &tally))
				;
	}
	/* What arrived before SIGTERM but was not read yet counts too. */
	while (take(fd, ident, &tally))
		;
	printf("replies %lu other %lu\ncmsgs%s\n", tally.replies, tally.other,
	       tally.first);
	return 0;
}
