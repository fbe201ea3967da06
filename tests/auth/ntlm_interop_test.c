// SPDX-License-Identifier: MIT
/*
 * The NTLM provider's server side against a client that is not
 * gss-ntlmssp: impacket's NTLM client, the way impacket's DCE/RPC
 * transport drives it (getNTLMSSPType1/Type3, SIGNKEY/SEALKEY, one RC4
 * handle per direction, SEAL/SIGN over the whole PDU).  The python peer
 * runs as a child speaking hex lines over two pipes:
 *
 *   -> (nothing)               <- NEGOTIATE
 *   -> CHALLENGE               <- AUTHENTICATE
 *   -> "seal W OFF LEN"        <- sealed W, signature
 *   -> "sign W"                <- signature
 *   -> "open W OFF LEN SIG"    <- plaintext W, "ok" or "bad"
 *   -> "check W SIG"           <- "ok" or "bad"
 *
 * Skipped when /usr/bin/python3 or impacket is missing.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <lrpc/ndr.h>
#include <lrpc/status.h>
#include "auth/provider.h"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

static const char peer_py[] =
"import sys\n"
"try:\n"
"    from impacket import ntlm\n"
"    from Cryptodome.Cipher import ARC4\n"
"except ImportError:\n"
"    print('skip', flush=True)\n"
"    sys.exit(0)\n"
"user, pw, dom = sys.argv[1:4]\n"
"def out(*a):\n"
"    print(*a, flush=True)\n"
"t1 = ntlm.getNTLMSSPType1('', dom, signingRequired=True, use_ntlmv2=True)\n"
"out(t1.getData().hex())\n"
"t2 = bytes.fromhex(sys.stdin.readline().strip())\n"
"t3, key = ntlm.getNTLMSSPType3(t1, t2, user, pw, dom, use_ntlmv2=True)\n"
"out(t3.getData().hex())\n"
"f = t3['flags']\n"
"csk, ssk = ntlm.SIGNKEY(f, key), ntlm.SIGNKEY(f, key, 'Server')\n"
"cek, sek = ntlm.SEALKEY(f, key), ntlm.SEALKEY(f, key, 'Server')\n"
"ch, sh = ARC4.new(cek).encrypt, ARC4.new(sek).encrypt\n"
"cseq = sseq = 0\n"
"for line in sys.stdin:\n"
"    a = line.split()\n"
"    w = bytes.fromhex(a[1])\n"
"    if a[0] == 'seal':\n"
"        o, n = int(a[2]), int(a[3])\n"
"        c, s = ntlm.SEAL(f, csk, cek, w, w[o:o + n], cseq, ch)\n"
"        cseq += 1\n"
"        out((w[:o] + c + w[o + n:]).hex(), s.getData().hex())\n"
"    elif a[0] == 'sign':\n"
"        out(ntlm.SIGN(f, csk, w, cseq, ch).getData().hex())\n"
"        cseq += 1\n"
"    elif a[0] == 'open':\n"
"        o, n = int(a[2]), int(a[3])\n"
"        p = sh(w[o:o + n])\n"
"        w = w[:o] + p + w[o + n:]\n"
"        s = ntlm.SIGN(f, ssk, w, sseq, sh).getData()\n"
"        sseq += 1\n"
"        out(w.hex(), 'ok' if s.hex() == a[4] else 'bad')\n"
"    elif a[0] == 'check':\n"
"        s = ntlm.SIGN(f, ssk, w, sseq, sh).getData()\n"
"        sseq += 1\n"
"        out('ok' if s.hex() == a[2] else 'bad')\n";

struct peer {
	pid_t pid;
	FILE *to, *from;
	char *line;
	size_t cap;
};

static int peer_start(struct peer *p, const char *user, const char *pw)
{
	int in[2], out[2];

	memset(p, 0, sizeof(*p));
	if (access("/usr/bin/python3", X_OK) || pipe(in) || pipe(out))
		return -1;
	p->pid = fork();
	if (p->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execl("/usr/bin/python3", "python3", "-c", peer_py, user, pw,
		      "LRPCDOM", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	p->to = fdopen(in[1], "w");
	p->from = fdopen(out[0], "r");
	return p->pid > 0 && p->to && p->from ? 0 : -1;
}

/* The peer's next line, without its newline ("" at EOF). */
static const char *peer_line(struct peer *p)
{
	ssize_t n = getline(&p->line, &p->cap, p->from);

	if (n <= 0)
		return "";
	if (p->line[n - 1] == '\n')
		p->line[n - 1] = 0;
	return p->line;
}

static void peer_stop(struct peer *p)
{
	int st;

	if (p->to)
		fclose(p->to);
	if (p->from)
		fclose(p->from);
	if (p->pid > 0)
		waitpid(p->pid, &st, 0);
	free(p->line);
}

static void put_hex(FILE *f, const uint8_t *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", d[i]);
}

/* Hex @s (up to a space or the end) into @d; the octets decoded. */
static size_t get_hex(const char *s, uint8_t *d, size_t max)
{
	size_t n = 0;
	unsigned int v;

	while (n < max && s[0] && s[0] != ' ' && sscanf(s, "%2x", &v) == 1) {
		d[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
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
		"LRPCDOM:alice:Al1ce-pw\n";
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

/*
 * Run the exchange with impacket as the client; the server context's
 * last step() status, or 2 when impacket is not installed.
 */
static int handshake(struct peer *p, const char *pw, struct rpc_auth_ctx **srv)
{
	const struct rpc_auth_provider *prov = __rpc_auth_find(RPC_AUTHN_WINNT);
	uint8_t tok[4096];
	struct rpc_auth_token t = { tok, 0 };
	struct ndr_buf b;
	const char *l;
	int ret;

	user_file();
	if (peer_start(p, "alice", pw))
		return 2;
	l = peer_line(p);
	if (!strcmp(l, "skip"))
		return 2;
	if (prov->new_ctx(true, RPC_AUTH_LEVEL_PKT_PRIVACY, NULL, srv))
		return -1;
	t.len = get_hex(l, tok, sizeof(tok));
	ndr_buf_init(&b);
	ret = prov->step(*srv, &t, &b);
	if (ret == 0) {
		put_hex(p->to, b.data, b.len);
		fputc('\n', p->to);
		fflush(p->to);
		t.len = get_hex(peer_line(p), tok, sizeof(tok));
		b.len = 0;
		ret = prov->step(*srv, &t, &b);
		if (ret == 1 && b.len)
			ret = -1;
	}
	ndr_buf_release(&b);
	return ret;
}

TEST(impacket_client_to_our_server)
{
	const struct rpc_auth_provider *prov = __rpc_auth_find(RPC_AUTHN_WINNT);
	struct rpc_auth_ctx *srv = NULL;
	struct peer p;
	char *name = NULL;
	int ret, i;

	ret = handshake(&p, "Al1ce-pw", &srv);
	if (ret == 2) {
		peer_stop(&p);
		SKIP(return, "python3-impacket not installed");
	}
	ASSERT_EQ(1, ret);
	ASSERT_EQ(0, prov->peer_name(srv, &name));
	EXPECT_STREQ("LRPCDOM\\alice", name);
	free(name);
	for (i = 0; i < 6; i++) {
		uint8_t pdu[120], plain[120], sig[16];
		struct rpc_auth_region r = {
			.whole = pdu, .whole_len = sizeof(pdu),
			.body = pdu + 24, .body_len = 80,
		};
		const char *l;

		for (size_t k = 0; k < sizeof(pdu); k++)
			plain[k] = (uint8_t)(i * 37 + k * 3);
		memcpy(pdu, plain, sizeof(pdu));
		/* a request from impacket: sealed (even i) or signed */
		fputs(i % 2 ? "sign " : "seal ", p.to);
		put_hex(p.to, pdu, sizeof(pdu));
		fputs(i % 2 ? "\n" : " 24 80\n", p.to);
		fflush(p.to);
		l = peer_line(&p);
		if (i % 2 == 0)
			ASSERT_EQ(sizeof(pdu), get_hex(l, pdu, sizeof(pdu)));
		l = strchr(l, ' ') ? strchr(l, ' ') + 1 : l;
		ASSERT_EQ(16, get_hex(l, sig, 16));
		if (i % 2 == 0) {
			EXPECT_NE(0, memcmp(pdu + 24, plain + 24, 80));
			ASSERT_EQ(0, prov->unseal(srv, &r, sig, 16));
		} else {
			ASSERT_EQ(0, prov->verify(srv, &r, sig, 16));
		}
		EXPECT_EQ(0, memcmp(pdu, plain, sizeof(pdu)));
		/* our response: impacket opens or checks it */
		ASSERT_EQ(0, i % 2 ? prov->sign(srv, &r, sig) :
				     prov->seal(srv, &r, sig));
		fputs(i % 2 ? "check " : "open ", p.to);
		put_hex(p.to, pdu, sizeof(pdu));
		fputs(i % 2 ? " " : " 24 80 ", p.to);
		put_hex(p.to, sig, 16);
		fputc('\n', p.to);
		fflush(p.to);
		l = peer_line(&p);
		if (i % 2 == 0) {
			ASSERT_EQ(sizeof(pdu), get_hex(l, pdu, sizeof(pdu)));
			EXPECT_EQ(0, memcmp(pdu, plain, sizeof(pdu)));
			l = strchr(l, ' ') ? strchr(l, ' ') + 1 : "";
		}
		EXPECT_STREQ("ok", l);
	}
	prov->free_ctx(srv);
	peer_stop(&p);
}

TEST(impacket_client_wrong_password)
{
	const struct rpc_auth_provider *prov = __rpc_auth_find(RPC_AUTHN_WINNT);
	struct rpc_auth_ctx *srv = NULL;
	struct peer p;
	int ret;

	ret = handshake(&p, "wrong-pw", &srv);
	if (ret == 2) {
		peer_stop(&p);
		SKIP(return, "python3-impacket not installed");
	}
	EXPECT_EQ(-rpc_s_access_denied, ret);
	if (srv)
		prov->free_ctx(srv);
	peer_stop(&p);
}

TEST_HARNESS_MAIN
