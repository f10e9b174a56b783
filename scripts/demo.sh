#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make demo`: boot Debian's stock kernel, insert icmp_ep, and show iputils
# ping to 127.0.0.1 and ::1 running as uid 65534 through it.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
build=$here/build
scripts=$here/scripts

"$scripts/deps.sh" >&2
release=$("$scripts/stock-kernel.sh")
"$scripts/guest-image.sh" "/usr/src/linux-headers-$release" \
	"$build/stock" "$release"

echo "Booting $release under QEMU..." >&2
rc=0
qemu-system-x86_64 -nodefaults -no-user-config -machine pc -accel tcg \
	-cpu max -smp 2 -m 1024 -display none -monitor none -nic none \
	-no-reboot -serial "file:$build/demo-console.log" -serial stdio \
	-kernel "/boot/vmlinuz-$release" -initrd "$build/stock/initramfs.gz" \
	-append "console=ttyS0 panic=-1 icmp_ep.mode=demo" </dev/null |
	tr -d '\r' | grep -v '^GUEST-DONE$' || rc=$?
exit "$rc"
