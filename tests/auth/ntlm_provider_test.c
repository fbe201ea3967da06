// SPDX-License-Identifier: MIT
/*
 * The NTLMSSP provider end to end, in one process: a client and a server
 * context trade NEGOTIATE, CHALLENGE and AUTHENTICATE through
 * gss-ntlmssp, then protect fragments both ways.  The server checks
 * passwords against an NTLM_USER_FILE this test writes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <lrpc/ndr.h>
#include <lrpc/status.h>
#include "auth/provider.h"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

static const struct rpc_auth_provider *prov(void)
{
	return __rpc_auth_find(RPC_AUTHN_WINNT);
}

/*
 * NTLM_USER_FILE for both sides, written once by the harness' process
 * before the tests fork and removed when it exits: gss-ntlmssp reads it
 * at each lookup.
 */
static char users_path[] = "/tmp/lrpc-ntlm-users-XXXXXX";
static pid_t users_owner;

static __attribute__((constructor)) void users_write(void)
{
	static const char users[] =
		"# DOMAIN:user:password\n"
		"LRPCDOM:alice:Al1ce-pw\n"
		"LRPCDOM:bob:b0b-pw\n";
	int fd = mkstemp(users_path);

	if (fd < 0 || write(fd, users, sizeof(users) - 1) !=
		      (ssize_t)sizeof(users) - 1) {
		perror("user file");
		exit(1);
	}
	close(fd);
	users_owner = getpid();
	setenv("NTLM_USER_FILE", users_path, 1);
}

static __attribute__((destructor)) void users_remove(void)
{
	if (getpid() == users_owner)
		unlink(users_path);
}

/* Each test sets it again: another test may have pointed it elsewhere. */
static void user_file(void)
{
	setenv("NTLM_USER_FILE", users_path, 1);
}

struct pair {
	struct rpc_auth_ctx *cli, *srv;
	int legs[4];		/* each step()'s return */
	uint8_t types[4];	/* NTLMSSP MessageType of each leg's output */
	size_t out_len[4];
};

static uint8_t msg_type(const struct ndr_buf *b)
{
	if (b->len < 12 || memcmp(b->data, "NTLMSSP", 8))
		return 0xff;
	return b->data[8];
}

/*
 * Run the three-leg exchange; 0 when both sides report established,
 * otherwise the first failing step's status.  The contexts are left for
 * the caller to free.
 */
static int exchange(struct pair *p, enum rpc_auth_level level,
		    const struct rpc_auth_identity *id)
{
	struct ndr_buf b[4];
	struct rpc_auth_token t;
	int i, ret;

	memset(p, 0, sizeof(*p));
	user_file();
	ret = prov()->new_ctx(false, level, id, &p->cli);
	if (ret)
		return ret;
	ret = prov()->new_ctx(true, level, NULL, &p->srv);
	if (ret)
		return ret;
	for (i = 0; i < 4; i++)
		ndr_buf_init(&b[i]);
	p->legs[0] = prov()->step(p->cli, NULL, &b[0]);
	for (i = 1; i < 4 && p->legs[i - 1] >= 0; i++) {
		t.data = b[i - 1].data;
		t.len = b[i - 1].len;
		p->legs[i] = prov()->step(i % 2 ? p->srv : p->cli, &t, &b[i]);
	}
	for (i = 0; i < 4; i++) {
		p->types[i] = b[i].len ? msg_type(&b[i]) : 0;
		p->out_len[i] = b[i].len;
		ndr_buf_release(&b[i]);
	}
	for (i = 0; i < 4; i++)
		if (p->legs[i] < 0)
			return p->legs[i];
	return p->legs[2] == 1 && p->legs[3] == 1 ? 0 : -rpc_s_protocol_error;
}

static void pair_free(struct pair *p)
{
	if (p->cli)
		prov()->free_ctx(p->cli);
	if (p->srv)
		prov()->free_ctx(p->srv);
}

static const struct rpc_auth_identity alice = {
	.user = "alice", .domain = "LRPCDOM", .password = "Al1ce-pw",
};

/* A request-like PDU: 16-octet header, body, 8-octet sec_trailer. */
struct pdu {
	uint8_t data[16 + 64 + 8];
	struct rpc_auth_region r;
};

static void pdu_init(struct pdu *p, unsigned int seed)
{
	for (size_t i = 0; i < sizeof(p->data); i++)
		p->data[i] = (uint8_t)(seed * 131 + i * 7);
	p->r = (struct rpc_auth_region){
		.whole = p->data, .whole_len = sizeof(p->data),
		.body = p->data + 16, .body_len = 64,
	};
}

TEST(exchange_legs_and_names)
{
	struct rpc_auth_token t = { (const uint8_t *)"NTLMSSP", 8 };
	struct ndr_buf b;
	struct pair p;
	char *name = NULL;

	ASSERT_NE(NULL, prov());
	EXPECT_STREQ("ntlm", prov()->name);
	ASSERT_EQ(0, exchange(&p, RPC_AUTH_LEVEL_PKT_INTEGRITY, &alice));
	/* client NEGOTIATE, server CHALLENGE (0), client AUTHENTICATE (1),
	 * server done with nothing to send (1) */
	EXPECT_EQ(0, p.legs[0]);
	EXPECT_EQ(1, p.types[0]);
	EXPECT_EQ(0, p.legs[1]);
	EXPECT_EQ(2, p.types[1]);
	EXPECT_EQ(1, p.legs[2]);
	EXPECT_EQ(3, p.types[2]);
	EXPECT_EQ(1, p.legs[3]);
	EXPECT_EQ(0, p.out_len[3]);
	EXPECT_EQ(16, prov()->sig_size(p.cli));
	EXPECT_EQ(16, prov()->sig_size(p.srv));
	ASSERT_EQ(0, prov()->peer_name(p.srv, &name));
	EXPECT_STREQ("LRPCDOM\\alice", name);
	free(name);
	/* a client that named no target has no server name to show */
	EXPECT_EQ(-rpc_s_binding_has_no_auth, prov()->peer_name(p.cli, &name));
	/* established: no further legs */
	ndr_buf_init(&b);
	EXPECT_EQ(-rpc_s_protocol_error, prov()->step(p.srv, &t, &b));
	ndr_buf_release(&b);
	pair_free(&p);
}

TEST(default_credentials_and_target)
{
	struct rpc_auth_identity id = { .principal = "host/srv.example@EX" };
	struct rpc_auth_identity bob = { .user = "bob", .domain = "LRPCDOM" };
	struct pair p;
	char *name = NULL;

	/* no user: gss-ntlmssp takes NTLM_USER_FILE's first entry */
	ASSERT_EQ(0, exchange(&p, RPC_AUTH_LEVEL_PKT_PRIVACY, &id));
	ASSERT_EQ(0, prov()->peer_name(p.srv, &name));
	EXPECT_STREQ("LRPCDOM\\alice", name);
	free(name);
	ASSERT_EQ(0, prov()->peer_name(p.cli, &name));
	EXPECT_STREQ("host@srv.example", name);
	free(name);
	pair_free(&p);
	/* a user without a password: its entry in the file */
	ASSERT_EQ(0, exchange(&p, RPC_AUTH_LEVEL_CONNECT, &bob));
	ASSERT_EQ(0, prov()->peer_name(p.srv, &name));
	EXPECT_STREQ("LRPCDOM\\bob", name);
	free(name);
	pair_free(&p);
}

TEST(wrong_password_unknown_user)
{
	struct rpc_auth_identity bad = alice, nobody = alice;
	struct pair p;

	bad.password = "not-the-password";
	ASSERT_EQ(-rpc_s_access_denied,
		  exchange(&p, RPC_AUTH_LEVEL_PKT_INTEGRITY, &bad));
	/* the server refuses at the AUTHENTICATE leg */
	EXPECT_EQ(1, p.legs[2]);
	EXPECT_EQ(-rpc_s_access_denied, p.legs[3]);
	pair_free(&p);

	nobody.user = "mallory";
	ASSERT_EQ(-rpc_s_access_denied,
		  exchange(&p, RPC_AUTH_LEVEL_PKT_PRIVACY, &nobody));
	EXPECT_EQ(-rpc_s_access_denied, p.legs[3]);
	pair_free(&p);

	/* a user not in the file and no password: no credentials at all */
	nobody.password = NULL;
	EXPECT_EQ(-rpc_s_access_denied,
		  exchange(&p, RPC_AUTH_LEVEL_PKT_PRIVACY, &nobody));
	pair_free(&p);
}

TEST(malformed_tokens)
{
	static const uint8_t junk[] = "NTLMSSP\0\x07\0\0\0garbage";
	struct rpc_auth_token t = { junk, sizeof(junk) };
	struct rpc_auth_ctx *s, *c;
	struct ndr_buf b;
	struct pdu m;
	uint8_t sig[16];

	user_file();
	ndr_buf_init(&b);
	ASSERT_EQ(0, prov()->new_ctx(true, RPC_AUTH_LEVEL_PKT_INTEGRITY,
				     NULL, &s));
	EXPECT_GT(0, prov()->step(s, &t, &b));
	EXPECT_EQ(0, b.len);
	/* failed once, failed for good */
	EXPECT_EQ(-rpc_s_protocol_error, prov()->step(s, &t, &b));
	prov()->free_ctx(s);

	ASSERT_EQ(0, prov()->new_ctx(true, RPC_AUTH_LEVEL_PKT_INTEGRITY,
				     NULL, &s));
	EXPECT_EQ(-rpc_s_protocol_error, prov()->step(s, NULL, &b));
	prov()->free_ctx(s);

	ASSERT_EQ(0, prov()->new_ctx(false, RPC_AUTH_LEVEL_PKT_INTEGRITY,
				     &alice, &c));
	/* a client's first leg takes no token; its second needs one */
	EXPECT_EQ(-rpc_s_protocol_error, prov()->step(c, &t, &b));
	prov()->free_ctx(c);
	ASSERT_EQ(0, prov()->new_ctx(false, RPC_AUTH_LEVEL_PKT_INTEGRITY,
				     &alice, &c));
	EXPECT_EQ(0, prov()->step(c, NULL, &b));
	EXPECT_LT(0, b.len);
	EXPECT_GT(0, prov()->step(c, &t, &b));
	/* not established: nothing to sign with */
	pdu_init(&m, 1);
	EXPECT_EQ(-rpc_s_binding_has_no_auth, prov()->sign(c, &m.r, sig));
	prov()->free_ctx(c);
	ndr_buf_release(&b);
}

/*
 * A CHALLENGE with UNICODE, a target type and an empty TargetName: the
 * NULL write gss-ntlmssp 1.2.0 makes on it (the fuzzer's first find)
 * must not be reached.
 */
TEST(challenge_empty_target_name)
{
	static const uint8_t chal[] = {
		'N', 'T', 'L', 'M', 'S', 'S', 'P', 0, 2, 0, 0, 0,
		0, 0, 4, 0, 0x30, 0, 0, 0,		/* TargetName: 0 */
		0x35, 0x82, 0x02, 0x60,		/* UNICODE, SERVER, ... */
		1, 2, 3, 4, 5, 6, 7, 8,		/* ServerChallenge */
		0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0x30, 0, 0, 0,	/* TargetInfo: 0 */
		6, 1, 0, 0, 0, 0, 0, 15,	/* Version */
	};
	struct rpc_auth_token t = { chal, sizeof(chal) };
	struct rpc_auth_ctx *c;
	struct ndr_buf b;

	user_file();
	ndr_buf_init(&b);
	ASSERT_EQ(0, prov()->new_ctx(false, RPC_AUTH_LEVEL_PKT_PRIVACY,
				     &alice, &c));
	ASSERT_EQ(0, prov()->step(c, NULL, &b));
	b.len = 0;
	EXPECT_EQ(-rpc_s_protocol_error, prov()->step(c, &t, &b));
	EXPECT_EQ(0, b.len);
	prov()->free_ctx(c);
	ndr_buf_release(&b);
}

TEST(levels)
{
	struct rpc_auth_ctx *c;
	struct pair p;
	struct pdu m;
	uint8_t sig[16];

	EXPECT_EQ(-rpc_s_unsupported_authn_level,
		  prov()->new_ctx(false, RPC_AUTH_LEVEL_NONE, &alice, &c));
	EXPECT_EQ(-rpc_s_unsupported_authn_level,
		  prov()->new_ctx(false, 7, &alice, &c));
	/* connect: authenticated, nothing per message */
	ASSERT_EQ(0, exchange(&p, RPC_AUTH_LEVEL_CONNECT, &alice));
	EXPECT_EQ(0, prov()->sig_size(p.cli));
	pdu_init(&m, 2);
	EXPECT_EQ(0, prov()->sign(p.cli, &m.r, sig));
	EXPECT_EQ(0, prov()->verify(p.srv, &m.r, sig, 0));
	/* a verifier sent anyway is ignored, as Samba ignores it */
	EXPECT_EQ(0, prov()->verify(p.srv, &m.r, sig, 16));
	pair_free(&p);
	/* call and packet: integrity */
	ASSERT_EQ(0, exchange(&p, RPC_AUTH_LEVEL_CALL, &alice));
	EXPECT_EQ(16, prov()->sig_size(p.cli));
	ASSERT_EQ(0, prov()->sign(p.cli, &m.r, sig));
	EXPECT_EQ(0, prov()->verify(p.srv, &m.r, sig, 16));
	/* and no sealing below privacy */
	EXPECT_EQ(-rpc_s_unsupported_authn_level,
		  prov()->seal(p.cli, &m.r, sig));
	pair_free(&p);
	ASSERT_EQ(0, exchange(&p, RPC_AUTH_LEVEL_PKT, &alice));
	EXPECT_EQ(16, prov()->sig_size(p.srv));
	pair_free(&p);
}

/* Several fragments each way, interleaved, at integrity. */
TEST(sign_verify_both_ways)
{
	struct pdu m[6];
	uint8_t sig[6][16];
	struct pair p;
	int i;

	ASSERT_EQ(0, exchange(&p, RPC_AUTH_LEVEL_PKT_INTEGRITY, &alice));
	for (i = 0; i < 6; i++) {
		struct rpc_auth_ctx *tx = i % 2 ? p.srv : p.cli;
		struct rpc_auth_ctx *rx = i % 2 ? p.cli : p.srv;
		uint8_t copy[sizeof(m[i].data)];

		pdu_init(&m[i], i);
		memcpy(copy, m[i].data, sizeof(copy));
		ASSERT_EQ(0, prov()->sign(tx, &m[i].r, sig[i]));
		/* integrity leaves the PDU alone */
		EXPECT_EQ(0, memcmp(copy, m[i].data, sizeof(copy)));
		EXPECT_EQ(1, sig[i][0]);
		EXPECT_EQ(i / 2, sig[i][12]);	/* sequence per direction */
		ASSERT_EQ(0, prov()->verify(rx, &m[i].r, sig[i], 16));
	}
	/* the same octets under another sequence number sign differently */
	EXPECT_NE(0, memcmp(sig[0] + 4, sig[2] + 4, 8));
	pair_free(&p);
}

TEST(verify_rejects)
{
	struct pdu m[3];
	uint8_t sig[3][16], bad[16];
	struct pair p;
	size_t off;

	ASSERT_EQ(0, exchange(&p, RPC_AUTH_LEVEL_PKT_INTEGRITY, &alice));
	for (int i = 0; i < 3; i++) {
		pdu_init(&m[i], 10 + i);
		ASSERT_EQ(0, prov()->sign(p.cli, &m[i].r, sig[i]));
	}
	/* a modified octet anywhere: header, body, padding, sec_trailer */
	for (off = 0; off < sizeof(m[0].data); off += 13) {
		m[0].data[off] ^= 0x20;
		EXPECT_EQ(-rpc_s_access_denied,
			  prov()->verify(p.srv, &m[0].r, sig[0], 16));
		m[0].data[off] ^= 0x20;
	}
	/* a modified signature */
	for (off = 0; off < 16; off++) {
		memcpy(bad, sig[0], 16);
		bad[off] ^= 1;
		EXPECT_EQ(-rpc_s_access_denied,
			  prov()->verify(p.srv, &m[0].r, bad, 16));
	}
	/* truncated PDU or signature */
	m[0].r.whole_len--;
	EXPECT_EQ(-rpc_s_access_denied,
		  prov()->verify(p.srv, &m[0].r, sig[0], 16));
	m[0].r.whole_len++;
	EXPECT_EQ(-rpc_s_access_denied,
		  prov()->verify(p.srv, &m[0].r, sig[0], 15));
	/* reordered: the second before the first */
	EXPECT_EQ(-rpc_s_access_denied,
		  prov()->verify(p.srv, &m[1].r, sig[1], 16));
	/* none of that moved the receiver on */
	ASSERT_EQ(0, prov()->verify(p.srv, &m[0].r, sig[0], 16));
	/* replayed */
	EXPECT_EQ(-rpc_s_access_denied,
		  prov()->verify(p.srv, &m[0].r, sig[0], 16));
	ASSERT_EQ(0, prov()->verify(p.srv, &m[1].r, sig[1], 16));
	/* skipped: the third with the second's number rewritten */
	memcpy(bad, sig[2], 16);
	bad[12] = 1;
	EXPECT_EQ(-rpc_s_access_denied,
		  prov()->verify(p.srv, &m[2].r, bad, 16));
	ASSERT_EQ(0, prov()->verify(p.srv, &m[2].r, sig[2], 16));
	/* a signature from the other direction's keys */
	pdu_init(&m[0], 20);
	ASSERT_EQ(0, prov()->sign(p.srv, &m[0].r, sig[0]));
	EXPECT_EQ(-rpc_s_access_denied,
		  prov()->verify(p.srv, &m[0].r, sig[0], 16));
	ASSERT_EQ(0, prov()->verify(p.cli, &m[0].r, sig[0], 16));
	pair_free(&p);
}

TEST(seal_unseal_both_ways)
{
	struct pair p;
	int i;

	ASSERT_EQ(0, exchange(&p, RPC_AUTH_LEVEL_PKT_PRIVACY, &alice));
	EXPECT_EQ(16, prov()->sig_size(p.cli));
	for (i = 0; i < 8; i++) {
		struct rpc_auth_ctx *tx = i % 3 ? p.srv : p.cli;
		struct rpc_auth_ctx *rx = i % 3 ? p.cli : p.srv;
		struct pdu m;
		uint8_t plain[sizeof(m.data)], sig[16];

		pdu_init(&m, 30 + i);
		memcpy(plain, m.data, sizeof(plain));
		ASSERT_EQ(0, prov()->seal(tx, &m.r, sig));
		/* only the body is encrypted */
		EXPECT_EQ(0, memcmp(plain, m.data, 16));
		EXPECT_EQ(0, memcmp(plain + 80, m.data + 80, 8));
		EXPECT_NE(0, memcmp(plain + 16, m.data + 16, 64));
		ASSERT_EQ(0, prov()->unseal(rx, &m.r, sig, 16));
		EXPECT_EQ(0, memcmp(plain, m.data, sizeof(plain)));
	}
	pair_free(&p);
}

TEST(unseal_rejects)
{
	struct pdu m[2], keep;
	uint8_t sig[2][16];
	struct pair p;
	size_t off;

	ASSERT_EQ(0, exchange(&p, RPC_AUTH_LEVEL_PKT_PRIVACY, &alice));
	pdu_init(&m[0], 40);
	pdu_init(&m[1], 41);
	ASSERT_EQ(0, prov()->seal(p.srv, &m[0].r, sig[0]));
	ASSERT_EQ(0, prov()->seal(p.srv, &m[1].r, sig[1]));
	keep = m[0];
	/* ciphertext, header or trailer modified: refused, left as sent */
	for (off = 0; off < sizeof(m[0].data); off += 11) {
		m[0].data[off] ^= 0x80;
		EXPECT_EQ(-rpc_s_access_denied,
			  prov()->unseal(p.cli, &m[0].r, sig[0], 16));
		m[0].data[off] ^= 0x80;
		EXPECT_EQ(0, memcmp(keep.data, m[0].data, sizeof(keep.data)));
	}
	/* truncated body */
	m[0].r.body_len--;
	m[0].r.whole_len--;
	EXPECT_EQ(-rpc_s_access_denied,
		  prov()->unseal(p.cli, &m[0].r, sig[0], 16));
	m[0].r.body_len++;
	m[0].r.whole_len++;
	/* a body outside the PDU */
	m[0].r.body_len = 80;
	EXPECT_EQ(-rpc_s_invalid_arg,
		  prov()->unseal(p.cli, &m[0].r, sig[0], 16));
	m[0].r.body_len = 64;
	/* reordered */
	EXPECT_EQ(-rpc_s_access_denied,
		  prov()->unseal(p.cli, &m[1].r, sig[1], 16));
	ASSERT_EQ(0, prov()->unseal(p.cli, &m[0].r, sig[0], 16));
	/* replayed: the sealed octets again */
	memcpy(m[0].data, keep.data, sizeof(keep.data));
	EXPECT_EQ(-rpc_s_access_denied,
		  prov()->unseal(p.cli, &m[0].r, sig[0], 16));
	ASSERT_EQ(0, prov()->unseal(p.cli, &m[1].r, sig[1], 16));
	/* an integrity signature does not pass for a sealed PDU */
	pdu_init(&m[0], 42);
	ASSERT_EQ(0, prov()->sign(p.cli, &m[0].r, sig[0]));
	EXPECT_EQ(-rpc_s_access_denied,
		  prov()->unseal(p.srv, &m[0].r, sig[0], 16));
	pair_free(&p);
}

TEST_HARNESS_MAIN
