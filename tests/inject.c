// SPDX-License-Identifier: GPL-2.0
/*
 * inject: feed crafted ICMP and ICMPv6 packets to this host through a packet
 * socket on lo, as a hostile peer would, to check that icmp_ep delivers
 * nothing invalid and accounts for every packet.
 *
 *   inject KIND COUNT IDENT
 *   inject connected|unconnected KIND COUNT
 *
 * KIND is one of the cases below (v6-error-type-N: an ICMPv6 message of
 * type N quoting an echo request); IDENT is the ident of a live socket (the
 * cases that need one use it).  Every packet is sent COUNT times.  Needs
 * root, for the packet socket.
 *
 * The second form opens a ping socket of KIND's family itself, with
 * IP_RECVERR or IPV6_RECVERR, connected to 127.0.0.1 or ::1 or only bound,
 * injects KIND with its ident and prints how many replies and errors it
 * received: "replies N errors M".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/ip_icmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "icmp_csum.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static unsigned char pkt[70000];
static size_t pkt_len;
/* The second fragment, for the kinds sent as two; its id is renewed. */
static unsigned char pkt2[2048];
static size_t pkt2_len;

/*
 * The addresses of the next IPv4 or IPv6 header built.  A third host and
 * a destination other than the socket's peer, for the connected cases.
 */
static in_addr_t v4_src = INADDR_LOOPBACK, v4_dst = INADDR_LOOPBACK; /* host order */
static struct in6_addr v6_src = IN6ADDR_LOOPBACK_INIT;
static struct in6_addr v6_dst = IN6ADDR_LOOPBACK_INIT;
#define V4_OTHER 0x7f000002		/* 127.0.0.2 */
static const struct in6_addr v6_other = {
	{ { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } }	/* 2001:db8::2 */
};

static unsigned short csum(const void *data, size_t len, unsigned int sum)
{
	return ~csum_fold_add(data, len, sum) & 0xffff;
}

static void put16(unsigned char *p, unsigned short v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* An IPv4 packet v4_src -> v4_dst around @l4; returns its length. */
static size_t ipv4(unsigned char *p, unsigned char proto, const void *l4,
		   size_t len, int frag)
{
	struct iphdr *ip = (void *)p;

	memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = proto;
	ip->tot_len = htons(sizeof(*ip) + len);
	ip->id = htons(rand());
	ip->frag_off = htons(frag);
	ip->saddr = htonl(v4_src);
	ip->daddr = htonl(v4_dst);
	ip->check = htons(csum(ip, sizeof(*ip), 0));
	memcpy(p + sizeof(*ip), l4, len);
	return sizeof(*ip) + len;
}

/* An ICMP message: header fields, then @body; checksummed unless @bad. */
static size_t icmp(unsigned char *p, unsigned char type, unsigned char code,
		   unsigned short id, const void *body, size_t len, int bad)
{
	memset(p, 0, 8);
	p[0] = type;
	p[1] = code;
	put16(p + 4, id);
	put16(p + 6, 1);
	memcpy(p + 8, body, len);
	put16(p + 2, csum(p, 8 + len, 0) ^ (bad ? 0x5555 : 0));
	return 8 + len;
}

static unsigned int pseudo6(const struct ip6_hdr *ip6, size_t len)
{
	unsigned int sum = 0;
	size_t i;

	for (i = 0; i < 16; i += 2)
		sum += (ip6->ip6_src.s6_addr[i] << 8 | ip6->ip6_src.s6_addr[i + 1]) +
		       (ip6->ip6_dst.s6_addr[i] << 8 | ip6->ip6_dst.s6_addr[i + 1]);
	return sum + len + IPPROTO_ICMPV6;
}

/*
 * An IPv6 packet v6_src -> v6_dst carrying ICMPv6 @type/@code with @id and @body,
 * behind @ext (extension headers, already chained to ICMPv6) if any.
 */
static size_t ipv6(unsigned char *p, const void *ext, size_t ext_len,
		   unsigned char first, unsigned char type,
		   unsigned char code, unsigned short id, const void *body,
		   size_t len, int bad)
{
	struct ip6_hdr *ip6 = (void *)p;
	unsigned char *h = p + sizeof(*ip6) + ext_len;

	memset(ip6, 0, sizeof(*ip6));
	ip6->ip6_flow = htonl(6 << 28);
	ip6->ip6_plen = htons(ext_len + 8 + len);
	ip6->ip6_nxt = ext_len ? first : IPPROTO_ICMPV6;
	ip6->ip6_hlim = 64;
	ip6->ip6_src = v6_src;
	ip6->ip6_dst = v6_dst;
	memcpy(p + sizeof(*ip6), ext, ext_len);
	memset(h, 0, 8);
	h[0] = type;
	h[1] = code;
	put16(h + 4, id);
	put16(h + 6, 1);
	memcpy(h + 8, body, len);
	put16(h + 2, csum(h, 8 + len, pseudo6(ip6, 8 + len)) ^
		     (bad ? 0x5555 : 0));
	return sizeof(*ip6) + ext_len + 8 + len;
}

/* A quoted echo request: IPv4 header then the first 8 bytes of ICMP. */
static size_t quote4(unsigned char *q, unsigned short id, unsigned char proto,
		     int ihl)
{
	unsigned char echo[8] = { ICMP_ECHO, 0, 0, 0, id >> 8, id & 0xff };
	size_t n = ipv4(q, proto, echo, sizeof(echo), 0);

	((struct iphdr *)q)->ihl = ihl;
	return n;
}

static size_t quote6(unsigned char *q, unsigned short id)
{
	return ipv6(q, NULL, 0, 0, ICMP6_ECHO_REQUEST, 0, id, NULL, 0, 0);
}

/* Build the packet for @kind; 0 if @kind is unknown. */
static unsigned short build(const char *kind, unsigned short id)
{
	unsigned char l4[66000], q[128], ext[64] = {};
	static const unsigned char data[56] = { 0xa5 };
	unsigned int type;
	size_t n;
	int end;

	if (!strcmp(kind, "v4-truncated")) {
		n = ipv4(pkt, IPPROTO_ICMP, "\0\0\0\0", 4, 0);
	} else if (!strcmp(kind, "v4-bad-checksum")) {
		n = icmp(l4, ICMP_ECHOREPLY, 0, id, data, sizeof(data), 1);
		n = ipv4(pkt, IPPROTO_ICMP, l4, n, 0);
	} else if (!strcmp(kind, "v4-no-socket")) {
		n = icmp(l4, ICMP_ECHOREPLY, 0, id ^ 0x8000, data,
			 sizeof(data), 0);
		n = ipv4(pkt, IPPROTO_ICMP, l4, n, 0);
	} else if (!strcmp(kind, "v4-reply")) {
		n = icmp(l4, ICMP_ECHOREPLY, 0, id, data, sizeof(data), 0);
		n = ipv4(pkt, IPPROTO_ICMP, l4, n, 0);
	} else if (!strcmp(kind, "v4-empty-reply")) {
		n = icmp(l4, ICMP_ECHOREPLY, 0, id, NULL, 0, 0);
		n = ipv4(pkt, IPPROTO_ICMP, l4, n, 0);
	} else if (!strcmp(kind, "v4-big-reply")) {
		static unsigned char big[65000];

		n = icmp(l4, ICMP_ECHOREPLY, 0, id, big, 1400, 0);
		n = ipv4(pkt, IPPROTO_ICMP, l4, n, 0);
	} else if (!strcmp(kind, "v4-error-truncated-quote")) {
		n = quote4(q, id, IPPROTO_ICMP, 5);
		n = icmp(l4, ICMP_DEST_UNREACH, 1, 0, q, n - 6, 0);
		n = ipv4(pkt, IPPROTO_ICMP, l4, n, 0);
	} else if (!strcmp(kind, "v4-error-garbled-quote")) {
		n = quote4(q, id, IPPROTO_ICMP, 2);
		n = icmp(l4, ICMP_DEST_UNREACH, 1, 0, q, n, 0);
		n = ipv4(pkt, IPPROTO_ICMP, l4, n, 0);
	} else if (!strcmp(kind, "v4-error-other-protocol")) {
		n = quote4(q, id, IPPROTO_UDP, 5);
		n = icmp(l4, ICMP_DEST_UNREACH, 3, 0, q, n, 0);
		n = ipv4(pkt, IPPROTO_ICMP, l4, n, 0);
	} else if (!strcmp(kind, "v4-error-bad-code")) {
		n = quote4(q, id, IPPROTO_ICMP, 5);
		n = icmp(l4, ICMP_DEST_UNREACH, 99, 0, q, n, 0);
		n = ipv4(pkt, IPPROTO_ICMP, l4, n, 0);
	} else if (!strcmp(kind, "v4-error")) {
		n = quote4(q, id, IPPROTO_ICMP, 5);
		n = icmp(l4, ICMP_TIME_EXCEEDED, 0, 0, q, n, 0);
		n = ipv4(pkt, IPPROTO_ICMP, l4, n, 0);
	} else if (!strcmp(kind, "v4-reply-other-source")) {
		v4_src = V4_OTHER;
		n = icmp(l4, ICMP_ECHOREPLY, 0, id, data, sizeof(data), 0);
		n = ipv4(pkt, IPPROTO_ICMP, l4, n, 0);
	} else if (!strcmp(kind, "v4-error-other-destination")) {
		v4_dst = V4_OTHER;
		n = quote4(q, id, IPPROTO_ICMP, 5);
		v4_dst = INADDR_LOOPBACK;
		n = icmp(l4, ICMP_TIME_EXCEEDED, 0, 0, q, n, 0);
		n = ipv4(pkt, IPPROTO_ICMP, l4, n, 0);
	} else if (!strcmp(kind, "v4-fragment")) {
		/* A first fragment that is never completed. */
		n = icmp(l4, ICMP_ECHOREPLY, 0, id, data, sizeof(data), 0);
		n = ipv4(pkt, IPPROTO_ICMP, l4, 24, IP_MF);
	} else if (!strcmp(kind, "v6-truncated")) {
		n = ipv6(pkt, NULL, 0, 0, ICMP6_ECHO_REPLY, 0, id, NULL, 0, 0);
		((struct ip6_hdr *)pkt)->ip6_plen = htons(4);
		n -= 4;
	} else if (!strcmp(kind, "v6-bad-checksum")) {
		n = ipv6(pkt, NULL, 0, 0, ICMP6_ECHO_REPLY, 0, id, data,
			 sizeof(data), 1);
	} else if (!strcmp(kind, "v6-no-socket")) {
		n = ipv6(pkt, NULL, 0, 0, ICMP6_ECHO_REPLY, 0, id ^ 0x8000,
			 data, sizeof(data), 0);
	} else if (!strcmp(kind, "v6-reply")) {
		n = ipv6(pkt, NULL, 0, 0, ICMP6_ECHO_REPLY, 0, id, data,
			 sizeof(data), 0);
	} else if (!strcmp(kind, "v6-reply-dstopts")) {
		ext[0] = IPPROTO_ICMPV6;	/* next header, len 0, PadN */
		ext[2] = 1;
		ext[3] = 4;
		n = ipv6(pkt, ext, 8, IPPROTO_DSTOPTS, ICMP6_ECHO_REPLY, 0, id,
			 data, sizeof(data), 0);
	} else if (!strcmp(kind, "v6-reply-ah")) {
		/* AH for an SA that does not exist: xfrm6_rcv() drops it. */
		ext[0] = IPPROTO_ICMPV6;
		ext[1] = 4;		/* 24 bytes: 12 of header, 12 of ICV */
		ext[7] = 0x42;		/* SPI */
		ext[11] = 1;		/* sequence number */
		n = ipv6(pkt, ext, 24, IPPROTO_AH, ICMP6_ECHO_REPLY, 0, id,
			 data, sizeof(data), 0);
	} else if (!strcmp(kind, "v6-reply-rthdr0-segments-left") ||
		   !strcmp(kind, "v6-reply-rthdr0")) {
		/* Type 0, one address (::1), forwarded if segments are left */
		ext[0] = IPPROTO_ICMPV6;
		ext[1] = 2;
		ext[3] = !strcmp(kind, "v6-reply-rthdr0-segments-left");
		ext[23] = 1;
		n = ipv6(pkt, ext, 24, IPPROTO_ROUTING, ICMP6_ECHO_REPLY, 0,
			 id, data, sizeof(data), 0);
	} else if (!strncmp(kind, "v6-reply-dstopt-unknown-", 24)) {
		/* An unknown option: its top two bits say what to do. */
		ext[0] = IPPROTO_ICMPV6;
		ext[2] = 0x1e | (unsigned char)(atoi(kind + 24) << 6);
		ext[3] = 4;
		n = ipv6(pkt, ext, 8, IPPROTO_DSTOPTS, ICMP6_ECHO_REPLY, 0, id,
			 data, sizeof(data), 0);
	} else if (!strcmp(kind, "v6-reply-dstopt-bad-padn")) {
		/* PadN must carry zeroes (RFC 4942). */
		ext[0] = IPPROTO_ICMPV6;
		ext[2] = 1;
		ext[3] = 4;
		ext[5] = 0x5a;
		n = ipv6(pkt, ext, 8, IPPROTO_DSTOPTS, ICMP6_ECHO_REPLY, 0, id,
			 data, sizeof(data), 0);
	} else if (!strcmp(kind, "v6-reply-dstopt-long-pad")) {
		/* 14 Pad1 in a row: more than 7 bytes of padding. */
		ext[0] = IPPROTO_ICMPV6;
		ext[1] = 1;
		n = ipv6(pkt, ext, 16, IPPROTO_DSTOPTS, ICMP6_ECHO_REPLY, 0, id,
			 data, sizeof(data), 0);
	} else if (!strcmp(kind, "v6-reply-dst-rthdr-dst")) {
		/* Options before the routing header, the header, options after. */
		ext[0] = IPPROTO_ROUTING;
		ext[2] = 1;
		ext[3] = 4;
		ext[8] = IPPROTO_DSTOPTS;
		ext[9] = 2;
		ext[31] = 1;
		ext[32] = IPPROTO_ICMPV6;
		ext[34] = 0x1e;
		ext[35] = 4;
		ext[36] = 0xc0;
		ext[39] = 0xde;
		n = ipv6(pkt, ext, 40, IPPROTO_DSTOPTS, ICMP6_ECHO_REPLY, 0, id,
			 data, sizeof(data), 0);
	} else if (!strcmp(kind, "v6-reply-atomic-fragment")) {
		ext[0] = IPPROTO_ICMPV6;
		ext[7] = 7;
		n = ipv6(pkt, ext, 8, IPPROTO_FRAGMENT, ICMP6_ECHO_REPLY, 0,
			 id, data, sizeof(data), 0);
	} else if (!strcmp(kind, "v6-reply-fragmented")) {
		/*
		 * A 264-byte reply in two fragments: the first carries the
		 * echo header and 96 bytes, the second the rest.
		 */
		static unsigned char body[256];
		size_t first = 8 + 96;

		memset(body, 0x5a, sizeof(body));
		ext[0] = IPPROTO_ICMPV6;
		ext[3] = 1;		/* M: more fragments */
		n = ipv6(pkt, ext, 8, IPPROTO_FRAGMENT, ICMP6_ECHO_REPLY, 0,
			 id, body, sizeof(body), 0);
		/* pkt2: the same headers, then the bytes from @first on. */
		memcpy(pkt2, pkt, sizeof(struct ip6_hdr) + 8);
		memcpy(pkt2 + sizeof(struct ip6_hdr) + 8,
		       pkt + sizeof(struct ip6_hdr) + 8 + first, n - 48 - first);
		pkt2_len = n - first;
		put16(pkt2 + 4, pkt2_len - sizeof(struct ip6_hdr));
		put16(pkt2 + sizeof(struct ip6_hdr) + 2, first);
		n = sizeof(struct ip6_hdr) + 8 + first;
		put16(pkt + 4, n - sizeof(struct ip6_hdr));
	} else if (!strcmp(kind, "v6-error-truncated-quote")) {
		n = quote6(q, id);
		n = ipv6(pkt, NULL, 0, 0, ICMP6_DST_UNREACH, 0, 0, q, n - 6, 0);
	} else if (!strcmp(kind, "v6-reply-other-source")) {
		v6_src = v6_other;
		n = ipv6(pkt, NULL, 0, 0, ICMP6_ECHO_REPLY, 0, id, data,
			 sizeof(data), 0);
	} else if (!strcmp(kind, "v6-error-other-destination")) {
		v6_dst = v6_other;
		n = quote6(q, id);
		v6_dst = in6addr_loopback;
		n = ipv6(pkt, NULL, 0, 0, ICMP6_TIME_EXCEEDED, 0, 0, q, n, 0);
	} else if (!strcmp(kind, "v6-error")) {
		n = quote6(q, id);
		n = ipv6(pkt, NULL, 0, 0, ICMP6_TIME_EXCEEDED, 0, 0, q, n, 0);
	} else if (sscanf(kind, "v6-error-type-%u%n", &type, &end) == 1 &&
		   !kind[end] && type < 256) {
		/* 0 and 5-127 are errors the kernel does not know. */
		n = quote6(q, id);
		n = ipv6(pkt, NULL, 0, 0, type, 0, 0, q, n, 0);
	} else {
		return 0;
	}
	pkt_len = n;
	return 1;
}

/*
 * A ping socket of @v6's family, with RECVERR, connected to loopback or
 * bound to any address; returns it and its ident in *@ident, or -1.
 */
static int ping_socket(int v6, int connected, unsigned short *ident)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6,
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in a4 = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_storage name;
	socklen_t len = v6 ? sizeof(a6) : sizeof(a4);
	void *addr = v6 ? (void *)&a6 : (void *)&a4;
	int fd, one = 1;

	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM,
		    v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	if (fd < 0)
		return -1;
	setsockopt(fd, v6 ? SOL_IPV6 : SOL_IP, v6 ? IPV6_RECVERR : IP_RECVERR,
		   &one, sizeof(one));
	if (!connected) {
		memset(&a6.sin6_addr, 0, sizeof(a6.sin6_addr));
		a4.sin_addr.s_addr = htonl(INADDR_ANY);
	}
	if ((connected ? connect(fd, addr, len) : bind(fd, addr, len)) < 0)
		return -1;
	len = sizeof(name);
	if (getsockname(fd, (void *)&name, &len) < 0)
		return -1;
	*ident = ntohs(v6 ? ((struct sockaddr_in6 *)&name)->sin6_port :
			    ((struct sockaddr_in *)&name)->sin_port);
	return fd;
}

/* Count what @fd received, in its queue and in its error queue. */
static void drain(int fd)
{
	unsigned char buf[2048];
	long replies = 0, errors = 0;

	usleep(300000);
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		replies++;
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_ERRQUEUE) >= 0)
		errors++;
	printf("replies %ld errors %ld\n", replies, errors);
}

int main(int argc, char **argv)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET };
	unsigned char frame[sizeof(pkt) + ETH_HLEN];
	int fd, sock = -1, own;
	unsigned short ident;
	long i, count;

	own = argc == 4 && (!strcmp(argv[1], "connected") ||
			    !strcmp(argv[1], "unconnected"));
	if (own) {
		sock = ping_socket(!strncmp(argv[2], "v6-", 3),
				   !strcmp(argv[1], "connected"), &ident);
		if (sock < 0) {
			perror("inject: ping socket");
			return 1;
		}
		argv++;
	} else {
		ident = argc == 4 ? atoi(argv[3]) : 0;
	}
	if (argc != 4 || !build(argv[1], ident)) {
		fputs("usage: inject KIND COUNT IDENT | inject connected|unconnected KIND COUNT\n",
		      stderr);
		return 2;
	}
	count = atol(argv[2]);
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		perror("inject: socket");
		return 1;
	}
	ll.sll_ifindex = if_nametoindex("lo");
	ll.sll_protocol = htons(((struct iphdr *)pkt)->version == 6 ?
				ETH_P_IPV6 : ETH_P_IP);
	memset(frame, 0, ETH_HLEN);
	memcpy(frame + 12, &ll.sll_protocol, 2);
	for (i = 0; i < count; i++) {
		/* Each fragmented packet gets an identification of its own. */
		if (pkt2_len) {
			put16(pkt + 40 + 6, i);
			put16(pkt2 + 40 + 6, i);
		}
		memcpy(frame + ETH_HLEN, pkt, pkt_len);
		if (sendto(fd, frame, ETH_HLEN + pkt_len, 0, (void *)&ll,
			   sizeof(ll)) < 0) {
			perror("inject: sendto");
			return 1;
		}
		if (!pkt2_len)
			continue;
		memcpy(frame + ETH_HLEN, pkt2, pkt2_len);
		if (sendto(fd, frame, ETH_HLEN + pkt2_len, 0, (void *)&ll,
			   sizeof(ll)) < 0) {
			perror("inject: sendto");
			return 1;
		}
	}
	printf("inject: %s x %ld\n", argv[1], count);
	if (own)
		drain(sock);
	return 0;
}
