// SPDX-License-Identifier: MIT
/* The local engine's issue 15 tests, natively: without /dev/lrpc the
 * kernel cases skip and the AF_UNIX fallback runs them all. */
#include "../../selftests/local/lpc_engine_test.c"
