# SPDX-License-Identifier: GPL-2.0
# Short stress and fuzz runs (make stress runs the long ones): many threads
# churning sockets, namespaces dying with live sockets, rmmod tried all the
# while, then a seeded syscall fuzzer as uid 65534.  The kernel console is
# checked for reports by the harness.
# shellcheck shell=dash
# shellcheck source=tests/guest/lib.sh
. /tests/guest/lib.sh

: "${STRESS_SECONDS:=15}" "${FUZZ_CALLS:=50000}" "${SEED:=1}"

# Hundredths of a second since boot.
now() {
	sed 's/^\([0-9]*\)\.\([0-9]*\) .*/\1\2/' /proc/uptime
}

# KiB of memory in use: total less what could be had without swapping.
mem_used() {
	awk '/^MemTotal:/ { t = $2 } /^MemAvailable:/ { a = $2 }
	     END { print t - a }' /proc/meminfo
}

load_module
# The churn holds an anchor socket from after this moment until at least
# STRESS_SECONDS after it; once it has closed everything, rmmod may
# succeed before the process exits.  Stop trying 2 s early, so that an
# attempt delayed by a busy guest still falls inside.
busy_until=$(($(now) + (STRESS_SECONDS - 2) * 100))
/tests/bin/stress churn 8 "$STRESS_SECONDS" "$SEED" &
pid=$!
wait_module_busy
attempts=0
refused=0
peak=0
mem_base=$(mem_used)
mem_peak=$mem_base
while kill -0 "$pid" 2>/dev/null; do
	# Every socket of ours, open or closed but not yet freed, holds a
	# reference.
	refs=$(cat /sys/module/icmp_ep/refcnt 2>/dev/null || echo 0)
	[ "$refs" -le "$peak" ] || peak=$refs
	mem=$(mem_used)
	[ "$mem" -le "$mem_peak" ] || mem_peak=$mem
	if [ "$(now)" -lt "$busy_until" ]; then
		attempts=$((attempts + 1))
		rmmod icmp_ep 2>/dev/null && break
		refused=$((refused + 1))
	fi
	sleep 0.5
done
wait "$pid"
rc=$?
# The initial namespace's counters; the churned namespaces' died with them.
stats=$(cat /proc/net/stat/icmp_ep 2>/dev/null || true)
echo "rmmod refused $refused of $attempts times while the churn held sockets"
# An open socket holds two references (its sock and its file's ops), a
# closed one not yet freed one.  The churn holds at most 64 pooled sockets
# and its anchor, and each of its two children inherits those and opens 4:
# at most 203 open, 406 references.  The rest would be closed sockets
# waiting to be freed.
echo "peak module references: $peak (at most 406 for open sockets)"
echo "peak guest memory in use: $((mem_peak / 1024)) MiB" \
	"($((mem_base / 1024)) MiB before the churn)"
echo "$stats" | awk '/_drop_queue_full / { full += $2 }
	/_(replies|errors)_delivered / { got += $2 }
	END { printf "queue overflow drops %d, replies and errors delivered %d\n", full, got }'
check stress/churn-completed [ "$rc" -eq 0 ]
check stress/under-10000-sockets-awaiting-free [ "$peak" -lt 10406 ]
busy_refused=false
[ "$attempts" -gt 0 ] && [ "$refused" -eq "$attempts" ] && busy_refused=true
check stress/rmmod-refused-while-busy "$busy_refused"
check stress/rmmod-after-churn unload_module

load_module
check stress/fuzz /tests/bin/runas $NOBODY $NOBODY /tests/bin/stress fuzz \
	"$FUZZ_CALLS" "$SEED"
check stress/rmmod-after-fuzz unload_module
