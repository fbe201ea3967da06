// SPDX-License-Identifier: MIT
/*
 * ncalrpc over AF_UNIX stream sockets: the fallback of the local protocol
 * engine when /dev/lrpc is absent (or LRPC_NO_KERNEL=1), carrying the same
 * connection-oriented PDUs as ncacn_ip_tcp.
 *
 * Endpoint E is the abstract socket "\0lrpc/E" (network namespace scoped,
 * gone with its last fd, nothing to clean up).  Any local user may connect,
 * like a kernel port created with LRPC_MODE_ALL; a server that must know
 * its callers asks rpc_call_ctx_peer_cred() (SO_PEERCRED).  A dynamic
 * endpoint is "LRPC-" and 16 random hex digits.  Endpoint names are 1..48
 * printable ASCII characters (0x21..0x7e) without '/' -- the same names
 * the kernel path accepts as "ncalrpc.E".
 *
 * Squatting: an abstract name belongs to whoever binds it first, any
 * uid, and nobody can unlink or replace it while that socket lives.  So
 * a server whose name is taken fails (-rpc_s_duplicate_endpoint, or
 * -rpc_s_access_denied when a server of another user holds it; never a
 * silent take-over), and a client checks the listener's credentials
 * (SO_PEERCRED, stamped at listen()) before it sends anything
 * (unix_verify_peer, rpc_binding_set_server_uid).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <poll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <lrpc/status.h>
#include "runtime/runtime_int.h"
#include "transport/transport.h"

int __rpc_local_endpoint_ok(const char *ep)
{
	size_t n = ep ? strlen(ep) : 0, i;

	if (!n || n > RPC_LOCAL_EP_MAX)
		return -rpc_s_invalid_endpoint_format;
	for (i = 0; i < n; i++)
		if (ep[i] < 0x21 || ep[i] > 0x7e || ep[i] == '/')
			return -rpc_s_invalid_endpoint_format;
	return 0;
}

bool __rpc_server_uid_ok(uid_t owner, uid_t server_uid)
{
	if (server_uid != RPC_SERVER_UID_DEFAULT)
		return owner == server_uid;
	return owner == 0 || owner == geteuid();
}

static int unix_verify_peer(int fd, uid_t server_uid)
{
	struct ucred uc;
	socklen_t n = sizeof(uc);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &n) < 0 ||
	    n != sizeof(uc))
		return -rpc_s_auth_mut_fail;
	return __rpc_server_uid_ok(uc.uid, server_uid) ? 0 :
	       -rpc_s_auth_mut_fail;
}

static socklen_t unix_addr(const char *ep, struct sockaddr_un *sa)
{
	int n;

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	n = snprintf(sa->sun_path + 1, sizeof(sa->sun_path) - 1, "lrpc/%s", ep);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

/*
 * The name is bound already: by a server of this user (in use,
 * -rpc_s_duplicate_endpoint) or of another (-rpc_s_access_denied: not
 * ours to take, and not for us to stop).  Its listener tells, through
 * SO_PEERCRED; a name nobody listens on (bound, not yet listening) is
 * just in use.
 */
static int name_taken(const char *name)
{
	struct sockaddr_un sa;
	struct ucred uc;
	socklen_t n = sizeof(uc);
	int fd, ret = -rpc_s_duplicate_endpoint;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ret;
	if ((!connect(fd, (struct sockaddr *)&sa, unix_addr(name, &sa)) ||
	     errno == EAGAIN || errno == EINPROGRESS) &&
	    !getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &n) &&
	    n == sizeof(uc) && uc.uid != geteuid())
		ret = -rpc_s_access_denied;
	close(fd);
	return ret;
}

static int unix_listen(const char *netaddr, const char *endpoint, int *fdp,
		       char *ep, size_t epsize)
{
	struct sockaddr_un sa;
	char dyn[24];
	int fd, ret, tries = 0;

	if (netaddr && *netaddr && strcmp(netaddr, "localhost"))
		return -rpc_s_invalid_net_addr;
	if (endpoint && *endpoint) {
		ret = __rpc_local_endpoint_ok(endpoint);
		if (ret < 0)
			return ret;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	for (;;) {
		const char *name = endpoint;

		if (!name || !*name) {
			uint64_t r = 0;

			if (getrandom(&r, sizeof(r), 0) != sizeof(r))
				r ^= (uint64_t)getpid() << 32 ^ (uint64_t)tries;
			snprintf(dyn, sizeof(dyn), "LRPC-%016llx",
				 (unsigned long long)r);
			name = dyn;
		}
		if (strlen(name) >= epsize) {	/* never a cut name */
			close(fd);
			return -rpc_s_invalid_endpoint_format;
		}
		if (!bind(fd, (struct sockaddr *)&sa, unix_addr(name, &sa))) {
			snprintf(ep, epsize, "%s", name);
			break;
		}
		ret = errno;
		if (ret != EADDRINUSE || (endpoint && *endpoint) ||
		    ++tries == 8) {
			close(fd);
			return ret == EADDRINUSE ? name_taken(name)
						 : __rpc_endpoint_errno(ret);
		}
	}
	if (listen(fd, 1024) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	*fdp = fd;
	return 0;
}

static int unix_connect(const char *netaddr, const char *endpoint,
			unsigned int timeout_ms, int *fdp)
{
	struct sockaddr_un sa;
	int fd, ret;

	if (netaddr && *netaddr && strcmp(netaddr, "localhost"))
		return -rpc_s_invalid_net_addr;
	if (!endpoint || !*endpoint)
		return -rpc_s_no_endpoint_found;
	ret = __rpc_local_endpoint_ok(endpoint);
	if (ret < 0)
		return ret;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* a full backlog makes a blocking connect wait: bound it */
	if (timeout_ms) {
		struct timeval tv = { timeout_ms / 1000,
				      (timeout_ms % 1000) * 1000 };

		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	if (connect(fd, (struct sockaddr *)&sa, unix_addr(endpoint, &sa)) < 0) {
		ret = errno == ECONNREFUSED || errno == ENOENT ?
		      -rpc_s_server_unavailable :
		      errno == EAGAIN || errno == EINPROGRESS ? -ETIMEDOUT :
		      -errno;
		close(fd);
		return ret;
	}
	if (timeout_ms) {
		struct timeval tv = { 0, 0 };

		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	*fdp = fd;
	return 0;
}

const struct rpc_transport_ops __rpc_transport_unix = {
	.protseq = "ncalrpc",
	.listen = unix_listen,
	.connect = unix_connect,
	.sec_addr = __rpc_sec_addr_endpoint,
	.default_netaddr = "",
	.verify_peer = unix_verify_peer,
};
