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

/*
 * blob_t { unsigned long n; [size_is(n)] byte data[]; }: the conformant
 * struct of the in-place and full-pointer tests.
 */
#include <lrpc/ndr.h>
struct blob { uint32_t n; uint8_t data[]; };
static const struct ndr_type blob_data __attribute__((unused)) = {
	.kind = NDR_K_ARRAY, .align = 1, .a = { .elem = &ndr_type_byte,
	.flags = NDR_AF_CONFORMANT, .size_is = { .src = NDR_EXPR_FIELD, .index = 0 } } };
static const struct ndr_member blob_m[] __attribute__((unused)) = {
	{ &ndr_type_ulong, 0 }, { &blob_data, 4 } };
static const struct ndr_type blob_t __attribute__((unused)) = {
	.kind = NDR_K_STRUCT, .flags = NDR_TF_CONFORMANT, .align = 4,
	.size = sizeof(struct blob), .s = { blob_m, 2 } };

#endif
