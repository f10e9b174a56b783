// SPDX-License-Identifier: GPL-2.0
/*
 * errq: send echo requests on a ping socket and print, deterministically,
 * everything the socket reports about them: send results, poll events, the
 * error queue (sock_extended_err, offender, msg_name, payload, every cmsg),
 * SO_ERROR and plain receives.  Run against the built-in ping sockets and
 * icmp_ep, the two outputs must be identical.
 *
 *   errq [-6] [-c] [-C PEER [-d]] [-b] [-n] [-t TTL] [-s SIZE]
 *        [-m do|dont|want] [-p COUNT] DEST
 *
 *   -6  IPv6            -c  connect() first      -n  no IP_RECVERR
 *   -t  TTL / hop limit -s  payload size         -m  PMTU discovery
 *   -p  probes to send (default 1)
 *   -C  connect() to PEER, then sendto() DEST    -b  SO_BROADCAST
 *   -d  with -C: connect(AF_UNSPEC) again before sending
 *
 * An IPv6 DEST or PEER may carry a scope: ff02::2%eth0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <poll.h>

#include "test_util.h"
/* After test_util.h's net/if.h. */
#include <linux/errqueue.h>

struct opts {
	int v6, connect, recverr, ttl, size, pmtu, probes, broadcast;
	int disconnect;
	const char *dest, *peer;
};

static const char *errname(int e)
{
	static char buf[32];

	switch (e) {
	case 0: return "0";
	case EAGAIN: return "EAGAIN";
	case EHOSTUNREACH: return "EHOSTUNREACH";
	case ENETUNREACH: return "ENETUNREACH";
	case EMSGSIZE: return "EMSGSIZE";
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case EPROTO: return "EPROTO";
	case ECONNREFUSED: return "ECONNREFUSED";
	case EREMOTEIO: return "EREMOTEIO";
	case EHOSTDOWN: return "EHOSTDOWN";
	case ENOPROTOOPT: return "ENOPROTOOPT";
	case ENONET: return "ENONET";
	}
	snprintf(buf, sizeof(buf), "errno%d", e);
	return buf;
}

static const char *addr_str(const struct sockaddr_storage *ss)
{
	static char buf[INET6_ADDRSTRLEN + 32];
	char a[INET6_ADDRSTRLEN];

	sockaddr_ntop(ss->ss_family, ss, a, sizeof(a));
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)ss;

		snprintf(buf, sizeof(buf), "inet:%s:%u", a, ntohs(s->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const void *)ss;

		snprintf(buf, sizeof(buf), "inet6:%s:%u:flow=%u:scope=%u", a,
			 ntohs(s->sin6_port), ntohl(s->sin6_flowinfo),
			 s->sin6_scope_id);
	} else {
		snprintf(buf, sizeof(buf), "family%d", ss->ss_family);
	}
	return buf;
}

static void print_cmsgs(struct msghdr *msg)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		printf("  cmsg level=%d type=%d len=%zu", c->cmsg_level,
		       c->cmsg_type, (size_t)c->cmsg_len);
		if ((c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR) ||
		    (c->cmsg_level == SOL_IPV6 &&
		     c->cmsg_type == IPV6_RECVERR)) {
			struct sock_extended_err *ee = (void *)CMSG_DATA(c);
			struct sockaddr_storage off = {};
			size_t off_len = c->cmsg_len - CMSG_LEN(sizeof(*ee));

			memcpy(&off, SO_EE_OFFENDER(ee),
			       off_len < sizeof(off) ? off_len : sizeof(off));
			printf(" errno=%s origin=%u type=%u code=%u", errname(ee->ee_errno),
			       ee->ee_origin, ee->ee_type, ee->ee_code);
			printf(" pad=%u info=%u data=%u offender=%s",
			       ee->ee_pad, ee->ee_info, ee->ee_data,
			       addr_str(&off));
		}
		printf("\n");
	}
}

static void read_queue(int fd, int flags, const char *what)
{
	unsigned char buf[2048], control[512];
	struct sockaddr_storage from;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr msg = {
		.msg_name = &from, .msg_namelen = sizeof(from),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control, .msg_controllen = sizeof(control),
	};
	ssize_t n;

	memset(&from, 0, sizeof(from));
	n = recvmsg(fd, &msg, flags | MSG_DONTWAIT);
	if (n < 0) {
		printf("%s: %s\n", what, errname(errno));
		return;
	}
	printf("%s: len=%zd flags=%#x name=%s namelen=%u", what, n,
	       msg.msg_flags, addr_str(&from), msg.msg_namelen);
	if (n >= 8)
		printf(" icmp type=%u code=%u seq=%u", buf[0], buf[1],
		       buf[6] << 8 | buf[7]);
	printf("\n");
	print_cmsgs(&msg);
}

/* An option's value that is its argument, as a number. */
#define FROM_ARG (-1)

/* The options that set one int: to a constant, or to their argument. */
static const struct {
	char opt;
	size_t field;	/* offsetof(struct opts, ...) */
	int value;
} int_opts[] = {
	{ '6', offsetof(struct opts, v6), 1 },
	{ 'c', offsetof(struct opts, connect), 1 },
	{ 'n', offsetof(struct opts, recverr), 0 },
	{ 'b', offsetof(struct opts, broadcast), 1 },
	{ 'd', offsetof(struct opts, disconnect), 1 },
	{ 't', offsetof(struct opts, ttl), FROM_ARG },
	{ 's', offsetof(struct opts, size), FROM_ARG },
	{ 'p', offsetof(struct opts, probes), FROM_ARG },
};

/* Set what option @c sets, from its argument @arg; -1 if it is unknown. */
static int parse_one(struct opts *o, int c, const char *arg)
{
	size_t i;

	if (c == 'C') {
		o->peer = arg;
		return 0;
	}
	if (c == 'm') {
		o->pmtu = !strcmp(arg, "do") ? IP_PMTUDISC_DO :
			  !strcmp(arg, "dont") ? IP_PMTUDISC_DONT :
			  IP_PMTUDISC_WANT;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(int_opts); i++) {
		if (int_opts[i].opt == c) {
			int v = int_opts[i].value;

			*(int *)((char *)o + int_opts[i].field) =
				v == FROM_ARG ? atoi(arg) : v;
			return 0;
		}
	}
	return -1;
}

static int parse(int argc, char **argv, struct opts *o)
{
	int c;

	*o = (struct opts){ .recverr = 1, .ttl = -1, .size = 56, .pmtu = -1,
			    .probes = 1 };
	while ((c = getopt(argc, argv, "6cnt:s:m:p:C:bd")) != -1)
		if (parse_one(o, c, optarg))
			return -1;
	if (optind != argc - 1 || o->size < 0 || o->size > 65000 ||
	    (o->peer && o->connect) || (o->disconnect && !o->peer))
		return -1;
	o->dest = argv[optind];
	return 0;
}

int main(int argc, char **argv)
{
	int family, level, fd, i, err;
	struct sockaddr_storage dst, peer;
	socklen_t dlen, plen = 0, elen = sizeof(err);
	unsigned char pkt[65536] = {};
	struct pollfd pfd;
	struct opts o;

	if (parse(argc, argv, &o))
		return usage("usage: errq [-6] [-c] [-C PEER [-d]] [-b] [-n] [-t TTL] [-s SIZE]\n"
			     "            [-m MODE] [-p COUNT] DEST\n");
	family = o.v6 ? AF_INET6 : AF_INET;
	level = ip_level(family);
	dlen = sockaddr_parse(family, o.dest, 0, &dst);
	if (o.peer)
		plen = sockaddr_parse(family, o.peer, 0, &peer);
	if (!dlen || (o.peer && !plen))
		return 2;

	fd = ping_open(family, 0);
	if (fd < 0) {
		printf("socket: %s\n", errname(errno));
		return 1;
	}
	if (o.recverr)
		set_recverr(fd, family);
	if (o.ttl >= 0)
		setsockopt_int(fd, level, o.v6 ? IPV6_UNICAST_HOPS : IP_TTL,
			       o.ttl);
	if (o.pmtu >= 0)
		setsockopt_int(fd, level,
			       o.v6 ? IPV6_MTU_DISCOVER : IP_MTU_DISCOVER,
			       o.pmtu);
	if (o.broadcast)
		setsockopt_int(fd, SOL_SOCKET, SO_BROADCAST, 1);
	if (o.connect)
		printf("connect: %s\n", connect(fd, (void *)&dst, dlen) ?
		       errname(errno) : "0");
	if (o.peer)
		printf("connect peer: %s\n",
		       connect(fd, (void *)&peer, plen) ? errname(errno) : "0");
	if (o.disconnect) {
		struct sockaddr unspec = { .sa_family = AF_UNSPEC };

		printf("disconnect: %s\n",
		       connect(fd, &unspec, sizeof(unspec)) ?
		       errname(errno) : "0");
	}

	for (i = 1; i <= o.probes; i++) {
		ssize_t n;

		pkt[0] = echo_request_type(family);
		pkt[7] = i;
		n = o.connect ? send(fd, pkt, 8 + o.size, 0) :
				sendto(fd, pkt, 8 + o.size, 0, (void *)&dst,
				       dlen);
		printf("probe %d send: %s\n", i, n < 0 ? errname(errno) : "ok");

		pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
		poll(&pfd, 1, 2000);
		printf("probe %d poll: in=%d err=%d\n", i,
		       !!(pfd.revents & POLLIN), !!(pfd.revents & POLLERR));
		read_queue(fd, MSG_ERRQUEUE, "errqueue");
		read_queue(fd, MSG_ERRQUEUE, "errqueue again");
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
		printf("so_error: %s\n", errname(err));
		read_queue(fd, 0, "recv");
	}
	close(fd);
	return 0;
}
