// SPDX-License-Identifier: MIT
/*
 * lrpc-epmd: the endpoint mapper daemon.
 *
 *   lrpc-epmd [-f] [-l ADDR] [--tcp-port N] [--udp-port N]
 *             [--lrpc-endpoint NAME] [--no-owners] [--ndr64]
 *   lrpc-epmd --help | --version
 *
 * Serves the ept interface (e1af8308-5d1f-11c9-91a4-08002b14a0fa v3.0)
 * on ncacn_ip_tcp port 135, and on ncadg_ip_udp port 135 and
 * ncalrpc:[epmapper] when the runtime has those protocol sequences.  It
 * registers its own endpoints in the map, sweeps the entries of servers
 * that exited every two seconds (lookups and maps also check first), and
 * prints "ready BINDING" for each endpoint once it listens, BINDING being
 * where its socket is bound ("ncacn_ip_tcp:[::][135]": every IPv6 and
 * IPv4 address; rpc_server_inq_listen_binding).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <lrpc/epm.h>

static struct rpc_server *srv;
static struct rpc_epdb *db;
static volatile sig_atomic_t stopping;
static unsigned int nlistening;

static void on_signal(int sig)
{
	stopping = 1;
	rpc_server_stop_listening(srv);
}

static void *reaper(void *arg)
{
	while (!stopping) {
		int n;

		sleep(2);
		n = rpc_epdb_reap(db);
		if (n > 0)
			fprintf(stderr, "lrpc-epmd: removed %d entr%s of exited "
				"servers\n", n, n == 1 ? "y" : "ies");
	}
	return NULL;
}

#ifndef LRPC_VERSION
#define LRPC_VERSION "unknown"
#endif

static void usage(int rc)
{
	fprintf(rc ? stderr : stdout,
		"usage: lrpc-epmd [-f] [-l ADDR] [--tcp-port N] [--udp-port N]\n"
		"                 [--lrpc-endpoint NAME] [--no-owners] [--ndr64]\n"
		"The RPC endpoint mapper: serves ept on ncacn_ip_tcp, ncadg_ip_udp\n"
		"and ncalrpc, and prints \"ready BINDING\" per endpoint it listens on.\n"
		"  -f, --foreground   stay in the foreground (log to stderr)\n"
		"  -l, --listen ADDR  listen on ADDR only, e.g. 127.0.0.1, ::1\n"
		"                     (default: every IPv6 and IPv4 address)\n"
		"  --tcp-port N       ncacn_ip_tcp port (default 135; 0: any)\n"
		"  --udp-port N       ncadg_ip_udp port (default 135; 0: any)\n"
		"  --lrpc-endpoint NAME  ncalrpc endpoint (default epmapper)\n"
		"  --no-owners        keep entries when their server exits\n"
		"  --ndr64            serve ept in NDR64 too (default NDR20)\n"
		"  -h, --help         this text\n"
		"  -V, --version      the version\n");
	exit(rc);
}

/* "lrpc-epmd: ncacn_ip_tcp:[::1][135]: use_protseq: what happened (name)" */
static void fail(const char *protseq, const char *addr, const char *ep,
		 const char *op, int ret, const char *tail)
{
	struct rpc_string_binding sb = {
		.protseq = (char *)protseq,
		.netaddr = (char *)(addr ? addr : ""),
		.endpoint = (char *)ep,
	};
	const char *hint = "";
	char *b = NULL;

	if (rpc_string_binding_compose(&sb, &b) < 0)
		b = NULL;
	if (ret == -rpc_s_duplicate_endpoint)
		hint = " -- is another endpoint mapper (lrpc-epmd, "
		       "samba-dcerpcd) running?";
	else if (ret == -rpc_s_access_denied && strcmp(protseq, "ncalrpc"))
		hint = " -- run as root, or give --tcp-port/--udp-port a port "
		       "from 1024 up";
	fprintf(stderr, "lrpc-epmd: %s: %s: %s (%s)%s%s\n", b ? b : protseq,
		op, rpc_status_text(ret), rpc_status_name(ret), hint, tail);
	free(b);
}

static const char *port_arg(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < 0 || v > 65535) {
		fprintf(stderr, "lrpc-epmd: %s: not a port (0..65535)\n", s);
		exit(2);
	}
	return s;
}

static void daemonize(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0) {
		perror("lrpc-epmd: fork");
		exit(1);
	}
	if (pid)
		_exit(0);
	setsid();
	if (chdir("/") < 0)
		perror("lrpc-epmd: chdir /");
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		if (fd > 2)
			close(fd);
	}
}

/* Listen on one protocol sequence and enter ourselves in the map. */
static int listen_on(const char *protseq, const char *addr, const char *ep,
		     bool required)
{
	struct rpc_epm_entry e = { 0 };
	uint8_t *tower = NULL;
	char *binding = NULL;
	int ret;

	ret = rpc_server_use_protseq(srv, protseq, addr, ep, &binding);
	if (ret < 0) {
		fail(protseq, addr, ep, "use_protseq", ret,
		     required ? "" : " (skipped)");
		return required ? ret : 0;
	}
	ret = rpc_tower_from_binding(binding, &rpc_epm_syntax, NULL, &tower,
				     &e.tower_len);
	if (!ret) {
		e.tower = tower;
		snprintf(e.annotation, sizeof(e.annotation), "Endpoint mapper");
		ret = rpc_epdb_insert(db, &e, 1, false, NULL);
	}
	if (ret < 0)
		fprintf(stderr, "lrpc-epmd: %s: ept_insert of its own entry: "
			"%s (%s)\n", binding, rpc_status_text(ret),
			rpc_status_name(ret));
	free(tower);
	free(binding);
	/* where it really listens, not the binding a local client uses */
	if (rpc_server_inq_listen_binding(srv, nlistening, &binding) < 0) {
		fprintf(stderr, "lrpc-epmd: out of memory\n");
		return -ENOMEM;
	}
	nlistening++;
	printf("ready %s\n", binding);
	free(binding);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "listen", required_argument, NULL, 'l' },
		{ "tcp-port", required_argument, NULL, 't' },
		{ "udp-port", required_argument, NULL, 'u' },
		{ "lrpc-endpoint", required_argument, NULL, 'L' },
		{ "no-owners", no_argument, NULL, 'n' },
		{ "ndr64", no_argument, NULL, '6' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *tcp_port = "135", *udp_port = "135", *addr = NULL;
	const char *lrpc_ep = "epmapper";
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned int flags = 0;
	bool foreground = false;
	pthread_t reap;
	int c, ret;

	while ((c = getopt_long(argc, argv, "fl:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			foreground = true;
			break;
		case 'l':
			addr = optarg;
			break;
		case 't':
			tcp_port = port_arg(optarg);
			break;
		case 'u':
			udp_port = port_arg(optarg);
			break;
		case 'L':
			lrpc_ep = optarg;
			break;
		case 'n':
			flags |= RPC_EPM_SERVER_NO_OWNERS;
			break;
		case '6':
			flags |= RPC_EPM_SERVER_NDR64;
			break;
		case 'h':
			usage(0);
			break;
		case 'V':
			printf("lrpc-epmd (lrpc) %s\n", LRPC_VERSION);
			return 0;
		default:
			usage(2);
		}
	}
	if (optind != argc)
		usage(2);

	ret = rpc_epdb_create(&db);
	if (!ret)
		ret = rpc_server_create(&srv);
	if (!ret)
		ret = rpc_epm_server_register(srv, db, flags);
	if (ret < 0) {
		fprintf(stderr, "lrpc-epmd: starting the server: %s (%s)\n",
			rpc_status_text(ret), rpc_status_name(ret));
		return 1;
	}
	ret = listen_on("ncacn_ip_tcp", addr, tcp_port, true);
	if (!ret)
		ret = listen_on("ncadg_ip_udp", addr, udp_port, false);
	if (!ret)
		ret = listen_on("ncalrpc", NULL, lrpc_ep, false);
	if (ret < 0)
		return 1;
	fflush(stdout);
	if (!foreground)
		daemonize();
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	ret = rpc_server_listen(srv, 0);
	if (ret < 0) {
		fprintf(stderr, "lrpc-epmd: listen: %s (%s)\n",
			rpc_status_text(ret), rpc_status_name(ret));
		return 1;
	}
	if (pthread_create(&reap, NULL, reaper, NULL) == 0)
		pthread_detach(reap);
	rpc_server_wait(srv);
	rpc_server_free(srv);
	/* db stays: the reaper thread may still look at it */
	return 0;
}
