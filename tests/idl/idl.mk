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
# issue 21: files in Windows IDL's shape (tests/idl/real) and the shipped
# ms-dtyp.idl they import
IDLT_REAL  := realsyntax realunions realhidden realhandles srvsvc winreg
IDLT_IDLS  += ms-dtyp $(IDLT_REAL)
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

$(IDLT_GEN)/%.h $(IDLT_GEN)/%_ndr.c $(IDLT_GEN)/%_c.c $(IDLT_GEN)/%_s.c: tests/idl/real/%.idl $(IDLT_IDL) idl/ms-dtyp.idl
	@mkdir -p $(@D)
	$(Q)$(LRPC_IDL) $(IDLT_FLAGS) -o $(IDLT_GEN) $<

$(IDLT_GEN)/constructs.h: tests/idl/constructs.acf idl/dcetypes.idl
$(IDLT_GEN)/realhandles.h: tests/idl/real/realhandles.acf
$(IDLT_GEN)/winreg.h: tests/idl/real/winreg.acf

# #include <ms-dtyp.idl> copies the base types into the file, as MIDL's
# cpp does: wkssvc is compiled on its own, not linked with the others
IDLT_SOLO := $(foreach s,_ndr _c _s,$(IDLT_GEN)/solo/wkssvc$(s).o)
$(IDLT_GEN)/solo/wkssvc.h $(IDLT_GEN)/solo/wkssvc_ndr.c $(IDLT_GEN)/solo/wkssvc_c.c $(IDLT_GEN)/solo/wkssvc_s.c: tests/idl/real/wkssvc.idl $(IDLT_IDL) idl/ms-dtyp.idl
	@mkdir -p $(@D)
	$(Q)$(LRPC_IDL) $(IDLT_FLAGS) -o $(IDLT_GEN)/solo $<
$(IDLT_GEN)/solo/%.o: $(IDLT_GEN)/solo/%.c $(IDLT_GEN)/solo/wkssvc.h
	$(Q)$(CC) $(CPPFLAGS) -I$(IDLT_GEN)/solo $(ALL_CFLAGS) -Wunused-parameter -c -o $@ $<

$(IDLT_GEN)/%.o: $(IDLT_GEN)/%.c $(IDLT_HDRS)
	$(Q)$(CC) $(CPPFLAGS) -I$(IDLT_GEN) $(ALL_CFLAGS) -Wunused-parameter -c -o $@ $<

$(BUILD)/tests/idl/roundtrip_test.o: $(IDLT_HDRS)
$(BUILD)/tests/idl/roundtrip_test.o: CPPFLAGS += -I$(IDLT_GEN)

# Only the NDR engine from liblrpc: the test brings its own loopback
# rpc_call() and context-handle functions, which the runtime also defines.
# call_status.o: the stubs end every call with rpc_call_end().
IDLT_LIB := $(filter $(BUILD)/lib/ndr/%,$(LIB_OBJS)) $(BUILD)/lib/runtime/status.o \
	    $(BUILD)/lib/runtime/call_status.o

$(BUILD)/tests/idl/roundtrip_test: $(BUILD)/tests/idl/roundtrip_test.o $(IDLT_OBJS) $(IDLT_LIB) \
				   $(IDLT_SOLO)
	$(Q)$(CC) -o $@ $< $(IDLT_OBJS) $(IDLT_LIB) $(LDLIBS) -lm

EXTRA_CHECK += tests/idl/idl_golden.sh

.PHONY: check-idl
check-idl: $(BUILD)/tests/idl/roundtrip_test $(IDLT_IDL) $(IDLT_SOLO)
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
