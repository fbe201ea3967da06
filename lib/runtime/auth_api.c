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

	pthread_mutex_lock(&b->setup);
	if (b->auth)
		ret = auth_dup(b->auth, out);
	pthread_mutex_unlock(&b->setup);
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
	pthread_mutex_lock(&b->setup);
	old = b->auth;
	b->auth = a;
	pthread_mutex_unlock(&b->setup);
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
	pthread_mutex_lock(&w->setup);
	if (!b->auth) {
		ret = -rpc_s_binding_has_no_auth;
	} else {
		if (level)
			*level = b->auth->level;
		if (authn_svc)
			*authn_svc = b->auth->authn_svc;
	}
	pthread_mutex_unlock(&w->setup);
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
		return nca_s_fault_access_denied;
	if (!call->iface.callback)
		return 0;
	ret = call->iface.callback(call, call->iface.callback_arg);
	if (!ret)
		return 0;
	if (ret < 0)
		ret = -ret;
	return ret == 1 ? nca_s_fault_access_denied : (uint32_t)ret;
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
