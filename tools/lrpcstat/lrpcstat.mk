# lrpcstat: ports, connections and sections of the lrpc module, over
# generic netlink (libnl-genl-3).
LRPCSTAT := $(BUILD)/bin/lrpcstat
LIBNL_FLAGS := $(shell pkg-config --cflags --libs libnl-genl-3.0 2>/dev/null)

TOOLS += $(LRPCSTAT)

$(LRPCSTAT): tools/lrpcstat/lrpcstat.c include/uapi/linux/lrpc.h
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -DLRPC_VERSION='"$(LRPC_VERSION)"' -o $@ $< $(LIBNL_FLAGS)
