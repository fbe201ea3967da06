// SPDX-License-Identifier: MIT
/*
 * Every status <lrpc/status.h> defines has a name and a sentence of its
 * own.  The list is taken from the header at build time (rpc.mk), so a
 * status added there without a sentence in runtime/status.c fails here.
 */
#include <errno.h>
#include <string.h>
#include <lrpc/status.h>
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

static const struct {
	const char *name;
	uint32_t value;
} all[] = {
#define STATUS(n) { #n, n },
#include "status_list.h"
#undef STATUS
};
#define NALL (sizeof(all) / sizeof(all[0]))

TEST(every_status_has_its_name)
{
	size_t i;

	ASSERT_GT(NALL, 100);
	for (i = 0; i < NALL; i++) {
		EXPECT_STREQ(all[i].name, rpc_status_name((int32_t)all[i].value));
		/* as lrpc functions return it, negated */
		if (all[i].value < 0x80000000u)
			EXPECT_STREQ(all[i].name,
				     rpc_status_name(-(int32_t)all[i].value));
	}
}

TEST(every_status_has_a_distinct_sentence)
{
	size_t i, j;

	for (i = 0; i < NALL; i++) {
		const char *t = rpc_status_text((int32_t)all[i].value);

		ASSERT_NE(NULL, t);
		EXPECT_GT(strlen(t), 10) {
			TH_LOG("%s: \"%s\"", all[i].name, t);
		}
		/* one line */
		EXPECT_EQ(NULL, strchr(t, '\n'));
		EXPECT_STRNE("the server reported a status lrpc does not know", t) {
			TH_LOG("%s has no sentence", all[i].name);
		}
		for (j = 0; j < i; j++)
			EXPECT_STRNE(rpc_status_text((int32_t)all[j].value), t) {
				TH_LOG("%s and %s share \"%s\"", all[j].name,
				       all[i].name, t);
			}
	}
}

TEST(errno_and_unknown)
{
	EXPECT_STREQ("EADDRINUSE", rpc_status_name(-EADDRINUSE));
	EXPECT_STREQ(strerror(EADDRINUSE), rpc_status_text(-EADDRINUSE));
	EXPECT_STREQ("unknown", rpc_status_name(0x12345678));
	EXPECT_STREQ("the server reported a status lrpc does not know",
		     rpc_status_text(0x12345678));
}

TEST(endpoint_reasons_say_what_to_do)
{
	EXPECT_NE(NULL, strstr(rpc_status_text(-rpc_s_duplicate_endpoint),
			       "in use"));
	EXPECT_NE(NULL, strstr(rpc_status_text(-rpc_s_invalid_net_addr),
			       "not one of this host"));
	EXPECT_NE(NULL, strstr(rpc_status_text(-rpc_s_access_denied),
			       "another user"));
}

TEST_HARNESS_MAIN
