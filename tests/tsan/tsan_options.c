// SPDX-License-Identifier: MIT
/*
 * Linked into every program of the ThreadSanitizer build (tests/tsan/
 * tsan.mk): the options hold whether or not $TSAN_OPTIONS is set, so a
 * test run by hand behaves as it does in make check.  The first report
 * ends the process with status 66, which fails the test case (the
 * kselftest harness runs each case in a child of its own).
 */
const char *__tsan_default_options(void);

const char *__tsan_default_options(void)
{
	return "halt_on_error=1:exitcode=66:second_deadlock_stack=1:"
	       "report_signal_unsafe=1:die_after_fork=0";
}
