// SPDX-License-Identifier: MIT
/*
 * The rpc_server_* API: a server, its interfaces, listening, stopping,
 * statistics.  The protocol engines (lib/engines.c) do the rest through
 * runtime/engine.h: the connection-oriented one adds the listeners
 * (rpc_server_use_protseq, engine/co/co_conn.c), the local one a kernel
 * port beside ncalrpc's.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/eventfd.h>
#include "runtime/server_int.h"

int rpc_server_create(struct rpc_server **out)
{
	struct rpc_server *srv = calloc(1, sizeof(*srv));
	struct epoll_event e = { .events = EPOLLIN };
	static struct rpc_event_source wake = { .ready = NULL };
	int ret;

	if (!srv)
		return -ENOMEM;
	pthread_mutex_init(&srv->lock, NULL);
	__rpc_cond_init(&srv->work_cv);
	__rpc_cond_init(&srv->idle_cv);
	__rpc_cond_init(&srv->standby_cv);
	srv->epfd = epoll_create1(EPOLL_CLOEXEC);
	srv->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (srv->epfd < 0 || srv->evfd < 0) {
		ret = -errno;
		goto fail;
	}
	e.data.ptr = &wake;
	if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, srv->evfd, &e) < 0) {
		ret = -errno;
		goto fail;
	}
	rpc_for_each_engine(en) {
		if ((*en)->init) {
			ret = (*en)->init(srv);
			if (ret < 0)
				goto fail;
		}
	}
	srv->princ_name = strdup("");
	if (!srv->princ_name) {
		ret = -ENOMEM;
		goto fail;
	}
	ret = __rpc_server_register_raw(srv, &mgmt_v1_0_s_ifspec, NULL,
					SYN_NDR20 | SYN_NDR64);
	if (ret < 0)
		goto fail;
	*out = srv;
	return 0;
fail:
	rpc_for_each_engine(en)
		if ((*en)->free)
			(*en)->free(srv);
	if (srv->epfd >= 0)
		close(srv->epfd);
	if (srv->evfd >= 0)
		close(srv->evfd);
	free(srv->princ_name);
	free(srv);
	return ret;
}


/* l is srv->listeners[srv->nlisteners], its fd in the epoll set. */
int __rpc_server_engines_listen(struct rpc_server *srv, struct srv_listener *l)
{
	int ret;

	rpc_for_each_engine(e) {
		if ((*e)->listen) {
			ret = (*e)->listen(srv, l);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

int __rpc_server_register_raw(struct rpc_server *srv,
			      const struct rpc_interface *iface,
			      rpc_raw_dispatch_fn raw, uint32_t syntaxes)
{
	int i, ret = 0;

	pthread_mutex_lock(&srv->lock);
	for (i = 0; i < srv->nifs; i++)
		if (!rpc_uuid_compare(&srv->ifs[i].iface->id.uuid,
				      &iface->id.uuid) &&
		    srv->ifs[i].iface->id.major == iface->id.major) {
			ret = -rpc_s_type_already_registered;
			goto out;
		}
	if (srv->nifs == SRV_MAX_IFS) {
		ret = -rpc_s_out_of_resources;
		goto out;
	}
	srv->ifs[srv->nifs].iface = iface;
	srv->ifs[srv->nifs].raw = raw;
	srv->ifs[srv->nifs].syntaxes = syntaxes;
	srv->nifs++;
out:
	pthread_mutex_unlock(&srv->lock);
	return ret;
}

int rpc_server_register_if(struct rpc_server *srv,
			   const struct rpc_interface *iface)
{
	uint32_t i;

	if (!srv || !iface || !iface->thunks || (iface->nprocs && !iface->procs))
		return -EINVAL;
	for (i = 0; i < iface->nprocs; i++)
		if (iface->procs[i].opnum != i || ndr_proc_check(&iface->procs[i]))
			return -EINVAL;
	return __rpc_server_register_raw(srv, iface, NULL,
					 SYN_NDR20 | SYN_NDR64);
}

int rpc_server_unregister_if(struct rpc_server *srv,
			     const struct rpc_interface *ifs)
{
	int i, ret = -rpc_s_unknown_if;

	pthread_mutex_lock(&srv->lock);
	for (i = 0; i < srv->nifs; i++)
		if (srv->ifs[i].iface == ifs) {
			memmove(&srv->ifs[i], &srv->ifs[i + 1],
				(size_t)(srv->nifs - i - 1) * sizeof(srv->ifs[0]));
			srv->nifs--;
			ret = 0;
			break;
		}
	pthread_mutex_unlock(&srv->lock);
	return ret;
}

void __rpc_server_if_ids(struct rpc_server *srv, struct rpc_syntax_id *ids,
			 int *n, int max)
{
	int i;

	pthread_mutex_lock(&srv->lock);
	for (i = 0; i < srv->nifs && i < max; i++)
		ids[i] = srv->ifs[i].iface->id;
	*n = i;
	pthread_mutex_unlock(&srv->lock);
}

int rpc_server_listen(struct rpc_server *srv, unsigned int max_calls)
{
	uint64_t v;
	int ret;

	if (!srv)
		return -EINVAL;
	if (!srv->nlisteners)
		return -rpc_s_no_protseqs_registered;
	if (atomic_load(&srv->listening) || srv->loop_started)
		return -rpc_s_already_listening;
	srv->max_threads = max_calls ? max_calls : 256;
	atomic_store(&srv->stop, false);
	/* the last stop's wake-up; a stop from now on keeps its flag */
	while (read(srv->evfd, &v, sizeof(v)) > 0)
		;
	atomic_store(&srv->listening, true);
	pthread_mutex_lock(&srv->lock);
	__rpc_workers_spawn_locked(srv);
	ret = srv->nthreads ? 0 : -EAGAIN;
	pthread_mutex_unlock(&srv->lock);
	if (ret) {
		atomic_store(&srv->listening, false);
		return ret;
	}
	srv->loop_started = true;
	rpc_for_each_engine(e) {
		if ((*e)->start) {
			ret = (*e)->start(srv, srv->max_threads);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

/*
 * Async-signal-safe (lrpc-epmd calls it from its SIGTERM handler): an
 * atomic flag and a write to the eventfd, nothing that locks or
 * allocates.  The eventfd stays readable until teardown drains it, so
 * the leader's epoll_wait and rpc_server_wait's poll wake and see the
 * flag; the leader then stops the engines' threads (their stop hooks,
 * which lock: the kernel ports), and teardown does the rest.
 */
int rpc_server_stop_listening(struct rpc_server *srv)
{
	uint64_t one = 1;
	int saved = errno, ret = 0;

	if (!srv)
		return -EINVAL;
	if (!atomic_load(&srv->listening))
		return -rpc_s_not_listening;
	atomic_store(&srv->stop, true);
	if (write(srv->evfd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		ret = -errno;
	errno = saved;
	return ret;
}

int rpc_server_wait(struct rpc_server *srv)
{
	struct pollfd p;

	if (!srv || !srv->loop_started)
		return -rpc_s_not_listening;
	p.fd = srv->evfd;
	p.events = POLLIN;
	while (!atomic_load(&srv->stop))
		poll(&p, 1, 1000);	/* the eventfd; the flag decides */
	/* the kernel path's managers run on threads of their own */
	rpc_for_each_engine(e)
		if ((*e)->wait)
			(*e)->wait(srv);
	__rpc_workers_teardown(srv);
	srv->loop_started = false;
	return 0;
}

/* The socket says what it is and where it is bound; the transport
 * behind it is none of the runtime's business. */
int rpc_server_inq_listen_binding(const struct rpc_server *srv,
				  unsigned int i, char **binding)
{
	struct rpc_string_binding sb = { 0 };
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss), tl = sizeof(int);
	const struct srv_listener *l;
	char host[NI_MAXHOST], port[NI_MAXSERV];
	int type;

	if (!srv || !binding)
		return -EINVAL;
	if (srv->nlisteners < 0 || i >= (unsigned int)srv->nlisteners)
		return -ENOENT;
	l = &srv->listeners[i];
	if (getsockname(l->fd, (struct sockaddr *)&ss, &sl) ||
	    getsockopt(l->fd, SOL_SOCKET, SO_TYPE, &type, &tl))
		return -errno;
	if (ss.ss_family == AF_UNIX) {
		sb.protseq = "ncalrpc";
		sb.netaddr = "";
		sb.endpoint = (char *)l->endpoint;
	} else {
		if (getnameinfo((struct sockaddr *)&ss, sl, host, sizeof(host),
				port, sizeof(port),
				NI_NUMERICHOST | NI_NUMERICSERV))
			return -EINVAL;
		sb.protseq = type == SOCK_DGRAM ? "ncadg_ip_udp"
						: "ncacn_ip_tcp";
		sb.netaddr = host;
		sb.endpoint = port;
	}
	return rpc_string_binding_compose(&sb, binding);
}

bool rpc_server_is_listening(const struct rpc_server *srv)
{
	return srv && atomic_load(&srv->listening) && !atomic_load(&srv->stop);
}

int rpc_server_stats(const struct rpc_server *srv, struct rpc_server_stats *st)
{
	struct rpc_server *s = (struct rpc_server *)srv;

	memset(st, 0, sizeof(*st));
	st->calls_in = atomic_load(&s->calls_in);
	st->calls_out = atomic_load(&s->calls_out);
	st->pkts_in = atomic_load(&s->pkts_in);
	st->pkts_out = atomic_load(&s->pkts_out);
	pthread_mutex_lock(&s->lock);
	st->connections = s->nconns;
	st->assoc_groups = s->ngroups;
	st->context_handles = s->nhandles;
	pthread_mutex_unlock(&s->lock);
	return 0;
}

int rpc_server_set_princ_name(struct rpc_server *srv, const char *name)
{
	char *n = strdup(name ? name : "");

	if (!n)
		return -ENOMEM;
	pthread_mutex_lock(&srv->lock);
	free(srv->princ_name);
	srv->princ_name = n;
	pthread_mutex_unlock(&srv->lock);
	return 0;
}

int rpc_server_allow_remote_stop(struct rpc_server *srv, bool allow)
{
	srv->allow_remote_stop = allow;
	return 0;
}

void rpc_server_free(struct rpc_server *srv)
{
	int i;

	if (!srv)
		return;
	if (srv->loop_started) {
		rpc_server_stop_listening(srv);
		rpc_server_wait(srv);
	}
	rpc_for_each_engine(e)
		if ((*e)->free)
			(*e)->free(srv);
	for (i = 0; i < srv->nlisteners; i++)
		close(srv->listeners[i].fd);
	__rpc_group_free_all(srv);
	close(srv->epfd);
	close(srv->evfd);
	free(srv->princ_name);
	for (i = 0; i < srv->nauth; i++)
		__rpc_srv_auth_free(&srv->auth[i]);
	pthread_mutex_destroy(&srv->lock);
	pthread_cond_destroy(&srv->work_cv);
	pthread_cond_destroy(&srv->idle_cv);
	pthread_cond_destroy(&srv->standby_cv);
	free(srv);
}
