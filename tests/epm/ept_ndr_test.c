// SPDX-License-Identifier: MIT
/*
 * The ept stub data codec: requests exactly as impacket 0.10 marshals them
 * (ept_lookup of impacket-rpcdump, ept_map of hept_map with its 0xab
 * alignment fill), round trips of every request and response in both
 * byte orders, and truncated or lying input.
 */
#include <stdlib.h>
#include <string.h>
#include <lrpc/epm.h>
#include "epm/epm_int.h"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"
#include "epm_vectors.h"

#define BAD (-(int)rpc_x_bad_stub_data)

static const uint8_t impacket_lookup[] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xf4, 0x01, 0x00, 0x00,
};

/* object NULL, map_tower (referent 0xfa21, 75 octets), 0xab fill,
 * null handle, max_towers 1 */
static uint8_t impacket_map[8 + 8 + 75 + 1 + 20 + 4];

static void build_impacket_map(void)
{
	static const uint8_t head[] = { 0, 0, 0, 0, 0x00, 0x00, 0x21, 0xfa,
					0x4b, 0, 0, 0, 0x4b, 0, 0, 0 };
	uint8_t *p = impacket_map;

	memcpy(p, head, sizeof(head));
	/* referent id as impacket sent it: 0x0000fa21 little-endian */
	p[4] = 0x21; p[5] = 0xfa; p[6] = 0; p[7] = 0;
	p += sizeof(head);
	memcpy(p, twr_tcp_lrpctest_any, 75);
	p += 75;
	*p++ = 0xab;
	memset(p, 0, 20);
	p += 20;
	p[0] = 1; p[1] = 0; p[2] = 0; p[3] = 0;
}

TEST(impacket_lookup_request)
{
	struct ept_lookup_in in;
	struct epm_rd r;
	struct ndr_buf b;
	struct epm_wr w;

	__epm_rd_init(&r, impacket_lookup, sizeof(impacket_lookup), false);
	ASSERT_EQ(0, __ept_dec_lookup(&r, &in));
	EXPECT_EQ(RPC_EP_ALL_ELTS, in.inquiry_type);
	EXPECT_EQ(0, in.has_object);
	EXPECT_EQ(0, in.has_iface);
	EXPECT_EQ(RPC_VERS_ALL, in.vers_option);
	EXPECT_EQ(500, in.max_ents);
	/* our client encodes the same request byte for byte */
	ndr_buf_init(&b);
	__epm_wr_init(&w, &b, false);
	__ept_enc_lookup(&w, &in);
	ASSERT_EQ(sizeof(impacket_lookup), b.len);
	EXPECT_EQ(0, memcmp(b.data, impacket_lookup, b.len));
	ndr_buf_release(&b);
}

TEST(impacket_map_request)
{
	struct ept_map_in in;
	struct epm_rd r;
	size_t n;

	build_impacket_map();
	__epm_rd_init(&r, impacket_map, sizeof(impacket_map), false);
	ASSERT_EQ(0, __ept_dec_map(&r, &in));
	EXPECT_EQ(0, in.has_object);
	ASSERT_NE(NULL, in.tower);
	EXPECT_EQ(75, in.tower_len);
	EXPECT_EQ(0, memcmp(in.tower, twr_tcp_lrpctest_any, 75));
	EXPECT_EQ(1, in.max_towers);
	/* every truncation is refused */
	for (n = 0; n < sizeof(impacket_map); n++) {
		__epm_rd_init(&r, impacket_map, n, false);
		EXPECT_EQ(BAD, __ept_dec_map(&r, &in));
	}
}

static void check_lookup_roundtrip(struct __test_metadata *_metadata, bool be)
{
	struct rpc_epdb_result res[2] = { 0 }, *out = NULL;
	struct ndr_context_handle h = { 0, { 1, 2, 3 } }, h2;
	struct ndr_buf b;
	struct epm_wr w;
	struct epm_rd r;
	uint32_t n = 0, st = 0;
	size_t k;

	res[0].object.time_low = 0x01020304;
	res[0].tower = (uint8_t *)twr_tcp_epm_135;
	res[0].tower_len = sizeof(twr_tcp_epm_135);
	strcpy(res[0].annotation, "first");
	res[1].tower = (uint8_t *)twr_lrpc_smbtorture;
	res[1].tower_len = sizeof(twr_lrpc_smbtorture);
	ndr_buf_init(&b);
	__epm_wr_init(&w, &b, be);
	__ept_enc_lookup_out(&w, &h, 500, res, 2, 0);
	ASSERT_EQ(0, w.bad);
	__epm_rd_init(&r, b.data, b.len, be);
	ASSERT_EQ(0, __ept_dec_lookup_out(&r, &h2, &out, &n, &st));
	EXPECT_EQ(2, n);
	EXPECT_EQ(0, st);
	EXPECT_EQ(0, memcmp(&h, &h2, sizeof(h)));
	EXPECT_EQ(0x01020304, out[0].object.time_low);
	EXPECT_STREQ("first", out[0].annotation);
	EXPECT_STREQ("", out[1].annotation);
	ASSERT_EQ(sizeof(twr_lrpc_smbtorture), out[1].tower_len);
	EXPECT_EQ(0, memcmp(out[1].tower, twr_lrpc_smbtorture, out[1].tower_len));
	rpc_epdb_results_free(out, n);
	free(out);
	/* truncations */
	for (k = 0; k + 8 <= b.len; k++) {
		__epm_rd_init(&r, b.data, k, be);
		EXPECT_NE(0, __ept_dec_lookup_out(&r, &h2, &out, &n, &st));
	}
	ndr_buf_release(&b);
}

TEST(lookup_response_roundtrip_le)
{
	check_lookup_roundtrip(_metadata, false);
}

TEST(lookup_response_roundtrip_be)
{
	check_lookup_roundtrip(_metadata, true);
}

TEST(map_response_roundtrip)
{
	struct rpc_epdb_result res[1] = { 0 }, *out = NULL;
	struct ndr_context_handle h = { 0 }, h2;
	struct ndr_buf b;
	struct epm_wr w;
	struct epm_rd r;
	uint32_t n = 0, st = 0;

	res[0].tower = (uint8_t *)twr_tcp_epm_135;
	res[0].tower_len = sizeof(twr_tcp_epm_135);
	ndr_buf_init(&b);
	__epm_wr_init(&w, &b, true);
	__ept_enc_map_out(&w, &h, 4, res, 1, ept_s_not_registered);
	__epm_rd_init(&r, b.data, b.len, true);
	ASSERT_EQ(0, __ept_dec_map_out(&r, &h2, &out, &n, &st));
	EXPECT_EQ(1, n);
	EXPECT_EQ(ept_s_not_registered, st);
	EXPECT_EQ(0, memcmp(out[0].tower, twr_tcp_epm_135, sizeof(twr_tcp_epm_135)));
	rpc_epdb_results_free(out, n);
	free(out);
	ndr_buf_release(&b);
}

TEST(insert_roundtrip_and_lies)
{
	struct rpc_epm_entry e[2] = { 0 };
	struct ept_entries ents;
	struct ndr_buf b;
	struct epm_wr w;
	struct epm_rd r;
	uint32_t replace = 0;

	e[0].tower = twr_tcp_epm_135;
	e[0].tower_len = sizeof(twr_tcp_epm_135);
	strcpy(e[0].annotation, "x");
	e[1].tower = twr_np_lsarpc;
	e[1].tower_len = sizeof(twr_np_lsarpc);
	e[1].object.time_low = 7;
	ndr_buf_init(&b);
	__epm_wr_init(&w, &b, false);
	__ept_enc_entries(&w, e, 2);
	__epm_wr_u32(&w, 1);
	__epm_rd_init(&r, b.data, b.len, false);
	ASSERT_EQ(0, __ept_dec_insert(&r, &ents, &replace));
	EXPECT_EQ(2, ents.n);
	EXPECT_EQ(1, replace);
	EXPECT_STREQ("x", ents.e[0].annotation);
	EXPECT_EQ(7, ents.e[1].object.time_low);
	EXPECT_EQ(sizeof(twr_np_lsarpc), ents.e[1].tower_len);
	__ept_entries_free(&ents);
	/* conformance != num_ents */
	b.data[4] = 3;
	__epm_rd_init(&r, b.data, b.len, false);
	EXPECT_EQ(BAD, __ept_dec_insert(&r, &ents, &replace));
	b.data[4] = 2;
	/* a huge count is refused before anything is allocated for it */
	b.data[0] = b.data[4] = 0xff;
	b.data[1] = b.data[5] = 0x01;
	__epm_rd_init(&r, b.data, b.len, false);
	EXPECT_EQ(-(int)rpc_s_invalid_bound, __ept_dec_insert(&r, &ents, &replace));
	b.data[0] = b.data[4] = 2;
	b.data[1] = b.data[5] = 0;
	/* annotation count over 64 */
	b.data[8 + 16 + 4 + 4] = 65;
	__epm_rd_init(&r, b.data, b.len, false);
	EXPECT_EQ(BAD, __ept_dec_insert(&r, &ents, &replace));
	ndr_buf_release(&b);
}

TEST(tower_length_lies)
{
	/* object NULL, tower referent, max_count 75, tower_length 74 */
	uint8_t m[sizeof(impacket_map)];
	struct ept_map_in in;
	struct epm_rd r;

	build_impacket_map();
	memcpy(m, impacket_map, sizeof(m));
	m[12] = 74;
	__epm_rd_init(&r, m, sizeof(m), false);
	EXPECT_EQ(BAD, __ept_dec_map(&r, &in));
	/* both 0xffffffff */
	memset(m + 8, 0xff, 8);
	__epm_rd_init(&r, m, sizeof(m), false);
	EXPECT_EQ(BAD, __ept_dec_map(&r, &in));
}

/* ept_insert exactly as smbtorture sends it, both byte orders */
static void check_samba_insert(struct __test_metadata *_metadata,
			       const uint8_t *stub, size_t len, bool be,
			       bool lrpc)
{
	struct rpc_tower_info info;
	struct ept_entries ents;
	struct epm_rd r;
	uint32_t replace = 7;

	__epm_rd_init(&r, stub, len, be);
	ASSERT_EQ(0, __ept_dec_insert(&r, &ents, &replace));
	ASSERT_EQ(1, ents.n);
	EXPECT_EQ(0, replace);
	EXPECT_EQ(1, rpc_uuid_is_nil(&ents.e[0].object));
	ASSERT_EQ(0, rpc_tower_decode(ents.e[0].tower, ents.e[0].tower_len, &info));
	if (lrpc) {
		EXPECT_STREQ("smbtorture endpoint", ents.e[0].annotation);
		ASSERT_EQ(sizeof(twr_lrpc_smbtorture), ents.e[0].tower_len);
		EXPECT_EQ(0, memcmp(ents.e[0].tower, twr_lrpc_smbtorture,
				    sizeof(twr_lrpc_smbtorture)));
	} else {
		EXPECT_STREQ("SMBTORTURE", ents.e[0].annotation);
		EXPECT_STREQ("ncacn_ip_tcp", info.protseq);
		EXPECT_STREQ("41768", info.endpoint);
		EXPECT_STREQ("216.83.154.106", info.netaddr);
		EXPECT_EQ(0, rpc_uuid_compare(&info.iface.uuid, &rpc_syntax_ndr20.uuid));
		EXPECT_EQ(2, info.iface.major);
	}
	__ept_entries_free(&ents);
}

TEST(samba_insert_stubs)
{
	check_samba_insert(_metadata, samba_insert_tcp_le, sizeof(samba_insert_tcp_le), false, false);
	check_samba_insert(_metadata, samba_insert_tcp_be, sizeof(samba_insert_tcp_be), true, false);
	check_samba_insert(_metadata, samba_insert_lrpc_le, sizeof(samba_insert_lrpc_le), false, true);
	check_samba_insert(_metadata, samba_insert_lrpc_be, sizeof(samba_insert_lrpc_be), true, true);
}

/* Our encoder writes the same octets as Samba's for the same entry. */
TEST(insert_encoding_matches_samba)
{
	struct rpc_epm_entry e = { 0 };
	struct ndr_buf b;
	struct epm_wr w;

	e.tower = twr_lrpc_smbtorture;
	e.tower_len = sizeof(twr_lrpc_smbtorture);
	strcpy(e.annotation, "smbtorture endpoint");
	ndr_buf_init(&b);
	__epm_wr_init(&w, &b, true);
	__ept_enc_entries(&w, &e, 1);
	__epm_wr_u32(&w, 0);
	/* Samba pads the stub to 8 octets; we do not.  Referent ids are
	 * the sender's choice (Samba counts from 1, we use MIDL's 0x20000) */
	ASSERT_LE(b.len, sizeof(samba_insert_lrpc_be));
	EXPECT_EQ(0, memcmp(b.data, samba_insert_lrpc_be, 24));
	EXPECT_EQ(0, memcmp(b.data + 28, samba_insert_lrpc_be + 28, b.len - 28));
	ndr_buf_release(&b);
}

/* impacket 0.10 with isNDR64=True: 0xbf fill after inquiry_type,
 * 8-octet null pointers */
static const uint8_t impacket_lookup64[] = {
	0x00, 0x00, 0x00, 0x00, 0xbf, 0xbf, 0xbf, 0xbf, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00, 0x00,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0xf4, 0x01, 0x00, 0x00,
};

TEST(impacket_lookup_request_ndr64)
{
	struct ept_lookup_in in;
	struct epm_rd r;

	__epm_rd_init(&r, impacket_lookup64, sizeof(impacket_lookup64), false);
	r.n64 = true;
	ASSERT_EQ(0, __ept_dec_lookup(&r, &in));
	EXPECT_EQ(0, in.has_object);
	EXPECT_EQ(0, in.has_iface);
	EXPECT_EQ(1, in.vers_option);
	EXPECT_EQ(500, in.max_ents);
}

/* impacket 0.10 NDR64 ept_map: 8-octet referent 0x5226, 8-octet
 * conformance, tower, 0xab fill, handle, max_towers 1 */
TEST(impacket_map_request_ndr64)
{
	uint8_t m[8 + 8 + 8 + 4 + 75 + 1 + 20 + 4];
	struct ept_map_in in;
	struct epm_rd r;

	memset(m, 0, sizeof(m));
	m[8] = 0x26;
	m[9] = 0x52;
	m[16] = 75;
	m[24] = 75;
	memcpy(m + 28, twr_tcp_lrpctest_any, 75);
	m[28 + 75] = 0xab;
	m[sizeof(m) - 4] = 1;
	__epm_rd_init(&r, m, sizeof(m), false);
	r.n64 = true;
	ASSERT_EQ(0, __ept_dec_map(&r, &in));
	EXPECT_EQ(0, in.has_object);
	ASSERT_EQ(75, in.tower_len);
	EXPECT_EQ(0, memcmp(in.tower, twr_tcp_lrpctest_any, 75));
	EXPECT_EQ(1, in.max_towers);
	/* a count over 32 bits is refused */
	m[20] = 1;
	__epm_rd_init(&r, m, sizeof(m), false);
	r.n64 = true;
	EXPECT_EQ(BAD, __ept_dec_map(&r, &in));
}

TEST(ndr64_roundtrips)
{
	struct rpc_epdb_result res[2] = { 0 }, *out = NULL;
	struct rpc_epm_entry e[2] = { 0 };
	struct ndr_context_handle h = { 0, { 9 } }, h2;
	struct ept_entries ents;
	struct ndr_buf b;
	struct epm_wr w;
	struct epm_rd r;
	uint32_t n = 0, st = 0, replace = 0;
	int be;

	for (be = 0; be < 2; be++) {
		res[0].tower = (uint8_t *)twr_tcp_epm_135;
		res[0].tower_len = sizeof(twr_tcp_epm_135);
		strcpy(res[0].annotation, "x");
		res[1].tower = (uint8_t *)twr_lrpc_smbtorture;
		res[1].tower_len = sizeof(twr_lrpc_smbtorture);
		ndr_buf_init(&b);
		__epm_wr_init(&w, &b, be);
		w.n64 = true;
		__ept_enc_lookup_out(&w, &h, 10, res, 2, 0);
		__epm_rd_init(&r, b.data, b.len, be);
		r.n64 = true;
		ASSERT_EQ(0, __ept_dec_lookup_out(&r, &h2, &out, &n, &st));
		ASSERT_EQ(2, n);
		EXPECT_STREQ("x", out[0].annotation);
		EXPECT_EQ(0, memcmp(out[1].tower, twr_lrpc_smbtorture,
				    sizeof(twr_lrpc_smbtorture)));
		rpc_epdb_results_free(out, n);
		free(out);
		/* the NDR20 reader refuses it */
		__epm_rd_init(&r, b.data, b.len, be);
		EXPECT_NE(0, __ept_dec_lookup_out(&r, &h2, &out, &n, &st));
		b.len = 0;
		__ept_enc_map_out(&w, &h, 10, res, 2, 0);
		__epm_rd_init(&r, b.data, b.len, be);
		r.n64 = true;
		ASSERT_EQ(0, __ept_dec_map_out(&r, &h2, &out, &n, &st));
		ASSERT_EQ(2, n);
		rpc_epdb_results_free(out, n);
		free(out);
		/* an entry without a tower, then replace: the struct's
		 * trailing padding decides where replace lands */
		e[0].tower = NULL;
		strcpy(e[0].annotation, "ab");
		e[1].tower = twr_tcp_epm_135;
		e[1].tower_len = sizeof(twr_tcp_epm_135);
		b.len = 0;
		__ept_enc_entries(&w, e, 1);
		__epm_wr_u32(&w, 1);
		/* u32 n, pad, u64 conf, 16 uuid, 8 ptr, 8+8 var, "ab\0", pad */
		EXPECT_EQ(4 + 4 + 8 + 16 + 8 + 16 + 3 + 5 + 4, b.len);
		__epm_rd_init(&r, b.data, b.len, be);
		r.n64 = true;
		ASSERT_EQ(0, __ept_dec_insert(&r, &ents, &replace));
		EXPECT_EQ(1, replace);
		EXPECT_EQ(NULL, ents.e[0].tower);
		__ept_entries_free(&ents);
		b.len = 0;
		__ept_enc_entries(&w, e, 2);
		__epm_wr_u32(&w, 0);
		__epm_rd_init(&r, b.data, b.len, be);
		r.n64 = true;
		ASSERT_EQ(0, __ept_dec_insert(&r, &ents, &replace));
		EXPECT_EQ(2, ents.n);
		EXPECT_EQ(sizeof(twr_tcp_epm_135), ents.e[1].tower_len);
		__ept_entries_free(&ents);
		ndr_buf_release(&b);
	}
}

TEST_HARNESS_MAIN
