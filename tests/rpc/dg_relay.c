// SPDX-License-Identifier: MIT
/*
 * dg_relay: a lossy UDP relay for the ncadg_ip_udp loss tests.
 *
 *   client --> [--listen PORT] relay [one socket per client] --> --to HOST:PORT
 *   client <-- (same listening socket) <-- (that client's socket) <-- server
 *
 * Datagrams from a client are forwarded to the server from a socket of
 * that client's own, so whatever the server sends to it (answers, and
 * callbacks from any port of the server) goes back to that client, from
 * the listening port.  In both directions a seeded PRNG drops (--loss),
 * duplicates (--dup) and reorders (--reorder: holds one back and sends it
 * after the next datagram on its path, or after 50 ms) datagrams, and
 * --delay-ms delays them all.  The same seed and arrival order give the
 * same choices.
 *
 *   dg_relay --listen [ADDR:]PORT --to HOST:PORT [--seed N] [--loss PCT]
 *            [--dup PCT] [--reorder PCT] [--delay-ms N] [--max-seconds N]
 *
 * PORT 0 takes a free port; the first line on stdout is "listening PORT".
 * Counts go to stdout on SIGTERM, SIGINT or after --max-seconds (600).
 *
 * Built a second time with DG_RELAY_SELFTEST (dg-relay-selftest, run by
 * make check): a relay forked between two sockets passes everything at 0%
 * loss, nothing at 100%, twice as much at 100% duplication, all of it
 * reordered, and answers sent from another port of the server.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#define MAX_CLIENTS	256
#define MAX_PENDING	4096		/* datagrams waiting to go out */
#define HOLD_MS		50		/* a held-back datagram's longest wait */
#define DGRAM_MAX	65536

enum { UP, DOWN };			/* client->server, server->client */

struct counts {
	unsigned long in, out, lost, dup, reordered, overflow;
	/* request (up) or response (down) fragments an endpoint sent
	 * again; copies of one delivered again to the other end */
	unsigned long resent, redelivered;
};

/*
 * Which request and response fragments were seen: a set of 64-bit
 * hashes of (direction, act_id, seqnum, fragnum, ptype), one for what
 * came in and one for what went out.  Bounded; once full, the counts
 * stop (reported as "unsure").
 */
#define SEEN_BITS	21
#define SEEN_SLOTS	(1u << SEEN_BITS)

struct seen {
	uint64_t *slot;
	unsigned long n;
	bool full;
};

static uint64_t frag_key(int dir, const uint8_t *d, size_t len)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)dir;
	size_t i;

	if (len < 80 || (d[0] & 0x0f) != 4 || (d[1] != 0 && d[1] != 2))
		return 0;
	/* ptype, act_id, seqnum, fragnum */
	h = (h ^ d[1]) * 1099511628211ull;
	for (i = 40; i < 56; i++)
		h = (h ^ d[i]) * 1099511628211ull;
	for (i = 64; i < 68; i++)
		h = (h ^ d[i]) * 1099511628211ull;
	for (i = 76; i < 78; i++)
		h = (h ^ d[i]) * 1099511628211ull;
	return h ? h : 1;
}

/* true when key was in s already (it is after) */
static bool seen_add(struct seen *s, uint64_t key)
{
	uint32_t i;

	if (!s->slot) {
		s->slot = calloc(SEEN_SLOTS, sizeof(*s->slot));
		if (!s->slot) {
			s->full = true;
			return false;
		}
	}
	if (s->n >= SEEN_SLOTS / 2) {
		s->full = true;
		return false;
	}
	for (i = (uint32_t)(key >> (64 - SEEN_BITS));; i = (i + 1) & (SEEN_SLOTS - 1)) {
		if (s->slot[i] == key)
			return true;
		if (!s->slot[i]) {
			s->slot[i] = key;
			s->n++;
			return false;
		}
	}
}

struct pending {
	struct pending *next;
	long long due;			/* ms, monotonic */
	int fd;				/* send from */
	struct sockaddr_storage to;
	socklen_t tolen;
	size_t len;
	uint8_t data[];
};

struct path {				/* one direction of one client */
	struct pending *held;
	long long held_since;
};

/*
 * A server may call a client back from another of its ports (the
 * conversation manager's callback has an activity of its own): the
 * client's answers in that activity go back to that port, as a NAT that
 * knows DCE/RPC would send them.
 */
#define MAX_SIDE_ACTS	8
#define ACT_OFF		40		/* act_id in the datagram header */

struct side_act {
	uint8_t act[16];
	struct sockaddr_storage from;
	socklen_t len;
};

struct client {
	struct sockaddr_storage addr;
	socklen_t len;
	int fd;				/* its socket toward the server */
	struct path up, down;
	struct side_act side[MAX_SIDE_ACTS];
	unsigned int nside;
};

struct relay {
	int lfd;
	struct sockaddr_storage server;
	socklen_t server_len;
	struct client clients[MAX_CLIENTS];
	int nclients;
	struct pending *queue;		/* by due time */
	int npending;
	unsigned int loss, dup, reorder, delay_ms;
	uint64_t rng;
	struct counts c[2];
	struct seen came[2], went[2];
};

static bool is_dg_pdu(const uint8_t *buf, ssize_t len)
{
	return len >= 80 && (buf[0] & 0x0f) == 4;
}

/* a datagram from the server's port from: remember its activity */
static void side_learn(struct client *c, const uint8_t *buf, ssize_t len,
		       const struct sockaddr_storage *from, socklen_t fl)
{
	struct side_act *a;
	unsigned int i, n = c->nside < MAX_SIDE_ACTS ? c->nside : MAX_SIDE_ACTS;

	if (!is_dg_pdu(buf, len))
		return;
	for (i = 0; i < n; i++)
		if (!memcmp(c->side[i].act, buf + ACT_OFF, 16))
			break;
	a = i < n ? &c->side[i] : &c->side[c->nside++ % MAX_SIDE_ACTS];
	memcpy(a->act, buf + ACT_OFF, 16);
	memcpy(&a->from, from, fl);
	a->len = fl;
}

/* where a client's datagram goes: the port that began its activity */
static const struct side_act *side_find(const struct client *c,
					const uint8_t *buf, ssize_t len)
{
	unsigned int i, n = c->nside < MAX_SIDE_ACTS ? c->nside : MAX_SIDE_ACTS;

	if (!is_dg_pdu(buf, len))
		return NULL;
	for (i = 0; i < n; i++)
		if (!memcmp(c->side[i].act, buf + ACT_OFF, 16))
			return &c->side[i];
	return NULL;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* xorshift64*: small, seeded, the same everywhere */
static unsigned int pct(struct relay *r)
{
	r->rng ^= r->rng >> 12;
	r->rng ^= r->rng << 25;
	r->rng ^= r->rng >> 27;
	return (unsigned int)((r->rng * 0x2545f4914f6cdd1dULL) >> 32) % 100;
}

static int parse_hostport(const char *s, const char *dflt_host,
			  struct sockaddr_storage *sa, socklen_t *len)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC,
				  .ai_socktype = SOCK_DGRAM,
				  .ai_flags = AI_NUMERICSERV };
	struct addrinfo *ai;
	char host[256];
	const char *port = strrchr(s, ':');

	if (!port) {
		snprintf(host, sizeof(host), "%s", dflt_host);
		port = s;
	} else {
		size_t n = (size_t)(port - s);

		if (s[0] == '[' && n >= 2 && s[n - 1] == ']') {
			s++;
			n -= 2;
		}
		if (n >= sizeof(host))
			return -1;
		memcpy(host, s, n);
		host[n] = 0;
		port++;
	}
	if (getaddrinfo(host, port, &hints, &ai))
		return -1;
	memcpy(sa, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

static bool same_addr(const struct sockaddr_storage *a, socklen_t al,
		      const struct sockaddr_storage *b, socklen_t bl)
{
	return al == bl && !memcmp(a, b, al);
}

static void enqueue(struct relay *r, struct pending *p)
{
	struct pending **pp = &r->queue;

	while (*pp && (*pp)->due <= p->due)
		pp = &(*pp)->next;
	p->next = *pp;
	*pp = p;
	r->npending++;
}

static struct pending *make(struct relay *r, int dir, int fd,
			    const struct sockaddr_storage *to, socklen_t tolen,
			    const void *data, size_t len)
{
	struct pending *p;

	if (r->npending >= MAX_PENDING) {
		r->c[dir].overflow++;
		return NULL;
	}
	p = malloc(sizeof(*p) + len);
	if (!p) {
		r->c[dir].overflow++;
		return NULL;
	}
	p->fd = fd;
	memcpy(&p->to, to, tolen);
	p->tolen = tolen;
	p->len = len;
	memcpy(p->data, data, len);
	p->due = now_ms() + r->delay_ms;
	return p;
}

/* One datagram on path pa of direction dir: the impairments, then out. */
static void relay_one(struct relay *r, int dir, struct path *pa, int fd,
		      const struct sockaddr_storage *to, socklen_t tolen,
		      const void *data, size_t len)
{
	struct pending *p, *held = pa->held;
	uint64_t key = frag_key(dir, data, len);
	int copies = 1, i;

	r->c[dir].in++;
	if (key && seen_add(&r->came[dir], key))
		r->c[dir].resent++;
	if (r->loss && pct(r) < r->loss) {
		r->c[dir].lost++;
		return;
	}
	if (r->dup && pct(r) < r->dup) {
		r->c[dir].dup++;
		copies = 2;
	}
	if (!held && r->reorder && pct(r) < r->reorder) {
		/* the first copy waits for the next datagram on this path */
		pa->held = make(r, dir, fd, to, tolen, data, len);
		pa->held_since = now_ms();
		if (pa->held)
			r->c[dir].reordered++;
		copies--;
	}
	for (i = 0; i < copies; i++) {
		p = make(r, dir, fd, to, tolen, data, len);
		if (p)
			enqueue(r, p);
	}
	if (held) {
		pa->held = NULL;
		held->due = now_ms() + r->delay_ms;
		enqueue(r, held);
	}
}

static void flush_held(struct relay *r, struct path *pa, long long now,
		       bool all)
{
	if (pa->held && (all || now - pa->held_since >= HOLD_MS)) {
		pa->held->due = now;
		enqueue(r, pa->held);
		pa->held = NULL;
	}
}

static void send_due(struct relay *r, long long now)
{
	while (r->queue && r->queue->due <= now) {
		struct pending *p = r->queue;
		int dir = p->fd == r->lfd ? DOWN : UP;
		uint64_t key;

		r->queue = p->next;
		r->npending--;
		if (sendto(p->fd, p->data, p->len, 0,
			   (struct sockaddr *)&p->to, p->tolen) == (ssize_t)p->len) {
			r->c[dir].out++;
			key = frag_key(dir, p->data, p->len);
			if (key && seen_add(&r->went[dir], key))
				r->c[dir].redelivered++;
		}
		free(p);
	}
}

static struct client *client_of(struct relay *r,
				const struct sockaddr_storage *a, socklen_t al)
{
	struct client *c;
	int i;

	for (i = 0; i < r->nclients; i++)
		if (same_addr(&r->clients[i].addr, r->clients[i].len, a, al))
			return &r->clients[i];
	if (r->nclients == MAX_CLIENTS)
		return NULL;
	c = &r->clients[r->nclients];
	memset(c, 0, sizeof(*c));
	c->fd = socket(r->server.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return NULL;
	memcpy(&c->addr, a, al);
	c->len = al;
	r->nclients++;
	return c;
}

static void print_counts(const struct relay *r)
{
	static const char *const name[2] = { "client->server",
					     "server->client" };
	static const char *const frag[2] = {
		"client->server request/callback-response",
		"server->client response/callback-request" };
	int d;

	for (d = 0; d < 2; d++)
		printf("%s: in %lu out %lu lost %lu dup %lu reordered %lu "
		       "overflow %lu\n", name[d], r->c[d].in, r->c[d].out,
		       r->c[d].lost, r->c[d].dup, r->c[d].reordered,
		       r->c[d].overflow);
	for (d = 0; d < 2; d++)
		printf("%s fragments: sent again %lu, delivered again %lu%s\n",
		       frag[d], r->c[d].resent, r->c[d].redelivered,
		       r->came[d].full || r->went[d].full ? " (unsure: table full)" : "");
	printf("clients %d\n", r->nclients);
	fflush(stdout);
}

static void usage(void)
{
	fprintf(stderr, "usage: dg_relay --listen [ADDR:]PORT --to HOST:PORT "
		"[--seed N] [--loss PCT] [--dup PCT] [--reorder PCT] "
		"[--delay-ms N] [--max-seconds N]\n");
	exit(2);
}

static unsigned long num(const char *s, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || !*s || v > max)
		usage();
	return v;
}

static int relay_main(int argc, char **argv)
{
	static struct relay r;
	static uint8_t buf[DGRAM_MAX];
	const char *listen_at = NULL, *to = NULL;
	struct sockaddr_storage la, from;
	socklen_t ll, fl;
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned long max_seconds = 600, seed = 1;
	long long deadline;
	int i;

	for (i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			usage();
		if (!strcmp(argv[i], "--listen"))
			listen_at = v;
		else if (!strcmp(argv[i], "--to"))
			to = v;
		else if (!strcmp(argv[i], "--seed"))
			seed = num(v, ~0UL);
		else if (!strcmp(argv[i], "--loss"))
			r.loss = (unsigned int)num(v, 100);
		else if (!strcmp(argv[i], "--dup"))
			r.dup = (unsigned int)num(v, 100);
		else if (!strcmp(argv[i], "--reorder"))
			r.reorder = (unsigned int)num(v, 100);
		else if (!strcmp(argv[i], "--delay-ms"))
			r.delay_ms = (unsigned int)num(v, 60000);
		else if (!strcmp(argv[i], "--max-seconds"))
			max_seconds = num(v, 86400);
		else
			usage();
		i++;
	}
	if (!listen_at || !to)
		usage();
	r.rng = seed * 0x9e3779b97f4a7c15ULL + 1;	/* never 0 */
	if (parse_hostport(to, "127.0.0.1", &r.server, &r.server_len) ||
	    parse_hostport(listen_at, "127.0.0.1", &la, &ll)) {
		fprintf(stderr, "dg_relay: bad address\n");
		return 2;
	}
	r.lfd = socket(la.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (r.lfd < 0 || bind(r.lfd, (struct sockaddr *)&la, ll) ||
	    getsockname(r.lfd, (struct sockaddr *)&la, &ll)) {
		perror("dg_relay: listen");
		return 1;
	}
	printf("listening %u\n", ntohs(la.ss_family == AF_INET6 ?
				       ((struct sockaddr_in6 *)&la)->sin6_port :
				       ((struct sockaddr_in *)&la)->sin_port));
	fflush(stdout);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	deadline = now_ms() + (long long)max_seconds * 1000;

	while (!stop && now_ms() < deadline) {
		struct pollfd pf[MAX_CLIENTS + 1];
		long long now = now_ms();
		int timeout = 1000, n, polled;

		if (r.queue)
			timeout = (int)(r.queue->due > now ? r.queue->due - now : 0);
		for (i = 0; i < r.nclients; i++)
			if (r.clients[i].up.held || r.clients[i].down.held)
				timeout = timeout < HOLD_MS ? timeout : HOLD_MS;
		pf[0] = (struct pollfd){ r.lfd, POLLIN, 0 };
		for (i = 0; i < r.nclients; i++)
			pf[i + 1] = (struct pollfd){ r.clients[i].fd, POLLIN, 0 };
		polled = r.nclients;	/* a client added below was not */
		n = poll(pf, (nfds_t)polled + 1, timeout);
		if (n < 0 && errno != EINTR)
			break;
		if (n > 0 && (pf[0].revents & POLLIN)) {
			ssize_t len;
			struct client *c;

			fl = sizeof(from);
			len = recvfrom(r.lfd, buf, sizeof(buf), MSG_DONTWAIT,
				       (struct sockaddr *)&from, &fl);
			c = len >= 0 ? client_of(&r, &from, fl) : NULL;
			if (c) {
				const struct side_act *a = side_find(c, buf, len);

				relay_one(&r, UP, &c->up, c->fd,
					  a ? &a->from : &r.server,
					  a ? a->len : r.server_len, buf,
					  (size_t)len);
			}
		}
		for (i = 0; n > 0 && i < polled; i++) {
			struct client *c = &r.clients[i];
			ssize_t len;

			if (!(pf[i + 1].revents & POLLIN))
				continue;
			fl = sizeof(from);
			len = recvfrom(c->fd, buf, sizeof(buf), MSG_DONTWAIT,
				       (struct sockaddr *)&from, &fl);
			if (len >= 0 && (fl != r.server_len ||
					 memcmp(&from, &r.server, fl)))
				side_learn(c, buf, len, &from, fl);
			if (len >= 0)
				relay_one(&r, DOWN, &c->down, r.lfd, &c->addr,
					  c->len, buf, (size_t)len);
		}
		now = now_ms();
		for (i = 0; i < r.nclients; i++) {
			flush_held(&r, &r.clients[i].up, now, false);
			flush_held(&r, &r.clients[i].down, now, false);
		}
		send_due(&r, now);
	}
	print_counts(&r);
	return 0;
}

#ifndef DG_RELAY_SELFTEST

int main(int argc, char **argv)
{
	return relay_main(argc, argv);
}

#else /* the self-test: TAP, one line per case */

struct run {
	unsigned int got_server, got_client, last;
	bool reordered;
};

/*
 * What arrives within ms: the server (sfd) echoes each datagram from efd,
 * the client (cfd) counts the echoes and notes one older than the one
 * before.  False once nothing came.
 */
static bool pump(int sfd, int efd, int cfd, int ms, struct run *res)
{
	struct pollfd p[2] = { { sfd, POLLIN, 0 }, { cfd, POLLIN, 0 } };
	struct sockaddr_storage from;
	socklen_t fl = sizeof(from);
	uint32_t v;

	if (poll(p, 2, ms) <= 0)
		return false;
	if (p[0].revents & POLLIN &&
	    recvfrom(sfd, &v, 4, 0, (struct sockaddr *)&from, &fl) == 4) {
		res->got_server++;
		sendto(efd, &v, 4, 0, (struct sockaddr *)&from, fl);
	}
	if (p[1].revents & POLLIN && recv(cfd, &v, 4, 0) == 4) {
		if (v < res->last)
			res->reordered = true;
		res->last = v;
		res->got_client++;
	}
	return true;
}

/* A relay (forked) from a client socket to a server socket that echoes
 * (from another socket of its own when other_port, as a callback would
 * come); n datagrams numbered 0..n-1 go up, echoes come back. */
static int run_case(const char *loss, const char *dup, const char *reorder,
		    unsigned int n, bool other_port, struct run *res)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sa);
	char to[32], line[256];
	int sfd, cfd, efd, pfd[2], status;
	unsigned int i, port;
	pid_t pid;
	FILE *out;

	memset(res, 0, sizeof(*res));
	sfd = socket(AF_INET, SOCK_DGRAM, 0);
	cfd = socket(AF_INET, SOCK_DGRAM, 0);
	efd = other_port ? socket(AF_INET, SOCK_DGRAM, 0) : sfd;
	if (sfd < 0 || cfd < 0 || efd < 0 ||
	    bind(sfd, (struct sockaddr *)&sa, sl) ||
	    getsockname(sfd, (struct sockaddr *)&sa, &sl) || pipe(pfd))
		return -1;
	snprintf(to, sizeof(to), "127.0.0.1:%u", ntohs(sa.sin_port));
	fflush(stdout);		/* or the child writes it again */
	pid = fork();
	if (pid == 0) {
		char *argv[] = { "dg_relay", "--listen", "0", "--to", to,
				 "--seed", "7", "--loss", (char *)loss,
				 "--dup", (char *)dup, "--reorder",
				 (char *)reorder, "--max-seconds", "20", NULL };

		dup2(pfd[1], 1);
		close(pfd[0]);
		_exit(relay_main(15, argv));
	}
	close(pfd[1]);
	out = fdopen(pfd[0], "r");
	if (!out || !fgets(line, sizeof(line), out) ||
	    sscanf(line, "listening %u", &port) != 1)
		return -1;
	sa.sin_port = htons((uint16_t)port);
	for (i = 0; i < n; i++) {
		uint32_t v = i;

		sendto(cfd, &v, sizeof(v), 0, (struct sockaddr *)&sa,
		       sizeof(sa));
		/* let each one through before the next: the relay's choices
		 * then follow the seed alone */
		while (pump(sfd, efd, cfd, 20, res))
			;
	}
	/* the last held-back ones come after HOLD_MS */
	while (pump(sfd, efd, cfd, 4 * HOLD_MS, res))
		;
	kill(pid, SIGTERM);
	while (fgets(line, sizeof(line), out))
		printf("# %s", line);
	fclose(out);
	waitpid(pid, &status, 0);
	if (efd != sfd)
		close(efd);
	close(sfd);
	close(cfd);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int main(void)
{
	struct run r;
	int fails = 0, ret;

	printf("TAP version 13\n1..5\n");
	ret = run_case("0", "0", "0", 50, false, &r);
	ret = ret || r.got_server != 50 || r.got_client != 50;
	printf("%sok 1 0%% loss: server %u/50, client %u/50\n",
	       ret ? "not " : "", r.got_server, r.got_client);
	fails += ret;
	ret = run_case("100", "0", "0", 20, false, &r);
	ret = ret || r.got_server || r.got_client;
	printf("%sok 2 100%% loss: server %u, client %u\n", ret ? "not " : "",
	       r.got_server, r.got_client);
	fails += ret;
	ret = run_case("0", "100", "0", 20, false, &r);
	/* each way doubles: 40 at the server, 80 echoes back */
	ret = ret || r.got_server != 40 || r.got_client != 80;
	printf("%sok 3 100%% duplication: server %u/40, client %u/80\n",
	       ret ? "not " : "", r.got_server, r.got_client);
	fails += ret;
	ret = run_case("0", "0", "50", 50, false, &r);
	ret = ret || r.got_server != 50 || r.got_client != 50 ||
	      !r.reordered;
	printf("%sok 4 50%% reordering: server %u/50, client %u/50, %s\n",
	       ret ? "not " : "", r.got_server, r.got_client,
	       r.reordered ? "reordered" : "in order");
	fails += ret;
	ret = run_case("0", "0", "0", 20, true, &r);
	ret = ret || r.got_server != 20 || r.got_client != 20;
	printf("%sok 5 answers from another server port: server %u/20, "
	       "client %u/20\n", ret ? "not " : "", r.got_server,
	       r.got_client);
	fails += ret;
	return fails ? 1 : 0;
}

#endif
