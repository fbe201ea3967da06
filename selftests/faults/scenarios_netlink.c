// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink family's dumps as a scenario: one dump of ports,
 * connections (all, or a port's) or sections, received 4 KiB at a time
 * so that it spans several skbs and resumes; each object must come once.
 * The test sets what is dumped (C.cmd, C.filter) and how many objects
 * it must give (C.expect).
 */
#include "faults.h"

static void collect_id(struct nlattr **tb, void *arg)
{
	/* every kind has its id as attribute 1 (a u64 for connections) */
	if (C.nids < MAXOBJ)
		C.ids[C.nids++] = C.cmd == LRPC_CMD_GET_CONN ?
				  (__u32)nla_u64(tb[1]) : nla_u32(tb[1]);
}

static void before_dump(struct __test_metadata *_metadata)
{
	C.nlop = nl_socket();
	ASSERT_LE(0, C.nlop);
	C.nids = 0;
	memset(C.ids, 0, sizeof(C.ids));
}

/* One dump, received 4 KiB at a time: it spans several skbs. */
static int op_dump(void)
{
	return nl_dump(C.nlop, C.cmd, C.filter, C.nlbuf, sizeof(C.nlbuf),
		       collect_id, NULL);
}

static void after_dump(struct __test_metadata *_metadata, int ret)
{
	int i, j;

	close_fd(&C.nlop);
	if (ret < 0)
		return;
	/* each object once, none left out when the dump resumed */
	ASSERT_EQ(C.expect, ret);
	for (i = 0; i < C.nids; i++)
		for (j = i + 1; j < C.nids; j++)
			ASSERT_NE(C.ids[i], C.ids[j]);
}

const struct scenario sc_netlink_dump = {
	.name = "netlink dump",
	.before = before_dump,
	.op = op_dump,
	.after = after_dump,
	.err = ENOBUFS,
};
