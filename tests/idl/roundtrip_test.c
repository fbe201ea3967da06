// SPDX-License-Identifier: MIT
/*
 * Round trips through stubs that lrpc-idl generated: the client stub
 * builds args[], a loopback rpc_call() (below) marshals the [in] values
 * with lib/ndr, unmarshals them on the "server", dispatches through the
 * generated thunk to the manager routines of this file (s_*), marshals
 * the [out] values and unmarshals them into the client's variables.
 *
 *   client stub --args--> rpc_call --ndr IN--> server args --thunk--> s_Op
 *        ^                                                              |
 *        +------- ndr OUT (unmarshal into client pointers) <-----------+
 *
 * Every test runs for NDR20 and NDR64, little- and big-endian.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include <lrpc/ndr.h>
#include <lrpc/status.h>
#include <lrpc/stub.h>

#include "lrpctest.h"
#include "rpcecho.h"
#include "constructs.h"
#include "epmapper.h"
#include "mgmt.h"
#include "ms-dtyp.h"
#include "realsyntax.h"
#include "realunions.h"
#include "realhidden.h"
#include "realhandles.h"
#include "srvsvc.h"
#include "winreg.h"

/* the runtime's rpc_call_status() (lib/runtime/call_status.c) behind the
 * loopback rpc_call below */
void __rpc_set_call_status(uint32_t status);

/* ---- the loopback runtime ---- */

struct rpc_call_ctx {
	handle_t binding;
};

struct cctx {
	struct ndr_context_handle wire;
	handle_t binding;
};

static struct {
	enum ndr_syntax syntax;
	unsigned int flags;
	uint32_t fault;			/* rpc_server_fault() */
	handle_t last_binding;		/* the binding rpc_call saw */
	uint32_t last_opnum;
	int calls;
	struct ndr_arena client;	/* [out] referents, rpc_ss_release() */
	struct ndr_arena *server;	/* rpc_ss_allocate() during a call */
	struct {
		uint8_t uuid[16];
		void *user;
		rpc_rundown_fn rundown;
		int used;
	} sctx[16];
	uint32_t next_uuid;
	int last_sctx_flags;		/* rpc_sctx_lookup()'s last flags */
} rt;

static const struct rpc_interface *const servers[] = {
	&lrpctest_v1_0_s_ifspec, &rpcecho_v1_0_s_ifspec, &constructs_v2_1_s_ifspec,
	&epmapper_v3_0_s_ifspec, &mgmt_v1_0_s_ifspec,
	/* issue 21's corpus (real_rt.h) */
	&realsyntax_v1_0_s_ifspec, &realunions_v1_0_s_ifspec, &realhidden_v1_0_s_ifspec,
	&realbase_v1_0_s_ifspec, &realhandles_v1_0_s_ifspec, &srvsvc_v3_0_s_ifspec,
	&winreg_v1_0_s_ifspec,
};

static int as_status(long rc)
{
	return rc < 0 ? (int)rc : 0;
}

int rpc_call(rpc_binding_t *binding, const struct rpc_interface *iface,
	     uint32_t opnum, void **args)
{
	const struct rpc_interface *srv = NULL;
	const struct ndr_proc *proc;
	uint8_t drep[4] = { rt.flags & NDR_F_BIG_ENDIAN ? NDR_DREP_BIG_ENDIAN
				: NDR_DREP_LITTLE_ENDIAN, 0, 0, 0 };
	struct rpc_call_ctx ctx = { binding };
	struct ndr_buf req, rsp;
	struct ndr_arena sarena;
	void *sargs[32] = { 0 };
	ssize_t n;
	int rc;

	const char *stage = "dispatch";

	rt.calls++;
	rt.last_binding = binding;
	rt.last_opnum = opnum;
	for (size_t i = 0; i < sizeof(servers) / sizeof(servers[0]); i++)
		if (!memcmp(&servers[i]->id, &iface->id, sizeof(iface->id)))
			srv = servers[i];
	if (!srv || opnum >= srv->nprocs)
		return -(int)nca_s_op_rng_error;
	proc = &srv->procs[opnum];
	(void)stage;
	if (proc->nparams + 1 > 32)
		return -EINVAL;
	ndr_buf_init(&req);
	ndr_buf_init(&rsp);
	ndr_arena_init(&sarena, 0);
	stage = "marshal in";
	n = ndr_marshal_call(proc, NDR_DIR_IN, args, rt.syntax, rt.flags, &req);
	rc = as_status(n);
	if (rc)
		goto out;
	if (proc->ret) {
		sargs[proc->nparams] = ndr_arena_alloc(&sarena, proc->ret->size);
		if (!sargs[proc->nparams]) {
			rc = -ENOMEM;
			goto out;
		}
	}
	stage = "unmarshal in";
	rc = ndr_unmarshal_call(proc, NDR_DIR_IN, sargs, rt.syntax, drep, req.data,
				req.len, &sarena);
	if (rc)
		goto out;
	stage = "manager";
	rt.fault = 0;
	rt.server = &sarena;
	rc = srv->thunks[opnum](sargs, &ctx);
	rt.server = NULL;
	if (!rc && rt.fault)
		rc = -(int)rt.fault;
	if (rc)
		goto out;
	stage = "marshal out";
	n = ndr_marshal_call(proc, NDR_DIR_OUT, sargs, rt.syntax, rt.flags, &rsp);
	rc = as_status(n);
	if (rc)
		goto out;
	stage = "unmarshal out";
	rc = ndr_unmarshal_call(proc, NDR_DIR_OUT, args, rt.syntax, drep, rsp.data,
				rsp.len, &rt.client);
out:
	if (rc && getenv("IDL_RT_DEBUG"))
		fprintf(stderr, "# rpc_call %s.%s: %s failed: %d\n", iface->name,
			proc->name, stage, rc);
	ndr_buf_release(&req);
	ndr_buf_release(&rsp);
	ndr_arena_release(&sarena);
	__rpc_set_call_status(rc < 0 ? (uint32_t)-rc : 0);
	return rc;
}

void rpc_ss_release(void)
{
	ndr_arena_release(&rt.client);
}

void *rpc_ss_allocate(size_t size)
{
	return rt.server ? ndr_arena_alloc(rt.server, size) : NULL;
}

void rpc_server_fault(uint32_t status)
{
	rt.fault = status;
}

handle_t rpc_call_ctx_binding(struct rpc_call_ctx *ctx)
{
	return ctx->binding;
}

static int wire_is_zero(const struct ndr_context_handle *w)
{
	static const uint8_t z[16];

	return !w->attributes && !memcmp(w->uuid, z, 16);
}

int rpc_cctx_to_wire(void *cctx, struct ndr_context_handle *wire)
{
	if (!cctx)
		memset(wire, 0, sizeof(*wire));
	else
		*wire = ((struct cctx *)cctx)->wire;
	return 0;
}

int rpc_cctx_from_wire(rpc_binding_t *binding, const struct ndr_context_handle *wire,
		       void **cctx)
{
	struct cctx *c = *cctx;

	if (wire_is_zero(wire)) {
		free(c);
		*cctx = NULL;
		return 0;
	}
	if (!c) {
		c = calloc(1, sizeof(*c));
		if (!c)
			return -ENOMEM;
	}
	c->wire = *wire;
	c->binding = binding;
	*cctx = c;
	return 0;
}

rpc_binding_t *rpc_cctx_binding(void *cctx)
{
	return ((struct cctx *)cctx)->binding;
}

int rpc_sctx_lookup(struct rpc_call_ctx *ctx, const struct ndr_context_handle *wire,
		    int flags, void **user)
{
	rt.last_sctx_flags = flags;
	if (wire_is_zero(wire)) {
		*user = NULL;
		return flags & RPC_SCTX_ALLOW_NULL ? 0 : -(int)nca_s_fault_context_mismatch;
	}
	for (int i = 0; i < 16; i++) {
		if (rt.sctx[i].used && !memcmp(rt.sctx[i].uuid, wire->uuid, 16)) {
			*user = rt.sctx[i].user;
			return 0;
		}
	}
	return -(int)nca_s_fault_context_mismatch;
}

int rpc_sctx_to_wire(struct rpc_call_ctx *ctx, void *user, rpc_rundown_fn rundown,
		     struct ndr_context_handle *wire)
{
	int i;

	if (!wire_is_zero(wire)) {
		for (i = 0; i < 16; i++)
			if (rt.sctx[i].used && !memcmp(rt.sctx[i].uuid, wire->uuid, 16))
				break;
		if (i == 16)
			return -(int)nca_s_fault_context_mismatch;
		if (!user) {
			rt.sctx[i].used = 0;
			memset(wire, 0, sizeof(*wire));
		} else {
			rt.sctx[i].user = user;
		}
		return 0;
	}
	if (!user)
		return 0;
	for (i = 0; i < 16 && rt.sctx[i].used; i++)
		;
	if (i == 16)
		return -ENOMEM;
	rt.sctx[i].used = 1;
	rt.sctx[i].user = user;
	rt.sctx[i].rundown = rundown;
	rt.next_uuid++;
	memset(rt.sctx[i].uuid, 0, 16);
	memcpy(rt.sctx[i].uuid, &rt.next_uuid, sizeof(rt.next_uuid));
	rt.sctx[i].uuid[15] = 0x5a;
	wire->attributes = 0;
	memcpy(wire->uuid, rt.sctx[i].uuid, 16);
	return 0;
}

static int open_server_contexts(void)
{
	int n = 0;

	for (int i = 0; i < 16; i++)
		n += rt.sctx[i].used;
	return n;
}

/* ---- lrpctest managers ---- */

static int64_t tally;

uint32_t s_TestPing(void)
{
	return LRPCTEST_PING_MAGIC;
}

int32_t s_TestAdd(int32_t a, int32_t b, int32_t *sum)
{
	*sum = (int32_t)((uint32_t)a + (uint32_t)b);
	return 0;
}

uint32_t s_TestEcho(uint32_t len, uint8_t *data_in, uint8_t *data_out)
{
	for (uint32_t i = 0; i < len; i++)
		data_out[i] = data_in[i] ^ 0xa5;
	return len;
}

int32_t s_TestSumSeries(series_t *s, int64_t *total)
{
	*total = 0;
	if (s->count && !s->values) {
		rpc_server_fault(rpc_x_bad_stub_data);
		return 0;
	}
	for (uint32_t i = 0; i < s->count; i++)
		*total += s->values[i];
	return s->label ? (int32_t)strlen(s->label) : -1;
}

int32_t s_TestUpperW(uint16_t *text, uint16_t **upper)
{
	size_t n = 0;
	int32_t changed = 0;
	uint16_t *u;

	while (text[n])
		n++;
	u = rpc_ss_allocate((n + 1) * sizeof(*u));
	if (!u) {
		rpc_server_fault(nca_s_fault_remote_no_memory);
		return 0;
	}
	for (size_t i = 0; i <= n; i++) {
		u[i] = text[i];
		if (u[i] >= 'a' && u[i] <= 'z') {
			u[i] -= 'a' - 'A';
			changed++;
		}
	}
	*upper = u;
	return changed;
}

int32_t s_TestShapeArea(shape_kind_t kind, shape_u *shape, double *area)
{
	switch (kind) {
	case SHAPE_CIRCLE:
		*area = (3.141592653589793 * shape->radius) * shape->radius;
		break;
	case SHAPE_RECT:
		*area = shape->rect.w * shape->rect.h;
		break;
	case SHAPE_POLYGON: {
		polygon_t *p = shape->polygon;
		double s = 0;

		*area = 0;
		if (!p || p->npoints < 3)
			break;
		for (uint32_t i = 0; i < p->npoints; i++) {
			uint32_t j = (i + 1) % p->npoints;

			s += (double)p->points[i].x * (double)p->points[j].y -
			     (double)p->points[j].x * (double)p->points[i].y;
		}
		*area = fabs(s) / 2;
		break;
	}
	}
	return 0;
}

int32_t s_TestListSum(node_t *head, int32_t *count, int64_t *sum)
{
	*count = 0;
	*sum = 0;
	for (; head; head = head->next) {
		(*count)++;
		*sum += head->value;
	}
	return 0;
}

int32_t s_TestAlias(int32_t *a, int32_t *b)
{
	if (!a || !b)
		return -1;
	return a == b;
}

struct counter {
	int32_t next;
};

int32_t s_TestCounterOpen(int32_t start, counter_handle_t *h)
{
	struct counter *c = malloc(sizeof(*c));

	c->next = start;
	*h = c;
	return 0;
}

int32_t s_TestCounterNext(counter_handle_t h, int32_t *value)
{
	struct counter *c = h;

	*value = c->next;
	c->next = (int32_t)((uint32_t)c->next + 1);
	return 0;
}

int32_t s_TestCounterClose(counter_handle_t *h)
{
	free(*h);
	*h = NULL;
	return 0;
}

void counter_handle_t_rundown(counter_handle_t context)
{
	free(context);
}

int32_t s_TestSleep(uint32_t milliseconds)
{
	return 0;
}

int32_t s_TestFault(uint32_t status)
{
	rpc_server_fault(status);
	return 0;
}

uint32_t s_TestFill(uint32_t len, uint8_t seed, uint8_t *data)
{
	for (uint32_t i = 0; i < len; i++)
		data[i] = (uint8_t)(seed + 31 * i);
	return len;
}

uint32_t s_TestReverse(uint32_t n, int32_t *values)
{
	for (uint32_t i = 0; i < n / 2; i++) {
		int32_t t = values[i];

		values[i] = values[n - 1 - i];
		values[n - 1 - i] = t;
	}
	return n;
}

int32_t s_TestWindowSum(uint32_t length, int32_t window[64])
{
	int32_t s = 0;

	for (uint32_t i = 0; i < length; i++)
		s += window[i];
	return s;
}

int32_t s_TestTally(uint32_t amount, int64_t *total)
{
	tally += amount;
	*total = tally;
	return 0;
}

/* ---- rpcecho managers ---- */

void s_echo_AddOne(uint32_t in_data, uint32_t *out_data)
{
	*out_data = in_data + 1;
}

void s_echo_EchoData(uint32_t len, uint8_t in_data[], uint8_t out_data[])
{
	memcpy(out_data, in_data, len);
}

static uint32_t sunk;

void s_echo_SinkData(uint32_t len, uint8_t data[])
{
	sunk = len;
}

void s_echo_SourceData(uint32_t len, uint8_t data[])
{
	for (uint32_t i = 0; i < len; i++)
		data[i] = (uint8_t)i;
}

void s_echo_TestCall(uint16_t *s1, uint16_t **s2)
{
	size_t n = 0;
	uint16_t *c;

	while (s1[n])
		n++;
	c = rpc_ss_allocate((n + 1) * 2);
	memcpy(c, s1, (n + 1) * 2);
	*s2 = c;
}

NTSTATUS s_echo_TestCall2(uint16_t level, echo_Info *info)
{
	switch (level) {
	case 1: info->info1.v = 10; break;
	case 2: info->info2.v = 20; break;
	case 3: info->info3.v = 30; break;
	case 4: info->info4.v = 40; break;
	case 5: info->info5.v1 = 50; info->info5.v2 = 60; break;
	case 6: info->info6.v1 = 70; info->info6.info1.v = 80; break;
	case 7: info->info7.v1 = 80; info->info7.info4.v = 90; break;
	default: return (NTSTATUS)0xc0000148;	/* invalid level */
	}
	return 0;
}

uint32_t s_echo_TestSleep(uint32_t seconds)
{
	return seconds;
}

void s_echo_TestEnum(echo_Enum1 *foo1, echo_Enum2 *foo2, echo_Enum3 *foo3)
{
	foo2->e1 = ECHO_ENUM2;
}

void s_echo_TestSurrounding(echo_Surrounding *data)
{
	/*
	 * Samba's server answers x doubled, with a zeroed array that long;
	 * an [in, out, ref] conformant struct is updated in place here and
	 * can only shrink (ndr.h, "in place"): halve it, and change what
	 * stays so the test sees it written back.
	 */
	data->x /= 2;
	for (uint32_t i = 0; i < data->x; i++)
		data->surrounding[i] += 100;
}

uint16_t s_echo_TestDoublePointer(uint16_t ***data)
{
	if (!*data || !**data)
		return 0;
	return ***data;
}

/* ---- constructs managers ---- */

int32_t s_OpScalars(scalars_t *in, scalars_t *out)
{
	*out = *in;
	out->s32 = in->s32 + 1;
	out->u64 = ~in->u64;
	out->d = -in->d;
	return (int32_t)sizeof(*in);
}

int32_t s_OpArrays(arrays_t *in, arrays_t *out)
{
	*out = *in;
	for (int i = 0; i < (int)C_ROWS; i++)
		for (int j = 0; j < 3; j++)
			out->grid[i][j] = in->grid[i][j] * 10;
	out->name[0] = 'N';
	return in->grid[(int)C_ROWS - 1][3 - 1];
}

int32_t s_OpConformant(int32_t n, int32_t *twice, int32_t upto[], int32_t *cv,
		       int32_t sums[])
{
	int32_t t = 0;

	for (int32_t i = 0; i < n; i++) {
		sums[i] = twice[2 * i] + twice[2 * i + 1] + upto[i] + cv[i];
		t += sums[i];
	}
	return t + upto[n];
}

int32_t s_OpStrings(char *s, uint16_t *w, char **s_out, char *buf)
{
	size_t n = strlen(s);
	char *o = rpc_ss_allocate(n + 2);

	o[0] = '>';
	memcpy(o + 1, s, n + 1);
	*s_out = o;
	buf[0] = 'B';
	if (!w)
		return -1;
	n = 0;
	while (w[n])
		n++;
	return (int32_t)n;
}

int32_t s_OpUnions(int16_t kind, nu_t *u, tagged_union_t *tu, enc_t *e)
{
	int32_t r = 0;

	switch (kind) {
	case 1: r = u->l; break;
	case 2: case 3: r = (int32_t)u->d; break;
	case 4: r = (int32_t)strlen(u->s); break;
	case 5: r = 5; break;
	default: r = (int32_t)u->h; break;
	}
	if (tu->kind == 1)
		tu->u.l *= 2;
	e->k = 1;
	e->val.l = 77;
	return r;
}

int32_t s_OpPointers(int32_t *maybe_null, int32_t *a, int32_t *b, int32_t **pp,
		     list_t **list, int32_t n, int32_t **rows)
{
	int32_t r = 0;
	list_t *node;

	if (!maybe_null)
		r += 1000;
	if (a && a == b)
		r += 100;
	if (*pp)
		r += **pp;
	/* size_is(, n): *rows points at n longs */
	for (int32_t i = 0; *rows && i < n; i++)
		r += (*rows)[i];
	node = rpc_ss_allocate(sizeof(*node));
	node->v = -1;
	node->next = *list;
	*list = node;
	return r;
}

int32_t s_OpWindow(window_t *w, uint32_t *count, int32_t more[])
{
	int32_t s = 0;

	for (uint32_t i = w->first; i < w->first + w->len; i++)
		s += w->window[i];
	*count = *count > 2 ? 2 : *count;
	for (uint32_t i = 0; i < *count; i++)
		more[i] = s + (int32_t)i;
	return s;
}

int32_t s_OpTagged(struct tagged *t, tagged_p tp, dce_uuid_p_t id, dce_uuid_t *id_out)
{
	int32_t r = t->level;

	if (tp)
		r += tp->values[0];
	if (id) {
		*id_out = *id;
		id_out->time_low++;
	}
	return r;
}

int32_t s_OpOpen(int32_t start, session_t *s)
{
	int32_t *v = malloc(sizeof(*v));

	*v = start;
	*s = v;
	return 0;
}

int32_t s_OpNext(session_t s, int32_t *value)
{
	*value = (*(int32_t *)s)++;
	return 0;
}

int32_t s_OpClose(session_t *s)
{
	free(*s);
	*s = NULL;
	return 0;
}

void session_t_rundown(session_t context)
{
	free(context);
}

static int raw_ctx_token;

int32_t s_OpRawCtx(void **raw)
{
	int32_t r = *raw ? 1 : 0;

	*raw = *raw ? NULL : &raw_ctx_token;
	return r;
}

int32_t s_OpExplicit(handle_t h, int32_t v, error_status_t *st)
{
	return h == (handle_t)0x4242 ? v : -1;
}

error_status_t s_OpStatus(int32_t fail_with)
{
	if (fail_with)
		rpc_server_fault((uint32_t)fail_with);
	return 7;
}

static int32_t maybe_seen;

void s_OpMaybe(int32_t v)
{
	maybe_seen = v;
}

void s_OpBroadcast(void)
{
}

int64_t s_OpHyper(int64_t v)
{
	return v * 3;
}

double s_OpDouble(float f)
{
	return (double)f * 2;
}

color_t s_OpEnum(e16_t e)
{
	return e == E16_B ? COLOR_BLUE : COLOR_RED;
}

scalars_t s_OpRetStruct(int32_t v)
{
	scalars_t s;

	memset(&s, 0, sizeof(s));
	s.s32 = v;
	s.color = COLOR_GREEN;
	return s;
}

static int32_t blob_sum(const blob_t *b)
{
	int32_t r = 0;

	for (uint32_t i = 0; b && i < b->n; i++)
		r += b->data[i];
	return r;
}

int32_t s_OpTwins(twins_t *in, twins_t *out)
{
	int32_t r = in->first == in->second ? 1000 : blob_sum(in->second);
	blob_t *b = rpc_ss_allocate(sizeof(*b) + 3);

	r += blob_sum(in->first);
	if (in->label) {
		r += (int32_t)strlen(in->label);
		in->label[in->cap - 1] = 0;	/* the buffer has cap octets */
	}
	b->n = 3;
	b->data[0] = 7;
	b->data[1] = 8;
	b->data[2] = 9;
	out->first = out->second = b;		/* one blob, twice */
	out->cap = 8;
	out->label = rpc_ss_allocate(out->cap);
	strcpy(out->label, "twins");
	return r;
}

int32_t s_OpInPlace(uint32_t n, char *sized, uint16_t *wmax, char *word, blob_t *blob)
{
	int32_t r = (int32_t)strlen(sized);

	/* room for n chars (size_is) and n + 1 wide chars (max_is) */
	memset(sized, 'S', n - 1);
	sized[n - 1] = 0;
	for (uint32_t i = 0; i < n; i++)
		wmax[i] = (uint16_t)('a' + i);
	wmax[n] = 0;
	for (char *p = word; *p; p++)
		*p = (char)(*p - 'a' + 'A');
	if (blob->n)
		blob->n--;
	for (uint32_t i = 0; i < blob->n; i++)
		blob->data[i] = (uint8_t)(blob->data[i] * 2);
	return r;
}

int32_t s_OpLastIs(uint32_t n, uint32_t f, uint32_t l, int32_t *win)
{
	int32_t r = 0;

	for (uint32_t i = f; i <= l && i < n; i++)
		r += win[i];
	return r;
}

/* ---- epmapper and mgmt managers ---- */

void s_ept_insert(handle_t h, uint32_t num_ents, ept_entry_t entries[], uint32_t replace,
		  error_status_t *status)
{
	*status = num_ents == 1 && !strcmp(entries[0].annotation, "svc") ? 0 : 1;
}

void s_ept_delete(handle_t h, uint32_t num_ents, ept_entry_t entries[], error_status_t *status)
{
	*status = 0;
}

void s_ept_lookup(handle_t h, uint32_t inquiry_type, dce_uuid_p_t object,
		  rpc_if_id_p_t interface_id, uint32_t vers_option,
		  ept_lookup_handle_t *entry_handle, uint32_t max_ents, uint32_t *num_ents,
		  ept_entry_t entries[], error_status_t *status)
{
	*num_ents = max_ents < 2 ? max_ents : 2;
	for (uint32_t i = 0; i < *num_ents; i++) {
		twr_t *t = rpc_ss_allocate(sizeof(*t) + 3);

		entries[i].object.time_low = i + 1;
		t->tower_length = 3;
		memcpy(t->tower_octet_string, "abc", 3);
		entries[i].tower = t;
		strcpy(entries[i].annotation, i ? "second" : "first");
	}
	*entry_handle = NULL;
	*status = 0;
}

void s_ept_map(handle_t h, dce_uuid_p_t object, twr_p_t map_tower,
	       ept_lookup_handle_t *entry_handle, uint32_t max_towers, uint32_t *num_towers,
	       twr_p_t towers[], error_status_t *status)
{
	*num_towers = max_towers ? 1 : 0;
	if (*num_towers)
		towers[0] = map_tower;
	*status = map_tower ? 0 : 0x16c9a0d6;	/* ept_s_not_registered */
}

void s_ept_lookup_handle_free(handle_t h, ept_lookup_handle_t *entry_handle,
			      error_status_t *status)
{
	*entry_handle = NULL;
	*status = 0;
}

void ept_lookup_handle_t_rundown(ept_lookup_handle_t context)
{
}

void s_ept_inq_object(handle_t h, dce_uuid_t *ept_object, error_status_t *status)
{
	memset(ept_object, 0, sizeof(*ept_object));
	ept_object->node[5] = 0x35;
	*status = 0;
}

void s_ept_mgmt_delete(handle_t h, uint32_t object_speced, dce_uuid_p_t object,
		       twr_p_t tower, error_status_t *status)
{
	*status = 0;
}

void s_inq_if_ids(handle_t binding_handle, rpc_if_id_vector_p_t *if_id_vector,
		  error_status_t *status)
{
	rpc_if_id_vector_t *v = rpc_ss_allocate(sizeof(*v) + 2 * sizeof(v->if_id[0]));

	v->count = 2;
	for (int i = 0; i < 2; i++) {
		rpc_if_id_t *id = rpc_ss_allocate(sizeof(*id));

		id->vers_major = (uint16_t)(i + 1);
		id->uuid.time_low = 0x1000u + (uint32_t)i;
		v->if_id[i] = id;
	}
	*if_id_vector = v;
	*status = 0;
}

void s_inq_stats(handle_t binding_handle, statistics_count_t *count,
		 uint32_t statistics[], error_status_t *status)
{
	for (uint32_t i = 0; i < *count; i++)
		statistics[i] = 100 + i;
	*status = 0;
}

uint32_t s_is_server_listening(handle_t binding_handle, error_status_t *status)
{
	*status = 0;
	return 1;
}

void s_stop_server_listening(handle_t binding_handle, error_status_t *status)
{
	*status = 0;
}

void s_inq_princ_name(handle_t binding_handle, uint32_t authn_proto,
		      uint32_t princ_name_size, char princ_name[], error_status_t *status)
{
	/* lib/ndr gives the manager princ_name_size zeroed octets */
	strncpy(princ_name, "lrpc@LOCAL", princ_name_size);
	if (princ_name_size)
		princ_name[princ_name_size - 1] = 0;
	*status = 0;
}

/* ---- tests ---- */

FIXTURE(rt) {
	int unused;
};

FIXTURE_VARIANT(rt) {
	enum ndr_syntax syntax;
	unsigned int flags;
};

FIXTURE_VARIANT_ADD(rt, ndr20_le) { .syntax = NDR_SYNTAX_NDR20, .flags = 0 };
FIXTURE_VARIANT_ADD(rt, ndr64_le) { .syntax = NDR_SYNTAX_NDR64, .flags = 0 };
FIXTURE_VARIANT_ADD(rt, ndr20_be) { .syntax = NDR_SYNTAX_NDR20, .flags = NDR_F_BIG_ENDIAN };
FIXTURE_VARIANT_ADD(rt, ndr64_be) { .syntax = NDR_SYNTAX_NDR64, .flags = NDR_F_BIG_ENDIAN };

FIXTURE_SETUP(rt)
{
	rt.syntax = variant->syntax;
	rt.flags = variant->flags;
	__rpc_set_call_status(0);
	rt.calls = 0;
	ndr_arena_init(&rt.client, 0);
	lrpctest_binding = (handle_t)0x1111;
	constructs_handle = (handle_t)0x2222;
}

FIXTURE_TEARDOWN(rt)
{
	rpc_ss_release();
}

static const struct rpc_interface *const all_ifaces[] = {
	&lrpctest_v1_0_c_ifspec, &lrpctest_v1_0_s_ifspec, &rpcecho_v1_0_c_ifspec,
	&rpcecho_v1_0_s_ifspec, &constructs_v2_1_c_ifspec, &constructs_v2_1_s_ifspec,
	&epmapper_v3_0_c_ifspec, &epmapper_v3_0_s_ifspec, &mgmt_v1_0_c_ifspec,
	&mgmt_v1_0_s_ifspec,
};

TEST_F(rt, tables_pass_ndr_proc_check)
{
	for (size_t i = 0; i < sizeof(all_ifaces) / sizeof(all_ifaces[0]); i++) {
		const struct rpc_interface *in = all_ifaces[i];

		for (uint32_t op = 0; op < in->nprocs; op++) {
			EXPECT_EQ(0, ndr_proc_check(&in->procs[op])) {
				TH_LOG("%s opnum %u", in->name, op);
			}
			EXPECT_EQ(op, in->procs[op].opnum);
			if (in->thunks)
				EXPECT_NE(NULL, in->thunks[op]);
		}
		if (i % 2) {
			EXPECT_NE(NULL, in->thunks);
		} else {
			EXPECT_EQ(NULL, in->thunks);
		}
	}
}

TEST_F(rt, interface_specs)
{
	const struct rpc_interface *in = &lrpctest_v1_0_c_ifspec;

	EXPECT_EQ(0x4c4b2e1au, in->id.uuid.time_low);
	EXPECT_EQ(0x8f5d, in->id.uuid.time_mid);
	EXPECT_EQ(0x4d3b, in->id.uuid.time_hi_and_version);
	EXPECT_EQ(0x9a, in->id.uuid.clock_seq_hi_and_reserved);
	EXPECT_EQ(0x6e, in->id.uuid.clock_seq_low);
	EXPECT_EQ(0x91, in->id.uuid.node[5]);
	EXPECT_EQ(1, in->id.major);
	EXPECT_EQ(0, in->id.minor);
	EXPECT_EQ(17u, in->nprocs);
	EXPECT_EQ(RPC_PROC_IDEMPOTENT, in->proc_flags[0]);
	EXPECT_EQ(0u, in->proc_flags[1]);
	EXPECT_EQ(0x60a15ec5u, rpcecho_v1_0_c_ifspec.id.uuid.time_low);
	EXPECT_EQ(10u, rpcecho_v1_0_c_ifspec.nprocs);
	EXPECT_EQ(0xe1af8308u, epmapper_v3_0_c_ifspec.id.uuid.time_low);
	EXPECT_EQ(3, epmapper_v3_0_c_ifspec.id.major);
	EXPECT_EQ(7u, epmapper_v3_0_c_ifspec.nprocs);
	EXPECT_EQ(0xafa8bd80u, mgmt_v1_0_c_ifspec.id.uuid.time_low);
	EXPECT_EQ(5u, mgmt_v1_0_c_ifspec.nprocs);
	in = &constructs_v2_1_c_ifspec;
	EXPECT_EQ(2, in->id.major);
	EXPECT_EQ(1, in->id.minor);
	ASSERT_EQ(2u, in->nendpoints);
	EXPECT_STREQ("ncacn_ip_tcp:[5050]", in->endpoints[0]);
	EXPECT_STREQ("ncalrpc:[constructs]", in->endpoints[1]);
	EXPECT_EQ(RPC_PROC_MAYBE, in->proc_flags[14]);
	EXPECT_EQ(RPC_PROC_IDEMPOTENT | RPC_PROC_BROADCAST, in->proc_flags[15]);
	/* constants, cpp_quote and #define through cpp */
	EXPECT_EQ(8, C_SHIFT);
	EXPECT_EQ(24, C_EXPR);
	EXPECT_EQ(2u, C_ROWS);
	EXPECT_STREQ("constructs\t1", C_NAME);
	EXPECT_EQ('x', C_CHAR);
	EXPECT_EQ(4294967296LL, C_BIG);
	EXPECT_EQ(-5, C_NEG);
	EXPECT_EQ(1, CONSTRUCTS_QUOTED);
	EXPECT_EQ(10, COLOR_BLUE);
	EXPECT_EQ(2, COLOR_GREEN);
	EXPECT_EQ(64, ept_max_annotation_size);
}

TEST_F(rt, lrpctest_scalars)
{
	int32_t sum = 0;
	int64_t total = 0;

	EXPECT_EQ(LRPCTEST_PING_MAGIC, TestPing());
	EXPECT_EQ(0u, rpc_call_status());
	EXPECT_EQ((handle_t)0x1111, rt.last_binding);
	EXPECT_EQ(0, TestAdd(40, 2, &sum));
	EXPECT_EQ(42, sum);
	EXPECT_EQ(0, TestAdd(INT32_MAX, 1, &sum));
	EXPECT_EQ(INT32_MIN, sum);
	EXPECT_EQ(0, TestSleep(10));
	EXPECT_EQ(0, TestTally(5, &total));
	EXPECT_EQ(0, TestTally(7, &total));
	EXPECT_EQ(12, total);
}

TEST_F(rt, lrpctest_arrays)
{
	uint8_t in[300], out[300];
	int32_t values[5] = { 1, 2, 3, 4, 5 };
	int32_t window[64] = { 0 };

	for (int i = 0; i < 300; i++)
		in[i] = (uint8_t)i;
	EXPECT_EQ(300u, TestEcho(300, in, out));
	for (int i = 0; i < 300; i++)
		ASSERT_EQ((uint8_t)(i ^ 0xa5), out[i]);
	EXPECT_EQ(0u, TestEcho(0, in, out));
	EXPECT_EQ(300u, TestFill(300, 7, out));
	EXPECT_EQ(7, out[0]);
	EXPECT_EQ((uint8_t)(7 + 31 * 299), out[299]);
	EXPECT_EQ(5u, TestReverse(5, values));
	EXPECT_EQ(5, values[0]);
	EXPECT_EQ(1, values[4]);
	for (int i = 0; i < 64; i++)
		window[i] = i;
	EXPECT_EQ(0 + 1 + 2 + 3, TestWindowSum(4, window));
	EXPECT_EQ(0, TestWindowSum(0, window));
}

TEST_F(rt, lrpctest_structs_strings)
{
	int32_t vals[3] = { 10, -20, 30 };
	series_t s = { .count = 3, .values = vals, .label = "hello" };
	uint16_t text[] = { 'a', 'B', 'c', 0x263a, 'z', 0 };
	uint16_t *upper = NULL;
	int64_t total = 0;

	EXPECT_EQ(5, TestSumSeries(&s, &total));
	EXPECT_EQ(20, total);
	s.label = NULL;
	EXPECT_EQ(-1, TestSumSeries(&s, &total));
	s.count = 0;
	s.values = NULL;
	EXPECT_EQ(-1, TestSumSeries(&s, &total));
	EXPECT_EQ(0, total);
	EXPECT_EQ(3, TestUpperW(text, &upper));
	ASSERT_NE(NULL, upper);
	EXPECT_EQ('A', upper[0]);
	EXPECT_EQ('B', upper[1]);
	EXPECT_EQ(0x263a, upper[3]);
	EXPECT_EQ('Z', upper[4]);
	EXPECT_EQ(0, upper[5]);
}

TEST_F(rt, lrpctest_unions)
{
	shape_u sh;
	double area = -1;
	polygon_t *p = malloc(sizeof(*p) + 4 * sizeof(point_t));

	sh.radius = 2;
	EXPECT_EQ(0, TestShapeArea(SHAPE_CIRCLE, &sh, &area));
	EXPECT_EQ((3.141592653589793 * 2) * 2, area);
	sh.rect.w = 3;
	sh.rect.h = 4;
	EXPECT_EQ(0, TestShapeArea(SHAPE_RECT, &sh, &area));
	EXPECT_EQ(12.0, area);
	p->npoints = 4;
	p->points[0] = (point_t){ 0, 0 };
	p->points[1] = (point_t){ 4, 0 };
	p->points[2] = (point_t){ 4, 3 };
	p->points[3] = (point_t){ 0, 3 };
	sh.polygon = p;
	EXPECT_EQ(0, TestShapeArea(SHAPE_POLYGON, &sh, &area));
	EXPECT_EQ(12.0, area);
	sh.polygon = NULL;
	EXPECT_EQ(0, TestShapeArea(SHAPE_POLYGON, &sh, &area));
	EXPECT_EQ(0.0, area);
	/* a kind outside the union's cases */
	TestShapeArea((shape_kind_t)9, &sh, &area);
	EXPECT_EQ((uint32_t)nca_s_fault_invalid_tag, rpc_call_status());
	free(p);
}

TEST_F(rt, lrpctest_pointers)
{
	enum { N = 2000 };
	node_t *nodes = calloc(N, sizeof(*nodes));
	int32_t count = 0, a = 1, b = 1;
	int64_t sum = 0, want = 0;

	for (int i = 0; i < N; i++) {
		nodes[i].value = i * 3 - 100;
		nodes[i].next = i + 1 < N ? &nodes[i + 1] : NULL;
		want += nodes[i].value;
	}
	EXPECT_EQ(0, TestListSum(nodes, &count, &sum));
	EXPECT_EQ(N, count);
	EXPECT_EQ(want, sum);
	EXPECT_EQ(1, TestAlias(&a, &a));
	EXPECT_EQ(0, TestAlias(&a, &b));
	EXPECT_EQ(-1, TestAlias(NULL, &b));
	free(nodes);
}

TEST_F(rt, lrpctest_context_handles_and_faults)
{
	counter_handle_t h = NULL;
	int32_t v = 0;

	EXPECT_EQ(0, TestCounterOpen(41, &h));
	ASSERT_NE(NULL, h);
	EXPECT_EQ(1, open_server_contexts());
	EXPECT_EQ(0, TestCounterNext(h, &v));
	EXPECT_EQ(41, v);
	EXPECT_EQ(0, TestCounterNext(h, &v));
	EXPECT_EQ(42, v);
	EXPECT_EQ(0, TestCounterClose(&h));
	EXPECT_EQ(NULL, h);
	EXPECT_EQ(0, open_server_contexts());
	/* a closed or NULL handle */
	TestCounterNext(NULL, &v);
	EXPECT_EQ((uint32_t)nca_s_fault_context_mismatch, rpc_call_status());
	/* faults carry the status */
	TestFault(0x12345678);
	EXPECT_EQ(0x12345678u, rpc_call_status());
	/* [range] is enforced */
	TestSleep(600001);
	EXPECT_EQ((uint32_t)nca_s_fault_invalid_bound, rpc_call_status());
}

TEST_F(rt, rpcecho)
{
	uint32_t out = 0;
	uint8_t in[64], data[64];
	uint16_t s1[] = { 'e', 'c', 'h', 'o', 0 };
	uint16_t *s2 = NULL;
	echo_Info info;
	echo_Enum1 foo1 = ECHO_ENUM1;
	echo_Enum2 foo2 = { ECHO_ENUM1, ECHO_ENUM2_32 };
	echo_Enum3 foo3;
	echo_Surrounding *sur = calloc(1, sizeof(*sur) + 20 * sizeof(uint16_t));
	uint16_t v = 13, *pv = &v, **ppv = &pv;

	echo_AddOne(41, &out);
	EXPECT_EQ(42u, out);
	for (int i = 0; i < 64; i++)
		in[i] = (uint8_t)(i * 7);
	echo_EchoData(64, in, data);
	EXPECT_EQ(0, memcmp(in, data, 64));
	echo_SinkData(33, in);
	EXPECT_EQ(33u, sunk);
	echo_SourceData(64, data);
	EXPECT_EQ(63, data[63]);
	echo_TestCall(s1, &s2);
	ASSERT_NE(NULL, s2);
	EXPECT_EQ('e', s2[0]);
	EXPECT_EQ(0, s2[4]);
	for (uint16_t level = 1; level <= 7; level++) {
		memset(&info, 0, sizeof(info));
		EXPECT_EQ(0, echo_TestCall2(level, &info));
	}
	EXPECT_EQ(80, info.info7.v1);
	EXPECT_EQ(90, info.info7.info4.v);
	EXPECT_EQ(7u, echo_TestSleep(7));
	foo3.e1 = ECHO_ENUM2;
	echo_TestEnum(&foo1, &foo2, &foo3);
	EXPECT_EQ(0u, rpc_call_status());
	EXPECT_EQ(ECHO_ENUM2, (int)foo2.e1);
	EXPECT_EQ(ECHO_ENUM2_32, (int)foo2.e2);
	sur->x = 20;
	for (int i = 0; i < 20; i++)
		sur->surrounding[i] = (uint16_t)i;
	echo_TestSurrounding(sur);
	EXPECT_EQ(0u, rpc_call_status());
	EXPECT_EQ(10u, sur->x);			/* written back in place */
	EXPECT_EQ(109, sur->surrounding[9]);
	EXPECT_EQ(10, sur->surrounding[10]);	/* beyond the new x: untouched */
	EXPECT_EQ(13, echo_TestDoublePointer(&ppv));
	pv = NULL;
	EXPECT_EQ(0, echo_TestDoublePointer(&ppv));
	free(sur);
}

TEST_F(rt, constructs_scalars_and_returns)
{
	scalars_t in, out, r;

	memset(&in, 0, sizeof(in));
	memset(&out, 0, sizeof(out));
	in.b = 1;
	in.y = 0xfe;
	in.c = 'q';
	in.s8 = -3;
	in.u8 = 250;
	in.s16 = -1234;
	in.u16 = 60000;
	in.s32 = -100000;
	in.u32 = 4000000000u;
	in.i32 = 77;
	in.s64 = -5000000000LL;
	in.u64 = 0x0102030405060708ull;
	in.i64 = 99;
	in.f = 1.5f;
	in.d = 2.25;
	in.w = 0x263a;
	in.st = 0x1c010003;
	in.color = COLOR_BLUE;
	in.e16 = E16_B;
	EXPECT_EQ((int32_t)sizeof(in), OpScalars(&in, &out));
	EXPECT_EQ(1, out.b);
	EXPECT_EQ(0xfe, out.y);
	EXPECT_EQ('q', out.c);
	EXPECT_EQ(-3, out.s8);
	EXPECT_EQ(250, out.u8);
	EXPECT_EQ(-1234, out.s16);
	EXPECT_EQ(60000, out.u16);
	EXPECT_EQ(-99999, out.s32);
	EXPECT_EQ(4000000000u, out.u32);
	EXPECT_EQ(77, out.i32);
	EXPECT_EQ(-5000000000LL, out.s64);
	EXPECT_EQ(~0x0102030405060708ull, out.u64);
	EXPECT_EQ(99, out.i64);
	EXPECT_EQ(1.5f, out.f);
	EXPECT_EQ(-2.25, out.d);
	EXPECT_EQ(0x263a, out.w);
	EXPECT_EQ(0x1c010003u, out.st);
	EXPECT_EQ(COLOR_BLUE, (int)out.color);
	EXPECT_EQ(E16_B, (int)out.e16);
	EXPECT_EQ(-3000000000LL, OpHyper(-1000000000LL));
	EXPECT_EQ(5.0, OpDouble(2.5f));
	EXPECT_EQ(COLOR_BLUE, (int)OpEnum(E16_B));
	EXPECT_EQ(COLOR_RED, (int)OpEnum(E16_A));
	r = OpRetStruct(123);
	EXPECT_EQ(123, r.s32);
	EXPECT_EQ(COLOR_GREEN, (int)r.color);
	/* a 16-bit enum cannot carry more than 0x7fff */
	OpEnum((e16_t)0x8000);
	EXPECT_NE(0u, rpc_call_status());
}

TEST_F(rt, constructs_arrays)
{
	arrays_t in, out;
	int32_t twice[6] = { 1, 2, 3, 4, 5, 6 }, upto[4] = { 10, 20, 30, 40 };
	int32_t cv[4] = { 100, 200, 300, -1 }, sums[3] = { 0 }, *big, *bsums;

	memset(&in, 0, sizeof(in));
	memset(&out, 0, sizeof(out));
	for (int i = 0; i < (int)C_ROWS; i++)
		for (int j = 0; j < 3; j++)
			in.grid[i][j] = i * 10 + j;
	strcpy(in.name, "fixed");
	memcpy(in.raw, "\x01\x02\x03\x04", 4);
	in.id.time_low = 0xdeadbeef;
	in.id.node[5] = 9;
	EXPECT_EQ(12, OpArrays(&in, &out));
	EXPECT_EQ(120, out.grid[1][2]);
	EXPECT_EQ(100, out.grid[1][0]);
	EXPECT_STREQ("Nixed", out.name);
	EXPECT_EQ(4, out.raw[3]);
	EXPECT_EQ(0xdeadbeefu, out.id.time_low);
	EXPECT_EQ(9, out.id.node[5]);
	/* sums[i] = twice[2i] + twice[2i+1] + upto[i] + cv[i]; + upto[n] */
	EXPECT_EQ(113 + 227 + 341 + 40, OpConformant(3, twice, upto, cv, sums));
	EXPECT_EQ(113, sums[0]);
	EXPECT_EQ(341, sums[2]);
	/* [range(0, 100)] on n: the server refuses what the client sends */
	big = calloc(256, sizeof(*big));
	bsums = calloc(256, sizeof(*bsums));
	OpConformant(101, big, big, big, bsums);
	free(big);
	free(bsums);
	EXPECT_EQ((uint32_t)nca_s_fault_invalid_bound, rpc_call_status());
}

TEST_F(rt, constructs_strings)
{
	char buf[32] = "buffer";
	uint16_t w[] = { 'w', 'i', 'd', 'e', 0 };
	char *s_out = NULL;

	EXPECT_EQ(4, OpStrings("narrow", w, &s_out, buf));
	ASSERT_NE(NULL, s_out);
	EXPECT_STREQ(">narrow", s_out);
	EXPECT_STREQ("Buffer", buf);		/* [in, out, string] in place */
	EXPECT_EQ(-1, OpStrings("", NULL, &s_out, buf));
	EXPECT_STREQ(">", s_out);
}

TEST_F(rt, constructs_unions)
{
	nu_t u;
	tagged_union_t tu = { .kind = 1, .u.l = 21 };
	enc_t e = { .k = 2, .val.w = (uint16_t[]){ 'x', 0 } };

	u.l = -7;
	EXPECT_EQ(-7, OpUnions(1, &u, &tu, &e));
	EXPECT_EQ(42, tu.u.l);
	EXPECT_EQ(1, e.k);
	EXPECT_EQ(77, e.val.l);
	u.d = 9.75;
	EXPECT_EQ(9, OpUnions(3, &u, &tu, &e));
	u.s = "four";
	EXPECT_EQ(4, OpUnions(4, &u, &tu, &e));
	EXPECT_EQ(5, OpUnions(5, &u, &tu, &e));	/* empty arm */
	u.h = 1234567;
	EXPECT_EQ(1234567, OpUnions(99, &u, &tu, &e));	/* default arm */
	tu.kind = 5;
	e.k = 3;				/* encapsulated default: empty */
	EXPECT_EQ(1234567, OpUnions(99, &u, &tu, &e));
	EXPECT_EQ(0u, rpc_call_status());
}

TEST_F(rt, constructs_pointers)
{
	int32_t x = 5, y = 6, z = 30, *pz = &z, row[2] = { 1000, 2000 };
	int32_t *rows = row;
	list_t tail = { 2, NULL }, head = { 1, &tail }, *list = &head;

	EXPECT_EQ(1000 + 100 + 30 + 3000, OpPointers(NULL, &x, &x, &pz, &list, 2, &rows));
	ASSERT_NE(NULL, list);
	EXPECT_EQ(-1, list->v);
	ASSERT_NE(NULL, list->next);
	EXPECT_EQ(1, list->next->v);
	ASSERT_NE(NULL, list->next->next);
	EXPECT_EQ(2, list->next->next->v);
	pz = NULL;
	rows = NULL;
	list = NULL;
	EXPECT_EQ(0, OpPointers(&y, &x, &y, &pz, &list, 2, &rows));
	ASSERT_NE(NULL, list);
	EXPECT_EQ(NULL, list->next);
}

TEST_F(rt, constructs_full_pointers_to_conformant)
{
	blob_t *b = calloc(1, sizeof(*b) + 4), *c = calloc(1, sizeof(*c) + 1);
	char label[16] = "hi";
	twins_t in = { b, b, label, sizeof(label) }, out;

	ASSERT_NE(NULL, b);
	ASSERT_NE(NULL, c);
	b->n = 4;
	memcpy(b->data, "\1\2\3\4", 4);
	c->n = 1;
	c->data[0] = 50;
	memset(&out, 0, sizeof(out));
	EXPECT_EQ(1000 + 10 + 2, OpTwins(&in, &out));
	EXPECT_EQ(0u, rpc_call_status());
	ASSERT_NE(NULL, out.first);
	EXPECT_EQ(out.first, out.second);	/* the alias came back */
	EXPECT_EQ(3u, out.first->n);
	EXPECT_EQ(9, out.second->data[2]);
	ASSERT_NE(NULL, out.label);
	EXPECT_STREQ("twins", out.label);
	in.second = c;				/* two blobs stay two */
	EXPECT_EQ(50 + 10 + 2, OpTwins(&in, &out));
	in.second = NULL;
	in.label = NULL;
	EXPECT_EQ(10, OpTwins(&in, &out));
	EXPECT_EQ(0u, rpc_call_status());
	free(b);
	free(c);
}

TEST_F(rt, constructs_in_out_in_place)
{
	char sized[6] = "ab", word[8] = "word";
	uint16_t wmax[7] = { 'w', 0 };
	blob_t *blob = calloc(1, sizeof(*blob) + 3);

	ASSERT_NE(NULL, blob);
	blob->n = 3;
	memcpy(blob->data, "\1\2\3", 3);
	EXPECT_EQ(2, OpInPlace(sizeof(sized), sized, wmax, word, blob));
	EXPECT_EQ(0u, rpc_call_status());
	EXPECT_STREQ("SSSSS", sized);		/* all of size_is(6) */
	EXPECT_EQ('f', wmax[5]);		/* max_is(6): 7 elements */
	EXPECT_EQ(0, wmax[6]);
	EXPECT_STREQ("WORD", word);
	EXPECT_EQ(2u, blob->n);			/* shrunk in place */
	EXPECT_EQ(4, blob->data[1]);
	EXPECT_EQ(3, blob->data[2]);
	free(blob);
}

TEST_F(rt, constructs_last_is)
{
	int32_t win[6] = { 1, 2, 4, 8, 16, 32 };

	EXPECT_EQ(4 + 8 + 16, OpLastIs(6, 2, 4, win));
	EXPECT_EQ(0, OpLastIs(6, 2, 1, win));	/* last_is = first_is - 1 */
	EXPECT_EQ(0u, rpc_call_status());
	OpLastIs(6, 2, 6, win);			/* beyond the array */
	EXPECT_EQ((uint32_t)nca_s_fault_invalid_bound, rpc_call_status());
}

TEST_F(rt, constructs_varying_and_tagged)
{
	int32_t win[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, more[4] = { 0 };
	window_t w = { .max = 8, .first = 2, .len = 3, .window = win };
	uint32_t count = 4;
	int32_t vals[2] = { 11, 22 };
	struct tagged t = { .level = 2, .values = vals };
	dce_uuid_t id = { .time_low = 41 }, id_out;

	EXPECT_EQ(3 + 4 + 5, OpWindow(&w, &count, more));
	EXPECT_EQ(2u, count);
	EXPECT_EQ(12, more[0]);
	EXPECT_EQ(13, more[1]);
	memset(&id_out, 0, sizeof(id_out));
	EXPECT_EQ(2 + 11, OpTagged(&t, &t, &id, &id_out));
	EXPECT_EQ(42u, id_out.time_low);
	EXPECT_EQ(2, OpTagged(&t, NULL, NULL, &id_out));
	t.level = 0;				/* [range(1, 100)] */
	OpTagged(&t, NULL, NULL, &id_out);
	EXPECT_EQ((uint32_t)nca_s_fault_invalid_bound, rpc_call_status());
}

TEST_F(rt, constructs_context_handles_and_bindings)
{
	session_t s = NULL;
	void *raw = NULL;
	int32_t v = 0;
	error_status_t st = 99;

	EXPECT_EQ(0, OpOpen(7, &s));
	EXPECT_EQ((handle_t)0x2222, rt.last_binding);	/* implicit handle */
	EXPECT_EQ(0, OpNext(s, &v));
	EXPECT_EQ(7, v);
	EXPECT_EQ(0, OpNext(s, &v));
	EXPECT_EQ(8, v);
	EXPECT_EQ(0, OpClose(&s));
	EXPECT_EQ(NULL, s);
	EXPECT_EQ(0, OpRawCtx(&raw));
	ASSERT_NE(NULL, raw);
	EXPECT_EQ(1, OpRawCtx(&raw));
	EXPECT_EQ(NULL, raw);
	EXPECT_EQ(0, open_server_contexts());
	/* explicit binding, and a [comm_status] parameter */
	EXPECT_EQ(5, OpExplicit((handle_t)0x4242, 5, &st));
	EXPECT_EQ((handle_t)0x4242, rt.last_binding);
	EXPECT_EQ(0u, st);
	/* [comm_status] operation: the status replaces the return value */
	EXPECT_EQ(7u, OpStatus(0));
	EXPECT_EQ(0x1c000005u, OpStatus(0x1c000005));
	/* [maybe] and [broadcast] still reach the server here */
	OpMaybe(31);
	EXPECT_EQ(31, maybe_seen);
	OpBroadcast();
	EXPECT_EQ(0u, rpc_call_status());
}

TEST_F(rt, epmapper_and_mgmt)
{
	ept_entry_t ent[4];
	uint32_t n = 0, stats[4];
	error_status_t st = 1;
	ept_lookup_handle_t eh = NULL;
	twr_t *tw = malloc(sizeof(*tw) + 5), *towers[2] = { 0 };
	dce_uuid_t obj;
	rpc_if_id_vector_p_t ids = NULL;
	statistics_count_t count = 4;
	char name[32];

	memset(ent, 0, sizeof(ent));
	strcpy(ent[0].annotation, "svc");
	ent[0].tower = tw;
	tw->tower_length = 5;
	memcpy(tw->tower_octet_string, "\x01\x00\x13\x00\x0d", 5);
	ept_insert((handle_t)1, 1, ent, 1, &st);
	EXPECT_EQ(0u, rpc_call_status());
	EXPECT_EQ(0u, st);
	ept_lookup((handle_t)1, 0, NULL, NULL, 1, &eh, 4, &n, ent, &st);
	EXPECT_EQ(0u, rpc_call_status());
	EXPECT_EQ(2u, n);
	EXPECT_STREQ("first", ent[0].annotation);
	EXPECT_STREQ("second", ent[1].annotation);
	EXPECT_EQ(2u, ent[1].object.time_low);
	ASSERT_NE(NULL, ent[1].tower);
	EXPECT_EQ(3u, ent[1].tower->tower_length);
	EXPECT_EQ('c', ent[1].tower->tower_octet_string[2]);
	ept_map((handle_t)1, NULL, tw, &eh, 2, &n, towers, &st);
	EXPECT_EQ(0u, rpc_call_status());
	EXPECT_EQ(1u, n);
	ASSERT_NE(NULL, towers[0]);
	EXPECT_EQ(5u, towers[0]->tower_length);
	EXPECT_EQ(0x0d, towers[0]->tower_octet_string[4]);
	ept_inq_object((handle_t)1, &obj, &st);
	EXPECT_EQ(0x35, obj.node[5]);
	inq_if_ids((handle_t)1, &ids, &st);
	ASSERT_NE(NULL, ids);
	ASSERT_EQ(2u, ids->count);
	EXPECT_EQ(0x1001u, ids->if_id[1]->uuid.time_low);
	EXPECT_EQ(2, ids->if_id[1]->vers_major);
	inq_stats((handle_t)1, &count, stats, &st);
	EXPECT_EQ(0u, rpc_call_status());
	EXPECT_EQ(103u, stats[3]);
	count = 5;				/* range(0, 4) */
	inq_stats((handle_t)1, &count, stats, &st);
	EXPECT_EQ((uint32_t)nca_s_fault_invalid_bound, rpc_call_status());
	EXPECT_EQ(1u, is_server_listening((handle_t)1, &st));
	strcpy(name, "?");
	inq_princ_name((handle_t)1, 9, sizeof(name), name, &st);
	EXPECT_EQ(0u, rpc_call_status());
	EXPECT_STREQ("lrpc@LOCAL", name);
	inq_princ_name((handle_t)1, 9, 5, name, &st);	/* truncated by the manager */
	EXPECT_EQ(0u, rpc_call_status());
	EXPECT_STREQ("lrpc", name);
	strcpy(name, "?");
	inq_princ_name((handle_t)1, 9, 0, name, &st);	/* no room: max 0, actual 0 */
	EXPECT_EQ(0u, rpc_call_status());
	EXPECT_STREQ("?", name);
	free(tw);
}

#include "real_rt.h"

TEST_HARNESS_MAIN
