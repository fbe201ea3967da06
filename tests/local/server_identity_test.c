// SPDX-License-Identifier: MIT
/* The server identity tests, natively: without /dev/lrpc the kernel
 * cases skip and the AF_UNIX fallback runs them all. */
#include "../../selftests/local/server_identity_test.c"
