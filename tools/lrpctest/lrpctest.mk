# lrpctest-server and lrpctest-client (issue 7): the conformance interface
# (idl/lrpctest.idl) and Samba's rpcecho (idl/rpcecho.idl) over every
# protocol sequence the runtime serves.  Stubs come from lrpc-idl at build
# time into $(BUILD)/gen/lrpctest/.
LT_GEN     := $(BUILD)/gen/lrpctest
LT_SERVER  := $(BUILD)/bin/lrpctest-server
LT_CLIENT  := $(BUILD)/bin/lrpctest-client
LT_CFLAGS   = $(CPPFLAGS) -I$(LT_GEN) $(ALL_CFLAGS) -DLRPC_VERSION='"$(LRPC_VERSION)"'

TOOLS += $(LT_SERVER) $(LT_CLIENT)

LT_GEN_SRCS := $(foreach i,lrpctest rpcecho,$(LT_GEN)/$(i)_ndr.c $(LT_GEN)/$(i)_s.c $(LT_GEN)/$(i)_c.c)

# One explicit rule per interface writes its four files.
define LT_IDL_RULE
$(LT_GEN)/$(1).h $(LT_GEN)/$(1)_ndr.c $(LT_GEN)/$(1)_s.c $(LT_GEN)/$(1)_c.c &: idl/$(1).idl $(LRPC_IDL)
	@mkdir -p $(LT_GEN)
	$(Q)$(LRPC_IDL) -q -I idl -o $(LT_GEN) idl/$(1).idl
endef
$(foreach i,lrpctest rpcecho,$(eval $(call LT_IDL_RULE,$(i))))

$(LT_GEN)/%.o: $(LT_GEN)/%.c $(LT_GEN)/lrpctest.h $(LT_GEN)/rpcecho.h
	$(Q)$(CC) $(LT_CFLAGS) -Wno-unused-parameter -c -o $@ $<

$(BUILD)/tools/lrpctest/%.o: tools/lrpctest/%.c $(LT_GEN)/lrpctest.h $(LT_GEN)/rpcecho.h | $(KSFT_HDR)
	@mkdir -p $(@D)
	$(Q)$(CC) $(LT_CFLAGS) -MMD -MP -c -o $@ $<

$(LT_SERVER): $(BUILD)/tools/lrpctest/server.o $(LT_GEN)/lrpctest_ndr.o \
		$(LT_GEN)/lrpctest_s.o $(LT_GEN)/rpcecho_ndr.o $(LT_GEN)/rpcecho_s.o $(LIB_A)
	@mkdir -p $(@D)
	$(Q)$(CC) -o $@ $(filter %.o,$^) $(LIB_A) $(LDLIBS)

$(LT_CLIENT): $(BUILD)/tools/lrpctest/client.o $(BUILD)/tools/lrpctest/tally.o $(LT_GEN)/lrpctest_ndr.o \
		$(LT_GEN)/lrpctest_c.o $(LIB_A)
	@mkdir -p $(@D)
	$(Q)$(CC) -o $@ $(filter %.o,$^) $(LIB_A) $(LDLIBS)

-include $(BUILD)/tools/lrpctest/server.d $(BUILD)/tools/lrpctest/client.d \
	$(BUILD)/tools/lrpctest/tally.d
