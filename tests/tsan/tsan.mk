# ThreadSanitizer run of the runtime's native tests (issue 15).
#
#   make check-tsan    build them under $(BUILD)/tsan and run them (TAP)
#   make check         runs them too, after the plain unit tests
#
# The tests of tests/rpc, tests/epm and tests/local, with liblrpc and the
# programs they start (lrpctest-server/-client, lrpc-epmd), are built a
# second time by a sub-make with gcc -fsanitize=thread in a build folder
# of their own: TSan cannot be combined with ASan, and every object must
# be instrumented.  LTO is off (it only slows the build down here); -O2
# as in the plain build (gcc 12 at -O1 warns falsely in tools/idl).  tests/tsan/tsan_options.c makes the first
# report fatal (halt_on_error, exit 66), so a race fails its test case.
#
# Left out, with the reason:
#   server_memory_test   measures the server's RSS per connection; TSan's
#                        shadow memory multiplies RSS, so its bounds mean
#                        nothing there (the plain build runs it)
#   hostile_suite_test   times a normal client against its own idle
#                        baseline and bounds the server's RSS after a
#                        2,000-connection burst: load and memory figures
#                        that TSan's slowdown and shadow memory distort
#                        (the plain build runs it)

ifeq ($(LRPC_TSAN),)

TSAN_BUILD   := $(BUILD)/tsan
TSAN_DIRS    := rpc epm local
TSAN_EXCLUDE := tests/rpc/server_memory_test.c tests/rpc/hostile_suite_test.c
TSAN_SRCS    := $(filter-out $(TSAN_EXCLUDE),\
		  $(foreach d,$(TSAN_DIRS),$(filter tests/$(d)/%,$(UNIT_SRCS))))
TSAN_TESTS   := $(TSAN_SRCS:%.c=$(TSAN_BUILD)/%)
# what tests/local starts (its order-only prerequisites are named in
# tools/*.mk, read after tests/*/*.mk, so the sub-make is told)
TSAN_PROGS   := $(addprefix $(TSAN_BUILD)/bin/,lrpctest-server lrpctest-client lrpc-epmd)

.PHONY: tsan-tests check-tsan

TSAN_MAKE = $(MAKE) --no-print-directory BUILD=$(TSAN_BUILD) LRPC_TSAN=1 \
	    CC="$(CC) -fsanitize=thread" CFLAGS="-O2 -g" LTO=

# A sub-make with its own dependency files; the options object first,
# since every link in there names it.
tsan-tests:
	+$(Q)$(TSAN_MAKE) $(TSAN_BUILD)/tests/tsan/tsan_options.o
	+$(Q)$(TSAN_MAKE) $(TSAN_PROGS) $(TSAN_TESTS)

check-tsan: tsan-tests
	$(Q)tools/run-checks --unit "$(TSAN_TESTS)"

check check-unit: tsan-tests
EXTRA_CHECK += $(TSAN_TESTS)

else

# Inside the sub-make: every program it links gets the options.
LDLIBS += $(BUILD)/tests/tsan/tsan_options.o

endif
