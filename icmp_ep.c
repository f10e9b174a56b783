// SPDX-License-Identifier: GPL-2.0
/*
 * icmp_ep: an alternate endpoint for unprivileged ICMP datagram sockets.
 *
 * Once loaded, every new socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP) and
 * socket(AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6) is served here instead of by
 * net/ipv4/ping.c.  The design follows gVisor's netstack ICMP endpoint: an
 * explicit state machine, the echo ident as the local port, a byte-bounded
 * receive queue and a send path that validates the user's echo header.
 *
 * Sockets live in a per-netns, per-family rhltable keyed by ident, so the
 * receive path is one RCU hash lookup whatever the number of sockets.
 * Replies reach us through a netfilter LOCAL_IN hook, as icmp_rcv() has no
 * hook of its own.  The hook delivers a clone and lets the original go on
 * to icmp_rcv(), so the kernel's ICMP counters move as they always do.
 *
 * The sections follow the data, each under a banner set off by two rows
 * of "=": tables and idents (the per-family table &struct icmp_ep_af, the
 * per-netns socket table, ident allocation and the per-uid cap); the state
 * machine; the socket calls both families share (bind, connect, the send
 * checks, recvmsg); the IPv4 family, then the IPv6 family (binding, routing
 * and building an echo request, parsing replies and errors, the error
 * queue); the receive hook (lookup, delivery, counters, registering the
 * hook and its linger, KUnit's entry points); /proc; and init/exit
 * (protocol registration, per-netns setup, the module).
 */

#include <kunit/visibility.h>
#include <linux/bpf-cgroup.h>
#include <linux/capability.h>
#include <linux/errqueue.h>
#include <linux/highmem.h>
#include <linux/jhash.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/proc_fs.h>
#include <linux/random.h>
#include <linux/rhashtable.h>
#include <linux/seq_file.h>
#include <linux/skbuff.h>
#include <linux/sysctl.h>
#include <linux/termios.h>
#include <linux/uio.h>
#include <linux/workqueue.h>
#include <net/addrconf.h>
#include <net/checksum.h>
#include <net/icmp.h>
#include <net/inet_common.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/ipv6_frag.h>
#include <net/l3mdev.h>
#include <net/net_namespace.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>
#include <net/netns/generic.h>
#include <net/ping.h>
#include <net/protocol.h>
#include <net/raw.h>
#include <net/rawv6.h>
#include <net/route.h>
#include <net/sock.h>
#include <net/transp_v6.h>
#include <net/udp.h>
#include <net/xfrm.h>

#include "icmp_ep.h"

/*
 * ====================================================================
 * Tables and idents: the family tables, per-netns socket tables, idents
 * ====================================================================
 */

#define ICMP_EP_ECHO_HDR_LEN	8

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
 *
 * The module's locking, stated here once (Documentation/icmp_ep.rst points
 * here).  The lock order is: the socket lock, then @hook_lock, then
 * netfilter's nf_hook_mutex (taken inside nf_register_net_hook() and
 * nf_unregister_net_hook()); @lock nests inside @hook_lock.
 *
 * - The socket lock covers a socket's state: bind, connect, disconnect and
 *   close take it.  Unhashing also runs without it, from
 *   sk_common_release(), so it takes only @lock and is idempotent.
 * - @hook_lock is held by the bind path across registering the hook (if it
 *   is not) and hashing the socket, and by the @unhook work while it reads
 *   @nr_socks, which only rises under @hook_lock, and unregisters: no
 *   socket is ever in @socks while the hook is not registered.  A mutex,
 *   as registering sleeps.
 * - @lock, a spinlock taken only in process context, covers every change
 *   to @socks, @idents, @uids and @nr_socks (lockdep_assert_held() in the
 *   helpers).  @nr_socks falls under it, which then schedules @unhook; a
 *   fall to 0 while the work runs schedules it again.
 * - The receive path takes none of these: it looks a socket up under RCU
 *   and takes a reference (see &struct icmp_ep_sock).
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
 * struct icmp_ep_v6_sock - an IPv6 icmp_ep socket
 * @ep: the family-independent part
 * @inet6: IPv6 state; 6.12's inet6_sk_generic() finds it through
 *	&struct proto.ipv6_pinfo_offset, 6.1's only as the last member
 */
struct icmp_ep_v6_sock {
	struct icmp_ep_sock ep;
	struct ipv6_pinfo inet6;
};

/*
 * The hook runs after every filter, LSM and NAT hook on LOCAL_IN, so that
 * anything the administrator drops or rewrites is never seen by a socket,
 * and after IPv6 conntrack confirmation.  IPv4's confirmation has this
 * priority too, and of two hooks with one priority the one registered
 * later runs first: whether anything still follows is asked per packet
 * (icmp_ep_rx_hook_is_last()), never assumed.
 */
#define ICMP_EP_NF_PRIORITY	NF_IP_PRI_LAST

enum icmp_ep_af_index {
	ICMP_EP_AF_INET,
	ICMP_EP_AF_INET6,
	ICMP_EP_NR_AF,
};

/*
 * @keep_echo_id is net.icmp_ep.keep_echo_id, read without a lock; @net
 * lets its handler find the namespace whose administrator may write it.
 */
struct icmp_ep_net {
	struct icmp_ep_table *tables[ICMP_EP_NR_AF];
	struct net *net;
	int keep_echo_id;
	struct ctl_table_header *sysctl;
};

static unsigned int icmp_ep_net_id __read_mostly;

static unsigned int max_idents_per_uid;
module_param(max_idents_per_uid, uint, 0644);
MODULE_PARM_DESC(max_idents_per_uid,
		 "Most idents one uid may hold per family in a network namespace (0, the default: no limit, as with the built-in sockets)");

/*
 * IPv6 reassembles only after LOCAL_IN, so the receive hook reassembles
 * clones of the fragments it may need, with nf_defrag_ipv6's
 * nf_ct_frag6_gather(), in queues of its own; the fragments themselves go
 * on to the kernel's reassembly.  nf_defrag_ipv6 is a module of its own on
 * distribution kernels, and linking against it would fail every insmod
 * until someone loaded it by hand: modprobe loads it first (the soft
 * dependency at the end), and after a plain insmod the first IPv6 socket
 * loads it, in process context.  Once had, the function is kept until
 * module exit, read by the hook without a lock.
 *
 * A load that failed is retried by a later socket, but not before
 * ICMP_EP_V6_DEFRAG_RETRY has passed: a kernel that cannot load it (no such
 * module, modules_disabled, usermode helpers off) would otherwise run
 * modprobe, and make the caller wait for it, at every socket(), which ping
 * in a loop creates once a second and a monitoring daemon far more often.
 * Ten seconds bound that to one modprobe run per ten seconds, and still
 * pick up soon enough a module installed, or helpers enabled again, later;
 * one loaded by other means (by hand, with conntrack) is picked up by the
 * next socket, as looking the symbol up costs no modprobe.
 */
#define ICMP_EP_V6_DEFRAG_RETRY	(10 * HZ)
static DEFINE_MUTEX(icmp_ep_v6_defrag_mutex);
/* Both under icmp_ep_v6_defrag_mutex. */
static bool icmp_ep_v6_defrag_failed;
static unsigned long icmp_ep_v6_defrag_retry_at;
static int (*icmp_ep_v6_defrag_gather)(struct net *net, struct sk_buff *skb,
				       u32 user);

/*
 * nf_defrag_ipv6's queues are keyed by user too, and the kernel's own
 * reassembly, whose user this is, keeps its queues elsewhere: none of
 * nf_ct_frag6_gather()'s callers passes it, so these queues are icmp_ep's.
 */
#define ICMP_EP_FRAG6_USER	IP6_DEFRAG_LOCAL_DELIVER

/*
 * One send in progress: the validated echo header, the destination the user
 * named (NULL for the connected peer) and the running checksum.
 */
struct icmp_ep_tx {
	struct icmphdr echo;
	struct msghdr *msg;
	const struct sockaddr *dest;
	__wsum csum;
};

/*
 * Everything that differs between IPv4 and IPv6 sits behind this table;
 * the state machine, ident table, send checks and receive demux are shared.
 * Every hook is mandatory unless noted.  "Socket locked" means lock_sock();
 * "pinned" means the caller holds a reference, not the lock.
 *
 * enum icmp_ep_af_index index;
 *	The family's slot in &struct icmp_ep_net.tables.
 * u8 saddr_offset, daddr_offset, addr_len;
 *	Where the family's IP header holds its addresses, and their size.
 * unsigned int sockaddr_len;
 *	The size of the family's sockaddr, which a destination must fill.
 * unsigned int rx_iphdr_len;
 *	The fixed IP header, which the reverse policy check pulls.
 * u8 protocol;
 *	IPPROTO_ICMP or IPPROTO_ICMPV6.
 * struct raw_hashinfo *raw_hashinfo;
 *	The family's raw sockets, whose bucket for @protocol says whether
 *	one could see a reply.
 * struct proto *builtin_proto;
 *	The built-in ping sockets' protocol, &ping_prot or &pingv6_prot.
 *	Sockets of it opened before the module was loaded keep their
 *	idents, which icmp_ep cannot see, and get their replies from
 *	ping_rcv(), after this hook.
 *
 * int (*check_bind)(struct sock *sk, const struct sockaddr *uaddr,
 *		     int addr_len, int *bound_dev_if);
 *	Validate the address bind() was given, as inet_bind() and
 *	inet6_bind() do.  May narrow *@bound_dev_if to the scope of a
 *	link-local address; touches nothing else.
 *	Context: process, socket locked; may take the RCU read lock.
 *	Return: 0 or a negative errno for bind().
 * void (*set_bind_addr)(struct sock *sk, const struct sockaddr *uaddr);
 *	Make @uaddr, already checked, the socket's local address (and, on
 *	IPv6, forget the peer).  Writes only those addresses; the receive
 *	path reads them under RCU, so the IPv4 one is a WRITE_ONCE().
 *	Context: process, socket locked.
 * void (*get_bind_addr)(const struct sock *sk, struct sockaddr_storage *ss);
 *	Save the local address into @ss, family and address only, so that
 *	->set_bind_addr() can put it back when taking an ident fails.
 *	Context: process, socket locked.
 * bool (*bind_addr_is_any)(const struct sock *sk);
 *	Whether the local address is the wildcard.
 *	Context: process, socket locked.
 *
 * int (*connect)(struct sock *sk, struct sockaddr *uaddr, int addr_len);
 *	Set the peer and cache its route, as __ip4_datagram_connect() and
 *	__ip6_datagram_connect() do: writes the peer address, the source
 *	address if unbound, and the socket's dst.  The socket holds an ident.
 *	Context: process, socket locked.
 *	Return: 0 or a negative errno for connect().
 * bool (*peer_is_group)(struct sock *sk);
 *	Whether the peer just connected to is a broadcast or multicast
 *	address, whose replies come from other addresses.  Reads the peer
 *	and the cached route.
 *	Context: process, socket locked, right after ->connect() succeeded.
 *
 * int (*send)(struct sock *sk, struct msghdr *msg, size_t len,
 *	       struct icmp_ep_tx *tx);
 *	Route, build and transmit the echo request whose header @tx holds,
 *	validated, to &icmp_ep_tx.dest, checked, or when that is NULL to the
 *	peer of the connected socket.
 *	Reads the socket's options and cached route, may queue a local
 *	error (IPv4) and moves the kernel's IP and ICMP MIB counters.
 *	Context: process, socket not locked (IPv6 locks it around its write
 *	queue); may sleep unless MSG_DONTWAIT.
 *	Return: 0 or a negative errno for sendmsg().
 * void (*recv_name)(struct sock *sk, struct msghdr *msg, struct sk_buff *skb,
 *		     int *addr_len);
 *	Fill the source address of the reply @skb into msg_name, with
 *	*@addr_len, and the control messages the socket asked for.
 *	Context: process, socket not locked; @skb is off the receive queue.
 * int (*peer_name)(struct sock *sk, struct sockaddr *uaddr);
 *	Fill the peer address for getpeername().
 *	Context: process, socket locked and connected.
 *	Return: the length of the address filled in.
 *
 * The receive hooks below run in the netfilter LOCAL_IN hook: softirq (or
 * KUnit's caller, with bottom halves off), under rcu_read_lock().
 *
 * enum icmp_ep_rx_verdict (*rx_parse)(const struct sk_buff *skb,
 *				       struct icmp_ep_rx *rx);
 *	Classify the packet, as icmp_rcv() or icmpv6_rcv() and the kernel's
 *	error handlers would, and fill @rx for a match.  Reads @skb through
 *	skb_header_pointer() only, and the netns sysctls; no socket.
 *	Return: the verdict; %ICMP_EP_RX_FRAGMENT only from IPv6.
 * struct sk_buff *(*rx_gather)(struct net *net, struct sk_buff *skb,
 *			       const struct icmp_ep_rx *rx);
 *	Optional, IPv6 only: reassemble a clone of @skb, a fragment that
 *	->rx_parse() found, in queues of icmp_ep's own, leaving @skb as it
 *	was, for the kernel's reassembly.  Counts, in @net's table, a clone
 *	refused and, when there is nothing to reassemble with, a reply or
 *	error lost.
 *	Return: the whole packet, once a clone completed it: icmp_ep's own,
 *	no fragment, for the caller to deliver and free; NULL otherwise.
 * int (*rx_policy_check)(struct sk_buff *skb, const struct icmp_ep_rx *rx,
 *			  bool reverse);
 *	Run the inbound IPsec policy check on @skb, or with @reverse the
 *	reversed check on the quoted packet, at whose header the caller has
 *	set the network header.  May change @skb's control block for the
 *	duration of the check; puts it back.
 *	Return: non-zero if the policy lets the packet in.
 * void (*rx_fill_cb)(struct sk_buff *clone, const struct icmp_ep_rx *rx);
 *	Optional: fill @clone's control block as the kernel's path would
 *	have by icmp_rcv() or icmpv6_rcv().  Writes only that block.
 * bool (*rx_may_steal)(const struct sk_buff *skb);
 *	Optional: whether the path from LOCAL_IN to icmp_rcv() or
 *	icmpv6_rcv() would do nothing to this reply but hand it to raw
 *	sockets, so that the socket may take it.  Reads the headers only.
 * const struct nf_hook_entries *(*rx_local_in_hooks)(const struct net *net);
 *	The namespace's LOCAL_IN hooks of the family, this one among them.
 * void (*rx_count_reply)(struct net *net, const struct sk_buff *skb,
 *			  const struct icmp_ep_rx *rx);
 *	Move the IP and ICMP MIB counters as the kernel's path from
 *	LOCAL_IN to ping_rcv() would have for the reply the socket takes.
 * bool (*rx_daddr_match)(const struct sock *sk, const struct sk_buff *skb);
 * bool (*rx_peer_match)(const struct sock *sk,
 *			 const union icmp_ep_addr *peer);
 *	Whether the socket's local address admits the packet's destination,
 *	and whether its peer is @peer.  The socket is NOT pinned: it may be
 *	freed and reused meanwhile (%SLAB_TYPESAFE_BY_RCU), so these only
 *	read, with READ_ONCE() where a writer may be at work, and the
 *	caller matches again once it holds a reference.
 *
 * The error hooks below run, in that order, for an ICMP error about a
 * socket's echo request: same context, with the socket pinned but not
 * locked, on a private clone whose data is the quoted IP header (for
 * ->fill_error(), the quoted echo request).
 *
 * void (*err_update_route)(struct sock *sk, struct sk_buff *skb,
 *			    const struct icmp_ep_rx *rx);
 *	Let the error change routing as the kernel's own handling would:
 *	lower the path MTU (fragmentation needed, packet too big) or follow
 *	a redirect, for the socket's cached route and the FIB's exceptions.
 *	Touches the routes only.
 * int (*err_convert)(const struct sock *sk, const struct icmp_ep_rx *rx,
 *		      int *err);
 *	Map the error's type and code to *@err, as icmp_err_convert[] and
 *	icmpv6_err_convert() do.  Reads the socket's PMTU discovery mode;
 *	no side effects.
 *	Return: 1 for a hard error, 0 for a soft one, negative for one the
 *	socket does not hear at all.
 * bool (*recverr)(const struct sock *sk);
 *	Whether the socket set IP_RECVERR or IPV6_RECVERR.
 * void (*fill_error)(struct sock *sk, struct sk_buff *skb,
 *		      const struct icmp_ep_rx *rx,
 *		      struct sock_exterr_skb *serr);
 *	Fill the family's part of the error-queue entry @serr for @skb,
 *	which the caller then queues: origin, address offset and RFC 4884
 *	extension.  May read @skb's ICMP header.
 *
 * void (*seq_header)(struct seq_file *seq);
 * void (*seq_addrs)(struct seq_file *seq, struct sock *sk, int slot);
 *	Print the header line of /proc/net/icmp_ep{,6}, and the slot and
 *	addresses that start a socket's line.  The socket is pinned, not
 *	locked: the addresses may be changing under bind() or connect().
 *	Context: process, inside the table walk, under rcu_read_lock().
 */
struct icmp_ep_af {
	enum icmp_ep_af_index index;
	u8 saddr_offset;
	u8 daddr_offset;
	u8 addr_len;
	unsigned int sockaddr_len;
	unsigned int rx_iphdr_len;
	u8 protocol;
	struct raw_hashinfo *raw_hashinfo;
	struct proto *builtin_proto;
	int (*check_bind)(struct sock *sk, const struct sockaddr *uaddr,
			  int addr_len, int *bound_dev_if);
	void (*set_bind_addr)(struct sock *sk, const struct sockaddr *uaddr);
	void (*get_bind_addr)(const struct sock *sk,
			      struct sockaddr_storage *ss);
	bool (*bind_addr_is_any)(const struct sock *sk);
	int (*connect)(struct sock *sk, struct sockaddr *uaddr, int addr_len);
	bool (*peer_is_group)(struct sock *sk);
	int (*send)(struct sock *sk, struct msghdr *msg, size_t len,
		    struct icmp_ep_tx *tx);
	void (*recv_name)(struct sock *sk, struct msghdr *msg,
			  struct sk_buff *skb, int *addr_len);
	int (*peer_name)(struct sock *sk, struct sockaddr *uaddr);
	enum icmp_ep_rx_verdict (*rx_parse)(const struct sk_buff *skb,
					    struct icmp_ep_rx *rx);
	struct sk_buff *(*rx_gather)(struct net *net, struct sk_buff *skb,
				     const struct icmp_ep_rx *rx);
	int (*rx_policy_check)(struct sk_buff *skb,
			       const struct icmp_ep_rx *rx, bool reverse);
	void (*rx_fill_cb)(struct sk_buff *clone, const struct icmp_ep_rx *rx);
	bool (*rx_may_steal)(const struct sk_buff *skb);
	const struct nf_hook_entries *(*rx_local_in_hooks)(const struct net *net);
	void (*rx_count_reply)(struct net *net, const struct sk_buff *skb,
			       const struct icmp_ep_rx *rx);
	bool (*rx_daddr_match)(const struct sock *sk,
			       const struct sk_buff *skb);
	bool (*rx_peer_match)(const struct sock *sk,
			      const union icmp_ep_addr *peer);
	void (*err_update_route)(struct sock *sk, struct sk_buff *skb,
				 const struct icmp_ep_rx *rx);
	int (*err_convert)(const struct sock *sk, const struct icmp_ep_rx *rx,
			   int *err);
	bool (*recverr)(const struct sock *sk);
	void (*fill_error)(struct sock *sk, struct sk_buff *skb,
			   const struct icmp_ep_rx *rx,
			   struct sock_exterr_skb *serr);
	void (*seq_header)(struct seq_file *seq);
	void (*seq_addrs)(struct seq_file *seq, struct sock *sk, int slot);
};

static const struct icmp_ep_af icmp_ep_v4_af;
static const struct icmp_ep_af icmp_ep_v6_af;

static const struct icmp_ep_af *icmp_ep_af_of(int family)
{
	return family == AF_INET6 ? &icmp_ep_v6_af : &icmp_ep_v4_af;
}

static const struct icmp_ep_af *icmp_ep_sk_af(const struct sock *sk)
{
	return icmp_ep_af_of(sk->sk_family);
}

/* How many idents one uid holds in a table, while it holds any. */
struct icmp_ep_uid {
	struct rhash_head node;
	kuid_t uid;
	unsigned int idents;
};

static const struct rhashtable_params icmp_ep_uid_params = {
	.key_len = sizeof_field(struct icmp_ep_uid, uid),
	.key_offset = offsetof(struct icmp_ep_uid, uid),
	.head_offset = offsetof(struct icmp_ep_uid, node),
	.automatic_shrinking = true,
};

/* The generic jhash() would go byte by byte through the 16-bit ident. */
static u32 icmp_ep_ident_hashfn(const void *data, u32 len, u32 seed)
{
	return jhash_1word(*(const u16 *)data, seed);
}

static const struct rhashtable_params icmp_ep_rht_params = {
	.hashfn = icmp_ep_ident_hashfn,
	.key_len = sizeof_field(struct icmp_ep_node, ident),
	.key_offset = offsetof(struct icmp_ep_node, ident),
	.head_offset = offsetof(struct icmp_ep_node, list),
	.automatic_shrinking = true,
};

static struct icmp_ep_net *icmp_ep_net(const struct net *net)
{
	return net_generic(net, icmp_ep_net_id);
}

static struct icmp_ep_table *icmp_ep_table(const struct net *net,
					   enum icmp_ep_af_index index)
{
	return icmp_ep_net(net)->tables[index];
}

static struct icmp_ep_table *icmp_ep_sk_table(const struct sock *sk)
{
	return icmp_ep_table(sock_net(sk), icmp_ep_sk_af(sk)->index);
}

static void icmp_ep_count(struct icmp_ep_table *t, enum icmp_ep_stat stat)
{
	this_cpu_inc(t->stats->count[stat]);
}

/**
 * icmp_ep_idents_init() - reset an ident set to "all free"
 * @ids: the set
 *
 * Ident 0 is reserved, as bind() takes it to mean "pick one".
 *
 * Context: Any context; the caller owns @ids.
 * Return: Nothing.
 */
void icmp_ep_idents_init(struct icmp_ep_idents *ids)
{
	memset(ids, 0, sizeof(*ids));
	icmp_ep_ident_take(ids, 0);
}
EXPORT_SYMBOL_IF_KUNIT(icmp_ep_idents_init);

/**
 * icmp_ep_ident_in_use() - whether an ident is held by some socket
 * @ids: the set
 * @ident: the ident
 *
 * Context: Caller holds the lock that protects @ids.
 * Return: true if @ident is taken.
 */
bool icmp_ep_ident_in_use(const struct icmp_ep_idents *ids, u16 ident)
{
	return test_bit(ident, ids->used);
}
EXPORT_SYMBOL_IF_KUNIT(icmp_ep_ident_in_use);

/**
 * icmp_ep_ident_take() - mark a free ident as taken
 * @ids: the set
 * @ident: the ident, which must be free
 *
 * Context: Caller holds the lock that protects @ids.
 * Return: Nothing.
 */
void icmp_ep_ident_take(struct icmp_ep_idents *ids, u16 ident)
{
	unsigned int word = BIT_WORD(ident);

	if (WARN_ON_ONCE(__test_and_set_bit(ident, ids->used)))
		return;
	ids->nr_used++;
	if (ids->used[word] == ~0UL)
		__set_bit(word, ids->full);
}
EXPORT_SYMBOL_IF_KUNIT(icmp_ep_ident_take);

/**
 * icmp_ep_ident_release() - mark a taken ident as free
 * @ids: the set
 * @ident: the ident, which must be taken and not 0
 *
 * Context: Caller holds the lock that protects @ids.
 * Return: Nothing.
 */
void icmp_ep_ident_release(struct icmp_ep_idents *ids, u16 ident)
{
	if (WARN_ON_ONCE(!ident || !__test_and_clear_bit(ident, ids->used)))
		return;
	ids->nr_used--;
	__clear_bit(BIT_WORD(ident), ids->full);
}
EXPORT_SYMBOL_IF_KUNIT(icmp_ep_ident_release);

/**
 * icmp_ep_ident_pick() - find a free ident
 * @ids: the set
 * @hint: where to start looking; random for ephemeral idents, so that
 *	idents are hard to predict
 *
 * Looks at the rest of @hint's word, then at the summary of full words, so
 * the cost is a few word reads however full the set is.
 *
 * Context: Caller holds the lock that protects @ids.
 * Return: the first free ident at or after @hint, wrapping around, or
 * -EAGAIN when every ident is taken.
 */
int icmp_ep_ident_pick(const struct icmp_ep_idents *ids, u16 hint)
{
	const unsigned int nr_words = ICMP_EP_NR_IDENTS / BITS_PER_LONG;
	unsigned int word = BIT_WORD(hint);
	unsigned long free_bits;

	free_bits = ~ids->used[word] & BITMAP_FIRST_WORD_MASK(hint);
	if (free_bits)
		return word * BITS_PER_LONG + __ffs(free_bits);

	word = find_next_zero_bit(ids->full, nr_words, word + 1);
	if (word >= nr_words)
		word = find_first_zero_bit(ids->full, nr_words);
	if (word >= nr_words)
		return -EAGAIN;
	return word * BITS_PER_LONG + ffz(ids->used[word]);
}
EXPORT_SYMBOL_IF_KUNIT(icmp_ep_ident_pick);

/*
 * Whether @sk may hold @ident: a free one, or one whose holders all set
 * SO_REUSEADDR, as ping_get_port() requires, and have @sk's uid, which it
 * does not: there, any user's socket with SO_REUSEADDR may share the
 * ident of another's and read its replies.  For a shared ident, *@charged
 * is the uid that ident is charged to.  Holders are alive: they leave the
 * table, under @t->lock, before they are freed.
 */
static bool icmp_ep_ident_shareable(struct icmp_ep_table *t,
				    const struct sock *sk, u16 ident,
				    kuid_t *charged)
{
	struct rhlist_head *list, *pos;
	struct icmp_ep_node *other;
	bool shareable = true;

	lockdep_assert_held(&t->lock);

	if (!icmp_ep_ident_in_use(&t->idents, ident))
		return true;
	if (!sk->sk_reuse)
		return false;

	rcu_read_lock();
	list = rhltable_lookup(&t->socks, &ident, icmp_ep_rht_params);
	rhl_for_each_entry_rcu(other, pos, list, list) {
		const struct sock *sk2 = other->sk;

		if (!sk2->sk_reuse || !uid_eq(sk2->sk_uid, sk->sk_uid)) {
			shareable = false;
			break;
		}
		*charged = other->uid;
	}
	rcu_read_unlock();
	return shareable;
}

/* Count one more ident for @uid, unless max_idents_per_uid says no. */
static int icmp_ep_uid_charge(struct icmp_ep_table *t, kuid_t uid)
{
	unsigned int max = READ_ONCE(max_idents_per_uid);
	struct icmp_ep_uid *u;
	int err;

	lockdep_assert_held(&t->lock);

	u = rhashtable_lookup_fast(&t->uids, &uid, icmp_ep_uid_params);
	if (u) {
		if (max && u->idents >= max)
			return -EAGAIN;
		u->idents++;
		return 0;
	}

	u = kzalloc(sizeof(*u), GFP_ATOMIC);
	if (!u)
		return -ENOMEM;
	u->uid = uid;
	u->idents = 1;
	err = rhashtable_insert_fast(&t->uids, &u->node, icmp_ep_uid_params);
	if (err)
		kfree(u);
	return err;
}

static void icmp_ep_uid_uncharge(struct icmp_ep_table *t, kuid_t uid)
{
	struct icmp_ep_uid *u;

	lockdep_assert_held(&t->lock);

	u = rhashtable_lookup_fast(&t->uids, &uid, icmp_ep_uid_params);
	if (WARN_ON_ONCE(!u) || --u->idents)
		return;
	rhashtable_remove_fast(&t->uids, &u->node, icmp_ep_uid_params);
	/* Only ever reached under t->lock: no reader can still see it. */
	kfree(u);
}

static bool icmp_ep_ident_has_socks(struct icmp_ep_table *t, u16 ident)
{
	bool found;

	lockdep_assert_held(&t->lock);

	rcu_read_lock();
	found = rhltable_lookup(&t->socks, &ident, icmp_ep_rht_params);
	rcu_read_unlock();
	return found;
}

/*
 * The ident @sk may take: @ident if it is free, or shareable unless
 * @exclusive, or a random free one when @ident is 0.  For a shared ident,
 * *@charged is whom it is charged to.  Return: the ident, or -EADDRINUSE,
 * as ping_bind() says when all are taken; an autobind turns any failure
 * into EAGAIN, as inet_autobind() does.
 */
static int icmp_ep_ident_choose(struct icmp_ep_table *t, const struct sock *sk,
				u16 ident, bool exclusive, kuid_t *charged)
{
	int picked;

	lockdep_assert_held(&t->lock);

	if (ident && exclusive)
		return icmp_ep_ident_in_use(&t->idents, ident) ?
		       -EADDRINUSE : ident;
	if (ident)
		return icmp_ep_ident_shareable(t, sk, ident, charged) ?
		       ident : -EADDRINUSE;
	picked = icmp_ep_ident_pick(&t->idents,
				    get_random_u32_below(ICMP_EP_NR_IDENTS));
	return picked < 0 ? -EADDRINUSE : picked;
}

/*
 * Registering, unregistering and the linger of the receive hook are in the
 * receive-hook section, with the hook.
 */
static int icmp_ep_hook_register(struct icmp_ep_table *t);
static void icmp_ep_hook_idle(struct icmp_ep_table *t);

/*
 * Give @sk the ident @ident, or a random free one when @ident is 0; an
 * @exclusive ident only if no socket holds it.  The socket's inet_num is
 * the ident; it changes only here and in icmp_ep_unhash(), under the table
 * lock, together with the socket's entry.
 */
static int icmp_ep_hash(struct sock *sk, u16 ident, bool exclusive)
{
	struct icmp_ep_table *t = icmp_ep_sk_table(sk);
	struct inet_sock *inet = inet_sk(sk);
	struct icmp_ep_node *node;
	bool new_ident;
	int err;

	sock_owned_by_me(sk);
	/* The hook is registered, and stays so while we hold this. */
	lockdep_assert_held(&t->hook_lock);

	node = kmalloc(sizeof(*node), GFP_KERNEL);
	if (!node)
		return -ENOMEM;
	node->sk = sk;
	node->uid = sk->sk_uid;

	spin_lock(&t->lock);
	err = icmp_ep_ident_choose(t, sk, ident, exclusive, &node->uid);
	if (err < 0)
		goto err_unlock;
	node->ident = err;

	/* The cap counts idents, not sockets: only the first holder pays. */
	new_ident = !icmp_ep_ident_in_use(&t->idents, node->ident);
	if (new_ident) {
		err = icmp_ep_uid_charge(t, node->uid);
		if (err)
			goto err_unlock;
	}

	/* Before the entry is visible: a reader checks it against this. */
	rcu_assign_pointer(icmp_ep_sk(sk)->node, node);
	err = rhltable_insert(&t->socks, &node->list, icmp_ep_rht_params);
	if (err)
		goto err_uncharge;
	if (new_ident)
		icmp_ep_ident_take(&t->idents, node->ident);
	inet->inet_num = node->ident;
	inet->inet_sport = htons(node->ident);
	sock_prot_inuse_add(sock_net(sk), sk->sk_prot, 1);
	WRITE_ONCE(t->nr_socks, t->nr_socks + 1);
	spin_unlock(&t->lock);
	return 0;

err_uncharge:
	RCU_INIT_POINTER(icmp_ep_sk(sk)->node, NULL);
	if (new_ident)
		icmp_ep_uid_uncharge(t, node->uid);
err_unlock:
	/* The hook may have been registered for this socket alone. */
	icmp_ep_hook_idle(t);
	spin_unlock(&t->lock);
	kfree(node);
	return err;
}

/*
 * Called both under the socket lock (disconnect, close) and without it, from
 * sk_common_release(), so it must be idempotent: that double call is exactly
 * the CVE-2015-3636 shape.
 */
static void icmp_ep_unhash(struct sock *sk)
{
	struct icmp_ep_table *t = icmp_ep_sk_table(sk);
	struct icmp_ep_sock *ep = icmp_ep_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	struct icmp_ep_node *node;

	spin_lock(&t->lock);
	node = rcu_dereference_protected(ep->node, lockdep_is_held(&t->lock));
	if (node) {
		WARN_ON_ONCE(rhltable_remove(&t->socks, &node->list,
					     icmp_ep_rht_params));
		if (!icmp_ep_ident_has_socks(t, node->ident)) {
			icmp_ep_ident_release(&t->idents, node->ident);
			icmp_ep_uid_uncharge(t, node->uid);
		}
		RCU_INIT_POINTER(ep->node, NULL);
		inet->inet_num = 0;
		inet->inet_sport = 0;
		sock_prot_inuse_add(sock_net(sk), sk->sk_prot, -1);
		WRITE_ONCE(t->nr_socks, t->nr_socks - 1);
		icmp_ep_hook_idle(t);
		/* Readers may still be on it, or walking past it. */
		kfree_rcu(node, rcu);
	}
	spin_unlock(&t->lock);
}

/*
 * ====================================================================
 * State machine: a socket's lifecycle
 * ====================================================================
 */

/**
 * icmp_ep_state_change_valid() - whether the state machine allows a move
 * @from: current state
 * @to: next state
 *
 * Context: Any context.
 * Return: true if a socket may go from @from to @to.
 */
bool icmp_ep_state_change_valid(enum icmp_ep_state from,
				enum icmp_ep_state to)
{
	if (from == ICMP_EP_CLOSED)
		return false;
	/* connect() binds first. */
	return from != ICMP_EP_INITIAL || to != ICMP_EP_CONNECTED;
}
EXPORT_SYMBOL_IF_KUNIT(icmp_ep_state_change_valid);

static void icmp_ep_set_state(struct sock *sk, enum icmp_ep_state to)
{
	struct icmp_ep_sock *ep = icmp_ep_sk(sk);

	sock_owned_by_me(sk);
	WARN_ON_ONCE(!icmp_ep_state_change_valid(ep->state, to));
	WRITE_ONCE(ep->state, to);
}

static enum icmp_ep_state icmp_ep_state(const struct sock *sk)
{
	return READ_ONCE(icmp_ep_sk(sk)->state);
}

/*
 * ====================================================================
 * Socket calls: the struct proto entries both families share
 * ====================================================================
 */

static int icmp_ep_check_group(struct net *net)
{
	kgid_t *range = net->ipv4.ping_group_range.range;
	struct group_info *groups;
	kgid_t low, high, egid;
	unsigned int seq;
	int i, err = -EACCES;

	do {
		seq = read_seqbegin(&net->ipv4.ping_group_range.lock);
		low = range[0];
		high = range[1];
	} while (read_seqretry(&net->ipv4.ping_group_range.lock, seq));

	egid = current_egid();
	if (gid_lte(low, egid) && gid_lte(egid, high))
		return 0;

	groups = get_current_groups();
	for (i = 0; i < groups->ngroups; i++) {
		if (gid_lte(low, groups->gid[i]) &&
		    gid_lte(groups->gid[i], high)) {
			err = 0;
			break;
		}
	}
	put_group_info(groups);
	return err;
}

/*
 * As symbol_request(), but by module name, which modules.dep knows, and
 * retried no sooner than ICMP_EP_V6_DEFRAG_RETRY after a failure (see there).
 * Waits killably, for the mutex and for modprobe, whose wait
 * request_module() makes killable (UMH_KILLABLE; on 6.12, only its wait
 * for a free slot among 50 modprobes is not, and lasts 5 s at most).
 * Return: 0, whether or not nf_defrag_ipv6 could be had, or -EINTR when a
 * fatal signal came first: socket() then fails, for a task that never
 * sees it.
 */
static int icmp_ep_v6_defrag_load(void)
{
	int (*gather)(struct net *net, struct sk_buff *skb, u32 user);
	int err = 0;

	if (READ_ONCE(icmp_ep_v6_defrag_gather))
		return 0;
	if (mutex_lock_killable(&icmp_ep_v6_defrag_mutex))
		return -EINTR;
	if (icmp_ep_v6_defrag_gather)
		goto unlock;
	gather = symbol_get(nf_ct_frag6_gather);
	if (!gather && (!icmp_ep_v6_defrag_failed ||
			time_after_eq(jiffies, icmp_ep_v6_defrag_retry_at))) {
		request_module("nf_defrag_ipv6");
		/* Killed in the wait: no failure of modprobe's to remember. */
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			goto unlock;
		}
		gather = symbol_get(nf_ct_frag6_gather);
		if (!gather && !icmp_ep_v6_defrag_failed)
			pr_warn("icmp_ep: cannot load nf_defrag_ipv6: fragmented ICMPv6 is not delivered (see drop_no_reassembly); retrying every %u s\n",
				ICMP_EP_V6_DEFRAG_RETRY / HZ);
		icmp_ep_v6_defrag_failed = !gather;
		icmp_ep_v6_defrag_retry_at = jiffies + ICMP_EP_V6_DEFRAG_RETRY;
	}
	if (gather) /* Pairs with the acquire in icmp_ep_v6_gather(). */
		smp_store_release(&icmp_ep_v6_defrag_gather, gather);
unlock:
	mutex_unlock(&icmp_ep_v6_defrag_mutex);
	return err;
}

static void icmp_ep_v6_defrag_put(void)
{
	if (icmp_ep_v6_defrag_gather)
		symbol_put(nf_ct_frag6_gather);
}

static int icmp_ep_init_sock(struct sock *sk)
{
	int err;

	err = icmp_ep_check_group(sock_net(sk));
	if (err)
		return err;

	if (sk->sk_family == AF_INET6) {
		sk->sk_ipv6only = 1;
		err = icmp_ep_v6_defrag_load();
		if (err)
			return err;
	}
	icmp_ep_sk(sk)->state = ICMP_EP_INITIAL;
	icmp_ep_sk(sk)->peer_only = false;
	return 0;
}

static void icmp_ep_close(struct sock *sk, long timeout)
{
	lock_sock(sk);
	icmp_ep_unhash(sk);
	icmp_ep_set_state(sk, ICMP_EP_CLOSED);
	release_sock(sk);
	sk_common_release(sk);
}

/* Bind @sk to @ident, or to a random free one when @ident is 0. */
static int icmp_ep_take_ident(struct sock *sk, u16 ident, bool exclusive)
{
	struct icmp_ep_table *t = icmp_ep_sk_table(sk);
	int err;

	mutex_lock(&t->hook_lock);
	err = icmp_ep_hook_register(t);
	if (!err)
		err = icmp_ep_hash(sk, ident, exclusive);
	mutex_unlock(&t->hook_lock);
	if (!err)
		icmp_ep_set_state(sk, ICMP_EP_BOUND);
	return err;
}

static int icmp_ep_get_port(struct sock *sk, unsigned short ident)
{
	return icmp_ep_take_ident(sk, ident, false);
}

static int icmp_ep_bind(struct sock *sk, struct sockaddr *uaddr, int addr_len)
{
	const struct icmp_ep_af *af = icmp_ep_sk_af(sk);
	struct inet_sock *inet = inet_sk(sk);
	struct sockaddr_storage old_addr;
	int old_dev_if, bound_dev_if;
	u16 ident;
	int err;

	lock_sock(sk);
	old_dev_if = sk->sk_bound_dev_if;
	bound_dev_if = old_dev_if;
	err = af->check_bind(sk, uaddr, addr_len, &bound_dev_if);
	if (err)
		goto out;

	err = -EINVAL;
	if (icmp_ep_state(sk) != ICMP_EP_INITIAL)
		goto out;

	/* sin_port and sin6_port sit at the same offset. */
	ident = ntohs(((struct sockaddr_in *)uaddr)->sin_port);

	/*
	 * Address and device first: the receive path may match us at once.
	 * A failure puts back the address that a disconnect may have kept,
	 * which ping_bind() leaves alone.
	 */
	af->get_bind_addr(sk, &old_addr);
	sk->sk_bound_dev_if = bound_dev_if;
	af->set_bind_addr(sk, uaddr);
	err = icmp_ep_get_port(sk, ident);
	if (err) {
		sk->sk_bound_dev_if = old_dev_if;
		af->set_bind_addr(sk, (struct sockaddr *)&old_addr);
		goto out;
	}

	if (!af->bind_addr_is_any(sk))
		sk->sk_userlocks |= SOCK_BINDADDR_LOCK;
	if (ident)
		sk->sk_userlocks |= SOCK_BINDPORT_LOCK;
	inet->inet_daddr = 0;
	inet->inet_dport = 0;
	sk_dst_reset(sk);
out:
	release_sock(sk);
	return err;
}

/*
 * Replies to an echo sent to a broadcast or multicast address come from
 * its members, each from its own address: a socket connected to one hears
 * every host, as an unconnected socket does.  Errors still quote the group
 * address, but are not filtered either, so that the socket hears what it
 * would have heard unconnected.
 */
static int icmp_ep_connect(struct sock *sk, struct sockaddr *uaddr,
			   int addr_len)
{
	const struct icmp_ep_af *af = icmp_ep_sk_af(sk);
	int err = 0;

	lock_sock(sk);
	/* inet_dgram_connect() autobinds unlocked; a disconnect may have won. */
	if (icmp_ep_state(sk) == ICMP_EP_INITIAL &&
	    icmp_ep_get_port(sk, 0))
		err = -EAGAIN;
	if (!err)
		err = af->connect(sk, uaddr, addr_len);
	if (!err) {
		WRITE_ONCE(icmp_ep_sk(sk)->peer_only, !af->peer_is_group(sk));
		icmp_ep_set_state(sk, ICMP_EP_CONNECTED);
	}
	release_sock(sk);
	return err;
}

/* Unlike the built-in, take the socket lock: CVE-2017-2671 was this race. */
static int icmp_ep_disconnect(struct sock *sk, int flags)
{
	lock_sock(sk);
	/* Before the peer goes: a reader seeing no peer must not filter. */
	WRITE_ONCE(icmp_ep_sk(sk)->peer_only, false);
	__udp_disconnect(sk, flags);
	icmp_ep_set_state(sk, inet_sk(sk)->inet_num ? ICMP_EP_BOUND :
						      ICMP_EP_INITIAL);
	release_sock(sk);
	return 0;
}

static int icmp_ep_getname(struct socket *sock, struct sockaddr *uaddr,
			   int peer)
{
	struct sock *sk = sock->sk;
	int ret;

	if (!peer)
		return sk->sk_family == AF_INET6 ?
		       inet6_getname(sock, uaddr, 0) :
		       inet_getname(sock, uaddr, 0);

	lock_sock(sk);
	if (icmp_ep_state(sk) == ICMP_EP_CONNECTED)
		ret = icmp_ep_sk_af(sk)->peer_name(sk, uaddr);
	else
		ret = -ENOTCONN;
	release_sock(sk);
	return ret;
}

/* The kernel copies *@karg out to the user's pointer once we return 0. */
static int icmp_ep_ioctl(struct sock *sk, int cmd, int *karg)
{
	struct sk_buff *skb;
	int amount;

	switch (cmd) {
	case SIOCINQ:
		spin_lock_bh(&sk->sk_receive_queue.lock);
		skb = skb_peek(&sk->sk_receive_queue);
		amount = skb ? skb->len : 0;
		spin_unlock_bh(&sk->sk_receive_queue.lock);
		break;
	case SIOCOUTQ:
		amount = sk_wmem_alloc_get(sk);
		break;
	default:
		return -ENOIOCTLCMD;
	}
	*karg = amount;
	return 0;
}

DEFINE_PROTO_IOCTL_COMPAT(icmp_ep_ioctl)

/**
 * icmp_ep_echo_check() - validate the echo header a user asks to send
 * @family: AF_INET or AF_INET6
 * @hdr: the first ICMP_EP_ECHO_HDR_LEN bytes of the message
 *
 * Type and code sit at the same offsets in ICMP and ICMPv6 headers.
 *
 * Context: Any context.
 * Return: 0 for an echo request or RFC 8335 extended echo request with code
 * 0, -EINVAL otherwise.
 */
int icmp_ep_echo_check(int family, const void *hdr)
{
	const struct icmphdr *h = hdr;

	if (h->code)
		return -EINVAL;
	if (family == AF_INET)
		return h->type == ICMP_ECHO || h->type == ICMP_EXT_ECHO ?
		       0 : -EINVAL;
	return h->type == ICMPV6_ECHO_REQUEST ||
	       h->type == ICMPV6_EXT_ECHO_REQUEST ? 0 : -EINVAL;
}
EXPORT_SYMBOL_IF_KUNIT(icmp_ep_echo_check);

/*
 * Copy a slice of the payload and fold its checksum into the running sum.
 * @offset is the slice's place in the payload, which starts on an even byte
 * of the ICMP message, so its parity is the slice's parity in the message.
 */
static int icmp_ep_getfrag(void *from, char *to, int offset, int len, int odd,
			   struct sk_buff *skb)
{
	struct icmp_ep_tx *tx = from;
	__wsum csum = 0;

	if (!csum_and_copy_from_iter_full(to, len, &csum, &tx->msg->msg_iter))
		return -EFAULT;
	tx->csum = csum_block_add(tx->csum, csum, offset);
	return 0;
}

/* Our ident, then the checksum over header and payload: the header's share. */
static __wsum icmp_ep_finish_echo(const struct sock *sk, struct icmp_ep_tx *tx,
				  void *hdr)
{
	struct icmphdr *h = hdr;

	*h = tx->echo;
	h->un.echo.id = inet_sk(sk)->inet_sport;
	h->checksum = 0;
	return csum_partial(h, sizeof(*h), tx->csum);
}

/*
 * Every check a send makes before the family routes it, for both families
 * and in the order the built-in makes them: length, flags, the user's echo
 * header, then the destination, which goes into @tx.
 */
static int icmp_ep_tx_check(struct sock *sk, struct msghdr *msg, size_t len,
			    struct icmp_ep_tx *tx)
{
	int err;

	if (len > 0xFFFF)
		return -EMSGSIZE;
	if (len < ICMP_EP_ECHO_HDR_LEN)
		return -EINVAL;
	if (msg->msg_flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (memcpy_from_msg(&tx->echo, msg, sizeof(tx->echo)))
		return -EFAULT;
	err = icmp_ep_echo_check(sk->sk_family, &tx->echo);
	if (err)
		return err;

	if (!msg->msg_name)
		return icmp_ep_state(sk) == ICMP_EP_CONNECTED ? 0 :
								-EDESTADDRREQ;
	if (msg->msg_namelen < icmp_ep_sk_af(sk)->sockaddr_len)
		return -EINVAL;
	tx->dest = msg->msg_name;
	if (tx->dest->sa_family != sk->sk_family)
		return -EAFNOSUPPORT;
	return 0;
}

/**
 * icmp_ep_echo_id() - the identifier an echo header names
 * @family: AF_INET or AF_INET6
 * @hdr: the first ICMP_EP_ECHO_HDR_LEN bytes of the message
 *
 * The identifier sits at the same offset in ICMP and ICMPv6 echo requests,
 * and in RFC 8335 extended echo requests.
 *
 * Context: Any context.
 * Return: the identifier of an echo request icmp_ep_echo_check() accepts,
 * or 0, which no socket can hold as its ident, for any other header.
 */
u16 icmp_ep_echo_id(int family, const void *hdr)
{
	const struct icmphdr *h = hdr;

	return icmp_ep_echo_check(family, h) ? 0 : ntohs(h->un.echo.id);
}
EXPORT_SYMBOL_IF_KUNIT(icmp_ep_echo_id);

/*
 * The identifier of the echo request in @msg, left in the message for the
 * send to read; 0 when @msg holds none.
 */
static u16 icmp_ep_peek_echo_id(const struct sock *sk, struct msghdr *msg)
{
	u8 hdr[ICMP_EP_ECHO_HDR_LEN];

	if (!copy_from_iter_full(hdr, sizeof(hdr), &msg->msg_iter))
		return 0;
	iov_iter_revert(&msg->msg_iter, sizeof(hdr));
	return icmp_ep_echo_id(sk->sk_family, hdr);
}

/*
 * The autobind inet_sendmsg() would make before our sendmsg, made here
 * (struct proto.no_autobind) so that it can see the echo request: with
 * net.icmp_ep.keep_echo_id on, the socket takes the request's identifier
 * if no socket holds it and the uid's cap allows, and a random ident as
 * before otherwise.  That is what bind() to the identifier would do, bar
 * sharing through SO_REUSEADDR: a second socket taking the ident of a
 * socket that never asked to share it would steal its replies.
 */
static int icmp_ep_send_autobind(struct sock *sk, struct msghdr *msg)
{
	u16 id = 0;
	int err = 0;

	/* As inet_send_prepare(); checked again under the socket lock. */
	if (data_race(inet_sk(sk)->inet_num))
		return 0;
	if (READ_ONCE(icmp_ep_net(sock_net(sk))->keep_echo_id))
		id = icmp_ep_peek_echo_id(sk, msg);

	lock_sock(sk);
	if (!inet_sk(sk)->inet_num &&
	    (!id || icmp_ep_take_ident(sk, id, true)))
		err = icmp_ep_take_ident(sk, 0, false) ? -EAGAIN : 0;
	release_sock(sk);
	return err;
}

static int icmp_ep_sendmsg(struct sock *sk, struct msghdr *msg, size_t len)
{
	struct icmp_ep_tx tx = { .msg = msg };
	int err;

	err = icmp_ep_send_autobind(sk, msg);
	if (err)
		return err;
	err = icmp_ep_tx_check(sk, msg, len, &tx);
	if (err)
		return err;
	err = icmp_ep_sk_af(sk)->send(sk, msg, len, &tx);
	if (err)
		return err;
	icmp_ep_count(icmp_ep_sk_table(sk), ICMP_EP_STAT_ECHO_SENT);
	return len;
}

static int icmp_ep_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
			   int flags, int *addr_len)
{
	struct sk_buff *skb;
	int copied, err;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (flags & MSG_ERRQUEUE)
		return inet_recv_error(sk, msg, len, addr_len);

	skb = skb_recv_datagram(sk, flags, &err);
	if (!skb)
		return err;

	copied = skb->len;
	if (copied > len) {
		msg->msg_flags |= MSG_TRUNC;
		copied = len;
	}
	err = skb_copy_datagram_msg(skb, 0, msg, copied);
	if (!err) {
		sock_recv_cmsgs(msg, sk, skb);
		icmp_ep_sk_af(sk)->recv_name(sk, msg, skb, addr_len);
		err = copied;
	}
	skb_free_datagram(sk, skb);
	return err;
}

/*
 * ====================================================================
 * IPv4: icmp_ep_v4_af, the family's table, and what it points to
 * ====================================================================
 */

static int icmp_ep_v4_check_bind(struct sock *sk, const struct sockaddr *uaddr,
				 int addr_len, int *bound_dev_if)
{
	const struct sockaddr_in *addr = (const struct sockaddr_in *)uaddr;
	struct net *net = sock_net(sk);
	u32 tb_id = RT_TABLE_LOCAL;
	int type;

	if (addr_len < sizeof(*addr))
		return -EINVAL;
	if (addr->sin_family != AF_INET &&
	    !(addr->sin_family == AF_UNSPEC &&
	      addr->sin_addr.s_addr == htonl(INADDR_ANY)))
		return -EAFNOSUPPORT;
	if (addr->sin_addr.s_addr == htonl(INADDR_ANY))
		return 0;

	tb_id = l3mdev_fib_table_by_index(net, *bound_dev_if) ?: tb_id;
	type = inet_addr_type_table(net, addr->sin_addr.s_addr, tb_id);
	if (type == RTN_MULTICAST || type == RTN_BROADCAST ||
	    (type != RTN_LOCAL && !inet_can_nonlocal_bind(net, inet_sk(sk))))
		return -EADDRNOTAVAIL;
	return 0;
}

static void icmp_ep_v4_set_bind_addr(struct sock *sk,
				     const struct sockaddr *uaddr)
{
	const struct sockaddr_in *addr = (const struct sockaddr_in *)uaddr;
	struct inet_sock *inet = inet_sk(sk);

	inet->inet_saddr = addr->sin_addr.s_addr;
	WRITE_ONCE(inet->inet_rcv_saddr, addr->sin_addr.s_addr);
}

static void icmp_ep_v4_get_bind_addr(const struct sock *sk,
				     struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = inet_sk(sk)->inet_rcv_saddr;
}

static bool icmp_ep_v4_bind_addr_is_any(const struct sock *sk)
{
	return !inet_sk(sk)->inet_rcv_saddr;
}

/* Called only while a cgroup BPF connect program is attached. */
static int icmp_ep_v4_pre_connect(struct sock *sk, struct sockaddr *uaddr,
				  int addr_len)
{
	/* Keep the program within the bytes the user gave us. */
	if (addr_len < sizeof(struct sockaddr_in))
		return -EINVAL;
	return BPF_CGROUP_RUN_PROG_INET4_CONNECT_LOCK(sk, uaddr, &addr_len);
}

static int icmp_ep_v4_connect(struct sock *sk, struct sockaddr *uaddr,
			      int addr_len)
{
	return __ip4_datagram_connect(sk, uaddr, addr_len);
}

/* Right after connect(): its route says whether the peer is a broadcast. */
static bool icmp_ep_v4_peer_is_group(struct sock *sk)
{
	__be32 daddr = inet_sk(sk)->inet_daddr;
	const struct dst_entry *dst = __sk_dst_get(sk);

	if (ipv4_is_multicast(daddr) || ipv4_is_lbcast(daddr))
		return true;
	return dst && (container_of(dst, struct rtable, dst)->rt_flags &
		       (RTCF_BROADCAST | RTCF_MULTICAST));
}

/* One SOL_IP control message, as ip_cmsg_send() takes it. */
static int icmp_ep_v4_cmsg_ip(struct cmsghdr *cmsg, struct ipcm_cookie *ipc)
{
	struct in_pktinfo *info;
	int val;

	switch (cmsg->cmsg_type) {
	case IP_RETOPTS:
		return -EOPNOTSUPP;
	case IP_PKTINFO:
		if (cmsg->cmsg_len != CMSG_LEN(sizeof(*info)))
			return -EINVAL;
		info = (struct in_pktinfo *)CMSG_DATA(cmsg);
		if (info->ipi_ifindex)
			ipc->oif = info->ipi_ifindex;
		ipc->addr = info->ipi_spec_dst.s_addr;
		return 0;
	case IP_TTL:
	case IP_PROTOCOL:
		if (cmsg->cmsg_len != CMSG_LEN(sizeof(int)))
			return -EINVAL;
		val = *(int *)CMSG_DATA(cmsg);
		if (val < 1 || val > 255)
			return -EINVAL;
		if (cmsg->cmsg_type == IP_TTL)
			ipc->ttl = val;
		else
			ipc->protocol = val;
		return 0;
	case IP_TOS:
		if (cmsg->cmsg_len == CMSG_LEN(sizeof(int)))
			val = *(int *)CMSG_DATA(cmsg);
		else if (cmsg->cmsg_len == CMSG_LEN(sizeof(u8)))
			val = *(u8 *)CMSG_DATA(cmsg);
		else
			return -EINVAL;
		if (val < 0 || val > 255)
			return -EINVAL;
		ipc->tos = val;
		ipc->priority = rt_tos2priority(ipc->tos);
		return 0;
	default:
		return -EINVAL;
	}
}

/* IP_OPTIONS need ip_options_build(), which is not exported. */
static int icmp_ep_v4_cmsg_send(struct sock *sk, struct msghdr *msg,
				struct ipcm_cookie *ipc)
{
	struct cmsghdr *cmsg;
	int err;

	for_each_cmsghdr(cmsg, msg) {
		if (!CMSG_OK(msg, cmsg))
			return -EINVAL;
		if (cmsg->cmsg_level == SOL_SOCKET)
			err = __sock_cmsg_send(sk, cmsg, &ipc->sockc);
		else if (cmsg->cmsg_level == SOL_IP)
			err = icmp_ep_v4_cmsg_ip(cmsg, ipc);
		else
			err = 0;
		if (err)
			return err;
	}
	return 0;
}

static struct rtable *icmp_ep_v4_route(struct sock *sk, struct msghdr *msg,
				       struct icmp_ep_tx *tx,
				       struct ipcm_cookie *ipc,
				       struct flowi4 *fl4)
{
	struct inet_sock *inet = inet_sk(sk);
	struct net *net = sock_net(sk);
	__be32 daddr, saddr;
	struct rtable *rt;
	u8 tos, scope;
	int err;

	if (tx->dest)
		daddr = ((const struct sockaddr_in *)tx->dest)->sin_addr.s_addr;
	else
		daddr = inet->inet_daddr;

	ipcm_init_sk(ipc, inet);
	if (msg->msg_controllen) {
		err = icmp_ep_v4_cmsg_send(sk, msg, ipc);
		if (err)
			return ERR_PTR(err);
	}
	if (rcu_access_pointer(inet->inet_opt))
		return ERR_PTR(-EOPNOTSUPP);

	saddr = ipc->addr;
	tos = get_rttos(ipc, inet);
	scope = ip_sendmsg_scope(inet, ipc, msg);

	if (ipv4_is_multicast(daddr)) {
		if (!ipc->oif || netif_index_is_l3_master(net, ipc->oif))
			ipc->oif = READ_ONCE(inet->mc_index);
		if (!saddr)
			saddr = READ_ONCE(inet->mc_addr);
	} else if (!ipc->oif) {
		ipc->oif = READ_ONCE(inet->uc_index);
	}

	flowi4_init_output(fl4, ipc->oif, ipc->sockc.mark, tos, scope,
			   sk->sk_protocol, inet_sk_flowi_flags(sk), daddr,
			   saddr, 0, 0, sk->sk_uid);
	fl4->fl4_icmp_type = tx->echo.type;
	fl4->fl4_icmp_code = tx->echo.code;
	security_sk_classify_flow(sk, flowi4_to_flowi_common(fl4));

	rt = ip_route_output_flow(net, fl4, sk);
	if (IS_ERR(rt)) {
		if (PTR_ERR(rt) == -ENETUNREACH)
			IP_INC_STATS(net, IPSTATS_MIB_OUTNOROUTES);
		return rt;
	}
	if ((rt->rt_flags & RTCF_BROADCAST) && !sock_flag(sk, SOCK_BROADCAST)) {
		ip_rt_put(rt);
		return ERR_PTR(-EACCES);
	}
	return rt;
}

/* As ip_local_error(), which is not exported. */
static void icmp_ep_v4_local_error(struct sock *sk, int err, __be32 daddr,
				   __be16 port, u32 info)
{
	struct sock_exterr_skb *serr;
	struct sk_buff *skb;
	struct iphdr *iph;

	if (!inet_test_bit(RECVERR, sk))
		return;

	skb = alloc_skb(sizeof(*iph), GFP_KERNEL);
	if (!skb)
		return;
	skb_reset_network_header(skb);
	iph = skb_put_zero(skb, sizeof(*iph));
	iph->daddr = daddr;

	serr = SKB_EXT_ERR(skb);
	memset(serr, 0, sizeof(*serr));
	serr->ee.ee_errno = err;
	serr->ee.ee_origin = SO_EE_ORIGIN_LOCAL;
	serr->ee.ee_info = info;
	serr->addr_offset = offsetof(struct iphdr, daddr);
	serr->port = port;

	__skb_pull(skb, skb->len);
	skb_reset_transport_header(skb);
	if (sock_queue_err_skb(sk, skb))
		kfree_skb(skb);
}

static u8 icmp_ep_v4_ttl(const struct inet_sock *inet,
			 const struct ipcm_cookie *ipc, const struct rtable *rt)
{
	int ttl;

	if (ipc->ttl)
		return ipc->ttl;
	if (rt->rt_type == RTN_MULTICAST)
		return READ_ONCE(inet->mc_ttl);
	ttl = READ_ONCE(inet->uc_ttl);
	return ttl < 0 ? ip4_dst_hoplimit(&rt->dst) : ttl;
}

/*
 * Allocate an skb for @hlen bytes of headers and @plen bytes of payload,
 * after @reserve bytes of link-layer room.  As __ip_append_data() does, a
 * payload too big for a small linear area goes into page fragments, so
 * that a 64 KiB echo needs no order-5 allocation.
 */
static struct sk_buff *icmp_ep_alloc_skb(struct sock *sk, unsigned int reserve,
					 unsigned int hlen, unsigned int plen,
					 unsigned int tailroom, int flags,
					 int *err)
{
	unsigned int linear = reserve + hlen + plen + tailroom;
	unsigned int paged = 0;
	struct sk_buff *skb;

	if (linear > SKB_MAX_ALLOC) {
		paged = plen;
		linear -= plen;
	}
	skb = sock_alloc_send_pskb(sk, linear, paged, flags & MSG_DONTWAIT,
				   err, 0);
	if (skb)
		skb_reserve(skb, reserve);
	return skb;
}

/*
 * Copy the payload, @plen bytes, after the headers already put: into the
 * linear area, or into the page fragments that icmp_ep_alloc_skb() gave.
 * Either way in one pass with the checksum.
 */
static int icmp_ep_put_payload(struct icmp_ep_tx *tx, struct sk_buff *skb,
			       unsigned int plen)
{
	unsigned int off = 0, size;
	skb_frag_t *frag;
	int i, err;
	u8 *vaddr;

	if (!skb_shinfo(skb)->nr_frags)
		return icmp_ep_getfrag(tx, skb_put(skb, plen), 0, plen, 0, skb);

	for (i = 0; i < skb_shinfo(skb)->nr_frags; i++) {
		frag = &skb_shinfo(skb)->frags[i];
		size = skb_frag_size(frag);
		/* Order-0 pages: one mapping covers the fragment. */
		vaddr = kmap_local_page(skb_frag_page(frag));
		err = icmp_ep_getfrag(tx, vaddr + skb_frag_off(frag), off, size,
				      0, skb);
		kunmap_local(vaddr);
		if (err)
			return err;
		off += size;
	}
	skb->data_len = off;
	skb->len += off;
	return 0;
}

/*
 * An skb for an echo request of @len bytes along @rt, once the socket's
 * PMTU discovery setting lets it out whole; the error that stops it goes
 * to the error queue as well, as ip_append_data() queues it.
 */
static struct sk_buff *icmp_ep_v4_alloc(struct sock *sk, struct msghdr *msg,
					size_t len, struct rtable *rt,
					const struct flowi4 *fl4, int *err)
{
	struct sk_buff *skb;
	unsigned int mtu;

	mtu = ip_sk_use_pmtu(sk) ? dst_mtu(&rt->dst) :
				   READ_ONCE(rt->dst.dev->mtu);
	if (sizeof(struct iphdr) + len >
	    (ip_sk_ignore_df(sk) ? IP_MAX_MTU : mtu)) {
		icmp_ep_v4_local_error(sk, EMSGSIZE, fl4->daddr,
				       inet_sk(sk)->inet_dport, mtu);
		*err = -EMSGSIZE;
		return NULL;
	}

	skb = icmp_ep_alloc_skb(sk, LL_RESERVED_SPACE(rt->dst.dev),
				sizeof(struct iphdr) + sizeof(struct icmphdr),
				len - sizeof(struct icmphdr),
				rt->dst.dev->needed_tailroom, msg->msg_flags,
				err);
	/* As __ip_append_data(): iputils sets it after every reply. */
	if (skb && (msg->msg_flags & MSG_CONFIRM))
		skb_set_dst_pending_confirm(skb, 1);
	return skb;
}

/* The echo request and its IP header, filled in as __ip_make_skb() would. */
static int icmp_ep_v4_fill(struct sock *sk, struct sk_buff *skb, size_t len,
			   struct icmp_ep_tx *tx, const struct ipcm_cookie *ipc,
			   struct rtable *rt, const struct flowi4 *fl4)
{
	struct inet_sock *inet = inet_sk(sk);
	struct icmphdr *icmph;
	struct iphdr *iph;
	u8 pmtudisc;
	int err;

	skb_reset_network_header(skb);
	iph = skb_put(skb, sizeof(*iph));
	skb_set_transport_header(skb, sizeof(*iph));
	icmph = skb_put(skb, sizeof(*icmph));
	err = icmp_ep_put_payload(tx, skb, len - sizeof(*icmph));
	if (err)
		return err;
	icmph->checksum = csum_fold(icmp_ep_finish_echo(sk, tx, icmph));

	skb->ignore_df = ip_sk_ignore_df(sk);
	iph->version = 4;
	iph->ihl = 5;
	iph->tos = ipc->tos != -1 ? ipc->tos : READ_ONCE(inet->tos);
	iph->frag_off = 0;
	pmtudisc = READ_ONCE(inet->pmtudisc);
	if (pmtudisc == IP_PMTUDISC_DO || pmtudisc == IP_PMTUDISC_PROBE ||
	    (skb->len <= dst_mtu(&rt->dst) && ip_dont_fragment(sk, &rt->dst)))
		iph->frag_off = htons(IP_DF);
	iph->ttl = icmp_ep_v4_ttl(inet, ipc, rt);
	iph->protocol = IPPROTO_ICMP;
	iph->saddr = fl4->saddr;
	iph->daddr = fl4->daddr;
	ip_select_ident(sock_net(sk), skb, sk);

	skb->ip_summed = CHECKSUM_NONE;
	skb->priority = ipc->tos != -1 ? ipc->priority :
					 READ_ONCE(sk->sk_priority);
	skb->mark = ipc->sockc.mark;
	skb->tstamp = ipc->sockc.transmit_time;
	skb_setup_tx_timestamp(skb, ipc->sockc.tsflags);
	return 0;
}

/*
 * ip_append_data() is not exported, so build the datagram here: one skb,
 * fragmented if need be by ip_output() like any local datagram.
 */
static int icmp_ep_v4_send(struct sock *sk, struct msghdr *msg, size_t len,
			   struct icmp_ep_tx *tx)
{
	struct net *net = sock_net(sk);
	struct ipcm_cookie ipc;
	struct sk_buff *skb;
	struct flowi4 fl4;
	struct rtable *rt;
	int err;

	rt = icmp_ep_v4_route(sk, msg, tx, &ipc, &fl4);
	if (IS_ERR(rt))
		return PTR_ERR(rt);

	if (msg->msg_flags & MSG_PROBE) {
		if (msg->msg_flags & MSG_CONFIRM)
			dst_confirm_neigh(&rt->dst, &fl4.daddr);
		err = 0;
		goto out_rt;
	}

	skb = icmp_ep_v4_alloc(sk, msg, len, rt, &fl4, &err);
	if (!skb)
		goto out_rt;
	err = icmp_ep_v4_fill(sk, skb, len, tx, &ipc, rt, &fl4);
	if (err)
		goto err_skb;
	skb_dst_set(skb, &rt->dst);

	ICMPMSGOUT_INC_STATS(net, tx->echo.type);
	ICMP_INC_STATS(net, ICMP_MIB_OUTMSGS);

	err = ip_local_out(net, sk, skb);
	if (err > 0)
		err = net_xmit_errno(err);
	if (err)
		IP_INC_STATS(net, IPSTATS_MIB_OUTDISCARDS);
	return err;

err_skb:
	kfree_skb(skb);
out_rt:
	ip_rt_put(rt);
	return err;
}

static void icmp_ep_v4_recv_name(struct sock *sk, struct msghdr *msg,
				 struct sk_buff *skb, int *addr_len)
{
	DECLARE_SOCKADDR(struct sockaddr_in *, sin, msg->msg_name);

	if (sin) {
		sin->sin_family = AF_INET;
		sin->sin_port = 0;
		sin->sin_addr.s_addr = ip_hdr(skb)->saddr;
		memset(sin->sin_zero, 0, sizeof(sin->sin_zero));
		*addr_len = sizeof(*sin);
	}
	if (inet_cmsg_flags(inet_sk(sk)))
		ip_cmsg_recv(msg, skb);
}

static int icmp_ep_v4_peer_name(struct sock *sk, struct sockaddr *uaddr)
{
	DECLARE_SOCKADDR(struct sockaddr_in *, sin, uaddr);
	struct inet_sock *inet = inet_sk(sk);

	sin->sin_family = AF_INET;
	sin->sin_port = inet->inet_dport;
	sin->sin_addr.s_addr = inet->inet_daddr;
	memset(sin->sin_zero, 0, sizeof(sin->sin_zero));
	return sizeof(*sin);
}

/*
 * The info an error carries, as icmp_unreach() and icmp_redirect() take
 * it.  Return: false for a fragmentation-needed error that
 * ip_no_pmtu_disc says to ignore.
 */
static bool icmp_ep_v4_err_info(const struct net *net,
				const struct icmphdr *h, struct icmp_ep_rx *rx)
{
	switch (h->type) {
	case ICMP_DEST_UNREACH:
		if (h->code != ICMP_FRAG_NEEDED)
			break;
		/* As icmp_unreach(), which takes values above 3 as 1. */
		switch (READ_ONCE(net->ipv4.sysctl_ip_no_pmtu_disc)) {
		case 0:
			rx->info = ntohs(h->un.frag.mtu);
			break;
		case 2:
		case 3:		/* ICMP has no strict tag validation */
			return false;
		default:
			break;
		}
		break;
	case ICMP_PARAMETERPROB:
		rx->info = ntohl(h->un.gateway) >> 24;
		break;
	case ICMP_REDIRECT:
		rx->info = ntohl(h->un.gateway);
		break;
	}
	return true;
}

/*
 * Which errors reach a ping socket, and with what info, as icmp_unreach(),
 * icmp_redirect(), icmp_socket_deliver() and icmp_err() decide.
 */
static enum icmp_ep_rx_verdict
icmp_ep_v4_rx_parse_error(const struct sk_buff *skb, const struct icmphdr *h,
			  struct icmp_ep_rx *rx)
{
	struct net *net = dev_net(skb->dev);
	const struct icmphdr *echo;
	const struct iphdr *inner;
	struct icmphdr echo_buf;
	struct iphdr inner_buf;

	rx->inner = rx->offset + sizeof(*h);
	inner = skb_header_pointer(skb, skb_network_offset(skb) + rx->inner,
				   sizeof(inner_buf), &inner_buf);
	if (!inner || inner->ihl < 5)
		return ICMP_EP_RX_MALFORMED;
	if (inner->protocol != IPPROTO_ICMP)
		return ICMP_EP_RX_IGNORE;

	if ((h->type == ICMP_DEST_UNREACH && h->code > NR_ICMP_UNREACH) ||
	    !icmp_ep_v4_err_info(net, h, rx))
		return ICMP_EP_RX_FILTERED;
	if (h->type != ICMP_REDIRECT &&
	    !READ_ONCE(net->ipv4.sysctl_icmp_ignore_bogus_error_responses) &&
	    inet_addr_type_dev_table(net, skb->dev, inner->daddr) ==
	    RTN_BROADCAST)
		return ICMP_EP_RX_FILTERED;

	rx->quote = rx->inner + inner->ihl * 4;
	echo = skb_header_pointer(skb, skb_network_offset(skb) + rx->quote,
				  sizeof(echo_buf), &echo_buf);
	if (!echo)
		return ICMP_EP_RX_MALFORMED;
	if (icmp_ep_echo_check(AF_INET, echo))
		return ICMP_EP_RX_IGNORE;
	rx->ident = ntohs(echo->un.echo.id);
	return ICMP_EP_RX_MATCH;
}

/*
 * Whether @skb may be for a ping socket at all; the rest of the
 * namespace's traffic costs the hook this compare (see
 * icmp_ep_v4_nf_hook()).
 */
static __always_inline bool icmp_ep_v4_rx_wanted(const struct sk_buff *skb)
{
	return ip_hdr(skb)->protocol == IPPROTO_ICMP;
}

static enum icmp_ep_rx_verdict icmp_ep_v4_rx_parse(const struct sk_buff *skb,
						   struct icmp_ep_rx *rx)
{
	const struct rtable *rt;
	const struct icmphdr *h;
	struct icmphdr buf;

	if (!icmp_ep_v4_rx_wanted(skb))
		return ICMP_EP_RX_IGNORE;

	rx->offset = ip_hdrlen(skb);
	h = skb_header_pointer(skb, skb_network_offset(skb) + rx->offset,
			       sizeof(buf), &buf);
	if (!h)
		return ICMP_EP_RX_MALFORMED;

	rx->type = h->type;
	rx->code = h->code;
	rx->info = 0;
	switch (h->type) {
	case ICMP_ECHOREPLY:
	case ICMP_EXT_ECHOREPLY:
		rx->error = false;
		break;
	case ICMP_DEST_UNREACH:
	case ICMP_SOURCE_QUENCH:
	case ICMP_REDIRECT:
	case ICMP_TIME_EXCEEDED:
	case ICMP_PARAMETERPROB:
		rx->error = true;
		break;
	default:
		return ICMP_EP_RX_IGNORE;
	}

	/*
	 * icmp_rcv() refuses replies and errors sent to broadcast/multicast,
	 * but hands extended echo replies to ping_rcv() before it looks.
	 */
	rt = skb_rtable(skb);
	if (rt && (rt->rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST)) &&
	    h->type != ICMP_EXT_ECHOREPLY)
		return ICMP_EP_RX_FILTERED;

	rx->dif = inet_iif(skb);
	rx->sdif = inet_sdif(skb);
	if (rx->error)
		return icmp_ep_v4_rx_parse_error(skb, h, rx);
	rx->ident = ntohs(h->un.echo.id);
	return ICMP_EP_RX_MATCH;
}

static bool icmp_ep_v4_rx_daddr_match(const struct sock *sk,
				      const struct sk_buff *skb)
{
	/* Not rcv_saddr, which 6.12's <net/inet_hashtables.h> #defines. */
	__be32 bound = READ_ONCE(inet_sk(sk)->inet_rcv_saddr);

	return !bound || bound == ip_hdr(skb)->daddr;
}

static bool icmp_ep_v4_rx_peer_match(const struct sock *sk,
				     const union icmp_ep_addr *peer)
{
	/* Under RCU: connect() may be changing it under the socket lock. */
	return READ_ONCE(inet_sk(sk)->inet_daddr) == peer->v4;
}

/*
 * As ping_err() and icmp_err() do through the kernel's helpers;
 * @skb->data is the quoted IP header.
 */
static void icmp_ep_v4_err_update_route(struct sock *sk, struct sk_buff *skb,
					const struct icmp_ep_rx *rx)
{
	if (rx->type == ICMP_DEST_UNREACH && rx->code == ICMP_FRAG_NEEDED)
		ipv4_sk_update_pmtu(skb, sk, rx->info);
	else if (rx->type == ICMP_REDIRECT)
		ipv4_sk_redirect(skb, sk);
}

/* As ping_err(), after icmp_ep_v4_err_update_route(). */
static int icmp_ep_v4_err_convert(const struct sock *sk,
				  const struct icmp_ep_rx *rx, int *err)
{
	switch (rx->type) {
	case ICMP_SOURCE_QUENCH:
		/* Not a real error, but ping wants to see it. */
		*err = EREMOTEIO;
		return 0;
	case ICMP_PARAMETERPROB:
		*err = EPROTO;
		return 1;
	case ICMP_REDIRECT:
		*err = EREMOTEIO;
		return 0;
	case ICMP_DEST_UNREACH:
		if (rx->code == ICMP_FRAG_NEEDED) {
			if (READ_ONCE(inet_sk(sk)->pmtudisc) == IP_PMTUDISC_DONT)
				return -1;
			*err = EMSGSIZE;
			return 1;
		}
		*err = icmp_err_convert[rx->code].errno;
		return icmp_err_convert[rx->code].fatal;
	default:
		*err = EHOSTUNREACH;
		return 0;
	}
}

static bool icmp_ep_v4_recverr(const struct sock *sk)
{
	return inet_test_bit(RECVERR, sk);
}

static int icmp_ep_v4_policy_check(struct sk_buff *skb,
				   const struct icmp_ep_rx *rx, bool reverse)
{
	return reverse ? xfrm4_policy_check_reverse(NULL, XFRM_POLICY_IN, skb) :
			 xfrm4_policy_check(NULL, XFRM_POLICY_IN, skb);
}

static const struct nf_hook_entries *
icmp_ep_v4_rx_local_in_hooks(const struct net *net)
{
	return rcu_dereference(net->nf.hooks_ipv4[NF_INET_LOCAL_IN]);
}

/*
 * As ip_protocol_deliver_rcu() and icmp_rcv() count an echo reply: IPv4
 * has no header left to process past LOCAL_IN, and the parser refused the
 * broadcast and multicast destinations that icmp_rcv() refuses.
 */
static void icmp_ep_v4_rx_count_reply(struct net *net,
				      const struct sk_buff *skb,
				      const struct icmp_ep_rx *rx)
{
	__ICMP_INC_STATS(net, ICMP_MIB_INMSGS);
	ICMPMSGIN_INC_STATS(net, rx->type);
	__IP_INC_STATS(net, IPSTATS_MIB_INDELIVERS);
}

/* As ip_icmp_error(); @skb->data is the quoted echo request. */
static void icmp_ep_v4_fill_error(struct sock *sk, struct sk_buff *skb,
				  const struct icmp_ep_rx *rx,
				  struct sock_exterr_skb *serr)
{
	serr->ee.ee_origin = SO_EE_ORIGIN_ICMP;
	serr->addr_offset = rx->inner + offsetof(struct iphdr, daddr);

	if (inet_test_bit(RECVERR_RFC4884, sk) &&
	    (rx->type == ICMP_DEST_UNREACH || rx->type == ICMP_TIME_EXCEEDED ||
	     rx->type == ICMP_PARAMETERPROB))
		ip_icmp_error_rfc4884(skb, &serr->ee.ee_rfc4884,
				      sizeof(struct icmphdr),
				      icmp_hdr(skb)->un.reserved[1] * 4);
}

static void icmp_ep_v4_seq_header(struct seq_file *seq)
{
	seq_setwidth(seq, 127);
	seq_puts(seq, "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops");
	seq_pad(seq, '\n');
}

static void icmp_ep_v4_seq_addrs(struct seq_file *seq, struct sock *sk,
				 int slot)
{
	struct inet_sock *inet = inet_sk(sk);

	seq_setwidth(seq, 127);
	seq_printf(seq, "%5d: %08X:%04X %08X:%04X", slot,
		   inet->inet_rcv_saddr, ntohs(inet->inet_sport),
		   inet->inet_daddr, ntohs(inet->inet_dport));
}

static const struct icmp_ep_af icmp_ep_v4_af = {
	.index = ICMP_EP_AF_INET,
	.saddr_offset = offsetof(struct iphdr, saddr),
	.daddr_offset = offsetof(struct iphdr, daddr),
	.addr_len = sizeof_field(struct iphdr, saddr),
	.sockaddr_len = sizeof(struct sockaddr_in),
	.rx_iphdr_len = sizeof(struct iphdr),
	.protocol = IPPROTO_ICMP,
	.raw_hashinfo = &raw_v4_hashinfo,
	.builtin_proto = &ping_prot,
	.check_bind = icmp_ep_v4_check_bind,
	.set_bind_addr = icmp_ep_v4_set_bind_addr,
	.get_bind_addr = icmp_ep_v4_get_bind_addr,
	.bind_addr_is_any = icmp_ep_v4_bind_addr_is_any,
	.connect = icmp_ep_v4_connect,
	.peer_is_group = icmp_ep_v4_peer_is_group,
	.send = icmp_ep_v4_send,
	.recv_name = icmp_ep_v4_recv_name,
	.peer_name = icmp_ep_v4_peer_name,
	.rx_parse = icmp_ep_v4_rx_parse,
	.rx_policy_check = icmp_ep_v4_policy_check,
	.rx_local_in_hooks = icmp_ep_v4_rx_local_in_hooks,
	.rx_count_reply = icmp_ep_v4_rx_count_reply,
	.rx_daddr_match = icmp_ep_v4_rx_daddr_match,
	.rx_peer_match = icmp_ep_v4_rx_peer_match,
	.err_update_route = icmp_ep_v4_err_update_route,
	.err_convert = icmp_ep_v4_err_convert,
	.recverr = icmp_ep_v4_recverr,
	.fill_error = icmp_ep_v4_fill_error,
	.seq_header = icmp_ep_v4_seq_header,
	.seq_addrs = icmp_ep_v4_seq_addrs,
};

/*
 * ====================================================================
 * IPv6: icmp_ep_v6_af, the family's table, and what it points to
 * ====================================================================
 */

static int icmp_ep_v6_check_bind(struct sock *sk, const struct sockaddr *uaddr,
				 int addr_len, int *bound_dev_if)
{
	const struct sockaddr_in6 *addr = (const struct sockaddr_in6 *)uaddr;
	struct net *net = sock_net(sk);
	struct net_device *dev = NULL;
	int addr_type, scoped, has_addr;

	if (addr_len < sizeof(*addr))
		return -EINVAL;
	if (addr->sin6_family != AF_INET6)
		return -EAFNOSUPPORT;

	addr_type = ipv6_addr_type(&addr->sin6_addr);
	scoped = __ipv6_addr_needs_scope_id(addr_type);
	if ((addr_type != IPV6_ADDR_ANY && !(addr_type & IPV6_ADDR_UNICAST)) ||
	    (scoped && !addr->sin6_scope_id))
		return -EINVAL;

	rcu_read_lock();
	if (addr->sin6_scope_id || *bound_dev_if) {
		dev = dev_get_by_index_rcu(net, addr->sin6_scope_id ?:
						*bound_dev_if);
		if (!dev) {
			rcu_read_unlock();
			return -ENODEV;
		}
	}
	has_addr = ipv6_chk_addr(net, &addr->sin6_addr, dev, scoped);
	rcu_read_unlock();

	if (!(ipv6_can_nonlocal_bind(net, inet_sk(sk)) || has_addr ||
	      addr_type == IPV6_ADDR_ANY))
		return -EADDRNOTAVAIL;

	if (scoped)
		*bound_dev_if = addr->sin6_scope_id;
	return 0;
}

static void icmp_ep_v6_set_bind_addr(struct sock *sk,
				     const struct sockaddr *uaddr)
{
	const struct sockaddr_in6 *addr = (const struct sockaddr_in6 *)uaddr;

	sk->sk_v6_rcv_saddr = addr->sin6_addr;
	inet6_sk(sk)->saddr = addr->sin6_addr;
	memset(&sk->sk_v6_daddr, 0, sizeof(sk->sk_v6_daddr));
}

static void icmp_ep_v6_get_bind_addr(const struct sock *sk,
				     struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	sin6->sin6_family = AF_INET6;
	sin6->sin6_addr = sk->sk_v6_rcv_saddr;
}

static bool icmp_ep_v6_bind_addr_is_any(const struct sock *sk)
{
	return ipv6_addr_any(&sk->sk_v6_rcv_saddr);
}

static int icmp_ep_v6_pre_connect(struct sock *sk, struct sockaddr *uaddr,
				  int addr_len)
{
	if (addr_len < SIN6_LEN_RFC2133)
		return -EINVAL;
	return BPF_CGROUP_RUN_PROG_INET6_CONNECT_LOCK(sk, uaddr, &addr_len);
}

static int icmp_ep_v6_connect(struct sock *sk, struct sockaddr *uaddr,
			      int addr_len)
{
	if (addr_len < SIN6_LEN_RFC2133)
		return -EINVAL;
	if (uaddr->sa_family != AF_INET6)
		return -EAFNOSUPPORT;
	return __ip6_datagram_connect(sk, uaddr, addr_len);
}

static bool icmp_ep_v6_peer_is_group(struct sock *sk)
{
	return ipv6_addr_is_multicast(&sk->sk_v6_daddr);
}

static int icmp_ep_v6_oif(struct sock *sk, const struct in6_addr *daddr,
			  int oif)
{
	struct ipv6_pinfo *np = inet6_sk(sk);

	if (!oif)
		oif = sk->sk_bound_dev_if;
	if (!oif)
		oif = np->sticky_pktinfo.ipi6_ifindex;
	if (!oif)
		oif = ipv6_addr_is_multicast(daddr) ?
		      READ_ONCE(np->mcast_oif) : READ_ONCE(np->ucast_oif);
	return oif;
}

/*
 * The flow of an echo request, as ping_v6_sendmsg() sets it up: the
 * destination, which *@daddr points to, the device, the control messages
 * and the socket's defaults.
 */
static int icmp_ep_v6_flow(struct sock *sk, struct msghdr *msg,
			   struct icmp_ep_tx *tx, struct ipcm6_cookie *ipc6,
			   struct flowi6 *fl6, const struct in6_addr **daddr)
{
	const struct sockaddr_in6 *u = (const struct sockaddr_in6 *)tx->dest;
	struct ipv6_pinfo *np = inet6_sk(sk);
	struct net *net = sock_net(sk);
	int oif = 0;
	int err;

	if (u) {
		*daddr = &u->sin6_addr;
		if (inet6_test_bit(SNDFLOW, sk))
			fl6->flowlabel = u->sin6_flowinfo & IPV6_FLOWINFO_MASK;
		if (__ipv6_addr_needs_scope_id(ipv6_addr_type(*daddr)))
			oif = u->sin6_scope_id;
	} else {
		*daddr = &sk->sk_v6_daddr;
		fl6->flowlabel = np->flow_label;
	}

	oif = icmp_ep_v6_oif(sk, *daddr, oif);
	if ((__ipv6_addr_needs_scope_id(ipv6_addr_type(*daddr)) && !oif) ||
	    ipv6_addr_v4mapped(*daddr) ||
	    (oif && sk->sk_bound_dev_if && oif != sk->sk_bound_dev_if &&
	     l3mdev_master_ifindex_by_index(net, oif) != sk->sk_bound_dev_if))
		return -EINVAL;

	ipcm6_init_sk(ipc6, sk);
	ipc6->sockc.tsflags = READ_ONCE(sk->sk_tsflags);
	ipc6->sockc.mark = READ_ONCE(sk->sk_mark);
	fl6->flowi6_oif = oif;

	if (msg->msg_controllen) {
		struct ipv6_txoptions opt = { .tot_len = sizeof(opt) };

		ipc6->opt = &opt;
		err = ip6_datagram_send_ctl(net, sk, msg, fl6, ipc6);
		if (err < 0)
			return err;
		/* As in the built-in: extension headers are not sent. */
		ipc6->opt = NULL;
	}

	fl6->flowi6_proto = IPPROTO_ICMPV6;
	fl6->saddr = np->saddr;
	fl6->daddr = **daddr;
	fl6->flowi6_mark = ipc6->sockc.mark;
	fl6->flowi6_uid = sk->sk_uid;
	fl6->fl6_icmp_type = tx->echo.type;
	fl6->fl6_icmp_code = tx->echo.code;
	security_sk_classify_flow(sk, flowi6_to_flowi_common(fl6));
	fl6->flowlabel = ip6_make_flowinfo(ipc6->tclass, fl6->flowlabel);
	return 0;
}

/* Build and send the datagram on the socket's write queue, which it guards. */
static int icmp_ep_v6_append(struct sock *sk, size_t len,
			     struct icmp_ep_tx *tx, struct ipcm6_cookie *ipc6,
			     struct flowi6 *fl6, struct dst_entry *dst)
{
	struct rt6_info *rt = dst_rt6_info(dst);
	struct icmp6hdr *h;
	struct sk_buff *skb;
	int err;

	sock_owned_by_me(sk);

	err = ip6_append_data(sk, icmp_ep_getfrag, tx, len,
			      sizeof(struct icmp6hdr), ipc6, fl6, rt,
			      MSG_DONTWAIT);
	if (err) {
		ICMP6_INC_STATS(sock_net(sk), rt->rt6i_idev,
				ICMP6_MIB_OUTERRORS);
		ip6_flush_pending_frames(sk);
		return err;
	}
	skb = skb_peek(&sk->sk_write_queue);
	if (!skb)
		return 0;

	h = icmp6_hdr(skb);
	h->icmp6_cksum = csum_ipv6_magic(&fl6->saddr, &fl6->daddr, len,
					 IPPROTO_ICMPV6,
					 icmp_ep_finish_echo(sk, tx, h));
	/*
	 * The built-in ignores what the output path says, so that a
	 * netfilter OUTPUT drop is a successful send on IPv6 (EPERM on
	 * IPv4).  Userspace sees the same here.
	 */
	ip6_push_pending_frames(sk);
	return 0;
}

/* Like ping_v6_sendmsg(): through ip6_append_data(), always non-blocking. */
static int icmp_ep_v6_send(struct sock *sk, struct msghdr *msg, size_t len,
			   struct icmp_ep_tx *tx)
{
	const struct in6_addr *daddr;
	struct ipcm6_cookie ipc6;
	struct flowi6 fl6 = {};
	struct dst_entry *dst;
	int err;

	err = icmp_ep_v6_flow(sk, msg, tx, &ipc6, &fl6, &daddr);
	if (err)
		return err;

	dst = ip6_sk_dst_lookup_flow(sk, &fl6, daddr, false);
	if (IS_ERR(dst))
		return PTR_ERR(dst);
	if (ipc6.hlimit < 0)
		ipc6.hlimit = ip6_sk_dst_hoplimit(inet6_sk(sk), &fl6, dst);

	lock_sock(sk);
	err = icmp_ep_v6_append(sk, len, tx, &ipc6, &fl6, dst);
	release_sock(sk);

	dst_release(dst);
	return err;
}

static void icmp_ep_v6_recv_name(struct sock *sk, struct msghdr *msg,
				 struct sk_buff *skb, int *addr_len)
{
	DECLARE_SOCKADDR(struct sockaddr_in6 *, sin6, msg->msg_name);
	struct ipv6_pinfo *np = inet6_sk(sk);
	const struct ipv6hdr *ip6 = ipv6_hdr(skb);

	if (sin6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = 0;
		sin6->sin6_addr = ip6->saddr;
		sin6->sin6_flowinfo = inet6_test_bit(SNDFLOW, sk) ?
				      ip6_flowinfo(ip6) : 0;
		sin6->sin6_scope_id = ipv6_iface_scope_id(&sin6->sin6_addr,
							  inet6_iif(skb));
		*addr_len = sizeof(*sin6);
	}
	if (np->rxopt.all)
		ip6_datagram_recv_ctl(sk, msg, skb);
}

static int icmp_ep_v6_peer_name(struct sock *sk, struct sockaddr *uaddr)
{
	DECLARE_SOCKADDR(struct sockaddr_in6 *, sin6, uaddr);
	struct ipv6_pinfo *np = inet6_sk(sk);

	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = inet_sk(sk)->inet_dport;
	sin6->sin6_addr = sk->sk_v6_daddr;
	sin6->sin6_flowinfo = inet6_test_bit(SNDFLOW, sk) ? np->flow_label : 0;
	sin6->sin6_scope_id = ipv6_iface_scope_id(&sin6->sin6_addr,
						  sk->sk_bound_dev_if);
	return sizeof(*sin6);
}

/*
 * Offset from the network header of the ICMPv6 header in the IPv6 packet
 * quoted at @nhoff; -ENOENT if it carries no ICMPv6, -EINVAL if it is cut
 * short.  Taken as icmpv6_notify() takes it.
 */
static int icmp_ep_v6_icmp_offset(const struct sk_buff *skb, int nhoff)
{
	int start = skb_network_offset(skb) + nhoff;
	const struct ipv6hdr *ip6;
	struct ipv6hdr buf;
	__be16 frag_off;
	int offset;
	u8 nexthdr;

	ip6 = skb_header_pointer(skb, start, sizeof(buf), &buf);
	if (!ip6)
		return -EINVAL;
	nexthdr = ip6->nexthdr;
	offset = start + sizeof(*ip6);
	if (nexthdr != IPPROTO_ICMPV6) {
		if (!ipv6_ext_hdr(nexthdr))
			return -ENOENT;
		offset = ipv6_skip_exthdr(skb, offset, &nexthdr, &frag_off);
		if (offset < 0)
			return -EINVAL;
		if (nexthdr != IPPROTO_ICMPV6)
			return -ENOENT;
	}
	return offset - skb_network_offset(skb);
}

/*
 * As ip6_parse_tlv() for destination options: whether ipv6_destopt_rcv()
 * would let the @len-byte header at @off (from the network header) through.
 * Only padding and options whose type says "skip if unknown" pass; the home
 * address option is Mobile IPv6's, which only the kernel can process.
 */
static bool icmp_ep_v6_dstopts_ok(const struct sk_buff *skb, unsigned int off,
				  int len)
{
	const struct net *net = dev_net(skb->dev);
	int max = READ_ONCE(net->ipv6.sysctl.max_dst_opts_cnt);
	int nh = skb_network_offset(skb) + off;
	int optlen, count = 0, padlen = 0;
	const u8 *o;
	u8 buf[8];

	if (len > READ_ONCE(net->ipv6.sysctl.max_dst_opts_len))
		return false;
	for (nh += 2, len -= 2; len > 0; nh += optlen, len -= optlen) {
		o = skb_header_pointer(skb, nh, min(len, 2), buf);
		if (!o)
			return false;
		optlen = 1;
		if (o[0] == IPV6_TLV_PAD1) {
			if (++padlen > 7)
				return false;
			continue;
		}
		if (len < 2 || o[1] + 2 > len)
			return false;
		optlen = o[1] + 2;
		if (o[0] == IPV6_TLV_PADN) {
			/* No more than 7 bytes in a row, all zero (RFC 4942). */
			padlen += optlen;
			if (padlen > 7)
				return false;
			o = skb_header_pointer(skb, nh, optlen, buf);
			if (!o || memchr_inv(o + 2, 0, optlen - 2))
				return false;
			continue;
		}
		/* A negative count also forbids unknown options. */
		if (++count > abs(max) || max < 0 || (o[0] & 0xc0) ||
		    (IS_ENABLED(CONFIG_IPV6_MIP6) && o[0] == IPV6_TLV_HAO))
			return false;
		padlen = 0;
	}
	return true;
}

/*
 * As ipv6_rthdr_rcv(): whether the packet stays here, past the routing
 * header @rt.  With segments left it is forwarded or dropped; a type 2
 * header it has not processed itself is dropped.  Segment routing (types 3
 * and 4), off by default, is left to the kernel: see the deviations.
 */
static bool icmp_ep_v6_rthdr_ok(const struct sk_buff *skb,
				const struct ipv6_rt_hdr *rt)
{
	if (ipv6_addr_is_multicast(&ipv6_hdr(skb)->daddr) ||
	    skb->pkt_type != PACKET_HOST || rt->segments_left ||
	    rt->type == IPV6_SRCRT_TYPE_3 || rt->type == IPV6_SRCRT_TYPE_4)
		return false;
	return !IS_ENABLED(CONFIG_IPV6_MIP6) || rt->type != IPV6_SRCRT_TYPE_2;
}

/* Where the next-header byte of the first unprocessed header is. */
static __always_inline u16 icmp_ep_v6_nhoff(const struct sk_buff *skb)
{
	return IP6CB(skb)->nhoff ?: offsetof(struct ipv6hdr, nexthdr);
}

/*
 * Whether @skb may be for a ping socket at all: the first header that
 * LOCAL_IN leaves unprocessed (the one IP6CB(@skb)->nhoff names, after
 * any hop-by-hop options) is ICMPv6 or one icmp_ep_v6_walk() walks.  The
 * rest of the namespace's traffic costs the hook this test (see
 * icmp_ep_v6_nf_hook()).
 */
static __always_inline bool icmp_ep_v6_rx_wanted(const struct sk_buff *skb)
{
	const u8 *nexthdr;
	u8 buf;

	nexthdr = skb_header_pointer(skb, skb_network_offset(skb) +
				     icmp_ep_v6_nhoff(skb), sizeof(buf), &buf);
	return nexthdr && (*nexthdr == IPPROTO_ICMPV6 ||
			   *nexthdr == NEXTHDR_DEST ||
			   *nexthdr == NEXTHDR_ROUTING ||
			   *nexthdr == NEXTHDR_FRAGMENT);
}

/*
 * Find the ICMPv6 header as ip6_protocol_deliver_rcu() would, after
 * LOCAL_IN: from the header that IP6CB(@skb)->nhoff names and the transport
 * header, where hop-by-hop options (or, on the pass that
 * xfrm6_transport_finish() makes, the headers before AH or ESP) end.  Each
 * header is judged as its handler would judge it, and the offsets the
 * handlers leave in IP6CB are noted in @rx.  AH and ESP are not ours on
 * this pass: the packet comes back, decapsulated, after xfrm.  A fragment is
 * ours to reassemble if it follows the processed headers and its
 * fragmentable part starts with ICMPv6 or with destination options, which
 * ip6_fragment() puts there, after the fragment header: only the first
 * fragment could tell what follows them, and every fragment must go to the
 * same queue.  &icmp_ep_rx.offset is then the fragment header's.
 */
static enum icmp_ep_rx_verdict icmp_ep_v6_walk(const struct sk_buff *skb,
					       struct icmp_ep_rx *rx)
{
	const struct inet6_skb_parm *opt = IP6CB(skb);
	int nh = skb_network_offset(skb);
	unsigned int off, start;
	const u8 *h;
	u8 buf[4];
	int len;

	rx->nhoff = icmp_ep_v6_nhoff(skb);
	rx->lastopt = opt->lastopt;
	rx->srcrt = opt->srcrt;
	rx->dst0 = opt->dst0;
	rx->dst1 = opt->dst1;
	start = skb_transport_header(skb) - skb_network_header(skb);
	h = skb_header_pointer(skb, nh + rx->nhoff, 1, buf);
	if (!h || start < sizeof(struct ipv6hdr))
		return ICMP_EP_RX_IGNORE;

	for (off = start; *h != IPPROTO_ICMPV6; off += len) {
		u8 nexthdr = *h;

		if (nexthdr != NEXTHDR_DEST && nexthdr != NEXTHDR_ROUTING &&
		    nexthdr != NEXTHDR_FRAGMENT)
			return ICMP_EP_RX_IGNORE;
		h = skb_header_pointer(skb, nh + off, sizeof(buf), buf);
		if (!h)
			return ICMP_EP_RX_IGNORE;
		len = ipv6_optlen((const struct ipv6_opt_hdr *)h);
		if (nexthdr == NEXTHDR_FRAGMENT) {
			len = sizeof(struct frag_hdr);
			rx->offset = off;
			if (get_unaligned((const __be16 *)(h + 2)) &
			    htons(IP6_OFFSET | IP6_MF))
				return off == start &&
				       (h[0] == IPPROTO_ICMPV6 ||
					h[0] == NEXTHDR_DEST) ?
				       ICMP_EP_RX_FRAGMENT : ICMP_EP_RX_IGNORE;
			/* An atomic fragment is processed in place. */
		} else if (nh + off + len > skb->len) {
			return ICMP_EP_RX_IGNORE;
		} else if (nexthdr == NEXTHDR_DEST) {
			if (!icmp_ep_v6_dstopts_ok(skb, off, len))
				return ICMP_EP_RX_IGNORE;
			rx->lastopt = off;
			rx->dst1 = off;
		} else {
			if (!icmp_ep_v6_rthdr_ok(skb, (const void *)h))
				return ICMP_EP_RX_IGNORE;
			rx->lastopt = off;
			rx->srcrt = off;
			rx->dst0 = rx->dst1;
			rx->dst1 = 0;
		}
		rx->nhoff = off;
	}
	rx->offset = off;
	return ICMP_EP_RX_MATCH;
}

/*
 * Whether icmpv6_rcv() takes ICMPv6 @type to a ping socket: an echo reply,
 * or an error, including those of the types it does not know (0, 5-127),
 * which it passes to icmpv6_notify().
 */
static bool icmp_ep_v6_type_heard(u8 type)
{
	return type == ICMPV6_ECHO_REPLY || type == ICMPV6_EXT_ECHO_REPLY ||
	       !(type & ICMPV6_INFOMSG_MASK);
}

static enum icmp_ep_rx_verdict icmp_ep_v6_rx_parse(const struct sk_buff *skb,
						   struct icmp_ep_rx *rx)
{
	const struct icmp6hdr *h, *echo;
	struct icmp6hdr buf, echo_buf;
	enum icmp_ep_rx_verdict verdict;
	int offset, quote;

	if (!icmp_ep_v6_rx_wanted(skb))
		return ICMP_EP_RX_IGNORE;
	verdict = icmp_ep_v6_walk(skb, rx);
	if (verdict != ICMP_EP_RX_MATCH)
		return verdict;
	offset = rx->offset;
	h = skb_header_pointer(skb, skb_network_offset(skb) + offset,
			       sizeof(buf), &buf);
	if (!h)
		return ICMP_EP_RX_MALFORMED;

	rx->type = h->icmp6_type;
	rx->code = h->icmp6_code;
	rx->info = 0;
	rx->dif = inet6_iif(skb);
	rx->sdif = inet6_sdif(skb);

	switch (h->icmp6_type) {
	case ICMPV6_ECHO_REPLY:
	case ICMPV6_EXT_ECHO_REPLY:
		rx->error = false;
		rx->ident = ntohs(h->icmp6_identifier);
		return ICMP_EP_RX_MATCH;
	default:
		if (!icmp_ep_v6_type_heard(h->icmp6_type))
			return ICMP_EP_RX_IGNORE;
		break;
	}

	rx->error = true;
	rx->info = ntohl(h->icmp6_mtu);
	rx->inner = offset + sizeof(*h);
	quote = icmp_ep_v6_icmp_offset(skb, rx->inner);
	if (quote < 0)
		return quote == -ENOENT ? ICMP_EP_RX_IGNORE :
					  ICMP_EP_RX_MALFORMED;
	echo = skb_header_pointer(skb, skb_network_offset(skb) + quote,
				  sizeof(echo_buf), &echo_buf);
	if (!echo)
		return ICMP_EP_RX_MALFORMED;
	/* As icmpv6_err(): a plain echo request only. */
	if (echo->icmp6_type != ICMPV6_ECHO_REQUEST ||
	    icmp_ep_echo_check(AF_INET6, echo))
		return ICMP_EP_RX_IGNORE;
	rx->quote = quote;
	rx->ident = ntohs(echo->icmp6_identifier);
	return ICMP_EP_RX_MATCH;
}

static bool icmp_ep_v6_rx_daddr_match(const struct sock *sk,
				      const struct sk_buff *skb)
{
	return ipv6_addr_any(&sk->sk_v6_rcv_saddr) ||
	       ipv6_addr_equal(&sk->sk_v6_rcv_saddr, &ipv6_hdr(skb)->daddr);
}

static bool icmp_ep_v6_rx_peer_match(const struct sock *sk,
				     const union icmp_ep_addr *peer)
{
	const struct in6_addr *daddr = &sk->sk_v6_daddr;
	int i;

	/*
	 * Under RCU: connect() may be changing it under the socket lock.  A
	 * torn read can only fail to match during that change.
	 */
	for (i = 0; i < ARRAY_SIZE(daddr->s6_addr32); i++)
		if (READ_ONCE(daddr->s6_addr32[i]) != peer->v6.s6_addr32[i])
			return false;
	return true;
}

/*
 * As icmpv6_err(), whose ip6_update_pmtu() runs before ping_err() wakes the
 * socket, so that a reader woken by the error already sees the new PMTU.
 * icmpv6_err() repeats the update when the original gets there, to no
 * effect.  Its other route change, ip6_redirect(), is for NDISC_REDIRECT,
 * an informational message that ->rx_parse() leaves to the kernel.
 * @skb->data is the quoted IPv6 header.
 */
static void icmp_ep_v6_err_update_route(struct sock *sk, struct sk_buff *skb,
					const struct icmp_ep_rx *rx)
{
	struct net *net = dev_net(skb->dev);

	if (rx->type == ICMPV6_PKT_TOOBIG)
		ip6_update_pmtu(skb, net, htonl(rx->info), skb->dev->ifindex,
				0, sock_net_uid(net, NULL));
}

static int icmp_ep_v6_err_convert(const struct sock *sk,
				  const struct icmp_ep_rx *rx, int *err)
{
	return icmpv6_err_convert(rx->type, rx->code, err);
}

static bool icmp_ep_v6_recverr(const struct sock *sk)
{
	return inet6_test_bit(RECVERR6, sk);
}

/*
 * Whether the fragment whose header is at @off is the first of a reply or
 * an error a socket could hear: RFC 8200 puts every header up to the upper
 * layer's in the first fragment, and only destination options may come
 * between (see icmp_ep_v6_walk()).  So that a datagram that cannot be
 * reassembled is counted once, as a whole one is.
 */
static bool icmp_ep_v6_frag_heard(const struct sk_buff *skb, unsigned int off)
{
	int nh = skb_network_offset(skb);
	const struct frag_hdr *fh;
	struct frag_hdr fbuf;
	u8 buf[2], nexthdr;
	const u8 *h;

	fh = skb_header_pointer(skb, nh + off, sizeof(fbuf), &fbuf);
	if (!fh || fh->frag_off & htons(IP6_OFFSET))
		return false;
	nexthdr = fh->nexthdr;
	off += sizeof(*fh);
	if (nexthdr == NEXTHDR_DEST) {
		h = skb_header_pointer(skb, nh + off, sizeof(buf), buf);
		if (!h)
			return false;
		nexthdr = h[0];
		off += ipv6_optlen((const struct ipv6_opt_hdr *)h);
	}
	h = skb_header_pointer(skb, nh + off, 1, buf);
	return nexthdr == IPPROTO_ICMPV6 && h && icmp_ep_v6_type_heard(*h);
}

/*
 * ->rx_gather(): in nf_defrag_ipv6's queues, under icmp_ep's user.  The
 * clone goes in without its device, so that its queue knows no interface:
 * when it expires, ip6frag_expire_frag_queue() then counts nothing in
 * Ip6ReasmFails or Ip6ReasmTimeout and sends no Time Exceeded, which the
 * kernel's own queue for the fragments does.  A refused clone may have
 * lost its route; it is freed.
 */
static struct sk_buff *icmp_ep_v6_gather(struct net *net, struct sk_buff *skb,
					 const struct icmp_ep_rx *rx)
{
	int (*gather)(struct net *net, struct sk_buff *skb, u32 user);
	struct icmp_ep_table *t = icmp_ep_table(net, ICMP_EP_AF_INET6);
	struct icmp_ep_rx whole;
	struct sk_buff *clone;
	int err;

	/* Pairs with the release in icmp_ep_v6_defrag_load(). */
	gather = smp_load_acquire(&icmp_ep_v6_defrag_gather);
	if (!gather) {
		if (icmp_ep_v6_frag_heard(skb, rx->offset))
			icmp_ep_count(t, ICMP_EP_STAT_DROP_NO_REASSEMBLY);
		return NULL;
	}
	clone = skb_clone(skb, GFP_ATOMIC);
	if (!clone) {
		icmp_ep_count(t, ICMP_EP_STAT_DROP_REASSEMBLY);
		return NULL;
	}
	clone->dev = NULL;
	err = gather(net, clone, ICMP_EP_FRAG6_USER);
	if (err == -EINPROGRESS)
		return NULL;
	clone->dev = skb->dev;
	/* Left alone, still a fragment: one the kernel refuses too. */
	if (err || icmp_ep_v6_walk(clone, &whole) == ICMP_EP_RX_FRAGMENT) {
		kfree_skb(clone);
		icmp_ep_count(t, ICMP_EP_STAT_DROP_REASSEMBLY);
		return NULL;
	}
	return clone;
}

/*
 * The session is decoded from the header that IP6CB()->nhoff names, which
 * is still the first unprocessed one at LOCAL_IN: name the ICMPv6 header,
 * as it is named by the time icmpv6_rcv() checks.
 */
static int icmp_ep_v6_policy_check(struct sk_buff *skb,
				   const struct icmp_ep_rx *rx, bool reverse)
{
	u16 nhoff = IP6CB(skb)->nhoff;
	int ok;

	IP6CB(skb)->nhoff = rx->nhoff;
	ok = reverse ? xfrm6_policy_check_reverse(NULL, XFRM_POLICY_IN, skb) :
		       xfrm6_policy_check(NULL, XFRM_POLICY_IN, skb);
	IP6CB(skb)->nhoff = nhoff;
	return ok;
}

/* What ip6_datagram_recv_specific_ctl() reads, as the handlers set it. */
static void icmp_ep_v6_rx_fill_cb(struct sk_buff *clone,
				  const struct icmp_ep_rx *rx)
{
	struct inet6_skb_parm *opt = IP6CB(clone);

	opt->nhoff = rx->nhoff;
	opt->lastopt = rx->lastopt;
	opt->srcrt = rx->srcrt;
	opt->dst0 = rx->dst0;
	opt->dst1 = rx->dst1;
}

/*
 * Only a reply right behind the IPv6 header: ip6_protocol_deliver_rcu()
 * would process any other extension header first, and drops a multicast
 * destination the device has not joined.
 */
static bool icmp_ep_v6_rx_may_steal(const struct sk_buff *skb)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);

	return ip6h->nexthdr == IPPROTO_ICMPV6 &&
	       !ipv6_addr_is_multicast(&ip6h->daddr);
}

static const struct nf_hook_entries *
icmp_ep_v6_rx_local_in_hooks(const struct net *net)
{
	return rcu_dereference(net->nf.hooks_ipv6[NF_INET_LOCAL_IN]);
}

/*
 * As icmp6_dev(), which is static: a reply to a local address comes in on
 * loopback or an L3 master, and icmpv6_rcv() counts it on its route's
 * device.
 */
static struct net_device *icmp_ep_v6_icmp_dev(const struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	const struct rt6_info *rt;

	if (dev->ifindex != LOOPBACK_IFINDEX && !netif_is_l3_master(dev))
		return dev;
	rt = skb_rt6_info(skb);
	return rt && rt->rt6i_idev ? rt->rt6i_idev->dev : dev;
}

/* As ip6_protocol_deliver_rcu() and icmpv6_rcv() count an echo reply. */
static void icmp_ep_v6_rx_count_reply(struct net *net,
				      const struct sk_buff *skb,
				      const struct icmp_ep_rx *rx)
{
	struct net_device *dev = icmp_ep_v6_icmp_dev(skb);
	struct inet6_dev *idev = __in6_dev_get(dev);

	__ICMP6_INC_STATS(dev_net(dev), idev, ICMP6_MIB_INMSGS);
	ICMP6MSGIN_INC_STATS(dev_net(dev), idev, rx->type);
	__IP6_INC_STATS(net, ip6_dst_idev(skb_dst(skb)),
			IPSTATS_MIB_INDELIVERS);
}

/* As ipv6_icmp_error(); @skb->data is the quoted echo request. */
static void icmp_ep_v6_fill_error(struct sock *sk, struct sk_buff *skb,
				  const struct icmp_ep_rx *rx,
				  struct sock_exterr_skb *serr)
{
	serr->ee.ee_origin = SO_EE_ORIGIN_ICMP6;
	serr->addr_offset = rx->inner + offsetof(struct ipv6hdr, daddr);

	if (inet6_test_bit(RECVERR6_RFC4884, sk) &&
	    (rx->type == ICMPV6_DEST_UNREACH || rx->type == ICMPV6_TIME_EXCEED))
		ip_icmp_error_rfc4884(skb, &serr->ee.ee_rfc4884,
				      sizeof(struct icmp6hdr),
				      icmp6_hdr(skb)->icmp6_datagram_len * 8);
}

static void icmp_ep_v6_seq_header(struct seq_file *seq)
{
	seq_puts(seq, IPV6_SEQ_DGRAM_HEADER);
}

static void icmp_ep_v6_seq_addrs(struct seq_file *seq, struct sock *sk,
				 int slot)
{
	const struct in6_addr *src = &sk->sk_v6_rcv_saddr;
	const struct in6_addr *dst = &sk->sk_v6_daddr;
	struct inet_sock *inet = inet_sk(sk);

	seq_printf(seq, "%5d: %08X%08X%08X%08X:%04X %08X%08X%08X%08X:%04X",
		   slot, src->s6_addr32[0], src->s6_addr32[1],
		   src->s6_addr32[2], src->s6_addr32[3],
		   ntohs(inet->inet_sport), dst->s6_addr32[0],
		   dst->s6_addr32[1], dst->s6_addr32[2], dst->s6_addr32[3],
		   ntohs(inet->inet_dport));
}

static const struct icmp_ep_af icmp_ep_v6_af = {
	.index = ICMP_EP_AF_INET6,
	.saddr_offset = offsetof(struct ipv6hdr, saddr),
	.daddr_offset = offsetof(struct ipv6hdr, daddr),
	.addr_len = sizeof_field(struct ipv6hdr, saddr),
	.sockaddr_len = sizeof(struct sockaddr_in6),
	.rx_iphdr_len = sizeof(struct ipv6hdr),
	.protocol = IPPROTO_ICMPV6,
	.raw_hashinfo = &raw_v6_hashinfo,
	.builtin_proto = &pingv6_prot,
	.check_bind = icmp_ep_v6_check_bind,
	.set_bind_addr = icmp_ep_v6_set_bind_addr,
	.get_bind_addr = icmp_ep_v6_get_bind_addr,
	.bind_addr_is_any = icmp_ep_v6_bind_addr_is_any,
	.connect = icmp_ep_v6_connect,
	.peer_is_group = icmp_ep_v6_peer_is_group,
	.send = icmp_ep_v6_send,
	.recv_name = icmp_ep_v6_recv_name,
	.peer_name = icmp_ep_v6_peer_name,
	.rx_parse = icmp_ep_v6_rx_parse,
	.rx_gather = icmp_ep_v6_gather,
	.rx_policy_check = icmp_ep_v6_policy_check,
	.rx_fill_cb = icmp_ep_v6_rx_fill_cb,
	.rx_may_steal = icmp_ep_v6_rx_may_steal,
	.rx_local_in_hooks = icmp_ep_v6_rx_local_in_hooks,
	.rx_count_reply = icmp_ep_v6_rx_count_reply,
	.rx_daddr_match = icmp_ep_v6_rx_daddr_match,
	.rx_peer_match = icmp_ep_v6_rx_peer_match,
	.err_update_route = icmp_ep_v6_err_update_route,
	.err_convert = icmp_ep_v6_err_convert,
	.recverr = icmp_ep_v6_recverr,
	.fill_error = icmp_ep_v6_fill_error,
	.seq_header = icmp_ep_v6_seq_header,
	.seq_addrs = icmp_ep_v6_seq_addrs,
};

/*
 * ====================================================================
 * Receive hook: socket lookup, delivery of replies and errors
 * ====================================================================
 */

/*
 * Whose packet the hook holds, and so what a socket may get: netfilter's,
 * which goes on to the kernel, and of which a socket gets a clone, unless
 * (ICMP_EP_RX_MAY_STEAL) it is a reply nothing else would see; or
 * (ICMP_EP_RX_OWN) a datagram icmp_ep reassembled from clones of the
 * kernel's fragments, which a socket gets itself.
 */
enum icmp_ep_rx_mode {
	ICMP_EP_RX_CLONE,
	ICMP_EP_RX_MAY_STEAL,
	ICMP_EP_RX_OWN,
};

/*
 * Whether @sk is the socket for the packet.  A connected socket hears only
 * its peer, as gVisor's endpoint registered under its full ID and as a
 * connected UDP socket does: *@not_peer says that was all that failed.
 */
static __always_inline bool
icmp_ep_sk_match(const struct sock *sk, const struct net *net,
		 const struct icmp_ep_af *af, const struct sk_buff *skb,
		 const struct icmp_ep_rx *rx, bool *not_peer)
{
	int bound_dev_if = READ_ONCE(sk->sk_bound_dev_if);

	if (!net_eq(sock_net(sk), net))
		return false;
	if (bound_dev_if && bound_dev_if != rx->dif &&
	    bound_dev_if != rx->sdif)
		return false;
	if (!af->rx_daddr_match(sk, skb))
		return false;
	if (READ_ONCE(icmp_ep_sk(sk)->peer_only) &&
	    !af->rx_peer_match(sk, &rx->peer)) {
		*not_peer = true;
		return false;
	}
	return true;
}

/*
 * The socket a reply or error is for, with a reference the caller must
 * put.  As __inet_lookup_established() does for TCP's equally
 * SLAB_TYPESAFE_BY_RCU sockets: match, pin, then match again, as the
 * memory may have become another socket before the pin.  Without a socket,
 * *@not_peer says whether a connected one held the ident but heard only
 * another peer; read unpinned, it may be stale, but it only picks the
 * counter of a packet that is dropped either way.
 */
static __always_inline struct sock *
icmp_ep_lookup(struct icmp_ep_table *t, struct net *net,
	       const struct icmp_ep_af *af, const struct sk_buff *skb,
	       const struct icmp_ep_rx *rx, bool *not_peer)
{
	struct rhlist_head *list, *pos;
	struct icmp_ep_node *node;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "icmp_ep lookup outside RCU");

	list = rhltable_lookup(&t->socks, &rx->ident, icmp_ep_rht_params);
	rhl_for_each_entry_rcu(node, pos, list, list) {
		struct sock *sk = node->sk;

		if (!icmp_ep_sk_match(sk, net, af, skb, rx, not_peer) ||
		    unlikely(!refcount_inc_not_zero(&sk->sk_refcnt)))
			continue;
		if (likely(rcu_access_pointer(icmp_ep_sk(sk)->node) == node &&
			   icmp_ep_sk_match(sk, net, af, skb, rx, not_peer)))
			return sk;
		sock_put(sk);
	}
	return NULL;
}

/*
 * The reply the socket gets, clone or original, with the control block
 * that the kernel's own path would have filled in by the time it reached
 * icmp_rcv() or icmpv6_rcv(): at LOCAL_IN, IPv6 has not processed its
 * extension headers.
 * ip_local_deliver_finish() and ip6_input_finish() clear a mono delivery
 * time only after the hook, so clear it here, lest a forwarding path's EDT
 * reach SO_TIMESTAMP.
 */
static void icmp_ep_rx_prepare(const struct icmp_ep_af *af,
			       struct sk_buff *skb,
			       const struct icmp_ep_rx *rx)
{
	skb_clear_delivery_time(skb);
	if (af->rx_fill_cb)
		af->rx_fill_cb(skb, rx);
}

/*
 * The copy of @skb a socket gets: a clone, or in ICMP_EP_RX_OWN mode @skb
 * itself, which is a copy already.
 */
static struct sk_buff *icmp_ep_rx_clone(const struct icmp_ep_af *af,
					struct sk_buff *skb,
					const struct icmp_ep_rx *rx,
					enum icmp_ep_rx_mode mode)
{
	struct sk_buff *clone;

	clone = mode == ICMP_EP_RX_OWN ? skb : skb_clone(skb, GFP_ATOMIC);
	if (clone)
		icmp_ep_rx_prepare(af, clone, rx);
	return clone;
}

/* The verdict once icmp_ep_rx_clone()'s copy went to a socket. */
static unsigned int icmp_ep_rx_given(enum icmp_ep_rx_mode mode)
{
	return mode == ICMP_EP_RX_OWN ? NF_STOLEN : NF_ACCEPT;
}

/* Queue @skb, a reply whose data is its IP header, on @sk; consumes it. */
static enum icmp_ep_stat icmp_ep_queue_reply(struct sock *sk,
					     struct sk_buff *skb,
					     const struct icmp_ep_rx *rx)
{
	enum skb_drop_reason reason;

	if (!pskb_pull(skb, skb_network_offset(skb) + rx->offset)) {
		kfree_skb(skb);
		atomic_inc(&sk->sk_drops);
		return ICMP_EP_STAT_DROP_QUEUE_FULL;
	}
	skb_reset_transport_header(skb);

	if (sock_queue_rcv_skb_reason(sk, skb, &reason) < 0) {
		sk_skb_reason_drop(sk, skb, reason);
		return reason == SKB_DROP_REASON_SOCKET_FILTER ?
		       ICMP_EP_STAT_DROP_SOCKET_FILTER :
		       ICMP_EP_STAT_DROP_QUEUE_FULL;
	}
	return ICMP_EP_STAT_REPLIES_DELIVERED;
}

/*
 * Whether this hook is the namespace's last on LOCAL_IN, so that no other
 * (conntrack confirmation, whose events would otherwise come late or
 * never, or a chain of the administrator's at the same priority) waits to
 * see the packet.  The entries read may be newer than the ones the packet
 * is walking: a hook added meanwhile only costs a clone, and one going
 * away would have seen a packet that it is no longer there to see.
 */
static bool icmp_ep_rx_hook_is_last(const struct icmp_ep_table *t,
				    const struct icmp_ep_af *af)
{
	const struct nf_hook_entries *e = af->rx_local_in_hooks(t->net);

	return e && e->num_hook_entries &&
	       e->hooks[e->num_hook_entries - 1].hook == t->hook->hook;
}

/*
 * Whether the reply itself may go to the socket, when nothing after this
 * hook would see it: no later hook, and past LOCAL_IN, no raw socket of
 * the protocol, in the one bucket raw_local_deliver() and
 * raw6_local_deliver() would clone it for (checked at packet time: a raw
 * socket sees every reply that comes after it is hashed), and no built-in
 * ping socket, which ping_rcv() would give it to, should the two share
 * the ident.  A reply that came through an SA may have passed the policy
 * only in reverse, a forward refusal that icmp_rcv() would count: it goes
 * on for it to count.
 */
static bool icmp_ep_rx_may_steal(const struct icmp_ep_table *t,
				 const struct icmp_ep_af *af,
				 const struct sk_buff *skb)
{
	u32 bucket = raw_hashfunc(t->net, af->protocol);

	if (af->rx_may_steal && !af->rx_may_steal(skb))
		return false;
	return !secpath_exists(skb) &&
	       hlist_empty(&af->raw_hashinfo->ht[bucket]) &&
	       icmp_ep_rx_hook_is_last(t, af) &&
	       !sock_prot_inuse_get(t->net, af->builtin_proto);
}

/*
 * Give @sk the reply: the original, counted as the kernel would have
 * counted it, when nothing else would see it; otherwise a copy (see
 * icmp_ep_rx_clone()), and the original goes on to icmp_rcv() or
 * icmpv6_rcv().  Return: the verdict.
 */
static unsigned int icmp_ep_rcv_reply(struct icmp_ep_table *t, struct sock *sk,
				      const struct icmp_ep_af *af,
				      struct sk_buff *skb,
				      const struct icmp_ep_rx *rx,
				      enum icmp_ep_rx_mode mode)
{
	enum icmp_ep_stat stat = ICMP_EP_STAT_DROP_QUEUE_FULL;
	struct sk_buff *clone;

	if (mode == ICMP_EP_RX_MAY_STEAL &&
	    icmp_ep_rx_may_steal(t, af, skb)) {
		af->rx_count_reply(t->net, skb, rx);
		icmp_ep_rx_prepare(af, skb, rx);
		stat = icmp_ep_queue_reply(sk, skb, rx);
		icmp_ep_count(t, stat == ICMP_EP_STAT_REPLIES_DELIVERED ?
				 ICMP_EP_STAT_REPLIES_STOLEN : stat);
		return NF_STOLEN;
	}

	clone = icmp_ep_rx_clone(af, skb, rx, mode);
	if (clone)
		stat = icmp_ep_queue_reply(sk, clone, rx);
	else
		atomic_inc(&sk->sk_drops);
	icmp_ep_count(t, stat);
	return icmp_ep_rx_given(mode);
}

/* Queue @clone, its data at the quote, as an entry for @err; 0 if queued. */
static int icmp_ep_queue_error(struct sock *sk, const struct icmp_ep_af *af,
			       struct sk_buff *clone,
			       const struct icmp_ep_rx *rx, int err)
{
	struct sock_exterr_skb *serr;

	if (!pskb_pull(clone, rx->quote - rx->inner))
		return -ENOMEM;
	serr = SKB_EXT_ERR(clone);
	memset(&serr->ee, 0, sizeof(serr->ee));
	serr->ee.ee_errno = err;
	serr->ee.ee_type = rx->type;
	serr->ee.ee_code = rx->code;
	serr->ee.ee_info = rx->info;
	serr->port = 0;
	serr->opt_stats = 0;
	af->fill_error(sk, clone, rx, serr);
	skb_reset_transport_header(clone);
	return sock_queue_err_skb(sk, clone);
}

/*
 * As ping_err(): the error becomes an error-queue entry with IP_RECVERR or
 * IPV6_RECVERR, and sk_err in any case, unless the socket asked for neither
 * and the error is soft or the socket unconnected.  Consumes @clone.
 * Return: what became of the error, which reached the socket whether or
 * not it was reported, unless a full error queue refused the entry.
 */
static enum icmp_ep_stat icmp_ep_report_error(struct sock *sk,
					      const struct icmp_ep_af *af,
					      struct sk_buff *clone,
					      const struct icmp_ep_rx *rx,
					      int err, int harderr)
{
	enum icmp_ep_stat stat = ICMP_EP_STAT_ERRORS_DELIVERED;

	if (af->recverr(sk)) {
		/* As ip_icmp_error(): a full queue loses the entry only. */
		if (icmp_ep_queue_error(sk, af, clone, rx, err))
			stat = ICMP_EP_STAT_DROP_QUEUE_FULL;
		else
			clone = NULL;
	} else if (!harderr || sk->sk_state != TCP_ESTABLISHED) {
		kfree_skb(clone);
		return ICMP_EP_STAT_ERRORS_DELIVERED;
	}

	sk->sk_err = err;
	sk_error_report(sk);
	kfree_skb(clone);
	return stat;
}

/*
 * An ICMP error for @sk: the route changes it makes, then, unless the
 * socket ignores it, its report, on a copy (see icmp_ep_rx_clone()).
 */
static enum icmp_ep_stat icmp_ep_rcv_error(struct sock *sk,
					   const struct icmp_ep_af *af,
					   struct sk_buff *skb,
					   const struct icmp_ep_rx *rx,
					   enum icmp_ep_rx_mode mode)
{
	struct sk_buff *clone;
	int err, harderr;

	clone = icmp_ep_rx_clone(af, skb, rx, mode);
	if (!clone)
		return ICMP_EP_STAT_DROP_QUEUE_FULL;
	skb_set_transport_header(clone, skb_network_offset(clone) + rx->offset);
	/*
	 * The kernel's PMTU and redirect helpers read the quoted header at
	 * skb->data, and the error queue the quoted echo: as
	 * icmp_socket_deliver(), make the whole quote linear first, wherever
	 * GRO, header split or reassembly left it.
	 */
	if (!pskb_pull(clone, skb_network_offset(clone) + rx->inner) ||
	    !pskb_may_pull(clone, rx->quote - rx->inner + ICMP_EP_ECHO_HDR_LEN)) {
		kfree_skb(clone);
		return ICMP_EP_STAT_DROP_QUEUE_FULL;
	}

	af->err_update_route(sk, clone, rx);
	harderr = af->err_convert(sk, rx, &err);
	if (harderr < 0) {
		/* Heard, and ignored, as with IP_PMTUDISC_DONT. */
		kfree_skb(clone);
		return ICMP_EP_STAT_ERRORS_DELIVERED;
	}
	return icmp_ep_report_error(sk, af, clone, rx, err, harderr);
}

/*
 * The address a matched packet is about (see &struct icmp_ep_rx.peer),
 * which the parser has checked is there.
 */
static __always_inline enum icmp_ep_rx_verdict
icmp_ep_rx_peer(const struct icmp_ep_af *af, const struct sk_buff *skb,
		struct icmp_ep_rx *rx)
{
	unsigned int offset;

	offset = rx->error ? rx->inner + af->daddr_offset : af->saddr_offset;
	if (skb_copy_bits(skb, skb_network_offset(skb) + offset, &rx->peer,
			  af->addr_len))
		return ICMP_EP_RX_MALFORMED;
	return ICMP_EP_RX_MATCH;
}

/*
 * As icmp_rcv() and icmpv6_rcv() check before anything else: the inbound
 * IPsec policy, and for a packet that came through an SA that allows ICMP
 * errors, the policy for the quoted packet, reversed, at its header.  Both
 * read the original @skb, whose network header is moved for the second
 * and put back.
 */
static bool icmp_ep_rx_policy_check(const struct icmp_ep_af *af,
				    struct sk_buff *skb,
				    const struct icmp_ep_rx *rx)
{
	unsigned int inner = rx->offset + sizeof(struct icmphdr);
	struct sec_path *sp;
	int nh, ok;

	if (af->rx_policy_check(skb, rx, false))
		return true;
	sp = skb_sec_path(skb);
	if (!sp || !(sp->xvec[sp->len - 1]->props.flags & XFRM_STATE_ICMP))
		return false;
	nh = skb_network_offset(skb);
	if (!pskb_may_pull(skb, nh + inner + af->rx_iphdr_len))
		return false;
	skb_set_network_header(skb, nh + inner);
	ok = af->rx_policy_check(skb, rx, true);
	skb_set_network_header(skb, nh);
	return ok;
}

#ifdef CONFIG_XFRM_STATISTICS
struct icmp_ep_xfrm_mib {
	unsigned long mibs[LINUX_MIB_XFRMMAX];
};

static void icmp_ep_xfrm_mib_save(struct net *net, struct icmp_ep_xfrm_mib *m)
{
	memcpy(m->mibs, this_cpu_ptr(net->mib.xfrm_statistics)->mibs,
	       sizeof(m->mibs));
}

static void icmp_ep_xfrm_mib_restore(struct net *net,
				     const struct icmp_ep_xfrm_mib *m)
{
	memcpy(this_cpu_ptr(net->mib.xfrm_statistics)->mibs, m->mibs,
	       sizeof(m->mibs));
}
#else
struct icmp_ep_xfrm_mib {
};

static void icmp_ep_xfrm_mib_save(struct net *net, struct icmp_ep_xfrm_mib *m)
{
}

static void icmp_ep_xfrm_mib_restore(struct net *net,
				     const struct icmp_ep_xfrm_mib *m)
{
}
#endif

/*
 * Whether the inbound IPsec policy lets the packet in, asked without
 * counting the answer: the packet goes on (but a reply without a security
 * path, see icmp_ep_rx_may_steal()), and icmp_rcv() or icmpv6_rcv() ask
 * again and count in the XfrmIn* counters, where the kernel always does.
 * __xfrm_policy_check() counts on this CPU, here with bottom halves off,
 * so that nothing else moves this CPU's counters meanwhile.  Without a
 * policy or a security path it is never called.
 */
static bool icmp_ep_rx_policy_ok(const struct icmp_ep_af *af,
				 struct net *net, struct sk_buff *skb,
				 const struct icmp_ep_rx *rx)
{
	struct icmp_ep_xfrm_mib saved;
	bool ok;

	lockdep_assert_in_softirq();
	if (__xfrm_check_nopolicy(net, skb, XFRM_POLICY_IN))
		return true;
	icmp_ep_xfrm_mib_save(net, &saved);
	ok = icmp_ep_rx_policy_check(af, skb, rx);
	icmp_ep_xfrm_mib_restore(net, &saved);
	return ok;
}

static void icmp_ep_rx_own(const struct icmp_ep_af *af, struct sk_buff *whole,
			   const struct nf_hook_state *state);

/*
 * Parse @skb.  A fragment, which IPv6 reassembles only after LOCAL_IN, is
 * the kernel's to reassemble, count and answer: it goes on untouched, and
 * the family reassembles a clone, whose whole datagram is then delivered
 * as a packet of icmp_ep's own.  Return: the verdict on @skb, filling @rx.
 */
static enum icmp_ep_rx_verdict
icmp_ep_rx_classify(const struct icmp_ep_af *af, struct sk_buff *skb,
		    const struct nf_hook_state *state, struct icmp_ep_rx *rx)
{
	enum icmp_ep_rx_verdict verdict = af->rx_parse(skb, rx);
	struct sk_buff *whole;

	if (verdict != ICMP_EP_RX_FRAGMENT)
		return verdict;
	whole = af->rx_gather(state->net, skb, rx);
	if (whole)
		icmp_ep_rx_own(af, whole, state);
	return ICMP_EP_RX_IGNORE;
}

/*
 * As nf_checksum(), but a CHECKSUM_COMPLETE skb that it validates stays so
 * (it marks it CHECKSUM_UNNECESSARY, skb->csum untouched): icmp_rcv() and
 * our copy's IP_CHECKSUM control message must see it as it came.
 */
static bool icmp_ep_checksum_bad(struct sk_buff *skb,
				 const struct nf_hook_state *state,
				 int offset, u8 protocol)
{
	u8 summed = skb->ip_summed;

	if (nf_checksum(skb, state->hook, skb_network_offset(skb) + offset,
			protocol, state->pf))
		return true;
	if (summed == CHECKSUM_COMPLETE)
		skb->ip_summed = CHECKSUM_COMPLETE;
	return false;
}

/*
 * Deliver a packet that the parser matched to @sk, the socket it is for;
 * the policy check comes before any delivery, and before the route
 * changes that errors make.  A bad checksum is left for icmp_rcv() or
 * icmpv6_rcv() to count.  Bottom halves are off.  Puts @sk.  Return: the
 * verdict.
 */
static unsigned int icmp_ep_rx_matched(struct icmp_ep_table *t,
				       struct sock *sk,
				       const struct icmp_ep_af *af,
				       struct sk_buff *skb,
				       const struct nf_hook_state *state,
				       const struct icmp_ep_rx *rx,
				       enum icmp_ep_rx_mode mode)
{
	unsigned int nf = NF_ACCEPT;

	if (!icmp_ep_rx_policy_ok(af, t->net, skb, rx)) {
		icmp_ep_count(t, ICMP_EP_STAT_DROP_POLICY);
	} else if (icmp_ep_checksum_bad(skb, state, rx->offset,
					af->protocol)) {
		icmp_ep_count(t, ICMP_EP_STAT_DROP_BAD_CHECKSUM);
	} else if (rx->error) {
		icmp_ep_count(t, icmp_ep_rcv_error(sk, af, skb, rx, mode));
		nf = icmp_ep_rx_given(mode);
	} else {
		nf = icmp_ep_rcv_reply(t, sk, af, skb, rx, mode);
	}
	sock_put(sk);
	return nf;
}

/*
 * Every packet is accepted, but a reply that ICMP_EP_RX_MAY_STEAL lets the
 * socket take: the original goes on to icmp_rcv() or icmpv6_rcv(), which
 * count it and hand it to the built-in ping table, where it finds no socket
 * of ours.  Our socket gets a clone.  In ICMP_EP_RX_OWN mode, NF_STOLEN
 * says a socket took @skb.
 */
static __always_inline unsigned int
icmp_ep_nf_hook(const struct icmp_ep_af *af, struct sk_buff *skb,
		const struct nf_hook_state *state, enum icmp_ep_rx_mode mode)
{
	enum icmp_ep_rx_verdict verdict;
	bool not_peer = false;
	struct icmp_ep_table *t;
	struct icmp_ep_rx rx;
	unsigned int nf;
	struct sock *sk;

	verdict = icmp_ep_rx_classify(af, skb, state, &rx);
	if (verdict == ICMP_EP_RX_IGNORE)
		return NF_ACCEPT;
	if (verdict == ICMP_EP_RX_MATCH)
		verdict = icmp_ep_rx_peer(af, skb, &rx);

	t = icmp_ep_table(state->net, af->index);
	if (verdict != ICMP_EP_RX_MATCH) {
		icmp_ep_count(t, verdict == ICMP_EP_RX_MALFORMED ?
				 ICMP_EP_STAT_DROP_MALFORMED :
				 ICMP_EP_STAT_DROP_FILTERED);
		return NF_ACCEPT;
	}

	/*
	 * The lookup first, in whatever context the hook runs (nf_hook()
	 * and nf_reinject() hold the RCU read lock), so that a reply for
	 * another program's socket, raw or built-in, costs the lookup only.
	 */
	sk = icmp_ep_lookup(t, t->net, af, skb, &rx, &not_peer);
	if (!sk) {
		icmp_ep_count(t, not_peer ? ICMP_EP_STAT_DROP_NOT_PEER :
					    ICMP_EP_STAT_DROP_NO_SOCKET);
		return NF_ACCEPT;
	}

	/*
	 * Softirq, as a rule, but not always: NFQUEUE hands a packet back
	 * from its listener's sendmsg(), through nf_reinject(), which runs
	 * the hooks after the queue with bottom halves on, and turns them
	 * off only for the okfn.  What follows takes bh_lock_sock() in the
	 * PMTU update and moves the MIBs with their __ variants, both as
	 * icmp_rcv() does from softirq.
	 */
	local_bh_disable();
	nf = icmp_ep_rx_matched(t, sk, af, skb, state, &rx, mode);
	local_bh_enable();
	return nf;
}

/*
 * Deliver @whole, a datagram icmp_ep reassembled from clones, as the hook
 * delivers any packet, but as a copy of icmp_ep's own: a socket gets it
 * itself, the kernel's MIBs do not count it (the kernel counts the datagram
 * it reassembles from the originals), and it is freed if no socket took
 * it.  Not inlined: the hook inlined here calls icmp_ep_rx_classify(),
 * which calls this function for a fragment only, and @whole is none.
 */
static noinline void icmp_ep_rx_own(const struct icmp_ep_af *af,
				    struct sk_buff *whole,
				    const struct nf_hook_state *state)
{
	if (icmp_ep_nf_hook(af, whole, state, ICMP_EP_RX_OWN) != NF_STOLEN)
		consume_skb(whole);
}

/*
 * One entry point per family, so that the family's parser and address
 * check are direct calls on a path that every local packet takes, and a
 * packet of another protocol is let go after one test, inline.
 */
static unsigned int icmp_ep_v4_nf_hook(void *priv, struct sk_buff *skb,
				       const struct nf_hook_state *state)
{
	if (!icmp_ep_v4_rx_wanted(skb))
		return NF_ACCEPT;
	return icmp_ep_nf_hook(&icmp_ep_v4_af, skb, state,
			       ICMP_EP_RX_MAY_STEAL);
}

static unsigned int icmp_ep_v6_nf_hook(void *priv, struct sk_buff *skb,
				       const struct nf_hook_state *state)
{
	if (!icmp_ep_v6_rx_wanted(skb))
		return NF_ACCEPT;
	return icmp_ep_nf_hook(&icmp_ep_v6_af, skb, state,
			       ICMP_EP_RX_MAY_STEAL);
}

static const struct nf_hook_ops icmp_ep_nf_hook_ops[ICMP_EP_NR_AF] = {
	[ICMP_EP_AF_INET] = {
		.hook = icmp_ep_v4_nf_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = ICMP_EP_NF_PRIORITY,
	},
	[ICMP_EP_AF_INET6] = {
		.hook = icmp_ep_v6_nf_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = ICMP_EP_NF_PRIORITY,
	},
};

/*
 * The receive hook is registered in a namespace only while it holds a
 * socket of the family, so that ICMP elsewhere pays nothing for the module;
 * it lingers after the last one, so that ping run in a loop does not add
 * and remove it (a hook blob copied, an RCU callback) for every run.
 */
static unsigned int hook_linger_ms = 1000;
module_param(hook_linger_ms, uint, 0644);
MODULE_PARM_DESC(hook_linger_ms,
		 "How long the receive hook stays registered in a network namespace after its last socket of the family is gone, in ms (default 1000; doubled, up to a minute, each time it is wanted back within a minute of going)");

/*
 * A registration is no packet's business, but the first LOCAL_IN hook of
 * a host flips the global nf_hooks_needed static key (text patching, an
 * IPI to every CPU), and any user can open and close ping sockets at will.
 * So a hook that is wanted back within a minute of going lingers twice as
 * long the next time, up to a minute: a loop of short-lived sockets, at
 * any pace, registers it about log2(60 s / hook_linger_ms) + 1 times, and
 * after that once a minute at most.
 */
#define ICMP_EP_LINGER_MAX		(60 * HZ)
#define ICMP_EP_LINGER_SHIFT_MAX	16

/*
 * Register the receive hook before the first socket enters the table, as a
 * reply may follow the socket's first echo at once.
 */
static int icmp_ep_hook_register(struct icmp_ep_table *t)
{
	unsigned int shift = 0;
	int err;

	lockdep_assert_held(&t->hook_lock);
	if (t->hooked)
		return 0;
	err = nf_register_net_hook(t->net, t->hook);
	if (err)
		return err;
	t->hooked = true;
	/* A linger of 0, the administrator's "at once", keeps no history. */
	if (READ_ONCE(hook_linger_ms) && t->unhooked_at &&
	    time_before(jiffies, t->unhooked_at + ICMP_EP_LINGER_MAX))
		shift = min(t->linger_shift + 1, ICMP_EP_LINGER_SHIFT_MAX);
	/* Read by icmp_ep_hook_idle() under the table lock alone. */
	WRITE_ONCE(t->linger_shift, shift);
	icmp_ep_count(t, ICMP_EP_STAT_HOOK_REGISTERED);
	return 0;
}

static void icmp_ep_hook_unregister(struct icmp_ep_table *t)
{
	lockdep_assert_held(&t->hook_lock);
	if (!t->hooked)
		return;
	/* Packets already in the hook finish there: the table outlives them. */
	nf_unregister_net_hook(t->net, t->hook);
	t->hooked = false;
	t->unhooked_at = jiffies ?: 1;
	icmp_ep_count(t, ICMP_EP_STAT_HOOK_UNREGISTERED);
}

/*
 * A linger after the table emptied: unhook, unless a socket came meanwhile.
 * Hashing holds @hook_lock, so the count cannot rise under us; should it
 * fall to 0 again, that schedules this work anew.
 */
static void icmp_ep_unhook_work(struct work_struct *work)
{
	struct icmp_ep_table *t = container_of(to_delayed_work(work),
					       struct icmp_ep_table, unhook);

	mutex_lock(&t->hook_lock);
	if (!READ_ONCE(t->nr_socks))
		icmp_ep_hook_unregister(t);
	mutex_unlock(&t->hook_lock);
}

/* When a socket left the table, or failed to enter it. */
static void icmp_ep_hook_idle(struct icmp_ep_table *t)
{
	unsigned long linger = msecs_to_jiffies(READ_ONCE(hook_linger_ms));

	lockdep_assert_held(&t->lock);
	if (t->nr_socks)
		return;
	/* Doubled up to a minute; a longer linger set by hand stays. */
	linger = max(linger, min(linger << READ_ONCE(t->linger_shift),
				 (unsigned long)ICMP_EP_LINGER_MAX));
	mod_delayed_work(system_wq, &t->unhook, linger);
}

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * icmp_ep_rx_parse() - classify a packet as the receive hook does
 * @family: AF_INET or AF_INET6
 * @skb: the packet, with its network header set
 * @rx: filled in when the packet is for a ping socket
 *
 * Context: Any context.
 * Return: %ICMP_EP_RX_MATCH for an echo reply, or an ICMP error quoting an
 * echo request, that a ping socket would see; why not, otherwise.
 */
enum icmp_ep_rx_verdict icmp_ep_rx_parse(int family, const struct sk_buff *skb,
					 struct icmp_ep_rx *rx)
{
	const struct icmp_ep_af *af = icmp_ep_af_of(family);
	enum icmp_ep_rx_verdict verdict = af->rx_parse(skb, rx);

	return verdict == ICMP_EP_RX_MATCH ? icmp_ep_rx_peer(af, skb, rx) :
					     verdict;
}
EXPORT_SYMBOL_IF_KUNIT(icmp_ep_rx_parse);

/**
 * icmp_ep_rx_deliver() - run the receive hook on a crafted packet
 * @net: the namespace the packet arrives in
 * @family: AF_INET or AF_INET6
 * @skb: the packet, with its network header set; the caller still owns it,
 *	unless the verdict is NF_STOLEN
 * @may_steal: let the hook queue a reply itself rather than a clone, as
 *	it does under netfilter when no raw socket could see the reply
 *
 * Context: Process context.  Enters an RCU read-side section with bottom
 * halves off, as netfilter would.
 * Return: the hook's verdict: NF_ACCEPT, but for a reply that @may_steal
 * let the socket take (NF_STOLEN).  An IPv6 fragment is accepted as it
 * came: the hook reassembles a clone of it.
 */
unsigned int icmp_ep_rx_deliver(struct net *net, int family,
				struct sk_buff *skb, bool may_steal)
{
	const struct icmp_ep_af *af = icmp_ep_af_of(family);
	struct nf_hook_state state;
	unsigned int verdict;

	nf_hook_state_init(&state, NF_INET_LOCAL_IN,
			   icmp_ep_nf_hook_ops[af->index].pf, skb->dev, NULL,
			   NULL, net, NULL);
	local_bh_disable();
	rcu_read_lock();
	verdict = icmp_ep_nf_hook(af, skb, &state, may_steal ?
				  ICMP_EP_RX_MAY_STEAL : ICMP_EP_RX_CLONE);
	rcu_read_unlock();
	local_bh_enable();
	return verdict;
}
EXPORT_SYMBOL_IF_KUNIT(icmp_ep_rx_deliver);
#endif

/*
 * ====================================================================
 * /proc: /proc/net/icmp_ep, /proc/net/icmp_ep6, /proc/net/stat/icmp_ep
 * ====================================================================
 */

struct icmp_ep_iter {
	struct seq_net_private p;	/* must be first */
	struct rhashtable_iter hti;
	int slot;
};

static const struct icmp_ep_af *icmp_ep_seq_af(struct seq_file *seq)
{
	return pde_data(file_inode(seq->file));
}

static void *icmp_ep_seq_next_sock(struct seq_file *seq)
{
	struct icmp_ep_iter *it = seq->private;
	struct icmp_ep_node *node;

	do {
		node = rhashtable_walk_next(&it->hti);
	} while (PTR_ERR(node) == -EAGAIN);
	if (IS_ERR(node))
		return NULL;
	it->slot++;
	return node;
}

static void *icmp_ep_seq_start(struct seq_file *seq, loff_t *pos)
	__acquires(RCU)
{
	struct icmp_ep_table *t = icmp_ep_table(seq_file_net(seq),
						icmp_ep_seq_af(seq)->index);
	struct icmp_ep_iter *it = seq->private;
	void *v = SEQ_START_TOKEN;
	loff_t n;

	rhltable_walk_enter(&t->socks, &it->hti);
	rhashtable_walk_start(&it->hti);
	it->slot = -1;
	for (n = *pos; n && v; n--)
		v = icmp_ep_seq_next_sock(seq);
	return v;
}

static void *icmp_ep_seq_next(struct seq_file *seq, void *v, loff_t *pos)
{
	++*pos;
	return icmp_ep_seq_next_sock(seq);
}

static void icmp_ep_seq_stop(struct seq_file *seq, void *v)
	__releases(RCU)
{
	struct icmp_ep_iter *it = seq->private;

	rhashtable_walk_stop(&it->hti);
	rhashtable_walk_exit(&it->hti);
}

/* The columns of /proc/net/icmp and /proc/net/icmp6. */
static int icmp_ep_seq_show(struct seq_file *seq, void *v)
{
	const struct icmp_ep_af *af = icmp_ep_seq_af(seq);
	struct icmp_ep_iter *it = seq->private;
	struct icmp_ep_node *node = v;
	struct sock *sk;

	if (v == SEQ_START_TOKEN) {
		af->seq_header(seq);
		return 0;
	}

	/* A socket closed since the walk found it is left out. */
	sk = node->sk;
	if (!refcount_inc_not_zero(&sk->sk_refcnt))
		return 0;
	if (rcu_access_pointer(icmp_ep_sk(sk)->node) == node) {
		af->seq_addrs(seq, sk, it->slot);
		/* The reference count shown leaves out our own. */
		seq_printf(seq, " %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu %d %pK %u",
			   sk->sk_state, sk_wmem_alloc_get(sk),
			   sk_rmem_alloc_get(sk), 0, 0L, 0,
			   from_kuid_munged(seq_user_ns(seq), sock_i_uid(sk)),
			   0, sock_i_ino(sk),
			   refcount_read(&sk->sk_refcnt) - 1, sk,
			   atomic_read(&sk->sk_drops));
		seq_pad(seq, '\n');
	}
	sock_put(sk);
	return 0;
}

static const struct seq_operations icmp_ep_seq_ops = {
	.start = icmp_ep_seq_start,
	.next = icmp_ep_seq_next,
	.stop = icmp_ep_seq_stop,
	.show = icmp_ep_seq_show,
};

static const char * const icmp_ep_stat_names[ICMP_EP_NR_STATS] = {
	[ICMP_EP_STAT_ECHO_SENT] = "echo_sent",
	[ICMP_EP_STAT_REPLIES_DELIVERED] = "replies_delivered",
	[ICMP_EP_STAT_ERRORS_DELIVERED] = "errors_delivered",
	[ICMP_EP_STAT_DROP_NO_SOCKET] = "drop_no_socket",
	[ICMP_EP_STAT_DROP_BAD_CHECKSUM] = "drop_bad_checksum",
	[ICMP_EP_STAT_DROP_QUEUE_FULL] = "drop_queue_full",
	[ICMP_EP_STAT_DROP_SOCKET_FILTER] = "drop_socket_filter",
	[ICMP_EP_STAT_DROP_MALFORMED] = "drop_malformed",
	[ICMP_EP_STAT_DROP_FILTERED] = "drop_filtered",
	[ICMP_EP_STAT_DROP_NOT_PEER] = "drop_not_peer",
	[ICMP_EP_STAT_DROP_POLICY] = "drop_policy",
	[ICMP_EP_STAT_DROP_REASSEMBLY] = "drop_reassembly",
	[ICMP_EP_STAT_DROP_NO_REASSEMBLY] = "drop_no_reassembly",
	[ICMP_EP_STAT_REPLIES_STOLEN] = "replies_stolen",
	[ICMP_EP_STAT_HOOK_REGISTERED] = "hook_registered",
	[ICMP_EP_STAT_HOOK_UNREGISTERED] = "hook_unregistered",
};

static int icmp_ep_stat_show(struct seq_file *seq, void *v)
{
	static const char * const prefix[ICMP_EP_NR_AF] = { "ipv4", "ipv6" };
	struct net *net = seq_file_single_net(seq);
	int i, stat, cpu;

	for (i = 0; i < ICMP_EP_NR_AF; i++) {
		struct icmp_ep_table *t = icmp_ep_table(net, i);

		for (stat = 0; stat < ICMP_EP_NR_STATS; stat++) {
			unsigned long sum = 0;

			for_each_possible_cpu(cpu)
				sum += per_cpu_ptr(t->stats, cpu)->count[stat];
			seq_printf(seq, "%s_%s %lu\n", prefix[i],
				   icmp_ep_stat_names[stat], sum);
		}
	}
	return 0;
}

/*
 * ====================================================================
 * Init and exit: protocols, per-netns state, module
 * ====================================================================
 */

static struct proto icmp_ep_v4_proto = {
	.name = "ICMP_EP",
	.owner = THIS_MODULE,
	.init = icmp_ep_init_sock,
	.close = icmp_ep_close,
	.pre_connect = icmp_ep_v4_pre_connect,
	.connect = icmp_ep_connect,
	.disconnect = icmp_ep_disconnect,
	.ioctl = proto_ioctl_compat(icmp_ep_ioctl),
	.setsockopt = ip_setsockopt,
	.getsockopt = ip_getsockopt,
	.sendmsg = icmp_ep_sendmsg,
	.recvmsg = icmp_ep_recvmsg,
	.bind = icmp_ep_bind,
	.release_cb = ip4_datagram_release_cb,
	.unhash = icmp_ep_unhash,
	.get_port = icmp_ep_get_port,
	.put_port = icmp_ep_unhash,
	/* icmp_ep_send_autobind() does it, seeing the echo request. */
	.no_autobind = true,
	.obj_size = sizeof(struct icmp_ep_sock),
	.slab_flags = SLAB_TYPESAFE_BY_RCU,
};

static struct proto icmp_ep_v6_proto = {
	.name = "ICMP_EPv6",
	.owner = THIS_MODULE,
	.init = icmp_ep_init_sock,
	.close = icmp_ep_close,
	.pre_connect = icmp_ep_v6_pre_connect,
	.connect = icmp_ep_connect,
	.disconnect = icmp_ep_disconnect,
	.ioctl = proto_ioctl_compat(icmp_ep_ioctl),
	.setsockopt = ipv6_setsockopt,
	.getsockopt = ipv6_getsockopt,
	.sendmsg = icmp_ep_sendmsg,
	.recvmsg = icmp_ep_recvmsg,
	.bind = icmp_ep_bind,
	.unhash = icmp_ep_unhash,
	.get_port = icmp_ep_get_port,
	.put_port = icmp_ep_unhash,
	/* icmp_ep_send_autobind() does it, seeing the echo request. */
	.no_autobind = true,
	.obj_size = sizeof(struct icmp_ep_v6_sock),
	.slab_flags = SLAB_TYPESAFE_BY_RCU,
};

/* As inet_sockraw_ops, which is not exported, but with our getname. */
static const struct proto_ops icmp_ep_v4_proto_ops = {
	.family = PF_INET,
	.owner = THIS_MODULE,
	.release = inet_release,
	.bind = inet_bind,
	.connect = inet_dgram_connect,
	.socketpair = sock_no_socketpair,
	.accept = sock_no_accept,
	.getname = icmp_ep_getname,
	.poll = datagram_poll,
	.ioctl = inet_ioctl,
	.gettstamp = sock_gettstamp,
	.listen = sock_no_listen,
	.shutdown = inet_shutdown,
	.setsockopt = sock_common_setsockopt,
	.getsockopt = sock_common_getsockopt,
	.sendmsg = inet_sendmsg,
	.recvmsg = inet_recvmsg,
	.mmap = sock_no_mmap,
};

/* As inet6_sockraw_ops, which is not exported, but with our getname. */
static const struct proto_ops icmp_ep_v6_proto_ops = {
	.family = PF_INET6,
	.owner = THIS_MODULE,
	.release = inet6_release,
	.bind = inet6_bind,
	.connect = inet_dgram_connect,
	.socketpair = sock_no_socketpair,
	.accept = sock_no_accept,
	.getname = icmp_ep_getname,
	.poll = datagram_poll,
	.ioctl = inet6_ioctl,
	.gettstamp = sock_gettstamp,
	.listen = sock_no_listen,
	.shutdown = inet_shutdown,
	.setsockopt = sock_common_setsockopt,
	.getsockopt = sock_common_getsockopt,
	.sendmsg = inet_sendmsg,
	.recvmsg = sock_common_recvmsg,
	.mmap = sock_no_mmap,
#ifdef CONFIG_COMPAT
	.compat_ioctl = inet6_compat_ioctl,
#endif
};

/* No INET_PROTOSW_REUSE: it would set sk_reuse on every socket. */
static struct inet_protosw icmp_ep_v4_protosw = {
	.type = SOCK_DGRAM,
	.protocol = IPPROTO_ICMP,
	.prot = &icmp_ep_v4_proto,
	.ops = &icmp_ep_v4_proto_ops,
};

static struct inet_protosw icmp_ep_v6_protosw = {
	.type = SOCK_DGRAM,
	.protocol = IPPROTO_ICMPV6,
	.prot = &icmp_ep_v6_proto,
	.ops = &icmp_ep_v6_proto_ops,
};

/*
 * net.icmp_ep.keep_echo_id: writing it needs CAP_NET_ADMIN in the user
 * namespace owning the network namespace, as any net.* sysctl.  The file
 * is writable by all, so that the check is made here and a write without
 * the capability fails with EPERM, as a refused write does, rather than
 * open() with EACCES; net_ctl_permissions() would grant the administrator
 * the owner's bits anyway.
 */
static int icmp_ep_sysctl_keep_echo_id(const struct ctl_table *table,
				       int write, void *buffer, size_t *lenp,
				       loff_t *ppos)
{
	struct icmp_ep_net *en = container_of((int *)table->data,
					      struct icmp_ep_net, keep_echo_id);
	struct ctl_table copy = *table;

	if (write && !ns_capable(en->net->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	return proc_dointvec_minmax(&copy, write, buffer, lenp, ppos);
}

DEFINE_PROC_HANDLER_COMPAT(icmp_ep_sysctl_keep_echo_id)

/* Each namespace registers a copy whose .data is its own icmp_ep_net's. */
static const struct ctl_table icmp_ep_sysctl_table[] = {
	{
		.procname = "keep_echo_id",
		.maxlen = sizeof(int),
		.mode = 0666,
		.proc_handler = proc_handler_compat(icmp_ep_sysctl_keep_echo_id),
		.extra1 = SYSCTL_ZERO,
		.extra2 = SYSCTL_ONE,
	},
};

static int icmp_ep_sysctl_register(struct net *net, struct icmp_ep_net *en)
{
	struct ctl_table *table;

	/* A new namespace starts at 0, whatever its parent's value. */
	en->keep_echo_id = 0;
	en->net = net;
	table = icmp_ep_sysctl_dup(icmp_ep_sysctl_table,
				   ARRAY_SIZE(icmp_ep_sysctl_table));
	if (!table)
		return -ENOMEM;
	table[0].data = &en->keep_echo_id;
	en->sysctl = register_net_sysctl_sz(net, "net/icmp_ep", table,
					    ARRAY_SIZE(icmp_ep_sysctl_table));
	if (!en->sysctl) {
		kfree(table);
		return -ENOMEM;
	}
	return 0;
}

static void icmp_ep_sysctl_unregister(struct icmp_ep_net *en)
{
	const struct ctl_table *table = en->sysctl->ctl_table_arg;

	unregister_net_sysctl_table(en->sysctl);
	kfree(table);
}

static void icmp_ep_table_free(struct icmp_ep_table *t)
{
	mutex_destroy(&t->hook_lock);
	free_percpu(t->stats);
	rhashtable_destroy(&t->uids);
	rhltable_destroy(&t->socks);
	kvfree(t);
}

static struct icmp_ep_table *icmp_ep_table_alloc(struct net *net,
						 enum icmp_ep_af_index index)
{
	struct icmp_ep_table *t;

	t = kvzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return NULL;
	t->net = net;
	t->hook = &icmp_ep_nf_hook_ops[index];
	mutex_init(&t->hook_lock);
	INIT_DELAYED_WORK(&t->unhook, icmp_ep_unhook_work);
	t->stats = alloc_percpu(struct icmp_ep_stats);
	if (!t->stats)
		goto err_table;
	if (rhltable_init(&t->socks, &icmp_ep_rht_params))
		goto err_stats;
	if (rhashtable_init(&t->uids, &icmp_ep_uid_params))
		goto err_socks;
	spin_lock_init(&t->lock);
	icmp_ep_idents_init(&t->idents);
	return t;

err_socks:
	rhltable_destroy(&t->socks);
err_stats:
	free_percpu(t->stats);
err_table:
	kvfree(t);
	return NULL;
}

static int __net_init icmp_ep_net_init(struct net *net)
{
	struct icmp_ep_net *en = net_generic(net, icmp_ep_net_id);
	int i, err = -ENOMEM;

	for (i = 0; i < ICMP_EP_NR_AF; i++) {
		en->tables[i] = icmp_ep_table_alloc(net, i);
		if (!en->tables[i])
			goto err_tables;
	}

	if (!proc_create_net_data("icmp_ep", 0444, net->proc_net,
				  &icmp_ep_seq_ops, sizeof(struct icmp_ep_iter),
				  (void *)&icmp_ep_v4_af))
		goto err_tables;
	if (!proc_create_net_data("icmp_ep6", 0444, net->proc_net,
				  &icmp_ep_seq_ops, sizeof(struct icmp_ep_iter),
				  (void *)&icmp_ep_v6_af))
		goto err_proc;
	if (!proc_create_net_single("icmp_ep", 0444, net->proc_net_stat,
				    icmp_ep_stat_show, NULL))
		goto err_proc6;
	err = icmp_ep_sysctl_register(net, en);
	if (err)
		goto err_stat;
	return 0;

err_stat:
	remove_proc_entry("icmp_ep", net->proc_net_stat);
err_proc6:
	remove_proc_entry("icmp_ep6", net->proc_net);
err_proc:
	remove_proc_entry("icmp_ep", net->proc_net);
err_tables:
	while (i--)
		icmp_ep_table_free(en->tables[i]);
	return err;
}

/*
 * Unhook before the RCU grace period that separates pre_exit from exit, at
 * once: no socket is left to linger for, and the module may be going.
 */
static void __net_exit icmp_ep_net_pre_exit(struct net *net)
{
	struct icmp_ep_net *en = net_generic(net, icmp_ep_net_id);
	int i;

	for (i = 0; i < ICMP_EP_NR_AF; i++) {
		struct icmp_ep_table *t = en->tables[i];

		cancel_delayed_work_sync(&t->unhook);
		mutex_lock(&t->hook_lock);
		icmp_ep_hook_unregister(t);
		mutex_unlock(&t->hook_lock);
	}
}

static void __net_exit icmp_ep_net_exit(struct net *net)
{
	struct icmp_ep_net *en = net_generic(net, icmp_ep_net_id);
	int i;

	icmp_ep_sysctl_unregister(en);
	remove_proc_entry("icmp_ep", net->proc_net_stat);
	remove_proc_entry("icmp_ep6", net->proc_net);
	remove_proc_entry("icmp_ep", net->proc_net);
	/* Every socket holds its netns, so none can be left. */
	for (i = 0; i < ICMP_EP_NR_AF; i++) {
		WARN_ON_ONCE(en->tables[i]->idents.nr_used != 1 ||
			     en->tables[i]->nr_socks);
		icmp_ep_table_free(en->tables[i]);
	}
}

static struct pernet_operations icmp_ep_pernet_ops = {
	.init = icmp_ep_net_init,
	.pre_exit = icmp_ep_net_pre_exit,
	.exit = icmp_ep_net_exit,
	.id = &icmp_ep_net_id,
	.size = sizeof(struct icmp_ep_net),
};

static int __init icmp_ep_init(void)
{
	int err;

	proto_set_ipv6_pinfo_offset(&icmp_ep_v6_proto, struct icmp_ep_v6_sock, inet6);
	err = proto_register(&icmp_ep_v4_proto, 1);
	if (err)
		return err;
	err = proto_register(&icmp_ep_v6_proto, 1);
	if (err)
		goto err_prot;
	err = register_pernet_subsys(&icmp_ep_pernet_ops);
	if (err)
		goto err_prot6;

	/* From here on, new ping sockets are ours. */
	inet_register_protosw(&icmp_ep_v4_protosw);
	err = inet6_register_protosw(&icmp_ep_v6_protosw);
	if (err)
		goto err_protosw;
	return 0;

err_protosw:
	inet_unregister_protosw(&icmp_ep_v4_protosw);
	unregister_pernet_subsys(&icmp_ep_pernet_ops);
err_prot6:
	proto_unregister(&icmp_ep_v6_proto);
err_prot:
	proto_unregister(&icmp_ep_v4_proto);
	return err;
}

static void __exit icmp_ep_exit(void)
{
	/* Both wait for an RCU grace period: no socket can be created after. */
	inet6_unregister_protosw(&icmp_ep_v6_protosw);
	inet_unregister_protosw(&icmp_ep_v4_protosw);
	unregister_pernet_subsys(&icmp_ep_pernet_ops);
	icmp_ep_v6_defrag_put();
	synchronize_net();
	proto_unregister(&icmp_ep_v6_proto);
	proto_unregister(&icmp_ep_v4_proto);
}

module_init(icmp_ep_init);
module_exit(icmp_ep_exit);

MODULE_LICENSE("GPL");
/* For the receive hook's reassembly; see icmp_ep_v6_defrag_gather. */
MODULE_SOFTDEP("pre: nf_defrag_ipv6");
MODULE_DESCRIPTION("Alternate endpoint for unprivileged ICMP echo sockets");
MODULE_AUTHOR("The icmp_ep authors");
MODULE_VERSION(ICMP_EP_VERSION);
