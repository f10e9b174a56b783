#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make stress`: the long stress, fuzz and malformed-traffic runs, on
# Debian's stock kernel and on the KASAN/lockdep/kmemleak debug kernel.
#   STRESS_SECONDS (default 300), FUZZ_CALLS (default 1000000), SEED,
#   INJECT_COUNT packets of each malformed kind (default 6000, 19 kinds),
#   STRESS_KERNELS (default "stock debug")
# Each guest gets 2 GiB: a closed socket is freed at its last reference,
# so churn must not need more.
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

seconds=${STRESS_SECONDS:-300}
calls=${FUZZ_CALLS:-1000000}
seed=${SEED:-$(date +%s)}
inject=${INJECT_COUNT:-6000}

icmp_ep_deps

echo "stress: $seconds s of churn, $calls fuzz calls, seed $seed," \
	"$inject packets of each malformed kind"
for kernel in ${STRESS_KERNELS:-stock debug}; do
	case $kernel in
	stock)
		icmp_ep_stock_image "$build/stress-stock"
		image=/boot/vmlinuz-$release
		;;
	debug)
		tree=$("$scripts/debug-kernel.sh")
		icmp_ep_guest_image "$tree" "$build/stress-debug"
		image=$tree/arch/x86/boot/bzImage
		;;
	*)
		echo "stress: unknown kernel '$kernel' (stock or debug)" >&2
		exit 1
		;;
	esac
	echo "== $kernel kernel"
	ICMP_EP_ARGS="guest.seconds=$seconds guest.calls=$calls guest.seed=$seed guest.inject=$inject" \
		"$scripts/vm-run.sh" "$image" "$build/stress-$kernel/initramfs.gz" \
		"$build/vm-stress-$kernel" stress \
		$((seconds + calls / 200 + inject / 2 + 900)) 2048
	grep -a -E '^(churn|fuzz|rmmod refused|peak|queue overflow|inject|ipv[46] delivered)' \
		"$build/vm-stress-$kernel/results.log" | tr -d '\r'
done
