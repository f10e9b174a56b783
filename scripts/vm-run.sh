#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Boot a kernel and initramfs under QEMU (software emulation) and judge the
# run:   vm-run.sh KERNEL INITRD OUT_DIR MODE TIMEOUT_SECONDS [MEMORY_MB]
# ICMP_EP_ARGS adds guest.* settings to the kernel command line (not
# icmp_ep.*: kmod's modprobe would hand those to the module as parameters).
# ICMP_EP_CPUS sets the number of vCPUs (default 2).  ICMP_EP_ICOUNT=1 runs
# the guest under -icount shift=0,sleep=off: its clock advances 1 ns per
# guest instruction, and jumps over idle time, so that a rate per guest
# second is a rate per 10^9 instructions, whatever the host's load.
#
# OUT_DIR gets console.log (serial console) and results.log (the guest's
# verdicts, second serial port).  Prints "vm: N passed, N failed" and exits
# non-zero when a guest test failed, the guest never finished, or the kernel
# reported a bug, warning, sanitizer finding or leak.
set -eu

kernel=$1
initrd=$2
out=$3
mode=$4
limit=$5
mem=${6:-2048}

mkdir -p "$out"
console=$out/console.log
results=$out/results.log
rm -f "$console" "$results"

icount=
[ -z "${ICMP_EP_ICOUNT:-}" ] || icount="-icount shift=0,sleep=off"

# Hundredths of a second since the host booted.
centiseconds() {
	sed 's/^\([0-9]*\)\.\([0-9]*\) .*/\1\2/' /proc/uptime
}

# cpu_centiseconds FILE: user plus system time of this shell's children
# so far, from the output of `times` in FILE ("0m1.230000s 0m0.040000s" on
# its second line).  `times` itself must run in this shell, not in a
# command substitution's subshell, whose children are not QEMU.
cpu_centiseconds() {
	sed -n 2p "$1" | awk '{
		t = 0
		for (i = 1; i <= 2; i++) {
			split($i, p, "m")
			sub("s", "", p[2])
			t += p[1] * 60 + p[2]
		}
		printf "%d\n", t * 100
	}'
}

start=$(centiseconds)
times >"$out/times"
cpu_start=$(cpu_centiseconds "$out/times")
status=0
# shellcheck disable=SC2086 # $icount is one option and its value, or none
timeout "$limit" qemu-system-x86_64 -nodefaults -no-user-config \
	-machine pc -accel tcg -cpu max -smp "${ICMP_EP_CPUS:-2}" -m "$mem" $icount \
	-display none -monitor none -nic none -no-reboot \
	-serial "file:$console" -serial "file:$results" \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 oops=panic guest.mode=$mode ${ICMP_EP_ARGS:-}" ||
	status=$?

wall=$(($(centiseconds) - start))
times >"$out/times"
cpu=$(($(cpu_centiseconds "$out/times") - cpu_start))

# Each suite's time in the guest, then how busy QEMU kept the host: the
# host CPU time of both vCPUs and the emulator, against the wall time, in
# percent of one core.
[ ! -f "$results" ] ||
	tr -d '\r' <"$results" | sed -n 's/^SUITE-TIME \(.*\)$/vm: suite \1/p'
echo "vm: $((wall / 100)) s wall, qemu busy $((cpu / 100)) s of host CPU" \
	"($((cpu * 100 / (wall > 0 ? wall : 1)))% of one core)"

# QEMU's TCG can let a vCPU run an int3 that text_poke_bp() has already
# taken back out of the kernel's text (a static key flipped on another
# vCPU), and the kernel dies of "Oops: int3": seen on 6.12, with RIP in
# __netif_receive_skb_core() and icmp_ep not even loaded.  That is the
# emulator's doing, not a finding: boot once more, keep the first run's
# logs, and say so (check.sh's summary lists it).  An int3 in icmp_ep's
# code or stack is a finding, and fails.
if [ -z "${ICMP_EP_VM_RETRIED:-}" ] && [ "$status" -ne 124 ] &&
	grep -q 'Oops: int3' "$console" &&
	! sed -n '/Oops: int3/,/end trace/p' "$console" |
		grep -v 'Modules linked in' | grep -q 'icmp_ep'; then
	rip=$(sed -n '/Oops: int3/,/end trace/s/.*RIP: [0-9]*:\([^ ]*\).*/\1/p' \
		"$console" | head -n 1)
	mv "$console" "$out/console.int3.log"
	mv "$results" "$out/results.int3.log"
	echo "vm: retried: emulator int3 race at ${rip:-?}, the first boot's logs in $out/*.int3.log"
	ICMP_EP_VM_RETRIED=1 exec "$0" "$@"
fi

failed=0
if [ "$status" -eq 124 ]; then
	echo "vm: FAIL: guest did not finish within $limit s" >&2
	failed=1
elif ! grep -q '^GUEST-DONE' "$results" 2>/dev/null; then
	echo "vm: FAIL: guest stopped before finishing (qemu status $status)" >&2
	failed=1
fi

bad='BUG:|WARNING:|KASAN:|UBSAN:|circular locking|Call Trace|unreferenced object|Kernel panic|detected stalls|blocked for more than'
if grep -E "$bad" "$console" >&2; then
	echo "vm: FAIL: kernel reported the lines above ($console)" >&2
	failed=1
fi

passed=$(grep -c '^RESULT ok ' "$results" 2>/dev/null || true)
fails=$(grep -c '^RESULT FAIL ' "$results" 2>/dev/null || true)
grep '^RESULT FAIL ' "$results" >&2 || true
[ "$fails" -eq 0 ] || failed=1
# A broken boot is a failure even if no test got to say so.
[ "$failed" -eq 0 ] || [ "$fails" -gt 0 ] || fails=1

echo "vm: $passed passed, $fails failed"
exit "$failed"
