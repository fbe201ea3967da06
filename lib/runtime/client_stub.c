// SPDX-License-Identifier: MIT
/*
 * The client side of the stub contract (<lrpc/stub.h>): rpc_call()
 * marshals [in] with lib/ndr, carries the request over the binding's
 * connection and unmarshals [out]; client context handles.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "runtime/runtime_int.h"
#include "runtime/call_status.h"

static __thread struct ndr_arena *cli_arena;
__thread uint32_t __rpc_cli_proc_flags;

void rpc_ss_release(void)
{
	if (cli_arena) {
		ndr_arena_release(cli_arena);
		free(cli_arena);
		cli_arena = NULL;
	}
}

/*
 * The thread's client arena, exchanged: the library's own stubs (lib/epm,
 * called while a program's call connects) keep their [out] values apart
 * from the program's and release only theirs.
 */
struct ndr_arena *__rpc_ss_swap_arena(struct ndr_arena *a)
{
	struct ndr_arena *old = cli_arena;

	cli_arena = a;
	return old;
}

/* ret is already what the API returns (-STATUS): record it exactly. */
__rpc_hot static int done(int ret, uint32_t fault)
{
	__rpc_set_call_status(ret >= 0 ? 0 : fault && fault != nca_s_fault_cancel ?
			      fault : (uint32_t)-ret);
	return ret < 0 ? ret : 0;
}

/* A [ref] parameter, [in] or [out], must point somewhere. */
__rpc_hot static bool null_ref(const struct ndr_proc *proc, void **args)
{
	uint32_t i;

	for (i = 0; i < proc->nparams; i++)
		if ((proc->params[i].flags & NDR_PF_REF) && !args[i])
			return true;
	return false;
}

__rpc_hot int rpc_call(rpc_binding_t *b, const struct rpc_interface *iface,
	     uint32_t opnum, void **args)
{
	const struct ndr_proc *proc;
	void *none[1] = { NULL };
	struct rpc_reply reply = { 0 };
	struct ndr_buf buf;
	ssize_t n;
	int syntax, ret;

	if (!iface)
		return done(-rpc_s_invalid_arg, 0);
	if (!b)
		return done(-rpc_s_no_bindings, 0);	/* auto binding: EPM */
	if (opnum >= iface->nprocs || !iface->procs)
		return done(-rpc_s_procnum_out_of_range, 0);
	proc = &iface->procs[opnum];
	if (!args && !proc->nparams && !proc->ret)
		args = none;
	if (!args || null_ref(proc, args))
		return done(-rpc_x_null_ref_pointer, 0);
	syntax = rpc_binding_syntax(b, &iface->id);
	if (syntax < 0)
		return done(syntax, 0);
	ndr_buf_init(&buf);
	n = ndr_marshal_call(proc, NDR_DIR_IN, args, (enum ndr_syntax)syntax,
			     rpc_binding_big_endian(b) ? NDR_F_BIG_ENDIAN : 0,
			     &buf);
	if (n < 0) {
		ndr_buf_release(&buf);
		return done(__rpc_call_ret((int)n, 0), 0);
	}
	__rpc_cli_proc_flags = iface->proc_flags ? iface->proc_flags[opnum] : 0;
	ret = rpc_call_raw(b, &iface->id, (uint16_t)opnum, buf.data, buf.len,
			   &reply);
	__rpc_cli_proc_flags = 0;
	ndr_buf_release(&buf);
	if (ret < 0)
		return done(ret, reply.fault);
	if (!cli_arena) {
		cli_arena = calloc(1, sizeof(*cli_arena));
		if (!cli_arena) {
			rpc_reply_release(&reply);
			return done(-rpc_s_out_of_memory, 0);
		}
		ndr_arena_init(cli_arena, 0);
	}
	ret = ndr_unmarshal_call(proc, NDR_DIR_OUT, args, (enum ndr_syntax)syntax,
				 reply.drep, reply.data, reply.len, cli_arena);
	rpc_reply_release(&reply);
	return done(__rpc_call_ret(ret, 0), 0);
}

/* ---- client context handles ----------------------------------------- */

#define CCTX_MAGIC 0x63637478u

/* A client context handle holds a reference to its binding, so the
 * binding cannot be freed under it (rpc_binding_free drops the program's
 * reference only). */
struct cctx {
	uint32_t magic;
	struct ndr_context_handle wire;
	rpc_binding_t *binding;		/* counted */
};

static const uint8_t zero20[20];

static void cctx_free(struct cctx *c)
{
	rpc_binding_t *b = c->binding;

	c->magic = 0;
	free(c);
	rpc_binding_free(b);		/* our reference */
}

int rpc_cctx_to_wire(void *p, struct ndr_context_handle *wire)
{
	struct cctx *c = p;

	if (!wire)
		return -EINVAL;
	if (!c) {
		memset(wire, 0, sizeof(*wire));
		return 0;
	}
	if (c->magic != CCTX_MAGIC)
		return -rpc_x_ss_context_damaged;
	*wire = c->wire;
	return 0;
}

int rpc_cctx_from_wire(rpc_binding_t *b, const struct ndr_context_handle *wire,
		       void **pp)
{
	struct cctx *c;

	if (!wire || !pp)
		return -EINVAL;
	c = *pp;
	if (c && c->magic != CCTX_MAGIC)
		return -rpc_x_ss_context_damaged;
	if (!memcmp(wire, zero20, sizeof(zero20))) {
		if (c)
			cctx_free(c);
		*pp = NULL;
		return 0;
	}
	if (!c) {
		c = calloc(1, sizeof(*c));
		if (!c)
			return -ENOMEM;
		c->magic = CCTX_MAGIC;
		*pp = c;
	}
	c->wire = *wire;
	if (c->binding != b) {
		if (b)
			__rpc_binding_get(b);
		rpc_binding_free(c->binding);
		c->binding = b;
	}
	return 0;
}

rpc_binding_t *rpc_cctx_binding(void *p)
{
	struct cctx *c = p;

	return c && c->magic == CCTX_MAGIC ? c->binding : NULL;
}

int rpc_ss_destroy_client_context(void **pp)
{
	struct cctx *c;

	if (!pp)
		return -EINVAL;
	c = *pp;
	if (!c)
		return 0;
	if (c->magic != CCTX_MAGIC)
		return -rpc_x_ss_context_damaged;
	*pp = NULL;
	cctx_free(c);
	return 0;
}
