// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for icmp_ep: the echo header check, the ident allocator, the
 * state machine, and real in-kernel sockets over loopback in both families.
 *
 * The socket cases need the init netns's ping_group_range to admit gid 0,
 * as KUnit runs them from a kthread; the test VM opens it before insmod.
 */

#include <kunit/test.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <linux/delay.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "icmp_ep.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* Echo header validation */

static void echo_check_expect(struct kunit *test, int family, u8 type,
			      u8 code, int expected)
{
	struct icmphdr h = { .type = type, .code = code };

	KUNIT_EXPECT_EQ(test, icmp_ep_echo_check(family, &h), expected);
}

static void echo_v4_request_accepted(struct kunit *test)
{
	echo_check_expect(test, AF_INET, ICMP_ECHO, 0, 0);
}

static void echo_v4_extended_accepted(struct kunit *test)
{
	echo_check_expect(test, AF_INET, ICMP_EXT_ECHO, 0, 0);
}

static void echo_v4_reply_rejected(struct kunit *test)
{
	echo_check_expect(test, AF_INET, ICMP_ECHOREPLY, 0, -EINVAL);
}

static void echo_v4_code_rejected(struct kunit *test)
{
	echo_check_expect(test, AF_INET, ICMP_ECHO, 1, -EINVAL);
}

static void echo_v4_rejects_v6_type(struct kunit *test)
{
	echo_check_expect(test, AF_INET, ICMPV6_ECHO_REQUEST, 0, -EINVAL);
}

static void echo_v6_request_accepted(struct kunit *test)
{
	echo_check_expect(test, AF_INET6, ICMPV6_ECHO_REQUEST, 0, 0);
}

static void echo_v6_extended_accepted(struct kunit *test)
{
	echo_check_expect(test, AF_INET6, ICMPV6_EXT_ECHO_REQUEST, 0, 0);
}

static void echo_v6_rejects_v4_type(struct kunit *test)
{
	echo_check_expect(test, AF_INET6, ICMP_ECHO, 0, -EINVAL);
}

static void echo_v6_code_rejected(struct kunit *test)
{
	echo_check_expect(test, AF_INET6, ICMPV6_ECHO_REQUEST, 255, -EINVAL);
}

static struct kunit_case icmp_ep_echo_cases[] = {
	KUNIT_CASE(echo_v4_request_accepted),
	KUNIT_CASE(echo_v4_extended_accepted),
	KUNIT_CASE(echo_v4_reply_rejected),
	KUNIT_CASE(echo_v4_code_rejected),
	KUNIT_CASE(echo_v4_rejects_v6_type),
	KUNIT_CASE(echo_v6_request_accepted),
	KUNIT_CASE(echo_v6_extended_accepted),
	KUNIT_CASE(echo_v6_rejects_v4_type),
	KUNIT_CASE(echo_v6_code_rejected),
	{}
};

static struct kunit_suite icmp_ep_echo_suite = {
	.name = "icmp_ep_echo",
	.test_cases = icmp_ep_echo_cases,
};

/* Ident allocation */

static int idents_init(struct kunit *test)
{
	struct icmp_ep_idents *ids;

	ids = kunit_kzalloc(test, sizeof(*ids), GFP_KERNEL);
	if (!ids)
		return -ENOMEM;
	icmp_ep_idents_init(ids);
	test->priv = ids;
	return 0;
}

static void idents_zero_is_reserved(struct kunit *test)
{
	struct icmp_ep_idents *ids = test->priv;

	KUNIT_EXPECT_TRUE(test, icmp_ep_ident_in_use(ids, 0));
	KUNIT_EXPECT_EQ(test, ids->nr_used, 1U);
	KUNIT_EXPECT_EQ(test, icmp_ep_ident_pick(ids, 0), 1);
}

static void idents_pick_returns_free_hint(struct kunit *test)
{
	struct icmp_ep_idents *ids = test->priv;

	KUNIT_EXPECT_EQ(test, icmp_ep_ident_pick(ids, 4242), 4242);
}

static void idents_pick_skips_taken(struct kunit *test)
{
	struct icmp_ep_idents *ids = test->priv;

	icmp_ep_ident_take(ids, 100);
	icmp_ep_ident_take(ids, 101);
	KUNIT_EXPECT_EQ(test, icmp_ep_ident_pick(ids, 100), 102);
}

static void idents_pick_wraps_around(struct kunit *test)
{
	struct icmp_ep_idents *ids = test->priv;

	icmp_ep_ident_take(ids, 65535);
	KUNIT_EXPECT_EQ(test, icmp_ep_ident_pick(ids, 65535), 1);
}

static void idents_take_release_counts(struct kunit *test)
{
	struct icmp_ep_idents *ids = test->priv;

	icmp_ep_ident_take(ids, 7);
	KUNIT_EXPECT_TRUE(test, icmp_ep_ident_in_use(ids, 7));
	KUNIT_EXPECT_EQ(test, ids->nr_used, 2U);
	icmp_ep_ident_release(ids, 7);
	KUNIT_EXPECT_FALSE(test, icmp_ep_ident_in_use(ids, 7));
	KUNIT_EXPECT_EQ(test, ids->nr_used, 1U);
}

static void idents_full_word_is_summarised(struct kunit *test)
{
	struct icmp_ep_idents *ids = test->priv;
	unsigned int i;

	for (i = BITS_PER_LONG; i < 2 * BITS_PER_LONG; i++)
		icmp_ep_ident_take(ids, i);
	KUNIT_EXPECT_TRUE(test, test_bit(1, ids->full));
	KUNIT_EXPECT_EQ(test, icmp_ep_ident_pick(ids, BITS_PER_LONG),
			2 * BITS_PER_LONG);

	icmp_ep_ident_release(ids, BITS_PER_LONG + 3);
	KUNIT_EXPECT_FALSE(test, test_bit(1, ids->full));
	KUNIT_EXPECT_EQ(test, icmp_ep_ident_pick(ids, BITS_PER_LONG),
			BITS_PER_LONG + 3);
}

static void idents_exhaustion_gives_eagain(struct kunit *test)
{
	struct icmp_ep_idents *ids = test->priv;
	unsigned int i;

	for (i = 1; i < ICMP_EP_NR_IDENTS; i++)
		icmp_ep_ident_take(ids, i);
	KUNIT_EXPECT_EQ(test, ids->nr_used, (unsigned int)ICMP_EP_NR_IDENTS);
	KUNIT_EXPECT_EQ(test, icmp_ep_ident_pick(ids, 1), -EAGAIN);
	KUNIT_EXPECT_EQ(test, icmp_ep_ident_pick(ids, 40000), -EAGAIN);
}

static void idents_release_after_exhaustion(struct kunit *test)
{
	struct icmp_ep_idents *ids = test->priv;
	unsigned int i;

	for (i = 1; i < ICMP_EP_NR_IDENTS; i++)
		icmp_ep_ident_take(ids, i);
	icmp_ep_ident_release(ids, 31337);
	KUNIT_EXPECT_EQ(test, icmp_ep_ident_pick(ids, 2), 31337);
	KUNIT_EXPECT_EQ(test, icmp_ep_ident_pick(ids, 50000), 31337);
}

static struct kunit_case icmp_ep_idents_cases[] = {
	KUNIT_CASE(idents_zero_is_reserved),
	KUNIT_CASE(idents_pick_returns_free_hint),
	KUNIT_CASE(idents_pick_skips_taken),
	KUNIT_CASE(idents_pick_wraps_around),
	KUNIT_CASE(idents_take_release_counts),
	KUNIT_CASE(idents_full_word_is_summarised),
	KUNIT_CASE(idents_exhaustion_gives_eagain),
	KUNIT_CASE(idents_release_after_exhaustion),
	{}
};

static struct kunit_suite icmp_ep_idents_suite = {
	.name = "icmp_ep_idents",
	.init = idents_init,
	.test_cases = icmp_ep_idents_cases,
};

/* State machine */

static void state_initial_to_bound(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, icmp_ep_state_change_valid(ICMP_EP_INITIAL,
							   ICMP_EP_BOUND));
}

static void state_initial_cannot_connect(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, icmp_ep_state_change_valid(ICMP_EP_INITIAL,
							    ICMP_EP_CONNECTED));
}

static void state_bound_to_connected(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, icmp_ep_state_change_valid(ICMP_EP_BOUND,
							   ICMP_EP_CONNECTED));
}

static void state_disconnect_moves_back(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, icmp_ep_state_change_valid(ICMP_EP_CONNECTED,
							   ICMP_EP_BOUND));
	KUNIT_EXPECT_TRUE(test, icmp_ep_state_change_valid(ICMP_EP_CONNECTED,
							   ICMP_EP_INITIAL));
}

static void state_any_can_close(struct kunit *test)
{
	enum icmp_ep_state s;

	for (s = ICMP_EP_INITIAL; s < ICMP_EP_CLOSED; s++) {
		bool valid = icmp_ep_state_change_valid(s, ICMP_EP_CLOSED);

		KUNIT_EXPECT_TRUE(test, valid);
	}
}

static void state_closed_is_terminal(struct kunit *test)
{
	enum icmp_ep_state s;

	for (s = ICMP_EP_INITIAL; s <= ICMP_EP_CLOSED; s++) {
		bool valid = icmp_ep_state_change_valid(ICMP_EP_CLOSED, s);

		KUNIT_EXPECT_FALSE(test, valid);
	}
}

static struct kunit_case icmp_ep_state_cases[] = {
	KUNIT_CASE(state_initial_to_bound),
	KUNIT_CASE(state_initial_cannot_connect),
	KUNIT_CASE(state_bound_to_connected),
	KUNIT_CASE(state_disconnect_moves_back),
	KUNIT_CASE(state_any_can_close),
	KUNIT_CASE(state_closed_is_terminal),
	{}
};

static struct kunit_suite icmp_ep_state_suite = {
	.name = "icmp_ep_state",
	.test_cases = icmp_ep_state_cases,
};

/* Real sockets over loopback */

#define TEST_PAYLOAD_LEN	56

union test_addr {
	struct sockaddr sa;
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
};

static struct socket *test_socket(struct kunit *test, int family)
{
	int protocol = family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	struct socket *sock;
	int err;

	err = sock_create_kern(&init_net, family, SOCK_DGRAM, protocol, &sock);
	KUNIT_ASSERT_EQ_MSG(test, err, 0,
			    "socket: is gid 0 inside ping_group_range?");
	sock->sk->sk_rcvtimeo = 2 * HZ;
	return sock;
}

static int test_addr_loopback(int family, union test_addr *a, u16 ident)
{
	memset(a, 0, sizeof(*a));
	if (family == AF_INET) {
		a->v4.sin_family = AF_INET;
		a->v4.sin_port = htons(ident);
		a->v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return sizeof(a->v4);
	}
	a->v6.sin6_family = AF_INET6;
	a->v6.sin6_port = htons(ident);
	a->v6.sin6_addr = in6addr_loopback;
	return sizeof(a->v6);
}

static u16 test_ident(struct socket *sock)
{
	return inet_sk(sock->sk)->inet_num;
}

static int test_send(struct socket *sock, u8 type, u16 seq, size_t len)
{
	int family = sock->sk->sk_family;
	struct msghdr msg = {};
	union test_addr to;
	struct icmphdr *h;
	struct kvec iov;
	u8 *buf;
	int ret;

	buf = kzalloc(len < sizeof(*h) ? sizeof(*h) : len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	h = (struct icmphdr *)buf;
	h->type = type;
	h->un.echo.sequence = htons(seq);
	if (len > sizeof(*h))
		memset(buf + sizeof(*h), 0xa5, len - sizeof(*h));

	msg.msg_name = &to;
	msg.msg_namelen = test_addr_loopback(family, &to, 0);
	iov.iov_base = buf;
	iov.iov_len = len;
	ret = kernel_sendmsg(sock, &msg, &iov, 1, len);
	kfree(buf);
	return ret;
}

static u8 test_echo_type(int family)
{
	return family == AF_INET ? ICMP_ECHO : ICMPV6_ECHO_REQUEST;
}

static u8 test_reply_type(int family)
{
	return family == AF_INET ? ICMP_ECHOREPLY : ICMPV6_ECHO_REPLY;
}

static void socket_is_ours(struct kunit *test, int family)
{
	struct socket *sock = test_socket(test, family);

	KUNIT_EXPECT_STREQ(test, sock->sk->sk_prot->name,
			   family == AF_INET ? "ICMP_EP" : "ICMP_EPv6");
	KUNIT_EXPECT_EQ(test, icmp_ep_sk(sock->sk)->state, ICMP_EP_INITIAL);
	KUNIT_EXPECT_FALSE(test, sock->sk->sk_reuse);
	sock_release(sock);
}

static void socket_v4_is_ours(struct kunit *test)
{
	socket_is_ours(test, AF_INET);
}

static void socket_v6_is_ours(struct kunit *test)
{
	socket_is_ours(test, AF_INET6);
}

static void socket_bind_ident(struct kunit *test)
{
	struct socket *sock = test_socket(test, AF_INET);
	union test_addr a;
	int len = test_addr_loopback(AF_INET, &a, 5000);

	KUNIT_EXPECT_EQ(test, kernel_bind(sock, &a.sa, len), 0);
	KUNIT_EXPECT_EQ(test, test_ident(sock), 5000);
	KUNIT_EXPECT_EQ(test, icmp_ep_sk(sock->sk)->state, ICMP_EP_BOUND);
	KUNIT_EXPECT_EQ(test, kernel_bind(sock, &a.sa, len), -EINVAL);
	sock_release(sock);
}

static void socket_ident_is_exclusive(struct kunit *test)
{
	struct socket *a = test_socket(test, AF_INET);
	struct socket *b = test_socket(test, AF_INET);
	union test_addr addr;
	int len = test_addr_loopback(AF_INET, &addr, 5001);

	KUNIT_EXPECT_EQ(test, kernel_bind(a, &addr.sa, len), 0);
	KUNIT_EXPECT_EQ(test, kernel_bind(b, &addr.sa, len), -EADDRINUSE);
	KUNIT_EXPECT_EQ(test, icmp_ep_sk(b->sk)->state, ICMP_EP_INITIAL);
	sock_release(b);
	sock_release(a);
}

static void socket_reuseaddr_shares_ident(struct kunit *test)
{
	struct socket *a = test_socket(test, AF_INET6);
	struct socket *b = test_socket(test, AF_INET6);
	union test_addr addr;
	int len = test_addr_loopback(AF_INET6, &addr, 5002);

	sock_set_reuseaddr(a->sk);
	sock_set_reuseaddr(b->sk);
	KUNIT_EXPECT_EQ(test, kernel_bind(a, &addr.sa, len), 0);
	KUNIT_EXPECT_EQ(test, kernel_bind(b, &addr.sa, len), 0);
	sock_release(b);
	sock_release(a);
}

static void socket_close_frees_ident(struct kunit *test)
{
	struct socket *a = test_socket(test, AF_INET);
	struct socket *b;
	union test_addr addr;
	int len = test_addr_loopback(AF_INET, &addr, 5003);

	KUNIT_ASSERT_EQ(test, kernel_bind(a, &addr.sa, len), 0);
	sock_release(a);
	b = test_socket(test, AF_INET);
	KUNIT_EXPECT_EQ(test, kernel_bind(b, &addr.sa, len), 0);
	sock_release(b);
}

static void socket_families_have_own_idents(struct kunit *test)
{
	struct socket *a = test_socket(test, AF_INET);
	struct socket *b = test_socket(test, AF_INET6);
	union test_addr a4, a6;
	int len4 = test_addr_loopback(AF_INET, &a4, 5004);
	int len6 = test_addr_loopback(AF_INET6, &a6, 5004);

	KUNIT_EXPECT_EQ(test, kernel_bind(a, &a4.sa, len4), 0);
	KUNIT_EXPECT_EQ(test, kernel_bind(b, &a6.sa, len6), 0);
	sock_release(b);
	sock_release(a);
}

static void socket_v6_rejects_mapped_bind(struct kunit *test)
{
	struct socket *sock = test_socket(test, AF_INET6);
	union test_addr a;
	int len = test_addr_loopback(AF_INET6, &a, 0);

	ipv6_addr_set_v4mapped(htonl(INADDR_LOOPBACK), &a.v6.sin6_addr);
	KUNIT_EXPECT_EQ(test, kernel_bind(sock, &a.sa, len), -EINVAL);
	sock_release(sock);
}

static void socket_send_autobinds(struct kunit *test)
{
	struct socket *sock = test_socket(test, AF_INET);

	KUNIT_EXPECT_EQ(test, test_send(sock, ICMP_ECHO, 1, 16), 16);
	KUNIT_EXPECT_NE(test, test_ident(sock), 0);
	KUNIT_EXPECT_EQ(test, icmp_ep_sk(sock->sk)->state, ICMP_EP_BOUND);
	sock_release(sock);
}

static void socket_send_checks_header(struct kunit *test)
{
	struct socket *sock = test_socket(test, AF_INET);

	KUNIT_EXPECT_EQ(test, test_send(sock, ICMP_ECHO, 1, 7), -EINVAL);
	KUNIT_EXPECT_EQ(test, test_send(sock, ICMP_ECHOREPLY, 1, 8), -EINVAL);
	KUNIT_EXPECT_EQ(test, test_send(sock, ICMP_ECHO, 1, 65536), -EMSGSIZE);
	sock_release(sock);
}

static void socket_round_trip(struct kunit *test, int family)
{
	struct socket *sock = test_socket(test, family);
	u8 buf[sizeof(struct icmphdr) + TEST_PAYLOAD_LEN];
	size_t len = sizeof(buf);
	struct icmphdr *h = (struct icmphdr *)buf;
	struct msghdr msg = {};
	union test_addr from;
	struct kvec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	int ret;

	KUNIT_ASSERT_EQ(test, test_send(sock, test_echo_type(family), 7, len),
			(int)len);
	msg.msg_name = &from;
	msg.msg_namelen = sizeof(from);
	ret = kernel_recvmsg(sock, &msg, &iov, 1, sizeof(buf), 0);
	KUNIT_ASSERT_EQ(test, ret, (int)len);
	KUNIT_EXPECT_EQ(test, h->type, test_reply_type(family));
	KUNIT_EXPECT_EQ(test, ntohs(h->un.echo.id), test_ident(sock));
	KUNIT_EXPECT_EQ(test, ntohs(h->un.echo.sequence), 7);
	KUNIT_EXPECT_EQ(test, buf[len - 1], 0xa5);
	KUNIT_EXPECT_EQ(test, from.sa.sa_family, family);
	sock_release(sock);
}

static void socket_v4_round_trip(struct kunit *test)
{
	socket_round_trip(test, AF_INET);
}

static void socket_v6_round_trip(struct kunit *test)
{
	socket_round_trip(test, AF_INET6);
}

/* Wait until @n datagrams have been queued or dropped, or 2 s pass. */
static void wait_for_rx(struct sock *sk, unsigned int n)
{
	unsigned long deadline = jiffies + 2 * HZ;

	while (skb_queue_len(&sk->sk_receive_queue) +
	       atomic_read(&sk->sk_drops) < n &&
	       time_before(jiffies, deadline))
		msleep(20);
}

static void socket_queue_accounting(struct kunit *test)
{
	struct socket *sock = test_socket(test, AF_INET);
	struct sock *sk = sock->sk;
	u8 buf[64];
	struct kvec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr msg = {};
	struct sk_buff *skb;

	KUNIT_ASSERT_EQ(test, test_send(sock, ICMP_ECHO, 1, 40), 40);
	wait_for_rx(sk, 1);
	skb = skb_peek(&sk->sk_receive_queue);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, skb->len, 40U);
	KUNIT_EXPECT_GE(test, sk_rmem_alloc_get(sk), 40);

	KUNIT_EXPECT_EQ(test, kernel_recvmsg(sock, &msg, &iov, 1, sizeof(buf),
					     0), 40);
	KUNIT_EXPECT_EQ(test, sk_rmem_alloc_get(sk), 0);
	KUNIT_EXPECT_TRUE(test, skb_queue_empty(&sk->sk_receive_queue));
	sock_release(sock);
}

static void socket_queue_overflow_drops(struct kunit *test)
{
	struct socket *sock = test_socket(test, AF_INET6);
	struct sock *sk = sock->sk;
	unsigned int queued;
	int i;

	/* Room for about one truesize-charged reply. */
	WRITE_ONCE(sk->sk_rcvbuf, SOCK_MIN_RCVBUF);
	for (i = 0; i < 16; i++)
		KUNIT_ASSERT_EQ(test, test_send(sock, ICMPV6_ECHO_REQUEST, i,
						1000), 1000);
	wait_for_rx(sk, 16);
	queued = skb_queue_len(&sk->sk_receive_queue);
	KUNIT_EXPECT_LT(test, queued, 16U);
	KUNIT_EXPECT_EQ(test, queued + atomic_read(&sk->sk_drops), 16U);
	sock_release(sock);
}

static void socket_connect_and_disconnect(struct kunit *test)
{
	struct socket *sock = test_socket(test, AF_INET);
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	union test_addr a;
	int len = test_addr_loopback(AF_INET, &a, 0);

	KUNIT_ASSERT_EQ(test, kernel_connect(sock, &a.sa, len, 0), 0);
	KUNIT_EXPECT_EQ(test, icmp_ep_sk(sock->sk)->state, ICMP_EP_CONNECTED);
	KUNIT_EXPECT_NE(test, test_ident(sock), 0);

	/* An autobound ident is given back on disconnect, as UDP does. */
	KUNIT_EXPECT_EQ(test, kernel_connect(sock, &unspec, sizeof(unspec), 0),
			0);
	KUNIT_EXPECT_EQ(test, icmp_ep_sk(sock->sk)->state, ICMP_EP_INITIAL);
	KUNIT_EXPECT_EQ(test, test_ident(sock), 0);

	/* CVE-2015-3636: connect again after the unhash. */
	KUNIT_EXPECT_EQ(test, kernel_connect(sock, &a.sa, len, 0), 0);
	KUNIT_EXPECT_EQ(test, kernel_connect(sock, &unspec, sizeof(unspec), 0),
			0);
	sock_release(sock);
}

static void socket_disconnect_keeps_bound_ident(struct kunit *test)
{
	struct socket *sock = test_socket(test, AF_INET6);
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	union test_addr a;
	int len = test_addr_loopback(AF_INET6, &a, 5005);

	KUNIT_ASSERT_EQ(test, kernel_bind(sock, &a.sa, len), 0);
	KUNIT_ASSERT_EQ(test, kernel_connect(sock, &a.sa, len, 0), 0);
	KUNIT_EXPECT_EQ(test, kernel_connect(sock, &unspec, sizeof(unspec), 0),
			0);
	KUNIT_EXPECT_EQ(test, icmp_ep_sk(sock->sk)->state, ICMP_EP_BOUND);
	KUNIT_EXPECT_EQ(test, test_ident(sock), 5005);
	sock_release(sock);
}

static void socket_connected_send_without_address(struct kunit *test)
{
	struct socket *sock = test_socket(test, AF_INET);
	struct icmphdr h = { .type = ICMP_ECHO };
	struct kvec iov = { .iov_base = &h, .iov_len = sizeof(h) };
	struct msghdr msg = {};
	union test_addr a;
	int len = test_addr_loopback(AF_INET, &a, 0);

	KUNIT_EXPECT_EQ(test, kernel_sendmsg(sock, &msg, &iov, 1, sizeof(h)),
			-EDESTADDRREQ);
	KUNIT_ASSERT_EQ(test, kernel_connect(sock, &a.sa, len, 0), 0);
	KUNIT_EXPECT_EQ(test, kernel_sendmsg(sock, &msg, &iov, 1, sizeof(h)),
			(int)sizeof(h));
	sock_release(sock);
}

static void socket_getpeername_when_connected(struct kunit *test)
{
	struct socket *sock = test_socket(test, AF_INET6);
	union test_addr a, peer;
	int len = test_addr_loopback(AF_INET6, &a, 0);

	KUNIT_EXPECT_EQ(test, kernel_getpeername(sock, &peer.sa), -ENOTCONN);
	KUNIT_ASSERT_EQ(test, kernel_connect(sock, &a.sa, len, 0), 0);
	KUNIT_EXPECT_EQ(test, kernel_getpeername(sock, &peer.sa), len);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_loopback(&peer.v6.sin6_addr));
	sock_release(sock);
}

static struct kunit_case icmp_ep_socket_cases[] = {
	KUNIT_CASE(socket_v4_is_ours),
	KUNIT_CASE(socket_v6_is_ours),
	KUNIT_CASE(socket_bind_ident),
	KUNIT_CASE(socket_ident_is_exclusive),
	KUNIT_CASE(socket_reuseaddr_shares_ident),
	KUNIT_CASE(socket_close_frees_ident),
	KUNIT_CASE(socket_families_have_own_idents),
	KUNIT_CASE(socket_v6_rejects_mapped_bind),
	KUNIT_CASE(socket_send_autobinds),
	KUNIT_CASE(socket_send_checks_header),
	KUNIT_CASE(socket_v4_round_trip),
	KUNIT_CASE(socket_v6_round_trip),
	KUNIT_CASE(socket_queue_accounting),
	KUNIT_CASE(socket_queue_overflow_drops),
	KUNIT_CASE(socket_connect_and_disconnect),
	KUNIT_CASE(socket_disconnect_keeps_bound_ident),
	KUNIT_CASE(socket_connected_send_without_address),
	KUNIT_CASE(socket_getpeername_when_connected),
	{}
};

static struct kunit_suite icmp_ep_socket_suite = {
	.name = "icmp_ep_socket",
	.test_cases = icmp_ep_socket_cases,
};

kunit_test_suites(&icmp_ep_echo_suite, &icmp_ep_idents_suite,
		  &icmp_ep_state_suite, &icmp_ep_socket_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for icmp_ep");
