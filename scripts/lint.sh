#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Static checks: checkpatch --strict and kernel-doc, both from Debian's
# linux-source-6.1 (cached outside the repository), on the module's C, and
# ShellCheck on the harness (scripts/, the guest's init, run, bench, lib.sh,
# topology.sh and suites; the guest's files are dash and source
# /tests/guest/..., which their source directives name from the tree's top).
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

tarball=/usr/src/linux-source-6.1.tar.xz
tools=$cache/lint-$(dpkg-query -W -f '${Version}' linux-source-6.1)

if [ ! -f "$tools/.done" ]; then
	mkdir -p "$tools"
	tar -C "$tools" --strip-components=1 -xf "$tarball" \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch \
		linux-source-6.1/scripts/kernel-doc
	touch "$tools/.done"
fi

cd "$here"
files=$(git ls-files '*.c' '*.h')
# Outside a git checkout there would be nothing to check and nothing to fail.
[ -n "$files" ] || { echo "lint: no C files listed by git" >&2; exit 1; }
status=0
# shellcheck disable=SC2086 # one argument per file
perl "$tools/scripts/checkpatch.pl" --strict --no-tree --terse -f $files ||
	status=1
# 6.1's kernel-doc has no -Wall; -v adds the missing-Return warnings.
# shellcheck disable=SC2086
out=$(perl "$tools/scripts/kernel-doc" -none -v -Werror $files 2>&1) ||
	status=1
echo "$out" | grep -v ': info: ' >&2 || true
# shellcheck disable=SC2046 # one argument per file
shellcheck -x $(git ls-files 'scripts/*.sh' tests/guest/init tests/guest/run \
	tests/guest/bench tests/guest/lib.sh tests/guest/topology.sh \
	'tests/guest/suites/*.sh') || status=1
exit "$status"
