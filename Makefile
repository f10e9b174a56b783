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

# The release KDIR was built for, which names /lib/modules/<release>.
# Debian's headers say 6.1.x in kernel.release; UTS_RELEASE is the truth.
# Here, not in scripts/, as this Makefile also builds and installs a copy
# of the sources alone; scripts/lib.sh asks `make kernelrelease`.
KVER = $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' \
	$(KDIR)/include/generated/utsrelease.h)

.PHONY: all modules kernelrelease clean install deb check quick lint kunit demo stress bench

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

kernelrelease:
	@echo $(KVER)

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf build

# Into /lib/modules/<release>/extra, under INSTALL_MOD_PATH if set.
install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) KERNELRELEASE=$(KVER) \
		INSTALL_MOD_DIR=extra modules_install
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KVER)

# build/icmp-ep-dkms_<version>_all.deb (see debian/ and scripts/deb.sh).
deb:
	./scripts/deb.sh

check:
	./scripts/check.sh

# The loop while working: lint, the W=1/sparse builds for both kernels and
# the guest suites named in SUITES (fragments of their file names, e.g.
# SUITES="35 85") on stock 6.1.
quick:
	./scripts/quick.sh $(SUITES)

lint:
	./scripts/lint.sh

# The KUnit boot alone, on the debug kernel of KERNEL (6.1 by default).
kunit:
	./scripts/kunit.sh $(KERNEL)

# KERNEL=6.12 boots Debian's 6.12 instead of 6.1.
demo:
	./scripts/demo.sh $(KERNEL)

stress:
	./scripts/stress.sh

bench:
	./scripts/bench.sh
