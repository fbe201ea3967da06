/* SPDX-License-Identifier: MIT */
/*
 * A scripted fake datagram server for dg_client_test.c: a thread with a
 * raw UDP socket on 127.0.0.1 that speaks just enough of [C706] chapter
 * 10 (request reassembly and facks, one execution per sequence number,
 * the answer kept for duplicates and sent a window at a time, the conv
 * callbacks) and misbehaves as its mode says.
 *
 *   opnum 0: answers (inlen, sum of the [in] octets), 8 octets
 *   opnum 1: [in] is a length N: answers N octets of (i * 7 + 3)
 *
 * Fields the test reads while the thread runs are atomic; the others
 * are read after fake_halt().
 */
#ifndef LRPC_TESTS_DG_FAKE_H
#define LRPC_TESTS_DG_FAKE_H

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <lrpc/rpc.h>
#include "engine/dg/dg_pdu.h"
#include "runtime/runtime_int.h"

enum mode {
	NORMAL,
	DROP_FRAG,	/* request fragments 0 and 5 lost the first time */
	OUT_OF_ORDER,	/* response fragments last to first */
	LOSE_RESPONSE,	/* the first response datagram lost */
	WORKING,	/* pings answered "working" twice, then the answer */
	NOCALL,		/* facks all fragments, forgets them: nocall */
	FAULT,
	REJECT,
	REBOOT,		/* the second call is answered with a new boot time */
	CONV,		/* calls conv_who_are_you(2) back before answering */
	SILENT,
	HOSTILE,	/* garbage and strangers' datagrams before the answer */
	CANCEL,		/* works until a cl_cancel comes: fault cancel */
	LOSSY,		/* loses 20% of the datagrams each way */
	FORGETFUL,	/* facks every request, forgets it: nocall forever */
	CONV_EACH,	/* conv_who_are_you on each activity switch */
};

struct fake {
	enum mode mode;
	int fd, cbfd, port;
	pthread_t th;
	atomic_bool stop;
	uint32_t boot;

	struct sockaddr_storage cli;
	socklen_t clilen;
	rpc_uuid_t act;
	uint32_t seq;			/* of the call reassembled */
	bool have_call, done;
	struct dg_reasm in;
	struct dg_hdr req;		/* its last fragment's header */
	uint8_t *resp;			/* the answer, kept for duplicates */
	size_t resplen;
	uint8_t *racked;		/* per response fragment: facked */
	uint16_t rserial;

	atomic_int datagrams, requests, pings, acks, facks, cancels;
	atomic_int executions, dropped, nocalls, calls_seen;
	int pings_left;
	/* CONV: what the callbacks got */
	uint32_t conv_seq, conv_st, conv2_seq, conv2_st, conv_bad_st;
	rpc_uuid_t conv_cas;
	bool conv_done;
	atomic_uint last_flags1;
	atomic_int acts_seen;		/* activities that called */
	atomic_int conv_ok, conv_bad;	/* CONV_EACH: callbacks answered */
	unsigned int seed;		/* LOSSY */
	bool be;			/* answers and callbacks big endian */
	unsigned int drop_mask;		/* DROP_FRAG: fragments lost once */
	unsigned int facks_sent;
	atomic_llong drop_ms, redo_ms;	/* fragment 0 lost, and sent again */
	atomic_int lost;
};

/* LOSSY: whether this datagram is lost (one in five). */
static bool lose(struct fake *f)
{
	if (f->mode != LOSSY || rand_r(&f->seed) % 5)
		return false;
	atomic_fetch_add(&f->lost, 1);
	return true;
}

static const struct rpc_syntax_id iface = {
	{ 0x0badd00d, 0x2026, 0x4012, 0x80, 0x17,
	  { 0x17, 0x17, 0x17, 0x17, 0x17, 0x17 } }, 1, 0 };

static const rpc_uuid_t conv_uuid = { 0x333a2276, 0x0000, 0x0000, 0x0d, 0x00,
				      { 0x00, 0x80, 0x9c, 0x00, 0x00, 0x00 } };

static void fsend(struct fake *f, int fd, const struct dg_hdr *h,
		  const void *body, size_t n)
{
	uint8_t p[DG_MAX_PDU];

	if (lose(f))
		return;
	dg_hdr_encode(h, p);
	memcpy(p + DG_HDR_LEN, body, n);
	sendto(fd, p, DG_HDR_LEN + n, 0, (struct sockaddr *)&f->cli, f->clilen);
}

static void fake_drep(const struct fake *f, uint8_t drep[3])
{
	dg_drep_local(drep);
	if (f->be)
		drep[0] &= (uint8_t)~0x10;
}

/* A header answering the call: ptype, our boot time. */
static struct dg_hdr answer_hdr(struct fake *f, uint8_t ptype)
{
	struct dg_hdr h = f->req;

	h.ptype = ptype;
	h.flags1 = 0;
	h.flags2 = 0;
	fake_drep(f, h.drep);
	h.server_boot = f->boot;
	h.len = 0;
	h.fragnum = 0;
	h.serial = 0;
	h.ihint = 7;
	h.ahint = 9;
	return h;
}

static void send_status(struct fake *f, uint8_t ptype, uint32_t st)
{
	struct dg_hdr h = answer_hdr(f, ptype);
	uint8_t b[4];

	h.len = (uint16_t)dg_status_encode(st, f->be, b);
	fsend(f, f->fd, &h, b, h.len);
}

static void send_fack(struct fake *f, uint16_t serial)
{
	struct dg_hdr h = answer_hdr(f, DG_PT_FACK);
	struct dg_fack fk = {
		.window_size = 32, .max_tsdu = DG_RECV_MAX,
		.max_frag_size = DG_MAX_PDU, .serial_num = serial,
	};
	uint8_t b[20 + 4 * DG_SELACK_MAX];

	/* DROP_FRAG: a slow first fack makes the client's round trip, hence
	 * its retransmission time-out, long (4 x 60 ms): a hole sent again
	 * at once is then told from one sent again on the time-out */
	if (f->mode == DROP_FRAG && !f->facks_sent++)
		usleep(60000);
	dg_reasm_selack(&f->in, &fk);
	h.fragnum = (uint16_t)f->in.inorder;
	h.len = (uint16_t)dg_fack_encode(&fk, f->be, b);
	fsend(f, f->fd, &h, b, h.len);
}

static uint32_t resp_frags(const struct fake *f)
{
	return f->resplen ? (f->resplen + DG_MAX_BODY - 1) / DG_MAX_BODY : 1;
}

static void send_resp_frag(struct fake *f, uint32_t i, bool fack)
{
	uint32_t nfr = resp_frags(f);
	size_t off = (size_t)i * DG_MAX_BODY;
	size_t n = f->resplen - off < DG_MAX_BODY ? f->resplen - off
						  : DG_MAX_BODY;
	struct dg_hdr h = answer_hdr(f, DG_PT_RESPONSE);

	if (nfr > 1)
		h.flags1 = DG_F1_FRAG | (fack ? 0 : DG_F1_NOFACK) |
			   (i == nfr - 1 ? DG_F1_LASTFRAG : 0);
	h.fragnum = (uint16_t)i;
	h.serial = f->rserial++;
	h.len = (uint16_t)n;
	if (f->mode == LOSE_RESPONSE && !atomic_load(&f->dropped)) {
		atomic_fetch_add(&f->dropped, 1);
		return;
	}
	fsend(f, f->fd, &h, f->resp + off, n);
}

/* The next RBURST fragments the client lacks, the last asking for a
 * fack (a large answer goes a window at a time). */
#define RBURST 32
static void send_burst(struct fake *f)
{
	uint32_t nfr = resp_frags(f), i, sent = 0, want[RBURST];

	for (i = 0; i < nfr && sent < RBURST; i++)
		if (!f->racked[i])
			want[sent++] = i;
	for (i = 0; i < sent; i++)
		send_resp_frag(f, want[i], i == sent - 1);
}

/* Send the kept answer, in fragments (OUT_OF_ORDER: all, last first). */
static void send_resp(struct fake *f)
{
	uint32_t nfr = resp_frags(f), k;

	if (f->mode != OUT_OF_ORDER) {
		send_burst(f);
		return;
	}
	for (k = 0; k < nfr; k++)
		send_resp_frag(f, nfr - 1 - k, false);
}

/* The client's fack of response fragments: what it has; the next burst. */
static void take_fack(struct fake *f, const struct dg_hdr *h,
		      const uint8_t *body)
{
	uint32_t nfr = resp_frags(f), i, w, bit;
	struct dg_fack fk;

	if (!f->done || !f->racked)
		return;
	if (h->fragnum != 0xffff)
		for (i = 0; i <= h->fragnum && i < nfr; i++)
			f->racked[i] = 1;
	if (!dg_fack_decode(body, h->len, dg_hdr_be(h), &fk))
		for (w = 0; w < fk.selack_len; w++)
			for (bit = 0; bit < 32; bit++) {
				i = (uint32_t)(uint16_t)(h->fragnum + 1) +
				    32 * w + bit;
				if ((fk.selack[w] >> bit & 1) && i < nfr)
					f->racked[i] = 1;
			}
	send_burst(f);
}

/* The reassembled request runs: once per sequence number. */
static void execute(struct fake *f)
{
	uint8_t *in = NULL;
	size_t inlen = 0, i;
	uint32_t sum = 0;

	dg_reasm_take(&f->in, &in, &inlen);
	atomic_fetch_add(&f->executions, 1);
	free(f->resp);
	if (f->req.opnum == 1 && inlen >= 4) {
		uint32_t n = in[0] | in[1] << 8 | in[2] << 16 | (uint32_t)in[3] << 24;

		f->resp = malloc(n ? n : 1);
		for (i = 0; i < n; i++)
			f->resp[i] = (uint8_t)(i * 7 + 3);
		f->resplen = n;
	} else {
		for (i = 0; i < inlen; i++)
			sum += in[i];
		f->resp = malloc(8);
		memcpy(f->resp, &(uint32_t){ (uint32_t)inlen }, 4);
		memcpy(f->resp + 4, &sum, 4);
		f->resplen = 8;
	}
	free(in);
	free(f->racked);
	f->racked = calloc(resp_frags(f), 1);
	f->done = true;
}

/* A conv callback request from the second socket; its answer. */
static int conv_call(struct fake *f, uint16_t opnum, const rpc_uuid_t *act,
		     uint32_t boot, uint8_t *out, size_t size)
{
	struct dg_hdr h = { .ptype = DG_PT_REQUEST, .if_id = conv_uuid,
			    .if_vers = 3, .seqnum = 1, .opnum = opnum,
			    .ihint = DG_NO_HINT, .ahint = DG_NO_HINT };
	uint8_t b[20], p[DG_RECV_MAX];
	struct pollfd pf = { .fd = f->cbfd, .events = POLLIN };
	struct dg_hdr r;
	int tries;

	fake_drep(f, h.drep);
	rpc_uuid_generate(&h.act_id);
	h.server_boot = f->boot;
	rpc_uuid_to_wire(act, b, f->be);
	if (f->be)
		boot = __builtin_bswap32(boot);
	memcpy(b + 16, &boot, 4);
	h.len = 20;
	for (tries = 0; tries < 20; tries++) {
		uint8_t pkt[DG_HDR_LEN + 20];
		ssize_t n;

		dg_hdr_encode(&h, pkt);
		memcpy(pkt + DG_HDR_LEN, b, 20);
		sendto(f->cbfd, pkt, sizeof(pkt), 0,
		       (struct sockaddr *)&f->cli, f->clilen);
		if (poll(&pf, 1, 100) <= 0)
			continue;
		n = recv(f->cbfd, p, sizeof(p), 0);
		if (n < 0 || dg_hdr_decode(p, (size_t)n, &r) < 0 ||
		    r.ptype != DG_PT_RESPONSE ||
		    rpc_uuid_compare(&r.act_id, &h.act_id) || r.len > size)
			continue;
		memcpy(out, p + DG_HDR_LEN, r.len);
		return r.len;
	}
	return -1;
}

static void do_conv(struct fake *f)
{
	uint8_t o[64];
	rpc_uuid_t other;

	if (conv_call(f, 0, &f->act, f->boot, o, sizeof(o)) == 8) {
		memcpy(&f->conv_seq, o, 4);
		memcpy(&f->conv_st, o + 4, 4);
	}
	if (conv_call(f, 1, &f->act, f->boot + 1, o, sizeof(o)) == 24) {
		memcpy(&f->conv2_seq, o, 4);
		rpc_uuid_from_wire(&f->conv_cas, o + 4, false);
		memcpy(&f->conv2_st, o + 20, 4);
	}
	rpc_uuid_generate(&other);
	if (conv_call(f, 0, &other, f->boot, o, sizeof(o)) == 8)
		memcpy(&f->conv_bad_st, o + 4, 4);
	f->conv_done = true;
}

/* CONV_EACH: the activity of request h says its sequence number is h's
 * and it has seen our boot time (or none).  false: h is an old
 * retransmission of that activity (it has gone on to a later call while
 * this fake served another activity), to be dropped as a server would. */
static bool conv_check(struct fake *f, const struct dg_hdr *h)
{
	uint8_t o[64];
	uint32_t seq, st;

	if (conv_call(f, 0, &h->act_id, f->boot, o, sizeof(o)) != 8) {
		atomic_fetch_add(&f->conv_bad, 1);
		return true;
	}
	memcpy(&seq, o, 4);
	memcpy(&st, o + 4, 4);
	if (!st && (int32_t)(seq - h->seqnum) > 0)
		return false;
	atomic_fetch_add(seq == h->seqnum && !st ? &f->conv_ok : &f->conv_bad,
			 1);
	return true;
}

static void hostile(struct fake *f)
{
	struct dg_hdr h = answer_hdr(f, DG_PT_RESPONSE);
	uint8_t junk[64] = { 4, 2 }, p[DG_MAX_PDU];
	int other = socket(AF_INET, SOCK_DGRAM, 0);

	/* a truncated header */
	sendto(f->fd, junk, sizeof(junk), 0, (struct sockaddr *)&f->cli,
	       f->clilen);
	/* another activity */
	rpc_uuid_generate(&h.act_id);
	h.len = 8;
	fsend(f, f->fd, &h, "badbadba", 8);
	/* an old sequence number */
	h = answer_hdr(f, DG_PT_RESPONSE);
	h.seqnum--;
	h.len = 8;
	fsend(f, f->fd, &h, "oldoldol", 8);
	/* a stranger's port */
	h = answer_hdr(f, DG_PT_FAULT);
	h.len = 4;
	dg_hdr_encode(&h, p);
	memcpy(p + DG_HDR_LEN, "\5\0\0\0", 4);
	sendto(other, p, DG_HDR_LEN + 4, 0, (struct sockaddr *)&f->cli,
	       f->clilen);
	/* a body longer than the datagram */
	h = answer_hdr(f, DG_PT_RESPONSE);
	h.len = 500;
	dg_hdr_encode(&h, p);
	sendto(f->fd, p, DG_HDR_LEN + 10, 0, (struct sockaddr *)&f->cli,
	       f->clilen);
	close(other);
}

/* One datagram from the client. */
static void on_dgram(struct fake *f, const uint8_t *p, size_t n)
{
	struct dg_hdr h;
	int ret;

	if (dg_hdr_decode(p, n, &h) < 0 || lose(f))
		return;
	atomic_fetch_add(&f->datagrams, 1);
	switch (h.ptype) {
	case DG_PT_PING:
		atomic_fetch_add(&f->pings, 1);
		if ((f->mode == NOCALL || f->mode == FORGETFUL) && !f->have_call) {
			struct dg_hdr nc = answer_hdr(f, DG_PT_NOCALL);

			atomic_fetch_add(&f->nocalls, 1);
			fsend(f, f->fd, &nc, NULL, 0);
			return;
		}
		if (f->done) {
			send_resp(f);
		} else if (f->mode == WORKING && f->pings_left-- > 0) {
			struct dg_hdr w = answer_hdr(f, DG_PT_WORKING);

			fsend(f, f->fd, &w, NULL, 0);
		} else if (f->mode == WORKING && f->have_call &&
			   f->in.last >= 0) {
			execute(f);
			send_resp(f);
		} else if (f->mode == CANCEL) {
			struct dg_hdr w = answer_hdr(f, DG_PT_WORKING);

			fsend(f, f->fd, &w, NULL, 0);
		}
		return;
	case DG_PT_ACK:
		atomic_fetch_add(&f->acks, 1);
		return;
	case DG_PT_FACK:
		atomic_fetch_add(&f->facks, 1);
		take_fack(f, &h, p + DG_HDR_LEN);
		return;
	case DG_PT_CL_CANCEL: {
		struct dg_cancel c, a = { .server_is_accepting = true };
		struct dg_hdr r = answer_hdr(f, DG_PT_CANCEL_ACK);
		uint8_t b[16];

		atomic_fetch_add(&f->cancels, 1);
		if (dg_cancel_decode(p + DG_HDR_LEN, h.len, dg_hdr_be(&h),
				     false, &c) < 0)
			return;
		a.cancel_id = c.cancel_id;
		r.len = (uint16_t)dg_cancel_encode(&a, f->be, true, b);
		fsend(f, f->fd, &r, b, r.len);
		if (f->mode == CANCEL)
			send_status(f, DG_PT_FAULT, nca_s_fault_cancel);
		return;
	}
	case DG_PT_REQUEST:
		break;
	default:
		return;
	}
	atomic_fetch_add(&f->requests, 1);
	atomic_store(&f->last_flags1, h.flags1);
	if (f->mode == SILENT)
		return;
	if (!f->have_call || rpc_uuid_compare(&h.act_id, &f->act) ||
	    h.seqnum != f->seq) {
		if (f->have_call && !rpc_uuid_compare(&h.act_id, &f->act) &&
		    h.seqnum < f->seq)
			return;	/* an old call's */
		if (rpc_uuid_compare(&h.act_id, &f->act)) {
			if (f->mode == CONV_EACH && !conv_check(f, &h))
				return;	/* an old call's */
			atomic_fetch_add(&f->acts_seen, 1);
		}
		dg_reasm_free(&f->in);
		dg_reasm_init(&f->in, 64 << 20);
		f->act = h.act_id;
		f->seq = h.seqnum;
		f->have_call = true;
		f->done = false;
		atomic_fetch_add(&f->calls_seen, 1);
	}
	f->req = h;
	if (f->done) {		/* a duplicate: the kept answer, not a rerun */
		send_resp(f);
		return;
	}
	if (f->mode == DROP_FRAG && (h.fragnum == 0 || h.fragnum == 5) &&
	    !(f->drop_mask & (1u << h.fragnum))) {
		f->drop_mask |= 1u << h.fragnum;
		atomic_fetch_add(&f->dropped, 1);
		if (!h.fragnum)
			atomic_store(&f->drop_ms, __rpc_now_ms());
		return;
	}
	if (f->mode == DROP_FRAG && !h.fragnum && !atomic_load(&f->redo_ms))
		atomic_store(&f->redo_ms, __rpc_now_ms());
	ret = dg_reasm_add(&f->in, h.fragnum, p + DG_HDR_LEN, h.len,
			   !(h.flags1 & DG_F1_FRAG) ||
			   (h.flags1 & DG_F1_LASTFRAG));
	if (!(h.flags1 & DG_F1_NOFACK) && ret == 0)
		send_fack(f, h.serial);
	if (ret != 1)
		return;
	if (h.flags1 & DG_F1_MAYBE) {
		execute(f);
		return;
	}
	switch (f->mode) {
	case WORKING:
		f->pings_left = 2;
		return;		/* answered when pinged */
	case CANCEL:
		return;
	case NOCALL:
	case FORGETFUL:
		if (f->mode == FORGETFUL || !atomic_load(&f->nocalls)) {
			/* everything facked, then forgotten */
			send_fack(f, h.serial);
			dg_reasm_free(&f->in);
			dg_reasm_init(&f->in, 64 << 20);
			f->have_call = false;
			return;
		}
		break;
	case FAULT:
		execute(f);
		f->done = false;
		send_status(f, DG_PT_FAULT, 5);
		return;
	case REJECT:
		send_status(f, DG_PT_REJECT, h.opnum ? nca_s_op_rng_error
						     : nca_s_unk_if);
		return;
	case REBOOT:
		if (atomic_load(&f->executions) == 1)
			f->boot += 100;	/* it restarted */
		break;
	case CONV:
		if (!f->conv_done)
			do_conv(f);
		break;
	case HOSTILE:
		hostile(f);
		break;
	default:
		break;
	}
	execute(f);
	send_resp(f);
}

static void *fake_main(void *arg)
{
	struct fake *f = arg;
	uint8_t *p = malloc(DG_RECV_MAX);

	while (!atomic_load(&f->stop)) {
		struct pollfd pf = { .fd = f->fd, .events = POLLIN };
		ssize_t n;

		if (poll(&pf, 1, 20) <= 0)
			continue;
		f->clilen = sizeof(f->cli);
		n = recvfrom(f->fd, p, DG_RECV_MAX, 0,
			     (struct sockaddr *)&f->cli, &f->clilen);
		if (n > 0)
			on_dgram(f, p, (size_t)n);
	}
	free(p);
	return NULL;
}

static int udp_socket(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0)
		return -1;
	if (port)
		*port = ntohs(a.sin_port);
	return fd;
}

/* be: its answers and callbacks big endian */
static struct fake *fake_start_be(enum mode mode, bool be)
{
	struct fake *f = calloc(1, sizeof(*f));

	f->mode = mode;
	f->be = be;
	f->boot = 0x5eed0001;
	f->seed = 4242;
	f->fd = udp_socket(&f->port);
	f->cbfd = udp_socket(NULL);
	dg_reasm_init(&f->in, 64 << 20);
	if (f->fd < 0 || f->cbfd < 0 ||
	    pthread_create(&f->th, NULL, fake_main, f))
		abort();
	return f;
}

static struct fake *fake_start(enum mode mode)
{
	return fake_start_be(mode, false);
}

/* The thread ends: what it wrote may be read (without a race). */
static void fake_halt(struct fake *f)
{
	if (atomic_exchange(&f->stop, true))
		return;
	pthread_join(f->th, NULL);
}

static void fake_stop(struct fake *f)
{
	fake_halt(f);
	close(f->fd);
	close(f->cbfd);
	dg_reasm_free(&f->in);
	free(f->resp);
	free(f->racked);
	free(f);
}

#endif
