# A routed topology for the error tests (sourced, busybox sh):
#
#   client (this netns)      router (netns "router")      far (netns "far")
#   c0 10.0.1.1/24  ------  r0 10.0.1.2/24
#      fd00:1::1/64            fd00:1::2/64
#                           r1 10.0.2.1/24   --MTU 1280--  f0 10.0.2.2/24
#                              fd00:2::1/64                   fd00:2::2/64
#
# The router forwards, has "unreachable" routes to 10.9.9.0/24 and
# fd00:9::/64, rejects 10.0.2.3 and fd00:2::3 as administratively
# prohibited, and its link to the far host has an MTU of 1280, so larger
# datagrams get frag-needed / packet-too-big.  The far host is one hop away,
# so a hop limit of 1 expires at the router.
IP=/usr/bin/ip

topo_up() {
	$IP netns add router
	$IP netns add far
	$IP link add c0 type veth peer name r0 netns router
	$IP -n router link add r1 type veth peer name f0 netns far

	$IP addr add 10.0.1.1/24 dev c0
	$IP -6 addr add fd00:1::1/64 dev c0 nodad
	$IP link set c0 up
	$IP route add default via 10.0.1.2
	$IP -6 route add default via fd00:1::2

	$IP -n router link set lo up
	$IP -n router addr add 10.0.1.2/24 dev r0
	$IP -n router -6 addr add fd00:1::2/64 dev r0 nodad
	$IP -n router addr add 10.0.2.1/24 dev r1
	$IP -n router -6 addr add fd00:2::1/64 dev r1 nodad
	$IP -n router link set r0 up
	$IP -n router link set r1 mtu 1280 up
	$IP -n router route add unreachable 10.9.9.0/24
	$IP -n router -6 route add unreachable fd00:9::/64
	$IP netns exec router sysctl -qw net.ipv4.ip_forward=1
	$IP netns exec router sysctl -qw net.ipv6.conf.all.forwarding=1
	$IP netns exec router /usr/sbin/iptables -A FORWARD -d 10.0.2.3 \
		-j REJECT --reject-with icmp-admin-prohibited
	$IP netns exec router /usr/sbin/ip6tables -A FORWARD -d fd00:2::3 \
		-j REJECT --reject-with adm-prohibited

	$IP -n far link set lo up
	$IP -n far addr add 10.0.2.2/24 dev f0
	$IP -n far -6 addr add fd00:2::2/64 dev f0 nodad
	$IP -n far link set f0 mtu 1280 up
	$IP -n far route add default via 10.0.2.1
	$IP -n far -6 route add default via fd00:2::1

	# Resolve neighbours now, so the first probe of a test is not lost.
	/usr/bin/ping -q -c 1 -W 2 10.0.2.2 >/dev/null 2>&1
	/usr/bin/ping -q -c 1 -W 2 fd00:2::2 >/dev/null 2>&1
}

topo_down() {
	$IP link del c0 2>/dev/null
	$IP netns del far 2>/dev/null
	$IP netns del router 2>/dev/null
}
