#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make check`: build icmp_ep warning-free, then run every test on Debian's
# 6.1 and 6.12 kernels, prove the Debian package on both, and run the
# KASAN/lockdep/kmemleak/KUnit debug kernels: every guest suite and KUnit
# on 6.1, KUnit on 6.12 (DEBUG_SUITES_612=all runs every guest suite there
# too).
#
# A guest leaves the host's cores idle part of its time, so the work runs
# in lanes side by side (scripts/lib.sh's steps), each VM with its own two
# vCPUs and its own directory: the debug kernels (built on a fresh machine,
# then booted), each stock kernel's VM, and the package.  Each step's
# output goes to build/check/STEP.log and is printed whole when the step
# ends.  The summary gives every step's verdicts and wall time; the last
# line printed is "N passed, N failed".
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

series="6.1 6.12"

# stock SERIES: every guest suite, the differential ones included, on
# Debian's kernel of SERIES, against its own built-in ping sockets.
stock() {
	release=$(icmp_ep_stock_release "$1")
	[ -f "$build/stock-$1/initramfs.gz" ] || return 0
	icmp_ep_vm "vm-$1" "/boot/vmlinuz-$release" \
		"$build/stock-$1/initramfs.gz" 1800 2048
}

# package RELEASE...: the Debian package, installed for both kernels at
# once, then each kernel booted with the module DKMS built for it, loaded
# by modprobe.
package() {
	# Not before every stock image is packed: the install changes what
	# /lib/modules holds.
	until [ -f "$steps_dir/stock-images-packed" ]; do
		sleep 2
	done
	dkms_root=$build/dkms-root
	icmp_ep_step deb "$scripts/deb-check.sh" "$dkms_root" "$@"
	for s in $series; do
		release=$(icmp_ep_stock_release "$s")
		[ -d "$dkms_root/lib/modules/$release" ] || continue
		out=$build/dkms-$s
		mkdir -p "$out"
		"$scripts/initramfs.sh" "$out/initramfs.gz" "$build/stock-$s" \
			"$build/bin" "$release" "$dkms_root"
		export ICMP_EP_ARGS=guest.suites=dkms
		icmp_ep_vm "vm-dkms-$s" "/boot/vmlinuz-$release" \
			"$out/initramfs.gz" 600 1024
		unset ICMP_EP_ARGS
	done
}

# stock_then_package RELEASE...: stock 6.1, then the package.
stock_then_package() {
	stock 6.1
	package "$@"
}

# debug_kernel SERIES [NICE]: build the debug kernel, or find it cached;
# its tree in build/check/tree-SERIES.  A build that nothing waits for
# yields the CPU to the VMs at NICE.
debug_kernel() {
	nice -n "${2:-0}" "$scripts/debug-kernel.sh" "$1" >"$steps_dir/tree-$1"
}

# The guest suites under the 6.1 sanitizers take longest of all: they run
# in two VMs side by side, the suites named here in one, the rest (KUnit
# among them, and any suite added later) in the other.  Balanced by their
# times on stock 6.1 (45-ipsec alone is a third); to be balanced by their
# times under KASAN, which vm-debug-6.1a and b print.
debug_shard_a=05-,10-,20-,30-,35-,40-,45-ipsec,60-

# debug_vm SERIES TREE NAME [SHARD_ARGS]: boot the debug kernel of SERIES
# with the guest suites SHARD_ARGS pick.
debug_vm() {
	ICMP_EP_ARGS=${4:-}
	export ICMP_EP_ARGS
	icmp_ep_vm "$3" "$2/arch/x86/boot/bzImage" "$build/debug-$1/initramfs.gz" \
		3600 2048
	unset ICMP_EP_ARGS
}

# debug_image SERIES [NICE]: build the debug kernel (or find it cached),
# the module and its KUnit suite against it, and the guest image; the
# kernel's tree in build/check/debug-ready-SERIES.
debug_image() {
	icmp_ep_step "debug-kernel-$1" debug_kernel "$1" "${2:-0}"
	[ -s "$steps_dir/tree-$1" ] || return 1
	tree=$(cat "$steps_dir/tree-$1")
	out=$build/debug-$1
	icmp_ep_step "build-debug-$1" "$scripts/build-module.sh" "$tree" "$out"
	[ -f "$out/icmp_ep_test.ko" ] || return 1
	"$scripts/initramfs.sh" "$out/initramfs.gz" "$out" "$build/bin"
	echo "$tree" >"$steps_dir/debug-ready-$1"
}

# debug_612: KUnit on the 6.12 debug kernel, or every guest suite with
# DEBUG_SUITES_612=all.
debug_612() {
	# After 6.1's, whose VMs are the longest runs, and behind them.
	until [ -f "$steps_dir/debug-ready-6.1" ]; do
		sleep 2
	done
	debug_image 6.12 10 || return 0
	tree=$(cat "$steps_dir/debug-ready-6.12")
	if [ "${DEBUG_SUITES_612:-kunit}" = all ]; then
		debug_vm 6.12 "$tree" vm-debug-6.12
		icmp_ep_kunit kunit-6.12 "$tree" "$build/vm-debug-6.12/results.log"
	else
		debug_vm 6.12 "$tree" vm-debug-6.12-kunit guest.suites=kunit
		icmp_ep_kunit kunit-6.12 "$tree" \
			"$build/vm-debug-6.12-kunit/results.log"
	fi
}

# debug_61 SHARD: one half of the guest suites under the 6.1 sanitizers;
# shard a also builds the kernel and the image, which shard b waits for.
debug_61() {
	if [ "$1" = a ]; then
		debug_image 6.1 || { : >"$steps_dir/debug-ready-6.1"; return 0; }
		tree=$(cat "$steps_dir/debug-ready-6.1")
		debug_vm 6.1 "$tree" vm-debug-6.1a "guest.suites=$debug_shard_a"
		return 0
	fi
	until [ -f "$steps_dir/debug-ready-6.1" ]; do
		sleep 2
	done
	tree=$(cat "$steps_dir/debug-ready-6.1")
	[ -n "$tree" ] || return 0
	debug_vm 6.1 "$tree" vm-debug-6.1b "guest.skip=$debug_shard_a"
	icmp_ep_kunit kunit-6.1 "$tree" "$build/vm-debug-6.1b/results.log"
}

icmp_ep_deps
icmp_ep_steps_init "$build/check"

# Every VM's image holds the test programs: built once, first.
icmp_ep_step build-tests make -s -C "$here/tests" O="$build/bin"
# The debug kernels are a fresh machine's longest builds, and their VMs
# the longest runs: they start next and go on beside everything else.
# debug-kernel.sh builds one kernel at a time, 6.1 first.
icmp_ep_lane debug-6.1a debug_61 a
icmp_ep_lane debug-6.1b debug_61 b
icmp_ep_lane debug-6.12 debug_612

# Each stock kernel's VM as soon as its module and image are built; the
# package after stock 6.1's VM.
releases=
for s in $series; do
	releases="$releases $(icmp_ep_stock_release "$s")"
done
for s in $series; do
	release=$(icmp_ep_stock_release "$s")
	icmp_ep_step "build-$s" "$scripts/build-module.sh" \
		"/usr/src/linux-headers-$release" "$build/stock-$s"
	[ ! -f "$build/stock-$s/icmp_ep.ko" ] ||
		"$scripts/initramfs.sh" "$build/stock-$s/initramfs.gz" \
			"$build/stock-$s" "$build/bin" "$release"
	if [ "$s" = 6.1 ]; then
		# shellcheck disable=SC2086 # one argument per release
		icmp_ep_lane stock-6.1 stock_then_package $releases
	else
		icmp_ep_lane "stock-$s" stock "$s"
	fi
done
: >"$steps_dir/stock-images-packed"
icmp_ep_step lint "$scripts/lint.sh"
icmp_ep_step install "$scripts/install-check.sh" \
	"/usr/src/linux-headers-$(icmp_ep_stock_release 6.1)" "$build/stock-6.1"
icmp_ep_step docs python3 -m docutils --halt=warning \
	"$here/Documentation/icmp_ep.rst" /dev/null
icmp_ep_report
icmp_ep_wait_lanes
icmp_ep_summary
