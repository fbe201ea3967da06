// SPDX-License-Identifier: MIT
/*
 * The transports this build has, by protocol sequence.  A datagram
 * transport (ncadg_ip_udp) joins this table; engines only ever call
 * __rpc_transport_find().
 */
#include <stdio.h>
#include <string.h>
#include "transport/transport.h"

void __rpc_sec_addr_endpoint(const char *endpoint, char *out, size_t size)
{
	snprintf(out, size, "%s", endpoint ? endpoint : "");
}

static const struct rpc_transport_ops *const transports[] = {
	&__rpc_transport_tcp,
	&__rpc_transport_unix,
	NULL,
};

const struct rpc_transport_ops *__rpc_transport_find(const char *protseq)
{
	int i;

	for (i = 0; transports[i]; i++)
		if (!strcmp(transports[i]->protseq, protseq))
			return transports[i];
	return NULL;
}

