#!/bin/bash
# The benchmark proper, run inside the guest (or natively where /dev/lrpc
# exists) by bench/rpc/run-bench:
#
#   run-guest.sh --cpus 1|2 [--quick] [--rpc-args ARGS] [--raw-args ARGS]
#   run-guest.sh --count N --only TRANSPORT|raw-MECH
#
# --count (bench/rpc/run-count, under the kucount TCG plugin) makes
# exactly N null calls (after 10 warm-up calls) over one transport, or N
# raw round trips of one bench/kernel mechanism, and nothing else.
#
#   client (CPU 0)                          server (CPU 0, or CPU 1 with --cpus 2)
#   rpc_bench -b BINDING -x PATH  ------->  lrpctest-server -e BINDING
#     ncalrpc-kernel   ncalrpc:[E]            /dev/lrpc port "ncalrpc.E"
#     ncalrpc-AF_UNIX  ncalrpc:[E]            same, LRPC_NO_KERNEL=1 on both
#     ncacn_ip_tcp     ncacn_ip_tcp:127.0.0.1[port]
#     ncadg_ip_udp     ncadg_ip_udp:127.0.0.1[port]  (when the runtime has it)
#   lrpc_bench -m one|two: the raw 1-byte round trips of bench/kernel
#
# Prints CSV rows on stdout, each starting with a kind the host picks out:
#   raw,MECH,ROUND_TRIPS,MEDIAN_NS            (bench/kernel's lrpc_bench)
#   rpc,TRANSPORT,OP,SIZE,CALLS,MEDIAN_NS,P90_NS,MIN_NS,PATH   (rpc_bench)
#   na,TRANSPORT,REASON                       (a transport that did not run)
#   meta,KEY,VALUE
# and everything else (server errors, lrpc_bench's own table) as is.
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${BUILD:-$top/build}
server=$build/bin/lrpctest-server
client=$build/bench/rpc/rpc_bench
cpus=1
quick=0
rpc_args=
raw_args="-n 2000"
count=
only=

call="null,"
while [ $# -gt 0 ]; do
	case "$1" in
	--cpus) cpus=$2; shift 2 ;;
	--quick) quick=1; shift ;;
	--rpc-args) rpc_args=$2; shift 2 ;;
	--raw-args) raw_args=$2; shift 2 ;;
	--count) count=$2; shift 2 ;;
	--only) only=$2; shift 2 ;;
	--call) call=$2; shift 2 ;;
	*) echo "usage: $0 --cpus 1|2 [--quick] [--rpc-args A] [--raw-args A]" >&2; exit 2 ;;
	esac
done

client_cpu=0
server_cpu=0
if [ "$cpus" = 2 ]; then
	if [ "$(nproc)" -lt 2 ]; then
		echo "na,all,only $(nproc) CPU online"
		exit 0
	fi
	server_cpu=1
fi
# Cells: at most 2000 calls or 1 s each, never fewer than 3 (16 MiB
# calls take seconds under TCG); --quick is a smoke test of the pipeline.
if [ "$quick" = 1 ]; then
	sweep="-o null,in,out,echo -s 0,4k,1M -n 200 -T 300 -m 3"
else
	sweep="-o null,in,out,echo -s 0,64,4k,64k,1M,16M -n 2000 -T 1000 -m 3"
fi
# --call OP,SIZE (e.g. in,1M) counts that call instead of the null call
[ -n "$count" ] && sweep="-o ${call%%,*} ${call#*,} -n $count -m $count -w 10 -T 0"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rpcbench.XXXXXX")
srv_pid=
cleanup() {
	[ -n "$srv_pid" ] && kill -TERM "$srv_pid" 2>/dev/null && wait "$srv_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

echo "meta,kernel,$(uname -r)"
echo "meta,cpus_online,$(nproc)"
echo "meta,cpu_model,$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1 | tr , ' ')"
echo "meta,dev_lrpc,$([ -e /dev/lrpc ] && echo yes || echo no)"
echo "meta,guest,${LRPC_GUEST:-0}"

# The loopback interface is down in a fresh guest.
if ! ip link set lo up 2>/dev/null; then
	busybox ip link set lo up 2>/dev/null
fi

# ---- raw baselines: bench/kernel's program, same pinning ----------------
mode=one
[ "$cpus" = 2 ] && mode=two
if [ -n "$count" ]; then
	raw_args="-n $count"
	case "$only" in raw-*) raw_args="$raw_args -o ${only#raw-}" ;; esac
fi
if [ -z "$only" ] || [ "${only#raw-}" != "$only" ]; then
	# shellcheck disable=SC2086
	"$top/bench/kernel/run-guest.sh" $raw_args -m $mode >"$tmp/raw.out" 2>&1
	sed 's/^/# /' "$tmp/raw.out"
	awk '/round trips, median ns:/ { for (i = 1; i <= NF; i++) if ($i == "round") n = $(i - 1) }
	     /^  [a-z]+ +[0-9]+$/ { print "raw," $1 "," n "," $2 }
	     /^  [a-z]+ +n\/a$/ { print "na,raw-" $1 ",did not run (see lrpc_bench output)" }' "$tmp/raw.out"
fi

# ---- full RPCs -----------------------------------------------------------
# run_transport LABEL PATH BINDING OPTIONS [VAR=VALUE...]: start
# lrpctest-server on BINDING (with the environment given), run rpc_bench
# against the binding it reports (OPTIONS appended, e.g. ",nolocal"),
# stop it.
run_transport() {
	local label=$1 path=$2 binding=$3 opts=$4 actual i
	shift 4
	[ -z "$only" ] || [ "$only" = "$label" ] || return 0
	: >"$tmp/srv.out"
	env "$@" taskset -c "$server_cpu" "$server" -e "$binding" \
		>"$tmp/srv.out" 2>"$tmp/srv.err" &
	srv_pid=$!
	for ((i = 0; i < 300; i++)); do
		grep -q '^ready ' "$tmp/srv.out" && break
		kill -0 "$srv_pid" 2>/dev/null || break
		sleep 0.1
	done
	actual=$(sed -n 's/^ready //p' "$tmp/srv.out" | head -1)
	if [ -z "$actual" ]; then
		echo "na,$label,server did not start: $(tr '\n,' ' ;' <"$tmp/srv.err" | cut -c1-200)"
		kill -TERM "$srv_pid" 2>/dev/null
		wait "$srv_pid" 2>/dev/null
		srv_pid=
		return
	fi
	[ -n "$opts" ] && actual="${actual%]}$opts]"
	echo "meta,binding_$label,$actual"
	# shellcheck disable=SC2086
	if ! env "$@" taskset -c "$client_cpu" "$client" -b "$actual" -l "$label" \
		-x "$path" $sweep $rpc_args 2>"$tmp/cli.err"; then
		echo "na,$label,client failed: $(tr '\n,' ' ;' <"$tmp/cli.err" | cut -c1-300)"
	fi
	cat "$tmp/cli.err" >&2
	kill -TERM "$srv_pid" 2>/dev/null
	wait "$srv_pid" 2>/dev/null
	srv_pid=
	[ -s "$tmp/srv.err" ] && sed 's/^/# server: /' "$tmp/srv.err" | head -20
}

if [ -e /dev/lrpc ]; then
	run_transport ncalrpc-kernel kernel "ncalrpc:[lrpcbench-$$]" "" -u LRPC_NO_KERNEL
elif [ -z "$only" ]; then
	echo "na,ncalrpc-kernel,no /dev/lrpc (module not loaded)"
fi
# LRPC_NO_KERNEL=1 (lib/include/lrpc/rpc.h): the runtime never opens
# /dev/lrpc.  nolocal / LRPC_NO_LOCAL=1: a loopback TCP or UDP binding is
# not routed to ncalrpc (there is no endpoint mapper here to route by
# anyway; rpc_bench -x checks the path).
run_transport ncalrpc-AF_UNIX unix "ncalrpc:[lrpcbench-u$$]" "" LRPC_NO_KERNEL=1
run_transport ncacn_ip_tcp tcp "ncacn_ip_tcp:127.0.0.1[]" ",nolocal" LRPC_NO_LOCAL=1
# what packet privacy costs: NTLMSSP, every fragment sealed both ways
# (only when asked for: RUN_COUNT_ONLY / --only ncacn_ip_tcp-privacy)
if [ -n "$only" ] && [ "$only" = ncacn_ip_tcp-privacy ]; then
	echo 'BENCH:bench:Bench-Pass1' >"$tmp/ntlm_users"
	run_transport ncacn_ip_tcp-privacy tcp "ncacn_ip_tcp:127.0.0.1[]" ",nolocal" \
		LRPC_NO_LOCAL=1 NTLM_USER_FILE="$tmp/ntlm_users" LRPCTEST_AUTH=ntlm \
		LRPC_BENCH_AUTH=ntlm:privacy LRPC_BENCH_USER=bench \
		LRPC_BENCH_DOMAIN=BENCH LRPC_BENCH_PASSWORD=Bench-Pass1
fi
run_transport ncadg_ip_udp udp "ncadg_ip_udp:127.0.0.1[]" ",nolocal" LRPC_NO_LOCAL=1

# ---- the null call against its baselines, alternately ------------------
# The host's own load moves every figure above by up to ~1.7x between
# runs minutes apart, so the null-call target is also measured in
# ROUNDS short rounds, each a raw AF_UNIX ping-pong, a raw lrpc port, the
# null RPC through the kernel and over ncacn_ip_tcp back to back; the
# report takes the median of the per-round ratios.
# Rows: round,R,MECH,MEDIAN_NS
null_rounds() {
	local n=1000 r m v i kern tcp
	[ "$quick" = 1 ] && n=300
	: >"$tmp/srv.out"
	# one server on both: the kernel port and loopback TCP
	taskset -c "$server_cpu" "$server" \
		-e "ncalrpc:[lrpcbench-r$$]" -e "ncacn_ip_tcp:127.0.0.1[]" \
		>"$tmp/srv.out" 2>"$tmp/srv.err" &
	srv_pid=$!
	for ((i = 0; i < 300; i++)); do
		[ "$(grep -c '^ready ' "$tmp/srv.out")" -ge 2 ] && break
		sleep 0.1
	done
	kern=$(sed -n 's/^ready \(ncalrpc:.*\)/\1/p' "$tmp/srv.out" | head -1)
	tcp=$(sed -n 's/^ready \(ncacn_ip_tcp:.*\)/\1/p' "$tmp/srv.out" | head -1)
	[ -n "$tcp" ] && tcp="${tcp%]},nolocal]"
	for ((r = 1; r <= ${ROUNDS:-5}; r++)); do
		for m in unix lrpc; do
			v=$("$build/bench/kernel/lrpc_bench" -n "$n" -m "$mode" -o "$m" |
				awk -v m="$m" '$1 == m && $2 ~ /^[0-9]+$/ { print $2 }')
			[ -n "$v" ] && echo "round,$r,raw-$m,$v"
		done
		for m in ncalrpc-kernel:kernel:$kern ncacn_ip_tcp:tcp:$tcp; do
			IFS=: read -r label path binding <<<"$m"
			[ -n "$binding" ] || continue
			v=$(LRPC_NO_LOCAL=1 taskset -c "$client_cpu" "$client" -b "$binding" -l r \
				-x "$path" -o null -n "$n" -m "$n" -T 0 2>>"$tmp/cli.err" |
				awk -F, '{ print $6 }')
			[ -n "$v" ] && echo "round,$r,$label,$v"
		done
	done
	kill -TERM "$srv_pid" 2>/dev/null
	wait "$srv_pid" 2>/dev/null
	srv_pid=
}
if [ -e /dev/lrpc ] && [ -z "$only" ]; then
	null_rounds
fi
exit 0
