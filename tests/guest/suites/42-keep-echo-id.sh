# SPDX-License-Identifier: GPL-2.0
# net.icmp_ep.keep_echo_id: with it on, an unbound socket's first echo
# request binds the socket to that request's identifier, so that clients
# written for raw sockets (fping) see their replies; with it off, and with
# the built-in sockets, the identifier is rewritten.  The switch is per
# network namespace, starts at 0 in each, and only the namespace's
# administrator may change it.
# shellcheck shell=dash
# shellcheck source=tests/guest/lib.sh
. /tests/guest/lib.sh

ctl=/proc/sys/net/icmp_ep/keep_echo_id
quota=/sys/module/icmp_ep/parameters/max_idents_per_uid
IP=/usr/bin/ip

# icmp_counters: this namespace's ICMP and ICMPv6 counters, "name value".
icmp_counters() {
	awk '$1 == "Icmp:" {
		if (!n) { split($0, k); n = NF; next }
		for (i = 2; i <= NF; i++) print k[i], $i
	}' /proc/net/snmp
	grep '^Icmp6' /proc/net/snmp6
}

# fping_loss NAME EXPECTED_LOSS NETNS ARGS...: fping 5.1 as uid 65534, three
# echoes to one host, in the namespace NETNS ("" for this one); a verdict
# on its loss figure.  The counters of this namespace that moved go to
# /tmp/keep.snmp.NAME, with / in NAME as _.
fping_loss() {
	local name="$1" expected="$2" netns="$3" loss
	shift 3
	icmp_counters >/tmp/keep.snmp.before
	if [ -n "$netns" ]; then
		$IP netns exec "$netns" /tests/bin/runas "$NOBODY" "$NOBODY" \
			/usr/bin/fping -q -c 3 -p 300 -t 1000 "$@"
	else
		as_nobody /usr/bin/fping -q -c 3 -p 300 -t 1000 "$@"
	fi >/tmp/keep.fping 2>&1
	cat /tmp/keep.fping
	icmp_counters | awk 'NR == FNR { b[$1] = $2; next }
		$2 != b[$1] { print $1, $2 - b[$1] }' /tmp/keep.snmp.before - \
		>"/tmp/keep.snmp.$(echo "$name" | tr / _)"
	loss=$(sed -n 's|.*xmt/rcv/%loss = [0-9]*/[0-9]*/\([0-9]*\)%.*|\1|p' \
		/tmp/keep.fping)
	if [ "$loss" = "$expected" ]; then
		ok "$name"
	else
		fail "$name" "loss '$loss'%, expected $expected%"
	fi
}

# fping_both PREFIX LOSS [NETNS]: fping_loss for 127.0.0.1 and ::1.
fping_both() {
	fping_loss "$1-v4" "$2" "${3:-}" 127.0.0.1
	fping_loss "$1-v6" "$2" "${3:-}" -6 ::1
}

# field N KEY FILE: KEY's value on line N of echoid's output in FILE.
field() {
	sed -n "$1{s/.* $2=\([^ ]*\).*/\1/p;}" "$3"
}

# echoid FAM SPEC...: the echoid program as uid 65534, output in
# /tmp/keep.echoid, printed.
echoid() {
	as_nobody /tests/bin/echoid "$@" >/tmp/keep.echoid 2>&1
	cat /tmp/keep.echoid
}

# kept NAME N ID: line N's socket holds ident ID and its reply carries it.
kept() {
	local ident reply
	ident=$(field "$2" ident /tmp/keep.echoid)
	reply=$(field "$2" reply /tmp/keep.echoid)
	if [ "$ident" = "$3" ] && [ "$reply" = "$3" ]; then
		ok "$1"
	else
		fail "$1" "ident '$ident', reply '$reply', expected $3 for both"
	fi
}

# rewritten NAME N ID: line N's socket got an ident other than ID, and the
# reply carries that ident, not ID: the identifier was rewritten.
rewritten() {
	local ident reply
	ident=$(field "$2" ident /tmp/keep.echoid)
	reply=$(field "$2" reply /tmp/keep.echoid)
	if [ -n "$ident" ] && [ "$ident" != 0 ] && [ "$ident" != "$3" ] &&
		[ "$reply" = "$ident" ]; then
		ok "$1"
	else
		fail "$1" "ident '$ident', reply '$reply', expected another than $3 for both"
	fi
}

# sysctlw_says NAME EXPECTED [CMD...]: sysctlw writes 0 or 1 (the other of
# what the switch holds) through CMD; a verdict on its line, and on the
# switch not having moved unless the write succeeded.
sysctlw_says() {
	local name="$1" expected="$2" before after value got
	shift 2
	before=$(cat $ctl)
	value=$((1 - before))
	got=$("$@" /tests/bin/sysctlw $ctl "$value")
	after=$(cat $ctl)
	echo "$name: $got ($before -> $after)"
	if [ "$got" != "$expected" ]; then
		fail "$name" "'$got', expected '$expected'"
	elif [ "$expected" != write=ok ] && [ "$after" != "$before" ]; then
		fail "$name" "the switch moved from $before to $after"
	else
		ok "$name"
	fi
}

# The built-in sockets rewrite the identifier: fping hears nothing.
unload_module
fping_both keep/builtin-fping-all-lost 100
echoid v4 send:4660
rewritten keep/builtin-rewrites-v4 1 4660
echoid v6 send:4660
rewritten keep/builtin-rewrites-v6 1 4660

load_module
check keep/sysctl-exists [ -e $ctl ]
check keep/default-off [ "$(cat $ctl)" = 0 ]
fping_both keep/off-fping-all-lost 100
for fam in v4 v6; do
	echoid $fam send:4660
	rewritten keep/off-rewrites-$fam 1 4660
done

echo 1 >$ctl
check keep/on-reads-1 [ "$(cat $ctl)" = 1 ]
fping_both keep/on-fping-all-received 0
# The same packets as with the built-in, on loopback: three echo requests
# and three replies each way, whoever hears the replies.
for fam in v4 v6; do
	on=/tmp/keep.snmp.keep_on-fping-all-received-$fam
	builtin=/tmp/keep.snmp.keep_builtin-fping-all-lost-$fam
	cat "$on"
	if ! grep -qE '^(InEchoReps|Icmp6InEchoReplies) 3$' "$on"; then
		fail keep/on-snmp-as-builtin-$fam "not 3 echo replies counted"
	elif ! diff "$builtin" "$on"; then
		fail keep/on-snmp-as-builtin-$fam "differs from the built-in (diff above)"
	else
		ok keep/on-snmp-as-builtin-$fam
	fi
done

# iputils ping does not care which ident the socket has: unchanged.  Our
# echo counter shows that our sockets sent its requests.
for target in ipv4:127.0.0.1 ipv6:::1; do
	sent=$(ep_counter "${target%%:*}_echo_sent")
	as_nobody /usr/bin/ping -c 3 -i 0.3 "${target#*:}" >/tmp/keep.ping 2>&1
	rc=$?
	sent=$(($(ep_counter "${target%%:*}_echo_sent") - sent))
	cat /tmp/keep.ping
	if [ "$rc" -eq 0 ] && grep -q ' 3 received' /tmp/keep.ping &&
		[ "$sent" -eq 3 ]; then
		ok "keep/on-iputils-ping-${target#*:}"
	else
		fail "keep/on-iputils-ping-${target#*:}" "ping $rc, $sent echoes sent by icmp_ep"
	fi
done

for fam in v4 v6; do
	echoid $fam send:4660
	kept keep/on-keeps-$fam 1 4660
	echoid $fam send:65535
	kept keep/on-keeps-65535-$fam 1 65535
	# The first keeps it; the second would share its replies: not allowed.
	echoid $fam send:4661 send:4661
	kept keep/on-two-first-keeps-$fam 1 4661
	rewritten keep/on-two-second-rewritten-$fam 2 4661
	# Not even to two sockets that would share it through bind().
	echoid $fam reuse:4668 reuse:4668
	kept keep/on-two-reuseaddr-first-keeps-$fam 1 4668
	rewritten keep/on-two-reuseaddr-second-rewritten-$fam 2 4668
	# An ident taken by bind() is not given to a sender either.
	echoid $fam bind:4662:1 send:4662
	kept keep/on-bound-socket-$fam 1 4662
	rewritten keep/on-taken-by-bind-rewritten-$fam 2 4662
	# A bound socket keeps its ident, whatever it sends.
	echoid $fam bind:4663:4664
	kept keep/on-bind-wins-over-echo-$fam 1 4663
	# connect() autobinds before any echo: as today.
	echoid $fam connect:4665
	rewritten keep/on-connected-rewritten-$fam 1 4665
	# Identifier 0 is never an ident: a random one, as today.
	echoid $fam send:0
	rewritten keep/on-zero-rewritten-$fam 1 0
	# The socket keeps the ident it took: its next echo with another
	# identifier is rewritten to it.
	echoid $fam send:4666:4667
	kept keep/on-keeps-again-$fam 1 4666
	check keep/on-next-echo-rewritten-$fam \
		[ "$(field 1 next /tmp/keep.echoid)" = 4666 ]
done

# The uid's cap counts a kept identifier as any ident, and a sender past
# the cap fails as an autobind past it does, keeping nothing.
echo 2 >$quota
for fam in v4 v6; do
	echoid $fam send:4670 send:4671 send:4672
	kept keep/quota-first-$fam 1 4670
	kept keep/quota-second-$fam 2 4671
	got=$(sed -n 3p /tmp/keep.echoid)
	check keep/quota-exhausted-eagain-$fam \
		[ "$got" = "send:4672: send=EAGAIN ident=0 reply=none" ]
done
echo 0 >$quota

# Only the namespace's administrator may change the switch, with EPERM as
# for any write it may not make; values other than 0 and 1 are refused.
sysctlw_says keep/perm-nobody-eperm write=EPERM as_nobody
check keep/perm-nobody-reads as_nobody /bin/cat $ctl
for bad in 2 -1 abc; do
	got="$(/tests/bin/sysctlw $ctl $bad) $(cat $ctl)"
	check keep/rejects-$bad [ "$got" = "write=EINVAL 1" ]
done
# Root in a user namespace is no administrator of a network namespace
# that namespace does not own, but is of a new one it owns, whose switch
# starts at 0.  The debug kernels have no user namespaces (no
# /proc/self/ns/user); the stock ones do.
if [ -e /proc/self/ns/user ]; then
	sysctlw_says keep/perm-userns-root-eperm write=EPERM unshare -U -r
	got=$(unshare -U -r -n sh -c \
		"cat $ctl; /tests/bin/sysctlw $ctl 1; cat $ctl" | tr '\n' ' ')
	echo "$got"
	check keep/perm-userns-owner-may [ "$got" = "0 write=ok 1 " ]
else
	echo "keep: no user namespaces in this kernel: the userns cases do not run"
fi

# Per namespace: a new one starts at 0, whatever its parent says, and each
# keeps its own value.
ns=keepns
$IP netns add $ns
$IP -n $ns link set lo up
$IP netns exec $ns sysctl -qw net.ipv4.ping_group_range="0 2147483647"
check keep/netns-starts-off [ "$($IP netns exec $ns cat $ctl)" = 0 ]
fping_both keep/netns-off-fping-all-lost 100 $ns
$IP netns exec $ns sh -c "echo 1 >$ctl"
echo 0 >$ctl
fping_both keep/netns-on-fping-all-received 0 $ns
fping_both keep/netns-parent-off-fping-all-lost 100
check keep/netns-own-values [ "$($IP netns exec $ns cat $ctl)$(cat $ctl)" = 10 ]
$IP netns del $ns

# The switch goes with the module, and a reload starts at 0.
echo 1 >$ctl
unload_module
check keep/gone-with-module [ ! -e $ctl ]
load_module
check keep/reload-off [ "$(cat $ctl)" = 0 ]
unload_module
