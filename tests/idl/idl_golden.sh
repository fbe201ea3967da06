#!/bin/bash
# idl_golden.sh: lrpc-idl against committed expectations, as TAP.
#
#   tests/idl/golden/NAME.ast   --dump-ast of idl/NAME.idl, tests/idl/NAME.idl
#                               or tests/idl/golden/NAME.idl
#   tests/idl/bad/*.idl         must fail; line 1 is "// expect: L:C: error: ..."
#                               and that is the first message, after "FILE:"
#   determinism                 two runs, the same bytes in every output
#   cpp                         #define/#include go through cpp, messages
#                               keep the file and line of the source
#
#   tools dir ---> lrpc-idl ---> dump / outputs ---> diff with committed files
#
# Regenerate a golden file after a deliberate change with:
#   build/bin/lrpc-idl -q -I idl --dump-ast idl/NAME.idl > tests/idl/golden/NAME.ast
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
idl=${LRPC_IDL:-$top/${BUILD:-build}/bin/lrpc-idl}
tmp=$(mktemp -d /tmp/idl_golden.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$top" || exit 1

if [ ! -x "$idl" ]; then
	echo "1..0 # SKIP $idl not built"
	exit 4
fi

n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n $1"; }

goldens=(tests/idl/golden/*.ast)
bads=(tests/idl/bad/*.idl)
echo "TAP version 13"
echo "1..$(( ${#goldens[@]} + ${#bads[@]} + 11 ))"

for g in "${goldens[@]}"; do
	name=$(basename "$g" .ast)
	src=
	for d in idl tests/idl tests/idl/golden; do
		[ -f "$d/$name.idl" ] && src=$d/$name.idl
	done
	flags="-q -I idl"
	[ "$src" = "tests/idl/golden/$name.idl" ] && flags="--no-cpp"
	if [ -n "$src" ] && "$idl" $flags --dump-ast "$src" >"$tmp/$name.ast" 2>"$tmp/$name.err" &&
	   diff -u "$g" "$tmp/$name.ast" >"$tmp/$name.diff"; then
		ok "golden $name"
	else
		sed 's/^/# /' "$tmp/$name.err" "$tmp/$name.diff" 2>/dev/null
		not_ok "golden $name"
	fi
done

for b in "${bads[@]}"; do
	name=$(basename "$b")
	want="$name:$(head -1 "$b" | sed -n 's,^// expect: ,,p')"
	got=$(cd tests/idl/bad && "$idl" --no-cpp --check "$name" 2>&1 >/dev/null)
	rc=$?
	first=$(printf '%s\n' "$got" | head -1)
	if [ $rc = 1 ] && [ "$first" = "$want" ]; then
		ok "bad $name"
	else
		echo "# want (exit 1): $want"
		echo "# got (exit $rc): $first"
		not_ok "bad $name"
	fi
done

# same input, same bytes
same=1
for src in idl/lrpctest.idl tests/idl/constructs.idl; do
	mkdir -p "$tmp/a" "$tmp/b"
	"$idl" -q -I idl -o "$tmp/a" "$src" 2>/dev/null &&
		"$idl" -q -I idl -o "$tmp/b" "$src" 2>/dev/null || same=0
	base=$(basename "$src" .idl)
	for f in "$base.h" "${base}_ndr.c" "${base}_c.c" "${base}_s.c"; do
		cmp -s "$tmp/a/$f" "$tmp/b/$f" || { echo "# $f differs"; same=0; }
	done
done
[ $same = 1 ] && ok "deterministic output" || not_ok "deterministic output"

# cpp: a #define'd type and an error after an #include keep their lines
mkdir -p "$tmp/cpp"
printf 'typedef long inc_t;\n' >"$tmp/cpp/inc.h"
printf '#include "inc.h"\n#define COUNT_T unsigned long\n[uuid(01234567-89ab-cdef-0123-456789abcdef)]\ninterface c {\n    COUNT_T Op([in] inc_t a);\n    undefined_t Op2(void);\n}\n' \
	>"$tmp/cpp/c.idl"
msg=$(cd "$tmp/cpp" && "$idl" --check c.idl 2>&1 >/dev/null | head -1)
case "$msg" in
c.idl:6:5:\ error:\ unknown\ type\ \'undefined_t\') ok "cpp keeps file:line" ;;
*) echo "# got: $msg"; not_ok "cpp keeps file:line" ;;
esac

# a generated tree compiles with -Wall -Wextra -Werror (syntax.idl)
if "$idl" -q --no-cpp -o "$tmp" tests/idl/golden/syntax.idl &&
   for f in syntax_ndr.c syntax_c.c syntax_s.c; do
	${CC:-cc} -std=gnu11 -Wall -Wextra -Werror -Ilib/include -I"$tmp" -c -o "$tmp/$f.o" "$tmp/$f" || exit 1
   done; then
	ok "generated code builds -Werror"
else
	not_ok "generated code builds -Werror"
fi

# --client-no-report: no client stub reports a failure to the hook
mkdir -p "$tmp/norep" "$tmp/rep"
if "$idl" -q -I idl -o "$tmp/norep" --server none --client-no-report idl/epmapper.idl 2>/dev/null &&
   grep -q 'rpc_call_end(_rc, &epmapper_v3_0_c_ifspec, 0, 0)' "$tmp/norep/epmapper_c.c" &&
   ! grep -q RPC_CALL_END_REPORT "$tmp/norep/epmapper_c.c" &&
   "$idl" -q -I idl -o "$tmp/rep" --server none idl/epmapper.idl 2>/dev/null &&
   grep -q 'RPC_CALL_END_REPORT' "$tmp/rep/epmapper_c.c"; then
	ok "--client-no-report"
else
	not_ok "--client-no-report"
fi

# command line: usage errors exit 2, --version works
"$idl" >/dev/null 2>&1; rc1=$?
"$idl" --client maybe x.idl >/dev/null 2>&1; rc2=$?
if [ $rc1 = 2 ] && [ $rc2 = 2 ] && "$idl" --version | grep -q '^lrpc-idl '; then
	ok "command line"
else
	not_ok "command line"
fi

# issue 21: a failed generation leaves nothing behind, -o DIR is created
mkdir -p "$tmp/fail"
printf '[uuid(01234567-89ab-cdef-0123-456789abcdef)] interface f {\n    long Op([in] handle_t h, [in] long n, [in, size_is(n %% 3)] long *a);\n}\n' \
	>"$tmp/fail/f.idl"
if ! "$idl" -q --no-cpp -o "$tmp/fail/out" "$tmp/fail/f.idl" 2>/dev/null &&
   [ -z "$(ls -A "$tmp/fail/out" 2>/dev/null)" ] &&
   ! "$idl" -q --no-cpp --check "$tmp/fail/f.idl" 2>/dev/null; then
	ok "failed generation leaves no files, --check agrees"
else
	ls -la "$tmp/fail/out" 2>&1 | sed 's/^/# /'
	not_ok "failed generation leaves no files, --check agrees"
fi
if "$idl" -q -o "$tmp/new/deeper" tests/idl/real/realhidden.idl &&
   [ -f "$tmp/new/deeper/realhidden.h" ]; then
	ok "-o creates the directory"
else
	not_ok "-o creates the directory"
fi

# ms-dtyp.idl without -I: import "..." and #include <...> (MIDL's /I default)
mkdir -p "$tmp/dtyp"
printf 'import "ms-dtyp.idl";\n[uuid(01234567-89ab-cdef-0123-456789abcdef)] interface d {\n    DWORD Op([in] handle_t h, [in] RPC_UNICODE_STRING *s, [out] FILETIME *t);\n}\n' \
	>"$tmp/dtyp/imp.idl"
printf '#include <ms-dtyp.idl>\n[uuid(01234567-89ab-cdef-0123-456789abcdef)] interface e {\n    DWORD Op([in] handle_t h, [in] RPC_SID *sid, [out] LARGE_INTEGER *t);\n}\n' \
	>"$tmp/dtyp/inc.idl"
if (cd "$tmp/dtyp" && "$idl" -q --check imp.idl && "$idl" -q --check inc.idl &&
    "$idl" -q -o out imp.idl && [ -f out/ms-dtyp.h ] && [ -f out/ms-dtyp_ndr.c ] &&
    for f in imp_ndr.c imp_c.c imp_s.c ms-dtyp_ndr.c; do
	${CC:-cc} -std=gnu11 -Wall -Wextra -Werror -I"$top/lib/include" -Iout -c -o "out/$f.o" \
		"out/$f" || exit 1
    done); then
	ok "ms-dtyp.idl found without -I, its header and tables written beside"
else
	not_ok "ms-dtyp.idl found without -I, its header and tables written beside"
fi

# ACF constructs that are not honoured are errors or warnings, never silence
mkdir -p "$tmp/acf"
printf '[uuid(01234567-89ab-cdef-0123-456789abcdef)] interface a {\n    typedef long l_t;\n    long Op([in] handle_t h, [in] l_t v);\n}\n' >"$tmp/acf/a.idl"
printf 'typedef [represent_as(long)] l_t;\ninterface a {\n}\n' >"$tmp/acf/a.acf"
printf '[code]\ninterface a {\n}\n' >"$tmp/acf/b.acf"
m1=$(cd "$tmp/acf" && "$idl" --check a.idl 2>&1 | head -1)
m2=$(cd "$tmp/acf" && "$idl" --check --acf b.acf a.idl 2>&1 | head -1)
case "$m1|$m2" in
"a.acf:1:10: error: unsupported: ACF attribute [represent_as]|b.acf:1:2: warning: ACF attribute 'code' ignored"*)
	ok "ACF: unsupported is an error, ignored is a warning" ;;
*)	echo "# got: $m1 / $m2"; not_ok "ACF: unsupported is an error, ignored is a warning" ;;
esac

# the Windows-shaped corpus not linked into roundtrip_test builds -Werror:
# wkssvc (#include <ms-dtyp.idl>), realbinding, reallsa (import, with the
# shipped ms-dtyp.h written beside)
built=1
for src in wkssvc realbinding reallsa realmembers; do
	if ! "$idl" -q -o "$tmp/$src" tests/idl/real/$src.idl; then
		built=0
		continue
	fi
	for f in "$tmp/$src"/*.c; do
		${CC:-cc} -std=gnu11 -Wall -Wextra -Werror -Ilib/include -I"$tmp/$src" -c \
			-o "$f.o" "$f" || built=0
	done
done
[ $built = 1 ] && ok "corpus builds -Werror" || not_ok "corpus builds -Werror"

# the man page is well-formed roff, if a formatter is around
if command -v groff >/dev/null 2>&1; then
	if groff -man -Tutf8 -ww man/man1/lrpc-idl.1 >/dev/null 2>"$tmp/man.err" && [ ! -s "$tmp/man.err" ]; then
		ok "man page"
	else
		sed 's/^/# /' "$tmp/man.err"
		not_ok "man page"
	fi
elif [ -s man/man1/lrpc-idl.1 ]; then
	ok "man page # SKIP no groff"
else
	not_ok "man page"
fi

[ $fail = 0 ]
