#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make quick`: the loop to run while working, a few minutes where `make
# check` takes many: lint, icmp_ep built for Debian's 6.1 and 6.12 with W=1
# and sparse, and the guest suites named in SUITES on the stock 6.1 kernel,
# beside them.
#   quick.sh [SUITE...]: fragments of suite file names, as in
#	`make quick SUITES="35 85"`; none named, no guest boots.
# The last line printed is "N passed, N failed".
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

# guest SUITE...: the named suites on the stock 6.1 kernel.
guest() {
	release=$(icmp_ep_stock_release 6.1)
	out=$build/quick-6.1
	"$scripts/initramfs.sh" "$out/initramfs.gz" "$out" "$build/bin" \
		"$release"
	ICMP_EP_ARGS="guest.suites=$(echo "$@" | tr ' ' ,)"
	export ICMP_EP_ARGS
	icmp_ep_vm vm-quick-6.1 "/boot/vmlinuz-$release" "$out/initramfs.gz" \
		900 2048
}

icmp_ep_deps
icmp_ep_steps_init "$build/quick"
# shellcheck disable=SC2046 # one argument per suite
set -- $(echo "$*" | tr , ' ')

icmp_ep_step build-tests make -s -C "$here/tests" O="$build/bin"
icmp_ep_step build-6.1 "$scripts/build-module.sh" \
	"/usr/src/linux-headers-$(icmp_ep_stock_release 6.1)" "$build/quick-6.1"
if [ $# -gt 0 ] && [ -f "$build/quick-6.1/icmp_ep.ko" ]; then
	icmp_ep_lane guest guest "$@"
else
	echo "quick: no SUITES named, no guest boots"
fi
icmp_ep_step lint "$scripts/lint.sh"
icmp_ep_step build-6.12 "$scripts/build-module.sh" \
	"/usr/src/linux-headers-$(icmp_ep_stock_release 6.12)" "$build/quick-6.12"
icmp_ep_report
icmp_ep_wait_lanes
icmp_ep_summary
