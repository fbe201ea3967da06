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
echo "1..8"
# expect NAME WANT-RC(ok|fail|N) -- lrpc-guest args
expect() {
	local name=$1 want=$2 rc
	shift 3
	"$guest" --timeout 60 "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	n=$((n + 1))
	case "$want" in
	fail) [ "$rc" != 0 ] ;;
	*) [ "$rc" = "$want" ] ;;
	esac
	if [ $? = 0 ]; then
		echo "ok $n $name (status $rc)"
	else
		echo "not ok $n $name (status $rc, wanted $want)"
		sed 's/^/#   /' "$tmp/out" "$tmp/err" | tail -20
		bad=1
	fi
}

expect "healthy command passes" 0 -- --module "$rig" -- true
grep -q . "$tmp/out" && { echo "# unexpected output"; cat "$tmp/out"; bad=1; }
expect "command status comes back" 7 -- -- sh -c 'echo rig-output; exit 7'
n=$((n + 1))
if grep -qx rig-output "$tmp/out"; then echo "ok $n command output comes back"
else echo "not ok $n command output comes back"; bad=1; fi
expect "module whose init fails" fail -- --module "$rig:mode=fail" -- true
expect "WARN in dmesg fails a passing command" fail -- --module "$rig:mode=warn" -- true
expect "panic fails the run" fail -- --module "$rig:mode=panic" -- true
expect "hang is killed at the time-out" fail -- --timeout 10 -- sleep 600
n=$((n + 1))
if "$top/tools/run-checks" --guest "selftests/rig/always_fails" >"$tmp/out" 2>&1; then
	echo "not ok $n a failing guest test fails run-checks"; bad=1
elif tail -1 "$tmp/out" | grep -qx '1 passed, 1 failed, 0 skipped'; then
	echo "ok $n a failing guest test fails run-checks"
else
	echo "not ok $n a failing guest test fails run-checks: $(tail -1 "$tmp/out")"; bad=1
fi
exit $bad
