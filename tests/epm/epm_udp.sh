#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The endpoint mapper over ncadg_ip_udp (issue 17): insert, lookup and
# map over UDP, a partial ncadg_ip_udp binding resolved through it, and
# the registration dropped when its process dies.  TAP on stdout.
#
#   +--------------------------------+   ept_insert (udp)  +-----------------------------+
#   | lrpc-epmd                      |<--------------------| lrpctest-server --register  |
#   |   ncadg_ip_udp:127.0.0.1[EPU]  |                     |   -e ncadg_ip_udp:127.0.0.1 |
#   |   ncacn_ip_tcp:127.0.0.1[EPT]  |   ept_lookup (udp)  +-----------------------------+
#   |   ($LRPC_EPMAPPER = the udp    |<--------------------  lrpc-rpcdump
#   |    one for every client here)  |   ept_map (udp)
#   +--------------------------------+<--------------------  epm-helper resolve,
#                                                            lrpctest-client ncadg_ip_udp:127.0.0.1
#
# Environment: LRPC_BUILD (default build).  Every step is bounded.
set -u
. "$(dirname "$0")/../interop/lib.sh"
helper=$build/tests/epm/epm-helper
tmp=$work

LRPCTEST=4c4b2e1a-8f5d-4d3b-9a6e-2b7c1d0e5f91

check() { local d=$1; shift; "$@"; ok $? "- $d"; }
diag() { sed 's/^/# /' "$@"; }

# Below the ephemeral range, and unused by TCP and UDP.
port_free() { ! ss -Htuan "sport = :$1" 2>/dev/null | grep -q .; }
pick_port() {
	local p
	while :; do
		p=$((12000 + RANDOM % 16000))
		port_free "$p" && { echo "$p"; return; }
	done
}
wait_ready() {	# FILE: wait for a "ready" line
	local i
	for i in $(seq 100); do
		grep -q '^ready ' "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

need "$bin/lrpc-epmd" "$bin/lrpc-rpcdump" "$bin/lrpctest-server" \
     "$bin/lrpctest-client" "$helper"

epmd=
for try in 1 2 3 4 5; do
	EPU=$(pick_port)
	EPT=$(pick_port)
	"$bin/lrpc-epmd" -f -l 127.0.0.1 --tcp-port "$EPT" --udp-port "$EPU" \
		--lrpc-endpoint "epm-udp-$$" >"$tmp/epmd.out" 2>"$tmp/epmd.err" &
	epmd=$!
	if wait_ready "$tmp/epmd.out" &&
	   grep -q "^ready ncadg_ip_udp:127.0.0.1\[$EPU\]" "$tmp/epmd.out"; then
		break
	fi
	kill "$epmd" 2>/dev/null
	wait "$epmd" 2>/dev/null
	epmd=
done
if [ -z "$epmd" ]; then
	diag "$tmp/epmd.err"
	echo "Bail out! lrpc-epmd did not listen on ncadg_ip_udp"
	exit 1
fi
pids+=($epmd)
export LRPC_EPMAPPER="ncadg_ip_udp:127.0.0.1[$EPU]"

# ept_insert over UDP: the mapper must see a local caller (the peer of
# a datagram call), else --register fails with access denied
"$bin/lrpctest-server" --register -e 'ncadg_ip_udp:127.0.0.1' \
	>"$tmp/srv.out" 2>"$tmp/srv.err" &
srv=$!
pids+=($srv)
wait_ready "$tmp/srv.out"
srv_b=$(sed -n 's/^ready \(ncadg_ip_udp:.*\)$/\1/p' "$tmp/srv.out" | head -1)
diag "$tmp/srv.err"
check "lrpctest-server --register over ncadg_ip_udp ($srv_b)" \
	bash -c "[ -n '$srv_b' ] && ! grep -q register '$tmp/srv.err'"

timeout 30 "$bin/lrpc-rpcdump" "$LRPC_EPMAPPER" >"$tmp/dump1" 2>&1
diag "$tmp/dump1"
check "ept_lookup over UDP lists it" \
	grep -q "^$(printf '%s' "$srv_b" | sed 's/[][]/\\&/g') $LRPCTEST v1.0" "$tmp/dump1"

out=$(timeout 30 "$helper" resolve "ncadg_ip_udp:127.0.0.1" "$LRPCTEST/1.0")
echo "# resolve: $out"
check "ept_map over UDP resolves a partial ncadg_ip_udp binding" \
	test "$out" = "$srv_b"

timeout 120 "$bin/lrpctest-client" "ncadg_ip_udp:127.0.0.1" >"$tmp/client" 2>&1
rc=$?
tail -n 3 "$tmp/client" | diag
check "lrpctest-client over a partial ncadg_ip_udp binding" test $rc = 0

# the entries belong to the registering process (found by its UDP
# socket): gone once it is
{ kill -9 "$srv"; wait "$srv"; } 2>/dev/null
timeout 30 "$bin/lrpc-rpcdump" "$LRPC_EPMAPPER" >"$tmp/dump2" 2>&1
check "its entries go with the process" \
	bash -c "! grep -q '$LRPCTEST' '$tmp/dump2'"
check "the mapper itself stays listed" \
	grep -q "ncadg_ip_udp:127.0.0.1\[$EPU\]" "$tmp/dump2"

finish
