#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The KUnit verdicts of a guest run (tests/guest/suites/90-kunit.sh sends
# the KTAP between markers), parsed by the debug kernel's own
# tools/testing/kunit/kunit.py:
#   ktap.sh TREE RESULTS OUT
# Writes OUT.ktap, prints the parser's report and, last, "ktap: N passed,
# N failed"; a run with no test in it is a failure.
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

tree=$1
results=$2
ktap=$3.ktap

# The serial line adds CRs.  6.1 prints no top-level KTAP header for
# suites loaded from a module, only each suite's own, and without one the
# parser reports every suite as crashed; 6.12 prints its own header and
# plan, and a second header would hide them.
sed -n '/^KTAP-BEGIN/,/^KTAP-END/p' "$results" 2>/dev/null | sed '1d;$d' |
	tr -d '\r' >"$ktap.raw"
{
	head -n 1 "$ktap.raw" | grep -q '^KTAP version' ||
		echo "KTAP version 1"
	cat "$ktap.raw"
} >"$ktap"
rm -f "$ktap.raw"
log=$(python3 "$tree/tools/testing/kunit/kunit.py" parse "$ktap" 2>&1) || true
echo "$log"
# e.g. "Testing complete. Ran 41 tests: passed: 40, failed: 1, errors: 2"
counts=$(echo "$log" | grep 'Testing complete' | tail -n 1)
ran=$(echo "$counts" | sed -n 's/.*Ran \([0-9]*\) tests.*/\1/p')
p=$(echo "$counts" | sed -n 's/.*passed: \([0-9]*\).*/\1/p')
skipped=$(echo "$counts" | sed -n 's/.*skipped: \([0-9]*\).*/\1/p')
e=$(echo "$counts" | sed -n 's/.*errors: \([0-9]*\).*/\1/p')
p=${p:-0}
f=$((${ran:-1} - p - ${skipped:-0} + ${e:-0}))
[ -n "$ran" ] && [ "$ran" -gt 0 ] || f=$((f > 0 ? f : 1))
echo "ktap: $p passed, $f failed"
[ "$f" -eq 0 ]
