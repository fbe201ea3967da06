// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the client engine against a hostile server.  A listener in
 * this process accepts the client's connection, reads its bind, and
 * answers with the input (after a valid bind_ack when the first octet is
 * odd, so requests and responses get exercised too); the client makes
 * one call with a 50 ms time-out.
 */
#include <poll.h>
#include <signal.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <lrpc/rpc.h>
#include "runtime/runtime_int.h"
#include "engine/co/pdu.h"
#include "transport/transport.h"

static int lfd, port;
static char binding[64];

static const struct rpc_syntax_id iface = {
	{ 0x11111111, 0x2222, 0x3333, 0x44, 0x44,
	  { 0x55, 0x55, 0x55, 0x55, 0x55, 0x55 } }, 1, 0
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	signal(SIGPIPE, SIG_IGN);	/* the harness writes to closed peers */
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(0x7f000001) };
	socklen_t l = sizeof(a);

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (bind(lfd, (struct sockaddr *)&a, sizeof(a)) || listen(lfd, 8) ||
	    getsockname(lfd, (struct sockaddr *)&a, &l))
		abort();
	port = ntohs(a.sin_port);
	snprintf(binding, sizeof(binding), "ncacn_ip_tcp:127.0.0.1[%d,ndr20]",
		 port);
	return 0;
}

struct job {
	const uint8_t *data;
	size_t size;
};

static void *server(void *arg)
{
	struct job *j = arg;
	uint8_t buf[4096], ack[60];
	struct rpc_pdu p;
	struct ndr_buf out = { 0 };
	struct rpc_co_enc e = { RPC_PT_BIND_ACK, 3, false, 1 };
	int fd = accept(lfd, NULL, NULL);

	if (fd < 0)
		return NULL;
	(void)!read(fd, buf, sizeof(buf));	/* the bind */
	if (j->size && (j->data[0] & 1)) {
		memset(&p, 0, sizeof(p));
		p.bind_ack.max_xmit_frag = 4280;
		p.bind_ack.max_recv_frag = 4280;
		p.bind_ack.assoc_group_id = 7;
		p.bind_ack.n_results = 2;
		p.bind_ack.res[0].tsyn = rpc_syntax_ndr20;
		p.bind_ack.res[1].result = RPC_RESULT_NEGOTIATE_ACK;
		__rpc_co_encode(&out, &e, &p);
		(void)!write(fd, out.data, out.len);
		__ndr_buf_free(&out);
	}
	(void)ack;
	if (j->size > 1)
		(void)!write(fd, j->data + 1, j->size - 1);
	shutdown(fd, SHUT_WR);
	for (;;) {
		struct pollfd pf = { fd, POLLIN, 0 };

		if (poll(&pf, 1, 60) <= 0 || read(fd, buf, sizeof(buf)) <= 0)
			break;
	}
	close(fd);
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct job j = { data, size };
	struct rpc_binding *b;
	struct rpc_reply r;
	pthread_t t;

	pthread_create(&t, NULL, server, &j);
	if (rpc_binding_from_string(binding, &b) == 0) {
		rpc_binding_set_timeout(b, 50);
		if (rpc_call_raw(b, &iface, 1, "12345678", 8, &r) == 0)
			rpc_reply_release(&r);
		rpc_binding_free(b);
	}
	pthread_join(t, NULL);
	return 0;
}
