#!/bin/sh
# Inside the guest: load Binder (for its round trip) and run the benchmark.
# (modprobe cannot read the busybox-made modules.dep: insmod it directly.)
[ -e /dev/binder ] || modprobe binder_linux 2>/dev/null ||
	insmod "/lib/modules/$(uname -r)/kernel/drivers/android/binder_linux.ko" ||
	echo "binder_linux: not loadable, Binder skipped"
exec "$(dirname "$0")/../../build/bench/kernel/lrpc_bench" "$@"
