#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Prove `make install`: install into a scratch INSTALL_MOD_PATH and check
# that the module lands in extra/ and that depmod indexed it.
#   install-check.sh KDIR BUILD_DIR
set -eu

kdir=$1
build=$2
release=$(sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' \
	"$kdir/include/generated/utsrelease.h")
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

make -s -C "$build" KDIR="$kdir" INSTALL_MOD_PATH="$root" install >/dev/null
ko=$root/lib/modules/$release/extra/icmp_ep.ko
[ -f "$ko" ] || { echo "install-check: no $ko" >&2; exit 1; }
grep -q '^extra/icmp_ep.ko:' "$root/lib/modules/$release/modules.dep" || {
	echo "install-check: depmod did not index icmp_ep" >&2
	exit 1
}
echo "install-check: $ko"
