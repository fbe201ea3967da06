// SPDX-License-Identifier: MIT
/*
 * Towers: byte-exact vectors built by impacket 0.10 (epm.EPMTower with
 * EPMRPCInterface / EPMRPCDataRepresentation / EPMPortAddr / EPMHostAddr /
 * EPMPipeName / EPMHostName floors) and Samba 4.17 (ncalrpc tower of
 * smbtorture's Insert_noreplace, from dcerpc_binding_build_tower), decode,
 * encode, string bindings both ways, and malformed towers.
 */
#include <stdlib.h>
#include <string.h>
#include <lrpc/epm.h>
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"
#include "epm_vectors.h"

static const struct rpc_syntax_id epm_if = {
	{ 0xe1af8308, 0x5d1f, 0x11c9, 0x91, 0xa4,
	  { 0x08, 0x00, 0x2b, 0x14, 0xa0, 0xfa } }, 3, 0
};
static const struct rpc_syntax_id lrpctest_if = {
	{ 0x4c4b2e1a, 0x8f5d, 0x4d3b, 0x9a, 0x6e,
	  { 0x2b, 0x7c, 0x1d, 0x0e, 0x5f, 0x91 } }, 1, 0
};
static const struct rpc_syntax_id lsarpc_if = {
	{ 0x12345778, 0x1234, 0xabcd, 0xef, 0x00,
	  { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab } }, 0, 0
};
static const struct rpc_syntax_id nil_if;

#define BAD (-(int)ept_s_invalid_entry)

TEST(parse_impacket_tcp)
{
	struct rpc_tower t;

	ASSERT_EQ(0, rpc_tower_parse(twr_tcp_epm_135, sizeof(twr_tcp_epm_135), &t));
	EXPECT_EQ(5, t.nfloors);
	EXPECT_EQ(sizeof(twr_tcp_epm_135), t.len);
	EXPECT_EQ(19, t.floor[0].lhs_len);
	EXPECT_EQ(RPC_EPM_PROT_UUID, t.floor[0].lhs[0]);
	EXPECT_EQ(RPC_EPM_PROT_NCACN, t.floor[2].lhs[0]);
	EXPECT_EQ(RPC_EPM_PROT_TCP, t.floor[3].lhs[0]);
	EXPECT_EQ(2, t.floor[3].rhs_len);
	EXPECT_EQ(0, t.floor[3].rhs[0]);
	EXPECT_EQ(135, t.floor[3].rhs[1]);
	EXPECT_EQ(RPC_EPM_PROT_IP, t.floor[4].lhs[0]);
}

TEST(decode_impacket_tcp)
{
	struct rpc_tower_info info;

	ASSERT_EQ(0, rpc_tower_decode(twr_tcp_epm_135, sizeof(twr_tcp_epm_135), &info));
	EXPECT_EQ(0, rpc_uuid_compare(&info.iface.uuid, &epm_if.uuid));
	EXPECT_EQ(3, info.iface.major);
	EXPECT_EQ(0, info.iface.minor);
	EXPECT_EQ(0, rpc_uuid_compare(&info.xfer.uuid, &rpc_syntax_ndr20.uuid));
	EXPECT_EQ(2, info.xfer.major);
	EXPECT_STREQ("ncacn_ip_tcp", info.protseq);
	EXPECT_STREQ("135", info.endpoint);
	EXPECT_STREQ("127.0.0.1", info.netaddr);
}

TEST(encode_matches_impacket_tcp)
{
	uint8_t *t;
	size_t len;

	ASSERT_EQ(0, rpc_tower_from_binding("ncacn_ip_tcp:127.0.0.1[135]",
					    &epm_if, NULL, &t, &len));
	ASSERT_EQ(sizeof(twr_tcp_epm_135), len);
	EXPECT_EQ(0, memcmp(t, twr_tcp_epm_135, len));
	free(t);
	/* no endpoint, no address: the ept_map request form */
	ASSERT_EQ(0, rpc_tower_from_binding("ncacn_ip_tcp:", &lrpctest_if,
					    NULL, &t, &len));
	ASSERT_EQ(sizeof(twr_tcp_lrpctest_any), len);
	EXPECT_EQ(0, memcmp(t, twr_tcp_lrpctest_any, len));
	free(t);
	/* a host name is "any" in a tower */
	ASSERT_EQ(0, rpc_tower_from_binding("ncacn_ip_tcp:localhost[]",
					    &lrpctest_if, NULL, &t, &len));
	EXPECT_EQ(0, memcmp(t, twr_tcp_lrpctest_any, len));
	free(t);
}

TEST(np_impacket)
{
	struct rpc_tower_info info;
	uint8_t *t;
	size_t len;
	char *s;

	ASSERT_EQ(0, rpc_tower_decode(twr_np_lsarpc, sizeof(twr_np_lsarpc), &info));
	EXPECT_STREQ("ncacn_np", info.protseq);
	EXPECT_STREQ("\\PIPE\\lsarpc", info.endpoint);
	EXPECT_STREQ("\\\\SRV", info.netaddr);
	EXPECT_EQ(0, rpc_uuid_compare(&info.iface.uuid, &lsarpc_if.uuid));
	/* string binding round trip (backslashes escaped by compose) */
	ASSERT_EQ(0, rpc_tower_to_binding(twr_np_lsarpc, sizeof(twr_np_lsarpc), NULL, &s));
	ASSERT_EQ(0, rpc_tower_from_binding(s, &lsarpc_if, NULL, &t, &len));
	ASSERT_EQ(sizeof(twr_np_lsarpc), len);
	EXPECT_EQ(0, memcmp(t, twr_np_lsarpc, len));
	free(t);
	free(s);
}

TEST(ncalrpc_samba)
{
	struct rpc_tower_info info;
	uint8_t *t;
	size_t len;
	char *s;

	ASSERT_EQ(0, rpc_tower_decode(twr_lrpc_smbtorture, sizeof(twr_lrpc_smbtorture), &info));
	EXPECT_STREQ("ncalrpc", info.protseq);
	EXPECT_STREQ("SMBTORTURE", info.endpoint);
	EXPECT_STREQ("", info.netaddr);
	EXPECT_EQ(1, rpc_uuid_is_nil(&info.iface.uuid));
	ASSERT_EQ(0, rpc_tower_from_binding("ncalrpc:[SMBTORTURE]", &nil_if,
					    NULL, &t, &len));
	ASSERT_EQ(sizeof(twr_lrpc_smbtorture), len);
	EXPECT_EQ(0, memcmp(t, twr_lrpc_smbtorture, len));
	free(t);
	ASSERT_EQ(0, rpc_tower_to_binding(t = (uint8_t *)twr_lrpc_smbtorture,
					  sizeof(twr_lrpc_smbtorture), NULL, &s));
	EXPECT_STREQ("ncalrpc:[SMBTORTURE]", s);
	free(s);
}

/* "packet" is also a binding flag: the endpoint must survive the trip */
TEST(endpoint_named_like_a_flag)
{
	struct rpc_tower_info info;
	uint8_t *t;
	size_t len;
	char *s;

	ASSERT_EQ(0, rpc_tower_from_binding("ncalrpc:[endpoint=packet]", &nil_if,
					    NULL, &t, &len));
	ASSERT_EQ(0, rpc_tower_to_binding(t, len, NULL, &s));
	EXPECT_STREQ("ncalrpc:[endpoint=packet]", s);
	free(t);
	ASSERT_EQ(0, rpc_tower_from_binding(s, &nil_if, NULL, &t, &len));
	ASSERT_EQ(0, rpc_tower_decode(t, len, &info));
	EXPECT_STREQ("packet", info.endpoint);
	free(t);
	free(s);
}

TEST(udp_and_object)
{
	rpc_uuid_t obj;
	uint8_t *t;
	size_t len;
	char *s;

	ASSERT_EQ(0, rpc_uuid_parse("01234567-89ab-cdef-0123-456789abcdef", &obj));
	ASSERT_EQ(0, rpc_tower_from_binding("ncadg_ip_udp:10.1.2.3[5001]",
					    &lrpctest_if, NULL, &t, &len));
	EXPECT_EQ(75, len);
	EXPECT_EQ(RPC_EPM_PROT_NCADG, t[2 + 25 + 25 + 2]);
	ASSERT_EQ(0, rpc_tower_to_binding(t, len, &obj, &s));
	EXPECT_STREQ("01234567-89ab-cdef-0123-456789abcdef@ncadg_ip_udp:10.1.2.3[5001]", s);
	free(s);
	free(t);
}

TEST(unknown_protseq_still_listed)
{
	uint8_t t[sizeof(twr_tcp_epm_135)];
	char *s;

	memcpy(t, twr_tcp_epm_135, sizeof(t));
	t[2 + 25 + 25 + 2] = 0x16;	/* floor 3: DSP */
	ASSERT_EQ(0, rpc_tower_to_binding(t, sizeof(t), NULL, &s));
	EXPECT_STREQ("unknown:[0x16.0x07.0x09]", s);
	free(s);
}

TEST(bad_bindings)
{
	uint8_t *t;
	size_t len;

	EXPECT_EQ(-(int)rpc_s_protseq_not_supported,
		  rpc_tower_from_binding("ncacn_foo:[1]", &epm_if, NULL, &t, &len));
	EXPECT_EQ(-(int)rpc_s_invalid_endpoint_format,
		  rpc_tower_from_binding("ncacn_ip_tcp:[65536]", &epm_if, NULL, &t, &len));
	EXPECT_EQ(-(int)rpc_s_invalid_endpoint_format,
		  rpc_tower_from_binding("ncacn_ip_tcp:[12a]", &epm_if, NULL, &t, &len));
	EXPECT_EQ(-(int)rpc_s_invalid_endpoint_format,
		  rpc_tower_from_binding("ncalrpc:[a\tb]", &epm_if, NULL, &t, &len));
	EXPECT_NE(0, rpc_tower_from_binding("ncacn_ip_tcp:[1", &epm_if, NULL, &t, &len));
}

/* Negative: every truncation of a good tower fails, never reads past. */
TEST(truncated)
{
	struct rpc_tower t;
	struct rpc_tower_info info;
	size_t n;

	for (n = 0; n < sizeof(twr_tcp_epm_135); n++) {
		uint8_t *copy = malloc(n ? n : 1);

		memcpy(copy, twr_tcp_epm_135, n);
		EXPECT_EQ(BAD, rpc_tower_parse(copy, n, &t));
		EXPECT_EQ(BAD, rpc_tower_decode(copy, n, &info));
		free(copy);
	}
}

TEST(malformed)
{
	uint8_t t[sizeof(twr_tcp_epm_135)];
	struct rpc_tower_info info;
	struct rpc_tower tw;
	static const uint8_t zero_floors[] = { 0, 0 };
	static const uint8_t many_floors[] = { 0xff, 0xff, 1, 0, 7, 0, 0 };
	static const uint8_t empty_lhs[] = { 1, 0, 0, 0, 0, 0 };
	static const uint8_t lhs_overrun[] = { 1, 0, 0xff, 0xff, 7 };
	static const uint8_t rhs_overrun[] = { 1, 0, 1, 0, 7, 3, 0, 1, 2 };
	static const uint8_t two[] = { 2, 0, 1, 0, 0x0b, 0, 0, 1, 0, 7, 0, 0 };
	uint8_t l[sizeof(twr_tcp_epm_135) + 3];

	EXPECT_EQ(BAD, rpc_tower_parse(zero_floors, sizeof(zero_floors), &tw));
	EXPECT_EQ(BAD, rpc_tower_parse(many_floors, sizeof(many_floors), &tw));
	EXPECT_EQ(BAD, rpc_tower_parse(empty_lhs, sizeof(empty_lhs), &tw));
	EXPECT_EQ(BAD, rpc_tower_parse(lhs_overrun, sizeof(lhs_overrun), &tw));
	EXPECT_EQ(BAD, rpc_tower_parse(rhs_overrun, sizeof(rhs_overrun), &tw));
	EXPECT_EQ(BAD, rpc_tower_parse(NULL, 0, &tw));
	/* a good tower with 2 floors is a tower, but not an entry */
	EXPECT_EQ(0, rpc_tower_parse(two, sizeof(two), &tw));
	EXPECT_EQ(BAD, rpc_tower_decode(two, sizeof(two), &info));
	/* floor 1 not a uuid floor */
	memcpy(t, twr_tcp_epm_135, sizeof(t));
	t[4] = 0x0c;
	EXPECT_EQ(BAD, rpc_tower_decode(t, sizeof(t), &info));
	/* port floor with 3 octets: lengths shifted, caught */
	memcpy(t, twr_tcp_epm_135, sizeof(t));
	t[2 + 25 + 25 + 7 + 3] = 3;
	EXPECT_EQ(BAD, rpc_tower_decode(t, sizeof(t), &info));
	/* IP floor of 3 octets (tower shortened consistently) */
	memcpy(t, twr_tcp_epm_135, sizeof(t));
	t[sizeof(t) - 6] = 3;
	EXPECT_EQ(BAD, rpc_tower_decode(t, sizeof(t) - 1, &info));
	/* control characters in a name */
	memcpy(l, twr_lrpc_smbtorture, sizeof(twr_lrpc_smbtorture));
	l[sizeof(twr_lrpc_smbtorture) - 3] = 0x07;
	EXPECT_EQ(BAD, rpc_tower_decode(l, sizeof(twr_lrpc_smbtorture), &info));
	/* trailing octets are ignored, t.len says where the tower ended */
	memcpy(l, twr_tcp_epm_135, sizeof(twr_tcp_epm_135));
	EXPECT_EQ(0, rpc_tower_parse(l, sizeof(twr_tcp_epm_135) + 3, &tw));
	EXPECT_EQ(sizeof(twr_tcp_epm_135), tw.len);
}

TEST_HARNESS_MAIN
