// SPDX-License-Identifier: MIT
/*
 * The communications time-out of a binding ([C706] rpc_mgmt_set_com_timeout,
 * Windows RpcMgmtSetComTimeout): a level 0..10 that bounds how long a
 * client tries to reach a server -- the transport connect, then the
 * bind / alter_context exchange -- not how long a call may run (that is
 * rpc_binding_set_timeout).  Neither document gives seconds for the
 * levels; these are ours, and level 5 is the default of both.
 */
#include <stdlib.h>
#include <lrpc/rpc.h>
#include "runtime/runtime_int.h"

/* connect / bind-or-alter_context bound per level, in seconds */
static const struct {
	unsigned short connect_s, bind_s;
} levels[RPC_C_BINDING_INFINITE_TIMEOUT] = {
	{ 1, 2 }, { 2, 5 }, { 3, 10 }, { 5, 15 }, { 7, 20 },
	{ 10, 30 },					/* default */
	{ 20, 60 }, { 40, 120 }, { 80, 240 }, { 160, 480 },
};

int __rpc_com_timeout_parse(const char *s, unsigned int *level)
{
	char *end;
	unsigned long n;

	if (!s || !*s)
		return -rpc_s_invalid_timeout;
	n = strtoul(s, &end, 10);
	if (*end || n > RPC_C_BINDING_INFINITE_TIMEOUT)
		return -rpc_s_invalid_timeout;
	*level = (unsigned int)n;
	return 0;
}

/* The level a new binding starts with: $LRPC_COM_TIMEOUT when valid. */
unsigned int __rpc_com_timeout_default(void)
{
	unsigned int level;

	if (__rpc_com_timeout_parse(getenv("LRPC_COM_TIMEOUT"), &level) < 0)
		return RPC_C_BINDING_DEFAULT_TIMEOUT;
	return level;
}

/*
 * The earlier of a call's deadline (< 0: none) and now + the level's
 * connect (bind == false) or bind bound; *com is set when the com
 * time-out is the one that ends it.
 */
int64_t __rpc_com_deadline(unsigned int level, bool bind, int64_t deadline,
			   bool *com)
{
	int64_t d;

	*com = false;
	if (level >= RPC_C_BINDING_INFINITE_TIMEOUT)
		return deadline;
	d = __rpc_now_ms() + 1000 * (int64_t)(bind ? levels[level].bind_s
						    : levels[level].connect_s);
	if (deadline >= 0 && deadline <= d)
		return deadline;
	*com = true;
	return d;
}
