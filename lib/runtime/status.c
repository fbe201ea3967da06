// SPDX-License-Identifier: MIT
/*
 * Names and sentences of the statuses in <lrpc/status.h>, and of the
 * errno values local functions return.
 */
#include <errno.h>
#include <string.h>
#include <lrpc/status.h>
#include "runtime/runtime_int.h"

struct status_desc {
	uint32_t status;
	const char *name;
	const char *text;
};

#define S(x, t) { x, #x, t }
static const struct status_desc statuses[] = {
	S(rpc_s_ok, "success: the call completed"),
	S(rpc_s_access_denied, "access denied: the server refused this caller; "
	  "or, creating an endpoint, this process may not (a port below 1024 "
	  "needs root or CAP_NET_BIND_SERVICE; the ncalrpc name belongs to a "
	  "server of another user: choose another name)"),
	S(rpc_s_out_of_memory, "out of memory in the client"),
	S(rpc_s_invalid_arg, "an argument is not valid (a NULL or out of range value)"),
	S(rpc_s_buffer_too_small, "the buffer given is too small for the result"),
	S(rpc_s_timeout, "the call did not complete within its time-out "
	  "(rpc_binding_set_timeout); the server may still be running it"),
	S(rpc_s_invalid_string_binding, "the string binding is not valid: "
	  "expected protseq:netaddr[endpoint,options]"),
	S(rpc_s_wrong_kind_of_binding, "the binding is of the wrong kind for this operation"),
	S(rpc_s_invalid_binding, "the binding handle is not valid"),
	S(rpc_s_protseq_not_supported, "that protocol sequence is not supported "
	  "(ncacn_ip_tcp, ncadg_ip_udp and ncalrpc are)"),
	S(rpc_s_invalid_rpc_protseq, "the protocol sequence is not valid"),
	S(rpc_s_invalid_string_uuid, "the string is not a UUID "
	  "(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)"),
	S(rpc_s_invalid_endpoint_format, "the endpoint is not valid for the protocol "
	  "sequence (a port 0..65535 for ncacn_ip_tcp and ncadg_ip_udp; 1..48 "
	  "printable characters without '/' for ncalrpc)"),
	S(rpc_s_invalid_net_addr, "the network address is not valid: the host "
	  "name does not resolve, or (for a server) the address is not one of "
	  "this host's"),
	S(rpc_s_no_endpoint_found, "no endpoint was found: the server is not registered "
	  "with the endpoint mapper; start it, or name the endpoint in the binding"),
	S(rpc_s_invalid_timeout, "the time-out level is not valid (0..10)"),
	S(rpc_s_object_not_found, "the object UUID was not found"),
	S(rpc_s_already_registered, "the object UUID is already registered"),
	S(rpc_s_type_already_registered, "an interface with that UUID and version is "
	  "already registered"),
	S(rpc_s_already_listening, "the server is already listening"),
	S(rpc_s_no_protseqs_registered, "no protocol sequence is registered: "
	  "call rpc_server_use_protseq first"),
	S(rpc_s_not_listening, "the server is not listening"),
	S(rpc_s_unknown_mgr_type, "the manager type is unknown"),
	S(rpc_s_unknown_if, "the server does not offer this interface (or version): "
	  "check that the right server runs on that endpoint"),
	S(rpc_s_no_bindings, "there is no binding: give the call a binding handle"),
	S(rpc_s_no_protseqs, "there are no protocol sequences"),
	S(rpc_s_cant_create_endpoint, "the endpoint cannot be created: the system "
	  "refused a socket or port (out of file descriptors or memory?)"),
	S(rpc_s_out_of_resources, "out of resources (file descriptors, threads or "
	  "memory) in the client"),
	S(rpc_s_server_unavailable, "connection refused or host unreachable: no "
	  "server listens on that endpoint; start it, or check the host and "
	  "endpoint"),
	S(rpc_s_server_too_busy, "the server is too busy and refused the connection "
	  "or call: try again later"),
	S(rpc_s_invalid_network_options, "the network options are not valid"),
	S(rpc_s_no_call_active, "there is no call in progress on this binding"),
	S(rpc_s_call_failed, "the call failed, and may have run on the server (the "
	  "connection was lost, or the server reported a status of its own: "
	  "see rpc_call_status)"),
	S(rpc_s_call_failed_dne, "the call failed and did not run on the server"),
	S(rpc_s_protocol_error, "the peer broke the RPC protocol; the connection was closed"),
	S(rpc_s_unsupported_trans_syn, "the server supports none of the transfer "
	  "syntaxes offered (NDR20, NDR64)"),
	S(rpc_s_unsupported_type, "the type UUID is not supported"),
	S(rpc_s_invalid_tag, "a union's discriminant has no arm"),
	S(rpc_s_invalid_bound, "an array bound is not valid"),
	S(rpc_s_duplicate_endpoint, "the endpoint is in use by another server: stop "
	  "that server, or choose another endpoint (or none, for a dynamic one)"),
	S(rpc_s_procnum_out_of_range, "the server's interface has no such operation: "
	  "client and server were built from different IDL"),
	S(rpc_s_binding_has_no_auth, "the binding has no authentication information "
	  "(no security provider was set or negotiated)"),
	S(rpc_s_unknown_authn_service, "the server does not know the authentication "
	  "service asked for"),
	S(rpc_s_internal_error, "an internal error in the RPC runtime"),
	S(rpc_s_call_cancelled, "the call was cancelled"),
	S(rpc_s_comm_failure, "the server accepted the connection but did not answer "
	  "the bind within the communications time-out: is an RPC server on that "
	  "endpoint? (rpc_mgmt_set_com_timeout)"),
	S(rpc_s_unsupported_authn_level, "the security provider does not support "
	  "the authentication level asked for"),
	S(rpc_x_ss_context_damaged, "the context handle is not valid or was damaged"),
	S(rpc_x_null_ref_pointer, "a [ref] pointer is NULL; nothing was sent: pass "
	  "a valid pointer for every [ref] parameter, [out] ones included"),
	S(rpc_x_enum_value_out_of_range, "an enum value does not fit 16 bits"),
	S(rpc_x_byte_count_too_small, "the byte count is too small"),
	S(rpc_x_bad_stub_data, "the stub data is malformed (client and server may "
	  "disagree on the IDL)"),
	S(rpc_x_invalid_es_action, "the encoding service action is not valid"),
	S(rpc_x_wrong_es_version, "the encoding service version is wrong"),
	S(rpc_x_wrong_stub_version, "the stub version is wrong"),
	S(ept_s_invalid_entry, "the endpoint map entry is not valid"),
	S(ept_s_cant_perform_op, "the endpoint mapper cannot perform the operation"),
	S(ept_s_not_registered, "the endpoint mapper has no endpoint for this "
	  "interface: start the server, or name the endpoint in the binding"),
	S(rpc_s_auth_mut_fail, "the server is not owned by the expected user; nothing "
	  "was sent (see rpc_binding_set_server_uid)"),
	S(rpc_s_in_args_too_big, "a [broadcast] call's [in] arguments must fit one "
	  "datagram; send less, or call one server"),
	S(nca_s_fault_int_div_by_zero, "the server divided an integer by zero"),
	S(nca_s_fault_addr_error, "the server hit an address error"),
	S(nca_s_fault_fp_div_zero, "the server divided a floating point number by zero"),
	S(nca_s_fault_fp_underflow, "the server hit a floating point underflow"),
	S(nca_s_fault_fp_overflow, "the server hit a floating point overflow"),
	S(nca_s_fault_invalid_tag, "the server found a union discriminant with no arm"),
	S(nca_s_fault_invalid_bound, "the server found an array bound that is not valid"),
	S(nca_s_rpc_version_mismatch, "the server does not speak this RPC protocol version"),
	S(nca_s_unspec_reject, "the server rejected the call for an unspecified reason"),
	S(nca_s_bad_actid, "the server does not know the activity id"),
	S(nca_s_who_are_you_failed, "the server could not identify the client"),
	S(nca_s_manager_not_entered, "the server did not enter the manager routine"),
	S(nca_s_fault_cancel, "the call was cancelled on the server"),
	S(nca_s_fault_ill_inst, "the server executed an illegal instruction"),
	S(nca_s_fault_fp_error, "the server hit a floating point error"),
	S(nca_s_fault_int_overflow, "the server hit an integer overflow"),
	S(nca_s_fault_unspec, "the call failed on the server for an unspecified reason"),
	S(nca_s_fault_remote_comm_failure, "the server could not reach a server it called"),
	S(nca_s_fault_pipe_empty, "a pipe was empty"),
	S(nca_s_fault_pipe_closed, "a pipe was closed"),
	S(nca_s_fault_pipe_order, "pipes were used out of order"),
	S(nca_s_fault_pipe_discipline, "a pipe was used against its discipline"),
	S(nca_s_fault_pipe_comm_error, "a pipe failed in transport"),
	S(nca_s_fault_pipe_memory, "a pipe ran out of memory"),
	S(nca_s_fault_context_mismatch, "the server does not know the context handle "
	  "(it was closed, or its connection went away)"),
	S(nca_s_fault_remote_no_memory, "the server ran out of memory for the call"),
	S(nca_s_invalid_pres_context_id, "the server does not know the presentation context"),
	S(nca_s_unsupported_authn_level, "the server does not support the authentication level"),
	S(nca_s_invalid_checksum, "a checksum did not match"),
	S(nca_s_invalid_crc, "a CRC did not match"),
	S(nca_s_fault_user_defined, "the server reported a user-defined fault"),
	S(nca_s_fault_tx_open_failed, "the server could not open a transaction"),
	S(nca_s_fault_codeset_conv_error, "the server could not convert a code set"),
	S(nca_s_fault_object_not_found, "the server does not know the object UUID"),
	S(nca_s_fault_no_client_stub, "no client stub was found for a callback"),
	S(nca_s_comm_failure, "the server could not communicate"),
	S(nca_s_op_rng_error, "the server rejected the operation number as out of "
	  "range: client and server were built from different IDL"),
	S(nca_s_unk_if, "the server does not offer this interface"),
	S(nca_s_wrong_boot_time, "the server restarted during the call"),
	S(nca_s_you_crashed, "the server believes the client restarted"),
	S(nca_s_proto_error, "the server found an RPC protocol error"),
	S(nca_s_out_args_too_big, "the [out] arguments are too big for the server"),
	S(nca_s_server_too_busy, "the server is too busy to run the call: try again later"),
	S(nca_s_fault_string_too_long, "a string is longer than its bound"),
	S(nca_s_unsupported_type, "the server does not support the object type"),
};
#undef S

#define NSTATUSES (sizeof(statuses) / sizeof(statuses[0]))

static const struct status_desc *find(int32_t status, uint32_t *v)
{
	size_t i;

	*v = status < 0 ? -(uint32_t)status : (uint32_t)status;
	for (i = 0; i < NSTATUSES; i++)
		if (statuses[i].status == *v)
			return &statuses[i];
	return NULL;
}

const char *rpc_status_name(int32_t status)
{
	const struct status_desc *d;
	uint32_t v;

	d = find(status, &v);
	if (d)
		return d->name;
	/* below the first RPC status, what has no name is an errno */
	if (v < 1700) {
		const char *n = strerrorname_np((int)v);

		if (n)
			return n;
	}
	return "unknown";
}

const char *rpc_status_text(int32_t status)
{
	const struct status_desc *d;
	uint32_t v;

	d = find(status, &v);
	if (d)
		return d->text;
	if (v < 1700 && strerrorname_np((int)v))
		return strerror((int)v);
	return "the server reported a status lrpc does not know";
}


int __rpc_endpoint_errno(int err)
{
	switch (err) {
	case EADDRINUSE:
		return -rpc_s_duplicate_endpoint;
	case EACCES:
	case EPERM:
		return -rpc_s_access_denied;
	case EADDRNOTAVAIL:
	case EAFNOSUPPORT:
		return -rpc_s_invalid_net_addr;
	case ENOMEM:
		return -ENOMEM;
	default:
		return -rpc_s_cant_create_endpoint;
	}
}
