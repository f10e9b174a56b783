# SPDX-License-Identifier: GPL-2.0
# Short stress and fuzz runs (make stress runs the long ones): many threads
# churning sockets, namespaces dying with live sockets, rmmod tried all the
# while, then a seeded syscall fuzzer as uid 65534.  The kernel console is
# checked for reports by the harness.
. /tests/guest/lib.sh

: "${STRESS_SECONDS:=15}" "${FUZZ_CALLS:=50000}" "${SEED:=1}"

load_module
/tests/bin/stress churn 8 "$STRESS_SECONDS" "$SEED" &
pid=$!
wait_module_busy
attempts=0
refused=0
peak=0
while kill -0 "$pid" 2>/dev/null; do
	# Every socket of ours, closed or not yet freed, holds a reference.
	refs=$(cat /sys/module/icmp_ep/refcnt 2>/dev/null || echo 0)
	[ "$refs" -le "$peak" ] || peak=$refs
	attempts=$((attempts + 1))
	if rmmod icmp_ep 2>/dev/null; then
		break
	fi
	refused=$((refused + 1))
	sleep 0.5
done
wait "$pid"
rc=$?
# The initial namespace's counters; the churned namespaces' died with them.
stats=$(cat /proc/net/stat/icmp_ep 2>/dev/null || true)
echo "rmmod refused $refused of $attempts times while sockets were open;" \
	"at most $peak sockets alive or awaiting their RCU grace period"
echo "$stats" | awk '/_drop_queue_full / { full += $2 }
	/_(replies|errors)_delivered / { got += $2 }
	END { printf "queue overflow drops %d, replies and errors delivered %d\n", full, got }'
check stress/churn-completed [ "$rc" -eq 0 ]
check stress/rmmod-refused-while-busy [ "$refused" -eq "$attempts" ]
check stress/rmmod-after-churn unload_module

load_module
check stress/fuzz /tests/bin/runas $NOBODY $NOBODY /tests/bin/stress fuzz \
	"$FUZZ_CALLS" "$SEED"
check stress/rmmod-after-fuzz unload_module
