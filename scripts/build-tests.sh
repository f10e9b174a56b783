#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build the guest test programs, statically, into OUT_DIR.
#   build-tests.sh OUT_DIR
set -eu

out=$1
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
for src in "$here"/tests/*.c; do
	gcc -O2 -Wall -Wextra -Werror -static -pthread \
		-o "$out/$(basename "$src" .c)" "$src"
done
