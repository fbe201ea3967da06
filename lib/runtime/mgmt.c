// SPDX-License-Identifier: MIT
/*
 * The DCE remote management interface (idl/mgmt.idl), served by every
 * server: the manager routines behind the stubs lrpc-idl generates into
 * $(BUILD)/gen/lib (lib/stubs.mk), in NDR20 and NDR64, both byte orders.
 * A manager gets no call argument: rpc_call_ctx_current() names the call
 * and so the server asked.
 */
#include <string.h>
#include "runtime/server_int.h"
#include "mgmt.h"

#define ERROR_ACCESS_DENIED	5

_Static_assert(sizeof(dce_uuid_t) == sizeof(rpc_uuid_t),
	       "dce_uuid_t and rpc_uuid_t share the DCE layout");

static struct rpc_server *cur_server(void)
{
	return rpc_call_ctx_server(rpc_call_ctx_current());
}

void __rpc_mgmt_inq_if_ids(handle_t h, rpc_if_id_vector_p_t *if_id_vector,
			   error_status_t *status)
{
	struct rpc_syntax_id ids[SRV_MAX_IFS];
	rpc_if_id_vector_t *v;
	rpc_if_id_t *id;
	int n, i;

	__rpc_server_if_ids(cur_server(), ids, &n, SRV_MAX_IFS);
	v = rpc_ss_allocate(sizeof(*v) + (size_t)n * sizeof(v->if_id[0]));
	id = rpc_ss_allocate((size_t)(n ? n : 1) * sizeof(*id));
	if (!v || !id) {
		rpc_server_fault(nca_s_fault_remote_no_memory);
		return;
	}
	v->count = (uint32_t)n;
	for (i = 0; i < n; i++) {
		memcpy(&id[i].uuid, &ids[i].uuid, sizeof(id[i].uuid));
		id[i].vers_major = ids[i].major;
		id[i].vers_minor = ids[i].minor;
		v->if_id[i] = &id[i];
	}
	*if_id_vector = v;
	*status = 0;
}

void __rpc_mgmt_inq_stats(handle_t h, statistics_count_t *count,
			  uint32_t statistics[], error_status_t *status)
{
	struct rpc_server_stats st;
	uint32_t v[rpc_c_stats_array_max_size], i;

	rpc_server_stats(cur_server(), &st);
	v[rpc_c_stats_calls_in] = (uint32_t)st.calls_in;
	v[rpc_c_stats_calls_out] = (uint32_t)st.calls_out;
	v[rpc_c_stats_pkts_in] = (uint32_t)st.pkts_in;
	v[rpc_c_stats_pkts_out] = (uint32_t)st.pkts_out;
	if (*count > rpc_c_stats_array_max_size)
		*count = rpc_c_stats_array_max_size;
	for (i = 0; i < *count; i++)
		statistics[i] = v[i];
	*status = 0;
}

uint32_t __rpc_mgmt_is_server_listening(handle_t h, error_status_t *status)
{
	*status = 0;
	return rpc_server_is_listening(cur_server()) ? 1 : 0;
}

void __rpc_mgmt_stop_server_listening(handle_t h, error_status_t *status)
{
	struct rpc_server *srv = cur_server();

	if (!srv->allow_remote_stop) {
		*status = ERROR_ACCESS_DENIED;
		return;
	}
	rpc_server_stop_listening(srv);
	*status = 0;
}

void __rpc_mgmt_inq_princ_name(handle_t h, uint32_t authn_proto,
			       uint32_t princ_name_size, char princ_name[],
			       error_status_t *status)
{
	struct rpc_server *srv = cur_server();
	size_t l;

	*status = 0;
	if (!princ_name_size)
		return;
	pthread_mutex_lock(&srv->lock);
	l = strlen(srv->princ_name);
	if (l + 1 > princ_name_size)
		l = princ_name_size - 1;
	memcpy(princ_name, srv->princ_name, l);
	princ_name[l] = '\0';
	pthread_mutex_unlock(&srv->lock);
}
