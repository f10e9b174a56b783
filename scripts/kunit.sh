#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make kunit`: the KUnit suite alone, in one boot of the debug kernel of
# SERIES (6.1, the default, or 6.12; built once per machine by
# scripts/debug-kernel.sh), its KTAP parsed by that kernel's kunit.py.
#   kunit.sh [SERIES]
# The last line printed is "N passed, N failed".
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

series=${1:-6.1}
out=$build/kunit-$series

# debug_kernel: build the debug kernel, or find it cached; its tree in
# $out.tree.
debug_kernel() {
	"$scripts/debug-kernel.sh" "$series" >"$out.tree"
}

icmp_ep_deps
icmp_ep_steps_init "$build/kunit-check"
rm -f "$out.tree"
echo "kunit: the $series debug kernel (once per machine a build of about 10 minutes)"
icmp_ep_step "debug-kernel-$series" debug_kernel
if [ -s "$out.tree" ]; then
	tree=$(cat "$out.tree")
	icmp_ep_step build-tests make -s -C "$here/tests" O="$build/bin"
	icmp_ep_step "build-debug-$series" "$scripts/build-module.sh" \
		"$tree" "$out"
fi
if [ -f "$out/icmp_ep_test.ko" ]; then
	"$scripts/initramfs.sh" "$out/initramfs.gz" "$out" "$build/bin"
	export ICMP_EP_ARGS=guest.suites=kunit
	icmp_ep_vm "vm-kunit-$series" "$tree/arch/x86/boot/bzImage" \
		"$out/initramfs.gz" 900 2048
	icmp_ep_kunit "kunit-$series" "$tree" \
		"$build/vm-kunit-$series/results.log"
fi
icmp_ep_summary
