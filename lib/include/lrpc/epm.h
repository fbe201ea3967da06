/* SPDX-License-Identifier: MIT */
/*
 * lrpc endpoint mapper: protocol towers, the endpoint map database, the
 * ept interface (e1af8308-5d1f-11c9-91a4-08002b14a0fa v3.0) on both sides,
 * registration of servers and resolution of partial bindings.
 *
 * Every function returns >= 0 on success or a negative code: -errno or
 * -STATUS (<lrpc/status.h>), like the rest of liblrpc.
 *
 * ------------------------------------------------------------------------
 * Towers ([C706] Appendix L, [MS-RPCE] 2.2.1.1)
 *
 * A tower is an octet string: a floor count, then that many floors; every
 * floor is a left-hand side (protocol identifier octet plus data) and a
 * right-hand side (address data), each preceded by its 16-bit length.
 * The counts are little-endian whatever the NDR data representation;
 * ports and IPv4 addresses inside right-hand sides are big-endian.
 *
 *   floor 1  0x0d uuid(16, LE fields) major(2) | minor(2)   the interface
 *   floor 2  0x0d uuid major                   | minor      transfer syntax
 *   floor 3  0x0b ncacn / 0x0a ncadg / 0x0c ncalrpc | minor(2) = 0
 *   floor 4  0x07 tcp port / 0x08 udp port / 0x1f http port (BE 16 bit)
 *            0x0f SMB pipe / 0x10 local name / 0x20 unix path (ASCIIZ)
 *   floor 5  0x09 IPv4 (4 octets, BE) / 0x11 NetBIOS name (ASCIIZ)
 *
 * protseq       floors 3..           string binding
 * ncacn_ip_tcp  0x0b 0x07 0x09       ncacn_ip_tcp:10.0.0.1[49152]
 * ncadg_ip_udp  0x0a 0x08 0x09       ncadg_ip_udp:10.0.0.1[49153]
 * ncacn_http    0x0b 0x1f 0x09       ncacn_http:10.0.0.1[593]
 * ncacn_np      0x0b 0x0f 0x11       ncacn_np:\\HOST[\pipe\lsass]
 * ncalrpc       0x0c 0x10            ncalrpc:[epmapper]  (as Windows)
 * ncacn_unix_stream 0x0b 0x20        ncacn_unix_stream:[/run/x] (Samba)
 *
 * The parser treats its input as hostile: every count is checked against
 * the octets left, at most RPC_TOWER_MAX_FLOORS floors, strings must be
 * printable ASCII and NUL-terminated inside their floor.
 *
 * ------------------------------------------------------------------------
 * The endpoint map (struct rpc_epdb) keeps entries (object uuid,
 * interface id, tower, annotation, owner).  It is a plain data structure
 * with its own lock, tested without any network; lrpc-epmd serves it.
 *
 * Status conventions on the wire (what Windows, Samba and impacket need):
 *  - ept_lookup / ept_map return up to max_ents / max_towers entries;
 *    status 0 and a live entry handle while more remain; the page with
 *    the last entries has status 0 and a null handle (impacket needs
 *    this); a call that finds nothing has ept_s_not_registered and a
 *    null handle.
 *  - Samba's clients number vers_option from 0 (RPC_C_VERS_ALL = 0 in
 *    Samba's epmapper.idl, 1 in C706) and its smbtorture expects Samba's
 *    own server behaviour: the last, partial page of ept_lookup carries
 *    ept_s_not_registered; for them a full last page keeps the handle
 *    alive and the next call ends the search.  See lib/epm/epdb.c.
 */
#ifndef LRPC_EPM_H
#define LRPC_EPM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <lrpc/status.h>
#include <lrpc/rpc.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Protocol identifiers ([C706] Appendix I, [MS-RPCE] 2.1). */
enum rpc_epm_protocol {
	RPC_EPM_PROT_DNET_NSP = 0x04,
	RPC_EPM_PROT_OSI_TP4 = 0x05,
	RPC_EPM_PROT_OSI_CLNS = 0x06,
	RPC_EPM_PROT_TCP = 0x07,
	RPC_EPM_PROT_UDP = 0x08,
	RPC_EPM_PROT_IP = 0x09,
	RPC_EPM_PROT_NCADG = 0x0a,	/* connectionless RPC */
	RPC_EPM_PROT_NCACN = 0x0b,	/* connection-oriented RPC */
	RPC_EPM_PROT_NCALRPC = 0x0c,	/* local RPC */
	RPC_EPM_PROT_UUID = 0x0d,
	RPC_EPM_PROT_IPX = 0x0e,
	RPC_EPM_PROT_SMB = 0x0f,	/* named pipe over SMB */
	RPC_EPM_PROT_NAMED_PIPE = 0x10,	/* local endpoint name */
	RPC_EPM_PROT_NETBIOS = 0x11,
	RPC_EPM_PROT_HTTP = 0x1f,
	RPC_EPM_PROT_UNIX_DS = 0x20,
};

#define RPC_TOWER_MAX_FLOORS	16
#define RPC_TOWER_MAX_LEN	4096	/* octets; ours are < 300 */
#define RPC_EPM_ANNOTATION_MAX	64	/* incl. the NUL ([C706]) */
#define RPC_EPM_MAX_ENTS	500	/* [MS-RPCE] range(0, 500) */

/* ept_lookup inquiry_type and vers_option ([C706] Appendix O). */
enum {
	RPC_EP_ALL_ELTS = 0,
	RPC_EP_MATCH_BY_IF = 1,
	RPC_EP_MATCH_BY_OBJ = 2,
	RPC_EP_MATCH_BY_BOTH = 3,
};
enum {
	RPC_VERS_ALL = 1,
	RPC_VERS_COMPATIBLE = 2,
	RPC_VERS_EXACT = 3,
	RPC_VERS_MAJOR_ONLY = 4,
	RPC_VERS_UPTO = 5,
};

/* Win32 ERROR_ACCESS_DENIED: the status an EPM puts on the wire when it
 * refuses ept_insert/ept_delete from a remote caller.  Functions here
 * return -EACCES for it. */
#define RPC_EPM_STATUS_ACCESS_DENIED	0x00000005u

/* The ept interface identifier (v3.0). */
extern const struct rpc_syntax_id rpc_epm_syntax;

/* ---- towers ---------------------------------------------------------- */

struct rpc_tower_floor {
	const uint8_t *lhs;	/* lhs[0] is the protocol identifier */
	uint16_t lhs_len;	/* >= 1 */
	const uint8_t *rhs;
	uint16_t rhs_len;
};

struct rpc_tower {
	uint16_t nfloors;
	size_t len;		/* octets the floors occupy (incl. count) */
	struct rpc_tower_floor floor[RPC_TOWER_MAX_FLOORS];
};

/*
 * Split a tower octet string into floors (pointers into buf).  Octets
 * after the last floor are ignored (t->len says where it ended).
 * -ept_s_invalid_entry for anything malformed.
 */
int rpc_tower_parse(const uint8_t *buf, size_t len, struct rpc_tower *t);

/* What a tower says, decoded.  Strings are NUL-terminated. */
struct rpc_tower_info {
	struct rpc_syntax_id iface;	/* floor 1 */
	struct rpc_syntax_id xfer;	/* floor 2 */
	uint8_t rpc_prot;		/* floor 3 protocol identifier */
	char protseq[24];		/* "" when the floors are unknown */
	char endpoint[256];		/* "135", "epmapper", "\\pipe\\x", "" */
	char netaddr[256];		/* "10.0.0.1", "\\\\HOST", "" */
};

/*
 * Decode a tower (as rpc_tower_parse, plus floors 1 and 2 must be uuid
 * floors).  For protocol sequences this file does not know, protseq is
 * "" and endpoint/netaddr are empty; 0 is still returned.
 */
int rpc_tower_decode(const uint8_t *buf, size_t len,
		     struct rpc_tower_info *info);

/*
 * The string binding for a tower: "[object@]protseq:netaddr[endpoint]"
 * (object omitted when NULL or nil).  A tower of an unknown protocol
 * sequence gives "unknown:[0xNN/0xNN...]" listing its protocol ids, so
 * listers still print one line per entry.  *out is malloc()ed.
 */
int rpc_tower_to_binding(const uint8_t *buf, size_t len,
			 const rpc_uuid_t *object, char **out);

/*
 * Build the tower for a string binding (its object uuid is ignored),
 * the interface iface and transfer syntax xfer (NULL: NDR20).  A missing
 * endpoint gives port 0 / an empty name (the form ept_map requests use);
 * a netaddr that is not an IPv4 literal gives 0.0.0.0 ("any", filled in
 * by the endpoint mapper).  *out is malloc()ed, *len its length.
 * -rpc_s_invalid_string_binding, -rpc_s_protseq_not_supported,
 * -rpc_s_invalid_endpoint_format.
 */
int rpc_tower_from_binding(const char *binding,
			   const struct rpc_syntax_id *iface,
			   const struct rpc_syntax_id *xfer,
			   uint8_t **out, size_t *len);

/* ---- the endpoint map ------------------------------------------------- */

struct rpc_epdb;

/*
 * Who registered an entry, or who asks to change the map.  Entries of
 * an owner that has gone away are removed (see rpc_epdb_reap).  pid 0
 * means "nobody in particular": such entries stay until deleted, and
 * such a caller may change only entries that have no owner.
 * start_time is the process start time (field 22 of /proc/PID/stat) so
 * that a recycled pid is not mistaken for the registering process; uid
 * is the user of the registering socket.
 *
 * Changing an owned entry (replacing it, refreshing it, deleting it)
 * takes the same uid as its owner, or uid 0; else -EACCES.  So one local
 * user cannot take over another user's interface.  A NULL caller is the
 * process that owns the map (lrpc-epmd itself) and may do anything.
 */
struct rpc_epm_owner {
	pid_t pid;
	uid_t uid;
	uint64_t start_time;
};

struct rpc_epm_entry {
	rpc_uuid_t object;
	const uint8_t *tower;	/* octet string */
	size_t tower_len;
	char annotation[RPC_EPM_ANNOTATION_MAX];
};

int rpc_epdb_create(struct rpc_epdb **out);
void rpc_epdb_free(struct rpc_epdb *db);
/* Number of entries. */
size_t rpc_epdb_count(struct rpc_epdb *db);

/*
 * ept_insert.  Every tower must decode (floors 1-3 at least), else
 * nothing is inserted and -ept_s_invalid_entry is returned.  An entry
 * equal to an existing one (object, interface id, tower) replaces it
 * (annotation and owner updated).  With replace, entries with the same
 * object, interface uuid and major version, and protocol sequence
 * (protocol floors 3.. and the network address, not the endpoint) are
 * removed first: a restarted server replaces its old endpoints.
 * At most RPC_EPDB_MAX_ENTRIES entries: -ept_s_cant_perform_op past it.
 * -EACCES (nothing inserted) when an entry to replace or refresh belongs
 * to another user (see struct rpc_epm_owner).
 */
#define RPC_EPDB_MAX_ENTRIES	65536
int rpc_epdb_insert(struct rpc_epdb *db, const struct rpc_epm_entry *ents,
		    size_t n, bool replace, const struct rpc_epm_owner *owner);

/* ept_delete: every entry must exist (object, interface, tower), else
 * nothing is deleted and -ept_s_not_registered is returned; -EACCES
 * when one belongs to another user (caller NULL: anything goes). */
int rpc_epdb_delete(struct rpc_epdb *db, const struct rpc_epm_entry *ents,
		    size_t n, const struct rpc_epm_owner *caller);

/* ept_mgmt_delete: remove the entries with this tower (and this object
 * when object_speced).  -ept_s_not_registered when none matched,
 * -EACCES (nothing removed) when one of them belongs to another user. */
int rpc_epdb_mgmt_delete(struct rpc_epdb *db, bool object_speced,
			 const rpc_uuid_t *object, const uint8_t *tower,
			 size_t tower_len, const struct rpc_epm_owner *caller);

/* Remove the entries of owners that exited; returns how many. */
int rpc_epdb_reap(struct rpc_epdb *db);
/* Remove the entries of one owner (its connection said it is gone). */
int rpc_epdb_remove_owner(struct rpc_epdb *db, const struct rpc_epm_owner *o);

/* A query in progress (an entry handle on the wire). */
struct rpc_epdb_cursor;

struct rpc_epdb_lookup_req {
	uint32_t inquiry_type;		/* RPC_EP_* */
	const rpc_uuid_t *object;	/* NULL: none given */
	const struct rpc_syntax_id *iface;	/* NULL: none given */
	uint32_t vers_option;		/* RPC_VERS_* (0 taken as ALL) */
	uint32_t max_ents;		/* 1 .. RPC_EPM_MAX_ENTS */
};

/* One result; the tower is a private copy, freed by
 * rpc_epdb_results_free. */
struct rpc_epdb_result {
	rpc_uuid_t object;
	uint8_t *tower;
	size_t tower_len;
	char annotation[RPC_EPM_ANNOTATION_MAX];
};

/*
 * ept_lookup.  *cursor is NULL on the first call (a new search starts)
 * or what the previous call left there.  Fills res[0..*n-1] (res has
 * room for req->max_ents) and returns the wire status: 0 or
 * ept_s_not_registered (positive: it is data, not a failure), or a
 * negative error (-ENOMEM; -ept_s_cant_perform_op for an unknown
 * inquiry type or vers_option).  After it, *cursor is NULL when the
 * search is over (it was freed) or a cursor for the next call.
 */
int rpc_epdb_lookup(struct rpc_epdb *db, const struct rpc_epdb_lookup_req *req,
		    struct rpc_epdb_cursor **cursor,
		    struct rpc_epdb_result *res, uint32_t *n);

/*
 * ept_map.  object may be NULL or nil.  map_tower gives the interface
 * (floor 1), and the protocol sequence (floors 3..).  Matches: same
 * interface uuid and major version with a minor version >= the one
 * asked for (any interface when the tower names the nil uuid or the
 * mgmt interface, which every server supports); same protocol
 * sequence; the entry's object equal to a non-nil object, and when no
 * entry has that object (or none was given) entries with the nil
 * object.  A tower whose IPv4 floor is 0.0.0.0 is returned with
 * local_ip (the address the client reached us on; network order) when
 * local_ip is not 0.  Paging and status as rpc_epdb_lookup.
 * A malformed map_tower gives ept_s_not_registered.
 */
int rpc_epdb_map(struct rpc_epdb *db, const rpc_uuid_t *object,
		 const uint8_t *map_tower, size_t map_tower_len,
		 uint32_t max_towers, uint32_t local_ip,
		 struct rpc_epdb_cursor **cursor,
		 struct rpc_epdb_result *res, uint32_t *n);

void rpc_epdb_cursor_free(struct rpc_epdb *db, struct rpc_epdb_cursor *c);
/* The same, for a context handle rundown routine (NULL is fine). */
void rpc_epdb_cursor_rundown(void *cursor);
void rpc_epdb_results_free(struct rpc_epdb_result *res, uint32_t n);

/* ---- the ept interface, server side ------------------------------------ */

/*
 * Serve the ept interface on srv from db (one endpoint map per process).
 * NDR20, both byte orders; also NDR64 with RPC_EPM_SERVER_NDR64 (see
 * lib/epm/ept_server.c for why it is not the default).  ept_insert,
 * ept_delete and ept_mgmt_delete are refused with
 * RPC_EPM_STATUS_ACCESS_DENIED unless the caller is on this host
 * (loopback or ncalrpc); entries inserted by a local process are tied to
 * it (see lib/epm/owner.c) unless RPC_EPM_SERVER_NO_OWNERS.
 */
#define RPC_EPM_SERVER_NO_OWNERS	0x1u
#define RPC_EPM_SERVER_NDR64		0x2u
#define RPC_EPM_SERVER_ALL		0x3u
int rpc_epm_server_register(struct rpc_server *srv, struct rpc_epdb *db,
			    unsigned int flags);

/* ---- clients ------------------------------------------------------------ */

/*
 * The endpoint mapper a client or server talks to for netaddr (NULL/"":
 * this host): $LRPC_EPMAPPER when set (a full string binding, e.g.
 * "ncacn_ip_tcp:127.0.0.1[13500]"), else ncacn_ip_tcp:netaddr[135].
 * *out malloc()ed.
 *
 * Trust: every function below that talks to a mapper over ncalrpc
 * (e.g. LRPC_EPMAPPER=ncalrpc:[epmapper]) talks only to one owned by
 * root, or by the uid or user name in $LRPC_EPM_UID, unless the binding
 * names the owner itself (server_uid=U); another owner gives
 * -rpc_s_auth_mut_fail before anything is sent (see "Server identity"
 * in <lrpc/rpc.h>).  Over TCP, port 135 is a privileged port.
 */
int rpc_ep_mapper_binding(const char *netaddr, char **out);

/*
 * Register interface iface of this process at the local endpoint mapper
 * for each of the nbind string bindings (the "ready" bindings of a
 * server), for each of the nobj objects (none: the nil object), with an
 * annotation (NULL: ""), replacing older registrations of the same
 * interface, object and protocol sequence.  The entries are tied to
 * this process: the endpoint mapper drops them when it exits.
 * -EACCES when the endpoint mapper refused; -rpc_s_server_unavailable
 * etc. when it cannot be reached.
 */
int rpc_ep_register(const struct rpc_syntax_id *iface,
		    const char *const *bindings, size_t nbind,
		    const rpc_uuid_t *objects, size_t nobj,
		    const char *annotation);
/* Same, without replacing ([C706] rpc_ep_register_no_replace). */
int rpc_ep_register_no_replace(const struct rpc_syntax_id *iface,
			       const char *const *bindings, size_t nbind,
			       const rpc_uuid_t *objects, size_t nobj,
			       const char *annotation);
int rpc_ep_unregister(const struct rpc_syntax_id *iface,
		      const char *const *bindings, size_t nbind,
		      const rpc_uuid_t *objects, size_t nobj);

/*
 * Resolve a partial binding (one without an endpoint) with ept_map at
 * the endpoint mapper of its host: sb's protseq and netaddr, the object
 * (NULL: sb's objuuid or none) and the interface iface.  On success
 * *endpoint is the endpoint (malloc()ed) to connect to.
 * -ept_s_not_registered when the endpoint mapper knows no such server.
 */
int rpc_ep_resolve_binding(const struct rpc_string_binding *sb,
			   const struct rpc_syntax_id *iface,
			   const rpc_uuid_t *object, char **endpoint);
/* Same on a string: *out is the full string binding. */
int rpc_ep_resolve(const char *binding, const struct rpc_syntax_id *iface,
		   char **out);

/*
 * Walk the entries of any endpoint mapper (ept_lookup with
 * rpc_c_ep_all_elts, paging with the entry handle, page size max_ents,
 * 0: 100).  fn is called once per entry with the decoded string binding
 * (or NULL when the tower could not be decoded); a non-zero return of
 * fn stops the walk (the handle is freed) and is returned.  Returns the
 * number of entries otherwise.  An empty map gives 0.
 */
typedef int (*rpc_ep_walk_fn)(void *arg, const struct rpc_epdb_result *e,
			      const char *binding);
int rpc_ep_walk(const char *ep_binding, uint32_t max_ents,
		rpc_ep_walk_fn fn, void *arg);

#ifdef __cplusplus
}
#endif
#endif /* LRPC_EPM_H */
