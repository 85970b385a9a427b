# SPDX-License-Identifier: GPL-2.0
#
# s390_standby_mem
#
#   make               build s390_standby_mem.ko; without KDIR, against the
#                      cached test kernel (KVER=6.12 by default, built on
#                      first use under $(SSM_CACHE)); and the daemon
#   make daemon        the memory-on-demand daemon daemon/s390-standby-memd
#                      (for s390x: $(CROSS_COMPILE)gcc)
#   make KDIR=/lib/modules/$(uname -r)/build   native build on s390x
#   make install       install the module through the kernel's modules_install
#                      into $(INSTALL_MOD_PATH)/lib/modules/<release>/updates
#                      (INSTALL_MOD_DIR), then depmod: modprobe finds it by name
#   make uninstall     remove what make install put there, then depmod
#   make check         the CI tier (within 25 minutes on a fresh machine):
#                      6.12, one boot per kind of evidence; last line
#                      "check: N passed, M failed"
#   make check-full    everything: every kernel, the debug and failalloc
#                      kernels, Debian 12 and 13, the long runs
#   make demo          boot an s390x guest and show standby memory going online
#   make bench         measurements (memory cost, online speed, scale)
#   make stress DURATION=600   the long concurrency run
#   make deb           the Debian packages s390-standby-mem-dkms and
#                      s390-standby-memd in build/
#
# ARCH=s390 and CROSS_COMPILE=s390x-linux-gnu- are defaults off s390x.

KVER ?= 6.12
SSM_CACHE ?= /var/cache/s390-standby-mem
export SSM_CACHE

ifeq ($(shell uname -m),s390x)
KDIR ?= /lib/modules/$(shell uname -r)/build
else
ARCH ?= s390
CROSS_COMPILE ?= s390x-linux-gnu-
export ARCH CROSS_COMPILE
endif

.PHONY: all modules daemon kunit test-modules install uninstall check check-full demo bench \
	deb stress clean distclean help

all: modules daemon

daemon:
	+$(MAKE) -C daemon CC=$(CROSS_COMPILE)gcc

# kunit: the module and its KUnit test module (needs CONFIG_KUNIT).
# test-modules: those, and the guest tests' helper and bench modules.
TEST_MODULE_DIRS := tests/helper tests/bench tests/twin
modules: SSM_KUNIT_ARG :=
kunit test-modules: SSM_KUNIT_ARG := SSM_KUNIT=1
modules kunit test-modules:
ifeq ($(KDIR),)
	@scripts/prereqs.sh host src-$(KVER)
	+@$(MAKE) --no-print-directory KDIR="$$(scripts/build-kernel.sh $(KVER))" $@
else
	+$(MAKE) -C $(KDIR) M=$(CURDIR) $(SSM_KUNIT_ARG) modules
	+@if [ $@ = test-modules ]; then \
		for d in $(TEST_MODULE_DIRS); do \
			$(MAKE) -C $(KDIR) M=$(CURDIR)/$$d \
				KBUILD_EXTRA_SYMBOLS=$(CURDIR)/Module.symvers \
				modules || exit 1; \
		done; \
	fi
endif

# install / uninstall: through the kernel's modules_install, which honours
# INSTALL_MOD_PATH and compresses and signs as the kernel's config says,
# then depmod for the target kernel release. The directory below
# /lib/modules/<release> is fixed here (the kernel's own default is extra
# up to 6.11, updates from 6.12) so that uninstall finds what install put:
# the modules (s390_standby_mem and the simulated firmware
# s390_standby_mem_sim), under the names modules_install gives them.
INSTALL_MOD_DIR ?= updates
DEPMOD ?= depmod
# The release as uname -r: distribution headers can override KERNELRELEASE
# (Debian's include/config/kernel.release says 6.1.176 for 6.1.0-50-s390x).
SSM_KREL = $(shell sed -n 's/^.define UTS_RELEASE "\(.*\)"/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null)
SSM_MODDIR = $(INSTALL_MOD_PATH)/lib/modules/$(SSM_KREL)/$(INSTALL_MOD_DIR)
SSM_DEPMOD = $(DEPMOD) $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(SSM_KREL)
ifeq ($(KDIR),)
install uninstall:
	@scripts/prereqs.sh host src-$(KVER)
	+@$(MAKE) --no-print-directory KDIR="$$(scripts/build-kernel.sh $(KVER))" $@
else
install: modules
	@test -n "$(SSM_KREL)" || { echo "no release in $(KDIR)/include/generated/utsrelease.h"; exit 1; }
	+$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) modules_install
	$(SSM_DEPMOD)

uninstall:
	@test -n "$(SSM_KREL)" || { echo "no release in $(KDIR)/include/generated/utsrelease.h"; exit 1; }
	rm -f $(foreach m,s390_standby_mem s390_standby_mem_sim, \
		$(foreach s,.ko .ko.gz .ko.xz .ko.zst,$(SSM_MODDIR)/$(m)$(s)))
	-rmdir --ignore-fail-on-non-empty $(SSM_MODDIR)
	$(SSM_DEPMOD)
endif

check:
	@scripts/check.sh check

check-full:
	@scripts/check.sh full

demo:
	@scripts/demo.sh

bench:
	@scripts/bench.sh

deb:
	@scripts/deb.sh

stress:
	@scripts/stress.sh $(DURATION)

# clean: build products; distclean: also build/ (test logs, results of
# make check, the per-kernel module copies).
clean:
	rm -rf .tmp_versions Module.symvers modules.order .modules.order.cmd \
		*.ko *.mod *.mod.c *.o .*.cmd src/*.o src/.*.cmd tests/kunit/*.o \
		tests/kunit/.*.cmd .*.o.d src/.*.o.d
	for d in $(TEST_MODULE_DIRS); do \
		rm -f $$d/*.o $$d/.*.cmd $$d/*.ko $$d/*.mod $$d/*.mod.c \
			$$d/Module.symvers $$d/modules.order $$d/.*.o.d; \
	done
	$(MAKE) -C daemon clean

distclean: clean
	rm -rf build

# help: the comment at the top of this file.
help:
	@awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' Makefile
