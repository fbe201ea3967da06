// SPDX-License-Identifier: GPL-2.0
/*
 * A small generic netlink client for the "lrpc" family: open a socket
 * (lrpc_genl_family() finds the family), send a request, and dump one command's objects (all
 * ports, connections or sections), each parsed into a struct nl_obj and
 * handed to a callback; a malformed answer is an error of its own.
 */
#include "stressor.h"

int nl_open(void)
{
	struct timeval tv = { .tv_sec = 5 };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);

	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

int nl_send(int fd, struct nl_req *req)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if (sendto(fd, req, req->n.nlmsg_len, 0, (void *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

static uint64_t nla_uint(const struct nlattr *na)
{
	const void *p = (const char *)na + NLA_HDRLEN;
	uint64_t v64;
	uint32_t v32;

	if (na->nla_len - NLA_HDRLEN >= 8) {
		memcpy(&v64, p, 8);
		return v64;
	}
	if (na->nla_len - NLA_HDRLEN >= 4) {
		memcpy(&v32, p, 4);
		return v32;
	}
	return 0;
}

/* Fill @o from one dumped message; -EPROTO when it is malformed. */
int nl_parse(const struct nlmsghdr *h, int cmd, struct nl_obj *o)
{
	const char *end = (const char *)h + h->nlmsg_len;
	const struct nlattr *na;
	bool have_id = false;

	memset(o, 0, sizeof(*o));
	o->cmd = cmd;
	for (na = (const struct nlattr *)((const char *)NLMSG_DATA(h) + GENL_HDRLEN);
	     (const char *)na + NLA_HDRLEN <= end;
	     na = (const struct nlattr *)((const char *)na + NLA_ALIGN(na->nla_len))) {
		int t = na->nla_type & NLA_TYPE_MASK;
		int plen = na->nla_len - NLA_HDRLEN;

		if (na->nla_len < NLA_HDRLEN || (const char *)na + na->nla_len > end)
			return -EPROTO;
		switch (cmd * 100 + t) {
		case LRPC_CMD_GET_PORT * 100 + LRPC_PORT_A_ID:
		case LRPC_CMD_GET_CONN * 100 + LRPC_CONN_A_ID:
		case LRPC_CMD_GET_SECTION * 100 + LRPC_SECTION_A_ID:
			o->id = nla_uint(na);
			have_id = true;
			break;
		case LRPC_CMD_GET_PORT * 100 + LRPC_PORT_A_NAME:
		case LRPC_CMD_GET_CONN * 100 + LRPC_CONN_A_PORT_NAME:
			if (plen < 1 || plen > LRPC_NAME_MAX ||
			    ((const char *)na + NLA_HDRLEN)[plen - 1])
				return -EPROTO;
			memcpy(o->name, (const char *)na + NLA_HDRLEN, plen);
			break;
		case LRPC_CMD_GET_PORT * 100 + LRPC_PORT_A_CONNS:
			o->conns = nla_uint(na);
			break;
		case LRPC_CMD_GET_PORT * 100 + LRPC_PORT_A_CONNECTING:
			o->connecting = nla_uint(na);
			break;
		case LRPC_CMD_GET_PORT * 100 + LRPC_PORT_A_QUEUED:
			o->queued = nla_uint(na);
			break;
		case LRPC_CMD_GET_PORT * 100 + LRPC_PORT_A_WAITERS:
			o->waiters = nla_uint(na);
			break;
		case LRPC_CMD_GET_CONN * 100 + LRPC_CONN_A_PORT_ID:
			o->port_id = nla_uint(na);
			break;
		case LRPC_CMD_GET_CONN * 100 + LRPC_CONN_A_QUEUED:
			o->queued = nla_uint(na);
			break;
		case LRPC_CMD_GET_CONN * 100 + LRPC_CONN_A_PENDING:
			o->waiters = nla_uint(na);
			break;
		case LRPC_CMD_GET_SECTION * 100 + LRPC_SECTION_A_SIZE:
			o->size = nla_uint(na);
			break;
		case LRPC_CMD_GET_SECTION * 100 + LRPC_SECTION_A_MAPPINGS:
			o->mappings = nla_uint(na);
			break;
		case LRPC_CMD_GET_SECTION * 100 + LRPC_SECTION_A_VIEWS:
			o->views = nla_uint(na);
			break;
		default:
			break;
		}
	}
	return have_id && o->id ? 0 : -EPROTO;
}

/*
 * Dump @cmd (with one optional attribute @atype of @alen octets, or a
 * request without NLM_F_DUMP when @nodump) and call @cb for each object.
 * Returns the number of objects, or -errno: the kernel's error, or
 * -EPROTO for a malformed answer.
 */
int nl_dump(int fd, int family, int cmd, int atype, const void *aval,
	    int alen, bool nodump, nl_cb cb, void *arg)
{
	static __thread uint32_t seq = 100;
	static __thread char resp[32768];
	struct nl_req req;
	int n = 0, len, ret;

	memset(&req, 0, sizeof(req));
	req.n.nlmsg_type = family;
	req.n.nlmsg_flags = NLM_F_REQUEST | (nodump ? NLM_F_ACK : NLM_F_DUMP);
	req.n.nlmsg_seq = ++seq;
	req.g.cmd = cmd;
	req.g.version = LRPC_GENL_VERSION;
	req.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	if (atype) {
		struct nlattr *na = (struct nlattr *)req.buf;

		na->nla_type = atype;
		na->nla_len = NLA_HDRLEN + alen;
		memcpy((char *)na + NLA_HDRLEN, aval, alen);
		req.n.nlmsg_len += NLA_ALIGN(na->nla_len);
	}
	ret = nl_send(fd, &req);
	if (ret)
		return ret;
	for (;;) {
		struct nlmsghdr *h;

		len = recv(fd, resp, sizeof(resp), 0);
		if (len < 0)
			return -errno;
		for (h = (struct nlmsghdr *)resp; NLMSG_OK(h, (unsigned int)len);
		     h = NLMSG_NEXT(h, len)) {
			struct nl_obj o;

			if (h->nlmsg_seq != seq)
				continue;	/* a late answer to an earlier request */
			if (h->nlmsg_type == NLMSG_DONE)
				return n;
			if (h->nlmsg_type == NLMSG_ERROR) {
				ret = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
				return ret ? ret : n;
			}
			if (h->nlmsg_type != family)
				return -EPROTO;
			if (nl_parse(h, cmd, &o))
				return -EPROTO;
			if (++n > 1000000)
				return -ELOOP;	/* a dump that never ends */
			if (cb)
				cb(&o, arg);
		}
	}
}
