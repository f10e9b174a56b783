#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Prove the DKMS packaging: add this tree to DKMS and build it for a Debian
# kernel from its installed headers (that kernel need not be running), then
# remove it again.
#   dkms-check.sh RELEASE
set -eu

release=$1
here=$(cd "$(dirname "$0")/.." && pwd)
name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"$/\1/p' "$here/dkms.conf")
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$here/dkms.conf")
src=/usr/src/$name-$version

cleanup() {
	dkms remove -m "$name" -v "$version" --all >/dev/null 2>&1 || true
	rm -rf "$src"
}
cleanup
trap cleanup EXIT

mkdir -p "$src"
(cd "$here" && git ls-files | grep -v '^\.' | cpio -pdm --quiet "$src")
dkms add -m "$name" -v "$version"
dkms build -m "$name" -v "$version" -k "$release"
ko=/var/lib/dkms/$name/$version/$release/$(uname -m)/module/$name.ko
[ -f "$ko" ] || [ -f "$ko.xz" ] || {
	echo "dkms-check: dkms built no $ko" >&2
	exit 1
}
modinfo "$ko"* | grep -E '^(version|license|description|author):'
