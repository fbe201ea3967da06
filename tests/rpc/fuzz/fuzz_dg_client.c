// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the datagram client engine (engine/dg/dg_client*.c) against
 * a hostile server.  A UDP socket in this process takes the client's
 * first request and answers with the datagrams of the input; the client
 * makes one call (a short [in] of one fragment, or a long one of three
 * when the flags octet is odd, so that facks matter) with a 30 ms
 * time-out.  Its response reassembly, facks, nocalls, working, faults,
 * rejects, cancel_acks and the conv callbacks it answers all see
 * hostile octets.
 *
 * The input, after the flags octet the rpc fuzzers' seeds share, is a
 * list of records: ctl (1 octet), length (2, little endian), datagram.
 * ctl bit 0: the client's activity id, sequence number and data
 * representation are copied in (else nearly every datagram would be
 * dropped as a stranger's); bit 1: the header's length field is made
 * the body's; bit 2: the first datagram of the record is sent twice.
 */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <lrpc/rpc.h>
#include "engine/dg/dg_pdu.h"

#define OFF_DREP	4
#define OFF_ACT		40
#define OFF_SEQ		64
#define OFF_LEN		74

static int sfd;
static char binding[64];

static const struct rpc_syntax_id iface = {
	{ 0x11111111, 0x2222, 0x3333, 0x44, 0x44,
	  { 0x55, 0x55, 0x55, 0x55, 0x55, 0x55 } }, 1, 0
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(0x7f000001) };
	socklen_t l = sizeof(a);

	sfd = socket(AF_INET, SOCK_DGRAM, 0);
	if (sfd < 0 || bind(sfd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(sfd, (struct sockaddr *)&a, &l))
		abort();
	snprintf(binding, sizeof(binding), "ncadg_ip_udp:127.0.0.1[%d]",
		 ntohs(a.sin_port));
	return 0;
}

struct job {
	const uint8_t *data;
	size_t size;
};

static void *server(void *arg)
{
	struct job *j = arg;
	static uint8_t req[DG_RECV_MAX];
	uint8_t pkt[2048];
	struct sockaddr_storage cli;
	socklen_t cl = sizeof(cli);
	size_t off = 1;
	ssize_t r;
	struct pollfd pf = { sfd, POLLIN, 0 };

	if (poll(&pf, 1, 200) <= 0)
		return NULL;
	r = recvfrom(sfd, req, sizeof(req), 0, (struct sockaddr *)&cli, &cl);
	if (r < DG_HDR_LEN)
		return NULL;
	while (off + 3 <= j->size) {
		uint8_t ctl = j->data[off];
		size_t n = j->data[off + 1] | (size_t)j->data[off + 2] << 8;

		off += 3;
		if (n > j->size - off)
			n = j->size - off;
		if (n > sizeof(pkt))
			n = sizeof(pkt);
		memcpy(pkt, j->data + off, n);
		off += n;
		if (n >= DG_HDR_LEN && (ctl & 1)) {
			memcpy(pkt + OFF_DREP, req + OFF_DREP, 3);
			memcpy(pkt + OFF_ACT, req + OFF_ACT, 16);
			memcpy(pkt + OFF_SEQ, req + OFF_SEQ, 4);
		}
		if (n >= DG_HDR_LEN && (ctl & 2)) {
			uint16_t len = (uint16_t)(n - DG_HDR_LEN);
			bool be = !(pkt[OFF_DREP] & 0x10);

			pkt[OFF_LEN] = (uint8_t)(be ? len >> 8 : len);
			pkt[OFF_LEN + 1] = (uint8_t)(be ? len : len >> 8);
		}
		sendto(sfd, pkt, n, 0, (struct sockaddr *)&cli, cl);
		if (ctl & 4)
			sendto(sfd, pkt, n, 0, (struct sockaddr *)&cli, cl);
	}
	/* what the client sends meanwhile (retransmissions, facks, acks,
	 * answers to callbacks) is drained by the next run */
	return NULL;
}

static void drain(void)
{
	static uint8_t buf[DG_RECV_MAX];

	while (recv(sfd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t in[4000];
	struct job j = { data, size };
	struct rpc_binding *b;
	struct rpc_reply r;
	size_t inlen = size && (data[0] & 1) ? sizeof(in) : 16;
	pthread_t t;

	drain();
	pthread_create(&t, NULL, server, &j);
	if (rpc_binding_from_string(binding, &b) == 0) {
		rpc_binding_set_timeout(b, 30);
		if (rpc_call_raw(b, &iface, 1, in, inlen, &r) == 0)
			rpc_reply_release(&r);
		rpc_binding_free(b);
	}
	pthread_join(t, NULL);
	return 0;
}
