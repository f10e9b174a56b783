#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# icmp_ep_compat.h's version gate, against the versions around the two it
# supports: it must admit 6.1.y and 6.12.y, and refuse every other kernel
# with its own #error rather than a build that goes wrong further on.
# The header is preprocessed against a stand-in <linux/version.h>.
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/linux"

status=0
# version: major.patchlevel.sublevel, then whether the gate admits it
for case in 6.1.0:yes 6.1.192:yes 6.12.0:yes 6.12.118:yes 5.10.0:no \
	6.0.0:no 6.2.0:no 6.6.0:no 6.11.0:no 6.13.0:no 6.18.0:no 7.1.0:no \
	7.12.0:no; do
	version=${case%:*}
	want=${case#*:}
	IFS=. read -r major patchlevel sublevel <<EOF
$version
EOF
	cat >"$dir/linux/version.h" <<EOF
#define LINUX_VERSION_MAJOR $major
#define LINUX_VERSION_PATCHLEVEL $patchlevel
#define LINUX_VERSION_SUBLEVEL $sublevel
EOF
	# Only the gate is wanted: the headers after it are not there.
	gcc -E -nostdinc -I "$dir" "$here/icmp_ep_compat.h" \
		>/dev/null 2>"$dir/err" || true
	if grep -q 'icmp_ep supports' "$dir/err"; then
		got=no
	else
		got=yes
	fi
	if [ "$got" = "$want" ]; then
		echo "version-gate: $version admitted: $got"
	else
		echo "version-gate: FAIL: $version admitted: $got, want $want" >&2
		status=1
	fi
done
exit "$status"
