#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the release of the newest installed Debian amd64 kernel of SERIES
# (6.1, the default, or 6.12) that has both an image and headers.
#   stock-kernel.sh [SERIES]
set -eu

series=${1:-6.1}
case $series in
6.1 | 6.12) ;;
*)
	echo "stock-kernel: no Debian kernel series '$series' (6.1 or 6.12)" >&2
	exit 1
	;;
esac

for headers in $(ls -d /usr/src/linux-headers-"$series".*-amd64 2>/dev/null | sort -V -r); do
	release=${headers#/usr/src/linux-headers-}
	if [ -f "/boot/vmlinuz-$release" ]; then
		echo "$release"
		exit 0
	fi
done
echo "stock-kernel: no Debian $series amd64 image with headers; run scripts/deps.sh" >&2
exit 1
