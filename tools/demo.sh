#!/bin/sh
# make demo: runs inside the guest with kmod/lrpc.ko loaded and shows it.
set -e
echo "== guest kernel: $(uname -r)"
echo "== module:"
grep '^lrpc ' /proc/modules
echo "== device node:"
ls -l /dev/lrpc
echo "== GET_FEATURES and its negative cases (kselftest):"
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/build/selftests/lrpc/features_test"
