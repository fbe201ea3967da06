// SPDX-License-Identifier: MIT
/* String bindings, UUIDs, binding handles and status names. */
#include <stdlib.h>
#include <string.h>
#include <lrpc/rpc.h>
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wformat-overflow"
#include "kselftest_harness.h"

TEST(uuid_parse_format)
{
	rpc_uuid_t u, v;
	char s[RPC_UUID_STRLEN + 1];
	uint8_t w[16];

	ASSERT_EQ(0, rpc_uuid_parse("8A885D04-1CEB-11c9-9fe8-08002b104860", &u));
	EXPECT_EQ(0x8a885d04, u.time_low);
	EXPECT_EQ(0x1ceb, u.time_mid);
	EXPECT_EQ(0x11c9, u.time_hi_and_version);
	EXPECT_EQ(0x9f, u.clock_seq_hi_and_reserved);
	EXPECT_EQ(0x60, u.node[5]);
	EXPECT_EQ(0, rpc_uuid_compare(&u, &rpc_syntax_ndr20.uuid));
	EXPECT_EQ(36, rpc_uuid_format(&u, s, sizeof(s)));
	EXPECT_STREQ("8a885d04-1ceb-11c9-9fe8-08002b104860", s);
	EXPECT_EQ(-EINVAL, rpc_uuid_format(&u, s, 36));
	/* little-endian wire form: the first three fields swapped */
	rpc_uuid_to_wire(&u, w, false);
	EXPECT_EQ(0x04, w[0]);
	EXPECT_EQ(0xeb, w[4]);
	EXPECT_EQ(0xc9, w[6]);
	EXPECT_EQ(0x9f, w[8]);
	rpc_uuid_from_wire(&v, w, false);
	EXPECT_EQ(0, rpc_uuid_compare(&u, &v));
	rpc_uuid_to_wire(&u, w, true);
	EXPECT_EQ(0x8a, w[0]);
	rpc_uuid_from_wire(&v, w, true);
	EXPECT_EQ(0, rpc_uuid_compare(&u, &v));
	ASSERT_EQ(0, rpc_uuid_parse("", &u));
	EXPECT_TRUE(rpc_uuid_is_nil(&u));
	ASSERT_EQ(0, rpc_uuid_parse(NULL, &u));
	EXPECT_TRUE(rpc_uuid_is_nil(&u));
}

TEST(uuid_parse_rejects)
{
	static const char *const bad[] = {
		"8a885d04-1ceb-11c9-9fe8-08002b10486",
		"8a885d04-1ceb-11c9-9fe8-08002b1048600",
		"8a885d04x1ceb-11c9-9fe8-08002b104860",
		"8a885d04-1ceb-11c9-9fe8-08002b10486g",
		"{8a885d04-1ceb-11c9-9fe8-08002b1048}",
		"8a885d041ceb11c99fe808002b104860xxxx",
	};
	rpc_uuid_t u;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_EQ(-rpc_s_invalid_string_uuid, rpc_uuid_parse(bad[i], &u));
}

TEST(uuid_compare_generate)
{
	rpc_uuid_t a, b;
	char s[40];

	rpc_uuid_parse("00000001-0000-0000-0000-000000000000", &a);
	rpc_uuid_parse("00000000-ffff-0000-0000-000000000000", &b);
	EXPECT_GT(rpc_uuid_compare(&a, &b), 0);
	EXPECT_LT(rpc_uuid_compare(&b, &a), 0);
	ASSERT_EQ(0, rpc_uuid_generate(&a));
	ASSERT_EQ(0, rpc_uuid_generate(&b));
	EXPECT_NE(0, rpc_uuid_compare(&a, &b));
	EXPECT_EQ(4, a.time_hi_and_version >> 12);
	EXPECT_EQ(0x80, a.clock_seq_hi_and_reserved & 0xc0);
	rpc_uuid_format(&a, s, sizeof(s));
	EXPECT_EQ('4', s[14]);
	EXPECT_FALSE(rpc_uuid_is_nil(&a));
}

TEST(string_binding_fields)
{
	struct rpc_string_binding *sb;

	ASSERT_EQ(0, rpc_string_binding_parse(
		"3f2504e0-4f89-11d3-9a0c-0305e82c3301@ncacn_ip_tcp:10.0.0.1[5000,ndr64,timeout=200]",
		&sb));
	EXPECT_STREQ("3f2504e0-4f89-11d3-9a0c-0305e82c3301", sb->objuuid);
	EXPECT_STREQ("ncacn_ip_tcp", sb->protseq);
	EXPECT_STREQ("10.0.0.1", sb->netaddr);
	EXPECT_STREQ("5000", sb->endpoint);
	ASSERT_EQ(2, sb->noptions);
	EXPECT_STREQ("", rpc_string_binding_option(sb, "ndr64"));
	EXPECT_STREQ("200", rpc_string_binding_option(sb, "timeout"));
	EXPECT_EQ(NULL, rpc_string_binding_option(sb, "ndr20"));
	rpc_string_binding_free(sb);

	ASSERT_EQ(0, rpc_string_binding_parse("ncalrpc:", &sb));
	EXPECT_EQ(NULL, sb->objuuid);
	EXPECT_STREQ("", sb->netaddr);
	EXPECT_EQ(NULL, sb->endpoint);
	rpc_string_binding_free(sb);

	ASSERT_EQ(0, rpc_string_binding_parse("ncacn_ip_tcp:127.0.0.1[]", &sb));
	EXPECT_STREQ("", sb->endpoint);
	rpc_string_binding_free(sb);

	/* a known flag first is an option, not the endpoint (Samba style) */
	ASSERT_EQ(0, rpc_string_binding_parse("ncacn_ip_tcp:h[bigendian]", &sb));
	EXPECT_STREQ("", sb->endpoint);
	EXPECT_STREQ("", rpc_string_binding_option(sb, "bigendian"));
	rpc_string_binding_free(sb);

	ASSERT_EQ(0, rpc_string_binding_parse("ncacn_np:srv[endpoint=\\\\pipe\\\\x]",
					      &sb));
	EXPECT_STREQ("\\pipe\\x", sb->endpoint);
	rpc_string_binding_free(sb);
}

TEST(string_binding_escapes_roundtrip)
{
	struct rpc_string_binding in = {
		.protseq = "ncalrpc",
		.netaddr = "",
		.endpoint = "a[b]c,d=e@f:g\\h",
	};
	struct rpc_binding_option opts[] = {
		{ "k", "v,w]x" }, { "flag", "" },
	};
	struct rpc_string_binding *out;
	char *s, *s2;

	in.options = opts;
	in.noptions = 2;
	ASSERT_EQ(0, rpc_string_binding_compose(&in, &s));
	EXPECT_STREQ("ncalrpc:[a\\[b\\]c\\,d\\=e\\@f\\:g\\\\h,k=v\\,w\\]x,flag]", s);
	ASSERT_EQ(0, rpc_string_binding_parse(s, &out));
	EXPECT_STREQ(in.endpoint, out->endpoint);
	EXPECT_STREQ("v,w]x", rpc_string_binding_option(out, "k"));
	EXPECT_STREQ("", rpc_string_binding_option(out, "flag"));
	ASSERT_EQ(0, rpc_string_binding_compose(out, &s2));
	EXPECT_STREQ(s, s2);
	free(s);
	free(s2);
	rpc_string_binding_free(out);

	/* no endpoint, options only: an unknown flag must not turn into
	 * the endpoint */
	in.endpoint = NULL;
	in.options = &opts[1];
	in.noptions = 1;
	ASSERT_EQ(0, rpc_string_binding_compose(&in, &s));
	EXPECT_STREQ("ncalrpc:[,flag]", s);
	ASSERT_EQ(0, rpc_string_binding_parse(s, &out));
	EXPECT_STREQ("", out->endpoint);
	EXPECT_STREQ("", rpc_string_binding_option(out, "flag"));
	free(s);
	rpc_string_binding_free(out);
}

TEST(string_binding_rejects)
{
	static const char *const bad[] = {
		"", "ncacn_ip_tcp", ":host", "nope@ncacn_ip_tcp:h",
		"ncacn_ip_tcp:h[1", "ncacn_ip_tcp:h[1]x", "ncacn_ip_tcp:h]1[",
		"ncacn_ip_tcp:h[1,,x]", "ncacn_ip_tcp:h[1,=v]", "nca[cn:h",
		"ncacn_ip_tcp:h\\", "ncacn_ip_tcp:h[a[b]]", "ncacn_ip_tcp:a,b",
	};
	struct rpc_string_binding *sb;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret = rpc_string_binding_parse(bad[i], &sb);

		EXPECT_TRUE(ret == -rpc_s_invalid_string_binding ||
			    ret == -rpc_s_invalid_string_uuid) {
			TH_LOG("%s: %d", bad[i], ret);
		}
	}
}

TEST(binding_handles)
{
	struct rpc_binding *b;
	char *s;

	ASSERT_EQ(0, rpc_binding_from_string("ncacn_ip_tcp:127.0.0.1[1,bigendian,max_frag=1432]", &b));
	EXPECT_TRUE(rpc_binding_big_endian(b));
	ASSERT_EQ(0, rpc_binding_to_string(b, &s));
	EXPECT_STREQ("ncacn_ip_tcp:127.0.0.1[1,bigendian,max_frag=1432]", s);
	free(s);
	EXPECT_EQ(0, rpc_binding_set_timeout(b, 10));
	EXPECT_EQ(-rpc_s_no_call_active, rpc_binding_cancel(b));
	rpc_binding_free(b);
	EXPECT_EQ(-rpc_s_protseq_not_supported,
		  rpc_binding_from_string("ncacn_foo:h[1]", &b));
	EXPECT_EQ(-rpc_s_invalid_network_options,
		  rpc_binding_from_string("ncacn_ip_tcp:h[1,max_frag=100]", &b));
	EXPECT_EQ(-rpc_s_invalid_timeout,
		  rpc_binding_from_string("ncacn_ip_tcp:h[1,timeout=x]", &b));
	/* nobody listens on port 1 */
	ASSERT_EQ(0, rpc_binding_from_string("ncacn_ip_tcp:127.0.0.1[1]", &b));
	EXPECT_EQ(-rpc_s_server_unavailable,
		  rpc_binding_syntax(b, &rpc_syntax_ndr20));
	rpc_binding_free(b);
	ASSERT_EQ(0, rpc_binding_from_string("ncacn_ip_tcp:127.0.0.1[x]", &b));
	EXPECT_EQ(-rpc_s_invalid_endpoint_format,
		  rpc_binding_syntax(b, &rpc_syntax_ndr20));
	rpc_binding_free(b);
}

/* IPv6 literals as people write them: bracketed, bare (Microsoft), escaped */
TEST(string_binding_ipv6)
{
	static const struct {
		const char *in, *netaddr, *endpoint, *composed;
	} ok[] = {
		{ "ncacn_ip_tcp:[::1][135]", "::1", "135", NULL },
		{ "ncacn_ip_tcp:::1[135]", "::1", "135", "ncacn_ip_tcp:[::1][135]" },
		{ "ncacn_ip_tcp:\\:\\:1[135]", "::1", "135", "ncacn_ip_tcp:[::1][135]" },
		{ "ncacn_ip_tcp:[::1]", "::1", NULL, NULL },
		{ "ncacn_ip_tcp:::1", "::1", NULL, "ncacn_ip_tcp:[::1]" },
		{ "ncacn_ip_tcp:[fe80::1%eth0][135,ndr64]", "fe80::1%eth0", "135", NULL },
		{ "ncacn_ip_tcp:fe80::1%2[135]", "fe80::1%2", "135", "ncacn_ip_tcp:[fe80::1%2][135]" },
		{ "ncacn_ip_tcp:[2001:db8::7:1][]", "2001:db8::7:1", "", NULL },
		{ "ncacn_ip_tcp:[::ffff:10.0.0.1][5000]", "::ffff:10.0.0.1", "5000", NULL },
		{ "4d9f4ab8-7d1c-11cf-861e-0020af6e7c57@ncadg_ip_udp:[::][0]", "::", "0", NULL },
		/* an endpoint that merely looks odd stays an endpoint */
		{ "ncalrpc:[ab:cd]", "", "ab:cd", "ncalrpc:[ab\\:cd]" },
		{ "ncalrpc:[epmapper]", "", "epmapper", NULL },
		{ "ncacn_ip_tcp:host.example[135]", "host.example", "135", NULL },
	};
	static const char *const bad[] = {
		"ncacn_ip_tcp:h:1[135]", "ncacn_ip_tcp:[::1]x[135]",
		"ncacn_ip_tcp:[::g][135]", "ncacn_ip_tcp:::1]", "ncacn_ip_tcp:[::1%][1]",
		"ncacn_ip_tcp:[::1%a,b][1]", "ncacn_ip_tcp:1:2:3[1]",
	};
	struct rpc_string_binding *sb, *again;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char *s;

		ASSERT_EQ(0, rpc_string_binding_parse(ok[i].in, &sb)) {
			TH_LOG("%s", ok[i].in);
		}
		EXPECT_STREQ(ok[i].netaddr, sb->netaddr);
		EXPECT_STREQ(ok[i].endpoint ? ok[i].endpoint : "(none)",
			     sb->endpoint ? sb->endpoint : "(none)");
		ASSERT_EQ(0, rpc_string_binding_compose(sb, &s));
		EXPECT_STREQ(ok[i].composed ? ok[i].composed : ok[i].in, s);
		/* what compose wrote reads back the same */
		ASSERT_EQ(0, rpc_string_binding_parse(s, &again));
		EXPECT_STREQ(sb->netaddr, again->netaddr);
		EXPECT_STREQ(sb->endpoint ? sb->endpoint : "(none)",
			     again->endpoint ? again->endpoint : "(none)");
		rpc_string_binding_free(again);
		free(s);
		rpc_string_binding_free(sb);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_EQ(-rpc_s_invalid_string_binding,
			  rpc_string_binding_parse(bad[i], &sb)) {
			TH_LOG("%s", bad[i]);
		}
}

/* A binding handle keeps the IPv6 host; its string parses back. */
TEST(binding_handle_ipv6)
{
	struct rpc_binding *b, *b2;
	char *s, *s2;

	ASSERT_EQ(0, rpc_binding_from_string("ncacn_ip_tcp:::1[135,ndr64]", &b));
	ASSERT_EQ(0, rpc_binding_to_string(b, &s));
	EXPECT_STREQ("ncacn_ip_tcp:[::1][135,ndr64]", s);
	ASSERT_EQ(0, rpc_binding_from_string(s, &b2));
	ASSERT_EQ(0, rpc_binding_to_string(b2, &s2));
	EXPECT_STREQ(s, s2);
	free(s);
	free(s2);
	rpc_binding_free(b);
	rpc_binding_free(b2);
}

TEST(status_names)
{
	EXPECT_STREQ("nca_s_op_rng_error", rpc_status_name(-nca_s_op_rng_error));
	EXPECT_STREQ("rpc_s_invalid_string_binding",
		     rpc_status_name(rpc_s_invalid_string_binding));
	EXPECT_STREQ("rpc_s_invalid_network_options",
		     rpc_status_name(-rpc_s_invalid_network_options));
	EXPECT_STREQ("ETIMEDOUT", rpc_status_name(-ETIMEDOUT));
}

TEST_HARNESS_MAIN
