// SPDX-License-Identifier: MIT
/* Code generators (phase 2 placeholder). */
#include "idl.h"

int gen_header(struct idl_ctx *ctx, struct idl_file *f, FILE *out,
	       const struct gen_opts *o)
{
	return 0;
}

int gen_tables(struct idl_ctx *ctx, struct idl_file *f, FILE *out,
	       const struct gen_opts *o)
{
	return 0;
}

int gen_client(struct idl_ctx *ctx, struct idl_file *f, FILE *out,
	       const struct gen_opts *o)
{
	return 0;
}

int gen_server(struct idl_ctx *ctx, struct idl_file *f, FILE *out,
	       const struct gen_opts *o)
{
	return 0;
}
