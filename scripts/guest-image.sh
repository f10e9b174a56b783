#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build everything a test VM boots besides its kernel: the test programs,
# icmp_ep against KDIR, and OUT_DIR/initramfs.gz holding both.
#   guest-image.sh KDIR OUT_DIR [KERNEL_RELEASE]
# KERNEL_RELEASE names a distribution kernel whose modules the suites load
# (see initramfs.sh).  Progress goes to stderr.
set -eu

kdir=$1
out=$2
release=${3:-}
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$here/build/bin

{
	make -s -C "$here/tests" O="$bin"
	"$here/scripts/build-module.sh" "$kdir" "$out"
	"$here/scripts/initramfs.sh" "$out/initramfs.gz" "$out" "$bin" "$release"
} >&2
