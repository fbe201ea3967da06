# bench/rpc: the local-vs-network benchmark, `make bench` (README's main
# job): full RPC round trips (generated stubs, NDR, runtime) over
# ncalrpc through /dev/lrpc, ncalrpc over the AF_UNIX fallback and
# ncacn_ip_tcp on loopback, plus the raw round trips of bench/kernel, on
# one CPU and on two, in Debian's kernel under qemu (or natively when
# /dev/lrpc exists here).  Writes build/bench/results.csv, bench.png and
# prints the table.
#
#   make bench          the full sweep (about 5-8 minutes under TCG)
#   make bench-quick    fewer sizes and calls, to try the pipeline
#   make bench-report   redo the table and plot from the last results
#   make bench-count    guest instructions per null call (kucount TCG
#                       plugin, N1/N2 boots with -smp 1; ~2 minutes), which
#                       bench-report adds to the table
#
# RPC_BENCH_ARGS are passed to rpc_bench (see bench/rpc/rpc_bench.c),
# RAW_BENCH_ARGS to bench/kernel's lrpc_bench.
RPC_BENCH      := $(BUILD)/bench/rpc/rpc_bench
# (this fragment is read before tools/lrpctest/lrpctest.mk, whose rules
# generate and compile the stubs into this directory)
RPCB_GEN       := $(BUILD)/gen/lrpctest
RPC_BENCH_OUT  := $(BUILD)/bench
RPC_BENCH_ARGS ?=
RAW_BENCH_ARGS ?= -n 2000

$(BUILD)/bench/rpc/rpc_bench.o: bench/rpc/rpc_bench.c $(RPCB_GEN)/lrpctest.h $(RPCB_GEN)/rpcecho.h | $(KSFT_HDR)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) -I$(RPCB_GEN) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(RPC_BENCH): $(BUILD)/bench/rpc/rpc_bench.o $(RPCB_GEN)/lrpctest_ndr.o $(RPCB_GEN)/lrpctest_c.o \
		$(RPCB_GEN)/rpcecho_ndr.o $(RPCB_GEN)/rpcecho_c.o $(LIB_A)
	@mkdir -p $(@D)
	$(Q)$(CC) -o $@ $(filter %.o,$^) $(LIB_A) $(LDLIBS)

BENCH_PROGS := $(RPC_BENCH) $(BUILD)/bin/lrpctest-server $(BENCH_KERNEL)

KUCOUNT_SO     := $(BUILD)/bench/rpc/libkucount.so
# 10,000 calls apart: boot-to-boot noise (timer ticks, set-up) of a few
# million instructions is then a few hundred per call
COUNT_N        ?= 1000 11000

$(KUCOUNT_SO): bench/rpc/kucount.c
	@mkdir -p $(@D)
	$(Q)$(CC) -shared -fPIC -O2 -o $@ $<

.PHONY: bench bench-quick bench-report bench-progs bench-count
bench-progs: deps module $(BENCH_PROGS)

bench: bench-progs
	$(Q)bench/rpc/run-bench --out $(RPC_BENCH_OUT) \
		--rpc-args "$(RPC_BENCH_ARGS)" --raw-args "$(RAW_BENCH_ARGS)"
	$(Q)tools/bench-report $(RPC_BENCH_OUT)

bench-quick: bench-progs
	$(Q)bench/rpc/run-bench --quick --out $(RPC_BENCH_OUT) \
		--rpc-args "$(RPC_BENCH_ARGS)" --raw-args "-n 300"
	$(Q)tools/bench-report $(RPC_BENCH_OUT)

bench-report:
	$(Q)tools/bench-report $(RPC_BENCH_OUT)

bench-count: bench-progs $(KUCOUNT_SO)
	$(Q)bench/rpc/run-count --out $(RPC_BENCH_OUT) --plugin $(KUCOUNT_SO) $(COUNT_N)
	$(Q)RUN_COUNT_ONLY="ncacn_ip_tcp ncadg_ip_udp" RUN_COUNT_CALL="in,-s 1M" \
		RUN_COUNT_CSV=kucount-in1m.csv \
		bench/rpc/run-count --out $(RPC_BENCH_OUT) --plugin $(KUCOUNT_SO) 20 120
	$(Q)[ ! -f $(RPC_BENCH_OUT)/results.csv ] || tools/bench-report $(RPC_BENCH_OUT)

-include $(BUILD)/bench/rpc/rpc_bench.d
