#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make check`: build icmp_ep warning-free, then run every test on Debian's
# 6.1 and 6.12 kernels, prove the Debian package on both, and run the
# KASAN/lockdep/kmemleak/KUnit debug kernels: every guest suite and KUnit
# on 6.1, KUnit on 6.12 (DEBUG_SUITES_612=all runs every guest suite there
# too).
#
# The work runs in lanes side by side (scripts/lib.sh's steps), each VM
# with its own two vCPUs and its own directory.  Two lanes of VMs, so
# that two cores are kept busy while a guest waits, and no more, so that
# a guest's own watchdogs (a soft lockup at 20 s, an RCU stall at 21 s)
# do not take a starved vCPU for a stuck kernel: stock 6.1, the package
# and half the guest suites under the 6.1 sanitizers in one; stock 6.12
# and the other half in the other.  A third lane builds the debug kernels
# (on a fresh machine; cached after) at nice 10, taking what the VMs
# leave, then boots 6.12's for KUnit.  Each step's output goes to
# build/check/STEP.log and is printed whole when the step ends.  The
# summary gives every step's verdicts and wall time; the last line printed
# is "N passed, N failed".
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

series="6.1 6.12"

# The guest suites under the 6.1 sanitizers take longest of all: they are
# split between the two VM lanes, the suites named here in the first, the
# rest (KUnit among them, and any suite added later) in the second, which
# has no package to prove.  Balanced by their times under KASAN, which
# vm-debug-6.1a and b print: 1,304 s against 1,832 s on 2026-12-07 before
# 42- and 46- (252 s) moved to the first.
debug_shard_a=05-,10-,20-,30-,35-,40-,42-,45-ipsec,46-,60-

# stock SERIES: every guest suite, the differential ones included, on
# Debian's kernel of SERIES, against its own built-in ping sockets.
stock() {
	release=$(icmp_ep_stock_release "$1")
	[ -f "$build/stock-$1/initramfs.gz" ] || return 0
	icmp_ep_vm "vm-$1" "/boot/vmlinuz-$release" \
		"$build/stock-$1/initramfs.gz" 2700 2048
	# kernel.modules_disabled cannot be undone: its suite gets a boot of
	# its own, where nothing has loaded nf_defrag_ipv6 yet.
	export ICMP_EP_ARGS=guest.suites=modules-disabled
	icmp_ep_vm "vm-$1-modules-disabled" "/boot/vmlinuz-$release" \
		"$build/stock-$1/initramfs.gz" 600 1024
	unset ICMP_EP_ARGS
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

# debug_kernel SERIES: build the debug kernel at nice 10, or find it
# cached; its tree in build/check/tree-SERIES.
debug_kernel() {
	nice -n 10 "$scripts/debug-kernel.sh" "$1" >"$steps_dir/tree-$1"
}

# debug_image SERIES: build the debug kernel (or find it cached), the
# module and its KUnit suite against it, and the guest image; then the
# kernel's tree, or nothing if any of that failed, in
# build/check/debug-ready-SERIES.
debug_image() {
	icmp_ep_step "debug-kernel-$1" debug_kernel "$1"
	tree=$(cat "$steps_dir/tree-$1" 2>/dev/null || true)
	out=$build/debug-$1
	if [ -n "$tree" ]; then
		icmp_ep_step "build-debug-$1" icmp_ep_guest_image "$tree" "$out"
	fi
	# build-module.sh empties $out first: a failed build leaves no image.
	[ -f "$out/icmp_ep_test.ko" ] && [ -f "$out/initramfs.gz" ] || tree=
	echo "$tree" >"$steps_dir/debug-ready-$1.tmp"
	mv "$steps_dir/debug-ready-$1.tmp" "$steps_dir/debug-ready-$1"
}

# debug_tree SERIES: wait for debug_image SERIES, then print its tree
# (nothing if it failed).
debug_tree() {
	until [ -f "$steps_dir/debug-ready-$1" ]; do
		sleep 2
	done
	cat "$steps_dir/debug-ready-$1"
}

# debug_vm SERIES NAME [ARGS]: boot the debug kernel of SERIES with the
# guest suites ARGS pick, once it is built.
debug_vm() {
	tree=$(debug_tree "$1")
	[ -n "$tree" ] || return 1
	ICMP_EP_ARGS=${3:-}
	export ICMP_EP_ARGS
	icmp_ep_vm "$2" "$tree/arch/x86/boot/bzImage" \
		"$build/debug-$1/initramfs.gz" 4500 2048
	unset ICMP_EP_ARGS
}

# lane_a RELEASE...: stock 6.1, the package, the first half of the 6.1
# sanitizers' suites.
lane_a() {
	stock 6.1
	package "$@"
	debug_vm 6.1 vm-debug-6.1a "guest.suites=$debug_shard_a"
}

# lane_b: stock 6.12, the second half of the 6.1 sanitizers' suites and
# their KUnit.
lane_b() {
	stock 6.12
	debug_vm 6.1 vm-debug-6.1b "guest.skip=$debug_shard_a" || return 0
	icmp_ep_kunit kunit-6.1 "$(debug_tree 6.1)" \
		"$build/vm-debug-6.1b/results.log"
}

# kernels: the debug kernels, 6.1's first; then KUnit on 6.12's, or every
# guest suite with DEBUG_SUITES_612=all.
kernels() {
	debug_image 6.1
	debug_image 6.12
	if [ "${DEBUG_SUITES_612:-kunit}" = all ]; then
		vm="vm-debug-6.12"
		debug_vm 6.12 "$vm" || return 0
	else
		vm="vm-debug-6.12-kunit"
		debug_vm 6.12 "$vm" guest.suites=kunit || return 0
	fi
	icmp_ep_kunit kunit-6.12 "$(debug_tree 6.12)" "$build/$vm/results.log"
}

# docs_check: every document builds without a docutils warning.
docs_check() {
	for doc in "$here"/Documentation/*.rst; do
		python3 -m docutils --halt=warning "$doc" /dev/null || return 1
	done
}

icmp_ep_deps
icmp_ep_steps_init "$build/check"

# Every VM's image holds the test programs: built once, first (the
# icmp_ep_guest_image steps after it find them made).
icmp_ep_step build-tests make -s -C "$here/tests" O="$build/bin"
# The debug kernels are a fresh machine's longest builds: they start next.
icmp_ep_lane kernels kernels

# Each VM lane as soon as its stock module and image are built.
releases=
for s in $series; do
	releases="$releases $(icmp_ep_stock_release "$s")"
done
for s in $series; do
	release=$(icmp_ep_stock_release "$s")
	icmp_ep_step "build-$s" icmp_ep_guest_image \
		"/usr/src/linux-headers-$release" "$build/stock-$s" "$release"
	if [ "$s" = 6.1 ]; then
		# shellcheck disable=SC2086 # one argument per release
		icmp_ep_lane a lane_a $releases
	else
		icmp_ep_lane b lane_b
	fi
done
: >"$steps_dir/stock-images-packed"
icmp_ep_step lint "$scripts/lint.sh"
icmp_ep_step version-gate "$scripts/version-gate.sh"
icmp_ep_step install "$scripts/install-check.sh" \
	"/usr/src/linux-headers-$(icmp_ep_stock_release 6.1)" "$build/stock-6.1"
icmp_ep_step docs docs_check
icmp_ep_report
icmp_ep_wait_lanes
icmp_ep_summary
