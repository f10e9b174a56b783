// SPDX-License-Identifier: GPL-2.0
/*
 * echoid: which ident a ping socket ends up with, and which identifier the
 * reply to its echo request carries, when the request names one.
 *
 *   echoid v4|v6 SPEC...
 *
 * Each SPEC opens a socket of its own, kept open until the program ends,
 * sends one echo request to the loopback address and prints one line:
 *
 *   send:ID[:NEXT]	an unbound socket sends identifier ID, then, if
 *			given, a second request with identifier NEXT
 *   bind:IDENT:ID	a socket bound to ident IDENT sends identifier ID
 *   connect:ID		a socket connected to the loopback address (which
 *			autobinds it) sends identifier ID
 *   reuse:ID		as send:ID, on a socket with SO_REUSEADDR set
 *
 * The line is "SPEC: send=ok ident=N reply=M": N is getsockname()'s port,
 * M the identifier of the reply, or "none" if none came within 2 s.  A call
 * that fails says so, "bind=EADDRINUSE" or "send=EAGAIN", with the ident
 * the socket holds afterwards.  With NEXT, " next=K" follows: the
 * identifier of the reply to the second request.  Sockets stay open so that the next SPEC
 * sees their idents taken.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>

#include "test_util.h"

#define MAX_SOCKS 64

static int fam;

static const char *errname(int e)
{
	return strerrorname_np(e) ?: "E?";
}

static unsigned int parse_u16(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || (*end && *end != ':') || v > 0xffff) {
		fprintf(stderr, "echoid: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

static unsigned int local_ident(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		die("echoid: getsockname");
	/* sin_port and sin6_port sit at the same offset. */
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

/* The identifier of the first echo reply within 2 s, or -1. */
static int reply_id(int fd)
{
	unsigned char buf[2048];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;

	while (poll(&pfd, 1, 2000) == 1) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			die("echoid: recv");
		if (n >= 8 && buf[0] == echo_reply_type(fam))
			return buf[4] << 8 | buf[5];
	}
	return -1;
}

/* Send one echo request with @id to the loopback address; errno or 0. */
static int send_echo(int fd, unsigned int id)
{
	unsigned char echo[16] = { echo_request_type(fam), 0, 0, 0,
				   id >> 8, id & 0xff, 0, 1 };
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_loopback(fam, 0, &ss);

	if (sendto(fd, echo, sizeof(echo), 0, (struct sockaddr *)&ss,
		   len) < 0)
		return errno;
	return 0;
}

static void print_reply(const char *what, int id)
{
	if (id < 0)
		printf(" %s=none", what);
	else
		printf(" %s=%d", what, id);
}

static void run_spec(const char *spec)
{
	struct sockaddr_storage ss;
	const char *arg = strchr(spec, ':');
	unsigned int id;
	int fd, err;

	if (!arg) {
		fprintf(stderr, "echoid: bad spec '%s'\n", spec);
		exit(2);
	}
	fd = ping_open(fam, 0);
	if (fd < 0)
		die("echoid: socket");
	printf("%s:", spec);
	arg++;
	if (!strncmp(spec, "bind:", 5)) {
		socklen_t len = sockaddr_loopback(fam, parse_u16(arg), &ss);

		arg = strchr(arg, ':');
		if (!arg) {
			fprintf(stderr, "echoid: bind wants IDENT:ID\n");
			exit(2);
		}
		arg++;
		if (bind(fd, (struct sockaddr *)&ss, len))
			printf(" bind=%s", errname(errno));
	} else if (!strncmp(spec, "connect:", 8)) {
		socklen_t len = sockaddr_loopback(fam, 0, &ss);

		if (connect(fd, (struct sockaddr *)&ss, len))
			printf(" connect=%s", errname(errno));
	} else if (!strncmp(spec, "reuse:", 6)) {
		if (setsockopt_int(fd, SOL_SOCKET, SO_REUSEADDR, 1))
			die("echoid: SO_REUSEADDR");
	} else if (strncmp(spec, "send:", 5)) {
		fprintf(stderr, "echoid: bad spec '%s'\n", spec);
		exit(2);
	}
	id = parse_u16(arg);
	err = send_echo(fd, id);
	printf(" send=%s ident=%u", err ? errname(err) : "ok",
	       local_ident(fd));
	print_reply("reply", err ? -1 : reply_id(fd));
	arg = strchr(arg, ':');
	if (arg && !strncmp(spec, "send:", 5)) {
		err = send_echo(fd, parse_u16(arg + 1));
		if (err)
			printf(" next=%s", errname(err));
		else
			print_reply("next", reply_id(fd));
	}
	printf("\n");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	int i;

	if (argc < 3 || argc - 2 > MAX_SOCKS)
		return usage("usage: echoid v4|v6 SPEC...\n"
			     "  SPEC: send:ID[:NEXT] bind:IDENT:ID connect:ID reuse:ID\n");
	if (!strcmp(argv[1], "v4"))
		fam = AF_INET;
	else if (!strcmp(argv[1], "v6"))
		fam = AF_INET6;
	else
		return usage("echoid: family is v4 or v6\n");
	for (i = 2; i < argc; i++)
		run_spec(argv[i]);
	return 0;
}
