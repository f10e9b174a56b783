#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make bench`: boot Debian's stock kernel once and run every workload
# against the built-in ping sockets and against icmp_ep, in interleaved
# rounds (A B, B A, ...), then print the table of ratios
# (scripts/bench-report.sh).
#   BENCH_ROUNDS (default 6), BENCH_SECONDS per measurement (default 3),
#   BENCH_WORKLOADS (default all; or e.g. W1-v4,W1-v6,W2,W3)
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

rounds=${BENCH_ROUNDS:-6}
seconds=${BENCH_SECONDS:-3}
icmp_ep_stock_image "$build/stock"
echo "bench: $rounds rounds of ${seconds}-second measurements on $release" >&2
ICMP_EP_ARGS="guest.rounds=$rounds guest.bench_seconds=$seconds guest.workloads=${BENCH_WORKLOADS:-all}" \
	"$scripts/vm-run.sh" "/boot/vmlinuz-$release" \
	"$build/stock/initramfs.gz" "$build/vm-bench" bench \
	$((rounds * 600 + 600)) 2048 >&2
tr -d '\r' <"$build/vm-bench/results.log" | "$scripts/bench-report.sh"
