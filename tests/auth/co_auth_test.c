// SPDX-License-Identifier: MIT
/*
 * Authentication in the connection-oriented engine, end to end over
 * loopback with the NTLMSSP provider: every level, what a manager learns
 * of its caller, the security callback and the minimum level, a wrong
 * password, and a relay between client and server that modifies,
 * truncates, replays, reorders and downgrades protected PDUs -- each
 * must be refused and the connection closed.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pwd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <lrpc/rpc.h>
#include <lrpc/stub.h>
#include "engine/co/pdu.h"
#include "ndr/buf.h"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#define USER_FILE_LINE	"LRPC:alice:Corr3ct-Horse\n"
static const struct rpc_winnt_identity alice = { "alice", "LRPC",
						 "Corr3ct-Horse" };
static const struct rpc_winnt_identity mallory = { "alice", "LRPC",
						   "wrong" };

/* ---- the interface: who am I, add, fill ------------------------------ */

static const struct ndr_type fill_arr = {
	.kind = NDR_K_ARRAY, .align = 1, .size = 0, .name = "fill",
	.a = { .elem = &ndr_type_byte, .flags = NDR_AF_CONFORMANT,
	       .size_is = { .src = NDR_EXPR_PARAM, .index = 0 } },
};
static const struct ndr_param who_p[] = {
	{ "svc", &ndr_type_ulong, NDR_PF_OUT | NDR_PF_REF },
	{ "level", &ndr_type_ulong, NDR_PF_OUT | NDR_PF_REF },
	{ "name", &ndr_type_ulong, NDR_PF_OUT | NDR_PF_REF },
};
static const struct ndr_param add_p[] = {
	{ "a", &ndr_type_long, NDR_PF_IN },
	{ "b", &ndr_type_long, NDR_PF_IN },
	{ "sum", &ndr_type_long, NDR_PF_OUT | NDR_PF_REF },
};
static const struct ndr_param fill_p[] = {
	{ "n", &ndr_type_ulong, NDR_PF_IN },
	{ "data", &fill_arr, NDR_PF_OUT | NDR_PF_REF },
};
static const struct ndr_proc at_procs[] = {
	{ "Who", 0, 3, who_p, NULL },
	{ "Add", 1, 3, add_p, NULL },
	{ "Fill", 2, 2, fill_p, NULL },
};

static const char *local_user(void)
{
	static char name[64];
	struct passwd *pw = getpwuid(geteuid());

	snprintf(name, sizeof(name), "%s", pw ? pw->pw_name : "?");
	return name;
}

static int who_thunk(void **a, struct rpc_call_ctx *ctx)
{
	struct rpc_call_auth ca;
	int ret = rpc_call_ctx_inq_auth(ctx, &ca);

	if (ret < 0)
		return ret;
	*(uint32_t *)a[0] = ca.authn_svc;
	*(uint32_t *)a[1] = ca.level;
	/* the principal, as a checksum the client can compare: 1 for
	 * alice over NTLM, 2 for this process's user over ncalrpc */
	*(uint32_t *)a[2] = !strcmp(ca.principal, "LRPC\\alice") ? 1 :
			    !strcmp(ca.principal, local_user()) ? 2 : 0;
	return 0;
}

static atomic_int adds;	/* Add calls run */

static int add_thunk(void **a, struct rpc_call_ctx *ctx)
{
	atomic_fetch_add(&adds, 1);
	*(int32_t *)a[2] = *(int32_t *)a[0] + *(int32_t *)a[1];
	return 0;
}

static int fill_thunk(void **a, struct rpc_call_ctx *ctx)
{
	uint32_t i, n = *(uint32_t *)a[0];

	for (i = 0; i < n; i++)
		((uint8_t *)a[1])[i] = (uint8_t)(i * 7 + 3);
	return 0;
}

static const rpc_thunk_fn at_thunks[] = { who_thunk, add_thunk, fill_thunk };

static const struct rpc_interface at_if = {
	.id = { { 0x1a2b3c4d, 0x5e6f, 0x4a1b, 0x8c, 0x9d,
		  { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06 } }, 1, 0 },
	.name = "authtest",
	.nprocs = 3,
	.procs = at_procs,
	.thunks = at_thunks,
};

static int who(struct rpc_binding *b, uint32_t *svc, uint32_t *level,
	       uint32_t *named)
{
	void *args[3] = { svc, level, named };

	return rpc_call(b, &at_if, 0, args);
}

static int add(struct rpc_binding *b, int32_t x, int32_t y, int32_t *sum)
{
	void *args[3] = { &x, &y, sum };

	return rpc_call(b, &at_if, 1, args);
}

static bool have_ntlm(void)
{
	return !access("/usr/lib/x86_64-linux-gnu/gssntlmssp/gssntlmssp.so",
		       R_OK);
}

/* ---- a relay that tampers with the client's PDUs ------------------------ */

enum tamper {
	T_NONE, T_FLIP_BODY, T_FLIP_HEADER, T_FLIP_SIG, T_TRUNCATE_SIG,
	T_REPLAY, T_DOWNGRADE, T_STRIP, T_FLIP_RESPONSE,
	T_ALTER_DOWNGRADE,
};

struct relay {
	int lfd, port, server_port;
	enum tamper how;
	int nreq;		/* requests seen */
	pthread_t t;
};

static int read_pdu(int fd, uint8_t *buf, size_t cap)
{
	size_t got = 0, want = RPC_CO_HDR_LEN;

	while (got < want) {
		ssize_t r = read(fd, buf + got, want - got);

		if (r <= 0)
			return -1;
		got += (size_t)r;
		if (got == RPC_CO_HDR_LEN) {
			want = __rpc_get16(buf + 8, !(buf[4] & 0x10));
			if (want < RPC_CO_HDR_LEN || want > cap)
				return -1;
		}
	}
	return (int)got;
}

static void set16(uint8_t *p, uint16_t v, bool be)
{
	p[be ? 1 : 0] = (uint8_t)v;
	p[be ? 0 : 1] = (uint8_t)(v >> 8);
}

/* Change a client request as r->how says; its length may change. */
static int tamper_request(struct relay *r, uint8_t *p, int len, int sfd)
{
	bool be = !(p[4] & 0x10);
	uint16_t al = __rpc_get16(p + 10, be);

	if (p[2] != RPC_PT_REQUEST || !al || ++r->nreq < 2)
		return len;
	switch (r->how) {
	case T_FLIP_BODY:
		p[RPC_REQUEST_HDR_LEN] ^= 0x01;
		break;
	case T_FLIP_HEADER:
		p[22] ^= 0x01;			/* opnum */
		break;
	case T_FLIP_SIG:
		p[len - 1] ^= 0x80;
		break;
	case T_TRUNCATE_SIG:
		set16(p + 8, (uint16_t)(len - 1), be);
		set16(p + 10, (uint16_t)(al - 1), be);
		return len - 1;
	case T_REPLAY:
		if (write(sfd, p, (size_t)len) != len)
			return -1;
		break;
	case T_DOWNGRADE:
		p[len - al - 8 + 1] = RPC_C_AUTHN_LEVEL_PKT_INTEGRITY;
		break;
	case T_ALTER_DOWNGRADE: {
		/* in the request's place, an alter_context that offers the
		 * established context at a weaker level */
		static const uint8_t tok[16] = "NTLMSSP";
		struct rpc_co_enc e = { RPC_PT_ALTER_CONTEXT,
					RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG,
					be, __rpc_get32(p + 12, be) };
		struct ndr_buf b = { 0 };
		struct rpc_pdu *a = calloc(1, sizeof(*a));

		a->bind.max_xmit_frag = a->bind.max_recv_frag = 4280;
		a->bind.n_ctx = 1;
		a->bind.ctx[0].n_tsyn = 1;
		a->bind.ctx[0].abstract = at_if.id;
		a->bind.ctx[0].tsyn[0] = rpc_syntax_ndr20;
		a->has_auth = true;
		a->auth.auth_type = RPC_C_AUTHN_WINNT;
		a->auth.auth_level = RPC_C_AUTHN_LEVEL_CONNECT;
		a->auth.auth_context_id = 0;
		a->auth.value = tok;
		a->hdr.auth_len = sizeof(tok);
		len = __rpc_co_encode(&b, &e, a);
		if (len > 0)
			memcpy(p, b.data, (size_t)len);
		__ndr_buf_free(&b);
		free(a);
		break;
	}
	case T_STRIP:
		/* take the trailer and signature off */
		len -= al + 8 + p[len - al - 8 + 2];
		set16(p + 8, (uint16_t)len, be);
		set16(p + 10, 0, be);
		break;
	default:
		break;
	}
	return len;
}

static void *relay_run(void *arg)
{
	struct relay *r = arg;
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)r->server_port),
				 .sin_addr.s_addr = htonl(0x7f000001) };
	static uint8_t buf[70000];
	int cfd = accept(r->lfd, NULL, NULL);
	int sfd = socket(AF_INET, SOCK_STREAM, 0);
	int nresp = 0;

	if (cfd < 0 || connect(sfd, (void *)&a, sizeof(a)) < 0)
		goto out;
	for (;;) {
		struct pollfd pf[2] = { { cfd, POLLIN, 0 }, { sfd, POLLIN, 0 } };
		int len;

		if (poll(pf, 2, 10000) <= 0)
			break;
		if (pf[0].revents) {
			len = read_pdu(cfd, buf, sizeof(buf));
			if (len < 0)
				break;
			len = tamper_request(r, buf, len, sfd);
			if (len < 0 || (len && write(sfd, buf, (size_t)len) != len))
				break;
		}
		if (pf[1].revents) {
			len = read_pdu(sfd, buf, sizeof(buf));
			if (len < 0)
				break;
			if (r->how == T_FLIP_RESPONSE && buf[2] == RPC_PT_RESPONSE &&
			    ++nresp == 2)
				buf[RPC_RESPONSE_HDR_LEN] ^= 0x01;
			if (write(cfd, buf, (size_t)len) != len)
				break;
		}
	}
out:
	if (cfd >= 0)
		close(cfd);
	close(sfd);
	return NULL;
}

static void relay_start(struct relay *r, int server_port, enum tamper how)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(0x7f000001) };
	socklen_t l = sizeof(a);

	r->server_port = server_port;
	r->how = how;
	r->nreq = 0;
	r->lfd = socket(AF_INET, SOCK_STREAM, 0);
	bind(r->lfd, (void *)&a, sizeof(a));
	listen(r->lfd, 4);
	getsockname(r->lfd, (void *)&a, &l);
	r->port = ntohs(a.sin_port);
	pthread_create(&r->t, NULL, relay_run, r);
}

static void relay_stop(struct relay *r)
{
	shutdown(r->lfd, SHUT_RDWR);
	pthread_join(r->t, NULL);
	close(r->lfd);
}

/* ---- fixture ------------------------------------------------------------ */

static atomic_int refused_by_callback;

static int refuse_fill(struct rpc_call_ctx *ctx, void *arg)
{
	struct rpc_call_auth ca;

	if (rpc_call_ctx_opnum(ctx) != 2)
		return 0;
	/* only privacy may fill */
	if (!rpc_call_ctx_inq_auth(ctx, &ca) &&
	    ca.level == RPC_C_AUTHN_LEVEL_PKT_PRIVACY)
		return 0;
	atomic_fetch_add(&refused_by_callback, 1);
	return 1;
}

FIXTURE(at) {
	struct rpc_server *srv;
	int port;
	char users[64];
};

FIXTURE_SETUP(at)
{
	char *binding;
	int fd;

	if (!have_ntlm())
		SKIP(return, "gss-ntlmssp not installed");
	snprintf(self->users, sizeof(self->users), "/tmp/lrpc-ntlm.XXXXXX");
	fd = mkstemp(self->users);
	ASSERT_GE(fd, 0);
	ASSERT_EQ((ssize_t)strlen(USER_FILE_LINE),
		  write(fd, USER_FILE_LINE, strlen(USER_FILE_LINE)));
	close(fd);
	setenv("NTLM_USER_FILE", self->users, 1);
	ASSERT_EQ(0, rpc_server_create(&self->srv));
	ASSERT_EQ(0, rpc_server_register_if_callback(self->srv, &at_if,
						     refuse_fill, NULL));
	ASSERT_EQ(0, rpc_server_register_auth_info(self->srv, NULL,
						   RPC_C_AUTHN_WINNT, NULL));
	ASSERT_EQ(0, rpc_server_use_protseq(self->srv, "ncacn_ip_tcp",
					    "127.0.0.1", "", &binding));
	self->port = atoi(strchr(binding, '[') + 1);
	free(binding);
	ASSERT_EQ(0, rpc_server_listen(self->srv, 0));
}

FIXTURE_TEARDOWN(at)
{
	if (self->srv)
		rpc_server_free(self->srv);
	unlink(self->users);
}

static struct rpc_binding *client(int port, unsigned int level,
				  const struct rpc_winnt_identity *id)
{
	struct rpc_binding *b;
	char s[64];

	snprintf(s, sizeof(s), "ncacn_ip_tcp:127.0.0.1[%d]", port);
	if (rpc_binding_from_string(s, &b) < 0)
		return NULL;
	rpc_binding_set_timeout(b, 10000);
	if (level && rpc_binding_set_auth_info(b, NULL, level,
					       RPC_C_AUTHN_WINNT, id) < 0) {
		rpc_binding_free(b);
		return NULL;
	}
	return b;
}

TEST_F(at, every_level_and_what_the_manager_sees)
{
	static const unsigned int levels[] = {
		RPC_C_AUTHN_LEVEL_CONNECT, RPC_C_AUTHN_LEVEL_CALL,
		RPC_C_AUTHN_LEVEL_PKT, RPC_C_AUTHN_LEVEL_PKT_INTEGRITY,
		RPC_C_AUTHN_LEVEL_PKT_PRIVACY,
	};
	unsigned int i;

	for (i = 0; i < 5; i++) {
		struct rpc_binding *b = client(self->port, levels[i], &alice);
		unsigned int want = levels[i] == RPC_C_AUTHN_LEVEL_CALL ?
				    RPC_C_AUTHN_LEVEL_PKT : levels[i];
		uint32_t svc = 0, level = 0, named = 0, got;
		int32_t sum = 0;

		ASSERT_NE(NULL, b);
		EXPECT_EQ(0, rpc_binding_inq_auth_info(b, &got, NULL));
		EXPECT_EQ(want, got);
		ASSERT_EQ(0, who(b, &svc, &level, &named)) TH_LOG("level %u",
								  levels[i]);
		EXPECT_EQ(RPC_C_AUTHN_WINNT, svc);
		EXPECT_EQ(want, level);
		EXPECT_EQ(1, named);
		EXPECT_EQ(0, add(b, 40, 2, &sum));
		EXPECT_EQ(42, sum);
		rpc_binding_free(b);
	}
}

TEST_F(at, unauthenticated_caller_has_no_auth)
{
	struct rpc_binding *b = client(self->port, 0, NULL);
	uint32_t svc, level, named;

	ASSERT_NE(NULL, b);
	EXPECT_EQ(-rpc_s_binding_has_no_auth, who(b, &svc, &level, &named));
	EXPECT_EQ(-rpc_s_binding_has_no_auth,
		  rpc_binding_inq_auth_info(b, NULL, NULL));
	rpc_binding_free(b);
}

TEST_F(at, large_sealed_results_in_fragments)
{
	struct rpc_binding *b = client(self->port,
				       RPC_C_AUTHN_LEVEL_PKT_PRIVACY, &alice);
	uint32_t n = 1u << 20, i;
	uint8_t *data = malloc(n);
	void *args[2] = { &n, data };
	int bad = 0;

	ASSERT_NE(NULL, b);
	ASSERT_EQ(0, rpc_call(b, &at_if, 2, args));
	for (i = 0; i < n; i++)
		bad += data[i] != (uint8_t)(i * 7 + 3);
	EXPECT_EQ(0, bad);
	free(data);
	rpc_binding_free(b);
}

TEST_F(at, security_callback_refuses)
{
	struct rpc_binding *b = client(self->port,
				       RPC_C_AUTHN_LEVEL_PKT_INTEGRITY, &alice);
	uint32_t n = 16;
	uint8_t data[16];
	void *args[2] = { &n, data };
	int32_t sum;

	ASSERT_NE(NULL, b);
	atomic_store(&refused_by_callback, 0);
	EXPECT_EQ(-(int)rpc_s_access_denied, rpc_call(b, &at_if, 2, args));
	EXPECT_EQ(1, atomic_load(&refused_by_callback));
	/* the connection stays; other operations run */
	EXPECT_EQ(0, add(b, 1, 2, &sum));
	rpc_binding_free(b);
}

TEST_F(at, wrong_password_is_access_denied)
{
	struct rpc_binding *b = client(self->port,
				       RPC_C_AUTHN_LEVEL_PKT_INTEGRITY,
				       &mallory);
	int32_t sum;

	ASSERT_NE(NULL, b);
	EXPECT_EQ(-rpc_s_access_denied, add(b, 1, 2, &sum));
	rpc_binding_free(b);
	/* and the server serves the next one */
	b = client(self->port, RPC_C_AUTHN_LEVEL_PKT_INTEGRITY, &alice);
	EXPECT_EQ(0, add(b, 1, 2, &sum));
	rpc_binding_free(b);
}

TEST_F(at, minimum_level)
{
	struct rpc_binding *b;
	int32_t sum;

	ASSERT_EQ(0, rpc_server_set_min_auth_level(self->srv,
					RPC_C_AUTHN_LEVEL_PKT_PRIVACY));
	b = client(self->port, 0, NULL);
	EXPECT_EQ(-rpc_s_access_denied, add(b, 1, 2, &sum));
	rpc_binding_free(b);
	b = client(self->port, RPC_C_AUTHN_LEVEL_PKT_INTEGRITY, &alice);
	EXPECT_EQ(-rpc_s_access_denied, add(b, 1, 2, &sum));
	rpc_binding_free(b);
	b = client(self->port, RPC_C_AUTHN_LEVEL_PKT_PRIVACY, &alice);
	EXPECT_EQ(0, add(b, 1, 2, &sum));
	rpc_binding_free(b);
}

/*
 * Each attack in the middle: the first request goes through untouched,
 * the second is changed; its call must fail and the connection end,
 * while the server keeps serving others.
 */
static void attack(struct __test_metadata *_metadata, int port,
		   enum tamper how, unsigned int level, const char *what)
{
	struct relay r;
	struct rpc_binding *b;
	int32_t sum = 0;
	int ret;

	relay_start(&r, port, how);
	b = client(r.port, level, &alice);
	ASSERT_NE(NULL, b);
	ASSERT_EQ(0, add(b, 1, 2, &sum)) TH_LOG("%s: first call", what);
	atomic_store(&adds, 0);
	ret = add(b, 3, 4, &sum);
	if (how == T_REPLAY) {
		/* the original runs; its copy must not */
		EXPECT_EQ(0, ret);
		usleep(200 * 1000);
		EXPECT_EQ(1, atomic_load(&adds)) TH_LOG("replay ran");
		ret = add(b, 5, 6, &sum);
	} else {
		EXPECT_NE(0, ret) TH_LOG("%s: the changed call succeeded",
					 what);
	}
	rpc_binding_free(b);
	relay_stop(&r);
	TH_LOG("%s: refused with %s", what, rpc_status_name(ret));
	b = client(port, level, &alice);
	EXPECT_EQ(0, add(b, 20, 22, &sum)) TH_LOG("%s: server after", what);
	EXPECT_EQ(42, sum);
	rpc_binding_free(b);
}

TEST_F(at, tampered_pdus_are_refused)
{
	static const struct {
		enum tamper how;
		unsigned int level;
		const char *what;
	} cases[] = {
		{ T_FLIP_BODY, RPC_C_AUTHN_LEVEL_PKT_INTEGRITY, "modified stub, signed" },
		{ T_FLIP_BODY, RPC_C_AUTHN_LEVEL_PKT_PRIVACY, "modified stub, sealed" },
		{ T_FLIP_HEADER, RPC_C_AUTHN_LEVEL_PKT_INTEGRITY, "modified header" },
		{ T_FLIP_SIG, RPC_C_AUTHN_LEVEL_PKT_PRIVACY, "modified signature" },
		{ T_TRUNCATE_SIG, RPC_C_AUTHN_LEVEL_PKT_INTEGRITY, "truncated" },
		{ T_REPLAY, RPC_C_AUTHN_LEVEL_PKT_INTEGRITY, "replayed" },
		{ T_DOWNGRADE, RPC_C_AUTHN_LEVEL_PKT_PRIVACY, "level lowered in the trailer" },
		{ T_STRIP, RPC_C_AUTHN_LEVEL_PKT_INTEGRITY, "signature stripped" },
		{ T_FLIP_RESPONSE, RPC_C_AUTHN_LEVEL_PKT_PRIVACY, "modified response" },
		{ T_ALTER_DOWNGRADE, RPC_C_AUTHN_LEVEL_PKT_PRIVACY,
		  "alter_context offering the context at connect level" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		attack(_metadata, self->port, cases[i].how, cases[i].level,
		       cases[i].what);
}

/* ncalrpc (the AF_UNIX fallback here): the socket vouches for the
 * caller, whatever provider the client asked for; nothing on the wire */
TEST_F(at, local_callers_through_the_same_api)
{
	struct rpc_binding *b;
	uint32_t svc = 0, level = 0, named = 0;
	char ep[64], *actual, s[96];
	int32_t sum;

	snprintf(ep, sizeof(ep), "lrpc-auth-test-%d", getpid());
	ASSERT_EQ(0, rpc_server_use_protseq(self->srv, "ncalrpc", NULL, ep,
					    &actual));
	free(actual);
	ASSERT_EQ(0, rpc_server_set_min_auth_level(self->srv,
					RPC_C_AUTHN_LEVEL_PKT_PRIVACY));
	snprintf(s, sizeof(s), "ncalrpc:[%s]", ep);
	ASSERT_EQ(0, rpc_binding_from_string(s, &b));
	ASSERT_EQ(0, rpc_binding_set_auth_info(b, NULL,
					       RPC_C_AUTHN_LEVEL_PKT_INTEGRITY,
					       RPC_C_AUTHN_WINNT, NULL));
	ASSERT_EQ(0, who(b, &svc, &level, &named));
	EXPECT_EQ(RPC_C_AUTHN_LOCAL, svc);
	EXPECT_EQ(RPC_C_AUTHN_LEVEL_PKT_PRIVACY, level);
	EXPECT_EQ(2, named);
	EXPECT_EQ(0, add(b, 1, 2, &sum));
	rpc_binding_free(b);
}

TEST_HARNESS_MAIN
