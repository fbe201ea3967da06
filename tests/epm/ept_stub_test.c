// SPDX-License-Identifier: MIT
/*
 * The ept stub data through the tables lrpc-idl generates from
 * idl/epmapper.idl (the ones liblrpc's server and client stubs use):
 * requests exactly as impacket 0.10 and Samba 4.17 marshal them, NDR20
 * and NDR64, and the NDR64 ept_entry_t layout impacket expects.
 */
#include <stdlib.h>
#include <string.h>
#include <lrpc/epm.h>
#include "epm/epm_int.h"
#include "epmapper.h"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"
#include "epm_vectors.h"

static const uint8_t le[4] = { 0x10, 0, 0, 0 }, be_[4] = { 0, 0, 0, 0 };

static const uint8_t impacket_lookup[] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xf4, 0x01, 0x00, 0x00,
};

/* impacket 0.10 with isNDR64=True: 0xbf fill after inquiry_type,
 * 8-octet null pointers */
static const uint8_t impacket_lookup64[] = {
	0x00, 0x00, 0x00, 0x00, 0xbf, 0xbf, 0xbf, 0xbf, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00, 0x00,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0xf4, 0x01, 0x00, 0x00,
};

static int dec_in(int op, enum ndr_syntax syn, bool be, const void *p,
		  size_t len, void **args, struct ndr_arena *a)
{
	return ndr_unmarshal_call(&epmapper_v3_0_procs[op], NDR_DIR_IN, args,
				  syn, be ? be_ : le, p, len, a);
}

static void check_lookup(struct __test_metadata *_metadata,
			 enum ndr_syntax syn, const uint8_t *p, size_t len)
{
	void *args[10] = { 0 };
	struct ndr_arena a;
	struct ndr_buf b;

	ndr_arena_init(&a, 0);
	ASSERT_EQ(0, dec_in(EPT_OP_LOOKUP, syn, false, p, len, args, &a));
	EXPECT_EQ(RPC_EP_ALL_ELTS, *(uint32_t *)args[0]);
	EXPECT_EQ(NULL, *(dce_uuid_p_t *)args[1]);
	EXPECT_EQ(NULL, *(rpc_if_id_p_t *)args[2]);
	EXPECT_EQ(RPC_VERS_ALL, *(uint32_t *)args[3]);
	EXPECT_EQ(500, *(uint32_t *)args[5]);
	/* our client sends the same request (impacket's fill is zero here) */
	ndr_buf_init(&b);
	ASSERT_LT(0, ndr_marshal_call(&epmapper_v3_0_procs[EPT_OP_LOOKUP],
				      NDR_DIR_IN, args, syn, 0, &b));
	ASSERT_EQ(len, b.len);
	if (syn == NDR_SYNTAX_NDR20)
		EXPECT_EQ(0, memcmp(b.data, p, len));
	ndr_buf_release(&b);
	ndr_arena_release(&a);
}

TEST(impacket_lookup_request)
{
	check_lookup(_metadata, NDR_SYNTAX_NDR20, impacket_lookup,
		     sizeof(impacket_lookup));
	check_lookup(_metadata, NDR_SYNTAX_NDR64, impacket_lookup64,
		     sizeof(impacket_lookup64));
}

/* object NULL, map_tower (referent 0xfa21, 75 octets), 0xab fill,
 * null handle, max_towers 1 */
TEST(impacket_map_request)
{
	uint8_t m[8 + 8 + 75 + 1 + 20 + 4];
	void *args[8] = { 0 };
	struct ndr_arena a;
	twr_p_t t;
	size_t n;

	memset(m, 0, sizeof(m));
	m[4] = 0x21;
	m[5] = 0xfa;
	m[8] = m[12] = 75;
	memcpy(m + 16, twr_tcp_lrpctest_any, 75);
	m[16 + 75] = 0xab;
	m[sizeof(m) - 4] = 1;
	ndr_arena_init(&a, 0);
	ASSERT_EQ(0, dec_in(EPT_OP_MAP, NDR_SYNTAX_NDR20, false, m, sizeof(m),
			    args, &a));
	EXPECT_EQ(NULL, *(dce_uuid_p_t *)args[0]);
	t = *(twr_p_t *)args[1];
	ASSERT_NE(NULL, t);
	EXPECT_EQ(75, t->tower_length);
	EXPECT_EQ(0, memcmp(t->tower_octet_string, twr_tcp_lrpctest_any, 75));
	EXPECT_EQ(1, *(uint32_t *)args[3]);
	/* every truncation is refused */
	for (n = 0; n < sizeof(m); n++) {
		memset(args, 0, sizeof(args));
		EXPECT_NE(0, dec_in(EPT_OP_MAP, NDR_SYNTAX_NDR20, false, m, n,
				    args, &a));
	}
	/* max_count and tower_length disagree */
	m[12] = 74;
	memset(args, 0, sizeof(args));
	EXPECT_NE(0, dec_in(EPT_OP_MAP, NDR_SYNTAX_NDR20, false, m, sizeof(m),
			    args, &a));
	ndr_arena_release(&a);
}

/* impacket 0.10 NDR64 ept_map: 8-octet referent 0x5226, 8-octet
 * conformance, tower, 0xab fill, handle, max_towers 1 */
TEST(impacket_map_request_ndr64)
{
	uint8_t m[8 + 8 + 8 + 4 + 75 + 1 + 20 + 4];
	void *args[8] = { 0 };
	struct ndr_arena a;
	twr_p_t t;

	memset(m, 0, sizeof(m));
	m[8] = 0x26;
	m[9] = 0x52;
	m[16] = 75;
	m[24] = 75;
	memcpy(m + 28, twr_tcp_lrpctest_any, 75);
	m[28 + 75] = 0xab;
	m[sizeof(m) - 4] = 1;
	ndr_arena_init(&a, 0);
	ASSERT_EQ(0, dec_in(EPT_OP_MAP, NDR_SYNTAX_NDR64, false, m, sizeof(m),
			    args, &a));
	t = *(twr_p_t *)args[1];
	ASSERT_NE(NULL, t);
	ASSERT_EQ(75, t->tower_length);
	EXPECT_EQ(0, memcmp(t->tower_octet_string, twr_tcp_lrpctest_any, 75));
	EXPECT_EQ(1, *(uint32_t *)args[3]);
	ndr_arena_release(&a);
}

/* ept_insert exactly as smbtorture sends it, both byte orders */
static void check_samba_insert(struct __test_metadata *_metadata,
			       const uint8_t *stub, size_t len, bool be,
			       bool lrpc)
{
	struct rpc_tower_info info;
	void *args[4] = { 0 };
	struct ndr_arena a;
	ept_entry_t *e;

	ndr_arena_init(&a, 0);
	ASSERT_EQ(0, dec_in(EPT_OP_INSERT, NDR_SYNTAX_NDR20, be, stub, len,
			    args, &a));
	ASSERT_EQ(1, *(uint32_t *)args[0]);
	EXPECT_EQ(0, *(uint32_t *)args[2]);
	e = args[1];
	EXPECT_EQ(1, rpc_uuid_is_nil((rpc_uuid_t *)&e->object));
	ASSERT_NE(NULL, e->tower);
	ASSERT_EQ(0, rpc_tower_decode(e->tower->tower_octet_string,
				      e->tower->tower_length, &info));
	if (lrpc) {
		EXPECT_STREQ("smbtorture endpoint", e->annotation);
		ASSERT_EQ(sizeof(twr_lrpc_smbtorture), e->tower->tower_length);
	} else {
		EXPECT_STREQ("SMBTORTURE", e->annotation);
		EXPECT_STREQ("ncacn_ip_tcp", info.protseq);
		EXPECT_STREQ("41768", info.endpoint);
		EXPECT_STREQ("216.83.154.106", info.netaddr);
		EXPECT_EQ(2, info.iface.major);
	}
	ndr_arena_release(&a);
}

TEST(samba_insert_stubs)
{
	check_samba_insert(_metadata, samba_insert_tcp_le, sizeof(samba_insert_tcp_le), false, false);
	check_samba_insert(_metadata, samba_insert_tcp_be, sizeof(samba_insert_tcp_be), true, false);
	check_samba_insert(_metadata, samba_insert_lrpc_le, sizeof(samba_insert_lrpc_le), false, true);
	check_samba_insert(_metadata, samba_insert_lrpc_be, sizeof(samba_insert_lrpc_be), true, true);
}

/*
 * NDR64 ept_entry_t as impacket lays it out: aligned to 8, the
 * annotation's offset and count are 8-octet NDR64 variance, and nothing
 * pads the struct after its varying tail (impacket 0.10 reads the value
 * after a last entry without a tower right after the annotation; the
 * hand-written codec padded to 8 there).  One entry without a tower,
 * then replace.
 */
TEST(ndr64_entry_layout)
{
	ept_entry_t e[1];
	uint32_t n = 1, replace = 1;
	void *args[4] = { &n, e, &replace, NULL };
	void *back[4] = { 0 };
	struct ndr_arena a;
	struct ndr_buf b;
	int be;

	memset(e, 0, sizeof(e));
	strcpy(e[0].annotation, "ab");
	for (be = 0; be < 2; be++) {
		ndr_buf_init(&b);
		ASSERT_LT(0, ndr_marshal_call(&epmapper_v3_0_procs[EPT_OP_INSERT],
					      NDR_DIR_IN, args, NDR_SYNTAX_NDR64,
					      be ? NDR_F_BIG_ENDIAN : 0, &b));
		/* u32 n, pad, u64 conf, 16 uuid, 8 ptr, 8+8 var, "ab\0",
		 * pad to 4, replace */
		EXPECT_EQ(4 + 4 + 8 + 16 + 8 + 16 + 3 + 1 + 4, b.len);
		EXPECT_EQ(2 + 1, b.data[be ? 8 + 8 + 16 + 8 + 8 + 7 : 8 + 8 + 16 + 8 + 8]);
		ndr_arena_init(&a, 0);
		ASSERT_EQ(0, dec_in(EPT_OP_INSERT, NDR_SYNTAX_NDR64, be, b.data,
				    b.len, back, &a));
		EXPECT_EQ(1, *(uint32_t *)back[2]);
		EXPECT_STREQ("ab", ((ept_entry_t *)back[1])->annotation);
		ndr_arena_release(&a);
		ndr_buf_release(&b);
	}
}

TEST_HARNESS_MAIN
