// SPDX-License-Identifier: MIT
/*
 * struct ndr_buf, the library's one growable buffer (lib/ndr/buf.c):
 * growth, the limit, the switch to a mapping at NDR_BUF_MAP_MIN, and a
 * length set ahead of the capacity (the kernel path's servers set the
 * length of a header they fill in later, then reserve 0 more octets --
 * a fast path that computed cap - len crashed them).
 */
#include <errno.h>
#include <string.h>
#include <lrpc/ndr.h>
#include "ndr/buf.h"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

TEST(grows_and_keeps_its_octets)
{
	struct ndr_buf b = { 0 };
	unsigned int i;

	for (i = 0; i < 100000; i++)
		ASSERT_EQ(0, __ndr_buf_put(&b, &i, sizeof(i)));
	ASSERT_EQ(100000 * sizeof(i), b.len);
	EXPECT_LE(b.len, b.cap);
	for (i = 0; i < 100000; i += 997)
		EXPECT_EQ(0, memcmp(b.data + i * sizeof(i), &i, sizeof(i)));
	EXPECT_LE(NDR_BUF_MAP_MIN, b.cap);	/* a mapping by now */
	__ndr_buf_free(&b);
	EXPECT_EQ(NULL, b.data);
	EXPECT_EQ(0, b.len);
}

TEST(length_ahead_of_capacity)
{
	struct ndr_buf b = { 0 };

	b.len = 16;			/* a header to fill in later */
	ASSERT_EQ(0, __ndr_buf_reserve(&b, 0));
	ASSERT_NE(NULL, b.data);
	EXPECT_LE(16, b.cap);
	memset(b.data, 0xab, 16);
	__ndr_buf_free(&b);

	b.len = NDR_BUF_MAP_MIN + 5;	/* the same into a mapping */
	ASSERT_EQ(0, __ndr_buf_reserve(&b, 3));
	ASSERT_NE(NULL, b.data);
	EXPECT_LE(NDR_BUF_MAP_MIN + 8, b.cap);
	memset(b.data, 0xcd, b.len + 3);
	__ndr_buf_free(&b);
}

TEST(limit)
{
	struct ndr_buf b = { .limit = 1000 };

	EXPECT_EQ(0, __ndr_buf_put(&b, NULL, 1000));
	EXPECT_EQ(-E2BIG, __ndr_buf_put(&b, NULL, 1));
	EXPECT_EQ(-E2BIG, __ndr_buf_reserve(&b, (size_t)-1));
	EXPECT_EQ(1000, b.len);
	EXPECT_EQ(0, __ndr_buf_align(&b, 8));
	EXPECT_EQ(1000, b.len);
	__ndr_buf_free(&b);
}

TEST_HARNESS_MAIN
