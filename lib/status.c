// SPDX-License-Identifier: MIT
/* Names of the statuses in <lrpc/status.h> and of errno values. */
#include <errno.h>
#include <string.h>
#include <lrpc/status.h>

struct status_name {
	uint32_t status;
	const char *name;
};

#define S(x) { x, #x }
static const struct status_name status_names[] = {
	S(rpc_s_ok),
	S(rpc_s_invalid_string_binding), S(rpc_s_wrong_kind_of_binding),
	S(rpc_s_invalid_binding), S(rpc_s_protseq_not_supported),
	S(rpc_s_invalid_rpc_protseq), S(rpc_s_invalid_string_uuid),
	S(rpc_s_invalid_endpoint_format), S(rpc_s_invalid_net_addr),
	S(rpc_s_no_endpoint_found), S(rpc_s_invalid_timeout),
	S(rpc_s_object_not_found), S(rpc_s_already_registered),
	S(rpc_s_type_already_registered), S(rpc_s_already_listening),
	S(rpc_s_no_protseqs_registered), S(rpc_s_not_listening),
	S(rpc_s_unknown_mgr_type), S(rpc_s_unknown_if), S(rpc_s_no_bindings),
	S(rpc_s_no_protseqs), S(rpc_s_cant_create_endpoint),
	S(rpc_s_out_of_resources), S(rpc_s_server_unavailable),
	S(rpc_s_server_too_busy), S(rpc_s_invalid_network_options),
	S(rpc_s_no_call_active), S(rpc_s_call_failed), S(rpc_s_call_failed_dne),
	S(rpc_s_protocol_error), S(rpc_s_unsupported_trans_syn),
	S(rpc_s_unsupported_type), S(rpc_s_invalid_tag), S(rpc_s_invalid_bound),
	S(rpc_s_procnum_out_of_range), S(rpc_s_binding_has_no_auth),
	S(rpc_s_unknown_authn_service), S(rpc_s_unsupported_authn_level),
	S(rpc_s_internal_error), S(rpc_s_call_cancelled),
	S(rpc_s_comm_failure),
	S(rpc_x_ss_context_damaged), S(rpc_x_null_ref_pointer),
	S(rpc_x_enum_value_out_of_range), S(rpc_x_byte_count_too_small),
	S(rpc_x_bad_stub_data), S(rpc_x_invalid_es_action),
	S(rpc_x_wrong_es_version), S(rpc_x_wrong_stub_version),
	S(ept_s_invalid_entry), S(ept_s_cant_perform_op), S(ept_s_not_registered),
	S(rpc_s_auth_mut_fail),
	S(nca_s_fault_int_div_by_zero), S(nca_s_fault_addr_error),
	S(nca_s_fault_fp_div_zero), S(nca_s_fault_fp_underflow),
	S(nca_s_fault_fp_overflow), S(nca_s_fault_invalid_tag),
	S(nca_s_fault_invalid_bound), S(nca_s_rpc_version_mismatch),
	S(nca_s_unspec_reject), S(nca_s_bad_actid), S(nca_s_who_are_you_failed),
	S(nca_s_manager_not_entered), S(nca_s_fault_cancel),
	S(nca_s_fault_ill_inst), S(nca_s_fault_fp_error),
	S(nca_s_fault_int_overflow), S(nca_s_fault_unspec),
	S(nca_s_fault_remote_comm_failure), S(nca_s_fault_pipe_empty),
	S(nca_s_fault_pipe_closed), S(nca_s_fault_pipe_order),
	S(nca_s_fault_pipe_discipline), S(nca_s_fault_pipe_comm_error),
	S(nca_s_fault_pipe_memory), S(nca_s_fault_context_mismatch),
	S(nca_s_fault_remote_no_memory), S(nca_s_invalid_pres_context_id),
	S(nca_s_unsupported_authn_level), S(nca_s_invalid_checksum),
	S(nca_s_invalid_crc), S(nca_s_fault_user_defined),
	S(nca_s_fault_tx_open_failed), S(nca_s_fault_codeset_conv_error),
	S(nca_s_fault_object_not_found), S(nca_s_fault_no_client_stub),
	S(nca_s_comm_failure), S(nca_s_op_rng_error), S(nca_s_unk_if),
	S(nca_s_wrong_boot_time), S(nca_s_you_crashed), S(nca_s_proto_error),
	S(nca_s_out_args_too_big), S(nca_s_server_too_busy),
	S(nca_s_fault_string_too_long), S(nca_s_unsupported_type),
};
#undef S

const char *rpc_status_name(int32_t status)
{
	uint32_t v = status < 0 ? -(uint32_t)status : (uint32_t)status;
	size_t i;

	for (i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++)
		if (status_names[i].status == v)
			return status_names[i].name;
	/* Below the first RPC status everything is an errno. */
	if (v < 1700) {
		const char *n = strerrorname_np((int)v);

		if (n)
			return n;
	}
	return "unknown";
}
