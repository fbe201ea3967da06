// SPDX-License-Identifier: MIT
/* The ncalrpc tests, natively: without /dev/lrpc the kernel cases skip
 * and the AF_UNIX fallback runs them all. */
#include "../../selftests/local/ncalrpc_test.c"
