# The GSSAPI providers (lib/auth/gss/): MIT Kerberos' libraries.  This
# fragment sits in lib/auth/ rather than lib/auth/gss/ because the top
# Makefile includes lib/*.mk and lib/*/*.mk only.
GSS_LIBS := -lgssapi_krb5 -lkrb5 -lk5crypto
LDLIBS   += $(GSS_LIBS)

# The rpc fuzz targets (tests/rpc/rpc.mk) compile lib/auth/*/*.c and link
# the libraries: RPC_FUZZ_LIBS there.

# libFuzzer target for the tokens and signatures a peer sends
# (tests/auth/gss_fuzz_tokens.c), built from sources with
# clang: the auth sources and the NDR buffer code they append to.
#   make fuzz-gss [FUZZ_SECONDS=N]
GSS_FUZZ := $(BUILD)/auth/fuzz/gss_fuzz_tokens

.PHONY: fuzz-gss fuzz-gss-build
$(GSS_FUZZ): tests/auth/gss_fuzz_tokens.c $(wildcard lib/auth/*.c lib/auth/gss/*.c lib/auth/*.h lib/auth/gss/*.h) $(LIB_A)
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(CPPFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -o $@ $< lib/auth/auth_registry.c \
		lib/auth/none.c $(sort $(wildcard lib/auth/gss/*.c)) $(NDR_SRCS) \
		$(GSS_LIBS)

fuzz-gss-build: $(GSS_FUZZ)

fuzz-gss: $(GSS_FUZZ)
	$(Q)mkdir -p $(BUILD)/auth/fuzz/corpus
	$(Q)$(GSS_FUZZ) -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		-max_len=2048 -artifact_prefix=$(BUILD)/auth/fuzz/ $(BUILD)/auth/fuzz/corpus
