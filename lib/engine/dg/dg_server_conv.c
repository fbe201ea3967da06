// SPDX-License-Identifier: MIT
/*
 * At-most-once for a client the server does not know ([C706] 10.2, the
 * conversation manager): a non-idempotent request from an activity with
 * no record here (its first call, or a record aged out or lost in a
 * restart) runs only once the client, called back on the conv interface
 * (conv_who_are_you2, idl/conv.idl, the client stubs of lib/stubs.mk),
 * says that this sequence number is its activity's current call and
 * that it knows no other boot time of this server.  An old duplicate is
 * then dropped, not run again.
 *
 * The callback is a call of our own through the datagram client engine
 * and blocks: it runs on a thread of its own (at most DG_CONV_MAX at
 * once, each bounded by DG_CONV_TIMEOUT_MS), never on the leader, and
 * that thread then runs the call.  While it waits the activity's call is
 * "running": its client's pings and retransmissions get "working".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include "engine/dg/dg_server.h"

/* the generated client stubs of idl/conv.idl (lib/stubs.mk) */
extern const struct rpc_interface conv_v3_0_c_ifspec;

#define CONV_WHO_ARE_YOU	0
#define CONV_WHO_ARE_YOU2	1

/* "ncadg_ip_udp:host[port]" for peer */
static int peer_binding(const struct sockaddr_storage *peer,
			struct rpc_binding **b)
{
	char host[INET6_ADDRSTRLEN], s[INET6_ADDRSTRLEN + 40];
	unsigned int port;

	if (peer->ss_family == AF_INET) {
		const struct sockaddr_in *a = (const void *)peer;

		inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
		port = ntohs(a->sin_port);
	} else if (peer->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const void *)peer;

		inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
		port = ntohs(a->sin6_port);
	} else {
		return -EAFNOSUPPORT;
	}
	snprintf(s, sizeof(s), "ncadg_ip_udp:%s[%u]", host, port);
	return rpc_binding_from_string(s, b);
}

int __rpc_dg_conv_ask(const struct sockaddr_storage *peer,
		      const rpc_uuid_t *act, uint32_t boot, uint32_t *seq)
{
	struct rpc_binding *b;
	rpc_uuid_t actuid = *act, cas;
	uint32_t st = 0;
	int ret;

	ret = peer_binding(peer, &b);
	if (ret < 0)
		return ret;
	rpc_binding_set_timeout(b, DG_CONV_TIMEOUT_MS);
	{
		void *args[5] = { &actuid, &boot, seq, &cas, &st };

		ret = rpc_call(b, &conv_v3_0_c_ifspec, CONV_WHO_ARE_YOU2, args);
	}
	if (ret == -(int)nca_s_op_rng_error || ret == -(int)nca_s_unk_if) {
		/* a client of the first conv version */
		void *args[4] = { &actuid, &boot, seq, &st };

		ret = rpc_call(b, &conv_v3_0_c_ifspec, CONV_WHO_ARE_YOU, args);
	}
	rpc_binding_free(b);
	if (ret < 0)
		return ret;
	return st ? -(int)st : 0;
}

struct conv_job {
	struct dg_srv *dg;
	struct rpc_call_ctx *call;
	struct dg_srv_act *act;
	struct sockaddr_storage peer;
	rpc_uuid_t id;
	uint32_t seq;
};

static void *conv_thread(void *arg)
{
	struct conv_job *j = arg;
	struct dg_srv *dg = j->dg;
	struct dg_srv_act *a = j->act;
	uint32_t seq = 0;
	int ret = __rpc_dg_conv_ask(&j->peer, &j->id, dg->boot, &seq);
	bool run = false;

	pthread_mutex_lock(&dg->lock);
	if (a->call == j->call) {
		if (ret < 0) {
			/* no answer, or not this client's activity, or it
			 * knew another boot of ours: the call does not run */
			atomic_fetch_add(&dg->st.conv_failed, 1);
			__rpc_dg_answer_status(dg, a, nca_s_who_are_you_failed);
		} else if (seq == j->seq) {
			a->verified = true;
			run = true;
		} else {
			/* an old request of that activity: never run */
			atomic_fetch_add(&dg->st.stale, 1);
			a->verified = true;
		}
	}
	pthread_mutex_unlock(&dg->lock);
	if (run)
		__rpc_call_execute(j->call);	/* its reply, then done */
	else
		j->call->ops->done(j->call);
	pthread_mutex_lock(&dg->lock);
	dg->nconv--;
	pthread_cond_broadcast(&dg->conv_cv);
	pthread_mutex_unlock(&dg->lock);
	free(j);
	return NULL;
}

bool __rpc_dg_conv_start(struct dg_srv *dg, struct rpc_call_ctx *call,
			 struct dg_srv_act *a)
{
	struct conv_job *j = calloc(1, sizeof(*j));
	pthread_attr_t at;
	pthread_t t;
	bool ok = false;

	if (!j)
		return false;
	j->dg = dg;
	j->call = call;
	j->act = a;
	pthread_mutex_lock(&dg->lock);
	j->peer = a->peer;
	j->id = a->id;
	j->seq = a->seq;
	if (dg->nconv < DG_CONV_MAX) {
		dg->nconv++;
		ok = true;
	}
	pthread_mutex_unlock(&dg->lock);
	if (!ok) {
		free(j);
		return false;
	}
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&at, 256 << 10);
	if (pthread_create(&t, &at, conv_thread, j)) {
		pthread_mutex_lock(&dg->lock);
		dg->nconv--;
		pthread_mutex_unlock(&dg->lock);
		free(j);
		ok = false;
	}
	pthread_attr_destroy(&at);
	return ok;
}
