// SPDX-License-Identifier: GPL-2.0
/*
 * echo: one ping socket that sends a train of echo requests and counts the
 * replies to its own requests.
 *
 *   echo [-6] [-b IDENT] [-c COUNT] [-i MS] [-d] DEST
 *
 * -b binds the socket to IDENT first (otherwise the first send autobinds);
 * -c sends COUNT requests (default 10), -i one every MS milliseconds
 * (default 100); -d attaches a socket filter that drops every datagram.
 * Says "listening" once the socket holds its ident, then sends, waits up
 * to a second for the last replies, and prints "sent N received M".
 *
 * A reply counts when its payload carries this process's tag and a
 * sequence number it sent and has not yet seen: two sockets that share an
 * ident may each receive the other's replies, and those are not its own.
 */
#define _GNU_SOURCE
#include <linux/filter.h>
#include <poll.h>
#include <stdbool.h>
#include <time.h>

#include "test_util.h"

#define ECHO_MAX 10000

struct echo_payload {
	unsigned int tag;
	unsigned int seq;
};

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void drop_everything(int fd)
{
	struct sock_filter drop = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog prog = { .len = 1, .filter = &drop };

	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)))
		die("echo: SO_ATTACH_FILTER");
}

static void send_echo(int fd, int family, const struct sockaddr_storage *dst,
		      socklen_t len, unsigned int seq)
{
	struct echo_payload p = { .tag = getpid(), .seq = seq };
	unsigned char req[8 + sizeof(p)] = { echo_request_type(family) };
	unsigned short seq_be = htons(seq);

	/* Ident and checksum are the kernel's to fill in. */
	memcpy(req + 6, &seq_be, sizeof(seq_be));
	memcpy(req + 8, &p, sizeof(p));
	if (sendto(fd, req, sizeof(req), 0, (const void *)dst, len) < 0)
		die("echo: sendto");
}

/* Read every queued reply; count the ones that are new and ours. */
static void take_replies(int fd, bool *seen, unsigned int count,
			 unsigned long *received)
{
	unsigned char buf[512];
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) >= 0) {
		struct echo_payload p;

		if (n < 8 + (ssize_t)sizeof(p))
			continue;
		memcpy(&p, buf + 8, sizeof(p));
		if (p.tag != (unsigned int)getpid() || p.seq >= count ||
		    seen[p.seq])
			continue;
		seen[p.seq] = true;
		(*received)++;
	}
}

/* Send @count requests, @interval_ms apart, then wait for the stragglers. */
static unsigned long run(int fd, int family, const struct sockaddr_storage *dst,
			 socklen_t len, unsigned int count, long interval_ms)
{
	static bool seen[ECHO_MAX];
	unsigned long received = 0;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	unsigned int seq;
	long deadline;

	for (seq = 0; seq < count; seq++) {
		send_echo(fd, family, dst, len, seq);
		deadline = now_ms() + interval_ms;
		do {
			poll(&pfd, 1, interval_ms);
			take_replies(fd, seen, count, &received);
		} while (now_ms() < deadline);
	}
	deadline = now_ms() + 1000;
	while (received < count && now_ms() < deadline) {
		poll(&pfd, 1, 100);
		take_replies(fd, seen, count, &received);
	}
	return received;
}

int main(int argc, char **argv)
{
	int family = AF_INET, ident = -1, opt, fd;
	unsigned int count = 10;
	long interval_ms = 100;
	struct sockaddr_storage dst, local;
	bool drop = false;
	socklen_t len;

	while ((opt = getopt(argc, argv, "6b:c:i:d")) != -1) {
		switch (opt) {
		case '6':
			family = AF_INET6;
			break;
		case 'b':
			ident = atoi(optarg);
			break;
		case 'c':
			count = atoi(optarg);
			break;
		case 'i':
			interval_ms = atol(optarg);
			break;
		case 'd':
			drop = true;
			break;
		default:
			count = 0;
		}
	}
	if (optind != argc - 1 || !count || count > ECHO_MAX)
		return usage("usage: echo [-6] [-b IDENT] [-c COUNT] [-i MS] [-d] DEST\n");
	len = sockaddr_parse(family, argv[optind], 0, &dst);
	if (!len)
		return usage("echo: DEST is not an address of the family\n");

	fd = ping_open(family, 0);
	if (fd < 0)
		die("echo: socket");
	if (drop)
		drop_everything(fd);
	if (ident >= 0) {
		sockaddr_parse(family, family == AF_INET ? "0.0.0.0" : "::",
			       ident, &local);
		if (bind(fd, (struct sockaddr *)&local, len))
			die("echo: bind");
	}
	printf("listening\n");
	fflush(stdout);
	printf("sent %u received %lu\n", count,
	       run(fd, family, &dst, len, count, interval_ms));
	return 0;
}
