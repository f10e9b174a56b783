#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Turn the guest's "BENCH ROUND IMPL WORKLOAD NAME VALUE" lines (stdin) into
# the table of ratios: per round, then the median and min-max over rounds.
# Only ratios of figures from the same round and boot are printed.  The
# rows with a target (issue 15's table) come first, then the other figures.
# "PROFILE IMPL WHAT PERCENT" lines (BENCH_PROFILE=1) become the table of
# where the samples fell, an implementation a column.
set -eu

# The table, a row a line: LABEL | RATIO | GOAL (">= N", "<= N" on the
# median, or "-") | figure A | figure B, each figure "IMPL WORKLOAD NAME";
# the ratio is A / B.
BENCH_ROWS=$(cat <<'ROWS'
W1 ping-pong, IPv4                 | icmp_ep / built-in            | >= 1.05 | icmp_ep W1-v4 rate     | builtin W1-v4 rate
W1 ping-pong, IPv6                 | icmp_ep / built-in            | >= 1.05 | icmp_ep W1-v6 rate     | builtin W1-v6 rate
W2 flood, 8 x 32 in flight         | icmp_ep / built-in            | >= 1.10 | icmp_ep W2 rate        | builtin W2 rate
W2-2cpu flood, 2 CPUs x 8 x 32     | icmp_ep / built-in            | >= 1.10 | icmp_ep W2-2cpu rate   | builtin W2-2cpu rate
W1 raw, IPv4, netns w/o icmp_ep    | icmp_ep loaded / unloaded     | >= 0.99 | raw-loaded W1-v4-rawns rate | raw W1-v4-rawns rate
W1 raw, IPv6, netns w/o icmp_ep    | icmp_ep loaded / unloaded     | >= 0.99 | raw-loaded W1-v6-rawns rate | raw W1-v6-rawns rate
W5 UDP bystander                   | loaded / unloaded             | >= 0.99 | icmp_ep W5 rate        | builtin W5 rate
W3 ping-pong, 60000 idle           | icmp_ep / built-in            | >= 2.5  | icmp_ep W3 idle60000   | builtin W3 idle60000
W3 ping-pong, 60000 idle           | icmp_ep: 60000 idle / 1 idle  | >= 0.9  | icmp_ep W3 idle60000   | icmp_ep W3 idle1
W4 churn, 60000 idle               | icmp_ep / built-in            | >= 2    | icmp_ep W3 churn       | builtin W3 churn
W4 open, 2nd / 1st 30000           | icmp_ep (1.00 = linear)       | <= 1.25 | icmp_ep W4 open_second | icmp_ep W4 open_first
W6 200 netns x 100 sockets         | icmp_ep: W6 / own W1 IPv4     | >= 0.9  | icmp_ep W6 rate        | icmp_ep W1-v4 rate
slab per socket, IPv4              | icmp_ep / built-in            | <= 1    | icmp_ep mem-v4 bytes_per_socket | builtin mem-v4 bytes_per_socket
slab per socket, IPv6              | icmp_ep / built-in            | <= 1    | icmp_ep mem-v6 bytes_per_socket | builtin mem-v6 bytes_per_socket
W1 ping-pong, IPv4                 | icmp_ep / raw socket (root)   | -       | icmp_ep W1-v4 rate     | raw W1-v4 rate
W1 ping-pong, IPv6                 | icmp_ep / raw socket (root)   | -       | icmp_ep W1-v6 rate     | raw W1-v6 rate
W2 flood, 8 x 32 in flight         | icmp_ep / raw socket (root)   | -       | icmp_ep W2 rate        | raw W2 rate
W2-2cpu flood, 2 CPUs x 8 x 32     | icmp_ep: W2-2cpu / W2         | -       | icmp_ep W2-2cpu rate   | icmp_ep W2 rate
W2-2cpu flood, 2 CPUs x 8 x 32     | built-in: W2-2cpu / W2        | -       | builtin W2-2cpu rate   | builtin W2 rate
W2-2cpu NET_RX, CPU 0 / CPU 1      | icmp_ep (1.00 = even spread)  | -       | icmp_ep W2-2cpu net_rx_cpu0 | icmp_ep W2-2cpu net_rx_cpu1
W2-2cpu NET_RX, CPU 0 / CPU 1      | built-in (1.00 = even spread) | -       | builtin W2-2cpu net_rx_cpu0 | builtin W2-2cpu net_rx_cpu1
W1 raw socket, IPv4                | icmp_ep loaded / unloaded     | -       | raw-loaded W1-v4 rate  | raw W1-v4 rate
W1 raw socket, IPv6                | icmp_ep loaded / unloaded     | -       | raw-loaded W1-v6 rate  | raw W1-v6 rate
W2 raw sockets, IPv4               | icmp_ep loaded / unloaded     | -       | raw-loaded W2 rate     | raw W2 rate
W3 ping-pong, 1 idle               | icmp_ep / built-in            | -       | icmp_ep W3 idle1       | builtin W3 idle1
W3 ping-pong, 1000 idle            | icmp_ep / built-in            | -       | icmp_ep W3 idle1000    | builtin W3 idle1000
W3 ping-pong, 10000 idle           | icmp_ep / built-in            | -       | icmp_ep W3 idle10000   | builtin W3 idle10000
W3 ping-pong, 30000 idle           | icmp_ep / built-in            | -       | icmp_ep W3 idle30000   | builtin W3 idle30000
W3 ping-pong, 60000 idle           | built-in: 60000 idle / 1 idle | -       | builtin W3 idle60000   | builtin W3 idle1
W4 open 60000 sockets              | built-in time / icmp_ep time  | -       | builtin W3 open60000_ms | icmp_ep W3 open60000_ms
W4 open, 2nd / 1st 30000           | built-in (1.00 = linear)      | -       | builtin W4 open_second | builtin W4 open_first
W6 200 netns x 100 sockets         | icmp_ep / built-in            | -       | icmp_ep W6 rate        | builtin W6 rate
ROWS
)
export BENCH_ROWS

awk '
$1 == "INFO" {
	sub(/^INFO /, "")
	info[++ninfo] = $0
}

$1 == "PROFILE" {
	if (!(($3) in shown))
		shown[what[++nwhat] = $3]
	pct[$2, $3] = $4
}

$1 == "BENCH" {
	v[$2, $3, $4, $5] = $6
	if ($2 > rounds)
		rounds = $2
}

function sort(a, n,    i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
}

function goal(target, op) {
	return op ? sprintf("%s %.2f", op, target) : ""
}

# row LABEL RATIO TARGET OP A_IMPL A_WORKLOAD A_NAME B_IMPL B_WORKLOAD
# B_NAME: the ratio of figure A to figure B, round by round.  OP is ">=" or
# "<=" against TARGET, or "" for a figure without a target.
function row(label, ratio, target, op, bi, bw, bn, ci, cw, cn,
	     r, n, x, a, b, med, verdict) {
	n = 0
	for (r = 1; r <= rounds; r++) {
		if (!((r, bi, bw, bn) in v) || !((r, ci, cw, cn) in v))
			continue
		a = v[r, bi, bw, bn]
		b = v[r, ci, cw, cn]
		if (b > 0)
			x[++n] = a / b
	}
	# A run of some workloads only (BENCH_WORKLOADS) leaves the rest out.
	if (!n && partial)
		return
	if (!n) {
		printf "| %-34s | %-29s | %6s | %-13s | %-7s | %-7s |\n",
		       label, ratio, "-", "no data", goal(target, op), "MISSING"
		missing++
		return
	}
	sort(x, n)
	med = n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2
	verdict = "-"
	if (op == ">=")
		verdict = med >= target ? "met" : "MISSED"
	else if (op == "<=")
		verdict = med <= target ? "met" : "MISSED"
	if (verdict == "MISSED")
		missed++
	printf "| %-34s | %-29s | %6.3f | %6.3f-%-6.3f | %-7s | %-7s |\n",
	       label, ratio, med, x[1], x[n], goal(target, op), verdict
}

function header(title) {
	printf "\n%s\n", title
	print "| workload                           | ratio                         | median | min-max       | target  | verdict |"
	print "|------------------------------------|-------------------------------|--------|---------------|---------|---------|"
}

# The profile: the share of the busy samples in perf, then in ftrace
# function_graph the share of the CPU time and the time a call
# ("FUNCTION:%cpu", "FUNCTION:ns/call"), built-in and icmp_ep side by side.
function profile(    i, pass, b, e) {
	for (pass = 1; pass <= 2; pass++) {
		if (pass == 1)
			print "W2-2cpu under perf record -a -g -e cpu-clock: % of the busy samples whose call chain holds"
		else
			print "\nW2-2cpu under ftrace function_graph, 1 s: % of all CPU time in, and ns per call of"
		printf "| %-36s | built-in | icmp_ep |\n",
		       pass == 1 ? "function (leaf: own samples)" : "function"
		print "|--------------------------------------|----------|---------|"
		for (i = 1; i <= nwhat; i++) {
			if ((what[i] ~ /:(%cpu|ns\/call)$/) != (pass == 2))
				continue
			b = ("builtin", what[i]) in pct ? pct["builtin", what[i]] : "-"
			e = ("icmp_ep", what[i]) in pct ? pct["icmp_ep", what[i]] : "-"
			printf "| %-36s | %8s | %7s |\n", what[i], b, e
		}
	}
}

END {
	if (nwhat)
		profile()
	if (!rounds) {
		for (i = 1; i <= ninfo; i++)
			print info[i]
		exit nwhat ? 0 : 1
	}
	partial = ENVIRON["BENCH_WORKLOADS"] != "" && ENVIRON["BENCH_WORKLOADS"] != "all"
	# The second half of the idle sockets against the first: 1 is linear.
	for (r = 1; r <= rounds; r++)
		for (i = 0; i < 2; i++) {
			impl = i ? "icmp_ep" : "builtin"
			if ((r, impl, "W3", "open30000_ms") in v &&
			    (r, impl, "W3", "open60000_ms") in v) {
				first = v[r, impl, "W3", "open30000_ms"]
				v[r, impl, "W4", "open_first"] = first
				v[r, impl, "W4", "open_second"] = \
					v[r, impl, "W3", "open60000_ms"] - first
			}
		}

	nrows = split(ENVIRON["BENCH_ROWS"], rows, "\n")
	# Pass 1: the rows with a target; pass 2: the other figures.
	for (pass = 1; pass <= 2; pass++) {
		header(pass == 1 ? "Targets (issue 15)" : "Other figures")
		for (i = 1; i <= nrows; i++) {
			split(rows[i], f, "|")
			for (j = 1; j <= 5; j++)
				gsub(/^ +| +$/, "", f[j])
			if ((f[3] != "-") != (pass == 1))
				continue
			split(f[3], goal_of, " ")
			split(f[4], num, " ")
			split(f[5], den, " ")
			row(f[1], f[2], goal_of[2] + 0,
			    f[3] == "-" ? "" : goal_of[1],
			    num[1], num[2], num[3], den[1], den[2], den[3])
		}
	}
	printf "\n%d rounds; %d targets missed, %d figures missing\n",
	       rounds, missed, missing
	for (i = 1; i <= ninfo; i++)
		print info[i]
	exit missing ? 1 : 0
}'
