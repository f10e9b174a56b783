# SPDX-License-Identifier: GPL-2.0
# The kernel's SNMP counters must move exactly as they do with the built-in
# ping sockets, on both of icmp_ep's paths: with no raw socket open, it
# takes the reply and counts it as icmp_rcv() would; with one, it delivers
# a clone and lets icmp_rcv() count the original.  Same pings, once per
# implementation and path, same counter deltas, including loopback's own
# (/proc/net/dev_snmp6/lo).
# shellcheck shell=dash
# shellcheck source=tests/guest/lib.sh
. /tests/guest/lib.sh

# One "Group.Field value" line per counter of /proc/net/snmp, snmp6 and
# dev_snmp6/lo.
counters() {
	awk '{
		if (FILENAME ~ /snmp6$/) { print $1, $2; next }
		if (FILENAME ~ /lo$/) { print "lo." $1, $2; next }
		if (names[$1] == "") { names[$1] = $0; next }
		n = split(names[$1], k); split($0, v)
		for (i = 2; i <= n; i++) print substr($1, 1, length($1) - 1) "." k[i], v[i]
		names[$1] = ""
	}' /proc/net/snmp /proc/net/snmp6 /proc/net/dev_snmp6/lo
}

# deltas BEFORE AFTER: the counters that moved, and by how much.
deltas() {
	awk 'NR == FNR { before[$1] = $2; next }
	     $2 != before[$1] { print $1, $2 - before[$1] }' "$1" "$2" | sort
}

# measure IMPL: the deltas of three pings per family, in /tmp/IMPL.deltas;
# with icmp_ep, how many replies it took and cloned, in /tmp/IMPL.paths.
measure() {
	local stolen cloned
	if [ "$1" = icmp_ep ]; then
		stolen=$(($(ep_counter ipv4_replies_stolen) + $(ep_counter ipv6_replies_stolen)))
		cloned=$(($(ep_counter ipv4_replies_delivered) + $(ep_counter ipv6_replies_delivered)))
	fi
	counters >/tmp/before
	as_nobody /usr/bin/ping -q -c 3 -i 0.2 127.0.0.1 >/dev/null 2>&1
	as_nobody /usr/bin/ping -q -c 3 -i 0.2 ::1 >/dev/null 2>&1
	counters >/tmp/after
	deltas /tmp/before /tmp/after >"/tmp/$1.deltas"
	[ "$1" = builtin ] ||
		echo "stolen $(($(ep_counter ipv4_replies_stolen) + $(ep_counter ipv6_replies_stolen) - stolen))" \
		     "cloned $(($(ep_counter ipv4_replies_delivered) + $(ep_counter ipv6_replies_delivered) - cloned))" \
		     >/tmp/icmp_ep.paths
}

# compare PATH: the verdicts for one run of measure per implementation.
compare() {
	local key
	for key in Icmp.InEchoReps Icmp.OutEchos Icmp6InEchoReplies Icmp6OutEchos; do
		if grep -q "^$key 3$" /tmp/icmp_ep.deltas; then
			ok "counters/$1/$key"
		else
			fail "counters/$1/$key" "expected +3, got: $(grep "^$key " /tmp/icmp_ep.deltas)"
		fi
	done
	if diff /tmp/builtin.deltas /tmp/icmp_ep.deltas; then
		ok "counters/$1/same-as-builtin"
	else
		fail "counters/$1/same-as-builtin" "SNMP deltas differ (diff above)"
	fi
}

for_each_impl measure
compare steal
check counters/steal/took-every-reply grep -qx 'stolen 6 cloned 0' /tmp/icmp_ep.paths

# A raw socket of each protocol open: the clone path, for both.
/tests/bin/stress raw 600 >/tmp/raw.out 2>&1 &
raw=$!
wait_listening /tmp/raw.out
for_each_impl measure
kill "$raw"
wait "$raw"
compare clone
check counters/clone/cloned-every-reply grep -qx 'stolen 0 cloned 6' /tmp/icmp_ep.paths
