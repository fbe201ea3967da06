# ncalrpc tests (issue 9): tests/local/ncalrpc_test.c natively (the AF_UNIX
# fallback), selftests/local/ncalrpc_test.c in the guest (the kernel path,
# the fallback, routing).  Both run the lrpctest programs and lrpc-epmd.
$(BUILD)/tests/local/ncalrpc_test $(BUILD)/selftests/local/ncalrpc_test: | $(LT_SERVER) $(LT_CLIENT) $(EPMD)
