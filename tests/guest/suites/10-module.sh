# SPDX-License-Identifier: GPL-2.0
# Loading swaps the ping sockets' protocol; unloading gives them back.
# shellcheck shell=dash
# shellcheck source=tests/guest/lib.sh
. /tests/guest/lib.sh

unload_module
check module/insmod insmod "$KO_DIR/icmp_ep.ko"
check module/proto-registered grep -q '^ICMP_EP ' /proc/net/protocols
check module/proto6-registered grep -q '^ICMP_EPv6 ' /proc/net/protocols
check module/rmmod rmmod icmp_ep
check module/proto-gone sh -c "! grep -q '^ICMP_EP' /proc/net/protocols"

# struct proto.owner: a live socket pins the module.
load_module
# runas execs ping, so $! is ping itself.
/tests/bin/runas $NOBODY $NOBODY /usr/bin/ping -q -c 50 -i 0.2 127.0.0.1 \
	>/dev/null 2>&1 &
pid=$!
wait_module_busy
check module/rmmod-busy-while-socket-open sh -c '! rmmod icmp_ep 2>/dev/null'
kill "$pid"
wait "$pid"
check module/rmmod-after-socket-closed rmmod icmp_ep

# A namespace that dies with our sockets still open in it: its sockets close
# as the last process in it exits, then its tables go.
load_module
unshare -n sh -c '
	ip link set lo up
	echo "0 2147483647" >/proc/sys/net/ipv4/ping_group_range
	exec /tests/bin/runas 65534 65534 /usr/bin/ping -q -i 0.2 127.0.0.1
' >/dev/null 2>&1 &
pid=$!
wait_module_busy
check module/socket-in-dying-netns sh -c "[ $(cat /sys/module/icmp_ep/refcnt) -gt 0 ]"
kill "$pid"
wait "$pid"
check module/rmmod-after-netns-died unload_module
