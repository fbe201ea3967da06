// SPDX-License-Identifier: MIT
/*
 * The ept interface, server side: the manager routines behind the stubs
 * lrpc-idl generates from idl/epmapper.idl (lib/stubs.mk), asking the
 * endpoint map (epdb.c).  Registered as a built-in interface of the
 * runtime, in NDR20, both byte orders; NDR64 on request
 * (RPC_EPM_SERVER_NDR64).
 *
 * Why NDR20 by default: every endpoint mapper client speaks it (Samba's
 * endpoint mapper has only NDR20), and the runtime picks NDR64 whenever
 * a client offers it, which Windows clients do.  The NDR64 form of
 * ept_entry_t is where peers disagree: impacket sends the annotation's
 * offset and length as 8-octet NDR64 variance, as the IDL says, Samba's
 * client as two 4-octet fields (its IDL spells them out as uint32), so
 * smbtorture's [ndr64] runs fail against an NDR64 ept.  The generated
 * stubs follow the IDL (and impacket).
 *
 * ept_inq_object (opnum 5) has two forms: [C706]'s [out] uuid_t *, and
 * [MS-RPCE]'s (and Samba's) [in] UUID *.  A generated stub decodes one,
 * so that operation alone goes to a raw dispatch that answers the form
 * asked (the runtime calls it for operations without a thunk).
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
#include "epmapper.h"

static pthread_mutex_t ept_lock = PTHREAD_MUTEX_INITIALIZER;
static struct rpc_epdb *ept_db;
static unsigned int ept_flags;

_Static_assert(sizeof(dce_uuid_t) == sizeof(rpc_uuid_t),
	       "dce_uuid_t and rpc_uuid_t share the DCE layout");

/* The generated interface with ept_inq_object's thunk taken out
 * (filled in by rpc_epm_server_register). */
static rpc_thunk_fn ept_thunks[EPT_NOPS];
static struct rpc_interface ept_iface;

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

static struct rpc_call_ctx *cur_call(void)
{
	return rpc_call_ctx_current();
}

/* A tower as the database takes it: [C706] Appendix L bounds its length
 * (longer is bad stub data, as the hand-written codec said before). */
static bool tower_ok(const twr_t *t)
{
	if (t && t->tower_length > RPC_TOWER_MAX_LEN) {
		rpc_server_fault(rpc_x_bad_stub_data);
		return false;
	}
	return true;
}

/* A tower for an [out] value: call memory, freed with the reply. */
static twr_p_t out_tower(const uint8_t *p, size_t len)
{
	twr_t *t;

	if (!p)
		return NULL;
	t = rpc_ss_allocate(sizeof(*t) + len);
	if (!t) {
		rpc_server_fault(nca_s_fault_remote_no_memory);
		return NULL;
	}
	t->tower_length = (uint32_t)len;
	memcpy(t->tower_octet_string, p, len);
	return t;
}

static void insert_delete(bool insert, uint32_t num_ents,
			  const ept_entry_t entries[], uint32_t replace,
			  error_status_t *status)
{
	struct rpc_epm_owner owner;
	struct rpc_epm_entry *e;
	uint32_t i;
	int ret;

	e = calloc(num_ents ? num_ents : 1, sizeof(*e));
	if (!e) {
		rpc_server_fault(nca_s_fault_remote_no_memory);
		return;
	}
	for (i = 0; i < num_ents; i++) {
		const twr_t *t = entries[i].tower;

		if (!tower_ok(t))
			goto out;
		memcpy(&e[i].object, &entries[i].object, sizeof(e[i].object));
		e[i].tower = t ? t->tower_octet_string : NULL;
		e[i].tower_len = t ? t->tower_length : 0;
		snprintf(e[i].annotation, sizeof(e[i].annotation), "%.*s",
			 (int)sizeof(entries[i].annotation) - 1,
			 entries[i].annotation);
	}
	pthread_mutex_lock(&ept_lock);
	if (!caller_is_local(cur_call(), &owner))
		ret = -EACCES;
	else if (insert)
		ret = rpc_epdb_insert(ept_db, e, num_ents, replace != 0, &owner);
	else
		ret = rpc_epdb_delete(ept_db, e, num_ents, &owner);
	pthread_mutex_unlock(&ept_lock);
	*status = wire_status(ret);
out:
	free(e);
}

void __rpc_s_ept_insert(handle_t h, uint32_t num_ents, ept_entry_t entries[],
			uint32_t replace, error_status_t *status)
{
	insert_delete(true, num_ents, entries, replace, status);
}

void __rpc_s_ept_delete(handle_t h, uint32_t num_ents, ept_entry_t entries[],
			error_status_t *status)
{
	insert_delete(false, num_ents, entries, 0, status);
}

/* The runtime runs an entry handle down when its client goes away
 * mid-search. */
void ept_lookup_handle_t_rundown(ept_lookup_handle_t context)
{
	pthread_mutex_lock(&ept_lock);
	rpc_epdb_cursor_rundown(context);
	pthread_mutex_unlock(&ept_lock);
}

void __rpc_s_ept_lookup(handle_t h, uint32_t inquiry_type, dce_uuid_p_t object,
			rpc_if_id_p_t interface_id, uint32_t vers_option,
			ept_lookup_handle_t *entry_handle, uint32_t max_ents,
			uint32_t *num_ents, ept_entry_t entries[],
			error_status_t *status)
{
	struct rpc_epdb_lookup_req req = { 0 };
	struct rpc_epdb_cursor *cur;
	struct rpc_epdb_result *res;
	struct rpc_syntax_id iface;
	uint32_t n = 0, i;
	int st;

	res = calloc(max_ents ? max_ents : 1, sizeof(*res));
	if (!res) {
		rpc_server_fault(nca_s_fault_remote_no_memory);
		return;
	}
	req.inquiry_type = inquiry_type;
	req.object = (const rpc_uuid_t *)object;
	if (interface_id) {
		memcpy(&iface.uuid, &interface_id->uuid, sizeof(iface.uuid));
		iface.major = interface_id->vers_major;
		iface.minor = interface_id->vers_minor;
		req.iface = &iface;
	}
	req.vers_option = vers_option;
	req.max_ents = max_ents;
	pthread_mutex_lock(&ept_lock);
	cur = *entry_handle;
	st = rpc_epdb_lookup(ept_db, &req, &cur, res, &n);
	*entry_handle = cur;
	pthread_mutex_unlock(&ept_lock);
	for (i = 0; i < n; i++) {
		memcpy(&entries[i].object, &res[i].object,
		       sizeof(entries[i].object));
		entries[i].tower = out_tower(res[i].tower, res[i].tower_len);
		snprintf(entries[i].annotation, sizeof(entries[i].annotation),
			 "%s", res[i].annotation);
	}
	*num_ents = n;
	*status = wire_status(st);
	rpc_epdb_results_free(res, n);
	free(res);
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

void __rpc_s_ept_map(handle_t h, dce_uuid_p_t object, twr_p_t map_tower,
		     ept_lookup_handle_t *entry_handle, uint32_t max_towers,
		     uint32_t *num_towers, twr_p_t towers[],
		     error_status_t *status)
{
	struct rpc_epdb_cursor *cur;
	struct rpc_epdb_result *res;
	uint32_t n = 0, i, ip;
	int st;

	if (!tower_ok(map_tower))
		return;
	res = calloc(max_towers ? max_towers : 1, sizeof(*res));
	if (!res) {
		rpc_server_fault(nca_s_fault_remote_no_memory);
		return;
	}
	ip = local_ipv4(cur_call());
	pthread_mutex_lock(&ept_lock);
	cur = *entry_handle;
	st = rpc_epdb_map(ept_db, (const rpc_uuid_t *)object,
			  map_tower ? map_tower->tower_octet_string : NULL,
			  map_tower ? map_tower->tower_length : 0, max_towers,
			  ip, &cur, res, &n);
	*entry_handle = cur;
	pthread_mutex_unlock(&ept_lock);
	for (i = 0; i < n; i++)
		towers[i] = out_tower(res[i].tower, res[i].tower_len);
	*num_towers = n;
	*status = wire_status(st);
	rpc_epdb_results_free(res, n);
	free(res);
}

void __rpc_s_ept_lookup_handle_free(handle_t h,
				    ept_lookup_handle_t *entry_handle,
				    error_status_t *status)
{
	/* freeing no handle is a context mismatch, as for any handle the
	 * server does not know */
	if (!*entry_handle) {
		rpc_server_fault(nca_s_fault_context_mismatch);
		return;
	}
	ept_lookup_handle_t_rundown(*entry_handle);
	*entry_handle = NULL;
	*status = 0;
}

/* [C706]'s form (opnum 5 with no [in] values): the endpoint mapper has no
 * object of its own, the nil uuid. */
void __rpc_s_ept_inq_object(handle_t h, dce_uuid_t *ept_object,
			    error_status_t *status)
{
	memset(ept_object, 0, sizeof(*ept_object));
	*status = 0;
}

void __rpc_s_ept_mgmt_delete(handle_t h, uint32_t object_speced,
			     dce_uuid_p_t object, twr_p_t tower,
			     error_status_t *status)
{
	struct rpc_epm_owner owner;
	int ret;

	if (!tower_ok(tower))
		return;
	pthread_mutex_lock(&ept_lock);
	if (!caller_is_local(cur_call(), &owner))
		ret = -EACCES;
	else
		ret = rpc_epdb_mgmt_delete(ept_db, object_speced != 0,
					   (const rpc_uuid_t *)object,
					   tower ? tower->tower_octet_string : NULL,
					   tower ? tower->tower_length : 0,
					   &owner);
	pthread_mutex_unlock(&ept_lock);
	*status = wire_status(ret);
}

/*
 * ept_inq_object in both forms: no [in] octets is [C706]'s, answered
 * through the generated tables and __rpc_s_ept_inq_object; a uuid (16
 * octets, a sender may pad to 8) is [MS-RPCE]'s, which has only the
 * status: the operation is not supported, as Windows answers it.
 */
static int ept_inq_object_raw(struct rpc_call_ctx *call, uint16_t opnum,
			      const uint8_t *in, size_t inlen,
			      struct ndr_buf *out)
{
	const struct ndr_proc *proc = &epmapper_v3_0_procs[opnum];
	bool be = rpc_call_ctx_big_endian(call);
	dce_uuid_t obj;
	error_status_t st;
	void *args[2] = { &obj, &st };
	uint8_t o[4];
	ssize_t n;
	int i;

	if (opnum != EPT_OP_INQ_OBJECT)
		return -nca_s_op_rng_error;
	if (inlen == 0) {
		__rpc_s_ept_inq_object(rpc_call_ctx_binding(call), &obj, &st);
		n = ndr_marshal_call(proc, NDR_DIR_OUT, args,
				     rpc_call_ctx_syntax(call),
				     be ? NDR_F_BIG_ENDIAN : 0, out);
		return n < 0 ? (int)n : 0;
	}
	if (inlen < 16 || inlen > 16 + 7)
		return -rpc_x_bad_stub_data;
	for (i = 0; i < 4; i++)
		o[be ? 3 - i : i] = (uint8_t)(ept_s_cant_perform_op >> (8 * i));
	return __ndr_buf_put(out, o, sizeof(o));
}

int rpc_epm_server_register(struct rpc_server *srv, struct rpc_epdb *db,
			    unsigned int flags)
{
	uint32_t i;

	if (!srv || !db || (flags & ~RPC_EPM_SERVER_ALL))
		return -EINVAL;
	if (ept_db && ept_db != db)
		return -EBUSY;
	ept_db = db;
	ept_flags = flags;
	for (i = 0; i < EPT_NOPS; i++)
		ept_thunks[i] = i == EPT_OP_INQ_OBJECT ? NULL :
				epmapper_v3_0_s_ifspec.thunks[i];
	ept_iface = epmapper_v3_0_s_ifspec;
	ept_iface.thunks = ept_thunks;
	return __rpc_server_register_raw(srv, &ept_iface, ept_inq_object_raw,
					 SYN_NDR20 | (flags & RPC_EPM_SERVER_NDR64 ?
						      SYN_NDR64 : 0));
}
