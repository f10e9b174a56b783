# SPDX-License-Identifier: GPL-2.0
# The differential conformance suite: every case of tests/conformance.c runs
# against the built-in ping sockets and then against icmp_ep.  Lines must be
# identical, except the deliberate deviations (".dev." cases), which the
# program checks itself against the implementation it was told it runs on.
# shellcheck shell=dash
# shellcheck source=tests/guest/lib.sh
. /tests/guest/lib.sh

conformance() {
	/tests/bin/conformance --impl "$1" >"/tmp/conformance.$1" 2>&1
}

for_each_impl conformance

awk '
	NR == FNR { builtin[$1] = $0; next }
	{
		seen[$1] = 1
		if (!($1 in builtin)) {
			print "RESULT FAIL conformance/" $1 " missing with the built-in"
		} else if ($1 ~ /\.dev\./) {
			if (builtin[$1] ~ / MISMATCH$/ || $0 ~ / MISMATCH$/)
				print "RESULT FAIL conformance/" $1 " builtin: " builtin[$1] " icmp_ep: " $0
			else
				print "RESULT ok conformance/" $1
		} else if (builtin[$1] == $0) {
			print "RESULT ok conformance/" $1
		} else {
			print "RESULT FAIL conformance/" $1 " builtin: " builtin[$1] " icmp_ep: " $0
		}
	}
	END {
		for (name in builtin)
			if (!(name in seen))
				print "RESULT FAIL conformance/" name " missing with icmp_ep"
	}
' /tmp/conformance.builtin /tmp/conformance.icmp_ep
