#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the release of the newest installed Debian 6.1 amd64 kernel that has
# both an image and headers: the kernel icmp_ep targets.
set -eu

for headers in $(ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | sort -V -r); do
	release=${headers#/usr/src/linux-headers-}
	if [ -f "/boot/vmlinuz-$release" ]; then
		echo "$release"
		exit 0
	fi
done
echo "stock-kernel: no Debian 6.1 amd64 image with headers; run scripts/deps.sh" >&2
exit 1
