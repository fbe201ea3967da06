// SPDX-License-Identifier: MIT
/* The ncalrpc guards (idle time-out, calls per connection), natively:
 * without /dev/lrpc the kernel cases skip and the AF_UNIX fallback
 * runs. */
#include "../../selftests/local/lpc_guard_test.c"
