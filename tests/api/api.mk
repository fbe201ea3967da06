# The library's ABI against its headers, its version script and its man
# pages (issue 18): tests/api/symbols.sh reads build/lib/liblrpc.so.
EXTRA_CHECK += tests/api/symbols.sh
check-unit: $(LIB_SO)
