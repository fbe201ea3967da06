// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the server engine, end to end.  One in-process server with
 * the mgmt interface listens on loopback; each input is sent on a fresh
 * connection (after a valid bind when the first octet is odd), the write
 * side is shut, and the answers are read until the server closes or
 * 20 ms of silence.  Crashes, leaks and sanitizer reports in the server
 * threads are what this looks for.
 */
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <lrpc/rpc.h>
#include "runtime/runtime_int.h"
#include "engine/co/pdu.h"
#include "transport/transport.h"

static int port;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	signal(SIGPIPE, SIG_IGN);	/* the harness writes to closed peers */
	struct rpc_server *srv;
	char *b;

	if (rpc_server_create(&srv) || rpc_server_use_protseq(srv,
			"ncacn_ip_tcp", "127.0.0.1", "", &b) ||
	    rpc_server_listen(srv, 16))
		abort();
	port = atoi(strchr(b, '[') + 1);
	free(b);
	return 0;
}

/* bind to mgmt v1.0, NDR20 + NDR64 */
static const uint8_t bind_pdu[] = {
	5, 0, 11, 3, 0x10, 0, 0, 0, 116, 0, 0, 0, 1, 0, 0, 0,
	0xb8, 0x10, 0xb8, 0x10, 0, 0, 0, 0, 2, 0, 0, 0,
	0, 0, 1, 0, 0x80, 0xbd, 0xa8, 0xaf, 0x8a, 0x7d, 0xc9, 0x11, 0xbe, 0xf4,
	0x08, 0x00, 0x2b, 0x10, 0x29, 0x89, 1, 0, 0, 0,
	0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11, 0x9f, 0xe8, 0x08, 0x00,
	0x2b, 0x10, 0x48, 0x60, 2, 0, 0, 0,
	1, 0, 1, 0, 0x80, 0xbd, 0xa8, 0xaf, 0x8a, 0x7d, 0xc9, 0x11, 0xbe, 0xf4,
	0x08, 0x00, 0x2b, 0x10, 0x29, 0x89, 1, 0, 0, 0,
	0x33, 0x05, 0x71, 0x71, 0xba, 0xbe, 0x37, 0x49, 0x83, 0x19, 0xb5, 0xdb,
	0xef, 0x9c, 0xcc, 0x36, 1, 0, 0, 0,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(0x7f000001) };
	uint8_t buf[65536];
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		abort();
	if (size && (data[0] & 1) &&
	    write(fd, bind_pdu, sizeof(bind_pdu)) != sizeof(bind_pdu))
		goto out;
	if (size > 1 && write(fd, data + 1, size - 1) < 0)
		goto out;
	shutdown(fd, SHUT_WR);
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };

		if (poll(&p, 1, 20) <= 0 || read(fd, buf, sizeof(buf)) <= 0)
			break;
	}
out:
	close(fd);
	return 0;
}
