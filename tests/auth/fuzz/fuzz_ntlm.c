// SPDX-License-Identifier: MIT
/*
 * libFuzzer: what a hostile peer hands the NTLM provider.  The first
 * octet picks the target, the next two the length of a first token:
 *
 *   0  server: step(token 1) as NEGOTIATE, then step(rest) as
 *      AUTHENTICATE -- gss-ntlmssp's parsers and our flag reader;
 *   1  client: step(NULL), then step(token 1) as CHALLENGE;
 *   2  an established privacy pair: unseal() and verify() of the rest
 *      with token 1 as the signature, then a round trip that must work.
 *
 * Every step must fail cleanly or succeed; nothing may crash, leak or
 * read out of bounds (ASan).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <lrpc/ndr.h>
#include <lrpc/status.h>
#include "auth/provider.h"
#include "auth/ntlm/ntlm.h"
#include "ndr/buf.h"

static const struct rpc_auth_provider *p = &__rpc_auth_ntlm;
static const struct rpc_auth_identity alice = {
	.user = "alice", .domain = "LRPCDOM", .password = "Al1ce-pw",
};

static char path[] = "/tmp/lrpc-ntlm-fuzz-XXXXXX";

static void users_remove(void)
{
	unlink(path);
}

static void users(void)
{
	static const char line[] = "LRPCDOM:alice:Al1ce-pw\n";
	int fd;

	if (getenv("NTLM_USER_FILE"))
		return;
	fd = mkstemp(path);
	if (fd < 0 || write(fd, line, sizeof(line) - 1) < 0)
		abort();
	close(fd);
	atexit(users_remove);
	setenv("NTLM_USER_FILE", path, 1);
}

static int leg(struct rpc_auth_ctx *c, const uint8_t *d, size_t n,
	       struct ndr_buf *out)
{
	struct rpc_auth_token t = { d, n };

	out->len = 0;
	return p->step(c, d ? &t : NULL, out);
}

/* A client and server at privacy; 0 when both are established. */
static int pair(struct rpc_auth_ctx **cli, struct rpc_auth_ctx **srv)
{
	struct ndr_buf a = { 0 }, b = { 0 };
	int ret = -1;

	*cli = *srv = NULL;
	if (p->new_ctx(false, RPC_AUTH_LEVEL_PKT_PRIVACY, &alice, cli) ||
	    p->new_ctx(true, RPC_AUTH_LEVEL_PKT_PRIVACY, NULL, srv))
		goto out;
	if (leg(*cli, NULL, 0, &a) == 0 &&
	    leg(*srv, a.data, a.len, &b) == 0 &&
	    leg(*cli, b.data, b.len, &a) == 1 &&
	    leg(*srv, a.data, a.len, &b) == 1)
		ret = 0;
out:
	__ndr_buf_free(&a);
	__ndr_buf_free(&b);
	return ret;
}

static void protect(const uint8_t *sig, size_t sig_len, const uint8_t *d,
		    size_t n)
{
	struct rpc_auth_ctx *cli, *srv;
	struct rpc_auth_region r;
	uint8_t *pdu, mine[16];

	if (pair(&cli, &srv))
		abort();
	/* exact sizes: ASan sees any read past the region */
	pdu = malloc(n ? n : 1);
	memcpy(pdu, d, n);
	r = (struct rpc_auth_region){
		.whole = pdu, .whole_len = n,
		.body = pdu + n / 4, .body_len = n / 2,
	};
	if (p->unseal(srv, &r, sig, sig_len) == 0 ||
	    p->verify(srv, &r, sig, sig_len) == 0)
		abort();	/* forged without the key */
	/* the state survived the forgeries */
	memcpy(pdu, d, n);
	if (p->seal(cli, &r, mine) || p->unseal(srv, &r, mine, 16) ||
	    memcmp(pdu, d, n))
		abort();
	free(pdu);
	p->free_ctx(cli);
	p->free_ctx(srv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpc_auth_ctx *c = NULL;
	struct ndr_buf out = { 0 };
	uint8_t *t1, *t2;
	size_t n1;

	if (size < 3)
		return 0;
	users();
	n1 = (size_t)(data[1] | data[2] << 8);
	if (n1 > size - 3)
		n1 = size - 3;
	t1 = malloc(n1 ? n1 : 1);
	t2 = malloc(size - 3 - n1 ? size - 3 - n1 : 1);
	memcpy(t1, data + 3, n1);
	memcpy(t2, data + 3 + n1, size - 3 - n1);
	switch (data[0] % 3) {
	case 0:
		if (p->new_ctx(true, RPC_AUTH_LEVEL_PKT_INTEGRITY, NULL, &c))
			break;
		if (leg(c, t1, n1, &out) == 0)
			leg(c, t2, size - 3 - n1, &out);
		break;
	case 1:
		if (p->new_ctx(false, RPC_AUTH_LEVEL_PKT_PRIVACY, &alice, &c))
			break;
		if (leg(c, NULL, 0, &out) == 0)
			leg(c, t1, n1, &out);
		break;
	case 2:
		protect(t1, n1, t2, size - 3 - n1);
		break;
	}
	if (c)
		p->free_ctx(c);
	__ndr_buf_free(&out);
	free(t1);
	free(t2);
	return 0;
}
