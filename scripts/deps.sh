#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Install, with apt-get, whichever of icmp_ep's build and test dependencies
# this machine lacks.  Does nothing (and needs no network) when all are there.
set -eu

packages="linux-image-amd64 linux-headers-amd64 linux-source-6.1
	linux-image-6.12-amd64 linux-headers-6.12-amd64 linux-source-6.12
	qemu-system-x86 busybox-static iproute2 iputils-ping fping iptables
	nftables conntrack sparse bc flex bison libelf-dev libssl-dev dwarves cpio
	gcc make libc6-dev build-essential python3 python3-docutils xz-utils
	kmod dkms debhelper dh-dkms dpkg-dev lintian openssl shellcheck
	linux-perf"

missing=
for p in $packages; do
	status=$(dpkg-query -W -f '${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$status" = installed ] || missing="$missing $p"
done

if [ -z "$missing" ]; then
	echo "deps: all present"
	exit 0
fi

echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086 # word splitting of the package list is intended
apt-get install -y -qq --no-install-recommends $missing
