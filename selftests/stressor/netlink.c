// SPDX-License-Identifier: GPL-2.0
/*
 * The lrpc generic netlink family's dumps: a worker's dump op (from its
 * own user and net namespaces, with valid and malformed requests), the
 * census of ports, connections and sections that the supervisor takes
 * before and after the run to find leaks, and the supervisor's thread
 * that dumps all along and checks that no dump lists an id twice.
 */
#include "stressor.h"

void op_netlink(struct thr *t)
{
	int var = rng_below(&t->rng, 4) ? V_VALID : V_BAD, ret, cmd = 1 + rng_below(&t->rng, 3);
	struct exp e = exp_ok();
	uint32_t v32 = 0x7fffffff;
	uint8_t v8 = 1;

	if (t->nlfd < 0) {
		t->nlfd = nl_open();
		t->nlfam = t->nlfd < 0 ? -1 : lrpc_genl_family(t->nlfd);
		if (t->nlfam < 0) {
			fail(t, "no generic netlink family %s: %d", LRPC_GENL_NAME, t->nlfam);
			return;
		}
	}
	if (var == V_VALID) {
		WHAT(t, "netlink dump cmd %d", cmd);
		ret = nl_dump(t->nlfd, t->nlfam, cmd,
			      cmd == LRPC_CMD_GET_CONN && rng_below(&t->rng, 2) ? LRPC_CONN_A_PORT_ID : 0,
			      &v32, 4, false, NULL, NULL);
	} else {
		switch (rng_below(&t->rng, 4)) {
		case 0:
			WHAT(t, "netlink dump cmd %d with an attribute", LRPC_CMD_GET_PORT);
			ret = nl_dump(t->nlfd, t->nlfam, LRPC_CMD_GET_PORT,
				      LRPC_PORT_A_ID, &v32, 4, false, NULL, NULL);
			e = exp_err(EINVAL);
			break;
		case 1:
			WHAT(t, "netlink GET_CONN with a u8 port id");
			ret = nl_dump(t->nlfd, t->nlfam, LRPC_CMD_GET_CONN,
				      LRPC_CONN_A_PORT_ID, &v8, 1, false, NULL, NULL);
			e = exp_err(EINVAL);
			break;
		case 2:
			WHAT(t, "netlink cmd %d without NLM_F_DUMP", cmd);
			ret = nl_dump(t->nlfd, t->nlfam, cmd, 0, NULL, 0, true, NULL, NULL);
			e = exp_err(EOPNOTSUPP);
			break;
		default:
			cmd = rng_below(&t->rng, 2) ? 0 : LRPC_CMD_MAX + 1 + rng_below(&t->rng, 50);
			WHAT(t, "netlink unknown cmd %d", cmd);
			ret = nl_dump(t->nlfd, t->nlfam, cmd, 0, NULL, 0, false, NULL, NULL);
			e = exp_err(EOPNOTSUPP);
			break;
		}
	}
	if (ret > 0)
		ret = 0;
	judge(t, OP_NETLINK, var, ret, false, e);
}

static void census_cb(const struct nl_obj *o, void *arg)
{
	struct census *c = arg;
	size_t l;

	/* a connection's id is unique only in its port */
	if (c->n[o->cmd] < 4096)
		c->id[o->cmd][c->n[o->cmd]] = o->id ^ (uint64_t)o->port_id << 40;
	c->n[o->cmd]++;
	l = strlen(c->desc[o->cmd]);
	if (l > 3000)
		return;
	if (o->cmd == LRPC_CMD_GET_PORT)
		snprintf(c->desc[o->cmd] + l, sizeof(c->desc[o->cmd]) - l,
			 " [port %llu %s conns %u connecting %u queued %u waiters %u]",
			 (unsigned long long)o->id, o->name, o->conns,
			 o->connecting, o->queued, o->waiters);
	else if (o->cmd == LRPC_CMD_GET_CONN)
		snprintf(c->desc[o->cmd] + l, sizeof(c->desc[o->cmd]) - l,
			 " [conn %llu of %s pending %u queued %u]",
			 (unsigned long long)o->id, o->name, o->waiters, o->queued);
	else
		snprintf(c->desc[o->cmd] + l, sizeof(c->desc[o->cmd]) - l,
			 " [section %llu size %llu mappings %u views %u]",
			 (unsigned long long)o->id, (unsigned long long)o->size,
			 o->mappings, o->views);
}

int take_census(int fd, int fam, struct census *c)
{
	int cmd, ret;

	memset(c, 0, sizeof(*c));
	for (cmd = LRPC_CMD_GET_PORT; cmd <= LRPC_CMD_GET_SECTION; cmd++) {
		ret = nl_dump(fd, fam, cmd, 0, NULL, 0, false, census_cb, c);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static bool in_census(const struct census *c, int cmd, uint64_t id)
{
	for (int k = 0; k < c->n[cmd] && k < 4096; k++)
		if (c->id[cmd][k] == id)
			return true;
	return false;
}

/* Objects of @now that @before did not have; their description. */
int census_new(const struct census *before, const struct census *now,
	       char *out, size_t size)
{
	int cmd, k, n = 0;

	out[0] = 0;
	for (cmd = LRPC_CMD_GET_PORT; cmd <= LRPC_CMD_GET_SECTION; cmd++)
		for (k = 0; k < now->n[cmd] && k < 4096; k++)
			if (!in_census(before, cmd, now->id[cmd][k]))
				n++;
	if (n)
		snprintf(out, size, "%.2700s%.2700s%.2700s", now->desc[1],
			 now->desc[2], now->desc[3]);
	return n;
}

/* The netlink thread: dumps all along; a dump never lists an id twice. */
void *nl_thread(void *arg)
{
	int fd = nl_open(), fam = fd < 0 ? -1 : lrpc_genl_family(fd), cmd = 0;
	struct census *c = malloc(sizeof(*c));

	(void)arg;
	if (fam < 0 || !c) {
		fail(NULL, "netlink thread: family %s: %d", LRPC_GENL_NAME, fam);
		return NULL;
	}
	while (!atomic_load(&shared->stop)) {
		int ret, k, j;

		cmd = cmd % 3 + 1;
		memset(c->n, 0, sizeof(c->n));
		c->desc[cmd][0] = 0;
		ret = nl_dump(fd, fam, cmd, 0, NULL, 0, false, census_cb, c);
		if (ret < 0) {
			fail(NULL, "netlink dump of cmd %d: %d", cmd, ret);
			break;
		}
		atomic_fetch_add(&shared->nl_dumps, 1);
		for (k = 0; k < c->n[cmd] && k < 4096; k++)
			for (j = k + 1; j < c->n[cmd] && j < 4096; j++)
				if (c->id[cmd][k] == c->id[cmd][j])
					fail(NULL, "netlink dump of cmd %d lists id %#llx twice",
					     cmd, (unsigned long long)c->id[cmd][k]);
		usleep(5000);
	}
	free(c);
	close(fd);
	return NULL;
}
