#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build (once per machine) the KASAN/lockdep/kmemleak/KUnit kernel from
# Debian's linux-source-SERIES (6.1, the default, or 6.12) and print the
# path of its tree, which doubles as the KDIR that icmp_ep_test.ko is built
# against.
#   debug-kernel.sh [SERIES]
#
# The tree is cached outside the repository, keyed by the source package's
# version and the config fragment's hash, so that a change to either builds
# a fresh kernel and nothing else does.
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

series=${1:-6.1}
# The common fragment, then the series' own where its Kconfig differs.
fragments=$scripts/debug-kernel.config
[ ! -f "$scripts/debug-kernel-$series.config" ] ||
	fragments="$fragments $scripts/debug-kernel-$series.config"
tarball=/usr/src/linux-source-$series.tar.xz

[ -f "$tarball" ] || { echo "debug-kernel: $tarball missing; run scripts/deps.sh" >&2; exit 1; }

version=$(dpkg-query -W -f '${Version}' "linux-source-$series")
# shellcheck disable=SC2086 # one argument per fragment
hash=$(cat $fragments | sha256sum | cut -c1-12)
tree=$cache/debug-kernel-$version-$hash

if [ -f "$tree/.icmp_ep-built" ]; then
	echo "$tree"
	exit 0
fi

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
# Another run may have finished the build while we waited for the lock.
if [ -f "$tree/.icmp_ep-built" ]; then
	echo "$tree"
	exit 0
fi

start=$(date +%s)
rm -rf "$tree" "$tree.tmp"
mkdir -p "$tree.tmp"
echo "debug-kernel: extracting linux-source $version" >&2
tar -C "$tree.tmp" --strip-components=1 -xf "$tarball"
mv "$tree.tmp" "$tree"

cd "$tree"
make -s tinyconfig >&2
# shellcheck disable=SC2086
./scripts/kconfig/merge_config.sh -m .config $fragments >&2
make -s olddefconfig >&2

# olddefconfig silently drops an option whose dependencies are unmet; a debug
# kernel without, say, KASAN would pass every test and prove nothing.
missing=0
# shellcheck disable=SC2086
cat $fragments | grep -E '^CONFIG_[A-Z0-9_]+=' | while IFS= read -r line; do
	if ! grep -qxF "$line" .config; then
		echo "debug-kernel: '$line' did not survive olddefconfig" >&2
		echo x
	fi
done | grep -q x && missing=1
[ "$missing" -eq 0 ] || exit 1

jobs=$(nproc)
echo "debug-kernel: building bzImage and modules with $jobs jobs" >&2
make -s -j"$jobs" bzImage >&2
# Module.symvers is written by the modules step; without it nothing can be
# built against this tree.
make -s -j"$jobs" modules >&2

echo "debug-kernel: built in $(($(date +%s) - start)) s" >&2
touch .icmp_ep-built
echo "$tree"
