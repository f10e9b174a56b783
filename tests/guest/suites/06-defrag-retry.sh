# SPDX-License-Identifier: GPL-2.0
# nf_defrag_ipv6 cannot be loaded when the first IPv6 socket asks for it,
# then can: a modprobe that fails, then works.  Until icmp_ep has it,
# fragmented replies must be counted as lost (drop_no_reassembly, once a
# datagram), never vanish, and the kernel's own reassembly must go on as
# with the built-in; modprobe must not run again at every socket(), but
# must run again later (icmp_ep retries no sooner than 10 s after a
# failure), and then the replies reach the socket.  Last, modprobe icmp_ep
# must load nf_defrag_ipv6 first, its soft dependency.  Runs right after
# 05-fresh-insmod, whose nf_defrag_ipv6 nothing else holds yet.
# shellcheck shell=dash
# shellcheck source=tests/guest/lib.sh
. /tests/guest/lib.sh

N=20
# Only meaningful where nf_defrag_ipv6 is a module.
if ! defrag_unloaded; then
	[ -z "$DEFRAG_HOLDER" ] ||
		fail defrag-retry/unloaded "nf_defrag_ipv6 is in use: $DEFRAG_HOLDER"
	exit 0
fi

# The kernel's modprobe, failing while /tmp/modprobe-fail exists; every
# run is logged.
old_modprobe=$(cat /proc/sys/kernel/modprobe)
cat >/tmp/modprobe-flaky <<EOF
#!/bin/sh
echo "\$*" >>/tmp/modprobe-flaky.log
[ ! -e /tmp/modprobe-fail ] || exit 1
exec $old_modprobe "\$@"
EOF
chmod 755 /tmp/modprobe-flaky
: >/tmp/modprobe-flaky.log
runs() {
	grep -c nf_defrag_ipv6 /tmp/modprobe-flaky.log
}

reasm_probe /tmp/retry.builtin $N
cat /tmp/retry.builtin
check defrag-retry/builtin-delivers grep -qx "replies $N other 0" /tmp/retry.builtin

touch /tmp/modprobe-fail
echo /tmp/modprobe-flaky >/proc/sys/kernel/modprobe
load_module
dmesg -c >/dev/null
reasm_probe /tmp/retry.failed $N
echo "--- modprobe failing"
cat /tmp/retry.failed
check defrag-retry/modprobe-ran [ "$(runs)" -eq 1 ]
check defrag-retry/not-loaded sh -c '! grep -q "^nf_defrag_ipv6 " /proc/modules'
check defrag-retry/warned sh -c 'dmesg | grep -q "cannot load nf_defrag_ipv6"'
check defrag-retry/lost-replies-counted \
	grep -qx "ipv6_drop_no_reassembly $N" /tmp/retry.failed
# The kernel reassembles as ever; only the socket misses the replies.
grep '^Ip6Reasm' /tmp/retry.builtin >/tmp/retry.expected
echo "replies 0 other 0" >>/tmp/retry.expected
grep -v '^ipv6_' /tmp/retry.failed >/tmp/retry.failed.kernel
judge defrag-retry/kernel-reassembles "Ip6ReasmOKs $N" \
	/tmp/retry.expected /tmp/retry.failed.kernel

# At once: no modprobe for another socket.
reasm_probe /tmp/retry.again $N
check defrag-retry/no-modprobe-at-every-socket [ "$(runs)" -eq 1 ]
check defrag-retry/lost-replies-counted-again \
	grep -qx "ipv6_drop_no_reassembly $N" /tmp/retry.again

# Once modprobe works and the back-off has passed, a new socket loads it.
rm /tmp/modprobe-fail
sleep 10
reasm_probe /tmp/retry.loaded $N
echo "--- modprobe working, 10 s later"
cat /tmp/retry.loaded
check defrag-retry/modprobe-ran-again [ "$(runs)" -eq 2 ]
check defrag-retry/loaded grep -q "^nf_defrag_ipv6 " /proc/modules
grep '^Ip6Reasm' /tmp/retry.builtin >/tmp/retry.expected
echo "ipv6_drop_no_reassembly 0" >>/tmp/retry.expected
grep '^replies ' /tmp/retry.builtin >>/tmp/retry.expected
judge defrag-retry/delivered-after-retry "replies $N other 0" \
	/tmp/retry.expected /tmp/retry.loaded

echo "$old_modprobe" >/proc/sys/kernel/modprobe
unload_module

# modprobe icmp_ep, as an installed system loads it, brings nf_defrag_ipv6
# along first (its soft dependency), before any socket asks for it.
# kmod's tools by path: busybox sh runs its own applets of those names,
# whose depmod writes no modules.softdep.
rmmod nf_defrag_ipv6
moddir=/lib/modules/$(uname -r)
mkdir -p "$moddir/extra"
cp "$KO_DIR/icmp_ep.ko" "$moddir/extra/"
/sbin/depmod
check defrag-retry/softdep-modprobe /sbin/modprobe icmp_ep
check defrag-retry/softdep-loads-nf-defrag-ipv6 \
	grep -q "^nf_defrag_ipv6 " /proc/modules
unload_module
rm -r "$moddir/extra"
/sbin/depmod
