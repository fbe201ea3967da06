#!/bin/bash
# SPDX-License-Identifier: MIT
#
# examples/ built as a user builds them -- their own Makefile, pkg-config
# and lrpc-idl -- against this build tree's shared library, then run.  TAP.
#
#   $tmp/pc: lrpc.pc -> lib/include, liblrpc.so.0 -> build/lib/liblrpc.so
#
#   hello-client --ncalrpc:[LRPC-...]------> hello-server
#                --ncacn_ip_tcp:127.0.0.1[N]-^
#
#   phonebook-client --ept_map("ncalrpc:" / "ncacn_ip_tcp:127.0.0.1")--> lrpc-epmd 127.0.0.1[dynamic]
#          |                                                                ^ ept_insert
#          `---------ncalrpc / ncacn_ip_tcp (dynamic endpoints)----> phonebook-server
#
# Environment: LRPC_BUILD (default build).  Skips (exit 4) when the
# library, lrpc-idl or lrpc-epmd are not built, or cc/make/pkg-config
# are missing.
set -u
. "$(dirname "$0")/../interop/lib.sh"	# $top $build $bin $work, pids, ok, need, finish
need cc make pkg-config "$build/lib/liblrpc.so" "$bin/lrpc-idl" "$bin/lrpc-epmd"
tmp=$work

# check STATUS DESCRIPTION [LOG...]: ok, and on a failure the logs
check() {
	local rc=$1 what=$2 f
	shift 2
	ok "$rc" "$what"
	[ "$rc" = 0 ] && return
	for f in "$@"; do
		[ -f "$f" ] && sed "s|^|# ${f##*/}: |" "$f"
	done
}

# wait_ready FILE [WORD]: the program printed its "ready" (or WORD) line
wait_ready() {
	local i
	for i in $(seq 200); do
		grep -q "^${2:-ready} " "$1" && return 0
		sleep 0.05
	done
	return 1
}

# The build tree as an installation would look to pkg-config and ld.so.
pc=$tmp/pc
mkdir -p "$pc"
ln -s "$build/lib/liblrpc.so" "$pc/liblrpc.so.0"
ln -s liblrpc.so.0 "$pc/liblrpc.so"
cat >"$pc/lrpc.pc" <<PC
libdir=$pc
includedir=$top/lib/include

Name: lrpc
Description: lrpc, uninstalled (build tree)
Version: 0.1.0
Libs: -L\${libdir} -llrpc
Cflags: -I\${includedir}
PC
export LD_LIBRARY_PATH=$pc${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}

# build NAME: copy examples/NAME and make it there, as a user would
build() {
	cp -r "$top/examples/$1" "$tmp/$1"
	rm -rf "$tmp/$1/gen" "$tmp/$1/$1-server" "$tmp/$1/$1-client"
	timeout 300 make -C "$tmp/$1" LRPC_PKG_CONFIG_PATH="$pc" \
		LRPC_IDL="$bin/lrpc-idl" CFLAGS="-O2 -g -Wall -Wextra -Werror" \
		>"$tmp/$1.build" 2>&1
	check $? "$1: builds with pkg-config and lrpc-idl" "$tmp/$1.build"
}

# ---- hello --------------------------------------------------------------
build hello
h=$tmp/hello
"$h/hello-server" 'ncalrpc:[]' 'ncacn_ip_tcp:127.0.0.1[]' >"$tmp/hs.out" 2>"$tmp/hs.err" &
pids+=($!)
wait_ready "$tmp/hs.out"
check $? "hello: server ready" "$tmp/hs.out" "$tmp/hs.err"
for b in $(sed -n 's/^ready //p' "$tmp/hs.out"); do
	out=$(timeout 30 "$h/hello-client" "$b" Ada 2>"$tmp/hc.err")
	[ "$out" = "Hello, Ada! (11 characters)" ]
	check $? "hello: $b answers" "$tmp/hc.err"
done
timeout 30 "$h/hello-client" 'ncacn_ip_tcp:127.0.0.1[1]' >/dev/null 2>"$tmp/hc.err"
[ $? = 1 ] && grep -q '^hello-client: Hello on ncacn_ip_tcp:127.0.0.1\[1\]: ' "$tmp/hc.err"
check $? "hello: a server that is not there is a failed call, said in words" "$tmp/hc.err"

# ---- phonebook ----------------------------------------------------------
build phonebook
p=$tmp/phonebook
"$bin/lrpc-epmd" -f -l 127.0.0.1 --tcp-port 0 --udp-port 0 \
	--lrpc-endpoint "examples-epm-$$" >"$tmp/epmd.out" 2>"$tmp/epmd.err" &
pids+=($!)
wait_ready "$tmp/epmd.out"
port=$(sed -n 's/^ready ncacn_ip_tcp:.*\[\([0-9]*\)\].*/\1/p' "$tmp/epmd.out" | head -1)
[ -n "$port" ]
check $? "phonebook: lrpc-epmd on a dynamic port ($port)" "$tmp/epmd.out" "$tmp/epmd.err"
export LRPC_EPMAPPER="ncacn_ip_tcp:127.0.0.1[$port]"

"$p/phonebook-server" -e 'ncalrpc:[]' -e 'ncacn_ip_tcp:127.0.0.1[]' \
	>"$tmp/ps.out" 2>"$tmp/ps.err" &
server=$!
pids+=($server)
wait_ready "$tmp/ps.out" && ! grep -q 'not registered' "$tmp/ps.err"
check $? "phonebook: server ready and registered" "$tmp/ps.out" "$tmp/ps.err"
lrpc=$(sed -n 's/^ready \(ncalrpc:.*\)/\1/p' "$tmp/ps.out")
tcp=$(sed -n 's/^ready \(ncacn_ip_tcp:.*\)/\1/p' "$tmp/ps.out")

# pb EXPECTED-STATUS DESCRIPTION CLIENT-ARGS... <<<EXPECTED-STDOUT
pb() {
	local want=$1 what=$2 rc
	shift 2
	cat >"$tmp/want"
	timeout 30 "$p/phonebook-client" "$@" >"$tmp/got" 2>"$tmp/pc.err"
	rc=$?
	[ "$rc" = "$want" ] && diff -u "$tmp/want" "$tmp/got" >"$tmp/diff"
	check $? "phonebook: $what" "$tmp/diff" "$tmp/got" "$tmp/pc.err"
}

pb 0 "add through a partial ncacn_ip_tcp binding" \
	ncacn_ip_tcp:127.0.0.1 add Ada "+44 20 7946 0001" mobile <<OUT
resolved $tcp
added Ada
OUT
pb 0 "add through a partial ncalrpc binding" ncalrpc: add Bob 555-0100 <<OUT
resolved $lrpc
added Bob
OUT
pb 2 "a name taken is the service's PB_E_EXISTS" "$lrpc" add Bob 555-0199 </dev/null
grep -q 'an entry of that name exists' "$tmp/pc.err"
check $? "phonebook: ... and the client says so" "$tmp/pc.err"
pb 2 "an invalid number is PB_E_INVALID" "$lrpc" add Eve 'call me' </dev/null
pb 0 "lookup over ncacn_ip_tcp, full binding" "$tcp" lookup Ada <<OUT
Ada                  +44 20 7946 0001 (mobile)
OUT
pb 2 "lookup of a missing name is PB_E_NOT_FOUND" "$tcp" lookup Zed </dev/null
pb 0 "list: an array of structs with strings" "$lrpc" list <<OUT
Ada                  +44 20 7946 0001 (mobile)
Bob                  555-0100
2 entries
OUT
pb 0 "another book is another context" -b other "$lrpc" list <<OUT
0 entries
OUT
pb 0 "remove" "$tcp" remove Bob <<OUT
removed Bob
OUT
pb 0 "list after remove" "$tcp" list <<OUT
Ada                  +44 20 7946 0001 (mobile)
1 entries
OUT

# a client that dies holding a context handle: the server runs it down
"$p/phonebook-client" -b held "$lrpc" hold >"$tmp/hold.out" 2>&1 &
holder=$!
pids+=($holder)
wait_ready "$tmp/hold.out" holding
kill -9 "$holder"
wait "$holder" 2>/dev/null
for i in $(seq 200); do
	grep -q 'rundown of a handle on book held' "$tmp/ps.err" && break
	sleep 0.05
done
grep -q 'rundown of a handle on book held' "$tmp/ps.err"
check $? "phonebook: a client killed with an open handle is run down" "$tmp/hold.out" "$tmp/ps.err"

kill "$server"
wait "$server" 2>/dev/null
check $? "phonebook: server stops on SIGTERM" "$tmp/ps.err"
pb 1 "server gone: its registration went with it" ncacn_ip_tcp:127.0.0.1 list </dev/null
grep -q 'ept_s_not_registered' "$tmp/pc.err"
check $? "phonebook: ... the client names the endpoint mapper's answer" "$tmp/pc.err"

finish
