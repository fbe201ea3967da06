// SPDX-License-Identifier: MIT
/* lrpctest-client BINDING: placeholder until the full check list lands. */
#include <stdio.h>
#include <lrpc/rpc.h>
#include "lrpctest.h"

int main(int argc, char **argv)
{
	int ret;

	if (argc != 2) {
		fprintf(stderr, "usage: lrpctest-client BINDING\n");
		return 2;
	}
	ret = rpc_binding_from_string(argv[1], &lrpctest_binding);
	if (ret < 0) {
		fprintf(stderr, "lrpctest-client: %s\n", rpc_status_name(ret));
		return 2;
	}
	printf("ping %#x\n", TestPing());
	return 0;
}
