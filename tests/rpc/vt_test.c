// SPDX-License-Identifier: MIT
/*
 * The security verification trailer ([MS-RPCE] 2.2.2.13) as the server
 * checks it (lib/runtime/verification_trailer.c): a trailer that matches
 * the call is taken off the stub data; one that contradicts the call
 * (header2 with another call_id, opnum or context, pcontext naming
 * another interface or transfer syntax, an unknown command marked
 * must-process) makes __rpc_vt_strip refuse the call (-1, which the
 * engine answers with a fault); octets that only look like a trailer
 * are left to the stubs.  Both byte orders.
 */
#include <string.h>
#include "../../build/kselftest/kselftest_harness.h"
#include "runtime/server_int.h"

static const struct rpc_interface vt_iface = {
	.id = { { 0x12345678, 0x1234, 0xabcd,
		  0xef, 0x00, { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab } }, 1, 0 },
	.name = "vt",
};

static const uint8_t magic[8] = {
	0x8a, 0xe3, 0x13, 0x71, 0x02, 0xf4, 0x36, 0x71
};

struct vt_buf {
	uint8_t b[512];
	size_t n;
	bool be;
};

static void put16(struct vt_buf *v, uint16_t x)
{
	if (v->be) {
		v->b[v->n++] = x >> 8;
		v->b[v->n++] = x;
	} else {
		v->b[v->n++] = x;
		v->b[v->n++] = x >> 8;
	}
}

static void put32(struct vt_buf *v, uint32_t x)
{
	if (v->be) {
		put16(v, x >> 16);
		put16(v, x);
	} else {
		put16(v, x);
		put16(v, x >> 16);
	}
}

static void put_syntax(struct vt_buf *v, const struct rpc_syntax_id *s)
{
	rpc_uuid_to_wire(&s->uuid, v->b + v->n, v->be);
	v->n += 16;
	put32(v, (uint32_t)s->minor << 16 | s->major);
}

enum { CMD_BITMASK = 1, CMD_PCONTEXT = 2, CMD_HEADER2 = 3,
       CMD_END = 0x4000, CMD_MUST = 0x8000 };

static void cmd_pcontext(struct vt_buf *v, uint16_t flags,
			 const struct rpc_syntax_id *abs,
			 const struct rpc_syntax_id *xfer)
{
	put16(v, CMD_PCONTEXT | flags);
	put16(v, 40);
	put_syntax(v, abs);
	put_syntax(v, xfer);
}

static void cmd_header2(struct vt_buf *v, uint16_t flags, uint32_t call_id,
			uint16_t ctx_id, uint16_t opnum)
{
	put16(v, CMD_HEADER2 | flags);
	put16(v, 16);
	v->b[v->n++] = 0;		/* request */
	memset(v->b + v->n, 0, 3);
	v->n += 3;
	v->b[v->n++] = v->be ? 0x00 : 0x10;
	v->b[v->n++] = 0;
	v->b[v->n++] = 0;
	v->b[v->n++] = 0;
	put32(v, call_id);
	put16(v, ctx_id);
	put16(v, opnum);
}

/* stub data of len octets (a multiple of 4), then the magic */
static void start(struct vt_buf *v, bool be, size_t len)
{
	memset(v, 0, sizeof(*v));
	v->be = be;
	memset(v->b, 0x5a, len);
	v->n = len;
	memcpy(v->b + v->n, magic, sizeof(magic));
	v->n += sizeof(magic);
}

static int strip(struct vt_buf *v, size_t *len_after)
{
	struct rpc_call_ctx call = {
		.call_id = 7, .ctx_id = 2, .opnum = 5,
		.be = v->be, .syntax = NDR_SYNTAX_NDR20,
		.iface = { .iface = &vt_iface },
	};
	size_t pad;
	int r;

	call.drep[0] = v->be ? 0x00 : 0x10;
	call.in.data = v->b;
	call.in.len = v->n;
	r = __rpc_vt_strip(&call, &pad);
	*len_after = call.in.len;
	return r;
}

FIXTURE(vt) {
	int unused;
};

FIXTURE_VARIANT(vt) {
	bool be;
};

FIXTURE_VARIANT_ADD(vt, little_endian) { .be = false };
FIXTURE_VARIANT_ADD(vt, big_endian) { .be = true };

FIXTURE_SETUP(vt) { }
FIXTURE_TEARDOWN(vt) { }

TEST_F(vt, matching_trailer_is_taken_off)
{
	struct vt_buf v;
	size_t after;

	start(&v, variant->be, 12);
	put16(&v, CMD_BITMASK);
	put16(&v, 4);
	put32(&v, 1);
	cmd_pcontext(&v, 0, &vt_iface.id, &rpc_syntax_ndr20);
	cmd_header2(&v, CMD_END, 7, 2, 5);
	ASSERT_EQ(1, strip(&v, &after));
	EXPECT_EQ((size_t)12, after);
}

TEST_F(vt, header2_naming_another_call_is_refused)
{
	static const struct { uint32_t call_id; uint16_t ctx, opnum; } bad[] = {
		{ 8, 2, 5 }, { 7, 3, 5 }, { 7, 2, 6 },
	};
	struct vt_buf v;
	size_t after;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		start(&v, variant->be, 8);
		cmd_header2(&v, CMD_END, bad[i].call_id, bad[i].ctx,
			    bad[i].opnum);
		EXPECT_EQ(-1, strip(&v, &after)) TH_LOG("case %u", i);
		EXPECT_EQ(v.n, after);
	}
}

TEST_F(vt, pcontext_naming_another_syntax_is_refused)
{
	struct rpc_syntax_id other = vt_iface.id;
	struct vt_buf v;
	size_t after;

	other.major = 2;
	start(&v, variant->be, 4);
	cmd_pcontext(&v, CMD_END, &other, &rpc_syntax_ndr20);
	EXPECT_EQ(-1, strip(&v, &after));

	start(&v, variant->be, 4);
	cmd_pcontext(&v, CMD_END, &vt_iface.id, &rpc_syntax_ndr64);
	EXPECT_EQ(-1, strip(&v, &after));

	/* a lower minor version of the interface is the same interface */
	other = vt_iface.id;
	other.minor = 0;
	start(&v, variant->be, 4);
	cmd_pcontext(&v, CMD_END, &other, &rpc_syntax_ndr20);
	EXPECT_EQ(1, strip(&v, &after));
	EXPECT_EQ((size_t)4, after);
}

TEST_F(vt, unknown_command_refused_only_when_it_must_be_processed)
{
	struct vt_buf v;
	size_t after;

	start(&v, variant->be, 8);
	put16(&v, 0x0011);
	put16(&v, 4);
	put32(&v, 0);
	cmd_header2(&v, CMD_END, 7, 2, 5);
	EXPECT_EQ(1, strip(&v, &after));
	EXPECT_EQ((size_t)8, after);

	start(&v, variant->be, 8);
	put16(&v, 0x0011 | CMD_MUST);
	put16(&v, 4);
	put32(&v, 0);
	cmd_header2(&v, CMD_END, 7, 2, 5);
	EXPECT_EQ(-1, strip(&v, &after));
}

TEST_F(vt, what_only_looks_like_a_trailer_stays)
{
	struct vt_buf v;
	size_t after;

	/* no END command */
	start(&v, variant->be, 8);
	cmd_header2(&v, 0, 7, 2, 5);
	EXPECT_EQ(0, strip(&v, &after));
	EXPECT_EQ(v.n, after);

	/* END before the stub data ends */
	start(&v, variant->be, 8);
	cmd_header2(&v, CMD_END, 7, 2, 5);
	put32(&v, 0);
	EXPECT_EQ(0, strip(&v, &after));

	/* a command longer than what is left */
	start(&v, variant->be, 8);
	put16(&v, CMD_HEADER2 | CMD_END);
	put16(&v, 200);
	put32(&v, 0);
	EXPECT_EQ(0, strip(&v, &after));

	/* header2 of the wrong length */
	start(&v, variant->be, 8);
	put16(&v, CMD_HEADER2 | CMD_END);
	put16(&v, 12);
	put32(&v, 0);
	put32(&v, 7);
	put32(&v, 0);
	EXPECT_EQ(0, strip(&v, &after));
}

TEST_HARNESS_MAIN
