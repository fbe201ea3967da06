// SPDX-License-Identifier: MIT
/*
 * The local engine's select (runtime/engine.h): which binding handles
 * take their calls through the kernel.  ncalrpc bindings whose server has
 * a kernel port; and, routed, a binding to ncacn_ip_tcp or ncadg_ip_udp
 * whose host is this machine, for an interface whose server also listens
 * on ncalrpc (its ncalrpc endpoint is in the endpoint mapper).  The
 * binding option "nolocal" (or LRPC_NO_LOCAL=1) turns routing off.
 *
 * The choice is made once per binding handle (again after
 * rpc_binding_reset).  Endpoints come from the endpoint mapper through
 * the resolver hook (runtime/resolver.h).  When several servers on this
 * host registered the interface on ncalrpc, the first endpoint the mapper
 * returns is taken (no check yet that it is the process that owns the
 * binding's port).
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
#include "engine/lpc/lpc_int.h"
#include "runtime/resolver.h"

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
	if (!rpc_uuid_compare(&iface->uuid, &__rpc_resolver.self->uuid))
		return -rpc_s_no_endpoint_found;
	local.objuuid = sb->objuuid;
	local.protseq = "ncalrpc";
	local.netaddr = "";
	return __rpc_resolve_endpoint(&local, iface, object, endpoint);
}

/* A binding that may be routed to this host's ncalrpc endpoint. */
static bool routable(const struct rpc_binding *b)
{
	const char *e = getenv("LRPC_NO_LOCAL");

	return (!strcmp(b->sb->protseq, "ncacn_ip_tcp") ||
		!strcmp(b->sb->protseq, "ncadg_ip_udp")) &&
	       !rpc_string_binding_option(b->sb, "nolocal") &&
	       !(e && *e && strcmp(e, "0")) &&
	       __rpc_host_is_local(b->sb->netaddr);
}

int __rpc_lpc_select(struct rpc_binding *b, const struct rpc_syntax_id *iface,
		     void **state)
{
	struct lpc_client *l = NULL;
	struct rpc_binding_opts o;
	const rpc_uuid_t *obj;
	struct lpc_params p;
	char *ep = NULL;
	int ret = 0;

	__rpc_binding_opts(b, &o);
	obj = o.has_object ? &o.object : NULL;
	if (__rpc_lpc_dev(NULL) < 0 || __rpc_lpc_disabled()) {
		/* no kernel path */
	} else if (!strcmp(b->sb->protseq, "ncalrpc")) {
		if (rpc_string_binding_option(b->sb, "nokernel"))
			return 0;
		if (b->sb->endpoint && *b->sb->endpoint) {
			ep = strdup(b->sb->endpoint);
			ret = ep ? 0 : -ENOMEM;
		} else {
			ret = __rpc_resolve_endpoint(b->sb, iface, obj, &ep);
		}
		if (ret < 0)
			goto out;
	} else if (routable(b)) {
		__rpc_route_lookup(b->sb, iface, obj, &ep);
	}
	ret = 0;
	if (ep) {
		__rpc_lpc_params(b, &p);
		ret = __rpc_lpc_connect(ep, &p, iface, &l);
		if (l) {
			*state = l;
			ret = 1;
		} else if (ret < 0 && strcmp(b->sb->protseq, "ncalrpc")) {
			ret = 0;	/* routed: the socket then */
		}
		/* else ncalrpc: the port is there and refused us */
	}
out:
	free(ep);
	return ret;
}
