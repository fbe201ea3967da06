// SPDX-License-Identifier: GPL-2.0
/*
 * lrpcstat: show the ports, connections and sections that the lrpc
 * kernel module holds, from its generic netlink family, the way ss(8)
 * shows sockets.
 *
 *   lrpcstat [-p] [-c] [-s] [-j] [-h] [-V]
 *
 * Exit status: 0 success; 1 usage or netlink error; 2 the module is not
 * loaded (no generic netlink family "lrpc").  With the module loaded it
 * also says when /dev/lrpc is missing or closed to this user, which
 * sends this user's programs to ncalrpc's AF_UNIX fallback.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <linux/lrpc.h>

struct port_rec {
	uint32_t id, uid, gid, mode, backlog, conns, connecting, queued, waiters;
	uint64_t msgs, bytes, views, errors, cancels, timeouts;
	char name[LRPC_NAME_MAX];
};

struct conn_rec {
	uint64_t id;
	uint32_t port_id, pid, uid, pending, queued, state;
	char port[LRPC_NAME_MAX];
};

struct sec_rec {
	uint32_t id, mappings, views, uid, pid;
	uint64_t size, resident;
};

struct table {
	void *rows;
	size_t n, cap, size;
};

static struct table ports = { .size = sizeof(struct port_rec) };
static struct table conns = { .size = sizeof(struct conn_rec) };
static struct table secs = { .size = sizeof(struct sec_rec) };

static void *table_add(struct table *t)
{
	void *row;

	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->rows = realloc(t->rows, t->cap * t->size);
		if (!t->rows) {
			perror("lrpcstat");
			exit(1);
		}
	}
	row = (char *)t->rows + t->n++ * t->size;
	memset(row, 0, t->size);
	return row;
}

static uint32_t u32(struct nlattr **tb, int a)
{
	return tb[a] ? nla_get_u32(tb[a]) : 0;
}

static uint64_t u64(struct nlattr **tb, int a)
{
	return tb[a] ? nla_get_u64(tb[a]) : 0;
}

static void str(struct nlattr **tb, int a, char *dst, size_t size)
{
	if (tb[a])
		snprintf(dst, size, "%s", nla_get_string(tb[a]));
}

static int on_port(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[LRPC_PORT_A_MAX + 1], *st[LRPC_STATS_A_MAX + 1];
	struct port_rec *r;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, LRPC_PORT_A_MAX, NULL))
		return NL_SKIP;
	r = table_add(&ports);
	r->id = u32(tb, LRPC_PORT_A_ID);
	str(tb, LRPC_PORT_A_NAME, r->name, sizeof(r->name));
	r->uid = u32(tb, LRPC_PORT_A_OWNER_UID);
	r->gid = u32(tb, LRPC_PORT_A_OWNER_GID);
	r->mode = u32(tb, LRPC_PORT_A_MODE);
	r->backlog = u32(tb, LRPC_PORT_A_BACKLOG);
	r->conns = u32(tb, LRPC_PORT_A_CONNS);
	r->connecting = u32(tb, LRPC_PORT_A_CONNECTING);
	r->queued = u32(tb, LRPC_PORT_A_QUEUED);
	r->waiters = u32(tb, LRPC_PORT_A_WAITERS);
	if (tb[LRPC_PORT_A_STATS] &&
	    !nla_parse_nested(st, LRPC_STATS_A_MAX, tb[LRPC_PORT_A_STATS], NULL)) {
		r->msgs = u64(st, LRPC_STATS_A_MSGS);
		r->bytes = u64(st, LRPC_STATS_A_BYTES);
		r->views = u64(st, LRPC_STATS_A_VIEWS);
		r->errors = u64(st, LRPC_STATS_A_ERRORS);
		r->cancels = u64(st, LRPC_STATS_A_CANCELS);
		r->timeouts = u64(st, LRPC_STATS_A_TIMEOUTS);
	}
	return NL_OK;
}

static int on_conn(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[LRPC_CONN_A_MAX + 1];
	struct conn_rec *r;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, LRPC_CONN_A_MAX, NULL))
		return NL_SKIP;
	r = table_add(&conns);
	r->id = u64(tb, LRPC_CONN_A_ID);
	r->port_id = u32(tb, LRPC_CONN_A_PORT_ID);
	str(tb, LRPC_CONN_A_PORT_NAME, r->port, sizeof(r->port));
	r->pid = u32(tb, LRPC_CONN_A_PEER_PID);
	r->uid = u32(tb, LRPC_CONN_A_PEER_UID);
	r->pending = u32(tb, LRPC_CONN_A_PENDING);
	r->queued = u32(tb, LRPC_CONN_A_QUEUED);
	r->state = u32(tb, LRPC_CONN_A_STATE);
	return NL_OK;
}

static int on_section(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[LRPC_SECTION_A_MAX + 1];
	struct sec_rec *r;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, LRPC_SECTION_A_MAX, NULL))
		return NL_SKIP;
	r = table_add(&secs);
	r->id = u32(tb, LRPC_SECTION_A_ID);
	r->size = u64(tb, LRPC_SECTION_A_SIZE);
	r->resident = u64(tb, LRPC_SECTION_A_RESIDENT);
	r->mappings = u32(tb, LRPC_SECTION_A_MAPPINGS);
	r->views = u32(tb, LRPC_SECTION_A_VIEWS);
	r->uid = u32(tb, LRPC_SECTION_A_OWNER_UID);
	r->pid = u32(tb, LRPC_SECTION_A_CREATOR_PID);
	return NL_OK;
}

static int dump(struct nl_sock *sk, int family, uint8_t cmd,
		nl_recvmsg_msg_cb_t cb)
{
	struct nl_msg *msg = nlmsg_alloc();
	int err;

	if (!msg)
		return -NLE_NOMEM;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, NLM_F_DUMP,
			 cmd, LRPC_GENL_VERSION)) {
		nlmsg_free(msg);
		return -NLE_NOMEM;
	}
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, cb, NULL);
	err = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (err < 0)
		return err;
	return nl_recvmsgs_default(sk);
}

static const char *mode_str(uint32_t mode)
{
	static char buf[4];

	buf[0] = mode & LRPC_MODE_OWNER ? 'u' : '-';
	buf[1] = mode & LRPC_MODE_GROUP ? 'g' : '-';
	buf[2] = mode & LRPC_MODE_OTHER ? 'o' : '-';
	buf[3] = 0;
	return buf;
}

static const char *state_str(uint32_t state)
{
	switch (state) {
	case LRPC_CONN_S_CONNECTED:
		return "connected";
	case LRPC_CONN_S_CLIENT_GONE:
		return "client-gone";
	case LRPC_CONN_S_SERVER_GONE:
		return "server-gone";
	default:
		return "unknown";
	}
}

/* Port names are printable ASCII: only " and \ need escaping. */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	putchar('"');
}

static void print_ports(bool json)
{
	size_t i;

	if (json) {
		printf("\"ports\":[");
		for (i = 0; i < ports.n; i++) {
			struct port_rec *r = (struct port_rec *)ports.rows + i;

			printf("%s{\"id\":%" PRIu32 ",\"name\":", i ? "," : "", r->id);
			json_str(r->name);
			printf(",\"owner_uid\":%" PRIu32 ",\"owner_gid\":%" PRIu32
			       ",\"mode\":\"%s\",\"backlog\":%" PRIu32
			       ",\"connections\":%" PRIu32 ",\"connecting\":%" PRIu32
			       ",\"queued\":%" PRIu32 ",\"waiting\":%" PRIu32
			       ",\"stats\":{\"messages\":%" PRIu64 ",\"bytes\":%" PRIu64
			       ",\"views\":%" PRIu64 ",\"errors\":%" PRIu64
			       ",\"cancels\":%" PRIu64 ",\"timeouts\":%" PRIu64 "}}",
			       r->uid, r->gid, mode_str(r->mode), r->backlog,
			       r->conns, r->connecting, r->queued, r->waiters,
			       r->msgs, r->bytes, r->views, r->errors, r->cancels,
			       r->timeouts);
		}
		printf("]");
		return;
	}
	printf("%-6s %-24s %6s %6s %-4s %5s %5s %6s %4s %10s %12s %7s %6s %7s %8s\n",
	       "Id", "Port", "Uid", "Gid", "Mode", "Conns", "Conn?", "Queued",
	       "Wait", "Messages", "Bytes", "Views", "Errors", "Cancels",
	       "Timeouts");
	for (i = 0; i < ports.n; i++) {
		struct port_rec *r = (struct port_rec *)ports.rows + i;

		printf("%-6" PRIu32 " %-24s %6" PRIu32 " %6" PRIu32 " %-4s %5" PRIu32
		       " %5" PRIu32 " %6" PRIu32 " %4" PRIu32 " %10" PRIu64
		       " %12" PRIu64 " %7" PRIu64 " %6" PRIu64 " %7" PRIu64
		       " %8" PRIu64 "\n",
		       r->id, r->name, r->uid, r->gid, mode_str(r->mode),
		       r->conns, r->connecting, r->queued, r->waiters, r->msgs,
		       r->bytes, r->views, r->errors, r->cancels, r->timeouts);
	}
}

static void print_conns(bool json)
{
	size_t i;

	if (json) {
		printf("\"connections\":[");
		for (i = 0; i < conns.n; i++) {
			struct conn_rec *r = (struct conn_rec *)conns.rows + i;

			printf("%s{\"id\":%" PRIu64 ",\"port_id\":%" PRIu32 ",\"port\":",
			       i ? "," : "", r->id, r->port_id);
			json_str(r->port);
			printf(",\"peer_pid\":%" PRIu32 ",\"peer_uid\":%" PRIu32
			       ",\"pending\":%" PRIu32 ",\"queued\":%" PRIu32
			       ",\"state\":\"%s\"}",
			       r->pid, r->uid, r->pending, r->queued,
			       state_str(r->state));
		}
		printf("]");
		return;
	}
	printf("%-8s %-24s %8s %6s %7s %6s %s\n", "Id", "Port", "PeerPid",
	       "Uid", "Pending", "Queued", "State");
	for (i = 0; i < conns.n; i++) {
		struct conn_rec *r = (struct conn_rec *)conns.rows + i;

		printf("%-8" PRIu64 " %-24s %8" PRIu32 " %6" PRIu32 " %7" PRIu32
		       " %6" PRIu32 " %s\n", r->id, r->port, r->pid, r->uid,
		       r->pending, r->queued, state_str(r->state));
	}
}

static void print_secs(bool json)
{
	size_t i;

	if (json) {
		printf("\"sections\":[");
		for (i = 0; i < secs.n; i++) {
			struct sec_rec *r = (struct sec_rec *)secs.rows + i;

			printf("%s{\"id\":%" PRIu32 ",\"size\":%" PRIu64
			       ",\"resident\":%" PRIu64 ",\"mappings\":%" PRIu32
			       ",\"views\":%" PRIu32 ",\"owner_uid\":%" PRIu32
			       ",\"creator_pid\":%" PRIu32 "}",
			       i ? "," : "", r->id, r->size, r->resident,
			       r->mappings, r->views, r->uid, r->pid);
		}
		printf("]");
		return;
	}
	printf("%-8s %14s %14s %5s %5s %6s %8s\n", "Id", "Size", "Resident",
	       "Maps", "Views", "Uid", "Pid");
	for (i = 0; i < secs.n; i++) {
		struct sec_rec *r = (struct sec_rec *)secs.rows + i;

		printf("%-8" PRIu32 " %14" PRIu64 " %14" PRIu64 " %5" PRIu32
		       " %5" PRIu32 " %6" PRIu32 " %8" PRIu32 "\n", r->id,
		       r->size, r->resident, r->mappings, r->views, r->uid,
		       r->pid);
	}
}

#ifndef LRPC_VERSION
#define LRPC_VERSION "unknown"
#endif

static void usage(FILE *f)
{
	fprintf(f,
		"usage: lrpcstat [-p] [-c] [-s] [-j]\n"
		"Ports, connections and sections of the lrpc kernel module.\n"
		"  -p, --ports        connection ports and their counters\n"
		"  -c, --connections  connections\n"
		"  -s, --sections     sections\n"
		"  -j, --json         one JSON object instead of tables\n"
		"  -h, --help         this text\n"
		"  -V, --version      the version\n"
		"With none of -p -c -s, all three.  Root sees every port; another\n"
		"user sees their own.\n");
}

/* The module answers, but can this user's programs use the device? */
static void check_device(void)
{
	const char *dev = "/dev/" LRPC_DEVICE_NAME;

	if (!access(dev, R_OK | W_OK))
		return;
	if (errno == ENOENT)
		fprintf(stderr, "lrpcstat: the module is loaded but %s does "
			"not exist (is udev running? the lrpc udev rule creates "
			"it): programs use ncalrpc's AF_UNIX fallback\n", dev);
	else if (errno == EACCES || errno == EPERM)
		fprintf(stderr, "lrpcstat: %s: permission denied for this user "
			"(see its mode and group, set by the lrpc udev rule): "
			"programs of this user use ncalrpc's AF_UNIX fallback\n",
			dev);
	else
		fprintf(stderr, "lrpcstat: %s: %s\n", dev, strerror(errno));
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ports", no_argument, NULL, 'p' },
		{ "connections", no_argument, NULL, 'c' },
		{ "sections", no_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	bool p = false, c = false, s = false, json = false, first = true;
	struct nl_sock *sk;
	int family, opt, err = 0;

	while ((opt = getopt_long(argc, argv, "pcsjhV", opts, NULL)) != -1) {
		switch (opt) {
		case 'p': p = true; break;
		case 'c': c = true; break;
		case 's': s = true; break;
		case 'j': json = true; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("lrpcstat (lrpc) %s\n", LRPC_VERSION); return 0;
		default: usage(stderr); return 1;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 1;
	}
	if (!p && !c && !s)
		p = c = s = true;

	sk = nl_socket_alloc();
	if (!sk || genl_connect(sk)) {
		fprintf(stderr, "lrpcstat: cannot open a generic netlink socket\n");
		return 1;
	}
	family = genl_ctrl_resolve(sk, LRPC_GENL_NAME);
	if (family < 0) {
		fprintf(stderr, "lrpcstat: the lrpc kernel module is not loaded "
			"(no generic netlink family \"%s\"); try: modprobe lrpc "
			"(it comes with the lrpc-dkms package)%s\n",
			LRPC_GENL_NAME, access("/dev/" LRPC_DEVICE_NAME, F_OK) ?
			"" : "; /dev/" LRPC_DEVICE_NAME " exists: a module of "
			"another version?");
		nl_socket_free(sk);
		return 2;
	}
	if (p)
		err = dump(sk, family, LRPC_CMD_GET_PORT, on_port);
	if (!err && c)
		err = dump(sk, family, LRPC_CMD_GET_CONN, on_conn);
	if (!err && s)
		err = dump(sk, family, LRPC_CMD_GET_SECTION, on_section);
	nl_socket_free(sk);
	if (err < 0) {
		fprintf(stderr, "lrpcstat: family %s: dump: %s%s\n",
			LRPC_GENL_NAME, nl_geterror(err),
			err == -NLE_PERM ? " (run as root?)" : "");
		return 1;
	}
	check_device();

	if (json)
		putchar('{');
	if (p) {
		if (!json)
			printf("Ports: %zu\n", ports.n);
		print_ports(json);
		first = false;
	}
	if (c) {
		if (json && !first)
			putchar(',');
		else if (!json)
			printf("%sConnections: %zu\n", first ? "" : "\n", conns.n);
		print_conns(json);
		first = false;
	}
	if (s) {
		if (json && !first)
			putchar(',');
		else if (!json)
			printf("%sSections: %zu\n", first ? "" : "\n", secs.n);
		print_secs(json);
	}
	if (json)
		printf("}\n");
	return 0;
}
