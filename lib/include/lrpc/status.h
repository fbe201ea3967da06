/* SPDX-License-Identifier: MIT */
/*
 * lrpc status codes and the error model.
 *
 * A status is a uint32_t: 0 (rpc_s_ok) or one of the values below, or
 * any other value a server put in a fault PDU, which lrpc passes on
 * verbatim (a Windows manager's ERROR_ACCESS_DENIED, 5; an HRESULT such
 * as 0x80070005; an application's own code).
 *
 * Functions return an int, >= 0 on success, negative on failure:
 *
 *  - Calls -- rpc_call(), rpc_call_raw(), rpc_binding_syntax(),
 *    rpc_binding_cancel() and the stubs lrpc-idl generates -- return 0
 *    (or a syntax) or -STATUS, never -errno.  A
 *    system error on the way is mapped to a named status here at the
 *    library's boundary (a refused connect: rpc_s_server_unavailable;
 *    a call time-out: rpc_s_timeout; out of memory: rpc_s_out_of_memory;
 *    a bad argument: rpc_s_invalid_arg).  A fault from the server
 *    returns -FAULT whatever its value, so a fault of 5 returns -5
 *    (rpc_s_access_denied), not -EIO.  A fault >= 0x80000000 (an
 *    HRESULT) does not fit a negative int: the call returns
 *    -rpc_s_call_failed and the exact value is in rpc_call_status()
 *    (<lrpc/stub.h>) and in rpc_reply.fault.  The exact status of the
 *    calling thread's last call is always rpc_call_status().
 *  - Local functions, which talk to no server (parsing, composing,
 *    setting options, creating and running a server), return -STATUS or,
 *    for a local resource or argument error, -errno (-ENOMEM, -EINVAL,
 *    -EACCES, ...) as each one documents.  No status they return lies
 *    below 1700, so there -errno and -STATUS never meet.
 *
 * rpc_status_name() gives a status its C name, rpc_status_text() a
 * sentence for a person.
 *
 * Creating an endpoint (rpc_server_use_protseq) says why it failed, the
 * way RpcServerUseProtseqEp does:
 *   rpc_s_duplicate_endpoint     the port or ncalrpc name is in use
 *                                (EADDRINUSE) by another server of this
 *                                user (any user's, for a port);
 *   rpc_s_access_denied          not allowed (EACCES, EPERM: a port below
 *                                the unprivileged range), or the ncalrpc
 *                                name is held by a server of another user;
 *   rpc_s_invalid_net_addr       netaddr is no address of this host
 *                                (EADDRNOTAVAIL) or resolves to nothing;
 *   rpc_s_invalid_endpoint_format  the endpoint is no port or name;
 *   rpc_s_cant_create_endpoint   anything else (out of sockets, ...).
 *
 * Numbering: the values are the ones that travel in fault PDUs and EPM
 * replies between Windows, Samba and DCE peers:
 *   nca_s_*   [C706] Appendix E and [MS-RPCE] 2.2.2.11 (0x1c00xxxx, 0x1c01xxxx);
 *   rpc_s_*   Windows RPC_S_* ([MS-ERREF] 2.2), which MS-RPCE peers put in
 *             fault PDUs (e.g. RPC_S_PROCNUM_OUT_OF_RANGE 0x6d1);
 *   rpc_x_*   Windows RPC_X_* ([MS-ERREF]); rpc_x_bad_stub_data (0x6f7) is
 *             the fault for malformed stub data on every transport;
 *   ept_s_*   endpoint mapper; ept_s_not_registered is the DCE value
 *             0x16c9a0d6 that ept_map/ept_lookup return on the wire;
 *   below 1700 the Windows RPC_S_* aliases of Win32 errors that calls
 *             return and peers fault with ([MS-ERREF] 2.2).
 */
#ifndef LRPC_STATUS_H
#define LRPC_STATUS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define rpc_s_ok				0x00000000

/* Windows RPC_S_* equal to Win32 errors (below 1700) */
#define rpc_s_access_denied			0x00000005	/* 5 */
#define rpc_s_out_of_memory			0x0000000e	/* 14 */
#define rpc_s_invalid_arg			0x00000057	/* 87 */
#define rpc_s_buffer_too_small			0x0000007a	/* 122 */
#define rpc_s_timeout				0x000005b4	/* 1460 */

/* Windows RPC_S_* / RPC_X_* ([MS-ERREF]) */
#define rpc_s_invalid_string_binding		0x000006a4	/* 1700 */
#define rpc_s_wrong_kind_of_binding		0x000006a5
#define rpc_s_invalid_binding			0x000006a6
#define rpc_s_protseq_not_supported		0x000006a7
#define rpc_s_invalid_rpc_protseq		0x000006a8
#define rpc_s_invalid_string_uuid		0x000006a9
#define rpc_s_invalid_endpoint_format		0x000006aa
#define rpc_s_invalid_net_addr			0x000006ab
#define rpc_s_no_endpoint_found			0x000006ac
#define rpc_s_invalid_timeout			0x000006ad
#define rpc_s_object_not_found			0x000006ae
#define rpc_s_already_registered		0x000006af
#define rpc_s_type_already_registered		0x000006b0
#define rpc_s_already_listening			0x000006b1
#define rpc_s_no_protseqs_registered		0x000006b2
#define rpc_s_not_listening			0x000006b3
#define rpc_s_unknown_mgr_type			0x000006b4
#define rpc_s_unknown_if			0x000006b5	/* 1717 */
#define rpc_s_no_bindings			0x000006b6
#define rpc_s_no_protseqs			0x000006b7
#define rpc_s_cant_create_endpoint		0x000006b8
#define rpc_s_out_of_resources			0x000006b9
#define rpc_s_server_unavailable		0x000006ba	/* 1722 */
#define rpc_s_server_too_busy			0x000006bb
#define rpc_s_invalid_network_options		0x000006bc
#define rpc_s_no_call_active			0x000006bd
#define rpc_s_call_failed			0x000006be	/* 1726 */
#define rpc_s_call_failed_dne			0x000006bf
#define rpc_s_protocol_error			0x000006c0	/* 1728 */
#define rpc_s_unsupported_trans_syn		0x000006c2	/* 1730 */
#define rpc_s_unsupported_type			0x000006c4
#define rpc_s_invalid_tag			0x000006c5	/* 1733 */
#define rpc_s_invalid_bound			0x000006c6	/* 1734 */
#define rpc_s_duplicate_endpoint		0x000006cc	/* 1740 */
#define rpc_s_procnum_out_of_range		0x000006d1	/* 1745 */
#define rpc_s_binding_has_no_auth		0x000006d2	/* 1746 */
#define rpc_s_unknown_authn_service		0x000006d3	/* 1747 */
#define rpc_s_internal_error			0x000006e6	/* 1766 */
#define rpc_s_call_cancelled			0x0000071a	/* 1818 */
#define rpc_s_comm_failure			0x0000071c	/* 1820 */
#define rpc_s_unsupported_authn_level		0x0000071d	/* 1821 */

#define rpc_x_ss_context_damaged		0x000006f1	/* 1777 */
#define rpc_x_null_ref_pointer			0x000006f4	/* 1780 */
#define rpc_x_enum_value_out_of_range		0x000006f5	/* 1781 */
#define rpc_x_byte_count_too_small		0x000006f6	/* 1782 */
#define rpc_x_bad_stub_data			0x000006f7	/* 1783 */
#define rpc_x_invalid_es_action			0x00000723	/* 1827 */
#define rpc_x_wrong_es_version			0x00000724	/* 1828 */
#define rpc_x_wrong_stub_version		0x00000725	/* 1829 */

/* Endpoint mapper */
#define ept_s_invalid_entry			0x000006d7	/* 1751 */
#define ept_s_cant_perform_op			0x000006d8	/* 1752 */
#define ept_s_not_registered			0x16c9a0d6	/* DCE, on the wire */

/*
 * Server identity (DCE rpc_s_auth_mut_fail, "mutual authentication
 * failed": what a DCE client gets when it cannot verify that the server
 * is the principal it asked for).  lrpc returns it when a local server
 * is not owned by the uid the client expects (see rpc_binding_set_server_uid
 * in <lrpc/rpc.h>); nothing was sent to that server.  The Windows codes
 * for a wrong server principal (SEC_E_WRONG_PRINCIPAL 0x80090322,
 * ERROR_WRONG_TARGET_NAME 1396, ERROR_ACCESS_DENIED 5) say less: the
 * last is what a server answers a caller it refuses.
 */
#define rpc_s_auth_mut_fail			0x16c9a0f4	/* DCE */

/* A [broadcast] operation's [in] arguments do not fit one datagram
 * ([C706] 10.1.2); Windows has no such call semantics. */
#define rpc_s_in_args_too_big			0x16c9a00d	/* DCE */

/* NCA fault / reject statuses ([C706] Appendix E, [MS-RPCE] 2.2.2.11) */
#define nca_s_fault_int_div_by_zero		0x1c000001
#define nca_s_fault_addr_error			0x1c000002
#define nca_s_fault_fp_div_zero			0x1c000003
#define nca_s_fault_fp_underflow		0x1c000004
#define nca_s_fault_fp_overflow			0x1c000005
#define nca_s_fault_invalid_tag			0x1c000006
#define nca_s_fault_invalid_bound		0x1c000007
#define nca_s_rpc_version_mismatch		0x1c000008
#define nca_s_unspec_reject			0x1c000009
#define nca_s_bad_actid				0x1c00000a
#define nca_s_who_are_you_failed		0x1c00000b
#define nca_s_manager_not_entered		0x1c00000c
#define nca_s_fault_cancel			0x1c00000d
#define nca_s_fault_ill_inst			0x1c00000e
#define nca_s_fault_fp_error			0x1c00000f
#define nca_s_fault_int_overflow		0x1c000010
#define nca_s_fault_unspec			0x1c000012
#define nca_s_fault_remote_comm_failure		0x1c000013
#define nca_s_fault_pipe_empty			0x1c000014
#define nca_s_fault_pipe_closed			0x1c000015
#define nca_s_fault_pipe_order			0x1c000016
#define nca_s_fault_pipe_discipline		0x1c000017
#define nca_s_fault_pipe_comm_error		0x1c000018
#define nca_s_fault_pipe_memory			0x1c000019
#define nca_s_fault_context_mismatch		0x1c00001a
#define nca_s_fault_remote_no_memory		0x1c00001b
#define nca_s_invalid_pres_context_id		0x1c00001c
#define nca_s_unsupported_authn_level		0x1c00001d
#define nca_s_invalid_checksum			0x1c00001f
#define nca_s_invalid_crc			0x1c000020
#define nca_s_fault_user_defined		0x1c000021
#define nca_s_fault_tx_open_failed		0x1c000022
#define nca_s_fault_codeset_conv_error		0x1c000023
#define nca_s_fault_object_not_found		0x1c000024
#define nca_s_fault_no_client_stub		0x1c000025
#define nca_s_comm_failure			0x1c010001
#define nca_s_op_rng_error			0x1c010002
#define nca_s_unk_if				0x1c010003
#define nca_s_wrong_boot_time			0x1c010006
#define nca_s_you_crashed			0x1c010009
#define nca_s_proto_error			0x1c01000b
#define nca_s_out_args_too_big			0x1c010013
#define nca_s_server_too_busy			0x1c010014
#define nca_s_fault_string_too_long		0x1c010015
#define nca_s_unsupported_type			0x1c010017

/*
 * Name of a status ("nca_s_fault_invalid_tag"); accepts the status or its
 * negation (as returned by lrpc functions).  A value with no status name
 * below 1700 is taken as an errno of a local function ("ENOMEM").
 * Unknown values give "unknown".  The string is static.
 */
const char *rpc_status_name(int32_t status);

/*
 * A sentence for a person about a status, or its negation: what happened
 * and, where there is something to do, what ("the server is not listening
 * on that endpoint: start it, or check the endpoint").  Every status in
 * this file has one; an errno of a local function gets strerror()'s text;
 * other values (a server's own fault code) "the server reported a status
 * lrpc does not know".  The string is static.
 */
const char *rpc_status_text(int32_t status);

#ifdef __cplusplus
}
#endif
#endif /* LRPC_STATUS_H */
