#!/bin/bash
# Kerberos and SPNEGO against real peers (issue 16), in a throwaway MIT
# realm (tests/auth/krb5_realm.sh: a KDC on 127.0.0.1, a user, a service
# key for host/localhost in a keytab).
#
#   lrpctest-client (krb5, spnego; every level), smbtorture rpc.echo
#     (krb5, spnego; sign, seal) --ncacn_ip_tcp--> lrpctest-server
#     --auth krb5 --auth spnego --keytab [127.0.0.1]
#   tshark judges a capture of the authenticated traffic.
set -u
. "$(dirname "$0")/lib.sh"
need "$bin/lrpctest-server" "$bin/lrpctest-client"
# the realm's EXIT trap replaces lib.sh's: run both
. "$top/tests/auth/krb5_realm.sh"
if ! krb5_realm_start >"$work/realm.out" 2>&1; then
	echo "1..0 # SKIP no Kerberos realm: $(tail -1 "$work/realm.out")"
	exit 4
fi
trap 'krb5_realm_stop; cleanup' EXIT

"$bin/lrpctest-server" -e 'ncacn_ip_tcp:127.0.0.1[]' --auth krb5 --auth spnego \
	--keytab "${KRB5_KTNAME#FILE:}" --principal "$KRB5_SERVICE" \
	>"$work/srv.out" 2>"$work/srv.err" &
pids+=($!)
for i in $(seq 100); do
	port=$(sed -n 's/^ready ncacn_ip_tcp:127\.0\.0\.1\[\([0-9]*\)\]$/\1/p' "$work/srv.out")
	[ -n "$port" ] && break
	sleep 0.05
done
[ -n "$port" ] || { echo "# lrpctest-server did not start"; sed 's/^/# /' "$work/srv.err"; exit 1; }

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

for svc in krb5 spnego; do
	for level in connect packet integrity privacy; do
		timeout 180 "$bin/lrpctest-client" --auth "$svc" --level "$level" \
			--principal "$KRB5_SERVICE" "ncacn_ip_tcp:127.0.0.1[$port]" \
			>"$work/c.out" 2>&1
		ok $? "lrpctest-client $svc $level: $(tail -1 "$work/c.out")"
		grep '^FAIL' "$work/c.out" | head -5 | sed 's/^/# /'
	done
done
# a service the realm does not know: refused at the bind
timeout 60 "$bin/lrpctest-client" --auth krb5 --level integrity \
	--principal "nosuch/localhost@$KRB5_REALM" "ncacn_ip_tcp:127.0.0.1[$port]" \
	>"$work/c.out" 2>&1
grep -q 'FAIL bind.*rpc_s_access_denied' "$work/c.out"
ok $? "krb5 to an unknown service principal: $(head -1 "$work/c.out")"
# a ticket for another service than the server's key
timeout 60 "$bin/lrpctest-client" --auth krb5 --level integrity \
	--principal "krbtgt/$KRB5_REALM@$KRB5_REALM" "ncacn_ip_tcp:127.0.0.1[$port]" \
	>"$work/c.out" 2>&1
grep -q 'FAIL bind.*rpc_s_access_denied' "$work/c.out"
ok $? "krb5 with a ticket the server has no key for: $(head -1 "$work/c.out")"

if command -v smbtorture >/dev/null; then
	for svc in krb5 spnego; do
		for opt in sign seal; do
			# Samba will not do GSSAPI to an address: it names the
			# target host separately
			timeout 120 smbtorture -k yes --realm="$KRB5_REALM" \
				-U "${KRB5_USER%@*}%$KRB5_USER_PASSWORD" \
				"ncacn_ip_tcp:127.0.0.1[$port,$opt,$svc,target_hostname=localhost]" \
				rpc.echo >"$work/t.out" 2>&1
			pass=$(grep -c '^success: ' "$work/t.out")
			bad=$(grep -E '^(failure|error): ' "$work/t.out" | grep -v 'echo.surrounding' | head -3)
			ok $([ "$pass" -ge 8 ] && [ -z "$bad" ]; echo $?) \
				"smbtorture rpc.echo $svc [$opt]: $pass passed"
			[ -z "$bad" ] || { echo "$bad"; grep -A3 -E '^(failure|error)' "$work/t.out" | head -8; } | sed 's/^/# /'
		done
	done
else
	skip "smbtorture krb5" "samba-testsuite missing"
fi

if [ -n "$tpid" ]; then
	sleep 1
	kill -INT "$tpid"
	wait "$tpid" 2>/dev/null
	dissect() { tshark -r "$cap" -2 -d "tcp.port==$port,dcerpc" "$@" 2>/dev/null; }
	nk=$(dissect -Y 'dcerpc.auth_type == 16' | wc -l)
	ns=$(dissect -Y 'dcerpc.auth_type == 9' | wc -l)
	ok $([ "$nk" -gt 50 ] && [ "$ns" -gt 50 ]; echo $?) \
		"tshark: $nk Kerberos and $ns SPNEGO frames"
	lost=$(dissect -Y 'tcp.analysis.lost_segment || tcp.analysis.ack_lost_segment' \
		-T fields -e tcp.stream | sort -un | tr '\n' ' ')
	excl=
	[ -n "$lost" ] && excl=" && !(tcp.stream in {$lost})"
	bad=$(dissect -Y "(_ws.malformed || _ws.expert.severity >= error)$excl")
	ok $([ -z "$bad" ]; echo $?) "tshark: no malformed Kerberos or SPNEGO frame"
	[ -z "$bad" ] || echo "$bad" | head -10 | sed 's/^/# /'
else
	skip "tshark on Kerberos traffic" "cannot capture on lo"
fi
finish
