// SPDX-License-Identifier: MIT
/*
 * Routing: a binding to ncacn_ip_tcp or ncadg_ip_udp whose host is this
 * machine, for an interface whose server also listens on ncalrpc (its
 * ncalrpc endpoint is in the endpoint mapper), goes through the kernel.
 * The binding option "nolocal" (or LRPC_NO_LOCAL=1) turns it off.
 *
 * The resolution is made once per binding handle.  When several servers
 * on this host registered the interface on ncalrpc, the first endpoint
 * the mapper returns is taken (no check yet that it is the process that
 * owns the binding's port).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <lrpc/epm.h>
#include "engine/lpc/lpc_int.h"

static bool ip_is_local(int family, const void *addr)
{
	struct ifaddrs *ifa, *i;
	bool found = false;

	if (family == AF_INET && ((const uint8_t *)addr)[0] == 127)
		return true;
	if (family == AF_INET6 &&
	    IN6_IS_ADDR_LOOPBACK((const struct in6_addr *)addr))
		return true;
	if (getifaddrs(&ifa) < 0)
		return false;
	for (i = ifa; i && !found; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != family)
			continue;
		if (family == AF_INET)
			found = !memcmp(&((struct sockaddr_in *)i->ifa_addr)->sin_addr,
					addr, 4);
		else
			found = !memcmp(&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr,
					addr, 16);
	}
	freeifaddrs(ifa);
	return found;
}

bool __rpc_host_is_local(const char *netaddr)
{
	struct in6_addr a6;
	struct in_addr a4;
	char host[256];

	if (!netaddr || !*netaddr || !strcasecmp(netaddr, "localhost"))
		return true;
	if (inet_pton(AF_INET, netaddr, &a4) == 1)
		return ip_is_local(AF_INET, &a4);
	if (inet_pton(AF_INET6, netaddr, &a6) == 1)
		return ip_is_local(AF_INET6, &a6);
	/* names: only our own, no resolver round trip for others */
	if (gethostname(host, sizeof(host)) < 0)
		return false;
	host[sizeof(host) - 1] = 0;
	if (!strcasecmp(netaddr, host))
		return true;
	{
		size_t n = strlen(host);

		/* "host.domain" when the host name is "host" */
		return !strncasecmp(netaddr, host, n) && netaddr[n] == '.';
	}
}

int __rpc_route_lookup(const struct rpc_string_binding *sb,
		       const struct rpc_syntax_id *iface,
		       const rpc_uuid_t *object, char **endpoint)
{
	struct rpc_string_binding local = { 0 };

	*endpoint = NULL;
	/* the endpoint mapper itself is reached directly */
	if (!rpc_uuid_compare(&iface->uuid, &rpc_epm_syntax.uuid))
		return -rpc_s_no_endpoint_found;
	local.objuuid = sb->objuuid;
	local.protseq = "ncalrpc";
	local.netaddr = "";
	return rpc_ep_resolve_binding(&local, iface, object, endpoint);
}
