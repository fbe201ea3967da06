#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Endpoint mapper end to end, with real peers.  TAP on stdout.
#
#                 127.0.0.1 (and this host's first global IPv4, "remote")
#   +---------------------------+        +----------------------------+
#   | lrpc-epmd  :EPM_PORT      |<-------| lrpc-rpcdump, epm-helper,  |
#   |   (phase A, any address,  |        | smbtorture rpc.epmapper,   |
#   |    --ndr64)               |        | impacket (NDR20 and NDR64) |
#   +---------------------------+        +----------------------------+
#                ^   ept_insert
#                |
#   +---------------------------+
#   | lrpctest-server --register|  killed -9: its entries must go
#   +---------------------------+
#
#   and over ncalrpc: lrpc-epmd ncalrpc:[epm-test-PID] <- lrpctest-server
#   --register -e ncalrpc:[lt-PID], lrpc-rpcdump, lrpctest-client ncalrpc:
#
#   phase B, only when port 135 is free on 127.0.0.1 (rpcclient and
#   impacket-rpcdump cannot use another port for the endpoint mapper):
#     lrpc-epmd 127.0.0.1:135  <- rpcclient -c epmlookup, impacket-rpcdump
#     samba-dcerpcd 127.0.0.1:135 <- lrpc-rpcdump   (as root)
#
# Environment: BUILD (default build), EPM_KEEP (a directory to keep the
# logs and the capture in).  Needs smbtorture, rpcclient,
# impacket (Debian's /usr/bin/python3), samba-dcerpcd; each missing one
# makes its test skip.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
bin=$build/bin
helper=$build/tests/epm/epm-helper
tmp=$(mktemp -d /tmp/epm-interop.XXXXXX)
pids=()
n=0
failed=0

LRPCTEST=4c4b2e1a-8f5d-4d3b-9a6e-2b7c1d0e5f91
RPCECHO=60a15ec5-4de8-11d7-a637-005056a20182
EPM=e1af8308-5d1f-11c9-91a4-08002b14a0fa

cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null
	done
	# EPM_KEEP=DIR keeps the logs and captures for a look afterwards
	[ -n "${EPM_KEEP:-}" ] && cp -r "$tmp" "$EPM_KEEP"
	rm -rf "$tmp"
}
trap cleanup EXIT

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
diag() { sed 's/^/# /' "$@"; }

# Below the ephemeral range, and unused in any state.
port_free() { ! ss -Htan "sport = :$1" 2>/dev/null | grep -q .; }
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
wait_port() {
	local i
	for i in $(seq 100); do
		port_free "$1" || return 0
		sleep 0.05
	done
	return 1
}

for p in "$bin/lrpc-epmd" "$bin/lrpc-rpcdump" "$bin/lrpctest-server" "$helper"; do
	if [ ! -x "$p" ]; then
		echo "1..0 # SKIP $p not built"
		exit 4
	fi
done
echo "1..20"

# ---- phase A: our endpoint mapper on a free port ----------------------
LRPC_EPM=epm-test-$$
for try in 1 2 3 4 5; do
	EPM_PORT=$(pick_port)
	"$bin/lrpc-epmd" -f --ndr64 --tcp-port "$EPM_PORT" \
		--lrpc-endpoint "$LRPC_EPM" >"$tmp/epmd.out" 2>"$tmp/epmd.err" &
	epmd=$!
	wait_ready "$tmp/epmd.out" && break
	wait "$epmd" 2>/dev/null
	epmd=
done
if [ -z "$epmd" ]; then
	diag "$tmp/epmd.err"
	echo "Bail out! lrpc-epmd did not start"
	exit 1
fi
pids+=($epmd)
export LRPC_EPMAPPER="ncacn_ip_tcp:127.0.0.1[$EPM_PORT]"

# The server registers itself (rpc_ep_register) before its ready line.
SRV_PORT=$(pick_port)
"$bin/lrpctest-server" --register -e "ncacn_ip_tcp:127.0.0.1[$SRV_PORT]" \
	>"$tmp/srv.out" 2>"$tmp/srv.err" &
srv=$!
pids+=($srv)
wait_ready "$tmp/srv.out"

"$bin/lrpc-rpcdump" >"$tmp/dump1" 2>&1
diag "$tmp/dump1"
check "lister shows what lrpctest-server registered" \
	grep -q "^ncacn_ip_tcp:127.0.0.1\[$SRV_PORT\] $LRPCTEST v1.0" "$tmp/dump1"
check "lister shows rpcecho and the endpoint mapper itself" \
	bash -c "grep -q '\[$SRV_PORT\] $RPCECHO v1.0' '$tmp/dump1' &&
		 grep -q '\[$EPM_PORT\] $EPM v3.0' '$tmp/dump1'"

out=$("$helper" resolve "ncacn_ip_tcp:127.0.0.1" "$LRPCTEST/1.0")
echo "# resolve: $out"
check "ept_map resolves a binding without an endpoint" \
	test "$out" = "ncacn_ip_tcp:127.0.0.1[$SRV_PORT]"

"$bin/lrpctest-client" "ncacn_ip_tcp:127.0.0.1" >"$tmp/client" 2>&1
rc=$?
tail -n 3 "$tmp/client" | diag
check "lrpctest-client resolves a partial binding transparently" test $rc = 0

out=$("$helper" resolve "ncacn_ip_tcp:127.0.0.1" "$LRPCTEST/9.0")
echo "# resolve v9.0: $out"
check "nothing registered gives ept_s_not_registered" \
	test "$out" = "ncacn_ip_tcp:127.0.0.1: ept_s_not_registered"

remote=$(ip -4 -o addr show scope global 2>/dev/null | awk '{sub("/.*","",$4); print $4; exit}')
if [ -n "$remote" ]; then
	out=$(LRPC_EPMAPPER="ncacn_ip_tcp:$remote[$EPM_PORT]" \
	      "$helper" register "$LRPCTEST/1.0" "ncacn_ip_tcp:127.0.0.1[9]" evil)
	echo "# insert from $remote: $out"
	"$bin/lrpc-rpcdump" >"$tmp/dump2" 2>&1
	check "insert from a non-loopback address is refused (access denied)" \
		bash -c "test '$out' = EACCES && ! grep -q '\[9\]' '$tmp/dump2'"
else
	skip "insert from a non-loopback address is refused" "no global IPv4 address"
fi

# Insert, map and delete of our own, as a registering program does
out=$("$helper" register -n "$LRPCTEST/1.0" "ncacn_ip_tcp:127.0.0.1[7]" x)
out2=$("$helper" unregister "$LRPCTEST/1.0" "ncacn_ip_tcp:127.0.0.1[7]")
check "local insert and delete" test "$out $out2" = "ok ok"

# Another local user may not take over lrpctest with a replacing insert
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
	      "$helper" register "$LRPCTEST/1.0" "ncacn_ip_tcp:127.0.0.1[6666]" evil)
	echo "# replacing insert as nobody: $out"
	out2=$("$helper" resolve "ncacn_ip_tcp:127.0.0.1" "$LRPCTEST/1.0")
	check "another user's replacing insert is refused" \
		test "$out $out2" = "EACCES ncacn_ip_tcp:127.0.0.1[$SRV_PORT]"
else
	skip "another user's replacing insert is refused" "needs root and setpriv"
fi

# tshark judges the ept traffic of smbtorture and impacket below
cap=
if command -v tshark >/dev/null && [ "$(id -u)" = 0 ]; then
	tshark -i lo -f "tcp port $EPM_PORT" -w "$tmp/epm.pcapng" \
		>"$tmp/tshark.out" 2>&1 &
	cap=$!
	for i in $(seq 200); do
		grep -q "Capture started" "$tmp/tshark.out" && break
		sleep 0.05
	done
fi

if command -v smbtorture >/dev/null; then
	timeout 60 smbtorture -U% "ncacn_ip_tcp:127.0.0.1[$EPM_PORT]" \
		rpc.epmapper >"$tmp/torture" 2>&1
	grep -E '^(success|failure|error|skip):' "$tmp/torture" | diag
	s=$(grep -c '^success:' "$tmp/torture")
	f=$(grep -Ec '^(failure|error|skip):' "$tmp/torture")
	check "smbtorture rpc.epmapper: all $s passed (Map_full, Insert_noreplace too)" \
		test "$s" -ge 5 -a "$f" = 0
else
	skip "smbtorture rpc.epmapper" "smbtorture not installed"
fi

if /usr/bin/python3 -c 'import impacket' 2>/dev/null; then
	cat >"$tmp/imp.py" <<'EOF'
import sys
from impacket.dcerpc.v5 import epm, transport
from impacket.uuid import uuidtup_to_bin
port = sys.argv[1]
t = transport.DCERPCTransportFactory('ncacn_ip_tcp:127.0.0.1[%s]' % port)
dce = t.get_dce_rpc()
dce.connect()
ents = epm.hept_lookup(None, dce=dce)
for e in ents:
    print(epm.PrintStringBinding(e['tower']['Floors']), str(e['tower']['Floors'][0]))
dce.disconnect()
# hept_map binds again: a fresh connection
dce = t.get_dce_rpc()
dce.connect()
print('mapped', epm.hept_map('127.0.0.1', uuidtup_to_bin(('4c4b2e1a-8f5d-4d3b-9a6e-2b7c1d0e5f91', '1.0')), protocol='ncacn_ip_tcp', dce=dce))
dce.disconnect()
EOF
	/usr/bin/python3 "$tmp/imp.py" "$EPM_PORT" >"$tmp/imp" 2>&1
	diag "$tmp/imp"
	check "impacket hept_lookup lists and hept_map resolves" \
		bash -c "grep -qi '$LRPCTEST' '$tmp/imp' &&
			 grep -q 'mapped ncacn_ip_tcp:127.0.0.1\[$SRV_PORT\]' '$tmp/imp'"
	cat >"$tmp/imp64.py" <<'EOF'
import sys
from impacket.dcerpc.v5 import epm, transport
from impacket.dcerpc.v5.ndr import NULL
port = sys.argv[1]
t = transport.DCERPCTransportFactory('ncacn_ip_tcp:127.0.0.1[%s]' % port)
d = t.get_dce_rpc()
d.connect()
d.bind(epm.MSRPC_UUID_PORTMAP,
       transfer_syntax=('71710533-beba-4937-8319-b5dbef9ccc36', '1.0'))
r = epm.ept_lookup()
r['inquiry_type'] = 0; r['object'] = NULL; r['Ifid'] = NULL
r['vers_option'] = 1; r['entry_handle'] = epm.ept_lookup_handle_t()
r['max_ents'] = 500
resp = d.request(r)
for i in range(resp['num_ents']):
    e = resp['entries'][i]
    f = epm.EPMTower(b''.join(e['tower']['tower_octet_string']))['Floors']
    print(epm.PrintStringBinding(f), str(f[0]), b''.join(e['annotation']))
m = epm.ept_map()
m['obj'] = NULL
m['map_tower']['tower_length'] = len(bytes.fromhex(sys.argv[2]))
m['map_tower']['tower_octet_string'] = bytes.fromhex(sys.argv[2])
m['entry_handle'] = epm.ept_lookup_handle_t()
m['max_towers'] = 4
resp = d.request(m)
f = epm.EPMTower(b''.join(resp['ITowers'][0]['Data']['tower_octet_string']))['Floors']
print('mapped', epm.PrintStringBinding(f))
EOF
	/usr/bin/python3 "$tmp/imp64.py" "$EPM_PORT" \
		050013000d1a2e4b4c5d8f3b4d9a6e2b7c1d0e5f9101000200000013000d045d888aeb1cc9119fe808002b10486002000200000001000b0200000001000702000000010009040000000000 \
		>"$tmp/imp64" 2>&1
	diag "$tmp/imp64"
	check "impacket in NDR64: ept_lookup and ept_map (lrpc-epmd --ndr64)" \
		bash -c "grep -qi '$LRPCTEST' '$tmp/imp64' &&
			 grep -q 'mapped ncacn_ip_tcp:127.0.0.1\[$SRV_PORT\]' '$tmp/imp64'"
else
	skip "impacket hept_lookup and hept_map" "python3-impacket not installed"
	skip "impacket in NDR64" "python3-impacket not installed"
fi

# ncalrpc: the endpoint mapper's own ncalrpc endpoint, a server that
# registers over it (owner by SO_PEERCRED / kernel credentials), a client
# resolving "ncalrpc:" through it
if grep -q "^ready ncalrpc:\[$LRPC_EPM\]" "$tmp/epmd.out"; then
	LSRV=lt-$$
	LRPC_EPMAPPER="ncalrpc:[$LRPC_EPM]" "$bin/lrpctest-server" --register \
		-e "ncalrpc:[$LSRV]" >"$tmp/lsrv.out" 2>"$tmp/lsrv.err" &
	lsrv=$!
	pids+=($lsrv)
	wait_ready "$tmp/lsrv.out"
	"$bin/lrpc-rpcdump" "ncalrpc:[$LRPC_EPM]" >"$tmp/ldump" 2>&1
	diag "$tmp/ldump"
	LRPC_EPMAPPER="ncalrpc:[$LRPC_EPM]" "$bin/lrpctest-client" "ncalrpc:" \
		>"$tmp/lclient" 2>&1
	lrc=$?
	tail -n 1 "$tmp/lclient" | diag
	check "over ncalrpc: registration, listing and resolution of ncalrpc:" \
		bash -c "grep -q '^ncalrpc:\[$LSRV\] $LRPCTEST v1.0' '$tmp/ldump' &&
			 grep -q '^ncalrpc:\[$LRPC_EPM\] $EPM v3.0' '$tmp/ldump' &&
			 test $lrc = 0"
	{ kill -9 "$lsrv"; wait "$lsrv"; } 2>/dev/null
	"$bin/lrpc-rpcdump" "ncalrpc:[$LRPC_EPM]" >"$tmp/ldump2" 2>&1
	check "a killed ncalrpc server's entries are gone" \
		bash -c "! grep -q '$LSRV' '$tmp/ldump2'"
else
	skip "over ncalrpc: registration, listing and resolution" "no ncalrpc in this runtime"
	skip "a killed ncalrpc server's entries are gone" "no ncalrpc in this runtime"
fi

if [ -n "$cap" ]; then
	sleep 0.5
	kill -INT "$cap"
	wait "$cap" 2>/dev/null
	# Wireshark 4.0 reads ept_entry_t's annotation offset and length as
	# 4 octets in NDR64 too (as Samba's IDL spells them), so it cannot
	# judge the NDR64 streams; those are left out.
	n64=$(tshark -r "$tmp/epm.pcapng" -d "tcp.port==$EPM_PORT,dcerpc" \
		-Y 'dcerpc.cn_bind_trans_id == 71710533-beba-4937-8319-b5dbef9ccc36' \
		-T fields -e tcp.stream 2>/dev/null | sort -u |
		awk '{printf "%s tcp.stream != %s", (NR > 1 ? " &&" : ""), $1}')
	keep=${n64:-frame}
	filt="($keep) && (_ws.malformed || _ws.expert.severity >= error || (tcp.len > 0 && !dcerpc))"
	bad=$(tshark -r "$tmp/epm.pcapng" -d "tcp.port==$EPM_PORT,dcerpc" \
		-Y "$filt" 2>/dev/null | wc -l)
	nepm=$(tshark -r "$tmp/epm.pcapng" -d "tcp.port==$EPM_PORT,dcerpc" \
		-Y "($keep) && epm" 2>/dev/null | wc -l)
	echo "# tshark: $nepm EPM frames (NDR20), $bad malformed/error/not DCE/RPC; left out: ${n64:-none}"
	tshark -r "$tmp/epm.pcapng" -d "tcp.port==$EPM_PORT,dcerpc" -Y "$filt" \
		-V 2>/dev/null | grep -iE "^Frame|malformed|expert" | head -20 | diag
	check "tshark dissects the ept traffic cleanly" \
		test "$bad" = 0 -a "$nepm" -gt 20
else
	skip "tshark dissects the ept traffic cleanly" "needs tshark and root"
fi

{ kill -9 "$srv"; wait "$srv"; } 2>/dev/null
wait "$srv" 2>/dev/null
"$bin/lrpc-rpcdump" >"$tmp/dump3" 2>&1
diag "$tmp/dump3"
check "entries of a killed server are gone at once" \
	bash -c "! grep -q '$LRPCTEST' '$tmp/dump3' && grep -q '$EPM' '$tmp/dump3'"
out=$("$helper" resolve "ncacn_ip_tcp:127.0.0.1" "$LRPCTEST/1.0")
check "and ept_map no longer serves them" \
	test "$out" = "ncacn_ip_tcp:127.0.0.1: ept_s_not_registered"
"$bin/lrpctest-client" "ncacn_ip_tcp:127.0.0.1" >"$tmp/client2" 2>&1
tail -n 2 "$tmp/client2" | diag
check "a client of a partial binding then fails with ept_s_not_registered" \
	grep -q "ept_s_not_registered" "$tmp/client2"

# ---- phase B: peers that only talk to port 135 -------------------------
if ! port_free 135; then
	skip "rpcclient epmlookup against lrpc-epmd" "port 135 in use"
	skip "impacket-rpcdump against lrpc-epmd" "port 135 in use"
	skip "lrpc-rpcdump against samba-dcerpcd" "port 135 in use"
	exit $((failed > 0))
fi
if [ "$(id -u)" != 0 ]; then
	skip "rpcclient epmlookup against lrpc-epmd" "binding port 135 needs root"
	skip "impacket-rpcdump against lrpc-epmd" "binding port 135 needs root"
	skip "lrpc-rpcdump against samba-dcerpcd" "needs root"
	exit $((failed > 0))
fi
export LRPC_EPMAPPER="ncacn_ip_tcp:127.0.0.1[135]"
"$bin/lrpc-epmd" -f -l 127.0.0.1 >"$tmp/epmd135.out" 2>"$tmp/epmd135.err" &
epmd135=$!
pids+=($epmd135)
wait_ready "$tmp/epmd135.out"
"$bin/lrpctest-server" --register -e "ncacn_ip_tcp:127.0.0.1[$SRV_PORT]" \
	>"$tmp/srv2.out" 2>"$tmp/srv2.err" &
pids+=($!)
wait_ready "$tmp/srv2.out"

if command -v rpcclient >/dev/null; then
	timeout 30 rpcclient -U% 'ncacn_ip_tcp:127.0.0.1[135]' -c epmlookup \
		>"$tmp/rpcclient" 2>&1
	diag "$tmp/rpcclient"
	nent=$("$bin/lrpc-rpcdump" 2>&1 >/dev/null | awk '{print $1}')
	check "rpcclient epmlookup lists every entry ($nent)" \
		bash -c "grep -q 'ncacn_ip_tcp:127.0.0.1\[$SRV_PORT' '$tmp/rpcclient' &&
			 test \$(grep -c '^00000000-0000-0000-0000-000000000000 ' '$tmp/rpcclient') = $nent"
else
	skip "rpcclient epmlookup against lrpc-epmd" "rpcclient not installed"
fi

if PATH=/usr/bin:$PATH command -v impacket-rpcdump >/dev/null; then
	PATH=/usr/bin:$PATH timeout 30 impacket-rpcdump 127.0.0.1 >"$tmp/irpcdump" 2>&1
	diag "$tmp/irpcdump"
	nent=$("$bin/lrpc-rpcdump" 2>&1 >/dev/null | awk '{print $1}')
	check "impacket-rpcdump lists lrpc-epmd ($nent entries)" \
		bash -c "grep -qi 'UUID    : $LRPCTEST' '$tmp/irpcdump' &&
			 grep -q 'Received $nent endpoints' '$tmp/irpcdump'"
else
	skip "impacket-rpcdump against lrpc-epmd" "impacket not installed"
fi
kill "$epmd135"
wait "$epmd135" 2>/dev/null

sdc=/usr/libexec/samba/samba-dcerpcd
if [ -x "$sdc" ]; then
	for i in $(seq 100); do port_free 135 && break; sleep 0.05; done
	mkdir -p "$tmp/s"/{lock,state,cache,private,pid,ncalrpc,log}
	cat >"$tmp/s/smb.conf" <<EOF
[global]
   server role = standalone server
   interfaces = lo
   bind interfaces only = yes
   disable netbios = yes
   rpc start on demand helpers = false
   rpc server dynamic port range = 49152-49200
   passdb backend = tdbsam:$tmp/s/private/passdb.tdb
   lock directory = $tmp/s/lock
   state directory = $tmp/s/state
   cache directory = $tmp/s/cache
   private dir = $tmp/s/private
   pid directory = $tmp/s/pid
   ncalrpc dir = $tmp/s/ncalrpc
EOF
	"$sdc" -s "$tmp/s/smb.conf" -F --no-process-group --libexec-rpcds \
		--debug-stdout -l "$tmp/s/log" >"$tmp/s/out" 2>&1 &
	sdcpid=$!
	pids+=($sdcpid)
	wait_port 135
	sleep 0.5
	LRPC_EPMAPPER= "$bin/lrpc-rpcdump" 127.0.0.1 >"$tmp/sdump" 2>&1
	diag "$tmp/sdump"
	# pages of 7: Samba ends with ept_s_not_registered on a short page
	LRPC_EPMAPPER= "$bin/lrpc-rpcdump" -n 7 127.0.0.1 >"$tmp/sdump7" 2>&1
	check "lrpc-rpcdump lists samba-dcerpcd's endpoint mapper" \
		bash -c "grep -q 'ncacn_ip_tcp:127.0.0.1\[135\] $EPM v3.0' '$tmp/sdump' &&
			 grep -q '12345778-1234-abcd-ef00-0123456789ab' '$tmp/sdump' &&
			 test \$(grep -c ' v[0-9]*\.[0-9]* ' '$tmp/sdump') -ge 10 &&
			 cmp -s '$tmp/sdump' '$tmp/sdump7'"
	kill "$sdcpid"
	wait "$sdcpid" 2>/dev/null
else
	skip "lrpc-rpcdump against samba-dcerpcd" "samba-dcerpcd not installed"
fi
exit $((failed > 0))
