// SPDX-License-Identifier: MIT
/*
 * The server's threads and its epoll loop.  A pool of threads
 * (leader/follower, up to max_calls) shares one level-triggered epoll
 * set: the leader waits in it and hands each ready fd to the engine that
 * added it (its struct rpc_event_source: a listener, a connection, a
 * timer); the engine reads, answers binds inline and puts complete
 * requests on the leader's ready list (__rpc_ready_add), the first of
 * which the leader runs itself.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <sys/epoll.h>
#include "runtime/server_int.h"

/*
 * Threads: leader/follower with lazy hand-off.  One thread at a time (the
 * leader) waits in epoll_wait() and reads; a complete request it runs
 * itself, at once, and then goes on leading: a short call costs no
 * thread switch at all.  A standby thread watches: when the leader's
 * call has run for LEAD_TAKEOVER_NS, the standby takes the leadership
 * (the epoll set and the reading) and the old leader, once its call is
 * done, becomes a follower.  So a long or blocking call delays other
 * connections by about that much, never more.  The standby ticks every
 * millisecond only within a second of the last call; idle, it sleeps.
 * The epoll set is level-triggered, so a new leader sees whatever the
 * old one did not read.  Calls that cannot start at once (more than one
 * request read in one go) are queued for the followers.
 */
#define LEAD_TAKEOVER_NS	(2 * 1000000LL)

static void *srv_thread(void *arg);

/* srv->lock held */
void __rpc_workers_spawn_locked(struct rpc_server *srv)
{
	pthread_t t;
	pthread_attr_t a;

	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&a, 256 << 10);
	if (!pthread_create(&t, &a, srv_thread, srv))
		srv->nthreads++;
	pthread_attr_destroy(&a);
}

/* Queue a call for the next free thread. */
static void submit(struct rpc_server *srv, struct rpc_call_ctx *call)
{
	struct job *j = calloc(1, sizeof(*j));

	if (!j) {
		call->ops->reply(call, nca_s_server_too_busy, true, NULL);
		call->maybe = true;	/* unlink and drop */
		call->fault = nca_s_server_too_busy;
		__rpc_call_execute(call);
		return;
	}
	j->call = call;
	pthread_mutex_lock(&srv->lock);
	if (srv->jq_tail)
		srv->jq_tail->next = j;
	else
		srv->jq_head = j;
	srv->jq_tail = j;
	srv->jq_len++;
	/* idle threads may not have woken for earlier jobs yet */
	if (srv->jq_len > srv->nidle && srv->nthreads < srv->max_threads)
		__rpc_workers_spawn_locked(srv);
	pthread_cond_signal(&srv->work_cv);
	pthread_mutex_unlock(&srv->lock);
}

/* The engines' threads of their own (the kernel ports' ones): stop. */
static void engines_stop(struct rpc_server *srv)
{
	rpc_for_each_engine(e)
		if ((*e)->stop)
			(*e)->stop(srv);
}

/* The leader's complete requests (server_int.h __rpc_ready_add). */
__thread struct rpc_call_ctx *__rpc_ready_head, **__rpc_ready_tail;

/* Lead until the server stops (false) or a standby takes the leadership
 * while this thread runs a call (true). */
static bool lead(struct rpc_server *srv)
{
	struct epoll_event ev[64];

	while (!atomic_load(&srv->stop)) {
		int n = epoll_wait(srv->epfd, ev, 64, -1), i;

		for (i = 0; i < n && !__rpc_ready_head; i++) {
			struct rpc_event_source *src = ev[i].data.ptr;

			if (src->ready)
				src->ready(srv, src, ev[i].events);
		}
		if (__rpc_ready_head) {
			struct rpc_call_ctx *call = __rpc_ready_head, *more;
			unsigned int gen;
			bool taken;

			more = call->rnext;
			__rpc_ready_head = NULL;
			while (more) {
				struct rpc_call_ctx *m = more;

				more = m->rnext;
				submit(srv, m);
			}
			pthread_mutex_lock(&srv->lock);
			gen = srv->lead_gen;
			srv->lead_exec = true;
			srv->lead_exec_since = __rpc_now_ns();
			srv->last_exec = srv->lead_exec_since;
			if (srv->standby && srv->standby_idle)
				pthread_cond_signal(&srv->standby_cv);
			else if (!srv->standby && srv->nidle)
				pthread_cond_signal(&srv->work_cv);
			else if (!srv->standby &&
				 srv->nthreads < srv->max_threads)
				__rpc_workers_spawn_locked(srv);
			pthread_mutex_unlock(&srv->lock);
			__rpc_call_execute(call);
			pthread_mutex_lock(&srv->lock);
			taken = srv->lead_gen != gen;
			if (!taken)
				srv->lead_exec = false;
			pthread_mutex_unlock(&srv->lock);
			if (taken)
				return true;
		}
	}
	return false;
}

/* srv->lock held; runs lead() and gives the leadership back when done */
static void lead_locked(struct rpc_server *srv)
{
	bool lost;

	srv->leader = true;
	pthread_mutex_unlock(&srv->lock);
	lost = lead(srv);
	if (!lost)
		engines_stop(srv);	/* stopping: their own threads too */
	pthread_mutex_lock(&srv->lock);
	if (!lost) {
		srv->leader = false;	/* stopping */
		pthread_cond_broadcast(&srv->idle_cv);
	}
}

/* srv->lock held: watch the leader; true when this thread took over */
static bool standby_locked(struct rpc_server *srv)
{
	srv->standby = true;
	while (!atomic_load(&srv->stop) && !srv->jq_head && srv->leader) {
		int64_t now = __rpc_now_ns();

		if (srv->lead_exec &&
		    now - srv->lead_exec_since > LEAD_TAKEOVER_NS) {
			srv->lead_gen++;
			srv->lead_exec = false;
			srv->standby = false;
			/* someone else watches the new leader */
			if (srv->nidle)
				pthread_cond_signal(&srv->work_cv);
			else if (srv->nthreads < srv->max_threads)
				__rpc_workers_spawn_locked(srv);
			return true;
		}
		if (now - srv->last_exec > 1000000000LL) {
			srv->standby_idle = true;
			pthread_cond_wait(&srv->standby_cv, &srv->lock);
			srv->standby_idle = false;
		} else {
			__rpc_cond_wait_ns(&srv->standby_cv, &srv->lock,
					   1000000);
		}
	}
	srv->standby = false;
	return false;
}

static void *srv_thread(void *arg)
{
	struct rpc_server *srv = arg;

	pthread_mutex_lock(&srv->lock);
	for (;;) {
		struct job *j = srv->jq_head;

		if (j) {
			srv->jq_head = j->next;
			if (!srv->jq_head)
				srv->jq_tail = NULL;
			srv->jq_len--;
			pthread_mutex_unlock(&srv->lock);
			__rpc_call_execute(j->call);
			free(j);
			pthread_mutex_lock(&srv->lock);
			continue;
		}
		if (atomic_load(&srv->stop))
			break;
		if (!srv->leader) {
			lead_locked(srv);
			continue;
		}
		if (!srv->standby) {
			/* the leadership moves without srv->leader changing */
			if (standby_locked(srv))
				lead_locked(srv);
			continue;
		}
		{
			srv->nidle++;
			if (__rpc_cond_wait_ns(&srv->work_cv, &srv->lock,
					       30 * 1000000000LL) == ETIMEDOUT &&
			    !srv->jq_head && srv->leader && srv->nthreads > 4) {
				srv->nidle--;
				break;
			}
			srv->nidle--;
		}
	}
	srv->nthreads--;
	pthread_cond_broadcast(&srv->idle_cv);
	pthread_mutex_unlock(&srv->lock);
	return NULL;
}

/*
 * After stop: nothing is read any more (no leader), so no new calls
 * start.  The calls running or queued get STOP_GRACE_MS to finish and
 * their answers to go out; then the engines drop their connections
 * (their drain hooks), which cancels what is left, and every thread is
 * waited for.
 */
#define STOP_GRACE_MS	5000

void __rpc_workers_teardown(struct rpc_server *srv)
{
	int64_t deadline = __rpc_now_ms() + STOP_GRACE_MS;
	int i;

	engines_stop(srv);	/* the leader did too, unless none was left */

	pthread_mutex_lock(&srv->lock);
	pthread_cond_broadcast(&srv->work_cv);	/* followers: run the queue */
	pthread_cond_broadcast(&srv->standby_cv);
	while (srv->leader)
		pthread_cond_wait(&srv->idle_cv, &srv->lock);
	pthread_mutex_unlock(&srv->lock);
	for (i = 0; i < srv->nlisteners; i++)
		epoll_ctl(srv->epfd, EPOLL_CTL_DEL, srv->listeners[i].fd, NULL);
	rpc_for_each_engine(e)
		if ((*e)->drain)
			(*e)->drain(srv, deadline);
	pthread_mutex_lock(&srv->lock);
	pthread_cond_broadcast(&srv->work_cv);
	pthread_cond_broadcast(&srv->standby_cv);
	while (srv->nthreads)
		pthread_cond_wait(&srv->idle_cv, &srv->lock);
	pthread_mutex_unlock(&srv->lock);
	atomic_store(&srv->listening, false);
}
