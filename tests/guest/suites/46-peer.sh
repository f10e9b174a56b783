# SPDX-License-Identifier: GPL-2.0
# A connected socket hears only its peer (a deliberate deviation, see the
# deviations table): an echo reply must come from the connected address and
# an ICMP error must quote a datagram sent to it, wherever the error comes
# from.  The built-in delivers both to any socket holding the ident; icmp_ep
# drops them and counts them in drop_not_peer.  Unconnected sockets, sockets
# connect(AF_UNSPEC)ed again, and sockets connected to a broadcast or
# multicast address hear everything, as with the built-in.
# shellcheck shell=dash
# shellcheck disable=SC2016 # awk programs and sh -c lines quote on purpose
# shellcheck source=tests/guest/lib.sh
. /tests/guest/lib.sh
# shellcheck source=tests/guest/topology.sh
. /tests/guest/topology.sh

# name|expected with the built-in|expected with icmp_ep|drop_not_peer
# increase with icmp_ep|errq arguments.  Cases whose two expectations are
# the same must also print exactly what the built-in prints.  10.0.2.4 and
# fd00:2::4 are the third host; 10.9.9.1 and fd00:9::1 are unreachable at
# the router; the router answers echoes to 10.0.1.255, 224.0.0.1 and
# ff02::2 (all routers) from its own address.
cases='
v4-reply-from-peer|recv: len=64 flags=0 name=inet:10.0.2.2:0|recv: len=64 flags=0 name=inet:10.0.2.2:0|0|-c 10.0.2.2
v6-reply-from-peer|recv: len=64 flags=0 name=inet6:fd00:2::2:0|recv: len=64 flags=0 name=inet6:fd00:2::2:0|0|-6 -c fd00:2::2
v4-reply-from-third-host|recv: len=64 flags=0 name=inet:10.0.2.4:0|probe 1 poll: in=0 err=0|1|-C 10.0.2.2 10.0.2.4
v6-reply-from-third-host|recv: len=64 flags=0 name=inet6:fd00:2::4:0|probe 1 poll: in=0 err=0|1|-6 -C fd00:2::2 fd00:2::4
v4-router-error-about-peer|errno=EHOSTUNREACH origin=2 type=11 code=0 pad=0 info=0 data=0 offender=inet:10.0.1.2:0|errno=EHOSTUNREACH origin=2 type=11 code=0 pad=0 info=0 data=0 offender=inet:10.0.1.2:0|0|-c -t 1 10.0.2.2
v6-router-error-about-peer|errno=EHOSTUNREACH origin=3 type=3 code=0 pad=0 info=0 data=0 offender=inet6:fd00:1::2:0|errno=EHOSTUNREACH origin=3 type=3 code=0 pad=0 info=0 data=0 offender=inet6:fd00:1::2:0|0|-6 -c -t 1 fd00:2::2
v4-error-about-other-destination|errno=EHOSTUNREACH origin=2 type=3 code=1 pad=0 info=0 data=0 offender=inet:10.0.1.2:0|probe 1 poll: in=0 err=0|1|-C 10.0.2.2 10.9.9.1
v6-error-about-other-destination|errno=ENETUNREACH origin=3 type=1 code=0 pad=0 info=0 data=0 offender=inet6:fd00:1::2:0|probe 1 poll: in=0 err=0|1|-6 -C fd00:2::2 fd00:9::1
v4-unconnected-reply|recv: len=64 flags=0 name=inet:10.0.2.4:0|recv: len=64 flags=0 name=inet:10.0.2.4:0|0|10.0.2.4
v6-unconnected-reply|recv: len=64 flags=0 name=inet6:fd00:2::4:0|recv: len=64 flags=0 name=inet6:fd00:2::4:0|0|-6 fd00:2::4
v4-unconnected-error|offender=inet:10.0.1.2:0|offender=inet:10.0.1.2:0|0|10.9.9.1
v6-unconnected-error|offender=inet6:fd00:1::2:0|offender=inet6:fd00:1::2:0|0|-6 fd00:9::1
v4-disconnected-reply|recv: len=64 flags=0 name=inet:10.0.2.4:0|recv: len=64 flags=0 name=inet:10.0.2.4:0|0|-C 10.0.2.2 -d 10.0.2.4
v6-disconnected-reply|recv: len=64 flags=0 name=inet6:fd00:2::4:0|recv: len=64 flags=0 name=inet6:fd00:2::4:0|0|-6 -C fd00:2::2 -d fd00:2::4
v4-disconnected-error|offender=inet:10.0.1.2:0|offender=inet:10.0.1.2:0|0|-C 10.0.2.2 -d 10.9.9.1
v6-disconnected-error|offender=inet6:fd00:1::2:0|offender=inet6:fd00:1::2:0|0|-6 -C fd00:2::2 -d fd00:9::1
v4-broadcast-connected|recv: len=64 flags=0 name=inet:10.0.1.2:0|recv: len=64 flags=0 name=inet:10.0.1.2:0|0|-b -c 10.0.1.255
v4-broadcast-needs-so-broadcast|connect: EACCES|connect: EACCES|0|-c 10.0.1.255
v4-multicast-connected|recv: len=64 flags=0 name=inet:10.0.1.2:0|recv: len=64 flags=0 name=inet:10.0.1.2:0|0|-c 224.0.0.1
v6-multicast-connected|recv: len=64 flags=0 name=inet6:fd00:1::2:0|recv: len=64 flags=0 name=inet6:fd00:1::2:0|0|-6 -c ff02::2%c0
'

# not_peer: both families' drop_not_peer in the client namespace, summed.
not_peer() {
	if ! module_loaded; then
		echo missing
		return
	fi
	in_client awk '$1 ~ /^ipv[46]_drop_not_peer$/ { n += $2; seen++ }
		END { if (seen == 2) print n; else print "missing" }' \
		/proc/net/stat/icmp_ep
}

# run_case NAME BUILTIN ICMP_EP DROPS ARGS: errq ARGS's output in $dir/NAME,
# and how much drop_not_peer moved in $dir/NAME.drops
run_case() {
	local before after
	before=$(not_peer)
	# shellcheck disable=SC2086 # the arguments are an argument list
	client_as_nobody /tests/bin/errq $5 >"$dir/$1" 2>&1
	after=$(not_peer)
	if [ "$before" = missing ] || [ "$after" = missing ]; then
		echo missing >"$dir/$1.drops"
	else
		echo $((after - before)) >"$dir/$1.drops"
	fi
}

# run IMPL: every case once, output in /tmp/peer.IMPL/NAME, and with
# icmp_ep how much drop_not_peer moved in /tmp/peer.IMPL/NAME.drops
run() {
	dir=/tmp/peer.$1
	rm -rf "$dir"
	mkdir -p "$dir"
	topo_up
	# Without a link-local address the client sends to ff02::2 (all
	# routers) from fd00:1::1, so the router answers from fd00:1::2
	# rather than from a link-local address made of a random MAC.
	$IP -n client -6 addr flush dev c0 scope link
	each_case run_case
	topo_down
}

for_each_impl run

# judge_case NAME BUILTIN ICMP_EP DROPS ARGS
judge_case() {
	local b=/tmp/peer.builtin/$1 e=/tmp/peer.icmp_ep/$1 got
	echo "--- $1: errq $5"
	got=$(cat "$e.drops")
	if [ "$2" = "$3" ]; then
		judge "peer/$1" "$3" "$b" "$e"
	else
		echo "(built-in)"
		cat "$b"
		echo "(icmp_ep)"
		cat "$e"
		if ! grep -qF "$2" "$b"; then
			fail "peer/$1" "the built-in does not print '$2'"
		elif ! grep -qF "$3" "$e"; then
			fail "peer/$1" "icmp_ep does not print '$3'"
		else
			ok "peer/$1"
		fi
	fi
	if [ "$got" = "$4" ]; then
		ok "peer/$1-drop-not-peer+$4"
	else
		fail "peer/$1-drop-not-peer+$4" "drop_not_peer moved by $got"
	fi
}

each_case judge_case
