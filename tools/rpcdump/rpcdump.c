// SPDX-License-Identifier: MIT
/*
 * lrpc-rpcdump: list the entries of an endpoint mapper, ours or anyone's.
 *
 *   lrpc-rpcdump [-v] [-n MAX] [BINDING | HOST]
 *
 * One line per entry: the string binding (with the object uuid when it is
 * not nil), the interface id and version, and the annotation in quotes.
 * BINDING defaults to $LRPC_EPMAPPER or ncacn_ip_tcp:127.0.0.1[135]; a
 * bare HOST means ncacn_ip_tcp:HOST[135].
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lrpc/epm.h>

static const struct {
	const char *uuid;
	const char *name;
} known[] = {
	{ "e1af8308-5d1f-11c9-91a4-08002b14a0fa", "epmapper" },
	{ "afa8bd80-7d8a-11c9-bef4-08002b102989", "mgmt" },
	{ "4c4b2e1a-8f5d-4d3b-9a6e-2b7c1d0e5f91", "lrpctest" },
	{ "60a15ec5-4de8-11d7-a637-005056a20182", "rpcecho" },
	{ "12345778-1234-abcd-ef00-0123456789ab", "lsarpc" },
	{ "12345778-1234-abcd-ef00-0123456789ac", "samr" },
	{ "12345678-1234-abcd-ef00-01234567cffb", "netlogon" },
	{ "4b324fc8-1670-01d3-1278-5a47bf6ee188", "srvsvc" },
	{ "6bffd098-a112-3610-9833-46c3f87e345a", "wkssvc" },
	{ "338cd001-2244-31f1-aaaa-900038001003", "winreg" },
	{ "12345678-1234-abcd-ef00-0123456789ab", "spoolss" },
	{ "367abb81-9844-35f1-ad32-98f038001003", "svcctl" },
	{ "82273fdc-e32a-18c3-3f78-827929dc23ea", "eventlog" },
	{ "e3514235-4b06-11d1-ab04-00c04fc2dcd2", "drsuapi" },
	{ "c681d488-d850-11d0-8c52-00c04fd90f7e", "efs" },
	{ "86d35949-83c9-4044-b424-db363231fd0c", "ITaskSchedulerService" },
};

struct opts {
	bool verbose;
	unsigned long count;
};

/* Annotations come from a peer: show them printable. */
static void print_quoted(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20 || ch > 0x7e)
			printf("\\x%02x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

static int show(void *arg, const struct rpc_epdb_result *e, const char *binding)
{
	struct opts *o = arg;
	struct rpc_tower_info info;
	char uuid[RPC_UUID_STRLEN + 1];
	size_t i;

	o->count++;
	if (!binding || !e->tower ||
	    rpc_tower_decode(e->tower, e->tower_len, &info)) {
		printf("undecodable tower (%zu octets)", e->tower_len);
		putchar(' ');
		print_quoted(e->annotation);
		putchar('\n');
		return 0;
	}
	rpc_uuid_format(&info.iface.uuid, uuid, sizeof(uuid));
	printf("%s %s v%u.%u ", binding, uuid, info.iface.major,
	       info.iface.minor);
	print_quoted(e->annotation);
	if (o->verbose) {
		for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (!strcmp(known[i].uuid, uuid)) {
				printf(" (%s)", known[i].name);
				break;
			}
	}
	putchar('\n');
	return 0;
}

#ifndef LRPC_VERSION
#define LRPC_VERSION "unknown"
#endif

static void usage(int rc)
{
	fprintf(rc ? stderr : stdout,
		"usage: lrpc-rpcdump [-v] [-n MAX] [BINDING | HOST]\n"
		"List the entries of an endpoint mapper (lrpc-epmd, Samba, Windows).\n"
		"  BINDING          the mapper's string binding, e.g.\n"
		"                   ncacn_ip_tcp:10.0.0.1[135], ncalrpc:[epmapper]\n"
		"  HOST             a host name or address: ncacn_ip_tcp:HOST[135]\n"
		"                   (default: $LRPC_EPMAPPER, else 127.0.0.1)\n"
		"  -v, --verbose    name the well-known interfaces\n"
		"  -n, --max MAX    entries per ept_lookup call (1..%d, default 100)\n"
		"  -h, --help       this text\n"
		"  -V, --version    the version\n", RPC_EPM_MAX_ENTS);
	exit(rc);
}

/* A string binding ("ncacn_ip_tcp:h[135]", "ncalrpc:[epmapper]",
 * "OBJ@ncacn_ip_tcp:h"; every protocol sequence starts "nca"), or a host
 * -- "::1" and "fe80::1%eth0" included. */
static bool is_binding(const char *s)
{
	const char *colon = strchr(s, ':');

	return colon && (!strncmp(s, "nca", 3) || memchr(s, '@', colon - s));
}

static char *host_binding(const char *host)
{
	struct rpc_string_binding sb = {
		.protseq = "ncacn_ip_tcp",
		.netaddr = (char *)host,
		.endpoint = "135",
	};
	char *s;

	return rpc_string_binding_compose(&sb, &s) < 0 ? NULL : s;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "max", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { 0 };
	unsigned long max = 100;
	const char *arg;
	char *binding = NULL, *end;
	int c, ret = 0;

	while ((c = getopt_long(argc, argv, "vn:hV", lopts, NULL)) != -1) {
		switch (c) {
		case 'v':
			o.verbose = true;
			break;
		case 'n':
			max = strtoul(optarg, &end, 10);
			if (*end || !max || max > RPC_EPM_MAX_ENTS) {
				fprintf(stderr, "lrpc-rpcdump: -n %s: takes "
					"1..%d\n", optarg, RPC_EPM_MAX_ENTS);
				return 2;
			}
			break;
		case 'h':
			usage(0);
			break;
		case 'V':
			printf("lrpc-rpcdump (lrpc) %s\n", LRPC_VERSION);
			return 0;
		default:
			usage(2);
		}
	}
	if (argc - optind > 1)
		usage(2);
	arg = optind < argc ? argv[optind] : NULL;
	if (arg && is_binding(arg)) {
		struct rpc_string_binding *sb;

		ret = rpc_string_binding_parse(arg, &sb);
		if (ret < 0) {
			fprintf(stderr, "lrpc-rpcdump: %s: %s (%s)\n", arg,
				rpc_status_text(ret), rpc_status_name(ret));
			return 2;
		}
		rpc_string_binding_free(sb);
		binding = strdup(arg);
	}
	else if (arg)	/* a host given explicitly wins over the environment */
		binding = host_binding(arg);
	else
		ret = rpc_ep_mapper_binding(NULL, &binding);
	if (ret < 0 || !binding) {
		fprintf(stderr, "lrpc-rpcdump: %s: %s\n", arg ? arg : "",
			rpc_status_text(ret < 0 ? ret : -rpc_s_invalid_net_addr));
		return 2;
	}
	ret = rpc_ep_walk(binding, (uint32_t)max, show, &o);
	if (ret < 0) {
		bool down = ret == -rpc_s_server_unavailable ||
			    ret == -rpc_s_comm_failure;

		fprintf(stderr, "lrpc-rpcdump: %s: ept_lookup: %s (%s)%s\n",
			binding, rpc_status_text(ret), rpc_status_name(ret),
			down ? " -- is an endpoint mapper (lrpc-epmd) running "
			       "there?" : "");
		free(binding);
		return 1;
	}
	fprintf(stderr, "%lu entr%s\n", o.count, o.count == 1 ? "y" : "ies");
	free(binding);
	return 0;
}
