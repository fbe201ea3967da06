# The top Makefile includes lib/*.mk and lib/*/*.mk but not the third
# level where lib/auth/ntlm/auth_ntlm.mk lives; read it from here.
include lib/auth/ntlm/auth_ntlm.mk

# libFuzzer target for the NTLM provider's token and signature handling:
#   make fuzz-ntlm FUZZ_SECONDS=N   (default 60; FUZZ_CC from tests/rpc/rpc.mk)
NTLM_FUZZ      := $(BUILD)/auth/fuzz/fuzz_ntlm
NTLM_FUZZ_SRCS := lib/auth/ntlm/ntlm_provider.c lib/auth/ntlm/ntlm_sign.c \
		  lib/ndr/buf.c

.PHONY: fuzz-ntlm fuzz-ntlm-build
$(NTLM_FUZZ): tests/auth/fuzz/fuzz_ntlm.c $(NTLM_FUZZ_SRCS) $(wildcard lib/auth/ntlm/*.h)
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(CPPFLAGS) -g -O1 -pthread -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -o $@ $< $(NTLM_FUZZ_SRCS) -lgssapi_krb5 -lcrypto

fuzz-ntlm-build: $(NTLM_FUZZ)

# gss-ntlmssp leaks on every input, which makes LeakSanitizer scan after
# each one: the run goes without it, then the corpus is replayed once with
# it (full stacks, so that the suppressions see gss-ntlmssp's frames).
fuzz-ntlm: $(NTLM_FUZZ)
	$(Q)mkdir -p $(BUILD)/auth/fuzz/corpus
	$(Q)ASAN_OPTIONS=detect_leaks=0 \
		$(NTLM_FUZZ) -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		-max_len=4096 -rss_limit_mb=4096 -artifact_prefix=$(BUILD)/auth/fuzz/ \
		$(BUILD)/auth/fuzz/corpus tests/auth/fuzz/seeds
	$(Q)LSAN_OPTIONS=suppressions=tests/auth/fuzz/lsan.supp \
		ASAN_OPTIONS=fast_unwind_on_malloc=0 \
		$(NTLM_FUZZ) -runs=0 -artifact_prefix=$(BUILD)/auth/fuzz/ \
		$(BUILD)/auth/fuzz/corpus tests/auth/fuzz/seeds
