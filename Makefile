# SPDX-License-Identifier: GPL-2.0
#
# Out-of-tree build of icmp_ep.  `make` builds against KDIR; `make check`
# runs every test (see README).

# The running kernel's tree when there is one, otherwise the newest Debian
# amd64 headers (the host running the tests is rarely the target kernel).
ifeq ($(origin KDIR),undefined)
KDIR := $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(lastword $(sort $(wildcard /usr/src/linux-headers-*-amd64))))
endif

.PHONY: all modules clean check demo

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf build

check:
	./scripts/check.sh

demo:
	./scripts/demo.sh
