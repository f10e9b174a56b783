# SPDX-License-Identifier: GPL-2.0
# The KUnit suite runs when icmp_ep_test.ko loads; its KTAP goes to the host
# between markers, without timestamps, for tools/testing/kunit/kunit.py.
# shellcheck shell=dash
# shellcheck source=tests/guest/lib.sh
. /tests/guest/lib.sh

[ -f "$KO_DIR/icmp_ep_test.ko" ] || exit 0

load_module
dmesg -c >/dev/null
if insmod "$KO_DIR/icmp_ep_test.ko"; then
	rmmod icmp_ep_test
else
	fail kunit/insmod "icmp_ep_test.ko did not load"
fi
echo KTAP-BEGIN
dmesg | sed 's/^\[[ 0-9.]*\] //'
echo KTAP-END
unload_module
