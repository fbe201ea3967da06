// SPDX-License-Identifier: GPL-2.0
/*
 * The census that proves a failed operation left nothing behind: the
 * module's ports, connections and sections as its netlink family dumps
 * them (a snapshot, compared before and after), the fd table (the lowest
 * free fd), and the kernel log.
 */
#include <sys/socket.h>
#include <linux/genetlink.h>

#include "faults.h"

/* ---- the module's state, as its netlink family dumps it ------------- */

struct snap snap_base, snap_pre, snap_post, snap_now;
int nl_family;
int nl_fd = -1;		/* the checks' socket */
static __u32 nl_seq;

int nl_socket(void)
{
	struct timeval tv = { .tv_sec = 10 };
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

#define NL_MAXATTR	16

__u32 nla_u32(const struct nlattr *a)
{
	__u32 v = 0;

	if (a)
		memcpy(&v, (const char *)a + NLA_HDRLEN, sizeof(v));
	return v;
}

__u64 nla_u64(const struct nlattr *a)
{
	__u64 v = 0;

	if (a)
		memcpy(&v, (const char *)a + NLA_HDRLEN, sizeof(v));
	return v;
}

/*
 * One dump of @cmd (GET_CONN of port @port_id if not 0), received
 * @size octets at a time into @buf; @fn sees each object.  Returns the
 * number of objects or -errno.
 */
int nl_dump(int fd, int cmd, __u32 port_id, char *buf, size_t size,
	    nl_fn fn, void *arg)
{
	struct {
		struct nlmsghdr n;
		struct genlmsghdr g;
		char attrs[8];
	} req;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct nlattr *tb[NL_MAXATTR + 1];
	struct nlmsghdr *h;
	struct nlattr *a;
	int objs = 0, rem;
	ssize_t len;

	memset(&req, 0, sizeof(req));
	req.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	req.n.nlmsg_type = nl_family;
	req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.n.nlmsg_seq = ++nl_seq;
	req.g.cmd = cmd;
	req.g.version = LRPC_GENL_VERSION;
	if (port_id) {
		a = (struct nlattr *)req.attrs;
		a->nla_type = LRPC_CONN_A_PORT_ID;
		a->nla_len = NLA_HDRLEN + sizeof(port_id);
		memcpy((char *)a + NLA_HDRLEN, &port_id, sizeof(port_id));
		req.n.nlmsg_len += NLA_ALIGN(a->nla_len);
	}
	if (sendto(fd, &req, req.n.nlmsg_len, 0, (void *)&sa, sizeof(sa)) < 0)
		return -errno;
	for (;;) {
		len = recv(fd, buf, size, MSG_TRUNC);
		if (len < 0)
			return -errno;
		if ((size_t)len > size)
			return -EMSGSIZE;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, len);
		     h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return *(int *)NLMSG_DATA(h) ?: objs;
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(h))->error ?: -EPROTO;
			if (h->nlmsg_type != nl_family)
				continue;
			memset(tb, 0, sizeof(tb));
			a = (struct nlattr *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
			rem = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
			while (rem >= (int)sizeof(*a) && a->nla_len >= sizeof(*a) &&
			       a->nla_len <= rem) {
				if ((a->nla_type & NLA_TYPE_MASK) <= NL_MAXATTR)
					tb[a->nla_type & NLA_TYPE_MASK] = a;
				rem -= NLA_ALIGN(a->nla_len);
				a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
			}
			if (fn)
				fn(tb, arg);
			objs++;
		}
	}
}

static void snap_port(struct nlattr **tb, void *arg)
{
	struct snap *s = arg;
	struct obj_port *p = &s->port[s->nports];

	if (s->nports == MAXOBJ)
		return;
	s->nports++;
	p->id = nla_u32(tb[LRPC_PORT_A_ID]);
	p->conns = nla_u32(tb[LRPC_PORT_A_CONNS]);
	p->connecting = nla_u32(tb[LRPC_PORT_A_CONNECTING]);
	p->queued = nla_u32(tb[LRPC_PORT_A_QUEUED]);
	memset(p->name, 0, sizeof(p->name));
	if (tb[LRPC_PORT_A_NAME])
		strncpy(p->name, (char *)tb[LRPC_PORT_A_NAME] + NLA_HDRLEN,
			sizeof(p->name) - 1);
}

static void snap_conn(struct nlattr **tb, void *arg)
{
	struct snap *s = arg;
	struct obj_conn *c = &s->conn[s->nconns];

	if (s->nconns == MAXOBJ)
		return;
	s->nconns++;
	c->id = nla_u64(tb[LRPC_CONN_A_ID]);
	c->port_id = nla_u32(tb[LRPC_CONN_A_PORT_ID]);
	c->pending = nla_u32(tb[LRPC_CONN_A_PENDING]);
	c->queued = nla_u32(tb[LRPC_CONN_A_QUEUED]);
	c->state = nla_u32(tb[LRPC_CONN_A_STATE]);
	c->peer_uid = nla_u32(tb[LRPC_CONN_A_PEER_UID]);
}

static void snap_sec(struct nlattr **tb, void *arg)
{
	struct snap *s = arg;
	struct obj_sec *x = &s->sec[s->nsecs];

	if (s->nsecs == MAXOBJ)
		return;
	s->nsecs++;
	x->id = nla_u32(tb[LRPC_SECTION_A_ID]);
	x->mappings = nla_u32(tb[LRPC_SECTION_A_MAPPINGS]);
	x->views = nla_u32(tb[LRPC_SECTION_A_VIEWS]);
	x->size = nla_u64(tb[LRPC_SECTION_A_SIZE]);
	x->resident = nla_u64(tb[LRPC_SECTION_A_RESIDENT]);
}

static char snap_buf[32768];

/* Everything the module holds: ports, connections, sections. */
int snap_take(struct snap *s)
{
	int r;

	s->nports = s->nconns = s->nsecs = 0;
	r = nl_dump(nl_fd, LRPC_CMD_GET_PORT, 0, snap_buf, sizeof(snap_buf),
		    snap_port, s);
	if (r >= 0)
		r = nl_dump(nl_fd, LRPC_CMD_GET_CONN, 0, snap_buf,
			    sizeof(snap_buf), snap_conn, s);
	if (r >= 0)
		r = nl_dump(nl_fd, LRPC_CMD_GET_SECTION, 0, snap_buf,
			    sizeof(snap_buf), snap_sec, s);
	return r < 0 ? r : 0;
}

/*
 * NULL if @a and @b hold the same objects in the same state, else what
 * differs.  Not resident pages: a page fault that failed half-way may
 * leave its page in the section, as any fault may.
 */
const char *snap_diff(const struct snap *a, const struct snap *b)
{
	static char why[256];
	int i;

	if (a->nports != b->nports || a->nconns != b->nconns ||
	    a->nsecs != b->nsecs) {
		snprintf(why, sizeof(why), "ports %d -> %d, connections %d -> %d, sections %d -> %d",
			 a->nports, b->nports, a->nconns, b->nconns,
			 a->nsecs, b->nsecs);
		return why;
	}
	for (i = 0; i < a->nports; i++) {
		const struct obj_port *x = &a->port[i], *y = &b->port[i];

		if (x->id != y->id || x->conns != y->conns ||
		    x->connecting != y->connecting || x->queued != y->queued) {
			snprintf(why, sizeof(why), "port %u: connections %u -> %u, connecting %u -> %u, queued %u -> %u",
				 x->id, x->conns, y->conns, x->connecting,
				 y->connecting, x->queued, y->queued);
			return why;
		}
	}
	for (i = 0; i < a->nconns; i++) {
		const struct obj_conn *x = &a->conn[i], *y = &b->conn[i];

		if (x->id != y->id || x->pending != y->pending ||
		    x->queued != y->queued || x->state != y->state) {
			snprintf(why, sizeof(why), "connection %llu: pending %u -> %u, queued %u -> %u, state %u -> %u",
				 (unsigned long long)x->id, x->pending,
				 y->pending, x->queued, y->queued, x->state,
				 y->state);
			return why;
		}
	}
	for (i = 0; i < a->nsecs; i++) {
		const struct obj_sec *x = &a->sec[i], *y = &b->sec[i];

		if (x->id != y->id || x->mappings != y->mappings ||
		    x->views != y->views) {
			snprintf(why, sizeof(why), "section %u: mappings %u -> %u, views %u -> %u, resident %llu -> %llu",
				 x->id, x->mappings, y->mappings, x->views,
				 y->views, (unsigned long long)x->resident,
				 (unsigned long long)y->resident);
			return why;
		}
	}
	return NULL;
}

struct obj_port *snap_port_of(struct snap *s, __u32 id)
{
	int i;

	for (i = 0; i < s->nports; i++)
		if (s->port[i].id == id)
			return &s->port[i];
	return NULL;
}

struct obj_conn *snap_conn_of(struct snap *s, __u64 id)
{
	int i;

	for (i = 0; i < s->nconns; i++)
		if (s->conn[i].id == id)
			return &s->conn[i];
	return NULL;
}

struct obj_sec *snap_sec_of(struct snap *s, __u32 id)
{
	int i;

	for (i = 0; i < s->nsecs; i++)
		if (s->sec[i].id == id)
			return &s->sec[i];
	return NULL;
}

/* ---- fds ------------------------------------------------------------- */

/*
 * The lowest free fd, -1 if the next few free ones are not consecutive:
 * an fd left behind, installed or only reserved, moves it.
 */
int fd_low(int probe)
{
	int fds[8], i, low;

	for (i = 0; i < 8; i++)
		fds[i] = dup(probe);
	low = fds[0];
	for (i = 0; i < 8; i++) {
		if (fds[i] != fds[0] + i)
			low = -1;
		if (fds[i] >= 0)
			close(fds[i]);
	}
	return low;
}

void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* ---- the kernel log ------------------------------------------------- */

/* The kernel log from now on (-1 if it cannot be read). */
int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/* Whether the kernel logged @needle since kmsg_open(). */
bool kmsg_has(int fd, const char *needle)
{
	static char rec[8192];
	bool found = false;
	ssize_t n;

	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* records overwritten meanwhile */
		if (n <= 0)
			break;
		rec[n] = 0;
		if (strstr(rec, needle))
			found = true;
	}
	return found;
}

