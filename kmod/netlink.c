// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "lrpc": dumps of ports, connections and
 * sections, so that lrpcstat can show what the module holds.  Policy
 * (formatting, sorting, filtering beyond visibility) is userspace's.
 *
 * Each dump walks an xarray by id and resumes from cb->args[0], so a
 * dump that spans several skbs neither repeats nor skips an object that
 * stays; connections resume by id inside their port (cb->args[1]), which
 * keeps them in id order.
 */
#include <linux/cred.h>
#include <linux/ipc_namespace.h>
#include <linux/nsproxy.h>
#include <linux/pid.h>
#include <linux/user_namespace.h>
#include <net/genetlink.h>
#include <linux/lrpc.h>

#include "conn.h"
#include "netlink.h"
#include "port.h"
#include "section.h"

static struct genl_family lrpc_genl_family;

/*
 * What the dumper may see, decided once when the dump starts, kept in
 * cb->args (a union with cb->ctx): [0] next id, [1] id of the next
 * connection in that port, [2] euid, [3] sees all, [4] port filter.
 */
enum lrpc_sees {
	LRPC_SEES_OWN,		/* its euid's, in its ipc namespace */
	LRPC_SEES_NS,		/* everything in its ipc namespace */
	LRPC_SEES_ALL,		/* CAP_SYS_ADMIN in the initial namespace */
};

struct dump_ctx {
	kuid_t uid;
	enum lrpc_sees sees;
	u32 port_filter;
};

/*
 * A port is shown to a dumper in its own ipc namespace (the only one
 * where its name means anything) that owns it or administers that
 * namespace's user namespace; only the initial namespace's admin sees
 * every namespace's ports.
 */
static bool port_visible(const struct dump_ctx *ctx,
			 const struct lrpc_port *port)
{
	if (ctx->sees == LRPC_SEES_ALL)
		return true;
	if (!lrpc_port_in_ns(port, current->nsproxy->ipc_ns))
		return false;
	return ctx->sees == LRPC_SEES_NS || uid_eq(port->owner, ctx->uid);
}

struct dump_state {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	struct dump_ctx *ctx;
	struct dump_ctx c;
};

static int dump_start(struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);

	cb->args[0] = 0;
	cb->args[1] = 0;
	cb->args[2] = __kuid_val(current_euid());
	if (netlink_capable(cb->skb, CAP_SYS_ADMIN))
		cb->args[3] = LRPC_SEES_ALL;
	else if (netlink_ns_capable(cb->skb,
				    current->nsproxy->ipc_ns->user_ns,
				    CAP_SYS_ADMIN))
		cb->args[3] = LRPC_SEES_NS;
	else
		cb->args[3] = LRPC_SEES_OWN;
	cb->args[4] = 0;
	/* attrs is sized by the op's own policy: only GET_CONN has one */
	if (info->op.cmd == LRPC_CMD_GET_CONN && info->attrs &&
	    info->attrs[LRPC_CONN_A_PORT_ID])
		cb->args[4] = nla_get_u32(info->attrs[LRPC_CONN_A_PORT_ID]);
	return 0;
}

static void state_init(struct dump_state *st, struct sk_buff *skb,
		       struct netlink_callback *cb)
{
	st->skb = skb;
	st->cb = cb;
	st->c.uid = KUIDT_INIT(cb->args[2]);
	st->c.sees = cb->args[3];
	st->c.port_filter = cb->args[4];
	st->ctx = &st->c;
}

static void *msg_start(struct dump_state *st, u8 cmd)
{
	return genlmsg_put(st->skb, NETLINK_CB(st->cb->skb).portid,
			   st->cb->nlh->nlmsg_seq, &lrpc_genl_family,
			   NLM_F_MULTI, cmd);
}

static int msg_end(struct dump_state *st, void *hdr, int err)
{
	if (err) {
		genlmsg_cancel(st->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(st->skb, hdr);
	return 0;
}

static int put_stats(struct sk_buff *skb, const struct lrpc_port_stats *s)
{
	struct nlattr *nest = nla_nest_start(skb, LRPC_PORT_A_STATS);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, LRPC_STATS_A_MSGS, s->msgs, LRPC_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, LRPC_STATS_A_BYTES, s->bytes, LRPC_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, LRPC_STATS_A_VIEWS, s->views, LRPC_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, LRPC_STATS_A_ERRORS, s->errors, LRPC_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, LRPC_STATS_A_CANCELS, s->cancels, LRPC_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, LRPC_STATS_A_TIMEOUTS, s->timeouts, LRPC_STATS_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Called under port->lock. */
static int fill_port(struct lrpc_port *port, void *arg)
{
	struct user_namespace *ns = current_user_ns();
	struct dump_state *st = arg;
	struct lrpc_conn *conn;
	unsigned int nconns = 0;
	void *hdr;
	int err;

	if (!port_visible(st->ctx, port))
		return 0;
	list_for_each_entry(conn, &port->conns, port_node)
		nconns++;
	hdr = msg_start(st, LRPC_CMD_GET_PORT);
	if (!hdr)
		return -EMSGSIZE;
	err = nla_put_u32(st->skb, LRPC_PORT_A_ID, port->id) ||
	      nla_put_string(st->skb, LRPC_PORT_A_NAME, port->name) ||
	      nla_put_u32(st->skb, LRPC_PORT_A_OWNER_UID,
			  from_kuid_munged(ns, port->owner)) ||
	      nla_put_u32(st->skb, LRPC_PORT_A_OWNER_GID,
			  from_kgid_munged(ns, port->group)) ||
	      nla_put_u32(st->skb, LRPC_PORT_A_MODE, port->mode) ||
	      nla_put_u32(st->skb, LRPC_PORT_A_BACKLOG, port->backlog) ||
	      nla_put_u32(st->skb, LRPC_PORT_A_CONNS, nconns) ||
	      nla_put_u32(st->skb, LRPC_PORT_A_CONNECTING, port->nconnecting) ||
	      nla_put_u32(st->skb, LRPC_PORT_A_QUEUED, port->q.len) ||
	      nla_put_u32(st->skb, LRPC_PORT_A_WAITERS, port->q.nwaiters) ||
	      put_stats(st->skb, &port->stats);
	return msg_end(st, hdr, err);
}

static int dump_ports(struct sk_buff *skb, struct netlink_callback *cb)
{
	unsigned long pos = cb->args[0];
	struct dump_state st;
	int ret;

	state_init(&st, skb, cb);

	ret = lrpc_port_dump(&pos, fill_port, &st);
	cb->args[0] = pos;
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	return ret ?: skb->len;
}

static u32 conn_state(const struct lrpc_conn *conn)
{
	if (conn->server_gone)
		return LRPC_CONN_S_SERVER_GONE;
	if (conn->client_gone)
		return LRPC_CONN_S_CLIENT_GONE;
	return LRPC_CONN_S_CONNECTED;
}

/* Called under port->lock: each visible connection from cb->args[1] on. */
static int fill_conns(struct lrpc_port *port, void *arg)
{
	struct user_namespace *ns = current_user_ns();
	struct dump_state *st = arg;
	struct lrpc_conn *conn;
	void *hdr;
	int err;

	if (st->ctx->port_filter && st->ctx->port_filter != port->id)
		return 0;
	/*
	 * By id, not by position: a connection that went away since the
	 * last part must not make us skip one.  And a resume point in a
	 * port that went away means nothing in the next.
	 */
	if (port->id != st->cb->args[0])
		st->cb->args[1] = 0;
	list_for_each_entry(conn, &port->conns, port_node) {
		if (conn->id < st->cb->args[1])
			continue;
		/* a client sees its own connections wherever they lead */
		if (!port_visible(st->ctx, port) &&
		    !uid_eq(conn->peer_uid, st->ctx->uid))
			continue;
		hdr = msg_start(st, LRPC_CMD_GET_CONN);
		if (!hdr)
			return -EMSGSIZE;
		err = nla_put_u64_64bit(st->skb, LRPC_CONN_A_ID, conn->id,
					LRPC_CONN_A_PAD) ||
		      nla_put_u32(st->skb, LRPC_CONN_A_PORT_ID, port->id) ||
		      nla_put_string(st->skb, LRPC_CONN_A_PORT_NAME, port->name) ||
		      nla_put_u32(st->skb, LRPC_CONN_A_PEER_PID,
				  pid_vnr(conn->peer)) ||
		      nla_put_u32(st->skb, LRPC_CONN_A_PEER_UID,
				  from_kuid_munged(ns, conn->peer_uid)) ||
		      nla_put_u32(st->skb, LRPC_CONN_A_PENDING, conn->ncalls) ||
		      nla_put_u32(st->skb, LRPC_CONN_A_QUEUED, conn->cq.len) ||
		      nla_put_u32(st->skb, LRPC_CONN_A_STATE, conn_state(conn));
		if (msg_end(st, hdr, err))
			return -EMSGSIZE;
		st->cb->args[1] = conn->id + 1;
	}
	st->cb->args[1] = 0;
	return 0;
}

static int dump_conns(struct sk_buff *skb, struct netlink_callback *cb)
{
	unsigned long pos = cb->args[0];
	struct dump_state st;
	int ret;

	state_init(&st, skb, cb);

	ret = lrpc_port_dump(&pos, fill_conns, &st);
	cb->args[0] = pos;
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	return ret ?: skb->len;
}

/* Called under the section table's lock. */
static int fill_section(const struct lrpc_section_info *s, void *arg)
{
	struct dump_state *st = arg;
	void *hdr;
	int err;

	if (st->ctx->sees != LRPC_SEES_ALL && !uid_eq(s->owner, st->ctx->uid))
		return 0;
	hdr = msg_start(st, LRPC_CMD_GET_SECTION);
	if (!hdr)
		return -EMSGSIZE;
	err = nla_put_u32(st->skb, LRPC_SECTION_A_ID, s->id) ||
	      nla_put_u64_64bit(st->skb, LRPC_SECTION_A_SIZE, s->size,
				LRPC_SECTION_A_PAD) ||
	      nla_put_u64_64bit(st->skb, LRPC_SECTION_A_RESIDENT, s->resident,
				LRPC_SECTION_A_PAD) ||
	      nla_put_u32(st->skb, LRPC_SECTION_A_MAPPINGS, s->mappings) ||
	      nla_put_u32(st->skb, LRPC_SECTION_A_VIEWS, s->views) ||
	      nla_put_u32(st->skb, LRPC_SECTION_A_OWNER_UID,
			  from_kuid_munged(current_user_ns(), s->owner)) ||
	      nla_put_u32(st->skb, LRPC_SECTION_A_CREATOR_PID, s->creator);
	return msg_end(st, hdr, err);
}

static int dump_sections(struct sk_buff *skb, struct netlink_callback *cb)
{
	unsigned long pos = cb->args[0];
	struct dump_state st;
	int ret;

	state_init(&st, skb, cb);

	ret = lrpc_section_dump(&pos, fill_section, &st);
	cb->args[0] = pos;
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	return ret ?: skb->len;
}

static const struct nla_policy lrpc_conn_policy[LRPC_CONN_A_MAX + 1] = {
	[LRPC_CONN_A_PORT_ID]	= { .type = NLA_U32 },
};

static const struct genl_ops lrpc_genl_ops[] = {
	{
		.cmd = LRPC_CMD_GET_PORT,
		.start = dump_start,
		.dumpit = dump_ports,
	}, {
		.cmd = LRPC_CMD_GET_CONN,
		.start = dump_start,
		.dumpit = dump_conns,
		.policy = lrpc_conn_policy,
		.maxattr = LRPC_CONN_A_MAX,
	}, {
		.cmd = LRPC_CMD_GET_SECTION,
		.start = dump_start,
		.dumpit = dump_sections,
	},
};

static struct genl_family lrpc_genl_family __ro_after_init = {
	.name		= LRPC_GENL_NAME,
	.version	= LRPC_GENL_VERSION,
	.netnsok	= true,
	.module		= THIS_MODULE,
	.ops		= lrpc_genl_ops,
	.n_ops		= ARRAY_SIZE(lrpc_genl_ops),
	.resv_start_op	= LRPC_CMD_GET_PORT,
};

int __init lrpc_netlink_init(void)
{
	return genl_register_family(&lrpc_genl_family);
}

void lrpc_netlink_exit(void)
{
	genl_unregister_family(&lrpc_genl_family);
}
