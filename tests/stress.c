// SPDX-License-Identifier: GPL-2.0
/*
 * stress: hammer ping sockets from many threads, or fuzz their syscalls.
 *
 *   stress churn THREADS SECONDS SEED
 *	THREADS threads, for SECONDS, mix socket, bind, connect, AF_UNSPEC
 *	disconnect, sendto, recv, poll, epoll, shutdown, setsockopt and close
 *	on a shared pool of sockets of both families, fork children that exit
 *	holding sockets, and create and destroy network namespaces with live
 *	sockets in them.  The known CVE shapes are in the mix on purpose:
 *	connect / disconnect / connect (CVE-2015-3636) and disconnect racing
 *	close (CVE-2017-2671).  Prints the operations per second held.
 *
 *   stress hold COUNT [SHARED]
 *	Bind SHARED IPv4 sockets with SO_REUSEADDR to one ident, then COUNT
 *	more to ephemeral idents, and print what each bind returned, holding
 *	them all until the last: max_idents_per_uid at work.
 *
 *   stress burst COUNT [GAP_MS]
 *	Open COUNT sockets, alternating families, bind each to an ephemeral
 *	ident on loopback and close it at once: an administrator's rmmod
 *	right after such a burst must not find sockets still waiting.  With
 *	GAP_MS, one at a time, GAP_MS apart: the churn a user can make of
 *	the receive hook's registration.
 *
 *   stress chown UID
 *	As root, per family: bind a socket, fchown() it to UID, close it,
 *	then bind a new one; print what the second bind returned.  With
 *	max_idents_per_uid at 1, it fails if the close uncharged UID
 *	instead of the uid that bound.
 *
 *   stress listen IDENT SECONDS [recverr]
 *	Bind an IPv4 and an IPv6 socket to IDENT and read both for SECONDS,
 *	checking that every datagram delivered is a well-formed echo reply
 *	for IDENT with a correct checksum; print how many were and were not.
 *	With recverr, turn on IP_RECVERR/IPV6_RECVERR too, drain the error
 *	queues, and print how many entries of each kind they held.
 *
 *   stress fuzz CALLS SEED
 *	CALLS random syscalls on ping sockets with random lengths, flags,
 *	addresses, families, option levels and names, and control messages.
 *	The seed is printed; the same seed replays the same calls.
 *
 *   stress raw SECONDS
 *	As root, hold a raw ICMP and a raw ICMPv6 socket open for SECONDS or
 *	until SIGTERM, reading nothing: while one exists, icmp_ep must clone
 *	replies rather than take them.
 *
 *   stress rawsee COUNT
 *	As root, per family: open a raw socket, then echo COUNT times to
 *	loopback through a ping socket, and print how many replies the ping
 *	socket got and how many of them the raw socket saw too.
 *
 * Meant to run as uid 65534 with ping_group_range open; the namespace
 * churn needs root and is skipped without it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <time.h>

#include "test_util.h"
/* After test_util.h's net/if.h, which the kernel's if.h yields to. */
#include <linux/errqueue.h>
#include <linux/sockios.h>

typedef unsigned long long u64;

#define POOL 64

static atomic_int pool[POOL];
static atomic_ulong ops;
static atomic_bool stop;

/* xorshift64*: small, fast, and the same sequence for the same seed. */
static u64 rnd(u64 *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static int open_ping(int family)
{
	return ping_open(family, SOCK_NONBLOCK);
}

/*
 * sockaddr_loopback() with the arguments in the order the fuzzer's calls
 * were written in: their rnd() calls run in the same order as before.
 */
static socklen_t loopback(int family, struct sockaddr_storage *ss,
			  unsigned short port)
{
	return sockaddr_loopback(family, port, ss);
}

static int family_of(int fd)
{
	int v = AF_INET;
	socklen_t len = sizeof(v);

	getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len);
	return v;
}

static void echo(int fd, int family, struct sockaddr_storage *to,
		 socklen_t len, size_t size)
{
	unsigned char pkt[1500] = { echo_request_type(family) };

	sendto(fd, pkt, size < sizeof(pkt) ? size : sizeof(pkt),
	       MSG_DONTWAIT, (void *)to, len);
}

/* One random operation on a random slot of the shared pool. */
static void churn_op(u64 *seed)
{
	int slot = rnd(seed) % POOL, fd = pool[slot], family, v;
	struct sockaddr_storage ss;
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	char buf[256];
	socklen_t len;

	if (fd <= 0) {
		int empty = fd;

		fd = open_ping(rnd(seed) & 1 ? AF_INET6 : AF_INET);
		/* Another thread filled the slot first: keep its socket. */
		if (fd >= 0 &&
		    !atomic_compare_exchange_strong(&pool[slot], &empty, fd))
			close(fd);
		return;
	}
	family = family_of(fd);
	switch (rnd(seed) % 12) {
	case 0:
		/* A small ident range, so that binds collide. */
		len = loopback(family, &ss, rnd(seed) % 8 ? 0 : 1000 +
			       rnd(seed) % 16);
		bind(fd, (void *)&ss, len);
		break;
	case 1:
		len = loopback(family, &ss, 0);
		connect(fd, (void *)&ss, len);
		break;
	case 2:
		/* CVE-2015-3636: connect, disconnect, connect. */
		len = loopback(family, &ss, 0);
		connect(fd, (void *)&ss, len);
		connect(fd, &unspec, sizeof(unspec));
		connect(fd, (void *)&ss, len);
		break;
	case 3:
		connect(fd, &unspec, sizeof(unspec));
		break;
	case 4:
	case 5:
		len = loopback(family, &ss, 0);
		echo(fd, family, &ss, len, 8 + rnd(seed) % 200);
		break;
	case 6:
		recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		break;
	case 7: {
		struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };

		poll(&p, 1, 0);
		break;
	}
	case 8:
		shutdown(fd, rnd(seed) % 3);
		break;
	case 9:
		v = rnd(seed) % 4096;
		setsockopt(fd, SOL_SOCKET,
			   rnd(seed) & 1 ? SO_RCVBUF : SO_REUSEADDR, &v,
			   sizeof(v));
		set_recverr(fd, family);
		break;
	case 10: {
		int ep = epoll_create1(0);
		struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT };
		struct epoll_event out[1];

		if (ep >= 0) {
			epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
			epoll_wait(ep, out, 1, 0);
			close(ep);
		}
		break;
	}
	default:
		/* CVE-2017-2671: close while another thread disconnects. */
		if (atomic_compare_exchange_strong(&pool[slot], &fd, 0))
			close(fd);
		break;
	}
}

static void *churn_thread(void *arg)
{
	u64 seed = (uintptr_t)arg;

	while (!atomic_load(&stop)) {
		churn_op(&seed);
		atomic_fetch_add(&ops, 1);
	}
	return NULL;
}

/* A new namespace starts with lo down and ping_group_range "1 0". */
static int open_range(void)
{
	return lo_up() || ping_group_range_set("0 2147483647") ? -1 : 0;
}

/* Children that exit holding sockets, and namespaces that die with them. */
static void *fork_thread(void *arg)
{
	bool netns = (uintptr_t)arg;

	while (!atomic_load(&stop)) {
		pid_t pid = fork();

		if (pid == 0) {
			struct sockaddr_storage ss;
			int i, fd;

			if (netns && (unshare(CLONE_NEWNET) || open_range()))
				_exit(0);
			for (i = 0; i < 4; i++) {
				int family = i & 1 ? AF_INET6 : AF_INET;
				socklen_t len = loopback(family, &ss, 0);

				fd = open_ping(family);
				if (fd >= 0)
					echo(fd, family, &ss, len, 64);
			}
			_exit(0);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
		atomic_fetch_add(&ops, 1);
	}
	return NULL;
}

static int run_churn(int threads, int seconds, u64 seed)
{
	pthread_t tid[64];
	struct timespec t0, t1;
	double elapsed;
	int i, n = 0, anchor;

	/* One socket lives throughout, so the module stays busy. */
	anchor = open_ping(AF_INET);
	if (anchor < 0) {
		perror("stress: socket");
		return 1;
	}
	if (threads > 60)
		threads = 60;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < threads; i++)
		pthread_create(&tid[n++], NULL, churn_thread,
			       (void *)(uintptr_t)(seed + i + 1));
	pthread_create(&tid[n++], NULL, fork_thread, (void *)0);
	if (geteuid() == 0)
		pthread_create(&tid[n++], NULL, fork_thread, (void *)1);
	sleep(seconds);
	atomic_store(&stop, true);
	for (i = 0; i < n; i++)
		pthread_join(tid[i], NULL);
	for (i = 0; i < POOL; i++)
		if (pool[i] > 0)
			close(pool[i]);
	close(anchor);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	elapsed = t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("churn: seed %llu, %d threads, %.1f s, %lu ops, %.0f ops/s\n",
	       (unsigned long long)seed, threads, elapsed,
	       (unsigned long)ops, ops / elapsed);
	return 0;
}

/* Fill @buf with random bytes, sometimes a plausible sockaddr. */
static socklen_t random_addr(u64 *s, struct sockaddr_storage *ss)
{
	static const int families[] = { AF_INET, AF_INET6, AF_UNSPEC,
					AF_UNIX, 255 };
	unsigned char *p = (void *)ss;
	size_t i;

	for (i = 0; i < sizeof(*ss); i++)
		p[i] = rnd(s);
	if (rnd(s) % 4) {
		socklen_t len = loopback(rnd(s) & 1 ? AF_INET6 : AF_INET, ss,
					 rnd(s) % 4 ? 0 : rnd(s));

		if (rnd(s) % 4 == 0)
			ss->ss_family = families[rnd(s) % 5];
		return rnd(s) % 4 ? len : rnd(s) % (sizeof(*ss) + 1);
	}
	return rnd(s) % (sizeof(*ss) + 1);
}

static void random_cmsgs(u64 *s, char *buf, size_t size,
			 struct msghdr *msg)
{
	static const int levels[] = { SOL_SOCKET, SOL_IP, SOL_IPV6, 0, 255 };
	struct cmsghdr *c;
	size_t i, n = rnd(s) % 4;

	for (i = 0; i < size; i++)
		buf[i] = rnd(s);
	msg->msg_control = buf;
	msg->msg_controllen = n ? CMSG_SPACE(sizeof(int)) * n : rnd(s) % 64;
	if (msg->msg_controllen > size)
		msg->msg_controllen = size;
	for (c = CMSG_FIRSTHDR(msg); c && n; c = CMSG_NXTHDR(msg, c), n--) {
		c->cmsg_level = levels[rnd(s) % 5];
		c->cmsg_type = rnd(s) % 80;
		c->cmsg_len = rnd(s) % 8 ? CMSG_LEN(sizeof(int)) :
					   rnd(s) % 64;
	}
}

static void fuzz_call(u64 *s, int *fds)
{
	static const int levels[] = { SOL_SOCKET, SOL_IP, SOL_IPV6,
				      SOL_ICMPV6, SOL_RAW, 277 };
	static const unsigned long ioctls[] = {
		SIOCINQ, SIOCOUTQ, SIOCGSTAMP, SIOCGSTAMPNS, FIONBIO,
		0x8912 /* SIOCGIFCONF */, 0x8927 /* SIOCGIFHWADDR */,
		0x89e0, 0x5401,
	};
	int slot = rnd(s) % 4, fd = fds[slot];
	unsigned char buf[2048], ctl[256];
	struct sockaddr_storage ss;
	struct iovec iov = { buf, 0 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	socklen_t len;
	size_t i;
	int v;

	switch (rnd(s) % 11) {
	case 0:
		close(fd);
		fds[slot] = open_ping(rnd(s) & 1 ? AF_INET6 : AF_INET);
		break;
	case 1:
		len = random_addr(s, &ss);
		bind(fd, (void *)&ss, len);
		break;
	case 2:
		len = random_addr(s, &ss);
		connect(fd, (void *)&ss, len);
		break;
	case 3:
	case 4:
		for (i = 0; i < 16; i++)
			buf[i] = rnd(s);
		buf[0] = rnd(s) % 4 ? (rnd(s) & 1 ? 8 : 128) : buf[0];
		if (rnd(s) % 3)
			buf[1] = 0;
		iov.iov_len = rnd(s) % 8 ? rnd(s) % 200 : rnd(s) % 70000;
		if (iov.iov_len > sizeof(buf))
			iov.iov_len = sizeof(buf);
		len = random_addr(s, &ss);
		msg.msg_name = rnd(s) % 8 ? (void *)&ss : NULL;
		msg.msg_namelen = len;
		if (rnd(s) % 3 == 0)
			random_cmsgs(s, (char *)ctl, sizeof(ctl), &msg);
		/* MSG_PROXY is the kernel's MSG_PROBE. */
		sendmsg(fd, &msg, (rnd(s) & (MSG_OOB | MSG_PROXY |
					     MSG_CONFIRM | MSG_DONTROUTE |
					     MSG_MORE)) | MSG_DONTWAIT);
		break;
	case 5:
		iov.iov_len = rnd(s) % sizeof(buf);
		msg.msg_name = &ss;
		msg.msg_namelen = rnd(s) % (sizeof(ss) + 1);
		msg.msg_control = ctl;
		msg.msg_controllen = rnd(s) % sizeof(ctl);
		recvmsg(fd, &msg, (rnd(s) & (MSG_PEEK | MSG_TRUNC |
					     MSG_ERRQUEUE | MSG_OOB |
					     MSG_WAITALL)) | MSG_DONTWAIT);
		break;
	case 6:
		for (i = 0; i < 64; i++)
			buf[i] = rnd(s);
		len = rnd(s) % 8 ? sizeof(int) : rnd(s) % 65;
		setsockopt(fd, levels[rnd(s) % 6], rnd(s) % 80, buf, len);
		break;
	case 7:
		len = rnd(s) % 128;
		getsockopt(fd, levels[rnd(s) % 6], rnd(s) % 80, buf, &len);
		break;
	case 8:
		v = 0;
		ioctl(fd, ioctls[rnd(s) % 9], rnd(s) % 2 ? (void *)&v :
						(void *)buf);
		break;
	case 9:
		shutdown(fd, rnd(s) % 4);
		break;
	default: {
		struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };

		poll(&p, 1, 0);
		len = sizeof(ss);
		if (rnd(s) & 1)
			getpeername(fd, (void *)&ss, &len);
		else
			getsockname(fd, (void *)&ss, &len);
		break;
	}
	}
}

static int run_fuzz(unsigned long calls, u64 seed)
{
	u64 s = seed ? seed : 1;
	int fds[4], i;
	unsigned long n;

	printf("fuzz: seed %llu, %lu calls\n", (unsigned long long)seed,
	       calls);
	fflush(stdout);
	for (i = 0; i < 4; i++)
		fds[i] = open_ping(i & 1 ? AF_INET6 : AF_INET);
	for (n = 0; n < calls; n++)
		fuzz_call(&s, fds);
	printf("fuzz: done, %lu calls\n", calls);
	return 0;
}

/* Well formed: a reply for @ident whose checksum adds up (::1 for v6). */
static bool valid_reply(int family, const unsigned char *p, ssize_t len,
			unsigned short ident)
{
	unsigned int pseudo = 0;

	if (len < 8 || (p[4] << 8 | p[5]) != ident || p[1])
		return false;
	if (family == AF_INET)
		return (p[0] == 0 || p[0] == 43) && csum_fold_add(p, len, 0) == 0xffff;
	/* ::1 to ::1: the addresses add 2, then length and next header. */
	pseudo = 2 + len + IPPROTO_ICMPV6;
	return (p[0] == 129 || p[0] == 161) &&
	       csum_fold_add(p, len, pseudo) == 0xffff;
}

/* Lock-free atomics are async-signal-safe. */
static atomic_bool listen_done;

/* Distinct error-queue entries, as text, and how often each was seen. */
static struct {
	char what[160];
	unsigned long count;
} errq_seen[16];

static void errq_tally(const char *what)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errq_seen); i++) {
		if (!errq_seen[i].count)
			snprintf(errq_seen[i].what, sizeof(errq_seen[i].what),
				 "%s", what);
		if (!strcmp(errq_seen[i].what, what)) {
			errq_seen[i].count++;
			return;
		}
	}
}

/* Drain @fd's error queue into the tally; the offender by address only. */
static void errq_drain(int fd, int family)
{
	char data[256], cbuf[512], what[160], addr[INET6_ADDRSTRLEN] = "-";
	struct iovec iov = { data, sizeof(data) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf };
	struct sock_extended_err *ee;
	struct cmsghdr *c;
	ssize_t n;

	for (;;) {
		msg.msg_controllen = sizeof(cbuf);
		n = recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT);
		if (n < 0)
			return;
		for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
			if (c->cmsg_type != recverr_opt(family))
				continue;
			ee = (void *)CMSG_DATA(c);
			sockaddr_ntop(family, SO_EE_OFFENDER(ee), addr,
				      sizeof(addr));
			snprintf(what, sizeof(what),
				 "%s errqueue errno=%s origin=%u type=%u code=%u info=%u offender=%s len=%zd",
				 family == AF_INET ? "ipv4" : "ipv6",
				 strerrorname_np(ee->ee_errno), ee->ee_origin,
				 ee->ee_type, ee->ee_code, ee->ee_info, addr, n);
			errq_tally(what);
		}
	}
}

static void listen_stop(int sig)
{
	(void)sig;
	atomic_store(&listen_done, true);
}

static int run_listen(unsigned short ident, int seconds, bool recverr)
{
	unsigned long good[2] = {}, bad[2] = {};
	static unsigned char buf[70000];
	struct sockaddr_storage ss;
	struct pollfd p[2];
	time_t end = time(NULL) + seconds;
	int i;

	for (i = 0; i < 2; i++) {
		int family = i ? AF_INET6 : AF_INET;
		socklen_t len = loopback(family, &ss, ident);

		p[i].fd = open_ping(family);
		p[i].events = POLLIN;
		if (p[i].fd < 0 || bind(p[i].fd, (void *)&ss, len) ||
		    (recverr && set_recverr(p[i].fd, family))) {
			perror("stress: listen");
			return 1;
		}
	}
	signal(SIGTERM, listen_stop);
	printf("listening on %u\n", ident);
	fflush(stdout);
	while (!atomic_load(&listen_done) && time(NULL) < end) {
		if (poll(p, 2, 200) <= 0)
			continue;
		for (i = 0; i < 2; i++) {
			ssize_t n;

			if (p[i].revents & POLLERR)
				errq_drain(p[i].fd, i ? AF_INET6 : AF_INET);
			while ((n = recv(p[i].fd, buf, sizeof(buf),
					 MSG_DONTWAIT)) >= 0) {
				if (valid_reply(i ? AF_INET6 : AF_INET, buf, n,
						ident))
					good[i]++;
				else
					bad[i]++;
			}
		}
	}
	for (i = 0; i < 2; i++)
		errq_drain(p[i].fd, i ? AF_INET6 : AF_INET);
	printf("ipv4 delivered %lu invalid %lu\nipv6 delivered %lu invalid %lu\n",
	       good[0], bad[0], good[1], bad[1]);
	for (i = 0; i < (int)ARRAY_SIZE(errq_seen) && errq_seen[i].count; i++)
		printf("%s x %lu\n", errq_seen[i].what, errq_seen[i].count);
	return bad[0] || bad[1];
}

/*
 * Bind COUNT IPv4 sockets, each to a fresh ephemeral ident, or with SHARED
 * all to the first one's ident through SO_REUSEADDR, and print what each
 * bind returned under the name WHAT.  The sockets stay open until exit.
 */
static void hold(const char *what, int count, bool shared)
{
	struct sockaddr_storage ss;
	socklen_t len = loopback(AF_INET, &ss, 0);
	int i, fd, one = 1;

	for (i = 1; i <= count; i++) {
		fd = open_ping(AF_INET);
		if (fd < 0 ||
		    (shared && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
					  sizeof(one))) ||
		    bind(fd, (void *)&ss, len) ||
		    (shared && getsockname(fd, (void *)&ss, &len)))
			printf("%s %d: %s\n", what, i, strerrorname_np(errno));
		else
			printf("%s %d: ok\n", what, i);
	}
}

static int run_hold(int count, int shared)
{
	hold("shared", shared, true);
	hold("bind", count, false);
	return 0;
}

/* A socket of @family bound to an ephemeral ident on loopback, or -1. */
static int open_bound(int family)
{
	struct sockaddr_storage ss;
	socklen_t len = loopback(family, &ss, 0);
	int fd = open_ping(family);

	if (fd >= 0 && bind(fd, (void *)&ss, len)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int run_burst(int count, int gap_ms)
{
	int i, fd, failed = 0;

	for (i = 0; i < count; i++) {
		fd = open_bound(i & 1 ? AF_INET6 : AF_INET);
		if (fd < 0)
			failed++;
		else
			close(fd);
		if (gap_ms)
			usleep(gap_ms * 1000);
	}
	printf("burst: %d sockets opened, bound and closed, %d failed\n",
	       count - failed, failed);
	return failed ? 1 : 0;
}

static int open_raw(int family)
{
	return socket(family, SOCK_RAW,
		      family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6);
}

static int run_raw(int seconds)
{
	time_t end = time(NULL) + seconds;
	int fd4 = open_raw(AF_INET), fd6 = open_raw(AF_INET6);

	if (fd4 < 0 || fd6 < 0) {
		perror("stress: raw");
		return 1;
	}
	signal(SIGTERM, listen_stop);
	printf("listening on raw sockets\n");
	fflush(stdout);
	while (!atomic_load(&listen_done) && time(NULL) < end)
		poll(NULL, 0, 100);
	return 0;
}

/* Replies for @ident among what @raw holds; IPv4's come with their header. */
static int raw_replies(int raw, int family, unsigned short ident)
{
	unsigned char buf[2048], *p;
	int seen = 0;
	ssize_t n;

	while ((n = recv(raw, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		p = family == AF_INET ? buf + (buf[0] & 0xf) * 4 : buf;
		if (p + 8 <= buf + n && p[0] == echo_reply_type(family) &&
		    (p[4] << 8 | p[5]) == ident)
			seen++;
	}
	return seen;
}

static int rawsee(int family, int count)
{
	struct sockaddr_storage ss;
	socklen_t len = loopback(family, &ss, 0);
	int raw = open_raw(family), fd = open_bound(family);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	unsigned char buf[64];
	int i, got = 0;

	if (raw < 0 || fd < 0 || getsockname(fd, (void *)&ss, &len)) {
		perror("stress: raw and ping sockets");
		return 1;
	}
	for (i = 0; i < count; i++) {
		echo(fd, family, &ss, len, 16);
		if (poll(&p, 1, 1000) == 1 && recv(fd, buf, sizeof(buf), 0) > 0)
			got++;
	}
	printf("%s ping %d raw %d\n", family == AF_INET ? "ipv4" : "ipv6", got,
	       raw_replies(raw, family, ntohs(((struct sockaddr_in *)&ss)->sin_port)));
	close(raw);
	close(fd);
	return 0;
}

static int run_rawsee(int count)
{
	return rawsee(AF_INET, count) | rawsee(AF_INET6, count);
}

static int run_chown(uid_t uid)
{
	static const int families[] = { AF_INET, AF_INET6 };
	int i, fd;

	for (i = 0; i < 2; i++) {
		const char *name = families[i] == AF_INET ? "ipv4" : "ipv6";

		fd = open_bound(families[i]);
		if (fd < 0 || fchown(fd, uid, -1)) {
			printf("chown %s: setup %s\n", name,
			       strerrorname_np(errno));
			continue;
		}
		close(fd);
		fd = open_bound(families[i]);
		printf("chown %s: rebind %s\n", name,
		       fd < 0 ? strerrorname_np(errno) : "ok");
		if (fd >= 0)
			close(fd);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "churn"))
		return run_churn(atoi(argv[2]), atoi(argv[3]),
			     strtoull(argv[4], NULL, 0));
	if ((argc == 4 || (argc == 5 && !strcmp(argv[4], "recverr"))) &&
	    !strcmp(argv[1], "listen"))
		return run_listen(atoi(argv[2]), atoi(argv[3]), argc == 5);
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "hold"))
		return run_hold(atoi(argv[2]), argc == 4 ? atoi(argv[3]) : 0);
	if (argc == 4 && !strcmp(argv[1], "fuzz"))
		return run_fuzz(strtoul(argv[2], NULL, 0),
			    strtoull(argv[3], NULL, 0));
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "burst"))
		return run_burst(atoi(argv[2]), argc == 4 ? atoi(argv[3]) : 0);
	if (argc == 3 && !strcmp(argv[1], "chown"))
		return run_chown(atoi(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "raw"))
		return run_raw(atoi(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "rawsee"))
		return run_rawsee(atoi(argv[2]));
	return usage("usage: stress churn THREADS SECONDS SEED\n"
		     "       stress hold COUNT [SHARED] | burst COUNT [GAP_MS]\n"
		     "       stress chown UID\n"
		     "       stress raw SECONDS | rawsee COUNT\n"
		     "       stress listen IDENT SECONDS [recverr] | fuzz CALLS SEED\n");
}
