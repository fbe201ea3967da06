// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the connectionless PDU codec and reassembly (dg_pdu.c).
 *
 * The input (after the flags octet the rpc fuzzers' seeds share) is
 * read twice:
 *  - as one datagram: header decode and re-encode (the same octets),
 *    and its body as fack, fault/reject status, cl_cancel and cancel_ack (a decoded fack must survive encode and decode);
 *  - as a list of fragments fed to one reassembly: each record is
 *    fragnum (2 octets), flags (1: bit 0 last, bit 1 a full 16-bit
 *    fragnum, else fragnum mod 48) and a body length (1 octet, scaled);
 *    after every add the reassembly's invariants are checked, and a
 *    completed body is taken and its length checked.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "engine/dg/dg_pdu.h"

static void check_datagram(const uint8_t *data, size_t size)
{
	struct dg_hdr h;
	struct dg_fack f, f2;
	struct dg_cancel c;
	uint8_t *p, enc[DG_HDR_LEN], body[16 + 4 * DG_SELACK_MAX];
	uint32_t st;
	size_t n;
	bool be;

	p = malloc(size ? size : 1);	/* exact size: ASan sees overreads */
	if (!p)
		return;
	memcpy(p, data, size);
	if (dg_hdr_decode(p, size, &h) == 0) {
		/* the same octets, but for the bits of version and type
		 * that receivers ignore and we send as zero */
		dg_hdr_encode(&h, enc);
		if (enc[0] != (p[0] & 0x0f) || enc[1] != (p[1] & 0x1f) ||
		    memcmp(enc + 2, p + 2, DG_HDR_LEN - 2))
			abort();
		be = dg_hdr_be(&h);
		if (dg_fack_decode(p + DG_HDR_LEN, h.len, be, &f) == 0) {
			n = dg_fack_encode(&f, !be, body);
			if (n > sizeof(body) ||
			    dg_fack_decode(body, n, !be, &f2) ||
			    f2.window_size != f.window_size ||
			    f2.max_tsdu != f.max_tsdu ||
			    f2.max_frag_size != f.max_frag_size ||
			    f2.serial_num != f.serial_num ||
			    f2.selack_len != f.selack_len ||
			    memcmp(f2.selack, f.selack, sizeof(f.selack)))
				abort();
		}
		(void)dg_status_decode(p + DG_HDR_LEN, h.len, be, &st);
		(void)dg_cancel_decode(p + DG_HDR_LEN, h.len, be, false, &c);
		(void)dg_cancel_decode(p + DG_HDR_LEN, h.len, be, true, &c);
	}
	free(p);
}

static void check_invariants(const struct dg_reasm *r)
{
	struct dg_fack f;
	uint32_t i, have = 0;

	if (r->bytes > r->max_bytes || r->nslots > DG_MAX_FRAGS ||
	    r->inorder >= (int32_t)r->nslots)
		abort();
	for (i = 0; i < r->nslots; i++)
		have += r->frags[i] != NULL;
	if (have != r->nhave)
		abort();
	for (i = 0; (int32_t)i <= r->inorder; i++)
		if (!r->frags[i])
			abort();
	if (r->last >= 0 && r->inorder > r->last)
		abort();
	dg_reasm_selack(r, &f);
	if (f.selack_len > DG_SELACK_MAX ||
	    (f.selack_len && (f.selack[0] & 1)))	/* first missing */
		abort();
	for (i = 0; i < 32u * f.selack_len; i++) {
		uint32_t fn = (uint32_t)(r->inorder + 1) + i;
		bool bit = f.selack[i / 32] >> (i % 32) & 1;

		if (bit != (fn < r->nslots && r->frags[fn] != NULL))
			abort();
	}
}

static void check_reasm(const uint8_t *data, size_t size)
{
	static uint8_t zeros[1024];
	struct dg_reasm r;
	size_t max;

	if (size < 2)
		return;
	/* a limit from a few hundred octets to 64 KiB */
	max = ((size_t)data[0] << 8 | data[1]) + 256;
	data += 2;
	size -= 2;
	dg_reasm_init(&r, max);
	while (size >= 4) {
		uint16_t fn = (uint16_t)(data[0] | data[1] << 8);
		bool last = data[2] & 1;
		size_t n = (size_t)data[3] * 4;
		int ret;

		if (!(data[2] & 2))
			fn %= 48;
		ret = dg_reasm_add(&r, fn, zeros, n, last);
		if (ret < 0 && ret != -EPROTO && ret != -EMSGSIZE)
			abort();
		check_invariants(&r);
		if (ret == 1) {
			uint8_t *out;
			size_t len, held = r.bytes;

			if (dg_reasm_take(&r, &out, &len) || len != held)
				abort();
			free(out);
			if (r.nslots || r.nhave || r.bytes)
				abort();
		}
		data += 4;
		size -= 4;
	}
	dg_reasm_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	data++;
	size--;
	check_datagram(data, size);
	check_reasm(data, size);
	return 0;
}
