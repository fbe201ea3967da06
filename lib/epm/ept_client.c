// SPDX-License-Identifier: MIT
/*
 * The ept interface, client side: registration of a server's endpoints,
 * resolution of partial bindings (ept_map), and walking any endpoint
 * mapper's entries (ept_lookup with entry-handle paging).
 *
 * The calls go through the client stubs lrpc-idl generates from
 * idl/epmapper.idl into the library (lib/stubs.mk, --client-no-report:
 * a failure is only in rpc_call_status(), never the program's failure
 * hook), offering NDR20: every endpoint mapper serves it.  The runtime
 * calls rpc_ep_resolve_binding() while a program's call connects (through
 * the resolver hook, runtime/resolver.h, wired in lib/engines.c), so the
 * [out] values go to an arena of their own (struct ept_call), copied out
 * and released before anything returns to the program.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "epm_int.h"
#include "runtime/runtime_int.h"
#include "epmapper.h"

#define EPM_PORT		"135"
#define EPM_TIMEOUT_MS		15000
#define EPM_WALK_MAX		1000000	/* entries, against a looping peer */

int rpc_ep_mapper_binding(const char *netaddr, char **out)
{
	const char *env = getenv("LRPC_EPMAPPER");
	struct rpc_string_binding sb = { 0 };

	*out = NULL;
	if (env && *env) {
		*out = strdup(env);
		return *out ? 0 : -ENOMEM;
	}
	sb.protseq = "ncacn_ip_tcp";
	sb.netaddr = (char *)(netaddr && *netaddr ? netaddr : "127.0.0.1");
	sb.endpoint = EPM_PORT;
	return rpc_string_binding_compose(&sb, out);
}

/* Append option name=value to sb. */
static int add_option(struct rpc_string_binding *sb, const char *name,
		      const char *value)
{
	struct rpc_binding_option *opts;

	opts = realloc(sb->options, (sb->noptions + 1) * sizeof(*opts));
	if (!opts)
		return -ENOMEM;
	sb->options = opts;
	opts[sb->noptions].name = strdup(name);
	opts[sb->noptions].value = strdup(value);
	if (!opts[sb->noptions].name || !opts[sb->noptions].value) {
		free(opts[sb->noptions].name);
		free(opts[sb->noptions].value);
		return -ENOMEM;
	}
	sb->noptions++;
	return 0;
}

/*
 * A binding handle to an endpoint mapper, offering NDR20 only.  Over
 * ncalrpc the mapper is trusted only when owned by root or by
 * $LRPC_EPM_UID (a uid or a user name), unless the binding names its
 * owner itself (server_uid=U): anybody can listen on a local name, and
 * a false mapper would send our clients to any server it likes.
 */
static int ep_open(const char *s, struct rpc_binding **out)
{
	struct rpc_string_binding *sb = NULL;
	const char *owner = getenv("LRPC_EPM_UID");
	char *full = NULL;
	int ret;

	*out = NULL;
	ret = rpc_string_binding_parse(s, &sb);
	if (ret)
		return ret;
	if (!rpc_string_binding_option(sb, "ndr20") &&
	    !rpc_string_binding_option(sb, "ndr64")) {
		ret = add_option(sb, "ndr20", "");
		if (ret)
			goto out;
	}
	if (!strcmp(sb->protseq, "ncalrpc") &&
	    !rpc_string_binding_option(sb, "server_uid")) {
		ret = add_option(sb, "server_uid", owner && *owner ? owner : "0");
		if (ret)
			goto out;
	}
	if (!sb->endpoint || !*sb->endpoint) {
		free(sb->endpoint);
		sb->endpoint = strdup(EPM_PORT);
		if (!sb->endpoint) {
			ret = -ENOMEM;
			goto out;
		}
	}
	ret = rpc_string_binding_compose(sb, &full);
	if (ret)
		goto out;
	ret = rpc_binding_from_string(full, out);
	if (!ret)
		rpc_binding_set_timeout(*out, EPM_TIMEOUT_MS);
out:
	free(full);
	rpc_string_binding_free(sb);
	return ret;
}

/* One generated stub call: its [out] values in an arena of their own. */
struct ept_call {
	struct ndr_arena *saved;
};

static void call_begin(struct ept_call *c)
{
	c->saved = __rpc_ss_swap_arena(NULL);
}

/* 0 or the call's failure (transport, fault) as -STATUS. */
static int call_ret(void)
{
	uint32_t st = rpc_call_status();

	return st ? -(int)st : 0;
}

static void call_end(struct ept_call *c)
{
	rpc_ss_release();
	__rpc_ss_swap_arena(c->saved);
}

/* The status an ept operation returned, as a return value. */
static int status_ret(uint32_t st)
{
	if (st == 0)
		return 0;
	if (st == RPC_EPM_STATUS_ACCESS_DENIED)
		return -EACCES;
	/* other Win32 errors (below rpc_s_*) have no name here */
	if (st < rpc_s_invalid_string_binding || st > 0x7fffffff)
		return -ept_s_cant_perform_op;
	return -(int)st;
}

static void free_entries(struct rpc_epm_entry *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free((void *)e[i].tower);
	free(e);
}

static int build_entries(const struct rpc_syntax_id *iface,
			 const char *const *bindings, size_t nbind,
			 const rpc_uuid_t *objects, size_t nobj,
			 const char *annotation, struct rpc_epm_entry **out,
			 size_t *nout)
{
	static const rpc_uuid_t nil;
	struct rpc_epm_entry *e;
	size_t i, j, n = 0, no = nobj ? nobj : 1;
	int ret;

	*out = NULL;
	*nout = 0;
	if (!iface || !bindings || !nbind || nbind * no > RPC_EPM_MAX_ENTS)
		return -EINVAL;
	e = calloc(nbind * no, sizeof(*e));
	if (!e)
		return -ENOMEM;
	for (i = 0; i < nbind; i++) {
		for (j = 0; j < no; j++) {
			uint8_t *t;
			size_t tl;

			ret = rpc_tower_from_binding(bindings[i], iface, NULL,
						     &t, &tl);
			if (ret) {
				free_entries(e, n);
				return ret;
			}
			e[n].tower = t;
			e[n].tower_len = tl;
			e[n].object = nobj ? objects[j] : nil;
			snprintf(e[n].annotation, sizeof(e[n].annotation),
				 "%s", annotation ? annotation : "");
			n++;
		}
	}
	*out = e;
	*nout = n;
	return 0;
}

/* Entries as ept_entry_t, the towers in memory of their own (free_ents). */
static ept_entry_t *to_ents(const struct rpc_epm_entry *e, size_t n)
{
	ept_entry_t *x;
	size_t i;

	x = calloc(n ? n : 1, sizeof(*x));
	if (!x)
		return NULL;
	for (i = 0; i < n; i++) {
		memcpy(&x[i].object, &e[i].object, sizeof(x[i].object));
		snprintf(x[i].annotation, sizeof(x[i].annotation), "%s",
			 e[i].annotation);
		if (!e[i].tower)
			continue;
		x[i].tower = malloc(sizeof(twr_t) + e[i].tower_len);
		if (!x[i].tower)
			goto fail;
		x[i].tower->tower_length = (uint32_t)e[i].tower_len;
		memcpy(x[i].tower->tower_octet_string, e[i].tower,
		       e[i].tower_len);
	}
	return x;
fail:
	while (i--)
		free(x[i].tower);
	free(x);
	return NULL;
}

static void free_ents(ept_entry_t *x, size_t n)
{
	size_t i;

	for (i = 0; x && i < n; i++)
		free(x[i].tower);
	free(x);
}

static int ep_change(uint16_t opnum, bool replace,
		     const struct rpc_syntax_id *iface,
		     const char *const *bindings, size_t nbind,
		     const rpc_uuid_t *objects, size_t nobj,
		     const char *annotation)
{
	struct rpc_epm_entry *e = NULL;
	struct rpc_binding *b = NULL;
	ept_entry_t *x = NULL;
	struct ept_call c;
	char *eps = NULL;
	size_t n = 0, i;
	error_status_t st;
	int ret;

	ret = build_entries(iface, bindings, nbind, objects, nobj, annotation,
			    &e, &n);
	if (!ret)
		ret = rpc_ep_mapper_binding(NULL, &eps);
	if (!ret)
		ret = ep_open(eps, &b);
	if (ret)
		goto out;
	x = to_ents(e, n);
	if (!x) {
		ret = -ENOMEM;
		goto out;
	}
	/* delete one at a time: entries a replace already removed are not
	 * an error for unregister */
	for (i = 0; i < (opnum == EPT_OP_DELETE ? n : 1); i++) {
		st = 0;
		call_begin(&c);
		if (opnum == EPT_OP_DELETE)
			__rpc_c_ept_delete(b, 1, &x[i], &st);
		else
			__rpc_c_ept_insert(b, (uint32_t)n, x, replace, &st);
		ret = call_ret();
		call_end(&c);
		if (!ret)
			ret = status_ret(st);
		if (ret == -ept_s_not_registered && opnum == EPT_OP_DELETE)
			ret = 0;
		if (ret)
			goto out;
	}
out:
	rpc_binding_free(b);
	free(eps);
	free_ents(x, n);
	free_entries(e, n);
	return ret;
}

int rpc_ep_register(const struct rpc_syntax_id *iface,
		    const char *const *bindings, size_t nbind,
		    const rpc_uuid_t *objects, size_t nobj,
		    const char *annotation)
{
	return ep_change(EPT_OP_INSERT, true, iface, bindings, nbind,
			 objects, nobj, annotation);
}

int rpc_ep_register_no_replace(const struct rpc_syntax_id *iface,
			       const char *const *bindings, size_t nbind,
			       const rpc_uuid_t *objects, size_t nobj,
			       const char *annotation)
{
	return ep_change(EPT_OP_INSERT, false, iface, bindings, nbind,
			 objects, nobj, annotation);
}

int rpc_ep_unregister(const struct rpc_syntax_id *iface,
		      const char *const *bindings, size_t nbind,
		      const rpc_uuid_t *objects, size_t nobj)
{
	return ep_change(EPT_OP_DELETE, false, iface, bindings, nbind,
			 objects, nobj, NULL);
}

/* End a search the server still holds a cursor for. */
static void handle_free(struct rpc_binding *b, ept_lookup_handle_t *h)
{
	struct ept_call c;
	error_status_t st;

	if (!*h)
		return;
	call_begin(&c);
	__rpc_c_ept_lookup_handle_free(b, h, &st);
	call_end(&c);
	/* a server gone or refusing: forget the handle here */
	if (*h)
		rpc_ss_destroy_client_context(h);
}

int rpc_ep_resolve_binding(const struct rpc_string_binding *sb,
			   const struct rpc_syntax_id *iface,
			   const rpc_uuid_t *object, char **endpoint)
{
	struct rpc_string_binding part = { 0 };
	struct rpc_binding *b = NULL;
	ept_lookup_handle_t h = NULL;
	twr_p_t towers[4] = { 0 };
	twr_t *tw = NULL;
	struct ept_call c;
	rpc_uuid_t obj = { 0 };
	char *eps = NULL, *ps = NULL;
	uint8_t *tower = NULL;
	size_t tower_len;
	uint32_t n = 0, i;
	error_status_t st = 0;
	int ret;

	*endpoint = NULL;
	if (!sb || !sb->protseq || !iface)
		return -EINVAL;
	if (object)
		obj = *object;
	else if (sb->objuuid && *sb->objuuid &&
		 (ret = rpc_uuid_parse(sb->objuuid, &obj)))
		return ret;
	part.protseq = sb->protseq;
	part.netaddr = sb->netaddr ? sb->netaddr : "";
	ret = rpc_string_binding_compose(&part, &ps);
	if (!ret)
		ret = rpc_tower_from_binding(ps, iface, NULL, &tower,
					     &tower_len);
	if (!ret)
		ret = rpc_ep_mapper_binding(strcmp(sb->protseq, "ncalrpc") ?
					    sb->netaddr : NULL, &eps);
	if (!ret)
		ret = ep_open(eps, &b);
	if (ret)
		goto out;
	tw = malloc(sizeof(*tw) + tower_len);
	if (!tw) {
		ret = -ENOMEM;
		goto out;
	}
	tw->tower_length = (uint32_t)tower_len;
	memcpy(tw->tower_octet_string, tower, tower_len);
	call_begin(&c);
	__rpc_c_ept_map(b, (dce_uuid_t *)&obj, tw, &h, 4, &n, towers, &st);
	ret = call_ret();
	if (!ret && n > 4)
		ret = -rpc_x_bad_stub_data;
	if (!ret && st && st != ept_s_not_registered)
		ret = status_ret(st);
	if (!ret)
		ret = -ept_s_not_registered;
	for (i = 0; ret == -ept_s_not_registered && i < n; i++) {
		struct rpc_tower_info info;

		if (!towers[i] ||
		    rpc_tower_decode(towers[i]->tower_octet_string,
				     towers[i]->tower_length, &info) ||
		    strcmp(info.protseq, sb->protseq) || !info.endpoint[0])
			continue;
		*endpoint = strdup(info.endpoint);
		ret = *endpoint ? 0 : -ENOMEM;
	}
	call_end(&c);
	handle_free(b, &h);
out:
	rpc_binding_free(b);
	free(tw);
	free(tower);
	free(eps);
	free(ps);
	return ret;
}

int rpc_ep_resolve(const char *binding, const struct rpc_syntax_id *iface,
		   char **out)
{
	struct rpc_string_binding *sb = NULL;
	char *ep = NULL;
	int ret;

	*out = NULL;
	ret = rpc_string_binding_parse(binding, &sb);
	if (ret)
		return ret;
	if (sb->endpoint && *sb->endpoint) {
		*out = strdup(binding);
		ret = *out ? 0 : -ENOMEM;
		goto out;
	}
	ret = rpc_ep_resolve_binding(sb, iface, NULL, &ep);
	if (ret)
		goto out;
	free(sb->endpoint);
	sb->endpoint = ep;
	ret = rpc_string_binding_compose(sb, out);
out:
	rpc_string_binding_free(sb);
	return ret;
}

/* One page of ept_lookup, copied out of the call's memory: res[] are
 * malloc()ed (rpc_epdb_results_free).  The wire status in *st. */
static int lookup_page(struct rpc_binding *b, ept_lookup_handle_t *h,
		       uint32_t max_ents, struct rpc_epdb_result *res,
		       uint32_t *np, error_status_t *st)
{
	ept_entry_t *x;
	struct ept_call c;
	uint32_t n = 0, i;
	int ret;

	*np = 0;
	*st = 0;
	x = calloc(max_ents, sizeof(*x));
	if (!x)
		return -ENOMEM;
	call_begin(&c);
	__rpc_c_ept_lookup(b, RPC_EP_ALL_ELTS, NULL, NULL, RPC_VERS_ALL, h,
			   max_ents, &n, x, st);
	ret = call_ret();
	if (!ret && n > max_ents)
		ret = -rpc_x_bad_stub_data;
	for (i = 0; !ret && i < n; i++) {
		memcpy(&res[i].object, &x[i].object, sizeof(res[i].object));
		snprintf(res[i].annotation, sizeof(res[i].annotation), "%.*s",
			 (int)sizeof(x[i].annotation) - 1, x[i].annotation);
		if (!x[i].tower)
			continue;
		res[i].tower = malloc(x[i].tower->tower_length ?
				      x[i].tower->tower_length : 1);
		if (!res[i].tower) {
			ret = -ENOMEM;
			break;
		}
		memcpy(res[i].tower, x[i].tower->tower_octet_string,
		       x[i].tower->tower_length);
		res[i].tower_len = x[i].tower->tower_length;
	}
	call_end(&c);
	free(x);
	if (ret) {
		rpc_epdb_results_free(res, max_ents);
		return ret;
	}
	*np = n;
	return 0;
}

int rpc_ep_walk(const char *ep_binding, uint32_t max_ents,
		rpc_ep_walk_fn fn, void *arg)
{
	struct rpc_epdb_result *res = NULL;
	struct rpc_binding *b = NULL;
	ept_lookup_handle_t h = NULL;
	uint32_t total = 0;
	int ret;

	if (!max_ents || max_ents > RPC_EPM_MAX_ENTS)
		max_ents = 100;
	ret = ep_open(ep_binding, &b);
	if (ret)
		goto out;
	res = calloc(max_ents, sizeof(*res));
	if (!res) {
		ret = -ENOMEM;
		goto out;
	}
	for (;;) {
		error_status_t st;
		uint32_t n = 0, i;

		memset(res, 0, max_ents * sizeof(*res));
		ret = lookup_page(b, &h, max_ents, res, &n, &st);
		if (ret)
			break;
		for (i = 0; i < n && !ret; i++) {
			char *s = NULL;

			if (res[i].tower)
				rpc_tower_to_binding(res[i].tower,
						     res[i].tower_len,
						     &res[i].object, &s);
			ret = fn(arg, &res[i], s);
			free(s);
		}
		rpc_epdb_results_free(res, n);
		total += n;
		if (ret)
			break;
		if (st == ept_s_not_registered || (!st && !h)) {
			ret = (int)total;
			break;
		}
		if (st) {
			ret = status_ret(st);
			break;
		}
		if (n == 0 || total > EPM_WALK_MAX) {
			/* a live handle and nothing returned: stop looping */
			ret = (int)total;
			break;
		}
	}
out:
	handle_free(b, &h);
	rpc_binding_free(b);
	free(res);
	return ret;
}
