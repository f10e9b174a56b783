/* SPDX-License-Identifier: GPL-2.0 */
/*
 * icmp_ep: an alternate endpoint for unprivileged ICMP datagram sockets.
 *
 * Declarations shared by the module and its KUnit suite.
 */

#ifndef _ICMP_EP_H
#define _ICMP_EP_H

#include <linux/bitops.h>
#include <linux/limits.h>
#include <linux/types.h>
#include <net/inet_sock.h>
#include <linux/ipv6.h>

/* Idents are 16 bits; ident 0 means "pick one" and is never handed out. */
#define ICMP_EP_NR_IDENTS	(U16_MAX + 1)

/**
 * enum icmp_ep_state - lifecycle of an icmp_ep socket
 * @ICMP_EP_INITIAL: created, no ident
 * @ICMP_EP_BOUND: holds an ident, by bind() or autobind
 * @ICMP_EP_CONNECTED: holds an ident and a default destination
 * @ICMP_EP_CLOSED: released; terminal
 */
enum icmp_ep_state {
	ICMP_EP_INITIAL,
	ICMP_EP_BOUND,
	ICMP_EP_CONNECTED,
	ICMP_EP_CLOSED,
};

/**
 * struct icmp_ep_idents - which idents of one family are in use in a netns
 * @used: one bit per ident
 * @full: one bit per word of @used, set when that word has no free bit, so
 *	that picking a free ident reads a few words instead of 8 KiB
 * @nr_used: bits set in @used
 */
struct icmp_ep_idents {
	unsigned long used[BITS_TO_LONGS(ICMP_EP_NR_IDENTS)];
	unsigned long full[BITS_TO_LONGS(ICMP_EP_NR_IDENTS / BITS_PER_LONG)];
	unsigned int nr_used;
};

/**
 * enum icmp_ep_rx_verdict - what the receive hook makes of a packet
 * @ICMP_EP_RX_IGNORE: not an echo reply, nor an error about an echo request
 * @ICMP_EP_RX_MATCH: a reply or error for the socket holding &icmp_ep_rx.ident
 * @ICMP_EP_RX_MALFORMED: an ICMP reply or error too short or garbled to use
 * @ICMP_EP_RX_FILTERED: an error the kernel would not report to a socket
 * @ICMP_EP_RX_FRAGMENT: a fragment of what may be an ICMPv6 packet, of
 *	which icmp_ep reassembles a clone (&icmp_ep_rx.offset is its fragment
 *	header's)
 */
enum icmp_ep_rx_verdict {
	ICMP_EP_RX_IGNORE,
	ICMP_EP_RX_MATCH,
	ICMP_EP_RX_MALFORMED,
	ICMP_EP_RX_FILTERED,
	ICMP_EP_RX_FRAGMENT,
};

/* Private to icmp_ep.c; the socket only points to it. */
struct icmp_ep_node;

/**
 * struct icmp_ep_sock - an icmp_ep socket
 * @inet: the inet socket; its inet_num is the ident while @node is set
 * @node: the socket's entry in its table while it holds an ident; written
 *	under &icmp_ep_table.lock, compared under RCU by readers who found
 *	the entry, to tell the socket from a new one in the same memory
 * @state: where the socket is in its lifecycle, changed under the socket lock
 * @peer_only: connected to a unicast address, so that it hears only replies
 *	from it and errors about datagrams sent to it; written under the
 *	socket lock, read under RCU by the receive path
 *
 * Sockets are %SLAB_TYPESAFE_BY_RCU: a reader that finds one under RCU may
 * read it but must take a reference with refcount_inc_not_zero() and then
 * check that its @node is still the entry it came through.
 */
struct icmp_ep_sock {
	struct inet_sock inet;
	struct icmp_ep_node __rcu *node;
	enum icmp_ep_state state;
	bool peer_only;
};

/**
 * union icmp_ep_addr - an address of either family, as a header holds it
 * @v4: IPv4
 * @v6: IPv6
 */
union icmp_ep_addr {
	__be32 v4;
	struct in6_addr v6;
};

/**
 * struct icmp_ep_rx - what the receive hook learnt about a packet
 * @offset: of the ICMP header
 * @inner: errors only: of the quoted IP header
 * @quote: errors only: of the quoted echo request
 * @error: an ICMP error quoting an echo request, not an echo reply
 * @type: ICMP type
 * @code: ICMP code
 * @info: errors only: the MTU, pointer or gateway the error carries
 * @ident: the echo ident, the reply's or the quoted request's
 * @dif: the device the packet came in on
 * @sdif: its L3 master device, if any
 * @peer: the host the packet is about: a reply's source, or the destination
 *	of the datagram an error quotes (errors come from routers on the way,
 *	so their own source says nothing about the peer)
 * @nhoff: IPv6 only: of the byte that names the ICMPv6 header
 * @lastopt: IPv6 only: of the last extension header processed
 * @srcrt: IPv6 only: of the routing header, or 0
 * @dst0: IPv6 only: of the destination options before it, or 0
 * @dst1: IPv6 only: of the destination options after it, or 0
 *
 * Offsets count from the (outer) network header.  The IPv6 ones are those
 * that the kernel's extension-header handlers leave in &struct
 * inet6_skb_parm, which IPV6_RECVDSTOPTS and IPV6_RECVRTHDR read.
 */
struct icmp_ep_rx {
	unsigned int offset;
	unsigned int inner;
	unsigned int quote;
	bool error;
	u8 type;
	u8 code;
	u32 info;
	u16 ident;
	int dif;
	int sdif;
	union icmp_ep_addr peer;
	u16 nhoff;
	u16 lastopt;
	u16 srcrt;
	u16 dst0;
	u16 dst1;
};

static inline struct icmp_ep_sock *icmp_ep_sk(const struct sock *sk)
{
	return container_of(inet_sk(sk), struct icmp_ep_sock, inet);
}

void icmp_ep_idents_init(struct icmp_ep_idents *ids);
bool icmp_ep_ident_in_use(const struct icmp_ep_idents *ids, u16 ident);
void icmp_ep_ident_take(struct icmp_ep_idents *ids, u16 ident);
void icmp_ep_ident_release(struct icmp_ep_idents *ids, u16 ident);
int icmp_ep_ident_pick(const struct icmp_ep_idents *ids, u16 hint);

int icmp_ep_echo_check(int family, const void *hdr);
u16 icmp_ep_echo_id(int family, const void *hdr);
enum icmp_ep_rx_verdict icmp_ep_rx_parse(int family, const struct sk_buff *skb,
					 struct icmp_ep_rx *rx);
unsigned int icmp_ep_rx_deliver(struct net *net, int family,
				struct sk_buff *skb, bool may_steal);
bool icmp_ep_state_change_valid(enum icmp_ep_state from,
				enum icmp_ep_state to);

#endif /* _ICMP_EP_H */
