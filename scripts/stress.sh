#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make stress`: the long stress, fuzz and malformed-traffic runs, on the
# KASAN/lockdep/kmemleak debug kernel.
#   STRESS_SECONDS (default 300), FUZZ_CALLS (default 1000000), SEED,
#   INJECT_COUNT packets of each malformed kind (default 6000, 19 kinds)
# The guest gets 4 GiB: closed sockets are freed after an RCU grace period,
# and under minutes of churn on the emulated debug kernel thousands wait.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
build=$here/build
scripts=$here/scripts
seconds=${STRESS_SECONDS:-300}
calls=${FUZZ_CALLS:-1000000}
seed=${SEED:-$(date +%s)}
inject=${INJECT_COUNT:-6000}

"$scripts/deps.sh"
tree=$("$scripts/debug-kernel.sh")
"$scripts/guest-image.sh" "$tree" "$build/stress"

echo "stress: $seconds s of churn, $calls fuzz calls, seed $seed," \
	"$inject packets of each malformed kind"
ICMP_EP_ARGS="icmp_ep.seconds=$seconds icmp_ep.calls=$calls icmp_ep.seed=$seed icmp_ep.inject=$inject" \
	"$scripts/vm-run.sh" "$tree/arch/x86/boot/bzImage" \
	"$build/stress/initramfs.gz" "$build/vm-stress" stress \
	$((seconds + calls / 200 + inject / 2 + 900)) 4096
grep -a -E '^(churn|fuzz|rmmod refused|queue overflow|inject|ipv[46] delivered)' \
	"$build/vm-stress/results.log" | tr -d '\r'
