# SPDX-License-Identifier: GPL-2.0
# What a ping socket reports about its echo requests -- send errors, poll
# events, error-queue entries field by field, SO_ERROR -- must be the same
# through icmp_ep as through the built-in sockets, with IP_RECVERR and
# without, connected and not, and under client-side netfilter rules.
# Conntrack must record our echoes as it records the built-in's.
# shellcheck shell=dash
# shellcheck source=tests/guest/lib.sh
. /tests/guest/lib.sh
# shellcheck source=tests/guest/topology.sh
. /tests/guest/topology.sh

# name|expected text|client netfilter rule, or -|errq arguments
# (origin 1 = local, 2 = ICMP, 3 = ICMPv6)
cases='
reply-v4|recv: len=64 flags=0 name=inet:10.0.2.2:0|-|10.0.2.2
reply-v6|recv: len=64 flags=0 name=inet6:fd00:2::2:0|-|-6 fd00:2::2
unreach-v4|errno=EHOSTUNREACH origin=2 type=3 code=1 pad=0 info=0 data=0 offender=inet:10.0.1.2:0|-|10.9.9.1
unreach-v6|errno=ENETUNREACH origin=3 type=1 code=0 pad=0 info=0 data=0 offender=inet6:fd00:1::2:0|-|-6 fd00:9::1
ttl-v4|errno=EHOSTUNREACH origin=2 type=11 code=0|-|-t 1 10.0.2.2
ttl-v6|errno=EHOSTUNREACH origin=3 type=3 code=0|-|-6 -t 1 fd00:2::2
frag-needed-v4|errno=EMSGSIZE origin=2 type=3 code=4 pad=0 info=1280|-|-m do -s 1400 -p 2 10.0.2.2
too-big-v6|errno=EMSGSIZE origin=3 type=2 code=0 pad=0 info=1280|-|-6 -m do -s 1300 -p 2 fd00:2::2
local-emsgsize-v4|errno=EMSGSIZE origin=1 type=0 code=0 pad=0 info=1280|-|-m do -s 1400 10.0.2.2
local-emsgsize-v6|errno=EMSGSIZE origin=1 type=0 code=0 pad=0 info=1280|-|-6 -m do -s 1300 fd00:2::2
prohibited-v4|origin=2 type=3 code=13|-|10.0.2.3
prohibited-v6|errno=EACCES origin=3 type=1 code=1|-|-6 fd00:2::3
hard-connected-v4|so_error: EHOSTUNREACH|-|-c -n 10.0.2.3
hard-unconnected-v4|so_error: 0|-|-n 10.0.2.3
soft-connected-unreach-v4|so_error: 0|-|-c -n 10.9.9.1
soft-connected-v4|so_error: 0|-|-c -n -t 1 10.0.2.2
hard-connected-v6|so_error: EACCES|-|-6 -c -n fd00:2::3
soft-connected-v6|so_error: 0|-|-6 -c -n fd00:9::1
output-drop-v4|probe 1 send: EPERM|iptables -A OUTPUT -p icmp --icmp-type echo-request -j DROP|10.0.2.2
output-drop-v6|probe 1 send: ok|ip6tables -A OUTPUT -p icmpv6 --icmpv6-type echo-request -j DROP|-6 fd00:2::2
output-reject-v4|probe 1 send: EPERM|iptables -A OUTPUT -p icmp --icmp-type echo-request -j REJECT|10.0.2.2
output-reject-v6|errno=ECONNREFUSED origin=3 type=1 code=4|ip6tables -A OUTPUT -p icmpv6 --icmpv6-type echo-request -j REJECT|-6 fd00:2::2
input-drop-v4|probe 1 poll: in=0 err=0|iptables -A INPUT -p icmp --icmp-type echo-reply -j DROP|10.0.2.2
input-drop-v6|probe 1 poll: in=0 err=0|ip6tables -A INPUT -p icmpv6 --icmpv6-type echo-reply -j DROP|-6 fd00:2::2
no-pmtu-disc-4-v4|errno=EMSGSIZE origin=2 type=3 code=4 pad=0 info=0|-|-m do -s 1400 -p 2 10.0.2.4
'

# Conntrack's timeouts tick; idents are chosen at random.
conntrack_entries() {
	in_client cat /proc/net/nf_conntrack |
		sed -E -e 's/^(ipv[46] +[0-9]+ +[a-z0-9]+ +[0-9]+) +[0-9]+ /\1 T /' \
			-e 's/id=[0-9]+/id=X/g' | sort
}

run() {
	dir=/tmp/errq.$1
	rm -rf "$dir"
	mkdir -p "$dir"
	topo_up
	echo "$cases" | while IFS='|' read -r name expect rule args; do
		[ -n "$name" ] || continue
		# shellcheck disable=SC2086 # rule and args are argument lists
		[ "$rule" = - ] || in_client /usr/sbin/$rule
		# The local-EMSGSIZE cases need the PMTU learnt just before.
		# icmp_unreach() takes ip_no_pmtu_disc values above 3 as 1:
		# frag-needed goes through, without its MTU.  To 10.0.2.4,
		# whose PMTU no earlier case has learnt (the router sends
		# frag-needed before it resolves the neighbour).
		no_pmtu=/proc/sys/net/ipv4/ip_no_pmtu_disc
		case $name in
		no-pmtu-disc-4-v4) in_client sh -c "echo 4 >$no_pmtu" ;;
		esac
		case $name in
		local-emsgsize-v4) client_as_nobody /tests/bin/errq -m "do" -s 1400 10.0.2.2 >/dev/null ;;
		local-emsgsize-v6) client_as_nobody /tests/bin/errq -6 -m "do" -s 1300 fd00:2::2 >/dev/null ;;
		esac
		# shellcheck disable=SC2086
		client_as_nobody /tests/bin/errq $args >"$dir/$name" 2>&1
		in_client /usr/sbin/iptables -F
		in_client /usr/sbin/ip6tables -F
		in_client sh -c "echo 0 >$no_pmtu"
	done

	# Conntrack tracks a namespace once a rule asks for it.
	in_client /usr/sbin/iptables -A OUTPUT -m conntrack --ctstate NEW -j ACCEPT
	in_client /usr/sbin/ip6tables -A OUTPUT -m conntrack --ctstate NEW -j ACCEPT
	client_as_nobody /tests/bin/errq 10.0.2.2 >/dev/null
	client_as_nobody /tests/bin/errq -6 fd00:2::2 >/dev/null
	conntrack_entries >"$dir/conntrack"
	topo_down
}

for_each_impl run

echo "$cases" | while IFS='|' read -r name expect rule args; do
	[ -n "$name" ] || continue
	echo "--- $name: [$rule] errq $args"
	judge "errqueue/$name" "$expect" "/tmp/errq.builtin/$name" \
		"/tmp/errq.icmp_ep/$name"
done

echo "--- conntrack"
cat /tmp/errq.icmp_ep/conntrack
if ! grep -q 'icmp .*type=8 code=0 id=X.*type=0 code=0 id=X' /tmp/errq.icmp_ep/conntrack ||
   ! grep -q 'icmpv6 .*type=128 code=0 id=X.*type=129 code=0 id=X' /tmp/errq.icmp_ep/conntrack; then
	fail errqueue/conntrack "no echo entries in /proc/net/nf_conntrack"
elif ! diff /tmp/errq.builtin/conntrack /tmp/errq.icmp_ep/conntrack; then
	fail errqueue/conntrack "conntrack entries differ from the built-in"
else
	ok errqueue/conntrack
fi
