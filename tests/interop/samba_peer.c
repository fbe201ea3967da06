// SPDX-License-Identifier: MIT
/*
 * samba_peer BINDING: our client against a real server's endpoint mapper
 * port (Samba's samba-dcerpcd): bind offering NDR20+NDR64+BTFN, mgmt on
 * the same connection through alter_context, ept_lookup with and without
 * fragmented responses, big-endian requests, concurrent calls.  TAP.
 *
 * Stub data is built by hand from the public IDL of epmapper and mgmt
 * (NDR20), so this needs no generated stubs.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lrpc/rpc.h>

static int n, fails;

static void ok(bool c, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d ", c ? "" : "not ", ++n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	fails += !c;
}

static const struct rpc_syntax_id epm_id = {
	{ 0xe1af8308, 0x5d1f, 0x11c9, 0x91, 0xa4,
	  { 0x08, 0x00, 0x2b, 0x14, 0xa0, 0xfa } }, 3, 0
};
static const struct rpc_syntax_id mgmt_id = {
	{ 0xafa8bd80, 0x7d8a, 0x11c9, 0xbe, 0xf4,
	  { 0x08, 0x00, 0x2b, 0x10, 0x29, 0x89 } }, 1, 0
};

static uint32_t get32(const uint8_t *p, bool be)
{
	return be ? (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]
		  : (uint32_t)p[3] << 24 | p[2] << 16 | p[1] << 8 | p[0];
}

static void put32(uint8_t *p, uint32_t v, bool be)
{
	int i;

	for (i = 0; i < 4; i++)
		p[be ? 3 - i : i] = (uint8_t)(v >> (8 * i));
}

/* ept_lookup(inquiry_type 0, object NULL, interface NULL, vers_option 1,
 * entry_handle 0, max_ents): returns num_ents or < 0. */
static long ept_lookup(struct rpc_binding *b, uint32_t max_ents, size_t *len,
		       uint32_t *status)
{
	uint8_t in[40] = { 0 };
	bool be = rpc_binding_big_endian(b);
	struct rpc_reply r;
	long num;
	int ret;

	put32(in + 12, 1, be);		/* vers_option RPC_C_VERS_ALL */
	put32(in + 36, max_ents, be);
	ret = rpc_call_raw(b, &epm_id, 2, in, sizeof(in), &r);
	if (ret < 0)
		return ret;
	*len = r.len;
	if (r.len < 24 + 4) {
		rpc_reply_release(&r);
		return -1;
	}
	be = !(r.drep[0] & 0x10);
	num = get32(r.data + 20, be);
	*status = get32(r.data + r.len - 4, be);
	rpc_reply_release(&r);
	return num;
}

static struct rpc_binding *shared;

static void *listening(void *arg)
{
	struct rpc_reply r;
	int *res = arg;

	*res = rpc_call_raw(shared, &mgmt_id, 2, NULL, 0, &r);
	if (*res == 0 && (r.len != 8 || !(r.data[4] | r.data[7])))
		*res = -1;
	rpc_reply_release(&r);
	return NULL;
}

static char *with_opts(const char *binding, const char *opts)
{
	size_t l = strlen(binding);
	char *s = malloc(l + strlen(opts) + 4);

	if (binding[l - 1] == ']')
		sprintf(s, "%.*s%s]", (int)l - 1, binding, opts);
	else
		sprintf(s, "%s[%s]", binding, opts + 1);
	return s;
}

/*
 * With $LRPC_PEER_AUTH (ntlm, krb5, spnego) every binding authenticates
 * at $LRPC_PEER_LEVEL (default privacy) as $LRPC_PEER_USER
 * ([DOMAIN\\]user) with $LRPC_PEER_PASSWORD.
 */
static int binding(const char *str, struct rpc_binding **b)
{
	static char user[256];
	struct rpc_winnt_identity id = { 0 };
	const char *svc = getenv("LRPC_PEER_AUTH");
	const char *lvl = getenv("LRPC_PEER_LEVEL");
	const char *u = getenv("LRPC_PEER_USER");
	int ret = rpc_binding_from_string(str, b);

	if (ret < 0 || !svc)
		return ret;
	if (u) {
		snprintf(user, sizeof(user), "%s", u);
		if (rpc_winnt_identity_parse(user, &id) < 0)
			return -EINVAL;
		id.password = getenv("LRPC_PEER_PASSWORD");
	}
	return rpc_binding_set_auth_info(*b, getenv("LRPC_PEER_PRINCIPAL"),
					 (unsigned int)rpc_auth_level_from_name(
						lvl ? lvl : "privacy"),
					 (unsigned int)rpc_authn_svc_from_name(svc),
					 u ? &id : NULL);
}

int main(int argc, char **argv)
{
	struct rpc_binding *b;
	struct rpc_reply r;
	uint32_t st = 0, st2 = 0;
	size_t len = 0, len2 = 0;
	long num, num2;
	char *s;
	int ret, i;

	if (argc != 2) {
		fprintf(stderr, "usage: samba_peer BINDING\n");
		return 2;
	}
	ret = binding(argv[1], &b);
	if (ret < 0) {
		printf("1..0 # SKIP bad binding %s\n", argv[1]);
		return 4;
	}
	ret = rpc_binding_syntax(b, &epm_id);
	ok(ret == NDR_SYNTAX_NDR20,
	   "bind epmapper offering NDR20+NDR64+BTFN: server picked %s",
	   ret == NDR_SYNTAX_NDR20 ? "NDR20" : ret == NDR_SYNTAX_NDR64 ?
	   "NDR64" : rpc_status_name(ret));
	ok(rpc_binding_assoc_group(b) != 0, "association group %#x",
	   rpc_binding_assoc_group(b));

	ret = rpc_call_raw(b, &mgmt_id, 0, NULL, 0, &r);
	ok(ret == 0 && r.len >= 12 + 20 + 4,
	   "mgmt inq_if_ids via alter_context: %s, %zu octets",
	   rpc_status_name(ret), r.len);
	rpc_reply_release(&r);
	ret = rpc_call_raw(b, &mgmt_id, 2, NULL, 0, &r);
	ok(ret == 0 && r.len == 8 && get32(r.data + 4, !(r.drep[0] & 0x10)),
	   "mgmt is_server_listening: %s", rpc_status_name(ret));
	rpc_reply_release(&r);
	ret = rpc_call_raw(b, &mgmt_id, 7, NULL, 0, &r);
	ok(ret == -nca_s_op_rng_error || ret < 0,
	   "mgmt opnum 7 faults: %s", rpc_status_name(ret));
	rpc_reply_release(&r);

	num = ept_lookup(b, 200, &len, &st);
	ok(num > 0, "ept_lookup: %ld entries, %zu octets, status %#x", num,
	   len, st);
	rpc_binding_free(b);

	/* the smallest fragments: Samba must fragment its answer */
	s = with_opts(argv[1], ",max_frag=1432");
	binding(s, &b);
	free(s);
	num2 = ept_lookup(b, 200, &len2, &st2);
	ok(num2 == num && len2 == len && len2 > 1432,
	   "ept_lookup with max_frag=1432: %ld entries in %zu octets (reassembled)",
	   num2, len2);
	rpc_binding_free(b);

	s = with_opts(argv[1], ",bigendian,ndr20");
	binding(s, &b);
	free(s);
	num2 = ept_lookup(b, 200, &len2, &st2);
	ok(num2 == num, "big-endian ept_lookup: %ld entries", num2);
	rpc_binding_free(b);

	/* concurrent calls on one connection */
	binding(argv[1], &shared);
	{
		enum { T = 16 };
		pthread_t t[T];
		int res[T], good = 0;

		for (i = 0; i < T; i++)
			pthread_create(&t[i], NULL, listening, &res[i]);
		for (i = 0; i < T; i++) {
			pthread_join(t[i], NULL);
			good += res[i] == 0;
		}
		ok(good == T, "%d concurrent mgmt calls on one connection: %d ok",
		   T, good);
	}
	rpc_binding_free(shared);
	printf("1..%d\n", n);
	return fails ? 1 : 0;
}
