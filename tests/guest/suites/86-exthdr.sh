# SPDX-License-Identifier: GPL-2.0
# IPv6 echo replies behind extension headers and in fragments, injected on
# lo, against the built-in ping sockets: icmp_ep must deliver exactly the
# replies the kernel's own path delivers (it processes destination options,
# routing headers, AH and fragments only after LOCAL_IN, where icmp_ep
# listens), and with the same IPV6_RECVDSTOPTS/IPV6_RECVRTHDR (and RFC 2292)
# control messages.
# shellcheck shell=dash
# shellcheck source=tests/guest/lib.sh
. /tests/guest/lib.sh

: "${INJECT_COUNT:=200}"
IDENT=4322

# The unknown-option kinds end in the option's action bits (RFC 8200 4.2).
kinds='
v6-reply
v6-reply-dstopts
v6-reply-ah
v6-reply-rthdr0
v6-reply-rthdr0-segments-left
v6-reply-dstopt-unknown-0
v6-reply-dstopt-unknown-1
v6-reply-dstopt-unknown-2
v6-reply-dstopt-unknown-3
v6-reply-dstopt-bad-padn
v6-reply-dstopt-long-pad
v6-reply-dst-rthdr-dst
v6-reply-atomic-fragment
v6-reply-fragmented
'

# listen_to IMPL: inject each kind to a fresh listener, keep what it saw.
listen_to() {
	local kind pid
	for kind in $kinds; do
		# runas execs the listener, so $! is the listener itself.
		/tests/bin/runas $NOBODY $NOBODY /tests/bin/exthdr listen $IDENT \
			>"/tmp/exthdr.$1.$kind" 2>&1 &
		pid=$!
		wait_listening "/tmp/exthdr.$1.$kind"
		# Every reply is queued once inject returns; the listener
		# reads what it has not yet read as SIGTERM ends it.
		/tests/bin/inject "$kind" "$INJECT_COUNT" $IDENT >/dev/null ||
			fail "exthdr/$kind-inject-$1" "inject failed"
		kill "$pid"
		wait "$pid"
	done
}

for_each_impl listen_to

for kind in $kinds; do
	b=/tmp/exthdr.builtin.$kind
	e=/tmp/exthdr.icmp_ep.$kind
	echo "$kind: built-in: $(tail -n 2 "$b" | tr '\n' ' ')"
	echo "$kind: icmp_ep:  $(tail -n 2 "$e" | tr '\n' ' ')"
	if ! grep -q "^replies " "$b" || ! grep -q "^replies " "$e"; then
		fail "exthdr/$kind" "a listener failed"
	elif [ "$(tail -n 2 "$b")" != "$(tail -n 2 "$e")" ]; then
		fail "exthdr/$kind" "differs from the built-in"
	else
		ok "exthdr/$kind"
	fi
done
# The comparison means something only if the plain reply gets through.
check exthdr/baseline-delivered grep -q "^replies $INJECT_COUNT other 0$" \
	/tmp/exthdr.builtin.v6-reply
