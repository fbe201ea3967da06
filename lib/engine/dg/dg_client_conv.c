// SPDX-License-Identifier: MIT
/*
 * The client's conversation manager (idl/conv.idl, [C706] 10.2): a
 * server that holds a request from an activity it has no record of (its
 * first call, or after the server restarted) calls the client back on
 * the conv interface before it runs the call, to learn the activity's
 * sequence number and whether the client saw the same server boot time.
 * The callback is a request datagram of the server's own activity, from
 * the server's host (any port), to the socket our request left from; we
 * answer it here, in the engine, with one response datagram, without
 * a server runtime: the in and out arguments are a few fixed-size NDR20
 * fields.
 *
 * conv_who_are_you (0) and conv_who_are_you2 (1) are answered; so is
 * conv_are_you_there (2).  The authenticated variants (3, 4) are
 * rejected with nca_s_op_rng_error: this engine carries no
 * authentication.  A callback about an activity not of this binding gets
 * st = nca_s_bad_actid.
 */
#include <string.h>
#include <arpa/inet.h>
#include "engine/dg/dg_client.h"

const struct rpc_syntax_id __rpc_dg_conv_syntax = {
	{ 0x333a2276, 0x0000, 0x0000, 0x0d, 0x00,
	  { 0x00, 0x80, 0x9c, 0x00, 0x00, 0x00 } }, 3, 0 };

enum {
	CONV_WHO_ARE_YOU = 0,
	CONV_WHO_ARE_YOU2 = 1,
	CONV_ARE_YOU_THERE = 2,
};

#define CONV_IN_LEN	20	/* uuid actuid, unsigned32 boot_time */

static uint32_t get32(const uint8_t *p, bool be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3]
		  : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
		    (uint32_t)p[1] << 8 | p[0];
}

/* little endian: the drep of everything we send (dg_drep_local) */
static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/*
 * The status and sequence number for activity actuid at the server boot
 * time boot: an activity of c's, busy or not; the boot time agreeing
 * with ours (learnt now when we knew none).
 */
static uint32_t conv_status(struct dg_client *c, const rpc_uuid_t *actuid,
			    uint32_t boot, uint32_t *seq)
{
	struct dg_act *a = NULL;
	unsigned int i;
	uint32_t st = 0;

	*seq = 0;
	pthread_mutex_lock(&c->lock);
	for (i = 0; i < DG_CLI_MAX_ACTS && !a; i++)
		if (c->acts[i] && !rpc_uuid_compare(&c->acts[i]->id, actuid))
			a = c->acts[i];
	if (!a) {
		st = nca_s_bad_actid;
	} else {
		*seq = a->seq;
		if (!c->boot)
			c->boot = boot;
		else if (c->boot != boot)
			st = nca_s_wrong_boot_time;
	}
	pthread_mutex_unlock(&c->lock);
	return st;
}

static void send_answer(struct dg_act *a, const struct dg_hdr *req,
			uint8_t ptype, const uint8_t *body, size_t n,
			const struct sockaddr_storage *to, socklen_t tolen)
{
	uint8_t pkt[DG_HDR_LEN + 32];
	struct dg_hdr h = *req;

	h.ptype = ptype;
	h.flags1 = 0;
	h.flags2 = 0;
	dg_drep_local(h.drep);
	h.server_boot = __rpc_dg_my_boot();
	h.ihint = DG_NO_HINT;
	h.ahint = DG_NO_HINT;
	h.len = (uint16_t)n;
	h.fragnum = 0;
	h.auth_proto = 0;
	h.serial = 0;
	dg_hdr_encode(&h, pkt);
	memcpy(pkt + DG_HDR_LEN, body, n);
	(void)sendto(a->fd, pkt, DG_HDR_LEN + n, MSG_DONTWAIT,
		     (const struct sockaddr *)to, tolen);
}

void __rpc_dg_conv_answer(struct dg_client *c, struct dg_act *a,
			  const struct sockaddr_storage *srv,
			  const struct dg_hdr *h, const uint8_t *body,
			  const struct sockaddr_storage *from,
			  socklen_t fromlen)
{
	bool be = dg_hdr_be(h);
	uint8_t out[32];
	rpc_uuid_t actuid;
	uint32_t boot, seq, st;
	size_t n;

	if (!__rpc_dg_from_server(srv, from, true) ||
	    rpc_uuid_compare(&h->if_id, &__rpc_dg_conv_syntax.uuid) ||
	    (h->if_vers & 0xffff) != __rpc_dg_conv_syntax.major ||
	    (h->flags1 & DG_F1_FRAG) || h->auth_proto)
		return;		/* not a conv callback we answer */
	if (h->opnum > CONV_ARE_YOU_THERE) {
		put32(out, nca_s_op_rng_error);
		send_answer(a, h, DG_PT_REJECT, out, 4, from, fromlen);
		return;
	}
	if (h->len < CONV_IN_LEN)
		return;		/* malformed: dropped */
	rpc_uuid_from_wire(&actuid, body, be);
	boot = get32(body + 16, be);
	st = conv_status(c, &actuid, boot, &seq);
	switch (h->opnum) {
	case CONV_WHO_ARE_YOU:
		put32(out, seq);
		put32(out + 4, st);
		n = 8;
		break;
	case CONV_WHO_ARE_YOU2:
		put32(out, seq);
		rpc_uuid_to_wire(__rpc_dg_cas_uuid(), out + 4, false);
		put32(out + 20, st);
		n = 24;
		break;
	default:	/* are_you_there */
		put32(out, st);
		n = 4;
		break;
	}
	send_answer(a, h, DG_PT_RESPONSE, out, n, from, fromlen);
}
