// SPDX-License-Identifier: MIT
/*
 * Connection-oriented PDU codec: byte-exact vectors from real peers, and
 * every length check.
 *
 * The vectors were captured on loopback (tshark, then split by frag_len)
 * while impacket 0.10.0 and Samba 4.17 smbtorture rpc.echo called
 * lrpctest-server; tshark 4.0 dissected every frame without a malformed or
 * error-level expert item.  Client PDUs come from the peers' encoders; the
 * bind_acks are ours, kept to pin the layout tshark accepted.
 */
#include <stdlib.h>
#include <string.h>
#include <lrpc/rpc.h>
#include "runtime/runtime_int.h"
#include "engine/co/pdu.h"
#include "transport/transport.h"
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

/* impacket: bind lrpctest v1.0, one context, NDR20 */
static const char imp_bind_ndr20[] =
	"05000b03100000004800000001000000b810b8100000000001000000000001001a2e"
	"4b4c5d8f3b4d9a6e2b7c1d0e5f9101000000045d888aeb1cc9119fe808002b104860"
	"02000000";
/* impacket: the same with NDR64 */
static const char imp_bind_ndr64[] =
	"05000b03100000004800000001000000b810b8100000000001000000000001001a2e"
	"4b4c5d8f3b4d9a6e2b7c1d0e5f910100000033057171babe37498319b5dbef9ccc36"
	"01000000";
/* impacket: TestAdd(5, 7) request */
static const char imp_req_add[] =
	"0500000310000000200000000100000008000000000001000500000007000000";
/* impacket set_max_fragment_size(64): first fragment of TestEcho(300);
 * alloc_hint is the total (308) in every fragment */
static const char imp_req_frag1[] =
	"0500000110000000580000000100000034010000000002002c0100002c010000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000";
/* Samba smbtorture, little endian: bind rpcecho with NDR20 and bind time
 * feature negotiation (bitmask 0x03), max frags 5840 */
static const char smb_bind_le[] =
	"05000b03100000007400000001000000d016d016000000000200000000000100c55e"
	"a160e84dd711a637005056a2018201000000045d888aeb1cc9119fe808002b104860"
	"0200000001000100c55ea160e84dd711a637005056a20182010000002c1cb76c1298"
	"4045030000000000000001000000";
/* Samba smbtorture [bigendian]: the same bind, big endian */
static const char smb_bind_be[] =
	"05000b0300000000007400000000000116d016d000000000020000000000010060a1"
	"5ec54de811d7a637005056a20182000000018a885d041ceb11c99fe808002b104860"
	"000000020001010060a15ec54de811d7a637005056a20182000000016cb71c2c9812"
	"4540030000000000000000000001";
/* Samba, concurrent multiplexing, joining association group 0x1200001c */
static const char smb_bind_mpx[] =
	"05000b13100000007400000001000000d016d0161c0000120200000000000100c55e"
	"a160e84dd711a637005056a2018201000000045d888aeb1cc9119fe808002b104860"
	"0200000001000100c55ea160e84dd711a637005056a20182010000002c1cb76c1298"
	"4045030000000000000001000000";
/* Samba [bigendian]: AddOne(2) request, call_id 4 */
static const char smb_req_be[] =
	"0500000300000000001c000000000004000000040000000000000002";
/* ours (tshark-clean): bind_ack to smb_bind_le, port "38019", group
 * 0x1200001c, NDR20 accepted, negotiate_ack 0x0003 */
static const char our_bind_ack_le[] =
	"05000c03100000005400000001000000d016d0161c00001206003338303139000200"
	"000000000000045d888aeb1cc9119fe808002b104860020000000300030000000000"
	"00000000000000000000000000000000";
/* ours, big endian, to smb_bind_be (group 0x1200001d) */
static const char our_bind_ack_be[] =
	"05000c0300000000005400000000000116d016d01200001d00063338303139000200"
	"0000000000008a885d041ceb11c99fe808002b104860000000020003000300000000"
	"00000000000000000000000000000000";

static const rpc_uuid_t lrpctest_uuid = {
	0x4c4b2e1a, 0x8f5d, 0x4d3b, 0x9a, 0x6e,
	{ 0x2b, 0x7c, 0x1d, 0x0e, 0x5f, 0x91 }
};
static const rpc_uuid_t rpcecho_uuid = {
	0x60a15ec5, 0x4de8, 0x11d7, 0xa6, 0x37,
	{ 0x00, 0x50, 0x56, 0xa2, 0x01, 0x82 }
};

static bool syn_eq(const struct rpc_syntax_id *a, const struct rpc_syntax_id *b)
{
	return !rpc_uuid_compare(&a->uuid, &b->uuid) && a->major == b->major &&
	       a->minor == b->minor;
}

static struct rpc_pdu pdu;
static uint8_t buf[512];

TEST(impacket_bind_ndr20)
{
	size_t n = unhex(imp_bind_ndr20, buf);

	ASSERT_EQ(0, __rpc_co_decode(buf, n, &pdu));
	EXPECT_EQ(RPC_PT_BIND, pdu.hdr.ptype);
	EXPECT_FALSE(pdu.big_endian);
	EXPECT_EQ(72, pdu.hdr.frag_len);
	EXPECT_EQ(1, pdu.hdr.call_id);
	EXPECT_EQ(4280, pdu.bind.max_xmit_frag);
	EXPECT_EQ(4280, pdu.bind.max_recv_frag);
	EXPECT_EQ(0, pdu.bind.assoc_group_id);
	ASSERT_EQ(1, pdu.bind.n_ctx);
	EXPECT_EQ(0, rpc_uuid_compare(&pdu.bind.ctx[0].abstract.uuid,
				      &lrpctest_uuid));
	EXPECT_EQ(1, pdu.bind.ctx[0].abstract.major);
	ASSERT_EQ(1, pdu.bind.ctx[0].n_tsyn);
	EXPECT_TRUE(syn_eq(&pdu.bind.ctx[0].tsyn[0], &rpc_syntax_ndr20));
	n = unhex(imp_bind_ndr64, buf);
	ASSERT_EQ(0, __rpc_co_decode(buf, n, &pdu));
	EXPECT_TRUE(syn_eq(&pdu.bind.ctx[0].tsyn[0], &rpc_syntax_ndr64));
}

TEST(impacket_bind_reencodes)
{
	struct ndr_buf out = { 0 };
	struct rpc_co_enc e = { RPC_PT_BIND, 0x03, false, 1 };
	size_t n = unhex(imp_bind_ndr20, buf);

	ASSERT_EQ(0, __rpc_co_decode(buf, n, &pdu));
	ASSERT_EQ((int)n, __rpc_co_encode(&out, &e, &pdu));
	EXPECT_EQ(0, memcmp(out.data, buf, n));
	__ndr_buf_free(&out);
}

TEST(impacket_requests)
{
	size_t n = unhex(imp_req_add, buf);

	ASSERT_EQ(0, __rpc_co_decode(buf, n, &pdu));
	EXPECT_EQ(RPC_PT_REQUEST, pdu.hdr.ptype);
	EXPECT_EQ(RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG, pdu.hdr.pfc_flags);
	EXPECT_EQ(8, pdu.request.alloc_hint);
	EXPECT_EQ(1, pdu.request.opnum);
	EXPECT_EQ(0, pdu.request.ctx_id);
	ASSERT_EQ(8, pdu.stub_len);
	EXPECT_EQ(5, pdu.stub[0]);
	EXPECT_EQ(7, pdu.stub[4]);
	n = unhex(imp_req_frag1, buf);
	ASSERT_EQ(0, __rpc_co_decode(buf, n, &pdu));
	EXPECT_EQ(RPC_PFC_FIRST_FRAG, pdu.hdr.pfc_flags);
	EXPECT_EQ(308, pdu.request.alloc_hint);
	EXPECT_EQ(2, pdu.request.opnum);
	EXPECT_EQ(64, pdu.stub_len);
}

TEST(samba_bind_btfn_both_orders)
{
	uint8_t bits = 0;
	size_t n;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		n = unhex(pass ? smb_bind_be : smb_bind_le, buf);
		ASSERT_EQ(0, __rpc_co_decode(buf, n, &pdu));
		EXPECT_EQ(pass == 1, pdu.big_endian);
		EXPECT_EQ(116, pdu.hdr.frag_len);
		EXPECT_EQ(5840, pdu.bind.max_xmit_frag);
		ASSERT_EQ(2, pdu.bind.n_ctx);
		EXPECT_EQ(0, rpc_uuid_compare(&pdu.bind.ctx[0].abstract.uuid,
					      &rpcecho_uuid));
		EXPECT_TRUE(syn_eq(&pdu.bind.ctx[0].tsyn[0], &rpc_syntax_ndr20));
		EXPECT_EQ(1, pdu.bind.ctx[1].ctx_id);
		EXPECT_TRUE(__rpc_is_btfn(&pdu.bind.ctx[1].tsyn[0].uuid, &bits));
		EXPECT_EQ(3, bits);
		EXPECT_EQ(1, pdu.bind.ctx[1].tsyn[0].major);
	}
	n = unhex(smb_bind_mpx, buf);
	ASSERT_EQ(0, __rpc_co_decode(buf, n, &pdu));
	EXPECT_EQ(0x13, pdu.hdr.pfc_flags);
	EXPECT_EQ(0x1200001c, pdu.bind.assoc_group_id);
	n = unhex(smb_req_be, buf);
	ASSERT_EQ(0, __rpc_co_decode(buf, n, &pdu));
	EXPECT_TRUE(pdu.big_endian);
	EXPECT_EQ(4, pdu.hdr.call_id);
	EXPECT_EQ(4, pdu.request.alloc_hint);
	ASSERT_EQ(4, pdu.stub_len);
	EXPECT_EQ(2, pdu.stub[3]);
}

static void make_ack(struct rpc_pdu *p, uint32_t group)
{
	memset(p, 0, sizeof(*p));
	p->bind_ack.max_xmit_frag = 5840;
	p->bind_ack.max_recv_frag = 5840;
	p->bind_ack.assoc_group_id = group;
	strcpy(p->bind_ack.sec_addr, "38019");
	p->bind_ack.n_results = 2;
	p->bind_ack.res[0].tsyn = rpc_syntax_ndr20;
	p->bind_ack.res[1].result = RPC_RESULT_NEGOTIATE_ACK;
	p->bind_ack.res[1].reason = 3;
}

TEST(bind_ack_byte_exact)
{
	struct rpc_co_enc e = { RPC_PT_BIND_ACK, 0x03, false, 1 };
	struct ndr_buf out = { 0 };
	struct rpc_pdu p;
	size_t n;

	make_ack(&p, 0x1200001c);
	n = unhex(our_bind_ack_le, buf);
	ASSERT_EQ((int)n, __rpc_co_encode(&out, &e, &p));
	EXPECT_EQ(0, memcmp(out.data, buf, n));
	out.len = 0;
	make_ack(&p, 0x1200001d);
	e.big_endian = true;
	n = unhex(our_bind_ack_be, buf);
	ASSERT_EQ((int)n, __rpc_co_encode(&out, &e, &p));
	EXPECT_EQ(0, memcmp(out.data, buf, n));
	/* and back */
	ASSERT_EQ(0, __rpc_co_decode(buf, n, &pdu));
	EXPECT_STREQ("38019", pdu.bind_ack.sec_addr);
	EXPECT_EQ(0x1200001d, pdu.bind_ack.assoc_group_id);
	EXPECT_EQ(RPC_RESULT_NEGOTIATE_ACK, pdu.bind_ack.res[1].result);
	EXPECT_EQ(3, pdu.bind_ack.res[1].reason);
	__ndr_buf_free(&out);
}

TEST(roundtrip_every_type)
{
	static const uint8_t types[] = {
		RPC_PT_REQUEST, RPC_PT_RESPONSE, RPC_PT_FAULT, RPC_PT_BIND,
		RPC_PT_BIND_ACK, RPC_PT_BIND_NAK, RPC_PT_ALTER_CONTEXT,
		RPC_PT_ALTER_CONTEXT_RESP, RPC_PT_AUTH3, RPC_PT_SHUTDOWN,
		RPC_PT_CO_CANCEL, RPC_PT_ORPHANED,
	};
	static const uint8_t stub[24] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	size_t i;
	int be;

	for (be = 0; be < 2; be++)
		for (i = 0; i < sizeof(types); i++) {
			struct rpc_co_enc e = { types[i], 0x83, be, 0x01020304 };
			struct ndr_buf out = { 0 };
			struct rpc_pdu p;
			int n;

			memset(&p, 0, sizeof(p));
			if (types[i] == RPC_PT_FAULT) {
				p.response.alloc_hint = 24;
				p.response.status = nca_s_op_rng_error;
			} else if (types[i] == RPC_PT_REQUEST) {
				p.request.alloc_hint = 24;
				p.request.ctx_id = 3;
				p.request.opnum = 9;
				p.request.object.time_low = 0xdeadbeef;
			}
			if (types[i] == RPC_PT_BIND_NAK) {
				p.bind_nak.reason = 4;
				p.bind_nak.n_versions = 1;
				p.bind_nak.versions[0][0] = 5;
			}
			p.stub = stub;
			p.stub_len = sizeof(stub);
			n = __rpc_co_encode(&out, &e, &p);
			ASSERT_GT(n, 15);
			ASSERT_EQ(0, __rpc_co_decode(out.data, (size_t)n, &pdu));
			EXPECT_EQ(types[i], pdu.hdr.ptype);
			EXPECT_EQ(be, pdu.big_endian);
			EXPECT_EQ(0x01020304, pdu.hdr.call_id);
			if (types[i] == RPC_PT_REQUEST) {
				EXPECT_EQ(9, pdu.request.opnum);
				EXPECT_EQ(0xdeadbeef, pdu.request.object.time_low);
				EXPECT_EQ(24, pdu.stub_len);
			}
			if (types[i] == RPC_PT_FAULT) {
				EXPECT_EQ(nca_s_op_rng_error, pdu.response.status);
				EXPECT_EQ(32 + 24, n);
			}
			if (types[i] == RPC_PT_BIND_NAK) {
				EXPECT_EQ(4, pdu.bind_nak.reason);
			}
			__ndr_buf_free(&out);
		}
}

/* Every prefix of a valid PDU with frag_len patched to its length must be
 * rejected cleanly (or decode, when the cut is after the fixed part). */
TEST(every_truncation)
{
	static const char *const v[] = { imp_bind_ndr20, smb_bind_be,
					 our_bind_ack_le, our_bind_ack_be,
					 imp_req_add, smb_req_be };
	uint8_t t[512];
	size_t i, cut;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		size_t n = unhex(v[i], buf);
		bool be = !(buf[4] >> 4);

		for (cut = 0; cut < n; cut++) {
			int ret;

			memcpy(t, buf, cut);
			if (cut >= 10) {
				t[8] = be ? (uint8_t)(cut >> 8) : (uint8_t)cut;
				t[9] = be ? (uint8_t)cut : (uint8_t)(cut >> 8);
			}
			ret = __rpc_co_decode(t, cut, &pdu);
			if (buf[2] == RPC_PT_REQUEST && cut >= 24) {
				EXPECT_EQ(0, ret);
			} else {
				EXPECT_EQ(-rpc_s_protocol_error, ret);
			}
		}
	}
}

TEST(header_checks)
{
	size_t n = unhex(imp_req_add, buf);
	uint16_t fl;

	EXPECT_EQ(-EAGAIN, __rpc_co_peek(buf, 15, &fl));
	ASSERT_EQ(0, __rpc_co_peek(buf, n, &fl));
	EXPECT_EQ(32, fl);
	buf[0] = 4;
	EXPECT_EQ(-rpc_s_protocol_error, __rpc_co_peek(buf, n, &fl));
	buf[0] = 5;
	buf[1] = 2;
	EXPECT_EQ(-rpc_s_protocol_error, __rpc_co_peek(buf, n, &fl));
	buf[1] = 0;
	buf[4] = 0x20;			/* unknown integer representation */
	EXPECT_EQ(-rpc_s_protocol_error, __rpc_co_peek(buf, n, &fl));
	buf[4] = 0x10;
	buf[8] = 15;			/* frag_len < header */
	EXPECT_EQ(-rpc_s_protocol_error, __rpc_co_peek(buf, n, &fl));
	buf[8] = 32;
	buf[10] = 9;			/* auth_len + 8 + 16 > frag_len */
	EXPECT_EQ(-rpc_s_protocol_error, __rpc_co_peek(buf, n, &fl));
	buf[10] = 0;
	/* frag_len must equal the buffer */
	EXPECT_EQ(-rpc_s_protocol_error, __rpc_co_decode(buf, n - 1, &pdu));
	buf[2] = 1;			/* a connectionless type */
	EXPECT_EQ(-rpc_s_protocol_error, __rpc_co_decode(buf, n, &pdu));
}

TEST(auth_trailer)
{
	/* request with an 8-octet stub, 4 octets auth padding, 16-octet
	 * verifier: frag_len 24 + 8 + 4 + 8 + 16 = 60 */
	uint8_t p[60];
	size_t n = unhex(imp_req_add, buf);

	memset(p, 0, sizeof(p));
	memcpy(p, buf, n);
	p[8] = 60;
	p[10] = 16;			/* auth_len */
	p[32 + 4] = 0x0a;		/* auth_type NTLMSSP at 36 */
	p[37] = 6;			/* level privacy */
	p[38] = 4;			/* auth_pad_length */
	ASSERT_EQ(0, __rpc_co_decode(p, sizeof(p), &pdu));
	EXPECT_TRUE(pdu.has_auth);
	EXPECT_EQ(10, pdu.auth.auth_type);
	EXPECT_EQ(8, pdu.stub_len);
	p[38] = 13;			/* pad beyond the stub */
	EXPECT_EQ(-rpc_s_protocol_error, __rpc_co_decode(p, sizeof(p), &pdu));
	p[38] = 0;
	p[10] = 37;			/* verifier larger than the PDU body */
	EXPECT_EQ(-rpc_s_protocol_error, __rpc_co_decode(p, sizeof(p), &pdu));
}

/*
 * The encoder writes the sec_trailer: request stubs padded to 16 octets
 * ([MS-RPCE] 2.2.2.11 as Windows, Samba and impacket pad them), other
 * PDUs to 4; auth_len and frag_len cover the value; the decoder reads
 * back the same fields and the stub without its padding.
 */
TEST(auth_trailer_encoded)
{
	static const uint8_t stub[5] = { 1, 2, 3, 4, 5 }, tok[7] = "NTLMSS";
	struct rpc_co_enc e = {
		.ptype = RPC_PT_REQUEST,
		.pfc_flags = RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG,
		.call_id = 7,
	};
	struct rpc_pdu in = { 0 };
	struct ndr_buf b = { 0 };

	in.has_auth = true;
	in.hdr.auth_len = sizeof(tok);
	in.auth = (struct rpc_auth_verifier){ .auth_type = 10, .auth_level = 6,
					      .auth_context_id = 0x11223344,
					      .value = tok };
	in.request.opnum = 3;
	in.stub = stub;
	in.stub_len = sizeof(stub);
	/* 24 header + 5 stub + 11 pad + 8 trailer + 7 value */
	ASSERT_EQ(55, __rpc_co_encode(&b, &e, &in));
	EXPECT_EQ(55, b.data[8]);
	EXPECT_EQ(7, b.data[10]);
	EXPECT_EQ(10, b.data[40]);
	EXPECT_EQ(6, b.data[41]);
	EXPECT_EQ(11, b.data[42]);
	EXPECT_EQ(0x44, b.data[44]);
	EXPECT_EQ(0, memcmp(b.data + 48, tok, sizeof(tok)));
	ASSERT_EQ(0, __rpc_co_decode(b.data, b.len, &pdu));
	EXPECT_TRUE(pdu.has_auth);
	EXPECT_EQ(sizeof(stub), pdu.stub_len);
	EXPECT_EQ(0x11223344, pdu.auth.auth_context_id);
	EXPECT_EQ(0, memcmp(pdu.auth.value, tok, sizeof(tok)));
	/* auth3: 4 pad octets of body, the trailer already aligned */
	b.len = 0;
	e.ptype = RPC_PT_AUTH3;
	ASSERT_EQ(16 + 4 + 8 + 7, __rpc_co_encode(&b, &e, &in));
	EXPECT_EQ(0, b.data[20 + 2]);
	ASSERT_EQ(0, __rpc_co_decode(b.data, b.len, &pdu));
	EXPECT_EQ(10, pdu.auth.auth_type);
	__ndr_buf_free(&b);
}

TEST(bind_limits)
{
	struct rpc_co_enc e = { RPC_PT_BIND, 0x03, false, 7 };
	struct ndr_buf out = { 0 };
	struct rpc_pdu p;
	int n;

	memset(&p, 0, sizeof(p));
	p.bind.n_ctx = 1;
	p.bind.ctx[0].n_tsyn = 1;
	p.bind.ctx[0].tsyn[0] = rpc_syntax_ndr20;
	n = __rpc_co_encode(&out, &e, &p);
	ASSERT_EQ(72, n);
	out.data[24] = RPC_MAX_PCTX + 1;	/* n_context_elem */
	EXPECT_EQ(-rpc_s_out_of_resources,
		  __rpc_co_decode(out.data, (size_t)n, &pdu));
	out.data[24] = 2;			/* claims 2, carries 1 */
	EXPECT_EQ(-rpc_s_protocol_error,
		  __rpc_co_decode(out.data, (size_t)n, &pdu));
	out.data[24] = 1;
	out.data[30] = RPC_MAX_TSYN + 1;	/* n_transfer_syn */
	EXPECT_EQ(-rpc_s_out_of_resources,
		  __rpc_co_decode(out.data, (size_t)n, &pdu));
	out.data[30] = 2;
	EXPECT_EQ(-rpc_s_protocol_error,
		  __rpc_co_decode(out.data, (size_t)n, &pdu));
	__ndr_buf_free(&out);
}

TEST(bind_ack_sec_addr_checks)
{
	size_t n = unhex(our_bind_ack_le, buf);

	buf[24] = 0xff;			/* sec_addr length past the end */
	EXPECT_EQ(-rpc_s_protocol_error, __rpc_co_decode(buf, n, &pdu));
	buf[24] = 6;
	buf[32] = 3;			/* n_results beyond the PDU */
	EXPECT_EQ(-rpc_s_protocol_error, __rpc_co_decode(buf, n, &pdu));
}

TEST(btfn_uuid)
{
	rpc_uuid_t u;
	uint8_t bits = 0;
	char s[40];

	__rpc_btfn_uuid(&u, 3);
	rpc_uuid_format(&u, s, sizeof(s));
	EXPECT_STREQ("6cb71c2c-9812-4540-0300-000000000000", s);
	EXPECT_TRUE(__rpc_is_btfn(&u, &bits));
	EXPECT_EQ(3, bits);
	EXPECT_FALSE(__rpc_is_btfn(&rpc_syntax_ndr20.uuid, NULL));
}

TEST_HARNESS_MAIN
