// SPDX-License-Identifier: MIT
/*
 * Connectionless PDU codec and reassembly (lib/engine/dg/dg_pdu.c).
 *
 * The vectors were built by hand in both byte orders and checked with
 * tshark 4.0 (text2pcap on UDP, the DCE/RPC heuristic dissector): it
 * read every field below as these tests expect, with no expert item.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lrpc/rpc.h>
#include "engine/dg/dg_pdu.h"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

static size_t unhex(const char *h, uint8_t *out)
{
	size_t n = 0;

	while (h[0] && h[1]) {
		unsigned int v;

		sscanf(h, "%2x", &v);
		out[n++] = (uint8_t)v;
		h += 2;
	}
	return n;
}

/* Request seq 7, opnum 3, serial 0x0102, idempotent, interface
 * 12345678-9abc-def0-1122-334455667788 v1, activity
 * aabbccdd-eeff-0011-2233-445566778899, boot 0x5f000001, body deadbeef */
#define HDR_LE_MID \
	"0000000000000000000000000000000078563412bc9af0de1122334455667788" \
	"ddccbbaaffee110022334455667788990100005f0100000007000000"
#define HDR_BE_MID \
	"0000000000000000000000000000000012345678" "9abcdef01122334455667788" \
	"aabbccddeeff001122334455667788995f000001" "0000000100000007"
static const char req_le[] =
	"0400200010000001" HDR_LE_MID "0300ffffffff040000000002deadbeef";
static const char req_be[] =
	"0400200000000001" HDR_BE_MID "0003ffffffff000400000002deadbeef";
/* fack for fragment 4, serial 3: vers 1, window 32 KiB, max_tsdu 4096,
 * max_frag_size 1472, serial_num 258, selack 0x0000000a 0x80000001 */
static const char fack_le[] =
	"0409000010000000" HDR_LE_MID "0300ffffffff1800040000030100200000100000"
	"c0050000020102000a00000001000080";
static const char fack_be[] =
	"0409000000000000" HDR_BE_MID "0003ffffffff0018000400030100002000001000"
	"000005c0010200020000000a80000001";
/* fault nca_unk_if (0x1c010003) */
static const char fault_le[] =
	"0403000010000000" HDR_LE_MID "03000000000004000000000003" "00011c";
static const char fault_be[] =
	"0403000000000000" HDR_BE_MID "000300000000000400000000" "1c010003";
/* cl_cancel id 5; cancel_ack id 5, accepting */
static const char cancel_le[] =
	"0408000010000000" HDR_LE_MID "0300ffffffff08000000000000000000" "05000000";
static const char cancel_be[] =
	"0408000000000000" HDR_BE_MID "0003ffffffff00080000000000000000" "00000005";
static const char cack_le[] =
	"040a000010000000" HDR_LE_MID "030000000000090000000000000000000500000001";
static const char cack_be[] =
	"040a000000000000" HDR_BE_MID "000300000000000900000000000000000000000501";

static const rpc_uuid_t if_uuid = {
	0x12345678, 0x9abc, 0xdef0, 0x11, 0x22,
	{ 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 }
};
static const rpc_uuid_t act_uuid = {
	0xaabbccdd, 0xeeff, 0x0011, 0x22, 0x33,
	{ 0x44, 0x55, 0x66, 0x77, 0x88, 0x99 }
};

static void check_common(struct __test_metadata *_metadata,
			 const struct dg_hdr *h)
{
	rpc_uuid_t nil = { 0 };

	EXPECT_EQ(0, memcmp(&h->object, &nil, sizeof(nil)));
	EXPECT_EQ(0, memcmp(&h->if_id, &if_uuid, sizeof(if_uuid)));
	EXPECT_EQ(0, memcmp(&h->act_id, &act_uuid, sizeof(act_uuid)));
	EXPECT_EQ(0x5f000001, h->server_boot);
	EXPECT_EQ(1, h->if_vers);
	EXPECT_EQ(7, h->seqnum);
	EXPECT_EQ(3, h->opnum);
}

/* Decode p, check re-encoding gives the same 80 octets. */
static int decode_reencode(struct __test_metadata *_metadata, const char *hex,
			   uint8_t *p, size_t *n, struct dg_hdr *h)
{
	uint8_t again[DG_HDR_LEN];
	int ret;

	*n = unhex(hex, p);
	ret = dg_hdr_decode(p, *n, h);
	if (ret)
		return ret;
	dg_hdr_encode(h, again);
	EXPECT_EQ(0, memcmp(p, again, DG_HDR_LEN));
	return 0;
}

TEST(request_both_orders)
{
	const char *v[2] = { req_le, req_be };
	uint8_t p[256];
	struct dg_hdr h;
	size_t n;
	int i;

	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, decode_reencode(_metadata, v[i], p, &n, &h));
		EXPECT_EQ(i == 1, dg_hdr_be(&h));
		EXPECT_EQ(DG_PT_REQUEST, h.ptype);
		EXPECT_EQ(DG_F1_IDEMPOTENT, h.flags1);
		EXPECT_EQ(0, h.flags2);
		check_common(_metadata, &h);
		EXPECT_EQ(DG_NO_HINT, h.ihint);
		EXPECT_EQ(DG_NO_HINT, h.ahint);
		EXPECT_EQ(4, h.len);
		EXPECT_EQ(0, h.fragnum);
		EXPECT_EQ(0, h.auth_proto);
		EXPECT_EQ(0x0102, h.serial);
		EXPECT_EQ(0, memcmp(p + DG_HDR_LEN, "\xde\xad\xbe\xef", 4));
	}
}

TEST(fack_both_orders)
{
	const char *v[2] = { fack_le, fack_be };
	uint8_t p[256], body[64];
	struct dg_fack f;
	struct dg_hdr h;
	size_t n;
	int i;

	for (i = 0; i < 2; i++) {
		bool be = i == 1;

		ASSERT_EQ(0, decode_reencode(_metadata, v[i], p, &n, &h));
		EXPECT_EQ(DG_PT_FACK, h.ptype);
		EXPECT_EQ(4, h.fragnum);
		EXPECT_EQ(3, h.serial);
		ASSERT_EQ(24, h.len);
		ASSERT_EQ(0, dg_fack_decode(p + DG_HDR_LEN, h.len, be, &f));
		EXPECT_EQ(1, f.vers);
		EXPECT_EQ(32, f.window_size);
		EXPECT_EQ(4096, f.max_tsdu);
		EXPECT_EQ(1472, f.max_frag_size);
		EXPECT_EQ(258, f.serial_num);
		ASSERT_EQ(2, f.selack_len);
		EXPECT_EQ(0x0000000a, f.selack[0]);
		EXPECT_EQ(0x80000001, f.selack[1]);
		ASSERT_EQ(24, dg_fack_encode(&f, be, body));
		EXPECT_EQ(0, memcmp(body, p + DG_HDR_LEN, 24));
	}
}

TEST(fault_cancel_both_orders)
{
	const char *fv[2] = { fault_le, fault_be };
	const char *cv[2] = { cancel_le, cancel_be };
	const char *av[2] = { cack_le, cack_be };
	uint8_t p[256], body[16];
	struct dg_cancel c;
	struct dg_hdr h;
	uint32_t st;
	size_t n;
	int i;

	for (i = 0; i < 2; i++) {
		bool be = i == 1;

		ASSERT_EQ(0, decode_reencode(_metadata, fv[i], p, &n, &h));
		EXPECT_EQ(DG_PT_FAULT, h.ptype);
		ASSERT_EQ(0, dg_status_decode(p + DG_HDR_LEN, h.len, be, &st));
		EXPECT_EQ(0x1c010003, st);
		ASSERT_EQ(4, dg_status_encode(st, be, body));
		EXPECT_EQ(0, memcmp(body, p + DG_HDR_LEN, 4));

		ASSERT_EQ(0, decode_reencode(_metadata, cv[i], p, &n, &h));
		EXPECT_EQ(DG_PT_CL_CANCEL, h.ptype);
		ASSERT_EQ(0, dg_cancel_decode(p + DG_HDR_LEN, h.len, be, false,
					      &c));
		EXPECT_EQ(0, c.vers);
		EXPECT_EQ(5, c.cancel_id);
		ASSERT_EQ(8, dg_cancel_encode(&c, be, false, body));
		EXPECT_EQ(0, memcmp(body, p + DG_HDR_LEN, 8));

		ASSERT_EQ(0, decode_reencode(_metadata, av[i], p, &n, &h));
		EXPECT_EQ(DG_PT_CANCEL_ACK, h.ptype);
		ASSERT_EQ(0, dg_cancel_decode(p + DG_HDR_LEN, h.len, be, true,
					      &c));
		EXPECT_EQ(5, c.cancel_id);
		EXPECT_TRUE(c.server_is_accepting);
		ASSERT_EQ(9, dg_cancel_encode(&c, be, true, body));
		EXPECT_EQ(0, memcmp(body, p + DG_HDR_LEN, 9));
	}
}

TEST(header_checks)
{
	uint8_t p[256], q[256];
	struct dg_hdr h;
	size_t n = unhex(req_le, p), k;

	/* every truncation of the header or of the body */
	for (k = 0; k < n; k++)
		EXPECT_EQ(-EPROTO, dg_hdr_decode(p, k, &h));
	EXPECT_EQ(-EPROTO, dg_hdr_decode(NULL, 0, &h));
	/* octets past the body (a verifier) are the caller's */
	memcpy(q, p, n);
	EXPECT_EQ(0, dg_hdr_decode(q, n + 8, &h));
#define BAD(off, val) do { memcpy(q, p, n); q[off] = (val); \
		EXPECT_EQ(-EPROTO, dg_hdr_decode(q, n, &h)); } while (0)
	BAD(0, 5);		/* version */
	BAD(0, 2);
	BAD(1, DG_PT_MAX + 1);	/* packet type */
	BAD(1, 0x1f);
	BAD(4, 0x11);		/* EBCDIC */
	BAD(4, 0x20);		/* no such integer format */
	BAD(5, 1);		/* VAX floating point */
	BAD(74, 5);		/* body length past the datagram */
	BAD(75, 1);
#undef BAD
	/* the reference runtime reads the low 4 bits of the version and
	 * the low 5 of the type */
	memcpy(q, p, n);
	q[0] = 0x14;
	q[1] = 0x20 | DG_PT_PING;
	ASSERT_EQ(0, dg_hdr_decode(q, n, &h));
	EXPECT_EQ(DG_PT_PING, h.ptype);
}

TEST(drep_local_encode_decode)
{
	struct dg_hdr h = { .ptype = DG_PT_RESPONSE, .flags1 = DG_F1_FRAG,
			    .seqnum = 0x01020304, .len = 0, .fragnum = 0xfffe,
			    .serial = 0xabcd, .if_id = if_uuid,
			    .act_id = act_uuid }, g;
	uint8_t p[DG_HDR_LEN];

	dg_drep_local(h.drep);
	EXPECT_FALSE(dg_hdr_be(&h));
	dg_hdr_encode(&h, p);
	EXPECT_EQ(0xab, p[7]);
	EXPECT_EQ(0xcd, p[79]);
	EXPECT_EQ(0x10, p[4]);
	ASSERT_EQ(0, dg_hdr_decode(p, sizeof(p), &g));
	EXPECT_EQ(0x01020304, g.seqnum);
	EXPECT_EQ(0xfffe, g.fragnum);
	EXPECT_EQ(0xabcd, g.serial);
	EXPECT_EQ(0, memcmp(&g.act_id, &act_uuid, sizeof(act_uuid)));
}

TEST(fack_short_and_hostile)
{
	uint8_t b[64];
	struct dg_fack f = { .vers = DG_FACK_VERS, .window_size = 0x1234,
			     .max_tsdu = 1472, .max_frag_size = 1464,
			     .serial_num = 9 };
	size_t n, i;

	/* no selective ack: the one zero word the reference sends */
	n = dg_fack_encode(&f, false, b);
	ASSERT_EQ(20, n);
	EXPECT_EQ(0, b[16] | b[17] | b[18] | b[19]);
	ASSERT_EQ(0, dg_fack_decode(b, n, false, &f));
	EXPECT_EQ(0x1234, f.window_size);
	EXPECT_EQ(0, f.selack_len);
	/* pre-v2 peers: an empty body */
	ASSERT_EQ(0, dg_fack_decode(b, 0, false, &f));
	EXPECT_EQ(0, f.window_size);
	EXPECT_EQ(0, f.max_tsdu);
	/* a short body gives the whole fields it holds */
	ASSERT_EQ(0, dg_fack_decode(b, 5, false, &f));
	EXPECT_EQ(0x1234, f.window_size);
	EXPECT_EQ(0, f.max_tsdu);
	ASSERT_EQ(0, dg_fack_decode(b, 16, false, &f));
	EXPECT_EQ(1464, f.max_frag_size);
	EXPECT_EQ(9, f.serial_num);
	/* version 0 is read too; an unknown one is refused */
	b[0] = 0;
	EXPECT_EQ(0, dg_fack_decode(b, 20, false, &f));
	b[0] = 2;
	EXPECT_EQ(-EPROTO, dg_fack_decode(b, 20, false, &f));
	b[0] = 1;
	/* selack words the body does not hold */
	b[14] = 2;
	EXPECT_EQ(-EPROTO, dg_fack_decode(b, 20, false, &f));
	EXPECT_EQ(0, dg_fack_decode(b, 24, false, &f));
	/* more words than we keep: the first DG_SELACK_MAX */
	b[14] = DG_SELACK_MAX + 2;
	for (i = 16; i < sizeof(b); i++)
		b[i] = (uint8_t)i;
	ASSERT_EQ(0, dg_fack_decode(b, 16 + 4 * (DG_SELACK_MAX + 2), false,
				    &f));
	EXPECT_EQ(DG_SELACK_MAX, f.selack_len);
	EXPECT_EQ(0x13121110, f.selack[0]);
	/* a selack_len of 65535 with a short body */
	b[14] = b[15] = 0xff;
	EXPECT_EQ(-EPROTO, dg_fack_decode(b, sizeof(b), false, &f));
	/* encode never writes more than DG_SELACK_MAX words */
	f.selack_len = 100;
	EXPECT_EQ(16 + 4 * DG_SELACK_MAX, dg_fack_encode(&f, true, b));
}

TEST(status_cancel_short)
{
	uint8_t b[16] = { 0 };
	struct dg_cancel c;
	uint32_t st;

	EXPECT_EQ(-EPROTO, dg_status_decode(b, 3, false, &st));
	EXPECT_EQ(0, dg_status_decode(b, 4, true, &st));
	EXPECT_EQ(-EPROTO, dg_cancel_decode(b, 7, false, false, &c));
	EXPECT_EQ(0, dg_cancel_decode(b, 8, false, false, &c));
	EXPECT_EQ(-EPROTO, dg_cancel_decode(b, 8, false, true, &c));
	EXPECT_EQ(0, dg_cancel_decode(b, 9, false, true, &c));
	EXPECT_FALSE(c.server_is_accepting);
	b[0] = 1;		/* a body version nobody defined */
	EXPECT_EQ(-EPROTO, dg_cancel_decode(b, 9, false, true, &c));
}

/* ---- reassembly ---------------------------------------------------------- */

static int add(struct dg_reasm *r, uint16_t fragnum, size_t n, bool last)
{
	uint8_t b[DG_MAX_BODY];

	memset(b, (int)(fragnum & 0xff), n);
	return dg_reasm_add(r, fragnum, b, n, last);
}

/* The taken body is fragments 0..last, in order, of sizes sz[]. */
static void check_body(struct __test_metadata *_metadata, struct dg_reasm *r,
		       const size_t *sz, int nfrags)
{
	uint8_t *out;
	size_t len, off = 0, k;
	int i;

	ASSERT_EQ(0, dg_reasm_take(r, &out, &len));
	for (i = 0; i < nfrags; i++) {
		for (k = 0; k < sz[i]; k++)
			ASSERT_EQ(i & 0xff, out[off + k]);
		off += sz[i];
	}
	EXPECT_EQ(off, len);
	free(out);
	/* taken: empty again */
	EXPECT_EQ(0, r->nslots);
	EXPECT_EQ(-1, r->last);
	EXPECT_EQ(0, r->bytes);
}

TEST(reasm_single)
{
	static const size_t sz[1] = { 100 };
	struct dg_reasm r;
	uint8_t *out;
	size_t len;

	dg_reasm_init(&r, 4096);
	EXPECT_EQ(-EINVAL, dg_reasm_take(&r, &out, &len));
	ASSERT_EQ(1, add(&r, 0, 100, true));
	EXPECT_LE(r.nslots, 4);		/* no slots for 65536 fragments */
	check_body(_metadata, &r, sz, 1);
	/* an empty body is a buffer too */
	ASSERT_EQ(1, add(&r, 0, 0, true));
	ASSERT_EQ(0, dg_reasm_take(&r, &out, &len));
	EXPECT_NE(NULL, out);
	EXPECT_EQ(0, len);
	free(out);
	dg_reasm_free(&r);
}

TEST(reasm_out_of_order_and_duplicates)
{
	static const size_t sz[5] = { DG_MAX_BODY, DG_MAX_BODY, DG_MAX_BODY,
				      DG_MAX_BODY, 17 };
	struct dg_reasm r;

	dg_reasm_init(&r, 1 << 20);
	ASSERT_EQ(0, add(&r, 4, 17, true));
	EXPECT_EQ(-1, r.inorder);
	EXPECT_EQ(4, r.last);
	ASSERT_EQ(0, add(&r, 2, DG_MAX_BODY, false));
	ASSERT_EQ(0, add(&r, 0, DG_MAX_BODY, false));
	EXPECT_EQ(0, r.inorder);
	ASSERT_EQ(0, add(&r, 2, DG_MAX_BODY, false));	/* duplicate */
	ASSERT_EQ(0, add(&r, 4, 17, true));		/* duplicate */
	EXPECT_EQ(3, r.nhave);
	ASSERT_EQ(0, add(&r, 3, DG_MAX_BODY, false));
	EXPECT_EQ(0, r.inorder);
	ASSERT_EQ(1, add(&r, 1, DG_MAX_BODY, false));
	EXPECT_EQ(4, r.inorder);
	EXPECT_EQ(4 * DG_MAX_BODY + 17, r.bytes);
	ASSERT_EQ(0, add(&r, 1, DG_MAX_BODY, false));	/* late copy */
	check_body(_metadata, &r, sz, 5);
	dg_reasm_free(&r);
}

TEST(reasm_contradictions)
{
	struct dg_reasm r;

	dg_reasm_init(&r, 1 << 20);
	ASSERT_EQ(0, add(&r, 3, 10, true));
	EXPECT_EQ(-EPROTO, add(&r, 4, 10, false));	/* after the last */
	EXPECT_EQ(-EPROTO, add(&r, 4, 10, true));
	EXPECT_EQ(-EPROTO, add(&r, 2, 10, true));	/* a second last */
	EXPECT_EQ(-EPROTO, add(&r, 3, 11, true));	/* copy, other length */
	EXPECT_EQ(-EPROTO, add(&r, 3, 10, false));	/* copy, not last */
	EXPECT_EQ(1, r.nhave);
	dg_reasm_free(&r);

	dg_reasm_init(&r, 1 << 20);
	ASSERT_EQ(0, add(&r, 5, 10, false));
	EXPECT_EQ(-EPROTO, add(&r, 4, 10, true));	/* last before 5 */
	EXPECT_EQ(-EPROTO, add(&r, 5, 10, true));	/* copy, now last */
	EXPECT_EQ(0, add(&r, 6, 10, true));
	dg_reasm_free(&r);
}

TEST(reasm_limits)
{
	struct dg_reasm r;
	int i;

	/* past max_bytes */
	dg_reasm_init(&r, 2 * DG_MAX_BODY + 10);
	ASSERT_EQ(0, add(&r, 0, DG_MAX_BODY, false));
	ASSERT_EQ(0, add(&r, 1, DG_MAX_BODY, false));
	EXPECT_EQ(-EMSGSIZE, add(&r, 2, 11, true));
	EXPECT_EQ(1, add(&r, 2, 10, true));
	dg_reasm_free(&r);

	/* fragment 65535 that is not the last: more than 65536 fragments */
	dg_reasm_init(&r, 1 << 20);
	EXPECT_EQ(-EMSGSIZE, add(&r, 65535, 10, false));
	/* a last fragment 65535 with nothing before it: far outside the
	 * window, dropped without growing the slots */
	EXPECT_EQ(0, add(&r, 65535, 10, true));
	EXPECT_EQ(0, r.nhave);
	EXPECT_EQ(0, r.nslots);
	EXPECT_EQ(-1, r.last);
	/* the edge of the window (what selack can tell, counted from the
	 * first missing fragment, 0): kept; one further: dropped */
	EXPECT_EQ(0, add(&r, 32 * DG_SELACK_MAX - 1, 1, false));
	EXPECT_EQ(0, add(&r, 32 * DG_SELACK_MAX, 1, false));
	EXPECT_EQ(1, r.nhave);
	EXPECT_LE(r.nslots, 32 * DG_SELACK_MAX);
	EXPECT_EQ(-EPROTO, dg_reasm_add(&r, 0, NULL, 70000, false));
	dg_reasm_free(&r);

	/* all 65536 fragments, in order, one octet each */
	dg_reasm_init(&r, 1 << 20);
	for (i = 0; i < 65535; i++)
		ASSERT_EQ(0, add(&r, (uint16_t)i, 1, false));
	ASSERT_EQ(1, add(&r, 65535, 1, true));
	EXPECT_EQ(DG_MAX_FRAGS, r.nslots);
	EXPECT_EQ(65536, r.bytes);
	dg_reasm_free(&r);
	EXPECT_EQ(0, r.nslots);
	EXPECT_EQ(NULL, r.frags);
}

TEST(reasm_selack)
{
	struct dg_reasm r;
	struct dg_fack f;
	int i;

	dg_reasm_init(&r, 1 << 20);
	dg_reasm_selack(&r, &f);
	EXPECT_EQ(0, f.selack_len);
	/* nothing in order yet: bits count from fragment 0 */
	ASSERT_EQ(0, add(&r, 5, 1, false));
	dg_reasm_selack(&r, &f);
	ASSERT_EQ(1, f.selack_len);
	EXPECT_EQ(1u << 5, f.selack[0]);
	/* 0 and 1 in order: 3, 4 and 35 beyond, counted from 2 */
	ASSERT_EQ(0, add(&r, 0, 1, false));
	ASSERT_EQ(0, add(&r, 1, 1, false));
	ASSERT_EQ(0, add(&r, 3, 1, false));
	ASSERT_EQ(0, add(&r, 4, 1, false));
	ASSERT_EQ(0, add(&r, 35, 1, false));
	EXPECT_EQ(1, r.inorder);
	dg_reasm_selack(&r, &f);
	ASSERT_EQ(2, f.selack_len);
	EXPECT_EQ(1u << 1 | 1u << 2 | 1u << 3, f.selack[0]);	/* 3, 4, 5 */
	EXPECT_EQ(1u << 1, f.selack[1]);			/* 35 */
	EXPECT_EQ(0, f.selack[0] & 1);	/* the first missing one */
	/* 2 arrives: 0..5 in order, 35 is bit 29 of word 0 */
	ASSERT_EQ(0, add(&r, 2, 1, false));
	EXPECT_EQ(5, r.inorder);
	dg_reasm_selack(&r, &f);
	ASSERT_EQ(1, f.selack_len);
	EXPECT_EQ(1u << 29, f.selack[0]);
	/* the far edge of the window: word DG_SELACK_MAX - 1, bit 31 */
	ASSERT_EQ(0, add(&r, 5 + 32 * DG_SELACK_MAX, 1, false));
	dg_reasm_selack(&r, &f);
	ASSERT_EQ(DG_SELACK_MAX, f.selack_len);
	EXPECT_EQ(1u << 31, f.selack[DG_SELACK_MAX - 1]);
	for (i = 1; i < DG_SELACK_MAX - 1; i++)
		EXPECT_EQ(0, f.selack[i]);
	/* everything in: no selective ack */
	for (i = 6; i < 5 + 32 * DG_SELACK_MAX; i++)
		if (i != 35)
			ASSERT_EQ(0, add(&r, (uint16_t)i, 1, false));
	dg_reasm_selack(&r, &f);
	EXPECT_EQ(0, f.selack_len);
	EXPECT_EQ(5 + 32 * DG_SELACK_MAX, r.inorder);
	dg_reasm_free(&r);
}

TEST_HARNESS_MAIN
