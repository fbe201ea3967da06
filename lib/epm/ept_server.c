// SPDX-License-Identifier: MIT
/*
 * The ept interface, server side: decode a request (ept_ndr.c), ask the
 * endpoint map (epdb.c), encode the answer.  Registered as a built-in
 * (raw) interface of the runtime, in NDR20, both byte orders; NDR64 on
 * request (RPC_EPM_SERVER_NDR64).
 *
 * Why NDR20 by default: every endpoint mapper client speaks it (Samba's
 * endpoint mapper has only NDR20), and the runtime picks NDR64 whenever
 * a client offers it, which Windows clients do.  The NDR64 form of
 * ept_entry_t is where peers disagree: impacket sends the annotation's
 * offset and length as 8-octet NDR64 variance, as the IDL says, Samba's
 * client as two 4-octet fields (its IDL spells them out as uint32), so
 * smbtorture's [ndr64] runs fail against an NDR64 ept.  ept_ndr.c
 * follows the IDL (and impacket).
 *
 * Entry handles of ept_lookup/ept_map are the runtime's context handles;
 * their rundown (the client went away mid-search) frees the cursor.
 *
 * Calls are serialised by one mutex: the map is small, the calls short,
 * and it makes a cursor safe from two calls that name the same handle.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "epm_int.h"
#include "runtime/server_int.h"

static pthread_mutex_t ept_lock = PTHREAD_MUTEX_INITIALIZER;
static struct rpc_epdb *ept_db;
static unsigned int ept_flags;

static const struct rpc_interface ept_iface = {
	.id = { { 0xe1af8308, 0x5d1f, 0x11c9, 0x91, 0xa4,
		  { 0x08, 0x00, 0x2b, 0x14, 0xa0, 0xfa } }, 3, 0 },
	.name = "epmapper",
	.nprocs = EPT_NOPS,
};

/* The caller's address, from the binding the runtime gives a server call
 * ("ncacn_ip_tcp:127.0.0.1[40312]"). */
static int peer_addr(struct rpc_call_ctx *call, struct sockaddr_storage *ss)
{
	struct rpc_string_binding *sb = NULL;
	handle_t b = rpc_call_ctx_binding(call);
	char *s = NULL;
	int ret = -ESRCH;

	memset(ss, 0, sizeof(*ss));
	if (!b || rpc_binding_to_string(b, &s) < 0)
		return ret;
	if (rpc_string_binding_parse(s, &sb) < 0)
		goto out;
	if (!strcmp(sb->protseq, "ncalrpc")) {
		ss->ss_family = AF_UNIX;
		ret = 0;
	} else if (sb->netaddr && sb->endpoint) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
		unsigned int port = (unsigned int)atoi(sb->endpoint);

		if (inet_pton(AF_INET, sb->netaddr, &in->sin_addr) == 1) {
			in->sin_family = AF_INET;
			in->sin_port = htons((uint16_t)port);
			ret = 0;
		} else if (inet_pton(AF_INET6, sb->netaddr,
				     &in6->sin6_addr) == 1) {
			in6->sin6_family = AF_INET6;
			in6->sin6_port = htons((uint16_t)port);
			ret = 0;
		}
	}
out:
	rpc_string_binding_free(sb);
	free(s);
	return ret;
}

/*
 * Credentials of a local caller (ncalrpc over /dev/lrpc or AF_UNIX): the
 * runtime's rpc_call_ctx_peer_cred(), -EOPNOTSUPP for network callers.
 * Weak, so that this file also links with a runtime that predates it.
 */
int rpc_call_ctx_peer_cred(const struct rpc_call_ctx *call, pid_t *pid,
			   uid_t *uid, gid_t *gid) __attribute__((weak));

/* Inserts and deletes: only from this host.  Fills *owner (pid 0 when
 * the registering process cannot be found: the entry then stays until
 * deleted). */
static bool caller_is_local(struct rpc_call_ctx *call,
			    struct rpc_epm_owner *owner)
{
	struct sockaddr_storage ss;
	pid_t pid;
	uid_t uid;

	memset(owner, 0, sizeof(*owner));
	if (rpc_call_ctx_peer_cred &&
	    rpc_call_ctx_peer_cred(call, &pid, &uid, NULL) == 0) {
		/* kernel-attested: a process on this host */
		if (!(ept_flags & RPC_EPM_SERVER_NO_OWNERS) && pid > 0) {
			owner->pid = pid;
			owner->uid = uid;
			owner->start_time = __epm_proc_start_time(pid);
			if (!owner->start_time)
				memset(owner, 0, sizeof(*owner));
		}
		return true;
	}
	if (peer_addr(call, &ss) || !__epm_peer_is_local((void *)&ss))
		return false;
	if (ss.ss_family != AF_UNIX &&
	    !(ept_flags & RPC_EPM_SERVER_NO_OWNERS))
		__epm_owner_of_peer((void *)&ss, owner);
	return true;
}

/* A wire status for a negative result of the database. */
static uint32_t wire_status(int ret)
{
	if (ret >= 0)
		return (uint32_t)ret;
	if (ret == -EACCES)
		return RPC_EPM_STATUS_ACCESS_DENIED;
	if (ret > -4096)
		return ept_s_cant_perform_op;
	return (uint32_t)-ret;
}

static void cursor_rundown(void *user)
{
	pthread_mutex_lock(&ept_lock);
	rpc_epdb_cursor_rundown(user);
	pthread_mutex_unlock(&ept_lock);
}

static int op_insert_delete(struct rpc_call_ctx *call, uint16_t opnum,
			    struct epm_rd *r, struct epm_wr *w)
{
	struct rpc_epm_owner owner;
	struct ept_entries ents;
	uint32_t replace = 0;
	int ret;

	ret = opnum == EPT_OP_INSERT ? __ept_dec_insert(r, &ents, &replace) :
				       __ept_dec_delete(r, &ents);
	if (ret)
		return ret;
	if (!caller_is_local(call, &owner))
		ret = -EACCES;
	else if (opnum == EPT_OP_INSERT)
		ret = rpc_epdb_insert(ept_db, ents.e, ents.n, replace != 0,
				      &owner);
	else
		ret = rpc_epdb_delete(ept_db, ents.e, ents.n, &owner);
	__ept_entries_free(&ents);
	__epm_wr_u32(w, wire_status(ret));
	return 0;
}

static int op_lookup(struct rpc_call_ctx *call, struct epm_rd *r,
		     struct epm_wr *w)
{
	struct rpc_epdb_lookup_req req = { 0 };
	struct rpc_epdb_result *res;
	struct rpc_epdb_cursor *cur = NULL;
	struct ept_lookup_in in;
	struct ndr_context_handle h;
	uint32_t n = 0;
	void *user;
	int ret, st;

	ret = __ept_dec_lookup(r, &in);
	if (ret)
		return ret;
	if (in.max_ents > RPC_EPM_MAX_ENTS)
		return -rpc_s_invalid_bound;	/* [range(0, 500)] */
	ret = rpc_sctx_lookup(call, &in.handle, 1, &user);
	if (ret)
		return ret;
	cur = user;
	req.inquiry_type = in.inquiry_type;
	req.object = in.has_object ? &in.object : NULL;
	req.iface = in.has_iface ? &in.iface : NULL;
	req.vers_option = in.vers_option;
	req.max_ents = in.max_ents;
	res = calloc(in.max_ents ? in.max_ents : 1, sizeof(*res));
	if (!res)
		return -ENOMEM;
	st = rpc_epdb_lookup(ept_db, &req, &cur, res, &n);
	h = in.handle;
	ret = rpc_sctx_to_wire(call, cur, cursor_rundown, &h);
	if (ret < 0) {
		rpc_epdb_cursor_rundown(cur);
		memset(&h, 0, sizeof(h));
	}
	__ept_enc_lookup_out(w, &h, in.max_ents, res, n, wire_status(st));
	rpc_epdb_results_free(res, n);
	free(res);
	return 0;
}

static uint32_t local_ipv4(struct rpc_call_ctx *call)
{
	/* The address the client reached us on is not exported by the
	 * runtime yet; a loopback caller gets 127.0.0.1 for "any". */
	struct sockaddr_storage ss;

	if (!peer_addr(call, &ss) && __epm_peer_is_local((void *)&ss))
		return htonl(INADDR_LOOPBACK);
	return 0;
}

static int op_map(struct rpc_call_ctx *call, struct epm_rd *r,
		  struct epm_wr *w)
{
	struct rpc_epdb_result *res;
	struct rpc_epdb_cursor *cur;
	struct ept_map_in in;
	struct ndr_context_handle h;
	uint32_t n = 0;
	void *user;
	int ret, st;

	ret = __ept_dec_map(r, &in);
	if (ret)
		return ret;
	if (in.max_towers > RPC_EPM_MAX_ENTS)
		return -rpc_s_invalid_bound;
	ret = rpc_sctx_lookup(call, &in.handle, 1, &user);
	if (ret)
		return ret;
	cur = user;
	res = calloc(in.max_towers ? in.max_towers : 1, sizeof(*res));
	if (!res)
		return -ENOMEM;
	st = rpc_epdb_map(ept_db, in.has_object ? &in.object : NULL,
			  in.tower, in.tower_len, in.max_towers,
			  local_ipv4(call), &cur, res, &n);
	h = in.handle;
	ret = rpc_sctx_to_wire(call, cur, cursor_rundown, &h);
	if (ret < 0) {
		rpc_epdb_cursor_rundown(cur);
		memset(&h, 0, sizeof(h));
	}
	__ept_enc_map_out(w, &h, in.max_towers, res, n, wire_status(st));
	rpc_epdb_results_free(res, n);
	free(res);
	return 0;
}

static int op_handle_free(struct rpc_call_ctx *call, struct epm_rd *r,
			  struct epm_wr *w)
{
	struct ndr_context_handle h;
	void *user;
	int ret;

	ret = __ept_dec_handle(r, &h);
	if (!ret && (r->bad || r->len - r->off > 7))
		ret = -rpc_x_bad_stub_data;
	if (ret)
		return ret;
	ret = rpc_sctx_lookup(call, &h, 0, &user);
	if (ret)
		return ret;
	rpc_epdb_cursor_rundown(user);
	rpc_sctx_to_wire(call, NULL, NULL, &h);
	__ept_enc_handle(w, &h);
	__epm_wr_u32(w, 0);
	return 0;
}

static int op_mgmt_delete(struct rpc_call_ctx *call, struct epm_rd *r,
			  struct epm_wr *w)
{
	struct ept_mgmt_delete_in in;
	struct rpc_epm_owner owner;
	int ret;

	ret = __ept_dec_mgmt_delete(r, &in);
	if (ret)
		return ret;
	if (!caller_is_local(call, &owner))
		ret = -EACCES;
	else
		ret = rpc_epdb_mgmt_delete(ept_db, in.object_speced != 0,
					   in.has_object ? &in.object : NULL,
					   in.tower, in.tower_len, &owner);
	__epm_wr_u32(w, wire_status(ret));
	return 0;
}

static int ept_dispatch(struct rpc_call_ctx *call, uint16_t opnum,
			const uint8_t *in, size_t inlen, struct ndr_buf *out)
{
	struct epm_rd r;
	struct epm_wr w;
	int ret;

	__epm_rd_init(&r, in, inlen, rpc_call_ctx_big_endian(call));
	__epm_wr_init(&w, out, rpc_call_ctx_big_endian(call));
	r.n64 = w.n64 = rpc_call_ctx_syntax(call) == NDR_SYNTAX_NDR64;
	pthread_mutex_lock(&ept_lock);
	switch (opnum) {
	case EPT_OP_INSERT:
	case EPT_OP_DELETE:
		ret = op_insert_delete(call, opnum, &r, &w);
		break;
	case EPT_OP_LOOKUP:
		ret = op_lookup(call, &r, &w);
		break;
	case EPT_OP_MAP:
		ret = op_map(call, &r, &w);
		break;
	case EPT_OP_LOOKUP_HANDLE_FREE:
		ret = op_handle_free(call, &r, &w);
		break;
	case EPT_OP_INQ_OBJECT:
		/*
		 * [C706]: [out] uuid_t *ept_object, status; [MS-RPCE] and
		 * Samba: [in] UUID *, [out] status.  Answer the form asked.
		 */
		if (inlen == 0) {
			static const rpc_uuid_t nil;

			__epm_wr_uuid(&w, &nil);
			__epm_wr_u32(&w, 0);
		} else if (inlen >= 16 && inlen <= 16 + 7) {
			__epm_wr_u32(&w, ept_s_cant_perform_op);
		} else {
			ret = -rpc_x_bad_stub_data;
			break;
		}
		ret = 0;
		break;
	case EPT_OP_MGMT_DELETE:
		ret = op_mgmt_delete(call, &r, &w);
		break;
	default:
		ret = -nca_s_op_rng_error;
		break;
	}
	pthread_mutex_unlock(&ept_lock);
	if (!ret && w.bad)
		ret = -ENOMEM;
	return ret;
}

int rpc_epm_server_register(struct rpc_server *srv, struct rpc_epdb *db,
			    unsigned int flags)
{
	if (!srv || !db || (flags & ~RPC_EPM_SERVER_ALL))
		return -EINVAL;
	if (ept_db && ept_db != db)
		return -EBUSY;
	ept_db = db;
	ept_flags = flags;
	return __rpc_server_register_raw(srv, &ept_iface, ept_dispatch,
					 SYN_NDR20 | (flags & RPC_EPM_SERVER_NDR64 ?
						      SYN_NDR64 : 0));
}
