// SPDX-License-Identifier: MIT
/*
 * hello server: serves the hello interface on the string bindings given
 * on the command line (default: ncalrpc:[hello] and a dynamic TCP port on
 * the loopback), prints "ready BINDING" for each, and runs until SIGINT
 * or SIGTERM.
 *
 *   ./hello-server                          # ncalrpc:[hello] + TCP
 *   ./hello-server 'ncacn_ip_tcp:[5000]'    # one fixed TCP port
 *   ./hello-server 'ncalrpc:[]'             # a dynamic local endpoint
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <lrpc/rpc.h>
#include "hello.h"

/*
 * The manager routine: named like the operation, called by the server
 * stub with the unmarshalled [in] values.  Memory for [out] values comes
 * from rpc_ss_allocate(); the runtime frees it once the reply is sent.
 */
int32_t Hello(char *name, char **greeting)
{
	size_t len = strlen(name) + sizeof("Hello, !");

	*greeting = rpc_ss_allocate(len);
	if (!*greeting) {
		/* the client's call fails with this status */
		rpc_server_fault(nca_s_fault_remote_no_memory);
		return 0;
	}
	snprintf(*greeting, len, "Hello, %s!", name);
	return (int32_t)strlen(*greeting);
}

static struct rpc_server *srv;

static void on_signal(int sig)
{
	(void)sig;
	rpc_server_stop_listening(srv);	/* async-signal-safe */
}

static int die(const char *what, int ret)
{
	fprintf(stderr, "hello-server: %s: %s (%s)\n", what,
		rpc_status_text(ret), rpc_status_name(ret));
	return 1;
}

int main(int argc, char **argv)
{
	static const char *const defaults[] = {
		"ncalrpc:[hello]", "ncacn_ip_tcp:127.0.0.1[]",
	};
	const char *const *bindings = defaults;
	int n = 2, i, ret;

	if (argc > 1) {
		bindings = (const char *const *)argv + 1;
		n = argc - 1;
	}

	ret = rpc_server_create(&srv);
	if (ret < 0)
		return die("rpc_server_create", ret);
	ret = rpc_server_register_if(srv, &hello_v1_0_s_ifspec);
	if (ret < 0)
		return die("rpc_server_register_if", ret);

	for (i = 0; i < n; i++) {
		struct rpc_string_binding *sb;
		char *actual;

		ret = rpc_string_binding_parse(bindings[i], &sb);
		if (ret < 0)
			return die(bindings[i], ret);
		/* an empty endpoint ("[]") asks for a dynamic one */
		ret = rpc_server_use_protseq(srv, sb->protseq, sb->netaddr,
					     sb->endpoint, &actual);
		rpc_string_binding_free(sb);
		if (ret < 0)
			return die(bindings[i], ret);
		printf("ready %s\n", actual);
		free(actual);
	}
	fflush(stdout);

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	ret = rpc_server_listen(srv, 0);	/* returns at once */
	if (ret < 0)
		return die("rpc_server_listen", ret);
	rpc_server_wait(srv);			/* until a signal stops it */
	rpc_server_free(srv);
	return 0;
}
