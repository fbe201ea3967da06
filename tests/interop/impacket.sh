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
finish
