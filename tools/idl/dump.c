// SPDX-License-Identifier: MIT
/*
 * Canonical AST dump (--dump-ast), the format of the parser golden tests.
 * One declaration per line, nested bodies indented by two spaces; types
 * in prefix form (ptr(unique) long, array[64] long); expressions fully
 * parenthesized; values that sema computed (opnums, pointer kinds,
 * enumerator and constant values) are shown.
 */
#include <inttypes.h>
#include <string.h>

#include "idl.h"

const char *type_kind_name(enum type_kind k)
{
	static const char *const n[] = {
		[TY_VOID] = "void", [TY_BOOLEAN] = "boolean", [TY_BYTE] = "byte",
		[TY_CHAR] = "char", [TY_WCHAR] = "wchar_t", [TY_SMALL] = "small",
		[TY_SHORT] = "short", [TY_LONG] = "long", [TY_HYPER] = "hyper",
		[TY_INT3264] = "__int3264", [TY_FLOAT] = "float", [TY_DOUBLE] = "double",
		[TY_ERROR_STATUS] = "error_status_t", [TY_HANDLE] = "handle_t",
		[TY_ENUM] = "enum", [TY_STRUCT] = "struct", [TY_UNION] = "union",
		[TY_POINTER] = "ptr", [TY_ARRAY] = "array", [TY_NAMED] = "named",
	};
	return n[k];
}

static const char *op_name(int op)
{
	static char b[2];

	switch (op) {
	case OP_SHL: return "<<";
	case OP_SHR: return ">>";
	case OP_EQ: return "==";
	case OP_NE: return "!=";
	case OP_LE: return "<=";
	case OP_GE: return ">=";
	case OP_ANDAND: return "&&";
	case OP_OROR: return "||";
	}
	b[0] = (char)op;
	b[1] = 0;
	return b;
}

static void dump_str(FILE *out, const char *s, bool wide)
{
	fputs(wide ? "L\"" : "\"", out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void dump_type(FILE *out, const struct type *t, int ind);

void dump_expr(FILE *out, const struct expr *e)
{
	switch (e->kind) {
	case E_INT:
		fprintf(out, "%" PRIu64, e->ival);
		break;
	case E_CHAR:
		fprintf(out, "%s'\\x%02" PRIx64 "'", e->wide ? "L" : "", e->ival);
		break;
	case E_STRING:
		dump_str(out, e->str, e->wide);
		break;
	case E_IDENT:
		fputs(e->str, out);
		break;
	case E_EMPTY:
		break;
	case E_SIZEOF:
		fputs("sizeof(", out);
		dump_type(out, e->ty, 0);
		fputc(')', out);
		break;
	case E_UNARY:
		fprintf(out, "(%c", e->op);
		dump_expr(out, e->a);
		fputc(')', out);
		break;
	case E_BINARY:
		fputc('(', out);
		dump_expr(out, e->a);
		fprintf(out, " %s ", op_name(e->op));
		dump_expr(out, e->b);
		fputc(')', out);
		break;
	case E_COND:
		fputc('(', out);
		dump_expr(out, e->a);
		fputs(" ? ", out);
		dump_expr(out, e->b);
		fputs(" : ", out);
		dump_expr(out, e->c);
		fputc(')', out);
		break;
	}
}

static void dump_attrs(FILE *out, const struct attr *a)
{
	if (!a)
		return;
	fputs(" [", out);
	for (; a; a = a->next) {
		fputs(a->name, out);
		if (a->raw) {
			fprintf(out, "(%s%s%s)", a->type_arg ? type_kind_name(a->type_arg->kind) : "",
				a->type_arg ? " " : "", a->raw);
		} else if (a->type_arg) {
			fprintf(out, "(%s%s%s)", a->type_arg->kind == TY_NAMED ? a->type_arg->name
				: type_kind_name(a->type_arg->kind),
				a->type_arg->is_unsigned ? " unsigned" : "", "");
		} else if (a->nargs) {
			fputc('(', out);
			for (int i = 0; i < a->nargs; i++) {
				if (i)
					fputs(", ", out);
				dump_expr(out, a->args[i]);
			}
			fputc(')', out);
		}
		if (a->next)
			fputs(", ", out);
	}
	fputc(']', out);
}

static const char *ptr_name(enum ptr_kind k)
{
	switch (k) {
	case PTR_REF: return "ref";
	case PTR_UNIQUE: return "unique";
	case PTR_FULL: return "full";
	default: return "default";
	}
}

static void dump_type(FILE *out, const struct type *t, int ind);

static void dump_body(FILE *out, const struct type *t, int ind)
{
	fputs(" {\n", out);
	if (t->kind == TY_ENUM) {
		for (int i = 0; i < t->nmembers; i++)
			fprintf(out, "%*s%s = %" PRId64 "\n", ind + 2, "", t->members[i].name,
				t->members[i].ival);
	} else {
		for (int i = 0; i < t->nfields; i++) {
			const struct field *f = &t->fields[i];

			fprintf(out, "%*s", ind + 2, "");
			if (t->kind == TY_UNION) {
				for (int j = 0; j < f->ncases; j++) {
					fputs("case ", out);
					dump_expr(out, f->cases[j]);
					fputs(": ", out);
				}
				if (f->is_default)
					fputs("default: ", out);
			}
			if (!f->type) {
				fputs("(empty)\n", out);
				continue;
			}
			fprintf(out, "%s :", f->name ? f->name : "(unnamed)");
			dump_attrs(out, f->attrs);
			fputc(' ', out);
			dump_type(out, f->type, ind + 2);
			fputc('\n', out);
		}
	}
	fprintf(out, "%*s}", ind, "");
}

static void dump_type(FILE *out, const struct type *t, int ind)
{
	if (!t) {
		fputs("?", out);
		return;
	}
	if (t->is_const)
		fputs("const ", out);
	switch (t->kind) {
	case TY_POINTER:
		fprintf(out, "ptr(%s) ", ptr_name(t->ptr));
		dump_type(out, t->ref, ind);
		return;
	case TY_ARRAY:
		if (t->size)
			fprintf(out, "array[%" PRId64 "] ", t->nelems);
		else
			fputs("array[] ", out);
		dump_type(out, t->ref, ind);
		return;
	case TY_NAMED:
		fputs(t->name, out);
		return;
	case TY_STRUCT:
	case TY_UNION:
	case TY_ENUM:
		fputs(type_kind_name(t->kind), out);
		if (t->name)
			fprintf(out, " %s", t->name);
		if (t->kind == TY_ENUM && t->v1_enum)
			fputs(" v1", out);
		if (t->kind == TY_UNION && t->encapsulated) {
			fputs(" switch(", out);
			dump_type(out, t->discrim->type, ind);
			fprintf(out, " %s)", t->discrim->name);
			if (t->arm_name)
				fprintf(out, " %s", t->arm_name);
		} else if (t->kind == TY_UNION && t->switch_type) {
			fputs(" switch_type(", out);
			dump_type(out, t->switch_type, ind);
			fputc(')', out);
		}
		/* a definition shared by several declarators is shown once */
		if (t->defined && t->gen_id != -1) {
			((struct type *)t)->gen_id = -1;
			dump_body(out, t, ind);
		}
		return;
	default:
		if (t->is_unsigned)
			fputs("unsigned ", out);
		fputs(type_kind_name(t->kind), out);
		return;
	}
}

static void dump_items(FILE *out, const struct item *it, int ind)
{
	for (; it; it = it->next) {
		fprintf(out, "%*s", ind, "");
		switch (it->kind) {
		case IT_IMPORT:
			fputs("import ", out);
			dump_str(out, it->text, false);
			break;
		case IT_CPP_QUOTE:
			fputs("cpp_quote ", out);
			dump_str(out, it->text, false);
			break;
		case IT_CONST:
			fprintf(out, "const %s : ", it->cd->name);
			dump_type(out, it->cd->type, ind);
			fputs(" = ", out);
			if (it->cd->is_string)
				dump_str(out, it->cd->sval, it->cd->value->wide);
			else
				fprintf(out, "%" PRId64, it->cd->ival);
			break;
		case IT_TYPEDEF:
			fprintf(out, "typedef %s :", it->td->name);
			dump_attrs(out, it->td->attrs);
			fputc(' ', out);
			dump_type(out, it->td->type, ind);
			break;
		case IT_TAGDECL:
			fputs("declare ", out);
			dump_type(out, it->tag, ind);
			break;
		case IT_OP: {
			const struct operation *op = it->op;

			fprintf(out, "op %d %s :", op->opnum, op->name);
			dump_attrs(out, op->attrs);
			fputc(' ', out);
			dump_type(out, op->ret, ind);
			fputc('\n', out);
			for (int i = 0; i < op->nparams; i++) {
				const struct param *pa = &op->params[i];

				fprintf(out, "%*sparam %s%s%s :", ind + 2, "", pa->name,
					pa->in ? " in" : "", pa->out ? " out" : "");
				dump_attrs(out, pa->attrs);
				fputc(' ', out);
				dump_type(out, pa->type, ind + 2);
				fputc('\n', out);
			}
			continue;
		}
		}
		fputc('\n', out);
	}
}

void idl_dump(FILE *out, struct idl_file *f)
{
	const char *base = strrchr(f->path, '/');

	fprintf(out, "file %s\n", base ? base + 1 : f->path);
	dump_items(out, f->items, 0);
	for (int i = 0; i < f->nifaces; i++) {
		const struct interface *in = f->ifaces[i];

		fprintf(out, "interface %s", in->name);
		if (in->has_uuid) {
			const uint8_t *u = in->uuid;

			fprintf(out, " uuid=%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
				"%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5],
				u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
		}
		fprintf(out, " version=%u.%u pointer_default=%s", in->ver_major, in->ver_minor,
			ptr_name(in->ptr_default));
		for (int e = 0; e < in->nendpoints; e++)
			fprintf(out, " endpoint=\"%s\"", in->endpoints[e]);
		if (in->implicit_handle)
			fprintf(out, " implicit_handle=%s %s", in->implicit_handle_type,
				in->implicit_handle);
		if (in->local)
			fputs(" local", out);
		fputc('\n', out);
		dump_items(out, in->items, 2);
	}
}
