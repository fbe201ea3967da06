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

.PHONY: all module module-debug stress-debug lib tools tests check check-unit check-guest demo clean deps load unload install

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

PREFIX  ?= /usr/local
DESTDIR ?=
LIBDIR  ?= $(PREFIX)/lib
INCDIR  ?= $(PREFIX)/include
MANDIR  ?= $(PREFIX)/share/man
BINDIR  ?= $(PREFIX)/bin
UNITDIR ?= $(PREFIX)/lib/systemd/system
LRPC_VERSION := 0.1.0

$(BUILD)/lib/lrpc.pc: lib/lrpc.pc.in Makefile
	@mkdir -p $(@D)
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCDIR@|$(INCDIR)|; s|@VERSION@|$(LRPC_VERSION)|' $< >$@

install: lib tools $(BUILD)/lib/lrpc.pc
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCDIR)/lrpc $(DESTDIR)$(INCDIR)/linux $(DESTDIR)$(BINDIR)
	install -m 644 $(LIB_A) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/liblrpc.so.$(LRPC_VERSION)
	ln -sf liblrpc.so.$(LRPC_VERSION) $(DESTDIR)$(LIBDIR)/liblrpc.so.0
	ln -sf liblrpc.so.0 $(DESTDIR)$(LIBDIR)/liblrpc.so
	install -m 644 lib/include/lrpc/*.h $(DESTDIR)$(INCDIR)/lrpc/
	install -m 644 include/uapi/linux/lrpc.h $(DESTDIR)$(INCDIR)/linux/
	install -m 644 $(BUILD)/lib/lrpc.pc $(DESTDIR)$(LIBDIR)/pkgconfig/
	$(if $(TOOLS),install -m 755 $(TOOLS) $(DESTDIR)$(BINDIR)/)
	install -d $(DESTDIR)$(UNITDIR)
	sed "s|/usr/local/bin|$(BINDIR)|" dist/lrpc-epmd.service >$(DESTDIR)$(UNITDIR)/lrpc-epmd.service
	for d in man/man*; do [ -d "$$d" ] || continue; \
		install -d $(DESTDIR)$(MANDIR)/$${d#man/}; \
		install -m 644 $$d/* $(DESTDIR)$(MANDIR)/$${d#man/}/; done

load: module
	insmod kmod/lrpc.ko

unload:
	rmmod lrpc

clean:
	$(Q)-$(MAKE) -C $(KDIR) M=$(CURDIR) clean >/dev/null 2>&1
	rm -rf $(BUILD)

-include $(LIB_OBJS:.o=.d) $(UNIT_TESTS:=.d) $(GUEST_TESTS:=.d)
