/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for section tests and benchmarks: create a section, attach a
 * view to a call, a reply or a one-way message, connect a pair.
 */
#ifndef LRPC_SEC_UTIL_H
#define LRPC_SEC_UTIL_H

#include <pthread.h>
#include <sys/mman.h>

#include "../lrpc/lrpc_util.h"

static inline int sec_create(int dev, __u64 size, __u32 *id)
{
	struct lrpc_section_create sc;
	int r;

	memset(&sc, 0, sizeof(sc));
	sc.size = size;
	r = sys_ret(ioctl(dev, LRPC_IOC_SECTION_CREATE, &sc));
	if (id)
		*id = sc.id;
	return r;
}

static inline void sec_view(struct lrpc_view_attach *va, int fd, __u64 off,
			    __u64 len, __u32 flags)
{
	memset(va, 0, sizeof(*va));
	va->fd = fd;
	va->offset = off;
	va->len = len;
	va->flags = flags;
}

/* A call carrying @va (may be NULL); the reply's view lands in out->msg. */
static inline int sec_call(int comm, const void *data, __u32 len,
			   const struct lrpc_view_attach *va, void *reply,
			   __u32 reply_size, long long timeout_ns,
			   struct lrpc_call *out)
{
	struct lrpc_call c;
	int r;

	memset(&c, 0, sizeof(c));
	c.data = (uintptr_t)data;
	c.len = len;
	c.reply = (uintptr_t)reply;
	c.reply_size = reply_size;
	c.timeout_ns = timeout_ns;
	c.view = (uintptr_t)va;
	c.flags = LRPC_CALL_F_VIEWS;
	r = sys_ret(ioctl(comm, LRPC_IOC_CALL, &c));
	if (out)
		*out = c;
	return r;
}

static inline int sec_send(int fd, const void *data, __u32 len,
			   const struct lrpc_view_attach *va)
{
	struct lrpc_send s;

	memset(&s, 0, sizeof(s));
	s.data = (uintptr_t)data;
	s.len = len;
	s.view = (uintptr_t)va;
	return sys_ret(ioctl(fd, LRPC_IOC_SEND, &s));
}

/* Reply to @id (0: none) carrying @va, then receive the next message. */
static inline int sec_reply_recv(int port, __u64 id, const void *reply,
				 __u32 reply_len,
				 const struct lrpc_view_attach *va, void *buf,
				 __u32 size, long long timeout_ns,
				 struct lrpc_msg_info *info)
{
	struct lrpc_reply_recv rr;
	int r;

	memset(&rr, 0, sizeof(rr));
	rr.reply_id = id;
	rr.reply_data = (uintptr_t)reply;
	rr.reply_len = reply_len;
	rr.view = (uintptr_t)va;
	rr.data = (uintptr_t)buf;
	rr.size = size;
	rr.timeout_ns = timeout_ns;
	rr.flags = id && !buf ? LRPC_REPLY_F_NORECV : LRPC_REPLY_F_VIEWS;
	r = sys_ret(ioctl(port, LRPC_IOC_REPLY_RECV, &rr));
	if (info)
		*info = rr.msg;
	return r;
}

struct sec_acceptor {
	int port;
	int sconn;
};

static inline void *sec_accept_thread(void *arg)
{
	struct sec_acceptor *a = arg;
	struct lrpc_msg_info info;
	char buf[LRPC_CONNECT_DATA_MAX];

	a->sconn = -1;
	if (lrpc_recv_port(a->port, buf, sizeof(buf), 5000 * MS, &info))
		return NULL;
	if (info.kind != LRPC_MSG_CONNECT_REQUEST)
		return NULL;
	a->sconn = lrpc_accept(a->port, info.msg_id, NULL, 0, 0);
	return NULL;
}

/* Connect to @port (named @name); returns the comm fd. */
static inline int sec_connect_pair(int dev, int port, const char *name,
				   int *sconn)
{
	struct sec_acceptor a = { .port = port };
	pthread_t t;
	int comm;

	pthread_create(&t, NULL, sec_accept_thread, &a);
	comm = lrpc_connect_ex(dev, name, NULL, 0, NULL, 0, NULL, 5000 * MS,
			       NULL);
	pthread_join(t, NULL);
	*sconn = a.sconn;
	return comm;
}

/* A pattern that differs in every 8-octet word and per @seed. */
static inline __u64 sec_word(__u64 i, __u64 seed)
{
	return (i + 1) * 0x9e3779b97f4a7c15ULL ^ seed;
}

static inline void sec_fill(void *p, size_t len, __u64 seed)
{
	__u64 *w = p;
	size_t i;

	for (i = 0; i < len / 8; i++)
		w[i] = sec_word(i, seed);
}

/* Index of the first wrong word, or -1 when all @len octets are right. */
static inline long sec_check(const void *p, size_t len, __u64 seed)
{
	const __u64 *w = p;
	size_t i;

	for (i = 0; i < len / 8; i++)
		if (w[i] != sec_word(i, seed))
			return i;
	return -1;
}

#endif /* LRPC_SEC_UTIL_H */
