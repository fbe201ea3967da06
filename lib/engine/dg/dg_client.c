// SPDX-License-Identifier: MIT
/*
 * The datagram client engine's hooks (runtime/engine.h): it takes the
 * bindings of protseq ncadg_ip_udp, finds the server's address (asking
 * the endpoint mapper for a partial binding), and hands each call an
 * idle activity of the binding's pool (dg_client.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/eventfd.h>
#include "engine/dg/dg_client.h"
#include "runtime/resolver.h"
#include "transport/transport.h"

/* ---- this process, as a callback's server sees it -------------------- */

static pthread_once_t self_once = PTHREAD_ONCE_INIT;
static rpc_uuid_t self_cas;
static uint32_t self_boot;

static void self_init(void)
{
	rpc_uuid_generate(&self_cas);
	self_boot = (uint32_t)time(NULL);
}

const rpc_uuid_t *__rpc_dg_cas_uuid(void)
{
	pthread_once(&self_once, self_init);
	return &self_cas;
}

uint32_t __rpc_dg_my_boot(void)
{
	pthread_once(&self_once, self_init);
	return self_boot;
}

/* ---- the server ------------------------------------------------------- */

/* The server's address, resolved at the first call (the endpoint mapper
 * for a partial binding). */
static int server_addr(struct dg_client *c, const struct rpc_syntax_id *iface)
{
	struct rpc_binding_opts o;
	struct sockaddr_storage ss;
	socklen_t len = 0;
	const char *ep = c->sb->endpoint;
	char *resolved = NULL;
	int ret;

	pthread_mutex_lock(&c->lock);
	ret = c->have_addr;
	pthread_mutex_unlock(&c->lock);
	if (ret)
		return 0;
	if (!ep || !*ep) {
		__rpc_binding_opts(c->bh, &o);
		ret = __rpc_resolve_endpoint(c->sb, iface,
					     o.has_object ? &o.object : NULL,
					     &resolved);
		if (ret < 0)
			return ret;
		ep = resolved;
	}
	ret = c->ops->resolve(c->sb->netaddr, ep, &ss, &len);
	free(resolved);
	if (ret < 0)
		return ret;
	pthread_mutex_lock(&c->lock);
	if (!c->have_addr) {
		c->srv = ss;
		c->srvlen = len;
		c->have_addr = true;
	}
	pthread_mutex_unlock(&c->lock);
	return 0;
}

bool __rpc_dg_from_server(const struct sockaddr_storage *srv,
			  const struct sockaddr_storage *from, bool any_port)
{
	if (from->ss_family != srv->ss_family)
		return false;
	if (from->ss_family == AF_INET) {
		const struct sockaddr_in *a = (const void *)from;
		const struct sockaddr_in *b = (const void *)srv;

		return a->sin_addr.s_addr == b->sin_addr.s_addr &&
		       (any_port || a->sin_port == b->sin_port);
	}
	if (from->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const void *)from;
		const struct sockaddr_in6 *b = (const void *)srv;

		return !memcmp(&a->sin6_addr, &b->sin6_addr,
			       sizeof(a->sin6_addr)) &&
		       (any_port || a->sin6_port == b->sin6_port);
	}
	return false;
}

int __rpc_dg_check_boot(struct dg_client *c, uint32_t boot)
{
	int ret = 0;

	if (!boot)
		return 0;	/* a datagram that does not say */
	pthread_mutex_lock(&c->lock);
	if (!c->boot)
		c->boot = boot;
	else if (c->boot != boot)
		ret = -nca_s_wrong_boot_time;
	pthread_mutex_unlock(&c->lock);
	return ret;
}

/* ---- activities ------------------------------------------------------- */

static void act_free(struct dg_act *a)
{
	if (a->fd >= 0)
		close(a->fd);
	if (a->wake >= 0)
		close(a->wake);
	free(a->rbuf);
	free(a);
}

/* A new activity with its socket, of the server address's family. */
static int act_new(struct dg_client *c, struct dg_act **out)
{
	struct dg_act *a = calloc(1, sizeof(*a));
	int ret;

	if (!a)
		return -ENOMEM;
	a->wake = -1;
	a->ahint = DG_NO_HINT;
	a->rbuf = malloc(DG_RECV_MAX);
	if (!a->rbuf) {
		free(a);
		return -ENOMEM;
	}
	a->fd = -1;
	ret = c->ops->dgram_socket(c->srv.ss_family, &a->fd);
	if (ret < 0)
		goto fail;
	a->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (a->wake < 0) {
		ret = -errno;
		goto fail;
	}
	ret = rpc_uuid_generate(&a->id);
	if (ret < 0)
		goto fail;
	/* [C706] 10.2: the first call of an activity has sequence number 0 */
	a->seq = UINT32_MAX;
	*out = a;
	return 0;
fail:
	act_free(a);
	return ret;
}

/* An idle activity for a call (a new one while the pool has room, else
 * wait for one within deadline). */
static int act_get(struct dg_client *c, struct dg_act **out, int64_t deadline)
{
	struct dg_act *a = NULL;
	unsigned int slot;
	int ret;

	pthread_mutex_lock(&c->lock);
	while (!c->idle && c->nacts == DG_CLI_MAX_ACTS) {
		int64_t left = deadline < 0 ? 1000 : __rpc_left_ms(deadline);

		if (!left) {
			pthread_mutex_unlock(&c->lock);
			return -ETIMEDOUT;
		}
		__rpc_cond_wait_ns(&c->cv, &c->lock, left * 1000000);
	}
	if (c->idle) {
		a = c->idle;
		c->idle = a->next;
		atomic_store(&a->busy, true);
		pthread_mutex_unlock(&c->lock);
		*out = a;
		return 0;
	}
	/* a slot of its own (nacts < DG_CLI_MAX_ACTS: one is free), kept
	 * while the socket is made without the lock */
	for (slot = 0; slot < DG_CLI_MAX_ACTS; slot++)
		if (!c->acts[slot] && !(c->reserved & (1u << slot)))
			break;
	c->reserved |= 1u << slot;
	c->nacts++;
	pthread_mutex_unlock(&c->lock);
	ret = act_new(c, &a);
	pthread_mutex_lock(&c->lock);
	c->reserved &= ~(1u << slot);
	if (ret < 0) {
		c->nacts--;
		pthread_cond_signal(&c->cv);
	} else {
		c->acts[slot] = a;
		atomic_store(&a->busy, true);
		*out = a;
	}
	pthread_mutex_unlock(&c->lock);
	return ret;
}

static void act_put(struct dg_client *c, struct dg_act *a)
{
	pthread_mutex_lock(&c->lock);
	atomic_store(&a->busy, false);
	atomic_store(&a->cancels, 0);
	a->next = c->idle;
	c->idle = a;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->lock);
}

/* ---- the engine (runtime/engine.h) ----------------------------------- */

static int dg_select(struct rpc_binding *b, const struct rpc_syntax_id *iface,
		     void **state)
{
	struct dg_client *c;

	if (strcmp(b->sb->protseq, DG_CLI_PROTSEQ))
		return 0;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->ops = __rpc_transport_find(DG_CLI_PROTSEQ);
	if (!c->ops || !c->ops->datagram) {
		free(c);
		return -rpc_s_protseq_not_supported;
	}
	c->bh = b;
	c->sb = b->sb;
	c->be = b->be;
	c->ihint = DG_NO_HINT;
	atomic_init(&c->srtt_us, DG_CLI_RTT_INIT_US);
	pthread_mutex_init(&c->lock, NULL);
	__rpc_cond_init(&c->cv);
	*state = c;
	return 1;
}

/* Stub data goes in NDR20: the datagram protocol negotiates nothing. */
static int dg_syntax(struct rpc_binding *b, void *state,
		     const struct rpc_syntax_id *iface)
{
	if (!(b->offer & SYN_NDR20))
		return -rpc_s_unsupported_trans_syn;
	return NDR_SYNTAX_NDR20;
}

static int dg_call(struct rpc_binding *b, void *state,
		   const struct rpc_syntax_id *iface, uint16_t opnum,
		   const void *in, size_t inlen, struct rpc_reply *reply)
{
	struct dg_client *c = state;
	struct rpc_binding_opts o;
	struct dg_act *a = NULL;
	int64_t deadline;
	int ret;

	if (!(b->offer & SYN_NDR20))
		return -rpc_s_unsupported_trans_syn;
	__rpc_binding_opts(b, &o);
	deadline = o.timeout_ms ? __rpc_now_ms() + o.timeout_ms : -1;
	ret = server_addr(c, iface);
	if (ret < 0)
		return ret;
	ret = act_get(c, &a, deadline);
	if (ret < 0)
		return ret;
	ret = __rpc_dg_call(c, a, iface, opnum, __rpc_cli_proc_flags, in,
			    inlen, reply, deadline);
	act_put(c, a);
	return ret;
}

/* Every call in progress on b is asked to cancel: its loop sends
 * cl_cancel (dg_client_call.c). */
static int dg_cancel(struct rpc_binding *b, void *state)
{
	struct dg_client *c = state;
	static const uint64_t one = 1;
	unsigned int i, n = 0;

	pthread_mutex_lock(&c->lock);
	for (i = 0; i < DG_CLI_MAX_ACTS; i++) {
		struct dg_act *a = c->acts[i];

		if (!a || !atomic_load(&a->busy))
			continue;
		atomic_fetch_add(&a->cancels, 1);
		if (write(a->wake, &one, sizeof(one)) < 0)
			continue;	/* the counter is full: it is awake */
		n++;
	}
	pthread_mutex_unlock(&c->lock);
	return n ? 0 : -rpc_s_no_call_active;
}

static uint32_t dg_assoc_group(const struct rpc_binding *b, const void *state)
{
	return 0;	/* no associations in the datagram protocol */
}

/* Forget the server's address (a partial binding asks the endpoint
 * mapper again) and what we learnt of it; the activities stay. */
static bool dg_reset(struct rpc_binding *b, void *state)
{
	struct dg_client *c = state;

	pthread_mutex_lock(&c->lock);
	c->have_addr = false;
	c->boot = 0;
	c->ihint = DG_NO_HINT;
	pthread_mutex_unlock(&c->lock);
	return true;
}

static void dg_close(struct rpc_binding *b, void *state)
{
	struct dg_client *c = state;
	unsigned int i;

	for (i = 0; i < DG_CLI_MAX_ACTS; i++)
		if (c->acts[i])
			act_free(c->acts[i]);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->cv);
	free(c);
}

const struct rpc_client_engine __rpc_dg_client_engine = {
	.name = "dg",
	.select = dg_select,
	.syntax = dg_syntax,
	.call = dg_call,
	.cancel = dg_cancel,
	.assoc_group = dg_assoc_group,
	.reset = dg_reset,
	.close = dg_close,
};
