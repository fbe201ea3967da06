// SPDX-License-Identifier: MIT
/*
 * A call on the server side: what its manager may ask of it (the
 * rpc_call_ctx_* API, rpc_ss_allocate, rpc_server_fault), and running
 * it: unmarshal, the manager, marshal (run_call), then the answer
 * through the engine that received it (call->ops).  Engines create and
 * free calls; the connection's transport answers rpc_call_ctx_binding
 * and rpc_call_ctx_peer_cred (engine/co/co_conn.c).
 */
#include <errno.h>
#include <string.h>
#include "runtime/server_int.h"
#include "ndr/ndr_int.h"

/* ---- call helpers for managers ----------------------------------------- */

int rpc_call_ctx_syntax(const struct rpc_call_ctx *call)
{
	return call->syntax;
}

bool rpc_call_ctx_big_endian(const struct rpc_call_ctx *call)
{
	return call->be;
}

bool rpc_call_ctx_cancelled(const struct rpc_call_ctx *call)
{
	return atomic_load(&call->cancelled);
}

void rpc_call_ctx_object(const struct rpc_call_ctx *call, rpc_uuid_t *obj)
{
	*obj = call->object;
}

struct rpc_server *rpc_call_ctx_server(const struct rpc_call_ctx *call)
{
	return call->srv;
}

uint16_t rpc_call_ctx_opnum(const struct rpc_call_ctx *call)
{
	return call->opnum;
}

/* For context_handle.c */
struct assoc_group *__rpc_call_group(const struct rpc_call_ctx *call)
{
	return call->group;
}

struct sctx_holds *__rpc_call_holds(struct rpc_call_ctx *call)
{
	return &call->sctx;
}

const struct rpc_interface *__rpc_call_iface(const struct rpc_call_ctx *call)
{
	return call->iface.iface;
}

/* The call this thread executes, and a fault its manager asked for. */
static __thread struct rpc_call_ctx *cur_call;
static __thread bool cur_fault_set;
static __thread uint32_t cur_fault;

struct rpc_call_ctx *rpc_call_ctx_current(void)
{
	return cur_call;
}

void rpc_server_fault(uint32_t status)
{
	cur_fault_set = true;
	cur_fault = status;
}

static struct ndr_arena *call_arena(struct rpc_call_ctx *call)
{
	if (!call->arena) {
		ndr_arena_init(&call->arena_s, 0);
		call->arena = &call->arena_s;
	}
	return call->arena;
}

void *rpc_ss_allocate(size_t size)
{
	struct ndr_arena *a;

	if (!cur_call)
		return NULL;
	a = call_arena(cur_call);
	return a ? ndr_arena_alloc(a, size ? size : 1) : NULL;
}

/* ---- running a call ---------------------------------------------------- */

uint32_t __rpc_to_fault(int ret)
{
	uint32_t v = (uint32_t)-ret;

	if (v >= 1700)
		return v;
	switch (-v) {
	case -ENOMEM:
		return nca_s_fault_remote_no_memory;
	case -E2BIG:
		return nca_s_out_args_too_big;
	case -ECANCELED:
		return nca_s_fault_cancel;
	case -EINVAL:
		return rpc_x_bad_stub_data;
	}
	return nca_s_fault_unspec;
}

/*
 * Unmarshal, run the thunk, marshal.  Returns 0, or -1 with *fault set.
 * Statuses that managers (rpc_server_fault) and thunks (negative
 * returns) give travel verbatim, even small ones that look like errno;
 * only -ENOMEM from a thunk (its runtime helpers) is mapped.
 */
__rpc_hot static int run_thunk(struct rpc_call_ctx *call, struct ndr_buf *out,
		     uint32_t *fault)
{
	const struct rpc_interface *s = call->iface.iface;
	const struct ndr_proc *proc = &s->procs[call->opnum];
	struct ndr_arena *arena;
	void **args;
	ssize_t n;
	int ret;

	*fault = 0;
	if (!s->thunks[call->opnum]) {
		*fault = nca_s_op_rng_error;
		return -1;
	}
	arena = call_arena(call);
	args = arena ? ndr_arena_alloc(arena, (proc->nparams + 1) *
				       sizeof(void *)) : NULL;
	if (args && proc->ret)
		args[proc->nparams] = ndr_arena_alloc(arena, proc->ret->size ?
						      proc->ret->size : 8);
	if (!args || (proc->ret && !args[proc->nparams])) {
		*fault = nca_s_fault_remote_no_memory;
		return -1;
	}
	ret = __ndr_unmarshal_call_pad(proc, NDR_DIR_IN, args, call->syntax,
				       call->drep, call->in.data, call->in.len,
				       arena, call->in_pad);
	if (ret < 0) {
		*fault = __rpc_to_fault(ret);
		return -1;
	}
	cur_fault_set = false;
	ret = s->thunks[call->opnum](args, call);
	if (ret < 0) {
		*fault = ret == -ENOMEM ? nca_s_fault_remote_no_memory
					: (uint32_t)-ret;
		return -1;
	}
	if (cur_fault_set) {
		*fault = cur_fault ? cur_fault : nca_s_fault_unspec;
		return -1;
	}
	n = ndr_marshal_call(proc, NDR_DIR_OUT, args, call->syntax,
			     call->be ? NDR_F_BIG_ENDIAN : 0, out);
	if (n < 0) {
		*fault = __rpc_to_fault((int)n);
		return -1;
	}
	return 0;
}

/* Run the manager of call: 0 or the fault to send (*dnep: it did not
 * execute). */
__rpc_hot static uint32_t run_call(struct rpc_call_ctx *call, struct ndr_buf *out,
			 bool *dnep)
{
	const struct rpc_interface *s = call->iface.iface;
	uint32_t fault = call->fault;
	bool dne = fault != 0;
	int ret;

	if (!fault && call->opnum >= s->nprocs) {
		fault = nca_s_op_rng_error;
		dne = true;
	}
	if (!fault) {
		fault = __rpc_call_admit(call);
		dne = fault != 0;
	}
	/* authenticated clients append a verification trailer */
	if (!fault && call->auth) {
		size_t pad;

		if (__rpc_vt_strip(call, &pad) < 0) {
			fault = rpc_s_access_denied;
			dne = true;
		}
		call->in_pad = (uint8_t)pad;
	}
	if (!fault) {
		cur_call = call;
		/* an interface with thunks may leave single operations
		 * to its raw dispatch (a NULL thunk) */
		if (call->iface.raw && (!s->thunks || !s->thunks[call->opnum])) {
			ret = call->iface.raw(call, call->opnum, call->in.data,
					      call->in.len, out);
			if (ret < 0)
				fault = __rpc_to_fault(ret);
		} else {
			run_thunk(call, out, &fault);
		}
		cur_call = NULL;
		/* [out] values are marshalled: the next call on a handle
		 * may run */
		__rpc_sctx_release_call(call);
		if (fault == nca_s_op_rng_error)
			dne = true;
	}
	if (fault && atomic_load(&call->cancelled) &&
	    fault == nca_s_fault_unspec)
		fault = nca_s_fault_cancel;
	*dnep = dne;
	return fault;
}

/* Run call and answer it, on a worker or the leader. */
void __rpc_call_execute(struct rpc_call_ctx *call)
{
	struct rpc_server *srv = call->srv;
	struct ndr_buf out = { 0 };
	uint32_t fault;
	bool dne;

	atomic_fetch_add(&srv->running, 1);
	fault = run_call(call, &out, &dne);
	/* orphaned or [maybe]: nobody waits for this answer */
	if (!atomic_load(&call->orphaned) && !call->maybe)
		call->ops->reply(call, fault, dne, fault ? NULL : &out);
	__ndr_buf_free(&out);
	call->ops->done(call);
	atomic_fetch_sub(&srv->running, 1);
}

__rpc_hot uint32_t __rpc_call_run(struct rpc_call_ctx *call, const void *in,
			size_t inlen, struct ndr_buf *out, bool *dne)
{
	uint32_t fault;

	call->in.data = (uint8_t *)in;	/* borrowed, never freed here */
	call->in.len = inlen;
	fault = run_call(call, out, dne);
	memset(&call->in, 0, sizeof(call->in));
	return fault;
}

void __rpc_call_cancel(struct rpc_call_ctx *call)
{
	atomic_store(&call->cancelled, true);
}
