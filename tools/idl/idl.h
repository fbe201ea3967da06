/* SPDX-License-Identifier: MIT */
/*
 * lrpc-idl internals: source positions and diagnostics, the lexer, the AST
 * the parser builds, semantic analysis and the code generators.
 *
 * Memory: every node lives in one arena (struct idl_ctx.arena) and is
 * freed in one go, so an error path never has to unwind a half-built tree.
 * Parse errors longjmp back to idl_parse_buffer(); semantic errors are
 * collected and counted.
 */
#ifndef LRPC_IDL_H
#define LRPC_IDL_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct loc {
	const char *file;
	int line;
	int col;
};

/* ---- arena ---- */
struct arena_chunk;
struct arena {
	struct arena_chunk *head;
};
void *arena_alloc(struct arena *a, size_t n);	/* zeroed */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void arena_free(struct arena *a);

/* ---- lexer ---- */
enum tok_kind {
	T_EOF,
	T_IDENT,
	T_INT,		/* integer literal, value in tok.ival */
	T_FLOAT,	/* numeric literal with '.' or exponent (version only) */
	T_STRING,	/* "..." or L"...", unescaped text in tok.text */
	T_CHAR,		/* 'x' or L'x' */
	T_PUNCT,	/* one of the operators/punctuators, text in tok.text */
};

struct token {
	enum tok_kind kind;
	const char *text;	/* identifier / punct / decoded string */
	size_t len;		/* decoded length (strings may hold NUL) */
	uint64_t ival;
	bool wide;		/* L"" or L'' */
	struct loc loc;
};

struct lexer {
	struct idl_ctx *ctx;
	const char *buf;
	size_t len;
	size_t pos;
	const char *file;	/* current logical file (#line markers) */
	int line;
	size_t line_start;	/* offset of the current line's first byte */
};

void lex_init(struct lexer *lx, struct idl_ctx *ctx, const char *file,
	      const char *buf, size_t len);
void lex_next(struct lexer *lx, struct token *t);
/* Raw text up to (not including) the next `close' at nesting level 0. */
char *lex_raw_until(struct lexer *lx, char close, struct loc *where);

/* ---- expressions ---- */
enum expr_kind {
	E_INT,
	E_STRING,
	E_CHAR,
	E_IDENT,	/* a constant, enum member, field or parameter name */
	E_UNARY,	/* op: - ~ ! + * (deref) */
	E_BINARY,
	E_COND,		/* a ? b : c */
	E_EMPTY,	/* omitted size_is() slot, as in size_is(, n) */
	E_SIZEOF,	/* sizeof(type): ty */
};

struct expr {
	enum expr_kind kind;
	int op;			/* operator: char or OP_* below */
	uint64_t ival;
	const char *str;	/* E_STRING, E_IDENT */
	bool wide;
	struct expr *a, *b, *c;
	struct type *ty;	/* E_SIZEOF */
	struct loc loc;
};

enum {
	OP_SHL = 256, OP_SHR, OP_EQ, OP_NE, OP_LE, OP_GE, OP_ANDAND, OP_OROR,
};

/* ---- attributes ---- */
struct attr {
	struct attr *next;
	const char *name;
	struct expr **args;	/* NULL entries never; E_EMPTY for gaps */
	int nargs;
	const char *raw;	/* uuid(), version(), endpoint strings etc. */
	struct type *type_arg;	/* switch_type(T) */
	struct loc loc;
};

/* ---- types ---- */
enum type_kind {
	TY_VOID,
	TY_BOOLEAN,
	TY_BYTE,
	TY_CHAR,
	TY_WCHAR,
	TY_SMALL,	/* 8-bit integer */
	TY_SHORT,
	TY_LONG,	/* long and int: 32 bits in IDL */
	TY_HYPER,
	TY_INT3264,	/* __int3264: 32 bits in NDR20, 64 in NDR64 */
	TY_FLOAT,
	TY_DOUBLE,
	TY_ERROR_STATUS,
	TY_HANDLE,	/* handle_t */
	TY_ENUM,
	TY_STRUCT,
	TY_UNION,
	TY_POINTER,
	TY_ARRAY,
	TY_NAMED,	/* reference to a typedef, resolved in sema */
};

enum ptr_kind { PTR_DEFAULT, PTR_REF, PTR_UNIQUE, PTR_FULL };

struct enum_member {
	const char *name;
	struct expr *value;	/* NULL: previous + 1 */
	int64_t ival;		/* after sema */
	struct loc loc;
};

struct field;

struct type {
	enum type_kind kind;
	bool is_unsigned;
	bool is_signed;		/* explicit 'signed' */
	bool is_const;
	const char *name;	/* tag (struct/union/enum) or typedef name */
	struct loc loc;

	/* TY_POINTER, TY_ARRAY: element; TY_NAMED: resolved typedef */
	struct type *ref;
	struct typedef_decl *td;	/* TY_NAMED: the typedef */

	/* TY_ARRAY: fixed size or NULL ([] and [*]) */
	struct expr *size;
	int64_t nelems;		/* after sema, -1 when conformant */

	/* TY_POINTER: kind from attributes; PTR_DEFAULT resolved in sema */
	enum ptr_kind ptr;
	bool ptr_explicit;	/* from [ref]/[unique]/[ptr], not a default */

	/* TY_STRUCT / TY_UNION body; defined == false for a forward reference */
	bool defined;
	struct field *fields;
	int nfields;
	struct type *tag_def;	/* a reference to a tag: the definition */

	/* TY_UNION */
	struct type *switch_type;	/* from [switch_type] */
	bool encapsulated;
	struct field *discrim;		/* encapsulated: switch (T name) */
	const char *arm_name;		/* encapsulated: union name */

	/* TY_ENUM */
	struct enum_member *members;
	int nmembers;
	bool v1_enum;

	/* generator scratch */
	int gen_id;
	bool emitted;
	bool visiting;
	bool checked;
};

struct field {
	const char *name;	/* NULL: empty union arm */
	struct type *type;
	struct attr *attrs;
	struct loc loc;
	/* union arms */
	struct expr **cases;
	int ncases;
	bool is_default;
	bool anonymous;		/* unnamed struct/union member (name NULL) */
};

struct typedef_decl {
	const char *name;
	struct type *type;
	struct attr *attrs;
	struct loc loc;
	bool context_handle;
	bool from_import;
	bool bind_handle;	/* [handle]: NAME_bind / NAME_unbind */
	struct attr *acf_attrs;	/* from the ACF's typedef */
	struct typedef_decl *same_as;	/* an identical earlier declaration */
};

struct const_decl {
	const char *name;
	struct type *type;
	struct expr *value;
	struct loc loc;
	/* after sema */
	bool is_string;
	int64_t ival;
	const char *sval;
	bool from_import;
};

struct param {
	const char *name;
	struct type *type;
	struct attr *attrs;
	struct loc loc;
	bool in, out;
};

struct operation {
	const char *name;
	struct type *ret;
	struct attr *attrs;
	struct param *params;
	int nparams;
	struct loc loc;
	int opnum;
	/* from the ACF */
	bool comm_status, fault_status;
	bool acf_explicit;	/* [explicit_handle]: handle_t added in sema */
	bool local;		/* [local]: no stub, no opnum */
	const char *ret_ref;	/* generator scratch */
};

enum item_kind {
	IT_TYPEDEF,
	IT_CONST,
	IT_TAGDECL,	/* struct/union/enum declared without typedef */
	IT_OP,
	IT_CPP_QUOTE,
	IT_IMPORT,
};

struct item {
	enum item_kind kind;
	struct item *next;
	struct typedef_decl *td;
	struct const_decl *cd;
	struct type *tag;
	struct operation *op;
	const char *text;	/* cpp_quote text / import file */
	struct loc loc;
	bool from_import;
};

struct interface {
	const char *name;
	struct attr *attrs;
	struct loc loc;
	struct item *items;
	struct item **tail;
	bool from_import;
	bool forward;		/* `interface X;' */
	bool local;		/* [local] or [object]: notes only */
	const char *base;	/* interface NAME : base */
	struct loc base_loc;
	int base_nops;		/* after sema: the first own opnum */
	/* after sema */
	uint8_t uuid[16];
	bool has_uuid;
	uint16_t ver_major, ver_minor;
	enum ptr_kind ptr_default;
	const char **endpoints;
	int nendpoints;
	int nops;
	/* ACF */
	struct attr *acf_implicit;
	bool acf_explicit;
	bool ctx_noserialize;		/* [context_handle_noserialize] */
	struct attr *ms_union;		/* [ms_union]: checked, see sema.c */
	const char *implicit_handle;		/* variable name */
	const char *implicit_handle_type;	/* handle_t or a typedef */
};

struct idl_file {
	const char *path;
	struct item *items;		/* top-level items, in order */
	struct item **tail;
	struct interface **ifaces;
	int nifaces;
	struct idl_file *imports;	/* linked through next_import */
	struct idl_file *next_import;
	bool is_import;
};

struct idl_ctx {
	struct arena arena;
	jmp_buf fail;
	int errors;
	int warnings;
	FILE *err;
	const char **incdirs;
	int nincdirs;
	const char **defines;
	int ndefines;
	const char *cpp;	/* NULL: no preprocessor */
	bool force_cpp;		/* run cpp even without directives */
	bool no_imports;	/* fuzzing: record imports, do not read them */
	int import_depth;
	struct idl_file *root;
	/* every import, in order, for type lookup */
	struct idl_file **all;
	int nall;
	bool quiet_notes;
};

/* diag.c */
void idl_error(struct idl_ctx *ctx, struct loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void idl_warning(struct idl_ctx *ctx, struct loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void idl_note(struct idl_ctx *ctx, struct loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
_Noreturn void idl_fatal(struct idl_ctx *ctx, struct loc loc,
			 const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* parse.c: returns NULL after reporting an error */
struct idl_file *idl_parse_buffer(struct idl_ctx *ctx, const char *path,
				  const char *buf, size_t len, bool is_import);
struct idl_file *idl_parse_file(struct idl_ctx *ctx, const char *path,
				bool is_import);
int idl_parse_acf(struct idl_ctx *ctx, struct idl_file *f, const char *path);
char *idl_read_source(struct idl_ctx *ctx, const char *path, size_t *len);

/* sema.c: returns number of errors */
int idl_check(struct idl_ctx *ctx, struct idl_file *f);
struct attr *attr_find(struct attr *list, const char *name);
struct type *type_resolve(struct type *t);	/* through typedefs */
bool type_is_integer(const struct type *t);
bool eval_const(struct idl_ctx *ctx, struct expr *e, int64_t *out,
		bool report);
struct const_decl *const_lookup(struct idl_ctx *ctx, const char *name);
struct typedef_decl *typedef_lookup(struct idl_ctx *ctx, const char *name);
bool c_layout(struct type *t, int64_t *size, int64_t *align, int depth);
const char *why_not_wire(struct type *t, struct attr *attrs, int depth);

/* dump.c: canonical AST dump for golden tests */
void idl_dump(FILE *out, struct idl_file *f);
void dump_expr(FILE *out, const struct expr *e);
const char *type_kind_name(enum type_kind k);

/* gen_*.c */
struct gen_opts {
	const char *basename;	/* used in #include lines */
	const char *header_name;
	bool client, server;
	const char *client_prefix;	/* --client-prefix */
	const char *server_prefix;	/* --server-prefix */
	bool no_report;			/* --client-no-report */
	bool imported;			/* generating an imported file's own */
};
int gen_header(struct idl_ctx *ctx, struct idl_file *f, FILE *out,
	       const struct gen_opts *o);
int gen_tables(struct idl_ctx *ctx, struct idl_file *f, FILE *out,
	       const struct gen_opts *o);
int gen_client(struct idl_ctx *ctx, struct idl_file *f, FILE *out,
	       const struct gen_opts *o);
int gen_server(struct idl_ctx *ctx, struct idl_file *f, FILE *out,
	       const struct gen_opts *o);

#endif
