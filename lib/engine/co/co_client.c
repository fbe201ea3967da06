// SPDX-License-Identifier: MIT
/*
 * Connection-oriented client: binding handles, bind/alter_context, and
 * calls.  One connection per binding handle carries any number of
 * concurrent calls: requests are written whole under a send lock, and
 * whichever waiting caller finds no reader reads the next PDU for
 * everybody (leader/follower), delivering fragments by call_id.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <poll.h>
#include <sys/socket.h>
#include <lrpc/epm.h>
#include "engine/co/bind_answer.h"
#include "engine/lpc/lpc_int.h"
#include "runtime/call_status.h"
#include "ndr/buf.h"

#define CLI_MAX_CTX		32
#define CLI_MAX_OUT		(256u << 20)	/* reassembled response */
#define CLI_DEFAULT_FRAG	RPC_DEFAULT_FRAG
#define CLI_ORPHANS		16

struct pending {
	struct pending *next;
	uint32_t call_id;
	uint32_t alias;		/* the peer's call_id for it (when aliased) */
	bool aliased;
	bool sent;		/* its first PDU is (being) written */
	bool is_bind;		/* waits for bind_ack / alter_context_resp */
	bool done;
	bool got_first;
	int status;		/* < 0: error */
	uint32_t fault;
	uint8_t drep[4];
	struct ndr_buf stub;
	uint8_t *frame;		/* bind-type answers: the whole PDU */
	size_t flen;
};

struct cli_ctx {
	struct rpc_syntax_id iface;
	uint16_t ctx_id;
	int syntax;		/* < 0: rejected, -status */
};

/* What rpc_binding_set_* and rpc_mgmt_set_com_timeout change while calls
 * may be running on other threads: a call takes a copy (opts_get). */
struct bopts {
	rpc_uuid_t object;
	bool has_object;
	unsigned int timeout_ms;
	unsigned int com_level;	/* rpc_mgmt_set_com_timeout */
	uid_t server_uid;	/* RPC_SERVER_UID_DEFAULT: own euid or root */
};

struct rpc_binding {
	struct rpc_string_binding *sb;
	const struct rpc_transport_ops *ops;
	pthread_mutex_t opts_lock;	/* opts; never held with another */
	struct bopts opts;
	bool be;
	uint32_t offer;		/* SYN_NDR20 | SYN_NDR64 */
	bool btfn;
	uint16_t max_frag;
	atomic_uint refs;	/* the program's + open context handles' */

	pthread_mutex_t setup;	/* connect, bind, alter_context */
	pthread_mutex_t send_lock;
	pthread_mutex_t lock;	/* everything below */
	pthread_cond_t cv;
	int fd;
	bool broken;
	bool reader;
	uint16_t max_xmit, max_recv;
	uint32_t assoc_group;
	uint8_t btfn_bits;
	atomic_uint next_call_id;
	int nctx;
	struct cli_ctx ctx[CLI_MAX_CTX];
	uint16_t next_ctx_id;
	struct pending *pending;
	/* call_ids of calls given up on, whose answers may still come */
	uint32_t orphans[CLI_ORPHANS];
	unsigned int norphans;
	/* the kernel path (local_int.h), decided at the first call */
	int local;			/* LOCAL_* */
	struct lpc_client *lpc;
	/* receive buffer of the reader: whole PDUs are decoded in place */
	uint8_t *rb;
	size_t rlen;
};

#define CLI_RBUF	(RPC_MAX_FRAG + 1 + 16384)

/* ---- binding handles ------------------------------------------------- */

int rpc_binding_from_string(const char *s, struct rpc_binding **out)
{
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
	b->ops = __rpc_transport_find(b->sb->protseq);
	if (!b->ops) {
		ret = -rpc_s_protseq_not_supported;
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
	b->max_frag = CLI_DEFAULT_FRAG;
	b->opts.server_uid = RPC_SERVER_UID_DEFAULT;
	v = rpc_string_binding_option(b->sb, "server_uid");
	if (v) {
		ret = __rpc_uid_parse(v, &b->opts.server_uid);
		if (ret < 0)
			goto fail;
	}
	v = rpc_string_binding_option(b->sb, "max_frag");
	if (v) {
		char *end;
		unsigned long n = strtoul(v, &end, 10);

		if (*end || n < RPC_MIN_FRAG || n > RPC_MAX_FRAG) {
			ret = -rpc_s_invalid_network_options;
			goto fail;
		}
		b->max_frag = (uint16_t)n;
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
	b->fd = -1;
	atomic_init(&b->refs, 1);
	atomic_init(&b->next_call_id, 1);
	pthread_mutex_init(&b->opts_lock, NULL);
	pthread_mutex_init(&b->setup, NULL);
	pthread_mutex_init(&b->send_lock, NULL);
	pthread_mutex_init(&b->lock, NULL);
	__rpc_cond_init(&b->cv);
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

/* b->lock held: fail every pending call and forget the connection. */
static void drop_conn_locked(struct rpc_binding *b, int err)
{
	struct pending *p;

	if (b->fd >= 0) {
		shutdown(b->fd, SHUT_RDWR);
		if (!b->reader) {
			close(b->fd);
			b->fd = -1;
		}
	}
	b->broken = true;
	for (p = b->pending; p; p = p->next)
		if (!p->done) {
			p->done = true;
			p->status = err;
		}
	pthread_cond_broadcast(&b->cv);
}

enum { LOCAL_UNDECIDED, LOCAL_KERNEL, LOCAL_SOCKET };

void rpc_binding_reset(struct rpc_binding *b)
{
	pthread_mutex_lock(&b->setup);
	if (b->lpc) {
		__rpc_lpc_close(b->lpc);
		b->lpc = NULL;
		__atomic_store_n(&b->local, LOCAL_UNDECIDED, __ATOMIC_RELEASE);
	}
	pthread_mutex_lock(&b->lock);
	drop_conn_locked(b, -ECONNRESET);
	pthread_mutex_unlock(&b->lock);
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
	pthread_mutex_lock(&b->lock);
	drop_conn_locked(b, -ECONNRESET);
	while (b->reader)
		pthread_cond_wait(&b->cv, &b->lock);
	if (b->fd >= 0)
		close(b->fd);
	pthread_mutex_unlock(&b->lock);
	free(b->rb);
	__rpc_lpc_close(b->lpc);
	rpc_string_binding_free(b->sb);
	pthread_mutex_destroy(&b->opts_lock);
	pthread_mutex_destroy(&b->setup);
	pthread_mutex_destroy(&b->send_lock);
	pthread_mutex_destroy(&b->lock);
	pthread_cond_destroy(&b->cv);
	free(b);
}

/* The settings a call uses, as one consistent copy. */
static void opts_get(const struct rpc_binding *b, struct bopts *o)
{
	pthread_mutex_t *l = (pthread_mutex_t *)&b->opts_lock;

	pthread_mutex_lock(l);
	*o = b->opts;
	pthread_mutex_unlock(l);
}

/*
 * The setters may run while calls on b run on other threads: a call in
 * progress keeps the settings it started with, the next one sees the
 * new ones.
 */
int rpc_binding_set_timeout(struct rpc_binding *b, unsigned int ms)
{
	if (!b)
		return -EINVAL;
	pthread_mutex_lock(&b->opts_lock);
	b->opts.timeout_ms = ms;
	pthread_mutex_unlock(&b->opts_lock);
	return 0;
}

int rpc_mgmt_set_com_timeout(struct rpc_binding *b, unsigned int level)
{
	if (!b)
		return -EINVAL;
	if (level > RPC_C_BINDING_INFINITE_TIMEOUT)
		return -rpc_s_invalid_timeout;
	pthread_mutex_lock(&b->opts_lock);
	b->opts.com_level = level;
	pthread_mutex_unlock(&b->opts_lock);
	return 0;
}

int rpc_mgmt_inq_com_timeout(const struct rpc_binding *b, unsigned int *level)
{
	struct bopts o;

	if (!b || !level)
		return -EINVAL;
	opts_get(b, &o);
	*level = o.com_level;
	return 0;
}

int rpc_binding_set_object(struct rpc_binding *b, const rpc_uuid_t *obj)
{
	rpc_uuid_t u;

	if (!b)
		return -EINVAL;
	if (obj)
		u = *obj;
	else
		memset(&u, 0, sizeof(u));
	pthread_mutex_lock(&b->opts_lock);
	b->opts.object = u;
	b->opts.has_object = !rpc_uuid_is_nil(&u);
	pthread_mutex_unlock(&b->opts_lock);
	return 0;
}

int rpc_binding_set_server_uid(struct rpc_binding *b, uid_t uid)
{
	if (!b)
		return -EINVAL;
	pthread_mutex_lock(&b->opts_lock);
	b->opts.server_uid = uid;
	pthread_mutex_unlock(&b->opts_lock);
	return 0;
}

bool rpc_binding_big_endian(const struct rpc_binding *b)
{
	return b->be;
}

uint32_t rpc_binding_assoc_group(const struct rpc_binding *b)
{
	if (b->lpc)
		return __rpc_lpc_assoc_group(b->lpc);
	return b->assoc_group;
}

__rpc_hot void rpc_reply_release(struct rpc_reply *r)
{
	if (!r || __rpc_lpc_reply_release(r))
		return;
	free(r->data);
	r->data = NULL;
	r->len = 0;
}

/* ---- time ------------------------------------------------------------ */

/* ---- receiving --------------------------------------------------------- */

static struct pending *find_pending(struct rpc_binding *b, uint32_t id)
{
	struct pending *p;

	for (p = b->pending; p; p = p->next)
		if ((p->call_id == id || (p->aliased && p->alias == id)) &&
		    !p->done)
			return p;
	return NULL;
}

/*
 * An answer whose call_id matches no call (b->lock held).  [C706] 12.6.3.1
 * has the server return each request's call_id, and [MS-RPCE] 3.3.2.5.2
 * has the client match answers to calls by it; neither says what to do
 * when nothing matches.  A late answer to a call we gave up on (orphans)
 * is dropped.  Otherwise, with one call in flight the answer can only be
 * its own: it is taken as that call's (and the peer's call_id remembered
 * for its later fragments), so that a client works with a server that
 * answers every call with call_id 1 (Wine's rpcrt4).  With several in
 * flight nobody can tell whose it is: a protocol error that fails them
 * all and closes the connection rather than leaving them to wait.
 */
static int stray_answer(struct rpc_binding *b, uint32_t id,
			struct pending **pp)
{
	struct pending *p, *one = NULL;
	unsigned int i, n = 0;

	*pp = NULL;
	for (i = 0; i < b->norphans && i < CLI_ORPHANS; i++)
		if (b->orphans[i] == id)
			return 0;
	for (p = b->pending; p; p = p->next)
		if (!p->done && __atomic_load_n(&p->sent, __ATOMIC_ACQUIRE)) {
			one = p;
			n++;
		}
	if (n > 1)
		return -rpc_s_protocol_error;
	if (one) {
		one->alias = id;
		one->aliased = true;
	}
	*pp = one;
	return 0;
}

/* Deliver one complete PDU (b->lock held). Returns < 0 on a protocol
 * error that kills the connection. */
static int deliver(struct rpc_binding *b, uint8_t *f, size_t len)
{
	struct rpc_pdu *pdu = malloc(sizeof(*pdu));
	struct pending *p;
	int ret;

	if (!pdu)
		return -ENOMEM;
	ret = __rpc_co_decode(f, len, pdu);
	if (ret < 0)
		goto out;
	if (pdu->has_auth && pdu->hdr.ptype != RPC_PT_BIND_NAK) {
		ret = -rpc_s_protocol_error;	/* we never asked for auth */
		goto out;
	}
	switch (pdu->hdr.ptype) {
	case RPC_PT_SHUTDOWN:
		goto out;
	case RPC_PT_BIND_ACK:
	case RPC_PT_BIND_NAK:
	case RPC_PT_ALTER_CONTEXT_RESP:
	case RPC_PT_RESPONSE:
	case RPC_PT_FAULT:
		break;
	default:
		ret = -rpc_s_protocol_error;	/* not a server's PDU */
		goto out;
	}
	p = find_pending(b, pdu->hdr.call_id);
	if (!p) {
		ret = stray_answer(b, pdu->hdr.call_id, &p);
		if (ret < 0 || !p)
			goto out;
	}
	/* an answer of the wrong kind for this call id */
	if (p->is_bind != (pdu->hdr.ptype == RPC_PT_BIND_ACK ||
			   pdu->hdr.ptype == RPC_PT_BIND_NAK ||
			   pdu->hdr.ptype == RPC_PT_ALTER_CONTEXT_RESP)) {
		ret = -rpc_s_protocol_error;
		goto out;
	}
	switch (pdu->hdr.ptype) {
	case RPC_PT_BIND_ACK:
	case RPC_PT_BIND_NAK:
	case RPC_PT_ALTER_CONTEXT_RESP:
		p->frame = malloc(len);
		if (!p->frame) {
			p->status = -ENOMEM;
		} else {
			memcpy(p->frame, f, len);
			p->flen = len;
		}
		p->done = true;
		break;
	case RPC_PT_FAULT:
		p->fault = __rpc_fault_status(pdu->response.status);
		memcpy(p->drep, pdu->hdr.drep, 4);
		p->status = __rpc_fault_ret(p->fault);
		p->done = true;
		break;
	case RPC_PT_RESPONSE:
		if (!p->got_first) {
			if (!(pdu->hdr.pfc_flags & RPC_PFC_FIRST_FRAG)) {
				ret = -rpc_s_protocol_error;
				goto out;
			}
			p->got_first = true;
			memcpy(p->drep, pdu->hdr.drep, 4);
			p->stub.limit = CLI_MAX_OUT;
			if (pdu->response.alloc_hint)
				__ndr_buf_reserve(&p->stub,
						  pdu->response.alloc_hint <
						  (1u << 20) ?
						  pdu->response.alloc_hint :
						  (1u << 20));
		} else if (pdu->hdr.pfc_flags & RPC_PFC_FIRST_FRAG) {
			ret = -rpc_s_protocol_error;
			goto out;
		}
		ret = __ndr_buf_put(&p->stub, pdu->stub, pdu->stub_len);
		if (ret < 0) {
			p->status = ret;
			p->done = true;
			ret = 0;
		} else if (pdu->hdr.pfc_flags & RPC_PFC_LAST_FRAG) {
			p->done = true;
		}
		break;
	}
	pthread_cond_broadcast(&b->cv);
out:
	free(pdu);
	return ret;
}

/* Make one whole PDU available at b->rb as the reader, b->lock NOT
 * held.  Returns its length, 0 on time-out, < 0 on error.  Reads as much
 * as the socket has, so back-to-back PDUs cost one recv(). */
static int read_frame(struct rpc_binding *b, int ms)
{
	int64_t deadline = ms < 0 ? -1 : __rpc_now_ms() + ms;

	if (!b->rb) {
		b->rb = malloc(CLI_RBUF);
		if (!b->rb)
			return -ENOMEM;
	}
	for (;;) {
		ssize_t r;

		if (b->rlen >= RPC_CO_HDR_LEN) {
			uint16_t fl;
			int ret = __rpc_co_peek(b->rb, b->rlen, &fl);

			/*
			 * No check against the max_recv_frag we offered:
			 * Samba 4.17 answers an offer below 2048 with 2048
			 * and sends fragments that large.  A frame is at
			 * most 64 KiB, and reassembly is bounded anyway.
			 */
			if (ret < 0)
				return ret;
			if (b->rlen >= fl)
				return fl;
		}
		if (deadline < 0) {
			/* no time-out: a blocking read, no poll() */
			r = recv(b->fd, b->rb + b->rlen, CLI_RBUF - b->rlen, 0);
		} else {
			struct pollfd pf = { .fd = b->fd, .events = POLLIN };
			int pr = poll(&pf, 1, __rpc_left_ms(deadline));

			if (pr < 0) {
				if (errno == EINTR)
					continue;
				return -errno;
			}
			if (pr == 0)
				return 0;
			r = recv(b->fd, b->rb + b->rlen, CLI_RBUF - b->rlen,
				 MSG_DONTWAIT);
		}
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		if (r == 0)
			return -ECONNRESET;
		b->rlen += (size_t)r;
	}
}

/* Wait for p (b->lock held).  Returns 0 when done, -ETIMEDOUT. */
static int wait_pending(struct rpc_binding *b, struct pending *p,
			int64_t deadline)
{
	while (!p->done) {
		if (!b->reader && b->fd >= 0 && !b->broken) {
			int r;

			b->reader = true;
			pthread_mutex_unlock(&b->lock);
			r = read_frame(b, __rpc_left_ms(deadline));
			pthread_mutex_lock(&b->lock);
			b->reader = false;
			pthread_cond_broadcast(&b->cv);
			if (r > 0) {
				/* still ours: no reader can start while we
				 * hold the lock */
				int d = deliver(b, b->rb, (size_t)r);

				b->rlen -= (size_t)r;
				memmove(b->rb, b->rb + r, b->rlen);
				if (d < 0)
					drop_conn_locked(b, d);
			} else if (r < 0) {
				drop_conn_locked(b, r == -ECONNRESET ?
						 -rpc_s_call_failed : r);
			}
			if (b->broken && b->fd >= 0) {
				close(b->fd);
				b->fd = -1;
			}
			if (r == 0 && !p->done && __rpc_left_ms(deadline) == 0)
				return -ETIMEDOUT;
			continue;
		}
		if (b->fd < 0 || b->broken) {
			if (!p->done) {
				p->done = true;
				p->status = -rpc_s_call_failed;
			}
			break;
		}
		if (deadline < 0) {
			pthread_cond_wait(&b->cv, &b->lock);
		} else {
			int l = __rpc_left_ms(deadline);

			if (!l)
				return -ETIMEDOUT;
			__rpc_cond_wait_ns(&b->cv, &b->lock, l * 1000000LL);
		}
	}
	return 0;
}

static void add_pending(struct rpc_binding *b, struct pending *p)
{
	pthread_mutex_lock(&b->lock);
	p->next = b->pending;
	b->pending = p;
	pthread_mutex_unlock(&b->lock);
}

/* b->lock held */
static void remove_pending(struct rpc_binding *b, struct pending *p)
{
	struct pending **pp;

	for (pp = &b->pending; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
}

/* b->lock held: p is given up on; an answer to it may still come. */
static void orphan_locked(struct rpc_binding *b, struct pending *p)
{
	p->done = true;
	remove_pending(b, p);
	b->orphans[b->norphans++ % CLI_ORPHANS] = p->call_id;
}

static int send_pdu(struct rpc_binding *b, const struct ndr_buf *buf,
		    int64_t deadline)
{
	int ret, fd;

	pthread_mutex_lock(&b->lock);
	fd = b->broken ? -1 : b->fd;
	pthread_mutex_unlock(&b->lock);
	if (fd < 0)
		return -rpc_s_call_failed;
	ret = __rpc_write_all(fd, buf->data, buf->len, __rpc_left_ms(deadline));
	return ret;
}

static int send_simple(struct rpc_binding *b, uint8_t ptype, uint32_t call_id)
{
	struct rpc_co_enc e = {
		.ptype = ptype,
		.pfc_flags = RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG,
		.big_endian = b->be,
		.call_id = call_id,
	};
	struct rpc_pdu pdu;
	struct ndr_buf buf = { 0 };
	int ret;

	memset(&pdu, 0, offsetof(struct rpc_pdu, bind));
	ret = __rpc_co_encode(&buf, &e, &pdu);
	if (ret > 0) {
		pthread_mutex_lock(&b->send_lock);
		ret = send_pdu(b, &buf, __rpc_now_ms() + 1000);
		pthread_mutex_unlock(&b->send_lock);
	}
	__ndr_buf_free(&buf);
	return ret;
}

/* ---- connect and bind ------------------------------------------------ */

static int bind_exchange(struct rpc_binding *b, const struct rpc_syntax_id *iface,
			 bool alter, int64_t deadline)
{
	struct rpc_pdu *pdu;
	struct pending p = { 0 };
	struct rpc_co_enc e = {
		.ptype = alter ? RPC_PT_ALTER_CONTEXT : RPC_PT_BIND,
		.pfc_flags = RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG,
		.big_endian = b->be,
	};
	struct rpc_bind_offer o = {
		.syntaxes = b->offer,
		.btfn = b->btfn,
		.alter = alter,
		.max_frag = b->max_frag,
		.assoc_group = b->assoc_group,
	};
	struct rpc_bind_accepted acc;
	struct ndr_buf buf = { 0 };
	uint16_t ids[RPC_BIND_MAX_OFFER];
	int n, ret;

	pdu = calloc(1, sizeof(*pdu));
	if (!pdu)
		return -ENOMEM;
	e.call_id = atomic_fetch_add(&b->next_call_id, 1);
	n = __rpc_bind_offer(pdu, iface, &o, &b->next_ctx_id, ids);
	ret = __rpc_co_encode(&buf, &e, pdu);
	if (ret < 0)
		goto out;
	p.call_id = e.call_id;
	p.is_bind = true;
	add_pending(b, &p);
	pthread_mutex_lock(&b->send_lock);
	__atomic_store_n(&p.sent, true, __ATOMIC_RELEASE);
	ret = send_pdu(b, &buf, deadline);
	pthread_mutex_unlock(&b->send_lock);
	pthread_mutex_lock(&b->lock);
	if (!ret)
		ret = wait_pending(b, &p, deadline);
	if (ret == -ETIMEDOUT)
		orphan_locked(b, &p);
	remove_pending(b, &p);
	pthread_mutex_unlock(&b->lock);
	if (ret < 0)
		goto out;
	ret = p.status;
	if (ret < 0)
		goto out;
	ret = __rpc_co_decode(p.frame, p.flen, pdu);
	if (ret < 0)
		goto out;
	ret = __rpc_bind_read(pdu, alter, ids, n, &acc);
	if (ret < 0 && (ret != -rpc_s_unknown_if &&
			ret != -rpc_s_unsupported_trans_syn))
		goto out;
	if (acc.btfn_acked)
		b->btfn_bits = acc.btfn_bits;
	if (!alter) {
		/* honour the server's sizes, never below MustRecvFragSize */
		b->max_xmit = pdu->bind_ack.max_xmit_frag < b->max_frag ?
			      pdu->bind_ack.max_xmit_frag : b->max_frag;
		if (b->max_xmit < RPC_MIN_FRAG)
			b->max_xmit = RPC_MIN_FRAG;
		b->max_recv = b->max_frag;
		b->assoc_group = pdu->bind_ack.assoc_group_id;
	}
	if (ret < 0)
		goto out;
	if (b->nctx == CLI_MAX_CTX) {
		ret = -rpc_s_out_of_resources;
		goto out;
	}
	b->ctx[b->nctx].iface = *iface;
	b->ctx[b->nctx].ctx_id = acc.ctx_id;
	b->ctx[b->nctx].syntax = acc.syntax;
	b->nctx++;
out:
	free(p.frame);
	__ndr_buf_free(&p.stub);
	__ndr_buf_free(&buf);
	free(pdu);
	return ret;
}

static const struct cli_ctx *lookup_ctx(struct rpc_binding *b,
					const struct rpc_syntax_id *iface)
{
	int i;

	for (i = 0; i < b->nctx; i++)
		if (!memcmp(&b->ctx[i].iface, iface, sizeof(*iface)))
			return &b->ctx[i];
	return NULL;
}

/*
 * bind_exchange within the com time-out as well as the call's deadline.
 * Unanswered within the com time-out, the server is not there: the
 * connection is closed, and the calls on it fail.
 */
static int bind_exchange_com(struct rpc_binding *b, unsigned int com_level,
			     const struct rpc_syntax_id *iface, bool alter,
			     int64_t deadline)
{
	bool com;
	int64_t dl = __rpc_com_deadline(com_level, true, deadline, &com);
	int ret = bind_exchange(b, iface, alter, dl);

	if (ret == -ETIMEDOUT && com) {
		ret = -rpc_s_comm_failure;
		pthread_mutex_lock(&b->lock);
		drop_conn_locked(b, ret);
		pthread_mutex_unlock(&b->lock);
	}
	return ret;
}

/* Connect and bind iface if needed; *ctx on success. */
static int ensure_ctx_once(struct rpc_binding *b,
			   const struct rpc_syntax_id *iface,
			   struct cli_ctx *out, int64_t deadline)
{
	const struct cli_ctx *c;
	struct bopts o;
	int64_t dl;
	bool com;
	int ret = 0;

	opts_get(b, &o);
	pthread_mutex_lock(&b->setup);
	pthread_mutex_lock(&b->lock);
	if (b->broken && !b->pending) {
		if (b->fd >= 0 && !b->reader) {
			close(b->fd);
			b->fd = -1;
		}
		if (b->fd < 0) {
			b->broken = false;
			b->nctx = 0;
			b->next_ctx_id = 0;
			b->rlen = 0;
		}
	}
	if (b->broken) {
		pthread_mutex_unlock(&b->lock);
		pthread_mutex_unlock(&b->setup);
		return -rpc_s_call_failed;
	}
	if (b->fd < 0) {
		int fd;

		const char *ep = b->sb->endpoint;
		char *resolved = NULL;

		pthread_mutex_unlock(&b->lock);
		if (!ep || !*ep) {
			/* a partial binding: ask the endpoint mapper */
			ret = rpc_ep_resolve_binding(b->sb, iface,
						     o.has_object ? &o.object
								  : NULL,
						     &resolved);
			if (ret < 0)
				goto out;
			ep = resolved;
		}
		dl = __rpc_com_deadline(o.com_level, false, deadline, &com);
		ret = b->ops->connect(b->sb->netaddr, ep,
				      (unsigned int)(dl < 0 ? 0 :
						     __rpc_left_ms(dl) + 1), &fd);
		free(resolved);
		if (ret == -ETIMEDOUT && com)
			ret = -rpc_s_server_unavailable;
		/* who listens, before it gets even the bind */
		if (!ret && b->ops->verify_peer) {
			ret = b->ops->verify_peer(fd, o.server_uid);
			if (ret < 0)
				close(fd);
		}
		if (ret < 0)
			goto out;
		pthread_mutex_lock(&b->lock);
		b->fd = fd;
		b->max_recv = 0;
		pthread_mutex_unlock(&b->lock);
		ret = bind_exchange_com(b, o.com_level, iface, false,
					deadline);
		if (ret == -rpc_s_call_failed_dne && b->assoc_group) {
			/* the server forgot our group: start a new one */
			pthread_mutex_lock(&b->lock);
			drop_conn_locked(b, -ECONNRESET);
			pthread_mutex_unlock(&b->lock);
			b->assoc_group = 0;
		}
		if (ret < 0 && ret != -rpc_s_unknown_if &&
		    ret != -rpc_s_unsupported_trans_syn) {
			pthread_mutex_lock(&b->lock);
			drop_conn_locked(b, ret);
			if (!b->reader && b->fd >= 0) {
				close(b->fd);
				b->fd = -1;
			}
			pthread_mutex_unlock(&b->lock);
			goto out;
		}
		pthread_mutex_lock(&b->lock);
	}
	c = lookup_ctx(b, iface);
	pthread_mutex_unlock(&b->lock);
	if (!c && ret == 0) {
		ret = bind_exchange_com(b, o.com_level, iface, true, deadline);
		c = ret < 0 ? NULL : lookup_ctx(b, iface);
	}
	if (c)
		*out = *c;
	else if (ret == 0)
		ret = -rpc_s_unknown_if;
out:
	pthread_mutex_unlock(&b->setup);
	return ret;
}

__rpc_hot static void lpc_params_of(const struct rpc_binding *b, struct lpc_params *p)
{
	p->offer = b->offer;
	p->be = b->be;
	p->btfn = b->btfn;
	struct bopts o;

	opts_get(b, &o);
	p->has_object = o.has_object;
	p->object = o.object;
	p->timeout_ms = o.timeout_ms;
	p->com_level = o.com_level;
	p->server_uid = o.server_uid;
}

/* A binding that may be routed to this host's ncalrpc endpoint. */
static bool routable(const struct rpc_binding *b)
{
	const char *e = getenv("LRPC_NO_LOCAL");

	return (!strcmp(b->sb->protseq, "ncacn_ip_tcp") ||
		!strcmp(b->sb->protseq, "ncadg_ip_udp")) &&
	       !rpc_string_binding_option(b->sb, "nolocal") &&
	       !(e && *e && strcmp(e, "0")) &&
	       __rpc_host_is_local(b->sb->netaddr);
}

/*
 * Whether b goes through the kernel (1) or its socket (0), decided once
 * at its first use: ncalrpc bindings when the server has a kernel port,
 * local ncacn_ip_tcp bindings when the endpoint mapper knows an ncalrpc
 * endpoint for iface.  < 0: an ncalrpc binding that cannot be resolved.
 */
__rpc_hot static int local_select(struct rpc_binding *b, const struct rpc_syntax_id *iface)
{
	int state = __atomic_load_n(&b->local, __ATOMIC_ACQUIRE);
	const rpc_uuid_t *obj;
	struct lpc_params p;
	struct bopts o;
	char *ep = NULL;
	int ret = 0;

	if (state != LOCAL_UNDECIDED)
		return state == LOCAL_KERNEL;
	opts_get(b, &o);
	obj = o.has_object ? &o.object : NULL;
	pthread_mutex_lock(&b->setup);
	if (b->local != LOCAL_UNDECIDED) {
		ret = b->local == LOCAL_KERNEL;
		goto out;
	}
	state = LOCAL_SOCKET;
	if (__rpc_lpc_dev(NULL) < 0 || __rpc_lpc_disabled()) {
		/* no kernel path */
	} else if (!strcmp(b->sb->protseq, "ncalrpc")) {
		if (rpc_string_binding_option(b->sb, "nokernel"))
			goto decided;
		if (b->sb->endpoint && *b->sb->endpoint) {
			ep = strdup(b->sb->endpoint);
			ret = ep ? 0 : -ENOMEM;
		} else {
			ret = rpc_ep_resolve_binding(b->sb, iface, obj, &ep);
		}
		if (ret < 0)
			goto out;
	} else if (routable(b)) {
		__rpc_route_lookup(b->sb, iface, obj, &ep);
	}
	if (ep) {
		lpc_params_of(b, &p);
		ret = __rpc_lpc_connect(ep, &p, iface, &b->lpc);
		if (b->lpc)
			state = LOCAL_KERNEL;
		else if (ret < 0 && !strcmp(b->sb->protseq, "ncalrpc"))
			goto out;	/* the port is there and refused us */
	}
decided:
	ret = state == LOCAL_KERNEL;
	__atomic_store_n(&b->local, state, __ATOMIC_RELEASE);
out:
	pthread_mutex_unlock(&b->setup);
	free(ep);
	return ret;
}

static int ensure_ctx(struct rpc_binding *b, const struct rpc_syntax_id *iface,
		      struct cli_ctx *out, int64_t deadline)
{
	uint32_t group = b->assoc_group;
	int ret = ensure_ctx_once(b, iface, out, deadline);

	/* the group we asked to join is gone (bind_nak): once more, new */
	if (ret == -rpc_s_call_failed_dne && group && !b->assoc_group)
		ret = ensure_ctx_once(b, iface, out, deadline);
	return ret;
}

__rpc_hot static int binding_syntax(struct rpc_binding *b,
				    const struct rpc_syntax_id *iface)
{
	struct cli_ctx c;
	struct bopts o;
	int ret;

	if (!b || !iface)
		return -EINVAL;
	ret = local_select(b, iface);
	if (ret) {
		struct lpc_params p;

		if (ret < 0)
			return ret;
		lpc_params_of(b, &p);
		return __rpc_lpc_syntax(b->lpc, &p, iface);
	}
	opts_get(b, &o);
	ret = ensure_ctx(b, iface, &c, o.timeout_ms ?
			 __rpc_now_ms() + o.timeout_ms : -1);
	return ret < 0 ? ret : c.syntax;
}

__rpc_hot int rpc_binding_syntax(struct rpc_binding *b, const struct rpc_syntax_id *iface)
{
	return __rpc_call_ret(binding_syntax(b, iface), 0);
}

/* ---- calls ----------------------------------------------------------- */

static int binding_cancel(struct rpc_binding *b)
{
	uint32_t ids[64];
	struct pending *p;
	int n = 0, i;

	if (__atomic_load_n(&b->local, __ATOMIC_ACQUIRE) == LOCAL_KERNEL)
		return __rpc_lpc_cancel(b->lpc);
	pthread_mutex_lock(&b->lock);
	for (p = b->pending; p && n < 64; p = p->next)
		if (!p->done && !p->frame)
			ids[n++] = p->call_id;
	pthread_mutex_unlock(&b->lock);
	if (!n)
		return -rpc_s_no_call_active;
	for (i = 0; i < n; i++)
		send_simple(b, RPC_PT_CO_CANCEL, ids[i]);
	return 0;
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
	int64_t deadline;
	struct cli_ctx ctx;
	struct pending p = { 0 };
	struct ndr_buf buf = { 0 };
	size_t hdr, chunk, off = 0;
	struct bopts o;
	int ret;

	if (!b || !iface || !reply || (inlen && !in))
		return -EINVAL;
	memset(reply, 0, sizeof(*reply));
	ret = local_select(b, iface);
	if (ret) {
		struct lpc_params lp;

		if (ret < 0)
			return ret;
		lpc_params_of(b, &lp);
		return __rpc_lpc_call(b->lpc, &lp, iface, opnum, in, inlen,
				      reply);
	}
	if (inlen > UINT32_MAX)
		return -E2BIG;
	opts_get(b, &o);
	deadline = o.timeout_ms ? __rpc_now_ms() + o.timeout_ms : -1;
	ret = ensure_ctx(b, iface, &ctx, deadline);
	if (ret < 0)
		return ret;

	p.call_id = atomic_fetch_add(&b->next_call_id, 1);
	hdr = RPC_REQUEST_HDR_LEN + (o.has_object ? 16 : 0);
	chunk = ((size_t)b->max_xmit - hdr) & ~(size_t)7;
	add_pending(b, &p);

	pthread_mutex_lock(&b->send_lock);
	/* before the write: its answer may come before we could say so */
	__atomic_store_n(&p.sent, true, __ATOMIC_RELEASE);
	do {
		size_t n = inlen - off < chunk ? inlen - off : chunk;
		struct rpc_pdu pdu;
		struct rpc_co_enc e = {
			.ptype = RPC_PT_REQUEST,
			.pfc_flags = (off ? 0 : RPC_PFC_FIRST_FRAG) |
				     (off + n == inlen ? RPC_PFC_LAST_FRAG : 0) |
				     (o.has_object ? RPC_PFC_OBJECT_UUID : 0),
			.big_endian = b->be,
			.call_id = p.call_id,
		};

		memset(&pdu, 0, offsetof(struct rpc_pdu, bind) +
		       sizeof(pdu.request));
		pdu.request.alloc_hint = (uint32_t)(inlen - off);
		pdu.request.ctx_id = ctx.ctx_id;
		pdu.request.opnum = opnum;
		pdu.request.object = o.object;
		pdu.stub = (const uint8_t *)in + off;
		pdu.stub_len = n;
		buf.len = 0;
		ret = __rpc_co_encode(&buf, &e, &pdu);
		if (ret < 0)
			break;
		ret = send_pdu(b, &buf, deadline);
		if (ret < 0)
			break;
		off += n;
	} while (off < inlen);
	pthread_mutex_unlock(&b->send_lock);
	__ndr_buf_free(&buf);

	pthread_mutex_lock(&b->lock);
	if (ret < 0) {
		drop_conn_locked(b, ret);
	} else {
		ret = wait_pending(b, &p, deadline);
		if (ret == -ETIMEDOUT) {
			/* give up on the call; its answer is discarded */
			orphan_locked(b, &p);
			pthread_mutex_unlock(&b->lock);
			send_simple(b, RPC_PT_ORPHANED, p.call_id);
			__ndr_buf_free(&p.stub);
			return -ETIMEDOUT;
		}
	}
	remove_pending(b, &p);
	pthread_mutex_unlock(&b->lock);
	if (ret >= 0)
		ret = p.status;
	reply->fault = p.fault;
	memcpy(reply->drep, p.drep, 4);
	if (ret < 0) {
		__ndr_buf_free(&p.stub);
		return ret;
	}
	if (p.stub.cap >= NDR_BUF_MAP_MIN) {
		/* a mapping (ndr/buf.h): rpc_reply_release() unmaps it */
		ret = __rpc_reply_set_mapped(reply, p.stub.data, p.stub.cap,
					     p.stub.len);
		if (ret < 0)
			__ndr_buf_free(&p.stub);
		return ret;
	}
	reply->data = p.stub.data;
	reply->len = p.stub.len;
	return 0;
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
