# lrpc top-level build.
#
#   make            module (kbuild, KDIR overridable), liblrpc.a/.so, tools
#   make check      native unit tests, then the kselftests inside a guest,
#                   on Debian's kernel and on the debug kernel
#   make module-debug  lrpc.ko against the debug kernel (KASAN, lockdep,
#                   gcov; tools/guest/debug-kernel), in build/kmod-debug
#   make demo       boot the guest, load the module, show it answering
#   make clean
#
# Userspace is one non-recursive make: every lib/**/*.c goes into liblrpc,
# every tests/<feature>/*_test.c is a native test, every
# selftests/<feature>/*_test.c is a guest test.  A directory that needs more
# drops a <name>.mk fragment next to its sources (included below).

KDIR     ?= /lib/modules/$(shell tools/guest/kernel-release 2>/dev/null || uname -r)/build
BUILD    ?= build
CC       ?= gcc
CFLAGS   ?= -O2 -g
WARN     := -Wall -Wextra -Werror -Wno-unused-parameter
CPPFLAGS += -Iinclude/uapi -Ilib/include -Ilib -D_GNU_SOURCE
# Link-time optimisation: a call runs through stubs, NDR and runtime in
# many small functions of many files; LTO inlines across files, so a call
# makes fewer calls and touches less code.  Fat objects keep liblrpc.a
# usable by a linker without gcc's LTO plugin.  LTO= turns it off.
LTO      ?= -flto=auto -ffat-lto-objects
ALL_CFLAGS = $(WARN) $(CFLAGS) $(LTO) -fPIC -pthread
LDLIBS   += -pthread $(LTO)
Q        := $(if $(V),,@)

KSFT_DIR := $(BUILD)/kselftest
KSFT_HDR := $(KSFT_DIR)/kselftest_harness.h

LIB_SRCS    := $(shell find lib -name '*.c' -not -path '*/tests/*' 2>/dev/null | sort)
LIB_OBJS    := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB_A       := $(BUILD)/lib/liblrpc.a
LIB_SO      := $(BUILD)/lib/liblrpc.so
UNIT_SRCS   := $(sort $(wildcard tests/*/*_test.c))
UNIT_TESTS  := $(UNIT_SRCS:%.c=$(BUILD)/%)
GUEST_SRCS  := $(sort $(wildcard selftests/*/*_test.c))
GUEST_TESTS := $(GUEST_SRCS:%.c=$(BUILD)/%)
TOOLS       :=
EXTRA_CHECK :=

.PHONY: all module module-debug stress-debug lib tools tests check check-unit check-guest demo clean deps load unload installable install install-module install-udev install-dkms

all: module lib tools tests

# Keep objects and generated stubs that only serve as intermediates.
.SECONDARY:

-include $(sort $(wildcard lib/*.mk lib/*/*.mk tools/*/*.mk tests/*/*.mk selftests/*/*.mk bench/*/*.mk fuzz/*/*.mk))

deps:
	$(Q)tools/setup-deps

module: deps
	$(Q)$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# The debug kernel's build of kmod/ lives apart from the stock one (kbuild
# builds in the source folder): a mirror of kmod/ under build/kmod-debug,
# whose gcov notes (.gcno) stay there for the coverage report.
KMOD_DEBUG := $(BUILD)/kmod-debug
module-debug: deps
	$(Q)kdir=$$(tools/guest/debug-kernel/build) && \
	mkdir -p $(KMOD_DEBUG)/kmod && \
	mkdir -p $(KMOD_DEBUG)/rig && \
	cp -p kmod/Kbuild $$(ls kmod/*.c kmod/*.h | grep -v "\.mod\.c$$") $(KMOD_DEBUG)/kmod/ && \
	cp -p selftests/rig/Kbuild selftests/rig/*.c $(KMOD_DEBUG)/rig/ && \
	rm -f $(KMOD_DEBUG)/rig/*.mod.c && \
	printf 'obj-m += kmod/\nobj-m += rig/\n' >$(KMOD_DEBUG)/Kbuild && \
	ln -sfn $(CURDIR)/include $(KMOD_DEBUG)/include && \
	$(MAKE) -C $$kdir/tree M=$(CURDIR)/$(KMOD_DEBUG) modules

lib: $(LIB_A) $(LIB_SO)
tools: $(TOOLS)
tests: $(UNIT_TESTS) $(GUEST_TESTS)

$(BUILD)/%.o: %.c | $(KSFT_HDR)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -I$(KSFT_DIR) -MMD -MP -c -o $@ $<

$(LIB_A): $(LIB_OBJS)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && ar rcs $@ $^

$(LIB_SO): $(LIB_OBJS) lib/liblrpc.map
	@mkdir -p $(@D)
	$(Q)$(CC) -shared -Wl,--version-script=lib/liblrpc.map -Wl,-soname,liblrpc.so.0 -o $@ $(LIB_OBJS) $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(LIB_A)
	$(Q)$(CC) -o $@ $< $(LIB_A) $(LDLIBS)

$(BUILD)/selftests/%: $(BUILD)/selftests/%.o $(LIB_A)
	$(Q)$(CC) -o $@ $< $(LIB_A) $(LDLIBS)

$(KSFT_HDR):
	$(Q)tools/setup-deps
	$(Q)tools/kselftest-headers $(KSFT_DIR)

# The random-operation stressor's long run on the debug kernel: 10^6
# operations, a fifth of the valid ones with an allocation failed
# (fail-nth), then rmmod, kmemleak and dmesg judge.  About 35 minutes
# under TCG.  STRESS_SEED=N reruns a seed the stressor printed.
STRESS_OPS  ?= 1000000
STRESS_SEED ?=
stress-debug: module-debug tests
	$(Q)LRPC_GUEST_GCOV=$(BUILD)/coverage/gcda-stress tools/guest/lrpc-guest --debug \
		--module $(KMOD_DEBUG)/kmod/lrpc.ko --smp 2 --timeout 7200 -- \
		env LRPC_STRESS_OPS=$(STRESS_OPS) LRPC_STRESS_SECONDS=6600 \
		LRPC_STRESS_FAULT_PCT=20 $(if $(STRESS_SEED),LRPC_STRESS_SEED=$(STRESS_SEED)) \
		$(CURDIR)/$(BUILD)/selftests/stressor/random_ops_test

# the debug kernel's modules too, unless its run is turned off
check: all $(if $(filter 1,$(LRPC_NO_DEBUG_GUEST)),,module-debug)
	$(Q)tools/run-checks --unit "$(UNIT_TESTS) $(EXTRA_CHECK)" --guest "$(GUEST_TESTS)"

check-unit: lib tests
	$(Q)tools/run-checks --unit "$(UNIT_TESTS) $(EXTRA_CHECK)"

check-guest: module tests
	$(Q)tools/run-checks --guest "$(GUEST_TESTS)"

demo: module tools tests
	$(Q)tools/guest/lrpc-guest --module kmod/lrpc.ko -- $(CURDIR)/tools/demo.sh

# Installation, in the layout of the Debian packages (debian/):
#   make install          library (multiarch libdir), headers, lrpc.pc,
#                         IDL files, the programs but the test programs,
#                         man pages, systemd unit
#   make install-module   lrpc.ko into /lib/modules/<release>/updates,
#                         depmod, udev rule and modules-load.d snippet
#   make install-dkms     the module's source and dkms.conf into
#                         /usr/src/lrpc-<version> (then: dkms install
#                         lrpc/<version>)
# PREFIX and DESTDIR are honoured; with DESTDIR set, depmod is left to the
# target system.
PREFIX    ?= /usr/local
DESTDIR   ?=
MULTIARCH ?= $(shell dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || $(CC) -print-multiarch 2>/dev/null)
LIBDIR    ?= $(PREFIX)/lib$(if $(MULTIARCH),/$(MULTIARCH))
INCDIR    ?= $(PREFIX)/include
BINDIR    ?= $(PREFIX)/bin
DATADIR   ?= $(PREFIX)/share
MANDIR    ?= $(DATADIR)/man
IDLDIR    ?= $(DATADIR)/lrpc/idl
UNITDIR   ?= $(PREFIX)/lib/systemd/system
UDEVDIR   ?= $(PREFIX)/lib/udev/rules.d
MODLOADDIR ?= $(PREFIX)/lib/modules-load.d
MODDIR    ?= /lib/modules
DKMSDIR   ?= /usr/src
# empty: the release the built lrpc.ko is for (its vermagic)
KRELEASE  ?=
LRPC_VERSION := 0.1.0

# What users get: the runtime's programs, not lrpctest-* (they test the
# build tree) nor anything else under tests/.
INSTALL_TOOLS := $(filter-out $(BUILD)/bin/lrpctest-%,$(TOOLS))
# IDL files other interfaces import (lrpctest and rpcecho are the tests')
INSTALL_IDL   := idl/dcetypes.idl idl/epmapper.idl idl/mgmt.idl idl/conv.idl
# The module's source as DKMS builds it: kmod/ and the uapi header
KMOD_SRCS     := kmod/Kbuild $(filter-out %.mod.c,$(wildcard kmod/*.c kmod/*.h))

$(BUILD)/lib/lrpc.pc: lib/lrpc.pc.in Makefile
	@mkdir -p $(@D)
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCDIR@|$(INCDIR)|; s|@VERSION@|$(LRPC_VERSION)|' $< >$@

# lrpc.pc depends on the directories: rebuild it on every install
.PHONY: $(BUILD)/lib/lrpc.pc

# what install installs, built (debian/rules builds this, not all)
installable: lib $(INSTALL_TOOLS) $(BUILD)/lib/lrpc.pc

install: installable
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCDIR)/lrpc $(DESTDIR)$(INCDIR)/linux \
		$(DESTDIR)$(BINDIR) $(DESTDIR)$(IDLDIR) $(DESTDIR)$(UNITDIR)
	install -m 644 $(LIB_A) $(DESTDIR)$(LIBDIR)/
	install -m 644 $(LIB_SO) $(DESTDIR)$(LIBDIR)/liblrpc.so.$(LRPC_VERSION)
	ln -sf liblrpc.so.$(LRPC_VERSION) $(DESTDIR)$(LIBDIR)/liblrpc.so.0
	ln -sf liblrpc.so.0 $(DESTDIR)$(LIBDIR)/liblrpc.so
	install -m 644 lib/include/lrpc/*.h $(DESTDIR)$(INCDIR)/lrpc/
	install -m 644 include/uapi/linux/lrpc.h $(DESTDIR)$(INCDIR)/linux/
	install -m 644 $(BUILD)/lib/lrpc.pc $(DESTDIR)$(LIBDIR)/pkgconfig/
	install -m 644 $(INSTALL_IDL) $(DESTDIR)$(IDLDIR)/
	$(if $(INSTALL_TOOLS),install -m 755 $(INSTALL_TOOLS) $(DESTDIR)$(BINDIR)/)
	sed "s|/usr/local/bin|$(BINDIR)|" dist/lrpc-epmd.service >$(DESTDIR)$(UNITDIR)/lrpc-epmd.service
	chmod 644 $(DESTDIR)$(UNITDIR)/lrpc-epmd.service
	for d in man/man*; do [ -d "$$d" ] || continue; \
		install -d $(DESTDIR)$(MANDIR)/$${d#man/}; \
		install -m 644 $$d/* $(DESTDIR)$(MANDIR)/$${d#man/}/; done
	$(if $(DESTDIR),,PATH=$$PATH:/sbin:/usr/sbin ldconfig)

install-module: module install-udev
	$(Q)rel='$(KRELEASE)'; \
	[ -n "$$rel" ] || rel=$$(PATH=$$PATH:/sbin:/usr/sbin modinfo -F vermagic kmod/lrpc.ko | cut -d' ' -f1); \
	[ -n "$$rel" ] || { echo "install-module: cannot tell kmod/lrpc.ko's release (set KRELEASE)" >&2; exit 1; }; \
	echo "install -D -m 644 kmod/lrpc.ko $(DESTDIR)$(MODDIR)/$$rel/updates/lrpc.ko"; \
	install -D -m 644 kmod/lrpc.ko $(DESTDIR)$(MODDIR)/$$rel/updates/lrpc.ko && \
	if [ -z "$(DESTDIR)" ]; then echo "depmod -a $$rel"; PATH=$$PATH:/sbin:/usr/sbin depmod -a $$rel; \
	else echo "install-module: DESTDIR set: run depmod -a $$rel on the target"; fi

# /dev/lrpc at boot: the module loaded, the node's mode (the packages put
# these in lrpc-dkms)
install-udev:
	install -D -m 644 dist/60-lrpc.rules $(DESTDIR)$(UDEVDIR)/60-lrpc.rules
	install -D -m 644 dist/lrpc-modules-load.conf $(DESTDIR)$(MODLOADDIR)/lrpc.conf

install-dkms: $(KMOD_SRCS) include/uapi/linux/lrpc.h kmod/dkms.conf
	install -d $(DESTDIR)$(DKMSDIR)/lrpc-$(LRPC_VERSION)/kmod $(DESTDIR)$(DKMSDIR)/lrpc-$(LRPC_VERSION)/include/uapi/linux
	install -m 644 $(KMOD_SRCS) $(DESTDIR)$(DKMSDIR)/lrpc-$(LRPC_VERSION)/kmod/
	install -m 644 include/uapi/linux/lrpc.h $(DESTDIR)$(DKMSDIR)/lrpc-$(LRPC_VERSION)/include/uapi/linux/
	sed 's/#MODULE_VERSION#/$(LRPC_VERSION)/' kmod/dkms.conf >$(DESTDIR)$(DKMSDIR)/lrpc-$(LRPC_VERSION)/dkms.conf

load: module
	insmod kmod/lrpc.ko

unload:
	rmmod lrpc

clean:
	$(Q)-$(MAKE) -C $(KDIR) M=$(CURDIR) clean >/dev/null 2>&1
	rm -rf $(BUILD)

-include $(LIB_OBJS:.o=.d) $(UNIT_TESTS:=.d) $(GUEST_TESTS:=.d)
