#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make check`: build icmp_ep warning-free, then run every test on Debian's
# 6.1 and 6.12 kernels, prove the Debian package on both, and run the
# KASAN/lockdep/kmemleak/KUnit debug kernels: every guest suite and KUnit
# on 6.1, KUnit on 6.12 (DEBUG_SUITES_612=all runs every guest suite there
# too: about 20 minutes more, on top of a fresh machine's 54.5).
# The last line printed is "N passed, N failed".
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

passed=0
failed=0
summary=

record() {
	# record NAME PASSED FAILED
	passed=$((passed + $2))
	failed=$((failed + $3))
	summary="$summary$(printf '  %-28s %4d passed, %d failed' "$1" "$2" "$3")
"
}

# step NAME COMMAND...: a build or static check counts as one test.
step() {
	name=$1
	shift
	echo "== $name"
	if "$@"; then
		record "$name" 1 0
	else
		record "$name" 0 1
	fi
}

# vm NAME KERNEL INITRD TIMEOUT MEM: boot and count the guest's verdicts.
vm() {
	name=$1
	echo "== $name"
	out=$build/$name
	set +e
	"$scripts/vm-run.sh" "$2" "$3" "$out" check "$4" "$5" >"$out.log"
	rc=$?
	set -e
	line=$(tail -n 1 "$out.log")
	echo "$line"
	p=$(echo "$line" | sed -n 's/^vm: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
	f=$(echo "$line" | sed -n 's/^vm: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
	[ -n "$p" ] || { p=0; f=1; }
	[ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || f=1
	record "$name" "$p" "$f"
}

# kunit NAME TREE RESULTS: parse the KTAP the guest sent with the kernel's
# parser.
kunit() {
	name=$1
	shift
	echo "== $name"
	ktap=$build/$name.ktap
	# The serial line adds CRs.  6.1 prints no top-level KTAP header for
	# suites loaded from a module, only each suite's own, and without one
	# the parser reports every suite as crashed; 6.12 prints its own
	# header and plan, and a second header would hide them.
	sed -n '/^KTAP-BEGIN/,/^KTAP-END/p' "$2" | sed '1d;$d' | tr -d '\r' \
		>"$ktap.raw"
	{
		head -n 1 "$ktap.raw" | grep -q '^KTAP version' ||
			echo "KTAP version 1"
		cat "$ktap.raw"
	} >"$ktap"
	rm -f "$ktap.raw"
	log=$build/$name.log
	python3 "$1/tools/testing/kunit/kunit.py" parse "$ktap" >"$log" 2>&1 || true
	cat "$log"
	# e.g. "Testing complete. Ran 41 tests: passed: 40, failed: 1, errors: 2"
	counts=$(grep 'Testing complete' "$log" | tail -n 1)
	ran=$(echo "$counts" | sed -n 's/.*Ran \([0-9]*\) tests.*/\1/p')
	p=$(echo "$counts" | sed -n 's/.*passed: \([0-9]*\).*/\1/p')
	skipped=$(echo "$counts" | sed -n 's/.*skipped: \([0-9]*\).*/\1/p')
	e=$(echo "$counts" | sed -n 's/.*errors: \([0-9]*\).*/\1/p')
	p=${p:-0}
	f=$((${ran:-1} - p - ${skipped:-0} + ${e:-0}))
	[ -n "$ran" ] && [ "$ran" -gt 0 ] || f=$((f > 0 ? f : 1))
	record "$name" "$p" "$f"
}

icmp_ep_deps
mkdir -p "$build"

series="6.1 6.12"

step lint "$scripts/lint.sh"
step version-gate "$scripts/version-gate.sh"
step build-tests make -s -C "$here/tests" O="$build/bin"

# Every guest suite, the differential ones included, on each Debian
# kernel, against that kernel's own built-in ping sockets.
releases=
for s in $series; do
	release=$(icmp_ep_stock_release "$s")
	releases="$releases $release"
	out=$build/stock-$s
	step "build-$s" "$scripts/build-module.sh" \
		"/usr/src/linux-headers-$release" "$out"
	[ -f "$out/icmp_ep.ko" ] || continue
	"$scripts/initramfs.sh" "$out/initramfs.gz" "$out" "$build/bin" \
		"$release"
	vm "vm-$s" "/boot/vmlinuz-$release" "$out/initramfs.gz" 1800 2048
	# kernel.modules_disabled cannot be undone: its suite gets a boot of
	# its own, where nothing has loaded nf_defrag_ipv6 yet.
	export ICMP_EP_ARGS=guest.suites=modules-disabled
	vm "vm-$s-modules-disabled" "/boot/vmlinuz-$release" \
		"$out/initramfs.gz" 300 1024
	unset ICMP_EP_ARGS
done

release=$(icmp_ep_stock_release 6.1)
step install "$scripts/install-check.sh" "/usr/src/linux-headers-$release" \
	"$build/stock-6.1"

# The Debian package, installed for both kernels at once, then each
# kernel booted with the module DKMS built for it, loaded by modprobe.
dkms_root=$build/dkms-root
# shellcheck disable=SC2086 # one argument per release
step deb "$scripts/deb-check.sh" "$dkms_root" $releases
for s in $series; do
	release=$(icmp_ep_stock_release "$s")
	[ -d "$dkms_root/lib/modules/$release" ] || continue
	out=$build/dkms-$s
	mkdir -p "$out"
	"$scripts/initramfs.sh" "$out/initramfs.gz" "$build/stock-$s" \
		"$build/bin" "$release" "$dkms_root"
	export ICMP_EP_ARGS=guest.suites=dkms
	vm "vm-dkms-$s" "/boot/vmlinuz-$release" "$out/initramfs.gz" 300 1024
	unset ICMP_EP_ARGS
done
step docs python3 -m docutils --halt=warning "$here/Documentation/icmp_ep.rst" /dev/null

# KASAN, lockdep, kmemleak and KUnit, on a debug build of each series.
for s in $series; do
	debug_tree=$("$scripts/debug-kernel.sh" "$s")
	out=$build/debug-$s
	step "build-debug-$s" "$scripts/build-module.sh" "$debug_tree" "$out"
	[ -f "$out/icmp_ep_test.ko" ] || continue
	"$scripts/initramfs.sh" "$out/initramfs.gz" "$out" "$build/bin"
	name=vm-debug-$s
	if [ "$s" = 6.12 ] && [ "${DEBUG_SUITES_612:-kunit}" != all ]; then
		name=vm-debug-$s-kunit
		export ICMP_EP_ARGS=guest.suites=kunit
	fi
	vm "$name" "$debug_tree/arch/x86/boot/bzImage" \
		"$out/initramfs.gz" 4500 2048
	unset ICMP_EP_ARGS
	kunit "kunit-$s" "$debug_tree" "$build/$name/results.log"
done

echo
echo "Summary:"
printf '%s' "$summary"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
