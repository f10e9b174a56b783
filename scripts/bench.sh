#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make bench`: boot Debian's stock kernel and run every workload against
# the built-in ping sockets and against icmp_ep, in interleaved rounds
# (A B, B A, ...), then print the table of ratios (scripts/bench-report.sh).
# Two boots, one after the other:
#   - one vCPU under QEMU's -icount shift=0,sleep=off, for the workloads
#     bound by CPU work (W1, W2, UDP, raw ICMP): the guest clock advances
#     1 ns per guest instruction, so a rate per guest second is a rate per
#     10^9 instructions, the same on an idle host and a loaded one;
#   - two vCPUs in plain TCG time, for those bound by memory, socket counts
#     and contention (W2-2cpu, W3, W4, W6, slab per socket), which
#     instruction counts do not see.
#   BENCH_ROUNDS (default 2), BENCH_SECONDS per measurement (default 0.5),
#   BENCH_WORKLOADS (default all; or e.g. W1-v4,UDP-v6-fw,W3: a boot none
#   of whose workloads is asked is left out)
# BENCH_PROFILE=1 instead boots once under -icount and prints, per function
# of each receive path, the instructions a call costs, from ftrace's
# function_graph (PROFILE_SECONDS, default 0.05, per traced run), in the
# namespace without a firewall (PROFILE_SETUPS=plain), or with one (fw), or
# both (plain,fw).
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

rounds=${BENCH_ROUNDS:-2}
seconds=${BENCH_SECONDS:-0.5}
workloads=${BENCH_WORKLOADS:-all}
image=$build/stock

case $rounds in
'' | *[!0-9]* | 0*)
	echo "bench: BENCH_ROUNDS must be a whole number > 0, not '$rounds'" >&2
	exit 2
	;;
esac
if ! awk -v s="$seconds" 'BEGIN { exit !(s ~ /^[0-9]*\.?[0-9]+$/ && s >= 0.1) }'; then
	echo "bench: BENCH_SECONDS must be a number >= 0.1, not '$seconds'" >&2
	exit 2
fi

# wanted WORKLOAD...: whether BENCH_WORKLOADS asks for any of them.
wanted() {
	case ",$workloads," in *,all,*) return 0 ;; esac
	for w in "$@"; do
		case ",$workloads," in *",$w,"*) return 0 ;; esac
	done
	return 1
}

# boot OUT_DIR TIMEOUT GUEST_ARGS: one guest run of the bench mode.
boot() {
	ICMP_EP_ARGS=$3 "$scripts/vm-run.sh" "/boot/vmlinuz-$release" \
		"$image/initramfs.gz" "$1" bench "$2" 2048 >&2
}

# ceil(rounds * seconds * N + M): a guest's time limit in host seconds.
limit() {
	awk -v r="$rounds" -v s="$seconds" -v n="$1" -v m="$2" \
		'BEGIN { x = r * (s < 1 ? 1 : s) * n + m; printf "%d\n", x + 0.999 }'
}

# The profile's image of its own, so that it may run beside `make bench`.
[ -z "${BENCH_PROFILE:-}" ] || image=$build/bench-profile
icmp_ep_stock_image "$image"

if [ -n "${BENCH_PROFILE:-}" ]; then
	echo "bench: receive paths under function_graph, -icount, on $release" >&2
	out=$build/vm-bench-profile
	# 22 minutes for one setup on a loaded host; twice that, and a hang.
	ICMP_EP_CPUS=1 ICMP_EP_ICOUNT=1 boot "$out" 6000 \
		"guest.profile=1 guest.profile_seconds=${PROFILE_SECONDS:-0.05} guest.profile_setups=${PROFILE_SETUPS:-plain} guest.clock=icount"
	tr -d '\r' <"$out/results.log" | "$scripts/bench-report.sh"
	exit
fi

args="guest.rounds=$rounds guest.bench_seconds=$seconds guest.workloads=$workloads"
logs=
# Each -icount measurement takes 10-40 host seconds a guest second: 23
# minutes for 2 rounds of 0.5 s on a loaded host.
if wanted W1-v4 W1-v6 W1-v4-fw W1-v6-fw UDP-v4 UDP-v6 UDP-v4-fw UDP-v6-fw \
	raw-v4 raw-v6 raw-v4-fw raw-v6-fw W2 raw-v4-newns raw-v6-newns W3-instr; then
	echo "bench: $rounds rounds of ${seconds}-second measurements on $release, one vCPU, -icount" >&2
	out=$build/vm-bench-icount
	ICMP_EP_CPUS=1 ICMP_EP_ICOUNT=1 boot "$out" "$(limit 2400 900)" \
		"$args guest.clock=icount"
	logs="$out/results.log"
fi
if wanted W2-2cpu W3 W6 mem-v4 mem-v6; then
	echo "bench: $rounds rounds of ${seconds}-second measurements on $release, two vCPUs, wall time" >&2
	out=$build/vm-bench-wall
	ICMP_EP_CPUS=2 boot "$out" "$(limit 600 600)" "$args guest.clock=wall"
	logs="$logs $out/results.log"
fi
# shellcheck disable=SC2086 # one argument per log
cat $logs | tr -d '\r' | "$scripts/bench-report.sh"
