#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make demo`: boot Debian's stock kernel, insert icmp_ep, and show iputils
# ping to 127.0.0.1 and ::1 running as uid 65534 through it.  The VM runs
# through vm-run.sh, so a kernel warning fails the demo as it fails a test.
#   demo.sh [SERIES]: 6.1 (the default) or 6.12, as `make demo KERNEL=6.12`
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

series=${1:-6.1}
icmp_ep_stock_image "$build/demo-$series" "$series"
echo "Booting $release under QEMU..." >&2
rc=0
"$scripts/vm-run.sh" "/boot/vmlinuz-$release" \
	"$build/demo-$series/initramfs.gz" "$build/vm-demo-$series" demo 600 \
	1024 >&2 || rc=$?
tr -d '\r' <"$build/vm-demo-$series/results.log" | grep -v '^GUEST-DONE$' ||
	true
exit "$rc"
