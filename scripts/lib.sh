#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The harness's shared part, sourced by every script in scripts/ (POSIX sh):
#   . "$(dirname "$0")/lib.sh"
# Sets here (the tree), build (its build/), scripts, cache (what is kept
# outside the tree across runs) and the shell options; defines the
# icmp_ep_* functions below.  Run directly, it runs one of them, e.g.
#   scripts/lib.sh icmp_ep_stock_release 6.12
#   scripts/lib.sh icmp_ep_guest_image KDIR OUT_DIR [KERNEL_RELEASE]
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
build=$here/build
scripts=$here/scripts
# shellcheck disable=SC2034 # for the scripts that source this
cache=${ICMP_EP_CACHE:-/var/cache/icmp_ep}

# icmp_ep_stock_release [SERIES]: print the release of the newest installed
# Debian amd64 kernel of SERIES (6.1, the default, or 6.12) that has both an
# image and headers.
icmp_ep_stock_release() {
	case ${1:-6.1} in
	6.1 | 6.12) ;;
	*)
		echo "stock-release: no Debian kernel series '$1' (6.1 or 6.12)" >&2
		return 1
		;;
	esac
	for headers in $(printf '%s\n' /usr/src/linux-headers-"${1:-6.1}".*-amd64 |
		sort -V -r); do
		if [ -f "/boot/vmlinuz-${headers#/usr/src/linux-headers-}" ]; then
			echo "${headers#/usr/src/linux-headers-}"
			return 0
		fi
	done
	echo "stock-release: no Debian ${1:-6.1} amd64 image with headers; run scripts/deps.sh" >&2
	return 1
}

# icmp_ep_kdir_release KDIR: the release KDIR was built for.  Debian's
# headers say 6.1.x in kernel.release; UTS_RELEASE is the truth.
icmp_ep_kdir_release() {
	sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' "$1/include/generated/utsrelease.h"
}

# icmp_ep_guest_image KDIR OUT_DIR [KERNEL_RELEASE]: build everything a test
# VM boots besides its kernel: the test programs, icmp_ep against KDIR, and
# OUT_DIR/initramfs.gz holding both.  KERNEL_RELEASE names a distribution
# kernel whose modules the suites load (see initramfs.sh).  Progress goes
# to stderr.
icmp_ep_guest_image() {
	{
		make -s -C "$here/tests" O="$build/bin" &&
			"$scripts/build-module.sh" "$1" "$2" &&
			"$scripts/initramfs.sh" "$2/initramfs.gz" "$2" \
				"$build/bin" "${3:-}"
	} >&2
}

# icmp_ep_deps: install what the harness needs (scripts/deps.sh), once a run.
icmp_ep_deps() {
	[ -n "${icmp_ep_have_deps:-}" ] || "$scripts/deps.sh" >&2
	icmp_ep_have_deps=1
}

# icmp_ep_stock_image OUT_DIR [SERIES]: the dependencies, then the guest
# image for Debian's stock kernel of SERIES; sets release to that kernel's.
icmp_ep_stock_image() {
	icmp_ep_deps
	release=$(icmp_ep_stock_release "${2:-6.1}")
	icmp_ep_guest_image "/usr/src/linux-headers-$release" "$1" "$release"
}

case ${0##*/} in
lib.sh)
	case ${1:-} in
	icmp_ep_*) "$@" ;;
	*)
		echo "usage: lib.sh icmp_ep_FUNCTION ARGS..." >&2
		exit 2
		;;
	esac
	;;
esac
