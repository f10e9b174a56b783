# SPDX-License-Identifier: GPL-2.0
# The receive hook under the netfilter setups that change when and how it
# runs, through icmp_ep as through the built-in ping sockets:
# - NFQUEUE: a rule queues all ICMP on input to a listener that accepts
#   every packet.  The kernel hands each back through nf_reinject(), which
#   runs the later LOCAL_IN hooks in the listener's process context with
#   bottom halves on.  Replies and PMTU errors must arrive as without the
#   queue, and (on the debug kernel) lockdep stay silent, which it cannot
#   if the PMTU update takes the socket's bh lock with bottom halves on.
# - conntrack: a reply's IPCT_REPLY event is delivered by conntrack's
#   confirmation, the LOCAL_IN hook after ours for IPv6, and for IPv4 after
#   or before ours, as the two were registered.  conntrack -E must show the
#   same events, by the time ping is done, whichever registered first.
# shellcheck shell=dash
# shellcheck source=tests/guest/lib.sh
. /tests/guest/lib.sh
# shellcheck source=tests/guest/topology.sh
. /tests/guest/topology.sh

linger=/sys/module/icmp_ep/parameters/hook_linger_ms

# name|expected text|queue or direct|client command (uid 65534)
cases='
v4-frag-needed-direct|Frag needed and DF set (mtu = 1280)|direct|/usr/bin/ping -c 2 -i 0.3 -W 2 -M do -s 1400 10.0.2.2
v6-packet-too-big-direct|Packet too big: mtu=1280|direct|/usr/bin/ping -6 -c 2 -i 0.3 -W 2 -M do -s 1300 fd00:2::2
v4-reply-queued|3 received|queue|/usr/bin/ping -c 3 -i 0.3 -W 2 10.0.2.2
v6-reply-queued|3 received|queue|/usr/bin/ping -6 -c 3 -i 0.3 -W 2 fd00:2::2
v4-frag-needed-queued|Frag needed and DF set (mtu = 1280)|queue|/usr/bin/ping -c 2 -i 0.3 -W 2 -M do -s 1400 10.0.2.2
v6-packet-too-big-queued|Packet too big: mtu=1280|queue|/usr/bin/ping -6 -c 2 -i 0.3 -W 2 -M do -s 1300 fd00:2::2
v4-host-unreachable-queued|Destination Host Unreachable|queue|/usr/bin/ping -c 1 -W 2 10.9.9.1
'

# queue_icmp: every ICMP and ICMPv6 packet the client receives goes to
# queue 0, whose listener must be up first: without one, they are dropped.
queue_icmp() {
	in_client /usr/sbin/nft -f - <<EOF
table inet nfq {
	chain input {
		type filter hook input priority 0;
		meta l4proto { icmp, ipv6-icmp } queue num 0
	}
}
EOF
}

# run_case NAME EXPECTED HOW COMMAND: COMMAND's output in $dir/NAME, with
# what the listener passed when HOW is queue.
run_case() {
	local nfq=
	topo_up
	if [ "$3" = queue ]; then
		# Not through in_client: $! must be the listener itself.
		$IP netns exec client /tests/bin/nfqueue 0 >/tmp/nfq.out 2>&1 &
		nfq=$!
		wait_listening /tmp/nfq.out
		queue_icmp
	fi
	# shellcheck disable=SC2086 # the command is a command line
	client_as_nobody $4 2>&1 | normalise >"$dir/$1"
	in_client grep -E '^(Icmp|IcmpMsg):' /proc/net/snmp >>"$dir/$1"
	if [ -n "$nfq" ]; then
		kill "$nfq"
		wait "$nfq" 2>/dev/null
		grep -q 'packets accepted' /tmp/nfq.out ||
			echo "listener failed: $(cat /tmp/nfq.out)" >>"$dir/$1"
	fi
	topo_down
}

# conntrack_events FAMILY ORDER: the client's conntrack events, ids and
# timeouts left out, around one ping to the far host, read right after
# ping is done.  ORDER hook-first registers icmp_ep's hook (a socket, a
# long linger) before the ruleset enables conntrack; ct-first, after.
conntrack_events() {
	local far=10.0.2.2 proto=icmp ev seen
	[ "$1" = 4 ] || { far=fd00:2::2; proto=icmpv6; }
	topo_up
	if [ "$2" = hook-first ] && module_loaded; then
		echo 600000 >$linger
		client_as_nobody /usr/bin/ping -"$1" -q -c 1 -W 2 "$far" >/dev/null
	fi
	in_client /usr/sbin/nft add table inet track
	in_client /usr/sbin/nft add chain inet track input \
		'{ type filter hook input priority 0; }'
	in_client /usr/sbin/nft add rule inet track input ct state established counter
	$IP netns exec client /usr/sbin/conntrack -E -p "$proto" >/tmp/ct.out 2>&1 &
	ev=$!
	# conntrack -E subscribes before it prints anything: until an event
	# of root's raw ping shows, it may not be listening yet.
	in_client /usr/bin/ping -"$1" -q -c 1 -W 2 "$far" >/dev/null
	wait_for_line /tmp/ct.out UPDATE 1
	seen=$(wc -l </tmp/ct.out)
	client_as_nobody /usr/bin/ping -"$1" -q -c 1 -W 2 "$far" | grep -o '[0-9]* received'
	wait_for_line /tmp/ct.out UPDATE $((seen + 1))
	kill "$ev"
	wait "$ev" 2>/dev/null
	tail -n +$((seen + 1)) /tmp/ct.out | sed -E -e 's/id=[0-9]+/id=X/g' \
		-e 's/^( *\[[A-Z]+\] [a-z0-9]+ +[0-9]+) [0-9]+ /\1 X /' \
		-e '/flow events have been shown/d'
	! module_loaded || echo 1000 >$linger
	topo_down
}

# wait_for_line FILE WORD FIRST: until FILE has a line with WORD at line
# FIRST or later, for up to 2 s.
wait_for_line() {
	local tries=0
	while ! tail -n +"$3" "$1" 2>/dev/null | grep -q "$2" &&
		[ "$tries" -lt 40 ]; do
		sleep 0.05
		tries=$((tries + 1))
	done
}

# run IMPL: every case, then the conntrack events, in /tmp/nf.IMPL/
run() {
	local family order
	dir=/tmp/nf.$1
	rm -rf "$dir"
	mkdir -p "$dir"
	each_case run_case
	for family in 4 6; do
		for order in ct-first hook-first; do
			conntrack_events $family $order >"$dir/ct-v$family-$order"
		done
	done
}

for_each_impl run

# judge_case NAME EXPECTED HOW COMMAND
judge_case() {
	echo "--- $1: $4"
	judge "netfilter/$1" "$2" "/tmp/nf.builtin/$1" "/tmp/nf.icmp_ep/$1"
}

each_case judge_case
for family in 4 6; do
	for order in ct-first hook-first; do
		echo "--- conntrack events, IPv$family, $order"
		judge "netfilter/conntrack-v$family-$order" "[UPDATE]" \
			"/tmp/nf.builtin/ct-v$family-$order" \
			"/tmp/nf.icmp_ep/ct-v$family-$order"
	done
done
