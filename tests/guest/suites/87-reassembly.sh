# SPDX-License-Identifier: GPL-2.0
# IPv6 reassembly stays the kernel's: fragments injected on lo, against the
# built-in ping sockets.  IPv6 reassembles after LOCAL_IN, where icmp_ep's
# hook listens; whatever icmp_ep does to reach a fragmented reply, the
# kernel's own reassembly must see every fragment, count it
# (Ip6ReasmReqds, ReasmOKs, ReasmFails, ReasmTimeout), refuse what it
# refuses with the ICMPv6 errors it sends (Parameter Problem for a
# datagram past 65,535 bytes, Time Exceeded for one left unfinished), and
# deliver what it delivers, to ping sockets and to UDP alike.  Compared:
# those counters of /proc/net/snmp6 and what a ping socket receives.
# shellcheck shell=dash
# shellcheck source=tests/guest/lib.sh
. /tests/guest/lib.sh

: "${INJECT_COUNT:=200}"
# Few enough that no queue fills and the kernel's errors need no credit.
N=$((INJECT_COUNT < 20 ? INJECT_COUNT : 20))
IDENT=4323

# layout|kind|what the built-in shows (one line of the output, @ for $N)
cases='
frags|v6-reply|replies @ other 0
frags|v6-reply-dstopts|replies @ other 0
linear|v6-reply-fragmented|Ip6ReasmOKs @
frags|v6-udp-dstopts|Udp6NoPorts @
linear|v6-reply-oversize|Icmp6OutParmProblems @
'

counters='Ip6ReasmReqds Ip6ReasmOKs Ip6ReasmFails Ip6ReasmTimeout
Ip6InHdrErrors Ip6InDelivers Icmp6InEchoReplies Icmp6OutParmProblems
Icmp6OutTimeExcds Icmp6OutDestUnreachs Udp6InDatagrams Udp6NoPorts'

snmp6() {
	awk -v want="$counters" 'BEGIN { n = split(want, w); for (i = 1; i <= n; i++) keep[w[i]] = 1 }
		keep[$1] { print $1, $2 }' /proc/net/snmp6
}

# deltas BEFORE AFTER: "Counter change" for each counter, in order.
deltas() {
	awk 'NR == FNR { was[$1] = $2; next } { print $1, $2 - was[$1] }' "$1" "$2"
}

sysctl_set() {
	echo "$2" >"/proc/sys/$1"
}

# The kernel's unfinished queues expire within the case that left them (a
# second, then the case waits for it), and its ICMPv6 errors go out
# unthrottled (types 1, 3 and 4 out of the rate mask), so that every
# count is exact.
old_time=$(cat /proc/sys/net/ipv6/ip6frag_time)
old_mask=$(cat /proc/sys/net/ipv6/icmp/ratemask)
sysctl_set net/ipv6/ip6frag_time 1
sysctl_set net/ipv6/icmp/ratemask 200

# run IMPL: every case, into /tmp/reasm.IMPL.KIND
run() {
	local layout kind expected pid out
	echo "$cases" | while IFS='|' read -r layout kind expected; do
		[ -n "$kind" ] || continue
		out=/tmp/reasm.$1.$kind
		# runas execs the listener, so $! is the listener itself.
		/tests/bin/runas $NOBODY $NOBODY /tests/bin/exthdr listen $IDENT \
			>"$out.listen" 2>&1 &
		pid=$!
		wait_listening "$out.listen"
		snmp6 >"$out.before"
		[ "$1" = builtin ] || cp /proc/net/stat/icmp_ep "$out.ep-before"
		/tests/bin/inject --layout "$layout" "$kind" "$N" $IDENT >/dev/null
		# Past the reassembly timeout, for the queues left unfinished.
		sleep 2.5
		kill "$pid"
		wait "$pid"
		snmp6 >"$out.after"
		{
			deltas "$out.before" "$out.after"
			grep "^replies " "$out.listen"
		} >"$out"
		[ "$1" = builtin ] ||
			deltas "$out.ep-before" /proc/net/stat/icmp_ep |
			awk '$2 != 0 { print "icmp_ep:", $0 }'
	done
}

for_each_impl run

sysctl_set net/ipv6/ip6frag_time "$old_time"
sysctl_set net/ipv6/icmp/ratemask "$old_mask"

echo "$cases" | while IFS='|' read -r layout kind expected; do
	[ -n "$kind" ] || continue
	expected=$(echo "$expected" | sed "s/@/$N/")
	echo "--- $layout $kind: built-in"
	cat "/tmp/reasm.builtin.$kind"
	echo "--- $layout $kind: icmp_ep"
	# The built-in's own kernel saw each fragment (two a datagram).
	check "reasm/$kind-builtin-reassembles" \
		grep -qx "Ip6ReasmReqds $((2 * N))" "/tmp/reasm.builtin.$kind"
	judge "reasm/$kind" "$expected" "/tmp/reasm.builtin.$kind" \
		"/tmp/reasm.icmp_ep.$kind"
done
