// SPDX-License-Identifier: MIT
/*
 * phonebook server
 *
 *   phonebook-server [-e BINDING]... [--no-register]
 *
 * Listens on each BINDING (default: a dynamic ncalrpc endpoint and a
 * dynamic TCP port, "ncalrpc:[]" and "ncacn_ip_tcp:[]"), registers them
 * with the endpoint mapper so that clients can find the server by
 * interface alone, prints "ready BINDING" per endpoint and serves until
 * SIGINT or SIGTERM.
 *
 * Manager routines run on the runtime's worker threads, several at once:
 * everything they share is under a lock.  Calls on one context handle
 * are serialized by the runtime (as MIDL does), calls on different
 * handles are not.
 */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lrpc/rpc.h>
#include <lrpc/epm.h>
#include "phonebook.h"

struct entry {
	char *name;
	char *number;
	uint32_t flags;
};

struct book {
	struct book *next;
	char *name;
	struct entry *entries;	/* sorted by name */
	uint32_t count;
};

/* What a context handle points at: one client's open book. */
struct pb_open {
	struct book *book;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct book *books;
static int opens;

static struct book *find_book(const char *name)
{
	struct book *b;

	for (b = books; b; b = b->next)
		if (!strcmp(b->name, name))
			return b;
	b = calloc(1, sizeof(*b));
	if (!b || !(b->name = strdup(name))) {
		free(b);
		return NULL;
	}
	b->next = books;
	books = b;
	return b;
}

static int find_entry(const struct book *b, const char *name, uint32_t *at)
{
	uint32_t lo = 0, hi = b->count;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = strcmp(b->entries[mid].name, name);

		if (!c) {
			*at = mid;
			return 1;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*at = lo;
	return 0;
}

static bool valid_number(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!strchr("0123456789+- ", *s))
			return false;
	return true;
}

/* A copy in call memory: the runtime frees it after the reply. */
static char *call_strdup(const char *s)
{
	char *d = rpc_ss_allocate(strlen(s) + 1);

	if (d)
		strcpy(d, s);
	return d;
}

/* ---- manager routines (named like the operations in the IDL) ------- */

error_status_t PbOpen(handle_t h, char *book, pb_handle_t *ph)
{
	struct pb_open *o = malloc(sizeof(*o));

	(void)h;
	if (!o)
		return rpc_s_out_of_memory;
	pthread_mutex_lock(&lock);
	o->book = find_book(book);
	if (o->book)
		opens++;
	pthread_mutex_unlock(&lock);
	if (!o->book) {
		free(o);
		return rpc_s_out_of_memory;
	}
	*ph = o;	/* a non-NULL *ph creates the context handle */
	return 0;
}

error_status_t PbAdd(pb_handle_t ph, pb_entry_t *e)
{
	struct book *b = ((struct pb_open *)ph)->book;
	struct entry *n;
	error_status_t st = 0;
	uint32_t at;

	if (!e->name || !*e->name || !e->number || !valid_number(e->number))
		return PB_E_INVALID;
	pthread_mutex_lock(&lock);
	if (find_entry(b, e->name, &at)) {
		st = PB_E_EXISTS;
	} else if (b->count >= PB_MAX_ENTRIES) {
		st = PB_E_FULL;
	} else if (!(n = realloc(b->entries, (b->count + 1) * sizeof(*n)))) {
		st = rpc_s_out_of_memory;
	} else {
		b->entries = n;
		memmove(&n[at + 1], &n[at], (b->count - at) * sizeof(*n));
		n[at].name = strdup(e->name);
		n[at].number = strdup(e->number);
		n[at].flags = e->flags;
		b->count++;
	}
	pthread_mutex_unlock(&lock);
	return st;
}

error_status_t PbLookup(pb_handle_t ph, char *name, pb_entry_t *e)
{
	struct book *b = ((struct pb_open *)ph)->book;
	error_status_t st = PB_E_NOT_FOUND;
	uint32_t at;

	pthread_mutex_lock(&lock);
	if (find_entry(b, name, &at)) {
		e->name = call_strdup(b->entries[at].name);
		e->number = call_strdup(b->entries[at].number);
		e->flags = b->entries[at].flags;
		st = e->name && e->number ? 0 : rpc_s_out_of_memory;
	}
	pthread_mutex_unlock(&lock);
	return st;
}

error_status_t PbList(pb_handle_t ph, pb_list_t *list)
{
	struct book *b = ((struct pb_open *)ph)->book;
	error_status_t st = 0;
	uint32_t i;

	pthread_mutex_lock(&lock);
	list->count = b->count;
	list->entries = rpc_ss_allocate(b->count * sizeof(pb_entry_t) + 1);
	for (i = 0; list->entries && i < b->count; i++) {
		list->entries[i].name = call_strdup(b->entries[i].name);
		list->entries[i].number = call_strdup(b->entries[i].number);
		list->entries[i].flags = b->entries[i].flags;
		if (!list->entries[i].name || !list->entries[i].number)
			break;
	}
	if (!list->entries || i < b->count) {
		list->count = 0;
		st = rpc_s_out_of_memory;
	}
	pthread_mutex_unlock(&lock);
	return st;
}

error_status_t PbRemove(pb_handle_t ph, char *name)
{
	struct book *b = ((struct pb_open *)ph)->book;
	error_status_t st = PB_E_NOT_FOUND;
	uint32_t at;

	pthread_mutex_lock(&lock);
	if (find_entry(b, name, &at)) {
		free(b->entries[at].name);
		free(b->entries[at].number);
		b->count--;
		memmove(&b->entries[at], &b->entries[at + 1],
			(b->count - at) * sizeof(b->entries[0]));
		st = 0;
	}
	pthread_mutex_unlock(&lock);
	return st;
}

static void close_open(struct pb_open *o)
{
	pthread_mutex_lock(&lock);
	opens--;
	pthread_mutex_unlock(&lock);
	free(o);
}

error_status_t PbClose(pb_handle_t *ph)
{
	close_open(*ph);
	*ph = NULL;	/* a NULL *ph closes the context handle */
	return 0;
}

/*
 * The rundown routine of pb_handle_t: the runtime calls it for each
 * handle a client still held when its connection went away (the client
 * exited or crashed without PbClose).
 */
void pb_handle_t_rundown(pb_handle_t ph)
{
	struct pb_open *o = ph;

	fprintf(stderr, "phonebook-server: rundown of a handle on book %s\n",
		o->book->name);
	close_open(o);
}

/* ---- main ---------------------------------------------------------- */

static struct rpc_server *srv;

static void on_signal(int sig)
{
	(void)sig;
	rpc_server_stop_listening(srv);
}

static int fail(const char *what, const char *arg, int ret)
{
	fprintf(stderr, "phonebook-server: %s %s: %s (%s)\n", what, arg,
		rpc_status_text(ret), rpc_status_name(ret));
	return 1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "endpoint", required_argument, NULL, 'e' },
		{ "no-register", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	static const char *defaults[] = { "ncalrpc:[]", "ncacn_ip_tcp:[]" };
	const char **eps = defaults;
	char *ready[16];
	int neps = 2, nready = 0, reg = 1, c, i, ret;

	while ((c = getopt_long(argc, argv, "e:nh", opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			if (eps == defaults) {
				eps = calloc(16, sizeof(*eps));
				neps = 0;
			}
			if (!eps || neps == 16)
				return 1;
			eps[neps++] = optarg;
			break;
		case 'n':
			reg = 0;
			break;
		default:
			fprintf(c == 'h' ? stdout : stderr,
				"usage: phonebook-server [-e BINDING]... [--no-register]\n");
			return c == 'h' ? 0 : 2;
		}
	}

	ret = rpc_server_create(&srv);
	if (ret < 0)
		return fail("rpc_server_create", "", ret);
	ret = rpc_server_register_if(srv, &phonebook_v1_0_s_ifspec);
	if (ret < 0)
		return fail("rpc_server_register_if", "phonebook", ret);

	for (i = 0; i < neps; i++) {
		struct rpc_string_binding *sb;

		ret = rpc_string_binding_parse(eps[i], &sb);
		if (ret < 0)
			return fail("binding", eps[i], ret);
		ret = rpc_server_use_protseq(srv, sb->protseq, sb->netaddr,
					     sb->endpoint, &ready[nready]);
		rpc_string_binding_free(sb);
		if (ret < 0)
			return fail("listening on", eps[i], ret);
		nready++;
	}

	/*
	 * Register before saying "ready", so a client that waits for it can
	 * resolve.  The endpoint mapper ties the entries to this process
	 * and drops them when it exits.
	 */
	if (reg) {
		ret = rpc_ep_register(&phonebook_v1_0_s_ifspec.id,
				      (const char *const *)ready, (size_t)nready,
				      NULL, 0, "phonebook example");
		if (ret < 0)
			fprintf(stderr, "phonebook-server: not registered with "
				"the endpoint mapper (%s): clients must name "
				"the endpoint\n", rpc_status_text(ret));
	}
	for (i = 0; i < nready; i++) {
		printf("ready %s\n", ready[i]);
		free(ready[i]);
	}
	fflush(stdout);

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	ret = rpc_server_listen(srv, 0);
	if (ret < 0)
		return fail("rpc_server_listen", "", ret);
	rpc_server_wait(srv);
	rpc_server_free(srv);
	return 0;
}
