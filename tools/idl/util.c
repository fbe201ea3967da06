// SPDX-License-Identifier: MIT
/* Arena allocator and diagnostics. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "idl.h"

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	max_align_t data[];
};

#define CHUNK_MIN (64 * 1024)

void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c = a->head;
	size_t need = (n + 15) & ~(size_t)15;
	void *p;

	if (!c || c->size - c->used < need) {
		size_t sz = need > CHUNK_MIN ? need : CHUNK_MIN;

		c = malloc(sizeof(*c) + sz);
		if (!c) {
			fputs("lrpc-idl: out of memory\n", stderr);
			exit(2);
		}
		c->used = 0;
		c->size = sz;
		c->next = a->head;
		a->head = c;
	}
	p = (char *)c->data + c->used;
	c->used += need;
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void arena_free(struct arena *a)
{
	struct arena_chunk *c = a->head, *n;

	for (; c; c = n) {
		n = c->next;
		free(c);
	}
	a->head = NULL;
}

static void vdiag(struct idl_ctx *ctx, struct loc loc, const char *what,
		  const char *fmt, va_list ap)
{
	FILE *out = ctx->err ? ctx->err : stderr;

	if (loc.file)
		fprintf(out, "%s:%d:%d: %s: ", loc.file, loc.line, loc.col, what);
	else
		fprintf(out, "lrpc-idl: %s: ", what);
	vfprintf(out, fmt, ap);
	fputc('\n', out);
}

void idl_error(struct idl_ctx *ctx, struct loc loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(ctx, loc, "error", fmt, ap);
	va_end(ap);
	ctx->errors++;
}

void idl_warning(struct idl_ctx *ctx, struct loc loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(ctx, loc, "warning", fmt, ap);
	va_end(ap);
	ctx->warnings++;
}

void idl_note(struct idl_ctx *ctx, struct loc loc, const char *fmt, ...)
{
	va_list ap;

	if (ctx->quiet_notes)
		return;
	va_start(ap, fmt);
	vdiag(ctx, loc, "note", fmt, ap);
	va_end(ap);
}

void idl_fatal(struct idl_ctx *ctx, struct loc loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(ctx, loc, "error", fmt, ap);
	va_end(ap);
	ctx->errors++;
	longjmp(ctx->fail, 1);
}
