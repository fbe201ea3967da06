// SPDX-License-Identifier: MIT
/*
 * NDR20 stub data of the ept operations, both byte orders, by hand.
 *
 * Why not generated stubs: the runtime resolves partial bindings through
 * ept_map while it connects, so the EPM client must not depend on code
 * generated at build time; and towers are opaque octet strings to NDR
 * anyway (C706 Appendix L), parsed by tower.c.  The layout follows
 * idl/epmapper.idl:
 *
 *   ept_entry_t   { uuid object; twr_t *tower; [string] char annotation[64] }
 *                 = uuid(16) refid(4) offset(4) count(4) chars[count]
 *   twr_t         { u32 tower_length; [size_is(tower_length)] byte s[] }
 *                 = max_count(4) tower_length(4) octets
 *   arrays of entries / tower pointers: inline parts first, then the
 *   deferred towers in order (NDR embedded pointers).
 *
 * Everything read is bounded by the stub length; counts are checked
 * against the octets left before anything is allocated.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "epm_int.h"
#include "ndr/buf.h"

#define MAX_TOWER_OCTETS RPC_TOWER_MAX_LEN

/* ---- reader ------------------------------------------------------------- */

void __epm_rd_init(struct epm_rd *r, const void *p, size_t len, bool be)
{
	r->p = p;
	r->len = len;
	r->off = 0;
	r->be = be;
	r->n64 = false;
	r->bad = false;
}

void __epm_rd_align(struct epm_rd *r, size_t a)
{
	size_t pad = (a - (r->off & (a - 1))) & (a - 1);

	if (r->len - r->off < pad)
		r->bad = true;
	else
		r->off += pad;
}

const uint8_t *__epm_rd_bytes(struct epm_rd *r, size_t n)
{
	const uint8_t *p;

	if (r->bad || r->len - r->off < n) {
		r->bad = true;
		return NULL;
	}
	p = r->p + r->off;
	r->off += n;
	return p;
}

uint16_t __epm_rd_u16(struct epm_rd *r)
{
	const uint8_t *p;

	__epm_rd_align(r, 2);
	p = __epm_rd_bytes(r, 2);
	if (!p)
		return 0;
	return r->be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

uint32_t __epm_rd_u32(struct epm_rd *r)
{
	const uint8_t *p;

	__epm_rd_align(r, 4);
	p = __epm_rd_bytes(r, 4);
	if (!p)
		return 0;
	if (r->be)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		       (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

void __epm_rd_uuid(struct epm_rd *r, rpc_uuid_t *u)
{
	const uint8_t *p;

	__epm_rd_align(r, 4);
	p = __epm_rd_bytes(r, 16);
	if (p)
		rpc_uuid_from_wire(u, p, r->be);
	else
		memset(u, 0, sizeof(*u));
}

static uint64_t rd_u64(struct epm_rd *r)
{
	uint64_t hi, lo;

	__epm_rd_align(r, 8);
	if (r->be) {
		hi = __epm_rd_u32(r);
		lo = __epm_rd_u32(r);
	} else {
		lo = __epm_rd_u32(r);
		hi = __epm_rd_u32(r);
	}
	return hi << 32 | lo;
}

uint64_t __epm_rd_ptr(struct epm_rd *r)
{
	return r->n64 ? rd_u64(r) : __epm_rd_u32(r);
}

uint32_t __epm_rd_cnt(struct epm_rd *r)
{
	uint64_t v;

	if (!r->n64)
		return __epm_rd_u32(r);
	v = rd_u64(r);
	if (v > UINT32_MAX) {
		r->bad = true;
		return 0;
	}
	return (uint32_t)v;
}

/* ---- writer ------------------------------------------------------------- */

void __epm_wr_init(struct epm_wr *w, struct ndr_buf *b, bool be)
{
	w->b = b;
	w->be = be;
	w->n64 = false;
	w->bad = false;
}

void __epm_wr_bytes(struct epm_wr *w, const void *p, size_t n)
{
	struct ndr_buf *b = w->b;

	if (w->bad)
		return;
	if (b->len > (1u << 24) || n > (1u << 24) - b->len ||
	    __ndr_buf_put(b, p, n))
		w->bad = true;
}

void __epm_wr_align(struct epm_wr *w, size_t a)
{
	static const uint8_t z[8];
	size_t pad = (a - (w->b->len & (a - 1))) & (a - 1);

	__epm_wr_bytes(w, z, pad);
}

void __epm_wr_u16(struct epm_wr *w, uint16_t v)
{
	uint8_t o[2];

	__epm_wr_align(w, 2);
	o[w->be ? 1 : 0] = (uint8_t)v;
	o[w->be ? 0 : 1] = (uint8_t)(v >> 8);
	__epm_wr_bytes(w, o, 2);
}

void __epm_wr_u32(struct epm_wr *w, uint32_t v)
{
	uint8_t o[4];
	int i;

	__epm_wr_align(w, 4);
	for (i = 0; i < 4; i++)
		o[w->be ? 3 - i : i] = (uint8_t)(v >> (8 * i));
	__epm_wr_bytes(w, o, 4);
}

void __epm_wr_uuid(struct epm_wr *w, const rpc_uuid_t *u)
{
	uint8_t o[16];

	__epm_wr_align(w, 4);
	rpc_uuid_to_wire(u, o, w->be);
	__epm_wr_bytes(w, o, 16);
}

static void wr_u64(struct epm_wr *w, uint64_t v)
{
	__epm_wr_align(w, 8);
	if (w->be) {
		__epm_wr_u32(w, (uint32_t)(v >> 32));
		__epm_wr_u32(w, (uint32_t)v);
	} else {
		__epm_wr_u32(w, (uint32_t)v);
		__epm_wr_u32(w, (uint32_t)(v >> 32));
	}
}

void __epm_wr_ptr(struct epm_wr *w, uint32_t refid)
{
	if (w->n64)
		wr_u64(w, refid);
	else
		__epm_wr_u32(w, refid);
}

void __epm_wr_cnt(struct epm_wr *w, uint32_t v)
{
	if (w->n64)
		wr_u64(w, v);
	else
		__epm_wr_u32(w, v);
}

/* ept_entry_t holds a pointer: aligned (and padded) to 8 in NDR64. */
static void rd_entry_align(struct epm_rd *r)
{
	__epm_rd_align(r, r->n64 ? 8 : 4);
}

static void wr_entry_align(struct epm_wr *w)
{
	__epm_wr_align(w, w->n64 ? 8 : 4);
}

/* ---- pieces -------------------------------------------------------------- */

static int finish(struct epm_rd *r)
{
	/* a sender may pad the stub to 8 */
	if (r->bad || r->len - r->off > 7)
		return -rpc_x_bad_stub_data;
	return 0;
}

int __ept_dec_handle(struct epm_rd *r, struct ndr_context_handle *h)
{
	const uint8_t *p;

	h->attributes = __epm_rd_u32(r);
	p = __epm_rd_bytes(r, 16);
	if (p)
		memcpy(h->uuid, p, 16);
	else
		memset(h->uuid, 0, 16);
	return r->bad ? -rpc_x_bad_stub_data : 0;
}

void __ept_enc_handle(struct epm_wr *w, const struct ndr_context_handle *h)
{
	__epm_wr_u32(w, h->attributes);
	__epm_wr_bytes(w, h->uuid, 16);
}

/* twr_t: conformance, tower_length, octets. */
static void dec_twr(struct epm_rd *r, const uint8_t **p, size_t *len)
{
	uint32_t max, tl;

	__epm_rd_align(r, 4);
	max = __epm_rd_cnt(r);
	tl = __epm_rd_u32(r);
	if (max != tl || tl > MAX_TOWER_OCTETS) {
		r->bad = true;
		*p = NULL;
		*len = 0;
		return;
	}
	*p = __epm_rd_bytes(r, tl);
	*len = *p ? tl : 0;
}

static void enc_twr(struct epm_wr *w, const uint8_t *p, size_t len)
{
	__epm_wr_align(w, 4);
	__epm_wr_cnt(w, (uint32_t)len);
	__epm_wr_u32(w, (uint32_t)len);
	__epm_wr_bytes(w, p, len);
}

/* [string] char annotation[64]: offset 0, actual count incl. NUL. */
static void dec_annotation(struct epm_rd *r, char out[RPC_EPM_ANNOTATION_MAX])
{
	uint32_t off, cnt, i;
	const uint8_t *p;

	off = __epm_rd_cnt(r);
	cnt = __epm_rd_cnt(r);
	out[0] = 0;
	if (off != 0 || cnt > RPC_EPM_ANNOTATION_MAX) {
		r->bad = true;
		return;
	}
	p = __epm_rd_bytes(r, cnt);
	if (!p)
		return;
	for (i = 0; i < cnt && p[i]; i++)
		out[i] = (char)p[i];
	out[i < RPC_EPM_ANNOTATION_MAX ? i : RPC_EPM_ANNOTATION_MAX - 1] = 0;
}

static void enc_annotation(struct epm_wr *w, const char *a)
{
	size_t n = strnlen(a, RPC_EPM_ANNOTATION_MAX - 1);
	static const uint8_t nul;

	__epm_wr_cnt(w, 0);
	__epm_wr_cnt(w, (uint32_t)n + 1);
	__epm_wr_bytes(w, a, n);
	__epm_wr_bytes(w, &nul, 1);
}

/* The deferred referents of n pointers with ids refid[]: a repeated
 * non-zero id (full pointers) names the referent already read. */
static void dec_towers(struct epm_rd *r, uint32_t n, const uint64_t *refid,
		       const uint8_t **tw, size_t *tl)
{
	uint32_t i, j;

	for (i = 0; i < n && !r->bad; i++) {
		tw[i] = NULL;
		tl[i] = 0;
		if (!refid[i])
			continue;
		for (j = 0; j < i; j++)
			if (refid[j] == refid[i])
				break;
		if (j < i) {
			tw[i] = tw[j];
			tl[i] = tl[j];
			continue;
		}
		dec_twr(r, &tw[i], &tl[i]);
	}
}

void __ept_entries_free(struct ept_entries *ents)
{
	free(ents->e);
	ents->e = NULL;
	ents->n = 0;
}

/* num_ents, then [size_is(num_ents)] ept_entry_t entries[]. */
static int dec_entries(struct epm_rd *r, struct ept_entries *ents)
{
	uint32_t n, max, i;
	uint64_t *refid = NULL;
	const uint8_t **tw = NULL;
	size_t *tl = NULL;
	int ret = -rpc_x_bad_stub_data;

	ents->n = 0;
	ents->e = NULL;
	n = __epm_rd_u32(r);
	max = __epm_rd_cnt(r);
	if (r->bad || n != max)
		return ret;
	if (n > RPC_EPM_MAX_ENTS)
		return -rpc_s_invalid_bound;
	/* each entry takes at least 28 octets inline */
	if ((r->len - r->off) / 28 < n)
		return ret;
	ents->e = calloc(n ? n : 1, sizeof(*ents->e));
	refid = calloc(n ? n : 1, sizeof(*refid));
	tw = calloc(n ? n : 1, sizeof(*tw));
	tl = calloc(n ? n : 1, sizeof(*tl));
	if (!ents->e || !refid || !tw || !tl) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n && !r->bad; i++) {
		rd_entry_align(r);
		__epm_rd_uuid(r, &ents->e[i].object);
		refid[i] = __epm_rd_ptr(r);
		dec_annotation(r, ents->e[i].annotation);
		if (r->n64)
			rd_entry_align(r);
	}
	dec_towers(r, n, refid, tw, tl);
	if (r->bad)
		goto out;
	for (i = 0; i < n; i++) {
		ents->e[i].tower = tw[i];
		ents->e[i].tower_len = tl[i];
	}
	ents->n = n;
	ret = 0;
out:
	free(refid);
	free(tw);
	free(tl);
	if (ret)
		__ept_entries_free(ents);
	return ret;
}

int __ept_dec_insert(struct epm_rd *r, struct ept_entries *ents,
		     uint32_t *replace)
{
	int ret = dec_entries(r, ents);

	if (ret)
		return ret;
	*replace = __epm_rd_u32(r);
	ret = finish(r);
	if (ret)
		__ept_entries_free(ents);
	return ret;
}

int __ept_dec_delete(struct epm_rd *r, struct ept_entries *ents)
{
	int ret = dec_entries(r, ents);

	if (ret)
		return ret;
	ret = finish(r);
	if (ret)
		__ept_entries_free(ents);
	return ret;
}

void __ept_enc_entries(struct epm_wr *w, const struct rpc_epm_entry *e,
		       uint32_t n)
{
	uint32_t i;

	__epm_wr_u32(w, n);
	__epm_wr_cnt(w, n);
	for (i = 0; i < n; i++) {
		wr_entry_align(w);
		__epm_wr_uuid(w, &e[i].object);
		__epm_wr_ptr(w, e[i].tower ? 0x00020000u + 4 * i : 0);
		enc_annotation(w, e[i].annotation);
		if (w->n64)
			wr_entry_align(w);
	}
	for (i = 0; i < n; i++)
		if (e[i].tower)
			enc_twr(w, e[i].tower, e[i].tower_len);
}

int __ept_dec_lookup(struct epm_rd *r, struct ept_lookup_in *in)
{
	memset(in, 0, sizeof(*in));
	in->inquiry_type = __epm_rd_u32(r);
	if (__epm_rd_ptr(r)) {
		in->has_object = true;
		__epm_rd_uuid(r, &in->object);
	}
	if (__epm_rd_ptr(r)) {
		in->has_iface = true;
		__epm_rd_uuid(r, &in->iface.uuid);
		in->iface.major = __epm_rd_u16(r);
		in->iface.minor = __epm_rd_u16(r);
	}
	in->vers_option = __epm_rd_u32(r);
	__ept_dec_handle(r, &in->handle);
	in->max_ents = __epm_rd_u32(r);
	return finish(r);
}

void __ept_enc_lookup(struct epm_wr *w, const struct ept_lookup_in *in)
{
	__epm_wr_u32(w, in->inquiry_type);
	__epm_wr_ptr(w, in->has_object ? 0x00020000u : 0);
	if (in->has_object)
		__epm_wr_uuid(w, &in->object);
	__epm_wr_ptr(w, in->has_iface ? 0x00020004u : 0);
	if (in->has_iface) {
		__epm_wr_uuid(w, &in->iface.uuid);
		__epm_wr_u16(w, in->iface.major);
		__epm_wr_u16(w, in->iface.minor);
	}
	__epm_wr_u32(w, in->vers_option);
	__ept_enc_handle(w, &in->handle);
	__epm_wr_u32(w, in->max_ents);
}

int __ept_dec_map(struct epm_rd *r, struct ept_map_in *in)
{
	memset(in, 0, sizeof(*in));
	if (__epm_rd_ptr(r)) {
		in->has_object = true;
		__epm_rd_uuid(r, &in->object);
	}
	if (__epm_rd_ptr(r)) {
		dec_twr(r, &in->tower, &in->tower_len);
		if (!in->tower && !r->bad)
			r->bad = true;
	}
	__ept_dec_handle(r, &in->handle);
	in->max_towers = __epm_rd_u32(r);
	return finish(r);
}

void __ept_enc_map(struct epm_wr *w, const struct ept_map_in *in)
{
	__epm_wr_ptr(w, in->has_object ? 0x00020000u : 0);
	if (in->has_object)
		__epm_wr_uuid(w, &in->object);
	__epm_wr_ptr(w, in->tower ? 0x00020004u : 0);
	if (in->tower)
		enc_twr(w, in->tower, in->tower_len);
	__ept_enc_handle(w, &in->handle);
	__epm_wr_u32(w, in->max_towers);
}

int __ept_dec_mgmt_delete(struct epm_rd *r, struct ept_mgmt_delete_in *in)
{
	memset(in, 0, sizeof(*in));
	in->object_speced = __epm_rd_u32(r);
	if (__epm_rd_ptr(r)) {
		in->has_object = true;
		__epm_rd_uuid(r, &in->object);
	}
	if (__epm_rd_ptr(r))
		dec_twr(r, &in->tower, &in->tower_len);
	return finish(r);
}

void __ept_enc_lookup_out(struct epm_wr *w, const struct ndr_context_handle *h,
			  uint32_t max_ents, const struct rpc_epdb_result *res,
			  uint32_t n, uint32_t status)
{
	uint32_t i;

	__ept_enc_handle(w, h);
	__epm_wr_u32(w, n);
	__epm_wr_cnt(w, max_ents);	/* size_is(max_ents) */
	__epm_wr_cnt(w, 0);		/* offset */
	__epm_wr_cnt(w, n);		/* length_is(*num_ents) */
	for (i = 0; i < n; i++) {
		wr_entry_align(w);
		__epm_wr_uuid(w, &res[i].object);
		__epm_wr_ptr(w, res[i].tower ? 0x00020000u + 4 * i : 0);
		enc_annotation(w, res[i].annotation);
		if (w->n64)
			wr_entry_align(w);
	}
	for (i = 0; i < n; i++)
		if (res[i].tower)
			enc_twr(w, res[i].tower, res[i].tower_len);
	__epm_wr_u32(w, status);
}

void __ept_enc_map_out(struct epm_wr *w, const struct ndr_context_handle *h,
		       uint32_t max_towers, const struct rpc_epdb_result *res,
		       uint32_t n, uint32_t status)
{
	uint32_t i;

	__ept_enc_handle(w, h);
	__epm_wr_u32(w, n);
	__epm_wr_cnt(w, max_towers);
	__epm_wr_cnt(w, 0);
	__epm_wr_cnt(w, n);
	for (i = 0; i < n; i++)
		__epm_wr_ptr(w, res[i].tower ? 0x00020000u + 4 * i : 0);
	for (i = 0; i < n; i++)
		if (res[i].tower)
			enc_twr(w, res[i].tower, res[i].tower_len);
	__epm_wr_u32(w, status);
}

/* Conformant-varying array header of a response: max, offset 0, actual;
 * actual must equal the num_* before it and fit in max. */
static int dec_cv_header(struct epm_rd *r, uint32_t num)
{
	uint32_t max, off, act;

	max = __epm_rd_cnt(r);
	off = __epm_rd_cnt(r);
	act = __epm_rd_cnt(r);
	if (r->bad || off != 0 || act != num || act > max ||
	    num > RPC_EPM_MAX_ENTS)
		return -rpc_x_bad_stub_data;
	return 0;
}

static int copy_towers(struct rpc_epdb_result *res, uint32_t n,
		       const uint8_t **tw, const size_t *tl)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (!tw[i])
			continue;
		res[i].tower = malloc(tl[i] ? tl[i] : 1);
		if (!res[i].tower)
			return -ENOMEM;
		memcpy(res[i].tower, tw[i], tl[i]);
		res[i].tower_len = tl[i];
	}
	return 0;
}

static int dec_out_common(struct epm_rd *r, struct ndr_context_handle *h,
			  bool lookup, struct rpc_epdb_result **resp,
			  uint32_t *np, uint32_t *status)
{
	struct rpc_epdb_result *res = NULL;
	uint32_t n, i;
	uint64_t *refid = NULL;
	const uint8_t **tw = NULL;
	size_t *tl = NULL;
	int ret;

	*resp = NULL;
	*np = 0;
	__ept_dec_handle(r, h);
	n = __epm_rd_u32(r);
	ret = dec_cv_header(r, n);
	if (ret)
		return ret;
	if ((r->len - r->off) / (lookup ? 28 : 4) < n)
		return -rpc_x_bad_stub_data;
	res = calloc(n ? n : 1, sizeof(*res));
	refid = calloc(n ? n : 1, sizeof(*refid));
	tw = calloc(n ? n : 1, sizeof(*tw));
	tl = calloc(n ? n : 1, sizeof(*tl));
	if (!res || !refid || !tw || !tl) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n && !r->bad; i++) {
		if (lookup) {
			rd_entry_align(r);
			__epm_rd_uuid(r, &res[i].object);
			refid[i] = __epm_rd_ptr(r);
			dec_annotation(r, res[i].annotation);
			if (r->n64)
				rd_entry_align(r);
		} else {
			refid[i] = __epm_rd_ptr(r);
		}
	}
	dec_towers(r, n, refid, tw, tl);
	*status = __epm_rd_u32(r);
	ret = finish(r);
	if (!ret)
		ret = copy_towers(res, n, tw, tl);
out:
	free(refid);
	free(tw);
	free(tl);
	if (ret) {
		if (res)
			rpc_epdb_results_free(res, n);
		free(res);
		return ret;
	}
	*resp = res;
	*np = n;
	return 0;
}

int __ept_dec_lookup_out(struct epm_rd *r, struct ndr_context_handle *h,
			 struct rpc_epdb_result **res, uint32_t *n,
			 uint32_t *status)
{
	return dec_out_common(r, h, true, res, n, status);
}

int __ept_dec_map_out(struct epm_rd *r, struct ndr_context_handle *h,
		      struct rpc_epdb_result **res, uint32_t *n,
		      uint32_t *status)
{
	return dec_out_common(r, h, false, res, n, status);
}
