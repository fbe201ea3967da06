// SPDX-License-Identifier: MIT
/*
 * lrpc-idl: MIDL/DCE IDL compiler for lrpc.  See man/man1/lrpc-idl.1.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "idl.h"

#define LRPC_IDL_VERSION "0.1"

#ifndef LRPC_IDL_DATADIR
#define LRPC_IDL_DATADIR "/usr/local/share/lrpc/idl"
#endif
#ifndef LRPC_IDL_SRCDIR
#define LRPC_IDL_SRCDIR "idl"
#endif

static void usage(FILE *out)
{
	fputs("usage: lrpc-idl [options] FILE.idl\n"
	      "  -o, --out DIR         write outputs into DIR (default: .)\n"
	      "      --header FILE     header name (default: NAME.h)\n"
	      "      --cstub FILE      client stubs (default: NAME_c.c)\n"
	      "      --sstub FILE      server stubs (default: NAME_s.c)\n"
	      "      --tables FILE     NDR type tables (default: NAME_ndr.c)\n"
	      "      --client none     do not write client stubs\n"
	      "      --server none     do not write server stubs\n"
	      "      --client-prefix P prefix client stub names with P\n"
	      "      --server-prefix P prefix manager routine names with P\n"
	      "      --client-no-report  client stubs leave a failure in rpc_call_status()\n"
	      "                        only, never calling the failure hook (library use)\n"
	      "      --acf FILE        attribute configuration file (default: NAME.acf if present)\n"
	      "  -I DIR                search DIR for imports and #include (then the\n"
	      "                        installed idl directory, with ms-dtyp.idl)\n"
	      "  -D NAME[=VALUE]       define a preprocessor macro\n"
	      "      --cpp CMD         always preprocess with CMD (default: cpp, only when\n"
	      "                        the file has preprocessor directives)\n"
	      "      --no-cpp          never run the preprocessor\n"
	      "      --dump-ast        print the checked syntax tree and stop\n"
	      "      --check           parse and check only\n"
	      "  -q, --quiet           no notes\n"
	      "      --help, --version\n", out);
}

static char *base_name(struct idl_ctx *ctx, const char *path)
{
	const char *b = strrchr(path, '/'), *dot;

	b = b ? b + 1 : path;
	dot = strrchr(b, '.');
	return arena_strndup(&ctx->arena, b, dot ? (size_t)(dot - b) : strlen(b));
}

typedef int (*gen_fn)(struct idl_ctx *, struct idl_file *, FILE *, const struct gen_opts *);

struct output {
	const char *path;
	char *tmp;
	gen_fn fn;
	struct idl_file *file;		/* NULL: the input */
	const struct gen_opts *opts;	/* NULL: the input's */
};

/* mkdir -p */
static int make_dirs(const char *dir)
{
	char buf[4096];
	size_t n = strlen(dir);

	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, dir, n + 1);
	for (char *p = buf + 1; ; p++) {
		if (*p == '/' || !*p) {
			char c = *p;

			*p = 0;
			if (mkdir(buf, 0777) < 0 && errno != EEXIST)
				return -1;
			*p = c;
			if (!c)
				break;
		}
	}
	return 0;
}

/*
 * Every output goes to a temporary file first; they are renamed into
 * place only when all of them were written, so a failed run leaves
 * nothing behind (not even a header that a build would pick up).  With
 * check_only the generators run into /dev/null: --check fails exactly
 * when generation would.
 */
static int write_outputs(struct idl_ctx *ctx, struct idl_file *f, struct output *outs,
			 int n, const struct gen_opts *o, bool check_only)
{
	int ret = 0, i;

	for (i = 0; i < n && !ret; i++) {
		FILE *out;

		outs[i].tmp = check_only ? NULL
			: arena_printf(&ctx->arena, "%s.tmp%d", outs[i].path, (int)getpid());
		out = fopen(check_only ? "/dev/null" : outs[i].tmp, "w");
		if (!out) {
			fprintf(stderr, "lrpc-idl: cannot write %s: %s\n", outs[i].tmp,
				strerror(errno));
			ret = -1;
			break;
		}
		if (outs[i].fn(ctx, outs[i].file ? outs[i].file : f, out,
			       outs[i].opts ? outs[i].opts : o) < 0)
			ret = -1;
		if (fclose(out) != 0)
			ret = -1;
	}
	for (int j = 0; j < i && !check_only; j++) {
		if (ret == 0 && rename(outs[j].tmp, outs[j].path) != 0) {
			fprintf(stderr, "lrpc-idl: writing %s failed: %s\n", outs[j].path,
				strerror(errno));
			ret = -1;
		}
		if (ret)
			unlink(outs[j].tmp);
	}
	return ret;
}

/* Was this import found in one of the shipped directories? */
static bool shipped(const char *path)
{
	const char *dirs[] = { LRPC_IDL_DATADIR, LRPC_IDL_SRCDIR };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		size_t n = strlen(dirs[i]);

		if (!strncmp(path, dirs[i], n) && path[n] == '/' && !strchr(path + n + 1, '/'))
			return true;
	}
	return false;
}

static void add_incdir(struct idl_ctx *ctx, const char *dir)
{
	struct stat st;

	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		return;
	ctx->incdirs = realloc(ctx->incdirs, sizeof(char *) * (size_t)(ctx->nincdirs + 1));
	if (!ctx->incdirs)
		exit(2);
	ctx->incdirs[ctx->nincdirs++] = dir;
}

int main(int argc, char **argv)
{
	enum { O_HEADER = 256, O_CSTUB, O_SSTUB, O_TABLES, O_CLIENT, O_SERVER, O_ACF,
	       O_CPP, O_NOCPP, O_DUMP, O_CHECK, O_HELP, O_VERSION, O_CPFX, O_SPFX, O_NOREP };
	static const struct option lopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "header", required_argument, NULL, O_HEADER },
		{ "cstub", required_argument, NULL, O_CSTUB },
		{ "sstub", required_argument, NULL, O_SSTUB },
		{ "tables", required_argument, NULL, O_TABLES },
		{ "client", required_argument, NULL, O_CLIENT },
		{ "server", required_argument, NULL, O_SERVER },
		{ "acf", required_argument, NULL, O_ACF },
		{ "client-prefix", required_argument, NULL, O_CPFX },
		{ "server-prefix", required_argument, NULL, O_SPFX },
		{ "client-no-report", no_argument, NULL, O_NOREP },
		{ "cpp", required_argument, NULL, O_CPP },
		{ "no-cpp", no_argument, NULL, O_NOCPP },
		{ "dump-ast", no_argument, NULL, O_DUMP },
		{ "check", no_argument, NULL, O_CHECK },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, O_HELP },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	struct idl_ctx ctx = { 0 };
	const char *outdir = ".", *header = NULL, *cstub = NULL, *sstub = NULL;
	const char *tables = NULL, *acf = NULL;
	bool dump = false, check_only = false;
	struct gen_opts o = { .client = true, .server = true };
	struct idl_file *f;
	char *name;
	int c, ret = 1;

	ctx.err = stderr;
	ctx.cpp = getenv("LRPC_IDL_CPP") ? getenv("LRPC_IDL_CPP") : "cpp";
	while ((c = getopt_long(argc, argv, "o:I:D:q", lopts, NULL)) != -1) {
		switch (c) {
		case 'o': outdir = optarg; break;
		case O_HEADER: header = optarg; break;
		case O_CSTUB: cstub = optarg; break;
		case O_SSTUB: sstub = optarg; break;
		case O_TABLES: tables = optarg; break;
		case O_CLIENT:
		case O_SERVER:
			if (strcmp(optarg, "none") && strcmp(optarg, "stub")) {
				fprintf(stderr, "lrpc-idl: --%s takes 'none' or 'stub'\n",
					c == O_CLIENT ? "client" : "server");
				return 2;
			}
			*(c == O_CLIENT ? &o.client : &o.server) = !strcmp(optarg, "stub");
			break;
		case O_ACF: acf = optarg; break;
		case O_CPFX: o.client_prefix = optarg; break;
		case O_SPFX: o.server_prefix = optarg; break;
		case O_NOREP: o.no_report = true; break;
		case 'I':
			ctx.incdirs = realloc(ctx.incdirs, sizeof(char *) * (size_t)(ctx.nincdirs + 1));
			if (!ctx.incdirs)
				return 2;
			ctx.incdirs[ctx.nincdirs++] = optarg;
			break;
		case 'D':
			ctx.defines = realloc(ctx.defines, sizeof(char *) * (size_t)(ctx.ndefines + 1));
			if (!ctx.defines)
				return 2;
			ctx.defines[ctx.ndefines++] = optarg;
			break;
		case O_CPP: ctx.cpp = optarg; ctx.force_cpp = true; break;
		case O_NOCPP: ctx.cpp = NULL; break;
		case O_DUMP: dump = true; break;
		case O_CHECK: check_only = true; break;
		case 'q': ctx.quiet_notes = true; break;
		case O_HELP: usage(stdout); return 0;
		case O_VERSION: puts("lrpc-idl " LRPC_IDL_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	/* after -I, like MIDL's default include path: the shipped base types */
	add_incdir(&ctx, LRPC_IDL_DATADIR);
	add_incdir(&ctx, LRPC_IDL_SRCDIR);
	f = idl_parse_file(&ctx, argv[optind], false);
	if (!f)
		goto out;
	name = base_name(&ctx, argv[optind]);
	if (!acf) {
		char *dir = arena_strdup(&ctx.arena, argv[optind]);
		char *slash = strrchr(dir, '/');
		char *cand;
		struct stat st;

		if (slash)
			slash[1] = 0;
		cand = arena_printf(&ctx.arena, "%s%s.acf", slash ? dir : "", name);
		if (stat(cand, &st) == 0)
			acf = cand;
	}
	if (acf && idl_parse_acf(&ctx, f, acf) < 0)
		goto out;
	if (idl_check(&ctx, f) || ctx.errors)
		goto out;
	if (dump) {
		idl_dump(stdout, f);
		ret = 0;
		goto out;
	}
	o.basename = name;
	o.header_name = header ? header : arena_printf(&ctx.arena, "%s.h", name);
	{
		struct output outs[4 + 2 * 8];
		int n = 0;

		/* a shipped import (ms-dtyp.idl) gets its header and tables
		 * next to the outputs: `import "ms-dtyp.idl"' works as is */
		for (int i = 0; i < ctx.nall && n < 2 * 8; i++) {
			struct idl_file *imp = ctx.all[i];
			struct gen_opts *io;

			if (imp == f || !imp->is_import || !shipped(imp->path))
				continue;
			io = arena_alloc(&ctx.arena, sizeof(*io));
			*io = o;
			io->basename = base_name(&ctx, imp->path);
			io->header_name = arena_printf(&ctx.arena, "%s.h", io->basename);
			io->client = io->server = false;
			io->imported = true;
			outs[n++] = (struct output){ arena_printf(&ctx.arena, "%s/%s", outdir,
					io->header_name), NULL, gen_header, imp, io };
			outs[n++] = (struct output){ arena_printf(&ctx.arena, "%s/%s_ndr.c", outdir,
					io->basename), NULL, gen_tables, imp, io };
		}

		outs[n++] = (struct output){ arena_printf(&ctx.arena, "%s/%s", outdir,
							  o.header_name), NULL, gen_header, NULL, NULL };
		outs[n++] = (struct output){ arena_printf(&ctx.arena, "%s/%s", outdir,
				tables ? tables : arena_printf(&ctx.arena, "%s_ndr.c", name)),
				NULL, gen_tables, NULL, NULL };
		if (o.client)
			outs[n++] = (struct output){ arena_printf(&ctx.arena, "%s/%s", outdir,
					cstub ? cstub : arena_printf(&ctx.arena, "%s_c.c", name)),
					NULL, gen_client, NULL, NULL };
		if (o.server)
			outs[n++] = (struct output){ arena_printf(&ctx.arena, "%s/%s", outdir,
					sstub ? sstub : arena_printf(&ctx.arena, "%s_s.c", name)),
					NULL, gen_server, NULL, NULL };
		if (!check_only && make_dirs(outdir) < 0) {
			fprintf(stderr, "lrpc-idl: cannot create %s: %s\n", outdir,
				strerror(errno));
			goto out;
		}
		if (write_outputs(&ctx, f, outs, n, &o, check_only) < 0)
			goto out;
	}
	ret = 0;
out:
	free(ctx.incdirs);
	free(ctx.defines);
	arena_free(&ctx.arena);
	return ret;
}
