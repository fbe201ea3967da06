// SPDX-License-Identifier: MIT
/*
 * The authentication API: auth settings of a binding handle, the auth
 * info and minimum level of a server, per-interface security callbacks,
 * and what a manager may learn of its caller.  The engines carry it out
 * (engine/co/co_sec.c with the providers of auth/); this file only keeps
 * the settings and answers from what the engine established.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "runtime/binding.h"
#include "runtime/server_int.h"

static int dup_opt(const char *s, char **out)
{
	*out = NULL;
	if (s && !(*out = strdup(s)))
		return -ENOMEM;
	return 0;
}

void __rpc_binding_auth_free(struct binding_auth *a)
{
	free(a->server_princ);
	free(a->user);
	free(a->domain);
	if (a->password) {
		explicit_bzero(a->password, strlen(a->password));
		free(a->password);
	}
	memset(a, 0, sizeof(*a));
}

static int auth_dup(const struct binding_auth *in, struct binding_auth *out)
{
	memset(out, 0, sizeof(*out));
	out->authn_svc = in->authn_svc;
	out->level = in->level;
	if (dup_opt(in->server_princ, &out->server_princ) ||
	    dup_opt(in->user, &out->user) ||
	    dup_opt(in->domain, &out->domain) ||
	    dup_opt(in->password, &out->password)) {
		__rpc_binding_auth_free(out);
		return -ENOMEM;
	}
	return 0;
}

int __rpc_binding_auth_copy(struct rpc_binding *b, struct binding_auth *out)
{
	int ret = 1;

	pthread_mutex_lock(&b->opts_lock);
	if (b->auth)
		ret = auth_dup(b->auth, out);
	pthread_mutex_unlock(&b->opts_lock);
	return ret;
}

int rpc_binding_set_auth_info(struct rpc_binding *b, const char *server_princ,
			      unsigned int level, unsigned int authn_svc,
			      const struct rpc_winnt_identity *id)
{
	struct binding_auth n = { 0 }, *a = NULL, *old;
	int ret;

	if (!b || level > RPC_C_AUTHN_LEVEL_PKT_PRIVACY)
		return -EINVAL;
	if (authn_svc == RPC_C_AUTHN_DEFAULT)
		authn_svc = RPC_C_AUTHN_GSS_NEGOTIATE;
	if (authn_svc > 0xff)
		return -rpc_s_unknown_authn_service;
	if (level == RPC_C_AUTHN_LEVEL_DEFAULT)
		level = RPC_C_AUTHN_LEVEL_PKT_INTEGRITY;
	if (level == RPC_C_AUTHN_LEVEL_CALL)
		level = RPC_C_AUTHN_LEVEL_PKT;
	if (authn_svc != RPC_C_AUTHN_NONE && level > RPC_C_AUTHN_LEVEL_NONE) {
		if (!__rpc_authn_supported(authn_svc))
			return -rpc_s_unknown_authn_service;
		n.authn_svc = (uint8_t)authn_svc;
		n.level = (uint8_t)level;
		n.server_princ = (char *)server_princ;
		if (id) {
			n.user = (char *)id->user;
			n.domain = (char *)id->domain;
			n.password = (char *)id->password;
		}
		a = malloc(sizeof(*a));
		if (!a)
			return -ENOMEM;
		ret = auth_dup(&n, a);
		if (ret < 0) {
			free(a);
			return ret;
		}
	}
	pthread_mutex_lock(&b->opts_lock);
	old = b->auth;
	b->auth = a;
	pthread_mutex_unlock(&b->opts_lock);
	if (old) {
		__rpc_binding_auth_free(old);
		free(old);
	}
	/* the next call authenticates on a new connection */
	rpc_binding_reset(b);
	return 0;
}

int rpc_binding_inq_auth_info(const struct rpc_binding *b, unsigned int *level,
			      unsigned int *authn_svc)
{
	struct rpc_binding *w = (struct rpc_binding *)b;
	int ret = 0;

	if (!b)
		return -EINVAL;
	pthread_mutex_lock(&w->opts_lock);
	if (!b->auth) {
		ret = -rpc_s_binding_has_no_auth;
	} else {
		if (level)
			*level = b->auth->level;
		if (authn_svc)
			*authn_svc = b->auth->authn_svc;
	}
	pthread_mutex_unlock(&w->opts_lock);
	return ret;
}

/* ---- the server ---------------------------------------------------------- */

int rpc_server_register_auth_info(struct rpc_server *srv, const char *principal,
				  unsigned int authn_svc, const char *keytab)
{
	struct srv_auth a = { 0 };
	int i, ret = 0;

	if (!srv || authn_svc == RPC_C_AUTHN_NONE)
		return -EINVAL;
	if (authn_svc == RPC_C_AUTHN_DEFAULT)
		authn_svc = RPC_C_AUTHN_GSS_NEGOTIATE;
	if (authn_svc > 0xff || !__rpc_authn_supported(authn_svc))
		return -rpc_s_unknown_authn_service;
	a.authn_svc = (uint8_t)authn_svc;
	if (dup_opt(principal, &a.principal) || dup_opt(keytab, &a.keytab)) {
		__rpc_srv_auth_free(&a);
		return -ENOMEM;
	}
	pthread_mutex_lock(&srv->lock);
	for (i = 0; i < srv->nauth; i++)
		if (srv->auth[i].authn_svc == a.authn_svc)
			break;
	if (i == SRV_MAX_AUTH) {
		ret = -ENOSPC;
	} else {
		if (i < srv->nauth)
			__rpc_srv_auth_free(&srv->auth[i]);
		else
			srv->nauth++;
		srv->auth[i] = a;
	}
	pthread_mutex_unlock(&srv->lock);
	if (ret < 0)
		__rpc_srv_auth_free(&a);
	return ret;
}

void __rpc_srv_auth_free(struct srv_auth *a)
{
	free(a->principal);
	free(a->keytab);
	memset(a, 0, sizeof(*a));
}

int __rpc_srv_auth_get(struct rpc_server *srv, uint8_t authn_svc,
		       struct srv_auth *out)
{
	int i, ret = -rpc_s_unknown_authn_service;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&srv->lock);
	for (i = 0; i < srv->nauth; i++) {
		const struct srv_auth *a = &srv->auth[i];

		if (a->authn_svc != authn_svc)
			continue;
		out->authn_svc = authn_svc;
		ret = dup_opt(a->principal, &out->principal) ||
		      dup_opt(a->keytab, &out->keytab) ? -ENOMEM : 0;
		break;
	}
	pthread_mutex_unlock(&srv->lock);
	if (ret < 0)
		__rpc_srv_auth_free(out);
	return ret;
}

int rpc_server_set_min_auth_level(struct rpc_server *srv, unsigned int level)
{
	if (!srv || level > RPC_C_AUTHN_LEVEL_PKT_PRIVACY)
		return -EINVAL;
	if (level == RPC_C_AUTHN_LEVEL_CALL)
		level = RPC_C_AUTHN_LEVEL_PKT;
	__atomic_store_n(&srv->min_auth_level, (uint8_t)level,
			 __ATOMIC_RELAXED);
	return 0;
}

int rpc_server_register_if_callback(struct rpc_server *srv,
				    const struct rpc_interface *iface,
				    rpc_if_callback_fn fn, void *arg)
{
	int i, ret;

	if (!srv || !iface)
		return -EINVAL;
	for (;;) {
		pthread_mutex_lock(&srv->lock);
		for (i = 0; i < srv->nifs; i++)
			if (srv->ifs[i].iface == iface) {
				srv->ifs[i].callback = fn;
				srv->ifs[i].callback_arg = arg;
				pthread_mutex_unlock(&srv->lock);
				return 0;
			}
		pthread_mutex_unlock(&srv->lock);
		ret = rpc_server_register_if(srv, iface);
		if (ret < 0)
			return ret;
	}
}

/* The level a call counts as: local callers are vouched for by the
 * kernel or the socket, as private as a call can be. */
static unsigned int call_level(const struct rpc_call_ctx *call)
{
	if (call->auth)
		return call->auth->level;
	if (rpc_call_ctx_peer_cred(call, NULL, NULL, NULL) == 0)
		return RPC_C_AUTHN_LEVEL_PKT_PRIVACY;
	return RPC_C_AUTHN_LEVEL_NONE;
}

uint32_t __rpc_call_admit(struct rpc_call_ctx *call)
{
	uint8_t min = __atomic_load_n(&call->srv->min_auth_level,
				      __ATOMIC_RELAXED);
	int ret;

	if (min > RPC_C_AUTHN_LEVEL_NONE && call_level(call) < min)
		return rpc_s_access_denied;
	if (!call->iface.callback)
		return 0;
	ret = call->iface.callback(call, call->iface.callback_arg);
	if (!ret)
		return 0;
	if (ret < 0)
		ret = -ret;
	return ret == 1 ? rpc_s_access_denied : (uint32_t)ret;
}

int rpc_call_ctx_inq_auth(const struct rpc_call_ctx *call,
			  struct rpc_call_auth *out)
{
	uid_t uid;

	if (!call || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (call->auth) {
		out->authn_svc = call->auth->authn_svc;
		out->level = call->auth->level;
		if (call->auth->principal)
			snprintf(out->principal, sizeof(out->principal), "%s",
				 call->auth->principal);
		return 0;
	}
	if (rpc_call_ctx_peer_cred(call, NULL, &uid, NULL) == 0) {
		struct passwd pw, *r = NULL;
		char buf[1024];

		out->authn_svc = RPC_C_AUTHN_LOCAL;
		out->level = RPC_C_AUTHN_LEVEL_PKT_PRIVACY;
		if (!getpwuid_r(uid, &pw, buf, sizeof(buf), &r) && r)
			snprintf(out->principal, sizeof(out->principal), "%s",
				 pw.pw_name);
		else
			snprintf(out->principal, sizeof(out->principal),
				 "uid=%u", (unsigned int)uid);
		return 0;
	}
	return -rpc_s_binding_has_no_auth;
}

/* ---- names --------------------------------------------------------------- */

static const struct {
	const char *name;
	unsigned int value;
} svc_names[] = {
	{ "none", RPC_C_AUTHN_NONE },
	{ "spnego", RPC_C_AUTHN_GSS_NEGOTIATE },
	{ "negotiate", RPC_C_AUTHN_GSS_NEGOTIATE },
	{ "ntlm", RPC_C_AUTHN_WINNT },
	{ "winnt", RPC_C_AUTHN_WINNT },
	{ "krb5", RPC_C_AUTHN_GSS_KERBEROS },
	{ "kerberos", RPC_C_AUTHN_GSS_KERBEROS },
	{ "local", RPC_C_AUTHN_LOCAL },
	{ "default", RPC_C_AUTHN_DEFAULT },
}, level_names[] = {
	{ "default", RPC_C_AUTHN_LEVEL_DEFAULT },
	{ "none", RPC_C_AUTHN_LEVEL_NONE },
	{ "connect", RPC_C_AUTHN_LEVEL_CONNECT },
	{ "call", RPC_C_AUTHN_LEVEL_CALL },
	{ "packet", RPC_C_AUTHN_LEVEL_PKT },
	{ "pkt", RPC_C_AUTHN_LEVEL_PKT },
	{ "integrity", RPC_C_AUTHN_LEVEL_PKT_INTEGRITY },
	{ "sign", RPC_C_AUTHN_LEVEL_PKT_INTEGRITY },
	{ "privacy", RPC_C_AUTHN_LEVEL_PKT_PRIVACY },
	{ "seal", RPC_C_AUTHN_LEVEL_PKT_PRIVACY },
};

#define NNAMES(a) (sizeof(a) / sizeof((a)[0]))

static int from_name(const char *name, const __typeof__(svc_names[0]) *t,
		     size_t n, unsigned int max)
{
	unsigned long v;
	char *end;
	size_t i;

	if (!name || !*name)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (!strcasecmp(name, t[i].name))
			return (int)(t[i].value & 0x7fffffff);
	v = strtoul(name, &end, 0);
	return *end || v > max ? -EINVAL : (int)v;
}

int rpc_authn_svc_from_name(const char *name)
{
	int v = from_name(name, svc_names, NNAMES(svc_names), 0xff);

	/* "default" (0xffffffff) does not fit an int: SPNEGO, as it means */
	return v == 0x7fffffff ? RPC_C_AUTHN_GSS_NEGOTIATE : v;
}

int rpc_auth_level_from_name(const char *name)
{
	return from_name(name, level_names, NNAMES(level_names),
			 RPC_C_AUTHN_LEVEL_PKT_PRIVACY);
}

int rpc_winnt_identity_parse(char *name, struct rpc_winnt_identity *id)
{
	char *sep;

	if (!name || !id)
		return -EINVAL;
	sep = strchr(name, '\\');
	if (sep && (sep == name || strchr(sep + 1, '\\')))
		return -EINVAL;
	if (sep)
		*sep = 0;
	id->domain = sep ? name : NULL;
	id->user = sep ? sep + 1 : name;
	return *id->user ? 0 : -EINVAL;
}

const char *rpc_authn_svc_name(unsigned int authn_svc)
{
	size_t i;

	for (i = 0; i < NNAMES(svc_names); i++)
		if (svc_names[i].value == authn_svc)
			return svc_names[i].name;
	return "unknown";
}

const char *rpc_auth_level_name(unsigned int level)
{
	size_t i;

	for (i = 0; i < NNAMES(level_names); i++)
		if (level_names[i].value == level)
			return level_names[i].name;
	return "unknown";
}
