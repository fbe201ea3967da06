// SPDX-License-Identifier: MIT
/*
 * epm-helper: what tests/epm/epm_interop.sh needs from liblrpc's EPM client.
 *
 *   epm-helper register [-n] IFACE BINDING [ANNOTATION]
 *        register (replace; -n: no replace) and print the status name
 *   epm-helper register-exec IFACE[,IFACE] BINDING -- PROGRAM ARGS...
 *        register, then exec PROGRAM: the entries belong to this pid,
 *        which PROGRAM keeps (a server that registers at start-up)
 *   epm-helper unregister IFACE BINDING
 *   epm-helper resolve BINDING IFACE
 *        print the full binding ept_map gives for a partial one
 *
 * IFACE is UUID/MAJOR.MINOR.  The endpoint mapper is $LRPC_EPMAPPER.
 * Exit status 0 on success, 3 on a failure status (printed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <lrpc/epm.h>

static int parse_iface(const char *s, struct rpc_syntax_id *id)
{
	char u[RPC_UUID_STRLEN + 1];
	unsigned int maj, min;
	const char *slash = strchr(s, '/');

	if (!slash || slash - s != RPC_UUID_STRLEN ||
	    sscanf(slash + 1, "%u.%u", &maj, &min) != 2)
		return -1;
	memcpy(u, s, RPC_UUID_STRLEN);
	u[RPC_UUID_STRLEN] = 0;
	if (rpc_uuid_parse(u, &id->uuid))
		return -1;
	id->major = (uint16_t)maj;
	id->minor = (uint16_t)min;
	return 0;
}

static int report(int ret)
{
	printf("%s\n", ret < 0 ? rpc_status_name(ret) : "ok");
	return ret < 0 ? 3 : 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: epm-helper register [-n] IFACE BINDING [ANN]\n"
		"       epm-helper register-exec IFACE[,IFACE] BINDING -- PROG...\n"
		"       epm-helper unregister IFACE BINDING\n"
		"       epm-helper resolve BINDING IFACE\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct rpc_syntax_id id;
	const char *b;
	int ret;

	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "register") && argc >= 4) {
		bool noreplace = !strcmp(argv[2], "-n");
		int i = noreplace ? 3 : 2;

		if (argc < i + 2 || parse_iface(argv[i], &id))
			usage();
		b = argv[i + 1];
		ret = noreplace ?
			rpc_ep_register_no_replace(&id, &b, 1, NULL, 0,
						   argc > i + 2 ? argv[i + 2] : "") :
			rpc_ep_register(&id, &b, 1, NULL, 0,
					argc > i + 2 ? argv[i + 2] : "");
		return report(ret);
	}
	if (!strcmp(argv[1], "register-exec") && argc >= 6 &&
	    !strcmp(argv[4], "--")) {
		char *list = strdup(argv[2]), *tok, *save = NULL;

		b = argv[3];
		for (tok = strtok_r(list, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			if (parse_iface(tok, &id))
				usage();
			ret = rpc_ep_register(&id, &b, 1, NULL, 0, "lrpctest-server");
			if (ret < 0) {
				fprintf(stderr, "epm-helper: register %s: %s\n",
					tok, rpc_status_name(ret));
				return 3;
			}
		}
		free(list);
		execvp(argv[5], argv + 5);
		perror("epm-helper: exec");
		return 127;
	}
	if (!strcmp(argv[1], "unregister") && argc == 4) {
		if (parse_iface(argv[2], &id))
			usage();
		b = argv[3];
		return report(rpc_ep_unregister(&id, &b, 1, NULL, 0));
	}
	if (!strcmp(argv[1], "resolve") && argc == 4) {
		char *out = NULL;

		if (parse_iface(argv[3], &id))
			usage();
		ret = rpc_ep_resolve(argv[2], &id, &out);
		if (ret < 0) {
			printf("%s: %s\n", argv[2], rpc_status_name(ret));
			return 3;
		}
		printf("%s\n", out);
		free(out);
		return 0;
	}
	usage();
	return 2;
}
