# SPDX-License-Identifier: GPL-2.0
# ICMP errors across a routed topology: real clients must print the same
# thing through icmp_ep as through the built-in ping sockets, and what they
# print must be the error the router sent.
# shellcheck shell=dash
# shellcheck source=tests/guest/lib.sh
. /tests/guest/lib.sh
# shellcheck source=tests/guest/topology.sh
. /tests/guest/topology.sh

# name|expected text|client command (run as uid 65534)
#
# fping 5.1 (Debian 12) matches replies by its own pid-based id, which a
# ping socket replaces with the socket's ident, so it calls every host
# unreachable through ping sockets, built-in or not; what counts is that it
# behaves identically.  (net.icmp_ep.keep_echo_id would let it hear its
# replies: the client namespace is new, so the switch is at 0 there;
# 42-keep-echo-id tests it on.)  Debian 12's busybox ping (1.35) only opens raw
# sockets, so it cannot run unprivileged at all and is not listed.
cases='
v4-reply|1 received|/usr/bin/ping -c 1 -W 2 10.0.2.2
v6-reply|1 received|/usr/bin/ping -6 -c 1 -W 2 fd00:2::2
v4-host-unreachable|From 10.0.1.2 icmp_seq=1 Destination Host Unreachable|/usr/bin/ping -c 1 -W 2 10.9.9.1
v6-no-route|From fd00:1::2 icmp_seq=1 Destination unreachable: No route|/usr/bin/ping -6 -c 1 -W 2 fd00:9::1
v4-ttl-exceeded|From 10.0.1.2 icmp_seq=1 Time to live exceeded|/usr/bin/ping -c 1 -W 2 -t 1 10.0.2.2
v6-hop-limit|From fd00:1::2 icmp_seq=1 Time exceeded: Hop limit|/usr/bin/ping -6 -c 1 -W 2 -t 1 fd00:2::2
v4-frag-needed|Frag needed and DF set (mtu = 1280)|/usr/bin/ping -c 2 -i 0.5 -W 2 -M do -s 1400 10.0.2.2
v6-packet-too-big|Packet too big: mtu=1280|/usr/bin/ping -6 -c 2 -i 0.5 -W 2 -M do -s 1300 fd00:2::2
v6-fragmented|3 received|/usr/bin/ping -6 -c 3 -i 0.5 -W 2 -s 1300 fd00:2::2
v4-fragmented|1 received|/usr/bin/ping -c 1 -W 2 -M dont -s 1400 10.0.2.2
v4-admin-prohibited|Packet filtered|/usr/bin/ping -c 1 -W 2 10.0.2.3
v6-admin-prohibited|Destination unreachable: Administratively prohibited|/usr/bin/ping -6 -c 1 -W 2 fd00:2::3
fping-v4|10.0.2.2 is unreachable|/usr/bin/fping -r 0 -t 1000 10.0.2.2
fping-v6|fd00:2::2 is unreachable|/usr/bin/fping -6 -r 0 -t 1000 fd00:2::2
fping-v4-no-route|10.9.9.1 is unreachable|/usr/bin/fping -r 0 -t 1000 10.9.9.1
'

# run_case NAME EXPECTED COMMAND: COMMAND's output in $dir/NAME
run_case() {
	# shellcheck disable=SC2086 # the command is a command line
	client_as_nobody $3 2>&1 | normalise >"$dir/$1"
}

# run IMPL: every case once, output in /tmp/errors.IMPL/NAME
run() {
	dir=/tmp/errors.$1
	rm -rf "$dir"
	mkdir -p "$dir"
	topo_up
	each_case run_case
	# The client namespace is new for each run, so its counters start at
	# zero.  IPv6 neighbour discovery and MLD run on timers: keep to the
	# counters our traffic alone moves.
	{
		in_client cat /proc/net/snmp
		in_client grep -E '^(Icmp6(In|Out)(Errors|CsumErrors|DestUnreachs|PktTooBigs|TimeExcds|ParmProblems|Echos|EchoReplies))|^Icmp6(In|Out)Type1(28|29) |^Icmp6InType[1-4] ' /proc/net/snmp6
	} >"$dir/snmp"
	topo_down
}

for_each_impl run

echo "--- SNMP counters of the client after all cases"
judge errors/snmp-counters-same-as-builtin InEchoReps \
	/tmp/errors.builtin/snmp /tmp/errors.icmp_ep/snmp

# judge_case NAME EXPECTED COMMAND
judge_case() {
	echo "--- $1: $3"
	judge "errors/$1" "$2" "/tmp/errors.builtin/$1" "/tmp/errors.icmp_ep/$1"
}

each_case judge_case
