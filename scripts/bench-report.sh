#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Turn the guest's "BENCH ROUND IMPL WORKLOAD NAME VALUE" lines (stdin) into
# the table of ratios: per round, then the median and min-max over rounds.
# Only ratios of figures from the same round and boot are printed.  The
# rows with a target come first, then the other figures.  A row's clock
# says which boot measured it (scripts/bench.sh): "instr" under -icount,
# where a rate per guest second is a rate per 10^9 instructions, and the
# table also gives B's instructions per operation and what A costs more
# (A-B, negative when A costs less); "wall" in plain TCG time; "bytes".
# "PROFILE ..." lines (BENCH_PROFILE=1) become the profile instead: per
# receive path, the instructions a call of each traced function costs.
set -eu

# The table, a row a line: LABEL | CLOCK | RATIO | GOAL (">= N", "<= N" on
# the median, or "-") | figure A | figure B, each figure
# "IMPL WORKLOAD NAME"; the ratio is A / B.  "-fw" workloads ran in a
# namespace with an nftables input chain and conntrack, the others in one
# without any other LOCAL_IN hook.
BENCH_ROWS=$(cat <<'ROWS'
W1 echo round trip, IPv4           | instr | icmp_ep / built-in            | >= 1.10  | icmp_ep W1-v4 rate        | builtin W1-v4 rate
W1 echo round trip, IPv4, nft+ct   | instr | icmp_ep / built-in            | >= 1.10  | icmp_ep W1-v4-fw rate     | builtin W1-v4-fw rate
W1 echo round trip, IPv6           | instr | icmp_ep / built-in            | >= 1.10  | icmp_ep W1-v6 rate        | builtin W1-v6 rate
W1 echo round trip, IPv6, nft+ct   | instr | icmp_ep / built-in            | >= 1.10  | icmp_ep W1-v6-fw rate     | builtin W1-v6-fw rate
UDP, ping socket bound, IPv4       | instr | icmp_ep / built-in            | >= 0.99  | icmp_ep UDP-v4 rate       | builtin UDP-v4 rate
UDP, ping socket bound, IPv4, nft+ct | instr | icmp_ep / built-in          | >= 0.995 | icmp_ep UDP-v4-fw rate    | builtin UDP-v4-fw rate
UDP, ping socket bound, IPv6       | instr | icmp_ep / built-in            | >= 0.99  | icmp_ep UDP-v6 rate       | builtin UDP-v6 rate
UDP, ping socket bound, IPv6, nft+ct | instr | icmp_ep / built-in          | >= 0.995 | icmp_ep UDP-v6-fw rate    | builtin UDP-v6-fw rate
raw echo, ping socket bound, IPv4  | instr | icmp_ep / built-in            | >= 0.99  | icmp_ep raw-v4 rate       | builtin raw-v4 rate
raw echo, ping socket bound, IPv4, nft+ct | instr | icmp_ep / built-in     | >= 0.99  | icmp_ep raw-v4-fw rate    | builtin raw-v4-fw rate
raw echo, ping socket bound, IPv6  | instr | icmp_ep / built-in            | >= 0.99  | icmp_ep raw-v6 rate       | builtin raw-v6 rate
raw echo, ping socket bound, IPv6, nft+ct | instr | icmp_ep / built-in     | >= 0.99  | icmp_ep raw-v6-fw rate    | builtin raw-v6-fw rate
raw echo, no ping socket, IPv4     | instr | icmp_ep loaded / unloaded     | >= 0.999 | icmp_ep raw-v4-newns rate | builtin raw-v4-newns rate
raw echo, no ping socket, IPv6     | instr | icmp_ep loaded / unloaded     | >= 0.999 | icmp_ep raw-v6-newns rate | builtin raw-v6-newns rate
W2 flood, 8 x 32 in flight         | instr | icmp_ep / built-in            | >= 1.10  | icmp_ep W2 rate           | builtin W2 rate
W2-2cpu flood, 2 CPUs x 8 x 32     | wall  | icmp_ep / built-in            | >= 1.10  | icmp_ep W2-2cpu rate      | builtin W2-2cpu rate
W3 one socket among 60000, own W1  | wall  | icmp_ep: 60000 idle / 1 idle  | >= 0.98  | icmp_ep W3 idle60000      | icmp_ep W3 idle1
W3 one socket among 60000, own W1  | instr | icmp_ep: 60000 idle / 1 idle  | >= 0.98  | icmp_ep W3-instr idle60000 | icmp_ep W3-instr idle1
W3 ping-pong, 60000 idle           | wall  | icmp_ep / built-in            | >= 2.5   | icmp_ep W3 idle60000      | builtin W3 idle60000
W4 churn, 60000 idle               | wall  | icmp_ep / built-in            | >= 2     | icmp_ep W3 churn          | builtin W3 churn
W4 open, 2nd / 1st 30000           | wall  | icmp_ep (1.00 = linear)       | <= 1.25  | icmp_ep W4 open_second    | icmp_ep W4 open_first
W6 200 netns x 100 sockets         | wall  | icmp_ep: W6 / W3 with 1 idle | >= 0.9   | icmp_ep W6 rate           | icmp_ep W3 idle1
slab per socket, IPv4              | bytes | icmp_ep / built-in            | <= 1     | icmp_ep mem-v4 bytes_per_socket | builtin mem-v4 bytes_per_socket
slab per socket, IPv6              | bytes | icmp_ep / built-in            | <= 1     | icmp_ep mem-v6 bytes_per_socket | builtin mem-v6 bytes_per_socket
W1 echo round trip, IPv4           | instr | icmp_ep / raw socket (root)   | -        | icmp_ep W1-v4 rate        | builtin raw-v4 rate
W1 echo round trip, IPv6           | instr | icmp_ep / raw socket (root)   | -        | icmp_ep W1-v6 rate        | builtin raw-v6 rate
W1 echo round trip, IPv4           | instr | built-in: nft+ct / none       | -        | builtin W1-v4-fw rate     | builtin W1-v4 rate
W1 echo round trip, IPv6           | instr | built-in: nft+ct / none       | -        | builtin W1-v6-fw rate     | builtin W1-v6 rate
UDP, ping socket bound, IPv4       | instr | built-in: nft+ct / none       | -        | builtin UDP-v4-fw rate    | builtin UDP-v4 rate
UDP, ping socket bound, IPv6       | instr | built-in: nft+ct / none       | -        | builtin UDP-v6-fw rate    | builtin UDP-v6 rate
raw echo, IPv4, ping socket / none | instr | built-in                      | -        | builtin raw-v4 rate       | builtin raw-v4-newns rate
raw echo, IPv6, ping socket / none | instr | built-in                      | -        | builtin raw-v6 rate       | builtin raw-v6-newns rate
W2-2cpu NET_RX, CPU 0 / CPU 1      | wall  | icmp_ep (1.00 = even spread)  | -        | icmp_ep W2-2cpu net_rx_cpu0 | icmp_ep W2-2cpu net_rx_cpu1
W2-2cpu NET_RX, CPU 0 / CPU 1      | wall  | built-in (1.00 = even spread) | -        | builtin W2-2cpu net_rx_cpu0 | builtin W2-2cpu net_rx_cpu1
W3 ping-pong, 1 idle               | wall  | icmp_ep / built-in            | -        | icmp_ep W3 idle1          | builtin W3 idle1
W3 ping-pong, 1000 idle            | wall  | icmp_ep / built-in            | -        | icmp_ep W3 idle1000       | builtin W3 idle1000
W3 ping-pong, 10000 idle           | wall  | icmp_ep / built-in            | -        | icmp_ep W3 idle10000      | builtin W3 idle10000
W3 ping-pong, 30000 idle           | wall  | icmp_ep / built-in            | -        | icmp_ep W3 idle30000      | builtin W3 idle30000
W3 ping-pong, 60000 idle           | wall  | built-in: 60000 idle / 1 idle | -        | builtin W3 idle60000      | builtin W3 idle1
W4 open 60000 sockets              | wall  | built-in time / icmp_ep time  | -        | builtin W3 open60000_ms   | icmp_ep W3 open60000_ms
W4 open, 2nd / 1st 30000           | wall  | built-in (1.00 = linear)      | -        | builtin W4 open_second    | builtin W4 open_first
W6 200 netns x 100 sockets         | wall  | icmp_ep / built-in            | -        | icmp_ep W6 rate           | builtin W6 rate
ROWS
)
export BENCH_ROWS

awk '
$1 == "INFO" {
	sub(/^INFO /, "")
	info[++ninfo] = $0
}

# PROFILE IMPL CASE - NAME VALUE, or PROFILE IMPL CASE FUNCTION CALLS
# SUM_NS HOLDS PASS (tests/guest/bench).
$1 == "PROFILE" {
	nprof++
	if ($4 == "-") {
		run[$2, $3, $5] = $6
		if ($2 != "calibrate" && !(($3) in seen_case))
			seen_case[cases[++ncases] = $3]
		next
	}
	calls[$2, $3, $4] = $5
	ns[$2, $3, $4] = $6
	holds[$2, $3, $4] = $7
	passof[$2, $3, $4] = $8
	traced[$2, $3, $8] += $5
	if (!(($3, $4) in seen_fn)) {
		seen_fn[$3, $4]
		fns[$3, ++nfns[$3]] = $4
		fpass[$3, $4] = $8
	}
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

function median(a, n) {
	sort(a, n)
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}

function goal(target, op) {
	return op ? sprintf("%s %s", op, target) : ""
}

# row LABEL CLOCK RATIO TARGET OP A_IMPL A_WORKLOAD A_NAME B_IMPL
# B_WORKLOAD B_NAME: the ratio of figure A to figure B, round by round.  OP
# is ">=" or "<=" against TARGET, or "" for a figure without a target.
# Under "instr", rates per 10^9 instructions: also the instructions an
# operation of B takes, and what one of A takes more.
function row(label, clock, ratio, target, op, bi, bw, bn, ci, cw, cn,
	     r, n, x, ib, d, a, b, med, verdict, per, more) {
	n = 0
	for (r = 1; r <= rounds; r++) {
		if (!((r, bi, bw, bn) in v) || !((r, ci, cw, cn) in v))
			continue
		a = v[r, bi, bw, bn]
		b = v[r, ci, cw, cn]
		if (b > 0 && a > 0) {
			x[++n] = a / b
			ib[n] = 1e9 / b
			d[n] = 1e9 / a - 1e9 / b
		}
	}
	# A run of some workloads only (BENCH_WORKLOADS) leaves the rest out.
	if (!n && partial)
		return
	if (!n) {
		printf "| %-41s | %-5s | %-29s | %6s | %-13s | %-8s | %-7s | %8s | %6s |\n",
		       label, clock, ratio, "-", "no data", goal(target, op),
		       "MISSING", "", ""
		missing++
		return
	}
	med = median(x, n)
	per = more = ""
	if (clock == "instr" && bn == "rate") {
		per = sprintf("%.0f", median(ib, n))
		more = sprintf("%+.0f", median(d, n))
	}
	sort(x, n)
	verdict = "-"
	if (op == ">=")
		verdict = med >= target + 0 ? "met" : "MISSED"
	else if (op == "<=")
		verdict = med <= target + 0 ? "met" : "MISSED"
	if (verdict == "MISSED")
		missed++
	printf "| %-41s | %-5s | %-29s | %6.3f | %6.3f-%-6.3f | %-8s | %-7s | %8s | %6s |\n",
	       label, clock, ratio, med, x[1], x[n], goal(target, op), verdict,
	       per, more
}

function header(title) {
	printf "\n%s\n", title
	print "| workload                                  | clock | ratio A / B                   | median | min-max       | target   | verdict | instr/op | A-B    |"
	print "|-------------------------------------------|-------|-------------------------------|--------|---------------|----------|---------|----------|--------|"
}

# The profile, a table per receive path: for each traced function, calls
# per operation and instructions per call, built-in and icmp_ep side by
# side, in the order of the passes (tests/guest/bench), outermost first.
# Per call, the duration less d, the instructions of the tracer inside a
# call, which is the duration of __rcu_read_lock() less its four.  Calls
# per operation count the operations of the traced run of that pass.  A
# call that holds traced calls (HOLDS) also loses their whole tracer cost,
# c each: the instructions the traced run took an operation more than the
# untraced one, over its traced calls an operation.  Its figure is marked
# "~", as c is an average.
function tracer_cost(impl, what, pass,    ops, per) {
	ops = run[impl, what, "traced" pass "rate"] * run[impl, what, "seconds"]
	if (ops <= 0 || !traced[impl, what, pass] || !run[impl, what, "rate"])
		return 0
	per = 1e9 / run[impl, what, "traced" pass "rate"] - \
	      1e9 / run[impl, what, "rate"]
	return per / (traced[impl, what, pass] / ops)
}

function cell(impl, what, f, d,    key, ops, net) {
	key = impl SUBSEP what SUBSEP f
	if (!(key in calls) || !calls[key])
		return sprintf("%8s | %10s", "-", "-")
	ops = run[impl, what, "traced" passof[key] "rate"] * \
	      run[impl, what, "seconds"]
	net = ns[key] - holds[key] * tracer_cost(impl, what, passof[key])
	return sprintf("%8.3f | %9.0f%s", ops ? calls[key] / ops : 0,
		       net / calls[key] - d, holds[key] ? "~" : " ")
}

function profile(    i, j, n, what, f, d, rb, re, key, order) {
	d = 0
	key = "calibrate" SUBSEP "rcu" SUBSEP "__rcu_read_lock"
	if (calls[key])
		d = ns[key] / calls[key] - 4
	print "Profile: ftrace function_graph under -icount, one vCPU: instructions per call"
	printf "(the tracer'"'"'s own %.0f instructions inside each traced call taken out)\n", d
	for (i = 1; i <= ncases; i++) {
		what = cases[i]
		rb = run["builtin", what, "rate"]
		re = run["icmp_ep", what, "rate"]
		printf "\n%s, untraced: %s instructions an operation with the built-in, %s with icmp_ep (%s)\n", what,
		       rb ? sprintf("%.0f", 1e9 / rb) : "-",
		       re ? sprintf("%.0f", 1e9 / re) : "-",
		       rb && re ? sprintf("%+.0f", 1e9 / re - 1e9 / rb) : "-"
		print "|                                | built-in              | icmp_ep               |"
		print "| function                       | calls/op | instr/call | calls/op | instr/call |"
		print "|--------------------------------|----------|------------|----------|------------|"
		n = 0
		for (j = 1; j <= nfns[what]; j++) {
			f = fns[what, j]
			order[++n] = sprintf("%d %s", fpass[what, f], f)
		}
		sort(order, n)
		for (j = 1; j <= n; j++) {
			f = substr(order[j], index(order[j], " ") + 1)
			printf "| %-30s | %s | %s |\n", f,
			       cell("builtin", what, f, d),
			       cell("icmp_ep", what, f, d)
		}
		delete order
	}
}

END {
	if (nprof) {
		profile()
		for (i = 1; i <= ninfo; i++)
			print info[i]
		exit 0
	}
	if (!rounds) {
		for (i = 1; i <= ninfo; i++)
			print info[i]
		exit 1
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
		header(pass == 1 ? "Targets" : "Other figures")
		for (i = 1; i <= nrows; i++) {
			split(rows[i], f, "|")
			for (j = 1; j <= 6; j++)
				gsub(/^ +| +$/, "", f[j])
			if ((f[4] != "-") != (pass == 1))
				continue
			split(f[4], goal_of, " ")
			split(f[5], num, " ")
			split(f[6], den, " ")
			row(f[1], f[2], f[3], goal_of[2],
			    f[4] == "-" ? "" : goal_of[1],
			    num[1], num[2], num[3], den[1], den[2], den[3])
		}
	}
	printf "\n%d rounds; %d targets missed, %d figures missing\n",
	       rounds, missed, missing
	print "instr: one vCPU under -icount, rates per 10^9 guest instructions;" \
	      " instr/op: B'"'"'s instructions an operation, A-B: A'"'"'s more"
	print "wall: two vCPUs, plain TCG time; bytes: slab growth per socket"
	for (i = 1; i <= ninfo; i++)
		print info[i]
	exit missing ? 1 : 0
}'
