/* SPDX-License-Identifier: MIT */
/*
 * The connection-oriented PDU codec (pdu.c): every PDU type of [C706]
 * 12.6 and [MS-RPCE] 2.2.2, both byte orders.  The CO engine speaks it on
 * stream transports, the local engine in its kernel connect payloads and
 * alter_context calls.
 */
#ifndef LRPC_ENGINE_CO_PDU_H
#define LRPC_ENGINE_CO_PDU_H

#include "runtime/runtime_int.h"

/* ---- connection-oriented PDUs ([C706] 12.6, [MS-RPCE] 2.2.2) ---------- */

enum {
	RPC_PT_REQUEST = 0,
	RPC_PT_RESPONSE = 2,
	RPC_PT_FAULT = 3,
	RPC_PT_BIND = 11,
	RPC_PT_BIND_ACK = 12,
	RPC_PT_BIND_NAK = 13,
	RPC_PT_ALTER_CONTEXT = 14,
	RPC_PT_ALTER_CONTEXT_RESP = 15,
	RPC_PT_AUTH3 = 16,
	RPC_PT_SHUTDOWN = 17,
	RPC_PT_CO_CANCEL = 18,
	RPC_PT_ORPHANED = 19,
};

#define RPC_PFC_FIRST_FRAG	0x01
#define RPC_PFC_LAST_FRAG	0x02
#define RPC_PFC_PENDING_CANCEL	0x04	/* SUPPORT_HEADER_SIGN in binds */
#define RPC_PFC_CONC_MPX	0x10
#define RPC_PFC_DID_NOT_EXECUTE	0x20
#define RPC_PFC_MAYBE		0x40
#define RPC_PFC_OBJECT_UUID	0x80

#define RPC_CO_HDR_LEN		16
#define RPC_AUTH_HDR_LEN	8
#define RPC_REQUEST_HDR_LEN	24	/* + 16 with an object uuid */
#define RPC_RESPONSE_HDR_LEN	24
#define RPC_FAULT_HDR_LEN	32
#define RPC_MIN_FRAG		1432	/* [C706] MustRecvFragSize */
#define RPC_DEFAULT_FRAG	5840
#define RPC_MAX_FRAG		65535

#define RPC_MAX_PCTX		32	/* contexts per bind we accept */
#define RPC_MAX_TSYN		8	/* transfer syntaxes per context */
#define RPC_MAX_RESULTS		RPC_MAX_PCTX
#define RPC_SEC_ADDR_MAX	64

/* p_cont_def_result_t / provider reasons ([C706] 12.6.3.1, MS-RPCE) */
enum {
	RPC_RESULT_ACCEPT = 0,
	RPC_RESULT_USER_REJECTION = 1,
	RPC_RESULT_PROVIDER_REJECTION = 2,
	RPC_RESULT_NEGOTIATE_ACK = 3,
};
enum {
	RPC_REASON_NOT_SPECIFIED = 0,
	RPC_REASON_ABSTRACT_SYNTAX_NOT_SUPPORTED = 1,
	RPC_REASON_TRANSFER_SYNTAXES_NOT_SUPPORTED = 2,
	RPC_REASON_LOCAL_LIMIT_EXCEEDED = 3,
};
/* bind_nak provider_reject_reason */
enum {
	RPC_NAK_REASON_NOT_SPECIFIED = 0,
	RPC_NAK_TEMPORARY_CONGESTION = 1,
	RPC_NAK_LOCAL_LIMIT_EXCEEDED = 2,
	RPC_NAK_PROTOCOL_VERSION_NOT_SUPPORTED = 4,
	RPC_NAK_AUTHENTICATION_TYPE_NOT_RECOGNIZED = 8,
	RPC_NAK_INVALID_CHECKSUM = 9,
};

/* Bind time feature negotiation ([MS-RPCE] 2.2.2.14, 3.3.1.5.3). */
#define RPC_BTFN_SEC_CTX_MULTIPLEXING	0x01
#define RPC_BTFN_KEEP_CONN_ON_ORPHAN	0x02
bool __rpc_is_btfn(const rpc_uuid_t *u, uint8_t *bitmask);
void __rpc_btfn_uuid(rpc_uuid_t *u, uint8_t bitmask);

struct rpc_co_hdr {
	uint8_t rpc_vers;
	uint8_t rpc_minor;
	uint8_t ptype;
	uint8_t pfc_flags;
	uint8_t drep[4];
	uint16_t frag_len;
	uint16_t auth_len;
	uint32_t call_id;
};

struct rpc_auth_verifier {
	uint8_t auth_type;
	uint8_t auth_level;
	uint8_t auth_pad_length;
	uint8_t auth_reserved;
	uint32_t auth_context_id;
	const uint8_t *value;		/* auth_len octets */
};

struct rpc_pctx {
	uint16_t ctx_id;
	uint8_t n_tsyn;
	struct rpc_syntax_id abstract;
	struct rpc_syntax_id tsyn[RPC_MAX_TSYN];
};

struct rpc_pres_result {
	uint16_t result;
	uint16_t reason;
	struct rpc_syntax_id tsyn;
};

struct rpc_pdu {
	struct rpc_co_hdr hdr;
	bool big_endian;
	bool has_auth;
	struct rpc_auth_verifier auth;
	union {
		struct {	/* bind, alter_context */
			uint16_t max_xmit_frag;
			uint16_t max_recv_frag;
			uint32_t assoc_group_id;
			uint8_t n_ctx;
			struct rpc_pctx ctx[RPC_MAX_PCTX];
		} bind;
		struct {	/* bind_ack, alter_context_resp */
			uint16_t max_xmit_frag;
			uint16_t max_recv_frag;
			uint32_t assoc_group_id;
			char sec_addr[RPC_SEC_ADDR_MAX + 1];
			uint8_t n_results;
			struct rpc_pres_result res[RPC_MAX_RESULTS];
		} bind_ack;
		struct {
			uint16_t reason;
			uint8_t n_versions;
			uint8_t versions[8][2];
		} bind_nak;
		struct {
			uint32_t alloc_hint;
			uint16_t ctx_id;
			uint16_t opnum;
			rpc_uuid_t object;	/* with RPC_PFC_OBJECT_UUID */
		} request;
		struct {	/* response and fault */
			uint32_t alloc_hint;
			uint16_t ctx_id;
			uint8_t cancel_count;
			uint8_t flags;		/* fault: MS-RPCE "reserved" */
			uint32_t status;	/* fault only */
		} response;
	};
	const uint8_t *stub;		/* request/response/fault body */
	size_t stub_len;
};

/*
 * Peek at a common header: 0 with *frag_len set when hdr[0..15] is a
 * plausible header (version 5.0, frag_len >= 16, auth_len fits), else
 * -rpc_s_protocol_error.  drep[0] decides the byte order.
 */
int __rpc_co_peek(const uint8_t *hdr, size_t len, uint16_t *frag_len);
/*
 * Decode one complete PDU of len == frag_len octets.  Pointers in *pdu
 * point into buf.  -rpc_s_protocol_error for any length or field that
 * does not fit; bind/alter_context with more than RPC_MAX_PCTX contexts
 * or RPC_MAX_TSYN syntaxes give -rpc_s_out_of_resources.
 */
int __rpc_co_decode(const uint8_t *buf, size_t len, struct rpc_pdu *pdu);

/* Encoding: one PDU appended to out, frag_len and auth_len filled in.
 * With pdu->has_auth: the padding, the sec_trailer and pdu->hdr.auth_len
 * (> 0: auth_len counts only the token) octets of pdu->auth.value. */
struct rpc_co_enc {
	uint8_t ptype;
	uint8_t pfc_flags;
	bool big_endian;
	uint32_t call_id;
};
int __rpc_co_encode(struct ndr_buf *out, const struct rpc_co_enc *e,
		    const struct rpc_pdu *pdu);

/* Buffers are struct ndr_buf, grown by __ndr_buf_reserve/_put and freed
 * by __ndr_buf_free (ndr/buf.h). */
#endif /* LRPC_ENGINE_CO_PDU_H */
