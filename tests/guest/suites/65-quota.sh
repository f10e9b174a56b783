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
exhaust() {
	(ulimit -n 70000 && /tests/bin/stress hold 65536) | tail -1 \
		>"/tmp/quota.exhaust.$1"
}
for_each_impl exhaust
judge quota/exhausted-bind-eaddrinuse "bind 65536: EADDRINUSE" \
	/tmp/quota.exhaust.builtin /tmp/quota.exhaust.icmp_ep
