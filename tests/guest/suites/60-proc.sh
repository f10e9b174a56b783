# SPDX-License-Identifier: GPL-2.0
# Observability: /proc/net/icmp_ep{,6} list our sockets in /proc/net/icmp's
# columns, /proc/net/stat/icmp_ep counts what happened to the packets, and
# /proc/net/protocols counts our sockets.
# shellcheck shell=dash
# shellcheck disable=SC2016 # awk programs and sh -c lines quote on purpose
# shellcheck source=tests/guest/lib.sh
. /tests/guest/lib.sh

load_module
check proc/stat-file-lists-every-counter sh -c \
	'[ "$(wc -l </proc/net/stat/icmp_ep)" -eq 32 ]'

# sent_since V4_BEFORE V6_BEFORE: whether our sockets sent an echo of each
# family since the counters were as given.
sent_since() {
	[ "$(ep_counter ipv4_echo_sent)" -gt "$1" ] &&
		[ "$(ep_counter ipv6_echo_sent)" -gt "$2" ]
}

# A socket in use shows up, with the uid that owns it.
sent=$(ep_counter ipv4_echo_sent)
sent6=$(ep_counter ipv6_echo_sent)
/tests/bin/runas $NOBODY $NOBODY /usr/bin/ping -q -i 0.2 127.0.0.1 >/dev/null 2>&1 &
pid=$!
/tests/bin/runas $NOBODY $NOBODY /usr/bin/ping -q -i 0.2 ::1 >/dev/null 2>&1 &
pid6=$!
# Both pings have their sockets once each has sent an echo.
wait_until sent_since "$sent" "$sent6" || echo "proc: the pings sent nothing"
cat /proc/net/icmp_ep /proc/net/icmp_ep6
check proc/icmp_ep-lists-socket sh -c \
	"awk 'NR > 1 && \$8 == $NOBODY' /proc/net/icmp_ep | grep -q ."
check proc/icmp_ep6-lists-socket sh -c \
	"awk 'NR > 1 && \$8 == $NOBODY' /proc/net/icmp_ep6 | grep -q ."
check proc/builtin-table-empty sh -c '[ "$(wc -l </proc/net/icmp)" -eq 1 ]'
check proc/protocols-count-sockets sh -c \
	"awk '\$1 == \"ICMP_EP\" && \$3 > 0' /proc/net/protocols | grep -q ."
kill "$pid" "$pid6"
wait "$pid" "$pid6"
check proc/icmp_ep-empty-after-close sh -c \
	'[ "$(wc -l </proc/net/icmp_ep)" -eq 1 ]'

sent=$(ep_counter ipv4_echo_sent)
delivered=$(ep_counter ipv4_replies_stolen)
sent6=$(ep_counter ipv6_echo_sent)
delivered6=$(ep_counter ipv6_replies_stolen)
as_nobody /usr/bin/ping -q -c 3 -i 0.2 127.0.0.1 >/dev/null
as_nobody /usr/bin/ping -q -c 3 -i 0.2 ::1 >/dev/null
moved ipv4_echo_sent 3 "$sent"
# No raw socket is open: the replies are queued themselves (35-steal).
moved ipv4_replies_stolen 3 "$delivered"
moved ipv6_echo_sent 3 "$sent6"
moved ipv6_replies_stolen 3 "$delivered6"

# busybox ping uses a raw socket: its replies are for no socket of ours,
# which the receive hook counts while it is registered, for a socket of
# ours in the namespace.
/tests/bin/runas $NOBODY $NOBODY /tests/bin/stress listen 4242 60 \
	>/tmp/proc-listen.out 2>&1 &
listener=$!
wait_listening /tmp/proc-listen.out
nosock=$(ep_counter ipv4_drop_no_socket)
/bin/busybox ping -q -c 2 127.0.0.1 >/dev/null
moved ipv4_drop_no_socket 2 "$nosock"
kill "$listener"
wait "$listener"
unload_module
