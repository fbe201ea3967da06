# IDL compiler tests (issue 6).
#
#   roundtrip_test   stubs generated from idl/*.idl and tests/idl/constructs.idl,
#                    called through a loopback rpc_call over lib/ndr (NDR20
#                    and NDR64, both byte orders)
#   idl_golden.sh    AST golden files, the bad-IDL corpus, determinism and
#                    the man page (EXTRA_CHECK)
#
# Stubs for the test are generated with --server-prefix s_ so client stubs
# and manager routines can live in one program.

IDLT_GEN   := $(BUILD)/gen/idl-test
IDLT_IDLS  := dcetypes lrpctest rpcecho epmapper mgmt constructs
IDLT_SRCS  := $(foreach n,$(IDLT_IDLS),$(IDLT_GEN)/$(n)_ndr.c $(IDLT_GEN)/$(n)_c.c $(IDLT_GEN)/$(n)_s.c)
IDLT_OBJS  := $(IDLT_SRCS:.c=.o)
IDLT_HDRS  := $(IDLT_IDLS:%=$(IDLT_GEN)/%.h)
IDLT_FLAGS := -I idl --server-prefix s_ -q
# Spelled out: tools/idl/idl.mk (LRPC_IDL) is included after this file,
# and an empty prerequisite would not regenerate the stubs when the
# compiler changes.
IDLT_IDL   := $(BUILD)/bin/lrpc-idl

$(IDLT_GEN)/%.h $(IDLT_GEN)/%_ndr.c $(IDLT_GEN)/%_c.c $(IDLT_GEN)/%_s.c: idl/%.idl $(IDLT_IDL)
	@mkdir -p $(@D)
	$(Q)$(LRPC_IDL) $(IDLT_FLAGS) -o $(IDLT_GEN) $<

$(IDLT_GEN)/%.h $(IDLT_GEN)/%_ndr.c $(IDLT_GEN)/%_c.c $(IDLT_GEN)/%_s.c: tests/idl/%.idl $(IDLT_IDL)
	@mkdir -p $(@D)
	$(Q)$(LRPC_IDL) $(IDLT_FLAGS) -o $(IDLT_GEN) $<

$(IDLT_GEN)/constructs.h: tests/idl/constructs.acf idl/dcetypes.idl

$(IDLT_GEN)/%.o: $(IDLT_GEN)/%.c $(IDLT_HDRS)
	$(Q)$(CC) $(CPPFLAGS) -I$(IDLT_GEN) $(ALL_CFLAGS) -Wunused-parameter -c -o $@ $<

$(BUILD)/tests/idl/roundtrip_test.o: $(IDLT_HDRS)
$(BUILD)/tests/idl/roundtrip_test.o: CPPFLAGS += -I$(IDLT_GEN)

# Only the NDR engine from liblrpc: the test brings its own loopback
# rpc_call() and context-handle functions, which the runtime also defines.
# call_status.o: the stubs end every call with rpc_call_end().
IDLT_LIB := $(filter $(BUILD)/lib/ndr/%,$(LIB_OBJS)) $(BUILD)/lib/runtime/status.o \
	    $(BUILD)/lib/runtime/call_status.o

$(BUILD)/tests/idl/roundtrip_test: $(BUILD)/tests/idl/roundtrip_test.o $(IDLT_OBJS) $(IDLT_LIB)
	$(Q)$(CC) -o $@ $< $(IDLT_OBJS) $(IDLT_LIB) $(LDLIBS) -lm

EXTRA_CHECK += tests/idl/idl_golden.sh

.PHONY: check-idl
check-idl: $(BUILD)/tests/idl/roundtrip_test $(IDLT_IDL)
	$(Q)rc=0; $(BUILD)/tests/idl/roundtrip_test || rc=1; \
		BUILD=$(BUILD) tests/idl/idl_golden.sh || rc=1; exit $$rc

# The error model against a real server (error_model_test.c): stubs from
# tests/idl/errmodel.idl, client and server in one program, full liblrpc.
EMT_OBJS := $(IDLT_GEN)/errmodel_ndr.o $(IDLT_GEN)/errmodel_c.o $(IDLT_GEN)/errmodel_s.o

$(EMT_OBJS): $(IDLT_GEN)/errmodel.h
$(BUILD)/tests/idl/error_model_test.o: $(IDLT_GEN)/errmodel.h
$(BUILD)/tests/idl/error_model_test.o: CPPFLAGS += -I$(IDLT_GEN)

$(BUILD)/tests/idl/error_model_test: $(BUILD)/tests/idl/error_model_test.o $(EMT_OBJS) $(LIB_A)
	$(Q)$(CC) -o $@ $< $(EMT_OBJS) $(LIB_A) $(LDLIBS)
