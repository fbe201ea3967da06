// SPDX-License-Identifier: MIT
/* The per-uid connection cap, natively: without /dev/lrpc the kernel
 * cases skip and the AF_UNIX fallback runs. */
#include "../../selftests/local/conns_per_uid_test.c"
