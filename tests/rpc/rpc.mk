# lib/rpc fuzzing (issue 7): libFuzzer targets for the PDU codec, the
# server engine and the client engine; the datagram codec (fuzz_dg_pdu)
# and the datagram client engine against a hostile server (fuzz_dg_client).
#
#   make fuzz-rpc FUZZ_SECONDS=N    each target for N seconds (default 60)
RPC_FUZZERS   := fuzz_co_pdu fuzz_co_server fuzz_co_client fuzz_dg_pdu fuzz_dg_client
RPC_FUZZ_SRCS := $(sort $(wildcard lib/*.c lib/runtime/*.c lib/engine/*/*.c lib/transport/*.c lib/auth/*.c lib/auth/*/*.c lib/ndr/*.c lib/epm/*.c))
# the security providers under lib/auth/*/ link their libraries
RPC_FUZZ_LIBS := -lgssapi_krb5 -lkrb5 -lk5crypto -lcrypto
FUZZ_SECONDS  ?= 60
FUZZ_CC       ?= clang-14

.PHONY: fuzz-rpc fuzz-rpc-build

$(BUILD)/rpc/fuzz/%: tests/rpc/fuzz/%.c $(RPC_FUZZ_SRCS) $(LIBGEN_SRCS) $(LIBGEN_HDRS) $(wildcard lib/*/*.h lib/engine/*/*.h lib/include/lrpc/*.h)
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(CPPFLAGS) -I$(LIBGEN) -g -O1 -pthread -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -o $@ $< $(RPC_FUZZ_SRCS) $(LIBGEN_SRCS) $(RPC_FUZZ_LIBS) -lm

fuzz-rpc-build: $(RPC_FUZZERS:%=$(BUILD)/rpc/fuzz/%)

fuzz-rpc: fuzz-rpc-build
	$(Q)rc=0; for f in $(RPC_FUZZERS); do \
		mkdir -p $(BUILD)/rpc/fuzz/corpus-$$f; \
		echo "# $$f for $(FUZZ_SECONDS)s"; \
		$(BUILD)/rpc/fuzz/$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-max_len=8192 -rss_limit_mb=4096 -artifact_prefix=$(BUILD)/rpc/fuzz/$$f- \
			$(BUILD)/rpc/fuzz/corpus-$$f tests/rpc/fuzz/seeds || rc=1; \
	done; exit $$rc

# ncacn_ip_tcp against ONC RPC (libtirpc) over loopback: null call
# latency, 8-client throughput, server memory per idle connection.
#   make bench-rpc [BENCH_SECONDS=2]
BENCH_SECONDS ?= 2
RPC_BENCH := $(BUILD)/rpc/bench/bench_rpc

.PHONY: bench-rpc
$(RPC_BENCH): tests/rpc/bench/bench_rpc.c tests/rpc/bench/tirpc_side.c tests/rpc/bench/bench.h $(LIB_A)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) -I/usr/include/tirpc $(WARN) -O2 -pthread -o $@ \
		tests/rpc/bench/bench_rpc.c tests/rpc/bench/tirpc_side.c $(LIB_A) -ltirpc $(LDLIBS)

bench-rpc: $(RPC_BENCH)
	$(Q)ulimit -n 4096 2>/dev/null; $(RPC_BENCH) $(BENCH_SECONDS)

# The hostile-peer suite runs lrpctest-server and lrpctest-client from
# build/bin (tools/lrpctest/lrpctest.mk is read after this file).
$(BUILD)/tests/rpc/hostile_suite_test: | $(BUILD)/bin/lrpctest-server $(BUILD)/bin/lrpctest-client

# The seeded lossy UDP relay the ncadg_ip_udp loss tests put between a
# client and a server (tests/rpc/dg_relay.c), and its self-test: the same
# source, whose main forks a relay between two sockets.
DG_RELAY          := $(BUILD)/tests/rpc/dg_relay
DG_RELAY_SELFTEST := $(BUILD)/tests/rpc/dg-relay-selftest

$(DG_RELAY): tests/rpc/dg_relay.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -o $@ $<

$(DG_RELAY_SELFTEST): tests/rpc/dg_relay.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -DDG_RELAY_SELFTEST -o $@ $<

tests: $(DG_RELAY) $(DG_RELAY_SELFTEST)
EXTRA_CHECK += $(DG_RELAY_SELFTEST)

# status_test enumerates every status <lrpc/status.h> defines.
STATUS_LIST := $(BUILD)/tests/rpc/status_list.h
$(STATUS_LIST): lib/include/lrpc/status.h
	@mkdir -p $(@D)
	$(Q)sed -n 's/^#define[[:space:]]\{1,\}\(\(rpc\|nca\|ept\)_[sx]_[a-z0-9_]*\)[[:space:]].*/STATUS(\1)/p' $< >$@.tmp && mv $@.tmp $@
$(BUILD)/tests/rpc/status_test.o: $(STATUS_LIST)
$(BUILD)/tests/rpc/status_test.o: CPPFLAGS += -I$(BUILD)/tests/rpc

# The programs' --help, --version and failure lines (tests/rpc/cli.sh).
EXTRA_CHECK += tests/rpc/cli.sh
# (tools/*/*.mk are read after this file: the programs by path)
check-unit: $(addprefix $(BUILD)/bin/,lrpc-epmd lrpc-rpcdump lrpcstat lrpctest-server lrpctest-client)
