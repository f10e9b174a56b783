#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Prove `make install`: install into a scratch INSTALL_MOD_PATH and check
# that the module lands in extra/ and that depmod indexed it.
#   install-check.sh KDIR BUILD_DIR
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

kdir=$1
dir=$2
release=$(icmp_ep_kdir_release "$kdir")
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

make -s -C "$dir" KDIR="$kdir" INSTALL_MOD_PATH="$root" install >/dev/null
ko=$root/lib/modules/$release/extra/icmp_ep.ko
[ -f "$ko" ] || { echo "install-check: no $ko" >&2; exit 1; }
grep -q '^extra/icmp_ep.ko:' "$root/lib/modules/$release/modules.dep" || {
	echo "install-check: depmod did not index icmp_ep" >&2
	exit 1
}
echo "install-check: $ko"
