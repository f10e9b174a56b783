/* SPDX-License-Identifier: GPL-2.0 */
/*
 * icmp_ep: what differs between the kernels the module builds against.
 *
 * Kbuild includes this before anything else in every file, so that the
 * module is written once, against the newest kernel's API (6.12), and this
 * header supplies that API on older kernels (6.1).  Nothing outside it tests
 * the kernel version.  Each block goes when its last kernel is no longer
 * supported.
 *
 * Only 6.1 and 6.12 are built; the kernels in between took each change at
 * a different release and are refused rather than half supported.
 */

#ifndef _ICMP_EP_COMPAT_H
#define _ICMP_EP_COMPAT_H

#include <linux/version.h>

/*
 * The release's own numbers rather than LINUX_VERSION_CODE, which checkpatch
 * steers code away from: outside this header, no code tests the version.
 */
#if LINUX_VERSION_MAJOR != 6 || (LINUX_VERSION_PATCHLEVEL != 1 && \
				 LINUX_VERSION_PATCHLEVEL != 12)
#error "icmp_ep supports 6.1 and 6.12 only: add what changed since here first"
#endif

#if LINUX_VERSION_PATCHLEVEL == 1

#include <linux/bpf-cgroup.h>
#include <linux/ipv6.h>
#include <linux/slab.h>
#include <linux/sysctl.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/sock.h>

/*
 * 6.1 keeps these socket options in bitfields of inet_sock and ipv6_pinfo;
 * 6.12 keeps them in atomic bits of inet_sk()->inet_flags, with
 * inet_test_bit() and friends.  Map the bit names onto 6.1's fields.
 */
#define ICMP_EP_COMPAT_INET_RECVERR(sk)	(inet_sk(sk)->recverr)
#define ICMP_EP_COMPAT_INET_RECVERR_RFC4884(sk) (inet_sk(sk)->recverr_rfc4884)
#define ICMP_EP_COMPAT_INET6_RECVERR6(sk)	(inet6_sk(sk)->recverr)
#define ICMP_EP_COMPAT_INET6_RECVERR6_RFC4884(sk) \
	(inet6_sk(sk)->recverr_rfc4884)
#define ICMP_EP_COMPAT_INET6_SNDFLOW(sk)	(inet6_sk(sk)->sndflow)

#define inet_test_bit(nr, sk)	(!!ICMP_EP_COMPAT_INET_##nr(sk))
#define inet_assign_bit(nr, sk, val) \
	(ICMP_EP_COMPAT_INET_##nr(sk) = !!(val))
#define inet6_test_bit(nr, sk)	(!!ICMP_EP_COMPAT_INET6_##nr(sk))
#define inet6_assign_bit(nr, sk, val) \
	(ICMP_EP_COMPAT_INET6_##nr(sk) = !!(val))

/* 6.12 reads the IP_CMSG_* flags out of inet_flags with this. */
static inline unsigned long inet_cmsg_flags(const struct inet_sock *inet)
{
	return inet->cmsg_flags;
}

/*
 * 6.1 asks for a link-scope route with RTO_ONLINK in the flow's TOS, which
 * ip_rt_fix_tos() turns into RT_SCOPE_LINK; 6.12 has no
 * RTO_ONLINK, and its ping, raw and UDP sockets take the scope from
 * ip_sendmsg_scope().  6.1 routes by a flow's scope as well, so the 6.12
 * way serves both.
 */
static inline u8 ip_sendmsg_scope(const struct inet_sock *inet,
				  const struct ipcm_cookie *ipc,
				  const struct msghdr *msg)
{
	if (sock_flag(&inet->sk, SOCK_LOCALROUTE) ||
	    msg->msg_flags & MSG_DONTROUTE ||
	    (ipc->opt && ipc->opt->opt.is_strictroute))
		return RT_SCOPE_LINK;

	return RT_SCOPE_UNIVERSE;
}

/* 6.12 passes the socket, whose inet_flags hold DONTFRAG; 6.1 the pinfo. */
#define ipcm6_init_sk(ipc6, sk)	ipcm6_init_sk(ipc6, inet6_sk(sk))

/* 6.12 dropped the msghdr argument, which 6.1 does not use either. */
#define __sock_cmsg_send(sk, cmsg, sockc)				\
	__sock_cmsg_send(sk, NULL, cmsg, sockc)

/* 6.12's kfree_skb tracepoint also names the socket that dropped the skb. */
static inline void sk_skb_reason_drop(struct sock *sk, struct sk_buff *skb,
				      enum skb_drop_reason reason)
{
	kfree_skb_reason(skb, reason);
}

/*
 * 6.12 shows cgroup sock_addr programs the address length (which only
 * AF_UNIX programs may change); 6.1's see a sockaddr of the family's size.
 */
#undef BPF_CGROUP_RUN_PROG_INET4_CONNECT_LOCK
#define BPF_CGROUP_RUN_PROG_INET4_CONNECT_LOCK(sk, uaddr, uaddrlen)	\
	BPF_CGROUP_RUN_SA_PROG_LOCK(sk, uaddr, CGROUP_INET4_CONNECT, NULL)
#undef BPF_CGROUP_RUN_PROG_INET6_CONNECT_LOCK
#define BPF_CGROUP_RUN_PROG_INET6_CONNECT_LOCK(sk, uaddr, uaddrlen)	\
	BPF_CGROUP_RUN_SA_PROG_LOCK(sk, uaddr, CGROUP_INET6_CONNECT, NULL)

/*
 * 6.12 hands struct proto's ioctl a kernel int, which sk_ioctl() copies out
 * to the user's pointer after a successful call; 6.1 hands it the user's
 * pointer.  Write the handler the 6.12 way, follow it with
 * DEFINE_PROTO_IOCTL_COMPAT(handler) and point .ioctl at
 * proto_ioctl_compat(handler): on 6.1, a wrapper that does the copy.
 */
#define DEFINE_PROTO_IOCTL_COMPAT(fn)					\
static int fn##_compat(struct sock *sk, int cmd, unsigned long arg)	\
{									\
	int karg = 0;							\
	int ret = fn(sk, cmd, &karg);					\
									\
	return ret ?: put_user(karg, (int __user *)arg);		\
}

#define proto_ioctl_compat(fn)	fn##_compat

/*
 * 6.12's inet6_create() finds a socket's ipv6_pinfo at struct proto's
 * ipv6_pinfo_offset.  6.1 has no such field: its inet6_sk_generic() takes
 * the pinfo to end the object, so check at build time that it does.
 */
#define proto_set_ipv6_pinfo_offset(prot, type, member)			\
	BUILD_BUG_ON(offsetofend(type, member) != sizeof(type))

/* 6.12 routes by an explicit scope; 6.1's flow has RT_SCOPE_UNIVERSE. */
#define ip_route_output(net, daddr, saddr, tos, oif, scope)		\
	ip_route_output(net, daddr, saddr, tos, oif)

/*
 * 6.12 says which clock skb->tstamp is on in skb->tstamp_type; 6.1 has
 * only mono_delivery_time, and takes a bool where 6.12 takes the type.
 */
#define SKB_CLOCK_MONOTONIC	true
static inline bool icmp_ep_skb_tstamp_mono(const struct sk_buff *skb)
{
	return skb->mono_delivery_time;
}

/*
 * 6.12 hands a proc handler a const table.  Write the handler the 6.12
 * way, follow it with DEFINE_PROC_HANDLER_COMPAT(handler) and point
 * .proc_handler at proc_handler_compat(handler): on 6.1, a wrapper that
 * takes the table 6.1 passes.
 */
#define DEFINE_PROC_HANDLER_COMPAT(fn)					\
static int fn##_compat(struct ctl_table *table, int write, void *buffer,\
		       size_t *lenp, loff_t *ppos)			\
{									\
	return fn(table, write, buffer, lenp, ppos);			\
}

#define proc_handler_compat(fn)	fn##_compat

/*
 * 6.12 is told how many entries a sysctl table has; 6.1 reads up to an
 * empty one, which 6.12 would refuse.  Copy a table for registering with
 * icmp_ep_sysctl_dup(), which adds that entry on 6.1, and register it with
 * register_net_sysctl_sz().
 */
static inline struct ctl_table *icmp_ep_sysctl_dup(const struct ctl_table *table,
						   size_t n)
{
	struct ctl_table *copy = kcalloc(n + 1, sizeof(*copy), GFP_KERNEL);

	if (copy)
		memcpy(copy, table, n * sizeof(*copy));
	return copy;
}

#define register_net_sysctl_sz(net, path, table, size)			\
	register_net_sysctl(net, path, table)

#else /* 6.12 */

#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/sysctl.h>

static inline struct ctl_table *icmp_ep_sysctl_dup(const struct ctl_table *table,
						   size_t n)
{
	return kmemdup(table, n * sizeof(*table), GFP_KERNEL);
}

static inline bool icmp_ep_skb_tstamp_mono(const struct sk_buff *skb)
{
	return skb->tstamp_type == SKB_CLOCK_MONOTONIC;
}

/*
 * No 6.12 spelling of these two compiles on 6.1, hence helpers of our own.
 * Once 6.1 goes, write .ioctl = handler and .ipv6_pinfo_offset in the
 * struct proto itself and drop them.
 */
#define DEFINE_PROTO_IOCTL_COMPAT(fn)
#define proto_ioctl_compat(fn)	(fn)

#define proto_set_ipv6_pinfo_offset(prot, type, member)			\
	((prot)->ipv6_pinfo_offset = offsetof(type, member))

#define DEFINE_PROC_HANDLER_COMPAT(fn)
#define proc_handler_compat(fn)	(fn)

#endif

#endif /* _ICMP_EP_COMPAT_H */
