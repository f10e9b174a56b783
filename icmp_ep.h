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
#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock_types.h>
#include <linux/uidgid.h>
#include <linux/workqueue.h>
#include <linux/types.h>
#include <net/inet_sock.h>
#include <linux/ipv6.h>

/* Idents are 16 bits; ident 0 means "pick one" and is never handed out. */
#define ICMP_EP_NR_IDENTS	(U16_MAX + 1)
#define ICMP_EP_ECHO_HDR_LEN	8

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
 * enum icmp_ep_stat - what became of the packets icmp_ep looked at
 * @ICMP_EP_STAT_ECHO_SENT: echo requests sent
 * @ICMP_EP_STAT_REPLIES_DELIVERED: echo replies queued on a socket as a
 *	copy, the packet going on to icmp_rcv() or icmpv6_rcv(): a clone, or
 *	the datagram icmp_ep reassembled from clones of its fragments
 * @ICMP_EP_STAT_ERRORS_DELIVERED: ICMP errors handed to a socket
 * @ICMP_EP_STAT_DROP_NO_SOCKET: replies and errors for no socket of ours
 * @ICMP_EP_STAT_DROP_BAD_CHECKSUM: replies and errors with a bad checksum
 * @ICMP_EP_STAT_DROP_QUEUE_FULL: replies and errors a full queue refused
 * @ICMP_EP_STAT_DROP_SOCKET_FILTER: replies the socket's filter, a cgroup
 *	BPF program or an LSM refused (sk_filter())
 * @ICMP_EP_STAT_DROP_MALFORMED: truncated or garbled replies and errors
 * @ICMP_EP_STAT_DROP_FILTERED: errors the kernel does not report to sockets
 * @ICMP_EP_STAT_DROP_NOT_PEER: replies and errors a connected socket does not
 *	hear: a reply from another host, an error about a datagram to another
 *	host
 * @ICMP_EP_STAT_DROP_POLICY: replies and errors the IPsec inbound policy
 *	refuses, as icmp_rcv() and icmpv6_rcv() refuse them
 * @ICMP_EP_STAT_DROP_REASSEMBLY: clones of IPv6 fragments that icmp_ep's
 *	reassembly refused, or could not make
 * @ICMP_EP_STAT_DROP_NO_REASSEMBLY: fragmented replies and errors lost
 *	for want of nf_defrag_ipv6, counted at their first fragment
 * @ICMP_EP_STAT_REPLIES_STOLEN: echo replies queued on a socket themselves,
 *	as no raw socket could see them
 * @ICMP_EP_STAT_HOOK_REGISTERED: times the receive hook was registered,
 *	for the first socket of the family in the netns; not a packet count
 * @ICMP_EP_STAT_HOOK_UNREGISTERED: times it was unregistered, a linger
 *	after the last socket went; not a packet count
 * @ICMP_EP_NR_STATS: number of counters
 */
enum icmp_ep_stat {
	ICMP_EP_STAT_ECHO_SENT,
	ICMP_EP_STAT_REPLIES_DELIVERED,
	ICMP_EP_STAT_ERRORS_DELIVERED,
	ICMP_EP_STAT_DROP_NO_SOCKET,
	ICMP_EP_STAT_DROP_BAD_CHECKSUM,
	ICMP_EP_STAT_DROP_QUEUE_FULL,
	ICMP_EP_STAT_DROP_SOCKET_FILTER,
	ICMP_EP_STAT_DROP_MALFORMED,
	ICMP_EP_STAT_DROP_FILTERED,
	ICMP_EP_STAT_DROP_NOT_PEER,
	ICMP_EP_STAT_DROP_POLICY,
	ICMP_EP_STAT_DROP_REASSEMBLY,
	ICMP_EP_STAT_DROP_NO_REASSEMBLY,
	ICMP_EP_STAT_REPLIES_STOLEN,
	ICMP_EP_STAT_HOOK_REGISTERED,
	ICMP_EP_STAT_HOOK_UNREGISTERED,
	ICMP_EP_NR_STATS,
};

/**
 * struct icmp_ep_stats - per-CPU counters of one family in one netns
 * @count: indexed by &enum icmp_ep_stat
 */
struct icmp_ep_stats {
	unsigned long count[ICMP_EP_NR_STATS];
};

/**
 * struct icmp_ep_table - the sockets of one family in one netns
 * @socks: sockets keyed by ident; read under RCU, written under @lock
 * @lock: serialises every change to @socks, @idents and @uids
 * @uids: how many idents each uid holds; only used under @lock
 * @stats: what happened to this family's packets
 * @idents: the idents held by the sockets in @socks
 * @nr_socks: how many sockets are in @socks; under @lock
 * @hook_lock: serialises registering and unregistering the receive hook
 *	with each other and with hashing a socket, so that no socket is in
 *	@socks while the hook is not registered
 * @hooked: whether the receive hook is registered; under @hook_lock
 * @hook: the family's receive hook, set once
 * @net: the netns, which holds the table
 * @unhook: unregisters the hook a linger after @nr_socks dropped to 0
 * @unhooked_at: jiffies when the hook was last unregistered, 0 if never;
 *	under @hook_lock
 * @linger_shift: how many times the linger doubles; written under
 *	@hook_lock, read under @lock
 */
struct icmp_ep_table {
	struct rhltable socks;
	spinlock_t lock; /* writers of @socks and @idents, all of @uids */
	struct rhashtable uids;
	struct icmp_ep_stats __percpu *stats;
	struct icmp_ep_idents idents;
	unsigned int nr_socks;
	struct mutex hook_lock; /* @hooked, and hashing against unhooking */
	bool hooked;
	const struct nf_hook_ops *hook;
	struct net *net;
	struct delayed_work unhook;
	unsigned long unhooked_at;
	unsigned int linger_shift;
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

/**
 * struct icmp_ep_node - a socket's entry in &icmp_ep_table.socks
 * @list: in the list of the sockets holding @ident
 * @ident: the hash key
 * @uid: whom the ident is charged to: the binder's sk_uid when the ident
 *	was taken, copied by every socket that shares it, as fchown() on a
 *	socket can change sk_uid later
 * @sk: the socket, set once; see &struct icmp_ep_sock for when it may be
 *	dereferenced
 * @rcu: frees the entry once the readers that may still see it are done
 *
 * The entry lives apart from the socket so that it can outlive it: sockets
 * are %SLAB_TYPESAFE_BY_RCU and may be freed, and their memory reused,
 * while a reader is still walking the list; an entry is only freed after
 * a grace period and is never hashed twice, so a walk never strays into
 * another ident's list.
 */
struct icmp_ep_node {
	struct rhlist_head list;
	u16 ident;
	kuid_t uid;
	struct sock *sk;
	struct rcu_head rcu;
};

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
 * struct icmp_ep_v6_sock - an IPv6 icmp_ep socket
 * @ep: the family-independent part
 * @inet6: IPv6 state; 6.12's inet6_sk_generic() finds it through
 *	&struct proto.ipv6_pinfo_offset, 6.1's only as the last member
 */
struct icmp_ep_v6_sock {
	struct icmp_ep_sock ep;
	struct ipv6_pinfo inet6;
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
