/* SPDX-License-Identifier: MIT */
/*
 * Endpoint mapper internals shared by lib/epm: the NDR20 codec of the ept
 * operations (ept_ndr.c), owner tracking (owner.c).
 */
#ifndef LRPC_EPM_INT_H
#define LRPC_EPM_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <lrpc/epm.h>

enum {
	EPT_OP_INSERT = 0,
	EPT_OP_DELETE = 1,
	EPT_OP_LOOKUP = 2,
	EPT_OP_MAP = 3,
	EPT_OP_LOOKUP_HANDLE_FREE = 4,
	EPT_OP_INQ_OBJECT = 5,
	EPT_OP_MGMT_DELETE = 6,
	EPT_NOPS = 7,
};

/* ---- a bounded NDR20 reader and a writer ----------------------------- */

struct epm_rd {
	const uint8_t *p;
	size_t len;
	size_t off;
	bool be;
	bool n64;	/* NDR64: 8-octet pointers and counts */
	bool bad;	/* sticky: any read past the end or bad value */
};

struct epm_wr {
	struct ndr_buf *b;
	bool be;
	bool n64;
	bool bad;	/* sticky: out of memory / limit */
};

void __epm_rd_init(struct epm_rd *r, const void *p, size_t len, bool be);
void __epm_rd_align(struct epm_rd *r, size_t a);
uint16_t __epm_rd_u16(struct epm_rd *r);
uint32_t __epm_rd_u32(struct epm_rd *r);
const uint8_t *__epm_rd_bytes(struct epm_rd *r, size_t n);
void __epm_rd_uuid(struct epm_rd *r, rpc_uuid_t *u);
/* A referent id (0: null) and a conformance/variance count: 4 octets in
 * NDR20, 8 (aligned to 8) in NDR64. */
uint64_t __epm_rd_ptr(struct epm_rd *r);
uint32_t __epm_rd_cnt(struct epm_rd *r);

void __epm_wr_init(struct epm_wr *w, struct ndr_buf *b, bool be);
void __epm_wr_align(struct epm_wr *w, size_t a);
void __epm_wr_u16(struct epm_wr *w, uint16_t v);
void __epm_wr_u32(struct epm_wr *w, uint32_t v);
void __epm_wr_bytes(struct epm_wr *w, const void *p, size_t n);
void __epm_wr_uuid(struct epm_wr *w, const rpc_uuid_t *u);
void __epm_wr_ptr(struct epm_wr *w, uint32_t refid);
void __epm_wr_cnt(struct epm_wr *w, uint32_t v);

/* ---- the ept operations' stub data ------------------------------------ */

/* ept_entry_t[] as decoded; towers point into the input (or NULL). */
struct ept_entries {
	uint32_t n;
	struct rpc_epm_entry *e;	/* malloc()ed, n elements */
};

struct ept_lookup_in {
	uint32_t inquiry_type;
	bool has_object;
	rpc_uuid_t object;
	bool has_iface;
	struct rpc_syntax_id iface;
	uint32_t vers_option;
	struct ndr_context_handle handle;
	uint32_t max_ents;
};

struct ept_map_in {
	bool has_object;
	rpc_uuid_t object;
	const uint8_t *tower;	/* NULL: no map_tower */
	size_t tower_len;
	struct ndr_context_handle handle;
	uint32_t max_towers;
};

struct ept_mgmt_delete_in {
	uint32_t object_speced;
	bool has_object;
	rpc_uuid_t object;
	const uint8_t *tower;
	size_t tower_len;
};

/* Decoders: 0 or -rpc_x_bad_stub_data; every octet must be consumed
 * (trailing alignment padding up to 7 octets is allowed). */
int __ept_dec_insert(struct epm_rd *r, struct ept_entries *ents,
		     uint32_t *replace);
int __ept_dec_delete(struct epm_rd *r, struct ept_entries *ents);
int __ept_dec_lookup(struct epm_rd *r, struct ept_lookup_in *in);
int __ept_dec_map(struct epm_rd *r, struct ept_map_in *in);
int __ept_dec_handle(struct epm_rd *r, struct ndr_context_handle *h);
int __ept_dec_mgmt_delete(struct epm_rd *r, struct ept_mgmt_delete_in *in);
void __ept_entries_free(struct ept_entries *ents);

/* Encoders of the requests (client side). */
void __ept_enc_entries(struct epm_wr *w, const struct rpc_epm_entry *e,
		       uint32_t n);
void __ept_enc_lookup(struct epm_wr *w, const struct ept_lookup_in *in);
void __ept_enc_map(struct epm_wr *w, const struct ept_map_in *in);

/* Encoders of the responses (server side). */
void __ept_enc_handle(struct epm_wr *w, const struct ndr_context_handle *h);
void __ept_enc_lookup_out(struct epm_wr *w, const struct ndr_context_handle *h,
			  uint32_t max_ents, const struct rpc_epdb_result *res,
			  uint32_t n, uint32_t status);
void __ept_enc_map_out(struct epm_wr *w, const struct ndr_context_handle *h,
		       uint32_t max_towers, const struct rpc_epdb_result *res,
		       uint32_t n, uint32_t status);

/* Decoders of the responses (client side).  Results are malloc()ed
 * copies (rpc_epdb_results_free). */
int __ept_dec_lookup_out(struct epm_rd *r, struct ndr_context_handle *h,
			 struct rpc_epdb_result **res, uint32_t *n,
			 uint32_t *status);
int __ept_dec_map_out(struct epm_rd *r, struct ndr_context_handle *h,
		      struct rpc_epdb_result **res, uint32_t *n,
		      uint32_t *status);

/* ---- owners ------------------------------------------------------------ */

/* Start time of pid from /proc (0 when it does not exist). */
uint64_t __epm_proc_start_time(pid_t pid);
bool __epm_owner_alive(const struct rpc_epm_owner *o);
/*
 * The process on this host that owns the TCP or UDP socket whose local
 * address is peer (the peer of one of our connections): found through
 * /proc/net/{tcp,tcp6,udp,udp6} and /proc/PID/fd.  0 or -ESRCH.
 */
struct sockaddr;
int __epm_owner_of_peer(const struct sockaddr *peer, struct rpc_epm_owner *o);
/* True for loopback (127/8, ::1, v4-mapped 127/8) and AF_UNIX peers. */
bool __epm_peer_is_local(const struct sockaddr *peer);

/* Tower helpers shared by the database. */
/* Protocol ids of floors 3.. and the host floor's value, for matching. */
struct epm_tower_key {
	struct rpc_syntax_id iface;
	uint8_t nprot;
	uint8_t prot[RPC_TOWER_MAX_FLOORS];
	const uint8_t *host;	/* rhs of the host floor (floor 5) */
	uint16_t host_len;
	int ip_floor;		/* index of an IPv4 floor, -1 when none */
};
int __epm_tower_key(const uint8_t *buf, size_t len, struct epm_tower_key *k);

#endif /* LRPC_EPM_INT_H */
