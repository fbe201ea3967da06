// SPDX-License-Identifier: MIT
/*
 * Binding handles: creation from a string binding, references, the
 * settings changed while calls run, and the engine that carries the
 * calls (engine.h), chosen at the first use and called through its ops
 * from then on.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "runtime/binding.h"
#include "runtime/call_status.h"
#include "runtime/runtime_int.h"

int rpc_binding_from_string(const char *s, struct rpc_binding **out)
{
	const struct rpc_client_engine *const *e;
	struct rpc_binding *b;
	const char *v;
	int ret;

	if (!s || !out)
		return -EINVAL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	ret = rpc_string_binding_parse(s, &b->sb);
	if (ret < 0)
		goto fail;
	for (e = __rpc_client_engines; *e; e++) {
		if (!(*e)->init)
			continue;
		ret = (*e)->init(b);
		if (ret < 0)
			goto fail;
	}
	if (b->sb->objuuid && *b->sb->objuuid) {
		ret = rpc_uuid_parse(b->sb->objuuid, &b->opts.object);
		if (ret < 0)
			goto fail;
		b->opts.has_object = !rpc_uuid_is_nil(&b->opts.object);
	}
	b->offer = SYN_NDR20 | SYN_NDR64;
	if (rpc_string_binding_option(b->sb, "ndr20"))
		b->offer = SYN_NDR20;
	if (rpc_string_binding_option(b->sb, "ndr64"))
		b->offer = SYN_NDR64;
	b->be = rpc_string_binding_option(b->sb, "bigendian") != NULL;
	b->btfn = !rpc_string_binding_option(b->sb, "nobtfn");
	b->opts.server_uid = RPC_SERVER_UID_DEFAULT;
	v = rpc_string_binding_option(b->sb, "server_uid");
	if (v) {
		ret = __rpc_uid_parse(v, &b->opts.server_uid);
		if (ret < 0)
			goto fail;
	}
	v = rpc_string_binding_option(b->sb, "timeout");
	if (v) {
		char *end;
		unsigned long n = strtoul(v, &end, 10);

		if (*end || n > UINT_MAX) {
			ret = -rpc_s_invalid_timeout;
			goto fail;
		}
		b->opts.timeout_ms = (unsigned int)n;
	}
	b->opts.com_level = __rpc_com_timeout_default();
	v = rpc_string_binding_option(b->sb, "com_timeout");
	if (v) {
		ret = __rpc_com_timeout_parse(v, &b->opts.com_level);
		if (ret < 0)
			goto fail;
	}
	atomic_init(&b->refs, 1);
	pthread_mutex_init(&b->opts_lock, NULL);
	pthread_mutex_init(&b->setup, NULL);
	*out = b;
	return 0;
fail:
	rpc_string_binding_free(b->sb);
	free(b);
	return ret;
}

int rpc_binding_to_string(const struct rpc_binding *b, char **out)
{
	if (!b)
		return -EINVAL;
	return rpc_string_binding_compose(b->sb, out);
}

void rpc_binding_reset(struct rpc_binding *b)
{
	const struct rpc_client_engine *e;

	pthread_mutex_lock(&b->setup);
	e = b->engine;
	if (e && !e->reset(b, b->state)) {
		__atomic_store_n(&b->engine, NULL, __ATOMIC_RELEASE);
		b->state = NULL;
	}
	pthread_mutex_unlock(&b->setup);
}

void __rpc_binding_get(struct rpc_binding *b)
{
	atomic_fetch_add(&b->refs, 1);
}

/* Drops a reference (__rpc_binding_get); the last closes the connection. */
void rpc_binding_free(struct rpc_binding *b)
{
	if (!b || atomic_fetch_sub(&b->refs, 1) != 1)
		return;
	if (b->engine)
		b->engine->close(b, b->state);
	rpc_string_binding_free(b->sb);
	if (b->auth) {
		__rpc_binding_auth_free(b->auth);
		free(b->auth);
	}
	pthread_mutex_destroy(&b->opts_lock);
	pthread_mutex_destroy(&b->setup);
	free(b);
}

/* Publish changed settings (b->opts_lock held; see binding.h). */
static void opts_publish(struct rpc_binding *b, const struct rpc_binding_opts *n)
{
	union rpc_binding_opts_copy c;
	unsigned int seq = atomic_load_explicit(&b->opts_seq,
						memory_order_relaxed), i;

	memset(&c, 0, sizeof(c));
	c.o = *n;
	atomic_store_explicit(&b->opts_seq, seq + 1, memory_order_relaxed);
	/* release: a reader that sees a new word sees the odd count too */
	for (i = 0; i < RPC_BINDING_OPTS_WORDS; i++)
		__atomic_store_n(&b->opts_w[i], c.w[i], __ATOMIC_RELEASE);
	atomic_store_explicit(&b->opts_seq, seq + 2, memory_order_release);
}

/*
 * The setters may run while calls on b run on other threads: a call in
 * progress keeps the settings it started with, the next one sees the
 * new ones.
 */
int rpc_binding_set_timeout(struct rpc_binding *b, unsigned int ms)
{
	struct rpc_binding_opts o;

	if (!b)
		return -EINVAL;
	pthread_mutex_lock(&b->opts_lock);
	__rpc_binding_opts(b, &o);
	o.timeout_ms = ms;
	opts_publish(b, &o);
	pthread_mutex_unlock(&b->opts_lock);
	return 0;
}

int rpc_mgmt_set_com_timeout(struct rpc_binding *b, unsigned int level)
{
	struct rpc_binding_opts o;

	if (!b)
		return -EINVAL;
	if (level > RPC_C_BINDING_INFINITE_TIMEOUT)
		return -rpc_s_invalid_timeout;
	pthread_mutex_lock(&b->opts_lock);
	__rpc_binding_opts(b, &o);
	o.com_level = level;
	opts_publish(b, &o);
	pthread_mutex_unlock(&b->opts_lock);
	return 0;
}

int rpc_mgmt_inq_com_timeout(const struct rpc_binding *b, unsigned int *level)
{
	struct rpc_binding_opts o;

	if (!b || !level)
		return -EINVAL;
	__rpc_binding_opts(b, &o);
	*level = o.com_level;
	return 0;
}

int rpc_binding_set_object(struct rpc_binding *b, const rpc_uuid_t *obj)
{
	struct rpc_binding_opts o;
	rpc_uuid_t u;

	if (!b)
		return -EINVAL;
	if (obj)
		u = *obj;
	else
		memset(&u, 0, sizeof(u));
	pthread_mutex_lock(&b->opts_lock);
	__rpc_binding_opts(b, &o);
	o.object = u;
	o.has_object = !rpc_uuid_is_nil(&u);
	opts_publish(b, &o);
	pthread_mutex_unlock(&b->opts_lock);
	return 0;
}

int rpc_binding_set_server_uid(struct rpc_binding *b, uid_t uid)
{
	struct rpc_binding_opts o;

	if (!b)
		return -EINVAL;
	pthread_mutex_lock(&b->opts_lock);
	__rpc_binding_opts(b, &o);
	o.server_uid = uid;
	opts_publish(b, &o);
	pthread_mutex_unlock(&b->opts_lock);
	return 0;
}

bool rpc_binding_big_endian(const struct rpc_binding *b)
{
	return b->be;
}

uint32_t rpc_binding_assoc_group(const struct rpc_binding *b)
{
	const struct rpc_client_engine *e =
		__atomic_load_n(&b->engine, __ATOMIC_ACQUIRE);

	return e ? e->assoc_group(b, b->state) : 0;
}

/* ---- the engine ------------------------------------------------------ */

/*
 * The first engine whose select takes b, asked once (the choice stays
 * until rpc_binding_reset lets it go).  < 0: an error for this call; the
 * choice is made again at the next.
 */
static int choose_engine(struct rpc_binding *b,
			 const struct rpc_syntax_id *iface,
			 const struct rpc_client_engine **out)
{
	const struct rpc_client_engine *const *e;
	void *state = NULL;
	int ret = 0;

	pthread_mutex_lock(&b->setup);
	if (b->engine) {
		*out = b->engine;
		goto out;
	}
	for (e = __rpc_client_engines; *e; e++) {
		ret = (*e)->select(b, iface, &state);
		if (ret)
			break;
	}
	if (ret > 0) {
		b->state = state;
		__atomic_store_n(&b->engine, *e, __ATOMIC_RELEASE);
		*out = *e;
		ret = 0;
	} else if (!ret) {
		ret = -rpc_s_protseq_not_supported;	/* no engine took it */
	}
out:
	pthread_mutex_unlock(&b->setup);
	return ret;
}

__rpc_hot static inline int engine_of(struct rpc_binding *b,
				      const struct rpc_syntax_id *iface,
				      const struct rpc_client_engine **e)
{
	*e = __atomic_load_n(&b->engine, __ATOMIC_ACQUIRE);
	if (__builtin_expect(*e != NULL, 1))
		return 0;
	return choose_engine(b, iface, e);
}

__rpc_hot static int binding_syntax(struct rpc_binding *b,
				    const struct rpc_syntax_id *iface)
{
	const struct rpc_client_engine *e;
	int ret;

	if (!b || !iface)
		return -EINVAL;
	ret = engine_of(b, iface, &e);
	if (ret < 0)
		return ret;
	return e->syntax(b, b->state, iface);
}

__rpc_hot int rpc_binding_syntax(struct rpc_binding *b, const struct rpc_syntax_id *iface)
{
	return __rpc_call_ret(binding_syntax(b, iface), 0);
}

static int binding_cancel(struct rpc_binding *b)
{
	const struct rpc_client_engine *e =
		__atomic_load_n(&b->engine, __ATOMIC_ACQUIRE);

	if (!e)
		return -rpc_s_no_call_active;
	return e->cancel(b, b->state);
}

int rpc_binding_cancel(struct rpc_binding *b)
{
	return b ? __rpc_call_ret(binding_cancel(b), 0) : -rpc_s_invalid_binding;
}

__rpc_hot static int call_raw(struct rpc_binding *b,
			      const struct rpc_syntax_id *iface, uint16_t opnum,
			      const void *in, size_t inlen,
			      struct rpc_reply *reply)
{
	const struct rpc_client_engine *e;
	int ret;

	if (!b || !iface || !reply || (inlen && !in))
		return -EINVAL;
	memset(reply, 0, sizeof(*reply));
	ret = engine_of(b, iface, &e);
	if (ret < 0)
		return ret;
	return e->call(b, b->state, iface, opnum, in, inlen, reply);
}

/* The boundary: -STATUS only; a fault as the server sent it. */
__rpc_hot int rpc_call_raw(struct rpc_binding *b, const struct rpc_syntax_id *iface,
		 uint16_t opnum, const void *in, size_t inlen,
		 struct rpc_reply *reply)
{
	int ret;

	if (!reply)
		return -rpc_s_invalid_arg;
	memset(reply, 0, sizeof(*reply));
	ret = call_raw(b, iface, opnum, in, inlen, reply);
	return __rpc_call_ret(ret, reply->fault);
}
