/* SPDX-License-Identifier: MIT */
/* bench_rpc: the libtirpc side (tirpc_side.c). */
int tirpc_start(void);
void *tirpc_client(void);
int tirpc_null(void *c);
void tirpc_client_free(void *c);
