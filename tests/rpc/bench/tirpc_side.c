// SPDX-License-Identifier: MIT
/*
 * The ONC RPC (libtirpc) half of bench_rpc, in its own file: <rpc/rpc.h>
 * declares an rpc_call() of its own that clashes with <lrpc/stub.h>.
 */
#include <pthread.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <rpc/rpc.h>
#include "bench.h"

#define PROG	0x20000777
#define VERS	1

static int port;

#pragma GCC diagnostic ignored "-Wcast-function-type"

static void dispatch(struct svc_req *rq, SVCXPRT *x)
{
	svc_sendreply(x, (xdrproc_t)xdr_void, NULL);
}

static void *serve(void *arg)
{
	svc_run();
	return NULL;
}

int tirpc_start(void)
{
	SVCXPRT *x = svctcp_create(RPC_ANYSOCK, 0, 0);
	pthread_t t;

	if (!x || !svc_register(x, PROG, VERS, dispatch, 0))
		return -1;
	port = x->xp_port;
	return pthread_create(&t, NULL, serve, NULL) ? -1 : 0;
}

void *tirpc_client(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(0x7f000001) };
	int sock = RPC_ANYSOCK;

	return clnttcp_create(&a, PROG, VERS, &sock, 0, 0);
}

int tirpc_null(void *c)
{
	struct timeval tv = { 10, 0 };

	return clnt_call((CLIENT *)c, NULLPROC, (xdrproc_t)xdr_void, NULL,
			 (xdrproc_t)xdr_void, NULL, tv) == RPC_SUCCESS ? 0 : -1;
}

void tirpc_client_free(void *c)
{
	clnt_destroy((CLIENT *)c);
}
