// SPDX-License-Identifier: MIT
/*
 * Connection guards of the connection-oriented server: what keeps one
 * peer from exhausting a server (issue 20).
 *
 *  - time-outs: a periodic timerfd in the server's epoll set makes the
 *    leader walk the connections (co_conn.c __rpc_co_reap) and close
 *    those whose bind, PDU, idle or send deadline passed; it runs only
 *    while there are connections or the listeners are paused;
 *  - caps: connections per peer address and, for ncalrpc, per client
 *    uid (one small hash of counts: an AF_UNIX peer is keyed by its
 *    SO_PEERCRED uid, a kernel connection by the uid the module stamped
 *    on its CONNECT_REQUEST, lpc_server.c, so both paths share one count
 *    per uid), calls per connection and request octets per connection
 *    (read by co_server.c);
 *  - fd exhaustion: accept4() failing with EMFILE/ENFILE (or out of
 *    memory) takes the listeners out of the epoll set, so the leader does
 *    not spin on a listener it cannot drain; a closed connection or the
 *    next tick (PAUSE_RETRY_MS) puts them back.  Logged to stderr at most
 *    once per LOG_EVERY_MS.  While it lacks fds, a connection that has not
 *    bound within GUARD_REFUSE_MS is closed: its fd goes to a client that
 *    binds, not to one that holds fds open (the bind time-out is far longer);
 *  - memory after a burst: once the connections fell to a quarter of a
 *    peak of at least TRIM_BUSY_CONNS and nothing arrived for
 *    TRIM_QUIET_MS, the tick gives the free heap back (malloc_trim, at
 *    most once per TRIM_EVERY_MS).  glibc keeps what the worker threads'
 *    arenas freed otherwise; a library does not change the process's
 *    malloc policy (mallopt), it only returns what is free.
 */
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include "engine/co/co_int.h"

#define PAUSE_RETRY_MS	250
#define LOG_EVERY_MS	5000
#define TICK_MAX_MS	1000
#define TICK_MIN_MS	10
#define TRIM_BUSY_CONNS	64
#define TRIM_QUIET_MS	1000
#define TRIM_EVERY_MS	10000

static const unsigned int default_timeout_ms[GUARD_NTIMEOUTS] = {
	[RPC_SERVER_TIMEOUT_BIND] = 10 * 1000,
	[RPC_SERVER_TIMEOUT_PDU] = 10 * 1000,
	[RPC_SERVER_TIMEOUT_IDLE] = 15 * 60 * 1000,
	[RPC_SERVER_TIMEOUT_SEND] = 30 * 1000,
};

struct guard_addr {
	struct guard_addr *next;
	unsigned int n;
	uint8_t len;		/* 4, 16: an IP address; KEY_UID: a uid */
	uint8_t a[16];
};

#define KEY_UID		1	/* no address has this length */

static unsigned int key_bytes(unsigned int len)
{
	return len == KEY_UID ? sizeof(uid_t) : len;
}

/*
 * Local clients of one uid may hold a quarter of the server's file
 * descriptors (at least 64): enough for a busy local service, too few
 * for one uid to fill the fd table against everyone else.
 */
static unsigned int default_per_uid(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
		return 64;
	return rl.rlim_cur / 4 > 64 ? (unsigned int)(rl.rlim_cur / 4) : 64;
}

/* The timer: resume paused listeners, trim, walk the connections. */
static void guard_ready(struct rpc_server *srv, struct rpc_event_source *src,
			uint32_t events)
{
	if (__rpc_guard_tick(srv))
		__rpc_co_reap(srv);
}

int __rpc_guard_init(struct rpc_server *srv)
{
	struct srv_guard *gd = calloc(1, sizeof(*gd));
	struct epoll_event e = { .events = EPOLLIN };

	if (!gd)
		return -ENOMEM;
	srv->guard = gd;
	e.data.ptr = &gd->src;
	memcpy(gd->timeout_ms, default_timeout_ms, sizeof(gd->timeout_ms));
	gd->max_per_addr = 64;
	gd->max_per_uid = default_per_uid();
	gd->max_calls = CONN_MAX_CALLS;
	gd->max_rx = CONN_MAX_RX;
	gd->src.ready = guard_ready;
	gd->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (gd->tfd < 0)
		return -errno;
	if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, gd->tfd, &e) < 0) {
		int ret = -errno;

		close(gd->tfd);
		gd->tfd = -1;
		return ret;
	}
	return 0;
}

void __rpc_guard_free(struct rpc_server *srv)
{
	struct srv_guard *gd = srv->guard;
	int i;

	if (!gd)
		return;
	if (gd->tfd >= 0)
		close(gd->tfd);
	for (i = 0; i < GUARD_ADDR_BUCKETS; i++)
		while (gd->addrs[i]) {
			struct guard_addr *a = gd->addrs[i];

			gd->addrs[i] = a->next;
			free(a);
		}
	free(gd);
	srv->guard = NULL;
}

/* The period the timer needs now (srv->lock held): 0 when nothing to do.
 * admitting: a connection not yet in srv->nconns (__rpc_guard_admit). */
static unsigned int tick_needed(struct rpc_server *srv, bool admitting)
{
	struct srv_guard *gd = srv->guard;
	unsigned int t = TICK_MAX_MS * 4, i;

	if (!srv->nconns && !admitting && !gd->paused &&
	    gd->peak_conns < TRIM_BUSY_CONNS)
		return 0;	/* nothing to time out, retry or trim */
	for (i = 0; i < GUARD_NTIMEOUTS; i++)
		if (gd->timeout_ms[i] && gd->timeout_ms[i] < t)
			t = gd->timeout_ms[i];
	t /= 4;
	if (gd->nrefusing && t > GUARD_REFUSE_MS / 4)
		t = GUARD_REFUSE_MS / 4;
	if (gd->paused && t > PAUSE_RETRY_MS)
		t = PAUSE_RETRY_MS;
	return t < TICK_MIN_MS ? TICK_MIN_MS : t;
}

/* srv->lock held */
static void arm_admitting_locked(struct rpc_server *srv, bool admitting)
{
	struct srv_guard *gd = srv->guard;
	unsigned int t = tick_needed(srv, admitting);
	struct itimerspec its = { { 0, 0 }, { 0, 0 } };

	if (t == gd->tick_ms || gd->tfd < 0)
		return;
	gd->tick_ms = t;
	its.it_interval.tv_sec = t / 1000;
	its.it_interval.tv_nsec = (long)(t % 1000) * 1000000;
	its.it_value = its.it_interval;
	timerfd_settime(gd->tfd, 0, &its, NULL);
}

/* srv->lock held */
static void arm_locked(struct rpc_server *srv)
{
	arm_admitting_locked(srv, false);
}

static void listeners_set(struct rpc_server *srv, uint32_t events)
{
	int i;

	for (i = 0; i < srv->nlisteners; i++) {
		struct epoll_event e = { .events = events,
					 .data.ptr = &srv->listeners[i].src };

		epoll_ctl(srv->epfd, EPOLL_CTL_MOD, srv->listeners[i].fd, &e);
	}
}

/* srv->lock held */
static void resume_locked(struct rpc_server *srv)
{
	if (!srv->guard->paused || atomic_load(&srv->stop))
		return;
	srv->guard->paused = false;
	listeners_set(srv, EPOLLIN);
}

void __rpc_guard_accept_failed(struct rpc_server *srv, int err)
{
	struct srv_guard *gd = srv->guard;
	int64_t now;

	/* every accept burst ends in EAGAIN: no clock read for that */
	if (err != EMFILE && err != ENFILE && err != ENOBUFS && err != ENOMEM)
		return;		/* EAGAIN, or the peer gave up: nothing held */
	now = __rpc_now_ms();
	pthread_mutex_lock(&srv->lock);
	if (!gd->paused) {
		gd->paused = true;
		gd->paused_ms = now;
		listeners_set(srv, 0);
	}
	if (!gd->logged_ms || now - gd->logged_ms >= LOG_EVERY_MS) {
		gd->logged_ms = now;
		fprintf(stderr, "lrpc: server: accept: %s (%u connections); "
			"not accepting until one closes\n", strerror(err),
			srv->nconns);
	}
	arm_locked(srv);
	pthread_mutex_unlock(&srv->lock);
}

/* The key of a peer: its length (KEY_UID for a uid), or 0 for none. */
static unsigned int peer_key(int fd, const struct sockaddr_storage *ss,
			     uint8_t *a)
{
	if (ss->ss_family == AF_INET) {
		memcpy(a, &((const struct sockaddr_in *)ss)->sin_addr, 4);
		return 4;
	}
	if (ss->ss_family == AF_INET6) {
		const struct in6_addr *in6 =
			&((const struct sockaddr_in6 *)ss)->sin6_addr;

		if (IN6_IS_ADDR_V4MAPPED(in6)) {
			memcpy(a, &in6->s6_addr[12], 4);
			return 4;
		}
		memcpy(a, in6, 16);
		return 16;
	}
	if (ss->ss_family == AF_UNIX) {	/* the ncalrpc fallback */
		struct ucred uc;
		socklen_t n = sizeof(uc);

		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &n) < 0)
			return 0;
		memcpy(a, &uc.uid, sizeof(uid_t));
		return KEY_UID;
	}
	return 0;
}

static unsigned int key_hash(const uint8_t *a, unsigned int len)
{
	unsigned int h = len, i;

	for (i = 0; i < key_bytes(len); i++)
		h = h * 31 + a[i];
	return h % GUARD_ADDR_BUCKETS;
}

/* Count one more connection under key (srv->lock held): its entry, NULL
 * when over max (or out of memory). */
static struct guard_addr *key_get(struct srv_guard *gd, const uint8_t *key,
				  unsigned int len, unsigned int max)
{
	struct guard_addr *a, **pp = &gd->addrs[key_hash(key, len)];
	unsigned int klen = key_bytes(len);

	for (a = *pp; a; a = a->next)
		if (a->len == len && !memcmp(a->a, key, klen))
			break;
	if (!a && (a = calloc(1, sizeof(*a)))) {
		a->len = (uint8_t)len;
		memcpy(a->a, key, klen);
		a->next = *pp;
		*pp = a;
	}
	if (!a || a->n >= max)
		return NULL;
	a->n++;
	return a;
}

/* srv->lock held */
static void key_put(struct srv_guard *gd, struct guard_addr *a)
{
	struct guard_addr **pp;

	if (!a || --a->n)
		return;
	for (pp = &gd->addrs[key_hash(a->a, a->len)]; *pp; pp = &(*pp)->next)
		if (*pp == a) {
			*pp = a->next;
			free(a);
			break;
		}
}

/* Count a new connection (fd) against its address or uid: 0, or -1 to
 * close it at once (too many refusals pending). */
int __rpc_guard_admit(struct rpc_server *srv, struct conn_guard *g, int fd,
		      const struct sockaddr_storage *ss)
{
	struct srv_guard *gd = srv->guard;
	uint8_t key[16];
	unsigned int max, len = peer_key(fd, ss, key);
	int ret = 0;

	g->born_ms = g->rx_ms = g->tx_ms = __rpc_now_ms();
	pthread_mutex_lock(&srv->lock);
	if (srv->nconns >= gd->peak_conns)	/* it counts this one next */
		gd->peak_conns = srv->nconns + 1;
	max = len == KEY_UID ? gd->max_per_uid : gd->max_per_addr;
	if (len && max && !(g->addr = key_get(gd, key, len, max))) {
		if (gd->nrefusing >= GUARD_REFUSING_MAX) {
			ret = -1;
		} else {
			g->refused = true;
			gd->nrefusing++;
		}
	}
	/* counted in srv->nconns only after this: the first connection of
	 * an idle server must start the timer too, or it never times out */
	arm_admitting_locked(srv, ret == 0);
	pthread_mutex_unlock(&srv->lock);
	return ret;
}

int __rpc_guard_uid_get(struct rpc_server *srv, uid_t uid,
			struct guard_addr **slot)
{
	struct srv_guard *gd = srv->guard;
	int ret = 0;

	*slot = NULL;
	pthread_mutex_lock(&srv->lock);
	if (gd->max_per_uid &&
	    !(*slot = key_get(gd, (const uint8_t *)&uid, KEY_UID,
			      gd->max_per_uid)))
		ret = -1;
	pthread_mutex_unlock(&srv->lock);
	return ret;
}

void __rpc_guard_uid_put(struct rpc_server *srv, struct guard_addr *slot)
{
	if (!slot)
		return;
	pthread_mutex_lock(&srv->lock);
	key_put(srv->guard, slot);
	pthread_mutex_unlock(&srv->lock);
}

void __rpc_guard_release(struct rpc_server *srv, struct conn_guard *g)
{
	struct srv_guard *gd = srv->guard;

	pthread_mutex_lock(&srv->lock);
	if (g->refused)
		gd->nrefusing--;
	key_put(gd, g->addr);
	g->addr = NULL;
	g->refused = false;
	resume_locked(srv);	/* an fd came free */
	pthread_mutex_unlock(&srv->lock);
}

/* Whether a burst of connections is over (srv->lock held): few left of
 * the peak, no PDU received for TRIM_QUIET_MS, no trim for TRIM_EVERY_MS. */
static bool trim_due(struct rpc_server *srv, int64_t now)
{
	struct srv_guard *gd = srv->guard;
	uint64_t pkts = atomic_load(&srv->pkts_in);

	if (gd->peak_conns < TRIM_BUSY_CONNS ||
	    srv->nconns > gd->peak_conns / 4)
		return false;
	if (!gd->quiet_ms || pkts != gd->quiet_pkts) {
		gd->quiet_pkts = pkts;
		gd->quiet_ms = now;
		return false;
	}
	if (now - gd->quiet_ms < TRIM_QUIET_MS ||
	    (gd->trimmed_ms && now - gd->trimmed_ms < TRIM_EVERY_MS))
		return false;
	gd->peak_conns = srv->nconns;
	gd->quiet_ms = 0;
	gd->trimmed_ms = now;
	return true;
}

/* On the timer: true when the connections should be walked. */
bool __rpc_guard_tick(struct rpc_server *srv)
{
	struct srv_guard *gd = srv->guard;
	int64_t now;
	uint64_t n;
	bool walk, trim;

	if (read(gd->tfd, &n, sizeof(n)) < 0 && errno == EAGAIN)
		return false;
	now = __rpc_now_ms();
	pthread_mutex_lock(&srv->lock);
	if (gd->paused && now - gd->paused_ms >= PAUSE_RETRY_MS)
		resume_locked(srv);	/* try again; fails fast if still out */
	walk = srv->nconns != 0;
	trim = trim_due(srv, now);
	arm_locked(srv);
	pthread_mutex_unlock(&srv->lock);
#ifdef __GLIBC__
	if (trim)
		malloc_trim(0);
#else
	(void)trim;
#endif
	return walk;
}

/* Out of fds now, or at the last accept (the tick resumed the listeners
 * just before the walk). */
static bool short_of_fds(const struct srv_guard *gd, int64_t now)
{
	return gd->paused ||
	       (gd->paused_ms && now - gd->paused_ms < 2 * PAUSE_RETRY_MS);
}

/* Which deadline of a connection passed (RPC_SERVER_TIMEOUT_* + 1), or 0.
 * busy: calls receiving or running; partial: a PDU half read; sending:
 * output queued. */
int __rpc_guard_expired(const struct srv_guard *gd, const struct conn_guard *g,
			bool bound, bool busy, bool partial, bool sending,
			int64_t now)
{
	const unsigned int *t = gd->timeout_ms;

	if ((g->refused || (!bound && short_of_fds(gd, now))) &&
	    now - g->born_ms >= GUARD_REFUSE_MS)
		return RPC_SERVER_TIMEOUT_BIND + 1;
	if (!bound && t[RPC_SERVER_TIMEOUT_BIND] &&
	    now - g->born_ms >= t[RPC_SERVER_TIMEOUT_BIND])
		return RPC_SERVER_TIMEOUT_BIND + 1;
	if (partial && t[RPC_SERVER_TIMEOUT_PDU] &&
	    now - g->pdu_ms >= t[RPC_SERVER_TIMEOUT_PDU])
		return RPC_SERVER_TIMEOUT_PDU + 1;
	if (sending && t[RPC_SERVER_TIMEOUT_SEND] &&
	    now - g->tx_ms >= t[RPC_SERVER_TIMEOUT_SEND])
		return RPC_SERVER_TIMEOUT_SEND + 1;
	if (!busy && !sending && !partial && t[RPC_SERVER_TIMEOUT_IDLE] &&
	    now - g->rx_ms >= t[RPC_SERVER_TIMEOUT_IDLE])
		return RPC_SERVER_TIMEOUT_IDLE + 1;
	return 0;
}

/* ---- API ------------------------------------------------------------- */

int rpc_server_set_timeout(struct rpc_server *srv,
			   enum rpc_server_timeout which, unsigned int ms)
{
	if (!srv || (unsigned int)which >= GUARD_NTIMEOUTS)
		return -EINVAL;
	pthread_mutex_lock(&srv->lock);
	srv->guard->timeout_ms[which] = ms;
	arm_locked(srv);
	pthread_mutex_unlock(&srv->lock);
	return 0;
}

int rpc_server_set_limit(struct rpc_server *srv, enum rpc_server_limit which,
			 uint64_t value)
{
	struct srv_guard *gd;
	int ret = 0;

	if (!srv)
		return -EINVAL;
	gd = srv->guard;
	pthread_mutex_lock(&srv->lock);
	switch (which) {
	case RPC_SERVER_LIMIT_CONNS_PER_ADDR:
	case RPC_SERVER_LIMIT_CONNS_PER_UID:
		if (value > 1000000)
			ret = -EINVAL;
		else
			*(which == RPC_SERVER_LIMIT_CONNS_PER_UID ?
			  &gd->max_per_uid : &gd->max_per_addr) =
				(unsigned int)value;
		break;
	case RPC_SERVER_LIMIT_CALLS_PER_CONN:
		if (!value || value > CONN_MAX_CALLS)
			ret = -EINVAL;
		else
			/* read without srv->lock by running connections */
			__atomic_store_n(&gd->max_calls, (unsigned int)value,
					 __ATOMIC_RELAXED);
		break;
	case RPC_SERVER_LIMIT_CONN_BYTES:
		if (value < (64u << 10) || value > SIZE_MAX / 2)
			ret = -EINVAL;
		else
			__atomic_store_n(&gd->max_rx, (size_t)value,
					 __ATOMIC_RELAXED);
		break;
	default:
		ret = -EINVAL;
	}
	pthread_mutex_unlock(&srv->lock);
	return ret;
}
