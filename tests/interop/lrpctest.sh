#!/bin/bash
# lrpctest-client against lrpctest-server: every operation in NDR20 and
# NDR64, both byte orders, the smallest fragment size the protocol allows
# (1432, MustRecvFragSize) and the default.
#
#   lrpctest-client --ncacn_ip_tcp--> lrpctest-server [127.0.0.1:dynamic]
#   lrpctest-client --ncadg_ip_udp--> lrpctest-server [127.0.0.1:dynamic]
#     (NDR20 in both byte orders: the datagram protocol has no NDR64)
#
# and, when lrpc-epmd is built, a partial binding (no endpoint) resolved
# through the endpoint mapper the server registered with (--register):
#
#   lrpctest-client --ept_map--> lrpc-epmd [127.0.0.1:dynamic] <--ept_insert-- lrpctest-server --register
#         `------------------------ncacn_ip_tcp-------------------------------------^
set -u
. "$(dirname "$0")/lib.sh"
need "$bin/lrpctest-server" "$bin/lrpctest-client"
start_server self

for opt in "" ",ndr20" ",ndr64" ",ndr20,bigendian" ",ndr64,bigendian" \
	   ",ndr20,max_frag=1432" ",ndr64,bigendian,max_frag=1432"; do
	out="$work/client.out"
	timeout 120 "$bin/lrpctest-client" "ncacn_ip_tcp:127.0.0.1[$port$opt]" >"$out" 2>&1
	rc=$?
	sum=$(tail -1 "$out")
	ok "$rc" "lrpctest-client [${opt#,}]: $sum"
	[ "$rc" = 0 ] || grep -v '^pass' "$out" | sed 's/^/# /'
done

"$bin/lrpctest-server" -e 'ncadg_ip_udp:127.0.0.1' >"$work/udp.out" 2>"$work/udp.err" &
pids+=($!)
for i in $(seq 100); do
	uport=$(sed -n 's/^ready ncadg_ip_udp:127\.0\.0\.1\[\([0-9]*\)\]$/\1/p' "$work/udp.out")
	[ -n "$uport" ] && break
	sleep 0.05
done
for opt in "" ",bigendian"; do
	out="$work/client-udp.out"
	timeout 120 "$bin/lrpctest-client" "ncadg_ip_udp:127.0.0.1[$uport$opt]" >"$out" 2>&1
	rc=$?
	ok "$rc" "lrpctest-client ncadg_ip_udp [${opt#,}]: $(tail -1 "$out")"
	[ "$rc" = 0 ] || grep -v '^pass' "$out" | sed 's/^/# /'
done

if [ -x "$bin/lrpc-epmd" ]; then
	"$bin/lrpc-epmd" -f --tcp-port 0 >"$work/epmd.out" 2>"$work/epmd.err" &
	pids+=($!)
	for i in $(seq 100); do
		# "ready ncacn_ip_tcp:[::][PORT]": where it listens; a client
		# goes to one address of the host
		epm=$(sed -n 's/^ready ncacn_ip_tcp:.*\[\([0-9]*\)\]$/ncacn_ip_tcp:127.0.0.1[\1]/p' "$work/epmd.out")
		[ -n "$epm" ] && break
		sleep 0.05
	done
	export LRPC_EPMAPPER=$epm
	"$bin/lrpctest-server" --register -e 'ncacn_ip_tcp:127.0.0.1[]' \
		>"$work/reg.out" 2>"$work/reg.err" &
	pids+=($!)
	for i in $(seq 100); do
		grep -q '^ready ' "$work/reg.out" && break
		sleep 0.05
	done
	timeout 120 "$bin/lrpctest-client" "ncacn_ip_tcp:127.0.0.1[ndr64]" >"$work/client.out" 2>&1
	rc=$?
	ok "$rc" "partial binding resolved by lrpc-epmd ($epm): $(tail -1 "$work/client.out")"
	[ "$rc" = 0 ] || { grep -v '^pass' "$work/client.out"; cat "$work/reg.err"; } | sed 's/^/# /'
else
	skip "partial binding through the endpoint mapper" "lrpc-epmd not built"
fi
finish
