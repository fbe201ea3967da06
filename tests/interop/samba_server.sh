#!/bin/bash
# Our client against Samba's samba-dcerpcd (standalone, no domain): the
# endpoint mapper port, mgmt, ept_lookup with fragmented answers,
# big-endian requests, concurrent calls.  rpcecho is not in
# samba-dcerpcd, so the calls are epmapper and mgmt (tests/interop/
# samba_peer.c).  Samba listens on a random 127.x.y.z so that it does not
# collide with anything on 127.0.0.1:135.
#
#   samba_peer (liblrpc) --ncacn_ip_tcp--> samba-dcerpcd [127.x.y.z:135]
set -u
. "$(dirname "$0")/lib.sh"
dcerpcd=/usr/libexec/samba/samba-dcerpcd
need "$dcerpcd" "$build/tests/interop/samba_peer"
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP samba-dcerpcd needs root"
	exit 4
fi
addr=127.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1)).$((RANDOM % 250 + 1))
mkdir -p "$work"/{lock,state,cache,private,pid,ncalrpc,log}
cat >"$work/smb.conf" <<CONF
[global]
   server role = standalone server
   interfaces = $addr/8
   bind interfaces only = yes
   disable netbios = yes
   rpc start on demand helpers = false
   rpc server dynamic port range = 49152-65000
   passdb backend = tdbsam
   lock directory = $work/lock
   state directory = $work/state
   cache directory = $work/cache
   private dir = $work/private
   pid directory = $work/pid
   ncalrpc dir = $work/ncalrpc
CONF
"$dcerpcd" -s "$work/smb.conf" -F --no-process-group --libexec-rpcds \
	--debug-stdout -l "$work/log" >"$work/dcerpcd.out" 2>&1 &
pids+=($!)
for i in $(seq 100); do
	ss -Hltn "src $addr and sport = :135" 2>/dev/null | grep -q . && break
	sleep 0.05
done
if ! ss -Hltn "src $addr and sport = :135" | grep -q .; then
	echo "# samba-dcerpcd did not listen on $addr:135"
	tail -20 "$work/dcerpcd.out" | sed 's/^/# /'
	echo "not ok 1 samba-dcerpcd started"
	echo "1..1"
	exit 1
fi
"$build/tests/interop/samba_peer" "ncacn_ip_tcp:$addr[135]"
