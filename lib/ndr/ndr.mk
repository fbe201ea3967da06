# NDR engine (lib/ndr): test linking, sanitizer run, fuzzing, benchmark.
# lib/ndr/*.c themselves are built into liblrpc by the top Makefile.
#
#   make check-ndr        the NDR unit tests, built from the NDR sources only
#   make check-ndr-asan   the same under ASan+UBSan (leaks are failures)
#   make fuzz-ndr FUZZ_SECONDS=N   each libFuzzer target for N seconds
#   make bench-ndr        marshalling benchmark, prints ratios

NDR_SRCS      := $(sort $(wildcard lib/ndr/*.c)) lib/runtime/status.c
NDR_HDRS      := $(wildcard lib/ndr/*.h lib/include/lrpc/ndr.h lib/include/lrpc/status.h)
NDR_TEST_SRCS := $(sort $(wildcard tests/ndr/*_test.c))
NDR_TEST_AUX  := tests/ndr/lrpctest_tables.c
NDR_TEST_DEPS := tests/ndr/lrpctest_tables.h $(wildcard tests/ndr/vectors/*.h)
NDR_CFLAGS    := $(CPPFLAGS) $(WARN) -g -I$(KSFT_DIR) -Itests/ndr
NDR_SAN       := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_SECONDS  ?= 60
FUZZ_CC       ?= clang-14
NDR_FUZZERS   := fuzz_ndr_call fuzz_ndr_pickle

.PHONY: check-ndr check-ndr-asan fuzz-ndr fuzz-ndr-build bench-ndr

# In the main build the tests also need the hand-written lrpctest tables.
$(BUILD)/tests/ndr/%_test: $(BUILD)/tests/ndr/%_test.o $(BUILD)/tests/ndr/lrpctest_tables.o $(LIB_A)
	$(Q)$(CC) -o $@ $< $(BUILD)/tests/ndr/lrpctest_tables.o $(LIB_A) $(LDLIBS)

# Standalone builds: only the NDR sources, so these work whatever the
# rest of lib/ is doing.
$(BUILD)/ndr/plain/%: tests/ndr/%.c $(NDR_SRCS) $(NDR_TEST_AUX) $(NDR_HDRS) $(NDR_TEST_DEPS) | $(KSFT_HDR)
	@mkdir -p $(@D)
	$(Q)$(CC) $(NDR_CFLAGS) -O2 -o $@ $< $(NDR_TEST_AUX) $(NDR_SRCS) $(LDLIBS)

$(BUILD)/ndr/asan/%: tests/ndr/%.c $(NDR_SRCS) $(NDR_TEST_AUX) $(NDR_HDRS) $(NDR_TEST_DEPS) | $(KSFT_HDR)
	@mkdir -p $(@D)
	$(Q)$(CC) $(NDR_CFLAGS) -O1 $(NDR_SAN) -o $@ $< $(NDR_TEST_AUX) $(NDR_SRCS) $(LDLIBS)

NDR_PLAIN := $(NDR_TEST_SRCS:tests/ndr/%.c=$(BUILD)/ndr/plain/%)
NDR_ASAN  := $(NDR_TEST_SRCS:tests/ndr/%.c=$(BUILD)/ndr/asan/%)

check-ndr: $(NDR_PLAIN)
	$(Q)rc=0; for t in $^; do echo "# $$t"; $$t || rc=1; done; exit $$rc

check-ndr-asan: $(NDR_ASAN)
	$(Q)rc=0; for t in $^; do echo "# $$t"; \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
		$$t || rc=1; done; exit $$rc

$(BUILD)/ndr/fuzz/%: fuzz/ndr/%.c $(NDR_SRCS) $(NDR_TEST_AUX) $(NDR_HDRS) $(NDR_TEST_DEPS)
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(CPPFLAGS) -Itests/ndr -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -o $@ $< $(NDR_TEST_AUX) $(NDR_SRCS)

fuzz-ndr-build: $(NDR_FUZZERS:%=$(BUILD)/ndr/fuzz/%)

# Each target starts from the committed seeds; new inputs go to build/.
fuzz-ndr: fuzz-ndr-build
	$(Q)rc=0; for f in $(NDR_FUZZERS); do \
		mkdir -p $(BUILD)/ndr/fuzz/corpus-$$f; \
		echo "# $$f for $(FUZZ_SECONDS)s"; \
		$(BUILD)/ndr/fuzz/$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-rss_limit_mb=2048 -artifact_prefix=$(BUILD)/ndr/fuzz/$$f- \
			$(BUILD)/ndr/fuzz/corpus-$$f fuzz/ndr/corpus/$$f || rc=1; \
	done; exit $$rc

$(BUILD)/ndr/bench/ndr_bench: bench/ndr/ndr_bench.c $(NDR_SRCS) $(NDR_TEST_AUX) $(NDR_HDRS) $(NDR_TEST_DEPS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) -Itests/ndr $(WARN) -O2 -g -o $@ $< $(NDR_TEST_AUX) $(NDR_SRCS) $(LDLIBS)

bench-ndr: $(BUILD)/ndr/bench/ndr_bench
	$(Q)$<

# The IDL compiler's lrpctest tables against the hand-written ones.
$(BUILD)/ndr/idl/lrpctest_ndr.c: idl/lrpctest.idl $(BUILD)/bin/lrpc-idl
	@mkdir -p $(@D)
	$(Q)$(BUILD)/bin/lrpc-idl -q -o $(@D) --client none --server none idl/lrpctest.idl

$(BUILD)/ndr/idl/idl_compare: tests/ndr/idl_compare.c $(BUILD)/ndr/idl/lrpctest_ndr.c $(NDR_SRCS) $(NDR_TEST_AUX) $(NDR_HDRS) $(NDR_TEST_DEPS) | $(KSFT_HDR)
	$(Q)$(CC) $(NDR_CFLAGS) -I$(BUILD)/ndr/idl -O1 -o $@ $< $(BUILD)/ndr/idl/lrpctest_ndr.c \
		$(NDR_TEST_AUX) $(NDR_SRCS) $(LDLIBS)

.PHONY: check-ndr-idl
check-ndr-idl: $(BUILD)/ndr/idl/idl_compare
	$(Q)$<
