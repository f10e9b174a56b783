// SPDX-License-Identifier: GPL-2.0
/*
 * conformance: the userspace contract of ping sockets, one line per case.
 *
 *   conformance --impl builtin|icmp_ep
 *
 * Run once with the built-in ping sockets and once with icmp_ep; every line
 * must be identical except the deliberate deviations, whose names start with
 * "dev." and which this program checks itself against the --impl given,
 * appending " MISMATCH" when the implementation does not do what it should.
 *
 * Runs as root: each case runs in a child that takes the credentials it
 * needs (uid 65534 unless the case says otherwise), under an alarm, so that
 * no case can hang the run or leak state into the next.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/wait.h>

#include "test_util.h"
/* After test_util.h's net/if.h, which the kernel's if.h yields to. */
#include <linux/errqueue.h>
#include <linux/sockios.h>
#include <netinet/icmp6.h>
#include <netinet/ip_icmp.h>

#define NOBODY 65534
#define OBS_MAX 2048

static char obs[OBS_MAX];
static bool icmp_ep_impl;

/* Observation helpers */

static void say(const char *fmt, ...)
{
	size_t used = strlen(obs);
	va_list ap;

	if (used && used < OBS_MAX - 1)
		obs[used++] = ' ';
	va_start(ap, fmt);
	vsnprintf(obs + used, OBS_MAX - used, fmt, ap);
	va_end(ap);
}

/* "ok" for a non-negative result, the errno's name otherwise. */
static const char *res(long rc)
{
	static char buf[8][32];
	static int n;
	char *b = buf[n++ % 8];

	if (rc >= 0)
		return "ok";
	snprintf(b, 32, "%s", strerrorname_np(errno) ?: "E?");
	return b;
}

struct addr {
	union {
		struct sockaddr sa;
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
		struct sockaddr_storage ss;
	};
	socklen_t len;
};

static const char *addr_str(const void *p, socklen_t len)
{
	static char buf[4][160];
	static int n;
	const struct sockaddr_storage *ss = p;
	char *b = buf[n++ % 4], a[INET6_ADDRSTRLEN];

	sockaddr_ntop(ss->ss_family, ss, a, sizeof(a));
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s = p;

		snprintf(b, 160, "inet/%s/port%s/len%u", a,
			 s->sin_port ? "+" : "0", len);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s = p;

		snprintf(b, 160, "inet6/%s/port%s/flow%u/scope%u/len%u", a,
			 s->sin6_port ? "+" : "0", ntohl(s->sin6_flowinfo),
			 s->sin6_scope_id, len);
	} else {
		snprintf(b, 160, "family%d/len%u", ss->ss_family, len);
	}
	return b;
}

/* Sockets and addresses */

static int fam;		/* AF_INET or AF_INET6, for the case running */

static int ping_socket(void)
{
	return ping_open(fam, 0);
}

static struct addr addr_of(const char *ip, unsigned short port)
{
	struct addr a;

	a.len = sockaddr_parse(fam, ip, port, &a.ss);
	return a;
}

static struct addr loopback(unsigned short port)
{
	struct addr a;

	a.len = sockaddr_loopback(fam, port, &a.ss);
	return a;
}

static int level_ip(void)
{
	return ip_level(fam);
}

static unsigned char echo_type(void)
{
	return echo_request_type(fam);
}

static unsigned short local_port(int fd)
{
	struct addr a = { .len = sizeof(a.ss) };

	if (getsockname(fd, &a.sa, &a.len))
		return 0;
	return ntohs(fam == AF_INET ? a.v4.sin_port : a.v6.sin6_port);
}

/* Send an echo request: type, code, seq and payload length as given. */
static long send_echo(int fd, const struct addr *to, unsigned char type,
		      unsigned char code, unsigned short seq, size_t len,
		      int flags)
{
	static unsigned char pkt[70000];

	memset(pkt, 0xa5, len < sizeof(pkt) ? len : sizeof(pkt));
	if (len >= 8) {
		memset(pkt, 0, 8);
		pkt[0] = type;
		pkt[1] = code;
		pkt[6] = seq >> 8;
		pkt[7] = seq & 0xff;
	}
	return to ? sendto(fd, pkt, len, flags, &to->sa, to->len) :
		    send(fd, pkt, len, flags);
}

static bool wait_readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

struct rx {
	long rc;
	int flags;
	unsigned char data[2048];
	struct addr from;
	unsigned char control[512];
	size_t controllen;
};

static void recv_into(int fd, struct rx *r, size_t buflen, int flags)
{
	struct iovec iov = { r->data, buflen };
	struct msghdr msg = {
		.msg_name = &r->from.ss, .msg_namelen = sizeof(r->from.ss),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = r->control,
		.msg_controllen = sizeof(r->control),
	};

	memset(&r->from, 0, sizeof(r->from));
	r->rc = recvmsg(fd, &msg, flags);
	r->flags = msg.msg_flags;
	r->from.len = msg.msg_namelen;
	r->controllen = msg.msg_controllen;
}

/* Describe every cmsg: level, type, length, and a stable value. */
static void say_cmsgs(struct rx *r)
{
	struct msghdr msg = { .msg_control = r->control,
			      .msg_controllen = r->controllen };
	struct cmsghdr *c;
	int n = 0;

	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c), n++) {
		const void *d = CMSG_DATA(c);
		char v[96] = "";

		if (c->cmsg_level == SOL_SOCKET &&
		    (c->cmsg_type == SO_TIMESTAMP ||
		     c->cmsg_type == SO_TIMESTAMPNS)) {
			snprintf(v, sizeof(v), "time");
		} else if (c->cmsg_level == SOL_IP && c->cmsg_type == IP_PKTINFO) {
			const struct in_pktinfo *pi = d;
			char a[16], s[16];

			inet_ntop(AF_INET, &pi->ipi_addr, a, sizeof(a));
			inet_ntop(AF_INET, &pi->ipi_spec_dst, s, sizeof(s));
			snprintf(v, sizeof(v), "if%d/%s/%s", pi->ipi_ifindex,
				 s, a);
		} else if (c->cmsg_level == SOL_IPV6 &&
			   c->cmsg_type == IPV6_PKTINFO) {
			const struct in6_pktinfo *pi = d;
			char a[INET6_ADDRSTRLEN];

			inet_ntop(AF_INET6, &pi->ipi6_addr, a, sizeof(a));
			snprintf(v, sizeof(v), "if%d/%s", pi->ipi6_ifindex, a);
		} else if (c->cmsg_level == SOL_IP && c->cmsg_type == IP_TOS) {
			snprintf(v, sizeof(v), "%u", *(const unsigned char *)d);
		} else if (c->cmsg_len >= CMSG_LEN(sizeof(int))) {
			snprintf(v, sizeof(v), "%d", *(const int *)d);
		}
		say("cmsg%d=%d/%d/%zu/%s", n, c->cmsg_level, c->cmsg_type,
		    (size_t)c->cmsg_len, v);
	}
	if (!n)
		say("no-cmsg");
}

/* Send one echo to loopback and say what came back. */
static void say_round_trip(int fd, int recv_flags)
{
	struct addr to = loopback(0);
	static struct rx r;

	say("send=%s", res(send_echo(fd, &to, echo_type(), 0, 7, 64, 0)));
	if (!wait_readable(fd, 2000)) {
		say("no-reply");
		return;
	}
	recv_into(fd, &r, sizeof(r.data), recv_flags);
	if (r.rc < 0) {
		say("recv=%s", res(r.rc));
		return;
	}
	say("recv=%ld flags=%#x type=%u code=%u id-is-port=%d seq=%u pay=%#x from=%s",
	    r.rc, r.flags, r.data[0], r.data[1],
	    (r.data[4] << 8 | r.data[5]) == local_port(fd),
	    r.data[6] << 8 | r.data[7], r.data[r.rc - 1],
	    addr_str(&r.from.ss, r.from.len));
	say_cmsgs(&r);
}

static int on = 1;

static void say_getint(int fd, int level, int name)
{
	int v = -12345;
	socklen_t len = sizeof(v);
	long rc = getsockopt(fd, level, name, &v, &len);

	if (rc < 0)
		say("get=%s", res(rc));
	else
		say("get=%d/len%u", v, len);
}

/* The cases */

static void c_socket(void)
{
	int fd = ping_socket();

	say("socket=%s", res(fd));
	say_getint(fd, SOL_SOCKET, SO_TYPE);
	say_getint(fd, SOL_SOCKET, SO_PROTOCOL);
	say_getint(fd, SOL_SOCKET, SO_DOMAIN);
}

/* Deviation 1 again: the built-in sets SO_REUSEADDR on every socket. */
static void dev_reuseaddr_default(void)
{
	int fd = ping_socket(), v = -1;
	socklen_t len = sizeof(v);

	getsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, &len);
	say("reuseaddr=%d", v);
	if (v != !icmp_ep_impl)
		say("MISMATCH");
}

static void c_getsockname_fresh(void)
{
	int fd = ping_socket();
	struct addr a = { .len = sizeof(a.ss) };

	say("%s %s", res(getsockname(fd, &a.sa, &a.len)),
	    addr_str(&a.ss, a.len));
}

static void c_bind(const char *ip, unsigned short port, socklen_t shorten)
{
	int fd = ping_socket();
	struct addr a = addr_of(ip, port), got = { .len = sizeof(got.ss) };

	say("bind=%s", res(bind(fd, &a.sa, a.len - shorten)));
	getsockname(fd, &got.sa, &got.len);
	say("name=%s", addr_str(&got.ss, got.len));
}

/* Bind cases that differ only in the address: v4, v6, port, bytes short. */
static const struct {
	const char *name, *v4, *v6;
	unsigned short port;
	socklen_t shorten;
} binds[] = {
	{ "bind.any", "0.0.0.0", "::", 0, 0 },
	{ "bind.loopback", "127.0.0.1", "::1", 0, 0 },
	{ "bind.port", "127.0.0.1", "::1", 3333, 0 },
	{ "bind.short-len", "127.0.0.1", "::1", 0, 1 },
	{ "bind.nonlocal", "192.0.2.1", "2001:db8::1", 0, 0 },
	{ "bind.multicast", "224.0.0.1", "ff02::1", 0, 0 },
	{ "bind.broadcast", "255.255.255.255", "ff0e::1", 0, 0 },
	{ "bind.mapped", "0.0.0.0", "::ffff:127.0.0.1", 0, 0 },
	{ "bind.linklocal-noscope", "169.254.1.1", "fe80::1", 0, 0 },
};

static int bind_index;

static void c_bind_case(void)
{
	c_bind(fam == AF_INET ? binds[bind_index].v4 : binds[bind_index].v6,
	       binds[bind_index].port, binds[bind_index].shorten);
}

static void c_bind_wrong_family(void)
{
	int fd = ping_socket();
	struct addr a = loopback(0);

	a.sa.sa_family = fam == AF_INET ? AF_INET6 : AF_INET;
	say("bind=%s", res(bind(fd, &a.sa, a.len)));
	a.sa.sa_family = AF_UNSPEC;
	say("unspec=%s", res(bind(fd, &a.sa, a.len)));
}

static void c_bind_scope(void)
{
	int fd = ping_socket();
	struct addr a = addr_of("fe80::1", 0);

	if (fam == AF_INET6) {
		a.v6.sin6_scope_id = 999;
		say("badscope=%s", res(bind(fd, &a.sa, a.len)));
		a.v6.sin6_scope_id = 1;
		say("lo=%s", res(bind(fd, &a.sa, a.len)));
	} else {
		a = addr_of("127.0.0.2", 0);
		say("127.0.0.2=%s", res(bind(fd, &a.sa, a.len)));
	}
}

static void c_bind_twice(void)
{
	int fd = ping_socket();
	struct addr a = loopback(0);

	say("first=%s", res(bind(fd, &a.sa, a.len)));
	say("second=%s", res(bind(fd, &a.sa, a.len)));
}

static void c_bind_after_connect(void)
{
	int fd = ping_socket();
	struct addr a = loopback(0);

	say("connect=%s", res(connect(fd, &a.sa, a.len)));
	say("bind=%s", res(bind(fd, &a.sa, a.len)));
}

static void c_rebind_after_close(void)
{
	int fd = ping_socket();
	struct addr a = loopback(3334);

	say("first=%s", res(bind(fd, &a.sa, a.len)));
	close(fd);
	usleep(100000);	/* SOCK_RCU_FREE sockets go after a grace period */
	fd = ping_socket();
	say("again=%s", res(bind(fd, &a.sa, a.len)));
}

static void c_reuse_both(void)
{
	int a = ping_socket(), b = ping_socket();
	struct addr addr = loopback(3335);

	setsockopt_int(a, SOL_SOCKET, SO_REUSEADDR, 1);
	setsockopt_int(b, SOL_SOCKET, SO_REUSEADDR, 1);
	say("a=%s", res(bind(a, &addr.sa, addr.len)));
	say("b=%s", res(bind(b, &addr.sa, addr.len)));
}

/*
 * A bind that fails on its ident leaves the address that a disconnect kept
 * (bound address, ident 0), as ping_bind() sets the address only once the
 * ident is taken.  The holder refuses to share, for the built-in's sake.
 */
static void c_bind_fail_keeps_addr(void)
{
	int fd = ping_socket(), holder = ping_socket();
	struct addr a = loopback(0), held = loopback(3340);
	struct addr any = addr_of(fam == AF_INET ? "0.0.0.0" : "::", 3340);
	struct addr got = { .len = sizeof(got.ss) };
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };

	setsockopt_int(holder, SOL_SOCKET, SO_REUSEADDR, 0);
	say("hold=%s", res(bind(holder, &held.sa, held.len)));
	say("bind=%s", res(bind(fd, &a.sa, a.len)));
	say("connect=%s", res(connect(fd, &a.sa, a.len)));
	say("unspec=%s", res(connect(fd, &unspec, sizeof(unspec))));
	say("rebind=%s", res(bind(fd, &any.sa, any.len)));
	say("name=%s", getsockname(fd, &got.sa, &got.len) ? "error" :
		       addr_str(&got.ss, got.len));
}

/*
 * Deviation 1: an ident is exclusive unless both sockets ask to share;
 * here the second one asks with @b_shares, the first one never does.
 */
static void dev_ident_clash(unsigned short port, bool b_shares)
{
	int a = ping_socket(), b = ping_socket();
	struct addr addr = loopback(port);
	long rc;

	if (b_shares)
		setsockopt_int(b, SOL_SOCKET, SO_REUSEADDR, 1);
	say("a=%s", res(bind(a, &addr.sa, addr.len)));
	rc = bind(b, &addr.sa, addr.len);
	say("b=%s", res(rc));
	if (icmp_ep_impl ? !(rc < 0 && errno == EADDRINUSE) : rc < 0)
		say("MISMATCH");
}

static void dev_ident_exclusive(void)
{
	dev_ident_clash(3336, false);
}

static void dev_ident_reuse_one_side(void)
{
	dev_ident_clash(3337, true);
}

/* Deviation 1: sharing an ident needs the same uid, as SO_REUSEPORT does. */
static void dev_ident_other_uid(void)
{
	struct addr a = loopback(3340);
	int fd, status;
	pid_t pid;

	/* Sockets belong to the fsuid that made them; keep root to fork. */
	if (seteuid(NOBODY))
		say("cannot-seteuid");
	fd = ping_socket();
	if (seteuid(0))
		say("cannot-seteuid");
	setsockopt_int(fd, SOL_SOCKET, SO_REUSEADDR, 1);
	say("uid65534=%s", res(bind(fd, &a.sa, a.len)));
	pid = fork();
	if (pid == 0) {
		int other;

		if (setresuid(65533, 65533, 65533))
			_exit(EPERM);
		other = ping_socket();
		setsockopt_int(other, SOL_SOCKET, SO_REUSEADDR, 1);
		_exit(bind(other, &a.sa, a.len) ? errno : 0);
	}
	waitpid(pid, &status, 0);
	say("uid65533=%s", WEXITSTATUS(status) ?
	    strerrorname_np(WEXITSTATUS(status)) : "ok");
	if (icmp_ep_impl ? WEXITSTATUS(status) != EADDRINUSE :
			   WEXITSTATUS(status) != 0)
		say("MISMATCH");
}

/* No kernel memory in a returned address: pattern-fill, then look. */
static void c_name_initialised(void)
{
	int fd = ping_socket();
	struct addr to = loopback(0);
	unsigned char name[64], buf[128];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr msg = { .msg_name = name, .msg_namelen = sizeof(name),
			      .msg_iov = &iov, .msg_iovlen = 1 };
	size_t i, beyond = 0, padding = 0;

	memset(name, 0xaa, sizeof(name));
	send_echo(fd, &to, echo_type(), 0, 1, 16, 0);
	wait_readable(fd, 2000);
	say("recv=%s namelen=%u", res(recvmsg(fd, &msg, 0)), msg.msg_namelen);
	for (i = msg.msg_namelen; i < sizeof(name); i++)
		beyond += name[i] != 0xaa;
	if (fam == AF_INET)
		for (i = 0; i < 8; i++)
			padding += name[8 + i] != 0;
	say("untouched-beyond=%d sin_zero-clear=%d", !beyond, !padding);
}

static void c_connect(void)
{
	int fd = ping_socket();
	struct addr a = loopback(0), got = { .len = sizeof(got.ss) };

	say("connect=%s", res(connect(fd, &a.sa, a.len)));
	getsockname(fd, &got.sa, &got.len);
	say("name=%s", addr_str(&got.ss, got.len));
	say_round_trip(fd, 0);
}

static void c_connect_short(void)
{
	int fd = ping_socket();
	struct addr a = loopback(0);

	say("connect=%s", res(connect(fd, &a.sa, a.len - 1)));
	say("port-after=%d", local_port(fd) != 0);
}

static void c_connect_wrong_family(void)
{
	int fd = ping_socket();
	struct addr a = loopback(0);

	a.sa.sa_family = fam == AF_INET ? AF_INET6 : AF_INET;
	say("connect=%s", res(connect(fd, &a.sa, a.len)));
}

static void c_connect_mapped(void)
{
	int fd = ping_socket();
	struct addr a = addr_of(fam == AF_INET ? "0.0.0.0" :
				"::ffff:127.0.0.1", 0);

	say("connect=%s", res(connect(fd, &a.sa, a.len)));
}

static void c_connect_unreachable(void)
{
	int fd = ping_socket();
	struct addr a = addr_of(fam == AF_INET ? "192.0.2.1" : "2001:db8::1",
				0);

	say("connect=%s", res(connect(fd, &a.sa, a.len)));
	say("send=%s", res(send_echo(fd, &a, echo_type(), 0, 1, 16, 0)));
}

static void c_connect_disconnect(void)
{
	int fd = ping_socket();
	struct addr a = loopback(0);
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };

	say("connect=%s", res(connect(fd, &a.sa, a.len)));
	say("unspec=%s", res(connect(fd, &unspec, sizeof(unspec))));
	say("port-after=%d", local_port(fd) != 0);
	say("send-noaddr=%s", res(send_echo(fd, NULL, echo_type(), 0, 1, 16,
					    0)));
	/* CVE-2015-3636: connect again after the unhash. */
	say("again=%s", res(connect(fd, &a.sa, a.len)));
	say("unspec-again=%s", res(connect(fd, &unspec, sizeof(unspec))));
	say("again2=%s", res(connect(fd, &a.sa, a.len)));
	say_round_trip(fd, 0);
}

static void c_disconnect_bound(void)
{
	int fd = ping_socket();
	struct addr a = loopback(3338);
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };

	say("bind=%s", res(bind(fd, &a.sa, a.len)));
	say("connect=%s", res(connect(fd, &a.sa, a.len)));
	say("unspec=%s", res(connect(fd, &unspec, sizeof(unspec))));
	say("port-kept=%d", local_port(fd) == 3338);
}

static void c_disconnect_fresh(void)
{
	int fd = ping_socket();
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };

	say("unspec=%s", res(connect(fd, &unspec, sizeof(unspec))));
	say("port=%d", local_port(fd) != 0);
}

static void c_send_len(size_t len)
{
	int fd = ping_socket();
	struct addr a = loopback(0);

	say("send=%s", res(send_echo(fd, &a, echo_type(), 0, 1, len, 0)));
}

static void c_send_short(void)
{
	c_send_len(7);
}

static void c_send_empty(void)
{
	c_send_len(0);
}

static void c_send_header_only(void)
{
	c_send_len(8);
}

static void c_send_max(void)
{
	c_send_len(65535 - (fam == AF_INET ? 28 : 8));
}

static void c_send_too_long(void)
{
	c_send_len(65536);
}

static void c_send_type(unsigned char type, unsigned char code)
{
	int fd = ping_socket();
	struct addr a = loopback(0);

	say("send=%s", res(send_echo(fd, &a, type, code, 1, 16, 0)));
}

static void c_send_reply_type(void)
{
	c_send_type(echo_reply_type(fam), 0);
}

static void c_send_code(void)
{
	c_send_type(echo_type(), 1);
}

static void c_send_ext_echo(void)
{
	c_send_type(fam == AF_INET ? 42 : 160, 0);
}

static void c_send_other_family_type(void)
{
	c_send_type(fam == AF_INET ? ICMP6_ECHO_REQUEST : ICMP_ECHO, 0);
}

static void c_send_flags(int flags)
{
	int fd = ping_socket();
	struct addr a = loopback(0);

	say("send=%s", res(send_echo(fd, &a, echo_type(), 0, 1, 16, flags)));
}

static void c_send_oob(void)
{
	c_send_flags(MSG_OOB);
}

static void c_send_dontwait(void)
{
	c_send_flags(MSG_DONTWAIT);
}

static void c_send_more(void)
{
	c_send_flags(MSG_MORE);
}

static void c_send_unconnected_noaddr(void)
{
	int fd = ping_socket();

	say("send=%s", res(send_echo(fd, NULL, echo_type(), 0, 1, 16, 0)));
}

static void c_send_name_wrong(void)
{
	int fd = ping_socket();
	struct addr a = loopback(0);

	a.sa.sa_family = fam == AF_INET ? AF_INET6 : AF_INET;
	say("family=%s", res(send_echo(fd, &a, echo_type(), 0, 1, 16, 0)));
	a = loopback(0);
	a.len -= 1;
	say("short=%s", res(send_echo(fd, &a, echo_type(), 0, 1, 16, 0)));
}

static void c_send_efault(void)
{
	int fd = ping_socket();
	struct addr a = loopback(0);

	say("send=%s", res(sendto(fd, (void *)8, 64, 0, &a.sa, a.len)));
}

static void c_shutdown_send(void)
{
	int fd = ping_socket();
	struct addr a = loopback(0);

	signal(SIGPIPE, SIG_IGN);
	say("connect=%s", res(connect(fd, &a.sa, a.len)));
	say("shut=%s", res(shutdown(fd, SHUT_WR)));
	say("send=%s", res(send_echo(fd, NULL, echo_type(), 0, 1, 16, 0)));
}

static void c_shutdown_unconnected(void)
{
	int fd = ping_socket();

	say("rd=%s", res(shutdown(fd, SHUT_RD)));
	say("bad=%s", res(shutdown(fd, 7)));
}

static void c_shutdown_read(void)
{
	int fd = ping_socket();
	struct addr a = loopback(0);
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT | POLLRDHUP };
	char buf[64];

	say("connect=%s", res(connect(fd, &a.sa, a.len)));
	say("shut=%s", res(shutdown(fd, SHUT_RD)));
	poll(&p, 1, 0);
	say("revents=%#x", p.revents);
	say("recv=%ld", (long)recv(fd, buf, sizeof(buf), 0));
	say("rdwr=%s", res(shutdown(fd, SHUT_RDWR)));
}

static void c_listen_accept(void)
{
	int fd = ping_socket();

	say("listen=%s", res(listen(fd, 1)));
	say("accept=%s", res(accept(fd, NULL, NULL)));
}

static void c_round_trip(void)
{
	say_round_trip(ping_socket(), 0);
}

static void c_round_trip_bound(void)
{
	int fd = ping_socket();
	struct addr a = loopback(3339);

	say("bind=%s", res(bind(fd, &a.sa, a.len)));
	say_round_trip(fd, 0);
}

static void c_recv_peek(void)
{
	int fd = ping_socket();
	static struct rx r;

	say_round_trip(fd, MSG_PEEK);
	recv_into(fd, &r, sizeof(r.data), MSG_DONTWAIT);
	say("then=%ld", r.rc);
	recv_into(fd, &r, sizeof(r.data), MSG_DONTWAIT);
	say("empty=%s", res(r.rc));
}

static void c_recv_trunc(void)
{
	int fd = ping_socket();
	struct addr a = loopback(0);
	static struct rx r;

	send_echo(fd, &a, echo_type(), 0, 1, 64, 0);
	wait_readable(fd, 2000);
	recv_into(fd, &r, 10, 0);
	say("rc=%ld flags=%#x", r.rc, r.flags);
	send_echo(fd, &a, echo_type(), 0, 2, 64, 0);
	wait_readable(fd, 2000);
	recv_into(fd, &r, 10, MSG_TRUNC);
	say("trunc-flag rc=%ld flags=%#x", r.rc, r.flags);
}

static void c_recv_empty(void)
{
	int fd = ping_socket();
	struct timeval tv = { 0, 200000 };
	static struct rx r;

	recv_into(fd, &r, sizeof(r.data), MSG_DONTWAIT);
	say("dontwait=%s", res(r.rc));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	recv_into(fd, &r, sizeof(r.data), 0);
	say("timeo=%s", res(r.rc));
	recv_into(fd, &r, sizeof(r.data), MSG_OOB);
	say("oob=%s", res(r.rc));
	recv_into(fd, &r, sizeof(r.data), MSG_ERRQUEUE);
	say("errqueue=%s", res(r.rc));
}

/* Receive control messages, one option at a time. */
static void c_rxopt(int level, int name, int val)
{
	int fd = ping_socket();

	say("set=%s", res(setsockopt_int(fd, level, name, val)));
	say_round_trip(fd, 0);
}

static void c_so_timestamp(void)
{
	c_rxopt(SOL_SOCKET, SO_TIMESTAMP, 1);
}

static void c_so_timestampns(void)
{
	c_rxopt(SOL_SOCKET, SO_TIMESTAMPNS, 1);
}

static void c_recvttl(void)
{
	c_rxopt(level_ip(), fam == AF_INET ? IP_RECVTTL : IPV6_RECVHOPLIMIT, 1);
}

static void c_recvtos(void)
{
	c_rxopt(level_ip(), fam == AF_INET ? IP_RECVTOS : IPV6_RECVTCLASS, 1);
}

static void c_pktinfo(void)
{
	c_rxopt(level_ip(), fam == AF_INET ? IP_PKTINFO : IPV6_RECVPKTINFO, 1);
}

static void c_recverr_clean(void)
{
	c_rxopt(level_ip(), recverr_opt(fam), 1);
}

static void c_tos_round_trip(void)
{
	int fd = ping_socket();

	setsockopt_int(fd, level_ip(), fam == AF_INET ? IP_TOS : IPV6_TCLASS,
		       0x20);
	setsockopt_int(fd, level_ip(),
		       fam == AF_INET ? IP_RECVTOS : IPV6_RECVTCLASS, 1);
	say_round_trip(fd, 0);
}

static void c_ttl_option(void)
{
	int fd = ping_socket();
	int name = fam == AF_INET ? IP_TTL : IPV6_UNICAST_HOPS;

	say("set5=%s", res(setsockopt_int(fd, level_ip(), name, 5)));
	say_getint(fd, level_ip(), name);
	say("set0=%s", res(setsockopt_int(fd, level_ip(), name, 0)));
	say("set256=%s", res(setsockopt_int(fd, level_ip(), name, 256)));
	say("set-1=%s", res(setsockopt_int(fd, level_ip(), name, -1)));
	say_getint(fd, level_ip(), name);
	say_round_trip(fd, 0);
}

/* Send an echo to loopback with one cmsg: @vlen bytes of @val. */
static long send_cmsg(int fd, int level, int type, const void *val,
		      size_t vlen)
{
	struct addr a = loopback(0);
	unsigned char pkt[16] = { echo_type() };
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} u = {};
	struct iovec iov = { pkt, sizeof(pkt) };
	struct msghdr msg = {
		.msg_name = &a.ss, .msg_namelen = a.len,
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = CMSG_SPACE(vlen),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = level;
	c->cmsg_type = type;
	c->cmsg_len = CMSG_LEN(vlen);
	memcpy(CMSG_DATA(c), val, vlen);
	return sendmsg(fd, &msg, 0);
}

/* An int, or its first @vlen bytes, as a cmsg; and whether a reply came. */
static void c_send_cmsg(int level, int type, int val, size_t vlen)
{
	int fd = ping_socket();

	say("send=%s", res(send_cmsg(fd, level, type, &val, vlen)));
	if (wait_readable(fd, 2000))
		say("reply");
}

static void c_cmsg_ttl(void)
{
	c_send_cmsg(level_ip(), fam == AF_INET ? IP_TTL : IPV6_HOPLIMIT, 9, sizeof(int));
}

static void c_cmsg_ttl_bad(void)
{
	c_send_cmsg(level_ip(), fam == AF_INET ? IP_TTL : IPV6_HOPLIMIT, 300, sizeof(int));
}

static void c_cmsg_ttl_short(void)
{
	c_send_cmsg(level_ip(), fam == AF_INET ? IP_TTL : IPV6_HOPLIMIT, 9, 1);
}

static void c_cmsg_tos(void)
{
	c_send_cmsg(level_ip(), fam == AF_INET ? IP_TOS : IPV6_TCLASS, 0x40, sizeof(int));
}

static void c_cmsg_tos_byte(void)
{
	c_send_cmsg(level_ip(), fam == AF_INET ? IP_TOS : IPV6_TCLASS, 0x40, 1);
}

static void c_cmsg_unknown(void)
{
	c_send_cmsg(level_ip(), 250, 1, sizeof(int));
}

static void c_cmsg_other_level(void)
{
	c_send_cmsg(IPPROTO_TCP, 1, 1, sizeof(int));
}

static void c_cmsg_so_mark(void)
{
	c_send_cmsg(SOL_SOCKET, SO_MARK, 1, sizeof(int));
}

static void c_cmsg_pktinfo(void)
{
	union {
		struct in_pktinfo v4;
		struct in6_pktinfo v6;
	} pi = {};
	int fd = ping_socket();
	long rc;

	if (fam == AF_INET) {
		pi.v4.ipi_ifindex = 1;
		rc = send_cmsg(fd, SOL_IP, IP_PKTINFO, &pi.v4, sizeof(pi.v4));
	} else {
		pi.v6.ipi6_ifindex = 1;
		rc = send_cmsg(fd, SOL_IPV6, IPV6_PKTINFO, &pi.v6,
			       sizeof(pi.v6));
	}
	say("send=%s", res(rc));
}

/* A sweep of socket options: get, then set to 1. */
static const struct { const char *name; int level, opt; } opts[] = {
	{ "SO_ERROR", SOL_SOCKET, SO_ERROR },
	{ "SO_RCVBUF", SOL_SOCKET, SO_RCVBUF },
	{ "SO_SNDBUF", SOL_SOCKET, SO_SNDBUF },
	{ "SO_KEEPALIVE", SOL_SOCKET, SO_KEEPALIVE },
	{ "SO_BROADCAST", SOL_SOCKET, SO_BROADCAST },
	{ "SO_PRIORITY", SOL_SOCKET, SO_PRIORITY },
	{ "SO_RCVLOWAT", SOL_SOCKET, SO_RCVLOWAT },
	{ "SO_MARK", SOL_SOCKET, SO_MARK },
	{ "SO_ACCEPTCONN", SOL_SOCKET, SO_ACCEPTCONN },
	{ "SO_PEEK_OFF", SOL_SOCKET, SO_PEEK_OFF },
	{ "SO_RXQ_OVFL", SOL_SOCKET, SO_RXQ_OVFL },
	{ "SO_PASSCRED", SOL_SOCKET, SO_PASSCRED },
	{ "SO_BUSY_POLL", SOL_SOCKET, SO_BUSY_POLL },
	{ "SO_INCOMING_CPU", SOL_SOCKET, SO_INCOMING_CPU },
	{ "IP_TOS", SOL_IP, IP_TOS },
	{ "IP_RECVERR", SOL_IP, IP_RECVERR },
	{ "IP_MTU_DISCOVER", SOL_IP, IP_MTU_DISCOVER },
	{ "IP_MTU", SOL_IP, IP_MTU },
	{ "IP_HDRINCL", SOL_IP, IP_HDRINCL },
	{ "IP_MULTICAST_TTL", SOL_IP, IP_MULTICAST_TTL },
	{ "IP_MULTICAST_LOOP", SOL_IP, IP_MULTICAST_LOOP },
	{ "IP_PKTINFO", SOL_IP, IP_PKTINFO },
	{ "IP_RECVOPTS", SOL_IP, IP_RECVOPTS },
	{ "IP_FREEBIND", SOL_IP, IP_FREEBIND },
	{ "IP_TRANSPARENT", SOL_IP, IP_TRANSPARENT },
	{ "IP_BIND_ADDRESS_NO_PORT", SOL_IP, IP_BIND_ADDRESS_NO_PORT },
	{ "IPV6_UNICAST_HOPS", SOL_IPV6, IPV6_UNICAST_HOPS },
	{ "IPV6_TCLASS", SOL_IPV6, IPV6_TCLASS },
	{ "IPV6_V6ONLY", SOL_IPV6, IPV6_V6ONLY },
	{ "IPV6_RECVERR", SOL_IPV6, IPV6_RECVERR },
	{ "IPV6_MTU_DISCOVER", SOL_IPV6, IPV6_MTU_DISCOVER },
	{ "IPV6_MTU", SOL_IPV6, IPV6_MTU },
	{ "IPV6_CHECKSUM", SOL_IPV6, IPV6_CHECKSUM },
	{ "IPV6_RECVPKTINFO", SOL_IPV6, IPV6_RECVPKTINFO },
	{ "IPV6_MULTICAST_HOPS", SOL_IPV6, IPV6_MULTICAST_HOPS },
	{ "IPV6_DONTFRAG", SOL_IPV6, IPV6_DONTFRAG },
	{ "IPV6_AUTOFLOWLABEL", SOL_IPV6, IPV6_AUTOFLOWLABEL },
	{ "ICMP6_FILTER", SOL_ICMPV6, ICMP6_FILTER },
	{ "UNKNOWN_LEVEL", 277, 1 },
	{ "UNKNOWN_IP", SOL_IP, 250 },
};

static int opt_index;

static void c_sockopt(void)
{
	int fd = ping_socket();

	say_getint(fd, opts[opt_index].level, opts[opt_index].opt);
	say("set1=%s", res(setsockopt_int(fd, opts[opt_index].level,
					  opts[opt_index].opt, 1)));
	say_getint(fd, opts[opt_index].level, opts[opt_index].opt);
}

static void c_bindtodevice(void)
{
	int fd = ping_socket();

	say("lo=%s", res(setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, "lo", 3)));
	say_round_trip(fd, 0);
	say("none=%s", res(setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, "nope0",
				      6)));
}

static void c_ioctl_other(void)
{
	int fd = ping_socket(), v = 0;
	struct timeval tv;

	say("stamp=%s", res(ioctl(fd, SIOCGSTAMP, &tv)));
	say("bogus=%s", res(ioctl(fd, 0x89ef, &v)));
	say("fionbio=%s", res(ioctl(fd, FIONBIO, &on)));
}

/* Deviation 3: SIOCINQ and SIOCOUTQ. */
static void dev_ioctl_inq(void)
{
	int fd = ping_socket(), v = -1;
	struct addr a = loopback(0);
	long rc0, rc1;
	int empty;

	rc0 = ioctl(fd, SIOCINQ, &v);
	empty = v;
	say("empty=%s/%d", res(rc0), v);
	send_echo(fd, &a, echo_type(), 0, 1, 40, 0);
	wait_readable(fd, 2000);
	v = -1;
	rc1 = ioctl(fd, SIOCINQ, &v);
	say("queued=%s/%d", res(rc1), v);
	if (icmp_ep_impl ? (rc0 || rc1 || empty != 0 || v != 40) :
			   !(rc1 < 0 && errno == ENOTTY))
		say("MISMATCH");
}

static void dev_ioctl_outq(void)
{
	int fd = ping_socket(), v = -1;
	long rc = ioctl(fd, SIOCOUTQ, &v);

	say("outq=%s/%d", res(rc), v);
	if (icmp_ep_impl ? (rc || v != 0) : !(rc < 0 && errno == ENOTTY))
		say("MISMATCH");
}

/* Deviation 2: getpeername on a connected socket. */
static void dev_getpeername(void)
{
	int fd = ping_socket();
	struct addr a = loopback(0), p = { .len = sizeof(p.ss) };
	long rc;

	say("unconnected=%s", res(getpeername(fd, &p.sa, &p.len)));
	connect(fd, &a.sa, a.len);
	p.len = sizeof(p.ss);
	rc = getpeername(fd, &p.sa, &p.len);
	say("connected=%s", res(rc));
	if (rc == 0)
		say("peer=%s", addr_str(&p.ss, p.len));
	if (icmp_ep_impl ? (rc || p.len != a.len ||
			    memcmp(&p.ss, &a.ss, a.len)) :
			   !(rc < 0 && errno == ENOTCONN))
		say("MISMATCH");
}

static void c_getpeername_unconnected(void)
{
	int fd = ping_socket();
	struct addr p = { .len = sizeof(p.ss) };

	say("%s", res(getpeername(fd, &p.sa, &p.len)));
}

static void c_poll(void)
{
	int fd = ping_socket();
	struct addr a = loopback(0);
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };

	poll(&p, 1, 0);
	say("fresh=%#x", p.revents);
	send_echo(fd, &a, echo_type(), 0, 1, 16, 0);
	wait_readable(fd, 2000);
	p.revents = 0;
	poll(&p, 1, 0);
	say("reply=%#x", p.revents);
}

static void c_close_with_data(void)
{
	int fd = ping_socket();
	struct addr a = loopback(0);

	send_echo(fd, &a, echo_type(), 0, 1, 16, 0);
	wait_readable(fd, 2000);
	say("close=%s", res(close(fd)));
}

/*
 * Deviation: SO_RXQ_OVFL.  Overflow a tiny receive queue, drain it, then
 * receive one more reply: it carries the drop count, with icmp_ep.
 */
static void dev_rxq_ovfl(void)
{
	int fd = ping_socket(), i;
	struct addr a = loopback(0);
	static struct rx r;
	bool found = false;
	struct msghdr msg;
	struct cmsghdr *c;

	setsockopt_int(fd, SOL_SOCKET, SO_RCVBUF, 1);
	setsockopt_int(fd, SOL_SOCKET, SO_RXQ_OVFL, 1);
	for (i = 0; i < 20; i++)
		send_echo(fd, &a, echo_type(), 0, i, 1000, 0);
	usleep(300000);
	do
		recv_into(fd, &r, sizeof(r.data), MSG_DONTWAIT);
	while (r.rc >= 0);
	send_echo(fd, &a, echo_type(), 0, 99, 16, 0);
	wait_readable(fd, 2000);
	recv_into(fd, &r, sizeof(r.data), MSG_DONTWAIT);
	msg = (struct msghdr){ .msg_control = r.control,
			       .msg_controllen = r.controllen };
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL)
			found = *(unsigned int *)CMSG_DATA(c) > 0;
	say("recv=%s ovfl=%s", res(r.rc), found ? "nonzero" : "absent");
	if (found != icmp_ep_impl)
		say("MISMATCH");
}

/* ping_group_range, as root sets it; the case runs with given groups. */
static void set_range(const char *range)
{
	if (ping_group_range_set(range))
		say("cannot-set-range");
}

static void as(gid_t egid, const gid_t *groups, size_t n)
{
	if (setgroups(n, groups) || setresgid(egid, egid, egid) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		say("cannot-drop");
}

static void c_pgr(gid_t egid, gid_t supp)
{
	set_range("100 200");
	as(egid, &supp, supp ? 1 : 0);
	say("socket=%s", res(ping_socket()));
}

static void c_pgr_egid(void)
{
	c_pgr(150, 0);
}

static void c_pgr_supp(void)
{
	c_pgr(65534, 199);
}

static void c_pgr_edge(void)
{
	c_pgr(200, 0);
}

static void c_pgr_none(void)
{
	c_pgr(65534, 201);
}

static void c_pgr_netns(void)
{
	if (unshare(CLONE_NEWNET)) {
		say("unshare=%s", res(-1));
		return;
	}
	lo_up();
	set_range("300 300");
	as(300, NULL, 0);
	say("inside=%s", res(ping_socket()));
}

static void c_pgr_netns_other(void)
{
	if (unshare(CLONE_NEWNET)) {
		say("unshare=%s", res(-1));
		return;
	}
	lo_up();	/* a new namespace starts with "1 0" */
	as(150, NULL, 0);
	say("fresh-ns=%s", res(ping_socket()));
}

/* The same ident in two namespaces; each gets only its own reply. */
static void c_two_netns(void)
{
	int pipefd[2], i;
	char buf[256] = "";

	if (pipe(pipefd))
		return;
	for (i = 0; i < 2; i++) {
		if (fork() == 0) {
			int fd;
			struct addr a;

			close(pipefd[0]);
			obs[0] = 0;
			if (unshare(CLONE_NEWNET))
				_exit(1);
			lo_up();
			set_range("0 2147483647");
			as(NOBODY, NULL, 0);
			fd = ping_socket();
			a = loopback(4242);
			say("ns%d-bind=%s", i, res(bind(fd, &a.sa, a.len)));
			say_round_trip(fd, 0);
			if (write(pipefd[1], obs, strlen(obs) + 1) < 0)
				_exit(1);
			_exit(0);
		}
		wait(NULL);
		memset(buf, 0, sizeof(buf));
		if (read(pipefd[0], buf, sizeof(buf) - 1) < 0)
			say("no-report");
		say("%s", buf);
	}
}

/* Add ::2/128 to lo, as "ip -6 addr add ::2/128 dev lo" does. */
static void lo_add_v6_other(void)
{
	struct {
		struct in6_addr addr;
		unsigned int prefixlen;
		int ifindex;
	} ifr6 = { .prefixlen = 128, .ifindex = if_nametoindex("lo") };
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);

	inet_pton(AF_INET6, "::2", &ifr6.addr);
	if (ioctl(fd, SIOCSIFADDR, &ifr6))
		say("cannot-add-::2");
	close(fd);
}

/* Whether an echo sent to @to comes back to @fd, and from where. */
static bool say_reply_from(int fd, const struct addr *to, const char *what)
{
	static struct rx r;

	send_echo(fd, to, echo_type(), 0, 1, 16, 0);
	if (!wait_readable(fd, 1000)) {
		say("%s=none", what);
		return false;
	}
	recv_into(fd, &r, sizeof(r.data), MSG_DONTWAIT);
	say("%s=%s", what, r.rc < 0 ? res(r.rc) :
			    addr_str(&r.from.ss, r.from.len));
	return r.rc >= 0;
}

/*
 * Deviation: a connected socket hears only its peer.  Connected to
 * loopback, it sends to another local address: that address's reply
 * carries the socket's ident but does not come from its peer.
 */
static void dev_connected_peer_only(void)
{
	struct addr peer, other, unspec = { .sa.sa_family = AF_UNSPEC,
					    .len = sizeof(struct sockaddr) };
	bool heard, peer_heard, after;
	int fd;

	if (unshare(CLONE_NEWNET)) {
		say("unshare=%s", res(-1));
		return;
	}
	lo_up();
	if (fam == AF_INET6)
		lo_add_v6_other();
	set_range("0 2147483647");
	as(NOBODY, NULL, 0);
	fd = ping_socket();
	peer = loopback(0);
	other = addr_of(fam == AF_INET ? "127.0.0.2" : "::2", 0);
	say("connect=%s", res(connect(fd, &peer.sa, peer.len)));
	heard = say_reply_from(fd, &other, "other");
	peer_heard = say_reply_from(fd, NULL, "peer");
	say("disconnect=%s", res(connect(fd, &unspec.sa, unspec.len)));
	after = say_reply_from(fd, &other, "other-after-disconnect");
	/*
	 * What the built-in hears from the other address while connected
	 * differs by kernel (6.1's IPv6 sockets hear it, 6.12's do not): it
	 * is printed, and only icmp_ep is held to never hearing it.
	 */
	if ((icmp_ep_impl && heard) || !peer_heard || !after)
		say("MISMATCH");
}

struct test {
	const char *name;
	void (*fn)(void);
	bool root;	/* keeps root; drops itself if it must */
};

#define CASE(name, fn) { name, fn, false }
#define ROOT_CASE(name, fn) { name, fn, true }

static const struct test tests[] = {
	CASE("socket.create", c_socket),
	CASE("socket.getsockname", c_getsockname_fresh),
	CASE("dev.reuseaddr-default", dev_reuseaddr_default),
	CASE("bind.wrong-family", c_bind_wrong_family),
	CASE("bind.scope", c_bind_scope),
	CASE("bind.twice", c_bind_twice),
	CASE("bind.after-connect", c_bind_after_connect),
	CASE("bind.rebind-after-close", c_rebind_after_close),
	CASE("bind.reuseaddr-both", c_reuse_both),
	CASE("bind.fail-keeps-addr", c_bind_fail_keeps_addr),
	CASE("dev.ident-exclusive", dev_ident_exclusive),
	CASE("dev.ident-reuse-one-side", dev_ident_reuse_one_side),
	ROOT_CASE("dev.ident-other-uid", dev_ident_other_uid),
	CASE("connect.loopback", c_connect),
	CASE("connect.short-len", c_connect_short),
	CASE("connect.wrong-family", c_connect_wrong_family),
	CASE("connect.mapped", c_connect_mapped),
	CASE("connect.unreachable", c_connect_unreachable),
	CASE("connect.disconnect-reconnect", c_connect_disconnect),
	CASE("connect.disconnect-bound", c_disconnect_bound),
	CASE("connect.disconnect-fresh", c_disconnect_fresh),
	CASE("send.short", c_send_short),
	CASE("send.empty", c_send_empty),
	CASE("send.header-only", c_send_header_only),
	CASE("send.max", c_send_max),
	CASE("send.too-long", c_send_too_long),
	CASE("send.reply-type", c_send_reply_type),
	CASE("send.code", c_send_code),
	CASE("send.ext-echo", c_send_ext_echo),
	CASE("send.other-family-type", c_send_other_family_type),
	CASE("send.oob", c_send_oob),
	CASE("send.dontwait", c_send_dontwait),
	CASE("send.more", c_send_more),
	CASE("send.unconnected-noaddr", c_send_unconnected_noaddr),
	CASE("send.bad-name", c_send_name_wrong),
	CASE("send.efault", c_send_efault),
	CASE("send.after-shut-wr", c_shutdown_send),
	CASE("shutdown.unconnected", c_shutdown_unconnected),
	CASE("shutdown.read", c_shutdown_read),
	CASE("listen-accept", c_listen_accept),
	CASE("recv.round-trip", c_round_trip),
	CASE("recv.round-trip-bound", c_round_trip_bound),
	CASE("recv.peek", c_recv_peek),
	CASE("recv.name-initialised", c_name_initialised),
	CASE("recv.trunc", c_recv_trunc),
	CASE("recv.empty", c_recv_empty),
	CASE("cmsg.so-timestamp", c_so_timestamp),
	CASE("cmsg.so-timestampns", c_so_timestampns),
	CASE("cmsg.recvttl", c_recvttl),
	CASE("cmsg.recvtos", c_recvtos),
	CASE("cmsg.pktinfo", c_pktinfo),
	CASE("cmsg.recverr-clean", c_recverr_clean),
	CASE("cmsg.tos-round-trip", c_tos_round_trip),
	CASE("sockopt.ttl", c_ttl_option),
	CASE("sendcmsg.ttl", c_cmsg_ttl),
	CASE("sendcmsg.ttl-bad", c_cmsg_ttl_bad),
	CASE("sendcmsg.ttl-short", c_cmsg_ttl_short),
	CASE("sendcmsg.tos", c_cmsg_tos),
	CASE("sendcmsg.tos-byte", c_cmsg_tos_byte),
	CASE("sendcmsg.unknown", c_cmsg_unknown),
	CASE("sendcmsg.other-level", c_cmsg_other_level),
	CASE("sendcmsg.so-mark", c_cmsg_so_mark),
	CASE("sendcmsg.pktinfo", c_cmsg_pktinfo),
	CASE("sockopt.bindtodevice", c_bindtodevice),
	CASE("ioctl.other", c_ioctl_other),
	CASE("dev.ioctl-siocinq", dev_ioctl_inq),
	CASE("dev.ioctl-siocoutq", dev_ioctl_outq),
	CASE("dev.getpeername", dev_getpeername),
	CASE("getpeername.unconnected", c_getpeername_unconnected),
	CASE("poll", c_poll),
	CASE("close.with-data", c_close_with_data),
	CASE("dev.rxq-ovfl", dev_rxq_ovfl),
	ROOT_CASE("ping-group-range.egid", c_pgr_egid),
	ROOT_CASE("ping-group-range.supplementary", c_pgr_supp),
	ROOT_CASE("ping-group-range.upper-edge", c_pgr_edge),
	ROOT_CASE("ping-group-range.outside", c_pgr_none),
	ROOT_CASE("ping-group-range.per-netns", c_pgr_netns),
	ROOT_CASE("ping-group-range.new-netns-default", c_pgr_netns_other),
	ROOT_CASE("netns.same-ident", c_two_netns),
	ROOT_CASE("dev.connected-peer-only", dev_connected_peer_only),
};

static void run(const char *name, void (*fn)(void), bool root)
{
	int pipefd[2];
	char buf[OBS_MAX + 1] = "";
	ssize_t n, got = 0;
	int status;
	pid_t pid;

	if (pipe(pipefd))
		exit(2);
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		alarm(10);
		obs[0] = 0;
		if (!root)
			as(NOBODY, NULL, 0);
		fn();
		if (write(pipefd[1], obs, strlen(obs)) < 0)
			_exit(1);
		_exit(0);
	}
	close(pipefd[1]);
	while ((n = read(pipefd[0], buf + got, OBS_MAX - got)) > 0)
		got += n;
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	if (WIFSIGNALED(status))
		snprintf(buf + got, OBS_MAX + 1 - got, " killed-by-%d",
			 WTERMSIG(status));
	printf("%s %s\n", name, buf);
	fflush(stdout);
	/* The built-in's ping_group_range must be open again for the next. */
	if (root)
		set_range("0 2147483647");
}

int main(int argc, char **argv)
{
	char name[128];
	size_t i;
	int f;

	if (argc != 3 || strcmp(argv[1], "--impl") ||
	    (strcmp(argv[2], "builtin") && strcmp(argv[2], "icmp_ep")))
		return usage("usage: conformance --impl builtin|icmp_ep\n");
	icmp_ep_impl = !strcmp(argv[2], "icmp_ep");
	lo_up();
	set_range("0 2147483647");

	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		for (f = 0; f < 2; f++) {
			fam = f ? AF_INET6 : AF_INET;
			snprintf(name, sizeof(name), "%s.%s",
				 f ? "v6" : "v4", tests[i].name);
			run(name, tests[i].fn, tests[i].root);
		}
	}
	for (i = 0; i < ARRAY_SIZE(binds); i++) {
		bind_index = i;
		for (f = 0; f < 2; f++) {
			fam = f ? AF_INET6 : AF_INET;
			snprintf(name, sizeof(name), "%s.%s", f ? "v6" : "v4",
				 binds[i].name);
			run(name, c_bind_case, false);
		}
	}
	for (i = 0; i < ARRAY_SIZE(opts); i++) {
		opt_index = i;
		for (f = 0; f < 2; f++) {
			fam = f ? AF_INET6 : AF_INET;
			snprintf(name, sizeof(name), "%s.sockopt.%s",
				 f ? "v6" : "v4", opts[i].name);
			run(name, c_sockopt, false);
		}
	}
	return 0;
}
