// SPDX-License-Identifier: MIT
/*
 * The DCE remote management interface (afa8bd80-7d8a-11c9-bef4-08002b102989
 * v1.0), served by every server.  Hand-marshalled in NDR20 and NDR64 (both
 * byte orders): it is small, and the runtime must not depend on generated
 * stubs for its own interface.
 *
 *   0 inq_if_ids([out] rpc_if_id_vector_t **v, [out] error_status_t *st)
 *   1 inq_stats([in] max_count, ..., [out] count, statistics[], status)
 *   2 boolean32 is_server_listening([out] error_status_t *st)
 *   3 stop_server_listening([out] error_status_t *st)
 *   4 inq_princ_name([in] authn_proto, [in] size,
 *                    [out, string, size_is(size)] char name[], status)
 */
#include <errno.h>
#include <string.h>
#include "server_int.h"

#define ERROR_ACCESS_DENIED	5

struct w {
	struct ndr_buf *b;
	bool be, n64;
	int err;
};

static void put(struct w *w, const void *p, size_t n)
{
	if (!w->err)
		w->err = __rpc_buf_put(w->b, p, n);
}

static void align(struct w *w, size_t a)
{
	static const uint8_t z[8];

	if (w->b->len & (a - 1))
		put(w, z, a - (w->b->len & (a - 1)));
}

static void u32(struct w *w, uint32_t v)
{
	uint8_t o[4];
	int i;

	align(w, 4);
	for (i = 0; i < 4; i++)
		o[w->be ? 3 - i : i] = (uint8_t)(v >> (8 * i));
	put(w, o, 4);
}

static void u64(struct w *w, uint64_t v)
{
	uint8_t o[8];
	int i;

	align(w, 8);
	for (i = 0; i < 8; i++)
		o[w->be ? 7 - i : i] = (uint8_t)(v >> (8 * i));
	put(w, o, 8);
}

/* conformance / variance counts and pointers: 4 or 8 octets */
static void count(struct w *w, uint64_t v)
{
	if (w->n64)
		u64(w, v);
	else
		u32(w, (uint32_t)v);
}

static void u16(struct w *w, uint16_t v)
{
	uint8_t o[2];

	align(w, 2);
	o[w->be ? 1 : 0] = (uint8_t)v;
	o[w->be ? 0 : 1] = (uint8_t)(v >> 8);
	put(w, o, 2);
}

static uint32_t get_u32(const uint8_t *in, size_t len, size_t off, bool be,
			bool *ok)
{
	if (off + 4 > len) {
		*ok = false;
		return 0;
	}
	return __rpc_get32(in + off, be);
}

int __rpc_mgmt_dispatch(struct rpc_call_ctx *call, uint16_t opnum,
			const uint8_t *in, size_t inlen, struct ndr_buf *out)
{
	struct rpc_server *srv = rpc_call_ctx_server(call);
	struct w w = { .b = out, .be = rpc_call_ctx_big_endian(call),
		       .n64 = rpc_call_ctx_syntax(call) == NDR_SYNTAX_NDR64 };
	bool ok = true;

	switch (opnum) {
	case 0: {	/* inq_if_ids */
		struct rpc_syntax_id ids[SRV_MAX_IFS];
		int n, i;

		if (inlen)
			return -rpc_x_bad_stub_data;
		__rpc_server_if_ids(srv, ids, &n, SRV_MAX_IFS);
		count(&w, 0x00020000);			/* referent */
		count(&w, (uint64_t)n);			/* max_count */
		u32(&w, (uint32_t)n);			/* count */
		if (w.n64)
			align(&w, 8);
		for (i = 0; i < n; i++)
			count(&w, 0x00020004u + 4u * (uint32_t)i);
		for (i = 0; i < n; i++) {
			const rpc_uuid_t *u = &ids[i].uuid;

			u32(&w, u->time_low);
			u16(&w, u->time_mid);
			u16(&w, u->time_hi_and_version);
			put(&w, &u->clock_seq_hi_and_reserved, 1);
			put(&w, &u->clock_seq_low, 1);
			put(&w, u->node, 6);
			u16(&w, ids[i].major);
			u16(&w, ids[i].minor);
		}
		u32(&w, 0);
		break;
	}
	case 1: {	/* inq_stats */
		struct rpc_server_stats st;
		uint32_t max = get_u32(in, inlen, 0, w.be, &ok), n, i;
		uint32_t v[4];

		if (!ok)
			return -rpc_x_bad_stub_data;
		rpc_server_stats(srv, &st);
		v[0] = (uint32_t)st.calls_in;
		v[1] = (uint32_t)st.calls_out;
		v[2] = (uint32_t)st.pkts_in;
		v[3] = (uint32_t)st.pkts_out;
		n = max < 4 ? max : 4;
		u32(&w, n);			/* count */
		count(&w, n);			/* statistics max_count */
		for (i = 0; i < n; i++)
			u32(&w, v[i]);
		u32(&w, 0);
		break;
	}
	case 2:		/* is_server_listening */
		u32(&w, 0);
		u32(&w, rpc_server_is_listening(srv) ? 1 : 0);
		break;
	case 3:		/* stop_server_listening */
		if (srv->allow_remote_stop) {
			rpc_server_stop_listening(srv);
			u32(&w, 0);
		} else {
			u32(&w, ERROR_ACCESS_DENIED);
		}
		break;
	case 4: {	/* inq_princ_name */
		uint32_t size = get_u32(in, inlen, 4, w.be, &ok);
		size_t l;

		if (!ok || inlen != 8)
			return -rpc_x_bad_stub_data;
		pthread_mutex_lock(&srv->lock);
		l = strlen(srv->princ_name);
		if (size && l + 1 > size)
			l = size - 1;
		count(&w, size);			/* max */
		count(&w, 0);				/* offset */
		count(&w, size ? l + 1 : 0);		/* actual */
		put(&w, srv->princ_name, l);
		pthread_mutex_unlock(&srv->lock);
		if (size)
			put(&w, "", 1);
		u32(&w, 0);
		break;
	}
	default:
		return -nca_s_op_rng_error;
	}
	return w.err;
}

const struct rpc_interface __rpc_mgmt_iface = {
	.id = { { 0xafa8bd80, 0x7d8a, 0x11c9, 0xbe, 0xf4,
		  { 0x08, 0x00, 0x2b, 0x10, 0x29, 0x89 } }, 1, 0 },
	.name = "mgmt",
	.nprocs = 5,
};
