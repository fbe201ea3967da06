// SPDX-License-Identifier: MIT
/*
 * The connectionless server engine (engine/dg) and its peers: what a
 * hostile one sends, a flood of activities, the conversation-manager
 * callback (from the server's endpoint, its answer routed back by its
 * activity), what a manager learns of its caller (rpc_call_ctx_binding)
 * and the mgmt interface over ncadg_ip_udp.  The rig: dg_server_rig.h.
 */
#include "dg_server_rig.h"

TEST_F(dg, bad_datagrams_are_dropped_or_rejected)
{
	struct dg_srv *dg = __rpc_dg_srv_of(self->srv);
	uint8_t pkt[200];
	int32_t in[2] = { 1, 2 };
	rpc_uuid_t other = dgt.id.uuid;
	struct dg_hdr h;
	uint64_t bad0 = atomic_load(&dg->st.malformed);

	/* wrong version, truncated, body length past the datagram */
	{
		struct req r = { .act = 10, .seq = 1, .ptype = DG_PT_REQUEST };

		memset(pkt, 0, sizeof(pkt));
		send_pdu(self->fd, &self->to, &r, in, sizeof(in));
		ASSERT_EQ(0, expect(self->fd, 10, DG_PT_RESPONSE, &h, 2000));
		dg_hdr_encode(&h, pkt);
		pkt[0] = 5;
		sendto(self->fd, pkt, 88, 0, (void *)&self->to,
		       sizeof(self->to));
		pkt[0] = 4;
		sendto(self->fd, pkt, 40, 0, (void *)&self->to,
		       sizeof(self->to));
		h.len = 1000;
		h.ptype = DG_PT_REQUEST;
		dg_hdr_encode(&h, pkt);
		sendto(self->fd, pkt, 100, 0, (void *)&self->to,
		       sizeof(self->to));
		sendto(self->fd, pkt, 0, 0, (void *)&self->to,
		       sizeof(self->to));
		EXPECT_EQ(-ETIMEDOUT, recv_pdu(self->fd, 10, &h, 300));
		EXPECT_LE(bad0 + 4, atomic_load(&dg->st.malformed));
	}
	/* a fragment past the last: a reject (proto_error) */
	{
		struct req r = { .act = 11, .seq = 1, .opnum = 3,
				 .ptype = DG_PT_REQUEST,
				 .flags1 = DG_F1_FRAG | DG_F1_LASTFRAG |
					   DG_F1_NOFACK, .fragnum = 1 };

		send_pdu(self->fd, &self->to, &r, pkt, 16);
		r.fragnum = 3;
		r.flags1 = DG_F1_FRAG | DG_F1_NOFACK;
		send_pdu(self->fd, &self->to, &r, pkt, 16);
		ASSERT_EQ(0, expect(self->fd, 11, DG_PT_REJECT, &h, 2000));
		EXPECT_EQ(nca_s_proto_error, body32(&h, 0));
	}
	/* two last fragments */
	{
		struct req r = { .act = 12, .seq = 1, .opnum = 3,
				 .ptype = DG_PT_REQUEST,
				 .flags1 = DG_F1_FRAG | DG_F1_LASTFRAG |
					   DG_F1_NOFACK, .fragnum = 2 };

		send_pdu(self->fd, &self->to, &r, pkt, 16);
		r.fragnum = 4;
		send_pdu(self->fd, &self->to, &r, pkt, 16);
		ASSERT_EQ(0, expect(self->fd, 12, DG_PT_REJECT, &h, 2000));
		EXPECT_EQ(nca_s_proto_error, body32(&h, 0));
	}
	/* an interface nobody registered, an operation past the last */
	{
		struct req r = { .act = 13, .seq = 1, .ptype = DG_PT_REQUEST,
				 .if_id = &other };

		other.time_low ^= 1;
		send_pdu(self->fd, &self->to, &r, in, sizeof(in));
		ASSERT_EQ(0, expect(self->fd, 13, DG_PT_REJECT, &h, 2000));
		EXPECT_EQ(nca_s_unk_if, body32(&h, 0));
		call(self->fd, &self->to, 13, 2, 77, in, sizeof(in));
		ASSERT_EQ(0, expect(self->fd, 13, DG_PT_REJECT, &h, 2000));
		EXPECT_EQ(nca_s_op_rng_error, body32(&h, 0));
		/* [in] data that does not decode: a fault */
		call(self->fd, &self->to, 13, 3, 3, in, 2);
		ASSERT_EQ(0, recv_pdu(self->fd, 13, &h, 2000));
		EXPECT_EQ(DG_PT_FAULT, h.ptype);
	}
	/* meant for another boot of the server */
	{
		struct req r = { .act = 14, .seq = 1, .ptype = DG_PT_REQUEST,
				 .boot = self->boot + 1 };

		send_pdu(self->fd, &self->to, &r, in, sizeof(in));
		ASSERT_EQ(0, expect(self->fd, 14, DG_PT_REJECT, &h, 2000));
		EXPECT_EQ(nca_s_wrong_boot_time, body32(&h, 0));
	}
	/* a server's PDU sent to the server */
	simple(self->fd, &self->to, DG_PT_WORKING, 15, 1, NULL, 0);
	EXPECT_EQ(-ETIMEDOUT, recv_pdu(self->fd, 15, &h, 200));
	/* and it still answers */
	call(self->fd, &self->to, 16, 1, 0, in, sizeof(in));
	ASSERT_EQ(0, expect(self->fd, 16, DG_PT_RESPONSE, &h, 2000));
	EXPECT_EQ(3, body32(&h, 0));
	EXPECT_EQ(0, atomic_load(&executions));
}

TEST_F_TIMEOUT(dg, flood_of_activities_is_capped, 120)
{
	struct dg_srv *dg = __rpc_dg_srv_of(self->srv);
	int32_t in[2] = { 1, 1 };
	unsigned int nacts;
	struct dg_hdr h;
	int i;

	for (i = 0; i < 10000; i++) {
		call(self->fd, &self->to, 100000 + i, 1, 0, in, sizeof(in));
		if (i % 200 == 199) {
			/* let the server keep up; drain the answers */
			while (!recv_pdu(self->fd, 100000 + i, &h, 50))
				;
		}
	}
	while (!recv_pdu(self->fd, 0, &h, 300))
		;
	pthread_mutex_lock(&dg->lock);
	nacts = dg->nacts;
	pthread_mutex_unlock(&dg->lock);
	EXPECT_LE(nacts, DG_ACT_MAX);
	EXPECT_LT(0, atomic_load(&dg->st.evicted));
	EXPECT_GE(dg->st.executed, 5000);
	TH_LOG("activities %u, evicted %lu, executed %lu", nacts,
	       (unsigned long)dg->st.evicted, (unsigned long)dg->st.executed);
	/* still answering */
	call(self->fd, &self->to, 7, 1, 0, in, sizeof(in));
	ASSERT_EQ(0, expect(self->fd, 7, DG_PT_RESPONSE, &h, 2000));
	EXPECT_EQ(2, body32(&h, 0));
}

/* Our own datagram client engine against the server, the conversation
 * callback on: the first call of each activity is vouched for by the
 * client (conv_who_are_you2), and every call runs once. */
TEST_F_TIMEOUT(dg, client_engine_end_to_end, 60)
{
	struct dg_srv *dg = __rpc_dg_srv_of(self->srv);
	struct rpc_binding *b;
	int32_t x = 20, y = 22, sum = 0, cnt = 0;
	uint32_t n = 200000, total = 0, want = 0, i;
	uint8_t *big = malloc(n);

	atomic_store(&dg->no_callback, false);
	ASSERT_EQ(0, rpc_binding_from_string(self->binding, &b));
	{
		void *args[3] = { &x, &y, &sum };

		ASSERT_EQ(0, rpc_call(b, &dgt, 0, args));
		EXPECT_EQ(42, sum);
	}
	for (i = 1; i <= 3; i++) {
		void *args[1] = { &cnt };

		ASSERT_EQ(0, rpc_call(b, &dgt, 2, args));
		EXPECT_EQ(i, cnt);
	}
	for (i = 0; i < n; i++) {
		big[i] = (uint8_t)(i * 31);
		want += big[i];
	}
	{
		void *args[3] = { &n, big, &total };

		ASSERT_EQ(0, rpc_call(b, &dgt, 3, args));
		EXPECT_EQ(want, total);
	}
	memset(big, 0, n);
	{
		void *args[2] = { &n, big };

		ASSERT_EQ(0, rpc_call(b, &dgt, 4, args));
		for (i = 0; i < n; i++)
			if (big[i] != (uint8_t)(i * 7))
				break;
		EXPECT_EQ(n, i);
	}
	EXPECT_EQ(4, atomic_load(&executions));
	EXPECT_LE(1, atomic_load(&dg->st.conv_calls));
	EXPECT_EQ(0, atomic_load(&dg->st.conv_failed));
	TH_LOG("conv callbacks %lu, dups %lu, resent %lu",
	       (unsigned long)dg->st.conv_calls,
	       (unsigned long)dg->st.dup_requests,
	       (unsigned long)dg->st.resent);
	rpc_binding_free(b);
	free(big);
}

/* A client that never answers the callback: its call does not run. */
TEST_F(dg, unanswered_callback_rejects_the_call)
{
	struct dg_srv *dg = __rpc_dg_srv_of(self->srv);
	struct dg_hdr h;
	int got_conv = 0;

	atomic_store(&dg->no_callback, false);
	call(self->fd, &self->to, 40, 1, 2, NULL, 0);
	/* the callback comes to this socket: a request of the conv
	 * interface; not answered */
	for (;;) {
		struct pollfd pf = { self->fd, POLLIN, 0 };
		rpc_uuid_t want;
		ssize_t r;

		ASSERT_LT(0, poll(&pf, 1, 6000));
		r = recv(self->fd, rx, sizeof(rx), 0);
		ASSERT_LT(0, r);
		ASSERT_EQ(0, dg_hdr_decode(rx, (size_t)r, &h));
		act_id(&want, 40);
		if (h.ptype == DG_PT_REQUEST && h.if_id.time_low == 0x333a2276) {
			got_conv++;
			continue;
		}
		if (!memcmp(&h.act_id, &want, sizeof(want)) &&
		    h.ptype == DG_PT_REJECT)
			break;
	}
	EXPECT_LE(1, got_conv);
	EXPECT_EQ(nca_s_who_are_you_failed, body32(&h, 0));
	EXPECT_EQ(0, atomic_load(&executions));
	EXPECT_EQ(1, atomic_load(&dg->st.conv_failed));
}

/* A full table evicts an activity whose answer was acknowledged before
 * one whose answer its client may still ask for: the older activity's
 * retransmitted request then gets its cached answer, it does not run a
 * second time. */
TEST_F_TIMEOUT(dg, eviction_spares_an_unacked_answer, 60)
{
	struct dg_srv *dg = __rpc_dg_srv_of(self->srv);
	int32_t in[2] = { 1, 1 };
	struct dg_hdr h;
	int i;

	/* the least recently used activity: answered, never acked */
	ASSERT_EQ(1, count_once(self->fd, &self->to, 70, 1));
	for (i = 0; i < DG_ACT_MAX; i++) {
		call(self->fd, &self->to, 200000 + i, 1, 0, in, sizeof(in));
		ASSERT_EQ(0, expect(self->fd, 200000 + i, DG_PT_RESPONSE, &h,
				    2000));
		simple(self->fd, &self->to, DG_PT_ACK, 200000 + i, 1, NULL, 0);
	}
	EXPECT_LE(1, atomic_load(&dg->st.evicted));
	call(self->fd, &self->to, 70, 1, 2, NULL, 0);
	ASSERT_EQ(0, expect(self->fd, 70, DG_PT_RESPONSE, &h, 2000));
	EXPECT_EQ(1, body32(&h, 0));
	EXPECT_EQ(1, atomic_load(&executions));
}

/* The callback leaves from the server's endpoint (a client behind a
 * firewall takes nothing else), and the client's answer, sent back to
 * that endpoint, reaches the waiting callback by its activity id: the
 * call then runs, once. */
TEST_F(dg, callback_from_the_endpoint_answered_there)
{
	struct dg_srv *dg = __rpc_dg_srv_of(self->srv);
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	uint8_t pkt[DG_HDR_LEN + 24];
	struct dg_hdr h, cb;
	rpc_uuid_t want, actuid;
	uint32_t boot, seq = 1;
	ssize_t r;

	atomic_store(&dg->no_callback, false);
	call(self->fd, &self->to, 60, 1, 2, NULL, 0);
	for (;;) {
		struct pollfd pf = { self->fd, POLLIN, 0 };

		ASSERT_LT(0, poll(&pf, 1, 3000));
		r = recvfrom(self->fd, rx, sizeof(rx), 0,
			     (struct sockaddr *)&from, &fl);
		ASSERT_LT(0, r);
		ASSERT_EQ(0, dg_hdr_decode(rx, (size_t)r, &cb));
		if (cb.ptype == DG_PT_REQUEST)
			break;
	}
	/* conv_who_are_you2, from the port the client called */
	EXPECT_EQ(0x333a2276, cb.if_id.time_low);
	EXPECT_EQ(1, cb.opnum);
	EXPECT_TRUE(cb.flags1 & DG_F1_IDEMPOTENT);
	EXPECT_EQ(self->to.sin_port, from.sin_port);
	EXPECT_EQ(self->to.sin_addr.s_addr, from.sin_addr.s_addr);
	ASSERT_EQ(20, cb.len);
	act_id(&want, 60);
	rpc_uuid_from_wire(&actuid, rx + DG_HDR_LEN, dg_hdr_be(&cb));
	EXPECT_EQ(0, rpc_uuid_compare(&want, &actuid));
	memcpy(&boot, rx + DG_HDR_LEN + 16, 4);
	EXPECT_EQ(self->boot, dg_hdr_be(&cb) ? ntohl(boot) : boot);

	/* a stranger's answer to it (another port) is not taken */
	h = cb;
	h.ptype = DG_PT_RESPONSE;
	h.flags1 = 0;
	dg_drep_local(h.drep);
	h.len = 24;
	dg_hdr_encode(&h, pkt);
	seq = 7;
	memcpy(pkt + DG_HDR_LEN, &seq, 4);
	rpc_uuid_to_wire(&want, pkt + DG_HDR_LEN + 4, false);
	memset(pkt + DG_HDR_LEN + 20, 0, 4);
	{
		int other = socket(AF_INET, SOCK_DGRAM, 0);

		sendto(other, pkt, sizeof(pkt), 0, (struct sockaddr *)&from, fl);
		close(other);
	}
	usleep(20000);
	/* the answer: this activity's sequence number is 1, no error */
	seq = 1;
	memcpy(pkt + DG_HDR_LEN, &seq, 4);
	sendto(self->fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&from, fl);
	ASSERT_EQ(0, expect(self->fd, 60, DG_PT_RESPONSE, &h, 3000));
	EXPECT_EQ(1, body32(&h, 0));
	EXPECT_EQ(1, atomic_load(&executions));
	EXPECT_EQ(0, atomic_load(&dg->st.conv_failed));
	EXPECT_LE(1, atomic_load(&dg->st.malformed));	/* the stranger's */
}

/* A manager asks who called: the client's address and port. */
TEST_F(dg, call_ctx_binding_names_the_client)
{
	struct sockaddr_in me;
	socklen_t ml = sizeof(me);
	char want[128];
	struct dg_hdr h;

	call(self->fd, &self->to, 61, 1, 5, NULL, 0);
	ASSERT_EQ(0, expect(self->fd, 61, DG_PT_RESPONSE, &h, 2000));
	EXPECT_EQ(1, body32(&h, 0));
	ASSERT_EQ(0, getsockname(self->fd, (struct sockaddr *)&me, &ml));
	snprintf(want, sizeof(want), "ncadg_ip_udp:127.0.0.1[%u]",
		 ntohs(me.sin_port));
	EXPECT_STREQ(want, peer_seen);
}

/* The mgmt interface every server answers, through the datagram client
 * engine: inq_if_ids and is_server_listening. */
TEST_F(dg, mgmt_over_udp)
{
	static const struct rpc_syntax_id mgmt_id = {
		{ 0xafa8bd80, 0x7d8a, 0x11c9, 0xbe, 0xf4,
		  { 0x08, 0x00, 0x2b, 0x10, 0x29, 0x89 } }, 1, 0
	};
	struct dg_srv *dg = __rpc_dg_srv_of(self->srv);
	struct rpc_binding *b;
	struct rpc_reply r;

	atomic_store(&dg->no_callback, false);
	ASSERT_EQ(0, rpc_binding_from_string(self->binding, &b));
	ASSERT_EQ(0, rpc_call_raw(b, &mgmt_id, 0, NULL, 0, &r));
	/* ref, max 2, count 2, 2 ptrs, 2 x 20 (dgt, mgmt), status */
	ASSERT_EQ(4 + 4 + 4 + 8 + 40 + 4, r.len);
	EXPECT_EQ(2, r.data[8]);
	EXPECT_EQ(0, memcmp(r.data + 20, &dgt.id.uuid, 4) &&
		     memcmp(r.data + 40, &dgt.id.uuid, 4));
	rpc_reply_release(&r);
	/* is_server_listening: status, then the result */
	ASSERT_EQ(0, rpc_call_raw(b, &mgmt_id, 2, NULL, 0, &r));
	ASSERT_EQ(8, r.len);
	EXPECT_EQ(0, r.data[0]);
	EXPECT_EQ(1, r.data[4]);
	rpc_reply_release(&r);
	rpc_binding_free(b);
}
TEST_HARNESS_MAIN
