# SPDX-License-Identifier: GPL-2.0
# The receive path's two economies, at their edges:
# - a reply that no raw socket could see is queued itself (replies_stolen),
#   otherwise cloned (replies_delivered), and a raw socket opened while
#   replies flow sees every reply from then on, as with the built-in;
# - the receive hook is registered in a namespace only while it holds a
#   socket of ours, and a linger after the last: it must come and go while
#   replies flow without losing one, and never block rmmod.
# SNMP parity on both paths is 30-counters'.
# shellcheck shell=dash
# shellcheck disable=SC2016 # awk programs and sh -c lines quote on purpose
# shellcheck source=tests/guest/lib.sh
. /tests/guest/lib.sh

IP=/usr/bin/ip
linger=/sys/module/icmp_ep/parameters/hook_linger_ms

# pings COUNT: COUNT echoes to 127.0.0.1 and to ::1, as uid 65534; each
# run's "N received" line goes to stdout.
pings() {
	as_nobody /usr/bin/ping -q -c "$1" -i 0.02 127.0.0.1 | grep -o '[0-9]* received'
	as_nobody /usr/bin/ping -q -c "$1" -i 0.02 ::1 | grep -o '[0-9]* received'
}

# hook_gone FAMILY: wait up to 10 s for FAMILY's hook to be unregistered
# as often as it was registered: a hook wanted back soon after it went
# lingers twice as long the next time.
hook_gone() {
	local tries=0
	while [ "$(ep_counter "$1_hook_registered")" -ne \
		"$(ep_counter "$1_hook_unregistered")" ] && [ "$tries" -lt 200 ]; do
		sleep 0.05
		tries=$((tries + 1))
	done
	[ "$tries" -lt 200 ]
}

load_module

# No raw socket: every reply is taken, none cloned.
s4=$(ep_counter ipv4_replies_stolen)
s6=$(ep_counter ipv6_replies_stolen)
d4=$(ep_counter ipv4_replies_delivered)
d6=$(ep_counter ipv6_replies_delivered)
pings 5 >/tmp/steal.out
check steal/all-received [ "$(grep -c '^5 received' /tmp/steal.out)" -eq 2 ]
moved ipv4_replies_stolen 5 "$s4"
moved ipv6_replies_stolen 5 "$s6"
moved ipv4_replies_delivered 0 "$d4"
moved ipv6_replies_delivered 0 "$d6"

# A raw socket of each protocol: every reply is cloned.
/tests/bin/stress raw 120 >/tmp/raw.out 2>&1 &
raw=$!
wait_listening /tmp/raw.out
s4=$(ep_counter ipv4_replies_stolen)
s6=$(ep_counter ipv6_replies_stolen)
d4=$(ep_counter ipv4_replies_delivered)
d6=$(ep_counter ipv6_replies_delivered)
pings 5 >/tmp/clone.out
check steal/clone-all-received [ "$(grep -c '^5 received' /tmp/clone.out)" -eq 2 ]
moved ipv4_replies_stolen 0 "$s4"
moved ipv6_replies_stolen 0 "$s6"
moved ipv4_replies_delivered 5 "$d4"
moved ipv6_replies_delivered 5 "$d6"
kill "$raw"
wait "$raw"

# flowing V4_BEFORE V6_BEFORE: whether an echo reply of each family came
# in since the counts were as given.
flowing() {
	[ "$(echo_replies 4)" -gt "$1" ] && [ "$(echo_replies 6)" -gt "$2" ]
}

# mid_flow IMPL: while a ping of each family runs, a raw socket opens and
# must see the replies to its own pings; in /tmp/IMPL.midflow, with what
# the flows received.  With icmp_ep, /tmp/paths says which paths served.
mid_flow() {
	local stolen before r4 r6
	stolen=$(ep_counter ipv4_replies_stolen 2>/dev/null)
	r4=$(echo_replies 4)
	r6=$(echo_replies 6)
	as_nobody /usr/bin/ping -q -c 200 -i 0.01 127.0.0.1 >/tmp/flow4 &
	as_nobody /usr/bin/ping -q -c 200 -i 0.01 ::1 >/tmp/flow6 &
	# Both flows under way, each with a reply in, before the raw socket.
	wait_until flowing "$r4" "$r6" || echo "mid-flow: the pings got no reply"
	before=$(ep_counter ipv4_replies_delivered 2>/dev/null)
	/tests/bin/stress rawsee 50 >"/tmp/$1.midflow"
	wait
	grep -ho '[0-9]* received' /tmp/flow4 /tmp/flow6 >>"/tmp/$1.midflow"
	[ "$1" = builtin ] ||
		echo "stolen-before $(($(ep_counter ipv4_replies_stolen) - stolen))" \
		     "cloned-after $(($(ep_counter ipv4_replies_delivered) - before))" \
		     >/tmp/paths
}
for_each_impl mid_flow
judge steal/raw-opened-mid-flow "ipv4 ping 50 raw 50" \
	/tmp/builtin.midflow /tmp/icmp_ep.midflow
check steal/raw-opened-mid-flow-v6 grep -q "ipv6 ping 50 raw 50" /tmp/icmp_ep.midflow
cat /tmp/paths
check steal/mid-flow-took-both-paths awk \
	'$2 > 0 && $4 >= 50 { ok = 1 } END { exit !ok }' /tmp/paths

load_module
# Hooks come and go with the sockets; a linger of 0 makes them go at once.
echo 0 >$linger
check hook/none-before-a-socket [ "$(ep_counter ipv4_hook_registered)" -eq 0 ]
r4=$(ep_counter ipv4_hook_registered)
r6=$(ep_counter ipv6_hook_registered)
# Three loops of short pings, each run binding and closing its socket,
# race registration against the linger's unregistration.
for loop in 1 2 3; do
	i=0
	while [ $i -lt 15 ]; do
		pings 2
		i=$((i + 1))
	done >/tmp/loop.$loop &
done
wait
check hook/every-reply-while-coming-and-going \
	[ "$(cat /tmp/loop.1 /tmp/loop.2 /tmp/loop.3 | grep -c '^2 received$')" -eq 90 ]
check hook/came-and-went-v4 [ "$(($(ep_counter ipv4_hook_registered) - r4))" -ge 2 ]
check hook/came-and-went-v6 [ "$(($(ep_counter ipv6_hook_registered) - r6))" -ge 2 ]
check hook/gone-v4 hook_gone ipv4
check hook/gone-v6 hook_gone ipv6

# Another namespace pays nothing until it has a socket of its own.
$IP netns add hookless
pings 1 >/dev/null &
check hook/absent-in-other-netns $IP netns exec hookless \
	awk '$1 ~ /_hook_registered$/ && $2 { bad = 1 } END { exit bad }' \
	/proc/net/stat/icmp_ep
wait
$IP netns exec hookless sh -c 'echo "0 2147483647" >/proc/sys/net/ipv4/ping_group_range; /usr/bin/ip link set lo up'
$IP netns exec hookless /tests/bin/runas $NOBODY $NOBODY /usr/bin/ping -q -c 1 127.0.0.1 >/dev/null
check hook/registered-in-other-netns $IP netns exec hookless \
	awk '$1 == "ipv4_hook_registered" && $2 == 1 { ok = 1 } END { exit !ok }' \
	/proc/net/stat/icmp_ep
$IP netns del hookless

# A linger keeps one registration across a loop of pings, ...
echo 2000 >$linger
hook_gone ipv4
r4=$(ep_counter ipv4_hook_registered)
for i in 1 2 3 4 5; do
	as_nobody /usr/bin/ping -q -c 1 127.0.0.1 >/dev/null
done
moved ipv4_hook_registered 1 "$r4"
check hook/gone-after-linger hook_gone ipv4
# ... and never delays rmmod: the administrator's, right after ping.
echo 600000 >$linger
as_nobody /usr/bin/ping -q -c 1 127.0.0.1 >/dev/null
check hook/rmmod-while-lingering unload_module

# Any user can open and close sockets at will, each time a little longer
# apart than the linger: the hook must not come and go with every one
# (each first LOCAL_IN hook of a host flips a global static key).  A hook
# wanted back soon after it went lingers twice as long, up to a minute:
# from a linger of one jiffy (4 ms at Debian's HZ of 250), at most
# log2(60 s / 4 ms) + 1 = 15 registrations per family.
load_module
echo 4 >$linger
r=$(($(ep_counter ipv4_hook_registered) + $(ep_counter ipv6_hook_registered)))
/tests/bin/runas $NOBODY $NOBODY /tests/bin/stress burst 1000 10 >/dev/null
n=$(($(ep_counter ipv4_hook_registered) + $(ep_counter ipv6_hook_registered) - r))
echo "hook registrations per 1000 socket lifetimes 10 ms apart: $n"
check hook/churn-bounded [ "$n" -le 30 ]
unload_module

# A built-in socket opened before insmod keeps its ident, which icmp_ep's
# allocator cannot see, so one of ours can bind the same ident.  The
# older socket must still get every reply to its own echoes, as it did
# before insmod; ours, its own.
builtin_before_insmod() {
	local family=$1 dst=127.0.0.1 old
	[ "$family" = 4 ] || dst=::1
	unload_module
	as_nobody /tests/bin/echo "-$family" -b 4242 -c 30 -i 50 $dst \
		>/tmp/old.out 2>&1 &
	old=$!
	wait_listening /tmp/old.out
	load_module
	as_nobody /tests/bin/echo "-$family" -b 4242 -c 10 -i 50 $dst \
		>/tmp/new.out 2>&1
	wait "$old"
	cat /tmp/old.out /tmp/new.out
	check "steal/builtin-v$family-keeps-its-replies" \
		grep -qx 'sent 30 received 30' /tmp/old.out
	check "steal/ours-v$family-beside-it-gets-its-own" \
		grep -qx 'sent 10 received 10' /tmp/new.out
}
builtin_before_insmod 4
builtin_before_insmod 6
unload_module

# A socket filter, cgroup BPF or an LSM refusing a reply is no full queue.
load_module
for family in 4 6; do
	dst=127.0.0.1
	[ $family = 4 ] || dst=::1
	filtered=$(ep_counter "ipv${family}_drop_socket_filter")
	full=$(ep_counter "ipv${family}_drop_queue_full")
	as_nobody /tests/bin/echo "-$family" -d -c 3 -i 10 $dst
	moved "ipv${family}_drop_socket_filter" 3 "$filtered"
	moved "ipv${family}_drop_queue_full" 0 "$full"
done
unload_module
