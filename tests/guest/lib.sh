# SPDX-License-Identifier: GPL-2.0
# Helpers shared by the guest suites and modes (sourced, busybox sh, which
# has local as dash has).
# shellcheck shell=dash
KO_DIR=/icmp_ep
NOBODY=65534

# ok NAME / fail NAME WHY: one verdict line each.
ok() {
	echo "RESULT ok $1"
}

fail() {
	local name="$1"
	shift
	echo "RESULT FAIL $name $*"
}

# check NAME COMMAND...: a verdict from a command's exit status.
check() {
	local name="$1"
	shift
	if "$@"; then
		ok "$name"
	else
		fail "$name" "command failed: $*"
	fi
}

# centiseconds: hundredths of a second since boot.
centiseconds() {
	sed 's/^\([0-9]*\)\.\([0-9]*\) .*/\1\2/' /proc/uptime
}

as_nobody() {
	/tests/bin/runas $NOBODY $NOBODY "$@"
}

module_loaded() {
	grep -q "^icmp_ep " /proc/modules
}

load_module() {
	module_loaded || insmod "$KO_DIR/icmp_ep.ko"
}

# Once, at once, as an administrator types it: a socket frees its module
# reference at its last close, not a grace period later.
unload_module() {
	module_loaded || return 0
	rmmod icmp_ep
}

# ping_via_module OUT ARGS...: iputils ping as uid 65534 with output in OUT,
# sampling the module's refcount while it runs: a socket of ours holds a
# reference, a built-in one does not.  Sets MAX_REF; returns ping's status.
ping_via_module() {
	local out="$1" pid ref
	shift
	as_nobody /usr/bin/ping "$@" >"$out" 2>&1 &
	pid=$!
	MAX_REF=0
	while kill -0 "$pid" 2>/dev/null; do
		ref=$(cat /sys/module/icmp_ep/refcnt)
		[ "$ref" -gt "$MAX_REF" ] && MAX_REF=$ref
		sleep 0.05
	done
	wait "$pid"
}

# judge NAME EXPECTED BUILTIN_OUT ICMP_EP_OUT: a differential case passes
# when icmp_ep's output says EXPECTED and matches the built-in's exactly.
judge() {
	local name="$1" expected="$2" builtin="$3" ours="$4"
	cat "$ours"
	if ! grep -qF "$expected" "$ours"; then
		fail "$name" "expected '$expected'"
	elif ! diff "$builtin" "$ours"; then
		fail "$name" "differs from the built-in (diff above)"
	else
		ok "$name"
	fi
}

# wait_module_busy: until a socket of ours exists, for up to 5 s.
wait_module_busy() {
	local tries=0
	while [ "$(cat /sys/module/icmp_ep/refcnt)" -eq 0 ] && [ "$tries" -lt 100 ]; do
		sleep 0.05
		tries=$((tries + 1))
	done
}

# wait_listening FILE: until the listener writing FILE says "listening",
# which it does once its socket is bound, for up to 10 s.  A fixed sleep
# loses the race on a loaded host, and every packet sent before the bind
# finds no socket.
wait_listening() {
	local tries=0
	while ! grep -q '^listening' "$1" 2>/dev/null && [ "$tries" -lt 200 ]; do
		sleep 0.05
		tries=$((tries + 1))
	done
}

# wait_until COMMAND...: until COMMAND succeeds, checking every 0.05 s,
# for up to 10 s; fails if it never does.  For a condition a fixed sleep
# would only hope for.
wait_until() {
	local tries=0
	until "$@"; do
		[ "$tries" -lt 200 ] || return 1
		sleep 0.05
		tries=$((tries + 1))
	done
}

# echo_replies FAMILY: the echo replies this namespace's ICMP (4) or
# ICMPv6 (6) took in so far, from /proc/net/snmp or snmp6.
echo_replies() {
	if [ "$1" = 4 ]; then
		awk '$1 == "Icmp:" && !k { for (i = 2; i <= NF; i++)
			if ($i == "InEchoReps") k = i; next }
		     $1 == "Icmp:" { print $k }' /proc/net/snmp
	else
		awk '$1 == "Icmp6InEchoReplies" { print $2 }' /proc/net/snmp6
	fi
}

# ep_counter KEY: a counter of /proc/net/stat/icmp_ep, e.g. ipv4_echo_sent.
ep_counter() {
	awk -v k="$1" '$1 == k { print $2 }' /proc/net/stat/icmp_ep
}

# moved KEY DELTA BEFORE: a verdict, "proc/KEY+DELTA", on whether the
# counter KEY moved by exactly DELTA since it read BEFORE.
moved() {
	local now
	now=$(ep_counter "$1")
	if [ -z "$now" ] || [ -z "$3" ]; then
		fail "proc/$1+$2" "no counter $1 in /proc/net/stat/icmp_ep"
	elif [ "$((now - $3))" -eq "$2" ]; then
		ok "proc/$1+$2"
	else
		fail "proc/$1+$2" "moved by $((now - $3))"
	fi
}

# for_each_impl RUN: "RUN builtin" with the built-in ping sockets serving,
# then "RUN icmp_ep" with the module loaded.
for_each_impl() {
	unload_module
	"$1" builtin
	load_module
	"$1" icmp_ep
	unload_module
}

# reasm_counters: the kernel's reassembly counters, and with icmp_ep
# loaded its count of replies lost for want of reassembly.
reasm_counters() {
	awk '/^Ip6Reasm/ { print $1, $2 }' /proc/net/snmp6
	[ ! -e /proc/net/stat/icmp_ep ] ||
		awk '$1 == "ipv6_drop_no_reassembly"' /proc/net/stat/icmp_ep
}

# defrag_unloaded: unload icmp_ep and nf_defrag_ipv6, for the suites that
# start without it; false, with what holds it in DEFRAG_HOLDER, if it is
# still loaded.  Nothing to do, and false with an empty DEFRAG_HOLDER,
# where nf_defrag_ipv6 is built in (the debug kernels).
defrag_unloaded() {
	DEFRAG_HOLDER=
	[ -d "/lib/modules/$(uname -r)/kernel" ] || return 1
	unload_module
	rmmod nf_defrag_ipv6 2>/dev/null
	DEFRAG_HOLDER=$(grep '^nf_defrag_ipv6 ' /proc/modules)
	[ -z "$DEFRAG_HOLDER" ]
}

# reasm_probe OUT N: N fragmented echo replies (two fragments each) injected
# on lo to a ping socket on [::1]:4324, as uid 65534, which is the first
# IPv6 socket if none is open.  OUT gets how far reasm_counters moved
# ("Ip6ReasmReqds 40"), then what the socket received ("replies 20 other 0").
reasm_probe() {
	local out="$1" n="$2" pid
	reasm_counters >"$out.before"
	/tests/bin/runas $NOBODY $NOBODY /tests/bin/exthdr listen 4324 \
		>"$out.listen" 2>&1 &
	pid=$!
	wait_listening "$out.listen"
	/tests/bin/inject v6-reply-fragmented "$n" 4324 >/dev/null
	sleep 1
	kill "$pid"
	wait "$pid"
	reasm_counters | awk 'NR == FNR { was[$1] = $2; next }
			      { print $1, $2 - was[$1] }' "$out.before" - >"$out"
	grep '^replies ' "$out.listen" >>"$out"
}
