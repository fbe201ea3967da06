// SPDX-License-Identifier: MIT
/*
 * The error model of calls (<lrpc/status.h>): what the call path returns
 * at the library's boundary, the calling thread's last call status, and
 * what a generated stub does with a failed call (<lrpc/stub.h>).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lrpc/stub.h>
#include <lrpc/status.h>
#include "runtime/call_status.h"

static __thread uint32_t last_status;
static __thread rpc_call_failure_fn hook;
static __thread void *hook_arg;

uint32_t rpc_call_status(void)
{
	return last_status;
}

void __rpc_set_call_status(uint32_t status)
{
	last_status = status;
}

/* The status that stands for a system error on the call path. */
static uint32_t errno_status(int err)
{
	switch (err) {
	case ENOMEM:
		return rpc_s_out_of_memory;
	case ETIMEDOUT:
		return rpc_s_timeout;
	case EINVAL:
	case EFAULT:
	case E2BIG:
	case EMSGSIZE:
	case ERANGE:
		return rpc_s_invalid_arg;
	case EACCES:
	case EPERM:
		return rpc_s_access_denied;
	case ECONNREFUSED:
	case ENOENT:
	case EHOSTUNREACH:
	case ENETUNREACH:
	case EHOSTDOWN:
	case ENETDOWN:
	case EADDRNOTAVAIL:
		return rpc_s_server_unavailable;
	case ECANCELED:
	case EINTR:
		return rpc_s_call_cancelled;
	case EMFILE:
	case ENFILE:
	case ENOBUFS:
	case EAGAIN:
		return rpc_s_out_of_resources;
	case EBADMSG:
	case EPROTO:
		return rpc_s_protocol_error;
	case EOPNOTSUPP:
	case EPROTONOSUPPORT:
	case EAFNOSUPPORT:
		return rpc_s_protseq_not_supported;
	default:	/* ECONNRESET, EPIPE, ...: the connection went away */
		return rpc_s_call_failed;
	}
}

/*
 * ret from the engines (>= 0, -errno, or -STATUS with STATUS >= 1700) and
 * the fault the server sent (0: none) to what the API returns.
 */
int __rpc_call_ret(int ret, uint32_t fault)
{
	if (fault)
		return fault == nca_s_fault_cancel ? -rpc_s_call_cancelled :
		       fault <= INT32_MAX ? -(int)fault : -rpc_s_call_failed;
	if (ret >= 0 || -ret >= 1700)
		return ret;
	return -(int)errno_status(-ret);
}

void rpc_set_call_failure_hook(rpc_call_failure_fn fn, void *arg)
{
	hook = fn;
	hook_arg = arg;
}

void rpc_call_failure_abort(const struct rpc_interface *iface, uint32_t opnum,
			    error_status_t status, void *arg)
{
	(void)arg;
	fprintf(stderr, "lrpc: call %s.%u failed: %s (%s, 0x%08x); "
		"the operation has no way to return it -- set a hook with "
		"rpc_set_call_failure_hook() or read rpc_call_status()\n",
		iface && iface->name ? iface->name : "?", opnum,
		rpc_status_text((int32_t)status), rpc_status_name((int32_t)status),
		status);
	abort();
}

error_status_t rpc_call_end(int rc, const struct rpc_interface *iface,
			    uint32_t opnum, unsigned int flags)
{
	uint32_t st = 0;
	const char *e;

	if (rc < 0) {
		/* rpc_call's own failure: its exact status (an HRESULT
		 * fault returns -rpc_s_call_failed); else a local one */
		uint32_t l = last_status;
		int as_int = l <= INT32_MAX ? -(int)l : -rpc_s_call_failed;

		st = l && rc == as_int ? l : (uint32_t)-__rpc_call_ret(rc, 0);
	}
	last_status = st;
	if (!st || !(flags & RPC_CALL_END_REPORT))
		return st;
	if (hook) {
		hook(iface, opnum, st, hook_arg);
	} else {
		e = getenv("LRPC_CALL_FAILURE");
		if (e && !strcmp(e, "abort"))
			rpc_call_failure_abort(iface, opnum, st, NULL);
	}
	return st;
}
