#!/bin/bash
# The guest runner must never pass a broken run.  Each case boots the
# guest kernel once:
#
#   host: rig_test.sh --> lrpc-guest --> qemu (TCG) --> Debian kernel
#                                              |-- insmod lrpc_rigtest.ko mode=...
#                                              `-- COMMAND
#
# and checks lrpc-guest's exit status (and output where it matters).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
guest=$top/tools/guest/lrpc-guest
rig=$top/selftests/rig/lrpc_rigtest.ko
n=0 bad=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "TAP version 13"
drig=$top/build/kmod-debug/rig/lrpc_rigtest.ko
echo "1..$((8 + 3))"
# expect NAME WANT-RC(fail|N) WHY -- lrpc-guest args
# WHY: a regular expression lrpc-guest's stderr must match ("" = empty).
expect() {
	local name=$1 want=$2 why=$3 rc ok=1
	shift 4
	"$guest" --timeout 60 "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	n=$((n + 1))
	case "$want" in
	fail) [ "$rc" != 0 ] || ok=0 ;;
	*) [ "$rc" = "$want" ] || ok=0 ;;
	esac
	if [ -z "$why" ]; then
		[ -s "$tmp/err" ] && ok=0
	else
		grep -Eq "$why" "$tmp/err" || ok=0
	fi
	if [ $ok = 1 ]; then
		echo "ok $n $name (status $rc)"
	else
		echo "not ok $n $name (status $rc, wanted $want and stderr matching '$why')"
		sed 's/^/#   /' "$tmp/out" "$tmp/err" | tail -20
		bad=1
	fi
}

expect "healthy command passes" 0 "" -- --module "$rig" -- true
grep -q . "$tmp/out" && { echo "# unexpected output"; cat "$tmp/out"; bad=1; }
expect "command status comes back" 7 "" -- -- sh -c 'echo rig-output; exit 7'
n=$((n + 1))
if grep -qx rig-output "$tmp/out"; then echo "ok $n command output comes back"
else echo "not ok $n command output comes back"; bad=1; fi
expect "module whose init fails" fail "module load failed" -- --module "$rig:mode=fail" -- true
expect "WARN in dmesg fails a passing command" fail "dmesg shows a kernel problem" -- --module "$rig:mode=warn" -- true
expect "panic fails the run" fail "without a status" -- --module "$rig:mode=panic" -- true
expect "hang is killed at the time-out" fail "guest hung" -- --timeout 10 -- sleep 600
# The debug kernel's checkers must each fail a run (make module-debug
# builds the rig module against it; that a healthy run passes there is
# shown by make check's own debug run).
if [ -f "$drig" ]; then
	expect "debug kernel: KASAN use-after-free fails the run" fail "KASAN: use-after-free" -- \
		--debug --timeout 300 --module "$drig:mode=uaf" -- true
	expect "debug kernel: a leak found by kmemleak after unload fails the run" fail \
		"kmemleak reports leaks" -- --debug --timeout 300 --module "$drig:mode=leak" -- true
	expect "debug kernel: a lockdep lock-order cycle fails the run" fail \
		"circular locking dependency" -- --debug --timeout 300 --module "$drig:mode=lockorder" -- true
else
	for c in "KASAN use-after-free" "kmemleak leak" "lockdep cycle"; do
		n=$((n + 1))
		echo "ok $n debug kernel: $c # SKIP no $drig (make module-debug)"
	done
fi
n=$((n + 1))
if "$top/tools/run-checks" --no-debug --guest "selftests/rig/always_fails" >"$tmp/out" 2>&1; then
	echo "not ok $n a failing guest test fails run-checks"; bad=1
elif tail -1 "$tmp/out" | grep -qx '1 passed, 1 failed, 0 skipped'; then
	echo "ok $n a failing guest test fails run-checks"
else
	echo "not ok $n a failing guest test fails run-checks: $(tail -1 "$tmp/out")"; bad=1
fi
exit $bad
