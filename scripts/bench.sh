#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make bench`: boot Debian's stock kernel once and run every workload
# against the built-in ping sockets and against icmp_ep, in interleaved
# rounds (A B, B A, ...), then print the table of ratios
# (scripts/bench-report.sh).
#   BENCH_ROUNDS (default 10), BENCH_SECONDS per measurement (default 2),
#   BENCH_WORKLOADS (default all; or e.g. W1-v4,W1-v6,W2,W2-2cpu,W3)
# BENCH_PROFILE=1 instead runs W2-2cpu under perf in the guest, once per
# implementation (BENCH_SECONDS long), and prints where the samples fell.
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

rounds=${BENCH_ROUNDS:-10}
seconds=${BENCH_SECONDS:-2}
image=$build/stock
out=$build/vm-bench
args="guest.rounds=$rounds guest.bench_seconds=$seconds guest.workloads=${BENCH_WORKLOADS:-all}"
limit=$((rounds * 600 + 600))
if [ -n "${BENCH_PROFILE:-}" ]; then
	# perf and its libraries go into this image only (initramfs.sh).
	ICMP_EP_EXTRA_BINS=/usr/bin/perf
	export ICMP_EP_EXTRA_BINS
	image=$build/bench-profile
	out=$build/vm-bench-profile
	args="guest.profile=1 guest.bench_seconds=$seconds"
	limit=$((seconds * 20 + 600))
fi
icmp_ep_stock_image "$image"
if [ -n "${BENCH_PROFILE:-}" ]; then
	echo "bench: W2-2cpu under perf and ftrace on $release" >&2
else
	echo "bench: $rounds rounds of ${seconds}-second measurements on $release" >&2
fi
# The guest has two CPUs (vm-run.sh), which W2-2cpu needs.
ICMP_EP_ARGS="$args" "$scripts/vm-run.sh" "/boot/vmlinuz-$release" \
	"$image/initramfs.gz" "$out" bench "$limit" 2048 >&2
tr -d '\r' <"$out/results.log" | "$scripts/bench-report.sh"
