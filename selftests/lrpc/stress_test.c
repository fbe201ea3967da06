// SPDX-License-Identifier: GPL-2.0
/*
 * Many callers at once, and random operations with kill -9 in between.
 *
 *   4 client processes x 16 threads          server: 4 threads on one port
 *   CALL(slot, thread, seq) ---------------> REPLY_RECV: reply = request
 *                                             + conn id + msg id
 *
 * The random stress runs workers, a server and a killer; the module must
 * come out of it with nothing leaked (the runner rmmods it afterwards) and
 * dmesg clean.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "lrpc_util.h"
#include "kselftest_harness.h"

#define NPROC		4
#define NTHREAD		16
#define NCALLS		60
#define NSERVER		4
#define MAGIC		0x4c525043u

struct req {
	__u32 magic;
	__u32 slot;
	__u32 thread;
	__u32 seq;
	__s32 pid;
	__u32 pad;
	char fill[40];
};

struct rep {
	struct req req;
	__u64 conn_id;
	__u64 msg_id;
};

struct shared {
	atomic_uint seen[NPROC][NTHREAD][NCALLS];
	atomic_uint bad_server;
	atomic_uint accepted;
	atomic_long ops;
	atomic_long calls_ok;
	atomic_long connects_ok;
	atomic_int stop;
};

static struct shared *sh;

FIXTURE(stress) {
	int dev;
};

FIXTURE_SETUP(stress)
{
	self->dev = lrpc_open();
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, "/dev/lrpc missing: module not loaded");
	ASSERT_LE(0, self->dev);
}

FIXTURE_TEARDOWN(stress)
{
	if (self->dev >= 0)
		close(self->dev);
}

static void *shared_map(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

struct server {
	int port;
	pthread_t threads[NSERVER];
	int sconns[NPROC * 2];
	pthread_mutex_t lock;
};

static void *serve(void *arg)
{
	struct server *srv = arg;
	struct lrpc_msg_info info;
	struct rep rep;
	struct req req;
	__u64 reply_id = 0;
	int r;

	for (;;) {
		r = lrpc_reply_recv(srv->port, reply_id, &rep,
				    reply_id ? sizeof(rep) : 0, &req,
				    sizeof(req), 50 * MS, &info);
		reply_id = 0;
		if (r == -ETIMEDOUT && !atomic_load(&sh->stop))
			continue;
		if (r)
			break;
		if (info.kind == LRPC_MSG_CONNECT_REQUEST) {
			int s = lrpc_accept(srv->port, info.msg_id, NULL, 0, 0);

			pthread_mutex_lock(&srv->lock);
			srv->sconns[atomic_fetch_add(&sh->accepted, 1)] = s;
			pthread_mutex_unlock(&srv->lock);
			continue;
		}
		if (info.kind != LRPC_MSG_REQUEST)
			continue;
		if (info.len != sizeof(req) || req.magic != MAGIC ||
		    req.slot >= NPROC || req.thread >= NTHREAD ||
		    req.seq >= NCALLS || req.pid != info.tgid) {
			atomic_fetch_add(&sh->bad_server, 1);
			continue;
		}
		atomic_fetch_add(&sh->seen[req.slot][req.thread][req.seq], 1);
		rep.req = req;
		rep.conn_id = info.conn_id;
		rep.msg_id = info.msg_id;
		reply_id = info.msg_id;
	}
	return NULL;
}

struct client_thread {
	pthread_t t;
	int comm;
	__u32 slot, thread;
	__u64 conn_id;
	int errors;
};

static void *client(void *arg)
{
	struct client_thread *ct = arg;
	struct lrpc_call out;
	struct req req;
	struct rep rep;
	__u32 len, seq;

	for (seq = 0; seq < NCALLS; seq++) {
		memset(&req, 0, sizeof(req));
		req.magic = MAGIC;
		req.slot = ct->slot;
		req.thread = ct->thread;
		req.seq = seq;
		req.pid = getpid();
		memset(req.fill, (char)(seq + ct->thread), sizeof(req.fill));
		memset(&rep, 0, sizeof(rep));
		if (lrpc_call(ct->comm, &req, sizeof(req), &rep, sizeof(rep),
			      &len, 30000 * MS, &out) ||
		    len != sizeof(rep) || memcmp(&rep.req, &req, sizeof(req)) ||
		    rep.conn_id != ct->conn_id || rep.msg_id != out.msg_id)
			ct->errors++;
	}
	return NULL;
}

static int client_proc(int dev, const char *name, __u32 slot)
{
	struct client_thread ct[NTHREAD];
	__u64 conn_id;
	int comm, i, errors = 0;

	comm = lrpc_connect_ex(dev, name, NULL, 0, NULL, 0, NULL, 10000 * MS,
			       &conn_id);
	if (comm < 0)
		return 100;
	for (i = 0; i < NTHREAD; i++) {
		ct[i] = (struct client_thread){ .comm = comm, .slot = slot,
						.thread = i, .conn_id = conn_id };
		pthread_create(&ct[i].t, NULL, client, &ct[i]);
	}
	for (i = 0; i < NTHREAD; i++) {
		pthread_join(ct[i].t, NULL);
		errors += ct[i].errors;
	}
	return errors > 99 ? 99 : errors;
}

TEST_F_TIMEOUT(stress, concurrent_callers, 150)
{
	struct server srv = { .lock = PTHREAD_MUTEX_INITIALIZER };
	pid_t pids[NPROC];
	int dev, i, j, k, status;
	unsigned int once = 0, other = 0;
	char name[LRPC_NAME_MAX];

	dev = self->dev;
	sh = shared_map(sizeof(*sh));
	ASSERT_NE(NULL, sh);
	strcpy(name, lrpc_name("conc"));
	srv.port = lrpc_port(dev, name, LRPC_MODE_ALL, 16);
	ASSERT_LE(0, srv.port);
	for (i = 0; i < NSERVER; i++)
		pthread_create(&srv.threads[i], NULL, serve, &srv);
	for (i = 0; i < NPROC; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (pids[i] == 0)
			_exit(client_proc(dev, name, i));
	}
	for (i = 0; i < NPROC; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status));
		EXPECT_EQ(0, WEXITSTATUS(status));
	}
	for (i = 0; i < NPROC; i++)
		for (j = 0; j < NTHREAD; j++)
			for (k = 0; k < NCALLS; k++) {
				if (atomic_load(&sh->seen[i][j][k]) == 1)
					once++;
				else
					other++;
			}
	EXPECT_EQ(NPROC * NTHREAD * NCALLS, once);
	EXPECT_EQ(0, other);
	EXPECT_EQ(0, atomic_load(&sh->bad_server));
	EXPECT_EQ(NPROC, atomic_load(&sh->accepted));
	/* (a close would not end them: their ioctls hold the file) */
	atomic_store(&sh->stop, 1);
	for (i = 0; i < NSERVER; i++)
		pthread_join(srv.threads[i], NULL);
	close(srv.port);
	for (i = 0; i < (int)atomic_load(&sh->accepted); i++)
		close(srv.sconns[i]);
}

/* ---- random stress ---- */

#define NWORKERS	5
#define TARGET_OPS	100000
#define MAX_CONNS	8

static unsigned int rnd(unsigned int *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void stress_server(int dev, const char *name, unsigned int seed)
{
	int conns[64], nconns = 0, port, i;
	struct lrpc_msg_info info;
	__u64 reply_id = 0;
	char buf[512];

	for (i = 0; i < 200; i++) {
		port = lrpc_port(dev, name, LRPC_MODE_ALL, 8);
		if (port >= 0)
			break;
		usleep(1000);
	}
	if (port < 0)
		_exit(1);
	while (!atomic_load(&sh->stop)) {
		int r = lrpc_reply_recv(port, reply_id, buf, rnd(&seed) % 64,
					buf, rnd(&seed) % 8 ? sizeof(buf) : 4,
					20 * MS, &info);

		atomic_fetch_add(&sh->ops, 1);
		reply_id = 0;
		if (r)
			continue;
		switch (info.kind) {
		case LRPC_MSG_CONNECT_REQUEST:
			r = lrpc_accept(port, info.msg_id, "hi", 2,
					rnd(&seed) % 10 == 0);
			if (r > 0) {
				if (nconns == 64) {
					close(conns[0]);
					conns[0] = conns[--nconns];
				}
				conns[nconns++] = r;
			}
			break;
		case LRPC_MSG_REQUEST:
			switch (rnd(&seed) % 10) {
			case 0:		/* sit on it */
				break;
			case 1:		/* late, separate reply */
				lrpc_reply(port, info.msg_id, buf, 8);
				break;
			case 2:
				if (nconns)
					lrpc_send(conns[rnd(&seed) % nconns], buf, 16, NULL);
				/* fall through */
			default:
				reply_id = info.msg_id;
			}
			break;
		default:
			break;
		}
		if (nconns && rnd(&seed) % 50 == 0) {
			i = rnd(&seed) % nconns;
			close(conns[i]);
			conns[i] = conns[--nconns];
		}
	}
	_exit(0);
}

static void stress_worker(int dev, const char *name, unsigned int seed)
{
	int conns[MAX_CONNS], nconns = 0, i, fd;
	struct lrpc_msg_info info;
	struct lrpc_call out;
	char buf[512];
	__u64 last = 0;

	while (atomic_fetch_add(&sh->ops, 1) < TARGET_OPS) {
		int op = rnd(&seed) % 16;
		int c = nconns ? conns[rnd(&seed) % nconns] : -1;

		switch (op) {
		case 0: case 1:
			if (nconns == MAX_CONNS)
				break;
			fd = lrpc_connect_ex(dev, name, buf, rnd(&seed) % 300,
					     buf, sizeof(buf), NULL,
					     (rnd(&seed) % 50) * MS, NULL);
			if (fd >= 0) {
				conns[nconns++] = fd;
				atomic_fetch_add(&sh->connects_ok, 1);
			}
			break;
		case 2: case 3: case 4: case 5: case 6:
			if (c < 0)
				break;
			if (!lrpc_call(c, buf, rnd(&seed) % 512, buf,
				       rnd(&seed) % 2 ? sizeof(buf) : 2, NULL,
				       (1 + rnd(&seed) % 40) * MS, &out))
				atomic_fetch_add(&sh->calls_ok, 1);
			last = out.msg_id;
			break;
		case 7:
			if (c >= 0)
				lrpc_send(c, buf, rnd(&seed) % 128, NULL);
			break;
		case 8:
			if (c >= 0)
				lrpc_recv(c, buf, sizeof(buf), 0, &info);
			break;
		case 9:
			if (c >= 0)
				lrpc_cancel(c, rnd(&seed) % 2 ? last : rnd(&seed));
			break;
		case 10:
			if (nconns) {
				i = rnd(&seed) % nconns;
				close(conns[i]);
				conns[i] = conns[--nconns];
			}
			break;
		case 11: {
			struct pollfd pfd = { .fd = c, .events = POLLIN };

			poll(&pfd, 1, 0);
			break;
		}
		case 12: {
			char own[LRPC_NAME_MAX];

			snprintf(own, sizeof(own), "s.%d.%u", getpid(),
				 rnd(&seed) % 4);
			fd = lrpc_port(dev, own, rnd(&seed) % 8, 0);
			if (fd >= 0)
				close(fd);
			break;
		}
		case 13:
			lrpc_connect_ex(dev, "no.such.port", NULL, 0, NULL, 0,
					NULL, 0, NULL);
			break;
		default: {
			/* a call abandoned by a signal-free fork+kill */
			pid_t p;

			if (c < 0 || rnd(&seed) % 8)
				break;
			p = fork();
			if (p == 0) {
				lrpc_call(c, buf, 8, buf, 8, NULL, -1, NULL);
				_exit(0);
			}
			if (p > 0) {
				usleep(rnd(&seed) % 2000);
				kill(p, SIGKILL);
				waitpid(p, NULL, 0);
			}
			break;
		}
		}
	}
	_exit(0);
}

TEST_F_TIMEOUT(stress, random_ops_with_kill9, 170)
{
	pid_t workers[NWORKERS], server;
	char name[LRPC_NAME_MAX];
	unsigned int seed = 12345;
	int dev, i, kills = 0, status;
	long long t0 = time(NULL);

	dev = self->dev;
	sh = shared_map(sizeof(*sh));
	ASSERT_NE(NULL, sh);
	strcpy(name, lrpc_name("stress"));

	server = fork();
	if (server == 0)
		stress_server(dev, name, 99);
	for (i = 0; i < NWORKERS; i++) {
		workers[i] = fork();
		if (workers[i] == 0)
			stress_worker(dev, name, 1000 + i);
	}
	while (atomic_load(&sh->ops) < TARGET_OPS && time(NULL) - t0 < 150) {
		usleep(20000 + rnd(&seed) % 60000);
		i = rnd(&seed) % (NWORKERS + 1);
		if (i == NWORKERS) {
			kill(server, SIGKILL);
			waitpid(server, NULL, 0);
			server = fork();
			if (server == 0)
				stress_server(dev, name, rnd(&seed));
		} else {
			kill(workers[i], SIGKILL);
			waitpid(workers[i], NULL, 0);
			workers[i] = fork();
			if (workers[i] == 0)
				stress_worker(dev, name, rnd(&seed));
		}
		kills++;
	}
	atomic_store(&sh->stop, 1);
	for (i = 0; i < NWORKERS; i++) {
		kill(workers[i], SIGKILL);
		waitpid(workers[i], &status, 0);
	}
	kill(server, SIGKILL);
	waitpid(server, &status, 0);
	TH_LOG("%ld operations (%ld connects, %ld calls answered), %d kill -9, %llds",
	       atomic_load(&sh->ops), atomic_load(&sh->connects_ok),
	       atomic_load(&sh->calls_ok), kills, (long long)time(NULL) - t0);
	EXPECT_LT(300, atomic_load(&sh->calls_ok));
	EXPECT_LE(TARGET_OPS, atomic_load(&sh->ops));
	EXPECT_LT(10, kills);
	/* the name is free again once everyone is gone */
	i = lrpc_port(dev, name, LRPC_MODE_ALL, 0);
	EXPECT_LE(0, i);
	close(i);
}

TEST_HARNESS_MAIN
