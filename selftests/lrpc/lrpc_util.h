/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the lrpc selftests: thin wrappers that return the ioctl's
 * result or -errno, so tests can assert on both successes and failures.
 */
#ifndef LRPC_UTIL_H
#define LRPC_UTIL_H

#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/lrpc.h>

/* The harness's EXPECT_EQ(3, u32_field) is fine: do not warn about it. */
#pragma GCC diagnostic ignored "-Wsign-compare"

#define MS	1000000LL	/* timeout_ns per millisecond */

/* Copy a name into a zeroed LRPC_NAME_MAX array, truncating. */
static inline void lrpc_setname(char *dst, const char *name)
{
	size_t n = strnlen(name, LRPC_NAME_MAX - 1);

	memcpy(dst, name, n);
	dst[n] = 0;
}

static inline int lrpc_open(void)
{
	return open("/dev/" LRPC_DEVICE_NAME, O_RDWR | O_CLOEXEC);
}

static inline int sys_ret(int r)
{
	return r < 0 ? -errno : r;
}

static inline int lrpc_port(int dev, const char *name, __u32 mode, __u32 backlog)
{
	struct lrpc_port_create pc;

	memset(&pc, 0, sizeof(pc));
	lrpc_setname(pc.name, name);
	pc.mode = mode;
	pc.backlog = backlog;
	return sys_ret(ioctl(dev, LRPC_IOC_PORT_CREATE, &pc));
}

/* Connect; the server's payload (if any) lands in reply/reply_len. */
static inline int lrpc_connect_ex(int dev, const char *name, const void *data,
				  __u32 len, void *reply, __u32 reply_size,
				  __u32 *reply_len, long long timeout_ns,
				  __u64 *conn_id)
{
	struct lrpc_connect c;
	int r;

	memset(&c, 0, sizeof(c));
	lrpc_setname(c.name, name);
	c.data = (uintptr_t)data;
	c.len = len;
	c.reply = (uintptr_t)reply;
	c.reply_size = reply_size;
	c.timeout_ns = timeout_ns;
	r = sys_ret(ioctl(dev, LRPC_IOC_CONNECT, &c));
	if (reply_len)
		*reply_len = c.reply_len;
	if (conn_id)
		*conn_id = c.conn_id;
	return r;
}

static inline int lrpc_recv_port(int port, void *buf, __u32 size,
				 long long timeout_ns, struct lrpc_msg_info *info)
{
	struct lrpc_reply_recv rr;
	int r;

	memset(&rr, 0, sizeof(rr));
	rr.data = (uintptr_t)buf;
	rr.size = size;
	rr.timeout_ns = timeout_ns;
	rr.flags = LRPC_REPLY_F_VIEWS;
	r = sys_ret(ioctl(port, LRPC_IOC_REPLY_RECV, &rr));
	if (info)
		*info = rr.msg;
	return r;
}

static inline int lrpc_reply_recv(int port, __u64 reply_id, const void *reply,
				  __u32 reply_len, void *buf, __u32 size,
				  long long timeout_ns,
				  struct lrpc_msg_info *info)
{
	struct lrpc_reply_recv rr;
	int r;

	memset(&rr, 0, sizeof(rr));
	rr.reply_id = reply_id;
	rr.reply_data = (uintptr_t)reply;
	rr.reply_len = reply_len;
	rr.data = (uintptr_t)buf;
	rr.size = size;
	rr.timeout_ns = timeout_ns;
	rr.flags = LRPC_REPLY_F_VIEWS;
	r = sys_ret(ioctl(port, LRPC_IOC_REPLY_RECV, &rr));
	if (info)
		*info = rr.msg;
	return r;
}

static inline int lrpc_reply(int port, __u64 id, const void *data, __u32 len)
{
	struct lrpc_reply_recv rr;

	memset(&rr, 0, sizeof(rr));
	rr.reply_id = id;
	rr.reply_data = (uintptr_t)data;
	rr.reply_len = len;
	rr.flags = LRPC_REPLY_F_NORECV;
	return sys_ret(ioctl(port, LRPC_IOC_REPLY_RECV, &rr));
}

static inline int lrpc_accept(int port, __u64 id, const void *data, __u32 len,
			      int reject)
{
	struct lrpc_accept a;

	memset(&a, 0, sizeof(a));
	a.msg_id = id;
	a.data = (uintptr_t)data;
	a.len = len;
	a.flags = reject ? LRPC_ACCEPT_F_REJECT : 0;
	return sys_ret(ioctl(port, LRPC_IOC_ACCEPT, &a));
}

static inline int lrpc_call(int comm, const void *data, __u32 len, void *reply,
			    __u32 reply_size, __u32 *reply_len,
			    long long timeout_ns, struct lrpc_call *out)
{
	struct lrpc_call c;
	int r;

	memset(&c, 0, sizeof(c));
	c.data = (uintptr_t)data;
	c.len = len;
	c.reply = (uintptr_t)reply;
	c.reply_size = reply_size;
	c.timeout_ns = timeout_ns;
	c.flags = LRPC_CALL_F_VIEWS;
	r = sys_ret(ioctl(comm, LRPC_IOC_CALL, &c));
	if (reply_len)
		*reply_len = c.reply_len;
	if (out)
		*out = c;
	return r;
}

static inline int lrpc_send(int fd, const void *data, __u32 len, __u64 *id)
{
	struct lrpc_send s;
	int r;

	memset(&s, 0, sizeof(s));
	s.data = (uintptr_t)data;
	s.len = len;
	r = sys_ret(ioctl(fd, LRPC_IOC_SEND, &s));
	if (id)
		*id = s.msg_id;
	return r;
}

static inline int lrpc_recv(int comm, void *buf, __u32 size,
			    long long timeout_ns, struct lrpc_msg_info *info)
{
	struct lrpc_recv rv;
	int r;

	memset(&rv, 0, sizeof(rv));
	rv.data = (uintptr_t)buf;
	rv.size = size;
	rv.timeout_ns = timeout_ns;
	rv.flags = LRPC_RECV_F_VIEWS;
	r = sys_ret(ioctl(comm, LRPC_IOC_RECV, &rv));
	if (info)
		*info = rv.msg;
	return r;
}

static inline int lrpc_cancel(int comm, __u64 id)
{
	struct lrpc_cancel c;

	memset(&c, 0, sizeof(c));
	c.msg_id = id;
	return sys_ret(ioctl(comm, LRPC_IOC_CANCEL, &c));
}

/* Module parameters, so tests can lower a limit and put it back. */
static inline long lrpc_param_get(const char *name)
{
	char path[128], buf[32];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/lrpc/parameters/%s", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f))
		v = strtol(buf, NULL, 0);
	fclose(f);
	return v;
}

static inline int lrpc_param_set(const char *name, long v)
{
	char path[128];
	FILE *f;
	int r;

	snprintf(path, sizeof(path), "/sys/module/lrpc/parameters/%s", name);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	r = fprintf(f, "%ld\n", v) < 0 ? -EIO : 0;
	if (fclose(f))
		r = -errno;
	return r;
}

/* A unique port name per test process. */
static inline const char *lrpc_name(const char *tag)
{
	static char buf[LRPC_NAME_MAX];

	snprintf(buf, sizeof(buf), "t.%s.%d", tag, getpid());
	return buf;
}

/*
 * The id of the generic netlink family "lrpc" (CTRL_CMD_GETFAMILY on a
 * NETLINK_GENERIC socket @fd), or -errno.
 */
static inline int lrpc_genl_family(int fd)
{
	struct {
		struct nlmsghdr n;
		struct genlmsghdr g;
		char buf[64];
	} req;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct nlattr *na;
	char resp[4096];
	struct nlmsghdr *h;
	int len, family = -ENOENT;

	memset(&req, 0, sizeof(req));
	req.n.nlmsg_type = GENL_ID_CTRL;
	req.n.nlmsg_flags = NLM_F_REQUEST;
	req.n.nlmsg_seq = 1;
	req.g.cmd = CTRL_CMD_GETFAMILY;
	req.g.version = 1;
	na = (struct nlattr *)req.buf;
	na->nla_type = CTRL_ATTR_FAMILY_NAME;
	na->nla_len = NLA_HDRLEN + sizeof(LRPC_GENL_NAME);
	strcpy((char *)na + NLA_HDRLEN, LRPC_GENL_NAME);
	req.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN) + NLA_ALIGN(na->nla_len);
	if (sendto(fd, &req, req.n.nlmsg_len, 0, (void *)&sa, sizeof(sa)) < 0)
		return -errno;
	len = recv(fd, resp, sizeof(resp), 0);
	if (len < (int)NLMSG_HDRLEN)
		return len < 0 ? -errno : -EIO;
	h = (struct nlmsghdr *)resp;
	if (h->nlmsg_type == NLMSG_ERROR)
		return ((struct nlmsgerr *)NLMSG_DATA(h))->error ?: -EIO;
	for (na = (struct nlattr *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
	     (char *)na + NLA_HDRLEN <= resp + h->nlmsg_len && na->nla_len >= NLA_HDRLEN;
	     na = (struct nlattr *)((char *)na + NLA_ALIGN(na->nla_len)))
		if (na->nla_type == CTRL_ATTR_FAMILY_ID)
			family = *(__u16 *)((char *)na + NLA_HDRLEN);
	return family;
}

/*
 * The lrpc.ko the guest runner loaded (it exports LRPC_GUEST_MODULES), for
 * a test that unloads and reloads it: on the debug kernel that is not
 * kmod/'s build.  Else kmod/lrpc.ko, @up folders above /proc/self/exe.
 */
static inline int lrpc_module_path(char *ko, size_t size, int up)
{
	const char *mods = getenv("LRPC_GUEST_MODULES"), *s, *e;
	char *slash;
	ssize_t n;

	for (s = mods; s && *s; s = e) {
		while (*s == ' ')
			s++;
		e = strchrnul(s, ' ');
		if (e - s >= 8 && !strncmp(e - 8, "/lrpc.ko", 8) &&
		    (size_t)(e - s) < size) {
			memcpy(ko, s, e - s);
			ko[e - s] = 0;
			return 0;
		}
	}
	n = readlink("/proc/self/exe", ko, size - 16);
	if (n <= 0)
		return -errno;
	ko[n] = 0;
	while (up-- > 0) {
		slash = strrchr(ko, '/');
		if (slash)
			*slash = 0;
	}
	strcat(ko, "/kmod/lrpc.ko");
	return 0;
}

#endif /* LRPC_UTIL_H */
