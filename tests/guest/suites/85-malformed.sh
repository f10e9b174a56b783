# SPDX-License-Identifier: GPL-2.0
# Hostile inbound traffic through a packet socket on lo: truncated and
# garbled replies and errors, bad checksums, unknown and live idents,
# extension headers, fragments, empty and large payloads.  A socket holding
# the ident must receive only well-formed replies, and the counters of
# /proc/net/stat/icmp_ep must account for every packet of every kind.
# Then, against the built-in: replies from another source and errors about
# another destination, for a connected socket and an unconnected one.
# Every case runs in each of inject's layouts: linear, paged (all after the
# IP header in page frags) and frags (reassembled, the payload or quote on
# the frag_list), and must land in the same counter in each.
# shellcheck shell=dash
# shellcheck source=tests/guest/lib.sh
. /tests/guest/lib.sh

: "${INJECT_COUNT:=200}"
IDENT=4321
LAYOUTS='linear paged frags'

# kind|counter that takes every packet, or "none" for packets that never
# reach LOCAL_IN whole (an unfinished fragment) or are not ours by form
kinds='
v4-truncated|ipv4_drop_malformed
v4-bad-checksum|ipv4_drop_bad_checksum
v4-no-socket|ipv4_drop_no_socket
v4-reply|ipv4_replies_stolen
v4-empty-reply|ipv4_replies_stolen
v4-big-reply|ipv4_replies_stolen
v4-error-truncated-quote|ipv4_drop_malformed
v4-error-garbled-quote|ipv4_drop_malformed
v4-error-other-protocol|none
v4-error-bad-code|ipv4_drop_filtered
v4-error|ipv4_errors_delivered
v4-fragment|none
v6-truncated|ipv6_drop_malformed
v6-bad-checksum|ipv6_drop_bad_checksum
v6-no-socket|ipv6_drop_no_socket
v6-reply|ipv6_replies_stolen
v6-reply-dstopts|ipv6_replies_delivered
v6-error-truncated-quote|ipv6_drop_malformed
v6-error|ipv6_errors_delivered
v6-error-type-0|ipv6_errors_delivered
v6-error-type-5|ipv6_errors_delivered
v6-error-type-127|ipv6_errors_delivered
v6-error-type-200|none
'

# total_and KEY: the packet counters, summed (the hook's registrations
# count none), and the counter KEY (nothing for "none"), in one program
# run: each costs, under KASAN most of all.
total_and() {
	awk -v k="$1" '$1 == k { v = $2 } $1 !~ /_hook_/ { sum += $2 }
		END { print sum, v }' /proc/net/stat/icmp_ep
}

# inject_one LAYOUT KIND KEY: INJECT_COUNT packets of KIND; KEY, or all
# counters if KEY is "none", must have moved by exactly that much.
inject_one() {
	local name="malformed/$1/$2" before_total before moved got now now_total
	read -r before_total before <<EOF
$(total_and "$3")
EOF
	# inject returns once lo's backlog, which on a slow guest takes
	# longer to work off than inject takes to fill it, has taken in every
	# packet: the counters are final.
	if ! /tests/bin/inject --layout "$1" "$2" "$INJECT_COUNT" $IDENT >/dev/null; then
		fail "$name" "inject failed"
		return
	fi
	read -r now_total now <<EOF
$(total_and "$3")
EOF
	moved=$((now_total - before_total))
	if [ "$3" = none ]; then
		check "$name-uncounted" [ "$moved" -eq 0 ]
		return
	fi
	got=$((now - before))
	# A full queue may refuse replies: those count as drop_queue_full.
	case $3 in
	*replies_delivered | *replies_stolen)
		got=$moved ;;
	esac
	if [ "$got" -eq "$INJECT_COUNT" ] && [ "$moved" -eq "$INJECT_COUNT" ]; then
		ok "$name"
	else
		fail "$name" "$3 moved by $got, all counters by $moved, for $INJECT_COUNT packets"
	fi
}

# Injected packets are routed on input: 127/8 must be routable from lo, and
# a local source accepted there.
lo=/proc/sys/net/ipv4/conf/lo
echo 1 >$lo/route_localnet
echo 1 >$lo/accept_local
# lo hands what inject sends to a per-CPU backlog of 1,000 packets, which
# a slow (debug, emulated) guest can overflow at long counts: those drops
# happen before IP and are none of icmp_ep's, so give it room.
backlog=/proc/sys/net/core/netdev_max_backlog
old_backlog=$(cat $backlog)
echo 1000000 >$backlog
load_module
# runas execs the listener, so $! is the listener itself.
/tests/bin/runas $NOBODY $NOBODY /tests/bin/stress listen $IDENT 100000 \
	>/tmp/listen.out 2>&1 &
listener=$!
wait_listening /tmp/listen.out

echo "inject: $(echo "$kinds" | grep -c '|') kinds x $INJECT_COUNT packets x layouts $LAYOUTS"
for layout in $LAYOUTS; do
	start=$(date +%s)
	echo "$kinds" | while IFS='|' read -r kind key; do
		[ -n "$kind" ] || continue
		inject_one "$layout" "$kind" "$key"
	done
	echo "inject: layout $layout took $(($(date +%s) - start)) s"
done

kill "$listener"
wait "$listener"
cat /tmp/listen.out
check malformed/nothing-invalid-delivered grep -q "^ipv4 delivered [0-9]* invalid 0$" /tmp/listen.out
check malformed/nothing-invalid-delivered-v6 grep -q "^ipv6 delivered [0-9]* invalid 0$" /tmp/listen.out
check malformed/rmmod unload_module

# What reaches the error queue, against the built-in: icmpv6_rcv() hands
# errors of a type it does not know (0, 5-127) to icmpv6_notify(), and so
# to the socket whose echo they quote, as EPROTO; an informational type
# of its own is no error.  Few enough packets that no queue fills.
errq_kinds='v6-error-type-0 v6-error-type-5 v6-error-type-127 v6-error-type-200'
errq_run() {
	/tests/bin/runas $NOBODY $NOBODY /tests/bin/stress listen $IDENT 100000 \
		recverr >"/tmp/errq-listen.$1" 2>&1 &
	pid=$!
	wait_listening "/tmp/errq-listen.$1"
	for kind in $errq_kinds; do
		/tests/bin/inject "$kind" 20 $IDENT >/dev/null ||
			fail "malformed/$kind-errqueue-inject-$1" "inject failed"
	done
	# Every error is queued by now (inject waits for that): the listener
	# drains its error queues as SIGTERM ends it.
	kill "$pid"
	wait "$pid" || true
}
for_each_impl errq_run
echo "--- built-in"
cat /tmp/errq-listen.builtin
echo "--- icmp_ep"
judge malformed/v6-unknown-error-errqueue "ipv6 errqueue errno=EPROTO origin=3 type=5 code=0 info=1 offender=::1 len=8 x 20" \
	/tmp/errq-listen.builtin /tmp/errq-listen.icmp_ep
echo 0 >$lo/route_localnet
echo 0 >$lo/accept_local

# kind|socket|what the built-in's socket gets|what icmp_ep's gets|icmp_ep's
# counter that takes every packet, for each family (v4-, ipv4_ and v6-,
# ipv6_ before them).  N stands for PEER_COUNT.  A connected socket hearing
# only its peer is a deliberate deviation: the built-in delivers what
# icmp_ep must drop and count in drop_not_peer.
PEER_COUNT=20
peer_rows='
reply|connected|replies N errors 0|replies N errors 0|replies_stolen
reply-other-source|connected|replies N errors 0|replies 0 errors 0|drop_not_peer
error|connected|replies 0 errors N|replies 0 errors N|errors_delivered
error-other-destination|connected|replies 0 errors N|replies 0 errors 0|drop_not_peer
reply-other-source|unconnected|replies N errors 0|replies N errors 0|replies_stolen
error-other-destination|unconnected|replies 0 errors N|replies 0 errors N|errors_delivered
'
peer_kinds=$(for f in 4 6; do
	echo "$peer_rows" | sed -n "s/^\(.*|\)\([a-z_]*\)\$/v$f-\1ipv${f}_\2/p"
done)

# peer_key LAYOUT KEY: the counter that takes a peer row's packets.  IPv6
# reassembles fragments after LOCAL_IN: icmp_ep reassembles clones of them
# and hands the socket that copy, never the original (which the kernel
# reassembles again), so a fragmented reply is delivered, never stolen.
peer_key() {
	case $1/$2 in
	frags/ipv6_replies_stolen) echo ipv6_replies_delivered ;;
	*) echo "$2" ;;
	esac
}

# peer IMPL: in every layout, every peer kind once, and every kind of
# $kinds to an unconnected socket of inject's own; what the socket got, and
# with icmp_ep how far its counter and all counters moved, in
# /tmp/peer-inject.IMPL.
peer() {
	local layout kind sock builtin icmp_ep key before_total before got moved
	local loaded=no now now_total
	module_loaded && loaded=yes
	echo 1 >$lo/route_localnet
	echo 1 >$lo/accept_local
	for layout in $LAYOUTS; do
		echo "$peer_kinds" | while IFS='|' read -r kind sock builtin icmp_ep key; do
			[ -n "$kind" ] || continue
			key=$(peer_key "$layout" "$key")
			before_total=0
			before=0
			if [ $loaded = yes ]; then
				read -r before_total before <<EOF
$(total_and "$key")
EOF
			fi
			got=$(/tests/bin/inject --layout "$layout" "$sock" "$kind" \
				$PEER_COUNT | tail -n 1)
			moved="- -"
			if [ $loaded = yes ]; then
				read -r now_total now <<EOF
$(total_and "$key")
EOF
				moved="$((now - before)) $((now_total - before_total))"
			fi
			echo "$layout $kind $sock|$got|$moved"
		done
		echo "$kinds" | while IFS='|' read -r kind key; do
			[ -n "$kind" ] || continue
			got=$(/tests/bin/inject --layout "$layout" unconnected \
				"$kind" $PEER_COUNT | tail -n 1)
			echo "$layout $kind any|$got"
		done
	done >"/tmp/peer-inject.$1"
	echo 0 >$lo/route_localnet
	echo 0 >$lo/accept_local
}

for_each_impl peer

# fields ROW: "BUILTIN_GOT|ICMP_EP_GOT|ICMP_EP_MOVED" for ROW of
# /tmp/peer-inject.builtin and .icmp_ep (empty where a file has no such
# row), in one program run.
fields() {
	awk -F'|' -v k="$1" '$1 != k { next }
		FILENAME ~ /builtin$/ { b = $2; next }
		{ e = $2; m = $3 }
		END { print b "|" e "|" m }' \
		/tmp/peer-inject.builtin /tmp/peer-inject.icmp_ep
}

# per_count TEXT: TEXT with its N, if any, as PEER_COUNT, in PER_COUNT.
per_count() {
	case $1 in
	*N*) PER_COUNT="${1%%N*}$PEER_COUNT${1#*N}" ;;
	*) PER_COUNT=$1 ;;
	esac
}

for layout in $LAYOUTS; do
	echo "$peer_kinds" | while IFS='|' read -r kind sock builtin icmp_ep key; do
		[ -n "$kind" ] || continue
		key=$(peer_key "$layout" "$key")
		name="malformed/$layout/$kind-$sock"
		per_count "$builtin"
		builtin=$PER_COUNT
		per_count "$icmp_ep"
		icmp_ep=$PER_COUNT
		IFS='|' read -r b e moved <<EOF
$(fields "$layout $kind $sock")
EOF
		echo "$name: built-in '$b', icmp_ep '$e', $key and all counters moved by $moved"
		if [ "$b" != "$builtin" ]; then
			fail "$name" "the built-in's socket got '$b', not '$builtin'"
		elif [ "$e" != "$icmp_ep" ]; then
			fail "$name" "icmp_ep's socket got '$e', not '$icmp_ep'"
		elif [ "$moved" != "$PEER_COUNT $PEER_COUNT" ]; then
			fail "$name" "$key and all counters moved by $moved, not $PEER_COUNT"
		else
			ok "$name"
		fi
	done
	# Every kind, unconnected: what the socket gets, as with the built-in.
	echo "$kinds" | while IFS='|' read -r kind key; do
		[ -n "$kind" ] || continue
		IFS='|' read -r b e moved <<EOF
$(fields "$layout $kind any")
EOF
		echo "malformed/$layout/$kind-as-builtin: built-in '$b', icmp_ep '$e'"
		check "malformed/$layout/$kind-as-builtin" [ "${b:-missing}" = "$e" ]
	done
done
echo "$old_backlog" >$backlog
