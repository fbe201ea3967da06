#!/bin/bash
# Authentication against real peers (issue 16), NTLMSSP here; Kerberos
# and SPNEGO in auth_krb5.sh.  The server side checks passwords through
# gss-ntlmssp's user file, written here.
#
#   lrpctest-client (every level), impacket, smbtorture rpc.echo
#     --ncacn_ip_tcp + NTLMSSP--> lrpctest-server --auth ntlm [127.0.0.1]
#   samba_peer (liblrpc) --NTLMSSP privacy--> samba-dcerpcd (a tdbsam user)
#   tshark judges a capture of the authenticated traffic.
set -u
. "$(dirname "$0")/lib.sh"
need "$bin/lrpctest-server" "$bin/lrpctest-client"
[ -e /usr/lib/x86_64-linux-gnu/gssntlmssp/gssntlmssp.so ] ||
	[ -n "$(ls /usr/lib/*/gssntlmssp/gssntlmssp.so 2>/dev/null)" ] || {
	echo "1..0 # SKIP gss-ntlmssp not installed"; exit 4; }
dom=LRPC user=alice pw='Tr0ub4dor&3'
printf '%s:%s:%s\n' "$dom" "$user" "$pw" >"$work/ntlm_users"
export NTLM_USER_FILE="$work/ntlm_users"

# start_auth NAME ARGS...: lrpctest-server with ARGS on a dynamic port
start_auth() {
	local name=$1 out i
	shift
	out="$work/$name.out"
	"$bin/lrpctest-server" -e 'ncacn_ip_tcp:127.0.0.1[]' -e "ncalrpc:[lrpc-auth-$$-$name]" \
		"$@" >"$out" 2>"$work/$name.err" &
	pids+=($!)
	for i in $(seq 100); do
		port=$(sed -n 's/^ready ncacn_ip_tcp:127\.0\.0\.1\[\([0-9]*\)\]$/\1/p' "$out")
		[ -n "$port" ] && return 0
		sleep 0.05
	done
	echo "# lrpctest-server $* did not start"
	sed 's/^/# /' "$work/$name.err"
	exit 1
}

client() {	# client WHAT ARGS...: lrpctest-client, all checks must pass
	local what=$1
	shift
	timeout 180 "$bin/lrpctest-client" "$@" >"$work/c.out" 2>&1
	ok $? "lrpctest-client $what: $(tail -1 "$work/c.out")"
	grep '^FAIL' "$work/c.out" | head -5 | sed 's/^/# /'
}

start_auth ntlm --auth ntlm
cap="$work/cap.pcapng"
tpid=
if command -v tshark >/dev/null && { [ "$(id -u)" = 0 ] || tshark -D 2>/dev/null | grep -q '\blo\b'; }; then
	tshark -i lo -B 256 -f "tcp port $port" -w "$cap" >"$work/tshark.out" 2>&1 &
	tpid=$!
	pids+=($tpid)
	for i in $(seq 200); do
		grep -q 'Capturing on' "$work/tshark.out" && break
		sleep 0.05
	done
	sleep 0.5
fi

for level in connect packet integrity privacy; do
	client "NTLM $level" --auth ntlm --level "$level" \
		--user "$dom\\$user" --password "$pw" "ncacn_ip_tcp:127.0.0.1[$port]"
done
client "NTLM privacy, big endian, smallest fragments" --auth ntlm --level privacy \
	--user "$dom\\$user" --password "$pw" \
	"ncacn_ip_tcp:127.0.0.1[$port,bigendian,ndr20,max_frag=1432]"
# ncalrpc: the kernel or SO_PEERCRED vouches for the caller, nothing is
# negotiated on the wire, so any provider asked for works
client "ncalrpc with NTLM asked (local identity)" --auth ntlm --level privacy \
	"ncalrpc:[lrpc-auth-$$-ntlm]"

if /usr/bin/python3 -c 'import impacket' 2>/dev/null; then
	/usr/bin/python3 "$top/tests/interop/impacket_auth.py" "$port" "$dom" "$user" "$pw" \
		>"$work/py.out" 2>&1
	rc=$?
	while read -r line; do
		case "$line" in
		"ok - "*) ok 0 "impacket ${line#ok - }" ;;
		"not ok - "*) ok 1 "impacket ${line#not ok - }" ;;
		*) echo "# $line" ;;
		esac
	done <"$work/py.out"
	[ "$rc" = 0 ] || ok 1 "impacket_auth.py exited with $rc"
else
	skip "impacket NTLM" "python3-impacket missing"
fi

if command -v smbtorture >/dev/null; then
	for opt in sign seal; do
		timeout 120 smbtorture -U "$dom\\$user%$pw" \
			"ncacn_ip_tcp:127.0.0.1[$port,$opt,ntlm]" rpc.echo >"$work/t.out" 2>&1
		pass=$(grep -c '^success: ' "$work/t.out")
		# echo.surrounding: a known gap of lrpc-idl, see smbtorture.sh
		bad=$(grep -E '^(failure|error): ' "$work/t.out" | grep -v 'echo.surrounding' | head -3)
		ok $([ "$pass" -ge 8 ] && [ -z "$bad" ]; echo $?) \
			"smbtorture rpc.echo NTLM [$opt]: $pass passed"
		[ -z "$bad" ] || echo "$bad" | sed 's/^/# /'
	done
else
	skip "smbtorture NTLM" "samba-testsuite missing"
fi

if [ -n "$tpid" ]; then
	sleep 1
	kill -INT "$tpid"
	wait "$tpid" 2>/dev/null
	dissect() { tshark -r "$cap" -2 -d "tcp.port==$port,dcerpc" "$@" 2>/dev/null; }
	nauth=$(dissect -Y 'dcerpc.auth_type == 10' | wc -l)
	nseal=$(dissect -Y 'dcerpc.auth_type == 10 && dcerpc.auth_level == 6 && dcerpc.pkt_type == 2' | wc -l)
	ok $([ "$nauth" -gt 100 ] && [ "$nseal" -gt 10 ]; echo $?) \
		"tshark: $nauth NTLMSSP frames, $nseal sealed responses"
	lost=$(dissect -Y 'tcp.analysis.lost_segment || tcp.analysis.ack_lost_segment' \
		-T fields -e tcp.stream | sort -un | tr '\n' ' ')
	excl=
	[ -n "$lost" ] && excl=" && !(tcp.stream in {$lost})"
	bad=$(dissect -Y "(_ws.malformed || _ws.expert.severity >= error)$excl")
	ok $([ -z "$bad" ]; echo $?) "tshark: no malformed authenticated frame"
	[ -z "$bad" ] || echo "$bad" | head -10 | sed 's/^/# /'
else
	skip "tshark on NTLM traffic" "cannot capture on lo"
fi

# a wrong password: refused, and the server goes on
timeout 60 "$bin/lrpctest-client" --auth ntlm --level integrity --user "$dom\\$user" \
	--password wrong "ncacn_ip_tcp:127.0.0.1[$port]" >"$work/c.out" 2>&1
grep -q 'FAIL TestPing' "$work/c.out"
ok $? "lrpctest-client NTLM with a wrong password: its calls are refused"

# a server that wants privacy: less is refused, privacy passes
start_auth min --auth ntlm --min-level privacy
timeout 60 "$bin/lrpctest-client" "ncacn_ip_tcp:127.0.0.1[$port]" >"$work/c.out" 2>&1
grep -q 'FAIL TestPing' "$work/c.out"
ok $? "min-level privacy: an unauthenticated client's calls are refused"
timeout 60 "$bin/lrpctest-client" --auth ntlm --level integrity --user "$dom\\$user" \
	--password "$pw" "ncacn_ip_tcp:127.0.0.1[$port]" >"$work/c.out" 2>&1
grep -q 'FAIL bind' "$work/c.out"
ok $? "min-level privacy: a bind at integrity is refused ($(grep 'bind' "$work/c.out" | head -1))"
client "min-level privacy, NTLM privacy" --auth ntlm --level privacy \
	--user "$dom\\$user" --password "$pw" "ncacn_ip_tcp:127.0.0.1[$port]"
client "min-level privacy, local caller over ncalrpc" "ncalrpc:[lrpc-auth-$$-min]"

# our client against Samba's samba-dcerpcd, NTLMSSP at privacy
dcerpcd=/usr/libexec/samba/samba-dcerpcd
if [ "$(id -u)" = 0 ] && [ -x "$dcerpcd" ] && command -v pdbedit >/dev/null; then
	addr=127.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1)).$((RANDOM % 250 + 1))
	mkdir -p "$work"/s/{lock,state,cache,private,pid,ncalrpc,log}
	cat >"$work/s/smb.conf" <<CONF
[global]
   server role = standalone server
   workgroup = $dom
   interfaces = $addr/8
   bind interfaces only = yes
   disable netbios = yes
   rpc start on demand helpers = false
   passdb backend = tdbsam
   lock directory = $work/s/lock
   state directory = $work/s/state
   cache directory = $work/s/cache
   private dir = $work/s/private
   pid directory = $work/s/pid
   ncalrpc dir = $work/s/ncalrpc
CONF
	# a Samba account needs a Unix one: nobody exists everywhere
	printf '%s\n%s\n' "$pw" "$pw" | pdbedit -s "$work/s/smb.conf" -a -u nobody -t \
		>"$work/s/pdbedit.out" 2>&1
	"$dcerpcd" -s "$work/s/smb.conf" -F --no-process-group --libexec-rpcds \
		--debug-stdout -l "$work/s/log" >"$work/s/dcerpcd.out" 2>&1 &
	pids+=($!)
	for i in $(seq 100); do
		ss -Hltn "src $addr and sport = :135" 2>/dev/null | grep -q . && break
		sleep 0.05
	done
	LRPC_PEER_AUTH=ntlm LRPC_PEER_LEVEL=privacy LRPC_PEER_USER="$dom\\nobody" \
		LRPC_PEER_PASSWORD="$pw" timeout 120 "$build/tests/interop/samba_peer" \
		"ncacn_ip_tcp:$addr[135]" >"$work/peer.out" 2>&1
	rc=$?
	good=$(grep -c '^ok ' "$work/peer.out")
	ok $([ "$rc" = 0 ] && [ "$good" -ge 9 ]; echo $?) \
		"samba_peer NTLM privacy against samba-dcerpcd: $good checks passed"
	grep '^not ok' "$work/peer.out" | sed 's/^/# /'
	LRPC_PEER_AUTH=ntlm LRPC_PEER_LEVEL=privacy LRPC_PEER_USER="$dom\\nobody" \
		LRPC_PEER_PASSWORD=wrong timeout 120 "$build/tests/interop/samba_peer" \
		"ncacn_ip_tcp:$addr[135]" >"$work/peer.out" 2>&1
	ok $([ "$(grep -c '^not ok' "$work/peer.out")" -ge 1 ]; echo $?) \
		"samba_peer with a wrong password: samba-dcerpcd refuses it"
else
	skip "samba-dcerpcd NTLM" "needs root, samba and pdbedit"
fi
finish
