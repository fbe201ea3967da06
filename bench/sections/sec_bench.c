// SPDX-License-Identifier: GPL-2.0
/*
 * Round trip carrying SIZE octets from a client to a server, three ways:
 *
 *   section  the client writes the data into a section it created once
 *            (reused across iterations), CALLs with a read-only view of
 *            it; the server gets a new view fd, mmaps it, reads every
 *            octet, munmaps, closes the fd, replies 8 octets.
 *   unix     AF_UNIX stream socketpair: the client writes the data into
 *            its buffer, write()s it all; the server read()s it all into
 *            its buffer, reads every octet, write()s 8 octets back.
 *   inline   lrpc messages of at most max_inline_size: SENDs for all but
 *            the last chunk, a CALL with the last; the server receives
 *            each into its buffer, reads every octet, replies 8 octets.
 *
 * The data flows one way; in every case the client produces every octet
 * (a fill loop) and the server consumes every octet (a sum) each round
 * trip, so the copy the section avoids is the only difference.
 * Prints the median round trip per mode and size and the ratios.
 *
 *   sec_bench [-n ITER] [SIZE_MiB...]     (default: -n 20 1 16)
 */
#include <stdint.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include "../../selftests/sections/sec_util.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	return v[n / 2];
}

static void produce(void *p, size_t len, uint64_t seed)
{
	uint64_t *w = p;
	size_t i;

	for (i = 0; i < len / 8; i++)
		w[i] = seed + i;
}

static uint64_t consume(const void *p, size_t len)
{
	const uint64_t *w = p;
	uint64_t s = 0;
	size_t i;

	for (i = 0; i < len / 8; i++)
		s += w[i];
	return s;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* ---- lrpc: one port, one connection, a server process ---- */

static void lrpc_server(int port, size_t size, uint32_t chunk)
{
	struct lrpc_msg_info info;
	char *buf = malloc(size + chunk);
	uint64_t sum = 0, id = 0;
	size_t off = 0;
	void *p;

	for (;;) {
		if (sec_reply_recv(port, id, &sum, sizeof(sum), NULL, buf + off,
				   chunk, -1, &info))
			exit(1);
		id = 0;
		if (info.kind == LRPC_MSG_PORT_CLOSED)
			exit(0);
		if (info.view_fd >= 0) {
			/* section: map the view, consume it, let it go */
			p = mmap(NULL, info.view_len, PROT_READ, MAP_SHARED,
				 info.view_fd, 0);
			if (p == MAP_FAILED)
				exit(2);
			sum = consume(p, info.view_len);
			munmap(p, info.view_len);
			close(info.view_fd);
		} else {
			off += info.len;
		}
		if (info.kind == LRPC_MSG_REQUEST) {
			if (off)
				sum = consume(buf, off);
			off = 0;
			id = info.msg_id;
		}
	}
}

static uint64_t run_section(int comm, int dev, size_t size, int iters)
{
	struct lrpc_view_attach va;
	uint64_t *t = calloc(iters, sizeof(*t)), sum, m;
	int sec, i;
	char *p;

	sec = sec_create(dev, size, NULL);
	if (sec < 0)
		die("section create");
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, sec, 0);
	if (p == MAP_FAILED)
		die("mmap");
	sec_view(&va, sec, 0, size, 0);
	for (i = 0; i < iters; i++) {
		uint64_t t0 = now_ns();

		produce(p, size, i);
		if (sec_call(comm, "s", 1, &va, &sum, sizeof(sum), -1, NULL))
			die("call");
		t[i] = now_ns() - t0;
		if (sum != consume(p, size))
			die("section sum");
	}
	munmap(p, size);
	close(sec);
	m = median(t, iters);
	free(t);
	return m;
}

static uint64_t run_inline(int comm, size_t size, uint32_t chunk, int iters)
{
	uint64_t *t = calloc(iters, sizeof(*t)), sum, m;
	char *buf = malloc(size);
	size_t off;
	int i;

	for (i = 0; i < iters; i++) {
		uint64_t t0 = now_ns();

		produce(buf, size, i);
		for (off = 0; size - off > chunk; off += chunk)
			if (lrpc_send(comm, buf + off, chunk, NULL))
				die("send");
		if (sec_call(comm, buf + off, size - off, NULL, &sum,
			     sizeof(sum), -1, NULL))
			die("call");
		t[i] = now_ns() - t0;
		if (sum != consume(buf, size))
			die("inline sum");
	}
	free(buf);
	m = median(t, iters);
	free(t);
	return m;
}

/* ---- AF_UNIX stream ---- */

static void unix_server(int fd, size_t size)
{
	char *buf = malloc(size);
	uint64_t sum;
	size_t got;
	ssize_t n;

	for (;;) {
		for (got = 0; got < size; got += n) {
			n = read(fd, buf + got, size - got);
			if (n <= 0)
				exit(0);
		}
		sum = consume(buf, size);
		if (write(fd, &sum, sizeof(sum)) != sizeof(sum))
			exit(1);
	}
}

static uint64_t run_unix(size_t size, int iters)
{
	uint64_t *t = calloc(iters, sizeof(*t)), sum, m;
	char *buf = malloc(size);
	int sv[2], i, st;
	size_t done;
	ssize_t n;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		die("socketpair");
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		unix_server(sv[1], size);
	}
	close(sv[1]);
	for (i = 0; i < iters; i++) {
		uint64_t t0 = now_ns();

		produce(buf, size, i);
		for (done = 0; done < size; done += n) {
			n = write(sv[0], buf + done, size - done);
			if (n <= 0)
				die("write");
		}
		if (read(sv[0], &sum, sizeof(sum)) != sizeof(sum))
			die("read");
		t[i] = now_ns() - t0;
		if (sum != consume(buf, size))
			die("unix sum");
	}
	close(sv[0]);
	waitpid(pid, &st, 0);
	free(buf);
	m = median(t, iters);
	free(t);
	return m;
}

int main(int argc, char **argv)
{
	size_t sizes[8] = { 1, 16 };
	int nsizes = 2, iters = 20, opt, dev, port, comm, sconn, st, k;
	struct lrpc_features f;
	const char *name;
	pid_t pid;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt == 'n')
			iters = atoi(optarg);
		else
			return 1;
	}
	if (optind < argc) {
		for (nsizes = 0; optind < argc && nsizes < 8; optind++)
			sizes[nsizes++] = strtoul(argv[optind], NULL, 0);
	}
	if (iters < 1)
		iters = 1;
	dev = lrpc_open();
	if (dev < 0)
		die("/dev/lrpc");
	if (ioctl(dev, LRPC_IOC_GET_FEATURES, &f))
		die("GET_FEATURES");
	printf("# one-way data of SIZE octets + an 8-octet reply; median of %d round trips\n"
	       "# every mode: the client fills every octet, the server sums every octet\n"
	       "# section: created once and reused; the server maps each received view\n"
	       "# inline: chunks of max_inline_size = %u octets\n",
	       iters, f.max_inline_size);
	printf("%-8s %12s %12s %12s %10s %10s\n", "MiB", "section_ms",
	       "unix_ms", "inline_ms", "unix/sec", "inline/sec");
	for (k = 0; k < nsizes; k++) {
		size_t size = sizes[k] << 20;
		uint64_t ts, tu, ti;

		name = lrpc_name("bench");
		port = lrpc_port(dev, name, LRPC_MODE_OWNER, 0);
		if (port < 0)
			die("port");
		comm = sec_connect_pair(dev, port, name, &sconn);
		if (comm < 0)
			die("connect");
		pid = fork();
		if (pid == 0) {
			close(comm);
			lrpc_server(port, size, f.max_inline_size);
		}
		close(port);
		ts = run_section(comm, dev, size, iters);
		ti = run_inline(comm, size, f.max_inline_size, iters);
		close(comm);
		waitpid(pid, &st, 0);
		close(sconn);
		tu = run_unix(size, iters);
		printf("%-8zu %12.3f %12.3f %12.3f %10.2f %10.2f\n", sizes[k],
		       ts / 1e6, tu / 1e6, ti / 1e6, (double)tu / ts,
		       (double)ti / ts);
		fflush(stdout);
	}
	return 0;
}
