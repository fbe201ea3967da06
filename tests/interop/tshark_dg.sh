#!/bin/bash
# tshark (Wireshark's DCE/RPC connectionless dissector, found by its UDP
# heuristic, no port hint) judges a capture of ncadg_ip_udp traffic:
# lrpctest-client against lrpctest-server over a clean loopback (every
# lrpctest operation, the large ones in fragments, the conversation
# manager's callback, cancel) and then through tests/rpc/dg_relay at 15%
# loss, 5% duplication and 10% reordering (retransmissions, facks,
# pings, nocalls).  Every datagram must dissect as DCE/RPC version 4 with
# no malformed frame or error-level expert item, and the PDU types the
# engines send must all be there.
#
#   lrpctest-client --udp--> [dg_relay] --udp--> lrpctest-server 127.0.0.1:PORT
#                 ^ tshark -i lo
set -u
. "$(dirname "$0")/lib.sh"
relay="$build/tests/rpc/dg_relay"
need tshark "$bin/lrpctest-server" "$bin/lrpctest-client" "$relay"
if [ "$(id -u)" != 0 ] && ! tshark -D 2>/dev/null | grep -q '\blo\b'; then
	echo "1..0 # SKIP cannot capture on lo"
	exit 4
fi

port=$((22000 + $$ % 1000))
"$bin/lrpctest-server" -e "ncadg_ip_udp:127.0.0.1[$port]" \
	>"$work/srv.out" 2>"$work/srv.err" &
pids+=($!)
for i in $(seq 200); do
	grep -q "^ready ncadg_ip_udp" "$work/srv.out" && break
	sleep 0.05
done
grep -q "^ready ncadg_ip_udp" "$work/srv.out" ||
	{ echo "# lrpctest-server did not start"; sed 's/^/# /' "$work/srv.err"; exit 1; }

cap="$work/cap.pcapng"
tshark -i lo -B 256 -f "udp" -w "$cap" >"$work/tshark.out" 2>&1 &
tpid=$!
pids+=($tpid)
for i in $(seq 200); do
	grep -q 'Capturing on' "$work/tshark.out" && break
	sleep 0.05
done
sleep 0.5

timeout 300 "$bin/lrpctest-client" "ncadg_ip_udp:127.0.0.1[$port]" >"$work/c.out" 2>&1
ok $? "lrpctest-client over ncadg_ip_udp (captured): $(tail -1 "$work/c.out")"

"$relay" --listen 127.0.0.1:0 --to "127.0.0.1:$port" --seed 5 \
	--loss 15 --dup 5 --reorder 10 --max-seconds 300 >"$work/relay.out" 2>&1 &
rpid=$!
pids+=($rpid)
for i in $(seq 200); do
	rport=$(sed -n 's/^listening \([0-9]*\)$/\1/p' "$work/relay.out")
	[ -n "$rport" ] && break
	sleep 0.05
done
timeout 300 "$bin/lrpctest-client" --tally "150,5" "ncadg_ip_udp:127.0.0.1[$rport]" \
	>"$work/t.out" 2>&1
ok $? "150 calls through the lossy relay (captured): $(tail -1 "$work/t.out")"
kill -TERM "$rpid" 2>/dev/null
wait "$rpid" 2>/dev/null
# a ping for a call the server never saw: [C706] 10.2 has it answer nocall
/usr/bin/python3 - "$port" >"$work/ping.out" 2>&1 <<'PY'
import os, socket, struct, sys
act = os.urandom(16)
hdr = struct.pack("<BBBB3sB16s16s16sIIIHHHHHBB", 4, 1, 0, 0, b"\x10\0\0", 0,
                  bytes(16), bytes(16), act, 0, 0, 7, 0, 0xffff, 0xffff,
                  0, 0, 0, 0)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
s.sendto(hdr, ("127.0.0.1", int(sys.argv[1])))
d = s.recv(65535)
mine = d[40:56] == act
print("answer ptype", d[1], "for our activity" if mine else "for another")
sys.exit(0 if len(d) >= 80 and d[1] == 5 and mine else 1)
PY
ok $? "a ping for an unknown call is answered nocall: $(cat "$work/ping.out")"
sleep 1
kill -INT "$tpid"
wait "$tpid" 2>/dev/null

dissect() { tshark -r "$cap" -2 "$@" 2>/dev/null; }
total=$(dissect -Y "dcerpc.ver == 4" | wc -l)
ok $([ "$total" -gt 500 ]; echo $?) "capture holds $total DCE/RPC CL (version 4) frames"
bad=$(dissect -Y "_ws.malformed || _ws.expert.severity >= error")
ok $([ -z "$bad" ]; echo $?) "no malformed frame, no error-level expert item"
[ -z "$bad" ] || echo "$bad" | head -20 | sed 's/^/# /'
undis=$(dissect -Y "udp && udp.length > 8 && !(dcerpc.ver == 4) && !ip.flags.mf && !ip.frag_offset")
ok $([ -z "$undis" ]; echo $?) "every datagram dissects as DCE/RPC version 4"
[ -z "$undis" ] || echo "$undis" | head -10 | sed 's/^/# /'
types=$(dissect -T fields -e dcerpc.pkt_type -Y "dcerpc.ver == 4" | tr ',' '\n' | sort -un | tr '\n' ' ')
echo "# PDU types seen: $types"
# request, ping, response, fault, working, nocall, ack, cancel, fack,
# cancel_ack
for t in 0 1 2 3 4 5 7 8 9 10; do
	echo " $types " | grep -q " $t "
	ok $? "CL PDU type $t present and dissected"
done
# the conversation manager's callback (who_are_you2, opnum 1 of conv)
conv=$(dissect -Y "dcerpc.dg_if_id == 333a2276-0000-0000-0d00-00809c000000" | wc -l)
ok $([ "$conv" -gt 0 ]; echo $?) "conversation-manager callbacks captured ($conv frames)"
finish
