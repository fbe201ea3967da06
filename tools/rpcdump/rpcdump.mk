# lrpc-rpcdump, the endpoint map lister (issue 8).
RPCDUMP := $(BUILD)/bin/lrpc-rpcdump

TOOLS += $(RPCDUMP)

$(RPCDUMP): $(BUILD)/tools/rpcdump/rpcdump.o $(LIB_A)
	@mkdir -p $(@D)
	$(Q)$(CC) -o $@ $< $(LIB_A) $(LDLIBS)

-include $(BUILD)/tools/rpcdump/rpcdump.d
$(BUILD)/tools/rpcdump/rpcdump.o: CPPFLAGS += -DLRPC_VERSION='"$(LRPC_VERSION)"'
