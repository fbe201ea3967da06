# examples/ (issue 18): tests/examples/run.sh builds each example with its
# own Makefile (pkg-config, lrpc-idl) against build/lib/liblrpc.so and
# runs it; it needs the shared library, lrpc-idl and lrpc-epmd.
EXTRA_CHECK += tests/examples/run.sh
# (spelled out: tools/*/*.mk come after tests/*/*.mk)
check-unit: $(LIB_SO) $(BUILD)/bin/lrpc-idl $(BUILD)/bin/lrpc-epmd
