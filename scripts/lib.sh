#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The harness's shared part, sourced by every script in scripts/ (POSIX sh):
#   . "$(dirname "$0")/lib.sh"
# Sets here (the tree), build (its build/), scripts, cache (what is kept
# outside the tree across runs) and the shell options; defines the
# icmp_ep_* functions below.
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

# icmp_ep_kdir_release KDIR: the release KDIR was built for, as the
# Makefile reads it.
icmp_ep_kdir_release() {
	make -s --no-print-directory -C "$here" KDIR="$1" kernelrelease
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

# Steps: a command or a VM boot whose verdicts count towards "N passed, N
# failed", with its output in a log of its own and its wall time, so that
# steps can run side by side in lanes (background subshells) and still
# print whole, one after the other.  icmp_ep_steps_init LOG_DIR first; each
# step NAME writes LOG_DIR/NAME.log and .result and appends NAME to
# LOG_DIR/finished, which icmp_ep_report reads in the main shell.
icmp_ep_steps_init() {
	steps_dir=$1
	rm -rf "$steps_dir"
	mkdir -p "$steps_dir"
	: >"$steps_dir/finished"
	: >"$steps_dir/lanes-done"
	steps_passed=0
	steps_failed=0
	steps_summary=
	steps_failures=
	steps_retried=
	steps_reported=0
	steps_lanes=
	steps_lanes_reported=0
	steps_start=$(date +%s)
}

# icmp_ep_finish NAME PASSED FAILED START: a step's verdicts and wall time.
icmp_ep_finish() {
	echo "$2 $3 $(($(date +%s) - $4))" >"$steps_dir/$1.result"
	echo "$1" >>"$steps_dir/finished"
}

# icmp_ep_step NAME COMMAND...: a build or static check counts as one test.
icmp_ep_step() {
	step_name=$1
	shift
	step_start=$(date +%s)
	if "$@" >"$steps_dir/$step_name.log" 2>&1 </dev/null; then
		icmp_ep_finish "$step_name" 1 0 "$step_start"
	else
		icmp_ep_finish "$step_name" 0 1 "$step_start"
	fi
}

# icmp_ep_counted NAME START PREFIX STATUS: the step whose log ends in
# "PREFIX: N passed, N failed"; no such line, or a failing STATUS with no
# failure counted, is one failure.
icmp_ep_counted() {
	line=$(tail -n 1 "$steps_dir/$1.log")
	p=$(echo "$line" | sed -n "s/^$3: \([0-9]*\) passed, \([0-9]*\) failed\$/\1/p")
	f=$(echo "$line" | sed -n "s/^$3: \([0-9]*\) passed, \([0-9]*\) failed\$/\2/p")
	[ -n "$p" ] || { p=0; f=1; }
	[ "$4" -eq 0 ] || [ "$f" -gt 0 ] || f=1
	icmp_ep_finish "$1" "$p" "$f" "$2"
}

# icmp_ep_vm NAME KERNEL INITRD TIMEOUT MEM: boot (scripts/vm-run.sh, into
# build/NAME) and count the guest's verdicts.  ICMP_EP_ARGS applies.
icmp_ep_vm() {
	step_start=$(date +%s)
	rc=0
	"$scripts/vm-run.sh" "$2" "$3" "$build/$1" check "$4" "$5" \
		>"$steps_dir/$1.log" 2>&1 </dev/null || rc=$?
	icmp_ep_counted "$1" "$step_start" vm "$rc"
}

# icmp_ep_kunit NAME TREE RESULTS: the KUnit verdicts in a guest's results,
# by the kernel's own parser (scripts/ktap.sh).
icmp_ep_kunit() {
	step_start=$(date +%s)
	rc=0
	"$scripts/ktap.sh" "$2" "$3" "$build/$1" >"$steps_dir/$1.log" 2>&1 ||
		rc=$?
	icmp_ep_counted "$1" "$step_start" ktap "$rc"
}

# icmp_ep_lane NAME FUNCTION ARGS...: FUNCTION in the background; what it
# prints outside its steps goes to LOG_DIR/lane-NAME.log, shown when the
# lane ends.
icmp_ep_lane() {
	{
		lane_name=$1
		shift
		"$@" >"$steps_dir/lane-$lane_name.log" 2>&1 </dev/null || true
		echo "$lane_name" >>"$steps_dir/lanes-done"
	} &
	steps_lanes="$steps_lanes $1"
}

# icmp_ep_why NAME: the first lines of step NAME's log that say why it
# failed, shortened, for the summary: CI shows only the end of the output.
icmp_ep_why() {
	why=$(grep -E 'FAIL|BUG:|WARNING:|KASAN:|stalls|panic|rror' \
		"$steps_dir/$1.log" | head -n 4 | cut -c 1-150)
	echo "${why:-no line of its log says}" | sed "s/^/  $1: /"
}

# icmp_ep_report: print every step that has finished since the last report,
# whole, and add it to the summary; then the output of each lane that ended.
icmp_ep_report() {
	n=$(wc -l <"$steps_dir/finished")
	while [ "$steps_reported" -lt "$n" ]; do
		steps_reported=$((steps_reported + 1))
		name=$(sed -n "${steps_reported}p" "$steps_dir/finished")
		read -r p f secs <"$steps_dir/$name.result"
		echo "== $name ($secs s)"
		cat "$steps_dir/$name.log"
		steps_passed=$((steps_passed + p))
		steps_failed=$((steps_failed + f))
		steps_summary="$steps_summary$(printf '  %-24s %4d passed, %d failed %6d s' \
			"$name" "$p" "$f" "$secs")
"
		[ "$f" -eq 0 ] || steps_failures="$steps_failures$(icmp_ep_why "$name")
"
		retried=$(grep '^vm: retried: ' "$steps_dir/$name.log" |
			sed "s/^vm: retried: /  $name: /" || true)
		[ -z "$retried" ] || steps_retried="$steps_retried$retried
"
	done
	n=$(wc -l <"$steps_dir/lanes-done")
	while [ "$steps_lanes_reported" -lt "$n" ]; do
		steps_lanes_reported=$((steps_lanes_reported + 1))
		name=$(sed -n "${steps_lanes_reported}p" "$steps_dir/lanes-done")
		if [ -s "$steps_dir/lane-$name.log" ]; then
			echo "== lane $name: output besides its steps"
			cat "$steps_dir/lane-$name.log"
		fi
	done
}

# icmp_ep_wait_lanes: report as steps end, until every lane has ended.
icmp_ep_wait_lanes() {
	for lane in $steps_lanes; do
		until grep -qx "$lane" "$steps_dir/lanes-done"; do
			icmp_ep_report
			sleep 2
		done
	done
	wait
	icmp_ep_report
	steps_lanes=
}

# icmp_ep_summary: every step's verdicts and wall time, the total wall
# time, and last "N passed, N failed"; fails if any step failed.
icmp_ep_summary() {
	icmp_ep_report
	echo
	echo "Summary (step, verdicts, wall time):"
	printf '%s' "$steps_summary"
	echo "  wall time in all: $(($(date +%s) - steps_start)) s"
	if [ -n "$steps_retried" ]; then
		echo "Guests booted again after an emulator fault (scripts/vm-run.sh):"
		printf '%s' "$steps_retried"
	fi
	if [ -n "$steps_failures" ]; then
		echo "Why the failed steps failed (their logs are in $steps_dir):"
		printf '%s' "$steps_failures"
	fi
	echo "$steps_passed passed, $steps_failed failed"
	[ "$steps_failed" -eq 0 ]
}
