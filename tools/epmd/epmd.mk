# lrpc-epmd, the endpoint mapper daemon (issue 8).
EPMD := $(BUILD)/bin/lrpc-epmd

TOOLS += $(EPMD)

$(EPMD): $(BUILD)/tools/epmd/epmd.o $(LIB_A)
	@mkdir -p $(@D)
	$(Q)$(CC) -o $@ $< $(LIB_A) $(LDLIBS)

-include $(BUILD)/tools/epmd/epmd.d
$(BUILD)/tools/epmd/epmd.o: CPPFLAGS += -DLRPC_VERSION='"$(LRPC_VERSION)"'
