/* SPDX-License-Identifier: MIT */
/*
 * The connectionless (datagram) PDU codec (dg_pdu.c): the 80-octet
 * header of [C706] 12.5 (RPC protocol version 4) in both byte orders, and
 * the bodies of fack, fault, reject, cancel and cancel_ack.  Every length
 * is checked; nothing here keeps state.
 */
#ifndef LRPC_ENGINE_DG_PDU_H
#define LRPC_ENGINE_DG_PDU_H

#include "runtime/runtime_int.h"

/* [C706] 12.5.3.2 packet types */
enum {
	DG_PT_REQUEST = 0,
	DG_PT_PING = 1,
	DG_PT_RESPONSE = 2,
	DG_PT_FAULT = 3,
	DG_PT_WORKING = 4,
	DG_PT_NOCALL = 5,
	DG_PT_REJECT = 6,
	DG_PT_ACK = 7,
	DG_PT_CL_CANCEL = 8,
	DG_PT_FACK = 9,
	DG_PT_CANCEL_ACK = 10,
	DG_PT_MAX = 10,
};

/* flags1 ([C706] 12.5.3.3) */
#define DG_F1_LASTFRAG		0x02
#define DG_F1_FRAG		0x04
#define DG_F1_NOFACK		0x08
#define DG_F1_MAYBE		0x10
#define DG_F1_IDEMPOTENT	0x20
#define DG_F1_BROADCAST		0x40
#define DG_F1_BLAST_OUTS	0x80	/* client: it takes blasted outs */
/* flags2 */
#define DG_F2_CANCEL_PENDING	0x02

#define DG_VERSION		4
#define DG_HDR_LEN		80
#define DG_NO_HINT		0xffff	/* ihint / ahint: none */
/*
 * The largest datagram either side sends or takes: what fits an IPv4
 * UDP payload on a 1500-octet Ethernet MTU without IP fragmentation
 * (1500 - 20 - 8).  A fragment's body is at most DG_MAX_PDU - DG_HDR_LEN.
 */
#define DG_MAX_PDU		1472
#define DG_MAX_BODY		(DG_MAX_PDU - DG_HDR_LEN)
/* What a receiver takes from the network in one recvfrom (larger
 * datagrams are truncated, hence dropped). */
#define DG_RECV_MAX		65535

struct dg_hdr {
	uint8_t ptype;
	uint8_t flags1;
	uint8_t flags2;
	uint8_t drep[3];		/* [0] & 0x10: little endian */
	rpc_uuid_t object;
	rpc_uuid_t if_id;
	rpc_uuid_t act_id;
	uint32_t server_boot;
	uint32_t if_vers;		/* major in the low 16 bits */
	uint32_t seqnum;
	uint16_t opnum;
	uint16_t ihint;
	uint16_t ahint;
	uint16_t len;			/* body octets after the header */
	uint16_t fragnum;
	uint8_t auth_proto;		/* 0: none */
	uint16_t serial;		/* serial_hi << 8 | serial_lo */
};

static inline bool dg_hdr_be(const struct dg_hdr *h)
{
	return !(h->drep[0] & 0x10);
}

/*
 * Decode the header of the datagram p[0..n): 0 with *h filled, or
 * -EPROTO (shorter than a header, version not 4, unknown ptype, body
 * length past the datagram, a float or character format we do not
 * speak).  The body is p + DG_HDR_LEN, h->len octets; octets past it
 * (authentication verifier) are the caller's.
 */
int dg_hdr_decode(const uint8_t *p, size_t n, struct dg_hdr *h);
/* Encode h (its drep chooses the byte order) into p[0..DG_HDR_LEN). */
void dg_hdr_encode(const struct dg_hdr *h, uint8_t *p);
/* drep of this host (little endian, ASCII, IEEE). */
void dg_drep_local(uint8_t drep[3]);

/* ---- fack and nocall bodies ([C706] 12.5.3.4) --------------------------- */

/* The body version the reference runtime and Windows send (and the one
 * Windows-facing peers insist on); 0 is taken too. */
#define DG_FACK_VERS		1
#define DG_SELACK_MAX		8	/* 32-bit words of selective ack we send
					   or take: 256 fragments beyond the
					   one acknowledged */

struct dg_fack {
	uint8_t vers;
	uint16_t window_size;		/* receive window in kilobytes (1024
					   octets), as the reference runtime
					   sends it (older runtimes counted
					   fragments).  Advisory; 0 asks the
					   sender to pause */
	uint32_t max_tsdu;
	uint32_t max_frag_size;
	uint16_t serial_num;		/* serial of the fragment that
					   prompted it */
	uint16_t selack_len;		/* words in selack */
	uint32_t selack[DG_SELACK_MAX];
};

/* 0, or -EPROTO when body[0..n) is not a fack body (a short one, as old
 * peers send, decodes with the fields it has and the rest zero; an empty
 * one is all zero; selack words past DG_SELACK_MAX are dropped). */
int dg_fack_decode(const uint8_t *body, size_t n, bool be, struct dg_fack *f);
/* Octets written to body (room: at least 16 + 4 * DG_SELACK_MAX): 20
 * when selack_len is 0 (one zero word, as the reference runtime sends). */
size_t dg_fack_encode(const struct dg_fack *f, bool be, uint8_t *body);

/* ---- fault, reject: one 32-bit status ----------------------------------- */
int dg_status_decode(const uint8_t *body, size_t n, bool be, uint32_t *st);
size_t dg_status_encode(uint32_t st, bool be, uint8_t *body);

/* ---- cl_cancel and cancel_ack ([C706] 12.5.3.5, 12.5.3.6) --------------- */
struct dg_cancel {
	uint32_t vers;			/* 0 */
	uint32_t cancel_id;
	bool server_is_accepting;	/* cancel_ack only */
};
int dg_cancel_decode(const uint8_t *body, size_t n, bool be, bool ack,
		     struct dg_cancel *c);
size_t dg_cancel_encode(const struct dg_cancel *c, bool be, bool ack,
			uint8_t *body);

/* ---- reassembly of a fragmented request or response ------------------- */
/*
 * Fragments arrive in any order, duplicated or not at all.  A reassembly
 * keeps what arrived (bounded by max_bytes and DG_MAX_FRAGS), tells the
 * highest in-order fragment and the selective-ack bitmask for a fack,
 * and gives the whole body once every fragment up to the last is in.
 */
#define DG_MAX_FRAGS		65536	/* fragnum is 16 bits */

struct dg_frag;				/* one received fragment */

struct dg_reasm {
	struct dg_frag **frags;		/* by fragnum, grown on demand */
	uint32_t nslots;
	uint32_t nhave;			/* distinct fragments held */
	int32_t last;			/* fragnum of the last fragment, -1 */
	int32_t inorder;		/* highest n with 0..n all in, -1 */
	size_t bytes;			/* body octets held */
	size_t max_bytes;		/* refuse beyond this */
};

void dg_reasm_init(struct dg_reasm *r, size_t max_bytes);
/*
 * Add fragment fragnum (body[0..n), last: it has LASTFRAG, or the PDU is
 * not fragmented): 1 when it completes the body, 0 when kept (or a
 * duplicate, ignored; or more than 32 * DG_SELACK_MAX fragments past
 * r->inorder, dropped: the sender sends it again), -EMSGSIZE past
 * max_bytes or a non-last fragment 65535, -EPROTO for a contradiction (a
 * second last fragment with another number, a fragment after the last, a
 * last one before a fragment held, a copy whose length or LASTFRAG
 * differs), -ENOMEM.
 */
int dg_reasm_add(struct dg_reasm *r, uint16_t fragnum, const uint8_t *body,
		 size_t n, bool last);
/* The complete body, once dg_reasm_add returned 1: malloc'ed into *out
 * (never NULL), *len octets; the fragments are released and r is empty
 * again (as after dg_reasm_init).  0, -EINVAL (not complete), -ENOMEM. */
int dg_reasm_take(struct dg_reasm *r, uint8_t **out, size_t *len);
/* Fill a fack's selack words beyond r->inorder (selack_len set; 0 when
 * nothing past it arrived): bit k of word w is fragment
 * r->inorder + 1 + 32w + k, as the reference runtime builds it (the fack
 * header's fragnum is r->inorder). */
void dg_reasm_selack(const struct dg_reasm *r, struct dg_fack *f);
void dg_reasm_free(struct dg_reasm *r);

#endif /* LRPC_ENGINE_DG_PDU_H */
