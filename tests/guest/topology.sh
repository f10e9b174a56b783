# SPDX-License-Identifier: GPL-2.0
# A routed topology for the error tests (sourced, busybox sh):
#
#   client (netns "client")  router (netns "router")      far (netns "far")
#   c0 10.0.1.1/24  ------  r0 10.0.1.2/24
#      fd00:1::1/64            fd00:1::2/64
#                           r1 10.0.2.1/24   --MTU 1280--  f0 10.0.2.2/24
#                              fd00:2::1/64                   fd00:2::2/64
#                                                             10.0.2.4/24
#                                                             fd00:2::4/64
#
# The router forwards, has "unreachable" routes to 10.9.9.0/24 and
# fd00:9::/64, rejects 10.0.2.3 and fd00:2::3 as administratively
# prohibited, and its link to the far host has an MTU of 1280, so larger
# datagrams get frag-needed / packet-too-big.  The far host is one hop away,
# so a hop limit of 1 expires at the router.  The far host's second
# addresses stand for a third host, one that is not a connected socket's
# peer.  The router answers echoes sent to a broadcast or multicast address.
# shellcheck shell=dash
IP=/usr/bin/ip

topo_up() {
	$IP netns add client
	$IP netns add router
	$IP netns add far
	# One ip and one sysctl per namespace, not one per setting: each exec
	# costs, under KASAN most of all.  -force goes on past a failing
	# command, as one command after another would.
	$IP -n client -force -batch - <<EOF
link add c0 type veth peer name r0 netns router
link set lo up
addr add 10.0.1.1/24 dev c0
addr add fd00:1::1/64 dev c0 nodad
link set c0 up
route add default via 10.0.1.2
route add ::/0 via fd00:1::2
EOF
	$IP netns exec client sysctl -qw net.ipv4.ping_group_range="0 2147483647"

	$IP -n router -force -batch - <<EOF
link add r1 type veth peer name f0 netns far
link set lo up
addr add 10.0.1.2/24 dev r0
addr add fd00:1::2/64 dev r0 nodad
addr add 10.0.2.1/24 dev r1
addr add fd00:2::1/64 dev r1 nodad
link set r0 up
link set r1 mtu 1280 up
route add unreachable 10.9.9.0/24
route add unreachable fd00:9::/64
EOF
	# Every test probe gets its error: the router's ICMP rate limits (a
	# burst of 6, then one a second per host; for IPv4 unreachable routes
	# ip_error()'s own, a burst of 5 then one a second, whose cost is a
	# global sysctl) would drop some, more the faster the tests run.
	$IP netns exec router sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0 \
		net.ipv6.conf.all.forwarding=1 \
		net.ipv4.icmp_echo_ignore_broadcasts=0
	sysctl -qw net.ipv4.route.error_cost=0
	$IP netns exec router /usr/sbin/iptables -A FORWARD -d 10.0.2.3 \
		-j REJECT --reject-with icmp-admin-prohibited
	$IP netns exec router /usr/sbin/ip6tables -A FORWARD -d fd00:2::3 \
		-j REJECT --reject-with adm-prohibited

	$IP -n far -force -batch - <<EOF
link set lo up
addr add 10.0.2.2/24 dev f0
addr add fd00:2::2/64 dev f0 nodad
addr add 10.0.2.4/24 dev f0
addr add fd00:2::4/64 dev f0 nodad
link set f0 mtu 1280 up
route add default via 10.0.2.1
route add ::/0 via fd00:2::1
EOF

	# Resolve neighbours now, so the first probe of a test is not lost.
	$IP netns exec client /usr/bin/ping -q -c 1 -W 2 10.0.2.2 >/dev/null 2>&1
	$IP netns exec client /usr/bin/ping -q -c 1 -W 2 fd00:2::2 >/dev/null 2>&1
}

# Deleting the namespaces drops every learnt PMTU and conntrack entry, so
# each run starts from the same state.
topo_down() {
	$IP netns del client 2>/dev/null
	$IP netns del far 2>/dev/null
	$IP netns del router 2>/dev/null
}

# client_as_nobody COMMAND...: run in the client namespace as uid 65534.
client_as_nobody() {
	$IP netns exec client /tests/bin/runas "$NOBODY" "$NOBODY" "$@"
}

# in_client COMMAND...: run in the client namespace as root.
in_client() {
	$IP netns exec client "$@"
}

# normalise: ping's output without what differs from run to run (round
# trip and run times, a learnt route's expiry).
normalise() {
	sed -E -e 's/time[=<][0-9.]+ ?ms/time=X/g' -e 's/time [0-9]+ms/time X/' \
		-e 's|^rtt .*|rtt X|' -e 's|^round-trip .*|round-trip X|' \
		-e 's|\([0-9.]+ ms\)|(X ms)|g' -e 's|[0-9.]+ ms|X ms|g' \
		-e 's/expires [0-9]+sec/expires X/'
}

# each_case FUNCTION: FUNCTION once for every row of $cases, with the row's
# '|'-separated fields (up to six) as its arguments.
each_case() {
	# shellcheck disable=SC2154 # the suite sets cases before each_case
	echo "$cases" | while IFS='|' read -r f1 f2 f3 f4 f5 f6; do
		[ -n "$f1" ] || continue
		"$1" "$f1" "$f2" "$f3" "$f4" "$f5" "$f6"
	done
}
