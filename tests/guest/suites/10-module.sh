# Loading swaps the ping sockets' protocol; unloading gives them back.
. /tests/guest/lib.sh

unload_module
check module/insmod insmod "$KO_DIR/icmp_ep.ko"
check module/proto-registered grep -q '^ICMP_EP ' /proc/net/protocols
check module/proto6-registered grep -q '^ICMP_EPv6 ' /proc/net/protocols
check module/rmmod rmmod icmp_ep
check module/proto-gone sh -c "! grep -q '^ICMP_EP' /proc/net/protocols"
