# SPDX-License-Identifier: GPL-2.0
# The first thing an administrator does on a freshly booted stock kernel:
# a plain insmod with nothing loaded by hand, unprivileged pings, and one
# rmmod the moment ping exits.  Runs first, before any suite has made the
# kernel load a module.
# shellcheck shell=dash
# shellcheck source=tests/guest/lib.sh
. /tests/guest/lib.sh

# sent FAMILY: echoes our sockets of that family sent in this namespace.
sent() {
	awk -v k="$1_echo_sent" '$1 == k { print $2 }' /proc/net/stat/icmp_ep
}

# ping_then_rmmod NAME FAMILY PING_ARGS...: ping twice as uid 65534
# through icmp_ep, then rmmod once, at once.  Our echo counter, not a
# sample of the module's references, shows who served ping.
ping_then_rmmod() {
	local what=$1 family=$2 rc before after
	shift 2
	check "fresh/insmod-$what" insmod "$KO_DIR/icmp_ep.ko"
	before=$(sent "$family")
	as_nobody /usr/bin/ping -c 2 -i 0.2 "$@" >/tmp/fresh.out 2>&1
	rc=$?
	after=$(sent "$family")
	cat /tmp/fresh.out
	if [ "$rc" -ne 0 ] || [ "$((after - before))" -ne 2 ]; then
		fail "fresh/ping-$what" "ping exited $rc; icmp_ep sent $((after - before)) of 2 echoes"
	else
		ok "fresh/ping-$what"
	fi
	check "fresh/rmmod-right-after-$what" rmmod icmp_ep
}

# Only meaningful where the distribution's netfilter modules are modules.
if [ -d "/lib/modules/$(uname -r)/kernel" ]; then
	lsmod
	check fresh/nothing-preloaded sh -c '! grep -q "^nf_defrag_ipv6 " /proc/modules'
fi
ping_then_rmmod ipv4 ipv4 127.0.0.1
ping_then_rmmod ipv6 ipv6 -6 ::1
# The first IPv6 socket makes icmp_ep load nf_defrag_ipv6, through
# modprobe, for its reassembly of ICMPv6 fragments; a large echo comes
# back in fragments on a real link (here, over lo, it does not).
ping_then_rmmod ipv6-large ipv6 -6 -s 1400 ::1
if [ -d "/lib/modules/$(uname -r)/kernel" ]; then
	check fresh/defrag6-loaded-on-demand grep -q "^nf_defrag_ipv6 " /proc/modules
fi

# 10,000 sockets opened, bound and closed leave nothing behind.
check fresh/insmod-burst insmod "$KO_DIR/icmp_ep.ko"
check fresh/burst-10000 as_nobody /tests/bin/stress burst 10000
check fresh/rmmod-right-after-burst rmmod icmp_ep
