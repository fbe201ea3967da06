/* SPDX-License-Identifier: MIT */
/*
 * The local protocol engine (ncalrpc): what transport_unix.c (the AF_UNIX
 * fallback), lpc_client.c and lpc_server.c (the /dev/lrpc path) share with
 * the connection-oriented engines.
 *
 * How a call travels through the kernel
 * -------------------------------------
 * Server: rpc_server_use_protseq("ncalrpc", E) listens on the AF_UNIX
 * socket "\0lrpc/E" and, when /dev/lrpc can be opened (and LRPC_NO_KERNEL
 * is not set), creates the kernel connection port "ncalrpc.E" (mode: any
 * user may connect).  Threads of the server loop in LRPC_IOC_REPLY_RECV on
 * the port: reply to the call they ran, receive the next message, run it
 * inline in the same thread.  A thread that takes a message when no other
 * waits starts another (up to max_calls), so long calls do not stall the
 * port.
 *
 * Client: a binding to ncalrpc:[E] (or one routed there, see lpc_route.c)
 * connects with LRPC_IOC_CONNECT; the connect payload is a CO bind PDU
 * (the presentation contexts, the association group to join), the accept
 * payload its bind_ack -- the same negotiation as on a socket.  Every call
 * is then one LRPC_IOC_CALL: request = struct lpc_hdr + [object uuid] +
 * stub data, reply = struct lpc_hdr + stub data (LPC_T_RESPONSE) or a
 * fault (LPC_T_FAULT, status).  Stub data larger than the inline limit
 * (GET_FEATURES max_inline_size) travels in a section attached to the
 * message (LPC_F_VIEW; the receiver maps it and unmarshals from it
 * directly).  With LRPC_F_SEAL, between peers of different euids (the
 * kernel stamps both), the sender attaches it sealed (LRPC_VIEW_F_SEAL:
 * nobody can write it while the receiver holds it), and a receiver
 * copies a view that arrives unsealed before it unmarshals -- a peer
 * must not change octets under the unmarshaller (double fetch); copying
 * rather than refusing keeps peers that cannot seal working.  Peers of
 * one euid can write each other's memory anyway: they skip the seal and
 * its cost (LRPC_SEAL=always seals them too).  With LRPC_F_RECV_VIEWS views are installed only on
 * request: a server's every REPLY_RECV and a client's every call (not
 * its alter_context) ask; a view on a message whose header has no
 * LPC_F_VIEW is refused (nca_s_proto_error from the server,
 * -rpc_s_protocol_error in the client).  alter_context PDUs travel as CALLs whose payload is the CO
 * PDU itself (first octet 5, never LPC_MAGIC).  Cancel: LRPC_IOC_CANCEL of
 * the pending call; the server gets a CANCEL message and sets the call's
 * cancel flag.  PORT_CLOSED (client exit, kill, rpc_binding_free) leaves
 * the association group, which runs down its context handles.  Callers'
 * credentials come from the kernel-stamped message info.
 *
 * Everything is in host byte order: both ends are on this host.  The stub
 * data keeps the NDR data representation in drep.
 */
#ifndef LRPC_LOCAL_INT_H
#define LRPC_LOCAL_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/lrpc.h>
#include "runtime/binding.h"
#include "runtime/runtime_int.h"
#include "engine/co/pdu.h"
#include "transport/transport.h"

#define LPC_PORT_PREFIX		"ncalrpc."
_Static_assert(sizeof(LPC_PORT_PREFIX) + RPC_LOCAL_EP_MAX <= LRPC_NAME_MAX,
	       "a kernel port name holds every local endpoint");

/* LRPC_NO_KERNEL set (to anything but "0"): never use /dev/lrpc. */
bool __rpc_lpc_disabled(void);

#define LPC_MAGIC		0x4c	/* 'L'; a CO PDU starts with 5 */

enum {
	LPC_T_REQUEST = 1,
	LPC_T_RESPONSE = 2,
	LPC_T_FAULT = 3,
};

#define LPC_F_OBJECT	0x01	/* request: an object uuid follows the header */
#define LPC_F_VIEW	0x02	/* stub data is in the attached view */
#define LPC_F_DNE	0x04	/* fault: the call did not execute */
#define LPC_F_MAYBE	0x08	/* request: no reply wanted ([maybe]) */
#define LPC_F_ALL	0x0f

struct lpc_hdr {
	uint8_t magic;		/* LPC_MAGIC */
	uint8_t type;		/* LPC_T_* */
	uint8_t flags;		/* LPC_F_* */
	uint8_t pad;
	uint8_t drep[4];	/* of the stub data */
	uint16_t ctx_id;	/* presentation context (request) */
	uint16_t opnum;
	uint32_t status;	/* fault status */
	uint64_t stub_len;	/* inline after the header, or in the view */
};				/* 24 octets: stub data stays 8-aligned */

_Static_assert(sizeof(struct lpc_hdr) == 24, "lpc_hdr is 24 octets");

/* ---- client: lpc_client.c ---------------------------------------------- */

struct lpc_client;

/* What the binding asks of the connection. */
struct lpc_params {
	uint32_t offer;		/* SYN_NDR20 | SYN_NDR64 */
	bool be;
	bool btfn;
	bool has_object;
	rpc_uuid_t object;
	unsigned int timeout_ms;
	unsigned int com_level;	/* bounds connect+bind, alter_context */
	uid_t server_uid;	/* RPC_SERVER_UID_DEFAULT: own euid or root */
};

/* What b asks, with the settings of this moment. */
static inline void __rpc_lpc_params(const struct rpc_binding *b,
				    struct lpc_params *p)
{
	struct rpc_binding_opts o;

	p->offer = b->offer;
	p->be = b->be;
	p->btfn = b->btfn;
	__rpc_binding_opts(b, &o);
	p->has_object = o.has_object;
	p->object = o.object;
	p->timeout_ms = o.timeout_ms;
	p->com_level = o.com_level;
	p->server_uid = o.server_uid;
}

/*
 * Connect to kernel port "ncalrpc.<endpoint>", binding iface.  1 with *out
 * set; 0 when the kernel path is not available (no /dev/lrpc, no such
 * port, LRPC_NO_KERNEL): the caller uses the socket; < 0 an error.
 */
int __rpc_lpc_connect(const char *endpoint, const struct lpc_params *p,
		      const struct rpc_syntax_id *iface,
		      struct lpc_client **out);
/* NDR_SYNTAX_* accepted for iface (alter_context if needed), or < 0. */
int __rpc_lpc_syntax(struct lpc_client *l, const struct lpc_params *p,
		     const struct rpc_syntax_id *iface);
int __rpc_lpc_call(struct lpc_client *l, const struct lpc_params *p,
		   const struct rpc_syntax_id *iface, uint16_t opnum,
		   const void *in, size_t inlen, struct rpc_reply *reply);
/* 0, or -rpc_s_no_call_active. */
int __rpc_lpc_cancel(struct lpc_client *l);
uint32_t __rpc_lpc_assoc_group(const struct lpc_client *l);
void __rpc_lpc_close(struct lpc_client *l);

/* The engine that carries a binding's calls through the kernel
 * (runtime/engine.h), asked before the connection-oriented one. */
extern const struct rpc_client_engine __rpc_lpc_client_engine;

/* ---- routing: lpc_route.c ---------------------------------------------- */

/*
 * The engine's select: whether b goes through the kernel, decided at its
 * first use.  ncalrpc bindings when the server has a kernel port, local
 * ncacn_ip_tcp bindings when the endpoint mapper knows an ncalrpc
 * endpoint for iface.  1 with *state (a struct lpc_client), 0: the
 * socket; < 0: an ncalrpc binding that cannot be resolved or connected.
 */
int __rpc_lpc_select(struct rpc_binding *b, const struct rpc_syntax_id *iface,
		     void **state);

/* Whether netaddr names this host (127/8, ::1, a local interface address,
 * "localhost" or the host name). */
bool __rpc_host_is_local(const char *netaddr);
/*
 * The ncalrpc endpoint of the server that serves iface on this host,
 * from the endpoint mapper (*endpoint malloc()ed), or < 0.
 */
int __rpc_route_lookup(const struct rpc_string_binding *sb,
		       const struct rpc_syntax_id *iface,
		       const rpc_uuid_t *object, char **endpoint);

/* ---- server: lpc_server.c ------------------------------------------------ */

struct rpc_server;
struct srv_listener;
struct conn;

/* The process's /dev/lrpc control fd (-1: none) and the module's limits. */
int __rpc_lpc_dev(const struct lrpc_features **feat);
/* Whether views exchanged with a peer of that euid are sealed (and its
 * unsealed ones copied): across uids, or always with LRPC_SEAL=always. */
bool __rpc_lpc_seal_for(uid_t peer);
/* Whether a received message came with a view installed as an fd (one
 * not asked for is dropped by a module with LRPC_F_RECV_VIEWS). */
static inline bool __rpc_lpc_has_view(const struct lrpc_msg_info *m)
{
	return m->view_fd >= 0 && m->view_len;
}
/* A new section holding a copy of data: its fd, or < 0. */
int __rpc_lpc_section(const void *data, size_t len);
/* Create a section of len octets and map it writable at *mp: its fd,
 * or < 0 (lpc_device.c). */
int __rpc_lpc_section_map(size_t len, void **mp);

/* The local engine of the server (lib/engines.c); connections and calls
 * come from the connection-oriented engine (engine/co/co_int.h). */
struct rpc_server_engine;
extern const struct rpc_server_engine __rpc_lpc_server_engine;

/* Create kernel port "ncalrpc.<endpoint>" for the AF_UNIX listener lst
 * (0 for another listener, also when the kernel path is not available;
 * < 0 on a real error). */
int __rpc_lpc_listen(struct rpc_server *srv, struct srv_listener *lst);
/* Start the port threads (rpc_server_listen). */
int __rpc_lpc_start(struct rpc_server *srv, unsigned int max_calls);
/* Stop them (the server is stopping); returns at once. */
void __rpc_lpc_stop(struct rpc_server *srv);
/* Stop them and wait until none runs, so no manager does
 * (rpc_server_wait). */
void __rpc_lpc_wait(struct rpc_server *srv);
/* Close the ports and free (rpc_server_free). */
void __rpc_lpc_free(struct rpc_server *srv);

#endif /* LRPC_LOCAL_INT_H */
