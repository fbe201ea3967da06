# Endpoint mapper tests (issue 8).  tests/epm/*_test.c are picked up by the
# top Makefile; this adds the helper the interop script drives and the
# script itself to `make check`.
#
#   make check-epm     unit tests and the interop script only
EPM_HELPER := $(BUILD)/tests/epm/epm-helper

$(EPM_HELPER): $(BUILD)/tests/epm/epm_helper.o $(LIB_A)
	@mkdir -p $(@D)
	$(Q)$(CC) -o $@ $< $(LIB_A) $(LDLIBS)

tests: $(EPM_HELPER)
EXTRA_CHECK += tests/epm/epm_interop.sh tests/epm/epm_udp.sh

.PHONY: check-epm
check-epm: lib tools $(filter $(BUILD)/tests/epm/%,$(UNIT_TESTS)) $(EPM_HELPER)
	$(Q)tools/run-checks --unit "$(filter $(BUILD)/tests/epm/%,$(UNIT_TESTS)) tests/epm/epm_interop.sh tests/epm/epm_udp.sh"

-include $(BUILD)/tests/epm/epm_helper.d

# ept_stub_test reads the tables liblrpc is built from (lib/stubs.mk)
$(BUILD)/tests/epm/ept_stub_test.o: $(LIBGEN_HDRS)
$(BUILD)/tests/epm/ept_stub_test.o: CPPFLAGS += -I$(LIBGEN)
