// SPDX-License-Identifier: GPL-2.0
/*
 * inject: feed crafted ICMP and ICMPv6 packets to this host through a packet
 * socket on lo, as a hostile peer would, to check that icmp_ep delivers
 * nothing invalid and accounts for every packet.
 *
 *   inject [--layout linear|paged|frags] KIND COUNT IDENT
 *   inject [--layout L] connected|unconnected KIND COUNT
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
 *
 * Either form returns once this host has taken in every packet it sent
 * (see taken_in()), so that what sockets and counters show after it is
 * final.
 *
 * --layout says how the packets reach IP (see enum layout): linear (the
 * default), paged (the ICMP header and all after it in page frags), or
 * frags (two IPv4 or IPv6 fragments, the first paged, so that after
 * reassembly the payload or quote sits on the frag_list).
 *
 * Most kinds are ICMP or ICMPv6; v6-udp-dstopts is a UDP datagram to the
 * discard port behind destination options, which the frags layout puts
 * after the fragment header, as ip6_fragment() does.  The kinds sent as two
 * fragments of their own take an identification that no other run of
 * inject shares, so that a datagram left unfinished in a reassembly queue
 * never meets the fragments of the next run.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <sched.h>
#include <netinet/icmp6.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
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

/*
 * An ICMP or ICMPv6 message: header fields, then @body; checksummed, with
 * @sum for the pseudo-header, unless @bad.
 */
static size_t icmp_sum(unsigned char *p, unsigned char type,
		       unsigned char code, unsigned short id, const void *body,
		       size_t len, int bad, unsigned int sum)
{
	memset(p, 0, 8);
	p[0] = type;
	p[1] = code;
	put16(p + 4, id);
	put16(p + 6, 1);
	memcpy(p + 8, body, len);
	put16(p + 2, csum(p, 8 + len, sum) ^ (bad ? 0x5555 : 0));
	return 8 + len;
}

static size_t icmp(unsigned char *p, unsigned char type, unsigned char code,
		   unsigned short id, const void *body, size_t len, int bad)
{
	return icmp_sum(p, type, code, id, body, len, bad, 0);
}

static unsigned int pseudo6_proto(const struct ip6_hdr *ip6, size_t len,
				  unsigned char proto)
{
	unsigned int sum = 0;
	size_t i;

	for (i = 0; i < 16; i += 2)
		sum += (ip6->ip6_src.s6_addr[i] << 8 | ip6->ip6_src.s6_addr[i + 1]) +
		       (ip6->ip6_dst.s6_addr[i] << 8 | ip6->ip6_dst.s6_addr[i + 1]);
	return sum + len + proto;
}

static unsigned int pseudo6(const struct ip6_hdr *ip6, size_t len)
{
	return pseudo6_proto(ip6, len, IPPROTO_ICMPV6);
}

/*
 * The IPv6 header v6_src -> v6_dst of a packet whose @upper_len bytes of
 * upper layer follow @ext (extension headers, already chained to it) if
 * any, @upper being the header after the IPv6 header when there are none.
 * Returns where the upper layer goes.
 */
static unsigned char *ipv6_head(unsigned char *p, const void *ext,
				size_t ext_len, unsigned char first,
				unsigned char upper, size_t upper_len)
{
	struct ip6_hdr *ip6 = (void *)p;

	memset(ip6, 0, sizeof(*ip6));
	ip6->ip6_flow = htonl(6 << 28);
	ip6->ip6_plen = htons(ext_len + upper_len);
	ip6->ip6_nxt = ext_len ? first : upper;
	ip6->ip6_hlim = 64;
	ip6->ip6_src = v6_src;
	ip6->ip6_dst = v6_dst;
	memcpy(p + sizeof(*ip6), ext, ext_len);
	return p + sizeof(*ip6) + ext_len;
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
	unsigned char *h = ipv6_head(p, ext, ext_len, first, IPPROTO_ICMPV6,
				     8 + len);

	icmp_sum(h, type, code, id, body, len, bad,
		 pseudo6((const struct ip6_hdr *)p, 8 + len));
	return h + 8 + len - p;
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

/*
 * A kind: its builder and what the builder reads.  @len is the payload's
 * length, or for errors the bytes cut from the end of the quote.
 */
struct kind {
	const char *name;
	size_t (*build)(const struct kind *k, unsigned short id);
	unsigned char type, code;
	unsigned short len;
	unsigned char flags;
	unsigned char qproto, qihl;	/* the quoted header's */
	unsigned char first;		/* the first extension header */
	unsigned char ext_len;
	const unsigned char *ext;
};

#define K_BAD		0x01	/* a checksum that does not add up */
#define K_OTHER_ID	0x02	/* an ident no socket holds */
#define K_OTHER_SRC	0x04	/* from a third host */
#define K_OTHER_DST	0x08	/* quoting a packet to a third host */
#define K_MF		0x10	/* a first fragment, never completed */

static unsigned char body[1400] = { 0xa5 };

/* The ICMP header of an IPv4 packet alone, cut after 4 bytes. */
static size_t v4_short(const struct kind *k, unsigned short id)
{
	(void)k;
	(void)id;
	return ipv4(pkt, IPPROTO_ICMP, "\0\0\0\0", 4, 0);
}

static size_t v4_msg(const struct kind *k, unsigned short id)
{
	unsigned char l4[sizeof(body) + 8];
	size_t n;

	if (k->flags & K_OTHER_SRC)
		v4_src = V4_OTHER;
	n = icmp(l4, k->type, k->code, k->flags & K_OTHER_ID ? id ^ 0x8000 : id,
		 body, k->len, k->flags & K_BAD);
	if (!(k->flags & K_MF))
		return ipv4(pkt, IPPROTO_ICMP, l4, n, 0);
	/*
	 * Its identification has the top bit set, which no packet the
	 * fragments layout splits has: those never join its queue.
	 */
	n = ipv4(pkt, IPPROTO_ICMP, l4, 24, IP_MF);
	((struct iphdr *)pkt)->id |= htons(0x8000);
	((struct iphdr *)pkt)->check = 0;
	((struct iphdr *)pkt)->check = htons(csum(pkt, 20, 0));
	return n;
}

static size_t v4_err(const struct kind *k, unsigned short id)
{
	unsigned char l4[128], q[128];
	size_t n;

	if (k->flags & K_OTHER_DST)
		v4_dst = V4_OTHER;
	n = quote4(q, id, k->qproto, k->qihl);
	v4_dst = INADDR_LOOPBACK;
	n = icmp(l4, k->type, k->code, 0, q, n - k->len, 0);
	return ipv4(pkt, IPPROTO_ICMP, l4, n, 0);
}

/* An ICMPv6 header of which only 4 bytes are in the packet. */
static size_t v6_short(const struct kind *k, unsigned short id)
{
	size_t n = ipv6(pkt, NULL, 0, 0, k->type, 0, id, NULL, 0, 0);

	((struct ip6_hdr *)pkt)->ip6_plen = htons(4);
	return n - 4;
}

static size_t v6_msg(const struct kind *k, unsigned short id)
{
	if (k->flags & K_OTHER_SRC)
		v6_src = v6_other;
	return ipv6(pkt, k->ext, k->ext_len, k->first, k->type, k->code,
		    k->flags & K_OTHER_ID ? id ^ 0x8000 : id, body, k->len,
		    k->flags & K_BAD);
}

/* An unknown destination option: its top two bits (@code) say what to do. */
static size_t v6_unknown_opt(const struct kind *k, unsigned short id)
{
	unsigned char ext[8] = { IPPROTO_ICMPV6, 0, 0x1e | k->code << 6, 4 };

	return ipv6(pkt, ext, 8, IPPROTO_DSTOPTS, ICMP6_ECHO_REPLY, 0, id,
		    body, k->len, 0);
}

/*
 * A 264-byte reply in two fragments: the first carries the echo header and
 * 96 bytes, pkt2 the same headers and the rest.  The identification's top
 * half is this process's, its bottom half the packet's number (see main()).
 */
static size_t v6_fragmented(const struct kind *k, unsigned short id)
{
	static const unsigned char ext[8] = { IPPROTO_ICMPV6, 0, 0, 1 };
	static unsigned char data[256];
	size_t first = 8 + 96, n;

	(void)k;
	memset(data, 0x5a, sizeof(data));
	n = ipv6(pkt, ext, 8, IPPROTO_FRAGMENT, ICMP6_ECHO_REPLY, 0, id, data,
		 sizeof(data), 0);
	put16(pkt + sizeof(struct ip6_hdr) + 4, getpid());
	memcpy(pkt2, pkt, sizeof(struct ip6_hdr) + 8);
	memcpy(pkt2 + sizeof(struct ip6_hdr) + 8,
	       pkt + sizeof(struct ip6_hdr) + 8 + first, n - 48 - first);
	pkt2_len = n - first;
	put16(pkt2 + 4, pkt2_len - sizeof(struct ip6_hdr));
	put16(pkt2 + sizeof(struct ip6_hdr) + 2, first);
	n = sizeof(struct ip6_hdr) + 8 + first;
	put16(pkt + 4, n - sizeof(struct ip6_hdr));
	return n;
}

/*
 * The same reply, but its last fragment, 16 bytes at offset 65,528, ends
 * past the 65,535 bytes an IPv6 payload can hold (RFC 8200 4.5: Parameter
 * Problem, pointing at its offset field).
 */
static size_t v6_oversize(const struct kind *k, unsigned short id)
{
	size_t n = v6_fragmented(k, id);

	pkt2_len = sizeof(struct ip6_hdr) + 8 + 16;
	put16(pkt2 + 4, 8 + 16);
	put16(pkt2 + sizeof(struct ip6_hdr) + 2, 65528);
	return n;
}

/*
 * A UDP datagram from port @id to the discard port, where nothing listens,
 * with 256 bytes of payload, behind destination options.
 */
static size_t v6_udp_dstopts(const struct kind *k, unsigned short id)
{
	static const unsigned char ext[8] = { IPPROTO_UDP, 0, 1, 4 };
	size_t len = 8 + 256;
	unsigned char *u = ipv6_head(pkt, ext, sizeof(ext), IPPROTO_DSTOPTS,
				     IPPROTO_UDP, len);
	unsigned short sum;

	(void)k;
	put16(u, id);
	put16(u + 2, 9);
	put16(u + 4, len);
	put16(u + 6, 0);
	memset(u + 8, 0x5a, len - 8);
	sum = csum(u, len, pseudo6_proto((const struct ip6_hdr *)pkt, len,
					 IPPROTO_UDP));
	put16(u + 6, sum ? sum : 0xffff);
	return u + len - pkt;
}

static size_t v6_err(const struct kind *k, unsigned short id)
{
	unsigned char q[128];
	size_t n;

	if (k->flags & K_OTHER_DST)
		v6_dst = v6_other;
	n = quote6(q, id);
	v6_dst = in6addr_loopback;
	return ipv6(pkt, NULL, 0, 0, k->type, k->code, 0, q, n - k->len, 0);
}

/* Extension headers, each chained to ICMPv6 (58) at its end. */
static const unsigned char ext_padn[8] = { 58, 0, 1, 4 };
/* AH for an SA that does not exist: xfrm6_rcv() drops it. */
static const unsigned char ext_ah[24] = { 58, 4, [7] = 0x42, [11] = 1 };
/* Type 0, one address (::1), forwarded if segments are left. */
static const unsigned char ext_rt0[24] = { 58, 2, [23] = 1 };
static const unsigned char ext_rt0_left[24] = { 58, 2, 0, 1, [23] = 1 };
/* PadN must carry zeroes (RFC 4942). */
static const unsigned char ext_bad_padn[8] = { 58, 0, 1, 4, 0, 0x5a };
/* 14 Pad1 in a row: more than 7 bytes of padding. */
static const unsigned char ext_long_pad[16] = { 58, 1 };
/* Options before the routing header, the header, options after. */
static const unsigned char ext_dst_rt_dst[40] = {
	IPPROTO_ROUTING, 0, 1, 4, 0, 0, 0, 0,
	IPPROTO_DSTOPTS, 2, [31] = 1,
	58, 0, 0x1e, 4, 0xc0, 0, 0, 0xde
};

static const unsigned char ext_atomic[8] = { 58, [7] = 7 };

#define V4(n, b, t, c, l, f, qp, qi) \
	{ .name = "v4-" n, .build = b, .type = t, .code = c, .len = l, \
	  .flags = f, .qproto = qp, .qihl = qi }
#define V6(n, b, t, c, l, f) \
	{ .name = "v6-" n, .build = b, .type = t, .code = c, .len = l, \
	  .flags = f }
#define V6X(n, e, x) \
	{ .name = "v6-" n, .build = v6_msg, .type = ICMP6_ECHO_REPLY, \
	  .len = 56, .first = e, .ext_len = sizeof(x), .ext = x }

static const struct kind kinds[] = {
	V4("truncated", v4_short, 0, 0, 0, 0, 0, 0),
	V4("bad-checksum", v4_msg, ICMP_ECHOREPLY, 0, 56, K_BAD, 0, 0),
	V4("no-socket", v4_msg, ICMP_ECHOREPLY, 0, 56, K_OTHER_ID, 0, 0),
	V4("reply", v4_msg, ICMP_ECHOREPLY, 0, 56, 0, 0, 0),
	V4("empty-reply", v4_msg, ICMP_ECHOREPLY, 0, 0, 0, 0, 0),
	V4("big-reply", v4_msg, ICMP_ECHOREPLY, 0, 1400, 0, 0, 0),
	V4("reply-other-source", v4_msg, ICMP_ECHOREPLY, 0, 56, K_OTHER_SRC,
	   0, 0),
	V4("fragment", v4_msg, ICMP_ECHOREPLY, 0, 56, K_MF, 0, 0),
	V4("error-truncated-quote", v4_err, ICMP_DEST_UNREACH, 1, 6, 0,
	   IPPROTO_ICMP, 5),
	V4("error-garbled-quote", v4_err, ICMP_DEST_UNREACH, 1, 0, 0,
	   IPPROTO_ICMP, 2),
	V4("error-other-protocol", v4_err, ICMP_DEST_UNREACH, 3, 0, 0,
	   IPPROTO_UDP, 5),
	V4("error-bad-code", v4_err, ICMP_DEST_UNREACH, 99, 0, 0,
	   IPPROTO_ICMP, 5),
	V4("error", v4_err, ICMP_TIME_EXCEEDED, 0, 0, 0, IPPROTO_ICMP, 5),
	V4("error-other-destination", v4_err, ICMP_TIME_EXCEEDED, 0, 0,
	   K_OTHER_DST, IPPROTO_ICMP, 5),
	V6("truncated", v6_short, ICMP6_ECHO_REPLY, 0, 0, 0),
	V6("bad-checksum", v6_msg, ICMP6_ECHO_REPLY, 0, 56, K_BAD),
	V6("no-socket", v6_msg, ICMP6_ECHO_REPLY, 0, 56, K_OTHER_ID),
	V6("reply", v6_msg, ICMP6_ECHO_REPLY, 0, 56, 0),
	V6("reply-other-source", v6_msg, ICMP6_ECHO_REPLY, 0, 56, K_OTHER_SRC),
	V6X("reply-dstopts", IPPROTO_DSTOPTS, ext_padn),
	V6X("reply-ah", IPPROTO_AH, ext_ah),
	V6X("reply-rthdr0", IPPROTO_ROUTING, ext_rt0),
	V6X("reply-rthdr0-segments-left", IPPROTO_ROUTING, ext_rt0_left),
	V6("reply-dstopt-unknown-0", v6_unknown_opt, 0, 0, 56, 0),
	V6("reply-dstopt-unknown-1", v6_unknown_opt, 0, 1, 56, 0),
	V6("reply-dstopt-unknown-2", v6_unknown_opt, 0, 2, 56, 0),
	V6("reply-dstopt-unknown-3", v6_unknown_opt, 0, 3, 56, 0),
	V6X("reply-dstopt-bad-padn", IPPROTO_DSTOPTS, ext_bad_padn),
	V6X("reply-dstopt-long-pad", IPPROTO_DSTOPTS, ext_long_pad),
	V6X("reply-dst-rthdr-dst", IPPROTO_DSTOPTS, ext_dst_rt_dst),
	V6X("reply-atomic-fragment", IPPROTO_FRAGMENT, ext_atomic),
	V6("reply-fragmented", v6_fragmented, 0, 0, 0, 0),
	V6("reply-oversize", v6_oversize, 0, 0, 0, 0),
	V6("udp-dstopts", v6_udp_dstopts, 0, 0, 0, 0),
	V6("error-truncated-quote", v6_err, ICMP6_DST_UNREACH, 0, 6, 0),
	V6("error", v6_err, ICMP6_TIME_EXCEEDED, 0, 0, 0),
	V6("error-other-destination", v6_err, ICMP6_TIME_EXCEEDED, 0, 0,
	   K_OTHER_DST),
};

/* Build the packet for @name; 0 if @name is unknown. */
static int build(const char *name, unsigned short id)
{
	/* v6-error-type-N: 0 and 5-127 are errors the kernel does not know. */
	struct kind typed = { .name = name, .build = v6_err };
	unsigned int type, i;
	int end;

	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		if (!strcmp(name, kinds[i].name)) {
			pkt_len = kinds[i].build(&kinds[i], id);
			return 1;
		}
	}
	if (sscanf(name, "v6-error-type-%u%n", &type, &end) != 1 ||
	    name[end] || type > 255)
		return 0;
	typed.type = type;
	pkt_len = v6_err(&typed, id);
	return 1;
}

/*
 * How each packet reaches IP: whole in the linear area, with all but the
 * Ethernet and IP headers in pages, or split in two IP fragments whose
 * first is paged, so that the second lands on the reassembled packet's
 * frag_list (a linear first fragment would take a short second one into
 * its tailroom, as inet_frag_reasm_finish() coalesces for local delivery).
 */
enum layout { LINEAR, PAGED, FRAGS };
static const char *const layouts[] = { "linear", "paged", "frags" };
static enum layout layout;
static int pfd;
static struct sockaddr_ll ll = { .sll_family = AF_PACKET };

/*
 * packet_alloc_skb() makes a frame of a page or more paged, with the
 * virtio header's hdr_len bytes linear; IP trims the zeroes after it.
 */
#define PAGED_FRAME 4096

/* Send the IP packet @p, paged or not, through the packet socket on lo. */
static int put_frame(const unsigned char *p, size_t len, int paged)
{
	static unsigned char frame[sizeof(struct virtio_net_hdr) + ETH_HLEN +
				   sizeof(pkt) + PAGED_FRAME];
	struct virtio_net_hdr *vh = (void *)frame;
	unsigned char *eth = frame + sizeof(*vh);
	size_t n = ETH_HLEN + len;

	memset(frame, 0, sizeof(*vh) + ETH_HLEN);
	ll.sll_protocol = htons(p[0] >> 4 == 6 ? ETH_P_IPV6 : ETH_P_IP);
	memcpy(eth + 12, &ll.sll_protocol, 2);
	memcpy(eth + ETH_HLEN, p, len);
	if (paged) {
		vh->hdr_len = ETH_HLEN + (p[0] >> 4 == 6 ? 40 : (p[0] & 15) * 4);
		if (n < PAGED_FRAME) {
			memset(eth + n, 0, PAGED_FRAME - n);
			n = PAGED_FRAME;
		}
	}
	if (sendto(pfd, frame, sizeof(*vh) + n, 0, (void *)&ll,
		   sizeof(ll)) < 0) {
		perror("inject: sendto");
		return -1;
	}
	return 0;
}

/*
 * The two fragments of the IPv4 packet @p, its ICMP header in the first,
 * the rest (payload, quote) in the second; a packet that is already a
 * fragment, or has no more than the header, goes whole.  Return: 1 when
 * split.
 */
static int split4(const unsigned char *p, size_t len, unsigned short seq)
{
	static unsigned char f[sizeof(pkt)];
	struct iphdr *ip = (void *)f;
	size_t hl = (p[0] & 15) * 4, l4 = len - hl;
	int i;

	if ((((const struct iphdr *)p)->frag_off & htons(IP_MF | IP_OFFMASK)) ||
	    l4 <= 8)
		return put_frame(p, len, 0) ? -1 : 0;
	for (i = 0; i < 2; i++) {
		memcpy(f, p, hl);
		memcpy(f + hl, p + hl + 8 * i, i ? l4 - 8 : 8);
		ip->tot_len = htons(hl + (i ? l4 - 8 : 8));
		ip->frag_off = htons(i ? 1 : IP_MF);
		ip->id = htons(seq & 0x7fff);
		ip->check = 0;
		ip->check = htons(csum(ip, hl, 0));
		if (put_frame(f, ntohs(ip->tot_len), !i))
			return -1;
	}
	return 1;
}

/*
 * The same for IPv6: a fragment header after the IPv6 header, as
 * ip6_find_1stfragopt() puts it, and the extension headers with the
 * ICMPv6 (or UDP) header in the first fragment, as RFC 7112 wants them.
 */
static int split6(const unsigned char *p, size_t len, unsigned int seq)
{
	static unsigned char f[sizeof(pkt) + 8];
	unsigned char nxt = p[6];
	size_t off = 40, first;
	int i;

	while (nxt == IPPROTO_DSTOPTS || nxt == IPPROTO_ROUTING ||
	       nxt == IPPROTO_AH) {
		size_t hl = nxt == IPPROTO_AH ? (p[off + 1] + 2) * 4 :
						(p[off + 1] + 1) * 8;

		nxt = p[off];
		off += hl;
	}
	if ((nxt != IPPROTO_ICMPV6 && nxt != IPPROTO_UDP) || len <= off + 8)
		return put_frame(p, len, 0) ? -1 : 0;
	first = off - 40 + 8;
	for (i = 0; i < 2; i++) {
		size_t part = i ? len - 40 - first : first;

		memcpy(f, p, 40);
		f[6] = IPPROTO_FRAGMENT;
		put16(f + 4, 8 + part);
		memset(f + 40, 0, 8);
		f[40] = p[6];
		put16(f + 42, i ? first : 1);	/* offset, or M */
		put16(f + 44, 1);
		put16(f + 46, seq);
		memcpy(f + 48, p + 40 + (i ? first : 0), part);
		if (put_frame(f, 48 + part, !i))
			return -1;
	}
	return 1;
}

/* Send @p in the layout; @seq numbers the fragments' queues. */
static int emit(const unsigned char *p, size_t len, unsigned int seq)
{
	if (layout != FRAGS)
		return put_frame(p, len, layout == PAGED) ? -1 : 0;
	return p[0] >> 4 == 6 ? split6(p, len, seq) : split4(p, len, seq);
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

/*
 * Wait until this host has taken in every packet sent so far.  A UDP
 * datagram to a socket of our own goes last through the same backlog of
 * lo's (this one CPU's: see main), which is worked off in order, and each
 * packet is received whole as it comes off it (queued to its socket,
 * noted in an error queue, reassembled, counted or dropped): when the
 * datagram is in, so is all that went before.  It is IPv6, which accepts
 * ::1 as a source on lo without route_localnet.  A fixed sleep would be
 * too short on a slow guest and a waste on a fast one.  Return: 0, or -1
 * when it is not in within a minute.
 */
static int taken_in(void)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6,
				  .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct ip6_hdr *ip6 = (void *)pkt;
	unsigned char *udp = pkt + sizeof(*ip6);
	socklen_t alen = sizeof(a);
	struct pollfd p = { .events = POLLIN };
	const size_t len = 12;
	unsigned int sum = len + IPPROTO_UDP;
	size_t i;
	int r = -1;

	p.fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (p.fd < 0 || bind(p.fd, (void *)&a, sizeof(a)) ||
	    getsockname(p.fd, (void *)&a, &alen)) {
		perror("inject: udp socket");
		goto out;
	}
	memset(pkt, 0, sizeof(*ip6) + len);
	ip6->ip6_flow = htonl(6 << 28);
	ip6->ip6_plen = htons(len);
	ip6->ip6_nxt = IPPROTO_UDP;
	ip6->ip6_hlim = 64;
	ip6->ip6_src = a.sin6_addr;
	ip6->ip6_dst = a.sin6_addr;
	/* From and to our port, 4 bytes of zeroes. */
	memcpy(udp, &a.sin6_port, 2);
	memcpy(udp + 2, &a.sin6_port, 2);
	put16(udp + 4, len);
	for (i = 0; i < 16; i += 2)
		sum += 2 * (a.sin6_addr.s6_addr[i] << 8 | a.sin6_addr.s6_addr[i + 1]);
	sum = csum(udp, len, sum);
	put16(udp + 6, sum ? sum : 0xffff);	/* 0 would say none */
	if (put_frame(pkt, sizeof(*ip6) + len, 0))
		goto out;
	if (poll(&p, 1, 60000) == 1)
		r = 0;
	else
		fputs("inject: lo did not take the packets in within 60 s\n",
		      stderr);
out:
	if (p.fd >= 0)
		close(p.fd);
	return r;
}

/* Count what @fd received, in its queue and in its error queue. */
static void drain(int fd)
{
	unsigned char buf[2048];
	long replies = 0, errors = 0;

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		replies++;
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_ERRQUEUE) >= 0)
		errors++;
	printf("replies %ld errors %ld\n", replies, errors);
}

static int print_usage(void)
{
	fputs("usage: inject [--layout linear|paged|frags] KIND COUNT IDENT\n"
	      "       inject [--layout L] connected|unconnected KIND COUNT\n",
	      stderr);
	return 2;
}

int main(int argc, char **argv)
{
	int sock = -1, own, one = 1, split = 0, r;
	unsigned short ident;
	long i, count;

	if (argc > 2 && !strcmp(argv[1], "--layout")) {
		for (layout = LINEAR; layout <= FRAGS; layout++)
			if (!strcmp(argv[2], layouts[layout]))
				break;
		if (layout > FRAGS)
			return print_usage();
		argc -= 2;
		argv += 2;
	}
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
	if (argc != 4 || !build(argv[1], ident))
		return print_usage();
	count = atol(argv[2]);
	pfd = socket(AF_PACKET, SOCK_RAW, 0);
	if (pfd < 0 || setsockopt(pfd, SOL_PACKET, PACKET_VNET_HDR, &one,
				  sizeof(one))) {
		perror("inject: packet socket");
		return 1;
	}
	ll.sll_ifindex = if_nametoindex("lo");
	/*
	 * One CPU, so one backlog of lo's, takes every packet in the order
	 * sent: moved between CPUs, the sender could have a fragment overtaken
	 * by more than ipfrag_max_dist others from the same host, and IPv4
	 * reassembly would drop its queue as too old.
	 */
	if (sched_getcpu() >= 0) {
		cpu_set_t cpus;

		CPU_ZERO(&cpus);
		CPU_SET(sched_getcpu(), &cpus);
		sched_setaffinity(0, sizeof(cpus), &cpus);
	}
	for (i = 0; i < count; i++) {
		/* Each fragmented packet gets an identification of its own. */
		if (pkt2_len) {
			put16(pkt + 40 + 6, i);
			put16(pkt2 + 40 + 6, i);
		}
		r = emit(pkt, pkt_len, i);
		if (r < 0 || (pkt2_len && emit(pkt2, pkt2_len, i) < 0))
			return 1;
		split |= r;
	}
	printf("inject: %s x %ld, %s%s\n", argv[1], count, layouts[layout],
	       layout == FRAGS && !split ? " (sent whole: not split)" : "");
	if (taken_in())
		return 1;
	if (own)
		drain(sock);
	return 0;
}
