#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build icmp_ep (and icmp_ep_test when the kernel has KUnit) against KDIR in
# a directory of its own, with W=1 and sparse; any warning fails the build.
#   build-module.sh KDIR OUT_DIR
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

kdir=$1
out=$2

rm -rf "$out"
mkdir -p "$out/debian"
cp "$here"/Kbuild "$here"/Makefile "$here"/*.c "$here"/*.h "$out/"
# Kbuild takes MODULE_VERSION() from the changelog.
cp "$here"/debian/changelog "$out/debian/"

log=$out/build.log
if ! make -C "$out" KDIR="$kdir" W=1 C=1 >"$log" 2>&1; then
	cat "$log" >&2
	echo "build-module: build against $kdir failed" >&2
	exit 1
fi
# BTF is skipped for want of vmlinux; that note is not a warning about us.
if grep -iE 'warning|error' "$log" | grep -v 'Skipping BTF' >&2; then
	echo "build-module: the build against $kdir is not warning-free" >&2
	exit 1
fi
echo "build-module: $(cd "$out" && printf '%s ' ./*.ko)against $kdir"
