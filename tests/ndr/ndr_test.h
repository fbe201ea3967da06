/* SPDX-License-Identifier: MIT */
/*
 * Shared by the NDR tests.  The harness runs each test in a child that
 * leaves with _exit(), so LeakSanitizer's at-exit check never sees the
 * test's allocations: under ASan, each fixture teardown runs the leak
 * check itself and fails the test when something leaked.
 */
#ifndef NDR_TEST_H
#define NDR_TEST_H

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define NDR_LEAK_CHECK() do { \
		if (__lsan_do_recoverable_leak_check()) { \
			TH_LOG("memory leaked"); \
			_metadata->passed = 0; \
			_metadata->step = 250; \
		} \
	} while (0)
#else
#define NDR_LEAK_CHECK() do { } while (0)
#endif

#endif
