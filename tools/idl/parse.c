// SPDX-License-Identifier: MIT
/*
 * Recursive-descent parser for MIDL/DCE IDL and ACF files.
 *
 * The grammar is C declarations plus bracketed attribute lists.  One token
 * of lookahead; uuid() and version() arguments are taken as raw text from
 * the lexer because a uuid is not a sequence of C tokens.  Every nesting
 * (parentheses, declarators, nested struct bodies) is bounded by
 * MAX_DEPTH so hostile input cannot exhaust the stack.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "idl.h"

#define MAX_DEPTH 64
#define MAX_IMPORT_DEPTH 16

struct parser {
	struct idl_ctx *ctx;
	struct lexer lx;
	struct token tok;
	struct idl_file *file;
	struct interface *iface;	/* current interface, or NULL */
	int depth;
	bool is_import;
};

static void next(struct parser *p)
{
	lex_next(&p->lx, &p->tok);
}

static const char *tok_desc(struct parser *p, const struct token *t)
{
	switch (t->kind) {
	case T_EOF:
		return "end of file";
	case T_IDENT:
		return arena_printf(&p->ctx->arena, "'%s'", t->text);
	case T_INT:
	case T_FLOAT:
		return arena_printf(&p->ctx->arena, "number '%s'", t->text);
	case T_STRING:
		return "string literal";
	case T_CHAR:
		return "character constant";
	case T_PUNCT:
		return arena_printf(&p->ctx->arena, "'%s'", t->text);
	}
	return "?";
}

static _Noreturn void expected(struct parser *p, const char *what)
{
	idl_fatal(p->ctx, p->tok.loc, "expected %s, got %s", what,
		  tok_desc(p, &p->tok));
}

static bool is_punct(struct parser *p, const char *s)
{
	return p->tok.kind == T_PUNCT && !strcmp(p->tok.text, s);
}

static bool is_kw(struct parser *p, const char *s)
{
	return p->tok.kind == T_IDENT && !strcmp(p->tok.text, s);
}

static bool accept(struct parser *p, const char *s)
{
	if (is_punct(p, s)) {
		next(p);
		return true;
	}
	return false;
}

static bool accept_kw(struct parser *p, const char *s)
{
	if (is_kw(p, s)) {
		next(p);
		return true;
	}
	return false;
}

static void expect(struct parser *p, const char *s)
{
	if (!accept(p, s))
		expected(p, arena_printf(&p->ctx->arena, "'%s'", s));
}

static void enter(struct parser *p)
{
	if (++p->depth > MAX_DEPTH)
		idl_fatal(p->ctx, p->tok.loc, "nesting too deep (more than %d levels)",
			  MAX_DEPTH);
}

static void leave(struct parser *p)
{
	p->depth--;
}

/* Words that can never name a declarator or a type defined by the user. */
static const char *const reserved[] = {
	"typedef", "struct", "union", "enum", "const", "interface", "import",
	"cpp_quote", "switch", "case", "default", "unsigned", "signed",
	"void", "boolean", "byte", "char", "wchar_t", "small", "short", "long",
	"int", "hyper", "float", "double", "handle_t", "error_status_t",
	"__int64", "__int3264", "pipe", "sizeof",
};

/*
 * Calling conventions and pointer qualifiers of Windows headers: MIDL
 * accepts them in declarators; they say nothing about the wire, and the
 * generated C (for Linux) has no use for them.
 */
static const char *const decl_noise[] = {
	"__stdcall", "_stdcall", "__cdecl", "_cdecl", "__fastcall", "_fastcall",
	"__pascal", "_pascal", "__RPC_FAR", "__RPC_USER", "__RPC_STUB", "__RPC_API",
	"__ptr64", "__ptr32", "__unaligned", "__far", "__near",
};

static bool is_decl_noise(const char *s)
{
	for (size_t i = 0; i < sizeof(decl_noise) / sizeof(decl_noise[0]); i++)
		if (!strcmp(decl_noise[i], s))
			return true;
	return false;
}

static bool is_reserved(const char *s)
{
	if (is_decl_noise(s))
		return true;
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (!strcmp(reserved[i], s))
			return true;
	return false;
}

static const char *ident(struct parser *p, const char *what)
{
	const char *s;

	if (p->tok.kind != T_IDENT || is_reserved(p->tok.text))
		expected(p, what);
	s = p->tok.text;
	next(p);
	return s;
}

static void *alloc(struct parser *p, size_t n)
{
	return arena_alloc(&p->ctx->arena, n);
}

/* Grow an arena array by one element (old storage is simply abandoned). */
static void *push(struct parser *p, void *arr, int *n, size_t elsz)
{
	char *na = alloc(p, elsz * (size_t)(*n + 1));

	if (*n)
		memcpy(na, arr, elsz * (size_t)*n);
	(*n)++;
	return na;
}

/* ---- expressions ---- */

static struct expr *new_expr(struct parser *p, enum expr_kind k, struct loc l)
{
	struct expr *e = alloc(p, sizeof(*e));

	e->kind = k;
	e->loc = l;
	return e;
}

static struct expr *parse_expr(struct parser *p);
static struct type *parse_type_spec(struct parser *p);
static struct type *parse_declarator(struct parser *p, struct type *base,
				     const char **name, struct loc *nloc,
				     bool name_optional);

static struct expr *parse_primary(struct parser *p)
{
	struct expr *e;
	struct loc l = p->tok.loc;

	switch (p->tok.kind) {
	case T_INT:
		e = new_expr(p, E_INT, l);
		e->ival = p->tok.ival;
		next(p);
		return e;
	case T_CHAR:
		e = new_expr(p, E_CHAR, l);
		e->ival = p->tok.ival;
		e->wide = p->tok.wide;
		next(p);
		return e;
	case T_STRING:
		e = new_expr(p, E_STRING, l);
		e->str = p->tok.text;
		e->wide = p->tok.wide;
		next(p);
		return e;
	case T_IDENT:
		if (is_kw(p, "sizeof")) {
			const char *nm;
			struct loc nl;
			struct type *base;

			e = new_expr(p, E_SIZEOF, l);
			next(p);
			expect(p, "(");
			base = parse_type_spec(p);
			e->ty = parse_declarator(p, base, &nm, &nl, true);
			expect(p, ")");
			return e;
		}
		if (is_reserved(p->tok.text) && !is_kw(p, "TRUE"))
			expected(p, "an expression");
		e = new_expr(p, E_IDENT, l);
		e->str = p->tok.text;
		next(p);
		return e;
	default:
		break;
	}
	if (accept(p, "(")) {
		enter(p);
		e = parse_expr(p);
		leave(p);
		expect(p, ")");
		return e;
	}
	expected(p, "an expression");
}

static struct expr *parse_unary(struct parser *p)
{
	static const char ops[] = "-+~!*";
	struct loc l = p->tok.loc;

	if (p->tok.kind == T_PUNCT && p->tok.len == 1 && strchr(ops, p->tok.text[0])) {
		struct expr *e = new_expr(p, E_UNARY, l);

		e->op = p->tok.text[0];
		next(p);
		enter(p);
		e->a = parse_unary(p);
		leave(p);
		return e;
	}
	return parse_primary(p);
}

static int binop_prec(struct parser *p, int *op)
{
	static const struct { const char *s; int op, prec; } tab[] = {
		{ "||", OP_OROR, 1 }, { "&&", OP_ANDAND, 2 }, { "|", '|', 3 },
		{ "^", '^', 4 }, { "&", '&', 5 }, { "==", OP_EQ, 6 },
		{ "!=", OP_NE, 6 }, { "<", '<', 7 }, { ">", '>', 7 },
		{ "<=", OP_LE, 7 }, { ">=", OP_GE, 7 }, { "<<", OP_SHL, 8 },
		{ ">>", OP_SHR, 8 }, { "+", '+', 9 }, { "-", '-', 9 },
		{ "*", '*', 10 }, { "/", '/', 10 }, { "%", '%', 10 },
	};

	if (p->tok.kind != T_PUNCT)
		return -1;
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (!strcmp(p->tok.text, tab[i].s)) {
			*op = tab[i].op;
			return tab[i].prec;
		}
	}
	return -1;
}

static struct expr *parse_binary(struct parser *p, int min_prec)
{
	struct expr *lhs = parse_unary(p);
	int op, prec;

	while ((prec = binop_prec(p, &op)) >= min_prec) {
		struct expr *e = new_expr(p, E_BINARY, p->tok.loc);

		next(p);
		e->op = op;
		e->a = lhs;
		enter(p);
		e->b = parse_binary(p, prec + 1);
		leave(p);
		lhs = e;
	}
	return lhs;
}

static struct expr *parse_expr(struct parser *p)
{
	struct expr *c = parse_binary(p, 1);

	if (is_punct(p, "?")) {
		struct expr *e = new_expr(p, E_COND, p->tok.loc);

		next(p);
		e->a = c;
		enter(p);
		e->b = parse_expr(p);
		expect(p, ":");
		e->c = parse_expr(p);
		leave(p);
		return e;
	}
	return c;
}

/* ---- attributes ---- */

static struct type *parse_type_spec(struct parser *p);

static bool raw_attr(const char *name)
{
	return !strcmp(name, "uuid") || !strcmp(name, "version");
}

/* Attributes whose argument slots may be empty, as in size_is(, n). */
static bool gap_attr(const char *name)
{
	return !strcmp(name, "size_is") || !strcmp(name, "length_is") ||
	       !strcmp(name, "first_is") || !strcmp(name, "last_is") ||
	       !strcmp(name, "max_is") || !strcmp(name, "min_is");
}

static struct attr *parse_attr(struct parser *p)
{
	struct attr *a = alloc(p, sizeof(*a));

	a->loc = p->tok.loc;
	if (p->tok.kind != T_IDENT)
		expected(p, "an attribute name");
	a->name = p->tok.text;
	next(p);
	if (!is_punct(p, "("))
		return a;
	if (raw_attr(a->name)) {
		struct loc l;

		/* the lexer sits right after '(' */
		a->raw = lex_raw_until(&p->lx, ')', &l);
		a->loc = l;	/* errors point at the text */
		if (a->raw[0] == '"') {
			size_t n = strlen(a->raw);

			if (n < 2 || a->raw[n - 1] != '"')
				idl_fatal(p->ctx, l, "expected '\"' at the end of %s", a->name);
			a->raw = arena_strndup(&p->ctx->arena, a->raw + 1, n - 2);
		}
		next(p);
		expect(p, ")");
		return a;
	}
	next(p);
	if (!strcmp(a->name, "implicit_handle")) {
		a->type_arg = parse_type_spec(p);
		a->raw = ident(p, "a handle variable name");
		expect(p, ")");
		return a;
	}
	if (!strcmp(a->name, "switch_type") || !strcmp(a->name, "transmit_as") ||
	    !strcmp(a->name, "wire_marshal") || !strcmp(a->name, "user_marshal") ||
	    !strcmp(a->name, "represent_as")) {
		a->type_arg = parse_type_spec(p);
		while (accept(p, "*"))
			;	/* pointer switch types are rejected in sema */
		expect(p, ")");
		return a;
	}
	if (is_punct(p, ")"))
		expected(p, "an attribute argument");
	for (;;) {
		struct expr *e;

		if (gap_attr(a->name) && (is_punct(p, ",") || is_punct(p, ")")))
			e = new_expr(p, E_EMPTY, p->tok.loc);
		else
			e = parse_expr(p);
		a->args = push(p, a->args, &a->nargs, sizeof(*a->args));
		a->args[a->nargs - 1] = e;
		if (accept(p, ")"))
			break;
		if (!accept(p, ","))
			expected(p, "',' or ')'");
	}
	return a;
}

/* One or more consecutive [ ... ] lists, concatenated. */
static struct attr *parse_attrs(struct parser *p)
{
	struct attr *head = NULL, **tail = &head;

	while (accept(p, "[")) {
		if (is_punct(p, "]"))
			expected(p, "an attribute name");
		for (;;) {
			*tail = parse_attr(p);
			tail = &(*tail)->next;
			if (accept(p, "]"))
				break;
			if (!accept(p, ","))
				expected(p, "',' or ']'");
		}
	}
	return head;
}

/* ---- types ---- */

static struct type *new_type(struct parser *p, enum type_kind k, struct loc l)
{
	struct type *t = alloc(p, sizeof(*t));

	t->kind = k;
	t->loc = l;
	return t;
}

static struct type *parse_declarator(struct parser *p, struct type *base,
				     const char **name, struct loc *nloc,
				     bool name_optional);

static void add_field(struct parser *p, struct type *t, struct field *f)
{
	t->fields = push(p, t->fields, &t->nfields, sizeof(*t->fields));
	t->fields[t->nfields - 1] = *f;
}

/* `[attrs] type decl, decl;' into t->fields; each field shares attrs. */
static void parse_member_decls(struct parser *p, struct type *t,
			       struct attr *attrs, struct field *arm)
{
	struct type *base = parse_type_spec(p);

	if (!arm && is_punct(p, ";") && (base->kind == TY_UNION || base->kind == TY_STRUCT) &&
	    base->defined) {
		/* an unnamed member: its members are the struct's, as in C11 */
		struct field f = { 0 };

		f.attrs = attrs;
		f.type = base;
		f.loc = base->loc;
		f.anonymous = true;
		add_field(p, t, &f);
		next(p);
		return;
	}
	for (;;) {
		struct field f = arm ? *arm : (struct field){ 0 };

		f.attrs = attrs;
		f.type = parse_declarator(p, base, &f.name, &f.loc, false);
		add_field(p, t, &f);
		if (accept(p, ";"))
			return;
		if (!accept(p, ","))
			expected(p, "',' or ';'");
		if (arm)
			expected(p, "';' (a union arm declares one member)");
	}
}

static void parse_struct_body(struct parser *p, struct type *t)
{
	enter(p);
	while (!accept(p, "}")) {
		struct attr *attrs = parse_attrs(p);

		if (p->tok.kind == T_EOF)
			expected(p, "'}'");
		parse_member_decls(p, t, attrs, NULL);
	}
	leave(p);
	t->defined = true;
}

static struct attr *strip_case_attrs(struct parser *p, struct attr *attrs,
				     struct field *arm)
{
	struct attr *rest = NULL, **tail = &rest;

	for (struct attr *a = attrs, *n; a; a = n) {
		n = a->next;
		a->next = NULL;
		if (!strcmp(a->name, "case")) {
			for (int i = 0; i < a->nargs; i++) {
				arm->cases = push(p, arm->cases, &arm->ncases,
						  sizeof(*arm->cases));
				arm->cases[arm->ncases - 1] = a->args[i];
			}
			if (!a->nargs)
				idl_fatal(p->ctx, a->loc, "expected '(' after 'case'");
		} else if (!strcmp(a->name, "default")) {
			if (arm->is_default)
				idl_fatal(p->ctx, a->loc, "duplicate [default]");
			arm->is_default = true;
		} else {
			*tail = a;
			tail = &a->next;
		}
	}
	return rest;
}

/* Union arms: MIDL `[case(1)] long a;' or DCE `case 1: long a;'. */
static void parse_union_body(struct parser *p, struct type *t)
{
	enter(p);
	while (!accept(p, "}")) {
		struct field arm = { 0 };
		struct attr *attrs;

		arm.loc = p->tok.loc;
		for (;;) {
			if (accept_kw(p, "case")) {
				arm.cases = push(p, arm.cases, &arm.ncases,
						 sizeof(*arm.cases));
				arm.cases[arm.ncases - 1] = parse_expr(p);
				expect(p, ":");
			} else if (accept_kw(p, "default")) {
				expect(p, ":");
				if (arm.is_default)
					idl_fatal(p->ctx, arm.loc, "duplicate default");
				arm.is_default = true;
			} else {
				break;
			}
		}
		attrs = parse_attrs(p);
		attrs = strip_case_attrs(p, attrs, &arm);
		if (!arm.ncases && !arm.is_default)
			idl_fatal(p->ctx, arm.loc,
				  "expected [case(...)] or [default] before union arm, got %s",
				  tok_desc(p, &p->tok));
		if (accept(p, ";")) {	/* empty arm */
			if (attrs)
				idl_fatal(p->ctx, attrs->loc,
					  "attribute '%s' on an empty union arm", attrs->name);
			arm.type = NULL;
			add_field(p, t, &arm);
			continue;
		}
		if (p->tok.kind == T_EOF)
			expected(p, "'}'");
		parse_member_decls(p, t, attrs, &arm);
	}
	leave(p);
	t->defined = true;
}

static void parse_enum_body(struct parser *p, struct type *t)
{
	while (!accept(p, "}")) {
		struct enum_member m = { 0 };

		m.loc = p->tok.loc;
		m.name = ident(p, "an enumerator name");
		if (accept(p, "="))
			m.value = parse_expr(p);
		t->members = push(p, t->members, &t->nmembers, sizeof(*t->members));
		t->members[t->nmembers - 1] = m;
		if (accept(p, "}"))
			break;
		if (!accept(p, ","))
			expected(p, "',' or '}'");
	}
	t->defined = true;
}

/* Integer words in any order: unsigned long int, short unsigned, ... */
static struct type *parse_int_type(struct parser *p, struct loc l)
{
	int nsigned = 0, nunsigned = 0, nshort = 0, nlong = 0, nint = 0;
	int nsmall = 0, nhyper = 0, nchar = 0, n64 = 0, n3264 = 0;
	struct type *t;

	for (;;) {
		if (accept_kw(p, "unsigned"))
			nunsigned++;
		else if (accept_kw(p, "signed"))
			nsigned++;
		else if (accept_kw(p, "short"))
			nshort++;
		else if (accept_kw(p, "long"))
			nlong++;
		else if (accept_kw(p, "int"))
			nint++;
		else if (accept_kw(p, "small"))
			nsmall++;
		else if (accept_kw(p, "hyper"))
			nhyper++;
		else if (accept_kw(p, "char"))
			nchar++;
		else if (accept_kw(p, "__int64"))
			n64++;
		else if (accept_kw(p, "__int3264"))
			n3264++;
		else if (accept_kw(p, "const"))
			;
		else
			break;
	}
	t = new_type(p, TY_LONG, l);
	t->is_unsigned = nunsigned > 0;
	t->is_signed = nsigned > 0;
	if (nunsigned + nsigned > 1 || nshort + nlong + nsmall + nhyper + nchar + n64 + n3264 > 1 ||
	    nint > 1 || (nint && (nsmall || nhyper || nchar || n3264)))
		idl_fatal(p->ctx, l, "invalid combination of integer type words");
	if (nshort)
		t->kind = TY_SHORT;
	else if (nsmall)
		t->kind = TY_SMALL;
	else if (nhyper || n64)
		t->kind = TY_HYPER;
	else if (nchar)
		t->kind = TY_CHAR;
	else if (n3264)
		t->kind = TY_INT3264;
	return t;
}

static struct type *parse_type_spec(struct parser *p)
{
	struct loc l = p->tok.loc;
	struct type *t;
	bool is_const = false;

	while (accept_kw(p, "const"))
		is_const = true;
	l = p->tok.loc;
	if (p->tok.kind != T_IDENT)
		expected(p, "a type");
	if (is_kw(p, "struct") || is_kw(p, "union")) {
		bool is_union = is_kw(p, "union");

		next(p);
		t = new_type(p, is_union ? TY_UNION : TY_STRUCT, l);
		if (p->tok.kind == T_IDENT && !is_kw(p, "switch"))
			t->name = ident(p, "a tag name");
		if (is_union && accept_kw(p, "switch")) {
			struct field *d = alloc(p, sizeof(*d));

			t->encapsulated = true;
			expect(p, "(");
			d->type = parse_type_spec(p);
			d->loc = p->tok.loc;
			d->name = ident(p, "a discriminant name");
			expect(p, ")");
			t->discrim = d;
			if (p->tok.kind == T_IDENT)
				t->arm_name = ident(p, "a union name");
			if (!is_punct(p, "{"))
				expected(p, "'{'");
		}
		if (accept(p, "{")) {
			if (is_union)
				parse_union_body(p, t);
			else
				parse_struct_body(p, t);
		} else if (!t->name) {
			expected(p, "a tag name or '{'");
		}
	} else if (accept_kw(p, "enum")) {
		t = new_type(p, TY_ENUM, l);
		if (p->tok.kind == T_IDENT)
			t->name = ident(p, "a tag name");
		if (accept(p, "{"))
			parse_enum_body(p, t);
		else if (!t->name)
			expected(p, "a tag name or '{'");
	} else if (is_kw(p, "unsigned") || is_kw(p, "signed") || is_kw(p, "short") ||
		   is_kw(p, "long") || is_kw(p, "int") || is_kw(p, "small") ||
		   is_kw(p, "hyper") || is_kw(p, "char") || is_kw(p, "__int64") ||
		   is_kw(p, "__int3264")) {
		t = parse_int_type(p, l);
	} else if (is_kw(p, "pipe")) {
		idl_fatal(p->ctx, l, "unsupported: pipe types (streamed parameters)");
	} else {
		static const struct { const char *w; enum type_kind k; } simple[] = {
			{ "void", TY_VOID }, { "boolean", TY_BOOLEAN },
			{ "byte", TY_BYTE }, { "wchar_t", TY_WCHAR },
			{ "float", TY_FLOAT }, { "double", TY_DOUBLE },
			{ "handle_t", TY_HANDLE }, { "error_status_t", TY_ERROR_STATUS },
		};
		size_t i;

		for (i = 0; i < sizeof(simple) / sizeof(simple[0]); i++)
			if (is_kw(p, simple[i].w))
				break;
		if (i < sizeof(simple) / sizeof(simple[0])) {
			t = new_type(p, simple[i].k, l);
			next(p);
		} else {
			if (is_reserved(p->tok.text))
				expected(p, "a type");
			t = new_type(p, TY_NAMED, l);
			t->name = p->tok.text;
			next(p);
		}
	}
	while (accept_kw(p, "const"))
		is_const = true;
	t->is_const = is_const;
	return t;
}

/* Array suffixes: [] [*] [N], applied right to left. */
static struct type *parse_array_suffix(struct parser *p, struct type *t)
{
	struct loc l = p->tok.loc;
	struct type *a;

	if (!accept(p, "["))
		return t;
	a = new_type(p, TY_ARRAY, l);
	if (accept(p, "]")) {
		/* conformant */
	} else if (is_punct(p, "*")) {
		next(p);
		expect(p, "]");
	} else {
		a->size = parse_expr(p);
		expect(p, "]");
	}
	enter(p);
	a->ref = parse_array_suffix(p, t);
	leave(p);
	return a;
}

static struct type *parse_declarator(struct parser *p, struct type *base,
				     const char **name, struct loc *nloc,
				     bool name_optional)
{
	struct type *t = base;

	enter(p);
	while (p->tok.kind == T_IDENT && is_decl_noise(p->tok.text))
		next(p);
	while (is_punct(p, "*")) {
		struct type *pt = new_type(p, TY_POINTER, p->tok.loc);

		next(p);
		pt->ref = t;
		t = pt;
		for (;;) {
			if (accept_kw(p, "const"))
				pt->is_const = true;
			else if (p->tok.kind == T_IDENT && is_decl_noise(p->tok.text))
				next(p);
			else
				break;
		}
	}
	if (is_punct(p, "(")) {
		/* (*name)[N]: the inner declarator applies to what follows */
		struct type hole = { .kind = TY_VOID };
		struct type *inner, *outer, **slot;

		next(p);
		inner = parse_declarator(p, &hole, name, nloc, name_optional);
		expect(p, ")");
		if (is_punct(p, "("))
			idl_fatal(p->ctx, p->tok.loc, "function pointers are not supported");
		outer = parse_array_suffix(p, t);
		/* replace the hole by outer */
		if (inner == &hole) {
			leave(p);
			return outer;
		}
		for (slot = &inner; *slot && *slot != &hole; slot = &(*slot)->ref)
			;
		if (*slot == &hole)
			*slot = outer;
		leave(p);
		return inner;
	}
	*nloc = p->tok.loc;
	if (p->tok.kind == T_IDENT && !is_reserved(p->tok.text))
		*name = ident(p, "a name");
	else if (name_optional)
		*name = NULL;
	else
		expected(p, "a name");
	t = parse_array_suffix(p, t);
	leave(p);
	return t;
}

/* ---- declarations ---- */

static struct item *add_item(struct parser *p, enum item_kind k, struct loc l)
{
	struct item *it = alloc(p, sizeof(*it));

	it->kind = k;
	it->loc = l;
	it->from_import = p->is_import;
	if (p->iface) {
		*p->iface->tail = it;
		p->iface->tail = &it->next;
	} else {
		*p->file->tail = it;
		p->file->tail = &it->next;
	}
	return it;
}

static void parse_typedef(struct parser *p)
{
	struct attr *attrs = parse_attrs(p);
	struct type *base = parse_type_spec(p);

	for (;;) {
		struct typedef_decl *td = alloc(p, sizeof(*td));
		struct item *it;

		td->attrs = attrs;
		td->type = parse_declarator(p, base, &td->name, &td->loc, false);
		td->from_import = p->is_import;
		it = add_item(p, IT_TYPEDEF, td->loc);
		it->td = td;
		if (accept(p, ";"))
			return;
		if (!accept(p, ","))
			expected(p, "',' or ';'");
	}
}

static void parse_const(struct parser *p, struct loc l)
{
	struct const_decl *cd = alloc(p, sizeof(*cd));
	struct item *it;
	struct type *base = parse_type_spec(p);

	cd->type = parse_declarator(p, base, &cd->name, &cd->loc, false);
	expect(p, "=");
	cd->value = parse_expr(p);
	expect(p, ";");
	cd->from_import = p->is_import;
	it = add_item(p, IT_CONST, l);
	it->cd = cd;
}

static void parse_cpp_quote(struct parser *p, struct loc l)
{
	struct item *it;

	expect(p, "(");
	if (p->tok.kind != T_STRING)
		expected(p, "a string literal");
	it = add_item(p, IT_CPP_QUOTE, l);
	it->text = p->tok.text;
	next(p);
	expect(p, ")");
	accept(p, ";");
}

static void parse_import(struct parser *p)
{
	for (;;) {
		struct item *it;

		if (p->tok.kind != T_STRING)
			expected(p, "a file name string");
		it = add_item(p, IT_IMPORT, p->tok.loc);
		it->text = p->tok.text;
		next(p);
		if (accept(p, ";"))
			break;
		if (!accept(p, ","))
			expected(p, "',' or ';'");
	}
}

static void parse_params(struct parser *p, struct operation *op)
{
	expect(p, "(");
	if (is_kw(p, "void")) {
		/* (void) or (void *h) */
		struct lexer save = p->lx;
		struct token st = p->tok;

		next(p);
		if (accept(p, ")"))
			return;
		p->lx = save;
		p->tok = st;
	}
	if (accept(p, ")"))
		return;
	for (;;) {
		struct param pa = { 0 };
		struct type *base;

		pa.attrs = parse_attrs(p);
		base = parse_type_spec(p);
		pa.type = parse_declarator(p, base, &pa.name, &pa.loc, false);
		op->params = push(p, op->params, &op->nparams, sizeof(*op->params));
		op->params[op->nparams - 1] = pa;
		if (accept(p, ")"))
			break;
		if (!accept(p, ","))
			expected(p, "',' or ')'");
	}
}

/* A declaration that starts with a type: a struct/union/enum definition
 * (with nothing after it) or an operation. */
static void parse_decl_or_op(struct parser *p, struct attr *attrs)
{
	struct loc l = p->tok.loc;
	struct type *t = parse_type_spec(p);
	struct operation *op;
	struct item *it;

	if (accept(p, ";")) {
		if (attrs)
			idl_fatal(p->ctx, attrs->loc, "attributes before a type declaration"
				  " belong after 'typedef'");
		if ((t->kind != TY_STRUCT && t->kind != TY_UNION && t->kind != TY_ENUM) ||
		    !t->defined)
			idl_fatal(p->ctx, l, "declaration does not declare anything");
		it = add_item(p, IT_TAGDECL, l);
		it->tag = t;
		return;
	}
	op = alloc(p, sizeof(*op));
	op->attrs = attrs;
	op->ret = parse_declarator(p, t, &op->name, &op->loc, false);
	if (!is_punct(p, "("))
		expected(p, p->iface ? "'(' (only operations, typedefs and constants may appear"
				       " in an interface)" : "'('");
	if (!p->iface)
		idl_fatal(p->ctx, op->loc, "operation '%s' outside an interface", op->name);
	parse_params(p, op);
	expect(p, ";");
	it = add_item(p, IT_OP, op->loc);
	it->op = op;
}

static struct idl_file *do_import(struct parser *p, const char *name, struct loc l);

static void parse_body_item(struct parser *p)
{
	struct loc l = p->tok.loc;
	struct attr *attrs;

	if (accept(p, ";"))
		return;
	if (accept_kw(p, "typedef")) {
		parse_typedef(p);
		return;
	}
	if (accept_kw(p, "const")) {
		parse_const(p, l);
		return;
	}
	if (accept_kw(p, "cpp_quote")) {
		parse_cpp_quote(p, l);
		return;
	}
	if (accept_kw(p, "import")) {
		struct item **before = p->iface ? p->iface->tail : p->file->tail;

		parse_import(p);
		for (struct item *it = *before; it; it = it->next)
			do_import(p, it->text, it->loc);
		return;
	}
	if (accept_kw(p, "midl_pragma")) {
		/* midl_pragma warning(disable: N): MIDL's own diagnostics;
		 * the ';' is optional */
		int depth = 0;

		ident(p, "a midl_pragma name");
		expect(p, "(");
		while (depth > 0 || !accept(p, ")")) {
			if (p->tok.kind == T_EOF)
				expected(p, "')'");
			if (is_punct(p, "("))
				depth++;
			else if (is_punct(p, ")"))
				depth--;
			next(p);
		}
		accept(p, ";");
		return;
	}
	attrs = parse_attrs(p);
	if (is_kw(p, "typedef"))
		idl_fatal(p->ctx, l, "attributes before 'typedef' belong after it");
	parse_decl_or_op(p, attrs);
}

static void iface_attr_notes(struct parser *p, struct interface *in)
{
	for (struct attr *a = in->attrs; a; a = a->next) {
		if (!strcmp(a->name, "local") || !strcmp(a->name, "object")) {
			in->local = true;
			if (!p->is_import)
				idl_note(p->ctx, a->loc,
					 "attribute '%s' ignored: interface '%s' gets stubs like any other",
					 a->name, in->name);
		}
	}
}

static void parse_interface(struct parser *p, struct attr *attrs, struct loc l)
{
	struct interface *in = alloc(p, sizeof(*in));

	in->attrs = attrs;
	in->loc = l;
	in->name = ident(p, "an interface name");
	in->tail = &in->items;
	in->from_import = p->is_import;
	if (accept(p, ";")) {
		in->forward = true;
		return;
	}
	if (accept(p, ":")) {
		in->base_loc = p->tok.loc;
		in->base = ident(p, "a base interface name");
	}
	expect(p, "{");
	p->file->ifaces = push(p, p->file->ifaces, &p->file->nifaces,
			       sizeof(*p->file->ifaces));
	p->file->ifaces[p->file->nifaces - 1] = in;
	iface_attr_notes(p, in);
	p->iface = in;
	while (!accept(p, "}")) {
		if (p->tok.kind == T_EOF)
			expected(p, "'}'");
		parse_body_item(p);
	}
	p->iface = NULL;
	accept(p, ";");
}

static void parse_top(struct parser *p)
{
	while (p->tok.kind != T_EOF) {
		struct loc l = p->tok.loc;
		struct attr *attrs;

		if (is_kw(p, "typedef") || is_kw(p, "const") || is_kw(p, "cpp_quote") ||
		    is_kw(p, "import") || is_kw(p, "midl_pragma") || is_punct(p, ";")) {
			parse_body_item(p);
			continue;
		}
		attrs = parse_attrs(p);
		if (accept_kw(p, "interface")) {
			parse_interface(p, attrs, l);
			continue;
		}
		if (is_kw(p, "library") || is_kw(p, "coclass") || is_kw(p, "dispinterface") ||
		    is_kw(p, "module"))
			idl_fatal(p->ctx, p->tok.loc, "'%s' (type libraries and COM) is not supported",
				  p->tok.text);
		if (attrs) {
			if (p->tok.kind == T_EOF || !is_kw(p, "typedef"))
				expected(p, "'interface'");
		}
		parse_decl_or_op(p, attrs);
	}
}

static struct idl_file *new_file(struct parser *p, const char *path)
{
	struct idl_file *f = alloc(p, sizeof(*f));

	f->path = path;
	f->tail = &f->items;
	f->is_import = p->is_import;
	return f;
}

struct idl_file *idl_parse_buffer(struct idl_ctx *ctx, const char *path,
				  const char *buf, size_t len, bool is_import)
{
	struct parser *p = arena_alloc(&ctx->arena, sizeof(*p));
	jmp_buf saved;
	struct idl_file *f;

	memcpy(saved, ctx->fail, sizeof(saved));
	p->ctx = ctx;
	p->is_import = is_import;
	p->file = new_file(p, path);
	lex_init(&p->lx, ctx, path, buf, len);
	if (setjmp(ctx->fail)) {
		memcpy(ctx->fail, saved, sizeof(saved));
		return NULL;
	}
	next(p);
	parse_top(p);
	memcpy(ctx->fail, saved, sizeof(saved));
	f = p->file;
	if (!ctx->root && !is_import)
		ctx->root = f;
	ctx->all = (void *)push(p, ctx->all, &ctx->nall, sizeof(*ctx->all));
	ctx->all[ctx->nall - 1] = f;
	return f;
}

/* ---- files, cpp and imports ---- */

static bool has_directive(const char *buf, size_t len)
{
	bool bol = true;

	for (size_t i = 0; i < len; i++) {
		char c = buf[i];

		if (c == '\n')
			bol = true;
		else if (c == '#' && bol)
			return true;
		else if (c != ' ' && c != '\t')
			bol = false;
	}
	return false;
}

static char *slurp_fd(struct idl_ctx *ctx, int fd, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap), *out;
	ssize_t r;

	if (!buf)
		return NULL;
	for (;;) {
		if (n + 1 >= cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	out = arena_strndup(&ctx->arena, buf, n);
	free(buf);
	*len = n;
	return r < 0 ? NULL : out;
}

static char *run_cpp(struct idl_ctx *ctx, const char *path, size_t *len)
{
	const char *argv[64 + 2 * 32];
	int argc = 0, pfd[2], status;
	pid_t pid;
	char *out;

	argv[argc++] = ctx->cpp;
	argv[argc++] = "-C";
	argv[argc++] = "-xc";
	argv[argc++] = "-undef";
	argv[argc++] = "-nostdinc";
	argv[argc++] = "-D__midl=501";
	argv[argc++] = "-D__LRPC_IDL__=1";
	argv[argc++] = "-DMIDL_PASS";	/* what MIDL defines for its cpp pass */
	for (int i = 0; i < ctx->nincdirs && argc < 40; i++) {
		argv[argc++] = "-I";
		argv[argc++] = ctx->incdirs[i];
	}
	for (int i = 0; i < ctx->ndefines && argc < 60; i++)
		argv[argc++] = arena_printf(&ctx->arena, "-D%s", ctx->defines[i]);
	argv[argc++] = path;
	argv[argc] = NULL;
	if (pipe(pfd) < 0)
		return NULL;
	pid = fork();
	if (pid < 0)
		return NULL;
	if (pid == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "lrpc-idl: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	out = slurp_fd(ctx, pfd[0], len);
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(ctx->err ? ctx->err : stderr,
			"lrpc-idl: preprocessing %s with %s failed\n", path, ctx->cpp);
		ctx->errors++;
		return NULL;
	}
	return out;
}

char *idl_read_source(struct idl_ctx *ctx, const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	char *buf;

	if (fd < 0) {
		fprintf(ctx->err ? ctx->err : stderr, "lrpc-idl: %s: %s\n", path,
			strerror(errno));
		ctx->errors++;
		return NULL;
	}
	buf = slurp_fd(ctx, fd, len);
	close(fd);
	if (!buf) {
		fprintf(ctx->err ? ctx->err : stderr, "lrpc-idl: %s: read error\n", path);
		ctx->errors++;
		return NULL;
	}
	/* cpp only when there is something for it to do: its output
	 * squeezes blanks, which would shift every column after them */
	if (ctx->cpp && (ctx->force_cpp || has_directive(buf, *len)))
		return run_cpp(ctx, path, len);
	return buf;
}

struct idl_file *idl_parse_file(struct idl_ctx *ctx, const char *path,
				bool is_import)
{
	size_t len;
	char *buf = idl_read_source(ctx, path, &len);

	if (!buf)
		return NULL;
	return idl_parse_buffer(ctx, path, buf, len, is_import);
}

static const char *find_import(struct parser *p, const char *name)
{
	struct stat st;
	const char *dir = p->file->path, *slash = strrchr(dir, '/');
	const char *cand;

	if (name[0] == '/')
		return stat(name, &st) == 0 ? name : NULL;
	cand = slash ? arena_printf(&p->ctx->arena, "%.*s/%s", (int)(slash - dir), dir, name)
		     : name;
	if (stat(cand, &st) == 0)
		return cand;
	for (int i = 0; i < p->ctx->nincdirs; i++) {
		cand = arena_printf(&p->ctx->arena, "%s/%s", p->ctx->incdirs[i], name);
		if (stat(cand, &st) == 0)
			return cand;
	}
	return NULL;
}

static struct idl_file *do_import(struct parser *p, const char *name, struct loc l)
{
	struct idl_ctx *ctx = p->ctx;
	const char *path;
	struct idl_file *f;

	if (ctx->no_imports)
		return NULL;
	for (int i = 0; i < ctx->nall; i++) {
		const char *b = strrchr(ctx->all[i]->path, '/');

		b = b ? b + 1 : ctx->all[i]->path;
		if (!strcmp(b, name) || !strcmp(ctx->all[i]->path, name))
			return ctx->all[i];	/* imported once, like MIDL */
	}
	if (ctx->import_depth >= MAX_IMPORT_DEPTH)
		idl_fatal(ctx, l, "imports nested too deeply");
	path = find_import(p, name);
	if (!path)
		idl_fatal(ctx, l, "cannot find imported file '%s'", name);
	ctx->import_depth++;
	f = idl_parse_file(ctx, path, true);
	ctx->import_depth--;
	if (!f)
		longjmp(ctx->fail, 1);
	return f;
}

static struct typedef_decl *acf_typedef_find(struct idl_file *f, const char *name)
{
	for (struct item *it = f->items; it; it = it->next)
		if (it->kind == IT_TYPEDEF && !strcmp(it->td->name, name))
			return it->td;
	for (int i = 0; i < f->nifaces; i++)
		for (struct item *it = f->ifaces[i]->items; it; it = it->next)
			if (it->kind == IT_TYPEDEF && !strcmp(it->td->name, name))
				return it->td;
	return NULL;
}

/* ACF `typedef [attrs] name, ...;': [context_handle_noserialize] is
 * honoured, the serialize/strict ones are the default, the rest warned. */
static void acf_typedef(struct parser *p)
{
	struct attr *attrs = parse_attrs(p);

	for (struct attr *a = attrs; a; a = a->next) {
		if (!strcmp(a->name, "represent_as") || !strcmp(a->name, "user_marshal") ||
		    !strcmp(a->name, "wire_marshal") || !strcmp(a->name, "cs_char"))
			idl_error(p->ctx, a->loc, "unsupported: ACF attribute [%s]", a->name);
		else if (strcmp(a->name, "context_handle_noserialize") &&
			 strcmp(a->name, "context_handle_serialize") &&
			 strcmp(a->name, "strict_context_handle"))
			idl_warning(p->ctx, a->loc, "ACF attribute '%s' ignored", a->name);
	}
	for (;;) {
		struct loc l = p->tok.loc;
		const char *name = ident(p, "a type name");
		struct attr *ns = attr_find(attrs, "context_handle_noserialize");

		if (ns) {
			struct typedef_decl *td = acf_typedef_find(p->file, name);

			if (!td)
				idl_fatal(p->ctx, l, "'%s' is not a typedef of the IDL file", name);
			ns = arena_alloc(&p->ctx->arena, sizeof(*ns));
			*ns = *attr_find(attrs, "context_handle_noserialize");
			ns->next = td->acf_attrs;
			td->acf_attrs = ns;
		}
		if (accept(p, ";"))
			return;
		if (!accept(p, ","))
			expected(p, "',' or ';'");
	}
}

/* ACF parameters: `[comm_status] name' and `[fault_status] name'. */
static void acf_params(struct parser *p, struct operation *op)
{
	while (!accept(p, ")")) {
		struct attr *attrs = parse_attrs(p);
		struct loc l = p->tok.loc;
		const char *name = ident(p, "a parameter name");
		struct param *pa = NULL;

		for (int i = 0; i < op->nparams; i++)
			if (!strcmp(op->params[i].name, name))
				pa = &op->params[i];
		if (!pa)
			idl_fatal(p->ctx, l, "'%s' is not a parameter of '%s'", name, op->name);
		for (struct attr *a = attrs, *n; a; a = n) {
			n = a->next;
			if (!strcmp(a->name, "comm_status") || !strcmp(a->name, "fault_status") ||
			    !strcmp(a->name, "context_handle_noserialize")) {
				a->next = pa->attrs;
				pa->attrs = a;
			} else {
				idl_warning(p->ctx, a->loc, "ACF attribute '%s' ignored", a->name);
			}
		}
		if (accept(p, ")"))
			return;
		if (!accept(p, ","))
			expected(p, "',' or ')'");
	}
}

/* ---- ACF ----
 *
 * Understood: [implicit_handle(handle_t name)] or
 * [implicit_handle(type name)] on the interface, [explicit_handle] and
 * [auto_handle] (noted and ignored), and per operation
 * `[comm_status, fault_status]' on error_status_t parameters or the
 * operation itself.  Everything else in an ACF is a warning.
 */
int idl_parse_acf(struct idl_ctx *ctx, struct idl_file *f, const char *path)
{
	size_t len;
	char *buf = idl_read_source(ctx, path, &len);
	struct parser *p;
	jmp_buf saved;
	struct interface *in = NULL;

	if (!buf)
		return -1;
	p = arena_alloc(&ctx->arena, sizeof(*p));
	p->ctx = ctx;
	p->file = f;
	lex_init(&p->lx, ctx, path, buf, len);
	memcpy(saved, ctx->fail, sizeof(saved));
	if (setjmp(ctx->fail)) {
		memcpy(ctx->fail, saved, sizeof(saved));
		return -1;
	}
	next(p);
	while (p->tok.kind != T_EOF) {
		struct attr *attrs = parse_attrs(p);
		const char *name;

		if (accept_kw(p, "typedef")) {
			acf_typedef(p);
			continue;
		}
		if (!attrs && is_kw(p, "include")) {
			/* include "x.h"; asks MIDL to #include it in the stubs */
			idl_warning(ctx, p->tok.loc, "ACF include ignored: the generated"
				    " header includes what the IDL imports");
			while (!accept(p, ";")) {
				if (p->tok.kind == T_EOF)
					expected(p, "';'");
				next(p);
			}
			continue;
		}
		if (!accept_kw(p, "interface"))
			expected(p, "'interface'");
		name = ident(p, "an interface name");
		for (int i = 0; i < f->nifaces; i++)
			if (!strcmp(f->ifaces[i]->name, name))
				in = f->ifaces[i];
		if (!in)
			idl_fatal(ctx, p->tok.loc, "interface '%s' is not in the IDL file", name);
		for (struct attr *a = attrs; a; a = a->next) {
			if (!strcmp(a->name, "implicit_handle")) {
			} else if (!strcmp(a->name, "explicit_handle")) {
				in->acf_explicit = true;
			} else if (!strcmp(a->name, "auto_handle")) {
				idl_warning(ctx, a->loc, "ACF attribute 'auto_handle' ignored: operations"
					    " without a binding handle use the interface's global"
					    " binding handle");
			} else if (!strcmp(a->name, "strict_context_handle") ||
				   !strcmp(a->name, "context_handle_serialize")) {
				/* what the runtime always does (<lrpc/stub.h>) */
			} else if (!strcmp(a->name, "context_handle_noserialize")) {
				in->ctx_noserialize = true;
			} else if (!strcmp(a->name, "represent_as") ||
				   !strcmp(a->name, "cs_char") || !strcmp(a->name, "encode") ||
				   !strcmp(a->name, "decode")) {
				idl_error(ctx, a->loc, "unsupported: ACF attribute [%s]", a->name);
			} else {
				idl_warning(ctx, a->loc, "ACF attribute '%s' ignored", a->name);
			}
		}
		expect(p, "{");
		while (!accept(p, "}")) {
			struct attr *oa;
			const char *opname;

			if (accept_kw(p, "typedef")) {
				acf_typedef(p);
				continue;
			}
			oa = parse_attrs(p);
			opname = ident(p, "an operation name");
			struct operation *op = NULL;

			for (struct item *it = in->items; it; it = it->next)
				if (it->kind == IT_OP && !strcmp(it->op->name, opname))
					op = it->op;
			if (!op)
				idl_fatal(ctx, p->tok.loc, "operation '%s' is not in interface '%s'",
					  opname, in->name);
			for (struct attr *a = oa; a; a = a->next) {
				if (!strcmp(a->name, "comm_status"))
					op->comm_status = true;
				else if (!strcmp(a->name, "fault_status"))
					op->fault_status = true;
				else if (!strcmp(a->name, "explicit_handle"))
					op->acf_explicit = true;
				else if (!strcmp(a->name, "async") || !strcmp(a->name, "code") ||
					 !strcmp(a->name, "nocode") || !strcmp(a->name, "encode") ||
					 !strcmp(a->name, "decode"))
					idl_error(ctx, a->loc, "unsupported: ACF attribute [%s] on"
						  " operation '%s'", a->name, op->name);
				else
					idl_warning(ctx, a->loc, "ACF attribute '%s' ignored", a->name);
			}
			expect(p, "(");
			acf_params(p, op);
			expect(p, ";");
		}
		accept(p, ";");
		for (struct attr *a = attrs; a; a = a->next)
			if (!strcmp(a->name, "implicit_handle"))
				in->acf_implicit = a;
	}
	memcpy(ctx->fail, saved, sizeof(saved));
	return 0;
}
