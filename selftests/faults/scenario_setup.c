// SPDX-License-Identifier: GPL-2.0
/*
 * What the scenarios stand on: their shared state (C), the port and the
 * connection they make, a view as a receiver gets it, and the helper
 * threads that play the other side of an operation -- a server that
 * accepts and answers, a connector, a caller.
 */
#include <sched.h>
#include <signal.h>

#include "faults.h"

/* ---- helper threads --------------------------------------------------- */

/* SIGUSR1 (no SA_RESTART): ends a helper's blocking ioctl with -EINTR. */
void on_signal(int sig)
{
}

static void thread_start(pthread_t *t, void *(*fn)(void *), void *arg)
{
	pthread_attr_t a;

	pthread_attr_init(&a);
	/* small: a forked child locks them all (accept_fd_table) */
	pthread_attr_setstacksize(&a, 256 << 10);
	if (pthread_create(t, &a, fn, arg))
		abort();
	pthread_attr_destroy(&a);
}

/* struct server (faults.h) tells what it does. */
static void *server_main(void *arg)
{
	struct server *s = arg;
	struct lrpc_view_attach va;
	struct lrpc_msg_info info;
	int r;

	for (;;) {
		r = lrpc_recv_port(s->port, s->buf, sizeof(s->buf), -1, &info);
		if (r == -ESHUTDOWN)
			break;
		if (r == -EINTR)
			continue;
		if (r) {
			STORE(s->err, r);
			break;
		}
		if (info.view_fd >= 0)
			close(info.view_fd);
		switch (info.kind) {
		case LRPC_MSG_CONNECT_REQUEST:
			r = lrpc_accept(s->port, info.msg_id, "ok", 2, 0);
			if (r < 0) {
				STORE(s->err, r);
				break;
			}
			pthread_mutex_lock(&s->lock);
			s->sconn[s->nsconn++ % MAXCONN] = r;
			pthread_mutex_unlock(&s->lock);
			break;
		case LRPC_MSG_REQUEST:
			if (!s->hold) {
				if (s->reply_view >= 0)
					sec_view(&va, s->reply_view, 0, 0, 0);
				r = sec_reply_recv(s->port, info.msg_id, "reply", 5,
						   s->reply_view >= 0 ? &va : NULL,
						   NULL, 0, 0, NULL);
				if (r && r != -ENOENT)
					STORE(s->err, r);
			}
			INC(s->nreq);
			break;
		case LRPC_MSG_CANCEL:
			INC(s->ncancel);
			break;
		case LRPC_MSG_PORT_CLOSED:
			INC(s->nclosed);
			break;
		default:
			INC(s->noneway);
			break;
		}
	}
	return NULL;
}

void server_start(struct server *s, int port, int reply_view, int hold)
{
	memset(s, 0, sizeof(*s));
	s->port = port;
	s->reply_view = reply_view;
	s->hold = hold;
	pthread_mutex_init(&s->lock, NULL);
	thread_start(&s->t, server_main, s);
}

/* The next connection fd the server accepted, -1 if none comes. */
int server_take(struct server *s)
{
	int i, fd = -1;

	for (i = 0; i < 10000 && fd < 0; i++) {
		pthread_mutex_lock(&s->lock);
		if (s->nsconn) {
			fd = s->sconn[0];
			memmove(s->sconn, s->sconn + 1,
				(MAXCONN - 1) * sizeof(int));
			s->nsconn--;
		}
		pthread_mutex_unlock(&s->lock);
		if (fd < 0)
			usleep(1000);
	}
	return fd;
}

void port_shutdown(int port, __u32 flags)
{
	struct lrpc_port_shutdown sd = { .flags = flags };

	ioctl(port, LRPC_IOC_PORT_SHUTDOWN, &sd);
}

void server_stop(struct server *s)
{
	port_shutdown(s->port, 0);
	pthread_join(s->t, NULL);
	port_shutdown(s->port, LRPC_SHUTDOWN_F_RESUME);
	while (s->nsconn)
		close(s->sconn[--s->nsconn]);
}

/* struct connector (faults.h) tells what it does. */
static void *connector_main(void *arg)
{
	struct connector *c = arg;
	char reply[64];
	__u32 rlen;
	int r, fd;

	if (unshare(CLONE_FILES))
		abort();
	for (fd = 3; fd < 1024; fd++)
		if (fd != c->dev)
			close(fd);
	while (!LOAD(c->stop)) {
		r = lrpc_connect_ex(c->dev, c->name, "hello", 5, reply,
				    sizeof(reply), &rlen, c->timeout, NULL);
		if (r >= 0)
			close(r);
		STORE(c->last, r < 0 ? r : 0);
		INC(c->nres);
		if (r == -ECONNRESET || r == -ENOENT)
			break;
	}
	STORE(c->done, 1);
	return NULL;
}

void connector_start(struct connector *c, int dev, const char *name)
{
	memset(c, 0, sizeof(*c));
	c->dev = dev;
	c->timeout = 20 * SEC;
	memcpy(c->name, name, sizeof(c->name));
	thread_start(&c->t, connector_main, c);
}

/* Stop a connector or a caller, signalling it out of a blocking ioctl. */
void thread_stop(pthread_t t, int *stop, int *done)
{
	STORE(*stop, 1);
	while (!LOAD(*done)) {
		pthread_kill(t, SIGUSR1);
		usleep(2000);
	}
	pthread_join(t, NULL);
}

/* struct caller (faults.h) tells what it does. */
static void *caller_main(void *arg)
{
	struct caller *c = arg;
	int r;

	while (!LOAD(c->stop)) {
		memset(&c->call, 0, sizeof(c->call));
		c->call.data = (uintptr_t)"call";
		c->call.len = 4;
		c->call.reply = (uintptr_t)c->reply;
		c->call.reply_size = sizeof(c->reply);
		c->call.timeout_ns = c->timeout;
		c->call.msg.view_fd = -1;
		c->call.flags = LRPC_CALL_F_VIEWS;
		if (c->view >= 0) {
			sec_view(&c->va, c->view, 0, 0, 0);
			c->call.view = (uintptr_t)&c->va;
		}
		r = ioctl(c->comm, LRPC_IOC_CALL, &c->call) ? -errno : 0;
		if (c->call.msg.view_fd >= 0)
			close(c->call.msg.view_fd);
		STORE(c->last, r);
		INC(c->ncalls);
		if (r == -ECONNRESET)
			break;
	}
	STORE(c->done, 1);
	return NULL;
}

void caller_start(struct caller *c, int comm, int view)
{
	memset(c, 0, sizeof(*c));
	c->comm = comm;
	c->view = view;
	c->timeout = 60 * SEC;
	thread_start(&c->t, caller_main, c);
}

/* ---- the scenarios' shared state ---------------------------------------- */

struct scenario_state C;

/* The scenario's port name, C.name: fnth.@tag.<pid>. */
void port_name(const char *tag)
{
	snprintf(C.name, sizeof(C.name), "fnth.%s.%d", tag, getpid());
}

/* Create the scenario's port (C.port, C.port_id) named C.name. */
int port_make(void)
{
	struct obj_port *p;
	int i;

	C.port = lrpc_port(C.dev, C.name, LRPC_MODE_ALL, 0);
	if (C.port < 0)
		return C.port;
	if (snap_take(&snap_now))
		return -EIO;
	for (i = 0; i < snap_now.nports; i++) {
		p = &snap_now.port[i];
		if (!strcmp(p->name, C.name)) {
			C.port_id = p->id;
			return 0;
		}
	}
	return -ENOENT;
}

/* A connection to C.port: C.comm, C.sconn, C.conn_id. */
int pair_make(void)
{
	struct sec_acceptor a = { .port = C.port };
	pthread_t t;

	thread_start(&t, sec_accept_thread, &a);
	C.comm = lrpc_connect_ex(C.dev, C.name, NULL, 0, NULL, 0, NULL,
				 20 * SEC, &C.conn_id);
	pthread_join(t, NULL);
	C.sconn = a.sconn;
	return C.comm >= 0 && C.sconn >= 0 ? 0 : -1;
}

/* A view as a receiver gets it: sent on a one-way message, received. */
int view_received(int flags)
{
	sec_view(&C.va, C.sec, 0, 0, flags);
	if (sec_send(C.comm, "v", 1, &C.va))
		return -1;
	if (lrpc_recv_port(C.port, C.buf, sizeof(C.buf), 0, &C.info))
		return -1;
	return C.info.view_fd;
}
