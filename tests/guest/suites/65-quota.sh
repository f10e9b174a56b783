# SPDX-License-Identifier: GPL-2.0
# max_idents_per_uid: one uid cannot hold more idents than the cap in a
# namespace, sockets sharing an ident count once, another uid is not
# affected, fchown() does not move the charge, and 0 lifts the cap.
# shellcheck shell=dash
# shellcheck disable=SC2016 # awk programs and sh -c lines quote on purpose
# shellcheck source=tests/guest/lib.sh
. /tests/guest/lib.sh

param=/sys/module/icmp_ep/parameters/max_idents_per_uid
load_module
check quota/default-unlimited [ "$(cat $param)" -eq 0 ]
echo 3 >$param
as_nobody /tests/bin/stress hold 4 >/tmp/quota.nobody
/tests/bin/runas 65533 65533 /tests/bin/stress hold 3 >/tmp/quota.other
cat /tmp/quota.nobody /tmp/quota.other
check quota/under-cap-allowed sh -c '[ "$(grep -c ": ok" /tmp/quota.nobody)" -eq 3 ]'
check quota/at-cap-refused grep -q "^bind 4: EAGAIN" /tmp/quota.nobody
check quota/other-uid-unaffected sh -c '[ "$(grep -c ": ok" /tmp/quota.other)" -eq 3 ]'
# Four sockets sharing one ident hold one ident, leaving two of the three.
as_nobody /tests/bin/stress hold 3 4 >/tmp/quota.shared
cat /tmp/quota.shared
check quota/shared-ident-counts-once sh -c '[ "$(grep -c "^shared .: ok" /tmp/quota.shared)" -eq 4 ]'
check quota/shared-leaves-the-rest sh -c '[ "$(grep -c "^bind .: ok" /tmp/quota.shared)" -eq 2 ]'
check quota/shared-then-cap-refused grep -q "^bind 3: EAGAIN" /tmp/quota.shared
# fchown() on a socket changes sk_uid; its close must still uncharge the
# uid that bound it, or that uid could never bind again.
echo 1 >$param
/tests/bin/stress chown $NOBODY >/tmp/quota.chown
cat /tmp/quota.chown
check quota/fchown-close-uncharges-binder grep -q "^chown ipv4: rebind ok" /tmp/quota.chown
check quota/fchown-close-uncharges-binder-v6 grep -q "^chown ipv6: rebind ok" /tmp/quota.chown
echo 0 >$param
as_nobody /tests/bin/stress hold 10 >/tmp/quota.free
check quota/zero-is-unlimited sh -c '[ "$(grep -c ": ok" /tmp/quota.free)" -eq 10 ]'
unload_module

# With all 65,535 idents taken, bind() to ident 0 fails as ping_bind()
# fails it, with EADDRINUSE (an autobind says EAGAIN).  As root, to hold
# them all in one process.
#
# The built-in's ping_get_port() looks for a free ident under
# ping_table.lock with bottom halves off, walking a chain of about 1,000
# sockets for each ident it tries; the last binds try all 65,535.  Under
# emulation, and KASAN most of all, one such bind outlasts the RCU stall
# (21 s) and soft lockup (20 s) warnings: the built-in's cost, which is
# not under test here.  Both are off for its run only; icmp_ep, which is
# not loaded then, keeps them for its own.
stall_suppress=/sys/module/rcupdate/parameters/rcu_cpu_stall_suppress
soft_watchdog=/proc/sys/kernel/soft_watchdog

# watchdogs VALUE: set both knobs (0 on, 1 off for the RCU one; 1 on, 0
# off for the other), where the kernel has them.
watchdogs() {
	[ ! -w $stall_suppress ] || echo "$1" >$stall_suppress
	[ ! -w $soft_watchdog ] || echo $((1 - $1)) >$soft_watchdog
}

exhaust() {
	[ "$1" != builtin ] || watchdogs 1
	(ulimit -n 70000 && /tests/bin/stress hold 65536) | tail -1 \
		>"/tmp/quota.exhaust.$1"
	[ "$1" != builtin ] || watchdogs 0
}
for_each_impl exhaust
judge quota/exhausted-bind-eaddrinuse "bind 65536: EADDRINUSE" \
	/tmp/quota.exhaust.builtin /tmp/quota.exhaust.icmp_ep
