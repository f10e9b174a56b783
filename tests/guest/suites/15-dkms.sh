# SPDX-License-Identifier: GPL-2.0
# The module that the Debian package's DKMS built and installed on the host
# (scripts/deb-check.sh copies it into the initramfs's module tree): plain
# `modprobe icmp_ep` loads exactly that file, and it serves unprivileged
# ping.  Without that file in the image, this suite prints nothing.
# shellcheck shell=dash
# shellcheck source=tests/guest/lib.sh
. /tests/guest/lib.sh

moddir=/lib/modules/$(uname -r)
# icmp_ep.ko, or icmp_ep.ko.xz where the kernel's modules are compressed:
# the first the glob sorts.
rel=
for ko in "$moddir"/updates/dkms/icmp_ep.ko*; do
	[ ! -e "$ko" ] || rel=${ko#"$moddir"/}
	break
done
[ -n "$rel" ] || exit 0
ko=$moddir/$rel

# kmod's modprobe, which the image carries as /sbin/modprobe.
modprobe=modprobe
[ -x /sbin/modprobe ] && modprobe=/sbin/modprobe

# modules.dep (what depmod made of the tree) names that file for icmp_ep,
# and no other icmp_ep.ko is in the tree for modprobe to find.
dep=$(sed -n 's/^\([^:]*\/icmp_ep\.ko[^:]*\):.*/\1/p' "$moddir/modules.dep")
if [ "$dep" = "$rel" ]; then
	ok dkms/modules-dep-names-it
else
	fail dkms/modules-dep-names-it "modules.dep says '$dep', not '$rel'"
fi
n=$(($(find "$moddir" -name 'icmp_ep.ko*' | wc -l)))
if [ "$n" -eq 1 ]; then
	ok dkms/only-copy-in-tree
else
	fail dkms/only-copy-in-tree "$n icmp_ep.ko files under $moddir"
fi
# kmod's modprobe says what it would insert, dependencies first.
if shown=$($modprobe --show-depends icmp_ep 2>/dev/null) && [ -n "$shown" ]; then
	last=$(echo "$shown" | tail -n 1 | sed 's/ *$//')
	if [ "$last" = "insmod $ko" ]; then
		ok dkms/modprobe-resolves-it
	else
		fail dkms/modprobe-resolves-it "modprobe --show-depends: '$last'"
	fi
fi
if named=$(modinfo -n icmp_ep 2>/dev/null) && [ -n "$named" ]; then
	if [ "$named" = "$ko" ]; then
		ok dkms/modinfo-names-it
	else
		fail dkms/modinfo-names-it "modinfo -n says '$named'"
	fi
fi

unload_module
# Without the file modprobe finds nothing: it loads that file or none.
mv "$ko" "$ko.away"
check dkms/modprobe-needs-that-file sh -c "! $modprobe icmp_ep 2>/dev/null"
mv "$ko.away" "$ko"
unload_module

check dkms/modprobe "$modprobe" icmp_ep
check dkms/loaded test -d /sys/module/icmp_ep
check dkms/in-proc-modules module_loaded
for field in version srcversion; do
	want=$(modinfo -F $field "$ko")
	got=$(cat /sys/module/icmp_ep/$field 2>/dev/null)
	if [ -n "$want" ] && [ "$got" = "$want" ]; then
		ok dkms/loaded-$field
	else
		fail dkms/loaded-$field "loaded '$got', file '$want'"
	fi
done

out=/tmp/dkms-ping.out
ping_via_module "$out" -c 3 127.0.0.1
rc=$?
cat "$out"
if [ "$rc" -ne 0 ]; then
	fail dkms/ping "ping exited $rc"
elif ! grep -q ' 3 received' "$out"; then
	fail dkms/ping "ping did not get 3 replies"
elif [ "$MAX_REF" -eq 0 ]; then
	fail dkms/ping "icmp_ep never held a socket: the built-in served ping"
else
	ok dkms/ping
fi

check dkms/rmmod unload_module
check dkms/unloaded sh -c '! test -d /sys/module/icmp_ep'
