// SPDX-License-Identifier: MIT
/*
 * hello client: calls Hello on the server at BINDING.
 *
 *   ./hello-client [BINDING [NAME]]      default ncalrpc:[hello], "world"
 *   ./hello-client 'ncacn_ip_tcp:127.0.0.1[5000]' Ada
 */
#include <stdio.h>
#include <lrpc/rpc.h>
#include "hello.h"

int main(int argc, char **argv)
{
	const char *binding = argc > 1 ? argv[1] : "ncalrpc:[hello]";
	char *name = argc > 2 ? argv[2] : "world";
	char *greeting = NULL;
	int32_t len;
	int ret;

	/* hello.acf makes the stubs use this variable as their binding */
	ret = rpc_binding_from_string(binding, &hello_binding);
	if (ret < 0) {
		fprintf(stderr, "hello-client: %s: %s\n", binding,
			rpc_status_text(ret));
		return 1;
	}

	len = Hello(name, &greeting);
	/* a stub whose operation does not return error_status_t reports a
	 * failed call through rpc_call_status() (and returns zero) */
	if (rpc_call_status() != 0) {
		fprintf(stderr, "hello-client: Hello on %s: %s (%s)\n", binding,
			rpc_status_text((int32_t)rpc_call_status()),
			rpc_status_name((int32_t)rpc_call_status()));
		rpc_binding_free(hello_binding);
		return 1;
	}
	printf("%s (%d characters)\n", greeting, len);

	rpc_ss_release();	/* frees greeting: the stub allocated it */
	rpc_binding_free(hello_binding);
	return 0;
}
