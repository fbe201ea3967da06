/* SPDX-License-Identifier: MIT */
/*
 * liblrpc runtime internals shared by the lib/rpc files: the connection-oriented
 * PDU codec (pdu.c), the transport ops tables (transport_*.c), and the
 * pieces the server and client engines share.
 */
#ifndef LRPC_RPC_INT_H
#define LRPC_RPC_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <lrpc/rpc.h>
#include "compiler.h"
#include "ndr/buf.h"

#define SYN_NDR20	(1u << NDR_SYNTAX_NDR20)
#define SYN_NDR64	(1u << NDR_SYNTAX_NDR64)

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

/* Encoding: one PDU appended to out, frag_len and auth_len filled in. */
struct rpc_co_enc {
	uint8_t ptype;
	uint8_t pfc_flags;
	bool big_endian;
	uint32_t call_id;
};
int __rpc_co_encode(struct ndr_buf *out, const struct rpc_co_enc *e,
		    const struct rpc_pdu *pdu);
/* Header word helpers for tests and the engines. */
uint16_t __rpc_get16(const uint8_t *p, bool be);
uint32_t __rpc_get32(const uint8_t *p, bool be);

/* Buffers are struct ndr_buf, grown by __ndr_buf_reserve/_put and freed
 * by __ndr_buf_free (ndr/buf.h). */

/* ---- transports ----------------------------------------------------- */

struct rpc_transport_ops {
	const char *protseq;
	/* Listening socket (non-blocking), actual endpoint into ep. */
	int (*listen)(const char *netaddr, const char *endpoint, int *fd,
		      char *ep, size_t epsize);
	/* Connected socket (blocking), within timeout_ms (0: none). */
	int (*connect)(const char *netaddr, const char *endpoint,
		       unsigned int timeout_ms, int *fd);
	/* Secondary address for bind_ack ("" when none). */
	void (*sec_addr)(const char *endpoint, char *out, size_t size);
	/* Default netaddr for a server binding string. */
	const char *default_netaddr;
	/* Whether the connected fd's server is owned by server_uid
	 * (rpc_binding_set_server_uid): 0 or -rpc_s_auth_mut_fail.  NULL:
	 * the transport cannot tell (tcp). */
	int (*verify_peer)(int fd, uid_t server_uid);
};

const struct rpc_transport_ops *__rpc_transport_find(const char *protseq);
/* A uid, decimal or a user name (binding option server_uid,
 * $LRPC_EPM_UID): 0 or -rpc_s_invalid_network_options. */
int __rpc_uid_parse(const char *s, uid_t *uid);
/* A sec_addr op: the endpoint itself ("" when none). */
void __rpc_sec_addr_endpoint(const char *endpoint, char *out, size_t size);
extern const struct rpc_transport_ops __rpc_transport_tcp;

/* Bounded reads/writes with poll() time-outs (client side).  ms < 0: no
 * time-out.  -ETIMEDOUT, -ECONNRESET (EOF), -errno. */
int __rpc_write_all(int fd, const void *p, size_t n, int ms);
int __rpc_read_all(int fd, void *p, size_t n, int ms);

/* CLOCK_MONOTONIC in milliseconds, and the milliseconds left until a
 * deadline in that clock (deadline < 0: -1, no time-out; clamped to
 * [0, INT_MAX]) for poll(). */
int64_t __rpc_now_ms(void);
int __rpc_left_ms(int64_t deadline);

/* ---- binding handles (co_client.c) ----------------------------------- */
/* One more reference to b, dropped by rpc_binding_free(): a client
 * context handle keeps its binding (client_stub.c). */
void __rpc_binding_get(struct rpc_binding *b);

/* Condition variables whose timed waits count in CLOCK_MONOTONIC, the
 * clock of every deadline here: a step of the wall clock neither ends a
 * wait early nor stretches it.  __rpc_cond_wait_ns waits on cv (m held)
 * at most ns nanoseconds and returns what pthread_cond_timedwait does. */
void __rpc_cond_init(pthread_cond_t *cv);
int __rpc_cond_wait_ns(pthread_cond_t *cv, pthread_mutex_t *m, int64_t ns);

/* ---- communications time-out (com_timeout.c) --------------------------- */
/* A level "0".."10" (binding option com_timeout, $LRPC_COM_TIMEOUT):
 * 0 or -rpc_s_invalid_timeout. */
int __rpc_com_timeout_parse(const char *s, unsigned int *level);
unsigned int __rpc_com_timeout_default(void);
int64_t __rpc_com_deadline(unsigned int level, bool bind, int64_t deadline,
			   bool *com);

#endif /* LRPC_RPC_INT_H */
