# lrpc-idl, the IDL compiler (issue 6).  Included by the top Makefile.
IDL_SRCS := $(sort $(wildcard tools/idl/*.c))
IDL_SRCS := $(filter-out tools/idl/fuzz_parser.c,$(IDL_SRCS))
IDL_OBJS := $(IDL_SRCS:%.c=$(BUILD)/%.o)
LRPC_IDL := $(BUILD)/bin/lrpc-idl

TOOLS += $(LRPC_IDL)

# The shipped IDL (ms-dtyp.idl and the DCE runtime's interfaces): searched
# after -I by lrpc-idl, installed and in the source tree.
IDLDIR ?= $(PREFIX)/share/lrpc/idl
$(BUILD)/tools/idl/main.o: CPPFLAGS += -DLRPC_IDL_DATADIR='"$(IDLDIR)"' \
	-DLRPC_IDL_SRCDIR='"$(CURDIR)/idl"'
$(BUILD)/tools/idl/main.o: tools/idl/idl.mk

.PHONY: install-idl
install: install-idl
install-idl:
	install -d $(DESTDIR)$(IDLDIR)
	install -m 644 idl/*.idl $(DESTDIR)$(IDLDIR)/

$(LRPC_IDL): $(IDL_OBJS)
	@mkdir -p $(@D)
	$(Q)$(CC) -o $@ $(IDL_OBJS)

# libFuzzer target for the lexer and parser:  make fuzz-idl FUZZ_SECONDS=60
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang-14
IDL_FUZZ     := $(BUILD)/fuzz/fuzz-idl
IDL_FUZZ_SRCS := tools/idl/fuzz_parser.c $(filter-out tools/idl/main.c,$(IDL_SRCS))

.PHONY: fuzz-idl
$(IDL_FUZZ): $(IDL_FUZZ_SRCS) tools/idl/idl.h
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined $(CPPFLAGS) -o $@ $(IDL_FUZZ_SRCS)

fuzz-idl: $(IDL_FUZZ)
	@mkdir -p $(BUILD)/fuzz/corpus-idl
	$(IDL_FUZZ) -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
		-dict=tools/idl/fuzz/idl.dict $(BUILD)/fuzz/corpus-idl tools/idl/fuzz/seeds
