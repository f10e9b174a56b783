// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for icmp_ep: the echo header check, the ident allocator, the
 * state machine, and real in-kernel sockets over loopback in both families.
 *
 * The socket cases need the init netns's ping_group_range to admit gid 0,
 * as KUnit runs them from a kthread; the test VM opens it before insmod.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/errqueue.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/net.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "icmp_ep.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/*
 * Cleanup through KUnit: whatever a case allocates, it hands to KUnit as a
 * resource, freed when the case ends however it ends.  A failed assertion
 * returns from the case at once, and a socket left behind would pin the
 * module and leak.  KUnit frees resources in the reverse order of their
 * creation, so an skb goes before the socket it was delivered to.
 */

static void test_free_sock(struct kunit_resource *res)
{
	sock_release(res->data);
}

static void test_free_skb(struct kunit_resource *res)
{
	kfree_skb(res->data);
}

/* Hand @obj to KUnit, to be freed with @free when the case ends. */
static void *test_manage(struct kunit *test, kunit_resource_free_t free,
			 void *obj)
{
	struct kunit_resource res = { .data = obj };
	void *tracked;

	tracked = kunit_alloc_resource(test, NULL, free, GFP_KERNEL, obj);
	if (!tracked)
		free(&res);
	KUNIT_ASSERT_NOT_NULL(test, tracked);
	return obj;
}

static bool test_is_resource(struct kunit *test, struct kunit_resource *res,
			     void *obj)
{
	return res->data == obj;
}

/* Free @obj, handed to KUnit by test_manage(), before the case ends. */
static void test_free_now(struct kunit *test, void *obj)
{
	KUNIT_ASSERT_EQ(test,
			kunit_destroy_resource(test, test_is_resource, obj), 0);
}

/* An skb with room for @size bytes, freed when the case ends. */
static struct sk_buff *test_skb(struct kunit *test, unsigned int size)
{
	struct sk_buff *skb = alloc_skb(size, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	return test_manage(test, test_free_skb, skb);
}

/* Cases that differ only in the address family run once for each. */
static const int test_families[] = { AF_INET, AF_INET6 };

static void test_family_desc(const int *family, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "IPv%d",
		 *family == AF_INET ? 4 : 6);
}

KUNIT_ARRAY_PARAM(test_family, test_families, test_family_desc);

static int test_param_family(struct kunit *test)
{
	return *(const int *)test->param_value;
}

/* Echo header validation */

struct test_echo_case {
	int family;
	u8 type;
	u8 code;
	int expected;
};

static const struct test_echo_case test_echo_cases[] = {
	{ AF_INET, ICMP_ECHO, 0, 0 },
	{ AF_INET, ICMP_EXT_ECHO, 0, 0 },
	{ AF_INET, ICMP_ECHOREPLY, 0, -EINVAL },
	{ AF_INET, ICMP_ECHO, 1, -EINVAL },
	/* the other family's echo request */
	{ AF_INET, ICMPV6_ECHO_REQUEST, 0, -EINVAL },
	{ AF_INET6, ICMPV6_ECHO_REQUEST, 0, 0 },
	{ AF_INET6, ICMPV6_EXT_ECHO_REQUEST, 0, 0 },
	{ AF_INET6, ICMP_ECHO, 0, -EINVAL },
	{ AF_INET6, ICMPV6_ECHO_REQUEST, 255, -EINVAL },
};

static void test_echo_desc(const struct test_echo_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "IPv%d type %u code %u %s",
		 c->family == AF_INET ? 4 : 6, c->type, c->code,
		 c->expected ? "rejected" : "accepted");
}

KUNIT_ARRAY_PARAM(test_echo, test_echo_cases, test_echo_desc);

static void echo_check(struct kunit *test)
{
	const struct test_echo_case *c = test->param_value;
	struct icmphdr h = { .type = c->type, .code = c->code };

	KUNIT_EXPECT_EQ(test, icmp_ep_echo_check(c->family, &h), c->expected);
}

/* The identifier net.icmp_ep.keep_echo_id would keep, if any (0). */
struct test_echo_id_case {
	const char *what;
	int family;
	u8 type;
	u8 code;
	u16 id;
	u16 expected;
};

static const struct test_echo_id_case test_echo_id_cases[] = {
	{ "echo", AF_INET, ICMP_ECHO, 0, 0x1234, 0x1234 },
	{ "echo, lowest", AF_INET, ICMP_ECHO, 0, 1, 1 },
	{ "echo, highest", AF_INET, ICMP_ECHO, 0, 0xffff, 0xffff },
	{ "extended echo", AF_INET, ICMP_EXT_ECHO, 0, 0x1234, 0x1234 },
	/* 0 is "pick one" to bind(): never kept */
	{ "echo, identifier 0", AF_INET, ICMP_ECHO, 0, 0, 0 },
	{ "not an echo request", AF_INET, ICMP_ECHOREPLY, 0, 0x1234, 0 },
	{ "echo, code 1", AF_INET, ICMP_ECHO, 1, 0x1234, 0 },
	{ "the other family's echo", AF_INET, ICMPV6_ECHO_REQUEST, 0, 0x1234,
	  0 },
	{ "echo", AF_INET6, ICMPV6_ECHO_REQUEST, 0, 0x1234, 0x1234 },
	{ "extended echo", AF_INET6, ICMPV6_EXT_ECHO_REQUEST, 0, 0xffff,
	  0xffff },
	{ "echo, identifier 0", AF_INET6, ICMPV6_ECHO_REQUEST, 0, 0, 0 },
	{ "not an echo request", AF_INET6, ICMPV6_ECHO_REPLY, 0, 0x1234, 0 },
	{ "the other family's echo", AF_INET6, ICMP_ECHO, 0, 0x1234, 0 },
};

static void test_echo_id_desc(const struct test_echo_id_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "IPv%d %s, id %u",
		 c->family == AF_INET ? 4 : 6, c->what, c->id);
}

KUNIT_ARRAY_PARAM(test_echo_id, test_echo_id_cases, test_echo_id_desc);

static void echo_id(struct kunit *test)
{
	const struct test_echo_id_case *c = test->param_value;
	struct icmphdr h = {
		.type = c->type,
		.code = c->code,
		.un.echo.id = htons(c->id),
		.un.echo.sequence = htons(7),
	};

	KUNIT_EXPECT_EQ(test, icmp_ep_echo_id(c->family, &h), c->expected);
}

static struct kunit_case icmp_ep_echo_cases[] = {
	KUNIT_CASE_PARAM(echo_check, test_echo_gen_params),
	KUNIT_CASE_PARAM(echo_id, test_echo_id_gen_params),
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

struct test_state_case {
	enum icmp_ep_state from;
	enum icmp_ep_state to;
	bool valid;
};

/*
 * Every move: connect() binds first, so initial never goes straight to
 * connected; closed is terminal; the rest are bind, autobind, connect,
 * reconnect, disconnect (back to bound, or to initial when autobound) and
 * close, or a disconnect that changes nothing.
 */
static const struct test_state_case test_state_cases[] = {
	{ ICMP_EP_INITIAL, ICMP_EP_INITIAL, true },
	{ ICMP_EP_INITIAL, ICMP_EP_BOUND, true },
	{ ICMP_EP_INITIAL, ICMP_EP_CONNECTED, false },
	{ ICMP_EP_INITIAL, ICMP_EP_CLOSED, true },
	{ ICMP_EP_BOUND, ICMP_EP_INITIAL, true },
	{ ICMP_EP_BOUND, ICMP_EP_BOUND, true },
	{ ICMP_EP_BOUND, ICMP_EP_CONNECTED, true },
	{ ICMP_EP_BOUND, ICMP_EP_CLOSED, true },
	{ ICMP_EP_CONNECTED, ICMP_EP_INITIAL, true },
	{ ICMP_EP_CONNECTED, ICMP_EP_BOUND, true },
	{ ICMP_EP_CONNECTED, ICMP_EP_CONNECTED, true },
	{ ICMP_EP_CONNECTED, ICMP_EP_CLOSED, true },
	{ ICMP_EP_CLOSED, ICMP_EP_INITIAL, false },
	{ ICMP_EP_CLOSED, ICMP_EP_BOUND, false },
	{ ICMP_EP_CLOSED, ICMP_EP_CONNECTED, false },
	{ ICMP_EP_CLOSED, ICMP_EP_CLOSED, false },
};

static const char * const test_state_names[] = {
	[ICMP_EP_INITIAL] = "initial",
	[ICMP_EP_BOUND] = "bound",
	[ICMP_EP_CONNECTED] = "connected",
	[ICMP_EP_CLOSED] = "closed",
};

static void test_state_desc(const struct test_state_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s to %s %s",
		 test_state_names[c->from], test_state_names[c->to],
		 c->valid ? "valid" : "invalid");
}

KUNIT_ARRAY_PARAM(test_state, test_state_cases, test_state_desc);

static void state_change(struct kunit *test)
{
	const struct test_state_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, icmp_ep_state_change_valid(c->from, c->to),
			c->valid);
}

static struct kunit_case icmp_ep_state_cases[] = {
	KUNIT_CASE_PARAM(state_change, test_state_gen_params),
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

/* A socket of @family, released when the case ends. */
static struct socket *test_socket(struct kunit *test, int family)
{
	int protocol = family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	struct socket *sock;
	int err;

	err = sock_create_kern(&init_net, family, SOCK_DGRAM, protocol, &sock);
	KUNIT_ASSERT_EQ_MSG(test, err, 0,
			    "socket: is gid 0 inside ping_group_range?");
	test_manage(test, test_free_sock, sock);
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

static void socket_is_ours(struct kunit *test)
{
	int family = test_param_family(test);
	struct socket *sock = test_socket(test, family);

	KUNIT_EXPECT_STREQ(test, sock->sk->sk_prot->name,
			   family == AF_INET ? "ICMP_EP" : "ICMP_EPv6");
	KUNIT_EXPECT_EQ(test, icmp_ep_sk(sock->sk)->state, ICMP_EP_INITIAL);
	KUNIT_EXPECT_FALSE(test, sock->sk->sk_reuse);
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
}

static void socket_close_frees_ident(struct kunit *test)
{
	struct socket *a = test_socket(test, AF_INET);
	struct socket *b;
	union test_addr addr;
	int len = test_addr_loopback(AF_INET, &addr, 5003);

	KUNIT_ASSERT_EQ(test, kernel_bind(a, &addr.sa, len), 0);
	test_free_now(test, a);
	b = test_socket(test, AF_INET);
	KUNIT_EXPECT_EQ(test, kernel_bind(b, &addr.sa, len), 0);
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
}

static void socket_v6_rejects_mapped_bind(struct kunit *test)
{
	struct socket *sock = test_socket(test, AF_INET6);
	union test_addr a;
	int len = test_addr_loopback(AF_INET6, &a, 0);

	ipv6_addr_set_v4mapped(htonl(INADDR_LOOPBACK), &a.v6.sin6_addr);
	KUNIT_EXPECT_EQ(test, kernel_bind(sock, &a.sa, len), -EINVAL);
}

static void socket_send_autobinds(struct kunit *test)
{
	struct socket *sock = test_socket(test, AF_INET);

	KUNIT_EXPECT_EQ(test, test_send(sock, ICMP_ECHO, 1, 16), 16);
	KUNIT_EXPECT_NE(test, test_ident(sock), 0);
	KUNIT_EXPECT_EQ(test, icmp_ep_sk(sock->sk)->state, ICMP_EP_BOUND);
}

static void socket_send_checks_header(struct kunit *test)
{
	struct socket *sock = test_socket(test, AF_INET);

	KUNIT_EXPECT_EQ(test, test_send(sock, ICMP_ECHO, 1, 7), -EINVAL);
	KUNIT_EXPECT_EQ(test, test_send(sock, ICMP_ECHOREPLY, 1, 8), -EINVAL);
	KUNIT_EXPECT_EQ(test, test_send(sock, ICMP_ECHO, 1, 65536), -EMSGSIZE);
}

static void socket_round_trip(struct kunit *test)
{
	int family = test_param_family(test);
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
}

/* The largest echo IPv4 carries, header included: 65535 - 20. */
#define TEST_MAX_V4_ECHO	65515

/* The last echo request seen on LOCAL_OUT while a test hook is in. */
static unsigned int test_out_len, test_out_headlen;
static bool test_out_confirm;

static unsigned int test_record_out(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	const struct icmphdr *h;
	struct icmphdr buf;

	if (ip_hdr(skb)->protocol != IPPROTO_ICMP)
		return NF_ACCEPT;
	h = skb_header_pointer(skb, ip_hdrlen(skb), sizeof(buf), &buf);
	if (h && h->type == ICMP_ECHO) {
		test_out_len = skb->len;
		test_out_headlen = skb_headlen(skb);
		test_out_confirm = skb_get_dst_pending_confirm(skb);
	}
	return NF_ACCEPT;
}

static const struct nf_hook_ops test_out_ops = {
	.hook = test_record_out,
	.pf = NFPROTO_IPV4,
	.hooknum = NF_INET_LOCAL_OUT,
	.priority = NF_IP_PRI_FIRST,
};

/*
 * The largest IPv4 echo goes out with its payload in page fragments, as
 * __ip_append_data() builds it, not in one order-5 linear buffer that a
 * fragmented host may not have; and its reply comes back byte for byte.
 */
static void socket_v4_max_echo_paged(struct kunit *test)
{
	struct socket *sock = test_socket(test, AF_INET);
	const unsigned int max_linear = SKB_MAX_ALLOC;
	const size_t len = TEST_MAX_V4_ECHO;
	struct kvec iov = { .iov_len = len };
	struct msghdr msg = {};
	union test_addr to;
	struct icmphdr *h;
	u8 *out, *in;
	size_t i;
	int ret;

	out = kunit_kzalloc(test, len, GFP_KERNEL);
	in = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, out);
	KUNIT_ASSERT_NOT_NULL(test, in);
	h = (struct icmphdr *)out;
	h->type = ICMP_ECHO;
	h->un.echo.sequence = htons(9);
	for (i = sizeof(*h); i < len; i++)
		out[i] = i * 7 + (i >> 8);

	KUNIT_ASSERT_EQ(test, nf_register_net_hook(&init_net, &test_out_ops),
			0);
	test_out_len = 0;
	msg.msg_name = &to;
	msg.msg_namelen = test_addr_loopback(AF_INET, &to, 0);
	iov.iov_base = out;
	ret = kernel_sendmsg(sock, &msg, &iov, 1, len);
	nf_unregister_net_hook(&init_net, &test_out_ops);
	KUNIT_ASSERT_EQ(test, ret, (int)len);
	KUNIT_EXPECT_EQ(test, test_out_len, sizeof(struct iphdr) + len);
	KUNIT_EXPECT_LT(test, test_out_headlen, max_linear);

	memset(&msg, 0, sizeof(msg));
	iov.iov_base = in;
	ret = kernel_recvmsg(sock, &msg, &iov, 1, len, 0);
	KUNIT_ASSERT_EQ(test, ret, (int)len);
	h = (struct icmphdr *)in;
	KUNIT_EXPECT_EQ(test, h->type, ICMP_ECHOREPLY);
	KUNIT_EXPECT_EQ(test, ntohs(h->un.echo.sequence), 9);
	KUNIT_EXPECT_EQ(test, memcmp(in + sizeof(*h), out + sizeof(*h),
				     len - sizeof(*h)), 0);
}

/*
 * MSG_CONFIRM on an echo confirms the neighbour, as __ip_append_data()
 * marks the skb: iputils sets it on every probe after a reply.
 */
static void socket_v4_msg_confirm(struct kunit *test)
{
	struct socket *sock = test_socket(test, AF_INET);
	struct icmphdr h = { .type = ICMP_ECHO };
	struct kvec iov = { .iov_base = &h, .iov_len = sizeof(h) };
	struct msghdr msg = { .msg_flags = MSG_CONFIRM };
	union test_addr to;
	int ret;

	msg.msg_name = &to;
	msg.msg_namelen = test_addr_loopback(AF_INET, &to, 0);
	KUNIT_ASSERT_EQ(test, nf_register_net_hook(&init_net, &test_out_ops),
			0);
	test_out_len = 0;
	test_out_confirm = false;
	ret = kernel_sendmsg(sock, &msg, &iov, 1, sizeof(h));
	nf_unregister_net_hook(&init_net, &test_out_ops);
	KUNIT_EXPECT_EQ(test, ret, (int)sizeof(h));
	KUNIT_EXPECT_EQ(test, test_out_len, sizeof(struct iphdr) + sizeof(h));
	KUNIT_EXPECT_TRUE(test, test_out_confirm);
}

static struct kunit_case icmp_ep_socket_cases[] = {
	KUNIT_CASE_PARAM(socket_is_ours, test_family_gen_params),
	KUNIT_CASE(socket_bind_ident),
	KUNIT_CASE(socket_ident_is_exclusive),
	KUNIT_CASE(socket_reuseaddr_shares_ident),
	KUNIT_CASE(socket_close_frees_ident),
	KUNIT_CASE(socket_families_have_own_idents),
	KUNIT_CASE(socket_v6_rejects_mapped_bind),
	KUNIT_CASE(socket_send_autobinds),
	KUNIT_CASE(socket_send_checks_header),
	KUNIT_CASE_PARAM(socket_round_trip, test_family_gen_params),
	KUNIT_CASE(socket_queue_accounting),
	KUNIT_CASE(socket_queue_overflow_drops),
	KUNIT_CASE(socket_connect_and_disconnect),
	KUNIT_CASE(socket_disconnect_keeps_bound_ident),
	KUNIT_CASE(socket_connected_send_without_address),
	KUNIT_CASE(socket_getpeername_when_connected),
	KUNIT_CASE(socket_v4_max_echo_paged),
	KUNIT_CASE(socket_v4_msg_confirm),
	{}
};

static struct kunit_suite icmp_ep_socket_suite = {
	.name = "icmp_ep_socket",
	.test_cases = icmp_ep_socket_cases,
};

/* Parsing and delivering crafted packets */

#define TEST_IDENT	0x4242

struct test_echo {
	u8 type;
	u8 code;
	__sum16 checksum;
	__be16 id;
	__be16 seq;
};

/*
 * Build an IPv4 packet from 10.1.1.1 to 127.0.0.1 carrying @len bytes of
 * @l4 with protocol @proto, as it stands on LOCAL_IN: data at the network
 * header, arriving on loopback.  ICMP checksums are filled in.
 */
static struct sk_buff *test_v4_packet(struct kunit *test, u8 proto,
				      const void *l4, size_t len)
{
	struct sk_buff *skb = test_skb(test, LL_MAX_HEADER +
				       sizeof(struct iphdr) + len);
	struct iphdr *iph;
	u8 *data;

	skb_reserve(skb, LL_MAX_HEADER);
	skb_reset_network_header(skb);
	iph = skb_put_zero(skb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = 5;
	iph->ttl = 64;
	iph->protocol = proto;
	iph->tot_len = htons(sizeof(*iph) + len);
	iph->saddr = htonl(0x0a010101);
	iph->daddr = htonl(INADDR_LOOPBACK);
	iph->check = ip_fast_csum(iph, iph->ihl);
	skb_set_transport_header(skb, sizeof(*iph));
	data = skb_put_data(skb, l4, len);
	if (proto == IPPROTO_ICMP && len >= 4) {
		((struct icmphdr *)data)->checksum = 0;
		((struct icmphdr *)data)->checksum =
			csum_fold(csum_partial(data, len, 0));
	}
	skb->dev = init_net.loopback_dev;
	skb->protocol = htons(ETH_P_IP);
	return skb;
}

/* The same for IPv6, fd00::1 to ::1, with @ext extension header bytes. */
static struct sk_buff *test_v6_packet(struct kunit *test, u8 nexthdr,
				      const void *ext, size_t ext_len,
				      const void *l4, size_t len)
{
	struct sk_buff *skb = test_skb(test, LL_MAX_HEADER +
				       sizeof(struct ipv6hdr) + ext_len + len);
	struct ipv6hdr *ip6;
	struct icmp6hdr *h;

	skb_reserve(skb, LL_MAX_HEADER);
	skb_reset_network_header(skb);
	ip6 = skb_put_zero(skb, sizeof(*ip6));
	ip6->version = 6;
	ip6->nexthdr = nexthdr;
	ip6->hop_limit = 64;
	ip6->payload_len = htons(ext_len + len);
	ip6->saddr.s6_addr[0] = 0xfd;
	ip6->saddr.s6_addr[15] = 1;
	ip6->daddr = in6addr_loopback;
	skb_set_transport_header(skb, sizeof(*ip6));
	if (ext_len)
		skb_put_data(skb, ext, ext_len);
	h = skb_put_data(skb, l4, len);
	if (len >= sizeof(*h)) {
		h->icmp6_cksum = 0;
		h->icmp6_cksum = csum_ipv6_magic(&ip6->saddr, &ip6->daddr, len,
						 IPPROTO_ICMPV6,
						 csum_partial(h, len, 0));
	}
	skb->dev = init_net.loopback_dev;
	skb->protocol = htons(ETH_P_IPV6);
	return skb;
}

/* An ICMP error quoting an IPv4 echo request with @ident. */
struct test_v4_error {
	struct icmphdr icmp;
	struct iphdr inner;
	struct test_echo echo;
};

static void test_v4_error_init(struct test_v4_error *e, u8 type, u8 code,
			       u8 inner_type, u16 ident)
{
	memset(e, 0, sizeof(*e));
	e->icmp.type = type;
	e->icmp.code = code;
	e->inner.version = 4;
	e->inner.ihl = 5;
	e->inner.ttl = 1;
	e->inner.protocol = IPPROTO_ICMP;
	e->inner.tot_len = htons(64);
	e->inner.saddr = htonl(INADDR_LOOPBACK);
	e->inner.daddr = htonl(0x0a090901);
	e->echo.type = inner_type;
	e->echo.id = htons(ident);
	e->echo.seq = htons(7);
}

struct test_v6_error {
	struct icmp6hdr icmp;
	struct ipv6hdr inner;
	struct test_echo echo;
};

static void test_v6_error_init(struct test_v6_error *e, u8 type, u8 code,
			       u8 inner_type, u16 ident)
{
	memset(e, 0, sizeof(*e));
	e->icmp.icmp6_type = type;
	e->icmp.icmp6_code = code;
	e->inner.version = 6;
	e->inner.nexthdr = IPPROTO_ICMPV6;
	e->inner.hop_limit = 1;
	e->inner.payload_len = htons(64);
	e->inner.saddr = in6addr_loopback;
	e->inner.daddr.s6_addr[0] = 0xfd;
	e->inner.daddr.s6_addr[15] = 9;
	e->echo.type = inner_type;
	e->echo.id = htons(ident);
	e->echo.seq = htons(7);
}

/* Either family's error, for the cases that run in both. */
union test_error {
	struct test_v4_error v4;
	struct test_v6_error v6;
};

/*
 * Fill @e with an error of @family's @type and @code, with @rest in its
 * header's second word (MTU, pointer), quoting an echo of @inner_type
 * with TEST_IDENT; return its length.
 */
static size_t test_error_init(int family, union test_error *e, u8 type,
			      u8 code, u8 inner_type, u32 rest)
{
	if (family == AF_INET) {
		test_v4_error_init(&e->v4, type, code, inner_type, TEST_IDENT);
		e->v4.icmp.un.gateway = htonl(rest);
		return sizeof(e->v4);
	}
	test_v6_error_init(&e->v6, type, code, inner_type, TEST_IDENT);
	e->v6.icmp.icmp6_mtu = htonl(rest);
	return sizeof(e->v6);
}

/* A packet of @family carrying the ICMP message @msg of @len bytes. */
static struct sk_buff *test_icmp_packet(struct kunit *test, int family,
					const void *msg, size_t len)
{
	if (family == AF_INET)
		return test_v4_packet(test, IPPROTO_ICMP, msg, len);
	return test_v6_packet(test, IPPROTO_ICMPV6, NULL, 0, msg, len);
}

static size_t test_nh_len(int family)
{
	return family == AF_INET ? sizeof(struct iphdr) :
				   sizeof(struct ipv6hdr);
}

static bool test_addr_eq(int family, const void *a, const void *b)
{
	return !memcmp(a, b, family == AF_INET ? sizeof(__be32) :
						 sizeof(struct in6_addr));
}

/* The destination of the datagram @e quotes, which the error is about. */
static const void *test_error_peer(int family, const union test_error *e)
{
	if (family == AF_INET)
		return &e->v4.inner.daddr;
	return &e->v6.inner.daddr;
}

static void parse_echo_reply(struct kunit *test)
{
	int family = test_param_family(test);
	struct test_echo echo = { .type = test_reply_type(family),
				  .id = htons(TEST_IDENT) };
	struct sk_buff *skb = test_icmp_packet(test, family, &echo,
					       sizeof(echo));
	const void *saddr = family == AF_INET ?
			    (const void *)&ip_hdr(skb)->saddr :
			    &ipv6_hdr(skb)->saddr;
	struct icmp_ep_rx rx;

	KUNIT_EXPECT_EQ(test, icmp_ep_rx_parse(family, skb, &rx),
			ICMP_EP_RX_MATCH);
	KUNIT_EXPECT_FALSE(test, rx.error);
	KUNIT_EXPECT_EQ(test, rx.ident, TEST_IDENT);
	KUNIT_EXPECT_EQ(test, rx.offset, test_nh_len(family));
	/* A reply is about its source. */
	KUNIT_EXPECT_TRUE(test, test_addr_eq(family, &rx.peer, saddr));
}

struct test_parse_case {
	const char *what;
	int family;
	u8 type;
	u8 code;
	u8 inner_type;
	/* IPv4 only: when not 0, the quoted protocol and header length */
	u8 inner_proto;
	u8 inner_ihl;
	u32 rest;
	enum icmp_ep_rx_verdict verdict;
	u32 info;
};

static const struct test_parse_case test_parse_cases[] = {
	{ .what = "host unreachable", .family = AF_INET,
	  .type = ICMP_DEST_UNREACH, .code = ICMP_HOST_UNREACH,
	  .inner_type = ICMP_ECHO, .verdict = ICMP_EP_RX_MATCH },
	{ .what = "frag needed carries the MTU", .family = AF_INET,
	  .type = ICMP_DEST_UNREACH, .code = ICMP_FRAG_NEEDED,
	  .inner_type = ICMP_ECHO, .rest = 1280,
	  .verdict = ICMP_EP_RX_MATCH, .info = 1280 },
	{ .what = "parameter problem carries the pointer", .family = AF_INET,
	  .type = ICMP_PARAMETERPROB, .inner_type = ICMP_ECHO,
	  .rest = 12 << 24, .verdict = ICMP_EP_RX_MATCH, .info = 12 },
	/* as icmp_unreach() drops it */
	{ .what = "code past NR_ICMP_UNREACH", .family = AF_INET,
	  .type = ICMP_DEST_UNREACH, .code = NR_ICMP_UNREACH + 1,
	  .inner_type = ICMP_ECHO, .verdict = ICMP_EP_RX_FILTERED },
	/* the kernel's echo reply, not a ping socket's request */
	{ .what = "quoting an echo reply", .family = AF_INET,
	  .type = ICMP_DEST_UNREACH, .inner_type = ICMP_ECHOREPLY,
	  .verdict = ICMP_EP_RX_IGNORE },
	{ .what = "quoting another protocol", .family = AF_INET,
	  .type = ICMP_TIME_EXCEEDED, .inner_type = ICMP_ECHO,
	  .inner_proto = IPPROTO_UDP, .verdict = ICMP_EP_RX_IGNORE },
	{ .what = "garbled quoted header", .family = AF_INET,
	  .type = ICMP_TIME_EXCEEDED, .inner_type = ICMP_ECHO,
	  .inner_ihl = 3, .verdict = ICMP_EP_RX_MALFORMED },
	{ .what = "packet too big carries the MTU", .family = AF_INET6,
	  .type = ICMPV6_PKT_TOOBIG, .inner_type = ICMPV6_ECHO_REQUEST,
	  .rest = 1280, .verdict = ICMP_EP_RX_MATCH, .info = 1280 },
	/* icmpv6_err() passes on plain echo requests only */
	{ .what = "quoting an extended echo", .family = AF_INET6,
	  .type = ICMPV6_DEST_UNREACH, .inner_type = ICMPV6_EXT_ECHO_REQUEST,
	  .verdict = ICMP_EP_RX_IGNORE },
	{ .what = "an informational type is no error", .family = AF_INET6,
	  .type = ICMPV6_ECHO_REQUEST, .inner_type = ICMPV6_ECHO_REQUEST,
	  .verdict = ICMP_EP_RX_IGNORE },
};

static void test_parse_desc(const struct test_parse_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "IPv%d %s",
		 c->family == AF_INET ? 4 : 6, c->what);
}

KUNIT_ARRAY_PARAM(test_parse, test_parse_cases, test_parse_desc);

static void parse_error(struct kunit *test)
{
	const struct test_parse_case *c = test->param_value;
	size_t nh = test_nh_len(c->family);
	struct icmp_ep_rx rx;
	union test_error e;
	struct sk_buff *skb;
	size_t len;

	len = test_error_init(c->family, &e, c->type, c->code, c->inner_type,
			      c->rest);
	if (c->inner_proto)
		e.v4.inner.protocol = c->inner_proto;
	if (c->inner_ihl)
		e.v4.inner.ihl = c->inner_ihl;
	skb = test_icmp_packet(test, c->family, &e, len);
	KUNIT_ASSERT_EQ(test, icmp_ep_rx_parse(c->family, skb, &rx),
			c->verdict);
	if (c->verdict != ICMP_EP_RX_MATCH)
		return;
	KUNIT_EXPECT_TRUE(test, rx.error);
	KUNIT_EXPECT_EQ(test, rx.ident, TEST_IDENT);
	KUNIT_EXPECT_EQ(test, rx.type, c->type);
	KUNIT_EXPECT_EQ(test, rx.code, c->code);
	KUNIT_EXPECT_EQ(test, rx.info, c->info);
	KUNIT_EXPECT_EQ(test, rx.inner, nh + sizeof(struct icmphdr));
	KUNIT_EXPECT_EQ(test, rx.quote, 2 * nh + sizeof(struct icmphdr));
	/* An error is about the quoted destination, not its own source. */
	KUNIT_EXPECT_TRUE(test, test_addr_eq(c->family, &rx.peer,
					     test_error_peer(c->family, &e)));
}

static void parse_truncated_quote(struct kunit *test)
{
	int family = test_param_family(test);
	u8 type = family == AF_INET ? ICMP_DEST_UNREACH : ICMPV6_TIME_EXCEED;
	struct icmp_ep_rx rx;
	union test_error e;
	struct sk_buff *skb;
	size_t full, len;

	full = test_error_init(family, &e, type, 0, test_echo_type(family), 0);
	/* Every length short of the quoted echo header must be refused. */
	for (len = sizeof(struct icmphdr); len < full; len++) {
		skb = test_icmp_packet(test, family, &e, len);
		KUNIT_EXPECT_EQ_MSG(test, icmp_ep_rx_parse(family, skb, &rx),
				    ICMP_EP_RX_MALFORMED, "length %zu", len);
		test_free_now(test, skb);
	}
}

/* What the kernel drops or forwards after LOCAL_IN is not ours. */
struct test_exthdr_case {
	u8 nexthdr;
	u8 ext[24];
	enum icmp_ep_rx_verdict verdict;
};

static const struct test_exthdr_case test_exthdr_cases[] = {
	/* destination options, PadN */
	{ NEXTHDR_DEST, { IPPROTO_ICMPV6, 0, 1, 4 }, ICMP_EP_RX_MATCH },
	/* AH: the reply comes back after xfrm6_rcv(), if at all */
	{ NEXTHDR_AUTH, { IPPROTO_ICMPV6, 4 }, ICMP_EP_RX_IGNORE },
	/* type 0 routing header, one segment left, or none */
	{ NEXTHDR_ROUTING, { IPPROTO_ICMPV6, 2, 0, 1 }, ICMP_EP_RX_IGNORE },
	{ NEXTHDR_ROUTING, { IPPROTO_ICMPV6, 2, 0, 0 }, ICMP_EP_RX_MATCH },
	/* unknown option: skip, discard, and two kinds of ICMP */
	{ NEXTHDR_DEST, { IPPROTO_ICMPV6, 0, 0x1e, 4 }, ICMP_EP_RX_MATCH },
	{ NEXTHDR_DEST, { IPPROTO_ICMPV6, 0, 0x5e, 4 }, ICMP_EP_RX_IGNORE },
	{ NEXTHDR_DEST, { IPPROTO_ICMPV6, 0, 0x9e, 4 }, ICMP_EP_RX_IGNORE },
	{ NEXTHDR_DEST, { IPPROTO_ICMPV6, 0, 0xde, 4 }, ICMP_EP_RX_IGNORE },
	/* PadN with a non-zero byte */
	{ NEXTHDR_DEST, { IPPROTO_ICMPV6, 0, 1, 4, 0, 1 }, ICMP_EP_RX_IGNORE },
	/* an option that overruns its header */
	{ NEXTHDR_DEST, { IPPROTO_ICMPV6, 0, 0x1e, 5 }, ICMP_EP_RX_IGNORE },
};

static void test_exthdr_desc(const struct test_exthdr_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "next header %u: %8ph",
		 c->nexthdr, c->ext);
}

KUNIT_ARRAY_PARAM(test_exthdr, test_exthdr_cases, test_exthdr_desc);

static void parse_v6_exthdr(struct kunit *test)
{
	const struct test_exthdr_case *c = test->param_value;
	struct test_echo echo = { .type = ICMPV6_ECHO_REPLY,
				  .id = htons(TEST_IDENT) };
	struct icmp_ep_rx rx;
	struct sk_buff *skb;
	size_t len;

	/* AH counts 4-byte words less 2, the others 8-byte less 1. */
	if (c->nexthdr == NEXTHDR_AUTH)
		len = (c->ext[1] + 2) * 4;
	else
		len = (c->ext[1] + 1) * 8;
	skb = test_v6_packet(test, c->nexthdr, c->ext, len, &echo,
			     sizeof(echo));
	KUNIT_ASSERT_EQ(test, icmp_ep_rx_parse(AF_INET6, skb, &rx),
			c->verdict);
	if (c->verdict != ICMP_EP_RX_MATCH)
		return;
	KUNIT_EXPECT_EQ(test, rx.offset, sizeof(struct ipv6hdr) + len);
	KUNIT_EXPECT_EQ(test, rx.ident, TEST_IDENT);
}

/*
 * icmp_rcv() hands an extended echo reply to ping_rcv() before its
 * broadcast and multicast filter, which a plain echo reply still meets.
 */
static void parse_v4_broadcast_replies(struct kunit *test)
{
	struct test_echo echo = { .type = ICMP_EXT_ECHOREPLY,
				  .id = htons(TEST_IDENT) };
	struct sk_buff *ext, *plain;
	struct icmp_ep_rx rx;
	struct rtable *rt;

	ext = test_v4_packet(test, IPPROTO_ICMP, &echo, sizeof(echo));
	echo.type = ICMP_ECHOREPLY;
	plain = test_v4_packet(test, IPPROTO_ICMP, &echo, sizeof(echo));
	rt = ip_route_output(&init_net, htonl(0x7fffffff), 0, 0, 0,
			     RT_SCOPE_UNIVERSE);
	KUNIT_ASSERT_FALSE(test, IS_ERR(rt));
	/* Each skb holds a reference, dropped when KUnit frees it. */
	skb_dst_set(ext, &rt->dst);
	dst_hold(&rt->dst);
	skb_dst_set(plain, &rt->dst);
	KUNIT_ASSERT_TRUE(test, rt->rt_flags & RTCF_BROADCAST);

	KUNIT_EXPECT_EQ(test, icmp_ep_rx_parse(AF_INET, ext, &rx),
			ICMP_EP_RX_MATCH);
	KUNIT_EXPECT_EQ(test, icmp_ep_rx_parse(AF_INET, plain, &rx),
			ICMP_EP_RX_FILTERED);
}

static void parse_v4_ignores_requests_and_udp(struct kunit *test)
{
	struct test_echo echo = { .type = ICMP_ECHO, .id = htons(1) };
	struct sk_buff *skb;
	struct icmp_ep_rx rx;

	skb = test_v4_packet(test, IPPROTO_ICMP, &echo, sizeof(echo));
	KUNIT_EXPECT_EQ(test, icmp_ep_rx_parse(AF_INET, skb, &rx),
			ICMP_EP_RX_IGNORE);

	echo.type = ICMP_ECHOREPLY;
	skb = test_v4_packet(test, IPPROTO_UDP, &echo, sizeof(echo));
	KUNIT_EXPECT_EQ(test, icmp_ep_rx_parse(AF_INET, skb, &rx),
			ICMP_EP_RX_IGNORE);
}

static void parse_v4_truncated_header(struct kunit *test)
{
	struct test_echo echo = { .type = ICMP_ECHOREPLY };
	struct sk_buff *skb = test_v4_packet(test, IPPROTO_ICMP, &echo, 4);
	struct icmp_ep_rx rx;

	KUNIT_EXPECT_EQ(test, icmp_ep_rx_parse(AF_INET, skb, &rx),
			ICMP_EP_RX_MALFORMED);
}

static void parse_v6_gathers_fragments(struct kunit *test)
{
	struct test_echo echo = { .type = ICMPV6_ECHO_REPLY,
				  .id = htons(TEST_IDENT) };
	struct frag_hdr frag = { .nexthdr = IPPROTO_ICMPV6,
				 .frag_off = htons(IP6_MF) };
	struct sk_buff *skb = test_v6_packet(test, NEXTHDR_FRAGMENT, &frag,
					     sizeof(frag), &echo,
					     sizeof(echo));
	struct icmp_ep_rx rx;

	KUNIT_EXPECT_EQ(test, icmp_ep_rx_parse(AF_INET6, skb, &rx),
			ICMP_EP_RX_FRAGMENT);
}

/* A bound socket of @family with IP_RECVERR or IPV6_RECVERR on. */
static struct socket *test_recverr_socket(struct kunit *test, int family,
					  bool recverr)
{
	struct socket *sock = test_socket(test, family);
	union test_addr a;
	int len = test_addr_loopback(family, &a, TEST_IDENT);

	KUNIT_ASSERT_EQ(test, kernel_bind(sock, &a.sa, len), 0);
	if (family == AF_INET)
		inet_assign_bit(RECVERR, sock->sk, recverr);
	else
		inet6_assign_bit(RECVERR6, sock->sk, recverr);
	return sock;
}

struct test_deliver_case {
	int family;
	u8 type;
	u8 code;
	int err;
	u8 origin;
};

static const struct test_deliver_case test_deliver_cases[] = {
	{ AF_INET, ICMP_DEST_UNREACH, ICMP_PKT_FILTERED, EHOSTUNREACH,
	  SO_EE_ORIGIN_ICMP },
	{ AF_INET6, ICMPV6_DEST_UNREACH, ICMPV6_ADM_PROHIBITED, EACCES,
	  SO_EE_ORIGIN_ICMP6 },
};

static void test_deliver_desc(const struct test_deliver_case *c,
			      char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "IPv%d type %u code %u",
		 c->family == AF_INET ? 4 : 6, c->type, c->code);
}

KUNIT_ARRAY_PARAM(test_deliver, test_deliver_cases, test_deliver_desc);

static void deliver_error_to_queue(struct kunit *test)
{
	const struct test_deliver_case *c = test->param_value;
	struct socket *sock = test_recverr_socket(test, c->family, true);
	u8 echo_type = test_echo_type(c->family);
	struct sock_exterr_skb *serr;
	struct sk_buff *skb, *err;
	union test_error e;
	size_t len;

	len = test_error_init(c->family, &e, c->type, c->code, echo_type, 0);
	skb = test_icmp_packet(test, c->family, &e, len);
	KUNIT_EXPECT_EQ(test,
			icmp_ep_rx_deliver(&init_net, c->family, skb, false),
			NF_ACCEPT);

	err = skb_peek(&sock->sk->sk_error_queue);
	KUNIT_ASSERT_NOT_NULL(test, err);
	serr = SKB_EXT_ERR(err);
	KUNIT_EXPECT_EQ(test, serr->ee.ee_errno, (u32)c->err);
	KUNIT_EXPECT_EQ(test, serr->ee.ee_origin, c->origin);
	KUNIT_EXPECT_EQ(test, serr->ee.ee_type, c->type);
	KUNIT_EXPECT_EQ(test, serr->ee.ee_code, c->code);
	/* The payload is the quoted echo request, about its destination. */
	KUNIT_EXPECT_EQ(test, err->data[0], echo_type);
	KUNIT_EXPECT_EQ(test, err->len, sizeof(struct test_echo));
	KUNIT_EXPECT_TRUE(test, test_addr_eq(c->family,
					     skb_network_header(err) +
					     serr->addr_offset,
					     test_error_peer(c->family, &e)));
	KUNIT_EXPECT_EQ(test, READ_ONCE(sock->sk->sk_err), c->err);
}

struct test_steal_case {
	int family;
	bool raw_socket;
	unsigned int verdict;
};

static const struct test_steal_case test_steal_cases[] = {
	{ AF_INET, false, NF_STOLEN },
	{ AF_INET, true, NF_ACCEPT },
	{ AF_INET6, false, NF_STOLEN },
	{ AF_INET6, true, NF_ACCEPT },
};

static void test_steal_desc(const struct test_steal_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "IPv%d %s raw socket",
		 c->family == AF_INET ? 4 : 6,
		 c->raw_socket ? "with a" : "without a");
}

KUNIT_ARRAY_PARAM(test_steal, test_steal_cases, test_steal_desc);

/* The local route to ::1, whose device IPv6 counts a delivery on. */
static void test_v6_route_local(struct kunit *test, struct sk_buff *skb)
{
	struct flowi6 fl6 = { .daddr = in6addr_loopback };
	struct dst_entry *dst = ip6_route_output(&init_net, NULL, &fl6);
	int err = dst->error;

	if (err)
		dst_release(dst);
	KUNIT_ASSERT_EQ(test, err, 0);
	skb_dst_set(skb, dst);
}

/*
 * The socket takes a reply itself when no raw socket of the protocol could
 * see it, and a clone when one could, as raw_local_deliver() and
 * raw6_local_deliver() still need the original.
 */
static void deliver_reply_stolen_unless_raw(struct kunit *test)
{
	const struct test_steal_case *c = test->param_value;
	int protocol = c->family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	struct socket *sock = test_recverr_socket(test, c->family, false);
	struct test_echo echo = { .type = test_reply_type(c->family),
				  .id = htons(TEST_IDENT) };
	struct sk_buff *skb, *reply, *queued;
	struct socket *raw;
	unsigned int verdict;

	if (c->raw_socket) {
		KUNIT_ASSERT_EQ(test, sock_create_kern(&init_net, c->family,
						       SOCK_RAW, protocol,
						       &raw), 0);
		test_manage(test, test_free_sock, raw);
	}
	skb = test_icmp_packet(test, c->family, &echo, sizeof(echo));
	if (c->family == AF_INET6)
		test_v6_route_local(test, skb);
	/* Untracked: the socket's queue may own it. */
	reply = skb_clone(skb, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, reply);
	verdict = icmp_ep_rx_deliver(&init_net, c->family, reply, true);
	/* Not stolen, it is still ours: KUnit frees it with the rest. */
	if (verdict != NF_STOLEN)
		test_manage(test, test_free_skb, reply);

	KUNIT_EXPECT_EQ(test, verdict, c->verdict);
	queued = skb_peek(&sock->sk->sk_receive_queue);
	KUNIT_ASSERT_NOT_NULL(test, queued);
	KUNIT_EXPECT_EQ(test, queued == reply, c->verdict == NF_STOLEN);
	KUNIT_EXPECT_EQ(test, queued->len, sizeof(echo));
	KUNIT_EXPECT_EQ(test, queued->data[0], echo.type);
}

/*
 * The delivery cases that follow, up to the queue-full one, test the
 * hook's shared code: each runs once for each family.
 */

/* A reply of @family to the echo with @ident, as it stands on LOCAL_IN. */
static struct sk_buff *test_reply_packet(struct kunit *test, int family,
					 u16 ident)
{
	struct test_echo echo = { .type = test_reply_type(family),
				  .id = htons(ident) };

	return test_icmp_packet(test, family, &echo, sizeof(echo));
}

/* The errors of test_deliver_cases, which are delivered when intact. */
static void deliver_bad_checksum_dropped(struct kunit *test)
{
	const struct test_deliver_case *c = test->param_value;
	struct socket *sock = test_recverr_socket(test, c->family, true);
	union test_error e;
	struct sk_buff *skb;
	size_t len;

	len = test_error_init(c->family, &e, c->type, c->code,
			      test_echo_type(c->family), 0);
	skb = test_icmp_packet(test, c->family, &e, len);
	/* The message's last byte, after its checksum was computed. */
	skb->data[skb->len - 1] ^= 0xff;
	icmp_ep_rx_deliver(&init_net, c->family, skb, false);
	KUNIT_EXPECT_TRUE(test, skb_queue_empty(&sock->sk->sk_error_queue));
	KUNIT_EXPECT_EQ(test, READ_ONCE(sock->sk->sk_err), 0);
}

static void deliver_other_ident_ignored(struct kunit *test)
{
	int family = test_param_family(test);
	struct socket *sock = test_recverr_socket(test, family, true);
	struct sk_buff *skb = test_reply_packet(test, family, TEST_IDENT + 1);

	icmp_ep_rx_deliver(&init_net, family, skb, false);
	KUNIT_EXPECT_TRUE(test, skb_queue_empty(&sock->sk->sk_receive_queue));
}

static void deliver_reply_queued(struct kunit *test)
{
	int family = test_param_family(test);
	struct socket *sock = test_recverr_socket(test, family, false);
	struct sk_buff *skb = test_reply_packet(test, family, TEST_IDENT);
	struct sk_buff *queued;

	icmp_ep_rx_deliver(&init_net, family, skb, false);
	queued = skb_peek(&sock->sk->sk_receive_queue);
	KUNIT_ASSERT_NOT_NULL(test, queued);
	KUNIT_EXPECT_EQ(test, queued->len, sizeof(struct test_echo));
	KUNIT_EXPECT_EQ(test, queued->data[0], test_reply_type(family));
}

/*
 * A mono delivery time left by a forwarding path is no receive timestamp:
 * ip_local_deliver_finish() and ip6_input_finish() clear it before
 * ping_rcv() sees the skb.
 */
static void deliver_reply_clears_delivery_time(struct kunit *test)
{
	int family = test_param_family(test);
	struct socket *sock = test_recverr_socket(test, family, false);
	struct sk_buff *skb = test_reply_packet(test, family, TEST_IDENT);
	struct sk_buff *queued;

	skb_set_delivery_time(skb, ktime_set(1, 0), SKB_CLOCK_MONOTONIC);
	icmp_ep_rx_deliver(&init_net, family, skb, false);
	queued = skb_peek(&sock->sk->sk_receive_queue);
	KUNIT_ASSERT_NOT_NULL(test, queued);
	KUNIT_EXPECT_FALSE(test, icmp_ep_skb_tstamp_mono(queued));
	KUNIT_EXPECT_NE(test, queued->tstamp, ktime_set(1, 0));
}

/*
 * A reply that arrived CHECKSUM_COMPLETE stays so, for icmp_rcv() or
 * icmpv6_rcv() and for the IP_CHECKSUM control message of our copy, as
 * without the module.
 */
static void deliver_reply_keeps_checksum_complete(struct kunit *test)
{
	int family = test_param_family(test);
	struct socket *sock = test_recverr_socket(test, family, false);
	struct sk_buff *skb = test_reply_packet(test, family, TEST_IDENT);
	struct sk_buff *queued;

	/* Over the whole packet, as LOCAL_IN sees it: from the IP header. */
	skb->ip_summed = CHECKSUM_COMPLETE;
	skb->csum = skb_checksum(skb, 0, skb->len, 0);
	icmp_ep_rx_deliver(&init_net, family, skb, false);
	KUNIT_EXPECT_TRUE(test, skb->ip_summed == CHECKSUM_COMPLETE);
	queued = skb_peek(&sock->sk->sk_receive_queue);
	KUNIT_ASSERT_NOT_NULL(test, queued);
	KUNIT_EXPECT_TRUE(test, queued->ip_summed == CHECKSUM_COMPLETE);
}

/*
 * With the error queue full, ping_err() still sets sk_err and reports it:
 * ip_icmp_error() drops only the queue entry.
 */
static void deliver_v4_error_queue_full_sets_sk_err(struct kunit *test)
{
	struct socket *sock = test_recverr_socket(test, AF_INET, true);
	struct test_v4_error e;
	struct sk_buff *skb;

	WRITE_ONCE(sock->sk->sk_rcvbuf, 1);
	test_v4_error_init(&e, ICMP_DEST_UNREACH, ICMP_PKT_FILTERED, ICMP_ECHO,
			   TEST_IDENT);
	skb = test_v4_packet(test, IPPROTO_ICMP, &e, sizeof(e));
	icmp_ep_rx_deliver(&init_net, AF_INET, skb, false);
	KUNIT_EXPECT_TRUE(test, skb_queue_empty(&sock->sk->sk_error_queue));
	KUNIT_EXPECT_EQ(test, READ_ONCE(sock->sk->sk_err), EHOSTUNREACH);
}

static void deliver_soft_error_without_recverr(struct kunit *test)
{
	struct socket *sock = test_recverr_socket(test, AF_INET, false);
	struct test_v4_error e;
	struct sk_buff *skb;

	/* Time exceeded is soft: no sk_err, no queue entry. */
	test_v4_error_init(&e, ICMP_TIME_EXCEEDED, 0, ICMP_ECHO, TEST_IDENT);
	skb = test_v4_packet(test, IPPROTO_ICMP, &e, sizeof(e));
	icmp_ep_rx_deliver(&init_net, AF_INET, skb, false);
	KUNIT_EXPECT_TRUE(test, skb_queue_empty(&sock->sk->sk_error_queue));
	KUNIT_EXPECT_EQ(test, READ_ONCE(sock->sk->sk_err), 0);
}

/*
 * Connected to 127.0.0.1, a socket hears neither a reply from 10.1.1.1 nor
 * an error about a datagram to 10.9.9.1, but hears an error from 10.1.1.1
 * about a datagram to 127.0.0.1; disconnected, it hears the reply again.
 */
static void deliver_connected_hears_only_peer(struct kunit *test)
{
	struct socket *sock = test_recverr_socket(test, AF_INET, true);
	struct test_echo echo = { .type = ICMP_ECHOREPLY,
				  .id = htons(TEST_IDENT) };
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	struct sock *sk = sock->sk;
	struct test_v4_error e;
	struct sk_buff *skb;
	union test_addr a;
	int len = test_addr_loopback(AF_INET, &a, 0);

	KUNIT_ASSERT_EQ(test, kernel_connect(sock, &a.sa, len, 0), 0);
	skb = test_v4_packet(test, IPPROTO_ICMP, &echo, sizeof(echo));
	icmp_ep_rx_deliver(&init_net, AF_INET, skb, false);
	KUNIT_EXPECT_TRUE(test, skb_queue_empty(&sk->sk_receive_queue));

	test_v4_error_init(&e, ICMP_TIME_EXCEEDED, 0, ICMP_ECHO, TEST_IDENT);
	skb = test_v4_packet(test, IPPROTO_ICMP, &e, sizeof(e));
	icmp_ep_rx_deliver(&init_net, AF_INET, skb, false);
	KUNIT_EXPECT_TRUE(test, skb_queue_empty(&sk->sk_error_queue));

	e.inner.daddr = htonl(INADDR_LOOPBACK);
	skb = test_v4_packet(test, IPPROTO_ICMP, &e, sizeof(e));
	icmp_ep_rx_deliver(&init_net, AF_INET, skb, false);
	KUNIT_EXPECT_FALSE(test, skb_queue_empty(&sk->sk_error_queue));

	KUNIT_ASSERT_EQ(test, kernel_connect(sock, &unspec, sizeof(unspec), 0),
			0);
	skb = test_v4_packet(test, IPPROTO_ICMP, &echo, sizeof(echo));
	icmp_ep_rx_deliver(&init_net, AF_INET, skb, false);
	KUNIT_EXPECT_FALSE(test, skb_queue_empty(&sk->sk_receive_queue));
}

/*
 * Rebuild @lin with all but the first @keep bytes of its ICMP message in a
 * page fragment, as GRO, a header-split driver or a TAP with a small
 * hdr_len leaves it.  The linear area's tailroom is filled with 0xff, so
 * that whoever reads past skb->tail sees bytes that cannot pass for the
 * quote.
 */
static struct sk_buff *test_paged(struct kunit *test, struct sk_buff *lin,
				  unsigned int keep)
{
	unsigned int head = skb_transport_offset(lin) + keep;
	struct sk_buff *skb;
	struct page *page;

	KUNIT_ASSERT_LT(test, head, lin->len);
	skb = test_skb(test, LL_MAX_HEADER + lin->len);
	page = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);
	memset(skb->head, 0xff, skb_end_offset(skb));
	skb_reserve(skb, LL_MAX_HEADER);
	skb_reset_network_header(skb);
	skb_put_data(skb, lin->data, head);
	skb_set_transport_header(skb, skb_transport_offset(lin));
	memcpy(page_address(page), lin->data + head, lin->len - head);
	skb_add_rx_frag(skb, 0, page, 0, lin->len - head, PAGE_SIZE);
	skb->dev = lin->dev;
	skb->protocol = lin->protocol;
	test_free_now(test, lin);
	return skb;
}

static u32 test_v4_route_mtu(struct kunit *test, __be32 daddr)
{
	struct rtable *rt = ip_route_output(&init_net, daddr, 0, 0, 0,
					     RT_SCOPE_UNIVERSE);
	u32 mtu;

	KUNIT_ASSERT_FALSE(test, IS_ERR(rt));
	mtu = dst_mtu(&rt->dst);
	ip_rt_put(rt);
	return mtu;
}

/*
 * A frag-needed whose quote lies in a page fragment: the PMTU exception
 * must land on the quoted destination, as icmp_socket_deliver() makes the
 * quote linear before ping_err() hands it to ipv4_sk_update_pmtu().
 */
static void deliver_v4_paged_frag_needed(struct kunit *test)
{
	struct socket *sock = test_recverr_socket(test, AF_INET, true);
	const __be32 dst = htonl(0x7f000909);	/* 127.0.9.9 */
	const struct test_echo *echo;
	struct sock_exterr_skb *serr;
	struct test_echo echo_buf;
	struct test_v4_error e;
	struct sk_buff *skb, *err;

	KUNIT_ASSERT_NE(test, test_v4_route_mtu(test, dst), 1000U);
	test_v4_error_init(&e, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, ICMP_ECHO,
			   TEST_IDENT);
	e.icmp.un.frag.mtu = htons(1000);
	e.inner.daddr = dst;
	skb = test_v4_packet(test, IPPROTO_ICMP, &e, sizeof(e));
	skb = test_paged(test, skb, sizeof(e.icmp));
	KUNIT_ASSERT_EQ(test, skb_headlen(skb),
			sizeof(struct iphdr) + sizeof(e.icmp));
	icmp_ep_rx_deliver(&init_net, AF_INET, skb, false);

	KUNIT_EXPECT_EQ(test, test_v4_route_mtu(test, dst), 1000U);
	err = skb_peek(&sock->sk->sk_error_queue);
	KUNIT_ASSERT_NOT_NULL(test, err);
	serr = SKB_EXT_ERR(err);
	KUNIT_EXPECT_EQ(test, serr->ee.ee_errno, (u32)EMSGSIZE);
	KUNIT_EXPECT_EQ(test, serr->ee.ee_info, 1000U);
	KUNIT_EXPECT_EQ(test, ntohl(*(__be32 *)(skb_network_header(err) +
						serr->addr_offset)), ntohl(dst));
	KUNIT_EXPECT_EQ(test, err->len, sizeof(e.echo));
	echo = skb_header_pointer(err, 0, sizeof(echo_buf), &echo_buf);
	KUNIT_ASSERT_NOT_NULL(test, echo);
	KUNIT_EXPECT_EQ(test, echo->type, ICMP_ECHO);
	KUNIT_EXPECT_EQ(test, ntohs(echo->id), TEST_IDENT);
}

static u32 test_v6_route_mtu(const struct in6_addr *daddr)
{
	struct flowi6 fl6 = { .daddr = *daddr };
	struct dst_entry *dst = ip6_route_output(&init_net, NULL, &fl6);
	u32 mtu = dst->error ? 0 : dst_mtu(dst);

	dst_release(dst);
	return mtu;
}

/* What a reader woken by the error queue would see of the route. */
static u32 test_mtu_at_wake;

static void test_record_mtu(struct sock *sk)
{
	test_mtu_at_wake = test_v6_route_mtu(&in6addr_loopback);
}

/*
 * A Packet Too Big must have updated the route's PMTU by the time it wakes
 * the socket, as icmpv6_err() calls ip6_update_pmtu() before ping_err().
 * The quote's destination is ::1, the only one routed in the test VM; the
 * exception lasts net.ipv6.route.mtu_expires, so this case runs last.
 */
static void deliver_v6_too_big_updates_pmtu_first(struct kunit *test)
{
	struct socket *sock = test_recverr_socket(test, AF_INET6, true);
	void (*report)(struct sock *sk) = sock->sk->sk_error_report;
	struct test_v6_error e;
	struct sk_buff *skb;

	KUNIT_ASSERT_GT(test, test_v6_route_mtu(&in6addr_loopback),
			IPV6_MIN_MTU);
	test_v6_error_init(&e, ICMPV6_PKT_TOOBIG, 0, ICMPV6_ECHO_REQUEST,
			   TEST_IDENT);
	e.icmp.icmp6_mtu = htonl(IPV6_MIN_MTU);
	e.inner.daddr = in6addr_loopback;
	skb = test_v6_packet(test, IPPROTO_ICMPV6, NULL, 0, &e, sizeof(e));
	test_mtu_at_wake = 0;
	sock->sk->sk_error_report = test_record_mtu;
	icmp_ep_rx_deliver(&init_net, AF_INET6, skb, false);
	sock->sk->sk_error_report = report;

	KUNIT_EXPECT_FALSE(test, skb_queue_empty(&sock->sk->sk_error_queue));
	KUNIT_EXPECT_EQ(test, test_mtu_at_wake, IPV6_MIN_MTU);
}

/*
 * Fragment @len bytes of the ICMPv6 message @msg, from @offset, with the
 * fragment header @id and "more fragments" if @more.  The fragment header
 * and its data go in as extension headers, so no checksum is written.
 */
static struct sk_buff *test_v6_fragment(struct kunit *test, const u8 *msg,
					unsigned int offset, unsigned int len,
					bool more, __be32 id)
{
	u8 buf[sizeof(struct frag_hdr) + 64];
	struct frag_hdr *fh = (struct frag_hdr *)buf;

	KUNIT_ASSERT_LE(test, len, sizeof(buf) - sizeof(*fh));
	memset(fh, 0, sizeof(*fh));
	fh->nexthdr = IPPROTO_ICMPV6;
	fh->frag_off = htons(offset | (more ? IP6_MF : 0));
	fh->identification = id;
	memcpy(fh + 1, msg + offset, len);
	return test_v6_packet(test, NEXTHDR_FRAGMENT, buf, sizeof(*fh) + len,
			      NULL, 0);
}

/*
 * A fragmented reply: both fragments are accepted as they came, for the
 * kernel's own reassembly, and the socket gets the datagram icmp_ep
 * reassembled from clones of them, a copy of its own that is neither.
 * Needs nf_defrag_ipv6, which the debug kernel has built in.
 */
static void deliver_v6_fragments_as_own_copy(struct kunit *test)
{
	struct socket *sock = test_recverr_socket(test, AF_INET6, false);
	struct sk_buff *first, *last, *queued;
	const struct in6_addr *saddr;
	u8 msg[sizeof(struct icmp6hdr) + 56];
	struct icmp6hdr *h = (struct icmp6hdr *)msg;
	__be32 id = (__force __be32)get_random_u32();

	memset(msg, 0x5a, sizeof(msg));
	memset(h, 0, sizeof(*h));
	h->icmp6_type = ICMPV6_ECHO_REPLY;
	h->icmp6_identifier = htons(TEST_IDENT);
	first = test_v6_fragment(test, msg, 0, 16, true, id);
	last = test_v6_fragment(test, msg, 16, sizeof(msg) - 16, false, id);
	saddr = &ipv6_hdr(first)->saddr;
	h->icmp6_cksum = csum_ipv6_magic(saddr, &in6addr_loopback, sizeof(msg),
					 IPPROTO_ICMPV6,
					 csum_partial(msg, sizeof(msg), 0));
	/* The checksum sits in the first fragment's data. */
	memcpy(skb_transport_header(first) + sizeof(struct frag_hdr), msg, 16);

	KUNIT_EXPECT_EQ(test, icmp_ep_rx_deliver(&init_net, AF_INET6, first,
						 true), NF_ACCEPT);
	KUNIT_EXPECT_TRUE(test, skb_queue_empty(&sock->sk->sk_receive_queue));
	KUNIT_EXPECT_EQ(test, icmp_ep_rx_deliver(&init_net, AF_INET6, last,
						 true), NF_ACCEPT);

	/* The originals, untouched, still fragments. */
	KUNIT_EXPECT_EQ(test, first->len, sizeof(struct ipv6hdr) +
			sizeof(struct frag_hdr) + 16);
	KUNIT_EXPECT_EQ(test, ipv6_hdr(last)->nexthdr, NEXTHDR_FRAGMENT);
	queued = skb_peek(&sock->sk->sk_receive_queue);
	KUNIT_ASSERT_NOT_NULL(test, queued);
	KUNIT_EXPECT_TRUE(test, queued != first && queued != last);
	KUNIT_ASSERT_EQ(test, queued->len, sizeof(msg));
	KUNIT_ASSERT_EQ(test, skb_linearize(queued), 0);
	KUNIT_EXPECT_EQ(test, memcmp(queued->data, msg, sizeof(msg)), 0);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&sock->sk->sk_receive_queue), 1);
}

static struct kunit_case icmp_ep_rx_cases[] = {
	KUNIT_CASE_PARAM(parse_echo_reply, test_family_gen_params),
	KUNIT_CASE(parse_v4_ignores_requests_and_udp),
	KUNIT_CASE(parse_v4_broadcast_replies),
	KUNIT_CASE(parse_v4_truncated_header),
	KUNIT_CASE_PARAM(parse_error, test_parse_gen_params),
	KUNIT_CASE_PARAM(parse_truncated_quote, test_family_gen_params),
	KUNIT_CASE_PARAM(parse_v6_exthdr, test_exthdr_gen_params),
	KUNIT_CASE(parse_v6_gathers_fragments),
	KUNIT_CASE_PARAM(deliver_error_to_queue, test_deliver_gen_params),
	KUNIT_CASE_PARAM(deliver_reply_stolen_unless_raw,
			 test_steal_gen_params),
	KUNIT_CASE_PARAM(deliver_bad_checksum_dropped, test_deliver_gen_params),
	KUNIT_CASE_PARAM(deliver_other_ident_ignored, test_family_gen_params),
	KUNIT_CASE_PARAM(deliver_reply_queued, test_family_gen_params),
	KUNIT_CASE_PARAM(deliver_reply_clears_delivery_time,
			 test_family_gen_params),
	KUNIT_CASE_PARAM(deliver_reply_keeps_checksum_complete,
			 test_family_gen_params),
	KUNIT_CASE(deliver_v4_error_queue_full_sets_sk_err),
	KUNIT_CASE(deliver_soft_error_without_recverr),
	KUNIT_CASE(deliver_connected_hears_only_peer),
	KUNIT_CASE(deliver_v4_paged_frag_needed),
	KUNIT_CASE(deliver_v6_fragments_as_own_copy),
	KUNIT_CASE(deliver_v6_too_big_updates_pmtu_first),
	{}
};

static struct kunit_suite icmp_ep_rx_suite = {
	.name = "icmp_ep_rx",
	.test_cases = icmp_ep_rx_cases,
};

kunit_test_suites(&icmp_ep_echo_suite, &icmp_ep_idents_suite,
		  &icmp_ep_state_suite, &icmp_ep_socket_suite,
		  &icmp_ep_rx_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for icmp_ep");
