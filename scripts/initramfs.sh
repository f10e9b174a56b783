#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Pack the test VM's initramfs:
#   initramfs.sh OUT KO_DIR TEST_BIN_DIR [KERNEL_RELEASE [OVERLAY_DIR]]
# OUT gets busybox, kmod, the real networking tools with their libraries,
# the module(s) from KO_DIR, the test binaries from TEST_BIN_DIR,
# tests/guest, and, for a distribution kernel, the modules the suites use
# from /lib/modules/KERNEL_RELEASE, indexed by depmod.  Nothing is loaded
# at boot: as on an installed system, the kernel asks modprobe for each
# module when it is first needed.  OVERLAY_DIR's files (a module DKMS
# installed, say) go into the image before depmod indexes it.
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

out=$1
ko_dir=$2
bin_dir=$3
release=${4:-}
overlay=${5:-}

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

# Copy files to the same path under $root, with their shared libraries.
copy_with_libs() {
	for f in "$@"; do
		mkdir -p "$root$(dirname "$f")"
		cp -L "$f" "$root$f"
		ldd "$f" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 }
					   $1 ~ /^\// { print $1 }' |
		while read -r lib; do
			[ -e "$root$lib" ] && continue
			mkdir -p "$root$(dirname "$lib")"
			cp -L "$lib" "$root$lib"
		done
	done
}

mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/tmp" \
	"$root/etc" "$root/icmp_ep" "$root/tests/bin" "$root/lib/modules"

cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list); do
	[ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
done

copy_with_libs /usr/bin/ping /usr/bin/fping /usr/bin/ip /usr/sbin/nft \
	/usr/sbin/xtables-nft-multi /usr/bin/kmod /usr/sbin/conntrack
# Debian's module tools, where the kernel's request_module() looks.
mkdir -p "$root/sbin"
for t in modprobe insmod rmmod lsmod modinfo depmod; do
	ln -s /usr/bin/kmod "$root/sbin/$t"
done
for t in iptables ip6tables; do
	ln -s xtables-nft-multi "$root/usr/sbin/$t"
done
xtables=/usr/lib/x86_64-linux-gnu/xtables
copy_with_libs "$xtables"/*.so
# Programs one run asks for besides (ICMP_EP_EXTRA_BINS, paths).
# shellcheck disable=SC2086 # a list of paths
[ -z "${ICMP_EP_EXTRA_BINS:-}" ] || copy_with_libs $ICMP_EP_EXTRA_BINS

cp /etc/protocols "$root/etc/protocols"
printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' \
	>"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"

cp "$ko_dir"/*.ko "$root/icmp_ep/"
cp "$bin_dir"/* "$root/tests/bin/"
cp -R "$here/tests/guest" "$root/tests/guest"
cp "$here/tests/guest/init" "$root/init"

if [ -n "$release" ]; then
	mods=/lib/modules/$release
	modprobe -a -S "$release" --show-depends nf_defrag_ipv6 veth dummy \
		xfrm_user ah4 ah6 esp4 esp6 authenc echainiv seqiv drbg \
		jitterentropy_rng ctr sha512_generic \
		nf_conntrack nf_tables nft_compat nft_ct nft_reject_inet \
		iptable_filter ip6table_filter ipt_REJECT ip6t_REJECT xt_tcpudp \
		xt_conntrack nft_queue nfnetlink_queue nf_conntrack_netlink |
	awk '$1 == "insmod" && !seen[$2]++ { print $2 }' |
	while read -r ko; do
		mkdir -p "$root$(dirname "$ko")"
		cp "$ko" "$root$ko"
	done
	cp "$mods/modules.builtin" "$mods/modules.builtin.modinfo" \
		"$mods/modules.order" "$root$mods/"
	[ -z "$overlay" ] || cp -R "$overlay"/. "$root/"
	depmod -b "$root" "$release"
fi

# The socket tests exec from here as uid 65534.
chmod -R a+rX "$root"
chmod 1777 "$root/tmp"

(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out"
