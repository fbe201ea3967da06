// SPDX-License-Identifier: MIT
/*
 * What tools and programs write for authentication, as the library reads
 * it (runtime/auth_api.c): provider and level names, and user names
 * "DOMAIN\user" for rpc_winnt_identity.
 */
#include <errno.h>
#include <string.h>
#include "../../build/kselftest/kselftest_harness.h"
#include <lrpc/rpc.h>

TEST(provider_and_level_names)
{
	EXPECT_EQ(RPC_C_AUTHN_WINNT, rpc_authn_svc_from_name("ntlm"));
	EXPECT_EQ(RPC_C_AUTHN_WINNT, rpc_authn_svc_from_name("WinNT"));
	EXPECT_EQ(RPC_C_AUTHN_GSS_KERBEROS, rpc_authn_svc_from_name("krb5"));
	EXPECT_EQ(RPC_C_AUTHN_GSS_NEGOTIATE, rpc_authn_svc_from_name("spnego"));
	EXPECT_EQ(RPC_C_AUTHN_GSS_NEGOTIATE, rpc_authn_svc_from_name("default"));
	EXPECT_EQ(16, rpc_authn_svc_from_name("16"));
	EXPECT_EQ(-EINVAL, rpc_authn_svc_from_name("256"));
	EXPECT_EQ(-EINVAL, rpc_authn_svc_from_name("ntlmx"));
	EXPECT_EQ(-EINVAL, rpc_authn_svc_from_name(""));
	EXPECT_EQ(-EINVAL, rpc_authn_svc_from_name(NULL));
	EXPECT_EQ(RPC_C_AUTHN_LEVEL_PKT_PRIVACY, rpc_auth_level_from_name("seal"));
	EXPECT_EQ(RPC_C_AUTHN_LEVEL_PKT_INTEGRITY, rpc_auth_level_from_name("integrity"));
	EXPECT_EQ(RPC_C_AUTHN_LEVEL_CONNECT, rpc_auth_level_from_name("connect"));
	EXPECT_EQ(-EINVAL, rpc_auth_level_from_name("7"));
}

TEST(winnt_identity_from_a_user_name)
{
	struct rpc_winnt_identity id = { .password = "pw" };
	char a[] = "EXAMPLE\\alice", b[] = "bob", c[] = "\\carol",
	     d[] = "EX\\", e[] = "A\\B\\c", f[] = "";

	ASSERT_EQ(0, rpc_winnt_identity_parse(a, &id));
	EXPECT_STREQ("EXAMPLE", id.domain);
	EXPECT_STREQ("alice", id.user);
	EXPECT_STREQ("pw", id.password);
	ASSERT_EQ(0, rpc_winnt_identity_parse(b, &id));
	EXPECT_EQ(NULL, id.domain);
	EXPECT_STREQ("bob", id.user);
	EXPECT_EQ(-EINVAL, rpc_winnt_identity_parse(c, &id));
	EXPECT_EQ(-EINVAL, rpc_winnt_identity_parse(d, &id));
	EXPECT_EQ(-EINVAL, rpc_winnt_identity_parse(e, &id));
	EXPECT_EQ(-EINVAL, rpc_winnt_identity_parse(f, &id));
	EXPECT_EQ(-EINVAL, rpc_winnt_identity_parse(NULL, &id));
}

TEST_HARNESS_MAIN
