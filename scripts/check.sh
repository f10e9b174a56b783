#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make check`: build icmp_ep warning-free, then run every test on Debian's
# stock kernel and on the KASAN/lockdep/kmemleak/KUnit debug kernel.
# The last line printed is "N passed, N failed".
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
build=$here/build
scripts=$here/scripts

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
	line=$("$scripts/vm-run.sh" "$2" "$3" "$out" check "$4" "$5" | tail -n 1)
	rc=$?
	set -e
	echo "$line"
	p=$(echo "$line" | sed -n 's/^vm: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
	f=$(echo "$line" | sed -n 's/^vm: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
	[ -n "$p" ] || { p=0; f=1; }
	[ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || f=1
	record "$name" "$p" "$f"
}

# kunit TREE RESULTS: parse the KTAP the guest sent with the kernel's parser.
kunit() {
	echo "== kunit"
	ktap=$build/kunit.ktap
	# The serial line adds CRs.  6.1 prints no top-level KTAP header for
	# suites loaded from a module, only each suite's own; without one the
	# parser reports every suite as crashed.
	{
		echo "KTAP version 1"
		sed -n '/^KTAP-BEGIN/,/^KTAP-END/p' "$2" | sed '1d;$d' | tr -d '\r'
	} >"$ktap"
	python3 "$1/tools/testing/kunit/kunit.py" parse "$ktap" >"$build/kunit.log" 2>&1 || true
	cat "$build/kunit.log"
	# e.g. "Testing complete. Ran 41 tests: passed: 40, failed: 1, errors: 2"
	counts=$(grep 'Testing complete' "$build/kunit.log" | tail -n 1)
	ran=$(echo "$counts" | sed -n 's/.*Ran \([0-9]*\) tests.*/\1/p')
	p=$(echo "$counts" | sed -n 's/.*passed: \([0-9]*\).*/\1/p')
	s=$(echo "$counts" | sed -n 's/.*skipped: \([0-9]*\).*/\1/p')
	e=$(echo "$counts" | sed -n 's/.*errors: \([0-9]*\).*/\1/p')
	p=${p:-0}
	f=$((${ran:-1} - p - ${s:-0} + ${e:-0}))
	[ -n "$ran" ] && [ "$ran" -gt 0 ] || f=$((f > 0 ? f : 1))
	record kunit "$p" "$f"
}

"$scripts/deps.sh"
mkdir -p "$build"

release=$("$scripts/stock-kernel.sh")
stock_kdir=/usr/src/linux-headers-$release

step lint "$scripts/lint.sh"
step build-tests "$scripts/build-tests.sh" "$build/bin"
step build-stock "$scripts/build-module.sh" "$stock_kdir" "$build/stock"
# The same tree builds for Debian's 6.12 (not booted here yet).
kdir_6_12=/nonexistent
for d in /usr/src/linux-headers-6.12.*-amd64; do
	[ -d "$d" ] && kdir_6_12=$d
done
step build-6.12 "$scripts/build-module.sh" "$kdir_6_12" "$build/6.12"
if [ -f "$build/stock/icmp_ep.ko" ]; then
	"$scripts/initramfs.sh" "$build/stock/initramfs.gz" "$build/stock" \
		"$build/bin" "$release"
	vm vm-stock "/boot/vmlinuz-$release" "$build/stock/initramfs.gz" 900 2048
	step install "$scripts/install-check.sh" "$stock_kdir" "$build/stock"
fi
step deb "$scripts/deb-check.sh" "$release" "$build/dkms-root"
step docs python3 -m docutils --halt=warning "$here/Documentation/icmp_ep.rst" /dev/null

debug_tree=$("$scripts/debug-kernel.sh")
step build-debug "$scripts/build-module.sh" "$debug_tree" "$build/debug"
if [ -f "$build/debug/icmp_ep_test.ko" ]; then
	"$scripts/initramfs.sh" "$build/debug/initramfs.gz" "$build/debug" \
		"$build/bin"
	vm vm-debug "$debug_tree/arch/x86/boot/bzImage" \
		"$build/debug/initramfs.gz" 2700 2048
	kunit "$debug_tree" "$build/vm-debug/results.log"
fi

echo
echo "Summary:"
printf '%s' "$summary"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
