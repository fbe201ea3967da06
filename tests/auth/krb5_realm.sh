#!/bin/bash
# SPDX-License-Identifier: MIT
#
# A throwaway Kerberos realm for the GSSAPI tests: an MIT KDC on
# 127.0.0.1, its database, a user, two service principals and their
# keytab, all under one temporary directory.
#
# Sourced by a test script:
#
#   . tests/auth/krb5_realm.sh
#   krb5_realm_start || exit 4        # 4: skip (no krb5kdc) or failure
#   ...                               # the variables below are exported
#   krb5_realm_stop                   # also run by the EXIT trap it sets
#                                     # (sourcing replaces an EXIT trap)
#
# Run by a C test (or by hand), the realm outliving the script:
#
#   tests/auth/krb5_realm.sh start DIR   # DIR/env: the variables, as
#                                        # NAME=value lines
#   tests/auth/krb5_realm.sh stop DIR    # kill the KDC, remove DIR
#
# Exported: KRB5_CONFIG, KRB5_KDC_PROFILE, KRB5CCNAME (a private cache
# the user is kinit'ed into), KRB5_KTNAME (the service keytab),
# KRB5RCACHEDIR, KRB5_REALM (LRPC.TEST), KRB5_REALM_DIR, KRB5_REALM_PORT,
# KRB5_USER/KRB5_USER_PASSWORD ("lrpcuser@LRPC.TEST"), KRB5_SERVICE
# ("host/localhost@LRPC.TEST"), KRB5_SERVICE2 ("rpc/localhost@LRPC.TEST").
#
# The KDC runs under timeout(1) (KRB5_REALM_TTL seconds, default 600), so
# a test that dies without stopping it leaves nothing running for long.
# Exit / return status: 0 started, 4 the KDC tools are not installed
# (the kselftest skip code), 1 anything else.

_krb5_realm_log() { echo "# krb5_realm: $*" >&2; }

# A port below 32768 (Linux hands out ephemeral ports above it, so no
# client socket takes it meanwhile) that nothing listens on, UDP or TCP.
_krb5_realm_port() {
	local p i used
	used=$(ss -Hlnut 2>/dev/null | awk '{print $5}' | sed 's/.*://')
	for i in $(seq 1 50); do
		p=$((20000 + RANDOM % 12000))
		grep -qx "$p" <<<"$used" || { echo "$p"; return 0; }
	done
	return 1
}

krb5_realm_start() {
	local d realm=LRPC.TEST port i sbin=/usr/sbin

	for i in krb5kdc kdb5_util kadmin.local; do
		if ! command -v "$i" >/dev/null 2>&1 && [ ! -x "$sbin/$i" ]; then
			_krb5_realm_log "$i not installed (krb5-kdc, krb5-admin-server)"
			return 4
		fi
	done
	command -v kinit >/dev/null 2>&1 || { _krb5_realm_log "no kinit (krb5-user)"; return 4; }
	PATH=$PATH:$sbin

	d=${1:-$(mktemp -d /tmp/lrpc-krb5.XXXXXX)} || return 1
	mkdir -p "$d" || return 1
	port=$(_krb5_realm_port) || { _krb5_realm_log "no free port"; return 1; }
	# DNS and reverse lookups off: the realm must not depend on the
	# resolver, and "localhost" must stay "localhost" in principals.
	cat >"$d/krb5.conf" <<-EOF
	[libdefaults]
		default_realm = $realm
		dns_lookup_kdc = false
		dns_lookup_realm = false
		dns_canonicalize_hostname = false
		rdns = false
		udp_preference_limit = 1
	[realms]
		$realm = {
			kdc = 127.0.0.1:$port
		}
	[domain_realm]
		localhost = $realm
	EOF
	cat >"$d/kdc.conf" <<-EOF
	[kdcdefaults]
		kdc_ports = $port
		kdc_tcp_ports = $port
	[realms]
		$realm = {
			database_name = $d/principal
			key_stash_file = $d/stash
			acl_file = $d/kadm5.acl
			kdc_listen = 127.0.0.1:$port
			kdc_tcp_listen = 127.0.0.1:$port
			max_life = 1h
		}
	[logging]
		kdc = FILE:$d/kdc.log
	EOF
	: >"$d/kadm5.acl"
	export KRB5_CONFIG=$d/krb5.conf KRB5_KDC_PROFILE=$d/kdc.conf
	export KRB5CCNAME=FILE:$d/ccache KRB5_KTNAME=FILE:$d/keytab
	export KRB5RCACHEDIR=$d KRB5_REALM=$realm KRB5_REALM_DIR=$d
	export KRB5_REALM_PORT=$port
	export KRB5_USER=lrpcuser@$realm KRB5_USER_PASSWORD=lrpc-Pass1
	export KRB5_SERVICE=host/localhost@$realm
	export KRB5_SERVICE2=rpc/localhost@$realm

	{
		kdb5_util create -s -r "$realm" -P lrpc-master-pw &&
		kadmin.local -r "$realm" -q "addprinc -pw $KRB5_USER_PASSWORD $KRB5_USER" &&
		kadmin.local -r "$realm" -q "addprinc -randkey $KRB5_SERVICE" &&
		kadmin.local -r "$realm" -q "addprinc -randkey $KRB5_SERVICE2" &&
		kadmin.local -r "$realm" -q "ktadd -k $d/keytab $KRB5_SERVICE $KRB5_SERVICE2"
	} >"$d/setup.log" 2>&1 || {
		_krb5_realm_log "database setup failed:"; sed 's/^/#   /' "$d/setup.log" >&2
		rm -rf "$d"; return 1
	}
	# setsid: a process group of its own, so stop kills exactly it
	setsid timeout -k 2 "${KRB5_REALM_TTL:-600}" krb5kdc -n -r "$realm" \
		</dev/null >>"$d/kdc.log" 2>&1 &
	echo $! >"$d/kdc.pid"
	for i in $(seq 1 50); do
		echo "$KRB5_USER_PASSWORD" | kinit "$KRB5_USER" >/dev/null 2>&1 &&
			break
		sleep 0.2
	done
	if ! klist -s; then
		_krb5_realm_log "KDC did not answer on 127.0.0.1:$port:"
		sed 's/^/#   /' "$d/kdc.log" >&2
		krb5_realm_stop
		return 1
	fi
	env | grep -E '^KRB5(_|CCNAME|RCACHEDIR)' >"$d/env"
	return 0
}

krb5_realm_stop() {
	local d=${1:-${KRB5_REALM_DIR:-}} pid

	[ -n "$d" ] && [ -d "$d" ] || return 0
	if [ -f "$d/kdc.pid" ]; then
		pid=$(cat "$d/kdc.pid")
		kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL -- "-$pid" 2>/dev/null
	fi
	case "$d" in /tmp/lrpc-krb5.*|"${KRB5_REALM_DIR:-}") rm -rf "$d" ;; esac
	[ "$d" = "${KRB5_REALM_DIR:-}" ] && unset KRB5_REALM_DIR
	return 0
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -u
	case "${1:-}" in
	start)
		# the caller's DIR must be new: stop removes it
		[ $# -ge 2 ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
		krb5_realm_start "$2"
		;;
	stop)
		[ $# -ge 2 ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
		KRB5_REALM_DIR=$2 krb5_realm_stop "$2"
		;;
	*)
		echo "usage: $0 start|stop DIR" >&2
		exit 2
		;;
	esac
else
	trap 'krb5_realm_stop' EXIT
fi
