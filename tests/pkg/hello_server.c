/*
 * The server of tests/pkg/pkg_test.sh: built inside the throwaway root
 * against the installed liblrpc-dev with pkg-config.  Serves pkghello on
 * the binding given (e.g. ncacn_ip_tcp:127.0.0.1[13579]), prints
 * "ready BINDING" and serves until SIGTERM.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <lrpc/rpc.h>
#include <lrpc/status.h>
#include "hello.h"

static struct rpc_server *srv;

int32_t hello_add(handle_t h, int32_t a, int32_t b, int32_t *sum)
{
	*sum = a + b;
	return 0;
}

int32_t hello_greet(handle_t h, char *name, char **greeting)
{
	size_t n = strlen(name) + sizeof("hello, ");

	*greeting = rpc_ss_allocate(n);
	if (!*greeting)
		return -1;
	snprintf(*greeting, n, "hello, %s", name);
	return 0;
}

static void stop(int sig)
{
	rpc_server_stop_listening(srv);
}

int main(int argc, char **argv)
{
	struct rpc_string_binding *sb;
	char *actual;
	int ret;

	if (argc != 2) {
		fprintf(stderr, "usage: hello_server BINDING\n");
		return 2;
	}
	ret = rpc_server_create(&srv);
	if (ret >= 0)
		ret = rpc_server_register_if(srv, &pkghello_v1_0_s_ifspec);
	if (ret >= 0)
		ret = rpc_string_binding_parse(argv[1], &sb);
	if (ret < 0) {
		fprintf(stderr, "hello_server: %s\n", rpc_status_name(ret));
		return 1;
	}
	ret = rpc_server_use_protseq(srv, sb->protseq, sb->netaddr,
				     sb->endpoint, &actual);
	rpc_string_binding_free(sb);
	if (ret < 0) {
		fprintf(stderr, "hello_server: %s: %s\n", argv[1],
			rpc_status_name(ret));
		return 1;
	}
	printf("ready %s\n", actual);
	fflush(stdout);
	signal(SIGTERM, stop);
	ret = rpc_server_listen(srv, 0);
	if (ret < 0) {
		fprintf(stderr, "hello_server: listen: %s\n",
			rpc_status_name(ret));
		return 1;
	}
	rpc_server_wait(srv);
	rpc_server_free(srv);
	return 0;
}
