#!/bin/bash
# impacket's DCE/RPC client (python3-impacket, Debian's /usr/bin/python3)
# calls lrpctest operations on lrpctest-server, NDR20 and NDR64, with and
# without request fragmentation.
#
#   impacket DCERPC_v5 --ncacn_ip_tcp--> lrpctest-server [127.0.0.1:dynamic]
set -u
. "$(dirname "$0")/lib.sh"
need /usr/bin/python3 "$bin/lrpctest-server"
/usr/bin/python3 -c 'import impacket' 2>/dev/null || { echo "1..0 # SKIP python3-impacket missing"; exit 4; }
export LRPCTEST_VERBOSE=1	# the server reports counter rundowns
start_server impacket
/usr/bin/python3 "$top/tests/interop/impacket_calls.py" "$port" >"$work/py.out" 2>&1
rc=$?
# the script prints TAP lines without numbers: "ok - ..." / "not ok - ..."
while read -r line; do
	case "$line" in
	"ok - "*) ok 0 "${line#ok - }" ;;
	"not ok - "*) ok 1 "${line#not ok - }" ;;
	*) echo "# $line" ;;
	esac
done <"$work/py.out"
[ "$rc" = 0 ] || ok 1 "impacket script exited with $rc"

# a client process that holds three counters is killed: they run down
before=$(grep -c 'rundown counter' "$work/impacket.err")
/usr/bin/python3 - "$port" >"$work/kill.out" 2>&1 <<'PY' &
import struct, sys, time
from impacket.dcerpc.v5 import transport
from impacket.uuid import uuidtup_to_bin
t = transport.DCERPCTransportFactory('ncacn_ip_tcp:127.0.0.1[%s]' % sys.argv[1])
d = t.get_dce_rpc(); d.connect()
d.bind(uuidtup_to_bin(('4c4b2e1a-8f5d-4d3b-9a6e-2b7c1d0e5f91', '1.0')))
for i in range(3):
    d.call(8, struct.pack('<i', i)); d.recv()
print('open', flush=True)
time.sleep(60)
PY
kpid=$!
for i in $(seq 100); do
	grep -q open "$work/kill.out" && break
	sleep 0.05
done
kill -9 "$kpid"
wait "$kpid" 2>/dev/null
for i in $(seq 100); do
	[ $(($(grep -c 'rundown counter' "$work/impacket.err") - before)) -ge 3 ] && break
	sleep 0.05
done
after=$(grep -c 'rundown counter' "$work/impacket.err")
ok $([ $((after - before)) = 3 ]; echo $?) "impacket client killed with 3 counters open: $((after - before)) run down"
finish
