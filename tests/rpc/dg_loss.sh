#!/bin/bash
# ncadg_ip_udp end to end, lrpctest-client against lrpctest-server:
#  1. every lrpctest check over a clean loopback;
#  2. through tests/rpc/dg_relay at 20% loss, 5% duplication and 10%
#     reordering in both directions: $DG_LOSS_CALLS (default 3,000 so that
#     make check stays within a test's 15 minutes; DG_LOSS_CALLS=10000
#     took 863 s on a loaded CI run) mixed calls
#     (lrpctest-client --tally: echoes up to 256 KiB, TestTally proving
#     that no call ran twice), every result right;
#  3. the same with the server killed (-9) and restarted on its port
#     mid-run: the calls in flight fail with a clear status, none runs
#     twice, the run goes on against the new server.
#
#   client --udp--> dg_relay --udp--> lrpctest-server 127.0.0.1:PORT
set -u
. "$(dirname "$0")/../interop/lib.sh"
relay="$build/tests/rpc/dg_relay"
need "$bin/lrpctest-server" "$bin/lrpctest-client" "$relay"
calls=${DG_LOSS_CALLS:-3000}

# a fixed port below the ephemeral range, so that the restarted server
# takes the same one
port=$((21000 + $$ % 1000))

srv_start() {
	local i
	"$bin/lrpctest-server" -e "ncadg_ip_udp:127.0.0.1[$port]" \
		>"$work/srv.out" 2>>"$work/srv.err" &
	srv=$!
	pids+=($srv)
	for i in $(seq 200); do
		grep -q "^ready ncadg_ip_udp" "$work/srv.out" && return 0
		sleep 0.05
	done
	echo "# lrpctest-server did not start on udp port $port"
	sed 's/^/# /' "$work/srv.err"
	exit 1
}

# relay_start SEED LOSS DUP REORDER: sets $rport
relay_start() {
	local i
	"$relay" --listen 127.0.0.1:0 --to "127.0.0.1:$port" --seed "$1" \
		--loss "$2" --dup "$3" --reorder "$4" --max-seconds 1500 \
		>"$work/relay.out" 2>&1 &
	rpid=$!
	pids+=($rpid)
	for i in $(seq 200); do
		rport=$(sed -n 's/^listening \([0-9]*\)$/\1/p' "$work/relay.out")
		[ -n "$rport" ] && return 0
		sleep 0.05
	done
	echo "# dg_relay did not start"
	exit 1
}

relay_stop() {
	kill -TERM "$rpid" 2>/dev/null
	wait "$rpid" 2>/dev/null
	sed 's/^/# relay: /' "$work/relay.out" | tail -6
}

srv_start

timeout 600 "$bin/lrpctest-client" "ncadg_ip_udp:127.0.0.1[$port]" >"$work/c.out" 2>&1
ok $? "lrpctest-client over ncadg_ip_udp: $(tail -1 "$work/c.out")"
grep '^FAIL' "$work/c.out" | head -10 | sed 's/^/# /'

relay_start 17 20 5 10
t0=$(date +%s)
timeout 1200 "$bin/lrpctest-client" --tally "$calls,17" \
	"ncadg_ip_udp:127.0.0.1[$rport]" >"$work/t.out" 2>&1
rc=$?
ok $rc "$calls calls at 20% loss, 5% dup, 10% reorder each way in $(( $(date +%s) - t0 )) s: $(tail -1 "$work/t.out")"
[ $rc = 0 ] || sed 's/^/# /' "$work/t.out" | head -10
relay_stop

# the server killed and restarted under the running client
relay_start 23 10 5 10
"$bin/lrpctest-client" --tally "3000,23" "ncadg_ip_udp:127.0.0.1[$rport]" \
	>"$work/r.out" 2>&1 &
cpid=$!
pids+=($cpid)
sleep 3
kill -9 "$srv"
wait "$srv" 2>/dev/null
sleep 1
srv_start
timeout 900 tail --pid="$cpid" -f /dev/null
wait "$cpid"
rc=$?
ok $rc "server killed and restarted mid-run: $(tail -1 "$work/r.out")"
grep -q "failed: " "$work/r.out"
ok $? "the calls in flight at the restart failed with a status: $(grep -m1 'failed: ' "$work/r.out")"
relay_stop
finish
