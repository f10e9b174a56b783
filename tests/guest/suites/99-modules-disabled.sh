# SPDX-License-Identifier: GPL-2.0
# kernel.modules_disabled=1 set after insmod icmp_ep but before the first
# IPv6 socket, as a hardened system does once its modules are loaded:
# nf_defrag_ipv6 can then never be loaded.  Fragmented replies must be
# counted as lost (drop_no_reassembly), and the kernel's own reassembly
# must work as with the built-in.  modules_disabled cannot be undone, so
# this suite runs last, and only where nf_defrag_ipv6 can be unloaded
# first; scripts/check.sh gives it a boot of its own.
# shellcheck shell=dash
# shellcheck source=tests/guest/lib.sh
. /tests/guest/lib.sh

N=20
# Only meaningful where nf_defrag_ipv6 is a module.
if ! defrag_unloaded; then
	[ -z "$DEFRAG_HOLDER" ] ||
		echo "modules-disabled: not run: nf_defrag_ipv6 is in use here ($DEFRAG_HOLDER); this suite needs a boot of its own (guest.suites=modules-disabled)"
	exit 0
fi

reasm_probe /tmp/nomod.builtin $N
cat /tmp/nomod.builtin
check modules-disabled/builtin-delivers grep -qx "replies $N other 0" /tmp/nomod.builtin

load_module
echo 1 >/proc/sys/kernel/modules_disabled
dmesg -c >/dev/null
reasm_probe /tmp/nomod.icmp_ep $N
echo "--- icmp_ep, modules disabled"
cat /tmp/nomod.icmp_ep
check modules-disabled/not-loaded sh -c '! grep -q "^nf_defrag_ipv6 " /proc/modules'
check modules-disabled/warned sh -c 'dmesg | grep -q "cannot load nf_defrag_ipv6"'
grep '^Ip6Reasm' /tmp/nomod.builtin >/tmp/nomod.expected
echo "ipv6_drop_no_reassembly $N" >>/tmp/nomod.expected
echo "replies 0 other 0" >>/tmp/nomod.expected
judge modules-disabled/counted-kernel-reassembles \
	"ipv6_drop_no_reassembly $N" /tmp/nomod.expected /tmp/nomod.icmp_ep
# icmp_ep stays loaded: with modules disabled, rmmod is refused too.
