# SPDX-License-Identifier: GPL-2.0
# IPsec in transport mode between the client and the far host of the routed
# topology: what the inbound policy refuses, icmp_ep must refuse as
# icmp_rcv() and icmpv6_rcv() refuse it (no reply, no error, no learnt
# PMTU), and what AH or ESP protects, replies and errors, must arrive once,
# not once before and once after xfrm, through icmp_ep as through the
# built-in ping sockets.  An error whose own selector the inbound policy
# refuses is still taken, as icmp_rcv() and icmpv6_rcv() take it, when its
# SA has "flag icmp" (XFRM_STATE_ICMP) and the policy for the packet it
# quotes, reversed, accepts it; without the flag it is dropped.
# shellcheck shell=dash
# shellcheck disable=SC2016 # awk programs and sh -c lines quote on purpose
# shellcheck source=tests/guest/lib.sh
. /tests/guest/lib.sh
# shellcheck source=tests/guest/topology.sh
. /tests/guest/topology.sh

C4=10.0.1.1
F4=10.0.2.2
C6=fd00:1::1
F6=fd00:2::2
KEY=0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
EKEY=0x0f0e0d0c0b0a09080706050403020100

# name|expected text|setup|client command (uid 65534)|route to report
cases='
v4-plain-reply-refused|0 received|refuse_plain 4|/usr/bin/ping -c 2 -i 0.3 -W 1 10.0.2.2|
v6-plain-reply-refused|0 received|refuse_plain 6|/usr/bin/ping -6 -c 2 -i 0.3 -W 1 fd00:2::2|
v4-frag-needed-learnt|Frag needed|none|/usr/bin/ping -c 2 -i 0.3 -W 1 -M do -s 1400 10.0.2.2|10.0.2.2
v4-frag-needed-refused|0 received|refuse_errors 4 3|/usr/bin/ping -c 2 -i 0.3 -W 1 -M do -s 1400 10.0.2.2|10.0.2.2
v6-packet-too-big-refused|0 received|refuse_errors 6 2|/usr/bin/ping -6 -c 2 -i 0.3 -W 1 -M do -s 1300 fd00:2::2|fd00:2::2
v4-ah-once|3 received, 0% packet loss|protect 4 ah|/usr/bin/ping -c 3 -i 0.3 -W 2 10.0.2.2|
v6-ah-once|3 received, 0% packet loss|protect 6 ah|/usr/bin/ping -6 -c 3 -i 0.3 -W 2 fd00:2::2|
v4-esp-once|3 received, 0% packet loss|protect 4 esp|/usr/bin/ping -c 3 -i 0.3 -W 2 10.0.2.2|
v6-esp-once|3 received, 0% packet loss|protect 6 esp|/usr/bin/ping -6 -c 3 -i 0.3 -W 2 fd00:2::2|
v6-ah-too-big-refused|0 received|protect 6 ah; refuse_errors 6 2|/usr/bin/ping -6 -c 2 -i 0.3 -W 1 -M do -s 1300 fd00:2::2|fd00:2::2
v4-ah-error-once|+2 errors|protect 4 ah; far_rejects 4|/usr/bin/ping -c 2 -i 0.3 -W 1 10.0.2.2|
v6-ah-error-once|+2 errors|protect 6 ah; far_rejects 6|/usr/bin/ping -6 -c 2 -i 0.3 -W 1 fd00:2::2|
v4-error-reverse-icmp-flag|+2 errors|protect 4 esp icmp; errors_want_ah 4 3; far_rejects 4|/usr/bin/ping -c 2 -i 0.3 -W 1 10.0.2.2|
v4-error-reverse-no-flag|0 received, 100% packet loss|protect 4 esp; errors_want_ah 4 3; far_rejects 4|/usr/bin/ping -c 2 -i 0.3 -W 1 10.0.2.2|
v6-error-reverse-icmp-flag|+2 errors|protect 6 esp icmp; errors_want_ah 6 1; far_rejects 6|/usr/bin/ping -6 -c 2 -i 0.3 -W 1 fd00:2::2|
v6-error-reverse-no-flag|0 received, 100% packet loss|protect 6 esp; errors_want_ah 6 1; far_rejects 6|/usr/bin/ping -6 -c 2 -i 0.3 -W 1 fd00:2::2|
'

none() {
	:
}

# icmp_proto FAMILY
icmp_proto() {
	[ "$1" = 4 ] && echo icmp || echo ipv6-icmp
}

# refuse_plain FAMILY: the client wants ESP on all ICMP from the far host,
# which sends in the clear.
refuse_plain() {
	local c=$C4 f=$F4
	[ "$1" = 4 ] || { c=$C6; f=$F6; }
	$IP -n client xfrm policy add src "$f" dst "$c" proto "$(icmp_proto "$1")" \
		dir in tmpl proto esp mode transport level required
}

# refuse_errors FAMILY TYPE: the client wants ESP on ICMP errors of TYPE
# from anywhere; the router sends them in the clear.
refuse_errors() {
	local c=$C4 any=0.0.0.0/0
	[ "$1" = 4 ] || { c=$C6; any=::/0; }
	$IP -n client xfrm policy add src "$any" dst "$c" \
		proto "$(icmp_proto "$1")" type "$2" \
		dir in tmpl proto esp mode transport level required
}

# errors_want_ah FAMILY TYPE: ahead of protect's policies, the client wants
# AH, which nothing sends, on ICMP errors of TYPE from the far host; so an
# error under ESP passes only the reverse check, of the echo it quotes.
errors_want_ah() {
	local c=$C4 f=$F4
	[ "$1" = 4 ] || { c=$C6; f=$F6; }
	$IP -n client xfrm policy add src "$f" dst "$c" \
		proto "$(icmp_proto "$1")" type "$2" dir in priority 1 \
		tmpl proto ah mode transport level required
}

# far_rejects FAMILY: the far host answers echo requests with an error,
# which its policy then protects like any ICMP to the client.
far_rejects() {
	if [ "$1" = 4 ]; then
		$IP netns exec far /usr/sbin/iptables -A INPUT -p icmp \
			--icmp-type echo-request -j REJECT \
			--reject-with icmp-admin-prohibited
	else
		$IP netns exec far /usr/sbin/ip6tables -A INPUT -p ipv6-icmp \
			--icmpv6-type echo-request -j REJECT \
			--reject-with adm-prohibited
	fi
}

# sa NS SRC DST SPI PROTO [FLAG]
sa() {
	local flag=
	[ -z "${6:-}" ] || flag="flag $6"
	# shellcheck disable=SC2086 # flag is empty or two words
	if [ "$5" = ah ]; then
		$IP -n "$1" xfrm state add src "$2" dst "$3" proto ah spi "$4" \
			mode transport $flag auth 'hmac(sha256)' $KEY
	else
		$IP -n "$1" xfrm state add src "$2" dst "$3" proto esp spi "$4" \
			mode transport $flag auth 'hmac(sha256)' $KEY \
			enc 'cbc(aes)' $EKEY
	fi
}

# pol NS SRC DST DIR FAMILY PROTO
pol() {
	$IP -n "$1" xfrm policy add src "$2" dst "$3" proto "$(icmp_proto "$5")" \
		dir "$4" priority 10 tmpl src "$2" dst "$3" proto "$6" \
		mode transport level required
}

# protect FAMILY PROTO [FLAG]: AH or ESP on all ICMP between client and
# far host, with FLAG on the SAs.
protect() {
	local c=$C4 f=$F4 ns
	[ "$1" = 4 ] || { c=$C6; f=$F6; }
	for ns in client far; do
		sa $ns "$c" "$f" 0x1001 "$2" "${3:-}"
		sa $ns "$f" "$c" 0x1002 "$2" "${3:-}"
	done
	pol client "$c" "$f" out "$1" "$2"
	pol client "$f" "$c" in "$1" "$2"
	pol far "$f" "$c" out "$1" "$2"
	pol far "$c" "$f" in "$1" "$2"
}

# sort_errors: ping's output with each run of error lines ("From ...")
# sorted.  Errors about different echoes, each its own packet through the
# far host's REJECT, xfrm and the router, need not arrive in the order the
# echoes left: the built-in itself once reported icmp_seq=2 before
# icmp_seq=1 here.  Which errors arrive, and how many, is still compared
# line for line, and all else in order.
sort_errors() {
	awk 'function flush(i, j, t) {
		for (i = 1; i < n; i++)
			for (j = i; j > 0 && run[j - 1] > run[j]; j--) {
				t = run[j]; run[j] = run[j - 1]; run[j - 1] = t
			}
		for (i = 0; i < n; i++)
			print run[i]
		n = 0
	}
	/^From / { run[n++] = $0; next }
	{ flush(); print }
	END { flush() }'
}

# run_case NAME EXPECTED SETUP COMMAND ROUTE: in a fresh topology, SETUP,
# then COMMAND, and the PMTU learnt for ROUTE, if any, in $dir/NAME
run_case() {
	topo_up
	if ! eval "$3" >"$dir/$1" 2>&1; then
		echo "setup failed" >>"$dir/$1"
	fi
	# shellcheck disable=SC2086 # the command is a command line
	client_as_nobody $4 2>&1 | normalise | sort_errors >>"$dir/$1"
	# The namespace is new, so these are the case's own: a refusal counts
	# once, where icmp_rcv() or icmpv6_rcv() count it.
	in_client awk '$2 != 0 { print "xfrm_stat", $1, $2 }' \
		/proc/net/xfrm_stat >>"$dir/$1"
	if [ -n "$5" ]; then
		in_client $IP route get "$5" | grep -o 'mtu [0-9]*' \
			>>"$dir/$1" || echo "no learnt mtu" >>"$dir/$1"
	fi
	topo_down
}

# run IMPL: every case in a fresh topology, output in /tmp/ipsec.IMPL/NAME
run() {
	dir=/tmp/ipsec.$1
	rm -rf "$dir"
	mkdir -p "$dir"
	each_case run_case
}

for_each_impl run

# judge_case NAME EXPECTED SETUP COMMAND ROUTE
judge_case() {
	echo "--- $1: $3; $4"
	judge "ipsec/$1" "$2" "/tmp/ipsec.builtin/$1" "/tmp/ipsec.icmp_ep/$1"
}

each_case judge_case
