#!/bin/bash
# SPDX-License-Identifier: MIT
# pkg_test.sh: the Debian packages (debian/) built, judged by lintian,
# installed into a throwaway Debian 12 root and used there; the module
# built by DKMS from lrpc-dkms and loaded in the guest.
#
#   tracked files --copy--> $work/src --dpkg-buildpackage -b--> $work/*.deb
#                                                                  |
#      lintian $work/*.changes: no E: tag                          |
#                                                                  v
#   $cache/root (mmdebstrap bookworm: minbase, gcc, dkms) --cp--> $work/root
#      chroot $work/root:  dpkg -i *.deb
#                          lrpc-idl hello.idl; cc $(pkg-config lrpc) ...
#                          hello_server <-- ncacn_ip_tcp:127.0.0.1[PORT] --
#                          hello_client
#   host:  dkms build lrpc/VERSION -k <the guest's release> (private trees)
#   guest: lrpc-guest --module <the DKMS-built lrpc.ko> -- chroot $work/root
#          lrpcstat; hello_server and hello_client over ncalrpc (/dev/lrpc)
#
# The root is made once (network: Debian's archive, as apt sees it) and
# kept in $LRPC_PKG_CACHE (default ~/.cache/lrpc-pkg); each run copies it.
# TAP output; exit 4 (skip) when a tool it needs is missing
# (tools/setup-deps installs them all).  LRPC_PKG_NO_GUEST=1 leaves the
# guest out.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=$top/build/pkg
cache=${LRPC_PKG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lrpc-pkg}
# what the root has besides minbase: a compiler for the example, dkms for
# lrpc-dkms's maintainer scripts, the libraries the packages depend on
root_pkgs=gcc,libc6-dev,make,pkg-config,dkms,libgssapi-krb5-2,libkrb5-3,libk5crypto3,libssl3,libnl-3-200,libnl-genl-3-200
t0=$SECONDS
n=0
failed=0
server_pid=

# the root's mounts: its /proc, and the root itself when it is an overlay
unmount_root() {
	local m
	for m in "$work/root/proc" "$work/root"; do
		if mountpoint -q "$m" 2>/dev/null; then
			umount "$m" || return 1
		fi
	done
}
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
	[ -n "${bg_root:-}" ] && kill "$bg_root" 2>/dev/null
	unmount_root
	return 0
}
trap cleanup EXIT

ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $1"; }
skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }
note() { sed 's/^/# /'; }
elapsed() { echo "# $1: $((SECONDS - t0)) s so far"; }

missing=
for tool in dpkg-buildpackage dh dh_dkms lintian fakeroot mmdebstrap dkms chroot; do
	command -v "$tool" >/dev/null || missing="$missing $tool"
done
if [ -n "$missing" ]; then
	echo "1..0 # SKIP missing:$missing (tools/setup-deps installs them)"
	exit 4
fi
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root (chroot, dpkg --root, dkms)"
	exit 4
fi
echo "1..7"

unmount_root
rm -rf "$work"
mkdir -p "$work/src" "$cache"
version=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
krel=$("$top/tools/guest/kernel-release")

# The root, in the background while the packages build.
root_key=$(echo "bookworm minbase $root_pkgs" | md5sum | cut -c1-12)
cached_root=$cache/root-$root_key
make_root() {
	local tmp
	[ -f "$cached_root/.complete" ] && return 0
	tmp=$(mktemp -d "$cache/tmp.XXXXXX")
	# the host's apt cache spares downloads; --skip keeps it there
	if mmdebstrap --variant=minbase --include="$root_pkgs" \
		--dpkgopt=force-unsafe-io --skip=download/empty \
		--setup-hook='mkdir -p "$1/var/cache/apt/archives" && cp -l /var/cache/apt/archives/*.deb "$1/var/cache/apt/archives/" 2>/dev/null; true' \
		bookworm "$tmp/root" >"$tmp/log" 2>&1; then
		touch "$tmp/root/.complete"
		rm -rf "$cached_root"
		mv "$tmp/root" "$cached_root"
		rm -rf "$tmp"
	else
		tail -20 "$tmp/log"
		rm -rf "$tmp"
		return 1
	fi
}
make_root >"$work/root.log" 2>&1 &
bg_root=$!

# 1. The packages, from the tracked (and new, not ignored) files: a copy,
# since dh clean runs make clean.
(
	cd "$top"
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files -z --cached --others --exclude-standard |
			while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
			tar --null -T - -cf -
	else
		tar --exclude=./build --exclude=./.git -cf - .
	fi
) | tar -xf - -C "$work/src"
if (cd "$work/src" && dpkg-buildpackage -us -uc -b -j"$(nproc)") >"$work/build.log" 2>&1; then
	ls "$work"/*.deb | sed 's|.*/|# built |'
	ok "dpkg-buildpackage -us -uc -b"
else
	tail -40 "$work/build.log" | note || true
	not_ok "dpkg-buildpackage -us -uc -b"
	exit 1
fi
elapsed "packages built"

# 2. lintian, in the background while the rest runs
lintian --info --display-info "$work/lrpc_${version}_amd64.changes" >"$work/lintian.log" 2>&1 &
bg_lintian=$!

# 3. The root: the cached one under an overlay (or a copy where mounting
# is not allowed), the packages installed in it.
if wait "$bg_root"; then
	bg_root=
	mkdir -p "$work/root" "$work/upper" "$work/ovl"
	mount -t overlay overlay -o "lowerdir=$cached_root,upperdir=$work/upper,workdir=$work/ovl" \
		"$work/root" 2>/dev/null || { rmdir "$work/root"; cp -a "$cached_root" "$work/root"; }
	mkdir -p "$work/root/tmp/debs" "$work/root/tmp/hello"
	cp "$work"/*.deb "$work/root/tmp/debs/"
	rm -f "$work"/root/tmp/debs/*-dbgsym_*.deb
	cp "$here"/hello.idl "$here"/hello_server.c "$here"/hello_client.c "$work/root/tmp/hello/"
	mount -t proc proc "$work/root/proc" 2>/dev/null || true
	if chroot "$work/root" dpkg -i /tmp/debs/liblrpc0_"$version"_amd64.deb \
		/tmp/debs/liblrpc-dev_"$version"_amd64.deb \
		/tmp/debs/lrpc-tools_"$version"_amd64.deb \
		/tmp/debs/lrpc-dkms_"$version"_all.deb >"$work/install.log" 2>&1; then
		chroot "$work/root" dpkg-query -W 'liblrpc*' 'lrpc-*' | note || true
		chroot "$work/root" dkms status lrpc 2>&1 | note || true
		ok "dpkg -i the packages into a Debian 12 root"
		rooted=1
	else
		tail -30 "$work/install.log" | note || true
		not_ok "dpkg -i the packages into a Debian 12 root"
		rooted=0
	fi
else
	bg_root=
	note <"$work/root.log"
	not_ok "dpkg -i the packages into a Debian 12 root (no root: mmdebstrap failed)"
	rooted=0
fi
elapsed "root ready"

# 4. In the root: lrpc-idl, pkg-config, cc against the installed library.
in_root() { chroot "$work/root" /bin/sh -c "cd /tmp/hello && $1"; }
if [ "$rooted" = 1 ] && in_root '
	set -e
	lrpc-idl -q hello.idl
	echo "pkg-config --cflags --libs lrpc: $(pkg-config --cflags --libs lrpc)"
	cc -Wall -O2 $(pkg-config --cflags lrpc) -o hello_server hello_server.c hello_s.c hello_ndr.c $(pkg-config --libs lrpc)
	cc -Wall -O2 $(pkg-config --cflags lrpc) -o hello_client hello_client.c hello_c.c hello_ndr.c $(pkg-config --libs lrpc)
	ls /usr/share/lrpc/idl
	lrpc-idl -q -I /usr/share/lrpc/idl -o /tmp /usr/share/lrpc/idl/epmapper.idl
	' >"$work/compile.log" 2>&1; then
	note <"$work/compile.log"
	ok "in the root: lrpc-idl, pkg-config lrpc, cc against liblrpc-dev"
	compiled=1
else
	[ -f "$work/compile.log" ] && note <"$work/compile.log"
	not_ok "in the root: lrpc-idl, pkg-config lrpc, cc against liblrpc-dev"
	compiled=0
fi

# 5. ... and the example over ncacn_ip_tcp on loopback (a port below the
# ephemeral range; the next ones if it is taken).
tcp_ok=0
if [ "$compiled" = 1 ]; then
	port=$((20000 + $$ % 10000))
	for try in 1 2 3; do
		b="ncacn_ip_tcp:127.0.0.1[$port]"
		chroot "$work/root" /tmp/hello/hello_server "$b" >"$work/server.out" 2>&1 &
		server_pid=$!
		for _ in $(seq 50); do
			grep -q '^ready' "$work/server.out" 2>/dev/null && break
			kill -0 "$server_pid" 2>/dev/null || break
			sleep 0.1
		done
		if grep -q '^ready' "$work/server.out"; then
			if chroot "$work/root" /tmp/hello/hello_client "$b" >"$work/client.out" 2>&1; then
				tcp_ok=1
			fi
			note <"$work/client.out"
			break
		fi
		note <"$work/server.out"
		kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true
		server_pid=
		port=$((port + 1))
	done
	note <"$work/server.out"
	if [ -n "$server_pid" ]; then
		kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true
		server_pid=
	fi
fi
if [ "$tcp_ok" = 1 ]; then
	ok "in the root: hello_client calls hello_server over ncacn_ip_tcp:127.0.0.1"
else
	not_ok "in the root: hello_client calls hello_server over ncacn_ip_tcp:127.0.0.1"
fi
mountpoint -q "$work/root/proc" && umount "$work/root/proc"
elapsed "root done"

# 6. dkms build of lrpc-dkms's tree against the guest's kernel headers,
# in private trees (the host's /var/lib/dkms is left alone).
mkdir -p "$work/dkms-pkg" "$work/dkms"
dpkg -x "$work/lrpc-dkms_${version}_all.deb" "$work/dkms-pkg"
ko=
if dkms add -m lrpc -v "$version" --sourcetree "$work/dkms-pkg/usr/src" \
		--dkmstree "$work/dkms" >"$work/dkms.log" 2>&1 &&
	dkms build -m lrpc -v "$version" -k "$krel" --sourcetree "$work/dkms-pkg/usr/src" \
		--dkmstree "$work/dkms" >>"$work/dkms.log" 2>&1; then
	ko=$(find "$work/dkms/lrpc/$version/$krel" -name 'lrpc.ko*' | head -1)
fi
if [ -n "$ko" ]; then
	grep -v '^$' "$work/dkms.log" | tail -8 | note || true
	/sbin/modinfo "$ko" | grep -E '^(filename|vermagic|description)' | note || true
	ok "dkms build lrpc/$version -k $krel"
else
	tail -30 "$work/dkms.log" | note || true
	find "$work/dkms" -name make.log -exec tail -30 {} \; 2>/dev/null | note || true
	not_ok "dkms build lrpc/$version -k $krel"
fi
elapsed "dkms done"

# 7. The DKMS-built module in the guest, used by the installed packages:
# lrpcstat, and the example over ncalrpc through /dev/lrpc.
if [ "${LRPC_PKG_NO_GUEST:-0}" = 1 ]; then
	skip "the DKMS-built lrpc.ko in the guest" "LRPC_PKG_NO_GUEST=1"
elif [ -z "$ko" ]; then
	not_ok "the DKMS-built lrpc.ko in the guest (no module)"
else
	cat >"$work/guest.sh" <<-EOF
	#!/bin/sh
	set -e
	root=$work/root
	ls -l /dev/lrpc
	mknod "\$root/dev/lrpc" c \$(tr : ' ' </sys/class/misc/lrpc/dev)
	chmod 666 "\$root/dev/lrpc"
	mountpoint -q "\$root/proc" || mount -t proc proc "\$root/proc"
	chroot "\$root" lrpcstat
	[ "$compiled" = 1 ] || exit 0
	chroot "\$root" /tmp/hello/hello_server 'ncalrpc:[pkghello]' >/tmp/server.out 2>&1 &
	for i in \$(seq 100); do grep -q '^ready' /tmp/server.out && break; sleep 0.1; done
	cat /tmp/server.out
	chroot "\$root" lrpcstat -p
	chroot "\$root" /tmp/hello/hello_client 'ncalrpc:[pkghello]'
	kill \$! 2>/dev/null || true
	wait 2>/dev/null || true
	umount "\$root/proc" 2>/dev/null || true
	EOF
	chmod +x "$work/guest.sh"
	if "$top/tools/guest/lrpc-guest" --module "$ko" --timeout 600 -- "$work/guest.sh" \
		>"$work/guest.log" 2>&1; then
		note <"$work/guest.log"
		ok "the DKMS-built lrpc.ko in the guest: lrpcstat, hello over ncalrpc"
	else
		note <"$work/guest.log"
		not_ok "the DKMS-built lrpc.ko in the guest: lrpcstat, hello over ncalrpc"
	fi
fi
elapsed "guest done"

# 2 (reported last): lintian's verdict
lrc=0
wait "$bg_lintian" || lrc=$?
errors=$(grep -c '^E:' "$work/lintian.log" || true)
grep -E '^[EWI]:' "$work/lintian.log" | note || true
echo "# lintian: $errors error(s), $(grep -c '^W:' "$work/lintian.log" || true) warning(s), $(grep -c '^I:' "$work/lintian.log" || true) info"
# lintian exits 1 for error tags, 2 when it could not judge
if [ "$errors" = 0 ] && [ "$lrc" = 0 ]; then
	ok "lintian: no errors"
else
	not_ok "lintian: no errors"
fi
echo "# pkg_test.sh: $((SECONDS - t0)) s"
# the root and the sources go when all went well
if [ "$failed" = 0 ] && unmount_root; then
	rm -rf "$work/root" "$work/upper" "$work/ovl" "$work/src"
fi
[ "$failed" = 0 ]
