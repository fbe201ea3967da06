/*
 * The client of tests/pkg/pkg_test.sh: calls pkghello at BINDING and
 * prints what it got; exits 0 when both answers are right.
 */
#include <stdio.h>
#include <string.h>
#include <lrpc/rpc.h>
#include <lrpc/status.h>
#include "hello.h"

int main(int argc, char **argv)
{
	rpc_binding_t *b;
	int32_t sum = 0, ret;
	char *greeting = NULL;
	int ok;

	if (argc != 2) {
		fprintf(stderr, "usage: hello_client BINDING\n");
		return 2;
	}
	ret = rpc_binding_from_string(argv[1], &b);
	if (ret < 0) {
		fprintf(stderr, "hello_client: %s: %s\n", argv[1],
			rpc_status_name(ret));
		return 1;
	}
	ret = hello_add(b, 40, 2, &sum);
	if (rpc_call_status()) {
		fprintf(stderr, "hello_client: %s: hello_add: %s\n", argv[1],
			rpc_status_name((int32_t)rpc_call_status()));
		return 1;
	}
	ret |= hello_greet(b, "lrpc", &greeting);
	if (rpc_call_status()) {
		fprintf(stderr, "hello_client: %s: hello_greet: %s\n", argv[1],
			rpc_status_name((int32_t)rpc_call_status()));
		return 1;
	}
	ok = ret == 0 && sum == 42 && greeting && !strcmp(greeting, "hello, lrpc");
	printf("hello_add(40, 2) = %d, hello_greet(\"lrpc\") = \"%s\"\n",
	       sum, greeting ? greeting : "(null)");
	rpc_ss_release();
	rpc_binding_free(b);
	return ok ? 0 : 1;
}
