// SPDX-License-Identifier: MIT
/*
 * The GSSAPI providers (lib/auth/gss) against a throwaway MIT realm
 * (tests/auth/krb5_realm.sh): client and server contexts in one process,
 * the DCE-style exchange, signatures and sealing both ways with and
 * without header signing, and what must be refused.  Skipped when the
 * KDC is not installed.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <lrpc/ndr.h>
#include <lrpc/status.h>
#include "auth/provider.h"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

static char realm_dir[64];
static char realm_sh[PATH_MAX];
static pid_t realm_owner;
static bool realm_up;

/* the script: $LRPC_KRB5_REALM_SH, the source tree from the cwd, or
 * from the test binary (build/tests/auth/ -> tests/auth/) */
static bool find_script(void)
{
	const char *env = getenv("LRPC_KRB5_REALM_SH");
	char exe[PATH_MAX - 64];
	ssize_t n;
	char *p;

	if (env) {
		snprintf(realm_sh, sizeof(realm_sh), "%s", env);
		return access(realm_sh, X_OK) == 0;
	}
	snprintf(realm_sh, sizeof(realm_sh), "tests/auth/krb5_realm.sh");
	if (access(realm_sh, X_OK) == 0)
		return true;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return false;
	exe[n] = 0;
	p = strstr(exe, "/build/tests/auth/");
	if (!p)
		return false;
	*p = 0;
	snprintf(realm_sh, sizeof(realm_sh), "%s/tests/auth/krb5_realm.sh",
		 exe);
	return access(realm_sh, X_OK) == 0;
}

/* Once, before the harness forks a child per test: start the realm and
 * take its variables into our environment. */
__attribute__((constructor)) static void realm_start(void)
{
	char cmd[2 * PATH_MAX + 32], line[1024];
	FILE *f;

	if (!find_script())
		return;
	snprintf(realm_dir, sizeof(realm_dir), "/tmp/lrpc-krb5.XXXXXX");
	if (!mkdtemp(realm_dir))
		return;
	realm_owner = getpid();
	snprintf(cmd, sizeof(cmd), "%s start %s >&2", realm_sh, realm_dir);
	if (system(cmd) != 0)
		return;
	snprintf(line, sizeof(line), "%s/env", realm_dir);
	f = fopen(line, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '=');

		line[strcspn(line, "\n")] = 0;
		if (!eq)
			continue;
		*eq = 0;
		setenv(line, eq + 1, 1);
	}
	fclose(f);
	realm_up = true;
}

__attribute__((destructor)) static void realm_stop(void)
{
	char cmd[2 * PATH_MAX + 32];

	if (getpid() != realm_owner || !realm_dir[0])
		return;
	snprintf(cmd, sizeof(cmd), "%s stop %s", realm_sh, realm_dir);
	if (system(cmd) != 0)
		rmdir(realm_dir);
}

#define NEED_REALM() do { \
	if (!realm_up) \
		SKIP(return, "no Kerberos realm (krb5-kdc not installed?)"); \
} while (0)

static const struct rpc_auth_provider *prov(uint8_t type)
{
	return __rpc_auth_find(type);
}

struct pair {
	const struct rpc_auth_provider *p;
	struct rpc_auth_ctx *c, *s;
	int legs;
};

static int new_pair(struct pair *x, uint8_t type, enum rpc_auth_level level,
		    const struct rpc_auth_identity *cid)
{
	struct rpc_auth_identity def = { .principal = getenv("KRB5_SERVICE") };
	struct rpc_auth_identity sid = { .keytab = getenv("KRB5_KTNAME") };
	int ret;

	memset(x, 0, sizeof(*x));
	x->p = prov(type);
	if (!x->p)
		return -rpc_s_unknown_authn_service;
	ret = x->p->new_ctx(false, level, cid ? cid : &def, &x->c);
	if (ret)
		return ret;
	return x->p->new_ctx(true, level, &sid, &x->s);
}

static void free_pair(struct pair *x)
{
	if (x->c)
		x->p->free_ctx(x->c);
	if (x->s)
		x->p->free_ctx(x->s);
}

/*
 * Legs until both sides say 1 and nothing is left to send, as an engine
 * runs them: whatever step() appends is sent, even with 1.  x->legs
 * counts the tokens sent.  Returns 0 or the first failure.
 */
static int establish(struct pair *x)
{
	struct ndr_buf a, b;
	struct rpc_auth_token t;
	int rc = 0, rs = 0, ret = 0;

	ndr_buf_init(&a);
	ndr_buf_init(&b);
	rc = x->p->step(x->c, NULL, &a);
	while (rc >= 0 && a.len && x->legs < 8) {
		x->legs++;
		t = (struct rpc_auth_token){ a.data, a.len };
		b.len = 0;
		rs = x->p->step(x->s, &t, &b);
		if (rs < 0 || !b.len)
			break;
		x->legs++;
		t = (struct rpc_auth_token){ b.data, b.len };
		a.len = 0;
		rc = x->p->step(x->c, &t, &a);
	}
	if (rc < 0)
		ret = rc;
	else if (rs < 0)
		ret = rs;
	else if (rc != 1 || rs != 1)
		ret = -rpc_s_protocol_error;
	ndr_buf_release(&a);
	ndr_buf_release(&b);
	return ret;
}

/* A fake PDU: 16 octets of header, the body, an 8-octet sec_trailer. */
struct pdu {
	uint8_t buf[16 + 64 + 8];
	uint8_t sig[256];
	size_t sig_len;
	struct rpc_auth_region r;
};

static void make_pdu(struct pdu *m, unsigned int n, bool hs)
{
	for (size_t i = 0; i < sizeof(m->buf); i++)
		m->buf[i] = (uint8_t)(i * 7 + n);
	m->r = (struct rpc_auth_region){
		.whole = m->buf, .whole_len = sizeof(m->buf),
		.body = m->buf + 16, .body_len = 64, .header_signing = hs,
	};
}

static int protect(struct pair *x, bool seal, bool from_client,
		   struct pdu *m)
{
	struct rpc_auth_ctx *c = from_client ? x->c : x->s;

	m->sig_len = x->p->sig_size(c);
	return seal ? x->p->seal(c, &m->r, m->sig) :
		      x->p->sign(c, &m->r, m->sig);
}

static int check(struct pair *x, bool seal, bool from_client, struct pdu *m)
{
	struct rpc_auth_ctx *c = from_client ? x->s : x->c;

	return seal ? x->p->unseal(c, &m->r, m->sig, m->sig_len) :
		      x->p->verify(c, &m->r, m->sig, m->sig_len);
}

/* a copy whose region points into its own buffer */
static void copy_pdu(struct pdu *to, const struct pdu *from)
{
	*to = *from;
	to->r.whole = to->buf;
	to->r.body = to->buf + 16;
}

/* Messages each way, one at a time and three in flight. */
static void flow(struct __test_metadata *_metadata, struct pair *x,
		 bool seal, bool hs)
{
	struct pdu m[3], ref;
	unsigned int i, j;

	for (i = 0; i < 6; i++) {
		bool dir = i % 2 == 0;

		make_pdu(&m[0], i, hs);
		make_pdu(&ref, i, hs);
		ASSERT_EQ(0, protect(x, seal, dir, &m[0]));
		/* the body is encrypted, the header and trailer are not */
		if (seal)
			EXPECT_NE(0, memcmp(m[0].buf + 16, ref.buf + 16, 64));
		EXPECT_EQ(0, memcmp(m[0].buf, ref.buf, 16));
		EXPECT_EQ(0, memcmp(m[0].buf + 80, ref.buf + 80, 8));
		ASSERT_EQ(0, check(x, seal, dir, &m[0]));
		EXPECT_EQ(0, memcmp(m[0].buf, ref.buf, sizeof(ref.buf)));
	}
	for (i = 0; i < 2; i++) {
		for (j = 0; j < 3; j++) {
			make_pdu(&m[j], 100 + j, hs);
			ASSERT_EQ(0, protect(x, seal, i, &m[j]));
		}
		for (j = 0; j < 3; j++)
			ASSERT_EQ(0, check(x, seal, i, &m[j]));
	}
}

enum attack { BODY, HEADER, SIG, TRUNC, REPLAY, REORDER, NR_ATTACKS };

/*
 * Each attack on a fresh pair: a refused message leaves a gap in the
 * receiver's sequence (the sender used the number), so the stream is
 * over after it, as the engine's connection would be.
 */
static void attacks(struct __test_metadata *_metadata, uint8_t type,
		    bool seal, bool hs)
{
	struct pdu m, m2;
	struct pair x;

	for (int a = 0; a < NR_ATTACKS; a++) {
		bool dir = a % 2;	/* both directions, in turn */

		ASSERT_EQ(0, new_pair(&x, type, seal ?
				      RPC_AUTH_LEVEL_PKT_PRIVACY :
				      RPC_AUTH_LEVEL_PKT_INTEGRITY, NULL));
		ASSERT_EQ(0, establish(&x));
		make_pdu(&m, 1, hs);
		ASSERT_EQ(0, protect(&x, seal, dir, &m));
		ASSERT_EQ(0, check(&x, seal, dir, &m));
		make_pdu(&m, 2, hs);
		ASSERT_EQ(0, protect(&x, seal, dir, &m));
		copy_pdu(&m2, &m);
		switch (a) {
		case BODY:
			m.buf[40] ^= 1;
			EXPECT_EQ(-rpc_s_access_denied,
				  check(&x, seal, dir, &m));
			break;
		case HEADER:	/* refused only when the header is signed */
			m.buf[3] ^= 0x80;
			m.buf[sizeof(m.buf) - 2] ^= 0x80;
			EXPECT_EQ(hs ? -rpc_s_access_denied : 0,
				  check(&x, seal, dir, &m));
			break;
		case SIG:
			m.sig[m.sig_len - 1] ^= 1;
			EXPECT_EQ(-rpc_s_access_denied,
				  check(&x, seal, dir, &m));
			m.sig[m.sig_len - 1] ^= 1;
			m.sig[0] ^= 1;
			EXPECT_EQ(-rpc_s_access_denied,
				  check(&x, seal, dir, &m));
			break;
		case TRUNC:
			m.sig_len--;
			EXPECT_EQ(-rpc_s_access_denied,
				  check(&x, seal, dir, &m));
			m.sig_len = 8;
			EXPECT_EQ(-rpc_s_access_denied,
				  check(&x, seal, dir, &m));
			m.r.body_len -= 16;
			m.r.whole_len -= 16;
			m.sig_len = m2.sig_len;
			EXPECT_EQ(-rpc_s_access_denied,
				  check(&x, seal, dir, &m));
			break;
		case REPLAY:
			EXPECT_EQ(0, check(&x, seal, dir, &m));
			EXPECT_EQ(-rpc_s_access_denied,
				  check(&x, seal, dir, &m2));
			break;
		case REORDER:	/* the third message before the second */
			make_pdu(&m2, 3, hs);
			ASSERT_EQ(0, protect(&x, seal, dir, &m2));
			EXPECT_EQ(-rpc_s_access_denied,
				  check(&x, seal, dir, &m2));
			break;
		}
		free_pair(&x);
	}
}

static void exchange_ok(struct __test_metadata *_metadata, struct pair *x)
{
	char *name = NULL;

	ASSERT_EQ(0, establish(x));
	ASSERT_EQ(0, x->p->peer_name(x->s, &name));
	EXPECT_STREQ(getenv("KRB5_USER"), name);
	free(name);
	ASSERT_EQ(0, x->p->peer_name(x->c, &name));
	EXPECT_STREQ(getenv("KRB5_SERVICE"), name);
	free(name);
}

TEST(krb5_three_legs)
{
	struct ndr_buf a, b, c, d;
	struct rpc_auth_token t;
	struct pair x;
	char *name;

	NEED_REALM();
	ASSERT_EQ(0, new_pair(&x, RPC_AUTHN_GSS_KERBEROS,
			      RPC_AUTH_LEVEL_PKT_INTEGRITY, NULL));
	ndr_buf_init(&a);
	ndr_buf_init(&b);
	ndr_buf_init(&c);
	ndr_buf_init(&d);
	EXPECT_EQ(0, x.p->sig_size(x.c));
	EXPECT_EQ(-rpc_s_binding_has_no_auth, x.p->peer_name(x.s, &name));
	/* bind: AP-REQ */
	ASSERT_EQ(0, x.p->step(x.c, NULL, &a));
	ASSERT_GT(a.len, 0);
	EXPECT_EQ(-rpc_s_protocol_error, x.p->step(x.c, NULL, &d));
	/* bind_ack: AP-REP, the server still waits */
	t = (struct rpc_auth_token){ a.data, a.len };
	ASSERT_EQ(0, x.p->step(x.s, &t, &b));
	ASSERT_GT(b.len, 0);
	/* auth3: the client's AP-REP, established on its side */
	t = (struct rpc_auth_token){ b.data, b.len };
	ASSERT_EQ(1, x.p->step(x.c, &t, &c));
	ASSERT_GT(c.len, 0);
	t = (struct rpc_auth_token){ c.data, c.len };
	d.len = 0;
	ASSERT_EQ(1, x.p->step(x.s, &t, &d));
	EXPECT_EQ(0, d.len);
	/* AES-SHA1 MIC: 16-octet header and a 12-octet checksum */
	EXPECT_EQ(28, x.p->sig_size(x.c));
	EXPECT_EQ(28, x.p->sig_size(x.s));
	/* a token after establishment is a protocol error */
	EXPECT_EQ(-rpc_s_protocol_error, x.p->step(x.s, &t, &d));
	ndr_buf_release(&a);
	ndr_buf_release(&b);
	ndr_buf_release(&c);
	ndr_buf_release(&d);
	free_pair(&x);
}

/*
 * SPNEGO over MIT: negTokenInit(AP-REQ) in bind, negTokenResp(AP-REP) in
 * bind_ack, the client's negTokenResp(AP-REP') in alter_context, and the
 * server's accept-completed in alter_context_resp: the server says 1
 * with a token to send, the client 1 with nothing more.
 */
TEST(spnego_four_legs)
{
	struct ndr_buf o[4];
	struct rpc_auth_token t;
	struct pair x;
	int i;

	NEED_REALM();
	ASSERT_EQ(0, new_pair(&x, RPC_AUTHN_GSS_NEGOTIATE,
			      RPC_AUTH_LEVEL_PKT_PRIVACY, NULL));
	for (i = 0; i < 4; i++)
		ndr_buf_init(&o[i]);
	ASSERT_EQ(0, x.p->step(x.c, NULL, &o[0]));
	/* a SPNEGO initial context token: [APPLICATION 0] */
	ASSERT_GT(o[0].len, 0);
	EXPECT_EQ(0x60, o[0].data[0]);
	t = (struct rpc_auth_token){ o[0].data, o[0].len };
	ASSERT_EQ(0, x.p->step(x.s, &t, &o[1]));
	ASSERT_GT(o[1].len, 0);
	t = (struct rpc_auth_token){ o[1].data, o[1].len };
	ASSERT_EQ(0, x.p->step(x.c, &t, &o[2]));
	ASSERT_GT(o[2].len, 0);
	t = (struct rpc_auth_token){ o[2].data, o[2].len };
	ASSERT_EQ(1, x.p->step(x.s, &t, &o[3]));
	ASSERT_GT(o[3].len, 0);
	EXPECT_EQ(76, x.p->sig_size(x.s));
	t = (struct rpc_auth_token){ o[3].data, o[3].len };
	o[0].len = 0;
	ASSERT_EQ(1, x.p->step(x.c, &t, &o[0]));
	EXPECT_EQ(0, o[0].len);
	EXPECT_EQ(76, x.p->sig_size(x.c));
	for (i = 0; i < 4; i++)
		ndr_buf_release(&o[i]);
	free_pair(&x);
}

/* The wrap header does not depend on the body's length. */
TEST(seal_lengths)
{
	static const size_t lens[] = { 0, 1, 7, 15, 16, 17, 33, 63 };
	struct pdu m;
	struct pair x;

	NEED_REALM();
	ASSERT_EQ(0, new_pair(&x, RPC_AUTHN_GSS_KERBEROS,
			      RPC_AUTH_LEVEL_PKT_PRIVACY, NULL));
	ASSERT_EQ(0, establish(&x));
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		for (int hs = 0; hs < 2; hs++) {
			make_pdu(&m, (unsigned int)i, hs);
			m.r.body_len = lens[i];
			/* seal() fails unless the header is sig_size() */
			ASSERT_EQ(0, protect(&x, true, hs, &m));
			EXPECT_EQ(0, check(&x, true, hs, &m));
		}
	}
	free_pair(&x);
}

TEST(krb5_sign)
{
	struct pair x;

	NEED_REALM();
	for (int hs = 0; hs < 2; hs++) {
		ASSERT_EQ(0, new_pair(&x, RPC_AUTHN_GSS_KERBEROS,
				      RPC_AUTH_LEVEL_PKT_INTEGRITY, NULL));
		exchange_ok(_metadata, &x);
		EXPECT_EQ(3, x.legs);
		flow(_metadata, &x, false, hs);
		free_pair(&x);
		attacks(_metadata, RPC_AUTHN_GSS_KERBEROS, false, hs);
	}
}

TEST(krb5_seal)
{
	struct pair x;

	NEED_REALM();
	for (int hs = 0; hs < 2; hs++) {
		ASSERT_EQ(0, new_pair(&x, RPC_AUTHN_GSS_KERBEROS,
				      RPC_AUTH_LEVEL_PKT_PRIVACY, NULL));
		exchange_ok(_metadata, &x);
		/* AES: header 16, EC filler 16 ([MS-KILE] 3.4.5.4.1),
		 * confounder 16, encrypted header copy 16, checksum 12 */
		EXPECT_EQ(76, x.p->sig_size(x.c));
		EXPECT_EQ(76, x.p->sig_size(x.s));
		flow(_metadata, &x, true, hs);
		free_pair(&x);
		attacks(_metadata, RPC_AUTHN_GSS_KERBEROS, true, hs);
	}
}

TEST(spnego_sign_seal)
{
	struct pair x;

	NEED_REALM();
	for (int i = 0; i < 4; i++) {
		bool seal = i >= 2, hs = i % 2;

		ASSERT_EQ(0, new_pair(&x, RPC_AUTHN_GSS_NEGOTIATE,
				      seal ? RPC_AUTH_LEVEL_PKT_PRIVACY :
					     RPC_AUTH_LEVEL_PKT_INTEGRITY,
				      NULL));
		exchange_ok(_metadata, &x);
		EXPECT_EQ(4, x.legs);
		EXPECT_EQ(seal ? 76 : 28, x.p->sig_size(x.c));
		flow(_metadata, &x, seal, hs);
		free_pair(&x);
		attacks(_metadata, RPC_AUTHN_GSS_NEGOTIATE, seal, hs);
	}
}

/* "service@host" names and explicit user/password credentials */
TEST(names_and_passwords)
{
	struct rpc_auth_identity id = {
		.principal = "host@localhost",
		.user = "lrpcuser", .domain = "lrpc.test",
		.password = getenv("KRB5_USER_PASSWORD"),
	};
	struct pair x;

	NEED_REALM();
	/* no credential cache: the password is all the client has */
	setenv("KRB5CCNAME", "MEMORY:none", 1);
	ASSERT_EQ(0, new_pair(&x, RPC_AUTHN_GSS_KERBEROS,
			      RPC_AUTH_LEVEL_CONNECT, &id));
	exchange_ok(_metadata, &x);
	EXPECT_EQ(0, x.p->sig_size(x.c));
	free_pair(&x);
	id.user = getenv("KRB5_USER");
	id.principal = getenv("KRB5_SERVICE2");
	ASSERT_EQ(0, new_pair(&x, RPC_AUTHN_GSS_NEGOTIATE,
			      RPC_AUTH_LEVEL_PKT_INTEGRITY, &id));
	ASSERT_EQ(0, establish(&x));
	free_pair(&x);
}

TEST(refusals)
{
	const uint8_t types[] = { RPC_AUTHN_GSS_KERBEROS,
				  RPC_AUTHN_GSS_NEGOTIATE };
	struct rpc_auth_identity bad_pw = {
		.principal = getenv("KRB5_SERVICE"),
		.user = getenv("KRB5_USER"), .password = "wrong",
	};
	struct rpc_auth_identity bad_target = {
		.principal = "nosuch/localhost@LRPC.TEST",
	};
	struct rpc_auth_identity bad_kt = { .keytab = "/nonexistent/kt" };
	struct rpc_auth_identity other = { .principal = "host/elsewhere",
					   .keytab = getenv("KRB5_KTNAME") };
	struct rpc_auth_ctx *ctx;
	struct pair x;
	int ret;

	NEED_REALM();
	for (int i = 0; i < 2; i++) {
		const struct rpc_auth_provider *p = prov(types[i]);

		ASSERT_NE(NULL, p);
		/* a wrong password fails at once or in the first leg */
		ret = new_pair(&x, types[i], RPC_AUTH_LEVEL_PKT_INTEGRITY,
			       &bad_pw);
		if (!ret)
			ret = establish(&x);
		EXPECT_EQ(-rpc_s_access_denied, ret);
		free_pair(&x);
		ret = new_pair(&x, types[i], RPC_AUTH_LEVEL_PKT_INTEGRITY,
			       &bad_target);
		if (!ret)
			ret = establish(&x);
		EXPECT_EQ(-rpc_s_access_denied, ret);
		free_pair(&x);
		EXPECT_EQ(-rpc_s_access_denied,
			  p->new_ctx(true, RPC_AUTH_LEVEL_CONNECT, &bad_kt,
				     &ctx));
		EXPECT_EQ(-rpc_s_access_denied,
			  p->new_ctx(true, RPC_AUTH_LEVEL_CONNECT, &other,
				     &ctx));
		EXPECT_EQ(-rpc_s_unsupported_authn_level,
			  p->new_ctx(false, RPC_AUTH_LEVEL_NONE, &bad_target,
				     &ctx));
		EXPECT_EQ(-rpc_s_invalid_arg,
			  p->new_ctx(false, RPC_AUTH_LEVEL_CONNECT, NULL,
				     &ctx));
	}
}

/* A credential cache whose ticket has run out. */
TEST(expired_ticket)
{
	char ccache[PATH_MAX], cmd[2 * PATH_MAX];
	struct pair x;
	int ret;

	NEED_REALM();
	snprintf(ccache, sizeof(ccache), "FILE:%s/short", realm_dir);
	setenv("KRB5CCNAME", ccache, 1);
	snprintf(cmd, sizeof(cmd),
		 "echo \"$KRB5_USER_PASSWORD\" | kinit -l 2s \"$KRB5_USER\" "
		 ">/dev/null");
	ASSERT_EQ(0, system(cmd));
	ASSERT_EQ(0, new_pair(&x, RPC_AUTHN_GSS_KERBEROS,
			      RPC_AUTH_LEVEL_CONNECT, NULL));
	ASSERT_EQ(0, establish(&x));
	free_pair(&x);
	sleep(3);
	ret = new_pair(&x, RPC_AUTHN_GSS_KERBEROS, RPC_AUTH_LEVEL_CONNECT,
		       NULL);
	if (!ret)
		ret = establish(&x);
	EXPECT_EQ(-rpc_s_access_denied, ret);
	free_pair(&x);
}

/* Garbage where a token belongs, and misuse before establishment. */
TEST(hostile_tokens)
{
	static const uint8_t junk[][8] = {
		{ 0x60, 0x82, 0xff, 0xff, 0x06, 0x09, 0x2a, 0x86 },
		{ 0xa1, 0x03, 0x30, 0x01, 0x00, 0x00, 0x00, 0x00 },
		{ 0 },
	};
	struct ndr_buf o;
	struct rpc_auth_token t;
	struct pdu m;
	struct pair x;

	NEED_REALM();
	ndr_buf_init(&o);
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
			ASSERT_EQ(0, new_pair(&x, k ? RPC_AUTHN_GSS_NEGOTIATE :
						      RPC_AUTHN_GSS_KERBEROS,
					      RPC_AUTH_LEVEL_PKT_PRIVACY,
					      NULL));
			t = (struct rpc_auth_token){ junk[i], sizeof(junk[i]) };
			EXPECT_EQ(-rpc_s_access_denied,
				  x.p->step(x.s, &t, &o));
			EXPECT_EQ(-rpc_s_protocol_error,
				  x.p->step(x.s, NULL, &o));
			make_pdu(&m, 0, true);
			EXPECT_EQ(-rpc_s_protocol_error,
				  x.p->sign(x.c, &m.r, m.sig));
			EXPECT_EQ(-rpc_s_protocol_error,
				  x.p->unseal(x.s, &m.r, m.sig, 76));
			o.len = 0;
			ASSERT_EQ(0, x.p->step(x.c, NULL, &o));
			t = (struct rpc_auth_token){ junk[i], sizeof(junk[i]) };
			EXPECT_EQ(-rpc_s_access_denied,
				  x.p->step(x.c, &t, &o));
			free_pair(&x);
		}
	}
	ndr_buf_release(&o);
}

TEST_HARNESS_MAIN
