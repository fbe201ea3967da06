// SPDX-License-Identifier: MIT
/*
 * Semantic analysis: name resolution, constant evaluation, attribute
 * checks and pointer kinds.  Errors are reported and counted; analysis
 * goes on after an error where it safely can, so one run shows several.
 */
#include <stdlib.h>
#include <string.h>

#include "idl.h"

struct sym {
	const char *name;
	int kind;		/* SYM_* */
	void *p;
	struct loc loc;
};

enum { SYM_TYPEDEF, SYM_CONST, SYM_ENUMVAL, SYM_TAG_STRUCT, SYM_TAG_UNION, SYM_TAG_ENUM };

struct sema {
	struct idl_ctx *ctx;
	struct sym *syms;
	int nsyms, cap;
	struct interface *iface;
	enum ptr_kind ptr_default;
	/* correlation scope: struct fields or operation parameters */
	struct field *fields;
	int nfields;
	struct param *params;
	int nparams;
	int depth;
};

static struct sema *S;	/* for the lookup helpers called by the generators */

#define ERR(loc, ...) idl_error(s->ctx, loc, __VA_ARGS__)

static const char *sym_kind_name(int k)
{
	switch (k) {
	case SYM_TYPEDEF: return "type";
	case SYM_CONST: return "constant";
	case SYM_ENUMVAL: return "enumerator";
	default: return "tag";
	}
}

static struct sym *sym_find(struct sema *s, const char *name, int kind)
{
	for (int i = 0; i < s->nsyms; i++) {
		struct sym *y = &s->syms[i];

		if (!strcmp(y->name, name) && (kind < 0 || y->kind == kind ||
		    (kind == SYM_CONST && y->kind == SYM_ENUMVAL)))
			return y;
	}
	return NULL;
}

static bool is_tag_kind(int k)
{
	return k >= SYM_TAG_STRUCT;
}

static bool type_equal(struct sema *s, struct type *a, struct type *b, int depth);

static void sym_add(struct sema *s, const char *name, int kind, void *p, struct loc loc)
{
	for (int i = 0; i < s->nsyms; i++) {
		struct sym *y = &s->syms[i];

		if (strcmp(y->name, name) || is_tag_kind(y->kind) != is_tag_kind(kind))
			continue;
		if (y->p == p)
			return;	/* one definition shared by several declarators */
		if (is_tag_kind(kind) && y->kind == kind && type_equal(s, y->p, p, 0))
			return;	/* the same definition repeated (see td_repeat) */
		ERR(loc, "redefinition of '%s' (a %s defined at %s:%d:%d)", name,
		    sym_kind_name(y->kind), y->loc.file, y->loc.line, y->loc.col);
		return;
	}
	if (s->nsyms == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		struct sym *n = arena_alloc(&s->ctx->arena, sizeof(*n) * (size_t)s->cap);

		if (s->nsyms)
			memcpy(n, s->syms, sizeof(*n) * (size_t)s->nsyms);
		s->syms = n;
	}
	s->syms[s->nsyms++] = (struct sym){ name, kind, p, loc };
}

struct attr *attr_find(struct attr *list, const char *name)
{
	for (; list; list = list->next)
		if (!strcmp(list->name, name))
			return list;
	return NULL;
}

struct type *type_resolve(struct type *t)
{
	for (int guard = 0; t && guard < 256; guard++) {
		if (t->kind == TY_NAMED && t->td)
			t = t->td->type;
		else if ((t->kind == TY_STRUCT || t->kind == TY_UNION || t->kind == TY_ENUM) &&
			 !t->defined && t->tag_def)
			t = t->tag_def;
		else
			return t;
	}
	return t;
}

bool type_is_integer(const struct type *t)
{
	t = type_resolve((struct type *)t);
	if (!t)
		return false;
	switch (t->kind) {
	case TY_BOOLEAN: case TY_BYTE: case TY_CHAR: case TY_WCHAR: case TY_SMALL:
	case TY_SHORT: case TY_LONG: case TY_HYPER: case TY_INT3264:
	case TY_ERROR_STATUS: case TY_ENUM:
		return true;
	default:
		return false;
	}
}

struct const_decl *const_lookup(struct idl_ctx *ctx, const char *name)
{
	struct sym *y;

	if (!S)
		return NULL;
	y = sym_find(S, name, SYM_CONST);
	return y && y->kind == SYM_CONST ? y->p : NULL;
}

struct typedef_decl *typedef_lookup(struct idl_ctx *ctx, const char *name)
{
	struct sym *y;

	if (!S)
		return NULL;
	y = sym_find(S, name, SYM_TYPEDEF);
	return y && y->kind == SYM_TYPEDEF ? y->p : NULL;
}

static void check_type(struct sema *s, struct type *t, struct loc use);

/*
 * The C size and alignment of a type, for sizeof() in expressions, on the
 * platform the generated C is built for (LP64: pointers and __int3264 are
 * 8 octets).  False for conformant types.
 */
bool c_layout(struct type *t, int64_t *size, int64_t *align, int depth)
{
	t = type_resolve(t);
	if (!t || depth > 64)
		return false;
	switch (t->kind) {
	case TY_BOOLEAN: case TY_BYTE: case TY_CHAR: case TY_SMALL:
		*size = *align = 1;
		return true;
	case TY_WCHAR: case TY_SHORT:
		*size = *align = 2;
		return true;
	case TY_LONG: case TY_ERROR_STATUS: case TY_ENUM: case TY_FLOAT:
		*size = *align = 4;
		return true;
	case TY_HYPER: case TY_DOUBLE: case TY_POINTER: case TY_HANDLE: case TY_INT3264:
		*size = *align = 8;
		return true;
	case TY_ARRAY:
		if (!t->size || t->nelems <= 0 || !c_layout(t->ref, size, align, depth + 1))
			return false;
		*size *= t->nelems;
		return true;
	case TY_STRUCT:
	case TY_UNION: {
		int64_t sz = 0, al = 1, fs, fa;

		if (!t->defined)
			return false;
		if (t->encapsulated) {
			if (!c_layout(t->discrim->type, &fs, &fa, depth + 1))
				return false;
			sz = fs;
			al = fa;
		}
		{
			int64_t usz = 0, ual = 1;

			for (int i = 0; i < t->nfields; i++) {
				if (!t->fields[i].type)
					continue;
				if (!c_layout(t->fields[i].type, &fs, &fa, depth + 1))
					return false;
				if (fa > ual)
					ual = fa;
				if (t->kind == TY_UNION) {
					if (fs > usz)
						usz = fs;
				} else {
					usz = (usz + fa - 1) / fa * fa + fs;
				}
			}
			if (ual > al)
				al = ual;
			sz = (sz + ual - 1) / ual * ual + usz;
		}
		*size = (sz + al - 1) / al * al;
		*align = al;
		return true;
	}
	default:
		return false;
	}
}

/* ---- constant expressions ---- */

static bool eval(struct sema *s, struct expr *e, int64_t *out, bool report, int depth)
{
	int64_t a, b, c;
	uint64_t ua, ub;

	if (depth > 200) {
		if (report)
			ERR(e->loc, "constant expression too complex");
		return false;
	}
	switch (e->kind) {
	case E_INT:
	case E_CHAR:
		*out = (int64_t)e->ival;
		return true;
	case E_IDENT: {
		struct sym *y = sym_find(s, e->str, SYM_CONST);

		if (!strcmp(e->str, "TRUE") && !y) {
			*out = 1;
			return true;
		}
		if (!strcmp(e->str, "FALSE") && !y) {
			*out = 0;
			return true;
		}
		if (!y) {
			if (report)
				ERR(e->loc, "'%s' is not a constant", e->str);
			return false;
		}
		if (y->kind == SYM_ENUMVAL) {
			*out = ((struct enum_member *)y->p)->ival;
			return true;
		}
		if (((struct const_decl *)y->p)->is_string) {
			if (report)
				ERR(e->loc, "string constant '%s' in an integer expression", e->str);
			return false;
		}
		*out = ((struct const_decl *)y->p)->ival;
		return true;
	}
	case E_STRING:
		if (report)
			ERR(e->loc, "expected an integer constant expression, got a string");
		return false;
	case E_EMPTY:
		if (report)
			ERR(e->loc, "expected an integer constant expression");
		return false;
	case E_SIZEOF: {
		int64_t al;

		check_type(s, e->ty, e->loc);
		if (!c_layout(e->ty, out, &al, 0)) {
			if (report)
				ERR(e->loc, "sizeof: the size of this type is not a constant");
			return false;
		}
		return true;
	}
	case E_UNARY:
		if (e->op == '*') {
			if (report)
				ERR(e->loc, "'*' is not allowed in a constant expression");
			return false;
		}
		if (!eval(s, e->a, &a, report, depth + 1))
			return false;
		switch (e->op) {
		case '-': *out = (int64_t)(0 - (uint64_t)a); break;
		case '+': *out = a; break;
		case '~': *out = ~a; break;
		case '!': *out = !a; break;
		}
		return true;
	case E_COND:
		if (!eval(s, e->a, &a, report, depth + 1) ||
		    !eval(s, e->b, &b, report, depth + 1) ||
		    !eval(s, e->c, &c, report, depth + 1))
			return false;
		*out = a ? b : c;
		return true;
	case E_BINARY:
		if (!eval(s, e->a, &a, report, depth + 1) ||
		    !eval(s, e->b, &b, report, depth + 1))
			return false;
		ua = (uint64_t)a;
		ub = (uint64_t)b;
		switch (e->op) {
		case '+': *out = (int64_t)(ua + ub); break;
		case '-': *out = (int64_t)(ua - ub); break;
		case '*': *out = (int64_t)(ua * ub); break;
		case '/':
		case '%':
			if (b == 0) {
				if (report)
					ERR(e->loc, "division by zero in a constant expression");
				return false;
			}
			if (b == -1)
				*out = e->op == '/' ? (int64_t)(0 - ua) : 0;
			else
				*out = e->op == '/' ? a / b : a % b;
			break;
		case OP_SHL:
		case OP_SHR:
			if (b < 0 || b > 63) {
				if (report)
					ERR(e->loc, "shift count %lld is out of range",
					    (long long)b);
				return false;
			}
			*out = e->op == OP_SHL ? (int64_t)(ua << b) : (int64_t)(ua >> b);
			break;
		case '|': *out = a | b; break;
		case '&': *out = a & b; break;
		case '^': *out = a ^ b; break;
		case '<': *out = a < b; break;
		case '>': *out = a > b; break;
		case OP_LE: *out = a <= b; break;
		case OP_GE: *out = a >= b; break;
		case OP_EQ: *out = a == b; break;
		case OP_NE: *out = a != b; break;
		case OP_ANDAND: *out = a && b; break;
		case OP_OROR: *out = a || b; break;
		default: return false;
		}
		return true;
	}
	return false;
}

bool eval_const(struct idl_ctx *ctx, struct expr *e, int64_t *out, bool report)
{
	if (!S)
		return false;
	return eval(S, e, out, report, 0);
}

/* Does v fit the integer type t? */
static bool fits(struct type *t, int64_t v)
{
	t = type_resolve(t);
	if (!t)
		return true;
	switch (t->kind) {
	case TY_BOOLEAN:
		return v == 0 || v == 1;
	case TY_BYTE:
		return v >= -128 && v <= 255;
	case TY_CHAR:
	case TY_SMALL:
		return t->is_unsigned ? v >= 0 && v <= 255 : v >= -128 && v <= 255;
	case TY_WCHAR:
		return v >= 0 && v <= 65535;
	case TY_SHORT:
		return t->is_unsigned ? v >= 0 && v <= 65535 : v >= -32768 && v <= 65535;
	case TY_LONG:
	case TY_ERROR_STATUS:
	case TY_ENUM:
	case TY_INT3264:
		return v >= INT32_MIN && v <= (int64_t)UINT32_MAX;
	default:
		return true;
	}
}

/* ---- types ---- */

static void check_type(struct sema *s, struct type *t, struct loc use);

static void collect_tags(struct sema *s, struct type *t, int depth)
{
	if (!t || depth > 128)
		return;
	switch (t->kind) {
	case TY_STRUCT:
	case TY_UNION:
		if (t->defined) {
			if (t->name)
				sym_add(s, t->name, t->kind == TY_STRUCT ? SYM_TAG_STRUCT
					: SYM_TAG_UNION, t, t->loc);
			for (int i = 0; i < t->nfields; i++)
				collect_tags(s, t->fields[i].type, depth + 1);
			if (t->discrim)
				collect_tags(s, t->discrim->type, depth + 1);
		}
		break;
	case TY_ENUM:
		if (t->defined && t->name)
			sym_add(s, t->name, SYM_TAG_ENUM, t, t->loc);
		break;
	case TY_POINTER:
	case TY_ARRAY:
		collect_tags(s, t->ref, depth + 1);
		break;
	default:
		break;
	}
}

static void check_enum(struct sema *s, struct type *t)
{
	int64_t next = 0;

	for (int i = 0; i < t->nmembers; i++) {
		struct enum_member *m = &t->members[i];

		if (m->value) {
			if (!eval(s, m->value, &next, true, 0))
				next = 0;
		}
		if (next < INT32_MIN || next > INT32_MAX)
			ERR(m->loc, "value of enumerator '%s' (%lld) does not fit in 32 bits",
			    m->name, (long long)next);
		else if (!t->v1_enum && (next < -32768 || next > 32767))
			ERR(m->loc, "value of enumerator '%s' (%lld) does not fit a 16-bit"
			    " enum (declare it [v1_enum])", m->name, (long long)next);
		m->ival = next;
		sym_add(s, m->name, SYM_ENUMVAL, m, m->loc);
		next = (int64_t)((uint64_t)next + 1);
	}
}

static bool is_char_like(struct type *t)
{
	t = type_resolve(t);
	return t && (t->kind == TY_CHAR || t->kind == TY_WCHAR || t->kind == TY_BYTE ||
		     (t->kind == TY_SMALL && t->is_unsigned));
}

/* by-value containment cycle: struct a { struct a x; } */
static bool contains(struct type *t, struct type *target, int depth)
{
	t = type_resolve(t);
	if (!t || depth > 64)
		return false;
	if (t == target)
		return true;
	if (t->kind == TY_ARRAY)
		return contains(t->ref, target, depth + 1);
	if ((t->kind == TY_STRUCT || t->kind == TY_UNION) && t->defined) {
		for (int i = 0; i < t->nfields; i++)
			if (t->fields[i].type && contains(t->fields[i].type, target, depth + 1))
				return true;
	}
	return false;
}

static void check_body(struct sema *s, struct type *t);

static void check_type(struct sema *s, struct type *t, struct loc use)
{
	if (!t)
		return;
	if (++s->depth > 128) {
		s->depth--;
		return;
	}
	switch (t->kind) {
	case TY_NAMED: {
		struct sym *y = sym_find(s, t->name, SYM_TYPEDEF);

		if (!y || y->kind != SYM_TYPEDEF) {
			if (y && (y->kind == SYM_CONST || y->kind == SYM_ENUMVAL))
				ERR(t->loc, "'%s' is a %s, not a type", t->name,
				    sym_kind_name(y->kind));
			else
				ERR(t->loc, "unknown type '%s'", t->name);
			t->kind = TY_LONG;	/* keep going */
		} else {
			t->td = y->p;
		}
		break;
	}
	case TY_STRUCT:
	case TY_UNION:
	case TY_ENUM:
		if (!t->defined) {
			int k = t->kind == TY_STRUCT ? SYM_TAG_STRUCT :
				t->kind == TY_UNION ? SYM_TAG_UNION : SYM_TAG_ENUM;
			struct sym *y = sym_find(s, t->name, -1);

			while (y && !is_tag_kind(y->kind)) {
				/* skip non-tag symbol of the same name */
				struct sym *z = NULL;

				for (int i = (int)(y - s->syms) + 1; i < s->nsyms; i++)
					if (!strcmp(s->syms[i].name, t->name) &&
					    is_tag_kind(s->syms[i].kind)) {
						z = &s->syms[i];
						break;
					}
				y = z;
			}
			if (!y)
				ERR(t->loc, "unknown %s '%s'", t->kind == TY_STRUCT ? "struct" :
				    t->kind == TY_UNION ? "union" : "enum", t->name);
			else if (y->kind != k)
				ERR(t->loc, "'%s' is not a %s tag", t->name,
				    t->kind == TY_STRUCT ? "struct" :
				    t->kind == TY_UNION ? "union" : "enum");
			else
				t->tag_def = y->p;
		} else if (!t->visiting && !t->checked) {
			t->visiting = true;
			t->checked = true;
			if (t->kind == TY_ENUM)
				check_enum(s, t);
			else
				check_body(s, t);
			t->visiting = false;
		}
		break;
	case TY_ARRAY:
		check_type(s, t->ref, use);
		t->nelems = -1;
		if (t->size) {
			int64_t n;

			if (eval(s, t->size, &n, true, 0)) {
				if (n <= 0 || n > INT32_MAX)
					ERR(t->size->loc, "array size %lld is not positive",
					    (long long)n);
				else
					t->nelems = n;
			}
		}
		if (type_resolve(t->ref) && type_resolve(t->ref)->kind == TY_VOID)
			ERR(t->loc, "array of void");
		break;
	case TY_POINTER:
		check_type(s, t->ref, use);
		break;
	default:
		break;
	}
	s->depth--;
}

/* ---- attributes ---- */

enum ctx_kind { C_FIELD, C_PARAM, C_TYPEDEF, C_OP, C_ARM };

static const struct {
	const char *name;
	unsigned ctx;	/* bit per ctx_kind */
} known_attrs[] = {
#define F (1u << C_FIELD)
#define P (1u << C_PARAM)
#define T (1u << C_TYPEDEF)
#define O (1u << C_OP)
#define A (1u << C_ARM)
	{ "in", P }, { "out", P },
	{ "ref", F | P | T | A }, { "unique", F | P | T | A }, { "ptr", F | P | T | A },
	{ "string", F | P | T | A }, { "size_is", F | P | A }, { "length_is", F | P | A },
	{ "first_is", F | P | A }, { "last_is", F | P | A }, { "max_is", F | P | A },
	{ "min_is", F | P | A },
	{ "range", F | P | T | A }, { "switch_is", F | P | A },
	{ "context_handle", P | T | O }, { "idempotent", O }, { "maybe", O },
	{ "broadcast", O }, { "v1_enum", T }, { "public", T }, { "ignore", F | A },
	{ "helpstring", F | P | T | O | A }, { "annotation", F | P | T | O | A },
	{ "custom", F | P | T | O | A }, { "retval", P }, { "comm_status", P | O },
	{ "fault_status", P | O }, { "message", O },
	/* no effect on the wire or on the generated C */
	{ "disable_consistency_check", F | P | T | O | A }, { "helpcontext", F | P | T | O | A },
	{ "helpstringcontext", F | P | T | O | A }, { "hidden", F | P | T | O | A },
	{ "version", F | P | T | O | A }, { "uuid", T }, { "local", O }, { "handle", T },
	{ "switch_type", F | P | A }, { "partial_ignore", P }, { "force_allocate", P },
	/* parsed and refused below (unsupported: X) or warned about */
	{ "async", O }, { "call_as", O }, { "callback", O }, { "transmit_as", T },
	{ "wire_marshal", T }, { "user_marshal", T }, { "represent_as", T },
	{ "ms_union", T }, { "strict_context_handle", P | T | O },
	{ "context_handle_noserialize", P | T | O }, { "context_handle_serialize", P | T | O },
#undef F
#undef P
#undef T
#undef O
#undef A
};

static const char *ctx_name(enum ctx_kind c)
{
	switch (c) {
	case C_FIELD: return "a structure member";
	case C_PARAM: return "a parameter";
	case C_TYPEDEF: return "a typedef";
	case C_OP: return "an operation";
	case C_ARM: return "a union arm";
	}
	return "?";
}

static bool is_unsupported_attr(const char *n)
{
	static const char *const u[] = {
		"async", "call_as", "callback", "transmit_as", "wire_marshal",
		"user_marshal", "represent_as", "ignore", "partial_ignore", "message",
	};

	for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++)
		if (!strcmp(u[i], n))
			return true;
	return false;
}

static const char *unsupported_why(const char *n)
{
	if (!strcmp(n, "callback"))
		return " (server-to-client callbacks)";
	if (!strcmp(n, "async"))
		return " (asynchronous RPC)";
	if (!strcmp(n, "call_as"))
		return " (mapping a [local] operation to a remote one)";
	if (!strcmp(n, "ignore"))
		return " (a pointer sent as NULL whatever it holds)";
	return " (the NDR engine transmits types as declared)";
}

static void check_attr_names(struct sema *s, struct attr *list, enum ctx_kind c)
{
	for (struct attr *a = list; a; a = a->next) {
		size_t i;

		for (i = 0; i < sizeof(known_attrs) / sizeof(known_attrs[0]); i++)
			if (!strcmp(known_attrs[i].name, a->name))
				break;
		if (i == sizeof(known_attrs) / sizeof(known_attrs[0])) {
			ERR(a->loc, "unknown or unsupported attribute '%s'", a->name);
			continue;
		}
		if (!(known_attrs[i].ctx & (1u << c)) &&
		    !(c == C_TYPEDEF && !strcmp(a->name, "switch_type")))
			ERR(a->loc, "attribute '%s' is not allowed on %s", a->name, ctx_name(c));
		else if (is_unsupported_attr(a->name))
			ERR(a->loc, "unsupported: [%s]%s", a->name, unsupported_why(a->name));

		for (struct attr *b = a->next; b; b = b->next)
			if (!strcmp(a->name, b->name))
				ERR(b->loc, "duplicate attribute '%s'", b->name);
	}
	int nptr = !!attr_find(list, "ref") + !!attr_find(list, "unique") +
		   !!attr_find(list, "ptr");

	if (nptr > 1)
		ERR(list->loc, "more than one of [ref], [unique], [ptr]");
}

/* Look up a name used in a correlation expression. */
static struct type *corr_lookup(struct sema *s, const char *name, struct loc *where)
{
	for (int i = 0; i < s->nfields; i++)
		if (s->fields[i].name && !strcmp(s->fields[i].name, name)) {
			*where = s->fields[i].loc;
			return s->fields[i].type;
		}
	for (int i = 0; i < s->nparams; i++)
		if (s->params[i].name && !strcmp(s->params[i].name, name)) {
			*where = s->params[i].loc;
			return s->params[i].type;
		}
	return NULL;
}

/* Returns the number of variable references, 0 for a constant. */
static int check_corr(struct sema *s, struct expr *e, const char *attr, int depth)
{
	struct loc where;
	struct type *t;
	int n;

	if (!e || depth > 100)
		return 0;
	switch (e->kind) {
	case E_IDENT:
		t = corr_lookup(s, e->str, &where);
		if (!t) {
			if (sym_find(s, e->str, SYM_CONST))
				return 0;
			ERR(e->loc, "%s(%s): no %s named '%s'", attr, e->str,
			    s->params ? "parameter" : "member", e->str);
			return 1;
		}
		if (!type_is_integer(t)) {
			struct type *r = type_resolve(t);

			if (r && r->kind == TY_POINTER && type_is_integer(r->ref))
				return 1;	/* must be dereferenced: checked by caller */
			ERR(e->loc, "%s(%s): '%s' is not an integer", attr, e->str, e->str);
		}
		return 1;
	case E_UNARY:
		if (e->op == '*' && e->a->kind == E_IDENT) {
			t = corr_lookup(s, e->a->str, &where);
			if (!t) {
				ERR(e->a->loc, "%s: no %s named '%s'", attr,
				    s->params ? "parameter" : "member", e->a->str);
				return 1;
			}
			t = type_resolve(t);
			if (!t || t->kind != TY_POINTER || !type_is_integer(t->ref))
				ERR(e->loc, "%s(*%s): '%s' is not a pointer to an integer",
				    attr, e->a->str, e->a->str);
			return 1;
		}
		if (e->op == '*')
			ERR(e->loc, "%s: '*' only applies to a name", attr);
		return check_corr(s, e->a, attr, depth + 1);
	case E_BINARY:
		n = check_corr(s, e->a, attr, depth + 1) + check_corr(s, e->b, attr, depth + 1);
		return n;
	case E_COND: {
		int64_t z;

		/* p ? *p : 0, MIDL's idiom for an optional count */
		if (e->a->kind == E_IDENT && e->b->kind == E_UNARY && e->b->op == '*' &&
		    e->b->a->kind == E_IDENT && !strcmp(e->a->str, e->b->a->str) &&
		    eval(s, e->c, &z, false, 0) && z == 0)
			return check_corr(s, e->b, attr, depth + 1);
		return check_corr(s, e->a, attr, depth + 1) + check_corr(s, e->b, attr, depth + 1) +
		       check_corr(s, e->c, attr, depth + 1);
	}
	case E_STRING:
		ERR(e->loc, "%s: a string is not an integer expression", attr);
		return 0;
	default:
		return 0;
	}
}

/* A name referring to a pointer must be used as *name. */
static void check_corr_deref(struct sema *s, struct expr *e, const char *attr)
{
	struct loc where;
	struct type *t;

	if (e->kind == E_IDENT) {
		t = corr_lookup(s, e->str, &where);
		t = type_resolve(t);
		if (t && t->kind == TY_POINTER)
			ERR(e->loc, "%s(%s): '%s' is a pointer, write *%s", attr, e->str,
			    e->str, e->str);
	}
}

/* Number of levels of pointers/arrays a size_is can describe. */
static int array_levels(struct type *t)
{
	int n = 0;

	for (t = type_resolve(t); t && (t->kind == TY_POINTER || t->kind == TY_ARRAY) && n < 64;
	     t = type_resolve(t->ref))
		n++;
	return n;
}

static void check_union(struct sema *s, struct type *t);

static bool same_int_type(struct type *a, struct type *b)
{
	a = type_resolve(a);
	b = type_resolve(b);
	return a && b && a->kind == b->kind && a->is_unsigned == b->is_unsigned;
}

static void check_decl_attrs(struct sema *s, struct attr *attrs, struct type *t,
			     const char *name, enum ctx_kind c)
{
	static const char *const corr[] = {
		"size_is", "length_is", "first_is", "last_is", "max_is", "min_is",
	};
	struct type *r = type_resolve(t);
	struct attr *a, *st;

	check_attr_names(s, attrs, c);
	for (size_t i = 0; i < sizeof(corr) / sizeof(corr[0]); i++) {
		a = attr_find(attrs, corr[i]);
		if (!a)
			continue;
		if (a->nargs > array_levels(t)) {
			ERR(a->loc, "[%s] on '%s', which is not a pointer or array%s", corr[i],
			    name ? name : "?", a->nargs > 1 ? " of that many levels" : "");
			continue;
		}
		for (int j = 0; j < a->nargs; j++) {
			if (a->args[j]->kind == E_EMPTY)
				continue;
			if (check_corr(s, a->args[j], corr[i], 0) > 1)
				ERR(a->args[j]->loc,
				    "unsupported: [%s] expression naming more than one variable", corr[i]);
			check_corr_deref(s, a->args[j], corr[i]);
		}
	}
	if ((a = attr_find(attrs, "min_is"))) {
		for (int j = 0; j < a->nargs; j++) {
			int64_t v;

			if (a->args[j]->kind != E_EMPTY &&
			    (!eval(s, a->args[j], &v, false, 0) || v != 0))
				ERR(a->args[j]->loc, "unsupported: [min_is] other than 0 (arrays"
				    " with a lower bound)");
		}
	}
	if (attr_find(attrs, "size_is") && attr_find(attrs, "max_is"))
		ERR(attr_find(attrs, "max_is")->loc, "[size_is] and [max_is] on '%s'",
		    name ? name : "?");
	if ((a = attr_find(attrs, "string"))) {
		struct type *e = r;

		if (e && (e->kind == TY_POINTER || e->kind == TY_ARRAY)) {
			e = type_resolve(e->ref);
			/* [string] char **: the innermost level is the string */
			while (e && (e->kind == TY_POINTER || e->kind == TY_ARRAY) &&
			       !is_char_like(e))
				e = type_resolve(e->ref);
		}
		if (!r || (r->kind != TY_POINTER && r->kind != TY_ARRAY) || !is_char_like(e))
			ERR(a->loc, "[string] on '%s', which is not a char, wchar_t or byte"
			    " pointer or array", name ? name : "?");
	}
	if ((a = attr_find(attrs, "range"))) {
		int64_t lo, hi;

		if (a->nargs != 2)
			ERR(a->loc, "[range] takes two bounds, range(low, high)");
		else if (eval(s, a->args[0], &lo, true, 0) && eval(s, a->args[1], &hi, true, 0)) {
			if (lo > hi)
				ERR(a->loc, "[range(%lld, %lld)]: low bound above high bound",
				    (long long)lo, (long long)hi);
		}
		if (r && (r->kind == TY_POINTER || r->kind == TY_ARRAY) &&
		    (attr_find(attrs, "size_is") || attr_find(attrs, "max_is") ||
		     attr_find(attrs, "length_is") || attr_find(attrs, "string") ||
		     r->kind == TY_ARRAY))
			/* MIDL bounds the array's size with it ([MS-RRP]) */
			idl_warning(s->ctx, a->loc, "[range] on array '%s' ignored: its size is"
				    " bounded by the message, not by the range", name ? name : "?");
		else if (!type_is_integer(t) &&
			 !(r && r->kind == TY_POINTER && type_is_integer(r->ref)))
			ERR(a->loc, "[range] on '%s', which is not an integer", name ? name : "?");
	}
	if ((a = attr_find(attrs, "switch_is"))) {
		struct type *u = r;
		bool set_now = false;

		while (u && u->kind == TY_POINTER)
			u = type_resolve(u->ref);
		if (a->nargs != 1)
			ERR(a->loc, "[switch_is] takes one expression");
		else
			check_corr(s, a->args[0], "switch_is", 0);
		if (!u || u->kind != TY_UNION) {
			ERR(a->loc, "[switch_is] on '%s', which is not a union", name ? name : "?");
		} else if (u->encapsulated) {
			ERR(a->loc, "[switch_is] on '%s', whose union is encapsulated"
			    " (it carries its own discriminant)", name ? name : "?");
		} else if ((st = attr_find(attrs, "switch_type"))) {
			/* [switch_type] on the member or parameter itself */
			check_type(s, st->type_arg, st->loc);
			if (!u->switch_type) {
				u->switch_type = st->type_arg;
				set_now = true;
			} else if (!same_int_type(u->switch_type, st->type_arg))
				ERR(st->loc, "[switch_type] on '%s' differs from its union's",
				    name ? name : "?");
		} else if (!u->switch_type && a->nargs == 1) {
			/* MIDL: without [switch_type], the discriminant's type */
			struct expr *e = a->args[0];
			struct loc where;
			struct type *vt;
			bool deref = false;

			if (e->kind == E_UNARY && e->op == '*') {
				e = e->a;
				deref = true;
			}
			vt = e->kind == E_IDENT ? corr_lookup(s, e->str, &where) : NULL;
			if (vt && deref && type_resolve(vt) && type_resolve(vt)->kind == TY_POINTER)
				vt = type_resolve(vt)->ref;
			if (vt && type_is_integer(vt)) {
				u->switch_type = vt;
				set_now = true;
			} else
				ERR(a->loc, "[switch_is] on '%s', whose union has no [switch_type]"
				    " and whose discriminant is not a plain integer variable",
				    name ? name : "?");
		}
		if (set_now)
			check_union(s, u);
	} else if ((st = attr_find(attrs, "switch_type"))) {
		ERR(st->loc, "[switch_type] on '%s' without [switch_is]", name ? name : "?");
	}
}

static void check_union_ref(struct sema *s, struct attr *attrs, struct type *t,
			    const char *name, struct loc loc)
{
	struct type *u = type_resolve(t);

	while (u && (u->kind == TY_POINTER || u->kind == TY_ARRAY))
		u = type_resolve(u->ref);
	if (u && u->kind == TY_UNION && !u->encapsulated && !attr_find(attrs, "switch_is"))
		ERR(loc, "'%s' is a non-encapsulated union and needs [switch_is]",
		    name ? name : "?");
}

static void check_union(struct sema *s, struct type *t)
{
	struct type *st = t->encapsulated ? t->discrim->type : t->switch_type;
	struct type *sr;
	int64_t *vals = NULL;
	int nvals = 0, ndefault = 0;

	if (!st) {
		/* checked where the union is used */
	} else {
		check_type(s, st, t->loc);
		sr = type_resolve(st);
		if (!type_is_integer(st) || (sr && (sr->kind == TY_HYPER ||
						    sr->kind == TY_INT3264)))
			ERR(st->loc, "union switch type must be an integer, char,"
			    " boolean or enum of at most 32 bits");
	}
	for (int i = 0; i < t->nfields; i++) {
		struct field *f = &t->fields[i];

		for (int j = 0; j < f->ncases; j++) {
			int64_t v;

			if (!eval(s, f->cases[j], &v, true, 0))
				continue;
			if (st && !fits(st, v))
				ERR(f->cases[j]->loc, "case value %lld does not fit the switch type",
				    (long long)v);
			for (int k = 0; k < nvals; k++)
				if (vals[k] == v)
					ERR(f->cases[j]->loc, "duplicate case value %lld",
					    (long long)v);
			vals = realloc(vals, sizeof(*vals) * (size_t)(nvals + 1));
			if (!vals)
				abort();
			vals[nvals++] = v;
		}
		if (f->is_default && ++ndefault > 1)
			ERR(f->loc, "more than one default arm");
	}
	free(vals);
}

static void check_body(struct sema *s, struct type *t)
{
	struct field *saved_f = s->fields;
	int saved_nf = s->nfields;
	struct param *saved_p = s->params;
	int saved_np = s->nparams;

	if (t->kind == TY_UNION)
		check_union(s, t);
	if (t->nfields == 0)
		ERR(t->loc, "%s '%s' has no members", t->kind == TY_STRUCT ? "struct" : "union",
		    t->name ? t->name : "(anonymous)");
	for (int i = 0; i < t->nfields; i++) {
		struct field *f = &t->fields[i];

		for (int j = 0; j < i; j++)
			if (f->name && t->fields[j].name && !strcmp(f->name, t->fields[j].name))
				ERR(f->loc, "duplicate member '%s'", f->name);
		if (!f->type)
			continue;
		check_type(s, f->type, f->loc);
		if (contains(f->type, t, 0))
			ERR(f->loc, "member '%s' contains its own %s by value",
			    f->name ? f->name : "(unnamed)",
			    t->kind == TY_STRUCT ? "struct" : "union");
		{
			struct type *r = type_resolve(f->type);

			if (r && (r->kind == TY_VOID || r->kind == TY_HANDLE))
				ERR(f->loc, "member '%s' has type %s", f->name ? f->name : "(unnamed)",
				    r->kind == TY_VOID ? "void" : "handle_t");
		}
	}
	/* correlation: members of this struct */
	s->fields = t->fields;
	s->nfields = t->nfields;
	s->params = NULL;
	s->nparams = 0;
	for (int i = 0; i < t->nfields; i++) {
		struct field *f = &t->fields[i];
		struct type *r = type_resolve(f->type);

		if (!f->type)
			continue;
		check_decl_attrs(s, f->attrs, f->type, f->name,
				 t->kind == TY_UNION ? C_ARM : C_FIELD);
		check_union_ref(s, f->attrs, f->type, f->name, f->loc);
		if (r && r->kind == TY_ARRAY && r->nelems < 0 && !r->size) {
			bool sized = attr_find(f->attrs, "size_is") || attr_find(f->attrs, "max_is") ||
				     attr_find(f->attrs, "string");

			if (t->kind == TY_UNION)
				ERR(f->loc, "conformant array '%s' in a union", f->name);
			else if (i != t->nfields - 1)
				ERR(f->loc, "conformant array '%s' must be the last member",
				    f->name);
			else if (!sized)
				ERR(f->loc, "conformant array '%s' needs [size_is] or [max_is]",
				    f->name);
		}
		if (r && (r->kind == TY_STRUCT || r->kind == TY_UNION) && t->kind == TY_STRUCT) {
			/* a struct holding a conformant struct must end with it */
			struct type *last = r->nfields ? type_resolve(r->fields[r->nfields - 1].type)
							: NULL;

			if (last && last->kind == TY_ARRAY && last->nelems < 0 &&
			    i != t->nfields - 1)
				ERR(f->loc, "member '%s' is conformant and must be the last member",
				    f->name);
		}
	}
	s->fields = saved_f;
	s->nfields = saved_nf;
	s->params = saved_p;
	s->nparams = saved_np;
}

/* Pointer kinds: the declaration's own top-level pointer gets the kind
 * from its attributes (parameters default to [ref]); every other pointer
 * gets its own declaration's attribute, else pointer_default. */
static void set_ptr_kinds(struct sema *s, struct type *t, struct attr *attrs,
			  bool top_is_param, int depth)
{
	enum ptr_kind k = PTR_DEFAULT;

	if (attr_find(attrs, "ref"))
		k = PTR_REF;
	else if (attr_find(attrs, "unique"))
		k = PTR_UNIQUE;
	else if (attr_find(attrs, "ptr"))
		k = PTR_FULL;
	for (; t && depth < 64; t = t->ref, depth++) {
		if (t->kind == TY_POINTER && t->ptr == PTR_DEFAULT) {
			if (k != PTR_DEFAULT) {
				t->ptr = k;
				t->ptr_explicit = true;
			}
			else if (top_is_param && depth == 0)
				t->ptr = PTR_REF;
			else
				t->ptr = s->ptr_default ? s->ptr_default : PTR_UNIQUE;
			k = PTR_DEFAULT;
		} else if (t->kind == TY_ARRAY) {
			continue;
		} else if (t->kind != TY_POINTER) {
			break;
		}
		if (t->kind == TY_POINTER && depth == 0)
			k = PTR_DEFAULT;
	}
}

static void set_ptr_kinds_deep(struct sema *s, struct type *t, int depth)
{
	if (!t || depth > 64 || t->emitted)
		return;
	if ((t->kind == TY_STRUCT || t->kind == TY_UNION) && t->defined) {
		t->emitted = true;	/* reused as a visited flag, reset after sema */
		for (int i = 0; i < t->nfields; i++) {
			set_ptr_kinds(s, t->fields[i].type, t->fields[i].attrs, false, 0);
			set_ptr_kinds_deep(s, t->fields[i].type, depth + 1);
		}
		return;
	}
	if (t->kind == TY_POINTER || t->kind == TY_ARRAY) {
		set_ptr_kinds(s, t, NULL, false, 0);
		set_ptr_kinds_deep(s, t->ref, depth + 1);
	}
}

static bool is_context_handle(struct type *t, struct attr *attrs)
{
	if (attr_find(attrs, "context_handle"))
		return true;
	for (int g = 0; t && g < 16; g++) {
		if (t->kind == TY_NAMED && t->td) {
			if (t->td->context_handle)
				return true;
			t = t->td->type;
		} else {
			return false;
		}
	}
	return false;
}

/*
 * Why a value of this type cannot travel, or NULL.  void * (outside a
 * context handle) and __int3264 are fine in declarations for C code;
 * only their use in a remote operation is an error.
 */
const char *why_not_wire(struct type *t, struct attr *attrs, int depth)
{
	const char *w;

	if (!t || depth > 32)
		return NULL;
	if (t->kind == TY_NAMED && t->td) {
		if (t->td->context_handle)
			return NULL;
		w = why_not_wire(t->td->type, t->td->attrs, depth + 1);
		return w ? arena_printf(&S->ctx->arena, "'%s' (%s)", t->name,
					w[0] == '\'' ? strchr(w + 1, '(') ? w : w : w) : NULL;
	}
	switch (t->kind) {
	case TY_POINTER: {
		struct type *r = type_resolve(t->ref);

		if (r && r->kind == TY_VOID)
			return attr_find(attrs, "context_handle") ? NULL : "void *";
		return why_not_wire(t->ref, attr_find(attrs, "context_handle") ? attrs : NULL,
				    depth + 1);
	}
	case TY_ARRAY:
		return why_not_wire(t->ref, NULL, depth + 1);
	case TY_INT3264:
		return "__int3264";
	case TY_HANDLE:
		return depth ? "handle_t" : NULL;
	case TY_STRUCT:
	case TY_UNION: {
		struct type *d = type_resolve(t);

		if (!d || !d->defined || d->visiting)
			return NULL;
		d->visiting = true;
		w = NULL;
		for (int i = 0; i < d->nfields && !w; i++)
			if (d->fields[i].type && !attr_find(d->fields[i].attrs, "ignore"))
				w = why_not_wire(d->fields[i].type, d->fields[i].attrs, depth + 1);
		if (w && !strstr(w, " of "))
			for (int i = 0; i < d->nfields; i++)
				if (d->fields[i].type &&
				    why_not_wire(d->fields[i].type, d->fields[i].attrs, depth + 1)) {
					w = arena_printf(&S->ctx->arena, "%s (member '%s' of %s %s)", w,
							 d->fields[i].name ? d->fields[i].name
							 : "(unnamed)", d->kind == TY_STRUCT ?
							 "struct" : "union",
							 d->name ? d->name : "(anonymous)");
					break;
				}
		d->visiting = false;
		return w;
	}
	default:
		return NULL;
	}
}

static void check_op(struct sema *s, struct interface *in, struct operation *op)
{
	struct type *rr;
	bool explicit_handle = false;

	check_attr_names(s, op->attrs, C_OP);
	check_type(s, op->ret, op->loc);
	rr = type_resolve(op->ret);
	if (rr && rr->kind == TY_ARRAY)
		ERR(op->loc, "operation '%s' returns an array", op->name);
	if (rr && rr->kind == TY_UNION)
		ERR(op->loc, "operation '%s' returns a union", op->name);
	if (rr && rr->kind == TY_HANDLE)
		ERR(op->loc, "operation '%s' returns a handle_t", op->name);
	if (attr_find(op->attrs, "maybe") && rr && rr->kind != TY_VOID)
		ERR(op->loc, "[maybe] operation '%s' must return void", op->name);
	set_ptr_kinds(s, op->ret, NULL, false, 0);
	if (rr && rr->kind == TY_POINTER && !is_context_handle(op->ret, op->attrs) &&
	    op->ret->ptr == PTR_REF)
		ERR(op->loc, "operation '%s' returns a [ref] pointer", op->name);
	s->params = op->params;
	s->nparams = op->nparams;
	s->fields = NULL;
	s->nfields = 0;
	for (int i = 0; i < op->nparams; i++) {
		struct param *pa = &op->params[i];
		struct type *r;

		for (int j = 0; j < i; j++)
			if (!strcmp(pa->name, op->params[j].name))
				ERR(pa->loc, "duplicate parameter '%s'", pa->name);
		check_type(s, pa->type, pa->loc);
		pa->in = attr_find(pa->attrs, "in") != NULL;
		pa->out = attr_find(pa->attrs, "out") != NULL;
		r = type_resolve(pa->type);
		if (r && r->kind == TY_HANDLE) {
			if (i != 0)
				ERR(pa->loc, "handle_t parameter '%s' must be the first", pa->name);
			else
				explicit_handle = true;
			if (!pa->in && !pa->out)
				pa->in = true;
			if (pa->out)
				ERR(pa->loc, "handle_t parameter '%s' cannot be [out]", pa->name);
			continue;
		}
		if (!pa->in && !pa->out) {
			ERR(pa->loc, "parameter '%s' is neither [in] nor [out]", pa->name);
			pa->in = true;
		}
		if (r && r->kind == TY_VOID)
			ERR(pa->loc, "parameter '%s' has type void", pa->name);
		if (pa->out && r && r->kind != TY_POINTER && r->kind != TY_ARRAY &&
		    !is_context_handle(pa->type, pa->attrs))
			ERR(pa->loc, "[out] parameter '%s' must be a pointer or an array",
			    pa->name);
		if (pa->out && !pa->in && r && r->kind == TY_POINTER &&
		    (attr_find(pa->attrs, "unique") || attr_find(pa->attrs, "ptr")))
			ERR(pa->loc, "[out]-only parameter '%s' must be a [ref] pointer",
			    pa->name);
		if (attr_find(pa->attrs, "context_handle")) {
			struct type *v = r;

			if (v && v->kind == TY_POINTER && pa->out)
				v = type_resolve(v->ref);
			if (!v || v->kind != TY_POINTER)
				ERR(pa->loc, "[context_handle] parameter '%s' must be a pointer"
				    " (void *)", pa->name);
		}
		set_ptr_kinds(s, pa->type, pa->attrs, true, 0);
		{
			const char *w = why_not_wire(pa->type, pa->attrs, 0);

			if (w)
				ERR(pa->loc, "parameter '%s' of '%s': %s cannot be transmitted",
				    pa->name, op->name, w);
		}
	}
	if (rr && rr->kind != TY_VOID && !is_context_handle(op->ret, op->attrs)) {
		const char *w = why_not_wire(op->ret, NULL, 0);

		if (w)
			ERR(op->loc, "return value of '%s': %s cannot be transmitted", op->name, w);
	}
	for (int i = 0; i < op->nparams; i++) {
		struct param *pa = &op->params[i];

		check_decl_attrs(s, pa->attrs, pa->type, pa->name, C_PARAM);
		check_union_ref(s, pa->attrs, pa->type, pa->name, pa->loc);
		/* correlation variables of an [in] parameter must be [in] */
		for (struct attr *a = pa->attrs; a; a = a->next) {
			if (strcmp(a->name, "size_is") && strcmp(a->name, "length_is") &&
			    strcmp(a->name, "switch_is") && strcmp(a->name, "max_is") &&
			    strcmp(a->name, "first_is") && strcmp(a->name, "last_is"))
				continue;
			for (int j = 0; j < a->nargs; j++) {
				struct expr *e = a->args[j];

				if (e->kind == E_UNARY && e->op == '*')
					e = e->a;
				if (e->kind != E_IDENT)
					continue;
				for (int k = 0; k < op->nparams; k++)
					if (!strcmp(op->params[k].name, e->str) && pa->in &&
					    !op->params[k].in)
						ERR(e->loc, "[%s(%s)] on [in] parameter '%s' names"
						    " an [out]-only parameter", a->name, e->str,
						    pa->name);
			}
		}
	}
	s->params = NULL;
	s->nparams = 0;
	(void)explicit_handle;
}

static bool parse_uuid(const char *s, uint8_t out[16])
{
	/* 8-4-4-4-12, blanks allowed (cpp may insert them) */
	static const int groups[] = { 8, 4, 4, 4, 12 };
	int n = 0;

	for (int g = 0; g < 5; g++) {
		for (int i = 0; i < groups[g]; i++) {
			int hi, lo;

			while (*s == ' ' || *s == '\t')
				s++;
			hi = *s >= '0' && *s <= '9' ? *s - '0' : (*s | 32) >= 'a' && (*s | 32) <= 'f'
				? (*s | 32) - 'a' + 10 : -1;
			if (hi < 0)
				return false;
			s++;
			i++;
			while (*s == ' ' || *s == '\t')
				s++;
			lo = *s >= '0' && *s <= '9' ? *s - '0' : (*s | 32) >= 'a' && (*s | 32) <= 'f'
				? (*s | 32) - 'a' + 10 : -1;
			if (lo < 0)
				return false;
			s++;
			out[n++] = (uint8_t)(hi << 4 | lo);
		}
		while (*s == ' ' || *s == '\t')
			s++;
		if (g < 4 && *s++ != '-')
			return false;
	}
	while (*s == ' ' || *s == '\t')
		s++;
	return *s == 0;
}

static void check_iface_attrs(struct sema *s, struct interface *in)
{
	for (struct attr *a = in->attrs; a; a = a->next) {
		for (struct attr *b = a->next; b; b = b->next)
			if (!strcmp(a->name, b->name))
				ERR(b->loc, "duplicate attribute '%s'", b->name);
		if (!strcmp(a->name, "uuid")) {
			if (!a->raw || !parse_uuid(a->raw, in->uuid))
				ERR(a->loc, "expected a uuid of the form"
				    " xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx");
			else
				in->has_uuid = true;
		} else if (!strcmp(a->name, "version")) {
			unsigned long ma = 0, mi = 0;
			const char *p = a->raw;
			char *end;

			if (!p || !*p || *p < '0' || *p > '9')
				goto badver;
			ma = strtoul(p, &end, 10);
			if (*end == '.') {
				if (end[1] < '0' || end[1] > '9')
					goto badver;
				mi = strtoul(end + 1, &end, 10);
			}
			if (*end || ma > 65535 || mi > 65535)
				goto badver;
			in->ver_major = (uint16_t)ma;
			in->ver_minor = (uint16_t)mi;
			continue;
badver:
			ERR(a->loc, "expected version(major.minor) with numbers up to 65535");
		} else if (!strcmp(a->name, "pointer_default")) {
			const char *k = a->nargs == 1 && a->args[0]->kind == E_IDENT ?
					a->args[0]->str : "";

			if (!strcmp(k, "ref"))
				in->ptr_default = PTR_REF;
			else if (!strcmp(k, "unique"))
				in->ptr_default = PTR_UNIQUE;
			else if (!strcmp(k, "ptr"))
				in->ptr_default = PTR_FULL;
			else
				ERR(a->loc, "expected pointer_default(ref), (unique) or (ptr)");
		} else if (!strcmp(a->name, "endpoint")) {
			for (int i = 0; i < a->nargs; i++) {
				if (a->args[i]->kind != E_STRING) {
					ERR(a->args[i]->loc, "expected an endpoint string"
					    " \"protseq:[endpoint]\"");
					continue;
				}
				if (!strchr(a->args[i]->str, ':') || !strchr(a->args[i]->str, '['))
					ERR(a->args[i]->loc, "endpoint \"%s\" is not of the form"
					    " \"protseq:[endpoint]\"", a->args[i]->str);
				{
					const char **e = arena_alloc(&s->ctx->arena,
						sizeof(char *) * (size_t)(in->nendpoints + 1));

					if (in->nendpoints)
						memcpy(e, in->endpoints,
						       sizeof(char *) * (size_t)in->nendpoints);
					e[in->nendpoints++] = a->args[i]->str;
					in->endpoints = e;
				}
			}
		} else if (!strcmp(a->name, "ms_union")) {
			in->ms_union = a;
		} else if (!strcmp(a->name, "strict_context_handle") ||
			   !strcmp(a->name, "context_handle_serialize")) {
			/* what the runtime always does (<lrpc/stub.h>) */
		} else if (!strcmp(a->name, "context_handle_noserialize")) {
			in->ctx_noserialize = true;
		} else if (!strcmp(a->name, "async_uuid")) {
			idl_warning(s->ctx, a->loc, "attribute 'async_uuid' ignored: no COM"
				    " asynchronous interface is generated");
		} else if (!strcmp(a->name, "disable_consistency_check") ||
			   !strcmp(a->name, "helpcontext") || !strcmp(a->name, "hidden") ||
			   !strcmp(a->name, "helpstringcontext") ||
			   !strcmp(a->name, "annotation") || !strcmp(a->name, "custom")) {
			/* nothing on the wire */
		} else if (!strcmp(a->name, "local") || !strcmp(a->name, "object") ||
			   !strcmp(a->name, "helpstring") ||
			   !strcmp(a->name, "async_uuid") || !strcmp(a->name, "dual") ||
			   !strcmp(a->name, "oleautomation") || !strcmp(a->name, "nonextensible")) {
			/* notes are given by the parser for local/object */
		} else {
			ERR(a->loc, "unknown or unsupported interface attribute '%s'", a->name);
		}
	}
	if (!in->has_uuid && !in->local && !in->forward)
		ERR(in->loc, "interface '%s' has no [uuid]", in->name);
}

/* NDR20 alignment of a type (C706 14.2.2, pointers 4). */
static int ndr20_align(struct type *t, int depth)
{
	int al = 1;

	t = type_resolve(t);
	if (!t || depth > 32)
		return 1;
	switch (t->kind) {
	case TY_SHORT: case TY_WCHAR: case TY_ENUM:
		return t->kind == TY_ENUM && t->v1_enum ? 4 : 2;
	case TY_LONG: case TY_FLOAT: case TY_ERROR_STATUS: case TY_POINTER:
		return 4;
	case TY_HYPER: case TY_DOUBLE:
		return 8;
	case TY_ARRAY:
		al = ndr20_align(t->ref, depth + 1);
		return !t->size && al < 4 ? 4 : al;
	case TY_STRUCT: case TY_UNION:
		if (t->encapsulated)
			al = ndr20_align(t->discrim->type, depth + 1);
		for (int i = 0; i < t->nfields; i++) {
			int fa = t->fields[i].type ? ndr20_align(t->fields[i].type, depth + 1) : 1;

			if (fa > al)
				al = fa;
		}
		return al;
	default:
		return 1;
	}
}

/*
 * [ms_union] aligns a non-encapsulated union's arm to its largest arm
 * in NDR20; the engine aligns each arm to its own alignment.  The two
 * agree when every arm has the same alignment (the unions of pointers
 * in the Windows interfaces); anything else is refused.
 */
static void ms_union_check(struct sema *s, struct type *u, struct attr *a)
{
	int al = 0;

	if (!u || u->kind != TY_UNION || u->encapsulated || !u->defined)
		return;
	for (int i = 0; i < u->nfields; i++) {
		int fa;

		if (!u->fields[i].type)
			continue;
		fa = ndr20_align(u->fields[i].type, 0);
		if (al && fa != al) {
			ERR(a->loc, "unsupported: [ms_union] on union '%s', whose arms differ"
			    " in alignment (%d and %d octets)", u->name ? u->name : "(anonymous)",
			    al, fa);
			return;
		}
		al = fa;
	}
}

static void ms_union_walk(struct sema *s, struct type *t, struct attr *a, int depth)
{
	if (!t || depth > 32)
		return;
	if (t->kind == TY_POINTER || t->kind == TY_ARRAY) {
		ms_union_walk(s, t->ref, a, depth + 1);
		return;
	}
	if ((t->kind != TY_STRUCT && t->kind != TY_UNION) || !t->defined)
		return;
	if (t->kind == TY_UNION)
		ms_union_check(s, t, a);
	for (int i = 0; i < t->nfields; i++)
		ms_union_walk(s, t->fields[i].type, a, depth + 1);
}

static bool expr_equal(struct sema *s, struct expr *a, struct expr *b, int depth);

static bool type_equal(struct sema *s, struct type *a, struct type *b, int depth)
{
	if (a == b)
		return true;
	if (a && b && depth < 64 && (a->kind == TY_NAMED || b->kind == TY_NAMED) &&
	    !(a->kind == TY_NAMED && b->kind == TY_NAMED && !strcmp(a->name, b->name))) {
		/* typedef DWORD X; and typedef unsigned long X; are the same */
		struct typedef_decl *ta = a->kind == TY_NAMED ? typedef_lookup(s->ctx, a->name) : NULL;
		struct typedef_decl *tb = b->kind == TY_NAMED ? typedef_lookup(s->ctx, b->name) : NULL;

		if ((a->kind == TY_NAMED && (!ta || ta->attrs)) ||
		    (b->kind == TY_NAMED && (!tb || tb->attrs)))
			return false;
		return type_equal(s, ta ? ta->type : a, tb ? tb->type : b, depth + 1);
	}
	if (!a || !b || depth > 64 || a->kind != b->kind || a->is_unsigned != b->is_unsigned ||
	    a->is_const != b->is_const)
		return false;
	switch (a->kind) {
	case TY_NAMED:
		return !strcmp(a->name, b->name);
	case TY_POINTER:
		return type_equal(s, a->ref, b->ref, depth + 1);
	case TY_ARRAY:
		return !a->size == !b->size && (!a->size || expr_equal(s, a->size, b->size, 0)) &&
		       type_equal(s, a->ref, b->ref, depth + 1);
	case TY_STRUCT:
	case TY_UNION:
	case TY_ENUM:
		if ((a->name || b->name) && (!a->name || !b->name || strcmp(a->name, b->name)))
			return false;
		if (!a->defined || !b->defined)
			return a->defined == b->defined;
		if (a->nfields != b->nfields || a->nmembers != b->nmembers ||
		    a->encapsulated != b->encapsulated)
			return false;
		for (int i = 0; i < a->nmembers; i++)
			if (strcmp(a->members[i].name, b->members[i].name) ||
			    !a->members[i].value != !b->members[i].value ||
			    (a->members[i].value &&
			     !expr_equal(s, a->members[i].value, b->members[i].value, 0)))
				return false;
		for (int i = 0; i < a->nfields; i++) {
			struct field *x = &a->fields[i], *y = &b->fields[i];

			if (!x->name != !y->name || (x->name && strcmp(x->name, y->name)) ||
			    x->ncases != y->ncases || x->is_default != y->is_default ||
			    !type_equal(s, x->type, y->type, depth + 1))
				return false;
		}
		return true;
	default:
		return true;
	}
}

static bool expr_equal(struct sema *s, struct expr *a, struct expr *b, int depth)
{
	int64_t x, y;

	if (eval(s, a, &x, false, 0) && eval(s, b, &y, false, 0))
		return x == y;
	if (depth > 64 || a->kind != b->kind || a->op != b->op)
		return false;
	if (a->kind == E_IDENT || a->kind == E_STRING)
		return !strcmp(a->str, b->str);
	return (!a->a || expr_equal(s, a->a, b->a, depth + 1)) &&
	       (!a->b || expr_equal(s, a->b, b->b, depth + 1)) &&
	       (!a->c || expr_equal(s, a->c, b->c, depth + 1));
}

static bool attrs_equal(struct sema *s, struct attr *a, struct attr *b)
{
	int na = 0, nb = 0;

	for (struct attr *x = a; x; x = x->next, na++) {
		struct attr *y = attr_find(b, x->name);

		if (!y || x->nargs != y->nargs || !x->raw != !y->raw ||
		    (x->raw && strcmp(x->raw, y->raw)) ||
		    !type_equal(s, x->type_arg, y->type_arg, 0))
			return false;
		for (int i = 0; i < x->nargs; i++)
			if (!expr_equal(s, x->args[i], y->args[i], 0))
				return false;
	}
	for (struct attr *y = b; y; y = y->next)
		nb++;
	return na == nb;
}

/*
 * MIDL accepts a typedef repeated word for word (real files include the
 * same base types twice); the repetition declares nothing new and is
 * left out of the generated C.  A different one is a redefinition.
 */
static bool td_repeat(struct sema *s, struct typedef_decl *td)
{
	struct sym *y = sym_find(s, td->name, SYM_TYPEDEF);
	struct typedef_decl *old;

	if (!y || y->kind != SYM_TYPEDEF || y->p == td)
		return false;
	old = y->p;
	if (!type_equal(s, old->type, td->type, 0) || !attrs_equal(s, old->attrs, td->attrs))
		return false;
	td->same_as = old->same_as ? old->same_as : old;
	td->context_handle = old->context_handle;
	td->bind_handle = old->bind_handle;
	return true;
}

static void check_typedef(struct sema *s, struct typedef_decl *td)
{
	struct attr *a;
	struct type *r;

	if (td_repeat(s, td))
		return;
	check_attr_names(s, td->attrs, C_TYPEDEF);
	td->context_handle = attr_find(td->attrs, "context_handle") != NULL;
	td->bind_handle = attr_find(td->attrs, "handle") != NULL;
	if ((a = attr_find(td->attrs, "switch_type"))) {
		/* the attribute belongs to the union type, whatever the
		 * declarator: typedef [switch_type(T)] union U {...} U, *PU; */
		struct type *u = td->type;

		while (u && (u->kind == TY_POINTER || u->kind == TY_ARRAY))
			u = u->ref;
		if (u && u->kind == TY_NAMED) {
			check_type(s, u, td->loc);
			u = type_resolve(u);
		}
		if (!u || u->kind != TY_UNION)
			ERR(a->loc, "[switch_type] on '%s', which is not a union", td->name);
		else if (u->encapsulated)
			ERR(a->loc, "[switch_type] on encapsulated union '%s'", td->name);
		else
			u->switch_type = a->type_arg;
	}
	if ((a = attr_find(td->attrs, "v1_enum"))) {
		struct type *u = td->type;

		while (u && (u->kind == TY_POINTER || u->kind == TY_ARRAY))
			u = u->ref;
		if (!u || u->kind != TY_ENUM)
			ERR(a->loc, "[v1_enum] on '%s', which is not an enum", td->name);
		else
			u->v1_enum = true;
	}
	if ((a = attr_find(td->attrs, "ms_union"))) {
		struct type *u = td->type;

		while (u && (u->kind == TY_POINTER || u->kind == TY_ARRAY))
			u = u->ref;
		check_type(s, u, td->loc);
		ms_union_check(s, type_resolve(u), a);
	}
	if (td->bind_handle) {
		struct type *r = type_resolve(td->type);

		if (td->context_handle)
			ERR(td->loc, "'%s' is both [handle] and [context_handle]", td->name);
		else if (r && r->kind == TY_HANDLE)
			ERR(td->loc, "[handle] on '%s', which is already a handle_t", td->name);
	}
	check_type(s, td->type, td->loc);
	if (td->type->kind == TY_UNION && td->type->switch_type)
		check_type(s, td->type->switch_type, td->loc);
	sym_add(s, td->name, SYM_TYPEDEF, td, td->loc);
	set_ptr_kinds(s, td->type, td->attrs, false, 0);
	r = type_resolve(td->type);
	if (td->context_handle && (!r || r->kind != TY_POINTER))
		ERR(td->loc, "[context_handle] type '%s' must be a pointer (void *)", td->name);
	if (attr_find(td->attrs, "string"))
		check_decl_attrs(s, td->attrs, td->type, td->name, C_TYPEDEF);
}

static void check_const(struct sema *s, struct const_decl *cd)
{
	struct type *t;

	check_type(s, cd->type, cd->loc);
	t = type_resolve(cd->type);
	if (t && t->kind == TY_POINTER && is_char_like(t->ref)) {
		if (cd->value->kind != E_STRING) {
			ERR(cd->value->loc, "constant '%s' of string type needs a string literal",
			    cd->name);
		} else {
			cd->is_string = true;
			cd->sval = cd->value->str;
			if (cd->value->wide != (type_resolve(t->ref)->kind == TY_WCHAR))
				ERR(cd->value->loc, "constant '%s': %s string for a %s type",
				    cd->name, cd->value->wide ? "wide" : "narrow",
				    cd->value->wide ? "char" : "wchar_t");
		}
	} else if (!type_is_integer(cd->type)) {
		ERR(cd->loc, "constant '%s' must have an integer, char or string type",
		    cd->name);
	} else if (eval(s, cd->value, &cd->ival, true, 0)) {
		if (!fits(cd->type, cd->ival))
			ERR(cd->value->loc, "value %lld of constant '%s' does not fit its type",
			    (long long)cd->ival, cd->name);
	}
	sym_add(s, cd->name, SYM_CONST, cd, cd->loc);
}

/* Does the operation name its binding (handle_t, [handle] or context handle)? */
/* Does a typedef on t's chain carry [handle] (bind) or [context_handle]? */
static bool td_chain(struct type *t, bool bind)
{
	for (int i = 0; t && t->kind == TY_NAMED && t->td && i < 32; i++) {
		if (bind ? t->td->bind_handle : t->td->context_handle)
			return true;
		t = t->td->type;
	}
	return false;
}

/* Does the operation name its binding: handle_t first, or an [in]
 * [handle] or context handle parameter (MIDL)? */
static bool has_binding_param(struct operation *op)
{
	for (int i = 0; i < op->nparams; i++) {
		struct param *pa = &op->params[i];
		struct type *r = type_resolve(pa->type);

		if (i == 0 && r && r->kind == TY_HANDLE)
			return true;
		if (!attr_find(pa->attrs, "in"))
			continue;
		if (td_chain(pa->type, true) || td_chain(pa->type, false) ||
		    attr_find(pa->attrs, "context_handle"))
			return true;
		if (r && r->kind == TY_POINTER && td_chain(r->ref, false))
			return true;
	}
	return false;
}

/* ACF [explicit_handle]: `handle_t IDL_handle' first where none is named. */
static void add_explicit_handle(struct sema *s, struct operation *op)
{
	struct param *np;

	for (int i = 0; i < op->nparams; i++)
		check_type(s, op->params[i].type, op->params[i].loc);
	if (has_binding_param(op))
		return;
	np = arena_alloc(&s->ctx->arena, sizeof(*np) * (size_t)(op->nparams + 1));
	np[0].name = "IDL_handle";
	np[0].loc = op->loc;
	np[0].type = arena_alloc(&s->ctx->arena, sizeof(struct type));
	np[0].type->kind = TY_HANDLE;
	np[0].type->loc = op->loc;
	if (op->nparams)
		memcpy(np + 1, op->params, sizeof(*np) * (size_t)op->nparams);
	op->params = np;
	op->nparams++;
}

static void check_items(struct sema *s, struct item *items, struct interface *in)
{
	for (struct item *it = items; it; it = it->next) {
		switch (it->kind) {
		case IT_TYPEDEF:
			check_typedef(s, it->td);
			break;
		case IT_CONST:
			check_const(s, it->cd);
			break;
		case IT_TAGDECL:
			check_type(s, it->tag, it->loc);
			set_ptr_kinds_deep(s, it->tag, 0);
			break;
		case IT_OP:
			if (!in)
				break;
			for (struct item *o = in->items; o != it; o = o->next)
				if (o->kind == IT_OP && !strcmp(o->op->name, it->op->name))
					ERR(it->op->loc, "duplicate operation '%s'", it->op->name);
			if (attr_find(it->op->attrs, "local")) {
				/* a local routine: no stub and no opnum (MIDL) */
				check_attr_names(s, it->op->attrs, C_OP);
				it->op->local = true;
				it->op->opnum = -1;
				break;
			}
			if (in->acf_explicit || it->op->acf_explicit)
				add_explicit_handle(s, it->op);
			it->op->opnum = in->nops++;
			check_op(s, in, it->op);
			break;
		default:
			break;
		}
	}
}

static void pre_collect(struct sema *s, struct item *items)
{
	for (struct item *it = items; it; it = it->next) {
		if (it->kind == IT_TYPEDEF)
			collect_tags(s, it->td->type, 0);
		else if (it->kind == IT_TAGDECL)
			collect_tags(s, it->tag, 0);
		else if (it->kind == IT_OP) {
			collect_tags(s, it->op->ret, 0);
			for (int i = 0; i < it->op->nparams; i++)
				collect_tags(s, it->op->params[i].type, 0);
		}
	}
}

static void pointer_kinds_for_types(struct sema *s, struct item *items)
{
	for (struct item *it = items; it; it = it->next) {
		if (it->kind == IT_TYPEDEF)
			set_ptr_kinds_deep(s, it->td->type, 0);
		else if (it->kind == IT_OP) {
			for (int i = 0; i < it->op->nparams; i++) {
				struct type *t = it->op->params[i].type;

				for (int d = 0; t && d < 64; d++, t = t->ref)
					set_ptr_kinds_deep(s, t, 0);
			}
		}
	}
}

static void clear_marks(struct type *t, int depth)
{
	if (!t || depth > 64)
		return;
	if ((t->kind == TY_STRUCT || t->kind == TY_UNION) && t->defined) {
		if (!t->emitted)
			return;
		t->emitted = false;
		for (int i = 0; i < t->nfields; i++)
			clear_marks(t->fields[i].type, depth + 1);
		return;
	}
	if (t->kind == TY_POINTER || t->kind == TY_ARRAY)
		clear_marks(t->ref, depth + 1);
}

static void clear_all_marks(struct item *items)
{
	for (struct item *it = items; it; it = it->next) {
		if (it->kind == IT_TYPEDEF)
			clear_marks(it->td->type, 0);
		else if (it->kind == IT_TAGDECL)
			clear_marks(it->tag, 0);
		else if (it->kind == IT_OP)
			for (int i = 0; i < it->op->nparams; i++)
				clear_marks(it->op->params[i].type, 0);
	}
}

static void check_file(struct sema *s, struct idl_file *f)
{
	pre_collect(s, f->items);
	for (int i = 0; i < f->nifaces; i++)
		pre_collect(s, f->ifaces[i]->items);
	/* top-level items and interfaces in source order: interfaces are
	 * not in f->items, so walk by location order of appearance */
	check_items(s, f->items, NULL);
	for (int i = 0; i < f->nifaces; i++) {
		struct interface *in = f->ifaces[i];

		s->iface = in;
		check_iface_attrs(s, in);
		s->ptr_default = in->ptr_default;
		if (in->acf_implicit) {
			struct attr *a = in->acf_implicit;
			struct type *r;

			check_type(s, a->type_arg, a->loc);
			r = type_resolve(a->type_arg);
			if (!r || (r->kind != TY_HANDLE && !(r->kind == TY_POINTER)))
				ERR(a->loc, "implicit_handle must be a handle_t");
			in->implicit_handle = a->raw;
			in->implicit_handle_type = a->type_arg->kind == TY_NAMED ?
						   a->type_arg->name : "handle_t";
		}
		if (in->base) {
			struct interface *b = NULL;

			for (int j = 0; j < s->ctx->nall && !b; j++)
				for (int k = 0; k < s->ctx->all[j]->nifaces; k++)
					if (!strcmp(s->ctx->all[j]->ifaces[k]->name, in->base) &&
					    s->ctx->all[j]->ifaces[k] != in)
						b = s->ctx->all[j]->ifaces[k];
			if (!b)
				ERR(in->base_loc, "unknown base interface '%s' (import the file"
				    " that defines it)", in->base);
			else if (!b->nops && b->items && b->from_import == in->from_import &&
				 b->loc.line > in->loc.line && b->loc.file == in->loc.file)
				ERR(in->base_loc, "base interface '%s' is defined after '%s'",
				    in->base, in->name);
			else
				in->nops = in->base_nops = b->nops;
		}
		check_items(s, in->items, in);
		if (in->ms_union)
			for (struct item *it = in->items; it; it = it->next)
				ms_union_walk(s, it->kind == IT_TYPEDEF ? it->td->type :
					      it->kind == IT_TAGDECL ? it->tag : NULL,
					      in->ms_union, 0);
		pointer_kinds_for_types(s, in->items);
		clear_all_marks(in->items);
		s->iface = NULL;
		s->ptr_default = PTR_DEFAULT;
	}
	pointer_kinds_for_types(s, f->items);
	clear_all_marks(f->items);
}

int idl_check(struct idl_ctx *ctx, struct idl_file *f)
{
	struct sema *s = arena_alloc(&ctx->arena, sizeof(*s));
	int before = ctx->errors;

	s->ctx = ctx;
	S = s;
	for (int i = 0; i < ctx->nall; i++)
		if (ctx->all[i] != f)
			check_file(s, ctx->all[i]);
	check_file(s, f);
	return ctx->errors - before;
}
