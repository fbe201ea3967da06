// SPDX-License-Identifier: MIT
/*
 * The connectionless PDU codec ([C706] 12.5) and the reassembly of a
 * fragmented request or response.
 *
 * Every octet is hostile: a field is read only once the datagram is known
 * to hold it, and a reassembly keeps no more than its caller allows.  The
 * header is the fixed 80-octet one of protocol version 4; its integers and
 * the first three fields of its uuids follow drep[0] (NDR), serial_hi and
 * serial_lo sit at the two ends of the header.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "engine/dg/dg_pdu.h"

/* header offsets ([C706] 12.5.2) */
enum {
	OFF_VERS = 0, OFF_PTYPE = 1, OFF_FLAGS1 = 2, OFF_FLAGS2 = 3,
	OFF_DREP = 4, OFF_SERIAL_HI = 7, OFF_OBJECT = 8, OFF_IF_ID = 24,
	OFF_ACT_ID = 40, OFF_BOOT = 56, OFF_IF_VERS = 60, OFF_SEQ = 64,
	OFF_OPNUM = 68, OFF_IHINT = 70, OFF_AHINT = 72, OFF_LEN = 74,
	OFF_FRAGNUM = 76, OFF_AUTH = 78, OFF_SERIAL_LO = 79,
};

/*
 * Senders of version 2 and later set the whole octet; receivers of the
 * reference runtime look at the low 4 bits of the version and the low 5
 * of the packet type only, and so do we.
 */
#define VERS_MASK	0x0f
#define PTYPE_MASK	0x1f

static uint16_t get16(const uint8_t *p, bool be)
{
	return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t get32(const uint8_t *p, bool be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3]
		  : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
		    (uint32_t)p[1] << 8 | p[0];
}

static void put16(uint8_t *p, uint16_t v, bool be)
{
	p[be ? 0 : 1] = (uint8_t)(v >> 8);
	p[be ? 1 : 0] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v, bool be)
{
	int i;

	for (i = 0; i < 4; i++)
		p[be ? 3 - i : i] = (uint8_t)(v >> (8 * i));
}

void dg_drep_local(uint8_t drep[3])
{
	drep[0] = 0x10;		/* little endian, ASCII */
	drep[1] = 0;		/* IEEE floating point */
	drep[2] = 0;
}

int dg_hdr_decode(const uint8_t *p, size_t n, struct dg_hdr *h)
{
	bool be;

	if (!p || n < DG_HDR_LEN)
		return -EPROTO;
	if ((p[OFF_VERS] & VERS_MASK) != DG_VERSION)
		return -EPROTO;
	h->ptype = p[OFF_PTYPE] & PTYPE_MASK;
	if (h->ptype > DG_PT_MAX)
		return -EPROTO;
	/* NDR drep: integers 0 (big) or 1 (little) in the high nibble, ASCII
	 * characters (0) in the low one, IEEE floating point (0) */
	if ((p[OFF_DREP] >> 4) > 1 || (p[OFF_DREP] & 0x0f) ||
	    p[OFF_DREP + 1])
		return -EPROTO;
	h->flags1 = p[OFF_FLAGS1];
	h->flags2 = p[OFF_FLAGS2];
	memcpy(h->drep, p + OFF_DREP, 3);
	be = dg_hdr_be(h);
	rpc_uuid_from_wire(&h->object, p + OFF_OBJECT, be);
	rpc_uuid_from_wire(&h->if_id, p + OFF_IF_ID, be);
	rpc_uuid_from_wire(&h->act_id, p + OFF_ACT_ID, be);
	h->server_boot = get32(p + OFF_BOOT, be);
	h->if_vers = get32(p + OFF_IF_VERS, be);
	h->seqnum = get32(p + OFF_SEQ, be);
	h->opnum = get16(p + OFF_OPNUM, be);
	h->ihint = get16(p + OFF_IHINT, be);
	h->ahint = get16(p + OFF_AHINT, be);
	h->len = get16(p + OFF_LEN, be);
	h->fragnum = get16(p + OFF_FRAGNUM, be);
	h->auth_proto = p[OFF_AUTH];
	h->serial = (uint16_t)(p[OFF_SERIAL_HI] << 8 | p[OFF_SERIAL_LO]);
	if (h->len > n - DG_HDR_LEN)
		return -EPROTO;
	return 0;
}

void dg_hdr_encode(const struct dg_hdr *h, uint8_t *p)
{
	bool be = dg_hdr_be(h);

	p[OFF_VERS] = DG_VERSION;
	p[OFF_PTYPE] = h->ptype;
	p[OFF_FLAGS1] = h->flags1;
	p[OFF_FLAGS2] = h->flags2;
	memcpy(p + OFF_DREP, h->drep, 3);
	p[OFF_SERIAL_HI] = (uint8_t)(h->serial >> 8);
	rpc_uuid_to_wire(&h->object, p + OFF_OBJECT, be);
	rpc_uuid_to_wire(&h->if_id, p + OFF_IF_ID, be);
	rpc_uuid_to_wire(&h->act_id, p + OFF_ACT_ID, be);
	put32(p + OFF_BOOT, h->server_boot, be);
	put32(p + OFF_IF_VERS, h->if_vers, be);
	put32(p + OFF_SEQ, h->seqnum, be);
	put16(p + OFF_OPNUM, h->opnum, be);
	put16(p + OFF_IHINT, h->ihint, be);
	put16(p + OFF_AHINT, h->ahint, be);
	put16(p + OFF_LEN, h->len, be);
	put16(p + OFF_FRAGNUM, h->fragnum, be);
	p[OFF_AUTH] = h->auth_proto;
	p[OFF_SERIAL_LO] = (uint8_t)h->serial;
}

/* ---- fack ------------------------------------------------------------ */

/* vers, pad, window_size, max_tsdu, max_frag_size, serial_num, selack_len */
#define FACK_FIXED	16

int dg_fack_decode(const uint8_t *body, size_t n, bool be, struct dg_fack *f)
{
	uint16_t i, take;

	memset(f, 0, sizeof(*f));
	/* pre-v2 peers send an empty body; then fields are read as far as
	 * whole ones go, the rest staying zero */
	if (n == 0)
		return 0;
	f->vers = body[0];
	if (f->vers > 1)
		return -EPROTO;
	if (n >= 4)
		f->window_size = get16(body + 2, be);
	if (n >= 8)
		f->max_tsdu = get32(body + 4, be);
	if (n >= 12)
		f->max_frag_size = get32(body + 8, be);
	if (n >= 14)
		f->serial_num = get16(body + 12, be);
	if (n < FACK_FIXED)
		return 0;
	f->selack_len = get16(body + 14, be);
	if (f->selack_len > (n - FACK_FIXED) / 4)
		return -EPROTO;
	/* words past what we keep would only ack fragments beyond the
	 * window we take; drop them */
	take = f->selack_len < DG_SELACK_MAX ? f->selack_len : DG_SELACK_MAX;
	for (i = 0; i < take; i++)
		f->selack[i] = get32(body + FACK_FIXED + 4 * i, be);
	f->selack_len = take;
	return 0;
}

size_t dg_fack_encode(const struct dg_fack *f, bool be, uint8_t *body)
{
	uint16_t i, len = f->selack_len < DG_SELACK_MAX ? f->selack_len
							: DG_SELACK_MAX;

	body[0] = f->vers;
	body[1] = 0;
	put16(body + 2, f->window_size, be);
	put32(body + 4, f->max_tsdu, be);
	put32(body + 8, f->max_frag_size, be);
	put16(body + 12, f->serial_num, be);
	put16(body + 14, len, be);
	for (i = 0; i < len; i++)
		put32(body + FACK_FIXED + 4 * i, f->selack[i], be);
	/*
	 * The reference runtime always sends the one mask word of its body
	 * structure (20 octets, zero when selack_len is 0), and some peers
	 * take a fack body of exactly that size only.
	 */
	if (!len) {
		put32(body + FACK_FIXED, 0, be);
		len = 1;
	}
	return FACK_FIXED + 4 * (size_t)len;
}

/* ---- fault, reject ----------------------------------------------------- */

int dg_status_decode(const uint8_t *body, size_t n, bool be, uint32_t *st)
{
	if (n < 4)
		return -EPROTO;
	*st = get32(body, be);
	return 0;
}

size_t dg_status_encode(uint32_t st, bool be, uint8_t *body)
{
	put32(body, st, be);
	return 4;
}

/* ---- cl_cancel, cancel_ack ----------------------------------------------- */

int dg_cancel_decode(const uint8_t *body, size_t n, bool be, bool ack,
		     struct dg_cancel *c)
{
	memset(c, 0, sizeof(*c));
	if (n < (ack ? 9u : 8u))
		return -EPROTO;
	c->vers = get32(body, be);
	if (c->vers != 0)		/* the only body version there is */
		return -EPROTO;
	c->cancel_id = get32(body + 4, be);
	if (ack)
		c->server_is_accepting = body[8] != 0;
	return 0;
}

size_t dg_cancel_encode(const struct dg_cancel *c, bool be, bool ack,
			uint8_t *body)
{
	put32(body, c->vers, be);
	put32(body + 4, c->cancel_id, be);
	if (!ack)
		return 8;
	body[8] = c->server_is_accepting ? 1 : 0;
	return 9;
}

/* ---- reassembly -------------------------------------------------------- */

struct dg_frag {
	uint16_t len;
	bool last;
	uint8_t data[];
};

/*
 * How far past the in-order fragments a fragment may lie and be kept: as
 * far as our fack's selective ack can tell (DG_SELACK_MAX words).  A
 * sender keeps within the window we advertise, far less than this; one
 * beyond it is dropped and comes again once the window has moved.  This
 * also keeps the slot array of a reassembly within inorder + 1 + window.
 */
#define REASM_WINDOW	(32 * DG_SELACK_MAX)

void dg_reasm_init(struct dg_reasm *r, size_t max_bytes)
{
	memset(r, 0, sizeof(*r));
	r->last = -1;
	r->inorder = -1;
	r->max_bytes = max_bytes;
}

static int grow_slots(struct dg_reasm *r, uint32_t need)
{
	struct dg_frag **s;
	uint32_t n = r->nslots ? r->nslots : 4;

	while (n < need)
		n *= 2;
	if (n > DG_MAX_FRAGS)
		n = DG_MAX_FRAGS;
	s = realloc(r->frags, n * sizeof(*s));
	if (!s)
		return -ENOMEM;
	memset(s + r->nslots, 0, (n - r->nslots) * sizeof(*s));
	r->frags = s;
	r->nslots = n;
	return 0;
}

/*
 * The highest fragment number held, or r->inorder when none lies beyond.
 * Nothing is kept past inorder + REASM_WINDOW (and inorder only grows), so
 * the search is short.
 */
static int32_t highest_held(const struct dg_reasm *r)
{
	int32_t i = r->inorder + REASM_WINDOW;

	if (i > (int32_t)r->nslots - 1)
		i = (int32_t)r->nslots - 1;
	for (; i > r->inorder; i--)
		if (r->frags[i])
			return i;
	return r->inorder;
}

int dg_reasm_add(struct dg_reasm *r, uint16_t fragnum, const uint8_t *body,
		 size_t n, bool last)
{
	struct dg_frag *f;
	int ret;

	if (n > UINT16_MAX)
		return -EPROTO;
	if (fragnum < r->nslots && r->frags[fragnum]) {
		f = r->frags[fragnum];
		/* a copy sent again says what the first did */
		if (f->len != n || f->last != last)
			return -EPROTO;
		return 0;
	}
	if (r->last >= 0 && fragnum > r->last)
		return -EPROTO;		/* past the end */
	if (last) {
		if (r->last >= 0 && r->last != fragnum)
			return -EPROTO;	/* a second end */
		if (highest_held(r) > fragnum)
			return -EPROTO;	/* fragments already past it */
	} else if (fragnum == DG_MAX_FRAGS - 1) {
		return -EMSGSIZE;	/* more than 65536 fragments */
	}
	if ((int32_t)fragnum > r->inorder + REASM_WINDOW)
		return 0;
	if (n > r->max_bytes - r->bytes)
		return -EMSGSIZE;
	if (fragnum >= r->nslots) {
		ret = grow_slots(r, (uint32_t)fragnum + 1);
		if (ret < 0)
			return ret;
	}
	f = malloc(sizeof(*f) + n);
	if (!f)
		return -ENOMEM;
	f->len = (uint16_t)n;
	f->last = last;
	if (n)
		memcpy(f->data, body, n);
	r->frags[fragnum] = f;
	r->nhave++;
	r->bytes += n;
	if (last)
		r->last = fragnum;
	while ((uint32_t)(r->inorder + 1) < r->nslots &&
	       r->frags[r->inorder + 1])
		r->inorder++;
	return r->last >= 0 && r->inorder == r->last ? 1 : 0;
}

int dg_reasm_take(struct dg_reasm *r, uint8_t **out, size_t *len)
{
	uint8_t *buf;
	size_t off = 0;
	int32_t i;

	if (r->last < 0 || r->inorder != r->last)
		return -EINVAL;
	/* one octet at least, so that an empty body is not a NULL */
	buf = malloc(r->bytes ? r->bytes : 1);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i <= r->last; i++) {
		memcpy(buf + off, r->frags[i]->data, r->frags[i]->len);
		off += r->frags[i]->len;
	}
	*out = buf;
	*len = off;
	dg_reasm_free(r);
	return 0;
}

void dg_reasm_selack(const struct dg_reasm *r, struct dg_fack *f)
{
	int32_t hi = highest_held(r), base = r->inorder + 1, i;
	uint32_t words;

	memset(f->selack, 0, sizeof(f->selack));
	f->selack_len = 0;
	if (hi < base)
		return;
	/* bit k of word w: fragment inorder + 1 + 32w + k arrived; bit 0 of
	 * word 0 (the first missing one) is always clear */
	words = (uint32_t)(hi - base) / 32 + 1;
	if (words > DG_SELACK_MAX)
		words = DG_SELACK_MAX;
	for (i = base; i <= hi; i++) {
		uint32_t bit = (uint32_t)(i - base);

		if (bit / 32 < words && r->frags[i])
			f->selack[bit / 32] |= 1u << (bit % 32);
	}
	f->selack_len = (uint16_t)words;
}

void dg_reasm_free(struct dg_reasm *r)
{
	uint32_t i;
	size_t max = r->max_bytes;

	for (i = 0; i < r->nslots; i++)
		free(r->frags[i]);
	free(r->frags);
	dg_reasm_init(r, max);
}
