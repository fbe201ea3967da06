// SPDX-License-Identifier: MIT
/*
 * The transports this build has, by protocol sequence: the stream ones
 * and the datagram one (ncadg_ip_udp, ops->datagram).  Engines only ever
 * call __rpc_transport_find().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lrpc/status.h>
#include "transport/transport.h"

int __rpc_port_parse(const char *ep, unsigned int *port)
{
	char *end;
	unsigned long v;

	if (!ep || !*ep) {
		*port = 0;
		return 0;
	}
	if (ep[0] < '0' || ep[0] > '9')		/* no sign, no blank */
		return -rpc_s_invalid_endpoint_format;
	errno = 0;
	v = strtoul(ep, &end, 10);
	if (errno || *end || v > 65535)
		return -rpc_s_invalid_endpoint_format;
	*port = (unsigned int)v;
	return 0;
}

void __rpc_sec_addr_endpoint(const char *endpoint, char *out, size_t size)
{
	snprintf(out, size, "%s", endpoint ? endpoint : "");
}

static const struct rpc_transport_ops *const transports[] = {
	&__rpc_transport_tcp,
	&__rpc_transport_unix,
	&__rpc_transport_udp,
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

