# Helpers shared by the guest suites (sourced, busybox sh).
KO_DIR=/icmp_ep
NOBODY=65534

# ok NAME / fail NAME WHY: one verdict line each.
ok() {
	echo "RESULT ok $1"
}

fail() {
	name=$1
	shift
	echo "RESULT FAIL $name $*"
}

# check NAME COMMAND...: a verdict from a command's exit status.
check() {
	name=$1
	shift
	if "$@"; then
		ok "$name"
	else
		fail "$name" "command failed: $*"
	fi
}

as_nobody() {
	/tests/bin/runas $NOBODY $NOBODY "$@"
}

module_loaded() {
	grep -q "^icmp_ep " /proc/modules
}

load_module() {
	module_loaded || insmod "$KO_DIR/icmp_ep.ko"
}

unload_module() {
	! module_loaded || rmmod icmp_ep
}
