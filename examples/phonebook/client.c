// SPDX-License-Identifier: MIT
/*
 * phonebook client
 *
 *   phonebook-client [-b BOOK] BINDING add NAME NUMBER [mobile]
 *   phonebook-client [-b BOOK] BINDING lookup NAME
 *   phonebook-client [-b BOOK] BINDING remove NAME
 *   phonebook-client [-b BOOK] BINDING list
 *   phonebook-client [-b BOOK] BINDING hold
 *
 * hold opens the book and waits to be killed, without closing it: the
 * server then runs the handle down (see pb_handle_t_rundown).
 *
 * BINDING is a full string binding ("ncacn_ip_tcp:host[5000]",
 * "ncalrpc:[LRPC-...]") or a partial one without an endpoint
 * ("ncacn_ip_tcp:host", "ncalrpc:"), which the endpoint mapper on that
 * host resolves to the endpoint the server registered.
 *
 * Exit status: 0 done, 2 the phone book said no (not found, exists,
 * invalid), 1 the call failed (no server, no network, a fault).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <lrpc/rpc.h>
#include <lrpc/epm.h>
#include "phonebook.h"

static const char *binding_str;

static const char *pb_error(error_status_t st)
{
	switch (st) {
	case PB_E_NOT_FOUND: return "no such entry";
	case PB_E_EXISTS: return "an entry of that name exists";
	case PB_E_INVALID: return "invalid entry (a name, and a number of digits, +, - and spaces)";
	case PB_E_FULL: return "the phone book is full";
	}
	return NULL;
}

/*
 * An operation that returns error_status_t gives either the server's
 * answer or, when the call failed, the RPC status; rpc_call_status() is
 * not 0 only in the second case.
 */
static int check(const char *op, error_status_t st)
{
	if (rpc_call_status() != 0) {
		fprintf(stderr, "phonebook-client: %s on %s: %s (%s)\n", op,
			binding_str, rpc_status_text((int32_t)st),
			rpc_status_name((int32_t)st));
		return 1;
	}
	if (st != 0) {
		const char *why = pb_error(st);

		if (why)
			fprintf(stderr, "phonebook-client: %s: %s\n", op, why);
		else
			fprintf(stderr, "phonebook-client: %s: %s (%s)\n", op,
				rpc_status_text((int32_t)st),
				rpc_status_name((int32_t)st));
		return 2;
	}
	return 0;
}

static void print_entry(const pb_entry_t *e)
{
	printf("%-20s %s%s\n", e->name, e->number,
	       e->flags & PB_F_MOBILE ? " (mobile)" : "");
}

static int usage(void)
{
	fprintf(stderr,
		"usage: phonebook-client [-b BOOK] BINDING add NAME NUMBER [mobile]\n"
		"       phonebook-client [-b BOOK] BINDING lookup|remove NAME\n"
		"       phonebook-client [-b BOOK] BINDING list|hold\n");
	return 2;
}

int main(int argc, char **argv)
{
	char *book = "default", *cmd, *resolved = NULL;
	struct rpc_string_binding *sb;
	struct rpc_binding *b;
	pb_handle_t ph = NULL;
	int c, rc, ret;

	while ((c = getopt(argc, argv, "b:")) != -1) {
		if (c != 'b')
			return usage();
		book = optarg;
	}
	if (argc - optind < 2)
		return usage();
	binding_str = argv[optind];
	cmd = argv[optind + 1];
	argv += optind + 2;
	argc -= optind + 2;

	/*
	 * A partial binding: ask the endpoint mapper where the server is
	 * (rpc_binding_from_string() would also accept it and resolve it at
	 * the first call; doing it here lets us say where we went).
	 */
	ret = rpc_string_binding_parse(binding_str, &sb);
	if (ret < 0) {
		fprintf(stderr, "phonebook-client: %s: %s\n", binding_str,
			rpc_status_text(ret));
		return 1;
	}
	if (!sb->endpoint || !*sb->endpoint) {
		ret = rpc_ep_resolve(binding_str, &phonebook_v1_0_c_ifspec.id,
				     &resolved);
		if (ret < 0) {
			fprintf(stderr, "phonebook-client: resolving %s with the "
				"endpoint mapper: %s (%s)\n", binding_str,
				rpc_status_text(ret), rpc_status_name(ret));
			rpc_string_binding_free(sb);
			return 1;
		}
		printf("resolved %s\n", resolved);
		binding_str = resolved;
	}
	rpc_string_binding_free(sb);

	ret = rpc_binding_from_string(binding_str, &b);
	if (ret < 0) {
		fprintf(stderr, "phonebook-client: %s: %s\n", binding_str,
			rpc_status_text(ret));
		return 1;
	}

	/* The binding goes in explicitly once; the handle carries it after. */
	rc = check("PbOpen", PbOpen(b, book, &ph));
	if (rc)
		goto out;

	if (!strcmp(cmd, "add") && (argc == 2 || argc == 3)) {
		pb_entry_t e = {
			.name = argv[0],
			.number = argv[1],
			.flags = argc == 3 && !strcmp(argv[2], "mobile") ? PB_F_MOBILE : 0,
		};

		rc = check("PbAdd", PbAdd(ph, &e));
		if (!rc)
			printf("added %s\n", e.name);
	} else if (!strcmp(cmd, "lookup") && argc == 1) {
		pb_entry_t e = { 0 };

		rc = check("PbLookup", PbLookup(ph, argv[0], &e));
		if (!rc)
			print_entry(&e);
	} else if (!strcmp(cmd, "remove") && argc == 1) {
		rc = check("PbRemove", PbRemove(ph, argv[0]));
		if (!rc)
			printf("removed %s\n", argv[0]);
	} else if (!strcmp(cmd, "list") && argc == 0) {
		pb_list_t list = { 0 };
		uint32_t i;

		rc = check("PbList", PbList(ph, &list));
		for (i = 0; !rc && i < list.count; i++)
			print_entry(&list.entries[i]);
		if (!rc)
			printf("%u entries\n", list.count);
	} else if (!strcmp(cmd, "hold") && argc == 0) {
		printf("holding a handle on %s\n", book);
		fflush(stdout);
		for (;;)
			pause();
	} else {
		rc = usage();
	}
	/* [out] strings and arrays came from the stubs' per-thread arena */
	rpc_ss_release();

	if (check("PbClose", PbClose(&ph)) == 1)
		rpc_ss_destroy_client_context(&ph);	/* server gone: just free it */
out:
	rpc_binding_free(b);
	free(resolved);
	return rc;
}
