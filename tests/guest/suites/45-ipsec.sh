# SPDX-License-Identifier: GPL-2.0
# IPsec in transport mode between the client and the far host of the routed
# topology: what the inbound policy refuses, icmp_ep must refuse as
# icmp_rcv() and icmpv6_rcv() refuse it (no reply, no error, no learnt
# PMTU), and what AH or ESP protects, replies and errors, must arrive once,
# not once before and once after xfrm, through icmp_ep as through the
# built-in ping sockets.
. /tests/guest/lib.sh
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

# sa NS SRC DST SPI PROTO
sa() {
	if [ "$5" = ah ]; then
		$IP -n "$1" xfrm state add src "$2" dst "$3" proto ah spi "$4" \
			mode transport auth 'hmac(sha256)' $KEY
	else
		$IP -n "$1" xfrm state add src "$2" dst "$3" proto esp spi "$4" \
			mode transport auth 'hmac(sha256)' $KEY \
			enc 'cbc(aes)' $EKEY
	fi
}

# pol NS SRC DST DIR FAMILY PROTO
pol() {
	$IP -n "$1" xfrm policy add src "$2" dst "$3" proto "$(icmp_proto "$5")" \
		dir "$4" tmpl src "$2" dst "$3" proto "$6" mode transport \
		level required
}

# protect FAMILY PROTO: AH or ESP on all ICMP between client and far host.
protect() {
	local c=$C4 f=$F4 ns
	[ "$1" = 4 ] || { c=$C6; f=$F6; }
	for ns in client far; do
		sa $ns "$c" "$f" 0x1001 "$2"
		sa $ns "$f" "$c" 0x1002 "$2"
	done
	pol client "$c" "$f" out "$1" "$2"
	pol client "$f" "$c" in "$1" "$2"
	pol far "$f" "$c" out "$1" "$2"
	pol far "$c" "$f" in "$1" "$2"
}

normalise() {
	sed -E -e 's/time[=<][0-9.]+ ?ms/time=X/g' -e 's/time [0-9]+ms/time X/' \
		-e 's|^rtt .*|rtt X|' -e 's|\([0-9.]+ ms\)|(X ms)|g' \
		-e 's|[0-9.]+ ms|X ms|g' -e 's/expires [0-9]+sec/expires X/'
}

# run IMPL: every case in a fresh topology, output in /tmp/ipsec.IMPL/NAME
run() {
	dir=/tmp/ipsec.$1
	rm -rf "$dir"
	mkdir -p "$dir"
	echo "$cases" | while IFS='|' read -r name expect setup cmd route; do
		[ -n "$name" ] || continue
		topo_up
		# shellcheck disable=SC2086 # setup and cmd are command lines
		if ! eval "$setup" >"$dir/$name" 2>&1; then
			echo "setup failed" >>"$dir/$name"
		fi
		client_as_nobody $cmd 2>&1 | normalise >>"$dir/$name"
		if [ -n "$route" ]; then
			in_client $IP route get "$route" | grep -o 'mtu [0-9]*' \
				>>"$dir/$name" || echo "no learnt mtu" >>"$dir/$name"
		fi
		topo_down
	done
}

for_each_impl run

echo "$cases" | while IFS='|' read -r name expect setup cmd route; do
	[ -n "$name" ] || continue
	echo "--- $name: $setup; $cmd"
	judge "ipsec/$name" "$expect" "/tmp/ipsec.builtin/$name" \
		"/tmp/ipsec.icmp_ep/$name"
done
