#!/bin/bash
# lrpctest-client against lrpctest-server: every operation in NDR20 and
# NDR64, both byte orders, the smallest fragment size the protocol allows
# (1432, MustRecvFragSize) and the default.
#
#   lrpctest-client --ncacn_ip_tcp--> lrpctest-server [127.0.0.1:dynamic]
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
finish
