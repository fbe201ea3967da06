#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The ABI of liblrpc.so against its declaration and its documentation.  TAP.
#
#   lib/include/lrpc/*.h --(tools/gen-man3/gen-man3 --list)--> public names
#   lib/liblrpc.map      --------------------------------------> listed names
#   build/lib/liblrpc.so --(nm -D --defined-only)---------------> exported names
#   man/man3/*.3         --------------------------------------> documented names
#
# Every exported symbol is listed in the map and declared in a public
# header; every public declaration is exported; the map names no
# internal (__rpc_*, __ndr_*) symbol and uses no wildcard; every exported
# function has a man3 page and every page is an exported function; the
# generated pages are what tools/gen-man3 writes today.
#
# Environment: LRPC_BUILD (default build).  Skips (exit 4) without the
# shared library, nm or python3.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${LRPC_BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
so=$build/lib/liblrpc.so
map=$top/lib/liblrpc.map
man=$top/man/man3
n=0
fails=0

for c in nm python3; do
	command -v "$c" >/dev/null || { echo "1..0 # SKIP $c is not installed"; exit 4; }
done
[ -f "$so" ] || { echo "1..0 # SKIP $so is not built"; exit 4; }

tmp=$(mktemp -d /tmp/lrpc-symbols.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# check DESCRIPTION FILE: ok when FILE is empty, else not ok with it
check() {
	n=$((n + 1))
	if [ ! -s "$2" ]; then
		echo "ok $n $1"
	else
		echo "not ok $n $1"
		sed 's/^/# /' "$2"
		fails=$((fails + 1))
	fi
}

# exported: "NAME KIND" with KIND function or data (the version node's
# own absolute symbol left out)
nm -D --defined-only "$so" | awk '$2 != "A" {
	name = $3; sub(/@.*/, "", name)
	print name, ($2 ~ /^[Tt]$/ ? "function" : "data") }' | sort -u >"$tmp/exported"
cut -d' ' -f1 "$tmp/exported" >"$tmp/exported.names"
awk '$2 == "function" { print $1 }' "$tmp/exported" >"$tmp/exported.functions"

# listed in the map: names between "global:" and "local:", comments out
sed 's|/\*.*\*/||g' "$map" | sed '/\/\*/,/\*\//d' | awk '
	/global:/ { g = 1; next } /local:/ { g = 0; next }
	g { gsub(/[ \t;]/, ""); if ($0 != "" && $0 !~ /[{}]/) print }' | sort >"$tmp/map"

# declared in a public header
if ! python3 "$top/tools/gen-man3/gen-man3" --list >"$tmp/public.all" 2>"$tmp/err"; then
	check "tools/gen-man3/gen-man3 --list reads the headers" "$tmp/err"
	echo "1..$n"
	exit 1
fi
awk '{ print $2 }' "$tmp/public.all" | sort >"$tmp/public"

grep -E '[*?[]' "$tmp/map" | sed 's/^/wildcard in the map: /' >"$tmp/out"
grep -E '^__' "$tmp/map" | sed 's/^/internal symbol in the map: /' >>"$tmp/out"
check "lib/liblrpc.map lists names, no wildcards, no internals" "$tmp/out"

comm -23 "$tmp/exported.names" "$tmp/map" | sed 's/^/exported, not in lib\/liblrpc.map: /' >"$tmp/out"
comm -13 "$tmp/exported.names" "$tmp/map" | sed 's/^/in lib\/liblrpc.map, not exported (not defined?): /' >>"$tmp/out"
check "liblrpc.so exports exactly what lib/liblrpc.map lists" "$tmp/out"

comm -23 "$tmp/exported.names" "$tmp/public" | sed 's/^/exported, declared in no public header: /' >"$tmp/out"
check "every exported symbol is declared in lib/include/lrpc/*.h" "$tmp/out"

comm -13 "$tmp/exported.names" "$tmp/public" | sed 's/^/declared in a public header, not exported: /' >"$tmp/out"
check "every public declaration is exported" "$tmp/out"

grep -E '^(__|[a-z]+_[a-z0-9_]*_ndr_type$)' "$tmp/exported.names" |
	sed 's/^/exported by accident: /' >"$tmp/out"
check "nothing internal or generated is exported" "$tmp/out"

: >"$tmp/out"
while read -r f; do
	[ -f "$man/$f.3" ] || echo "$f has no page man/man3/$f.3" >>"$tmp/out"
done <"$tmp/exported.functions"
check "every exported function has a man3 page" "$tmp/out"

: >"$tmp/out"
for p in "$man"/*.3; do
	[ -e "$p" ] || continue
	f=$(basename "$p" .3)
	grep -qx "$f" "$tmp/exported.functions" ||
		echo "man/man3/$f.3 documents no exported function" >>"$tmp/out"
	# the names a page's NAME section gives
	if ! head -1 "$p" | grep -q '^\.so '; then
		sed -n '/^\.SH NAME/,/^\.SH/{/^\.SH/d;p}' "$p" | tr '\n' ' ' |
			sed 's/ \\-.*//; s/\\-/-/g; s/,/ /g' | tr -s ' ' '\n' | sed '/^$/d' |
		while read -r name; do
			grep -qx "$name" "$tmp/exported.functions" ||
				echo "man/man3/$f.3 names $name, which is not exported" >>"$tmp/out"
			[ -f "$man/$name.3" ] ||
				echo "man/man3/$f.3 names $name, which has no man/man3/$name.3 (link)" >>"$tmp/out"
		done
	fi
done
check "every man3 page documents exported functions only" "$tmp/out"

python3 "$top/tools/gen-man3/gen-man3" --check >"$tmp/out" 2>&1
check "the generated man3 pages are up to date (tools/gen-man3/gen-man3)" "$tmp/out"

echo "1..$n"
[ "$fails" = 0 ]
