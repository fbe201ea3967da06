// SPDX-License-Identifier: MIT
/*
 * The connectionless server engine (engine/dg) against scripted
 * datagrams, the protocol ([C706] 10): what a client of it would do --
 * fragments out of order and twice, pings, acks, facks, cancels, [maybe]
 * and [idempotent] calls -- one datagram at a time.  The rig:
 * dg_server_rig.h; hostile peers, caps and callbacks:
 * dg_server_peer_test.c.
 */
#include "dg_server_rig.h"

TEST_F(dg, single_fragment_call)
{
	int32_t in[2] = { 40, 2 };
	struct dg_hdr h;

	call(self->fd, &self->to, 1, 7, 0, in, sizeof(in));
	ASSERT_EQ(0, expect(self->fd, 1, DG_PT_RESPONSE, &h, 2000));
	EXPECT_EQ(4, h.len);
	EXPECT_EQ(42, body32(&h, 0));
	EXPECT_EQ(7, h.seqnum);
	EXPECT_EQ(self->boot, h.server_boot);
	EXPECT_NE(0, h.server_boot);
	EXPECT_EQ(0, h.flags1 & (DG_F1_FRAG | DG_F1_LASTFRAG));
	/* a call knowing the boot time is taken too */
	{
		struct req r = { .act = 1, .seq = 8, .boot = self->boot,
				 .ptype = DG_PT_REQUEST };

		send_pdu(self->fd, &self->to, &r, in, sizeof(in));
		ASSERT_EQ(0, expect(self->fd, 1, DG_PT_RESPONSE, &h, 2000));
		EXPECT_EQ(8, h.seqnum);
	}
}

TEST_F(dg, fragmented_in_runs_once)
{
	enum { N = 5000 };
	uint8_t *in = malloc(8 + N);
	uint32_t n = N, want = 0, i, nfacks = 0;
	const int order[] = { 2, 0, 0, 3, 2, 1 };
	size_t total = 8 + N, nfrag = (total + DG_MAX_BODY - 1) / DG_MAX_BODY;
	struct dg_hdr h;

	ASSERT_EQ(4, nfrag);
	memcpy(in, &n, 4);
	memcpy(in + 4, &n, 4);		/* conformance */
	for (i = 0; i < N; i++) {
		in[8 + i] = (uint8_t)(i * 13);
		want += (uint8_t)(i * 13);
	}
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		int f = order[i];
		size_t off = (size_t)f * DG_MAX_BODY;
		size_t len = total - off < DG_MAX_BODY ? total - off
						       : DG_MAX_BODY;
		struct req r = { .act = 2, .seq = 1, .opnum = 3,
				 .ptype = DG_PT_REQUEST, .fragnum = (uint16_t)f,
				 .serial = (uint16_t)i,
				 .flags1 = DG_F1_FRAG |
					   (f == 3 ? DG_F1_LASTFRAG : 0) };

		send_pdu(self->fd, &self->to, &r, in + off, len);
		usleep(2000);
	}
	/* facks for every fragment (none had NOFACK), then the answer */
	for (;;) {
		ASSERT_EQ(0, recv_pdu(self->fd, 2, &h, 2000));
		if (h.ptype == DG_PT_FACK) {
			nfacks++;
			continue;
		}
		ASSERT_EQ(DG_PT_RESPONSE, h.ptype);
		break;
	}
	EXPECT_EQ(want, body32(&h, 0));
	EXPECT_LE(5, nfacks);
	EXPECT_EQ(1, atomic_load(&executions));
	/* every fragment again: the cached answer, no second run */
	for (i = 0; i < 4; i++) {
		size_t off = (size_t)i * DG_MAX_BODY;
		struct req r = { .act = 2, .seq = 1, .opnum = 3,
				 .ptype = DG_PT_REQUEST, .fragnum = (uint16_t)i,
				 .flags1 = DG_F1_FRAG | DG_F1_NOFACK |
					   (i == 3 ? DG_F1_LASTFRAG : 0) };

		send_pdu(self->fd, &self->to, &r, in + off,
			 total - off < DG_MAX_BODY ? total - off : DG_MAX_BODY);
	}
	ASSERT_EQ(0, expect(self->fd, 2, DG_PT_RESPONSE, &h, 2000));
	EXPECT_EQ(want, body32(&h, 0));
	usleep(100000);
	EXPECT_EQ(1, atomic_load(&executions));
	free(in);
}

TEST_F(dg, duplicate_after_response_is_not_run_again)
{
	struct dg_srv *dg = __rpc_dg_srv_of(self->srv);
	struct dg_hdr h;

	EXPECT_EQ(1, count_once(self->fd, &self->to, 3, 1));
	EXPECT_EQ(1, count_once(self->fd, &self->to, 3, 1));
	EXPECT_EQ(1, count_once(self->fd, &self->to, 3, 1));
	EXPECT_EQ(1, atomic_load(&executions));
	EXPECT_LE(2, atomic_load(&dg->st.dup_requests));
	/* the next call runs, the older one is dropped */
	EXPECT_EQ(2, count_once(self->fd, &self->to, 3, 2));
	call(self->fd, &self->to, 3, 1, 2, NULL, 0);
	EXPECT_EQ(-ETIMEDOUT, recv_pdu(self->fd, 3, &h, 300));
	EXPECT_EQ(2, atomic_load(&executions));
}

TEST_F(dg, ping_while_running_and_unknown)
{
	uint32_t ms = 600;
	struct dg_hdr h;

	call(self->fd, &self->to, 4, 1, 1, &ms, 4);
	usleep(100000);
	simple(self->fd, &self->to, DG_PT_PING, 4, 1, NULL, 0);
	ASSERT_EQ(0, recv_pdu(self->fd, 4, &h, 2000));
	EXPECT_EQ(DG_PT_WORKING, h.ptype);
	/* the same request again while it runs: working, not a second run */
	call(self->fd, &self->to, 4, 1, 1, &ms, 4);
	ASSERT_EQ(0, recv_pdu(self->fd, 4, &h, 2000));
	EXPECT_EQ(DG_PT_WORKING, h.ptype);
	ASSERT_EQ(0, expect(self->fd, 4, DG_PT_RESPONSE, &h, 3000));
	/* done: a ping gets the answer again */
	simple(self->fd, &self->to, DG_PT_PING, 4, 1, NULL, 0);
	ASSERT_EQ(0, recv_pdu(self->fd, 4, &h, 2000));
	EXPECT_EQ(DG_PT_RESPONSE, h.ptype);
	/* a call the server never heard of */
	simple(self->fd, &self->to, DG_PT_PING, 99, 5, NULL, 0);
	ASSERT_EQ(0, recv_pdu(self->fd, 99, &h, 2000));
	EXPECT_EQ(DG_PT_NOCALL, h.ptype);
	EXPECT_EQ(5, h.seqnum);
}

TEST_F(dg, ack_forgets_the_answer)
{
	struct dg_srv *dg = __rpc_dg_srv_of(self->srv);
	struct dg_hdr h;
	size_t before;

	EXPECT_EQ(1, count_once(self->fd, &self->to, 5, 1));
	pthread_mutex_lock(&dg->lock);
	before = dg->bytes;
	pthread_mutex_unlock(&dg->lock);
	EXPECT_LT(0, before);
	simple(self->fd, &self->to, DG_PT_ACK, 5, 1, NULL, 0);
	usleep(100000);
	pthread_mutex_lock(&dg->lock);
	EXPECT_EQ(0, dg->bytes);
	pthread_mutex_unlock(&dg->lock);
	/* the old request again: neither run nor answered */
	call(self->fd, &self->to, 5, 1, 2, NULL, 0);
	EXPECT_EQ(-ETIMEDOUT, recv_pdu(self->fd, 5, &h, 300));
	EXPECT_EQ(1, atomic_load(&executions));
	/* nothing to ping for: nocall */
	simple(self->fd, &self->to, DG_PT_PING, 5, 1, NULL, 0);
	ASSERT_EQ(0, recv_pdu(self->fd, 5, &h, 2000));
	EXPECT_EQ(DG_PT_NOCALL, h.ptype);
}

TEST_F(dg, maybe_call_runs_without_answer)
{
	struct req r = { .act = 6, .seq = 1, .opnum = 2,
			 .ptype = DG_PT_REQUEST, .flags1 = DG_F1_MAYBE };
	struct dg_hdr h;

	send_pdu(self->fd, &self->to, &r, NULL, 0);
	EXPECT_EQ(-ETIMEDOUT, recv_pdu(self->fd, 6, &h, 300));
	EXPECT_EQ(1, atomic_load(&executions));
}

TEST_F(dg, cancel_is_acknowledged)
{
	uint32_t ms = 5000, cbody[2] = { 0, 77 };
	struct dg_hdr h;

	call(self->fd, &self->to, 20, 1, 1, &ms, 4);
	usleep(100000);
	simple(self->fd, &self->to, DG_PT_CL_CANCEL, 20, 1, cbody,
	       sizeof(cbody));
	ASSERT_EQ(0, expect(self->fd, 20, DG_PT_CANCEL_ACK, &h, 2000));
	EXPECT_EQ(77, body32(&h, 4));
	ASSERT_EQ(0, expect(self->fd, 20, DG_PT_FAULT, &h, 3000));
	EXPECT_EQ(nca_s_fault_cancel, body32(&h, 0));
	EXPECT_EQ(1, atomic_load(&cancels));
}

/* Fill(n): collect the response, fack every burst; the first time
 * fragment 2 comes it is "lost". */
TEST_F(dg, fragmented_out_with_facks_and_a_loss)
{
	enum { N = 100000 };
	uint32_t n = N, i, got = 0, nfrags = 0;
	uint8_t *have = calloc(1, 256), *out = calloc(1, N + 4096);
	bool lost = false;
	struct dg_hdr h;
	uint16_t serial = 0;

	call(self->fd, &self->to, 30, 1, 4, &n, 4);
	while (!nfrags || got < nfrags) {
		uint32_t inorder;

		ASSERT_EQ(0, recv_pdu(self->fd, 30, &h, 3000));
		ASSERT_EQ(DG_PT_RESPONSE, h.ptype);
		ASSERT_TRUE(h.flags1 & DG_F1_FRAG);
		if (h.flags1 & DG_F1_LASTFRAG)
			nfrags = h.fragnum + 1u;
		if (h.fragnum == 2 && !lost) {
			lost = true;
			continue;
		}
		if (!have[h.fragnum]) {
			have[h.fragnum] = 1;
			got++;
			memcpy(out + (size_t)h.fragnum * DG_MAX_BODY,
			       rx + DG_HDR_LEN, h.len);
		}
		if (h.flags1 & DG_F1_NOFACK)
			continue;
		/* fack: highest in order, selective bits beyond */
		{
			struct dg_fack f = { .vers = 0, .window_size = 32,
					     .max_tsdu = 65535,
					     .max_frag_size = DG_MAX_PDU,
					     .serial_num = h.serial };
			uint8_t fb[64];
			size_t fl;
			struct req r = { .act = 30, .seq = 1, .opnum = 4,
					 .ptype = DG_PT_FACK,
					 .serial = serial++ };

			for (inorder = 0; have[inorder]; inorder++)
				;
			r.fragnum = inorder ? (uint16_t)(inorder - 1) : 0xffff;
			/* bit k: fragment fragnum + 1 + k */
			for (i = inorder + 1; i < inorder + 64; i++)
				if (i < 256 && have[i]) {
					uint32_t k = i - inorder;

					f.selack[k / 32] |= 1u << (k % 32);
					f.selack_len = (uint16_t)(k / 32 + 1);
				}
			fl = dg_fack_encode(&f, false, fb);
			send_pdu(self->fd, &self->to, &r, fb, fl);
		}
	}
	EXPECT_TRUE(lost);
	EXPECT_EQ((4 + N + DG_MAX_BODY - 1) / DG_MAX_BODY, nfrags);
	memcpy(&i, out, 4);
	EXPECT_EQ(N, i);
	for (i = 0; i < N; i++)
		if (out[4 + i] != (uint8_t)(i * 7))
			break;
	EXPECT_EQ(N, i);
	simple(self->fd, &self->to, DG_PT_ACK, 30, 1, NULL, 0);
	free(have);
	free(out);
}

/* A window nobody facks: its first fragment comes again (asking for a
 * fack), with back-off, until the client speaks. */
TEST_F(dg, unfacked_window_is_sent_again)
{
	struct dg_srv *dg = __rpc_dg_srv_of(self->srv);
	uint32_t n = 20000;
	int first = 0, again = 0;
	struct dg_hdr h;

	call(self->fd, &self->to, 50, 1, 4, &n, 4);
	while (!recv_pdu(self->fd, 50, &h, 1500)) {
		ASSERT_EQ(DG_PT_RESPONSE, h.ptype);
		if (h.fragnum == 0 && first++)
			again++;
		if (again == 2)
			break;
	}
	EXPECT_EQ(2, again);
	EXPECT_EQ(1, first - again);
	/* the ack ends it: nothing more comes */
	simple(self->fd, &self->to, DG_PT_ACK, 50, 1, NULL, 0);
	usleep(50000);
	while (!recv_pdu(self->fd, 50, &h, 100))
		;
	EXPECT_EQ(-ETIMEDOUT, recv_pdu(self->fd, 50, &h, 1200));
	pthread_mutex_lock(&dg->lock);
	EXPECT_EQ(0, dg->nflight);
	pthread_mutex_unlock(&dg->lock);
}

/* An idempotent call's answer is kept a short while only. */
TEST_F_TIMEOUT(dg, idempotent_answer_is_forgotten_soon, 30)
{
	struct dg_srv *dg = __rpc_dg_srv_of(self->srv);
	struct req r = { .act = 51, .seq = 1, .opnum = 2,
			 .ptype = DG_PT_REQUEST, .flags1 = DG_F1_IDEMPOTENT };
	struct dg_hdr h;
	size_t bytes;

	send_pdu(self->fd, &self->to, &r, NULL, 0);
	ASSERT_EQ(0, expect(self->fd, 51, DG_PT_RESPONSE, &h, 2000));
	usleep((DG_IDEM_CACHE_MS + 500) * 1000);
	pthread_mutex_lock(&dg->lock);
	bytes = dg->bytes;
	pthread_mutex_unlock(&dg->lock);
	EXPECT_EQ(0, bytes);
}

/* A big-endian client: its stub data is read so, and the answer comes
 * in its data representation (the stub data was marshalled in it). */
TEST_F(dg, big_endian_request_answered_in_kind)
{
	struct req r = { .act = 52, .seq = 1, .opnum = 0,
			 .ptype = DG_PT_REQUEST, .be = true };
	uint32_t in[2] = { htonl(40), htonl(2) };
	struct dg_hdr h;

	send_pdu(self->fd, &self->to, &r, in, sizeof(in));
	ASSERT_EQ(0, expect(self->fd, 52, DG_PT_RESPONSE, &h, 2000));
	EXPECT_TRUE(dg_hdr_be(&h));
	EXPECT_EQ(42, body32(&h, 0));
}

TEST_HARNESS_MAIN
