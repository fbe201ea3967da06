// SPDX-License-Identifier: GPL-2.0
/*
 * A worker's table of fds, shared by its threads under worker.lock: an
 * op picks a live fd of the kinds it wants and holds it while it runs;
 * a close under a holder only marks the entry dead (the fd number stays
 * taken) and the last holder closes it.  Also the ring of requests that
 * REPLY_RECV delivered and nobody answered yet, for ACCEPT and replies.
 */
#include "stressor.h"

int obj_add(int fd, int kind, uint64_t len, bool write, bool received,
	    bool cloexec, uint32_t sec_id, int name)
{
	int i;

	pthread_mutex_lock(&worker.lock);
	for (i = 0; i < MAX_OBJS; i++)
		if (!worker.obj[i].used)
			break;
	if (i == MAX_OBJS) {
		close(fd);
		pthread_mutex_unlock(&worker.lock);
		return -1;
	}
	worker.obj[i] = (struct obj){ .fd = fd, .kind = kind, .used = 1,
				 .write = write, .received = received,
				 .cloexec = cloexec, .len = len,
				 .sec_id = sec_id, .name = name };
	pthread_mutex_unlock(&worker.lock);
	return i;
}

/* A random live object of @kinds, held (users) until obj_put; or -1. */
int obj_pick(struct thr *t, unsigned int kinds)
{
	int idx[MAX_OBJS], n = 0, i;

	pthread_mutex_lock(&worker.lock);
	for (i = 0; i < MAX_OBJS; i++)
		if (worker.obj[i].used && !worker.obj[i].dead &&
		    (kinds & KM(worker.obj[i].kind)))
			idx[n++] = i;
	i = n ? idx[rng_below(&t->rng, n)] : -1;
	if (i >= 0)
		worker.obj[i].users++;
	pthread_mutex_unlock(&worker.lock);
	return i;
}

/* Hold object @i if it is still what it was; false if it is gone. */
bool obj_hold(int i, int kind)
{
	bool ok;

	pthread_mutex_lock(&worker.lock);
	ok = worker.obj[i].used && !worker.obj[i].dead && worker.obj[i].kind == kind;
	if (ok)
		worker.obj[i].users++;
	pthread_mutex_unlock(&worker.lock);
	return ok;
}

/* Let go of @i (may be -1); true if it was closed while held. */
bool obj_put(int i)
{
	bool dead;

	if (i < 0)
		return false;
	pthread_mutex_lock(&worker.lock);
	dead = worker.obj[i].dead;
	if (--worker.obj[i].users == 0 && dead) {
		close(worker.obj[i].fd);
		worker.obj[i].used = 0;
	}
	pthread_mutex_unlock(&worker.lock);
	return dead;
}

/* Let go of both (an op's fd and its view's); true if either was closed. */
bool obj_put2(int i, int j)
{
	bool a = obj_put(i), b = obj_put(j);

	return a || b;
}

int obj_count(unsigned int kinds)
{
	int i, n = 0;

	pthread_mutex_lock(&worker.lock);
	for (i = 0; i < MAX_OBJS; i++)
		n += worker.obj[i].used && !worker.obj[i].dead &&
		     (kinds & KM(worker.obj[i].kind));
	pthread_mutex_unlock(&worker.lock);
	return n;
}

/* ---- delivered requests, for ACCEPT and replies ---- */

void deliv_add(uint64_t id, uint32_t kind, int obj)
{
	pthread_mutex_lock(&worker.lock);
	worker.deliv[worker.ndeliv++ % MAX_DELIV] = (struct deliv){ id, kind, obj };
	pthread_mutex_unlock(&worker.lock);
}

/* Take a delivered request of @kind; its id, or 0. */
uint64_t deliv_take(struct thr *t, uint32_t kind, int *obj)
{
	uint64_t id = 0;
	int i, n = worker.ndeliv < MAX_DELIV ? worker.ndeliv : MAX_DELIV;

	pthread_mutex_lock(&worker.lock);
	for (i = 0; i < n; i++) {
		struct deliv *d = &worker.deliv[(rng_below(&t->rng, n) + i) % n];

		if (d->id && d->kind == kind) {
			id = d->id;
			*obj = d->obj;
			d->id = 0;
			break;
		}
	}
	pthread_mutex_unlock(&worker.lock);
	return id;
}
