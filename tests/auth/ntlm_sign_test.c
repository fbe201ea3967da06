// SPDX-License-Identifier: MIT
/*
 * NTLM signing and sealing judged by two independent implementations:
 *
 *  - impacket's ntlm.SIGN() and ntlm.SEAL() (with its SIGNKEY/SEALKEY
 *    and an RC4 handle kept across messages) must give the same octets
 *    for the same session key, flags and message sequence, for several
 *    flag sets, both directions;
 *  - gss-ntlmssp itself, after a real exchange: its gss_get_mic() of a
 *    message equals our signature of it, its gss_wrap() equals our seal
 *    of a PDU that is all body (it signs what it encrypts), and its
 *    receiving side accepts what we send -- which also shows that the
 *    session key and flags were taken from the exchange correctly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_ntlmssp.h>
#include <lrpc/status.h>
#include "auth/ntlm/ntlm_sign.h"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#define PYTHON "/usr/bin/python3"

/*
 * The operations both sides replay: 's' signs a message of len octets;
 * 'e' seals a PDU of len octets whose body is [off, off + blen).
 */
struct op {
	char kind;
	unsigned int seed, len, off, blen;
};

static const struct op ops[] = {
	{ 's', 1, 40, 0, 0 },
	{ 'e', 2, 72, 16, 40 },
	{ 's', 3, 1, 0, 0 },
	{ 'e', 4, 1100, 24, 1024 },
	{ 's', 5, 300, 0, 0 },
	{ 'e', 6, 32, 16, 0 },
	{ 'e', 7, 48, 16, 16 },
};

#define NOPS (sizeof(ops) / sizeof(ops[0]))

static const char script[] =
"import sys\n"
"try:\n"
"    from impacket import ntlm\n"
"    from Cryptodome.Cipher import ARC4\n"
"except ImportError:\n"
"    sys.exit(77)\n"
"key = bytes.fromhex(sys.argv[1])\n"
"flags = int(sys.argv[2])\n"
"mode = sys.argv[3]\n"
"sk = ntlm.SIGNKEY(flags, key, mode)\n"
"ek = ntlm.SEALKEY(flags, key, mode)\n"
"h = ARC4.new(ek).encrypt\n"
"def msg(seed, n):\n"
"    return bytes((seed * 31 + i * 7 + (i >> 8)) & 0xff for i in range(n))\n"
"for seq, a in enumerate(sys.argv[4:]):\n"
"    f = a.split(':')\n"
"    m = msg(int(f[1]), int(f[2]))\n"
"    if f[0] == 's':\n"
"        print(ntlm.SIGN(flags, sk, m, seq, h).getData().hex())\n"
"    else:\n"
"        o, n = int(f[3]), int(f[4])\n"
"        c, s = ntlm.SEAL(flags, sk, ek, m, m[o:o + n], seq, h)\n"
"        print(s.getData().hex(), (m[:o] + c + m[o + n:]).hex())\n";

static uint8_t *msg(unsigned int seed, unsigned int n)
{
	uint8_t *m = malloc(n ? n : 1);

	for (unsigned int i = 0; i < n; i++)
		m[i] = (uint8_t)(seed * 31 + i * 7 + (i >> 8));
	return m;
}

static void hex(FILE *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

/*
 * Our lines for the ops, sending from @tx; each is also received by @rx
 * (the other side's state), which must accept it and get the plaintext
 * back.  NULL on a failure of ours.
 */
static char *ours(struct ntlm_msg *tx, struct ntlm_msg *rx)
{
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);
	bool ok = true;

	for (size_t i = 0; ok && i < NOPS; i++) {
		const struct op *o = &ops[i];
		uint8_t *m = msg(o->seed, o->len), *plain = msg(o->seed, o->len);
		uint8_t sig[16];

		if (o->kind == 's') {
			ok = !__rpc_ntlm_sign(tx, m, o->len, sig) &&
			     !__rpc_ntlm_verify(rx, m, o->len, sig, 16);
			hex(f, sig, 16);
		} else {
			ok = !__rpc_ntlm_seal(tx, m, o->len, m + o->off,
					      o->blen, sig);
			hex(f, sig, 16);
			fputc(' ', f);
			hex(f, m, o->len);
			ok = ok && !__rpc_ntlm_unseal(rx, m, o->len, m + o->off,
						      o->blen, sig, 16) &&
			     !memcmp(m, plain, o->len);
		}
		fputc('\n', f);
		free(m);
		free(plain);
	}
	fclose(f);
	if (!ok) {
		free(out);
		return NULL;
	}
	return out;
}

/* impacket's lines, or NULL with *skip set when it is not installed. */
static char *impacket(const uint8_t key[16], uint32_t flags, bool server,
		      bool *skip)
{
	char path[] = "/tmp/lrpc-ntlm-impacket-XXXXXX";
	char *cmd = NULL, *out = NULL;
	size_t size = 0, n;
	char buf[4096];
	FILE *f, *p;
	int fd, st;

	*skip = access(PYTHON, X_OK) != 0;
	if (*skip)
		return NULL;
	fd = mkstemp(path);
	if (fd < 0 || write(fd, script, sizeof(script) - 1) < 0)
		return NULL;
	close(fd);
	f = open_memstream(&cmd, &size);
	fprintf(f, PYTHON " %s ", path);
	hex(f, key, 16);
	fprintf(f, " %u %s", flags, server ? "Server" : "Client");
	for (size_t i = 0; i < NOPS; i++)
		fprintf(f, " %c:%u:%u:%u:%u", ops[i].kind, ops[i].seed,
			ops[i].len, ops[i].off, ops[i].blen);
	fclose(f);
	p = popen(cmd, "r");
	free(cmd);
	f = open_memstream(&out, &size);
	while (p && (n = fread(buf, 1, sizeof(buf), p)) > 0)
		fwrite(buf, 1, n, f);
	fclose(f);
	st = p ? pclose(p) : -1;
	unlink(path);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 77)
		*skip = true;
	if (st != 0) {
		free(out);
		return NULL;
	}
	return out;
}

/* Ours and impacket's for one key and flag set, both directions. */
static int against_impacket(struct __test_metadata *_metadata,
			    const uint8_t key[16], uint32_t flags)
{
	for (int server = 0; server < 2; server++) {
		struct ntlm_msg a, b;
		char *want, *got;
		bool skip;

		want = impacket(key, flags, server, &skip);
		if (skip)
			return 1;
		if (!want) {
			TH_LOG("impacket failed");
			return -1;
		}
		if (__rpc_ntlm_msg_init_key(&a, key, 16, flags, server) ||
		    __rpc_ntlm_msg_init_key(&b, key, 16, flags, !server)) {
			free(want);
			return -1;
		}
		got = ours(&a, &b);
		__rpc_ntlm_msg_free(&a);
		__rpc_ntlm_msg_free(&b);
		if (!got || strcmp(want, got)) {
			TH_LOG("flags %#x %s: impacket\n%s\nours\n%s", flags,
			       server ? "server" : "client", want,
			       got ? got : "(failed)");
			free(want);
			free(got);
			return -1;
		}
		free(want);
		free(got);
	}
	return 0;
}

TEST(impacket_byte_exact)
{
	static const uint32_t sets[] = {
		NTLM_NEG_DEFAULT,
		NTLM_NEG_DEFAULT & ~NTLM_NEG_KEY_EXCH,
		(NTLM_NEG_DEFAULT & ~NTLM_NEG_128) | NTLM_NEG_56,
		NTLM_NEG_DEFAULT & ~NTLM_NEG_128,	/* 40-bit sealing */
	};
	uint8_t key[16];
	int ret;

	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)(0xa5 ^ i * 17);
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		ret = against_impacket(_metadata, key, sets[i]);
		if (ret > 0)
			SKIP(return, "impacket (python3-impacket) not installed");
		EXPECT_EQ(0, ret);
	}
}

TEST(init_refuses)
{
	uint8_t key[16] = { 1 };
	struct ntlm_msg m;
	uint8_t tok[64] = "NTLMSSP";
	uint32_t flags;

	EXPECT_EQ(-rpc_s_unsupported_authn_level,
		  __rpc_ntlm_msg_init_key(&m, key, 16,
					  NTLM_NEG_DEFAULT & ~NTLM_NEG_ESS,
					  false));
	__rpc_ntlm_msg_free(&m);
	EXPECT_EQ(-rpc_s_unsupported_authn_level,
		  __rpc_ntlm_msg_init_key(&m, key, 16,
					  NTLM_NEG_DEFAULT | NTLM_NEG_DATAGRAM,
					  false));
	__rpc_ntlm_msg_free(&m);
	EXPECT_EQ(-rpc_s_invalid_arg,
		  __rpc_ntlm_msg_init_key(&m, key, 8, NTLM_NEG_DEFAULT, false));
	__rpc_ntlm_msg_free(&m);
	/* AUTHENTICATE flags: type 3 and long enough only */
	tok[8] = 3;
	tok[60] = 0x35;
	tok[63] = 0xe2;
	ASSERT_EQ(0, __rpc_ntlm_auth_flags(tok, 64, &flags));
	EXPECT_EQ(0xe2000035, flags);
	EXPECT_EQ(-rpc_s_protocol_error, __rpc_ntlm_auth_flags(tok, 63, &flags));
	tok[8] = 2;
	EXPECT_EQ(-rpc_s_protocol_error, __rpc_ntlm_auth_flags(tok, 64, &flags));
}

static gss_OID_desc ntlm_oid = {
	GSS_NTLMSSP_OID_LENGTH, (void *)GSS_NTLMSSP_OID_STRING
};
static gss_OID_set_desc ntlm_mechs = { 1, &ntlm_oid };

struct gpair {
	gss_cred_id_t ccred, scred;
	gss_name_t user, target;
	gss_ctx_id_t cli, srv;
	uint32_t flags;		/* of the AUTHENTICATE message */
};

/* A real exchange through gss-ntlmssp, as the provider runs it. */
static int gss_exchange(struct gpair *g)
{
	gss_buffer_desc un = { 13, (void *)"LRPCDOM\\carol" };
	gss_buffer_desc pw = { 7, (void *)"C4rol!x" };
	gss_buffer_desc tn = { 4, (void *)"host" };
	gss_buffer_desc t1 = GSS_C_EMPTY_BUFFER, t2 = GSS_C_EMPTY_BUFFER;
	gss_buffer_desc t3 = GSS_C_EMPTY_BUFFER, t4 = GSS_C_EMPTY_BUFFER;
	gss_buffer_desc none = GSS_C_EMPTY_BUFFER;
	OM_uint32 maj, min, req = GSS_C_INTEG_FLAG | GSS_C_CONF_FLAG |
				   GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG;
	char path[] = "/tmp/lrpc-ntlm-users-XXXXXX";
	static const char users[] = "LRPCDOM:carol:C4rol!x\n";
	int fd, ret = -1;

	memset(g, 0, sizeof(*g));
	fd = mkstemp(path);
	if (fd < 0 || write(fd, users, sizeof(users) - 1) < 0)
		return -1;
	close(fd);
	setenv("NTLM_USER_FILE", path, 1);
	if (GSS_ERROR(gss_import_name(&min, &un, GSS_C_NT_USER_NAME,
				      &g->user)) ||
	    GSS_ERROR(gss_import_name(&min, &tn, GSS_C_NT_HOSTBASED_SERVICE,
				      &g->target)) ||
	    GSS_ERROR(gss_acquire_cred_with_password(&min, g->user, &pw, 0,
			&ntlm_mechs, GSS_C_INITIATE, &g->ccred, NULL, NULL)) ||
	    GSS_ERROR(gss_acquire_cred(&min, GSS_C_NO_NAME, 0, &ntlm_mechs,
			GSS_C_ACCEPT, &g->scred, NULL, NULL)))
		goto out;
	maj = gss_init_sec_context(&min, g->ccred, &g->cli, g->target,
				   &ntlm_oid, req, 0, NULL, &none, NULL, &t1,
				   NULL, NULL);
	if (maj != GSS_S_CONTINUE_NEEDED)
		goto out;
	maj = gss_accept_sec_context(&min, &g->srv, g->scred, &t1, NULL,
				     NULL, NULL, &t2, NULL, NULL, NULL);
	if (maj != GSS_S_CONTINUE_NEEDED)
		goto out;
	maj = gss_init_sec_context(&min, g->ccred, &g->cli, g->target,
				   &ntlm_oid, req, 0, NULL, &t2, NULL, &t3,
				   NULL, NULL);
	if (maj != GSS_S_COMPLETE)
		goto out;
	maj = gss_accept_sec_context(&min, &g->srv, g->scred, &t3, NULL,
				     NULL, NULL, &t4, NULL, NULL, NULL);
	if (maj != GSS_S_COMPLETE)
		goto out;
	ret = __rpc_ntlm_auth_flags(t3.value, t3.length, &g->flags);
out:
	gss_release_buffer(&min, &t1);
	gss_release_buffer(&min, &t2);
	gss_release_buffer(&min, &t3);
	gss_release_buffer(&min, &t4);
	unlink(path);
	return ret;
}

static void gpair_free(struct gpair *g)
{
	OM_uint32 min;

	gss_delete_sec_context(&min, &g->cli, GSS_C_NO_BUFFER);
	gss_delete_sec_context(&min, &g->srv, GSS_C_NO_BUFFER);
	gss_release_cred(&min, &g->ccred);
	gss_release_cred(&min, &g->scred);
	gss_release_name(&min, &g->user);
	gss_release_name(&min, &g->target);
}

static gss_OID_desc spnego_oid = { 6, (void *)"\x2b\x06\x01\x05\x05\x02" };

/*
 * The same through MIT's SPNEGO with NTLM the only mechanism, as the
 * SPNEGO provider would run it: tokens go back and forth until both
 * sides are complete.
 */
static int spnego_exchange(struct gpair *g)
{
	gss_buffer_desc un = { 13, (void *)"LRPCDOM\\carol" };
	gss_buffer_desc pw = { 7, (void *)"C4rol!x" };
	gss_buffer_desc tn = { 4, (void *)"host" };
	gss_OID_desc both[2] = { ntlm_oid, spnego_oid };
	gss_OID_set_desc mechs = { 2, both };
	gss_buffer_desc ct = GSS_C_EMPTY_BUFFER, st = GSS_C_EMPTY_BUFFER;
	OM_uint32 cmaj = GSS_S_CONTINUE_NEEDED, smaj = GSS_S_CONTINUE_NEEDED;
	OM_uint32 min, req = GSS_C_INTEG_FLAG | GSS_C_CONF_FLAG;
	char path[] = "/tmp/lrpc-ntlm-users-XXXXXX";
	static const char users[] = "LRPCDOM:carol:C4rol!x\n";
	int fd, legs, ret = -1;

	memset(g, 0, sizeof(*g));
	fd = mkstemp(path);
	if (fd < 0 || write(fd, users, sizeof(users) - 1) < 0)
		return -1;
	close(fd);
	setenv("NTLM_USER_FILE", path, 1);
	if (GSS_ERROR(gss_import_name(&min, &un, GSS_C_NT_USER_NAME,
				      &g->user)) ||
	    GSS_ERROR(gss_import_name(&min, &tn, GSS_C_NT_HOSTBASED_SERVICE,
				      &g->target)) ||
	    GSS_ERROR(gss_acquire_cred_with_password(&min, g->user, &pw, 0,
			&mechs, GSS_C_INITIATE, &g->ccred, NULL, NULL)) ||
	    GSS_ERROR(gss_acquire_cred(&min, GSS_C_NO_NAME, 0, &mechs,
			GSS_C_ACCEPT, &g->scred, NULL, NULL)))
		goto out;
	for (legs = 0; legs < 8; legs++) {
		if (cmaj & GSS_S_CONTINUE_NEEDED) {
			gss_release_buffer(&min, &ct);
			cmaj = gss_init_sec_context(&min, g->ccred, &g->cli,
						    g->target, &spnego_oid, req,
						    0, NULL, &st, NULL, &ct,
						    NULL, NULL);
			if (GSS_ERROR(cmaj))
				goto out;
		}
		if (!ct.length)
			break;
		gss_release_buffer(&min, &st);
		smaj = gss_accept_sec_context(&min, &g->srv, g->scred, &ct,
					      NULL, NULL, NULL, &st, NULL,
					      NULL, NULL);
		gss_release_buffer(&min, &ct);
		if (GSS_ERROR(smaj))
			goto out;
		if (!st.length && !(cmaj & GSS_S_CONTINUE_NEEDED))
			break;
	}
	if (cmaj == GSS_S_COMPLETE && smaj == GSS_S_COMPLETE)
		ret = 0;
out:
	gss_release_buffer(&min, &ct);
	gss_release_buffer(&min, &st);
	unlink(path);
	return ret;
}

/*
 * Six messages in lock-step with gss-ntlmssp, alternating directions:
 * three signed (gss_get_mic must give our signature and gss_verify_mic
 * accept it), three sealed with the body the whole message (gss_wrap
 * must give our octets, gss_unwrap open them).
 */
static void lockstep(struct __test_metadata *_metadata, struct gpair *g,
		     struct ntlm_msg *c, struct ntlm_msg *s)
{
	OM_uint32 min;
	int i;

	for (i = 0; i < 6; i++) {
		uint8_t *m = msg(50 + i, 100 + i * 37), sig[16];
		gss_buffer_desc mb = { 100 + i * 37, m };
		gss_buffer_desc tok = GSS_C_EMPTY_BUFFER, back;
		gss_buffer_desc sb = { 16, sig };
		bool to_srv = i % 2 == 0;
		gss_ctx_id_t gtx = to_srv ? g->cli : g->srv;
		gss_ctx_id_t grx = to_srv ? g->srv : g->cli;
		struct ntlm_msg *tx = to_srv ? c : s;

		if (i < 3) {
			ASSERT_EQ(0, __rpc_ntlm_sign(tx, m, mb.length, sig));
			ASSERT_EQ(GSS_S_COMPLETE,
				  gss_get_mic(&min, gtx, 0, &mb, &tok));
			ASSERT_EQ(16, tok.length);
			EXPECT_EQ(0, memcmp(tok.value, sig, 16));
			EXPECT_EQ(GSS_S_COMPLETE,
				  gss_verify_mic(&min, grx, &mb, &sb, NULL));
		} else {
			ASSERT_EQ(GSS_S_COMPLETE,
				  gss_wrap(&min, gtx, 1, 0, &mb, NULL, &tok));
			ASSERT_EQ(0, __rpc_ntlm_seal(tx, m, mb.length, m,
						     mb.length, sig));
			ASSERT_EQ(16 + mb.length, tok.length);
			EXPECT_EQ(0, memcmp(tok.value, sig, 16));
			EXPECT_EQ(0, memcmp((uint8_t *)tok.value + 16, m,
					    mb.length));
			/* and gss-ntlmssp opens what we sealed */
			memcpy((uint8_t *)tok.value + 16, m, mb.length);
			memcpy(tok.value, sig, 16);
			back.length = 0;
			back.value = NULL;
			EXPECT_EQ(GSS_S_COMPLETE,
				  gss_unwrap(&min, grx, &tok, &back, NULL,
					     NULL));
			free(m);
			m = msg(50 + i, 100 + i * 37);
			EXPECT_EQ(mb.length, back.length);
			if (back.length == mb.length)
				EXPECT_EQ(0, memcmp(back.value, m,
						    mb.length));
			gss_release_buffer(&min, &back);
		}
		gss_release_buffer(&min, &tok);
		free(m);
	}
}

TEST(gss_ntlmssp_agrees)
{
	struct ntlm_msg c, s;
	struct gpair g;

	ASSERT_EQ(0, gss_exchange(&g));
	/* what gss-ntlmssp negotiates between its two sides */
	EXPECT_EQ(NTLM_NEG_DEFAULT, g.flags & (NTLM_NEG_DEFAULT |
					       NTLM_NEG_DATAGRAM));
	ASSERT_EQ(0, __rpc_ntlm_msg_init(&c, g.cli, g.flags, 0, false));
	ASSERT_EQ(0, __rpc_ntlm_msg_init(&s, g.srv, 0, 0, true));
	lockstep(_metadata, &g, &c, &s);
	__rpc_ntlm_msg_free(&c);
	__rpc_ntlm_msg_free(&s);
	gpair_free(&g);
}

/*
 * SPNEGO negotiating NTLM: the state from the SPNEGO contexts, numbers
 * starting at 1 after the mechListMIC; 0 must not work.
 */
TEST(spnego_ntlm_agrees)
{
	struct ntlm_msg c, s;
	uint8_t m[40] = { 7 }, sig[16];
	gss_buffer_desc mb = { sizeof(m), m }, sb = { 16, sig };
	struct gpair g;
	OM_uint32 min;

	ASSERT_EQ(0, spnego_exchange(&g));
	ASSERT_EQ(0, __rpc_ntlm_msg_init(&c, g.cli, 0, 1, false));
	ASSERT_EQ(0, __rpc_ntlm_msg_init(&s, g.srv, 0, 1, true));
	lockstep(_metadata, &g, &c, &s);
	__rpc_ntlm_msg_free(&c);
	__rpc_ntlm_msg_free(&s);
	gpair_free(&g);

	ASSERT_EQ(0, spnego_exchange(&g));
	ASSERT_EQ(0, __rpc_ntlm_msg_init(&c, g.cli, 0, 0, false));
	ASSERT_EQ(0, __rpc_ntlm_sign(&c, m, sizeof(m), sig));
	EXPECT_NE(GSS_S_COMPLETE, gss_verify_mic(&min, g.srv, &mb, &sb, NULL));
	__rpc_ntlm_msg_free(&c);
	gpair_free(&g);
}

/* impacket again, with the session key and flags of a real exchange. */
TEST(impacket_real_session_key)
{
	gss_buffer_set_t set = GSS_C_NO_BUFFER_SET;
	struct gpair g;
	OM_uint32 min;
	int ret;

	ASSERT_EQ(0, gss_exchange(&g));
	ASSERT_EQ(GSS_S_COMPLETE,
		  gss_inquire_sec_context_by_oid(&min, g.srv,
			GSS_C_INQ_SSPI_SESSION_KEY, &set));
	ASSERT_EQ(16, set->elements[0].length);
	ret = against_impacket(_metadata, set->elements[0].value, g.flags);
	gss_release_buffer_set(&min, &set);
	gpair_free(&g);
	if (ret > 0)
		SKIP(return, "impacket (python3-impacket) not installed");
	EXPECT_EQ(0, ret);
}

TEST_HARNESS_MAIN
