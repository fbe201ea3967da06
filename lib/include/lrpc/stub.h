/* SPDX-License-Identifier: MIT */
/*
 * lrpc stub contract: what the code lrpc-idl generates needs from the
 * runtime, and what it gives the runtime.
 *
 * Generated files, for an interface `foo' version 1.0 in foo.idl:
 *   foo.h      C types, constants, prototypes of the operations, and
 *              extern declarations of the interface specs below
 *   foo_ndr.c  the NDR type tables (lib/include/lrpc/ndr.h) and
 *              `const struct ndr_proc foo_v1_0_procs[]', shared by both sides
 *   foo_c.c    client stubs and foo_v1_0_c_ifspec (thunks == NULL)
 *   foo_s.c    server thunks and foo_v1_0_s_ifspec; the user writes the
 *              manager routines, named like the operations (or with the
 *              --server-prefix given to lrpc-idl)
 *
 * ---------------------------------------------------------------------
 * Client side
 *
 * A client stub builds the argument vector that ndr.h describes (one slot
 * per marshalled parameter, then one for the return value) and calls
 *
 *     int rpc_call(rpc_binding_t *binding, const struct rpc_interface *iface,
 *                  uint32_t opnum, void **args);
 *
 * which checks that no [ref] parameter ([in] or [out]) is NULL -- else
 * rpc_x_null_ref_pointer and nothing is sent, not even a bind -- marshals
 * the [in] values (ndr_marshal_call), carries the request, and unmarshals
 * the [out] values and the return value into the slots.  rpc_call returns
 * 0 or -STATUS, never -errno (the error model is in <lrpc/status.h>), and
 * sets the calling thread's rpc_call_status() to 0 or the exact status.
 *
 * A failed call never looks like a success.  What a generated stub does
 * when the call fails (in transport, by a fault, or before sending):
 *  - the calling thread's rpc_call_status() is the failure status (a
 *    server's fault verbatim, HRESULTs included);
 *  - an [out] error_status_t * parameter with [comm_status] or
 *    [fault_status] (in the ACF, or in the IDL as lrpc-idl allows) is not
 *    transmitted: the stub stores 0 or the failure status into it, and
 *    nothing else is reported;
 *  - otherwise an operation that returns error_status_t (with or without
 *    [comm_status] / [fault_status] on the operation) returns the
 *    failure status instead of a value, never 0;
 *  - otherwise (void, or another return type, which is then zero) the
 *    stub reports the failure as MIDL raises an exception: it calls the
 *    calling thread's hook set with rpc_set_call_failure_hook(); without
 *    a hook the failure is only recorded in rpc_call_status(), unless
 *    $LRPC_CALL_FAILURE is "abort" (rpc_call_failure_abort: a message on
 *    stderr, then abort()).
 * The stubs end every call with rpc_call_end(), which implements this.
 *
 * Binding: an operation whose first parameter is handle_t uses it
 * (explicit binding).  Otherwise the first [in] context handle that is
 * not NULL supplies the binding, else the interface's implicit binding
 * variable: the ACF's implicit_handle(handle_t name), or by default
 * `handle_t foo_binding' (defined in foo_c.c).  A NULL binding lets the
 * runtime choose (auto binding).
 *
 * Memory: [out] referents that the client did not supply (a unique
 * pointer's target, a string returned through wchar_t **) are allocated
 * by rpc_call from the calling thread's client arena; they stay valid
 * until rpc_ss_release() (the DCE rpc_ss_disable_allocate analogue).
 *
 * ---------------------------------------------------------------------
 * Server side
 *
 * For request opnum of an interface registered with thunks, the runtime
 *   1. zeroes args[] (nparams slots plus one for a non-void return) and
 *      points the return slot at zeroed storage of proc->ret->size octets;
 *   2. ndr_unmarshal_call(NDR_DIR_IN) into args[];
 *   3. calls iface->thunks[opnum](args, ctx): the thunk calls the manager
 *      routine with typed arguments and stores its return value;
 *   4. a thunk result < 0 is a fault with status -result; else the
 *      runtime marshals NDR_DIR_OUT from the same args[].
 *
 * Context handles.  In C a context handle is a void * on both sides (the
 * MIDL convention); on the wire it is struct ndr_context_handle.  The
 * stubs convert with the five functions below; on the server each
 * context handle type T gets a user rundown routine `void T_rundown(T)'
 * that the runtime calls when the client goes away.
 */
#ifndef LRPC_STUB_H
#define LRPC_STUB_H

#include <stdint.h>
#include <lrpc/ndr.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rpc_binding rpc_binding_t;	/* defined by the runtime */
typedef rpc_binding_t *handle_t;		/* IDL handle_t */
typedef uint32_t error_status_t;		/* IDL error_status_t */
struct rpc_call_ctx;				/* one server call, runtime's */

/* A uuid in the DCE layout (its text order: time_low-time_mid-...). */
struct rpc_uuid {
	uint32_t time_low;
	uint16_t time_mid;
	uint16_t time_hi_and_version;
	uint8_t clock_seq_hi_and_reserved;
	uint8_t clock_seq_low;
	uint8_t node[6];
};

/* Interface or transfer syntax identifier. */
struct rpc_syntax_id {
	struct rpc_uuid uuid;
	uint16_t major;
	uint16_t minor;
};

/* Per-operation call semantics from the IDL (rpc_interface.proc_flags). */
#define RPC_PROC_IDEMPOTENT	0x1u	/* [idempotent] */
#define RPC_PROC_MAYBE		0x2u	/* [maybe]: no reply expected */
#define RPC_PROC_BROADCAST	0x4u	/* [broadcast] */

/*
 * Server thunk: calls the manager routine with the values in args[] and
 * stores the return value in args[nparams].  Returns 0, or a negative
 * status that the runtime turns into a fault.
 */
typedef int (*rpc_thunk_fn)(void **args, struct rpc_call_ctx *ctx);

/* Rundown routine of a context handle type (server side). */
typedef void (*rpc_rundown_fn)(void *user_context);

struct rpc_interface {
	struct rpc_syntax_id id;	/* uuid and version(major.minor) */
	const char *name;		/* the IDL interface name */
	uint32_t nprocs;		/* opnums 0 .. nprocs-1 */
	const struct ndr_proc *procs;	/* indexed by opnum */
	const uint32_t *proc_flags;	/* RPC_PROC_*, indexed by opnum */
	const rpc_thunk_fn *thunks;	/* server: by opnum; client: NULL */
	const char *const *endpoints;	/* [endpoint("ncacn_ip_tcp:[135]")] */
	uint32_t nendpoints;
};

/* ---- implemented by the runtime (issue 7) ---- */

/* Carry one call; see above.  Returns 0 or -STATUS. */
int rpc_call(rpc_binding_t *binding, const struct rpc_interface *iface,
	     uint32_t opnum, void **args);

/* Status of the calling thread's last call (rpc_call, or a generated
 * stub): 0 or the exact status, a server's fault verbatim. */
uint32_t rpc_call_status(void);

/*
 * The counterpart of MIDL's exception for a failed call that its
 * operation cannot return (see above): fn(iface, opnum, status, arg) runs
 * in the calling thread before the stub returns.  Per thread; NULL
 * removes it.  rpc_call_failure_abort is a ready hook that prints what
 * failed and aborts.
 */
typedef void (*rpc_call_failure_fn)(const struct rpc_interface *iface,
				    uint32_t opnum, error_status_t status,
				    void *arg);
void rpc_set_call_failure_hook(rpc_call_failure_fn fn, void *arg);
void rpc_call_failure_abort(const struct rpc_interface *iface, uint32_t opnum,
			    error_status_t status, void *arg);

/*
 * How a generated client stub ends a call: rc is what rpc_call (or a
 * context handle function before or after it) returned.  Returns 0, or
 * the failure status, which becomes rpc_call_status(); with
 * RPC_CALL_END_REPORT a failure also goes to the hook (see above).
 */
#define RPC_CALL_END_REPORT	0x1u
error_status_t rpc_call_end(int rc, const struct rpc_interface *iface,
			    uint32_t opnum, unsigned int flags);

/* Free what rpc_call allocated for the calling thread's [out] values. */
void rpc_ss_release(void);

/*
 * A manager routine fails the current server call with a fault carrying
 * status (e.g. nca_s_fault_context_mismatch, or any application value):
 * the runtime sends the fault instead of the [out] values once the thunk
 * returns.  Per thread; the last call before returning wins.
 */
void rpc_server_fault(uint32_t status);

/*
 * Memory for [out] values a manager returns (a string through wchar_t **,
 * a new list node): zeroed, aligned to 16, valid until the reply has been
 * marshalled, then freed by the runtime (the DCE rpc_ss_allocate).  NULL
 * when the call's memory limit is reached.
 */
void *rpc_ss_allocate(size_t size);

/* The binding a server call arrived on (handle_t parameters). */
handle_t rpc_call_ctx_binding(struct rpc_call_ctx *ctx);

/*
 * Client context handles.  rpc_cctx_to_wire() gives the wire form of a
 * client context (NULL: 20 zero octets); rpc_cctx_from_wire() updates
 * *cctx from the wire form the server returned (all zero: frees it and
 * sets NULL; else creates or updates it, remembering the binding);
 * rpc_cctx_binding() is the binding a context was created on.  A context
 * holds a reference to that binding: rpc_binding_free() by the program
 * does not end it (nor the connection and association the server keeps
 * the handle in) while the context is open; closing the context or
 * rpc_ss_destroy_client_context() lets it go.
 */
int rpc_cctx_to_wire(void *cctx, struct ndr_context_handle *wire);
int rpc_cctx_from_wire(rpc_binding_t *binding,
		       const struct ndr_context_handle *wire, void **cctx);
rpc_binding_t *rpc_cctx_binding(void *cctx);

/*
 * Free a client context handle without telling the server (the DCE
 * rpc_ss_destroy_client_context, RpcSsDestroyClientContext): for a
 * context whose server is gone or unreachable.  Sets *cctx to NULL and
 * drops the context's reference to its binding; once nothing else holds
 * the binding its connection closes, and a server still there runs the
 * handle down.  Returns 0 (also for *cctx == NULL), -EINVAL when cctx is
 * NULL, or -rpc_x_ss_context_damaged when *cctx is not a context handle.
 */
int rpc_ss_destroy_client_context(void **cctx);

/*
 * Server context handles.  rpc_sctx_lookup() maps the wire form of an
 * [in] context handle to the user context.  flags:
 *   RPC_SCTX_ALLOW_NULL   an all-zero handle gives NULL ([in, out]
 *                         parameters); without it, it is an error;
 *   RPC_SCTX_NOSERIALIZE  do not wait for other calls on the handle
 *                         (MIDL [context_handle_noserialize]).
 * By default calls on one handle are serialized as MIDL does: a lookup
 * waits until the call that holds the handle has ended.  A handle is
 * usable only with the interface that created it (MIDL's
 * [strict_context_handle], always on).  An unknown handle, one of another
 * interface, or one closed while waiting returns
 * -nca_s_fault_context_mismatch.  The call holds the handle until it
 * ends: a close by another call, or the rundown when the client goes,
 * never frees it under a running manager (the rundown then waits for the
 * last call using the handle).
 * rpc_sctx_to_wire() runs after the manager: wire holds the handle that
 * came in (all zero for [out]-only); a NULL user context closes it and
 * zeroes wire, any other creates (or rebinds) the handle, with rundown
 * to be called if the client goes away.  A handle that another call
 * closed meanwhile stays closed (wire all zero).
 */
#define RPC_SCTX_ALLOW_NULL	0x1
#define RPC_SCTX_NOSERIALIZE	0x2
int rpc_sctx_lookup(struct rpc_call_ctx *ctx,
		    const struct ndr_context_handle *wire, int flags,
		    void **user_context);
int rpc_sctx_to_wire(struct rpc_call_ctx *ctx, void *user_context,
		     rpc_rundown_fn rundown, struct ndr_context_handle *wire);

#ifdef __cplusplus
}
#endif
#endif /* LRPC_STUB_H */
