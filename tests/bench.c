// SPDX-License-Identifier: GPL-2.0
/*
 * bench: the workloads behind `make bench`.  Each prints one or more lines
 * "NAME VALUE"; the guest script runs them against the built-in ping
 * sockets and against icmp_ep, and the host turns them into ratios.
 *
 *   bench pingpong FAMILY KIND SECONDS
 *	W1: round trips per second on one socket, 56-byte payload, loopback.
 *	FAMILY is 4 or 6; KIND is ping (SOCK_DGRAM) or raw (SOCK_RAW, root).
 *
 *   bench flood FAMILY KIND SECONDS THREADS WINDOW [CPUS]
 *	W2: THREADS sockets in THREADS threads, each keeping WINDOW echoes in
 *	flight; replies per second, all threads together.  With CPUS, W2 on
 *	every CPU: CPUS processes, each pinned to its own CPU and running
 *	THREADS such threads; then also NET_RX softirqs per CPU over the
 *	measurement, "net_rx_cpuN COUNT", to show where the replies went.
 *
 *   bench scale SECONDS IDLE...
 *	W3 and W4, IPv4: bind one socket, then open idle connected sockets up
 *	to each IDLE count in turn and measure round trips on the first one
 *	at each count, and how long the idle sockets took to open so far.
 *	At the last count, measure socket + autobind (first send) + close
 *	per second.
 *
 *   bench udp FAMILY SECONDS
 *	UDP datagrams per second, echoed to itself on loopback.  Under
 *	"beside", with a ping socket bound, so that any hook of ours is live.
 *
 *   bench mkns COUNT
 *	Create COUNT network namespaces, kept alive by bind mounts under
 *	/run/icmp_ep_bench, with lo up and ping_group_range open.
 *
 *   bench netns SECONDS COUNT SOCKETS
 *	W6: SOCKETS connected IPv4 sockets in each of the COUNT namespaces
 *	made by mkns, then W1 in the first one, on a socket opened first.
 *
 *   bench mem FAMILY COUNT
 *	Kernel slab memory per connected socket, from /proc/meminfo.
 *
 *   bench newns COMMAND ARGS...
 *	Any of the above in a network namespace of its own, new, with lo up
 *	and ping_group_range open: one where no socket was ever opened.
 *
 *   bench ns PATH COMMAND ARGS...
 *	Any of the above in the network namespace PATH names (such as
 *	/run/netns/NAME), as it was set up.
 *
 *   bench beside FAMILY COMMAND ARGS...
 *	Any of the above with a ping socket of FAMILY bound (to the wildcard
 *	address, ident 0, so an ident of its own) and open all along: the
 *	socket that makes a namespace's traffic pass icmp_ep's receive hook.
 *
 * SECONDS may have a fraction (0.5).  The prefixes combine, in that order:
 * bench ns /run/netns/fw beside 6 udp 6 1.  Runs as root, in a namespace
 * whose ping_group_range includes gid 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/mount.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "test_util.h"
/* After test_util.h's net/if.h, which the kernel's if.h yields to. */
#include <linux/icmp.h>
#include <netinet/icmp6.h>

#define PAYLOAD 56
#define NS_DIR "/run/icmp_ep_bench"

enum kind { KIND_PING, KIND_RAW };

/* One socket and what it needs to send echoes and recognise replies. */
struct endpoint {
	int fd;
	int family;
	enum kind kind;
	unsigned short ident;	/* raw only: ping sockets get theirs */
	unsigned short seq;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Raw sockets see every ICMP message; let only echo replies through. */
static void raw_filter(int fd, int family)
{
	if (family == AF_INET) {
		struct icmp_filter f = { .data = ~(1U << ICMP_ECHOREPLY) };

		if (setsockopt(fd, SOL_RAW, ICMP_FILTER, &f, sizeof(f)))
			die("bench: ICMP_FILTER");
		return;
	}

	struct icmp6_filter f;

	ICMP6_FILTER_SETBLOCKALL(&f);
	ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
	if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f)))
		die("bench: ICMP6_FILTER");
}

/* A socket connected to loopback; ping sockets autobind on connect. */
static int open_connected(int family, enum kind kind)
{
	int type = kind == KIND_RAW ? SOCK_RAW : SOCK_DGRAM;
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_loopback(family, 0, &ss);
	int fd = socket(family, type, ping_proto(family));

	if (fd < 0)
		return -1;
	if (kind == KIND_RAW)
		raw_filter(fd, family);
	if (connect(fd, (void *)&ss, len)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void endpoint_open(struct endpoint *ep, int family, enum kind kind,
			  unsigned short ident)
{
	struct timeval tv = { .tv_sec = 1 };
	int size = 4 << 20;

	ep->family = family;
	ep->kind = kind;
	ep->ident = ident;
	ep->seq = 0;
	ep->fd = open_connected(family, kind);
	if (ep->fd < 0)
		die("bench: socket");
	/* A lost packet costs a second, not the run. */
	setsockopt(ep->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	/* Raw sockets queue every flooder's replies: no drops, please. */
	if (setsockopt(ep->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(ep->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

static void endpoint_send(struct endpoint *ep)
{
	unsigned char pkt[8 + PAYLOAD] = { echo_request_type(ep->family) };
	unsigned short seq = ++ep->seq;

	pkt[4] = ep->ident >> 8;
	pkt[5] = ep->ident;
	pkt[6] = seq >> 8;
	pkt[7] = seq;
	/* Only raw IPv4 leaves the checksum to us. */
	if (ep->kind == KIND_RAW && ep->family == AF_INET) {
		unsigned short sum = ~csum_fold_add(pkt, sizeof(pkt), 0);

		pkt[2] = sum >> 8;
		pkt[3] = sum;
	}
	if (send(ep->fd, pkt, sizeof(pkt), 0) < 0 && errno != ENOBUFS)
		die("bench: send");
}

/*
 * Wait for a reply to this endpoint; return its sequence number, or -1 on
 * timeout.  Raw sockets see other endpoints' replies too, and IPv4 ones
 * get the IP header in front.
 */
static int endpoint_recv(struct endpoint *ep)
{
	unsigned char buf[1500];
	const unsigned char *icmp;

	for (;;) {
		ssize_t n = recv(ep->fd, buf, sizeof(buf), 0);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return -1;
			die("bench: recv");
		}
		icmp = buf;
		if (ep->kind == KIND_RAW && ep->family == AF_INET)
			icmp += (buf[0] & 0xf) * 4;
		if (icmp + 8 > buf + n || icmp[0] != echo_reply_type(ep->family))
			continue;
		if (ep->kind == KIND_RAW &&
		    (icmp[4] << 8 | icmp[5]) != ep->ident)
			continue;
		return icmp[6] << 8 | icmp[7];
	}
}

static double pingpong(struct endpoint *ep, double seconds)
{
	double start = now(), end = start + seconds, t;
	unsigned long trips = 0;

	do {
		int seq;

		endpoint_send(ep);
		while ((seq = endpoint_recv(ep)) != ep->seq) {
			/* Lost: ask again.  A late reply is just skipped. */
			if (seq < 0)
				endpoint_send(ep);
		}
		trips++;
		t = now();
	} while (t < end);
	return trips / (t - start);
}

/* A word that names one of two values. */
struct choice {
	const char *what;
	const char *name[2];
	int value[2];
};

static const struct choice families = {
	"family", { "4", "6" }, { AF_INET, AF_INET6 }
};

static const struct choice kinds = {
	"kind", { "ping", "raw" }, { KIND_PING, KIND_RAW }
};

static int parse_choice(const char *s, const struct choice *c)
{
	int i;

	for (i = 0; i < 2; i++)
		if (!strcmp(s, c->name[i]))
			return c->value[i];
	fprintf(stderr, "bench: %s must be %s or %s, not '%s'\n", c->what,
		c->name[0], c->name[1], s);
	exit(2);
}

static double parse_seconds(const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || end == s || !(v >= 0.01 && v <= 3600)) {
		fprintf(stderr, "bench: '%s' is not seconds in [0.01, 3600]\n",
			s);
		exit(2);
	}
	return v;
}

static long parse_count(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < min || v > max) {
		fprintf(stderr, "bench: '%s' is not a number in [%ld, %ld]\n",
			s, min, max);
		exit(2);
	}
	return v;
}

/* Room for @fds sockets besides stdio. */
static void want_files(long fds)
{
	struct rlimit rl = { .rlim_cur = fds + 64, .rlim_max = fds + 64 };

	if (setrlimit(RLIMIT_NOFILE, &rl))
		die("bench: RLIMIT_NOFILE");
}

static int cmd_pingpong(char **argv)
{
	struct endpoint ep;
	int family = parse_choice(argv[0], &families);
	enum kind kind = parse_choice(argv[1], &kinds);
	double seconds = parse_seconds(argv[2]);

	endpoint_open(&ep, family, kind, getpid());
	printf("rate %.0f\n", pingpong(&ep, seconds));
	return 0;
}

struct flooder {
	pthread_t thread;
	struct endpoint ep;
	int window;
	const atomic_bool *stop;
	atomic_ulong replies;
};

/*
 * What the flooding processes share with the one that measures them: it
 * lives in a MAP_SHARED mapping, each process using its own slice of f[].
 */
struct flood {
	atomic_bool stop;
	int family, kind, window, threads;
	struct flooder f[];
};

static void *flood_thread(void *arg)
{
	struct flooder *f = arg;
	int i;

	for (i = 0; i < f->window; i++)
		endpoint_send(&f->ep);
	while (!atomic_load(f->stop)) {
		if (endpoint_recv(&f->ep) >= 0)
			atomic_fetch_add(&f->replies, 1);
		/* A reply, or a loss: either way one more goes out. */
		endpoint_send(&f->ep);
	}
	return NULL;
}

static unsigned long flood_replies(struct flood *fl, int flooders)
{
	unsigned long sum = 0;
	int i;

	for (i = 0; i < flooders; i++)
		sum += atomic_load(&fl->f[i].replies);
	return sum;
}

/*
 * Flooding process @proc: its threads, on CPU @cpu if that is not -1.  A
 * reply over loopback is handled on the CPU that sent the request, so
 * pinning the senders spreads the reply path over the CPUs.  Raw sockets
 * need idents of their own across the processes: @ident is the first.
 */
static void flood_proc(struct flood *fl, int proc, int cpu, int ident)
{
	struct flooder *f = fl->f + proc * fl->threads;
	cpu_set_t set;
	int i;

	if (cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			die("bench: sched_setaffinity (too few CPUs?)");
	}
	for (i = 0; i < fl->threads; i++) {
		endpoint_open(&f[i].ep, fl->family, fl->kind,
			      ident + proc * fl->threads + i);
		f[i].window = fl->window;
		f[i].stop = &fl->stop;
		if (pthread_create(&f[i].thread, NULL, flood_thread, &f[i]))
			die("bench: pthread_create");
	}
	for (i = 0; i < fl->threads; i++)
		pthread_join(f[i].thread, NULL);
}

/* NET_RX softirqs so far on each CPU, from /proc/softirqs; how many CPUs. */
static int net_rx_softirqs(unsigned long *count, int max)
{
	FILE *file = fopen("/proc/softirqs", "r");
	char line[4096], *p, *end;
	int n = 0;

	if (!file)
		die("bench: /proc/softirqs");
	while (fgets(line, sizeof(line), file)) {
		p = strstr(line, "NET_RX:");
		if (!p)
			continue;
		for (p += 7; n < max; n++, p = end) {
			count[n] = strtoul(p, &end, 10);
			if (end == p)
				break;
		}
		break;
	}
	fclose(file);
	return n;
}

/* Start the flooding processes; wait for them once fl->stop is set. */
static pid_t *flood_start(struct flood *fl, int procs, bool pin)
{
	pid_t *pids = calloc(procs, sizeof(*pids)), parent = getpid();
	int p;

	if (!pids)
		die("bench: calloc");
	for (p = 0; p < procs; p++) {
		pids[p] = fork();
		if (pids[p] < 0)
			die("bench: fork");
		if (!pids[p]) {
			flood_proc(fl, p, pin ? p : -1, parent);
			_exit(0);
		}
	}
	return pids;
}

static void flood_wait(pid_t *pids, int procs)
{
	int p, status;

	for (p = 0; p < procs; p++)
		if (waitpid(pids[p], &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			fprintf(stderr, "bench: a flooding process failed\n");
			exit(1);
		}
	free(pids);
}

static int cmd_flood(char **argv)
{
	int family = parse_choice(argv[0], &families);
	enum kind kind = parse_choice(argv[1], &kinds);
	double seconds = parse_seconds(argv[2]);
	int threads = parse_count(argv[3], 1, 256);
	int window = parse_count(argv[4], 1, 1024);
	int cpus = argv[5] ? parse_count(argv[5], 1, 64) : 0;
	int procs = cpus ? cpus : 1, flooders = procs * threads, i, n;
	unsigned long rx0[64], rx1[64], before, after;
	size_t size = sizeof(struct flood) + flooders * sizeof(struct flooder);
	struct flood *fl;
	double start, elapsed;
	pid_t *pids;

	fl = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		  -1, 0);
	if (fl == MAP_FAILED)
		die("bench: mmap");
	fl->family = family;
	fl->kind = kind;
	fl->window = window;
	fl->threads = threads;
	pids = flood_start(fl, procs, cpus);
	/* Measure the steady state, not the first window. */
	usleep(300000);
	n = net_rx_softirqs(rx0, 64);
	before = flood_replies(fl, flooders);
	start = now();
	usleep(seconds * 1e6);
	after = flood_replies(fl, flooders);
	elapsed = now() - start;
	net_rx_softirqs(rx1, n);
	atomic_store(&fl->stop, true);
	flood_wait(pids, procs);
	printf("rate %.0f\n", (after - before) / elapsed);
	/* Where the replies were handled: a spread that did not happen shows. */
	for (i = 0; cpus && i < n; i++)
		printf("net_rx_cpu%d %lu\n", i, rx1[i] - rx0[i]);
	return 0;
}

/* Open idle connected IPv4 ping sockets until @fds holds @to of them. */
static void open_idle(int *fds, long *have, long to)
{
	for (; *have < to; (*have)++) {
		fds[*have] = open_connected(AF_INET, KIND_PING);
		if (fds[*have] < 0)
			die("bench: idle socket");
	}
}

static double churn_rate(double seconds)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_loopback(AF_INET, 0, &ss);
	unsigned char pkt[8 + PAYLOAD] = { ICMP_ECHO };
	double start = now(), end = start + seconds, t;
	unsigned long n = 0;

	do {
		int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);

		if (fd < 0)
			die("bench: churn socket");
		if (sendto(fd, pkt, sizeof(pkt), 0, (void *)&ss, len) < 0)
			die("bench: churn sendto");
		close(fd);
		n++;
		t = now();
	} while (t < end);
	return n / (t - start);
}

static int cmd_scale(char **argv)
{
	double seconds = parse_seconds(argv[0]);
	double opening = 0, t0;
	long have = 0, max = 0, to;
	struct endpoint ep;
	int *fds, i;

	for (i = 1; argv[i]; i++) {
		to = parse_count(argv[i], 0, 65000);
		if (to < max) {
			fprintf(stderr, "bench: idle counts must ascend\n");
			return 2;
		}
		max = to;
	}
	want_files(max + 1);
	fds = calloc(max + 1, sizeof(*fds));
	if (!fds)
		die("bench: calloc");

	endpoint_open(&ep, AF_INET, KIND_PING, 0);
	for (i = 1; argv[i]; i++) {
		to = parse_count(argv[i], 0, 65000);
		t0 = now();
		open_idle(fds, &have, to);
		opening += now() - t0;
		/* Time to open them all so far: linear or not. */
		printf("open%ld_ms %.0f\n", to, opening * 1e3);
		printf("idle%ld %.0f\n", to, pingpong(&ep, seconds));
	}
	printf("churn %.0f\n", churn_rate(seconds));
	return 0;
}

static int cmd_udp(char **argv)
{
	int family = parse_choice(argv[0], &families);
	double seconds = parse_seconds(argv[1]);
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_loopback(family, 0, &ss);
	double start, end, t;
	unsigned long n = 0;
	char buf[64] = "";
	int fd;

	fd = socket(family, SOCK_DGRAM, IPPROTO_UDP);
	if (fd < 0 || bind(fd, (void *)&ss, len) ||
	    getsockname(fd, (void *)&ss, &len) ||
	    connect(fd, (void *)&ss, len))
		die("bench: udp socket");
	start = now();
	end = start + seconds;
	do {
		if (send(fd, buf, sizeof(buf), 0) < 0 ||
		    recv(fd, buf, sizeof(buf), 0) < 0)
			die("bench: udp");
		n++;
		t = now();
	} while (t < end);
	printf("rate %.0f\n", n / (t - start));
	return 0;
}

/* A new namespace starts with lo down and ping_group_range "1 0". */
static void namespace_setup(void)
{
	if (lo_up())
		die("bench: lo up");
	if (ping_group_range_set("0 2147483647"))
		die("bench: ping_group_range");
}

static void ns_path(char *buf, size_t size, long i)
{
	snprintf(buf, size, NS_DIR "/ns%ld", i);
}

static int cmd_mkns(char **argv)
{
	long count = parse_count(argv[0], 1, 10000), i;
	char path[64];
	int fd;

	if (mkdir(NS_DIR, 0755) && errno != EEXIST)
		die("bench: " NS_DIR);
	for (i = 0; i < count; i++) {
		ns_path(path, sizeof(path), i);
		fd = open(path, O_CREAT | O_RDONLY, 0444);
		if (fd < 0)
			die("bench: namespace file");
		close(fd);
		if (unshare(CLONE_NEWNET) ||
		    mount("/proc/thread-self/ns/net", path, NULL, MS_BIND, NULL))
			die("bench: namespace");
		namespace_setup();
	}
	return 0;
}

static void enter_ns_path(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0 || setns(fd, CLONE_NEWNET))
		die("bench: setns");
	close(fd);
}

static void enter_ns(long i)
{
	char path[64];

	ns_path(path, sizeof(path), i);
	enter_ns_path(path);
}

/*
 * A ping socket of @family bound to the wildcard address with ident 0,
 * which picks a free ident and hashes the socket, as a bind() by ping(8)
 * or an autobind would.  It stays open until the program exits.
 */
static void bind_beside(int family)
{
	struct sockaddr_storage ss = { .ss_family = family };
	socklen_t len = family == AF_INET ? sizeof(struct sockaddr_in) :
					    sizeof(struct sockaddr_in6);
	int fd = socket(family, SOCK_DGRAM, ping_proto(family));

	if (fd < 0 || bind(fd, (void *)&ss, len))
		die("bench: beside: ping socket");
}

static int cmd_netns(char **argv)
{
	double seconds = parse_seconds(argv[0]);
	long count = parse_count(argv[1], 1, 10000);
	long per_ns = parse_count(argv[2], 1, 65000);
	long have = 0, i;
	struct endpoint ep;
	int *fds;

	want_files(count * per_ns);
	fds = calloc(count * per_ns, sizeof(*fds));
	if (!fds)
		die("bench: calloc");
	enter_ns(0);
	endpoint_open(&ep, AF_INET, KIND_PING, 0);
	/* ep is one of the first namespace's sockets. */
	open_idle(fds, &have, per_ns - 1);
	for (i = 1; i < count; i++) {
		enter_ns(i);
		open_idle(fds, &have, have + per_ns);
	}
	enter_ns(0);
	printf("rate %.0f\n", pingpong(&ep, seconds));
	return 0;
}

static long slab_kib(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long kib = -1;

	if (!f)
		die("bench: /proc/meminfo");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static int cmd_mem(char **argv)
{
	int family = parse_choice(argv[0], &families);
	long count = parse_count(argv[1], 1, 60000), i, before;
	int *fds;

	want_files(count);
	fds = calloc(count, sizeof(*fds));
	if (!fds)
		die("bench: calloc");
	/* Let the RCU-freed sockets of earlier runs go first. */
	sleep(1);
	before = slab_kib();
	for (i = 0; i < count; i++) {
		fds[i] = open_connected(family, KIND_PING);
		if (fds[i] < 0)
			die("bench: socket");
	}
	printf("bytes_per_socket %.0f\n",
	       (slab_kib() - before) * 1024.0 / count);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int args;	/* at least */
		int (*run)(char **argv);
	} cmds[] = {
		{ "pingpong", 3, cmd_pingpong }, { "flood", 5, cmd_flood },
		{ "scale", 2, cmd_scale }, { "udp", 2, cmd_udp },
		{ "mkns", 1, cmd_mkns }, { "netns", 3, cmd_netns },
		{ "mem", 2, cmd_mem },
	};
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 2 && !strcmp(argv[1], "newns")) {
		if (unshare(CLONE_NEWNET))
			die("bench: unshare");
		namespace_setup();
		argc--;
		argv++;
	} else if (argc > 3 && !strcmp(argv[1], "ns")) {
		enter_ns_path(argv[2]);
		argc -= 2;
		argv += 2;
	}
	if (argc > 3 && !strcmp(argv[1], "beside")) {
		bind_beside(parse_choice(argv[2], &families));
		argc -= 2;
		argv += 2;
	}
	for (i = 0; argc > 1 && i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(argv[1], cmds[i].name) && argc - 2 >= cmds[i].args)
			return cmds[i].run(argv + 2);
	return usage("usage: bench [newns | ns PATH] [beside FAMILY]\n"
		     "             pingpong|flood|scale|udp|mkns|netns|mem ARGS...\n");
}
