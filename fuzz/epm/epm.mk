# libFuzzer targets for the endpoint mapper (issue 8):
#
#   make fuzz-epm FUZZ_SECONDS=N    each target for N seconds
#
# Built from the EPM sources and the few runtime files they use (uuids,
# string bindings, status names, ndr_buf), so they work whatever the rest
# of lib/ is doing.  Seeds are in fuzz/epm/corpus/<target>; new inputs go
# to $(BUILD)/epm/fuzz/corpus-<target>, crashes next to them.
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang-14
EPM_FUZZERS  := fuzz_tower
EPM_FUZZ_SRCS := lib/epm/tower.c lib/epm/epdb.c lib/epm/owner.c \
	lib/runtime/uuid.c lib/runtime/string_binding.c lib/runtime/status.c \
	lib/ndr/arena.c lib/ndr/buf.c

.PHONY: fuzz-epm fuzz-epm-build

$(BUILD)/epm/fuzz/%: fuzz/epm/%.c $(EPM_FUZZ_SRCS) lib/epm/epm_int.h lib/include/lrpc/epm.h
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(CPPFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -o $@ $< $(EPM_FUZZ_SRCS)

fuzz-epm-build: $(EPM_FUZZERS:%=$(BUILD)/epm/fuzz/%)

fuzz-epm: fuzz-epm-build
	$(Q)rc=0; for f in $(EPM_FUZZERS); do \
		mkdir -p $(BUILD)/epm/fuzz/corpus-$$f; \
		echo "# $$f for $(FUZZ_SECONDS)s"; \
		$(BUILD)/epm/fuzz/$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-max_len=8192 -rss_limit_mb=2048 -artifact_prefix=$(BUILD)/epm/fuzz/$$f- \
			$(BUILD)/epm/fuzz/corpus-$$f fuzz/epm/corpus/$$f || rc=1; \
	done; exit $$rc
