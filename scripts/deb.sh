#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make deb`: build the icmp-ep-dkms binary package with
# `dpkg-buildpackage -us -uc -b` from a copy of the git-tracked files under
# build/deb, so that nothing it writes lands in the tree or beside it, and
# leave the .deb in build/.  Prints the .deb's path.
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

work=$build/deb
src=$work/icmp-ep

rm -rf "$work"
rm -f "$build"/icmp-ep-dkms_*.deb
mkdir -p "$src"
(cd "$here" && git ls-files) | (cd "$here" && cpio -pdm --quiet "$src")

log=$work/build.log
if ! (cd "$src" && dpkg-buildpackage -us -uc -b) >"$log" 2>&1; then
	cat "$log" >&2
	echo "deb: dpkg-buildpackage failed" >&2
	exit 1
fi
for deb in "$work"/icmp-ep-dkms_*.deb; do
	cp "$deb" "$build/"
	echo "$build/$(basename "$deb")"
done
