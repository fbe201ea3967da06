# lrpcstat_test runs build/bin/lrpcstat in the guest.
$(BUILD)/selftests/lrpcstat/lrpcstat_test: $(BUILD)/bin/lrpcstat
