// SPDX-License-Identifier: MIT
/*
 * The lexer.  Input is either the output of cpp (run with -C so comments
 * survive and columns stay those of the source) or raw IDL (--no-cpp, and
 * the fuzzer).  It understands cpp's line markers (`# 12 "file"' and
 * `#line 12 "file"'), skips #pragma lines as MIDL does, and rejects any
 * other directive: only cpp may expand #include and #define.
 */
#include <ctype.h>
#include <string.h>

#include "idl.h"

void lex_init(struct lexer *lx, struct idl_ctx *ctx, const char *file,
	      const char *buf, size_t len)
{
	memset(lx, 0, sizeof(*lx));
	lx->ctx = ctx;
	lx->buf = buf;
	lx->len = len;
	lx->file = file;
	lx->line = 1;
}

static struct loc here(const struct lexer *lx)
{
	struct loc l = { lx->file, lx->line, (int)(lx->pos - lx->line_start) + 1 };

	return l;
}

static int peekc(const struct lexer *lx, size_t off)
{
	size_t p = lx->pos + off;

	return p < lx->len ? (unsigned char)lx->buf[p] : -1;
}

static void newline(struct lexer *lx)
{
	lx->line++;
	lx->line_start = lx->pos;
}

static const char *show_char(int c, char buf[8])
{
	if (c >= 0x20 && c < 0x7f)
		snprintf(buf, 8, "'%c'", c);
	else
		snprintf(buf, 8, "'\\x%02x'", c & 0xff);
	return buf;
}

/* Directive at the start of a line; pos is at '#'. */
static void directive(struct lexer *lx)
{
	struct loc at = here(lx);
	size_t p = lx->pos + 1, e, ws;
	char word[16];
	size_t n = 0;
	long line = -1;

	while (p < lx->len && (lx->buf[p] == ' ' || lx->buf[p] == '\t'))
		p++;
	ws = p;
	while (p < lx->len && isalpha((unsigned char)lx->buf[p]) && n < sizeof(word) - 1)
		word[n++] = lx->buf[p++];
	word[n] = 0;
	for (e = p; e < lx->len && lx->buf[e] != '\n'; e++)
		;
	if (n == 0 || !strcmp(word, "line")) {
		/* line marker: # N "file" flags */
		while (p < lx->len && (lx->buf[p] == ' ' || lx->buf[p] == '\t'))
			p++;
		if (p < e && isdigit((unsigned char)lx->buf[p])) {
			line = 0;
			while (p < e && isdigit((unsigned char)lx->buf[p]) && line < 100000000)
				line = line * 10 + (lx->buf[p++] - '0');
		}
		if (line < 0) {
			if (n == 0 && ws == e)	/* null directive */
				goto skip;
			idl_fatal(lx->ctx, at, "malformed line marker");
		}
		while (p < e && (lx->buf[p] == ' ' || lx->buf[p] == '\t'))
			p++;
		if (p < e && lx->buf[p] == '"') {
			size_t s = ++p;

			while (p < e && lx->buf[p] != '"')
				p++;
			lx->file = arena_strndup(&lx->ctx->arena, lx->buf + s, p - s);
		}
		lx->pos = e;
		if (lx->pos < lx->len) {
			lx->pos++;
			lx->line = (int)line;
			lx->line_start = lx->pos;
		}
		return;
	}
	if (!strcmp(word, "pragma"))
		goto skip;
	idl_fatal(lx->ctx, at,
		  "preprocessor directive '#%s' needs the C preprocessor (do not use --no-cpp)",
		  word);
skip:
	lx->pos = e;
}

static void skip_space(struct lexer *lx)
{
	bool bol = lx->pos == lx->line_start;

	for (;;) {
		int c = peekc(lx, 0);

		if (c == '\n') {
			lx->pos++;
			newline(lx);
			bol = true;
		} else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
			lx->pos++;
		} else if (c == '/' && peekc(lx, 1) == '*') {
			struct loc at = here(lx);

			lx->pos += 2;
			for (;;) {
				c = peekc(lx, 0);
				if (c < 0)
					idl_fatal(lx->ctx, at, "unterminated comment");
				lx->pos++;
				if (c == '\n')
					newline(lx);
				else if (c == '*' && peekc(lx, 0) == '/') {
					lx->pos++;
					break;
				}
			}
			bol = false;
		} else if (c == '/' && peekc(lx, 1) == '/') {
			while (peekc(lx, 0) >= 0 && peekc(lx, 0) != '\n')
				lx->pos++;
		} else if (c == '#' && bol) {
			directive(lx);
		} else {
			return;
		}
	}
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One (possibly escaped) character of a string or char literal. */
static int lex_char(struct lexer *lx, char quote, struct loc start)
{
	struct loc at = here(lx);
	int c = peekc(lx, 0), v, i;

	if (c < 0 || c == '\n')
		idl_fatal(lx->ctx, start, "missing terminating %c character", quote);
	lx->pos++;
	if (c != '\\')
		return c;
	c = peekc(lx, 0);
	if (c < 0 || c == '\n')
		idl_fatal(lx->ctx, start, "missing terminating %c character", quote);
	lx->pos++;
	switch (c) {
	case 'n': return '\n';
	case 't': return '\t';
	case 'r': return '\r';
	case 'a': return '\a';
	case 'b': return '\b';
	case 'f': return '\f';
	case 'v': return '\v';
	case '\\': case '\'': case '"': case '?': return c;
	case 'x':
		v = 0;
		if (hexval(peekc(lx, 0)) < 0)
			idl_fatal(lx->ctx, at, "\\x used with no following hex digits");
		for (i = 0; i < 2 && hexval(peekc(lx, 0)) >= 0; i++)
			v = v * 16 + hexval(lx->buf[lx->pos++]);
		return v;
	default:
		if (c >= '0' && c <= '7') {
			v = c - '0';
			for (i = 0; i < 2 && peekc(lx, 0) >= '0' && peekc(lx, 0) <= '7'; i++)
				v = v * 8 + (lx->buf[lx->pos++] - '0');
			return v & 0xff;
		}
		idl_fatal(lx->ctx, at, "unknown escape sequence '\\%c'", c);
	}
}

static void lex_string(struct lexer *lx, struct token *t)
{
	struct loc start = t->loc;
	size_t cap = 32, n = 0;
	char *s = arena_alloc(&lx->ctx->arena, cap);

	lx->pos++;	/* opening quote */
	while (peekc(lx, 0) != '"') {
		int c = lex_char(lx, '"', start);

		if (n + 1 >= cap) {
			char *ns = arena_alloc(&lx->ctx->arena, cap * 2);

			memcpy(ns, s, n);
			s = ns;
			cap *= 2;
		}
		s[n++] = (char)c;
	}
	lx->pos++;
	s[n] = 0;
	t->kind = T_STRING;
	t->text = s;
	t->len = n;
}

static void lex_number(struct lexer *lx, struct token *t)
{
	size_t s = lx->pos;
	uint64_t v = 0;
	bool overflow = false, isfloat = false;
	int base = 10, d;

	if (peekc(lx, 0) == '0' && (peekc(lx, 1) == 'x' || peekc(lx, 1) == 'X')) {
		base = 16;
		lx->pos += 2;
		if (hexval(peekc(lx, 0)) < 0)
			idl_fatal(lx->ctx, t->loc, "invalid hexadecimal constant");
	} else if (peekc(lx, 0) == '0') {
		base = 8;
	}
	while ((d = hexval(peekc(lx, 0))) >= 0 && (base == 16 || d < 10)) {
		if (d >= base)
			idl_fatal(lx->ctx, t->loc, "invalid digit '%c' in %s constant",
				  lx->buf[lx->pos], base == 8 ? "octal" : "decimal");
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			overflow = true;
		v = v * (uint64_t)base + (uint64_t)d;
		lx->pos++;
	}
	if (base != 16 && peekc(lx, 0) == '.') {
		isfloat = true;
		lx->pos++;
		while (peekc(lx, 0) >= '0' && peekc(lx, 0) <= '9')
			lx->pos++;
	}
	while (peekc(lx, 0) == 'u' || peekc(lx, 0) == 'U' ||
	       peekc(lx, 0) == 'l' || peekc(lx, 0) == 'L')
		lx->pos++;
	if (peekc(lx, 0) >= 0 && (isalnum(peekc(lx, 0)) || peekc(lx, 0) == '_'))
		idl_fatal(lx->ctx, t->loc, "invalid suffix on numeric constant");
	if (overflow)
		idl_fatal(lx->ctx, t->loc, "integer constant is too large");
	t->kind = isfloat ? T_FLOAT : T_INT;
	t->ival = v;
	t->text = arena_strndup(&lx->ctx->arena, lx->buf + s, lx->pos - s);
	t->len = lx->pos - s;
}

static const char *const puncts2[] = {
	"<<", ">>", "==", "!=", "<=", ">=", "&&", "||", "::",
};

void lex_next(struct lexer *lx, struct token *t)
{
	int c;
	char b[8];

	skip_space(lx);
	memset(t, 0, sizeof(*t));
	t->loc = here(lx);
	c = peekc(lx, 0);
	if (c < 0) {
		t->kind = T_EOF;
		t->text = "end of file";
		return;
	}
	if (c == 'L' && (peekc(lx, 1) == '"' || peekc(lx, 1) == '\'')) {
		t->wide = true;
		lx->pos++;
		c = peekc(lx, 0);
	}
	if (c == '"') {
		lex_string(lx, t);
		return;
	}
	if (c == '\'') {
		lx->pos++;
		if (peekc(lx, 0) == '\'')
			idl_fatal(lx->ctx, t->loc, "empty character constant");
		t->ival = (unsigned char)lex_char(lx, '\'', t->loc);
		if (peekc(lx, 0) != '\'')
			idl_fatal(lx->ctx, t->loc, "missing terminating ' character");
		lx->pos++;
		t->kind = T_CHAR;
		t->text = "character constant";
		return;
	}
	if (isalpha(c) || c == '_') {
		size_t s = lx->pos;

		while (peekc(lx, 0) >= 0 && (isalnum(peekc(lx, 0)) || peekc(lx, 0) == '_'))
			lx->pos++;
		t->kind = T_IDENT;
		t->len = lx->pos - s;
		t->text = arena_strndup(&lx->ctx->arena, lx->buf + s, t->len);
		return;
	}
	if (isdigit(c)) {
		lex_number(lx, t);
		return;
	}
	for (size_t i = 0; i < sizeof(puncts2) / sizeof(puncts2[0]); i++) {
		if (c == puncts2[i][0] && peekc(lx, 1) == puncts2[i][1]) {
			lx->pos += 2;
			t->kind = T_PUNCT;
			t->text = puncts2[i];
			t->len = 2;
			return;
		}
	}
	if (strchr("[](){};,=*+-/%<>|&^~!?:.", c) && c) {
		static const char single[] = "[](){};,=*+-/%<>|&^~!?:.";
		const char *p = strchr(single, c);

		lx->pos++;
		t->kind = T_PUNCT;
		t->text = arena_strndup(&lx->ctx->arena, p, 1);
		t->len = 1;
		return;
	}
	idl_fatal(lx->ctx, t->loc, "stray %s in program", show_char(c, b));
}

char *lex_raw_until(struct lexer *lx, char close, struct loc *where)
{
	size_t s, e;
	int depth = 0;

	while (peekc(lx, 0) == ' ' || peekc(lx, 0) == '\t')
		lx->pos++;
	*where = here(lx);
	s = lx->pos;
	for (;;) {
		int c = peekc(lx, 0);

		if (c < 0 || c == '\n')
			idl_fatal(lx->ctx, *where, "expected '%c' before end of line", close);
		if (c == '(')
			depth++;
		else if (c == close && depth == 0)
			break;
		else if (c == ')')
			depth--;
		lx->pos++;
	}
	e = lx->pos;
	while (e > s && (lx->buf[e - 1] == ' ' || lx->buf[e - 1] == '\t'))
		e--;
	return arena_strndup(&lx->ctx->arena, lx->buf + s, e - s);
}
