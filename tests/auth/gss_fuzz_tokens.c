// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for what a peer hands the GSSAPI providers: a context
 * token to an acceptor (krb5 or SPNEGO by the first octet), and a
 * signature with a PDU to verify() and unseal() of an established
 * context.  Started with a realm of its own (tests/auth/krb5_realm.sh,
 * found from the cwd); without one it does nothing.  make fuzz-gss.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <lrpc/ndr.h>
#include <lrpc/status.h>
#include "auth/provider.h"

static char dir[] = "/tmp/lrpc-krb5.XXXXXX";
static const struct rpc_auth_provider *krb5, *spnego;
static struct rpc_auth_ctx *srv[2];	/* established: integrity, privacy */
static struct rpc_auth_ctx *cli[2];

static void stop(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "tests/auth/krb5_realm.sh stop %s", dir);
	if (system(cmd))
		rmdir(dir);
}

static int pair(enum rpc_auth_level level, struct rpc_auth_ctx **c,
		struct rpc_auth_ctx **s)
{
	struct rpc_auth_identity cid = { .principal = getenv("KRB5_SERVICE") };
	struct rpc_auth_identity sid = { .keytab = getenv("KRB5_KTNAME") };
	struct ndr_buf a, b;
	struct rpc_auth_token t;
	int rc, rs;

	if (krb5->new_ctx(false, level, &cid, c) ||
	    krb5->new_ctx(true, level, &sid, s))
		return -1;
	ndr_buf_init(&a);
	ndr_buf_init(&b);
	rc = krb5->step(*c, NULL, &a);
	t = (struct rpc_auth_token){ a.data, a.len };
	rs = krb5->step(*s, &t, &b);
	t = (struct rpc_auth_token){ b.data, b.len };
	a.len = 0;
	rc = rc < 0 || rs < 0 ? -1 : krb5->step(*c, &t, &a);
	t = (struct rpc_auth_token){ a.data, a.len };
	rs = rc != 1 ? -1 : krb5->step(*s, &t, &b);
	ndr_buf_release(&a);
	ndr_buf_release(&b);
	return rs == 1 ? 0 : -1;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char cmd[128], line[512];
	FILE *f;

	(void)argc;
	(void)argv;
	krb5 = __rpc_auth_find(RPC_AUTHN_GSS_KERBEROS);
	spnego = __rpc_auth_find(RPC_AUTHN_GSS_NEGOTIATE);
	if (!mkdtemp(dir))
		return 0;
	snprintf(cmd, sizeof(cmd), "tests/auth/krb5_realm.sh start %s", dir);
	if (system(cmd)) {
		fprintf(stderr, "gss_fuzz_tokens: no realm, nothing to do\n");
		rmdir(dir);
		return 0;
	}
	atexit(stop);
	snprintf(line, sizeof(line), "%s/env", dir);
	f = fopen(line, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '=');

		line[strcspn(line, "\n")] = 0;
		if (eq) {
			*eq = 0;
			setenv(line, eq + 1, 1);
		}
	}
	fclose(f);
	if (pair(RPC_AUTH_LEVEL_PKT_INTEGRITY, &cli[0], &srv[0]) ||
	    pair(RPC_AUTH_LEVEL_PKT_PRIVACY, &cli[1], &srv[1])) {
		fprintf(stderr, "gss_fuzz_tokens: no context, nothing to do\n");
		srv[0] = srv[1] = NULL;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpc_auth_identity sid = { .keytab = getenv("KRB5_KTNAME") };
	const struct rpc_auth_provider *p;
	struct rpc_auth_region r;
	struct rpc_auth_token t;
	struct rpc_auth_ctx *s;
	struct ndr_buf o;
	uint8_t pdu[128];
	size_t sig;

	if (!srv[0] || size < 2)
		return 0;
	/* a context token to a fresh acceptor */
	p = data[0] & 1 ? spnego : krb5;
	if (!p->new_ctx(true, RPC_AUTH_LEVEL_PKT_PRIVACY, &sid, &s)) {
		ndr_buf_init(&o);
		t = (struct rpc_auth_token){ data + 1, size - 1 };
		p->step(s, &t, &o);
		ndr_buf_release(&o);
		p->free_ctx(s);
	}
	/* a signature (the first data[1] % 96 octets) over the rest */
	sig = data[1] % 96;
	if (size - 2 < sig)
		return 0;
	memset(pdu, 0, sizeof(pdu));
	size -= 2 + sig;
	memcpy(pdu, data + 2 + sig, size < 112 ? size : 112);
	r = (struct rpc_auth_region){
		.whole = pdu, .whole_len = 112, .body = pdu + 16,
		.body_len = 88, .header_signing = data[0] & 2,
	};
	krb5->verify(srv[0], &r, data + 2, sig);
	krb5->unseal(srv[1], &r, data + 2, sig);
	return 0;
}
