# Shared helpers for the interop tests (sourced).  TAP on stdout.
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${LRPC_BUILD:-build}
case "$build" in /*) ;; *) build="$top/$build" ;; esac
bin="$build/bin"
work=$(mktemp -d /tmp/lrpc-interop.XXXXXX)
pids=()
n=0
fails=0

cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null
	done
	rm -rf "$work"
}
trap cleanup EXIT

ok() {	# ok COND-STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		fails=$((fails + 1))
	fi
}

skip() {
	n=$((n + 1))
	echo "ok $n $1 # SKIP $2"
}

need() {	# need CMD...: exit 4 (KSFT_SKIP) when a peer is missing
	local c
	for c in "$@"; do
		if ! command -v "$c" >/dev/null 2>&1 && [ ! -x "$c" ]; then
			echo "1..0 # SKIP $c not installed"
			exit 4
		fi
	done
}

# start_server NAME: starts lrpctest-server on a dynamic loopback port,
# sets $port
start_server() {
	local out="$work/$1.out" i
	"$bin/lrpctest-server" -e 'ncacn_ip_tcp:127.0.0.1[]' >"$out" 2>"$work/$1.err" &
	pids+=($!)
	for i in $(seq 100); do
		port=$(sed -n 's/^ready ncacn_ip_tcp:127\.0\.0\.1\[\([0-9]*\)\]$/\1/p' "$out")
		[ -n "$port" ] && return 0
		sleep 0.05
	done
	echo "# lrpctest-server did not start"
	cat "$work/$1.err" | sed 's/^/# /'
	exit 1
}

finish() {
	echo "1..$n"
	[ "$fails" = 0 ]
}
