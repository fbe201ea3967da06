# bench/kernel: round-trip benchmark of /dev/lrpc against AF_UNIX, pipes,
# futexes and Binder, run in the guest kernel:  make bench-kernel
# (BENCH_ARGS="-n 5000 -m one" to change it).
BENCH_KERNEL := $(BUILD)/bench/kernel/lrpc_bench
BENCH_ARGS   ?= -n 2000

$(BENCH_KERNEL): bench/kernel/lrpc_bench.c include/uapi/linux/lrpc.h
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -o $@ $<

.PHONY: bench-kernel
bench-kernel: module $(BENCH_KERNEL)
	$(Q)tools/guest/lrpc-guest --module kmod/lrpc.ko --smp 2 -- \
		$(CURDIR)/bench/kernel/run-guest.sh $(BENCH_ARGS)
