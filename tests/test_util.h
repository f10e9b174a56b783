/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the guest test programs share: ping sockets of either family, their
 * addresses and options, the network namespace setup, and how a program
 * gives up.  Everything is static inline, so that a program pays only for
 * what it uses and -Wunused-function stays quiet about the rest.
 */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

#include <arpa/inet.h>
#include <fcntl.h>
/* Before any linux/ header, so that the kernel's if.h yields to libc's. */
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "icmp_csum.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The wire values, as numbers: linux/icmp.h and netinet/ differ in names. */
#define ECHO_REQUEST_V4 8
#define ECHO_REPLY_V4 0
#define ECHO_REQUEST_V6 128
#define ECHO_REPLY_V6 129

/* Family differences, in one place. */
static inline int ping_proto(int family)
{
	return family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
}

static inline int ip_level(int family)
{
	return family == AF_INET ? SOL_IP : SOL_IPV6;
}

static inline int recverr_opt(int family)
{
	return family == AF_INET ? IP_RECVERR : IPV6_RECVERR;
}

static inline unsigned char echo_request_type(int family)
{
	return family == AF_INET ? ECHO_REQUEST_V4 : ECHO_REQUEST_V6;
}

static inline unsigned char echo_reply_type(int family)
{
	return family == AF_INET ? ECHO_REPLY_V4 : ECHO_REPLY_V6;
}

/* An unprivileged ping socket of @family; @flags as socket()'s type takes. */
static inline int ping_open(int family, int flags)
{
	return socket(family, SOCK_DGRAM | flags, ping_proto(family));
}

static inline int setsockopt_int(int fd, int level, int name, int val)
{
	return setsockopt(fd, level, name, &val, sizeof(val));
}

static inline int set_recverr(int fd, int family)
{
	return setsockopt_int(fd, ip_level(family), recverr_opt(family), 1);
}

/*
 * @str as an address of @family with @port; an IPv6 one may carry a scope,
 * as ff02::2%eth0.  Returns the address's length, or 0 if @str is none.
 */
static inline socklen_t sockaddr_parse(int family, const char *str,
				       unsigned short port,
				       struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *s = (void *)ss;

		s->sin_family = AF_INET;
		s->sin_port = htons(port);
		return inet_pton(AF_INET, str, &s->sin_addr) == 1 ?
		       sizeof(*s) : 0;
	}

	struct sockaddr_in6 *s6 = (void *)ss;
	char a[INET6_ADDRSTRLEN + IF_NAMESIZE + 1], *scope;

	snprintf(a, sizeof(a), "%s", str);
	scope = strchr(a, '%');
	if (scope) {
		*scope++ = 0;
		s6->sin6_scope_id = if_nametoindex(scope);
	}
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(port);
	return inet_pton(AF_INET6, a, &s6->sin6_addr) == 1 ? sizeof(*s6) : 0;
}

/* @family's loopback address with @port (an ident, for ping sockets). */
static inline socklen_t sockaddr_loopback(int family, unsigned short port,
					  struct sockaddr_storage *ss)
{
	return sockaddr_parse(family, family == AF_INET ? "127.0.0.1" : "::1",
			      port, ss);
}

/*
 * The address in @ss as text, read as @family's whatever its sa_family
 * says (an error queue's offender may have none); "?" for other families.
 */
static inline const char *sockaddr_ntop(int family, const void *ss,
					char *buf, socklen_t size)
{
	const struct sockaddr_in *s = ss;
	const struct sockaddr_in6 *s6 = ss;

	snprintf(buf, size, "?");
	if (family == AF_INET)
		inet_ntop(AF_INET, &s->sin_addr, buf, size);
	else if (family == AF_INET6)
		inet_ntop(AF_INET6, &s6->sin6_addr, buf, size);
	return buf;
}

/* A new network namespace starts with lo down. */
static inline int lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), rc;

	if (fd < 0)
		return -1;
	rc = ioctl(fd, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags |= IFF_UP;
	if (!rc)
		rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
	close(fd);
	return rc;
}

/* This namespace's ping_group_range, "1 0" in a new one, to @range. */
static inline int ping_group_range_set(const char *range)
{
	int fd = open("/proc/sys/net/ipv4/ping_group_range", O_WRONLY);

	if (fd < 0)
		return -1;
	if (write(fd, range, strlen(range)) < 0) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static inline void die(const char *what)
{
	perror(what);
	exit(1);
}

/* Say how to call the program; its exit status. */
static inline int usage(const char *text)
{
	fputs(text, stderr);
	return 2;
}

#endif
