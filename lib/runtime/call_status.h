/* SPDX-License-Identifier: MIT */
/* The boundary of the call path (call_status.c). */
#ifndef LRPC_CALL_STATUS_H
#define LRPC_CALL_STATUS_H

#include <stdint.h>

/* An engine's result and the server's fault (0: none) as the API returns
 * them: >= 0, or -STATUS, never -errno. */
int __rpc_call_ret(int ret, uint32_t fault);
/* Sets what rpc_call_status() returns for the calling thread. */
void __rpc_set_call_status(uint32_t status);

#endif
