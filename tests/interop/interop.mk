# Interop tests with real peers (issue 7): impacket, smbtorture, Samba's
# samba-dcerpcd, tshark; plus lrpctest-client against lrpctest-server in
# every variant.  Each script prints TAP and skips (exit 4) when its peer
# is not installed.
INTEROP_PEER := $(BUILD)/tests/interop/samba_peer

EXTRA_CHECK += tests/interop/lrpctest.sh tests/interop/impacket.sh \
	       tests/interop/smbtorture.sh tests/interop/samba_server.sh \
	       tests/interop/tshark.sh tests/interop/tshark_dg.sh \
	       tests/interop/auth.sh \
	       tests/interop/auth_krb5.sh

$(INTEROP_PEER): $(BUILD)/tests/interop/samba_peer.o $(LIB_A)
	$(Q)$(CC) -o $@ $< $(LIB_A) $(LDLIBS)

tests: $(INTEROP_PEER)
check-unit: $(LT_SERVER) $(LT_CLIENT) $(INTEROP_PEER) $(BUILD)/tests/rpc/dg_relay

# the scripts find the programs through this
export LRPC_BUILD := $(BUILD)
