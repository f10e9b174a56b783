#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make demo`: boot Debian's stock kernel, insert icmp_ep, and show iputils
# ping to 127.0.0.1 and ::1 running as uid 65534 through it.
#   demo.sh [SERIES]: 6.1 (the default) or 6.12, as `make demo KERNEL=6.12`
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
build=$here/build
scripts=$here/scripts

"$scripts/deps.sh" >&2
series=${1:-6.1}
release=$("$scripts/stock-kernel.sh" "$series")
out=$build/demo-$series
"$scripts/guest-image.sh" "/usr/src/linux-headers-$release" "$out" "$release"

echo "Booting $release under QEMU..." >&2
rc=0
qemu-system-x86_64 -nodefaults -no-user-config -machine pc -accel tcg \
	-cpu max -smp 2 -m 1024 -display none -monitor none -nic none \
	-no-reboot -serial "file:$build/demo-console.log" -serial stdio \
	-kernel "/boot/vmlinuz-$release" -initrd "$out/initramfs.gz" \
	-append "console=ttyS0 panic=-1 guest.mode=demo" </dev/null |
	tr -d '\r' | grep -v '^GUEST-DONE$' || rc=$?
exit "$rc"
