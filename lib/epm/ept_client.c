// SPDX-License-Identifier: MIT
/*
 * The ept interface, client side: registration of a server's endpoints,
 * resolution of partial bindings (ept_map), and walking any endpoint
 * mapper's entries (ept_lookup with entry-handle paging).
 *
 * The calls go through rpc_call_raw() in NDR20: every endpoint mapper
 * serves NDR20, and the runtime calls rpc_ep_resolve_binding() while it
 * connects (through the resolver hook, runtime/resolver.h, wired in
 * client_engines.c), so this file must not need generated stubs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "epm_int.h"

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

/* One raw call; r reads the reply (call __epm_rd_init on rep first). */
static int ept_call(struct rpc_binding *b, uint16_t opnum,
		    const struct ndr_buf *in, struct rpc_reply *rep,
		    struct epm_rd *r)
{
	int ret;

	memset(rep, 0, sizeof(*rep));
	ret = rpc_call_raw(b, &rpc_epm_syntax, opnum, in->data, in->len, rep);
	if (ret)
		return ret;
	__epm_rd_init(r, rep->data, rep->len, !(rep->drep[0] & 0x10));
	return 0;
}

static bool big_endian_of(struct rpc_binding *b)
{
	int syn = rpc_binding_syntax(b, &rpc_epm_syntax);

	if (syn < 0 || syn != NDR_SYNTAX_NDR20)
		return false;
	return rpc_binding_big_endian(b);
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

static int check_syntax(struct rpc_binding *b)
{
	int syn = rpc_binding_syntax(b, &rpc_epm_syntax);

	if (syn < 0)
		return syn;
	return syn == NDR_SYNTAX_NDR20 ? 0 : -rpc_s_unsupported_trans_syn;
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

static int ep_change(uint16_t opnum, bool replace,
		     const struct rpc_syntax_id *iface,
		     const char *const *bindings, size_t nbind,
		     const rpc_uuid_t *objects, size_t nobj,
		     const char *annotation)
{
	struct rpc_epm_entry *e = NULL;
	struct rpc_binding *b = NULL;
	struct rpc_reply rep;
	struct ndr_buf in;
	struct epm_wr w;
	struct epm_rd r;
	char *eps = NULL;
	size_t n = 0, i;
	uint32_t st;
	int ret;

	ndr_buf_init(&in);
	ret = build_entries(iface, bindings, nbind, objects, nobj, annotation,
			    &e, &n);
	if (!ret)
		ret = rpc_ep_mapper_binding(NULL, &eps);
	if (!ret)
		ret = ep_open(eps, &b);
	if (!ret)
		ret = check_syntax(b);
	if (ret)
		goto out;
	/* delete one at a time: entries a replace already removed are not
	 * an error for unregister */
	for (i = 0; i < (opnum == EPT_OP_DELETE ? n : 1); i++) {
		in.len = 0;
		__epm_wr_init(&w, &in, big_endian_of(b));
		if (opnum == EPT_OP_DELETE) {
			__ept_enc_entries(&w, &e[i], 1);
		} else {
			__ept_enc_entries(&w, e, (uint32_t)n);
			__epm_wr_u32(&w, replace);
		}
		if (w.bad) {
			ret = -ENOMEM;
			goto out;
		}
		ret = ept_call(b, opnum, &in, &rep, &r);
		if (ret)
			goto out;
		st = __epm_rd_u32(&r);
		ret = r.bad ? -rpc_x_bad_stub_data : status_ret(st);
		rpc_reply_release(&rep);
		if (ret == -ept_s_not_registered && opnum == EPT_OP_DELETE)
			ret = 0;
		if (ret)
			goto out;
	}
out:
	rpc_binding_free(b);
	free(eps);
	free_entries(e, n);
	ndr_buf_release(&in);
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

static void handle_free(struct rpc_binding *b, struct ndr_context_handle *h)
{
	static const struct ndr_context_handle zero;
	struct rpc_reply rep;
	struct ndr_buf in;
	struct epm_wr w;
	struct epm_rd r;

	if (!memcmp(h, &zero, sizeof(zero)))
		return;
	ndr_buf_init(&in);
	__epm_wr_init(&w, &in, big_endian_of(b));
	__ept_enc_handle(&w, h);
	if (!w.bad && !ept_call(b, EPT_OP_LOOKUP_HANDLE_FREE, &in, &rep, &r))
		rpc_reply_release(&rep);
	ndr_buf_release(&in);
	memset(h, 0, sizeof(*h));
}

int rpc_ep_resolve_binding(const struct rpc_string_binding *sb,
			   const struct rpc_syntax_id *iface,
			   const rpc_uuid_t *object, char **endpoint)
{
	struct rpc_string_binding part = { 0 };
	struct rpc_epdb_result *res = NULL;
	struct ept_map_in min = { 0 };
	struct rpc_binding *b = NULL;
	struct rpc_reply rep;
	struct ndr_buf in;
	struct epm_wr w;
	struct epm_rd r;
	rpc_uuid_t obj = { 0 };
	char *eps = NULL, *ps = NULL;
	uint8_t *tower = NULL;
	size_t tower_len;
	uint32_t n = 0, st = 0, i;
	int ret;

	*endpoint = NULL;
	ndr_buf_init(&in);
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
	if (!ret)
		ret = check_syntax(b);
	if (ret)
		goto out;
	min.has_object = true;
	min.object = obj;
	min.tower = tower;
	min.tower_len = tower_len;
	min.max_towers = 4;
	__epm_wr_init(&w, &in, big_endian_of(b));
	__ept_enc_map(&w, &min);
	if (w.bad) {
		ret = -ENOMEM;
		goto out;
	}
	ret = ept_call(b, EPT_OP_MAP, &in, &rep, &r);
	if (ret)
		goto out;
	ret = __ept_dec_map_out(&r, &min.handle, &res, &n, &st);
	rpc_reply_release(&rep);
	handle_free(b, &min.handle);
	if (ret)
		goto out;
	ret = -ept_s_not_registered;
	if (st && st != ept_s_not_registered) {
		ret = status_ret(st);
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct rpc_tower_info info;

		if (!res[i].tower ||
		    rpc_tower_decode(res[i].tower, res[i].tower_len, &info) ||
		    strcmp(info.protseq, sb->protseq) || !info.endpoint[0])
			continue;
		*endpoint = strdup(info.endpoint);
		ret = *endpoint ? 0 : -ENOMEM;
		break;
	}
out:
	if (res) {
		rpc_epdb_results_free(res, n);
		free(res);
	}
	rpc_binding_free(b);
	ndr_buf_release(&in);
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

int rpc_ep_walk(const char *ep_binding, uint32_t max_ents,
		rpc_ep_walk_fn fn, void *arg)
{
	static const struct ndr_context_handle zero;
	struct ept_lookup_in lin = { 0 };
	struct rpc_binding *b = NULL;
	struct ndr_buf in;
	uint32_t total = 0;
	int ret;

	ndr_buf_init(&in);
	if (!max_ents || max_ents > RPC_EPM_MAX_ENTS)
		max_ents = 100;
	ret = ep_open(ep_binding, &b);
	if (!ret)
		ret = check_syntax(b);
	if (ret)
		goto out;
	lin.inquiry_type = RPC_EP_ALL_ELTS;
	lin.vers_option = RPC_VERS_ALL;
	lin.max_ents = max_ents;
	for (;;) {
		struct rpc_epdb_result *res = NULL;
		struct rpc_reply rep;
		struct epm_wr w;
		struct epm_rd r;
		uint32_t n = 0, st = 0, i;

		in.len = 0;
		__epm_wr_init(&w, &in, big_endian_of(b));
		__ept_enc_lookup(&w, &lin);
		if (w.bad) {
			ret = -ENOMEM;
			break;
		}
		ret = ept_call(b, EPT_OP_LOOKUP, &in, &rep, &r);
		if (ret)
			break;
		ret = __ept_dec_lookup_out(&r, &lin.handle, &res, &n, &st);
		rpc_reply_release(&rep);
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
		free(res);
		total += n;
		if (ret) {
			handle_free(b, &lin.handle);
			break;
		}
		if (st == ept_s_not_registered) {
			ret = (int)total;
			break;
		}
		if (st) {
			ret = status_ret(st);
			handle_free(b, &lin.handle);
			break;
		}
		if (!memcmp(&lin.handle, &zero, sizeof(zero))) {
			ret = (int)total;
			break;
		}
		if (n == 0 || total > EPM_WALK_MAX) {
			/* a live handle and nothing returned: stop looping */
			handle_free(b, &lin.handle);
			ret = (int)total;
			break;
		}
	}
out:
	rpc_binding_free(b);
	ndr_buf_release(&in);
	return ret;
}
