# ncadg_ip_udp end to end under loss (tests/rpc/dg_loss.sh): lrpctest
# through the seeded lossy relay, a server restart mid-run.
EXTRA_CHECK += tests/rpc/dg_loss.sh
check-unit: $(BUILD)/tests/rpc/dg_relay
