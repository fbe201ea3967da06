/* SPDX-License-Identifier: MIT */
/*
 * lrpc runtime API: UUIDs, string bindings, binding handles, the server
 * (protocol sequences, interfaces, listening) and the client call path.
 *
 * Every function returns >= 0 on success or a negative code, as the error
 * model in <lrpc/status.h> says: the calls (rpc_call_raw,
 * rpc_binding_syntax, rpc_binding_cancel, rpc_call and generated stubs)
 * return -STATUS only, a server's fault verbatim; local functions -STATUS
 * or -errno.  Strings returned to the caller
 * are malloc()ed and freed with free() unless a function says otherwise.
 *
 * ------------------------------------------------------------------------
 * String bindings
 *
 *   [objuuid@]protseq:[netaddr][endpoint,option=value,...]
 *
 * e.g. "ncacn_ip_tcp:127.0.0.1[5000]", "ncacn_ip_tcp:host[ndr64]",
 * "ncalrpc:[svc]".  In every field '\' escapes the next character, so the
 * delimiters @ : [ ] , = and '\' itself can appear in a value; compose
 * escapes them.  Inside [...] the first element is the endpoint unless it
 * contains '=' or is a flag the runtime knows (see below); options are
 * "name=value" or a bare "name" (a flag, value "").  An empty endpoint
 * ("host[]") asks a server for a dynamic endpoint.
 *
 * Options the ncacn runtime honours (others are kept and ignored):
 *   endpoint=E         the endpoint, as an option
 *   ndr20 / ndr64      offer only that transfer syntax (default: both,
 *                      one presentation context each, the server picks)
 *   bigendian          send big-endian PDUs and stub data
 *   max_frag=N         max_xmit_frag/max_recv_frag offered (1432..65535)
 *   timeout=MS         per-call time-out (also rpc_binding_set_timeout)
 *   com_timeout=L      communications time-out level 0..10 for connect
 *                      and bind (also rpc_mgmt_set_com_timeout; the
 *                      default is $LRPC_COM_TIMEOUT, else 5)
 *   nobtfn             do not offer bind time feature negotiation
 *   nolocal            ncacn_ip_tcp/ncadg_ip_udp: never route to ncalrpc
 *                      (see "Local RPC" below; also LRPC_NO_LOCAL=1)
 *   nokernel           ncalrpc: use the AF_UNIX fallback, not /dev/lrpc
 *   server_uid=U       ncalrpc: talk only to a server owned by U, a uid
 *                      or a user name (see "Server identity" below;
 *                      also rpc_binding_set_server_uid)
 *
 * ------------------------------------------------------------------------
 * Local RPC (ncalrpc)
 *
 * "ncalrpc:[E]": E is 1..48 printable ASCII characters without '/'
 * ("ncalrpc:[]" on a server: a dynamic name, "LRPC-" + 16 hex digits).
 * A server listens on the abstract AF_UNIX socket "\0lrpc/E" and, when
 * /dev/lrpc can be opened, also on the kernel connection port
 * "ncalrpc.E" (any local user may connect to either; a manager that
 * cares asks rpc_call_ctx_peer_cred()).  A client goes through the
 * kernel when the port exists -- one LRPC_IOC_CALL per call, large
 * arguments in sections -- and through the socket otherwise, with the
 * same semantics: presentation negotiation, faults, cancel, time-outs,
 * context handles run down when the client goes away, concurrent calls.
 * LRPC_NO_KERNEL=1 in the environment keeps a process off /dev/lrpc
 * (a server then creates no kernel port).
 *
 * Server identity: before anything is sent, a client checks who owns
 * the server it reached -- the kernel port's owner, or over the AF_UNIX
 * fallback the process that listens (SO_PEERCRED) -- and by default
 * accepts only its own euid or root (0), so a process of another user
 * that took the name first ("squatting") gets neither the bind nor any
 * call.  The option server_uid=U (or rpc_binding_set_server_uid) names
 * the one owner to accept instead.  A server that fails the check gives
 * -rpc_s_auth_mut_fail.  Through a kernel with LRPC_F_USER_NAMES the
 * check is the kernel's name lookup itself (port names are scoped by
 * owner: the caller's own, then root's, or only U's); an older kernel is
 * asked to check the owner (LRPC_CONNECT_F_SERVER_UID).  The endpoint
 * mapper over ncalrpc is trusted only when owned by root, or by the uid
 * (or user name) in $LRPC_EPM_UID; a server_uid option in the mapper's
 * binding ($LRPC_EPMAPPER, rpc_ep_walk) is honoured as given.  A server
 * never takes over a name: "\0lrpc/E" (an abstract socket: nobody can
 * unlink or replace it) or a kernel port that another process holds
 * makes rpc_server_use_protseq fail with -rpc_s_duplicate_endpoint, or
 * -rpc_s_access_denied when that process belongs to another user.
 *
 * Routing: the first call on a binding to ncacn_ip_tcp (or ncadg_ip_udp)
 * whose host is this machine (127.0.0.0/8, ::1, a local interface
 * address, "localhost", the host name) asks the endpoint mapper for an
 * ncalrpc endpoint of the interface; when there is one with a kernel
 * port, the binding uses it for good (rpc_binding_reset() decides
 * again).  The endpoint mapper interface itself is never routed.
 */
#ifndef LRPC_RPC_H
#define LRPC_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <lrpc/status.h>
#include <lrpc/ndr.h>
#include <lrpc/stub.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- UUIDs ---------------------------------------------------------- */

/* struct rpc_uuid and struct rpc_syntax_id come from <lrpc/stub.h>. */
typedef struct rpc_uuid rpc_uuid_t;

#define RPC_UUID_STRLEN 36	/* without the NUL */

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (hex digits either case; an
 * empty string or NULL is the nil UUID).  -rpc_s_invalid_string_uuid. */
int rpc_uuid_parse(const char *s, rpc_uuid_t *u);
/* Lower-case form into buf (>= RPC_UUID_STRLEN + 1). Returns 36. */
int rpc_uuid_format(const rpc_uuid_t *u, char *buf, size_t size);
/* <0, 0, >0 in the DCE order (field by field, unsigned). */
int rpc_uuid_compare(const rpc_uuid_t *a, const rpc_uuid_t *b);
bool rpc_uuid_is_nil(const rpc_uuid_t *u);
/* Random (version 4) UUID from getrandom(). */
int rpc_uuid_generate(rpc_uuid_t *u);
/* Wire form (16 octets; the first three fields in the given byte order). */
void rpc_uuid_to_wire(const rpc_uuid_t *u, uint8_t out[16], bool big_endian);
void rpc_uuid_from_wire(rpc_uuid_t *u, const uint8_t in[16], bool big_endian);

extern const struct rpc_syntax_id rpc_syntax_ndr20;	/* 8a885d04... v2.0 */
extern const struct rpc_syntax_id rpc_syntax_ndr64;	/* 71710533... v1.0 */

/* ---- string bindings ------------------------------------------------ */

struct rpc_binding_option {
	char *name;
	char *value;		/* "" for a flag */
};

struct rpc_string_binding {
	char *objuuid;		/* NULL or "" when absent */
	char *protseq;
	char *netaddr;		/* "" when absent */
	char *endpoint;		/* NULL: no [..] endpoint; "": empty */
	size_t noptions;
	struct rpc_binding_option *options;
};

/* -rpc_s_invalid_string_binding, -rpc_s_invalid_string_uuid, -ENOMEM. */
int rpc_string_binding_parse(const char *s, struct rpc_string_binding **out);
/* Compose with escapes; *out malloc()ed. */
int rpc_string_binding_compose(const struct rpc_string_binding *sb,
			       char **out);
void rpc_string_binding_free(struct rpc_string_binding *sb);
/* The value of an option (NULL when absent). */
const char *rpc_string_binding_option(const struct rpc_string_binding *sb,
				      const char *name);

/* ---- binding handles (client) --------------------------------------- */

struct rpc_binding;

/* -rpc_s_invalid_string_binding, -rpc_s_protseq_not_supported, ... */
int rpc_binding_from_string(const char *s, struct rpc_binding **out);
int rpc_binding_to_string(const struct rpc_binding *b, char **out);
/* Closes the connection (if any) and frees the handle; while client
 * context handles made on it are open (<lrpc/stub.h>) they keep both, and
 * the last of them to close or be destroyed frees it. */
void rpc_binding_free(struct rpc_binding *b);
/* Per-call time-out in ms; 0 = none (default).  A call that times out
 * returns -rpc_s_timeout: over ncacn the server gets an orphaned PDU for
 * it and its late answer is discarded, the connection stays for later
 * calls; through the kernel the call is cancelled. */
int rpc_binding_set_timeout(struct rpc_binding *b, unsigned int ms);
/*
 * Communications time-out ([C706] rpc_mgmt_set_com_timeout, Windows
 * RpcMgmtSetComTimeout): how long a client tries to reach the server --
 * the transport connect, then the bind or alter_context exchange -- as a
 * level, bounded further by a call's own time-out:
 *
 *   level      0   1   2   3   4   5   6    7    8    9   10
 *   connect s  1   2   3   5   7  10  20   40   80  160   infinite
 *   bind s     2   5  10  15  20  30  60  120  240  480   infinite
 *
 * A binding starts at $LRPC_COM_TIMEOUT (a level) or 5, or the binding
 * option com_timeout=L.  A connect that does not complete in time, or is
 * refused, gives -rpc_s_server_unavailable; a bind or alter_context that
 * is not answered in time -rpc_s_comm_failure (the connection is
 * closed); when the call's time-out is the earlier one, -rpc_s_timeout as
 * for any call.  Through the kernel (ncalrpc) the connect carries the
 * bind, so the connect and an alter_context get the bind bound.  Set: 0
 * or -rpc_s_invalid_timeout (level > 10), -EINVAL.
 */
#define RPC_C_BINDING_MIN_TIMEOUT	0
#define RPC_C_BINDING_DEFAULT_TIMEOUT	5
#define RPC_C_BINDING_MAX_TIMEOUT	9
#define RPC_C_BINDING_INFINITE_TIMEOUT	10
int rpc_mgmt_set_com_timeout(struct rpc_binding *b, unsigned int level);
int rpc_mgmt_inq_com_timeout(const struct rpc_binding *b, unsigned int *level);
int rpc_binding_set_object(struct rpc_binding *b, const rpc_uuid_t *obj);
/*
 * The owner (effective uid) the server of b must have (see "Server
 * identity" above): uid, or RPC_SERVER_UID_DEFAULT for the default (the
 * caller's own euid or root).  Overrides the binding's server_uid option;
 * used from the next connection on (set it before the first call, or
 * call rpc_binding_reset()).  Checked for ncalrpc, and for a local
 * ncacn_ip_tcp binding routed to ncalrpc (which, when the check fails,
 * stays on TCP).  A server of another owner: calls return
 * -rpc_s_auth_mut_fail and nothing is sent to it.  0, or -EINVAL.
 */
#define RPC_SERVER_UID_DEFAULT	((uid_t)-1)
int rpc_binding_set_server_uid(struct rpc_binding *b, uid_t uid);
/* Cancel the call in progress on b (from another thread): sends
 * co_cancel; the call returns -rpc_s_call_cancelled or the server's
 * answer if it completes anyway.  0, or -rpc_s_no_call_active. */
int rpc_binding_cancel(struct rpc_binding *b);
/* Transfer syntax the server picked for iface (connects and binds if
 * needed): NDR_SYNTAX_NDR20 / NDR_SYNTAX_NDR64, or < 0. */
int rpc_binding_syntax(struct rpc_binding *b, const struct rpc_syntax_id *iface);
/* Association group id of the connection (after the first bind). */
uint32_t rpc_binding_assoc_group(const struct rpc_binding *b);
/* Drops the connection; the next call connects again, asking to join
 * the same association group. */
void rpc_binding_reset(struct rpc_binding *b);

/*
 * A raw call: stub data in, stub data out.  The [in] octets must be
 * encoded in the syntax rpc_binding_syntax() returned and in the byte
 * order of the binding (see rpc_binding_big_endian()).  On success
 * reply->data (malloc()ed) holds the response stub data and reply->drep
 * its label; returns 0.  A fault returns -FAULT, whatever its value (5
 * returns -5, rpc_s_access_denied), or -rpc_s_call_failed for HRESULT
 * values >= 0x80000000, and reply->fault holds it verbatim (0 without a
 * fault); nca_s_fault_cancel after a cancel returns -rpc_s_call_cancelled.
 * Any other failure is -STATUS, never -errno (<lrpc/status.h>).
 */
struct rpc_reply {
	uint8_t *data;
	size_t len;
	uint8_t drep[4];
	uint32_t fault;		/* fault status, 0 when none */
};
int rpc_call_raw(struct rpc_binding *b, const struct rpc_syntax_id *iface,
		 uint16_t opnum, const void *in, size_t inlen,
		 struct rpc_reply *reply);
bool rpc_binding_big_endian(const struct rpc_binding *b);
void rpc_reply_release(struct rpc_reply *r);

/* ---- authentication ([C706] 13, [MS-RPCE] 3.3.1.5.2) ------------------ */

/* Providers (authn_svc) and levels, with their Windows values. */
#define RPC_C_AUTHN_NONE		0
#define RPC_C_AUTHN_GSS_NEGOTIATE	9	/* SPNEGO (Kerberos) */
#define RPC_C_AUTHN_WINNT		10	/* NTLMSSP */
#define RPC_C_AUTHN_GSS_KERBEROS	16
/* Local callers (ncalrpc): the kernel-stamped or SO_PEERCRED identity;
 * never on the wire.  Any provider asked for on ncalrpc gives this. */
#define RPC_C_AUTHN_LOCAL		0xfe
#define RPC_C_AUTHN_DEFAULT		0xffffffffu	/* SPNEGO */

#define RPC_C_AUTHN_LEVEL_DEFAULT	0	/* packet integrity */
#define RPC_C_AUTHN_LEVEL_NONE		1
#define RPC_C_AUTHN_LEVEL_CONNECT	2
#define RPC_C_AUTHN_LEVEL_CALL		3	/* as PKT, as Windows does */
#define RPC_C_AUTHN_LEVEL_PKT		4
#define RPC_C_AUTHN_LEVEL_PKT_INTEGRITY	5
#define RPC_C_AUTHN_LEVEL_PKT_PRIVACY	6

/* Explicit credentials (SEC_WINNT_AUTH_IDENTITY); NULL members and a NULL
 * identity mean the default ones: the Kerberos credential cache
 * ($KRB5CCNAME), or for NTLM the gss-ntlmssp user file ($NTLM_USER_FILE,
 * lines DOMAIN:user:password). */
struct rpc_winnt_identity {
	const char *user;
	const char *domain;
	const char *password;
};

/*
 * Authenticate b's calls (RpcBindingSetAuthInfo): @server_princ is the
 * server's principal (Kerberos "host/name@REALM" or "service@host"; NULL
 * for NTLM), @level one of RPC_C_AUTHN_LEVEL_*, @authn_svc one of
 * RPC_C_AUTHN_*.  Strings are copied.  The next call connects anew and
 * authenticates in its bind; a failed authentication is
 * -rpc_s_access_denied, a provider this build lacks
 * -rpc_s_unknown_authn_service, a level it cannot give
 * -rpc_s_unsupported_authn_level.  On ncalrpc the kernel (or the socket)
 * vouches for the caller instead and nothing goes on the wire.
 * RPC_C_AUTHN_NONE turns authentication off.  0, or -EINVAL.
 */
int rpc_binding_set_auth_info(struct rpc_binding *b, const char *server_princ,
			      unsigned int level, unsigned int authn_svc,
			      const struct rpc_winnt_identity *id);
/* Names as tools take them: "none", "ntlm" (or "winnt"), "krb5" (or
 * "kerberos"), "spnego" (or "negotiate"), "default", or the number; levels
 * "none", "connect", "call", "packet", "integrity", "privacy" (or "pkt",
 * "sign", "seal") or the number.  The value, or -EINVAL. */
int rpc_authn_svc_from_name(const char *name);
int rpc_auth_level_from_name(const char *name);
/* A user name as people write it, "DOMAIN\\user" or "user", into id's
 * domain (NULL when none) and user: name is split in place (the
 * backslash becomes a NUL), so it must outlive id.  0, or -EINVAL (no
 * name, an empty user, a second backslash). */
int rpc_winnt_identity_parse(char *name, struct rpc_winnt_identity *id);
const char *rpc_authn_svc_name(unsigned int authn_svc);
const char *rpc_auth_level_name(unsigned int level);

/* What rpc_binding_set_auth_info set (levels as the wire has them: CALL
 * reads as PKT).  -rpc_s_binding_has_no_auth when none; any pointer may
 * be NULL. */
int rpc_binding_inq_auth_info(const struct rpc_binding *b, unsigned int *level,
			      unsigned int *authn_svc);

/* ---- server calls ---------------------------------------------------- */

/*
 * Server calls (struct rpc_call_ctx, see <lrpc/stub.h> for the thunk
 * contract, rpc_server_fault(), rpc_ss_allocate() and the server context
 * handle functions rpc_sctx_lookup() / rpc_sctx_to_wire()).  A manager
 * routine gets no ctx argument: rpc_call_ctx_current() is the call the
 * calling thread executes (NULL outside a manager).
 */
struct rpc_server;

struct rpc_call_ctx *rpc_call_ctx_current(void);
/* (also in stub.h) per-call memory for [out] values, freed after the reply */
void *rpc_ss_allocate(size_t size);
int rpc_call_ctx_syntax(const struct rpc_call_ctx *ctx);	/* enum ndr_syntax */
bool rpc_call_ctx_big_endian(const struct rpc_call_ctx *ctx);
/* True once the client cancelled the call (co_cancel, orphaned) or its
 * connection went away; a long-running manager polls this. */
bool rpc_call_ctx_cancelled(const struct rpc_call_ctx *ctx);
void rpc_call_ctx_object(const struct rpc_call_ctx *ctx, rpc_uuid_t *obj);
uint16_t rpc_call_ctx_opnum(const struct rpc_call_ctx *ctx);
struct rpc_server *rpc_call_ctx_server(const struct rpc_call_ctx *ctx);
/*
 * Who is calling, for local callers: through the kernel, the process
 * (tgid), euid and egid stamped on this request; over the AF_UNIX
 * fallback, those of the process that connected (SO_PEERCRED).  Any
 * pointer may be NULL.  -EOPNOTSUPP for a network caller.
 */
int rpc_call_ctx_peer_cred(const struct rpc_call_ctx *ctx, pid_t *pid,
			   uid_t *uid, gid_t *gid);

/* ---- the server ----------------------------------------------------- */

int rpc_server_create(struct rpc_server **out);
/* Stops listening (if needed) and frees everything. */
void rpc_server_free(struct rpc_server *srv);
/*
 * Listen on protseq at netaddr and endpoint (NULL/"": dynamic).  netaddr
 * NULL or "": every address (ncacn_ip_tcp, ncadg_ip_udp: IPv6 and IPv4
 * on one socket when the host has IPv6); else an address literal
 * ("127.0.0.1", "::1", "fe80::1%eth0"), a host name or an interface's
 * address, the first of its addresses that binds.  Writes to *binding,
 * when binding != NULL, a string binding a client on this host can use,
 * with the actual endpoint (netaddr, or for every address 127.0.0.1;
 * rpc_server_inq_listen_binding tells where it listens).  Errors say
 * why (<lrpc/status.h>, "Creating an endpoint"):
 * -rpc_s_protseq_not_supported, -rpc_s_invalid_endpoint_format,
 * -rpc_s_duplicate_endpoint (in use), -rpc_s_access_denied (a privileged
 * port, another user's ncalrpc name), -rpc_s_invalid_net_addr (not an
 * address of this host, or no address), -rpc_s_cant_create_endpoint
 * (anything else), -rpc_s_out_of_resources (too many endpoints).
 */
int rpc_server_use_protseq(struct rpc_server *srv, const char *protseq,
			   const char *netaddr, const char *endpoint,
			   char **binding);
/*
 * Where the server's endpoint i (0.., in rpc_server_use_protseq order)
 * listens, as its socket is bound: "ncacn_ip_tcp:[::][135]" (every IPv6
 * and IPv4 address), "ncacn_ip_tcp:0.0.0.0[135]" (every IPv4 address),
 * "ncacn_ip_tcp:10.0.0.5[49152]", "ncadg_ip_udp:[::][135]",
 * "ncalrpc:[epmapper]".  For people and logs (lrpc-epmd's "ready"
 * lines): a client connects to an address of the host, not to a
 * wildcard, which rpc_server_use_protseq's binding gives.  The string
 * is the caller's to free().  0, -ENOENT past the last endpoint,
 * -ENOMEM, -EINVAL.
 */
int rpc_server_inq_listen_binding(const struct rpc_server *srv,
				  unsigned int i, char **binding);
/* Serve iface (server thunks from lrpc-idl, foo_v1_0_s_ifspec), NDR20
 * and NDR64.  -rpc_s_type_already_registered when its uuid and major
 * version are taken, -EINVAL without thunks. */
int rpc_server_register_if(struct rpc_server *srv,
			   const struct rpc_interface *iface);
int rpc_server_unregister_if(struct rpc_server *srv,
			     const struct rpc_interface *iface);
/* Start the event loop thread and the worker pool (up to max_calls
 * concurrent calls, 0 = default 256); returns at once. */
int rpc_server_listen(struct rpc_server *srv, unsigned int max_calls);
/* Ask the server to stop: 0, -rpc_s_not_listening, -EINVAL.  Safe from
 * any thread, a manager routine (mgmt stop_server_listening) and a
 * signal handler: it is async-signal-safe (an atomic flag and a write
 * to an eventfd the server's threads and rpc_server_wait poll; errno is
 * kept).  The server stops reading at once; rpc_server_wait does the
 * rest.  srv must stay valid until the call returns. */
int rpc_server_stop_listening(struct rpc_server *srv);
/* Wait until the server stopped listening and no manager of it runs any
 * more, through a socket or /dev/lrpc: calls in progress get 5 s to
 * finish and have their answers sent, then are cancelled (connections
 * dropped) and waited for.  0, or -rpc_s_not_listening. */
int rpc_server_wait(struct rpc_server *srv);
bool rpc_server_is_listening(const struct rpc_server *srv);

struct rpc_server_stats {
	uint64_t calls_in;		/* requests received */
	uint64_t calls_out;		/* responses and faults sent */
	uint64_t pkts_in;
	uint64_t pkts_out;
	uint32_t connections;		/* currently open */
	uint32_t assoc_groups;		/* currently alive */
	uint32_t context_handles;	/* currently alive */
};
int rpc_server_stats(const struct rpc_server *srv, struct rpc_server_stats *st);
/*
 * Accept callers authenticated by @authn_svc (RpcServerRegisterAuthInfo):
 * @principal is the server's own name (NULL: any key in the keytab),
 * @keytab the Kerberos key file (NULL: $KRB5_KTNAME or the default).  NTLM
 * checks passwords through gss-ntlmssp ($NTLM_USER_FILE or winbind).
 * Without it, a bind asking for @authn_svc is refused with bind_nak
 * authentication_type_not_recognized.  0, -rpc_s_unknown_authn_service,
 * -EINVAL, -ENOMEM.
 */
int rpc_server_register_auth_info(struct rpc_server *srv, const char *principal,
				  unsigned int authn_svc, const char *keytab);
/* Refuse calls below @level (RPC_C_AUTHN_LEVEL_*; default NONE): such a
 * call gets fault rpc_s_access_denied and never runs; a bind that
 * asks for less gets bind_nak.  Local callers (ncalrpc) count as
 * PKT_PRIVACY.  0, or -EINVAL. */
int rpc_server_set_min_auth_level(struct rpc_server *srv, unsigned int level);
/* A per-interface security callback (RpcServerRegisterIf2's IfCallback):
 * runs before each call's manager, after the level check; a non-zero
 * return refuses the call with fault rpc_s_access_denied (or the
 * returned status when it is a fault code other than 1).  The interface
 * is registered if it is not yet.  0, -EINVAL, -rpc_s_*. */
typedef int (*rpc_if_callback_fn)(struct rpc_call_ctx *ctx, void *arg);
int rpc_server_register_if_callback(struct rpc_server *srv,
				    const struct rpc_interface *iface,
				    rpc_if_callback_fn fn, void *arg);
/*
 * Who is calling, as authenticated (RpcBindingInqAuthClient): the
 * provider (RPC_C_AUTHN_*), the level, and the principal ("user@REALM",
 * "DOMAIN\\user"; for a local caller the user name of its euid).  For
 * local callers rpc_call_ctx_peer_cred() gives pid, uid and gid as well.
 * -rpc_s_binding_has_no_auth for an unauthenticated caller, -EINVAL.
 */
struct rpc_call_auth {
	unsigned int authn_svc;
	unsigned int level;
	char principal[256];
};
int rpc_call_ctx_inq_auth(const struct rpc_call_ctx *ctx,
			  struct rpc_call_auth *out);
/* Principal name returned by mgmt inq_princ_name (default ""). */
int rpc_server_set_princ_name(struct rpc_server *srv, const char *name);
/* Whether mgmt stop_server_listening from a client is honoured (default
 * no: the call returns ERROR_ACCESS_DENIED, 5, in its status). */
int rpc_server_allow_remote_stop(struct rpc_server *srv, bool allow);

/*
 * Connection guards of the ncacn engines (ncacn_ip_tcp and the ncalrpc
 * AF_UNIX fallback) and of ncalrpc through /dev/lrpc, so that no peer
 * can exhaust a server.  A time-out of 0 never expires.  Each takes
 * effect for every connection, open ones included, within about a
 * quarter of the time-out (at most a second).
 *
 *   RPC_SERVER_TIMEOUT_BIND  accept to the first bind          10 s
 *   RPC_SERVER_TIMEOUT_PDU   first to last octet of one PDU     10 s
 *                            (a peer that trickles a PDU)
 *   RPC_SERVER_TIMEOUT_IDLE  no call running and nothing     15 min
 *                            received (Windows drops idle
 *                            associations too)
 *   RPC_SERVER_TIMEOUT_SEND  queued response octets the peer     30 s
 *                            does not read
 *
 * The connection is closed when one expires (calls still running on it
 * are cancelled, as when the client goes away).  Through /dev/lrpc only
 * IDLE applies (a connection that made no call since it connected is
 * idle too): the connect carries the bind and is answered at once, the
 * module delivers whole messages, and a response is handed to the
 * module without waiting for the client.  A client whose idle
 * connection was closed reconnects on its next call, which goes
 * through unless it was already written (over ncacn, the client looks
 * for the close only when its previous call began 100 ms or more
 * before, so that back-to-back calls pay nothing; a server that closes an
 * association also runs its context handles down).  0, or -EINVAL for
 * an unknown time-out.
 */
enum rpc_server_timeout {
	RPC_SERVER_TIMEOUT_BIND,
	RPC_SERVER_TIMEOUT_PDU,
	RPC_SERVER_TIMEOUT_IDLE,
	RPC_SERVER_TIMEOUT_SEND,
};
int rpc_server_set_timeout(struct rpc_server *srv,
			   enum rpc_server_timeout which, unsigned int ms);

/*
 * Caps of the ncacn engines, and of ncalrpc through /dev/lrpc where
 * said; over a cap the server refuses and stays responsive to everyone
 * else.  (Through /dev/lrpc the module holds a request's octets, charged
 * to the client's uid: CONN_BYTES does not apply there.)
 *
 *   RPC_SERVER_LIMIT_CONNS_PER_ADDR  connections from one IP address    64
 *       (TCP only; 0: no cap); one more is accepted and its bind answered with
 *       bind_nak, reason local_limit_exceeded (2), then closed; one that
 *       sends nothing is closed after a second, and beyond 64 such
 *       refusals pending at once the connection is closed unanswered
 *   RPC_SERVER_LIMIT_CONNS_PER_UID   ncalrpc connections from one uid   1/4 of
 *       RLIMIT_NOFILE at rpc_server_create(), at least 64
 *       (0: no cap); both paths count together: the AF_UNIX fallback
 *       (the SO_PEERCRED uid) is refused as above, the kernel path (the
 *       uid the module stamps on the connect) gets the same bind_nak in
 *       a rejected connect, so the client sees -rpc_s_server_too_busy
 *       either way.  Root is not exempt: uid 0 has its own count like
 *       any uid (it never eats into another uid's), and a server that
 *       wants more for root raises or lifts the cap
 *   RPC_SERVER_LIMIT_CALLS_PER_CONN  calls receiving or running on one  256
 *       connection (1..256), through /dev/lrpc too; one more is refused
 *       with the fault nca_s_server_too_busy (did not execute) and does
 *       not run
 *   RPC_SERVER_LIMIT_CONN_BYTES      request octets held for the calls  128 MiB
 *       of one connection (>= 64 KiB); a call that would pass it gets
 *       nca_s_fault_remote_no_memory
 *
 * Running out of file descriptors is handled without a setting: the
 * server stops accepting (the listen queue holds new clients) until a
 * connection closes or 250 ms pass, and logs it to stderr at most once
 * per 5 s.  0, or -EINVAL for an unknown cap or a value out of range.
 */
enum rpc_server_limit {
	RPC_SERVER_LIMIT_CONNS_PER_ADDR,
	RPC_SERVER_LIMIT_CALLS_PER_CONN,
	RPC_SERVER_LIMIT_CONN_BYTES,
	RPC_SERVER_LIMIT_CONNS_PER_UID,
};
int rpc_server_set_limit(struct rpc_server *srv, enum rpc_server_limit which,
			 uint64_t value);

/* Every server also serves the DCE mgmt interface
 * (afa8bd80-7d8a-11c9-bef4-08002b102989 v1.0). */

#ifdef __cplusplus
}
#endif
#endif /* LRPC_RPC_H */
