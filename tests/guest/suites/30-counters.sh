# SPDX-License-Identifier: GPL-2.0
# The kernel's SNMP counters must move exactly as they do with the built-in
# ping sockets: icmp_ep delivers a clone and lets icmp_rcv() count the
# original.  Same pings, once per implementation, same counter deltas.
. /tests/guest/lib.sh

# One "Group.Field value" line per counter of /proc/net/snmp and snmp6.
counters() {
	awk '{
		if (FILENAME ~ /snmp6$/) { print $1, $2; next }
		if (names[$1] == "") { names[$1] = $0; next }
		n = split(names[$1], k); split($0, v)
		for (i = 2; i <= n; i++) print substr($1, 1, length($1) - 1) "." k[i], v[i]
		names[$1] = ""
	}' /proc/net/snmp /proc/net/snmp6
}

# deltas BEFORE AFTER: the counters that moved, and by how much.
deltas() {
	awk 'NR == FNR { before[$1] = $2; next }
	     $2 != before[$1] { print $1, $2 - before[$1] }' "$1" "$2" | sort
}

# measure IMPL: the deltas of three pings per family, in /tmp/IMPL.deltas
measure() {
	counters >/tmp/before
	as_nobody /usr/bin/ping -q -c 3 -i 0.2 127.0.0.1 >/dev/null 2>&1
	as_nobody /usr/bin/ping -q -c 3 -i 0.2 ::1 >/dev/null 2>&1
	counters >/tmp/after
	deltas /tmp/before /tmp/after >"/tmp/$1.deltas"
}

for_each_impl measure

for key in Icmp.InEchoReps Icmp.OutEchos Icmp6InEchoReplies Icmp6OutEchos; do
	if grep -q "^$key 3$" /tmp/icmp_ep.deltas; then
		ok "counters/$key"
	else
		fail "counters/$key" "expected +3, got: $(grep "^$key " /tmp/icmp_ep.deltas)"
	fi
done
if diff /tmp/builtin.deltas /tmp/icmp_ep.deltas; then
	ok counters/same-as-builtin
else
	fail counters/same-as-builtin "SNMP deltas differ (diff above)"
fi
