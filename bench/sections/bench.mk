# bench/sections: a round trip carrying 1 and 16 MiB through a section,
# an AF_UNIX stream socketpair and inline lrpc messages, in the guest:
#   make bench-sections   (SEC_BENCH_ARGS="-n 40 1 4 16" to change it)
# The module is loaded with max_msg_size at its 1 MiB ceiling, the
# inline path's best case.
SEC_BENCH      := $(BUILD)/bench/sections/sec_bench
SEC_BENCH_ARGS ?= -n 20 1 16

$(SEC_BENCH): bench/sections/sec_bench.c selftests/sections/sec_util.h include/uapi/linux/lrpc.h
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -pthread -o $@ $<

.PHONY: bench-sections
bench-sections: module $(SEC_BENCH)
	$(Q)for smp in 1 2; do echo "== guest -smp $$smp"; \
	tools/guest/lrpc-guest --module kmod/lrpc.ko:max_msg_size=1048576 \
		--smp $$smp --mem 1024 -- $(CURDIR)/$(SEC_BENCH) $(SEC_BENCH_ARGS) || exit 1; done
