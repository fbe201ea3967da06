// SPDX-License-Identifier: MIT
/*
 * [in, out] values written back into the client's own buffers (ndr.h,
 * "Client side, in place"), and the buffers a server gets for them:
 *
 *   client buffers --IN--> server args (room for size_is) --manager-->
 *        ^                                                    |
 *        +---- OUT: in place, within what the client sent <---+
 *
 * A server may return less than it was sent, never more: each way of
 * returning more is refused with its status, and nothing is written past
 * the client's buffer (guard octets after each buffer stay untouched).
 */
#include <stdlib.h>
#include <string.h>
#include <lrpc/ndr.h>
/* the harness compares int literals with size_t results */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"
#include "ndr_test.h"

#define BAD_STUB	(-(int)rpc_x_bad_stub_data)
#define BAD_BOUND	(-(int)nca_s_fault_invalid_bound)
#define TOO_LONG	(-(int)nca_s_fault_string_too_long)
#define GUARD		0x5a


static const struct ndr_type sized = { .kind = NDR_K_STRING, .align = 1,
	.str = { .size_is = { .src = NDR_EXPR_PARAM, .index = 0 } } };
static const struct ndr_type wmax = { .kind = NDR_K_STRING,
	.flags = NDR_TF_WIDE | NDR_TF_MAX_IS, .align = 2,
	.str = { .size_is = { .src = NDR_EXPR_PARAM, .index = 0 } } };
static const struct ndr_type plain = { .kind = NDR_K_STRING, .align = 1 };
static const struct ndr_type arr = { .kind = NDR_K_ARRAY, .align = 4, .a = {
	.elem = &ndr_type_long, .flags = NDR_AF_CONFORMANT,
	.size_is = { .src = NDR_EXPR_PARAM, .index = 5 } } };

/*
 * void Op([in] unsigned long n, [in, out, string, size_is(n)] char *s,
 *         [in, out, string, max_is(n)] wchar_t *w, [in, out, string] char *word,
 *         [in, out, ref] blob_t *blob, [in, out] unsigned long *cnt,
 *         [out, size_is(*cnt)] long a[]);
 */
#define IO (NDR_PF_IN | NDR_PF_OUT | NDR_PF_REF)
static const struct ndr_param op_params[] = {
	{ "n", &ndr_type_ulong, NDR_PF_IN }, { "s", &sized, IO }, { "w", &wmax, IO },
	{ "word", &plain, IO }, { "blob", &blob_t, IO }, { "cnt", &ndr_type_ulong, IO },
	{ "a", &arr, NDR_PF_OUT | NDR_PF_REF },
};
static const struct ndr_proc op = { "InPlace", 0, 7, op_params, NULL };

/* the size of a client's [out] array comes from an [out]-only value */
static const struct ndr_type arr0 = { .kind = NDR_K_ARRAY, .align = 4, .a = {
	.elem = &ndr_type_long, .flags = NDR_AF_CONFORMANT,
	.size_is = { .src = NDR_EXPR_PARAM, .index = 0 } } };
static const struct ndr_param unk_params[] = {
	{ "cnt", &ndr_type_ulong, NDR_PF_OUT | NDR_PF_REF },
	{ "a", &arr0, NDR_PF_OUT | NDR_PF_REF },
};
static const struct ndr_proc unk = { "Unknown", 1, 2, unk_params, NULL };

/* what the client holds: each buffer followed by guard octets */
struct client {
	uint32_t n, cnt;
	char s[8 + 4];
	uint16_t w[9 + 4];
	char word[4 + 4];
	struct blob *blob;		/* room for 3 + 4 guard octets */
	int32_t a[4 + 4];
	void *args[7];
};

FIXTURE(ip) {
	struct ndr_arena arena, carena;
	struct ndr_buf buf;
	uint8_t drep[4];
	struct client c;
	void *sa[7];
};
FIXTURE_VARIANT(ip) { enum ndr_syntax syntax; unsigned int flags; };
FIXTURE_VARIANT_ADD(ip, ndr20_le) { NDR_SYNTAX_NDR20, 0 };
FIXTURE_VARIANT_ADD(ip, ndr20_be) { NDR_SYNTAX_NDR20, NDR_F_BIG_ENDIAN };
FIXTURE_VARIANT_ADD(ip, ndr64_le) { NDR_SYNTAX_NDR64, 0 };
FIXTURE_VARIANT_ADD(ip, ndr64_be) { NDR_SYNTAX_NDR64, NDR_F_BIG_ENDIAN };

FIXTURE_SETUP(ip)
{
	struct client *c = &self->c;

	ndr_arena_init(&self->arena, 0);
	ndr_arena_init(&self->carena, 0);
	ndr_buf_init(&self->buf);
	self->drep[0] = (variant->flags & NDR_F_BIG_ENDIAN) ? NDR_DREP_BIG_ENDIAN :
							      NDR_DREP_LITTLE_ENDIAN;
	memset(c, GUARD, sizeof(*c));
	c->n = 8;
	strcpy(c->s, "ab");
	c->w[0] = 'w';
	c->w[1] = 0;
	strcpy(c->word, "abc");
	c->blob = malloc(sizeof(*c->blob) + 3 + 4);
	ASSERT_NE(NULL, c->blob);
	memset(c->blob->data, GUARD, 3 + 4);
	c->blob->n = 3;
	c->blob->data[0] = 1;
	c->blob->data[1] = 2;
	c->blob->data[2] = 3;
	c->cnt = 4;
	c->args[0] = &c->n;
	c->args[1] = c->s;
	c->args[2] = c->w;
	c->args[3] = c->word;
	c->args[4] = c->blob;
	c->args[5] = &c->cnt;
	c->args[6] = c->a;
	memset(self->sa, 0, sizeof(self->sa));
	ASSERT_EQ(0, ndr_proc_check(&op));
	/* client -> server */
	ASSERT_LT(0, ndr_marshal_call(&op, NDR_DIR_IN, c->args, variant->syntax,
				      variant->flags, &self->buf));
	ASSERT_EQ(0, ndr_unmarshal_call(&op, NDR_DIR_IN, self->sa, variant->syntax,
					self->drep, self->buf.data, self->buf.len,
					&self->arena));
}

FIXTURE_TEARDOWN(ip)
{
	free(self->c.blob);
	ndr_arena_release(&self->arena);
	ndr_arena_release(&self->carena);
	ndr_buf_release(&self->buf);
	NDR_LEAK_CHECK();
}

/* server -> client */
static int reply(FIXTURE_DATA(ip) *self, const FIXTURE_VARIANT(ip) *variant)
{
	ssize_t n;

	self->buf.len = 0;
	n = ndr_marshal_call(&op, NDR_DIR_OUT, self->sa, variant->syntax, variant->flags,
			     &self->buf);
	if (n < 0)
		return (int)n;
	return ndr_unmarshal_call(&op, NDR_DIR_OUT, self->c.args, variant->syntax, self->drep,
				  self->buf.data, self->buf.len, &self->carena);
}

static bool guards(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++ != GUARD)
			return false;
	return true;
}

TEST_F(ip, server_buffers_have_room_for_size_is)
{
	char *s = self->sa[1];
	uint16_t *w = self->sa[2];

	/* whatever the strings' lengths, size_is (max_is + 1) elements */
	ASSERT_STREQ("ab", s);
	memset(s, 'x', 7);
	s[7] = 0;
	ASSERT_EQ('w', w[0]);
	w[8] = 0;
	ASSERT_STREQ("abc", (char *)self->sa[3]);
	ASSERT_EQ(3, ((struct blob *)self->sa[4])->n);
	/* [out]-only: size_is(*cnt) elements, zeroed */
	ASSERT_NE(NULL, self->sa[6]);
	ASSERT_EQ(0, ((int32_t *)self->sa[6])[3]);
}

TEST_F(ip, results_written_back_in_place)
{
	struct client *c = &self->c;
	char *s = self->sa[1];
	uint16_t *w = self->sa[2];
	struct blob *b = self->sa[4];
	int32_t *a = self->sa[6];

	strcpy(s, "1234567");			/* the full size_is, NUL included */
	for (int i = 0; i < 8; i++)
		w[i] = (uint16_t)('A' + i);
	w[8] = 0;				/* max_is(8): 9 elements */
	strcpy(self->sa[3], "XY");		/* shorter than what went in */
	b->n = 2;				/* the struct shrinks */
	b->data[0] = 9;
	*(uint32_t *)self->sa[5] = 2;		/* so does the [out] array */
	a[0] = -1;
	a[1] = -2;
	ASSERT_EQ(0, reply(self, variant));
	ASSERT_STREQ("1234567", c->s);
	ASSERT_TRUE(guards((uint8_t *)c->s + 8, 4));
	ASSERT_EQ('H', c->w[7]);
	ASSERT_EQ(0, c->w[8]);
	ASSERT_TRUE(guards((uint8_t *)(c->w + 9), 8));
	ASSERT_STREQ("XY", c->word);
	ASSERT_TRUE(guards((uint8_t *)c->word + 4, 4));
	ASSERT_EQ(2, c->blob->n);
	ASSERT_EQ(9, c->blob->data[0]);
	ASSERT_EQ(3, c->blob->data[2]);		/* beyond the new size: as it was */
	ASSERT_TRUE(guards(c->blob->data + 3, 4));
	ASSERT_EQ(2, c->cnt);
	ASSERT_EQ(-2, c->a[1]);
	ASSERT_TRUE(guards((uint8_t *)&c->a[2], 6 * sizeof(int32_t)));
	/* the caller's pointers were not replaced */
	ASSERT_EQ(c->blob, c->args[4]);
	ASSERT_EQ((void *)c->s, c->args[1]);
}

TEST_F(ip, string_longer_than_what_went_in)
{
	char longer[8] = "abcd";		/* 5 > the 4 that went out */

	self->sa[3] = longer;
	ASSERT_EQ(TOO_LONG, reply(self, variant));
	ASSERT_TRUE(guards((uint8_t *)self->c.word + 4, 4));
	ASSERT_STREQ("abc", self->c.word);
}

TEST_F(ip, conformant_struct_grows)
{
	struct blob *big = ndr_arena_alloc(&self->arena, sizeof(*big) + 5);

	ASSERT_NE(NULL, big);
	big->n = 5;
	self->sa[4] = big;
	ASSERT_EQ(BAD_BOUND, reply(self, variant));
	ASSERT_EQ(3, self->c.blob->n);
	ASSERT_TRUE(guards(self->c.blob->data + 3, 4));
}

TEST_F(ip, out_array_grows_with_its_in_out_size)
{
	/* *cnt comes back as 8, matching the 8 elements on the wire, but
	   the client sized a[] with the 4 that went out */
	int32_t *big = ndr_arena_alloc(&self->arena, 8 * sizeof(*big));

	ASSERT_NE(NULL, big);
	*(uint32_t *)self->sa[5] = 8;
	self->sa[6] = big;
	ASSERT_EQ(BAD_BOUND, reply(self, variant));
	ASSERT_TRUE(guards((uint8_t *)&self->c.a[0], 8 * sizeof(int32_t)));
}

TEST_F(ip, sized_string_conformance_must_match)
{
	char big[16] = "abc";

	/* the server answers with max 16 where size_is(n) is 8 */
	*(uint32_t *)self->sa[0] = 16;
	self->sa[1] = big;
	ASSERT_EQ(BAD_STUB, reply(self, variant));
	ASSERT_STREQ("ab", self->c.s);
}

TEST_F(ip, unknown_capacity)
{
	uint32_t cnt = 2;
	int32_t a[2] = { 1, 2 };
	void *sv[2] = { &cnt, a }, *cv[2] = { &cnt, a };

	self->buf.len = 0;
	ASSERT_LT(0, ndr_marshal_call(&unk, NDR_DIR_OUT, sv, variant->syntax, variant->flags,
				      &self->buf));
	ASSERT_EQ(-EINVAL, ndr_unmarshal_call(&unk, NDR_DIR_OUT, cv, variant->syntax,
					      self->drep, self->buf.data, self->buf.len,
					      &self->carena));
	/* a fresh buffer is fine */
	cv[1] = NULL;
	ASSERT_EQ(0, ndr_unmarshal_call(&unk, NDR_DIR_OUT, cv, variant->syntax, self->drep,
					self->buf.data, self->buf.len, &self->carena));
	ASSERT_EQ(2, ((int32_t *)cv[1])[1]);
}

TEST_HARNESS_MAIN
