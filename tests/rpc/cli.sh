#!/bin/bash
# The programs answer a person (issue 18): --help (usage on stdout, exit
# 0), --version (exit 0), a bad option (exit 2, usage on stderr), and a
# failure as one line "PROGRAM: BINDING: OPERATION: what happened (name)".
#
#   lrpc-epmd [::]:P  <--  lrpc-epmd again on P   (in use)
#   lrpc-rpcdump --ept_lookup--> 127.0.0.1[1]     (refused)
#   lrpctest-client --bind--> 127.0.0.1[1]        (refused)
#   lrpctest-server -e 192.0.2.1[]                (not this host's)
set -u
. "$(dirname "$0")/../interop/lib.sh"
progs="lrpc-epmd lrpc-rpcdump lrpctest-client lrpctest-server lrpcstat"
for p in $progs; do
	need "$bin/$p"
done

for p in $progs; do
	out=$("$bin/$p" --help 2>/dev/null); rc=$?
	[ "$rc" = 0 ] && echo "$out" | grep -q "^usage: $p"
	ok $? "$p --help: usage on stdout, exit 0"
	out=$("$bin/$p" --version 2>&1); rc=$?
	[ "$rc" = 0 ] && echo "$out" | grep -q "^$p (lrpc) [0-9]"
	ok $? "$p --version: $out"
	"$bin/$p" --no-such-option >/dev/null 2>"$work/err"; rc=$?
	[ "$rc" != 0 ] && grep -q "usage: $p" "$work/err"
	ok $? "$p --no-such-option: usage on stderr, exit $rc"
done

# "PROGRAM: BINDING: OPERATION: TEXT (NAME)"
expect() {	# expect DESCRIPTION FILE REGEX
	if grep -Eq "$3" "$2"; then
		ok 0 "$1"
	else
		ok 1 "$1"
		sed 's/^/# /' "$2"
	fi
}

"$bin/lrpc-rpcdump" 'ncacn_ip_tcp:127.0.0.1[1]' >/dev/null 2>"$work/err"
expect "lrpc-rpcdump: refused mapper named with binding, operation, text" "$work/err" \
	'^lrpc-rpcdump: ncacn_ip_tcp:127\.0\.0\.1\[1\]: ept_lookup: connection refused.*\(rpc_s_server_unavailable\) -- is an endpoint mapper \(lrpc-epmd\) running there\?$'
"$bin/lrpc-rpcdump" '::1' >/dev/null 2>"$work/err"
expect "lrpc-rpcdump: an IPv6 host as written" "$work/err" \
	'^lrpc-rpcdump: ncacn_ip_tcp:\[::1\]\[135\]: ept_lookup: '
"$bin/lrpc-rpcdump" 'ncacn_ip_tcp:[::1' >/dev/null 2>"$work/err"
expect "lrpc-rpcdump: a binding that does not parse" "$work/err" \
	'^lrpc-rpcdump: ncacn_ip_tcp:\[::1: the string binding is not valid'

"$bin/lrpctest-client" --help >"$work/out" 2>&1
expect "lrpctest-client --help is not a binding" "$work/out" '^usage: lrpctest-client'
"$bin/lrpctest-client" 'ncacn_ip_tcp:127.0.0.1[1]' >/dev/null 2>"$work/err"
expect "lrpctest-client: refused server" "$work/err" \
	'^lrpctest-client: ncacn_ip_tcp:127\.0\.0\.1\[1\]: bind: connection refused.*\(rpc_s_server_unavailable\)$'
"$bin/lrpctest-client" 'nonsense' >/dev/null 2>"$work/err"; rc=$?
expect "lrpctest-client: bad binding, exit $rc" "$work/err" \
	'^lrpctest-client: nonsense: rpc_binding_from_string: the string binding is not valid.*\(rpc_s_invalid_string_binding\)$'

"$bin/lrpctest-server" -e 'ncacn_ip_tcp:192.0.2.1[]' >/dev/null 2>"$work/err"
expect "lrpctest-server: not an address of this host" "$work/err" \
	'^lrpctest-server: ncacn_ip_tcp:192\.0\.2\.1\[\]: use_protseq: .*not one of this host.s \(rpc_s_invalid_net_addr\)$'

# lrpc-epmd: where it listens, then a second one on the same port
ep=cli-$$
"$bin/lrpc-epmd" -f --tcp-port 0 --udp-port 0 --lrpc-endpoint "$ep" \
	>"$work/epmd.out" 2>"$work/epmd.err" &
pids+=($!)
for i in $(seq 100); do
	grep -q '^ready ncalrpc' "$work/epmd.out" && break
	sleep 0.05
done
expect "lrpc-epmd: ready line says every address" "$work/epmd.out" \
	'^ready ncacn_ip_tcp:(\[::\]|0\.0\.0\.0)\[[0-9]+\]$'
port=$(sed -n 's/^ready ncacn_ip_tcp:.*\[\([0-9]*\)\]$/\1/p' "$work/epmd.out")
"$bin/lrpc-rpcdump" "ncacn_ip_tcp:127.0.0.1[$port]" >"$work/dump" 2>&1
expect "lrpc-rpcdump lists that lrpc-epmd at 127.0.0.1" "$work/dump" 'Endpoint mapper'
timeout 10 "$bin/lrpc-epmd" -f --tcp-port "$port" --udp-port 0 \
	--lrpc-endpoint "$ep-2" >/dev/null 2>"$work/err"; rc=$?
[ "$rc" = 1 ]; ok $? "lrpc-epmd on a port in use exits 1"
expect "lrpc-epmd: port in use, and what to check" "$work/err" \
	"^lrpc-epmd: ncacn_ip_tcp:\[$port\]: use_protseq: the endpoint is in use .*\(rpc_s_duplicate_endpoint\) -- is another endpoint mapper"
timeout 2 "$bin/lrpc-epmd" -f --tcp-port 0 --udp-port 0 -l ::1 \
	--lrpc-endpoint "$ep" >"$work/out6" 2>"$work/err"
expect "lrpc-epmd: its ncalrpc name in use" "$work/err" \
	"^lrpc-epmd: ncalrpc:\[$ep\]: use_protseq: .*\(rpc_s_duplicate_endpoint\)"
if ip -6 addr show lo 2>/dev/null | grep -q '::1'; then
	expect "lrpc-epmd -l ::1: ready line in brackets" "$work/out6" \
		'^ready ncacn_ip_tcp:\[::1\]\[[0-9]+\]$'
else
	skip "lrpc-epmd -l ::1" "no IPv6 loopback"
fi

# lrpcstat: the module's absence (or presence) is said in words
"$bin/lrpcstat" >/dev/null 2>"$work/err"; rc=$?
if [ "$rc" = 2 ]; then
	expect "lrpcstat without the module: what to try" "$work/err" 'try: modprobe lrpc'
else
	ok "$rc" "lrpcstat with the module loaded"
fi
finish
