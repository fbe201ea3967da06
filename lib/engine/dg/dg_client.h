/* SPDX-License-Identifier: MIT */
/*
 * The connectionless (datagram) client engine, ncadg_ip_udp ([C706]
 * chapter 10): dg_client.c (the engine's hooks, activities, the server's
 * address), dg_client_call.c (one call: request fragments, facks,
 * retransmission, the response), dg_client_conv.c (the conversation
 * manager callbacks a server makes while it holds our request).
 *
 * A binding handle keeps a small pool of activities; a call takes an idle
 * one (an activity carries one call at a time, [C706] 10.1), so calls on
 * one binding from several threads run side by side.  Each activity has
 * its own unconnected UDP socket, which the server's answers and its
 * callbacks (from any port of the server's host) reach.
 */
#ifndef LRPC_ENGINE_DG_CLIENT_H
#define LRPC_ENGINE_DG_CLIENT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include "runtime/binding.h"
#include "engine/dg/dg_pdu.h"
#include "transport/transport.h"

extern const struct rpc_client_engine __rpc_dg_client_engine;

#define DG_CLI_PROTSEQ		"ncadg_ip_udp"
#define DG_CLI_MAX_ACTS		128	/* activities (concurrent calls) per binding */
#define DG_CLI_MAX_OUT		(256u << 20)	/* reassembled response */
/* retransmission: the first time-out follows the measured round trip,
 * within these bounds; each one without an answer doubles it */
#define DG_CLI_RTO_MIN_US	10000
#define DG_CLI_RTO_MAX_US	2000000
#define DG_CLI_RTT_INIT_US	50000
/* request fragments in flight before the server's first fack */
#define DG_CLI_WINDOW_INIT	8
#define DG_CLI_WINDOW_MAX	64
/* nocalls (the server has no record of the call) a call takes before
 * it fails with rpc_s_comm_failure */
#define DG_CLI_MAX_NOCALLS	8
/* our receive window, as the window_size of the facks we send (in
 * kilobytes, as the DCE runtime counts it) */
#define DG_CLI_RECV_WINDOW_KB	64

/* One activity: a sequence of calls, one at a time. */
struct dg_act {
	struct dg_act *next;		/* the idle list */
	rpc_uuid_t id;
	int fd;				/* its UDP socket */
	int wake;			/* eventfd: a cancel was asked */
	uint32_t seq;			/* of the call in progress or the last */
	atomic_bool busy;		/* a call runs on it */
	atomic_uint cancels;		/* rpc_binding_cancel() while busy */
	uint16_t ahint;			/* the server's activity hint */
	uint8_t *rbuf;			/* DG_RECV_MAX: what its socket receives */
};

/* A binding handle's engine state. */
struct dg_client {
	struct rpc_binding *bh;		/* settings: __rpc_binding_opts() */
	const struct rpc_string_binding *sb;
	const struct rpc_transport_ops *ops;	/* resolve, dgram_socket */
	bool be;			/* binding option bigendian: stub data */

	pthread_mutex_t lock;		/* everything below */
	pthread_cond_t cv;		/* an activity became idle */
	bool have_addr;
	struct sockaddr_storage srv;	/* where requests go */
	socklen_t srvlen;
	uint32_t boot;			/* server boot time, 0: not known yet */
	uint16_t ihint;			/* the server's interface hint */
	unsigned int nacts;		/* activities, and slots reserved */
	struct dg_act *acts[DG_CLI_MAX_ACTS];	/* NULL: free or reserved */
	uint32_t reserved;		/* slots whose activity is being made */
	struct dg_act *idle;
	atomic_uint srtt_us;		/* smoothed round trip of first answers */
	atomic_bool rtt_known;		/* srtt_us was measured */
};

/* dg_client_call.c: one call on activity a (idle list left, busy set). */
int __rpc_dg_call(struct dg_client *c, struct dg_act *a,
		  const struct rpc_syntax_id *iface, uint16_t opnum,
		  uint32_t proc_flags, const void *in, size_t inlen,
		  struct rpc_reply *reply, int64_t deadline);

/* dg_client.c: whether from is the host of the server srv (any port:
 * callbacks) or its exact address (answers). */
bool __rpc_dg_from_server(const struct sockaddr_storage *srv,
			  const struct sockaddr_storage *from, bool any_port);
/* dg_client.c: the server boot time boot seen in a datagram: 0 when it
 * agrees with what c knows (learnt when c knew none), else
 * -nca_s_wrong_boot_time. */
int __rpc_dg_check_boot(struct dg_client *c, uint32_t boot);
/* dg_client.c: the uuid of this process (conv_who_are_you2's cas_uuid)
 * and the "boot time" it gives as a callback's server. */
const rpc_uuid_t *__rpc_dg_cas_uuid(void);
uint32_t __rpc_dg_my_boot(void);

/*
 * dg_client_conv.c: the request datagram p[0..n) (header h) came to
 * activity a's socket from `from` while a call to the server srv runs on
 * it: when it is a conversation-manager callback from the server's host,
 * answer it.  Any other request is dropped.
 */
void __rpc_dg_conv_answer(struct dg_client *c, struct dg_act *a,
			  const struct sockaddr_storage *srv,
			  const struct dg_hdr *h, const uint8_t *body,
			  const struct sockaddr_storage *from,
			  socklen_t fromlen);

/* dg_client_conv.c: the conv interface (333a2276-...-00809c000000 v3) */
extern const struct rpc_syntax_id __rpc_dg_conv_syntax;

#endif /* LRPC_ENGINE_DG_CLIENT_H */
