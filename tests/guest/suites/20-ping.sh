# SPDX-License-Identifier: GPL-2.0
# iputils ping, unprivileged, through icmp_ep.  While it runs, the module's
# refcount shows that its sockets, not the built-in ones, are in use.
# shellcheck shell=dash
# shellcheck source=tests/guest/lib.sh
. /tests/guest/lib.sh

ping_through_module() {
	name=$1
	shift
	out=/tmp/ping.out
	ping_via_module "$out" -c 3 -i 0.5 "$@"
	rc=$?
	cat "$out"
	if [ "$rc" -ne 0 ]; then
		fail "$name" "ping exited $rc"
	elif ! grep -q ' 3 received' "$out"; then
		fail "$name" "ping did not get 3 replies"
	elif [ "$MAX_REF" -eq 0 ]; then
		fail "$name" "icmp_ep never held a socket: the built-in served ping"
	else
		ok "$name"
	fi
}

load_module
ping_through_module ping/ipv4-loopback 127.0.0.1
ping_through_module ping/ipv6-loopback -6 ::1
check ping/rmmod-after unload_module
