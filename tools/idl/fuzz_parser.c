// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: lexer, parser, semantic checks and the AST dump on
 * arbitrary bytes.  Imports are recorded but not read, and cpp is not run.
 * Build and run: make fuzz-idl FUZZ_SECONDS=60
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idl.h"

static FILE *devnull;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct idl_ctx ctx;
	struct idl_file *f;
	char *buf;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	memset(&ctx, 0, sizeof(ctx));
	ctx.err = devnull;
	ctx.no_imports = true;
	ctx.quiet_notes = true;
	/* an exact-size copy so ASan sees reads past the end */
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	f = idl_parse_buffer(&ctx, "fuzz.idl", buf, size, false);
	if (f && idl_check(&ctx, f) == 0 && ctx.errors == 0) {
		struct gen_opts o = { .basename = "fuzz", .header_name = "fuzz.h",
				      .client = true, .server = true };

		idl_dump(devnull, f);
		gen_header(&ctx, f, devnull, &o);
		gen_tables(&ctx, f, devnull, &o);
		gen_client(&ctx, f, devnull, &o);
		gen_server(&ctx, f, devnull, &o);
	}
	free(buf);
	arena_free(&ctx.arena);
	return 0;
}
