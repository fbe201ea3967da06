// SPDX-License-Identifier: GPL-2.0
/*
 * The supervisor's tools: spawning a worker slot (through a pid
 * namespace for the slot that has one), killing it, reaping every
 * descendant left; lowering, flipping and restoring the module's
 * limits; reading the LRPC_STRESS_* variables; printing the summary of
 * the run (ops by kind and variant, results by errno).
 */
#include "kselftest.h"
#include "stressor.h"

void spawn(int slot)
{
	unsigned int gen = ++shared->slot[slot].gen;
	pid_t pid;

	shared->slot[slot].inner = 0;
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (cfgs[slot].pidns) {
			pid_t inner;
			int st;

			if (unshare(CLONE_NEWPID))
				snprintf(shared->note[slot], sizeof(shared->note[slot]),
					 "unshare(CLONE_NEWPID): %s", strerror(errno));
			inner = fork();
			if (inner == 0) {
				prctl(PR_SET_PDEATHSIG, SIGKILL);
				worker_main(slot, gen);
			}
			shared->slot[slot].inner = inner;
			if (inner < 0 || waitpid(inner, &st, 0) != inner)
				_exit(1);
			_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		}
		worker_main(slot, gen);
	}
	shared->slot[slot].pid = pid;
	atomic_fetch_add(&shared->spawns, 1);
}

void kill_slot(int slot)
{
	if (shared->slot[slot].inner > 0)
		kill(shared->slot[slot].inner, SIGKILL);
	if (shared->slot[slot].pid > 0) {
		kill(shared->slot[slot].pid, SIGKILL);
		waitpid(shared->slot[slot].pid, NULL, 0);
	}
	shared->slot[slot].pid = 0;
	shared->slot[slot].inner = 0;
}

/* Kill and reap every descendant left (we are their subreaper). */
void reap_all(void)
{
	char path[300], buf[512];
	int pass, found;

	for (pass = 0; pass < 50; pass++) {
		struct dirent *de;
		DIR *d = opendir("/proc");

		found = 0;
		while (d && (de = readdir(d))) {
			int fd, ppid;
			char *rp;
			ssize_t n;

			if (de->d_name[0] < '1' || de->d_name[0] > '9')
				continue;
			snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			n = read(fd, buf, sizeof(buf) - 1);
			close(fd);
			if (n <= 0)
				continue;
			buf[n] = 0;
			rp = strrchr(buf, ')');
			if (rp && sscanf(rp + 2, "%*c %d", &ppid) == 1 &&
			    ppid == getpid()) {
				kill(atoi(de->d_name), SIGKILL);
				found++;
			}
		}
		if (d)
			closedir(d);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			found++;
		if (!found)
			return;
		usleep(20000);
	}
}

/* Module parameters the run lowers, and puts back. */
static const struct {
	const char *name;
	long lo, hi;
} params[] = {
	{ "max_queue", 8, 64 },
	{ "max_pending", 2, 16 },
	{ "max_backlog", 1, 8 },
	{ "max_user_bytes", 8L << 20, 8L << 20 },
	{ "max_section_bytes", 32L << 20, 32L << 20 },
	{ "max_sections", 64, 64 },
};

#define NPARAMS	(sizeof(params) / sizeof(params[0]))

static long saved_params[NPARAMS];

void params_lower(void)
{
	for (size_t k = 0; k < NPARAMS; k++) {
		saved_params[k] = lrpc_param_get(params[k].name);
		if (saved_params[k] >= 0)
			lrpc_param_set(params[k].name, params[k].hi);
	}
}

void params_flip(uint64_t *rng)
{
	size_t k = rng_below(rng, 3);

	if (saved_params[k] >= 0)
		lrpc_param_set(params[k].name,
			       rng_below(rng, 2) ? params[k].lo : params[k].hi);
}

void params_restore(void)
{
	for (size_t k = 0; k < NPARAMS; k++)
		if (saved_params[k] >= 0)
			lrpc_param_set(params[k].name, saved_params[k]);
}

long env_long(const char *name, long dflt)
{
	const char *s = getenv(name);

	return s && *s ? strtol(s, NULL, 0) : dflt;
}

void print_summary(long long ms)
{
	long ops = atomic_load(&shared->ops), done = ops < shared->max_ops ? ops : shared->max_ops;
	int op, e, v;

	ksft_print_msg("%ld operations in %lld ms: %.0f ops/s; %ld kill -9 (%ld respawns), %ld netlink dumps, %ld ipc ns hops, %ld calls stopped and signalled\n",
		       done, ms, ms ? done * 1000.0 / ms : 0.0, atomic_load(&shared->kills),
		       atomic_load(&shared->spawns) - NSLOTS, atomic_load(&shared->nl_dumps),
		       atomic_load(&shared->hops), atomic_load(&shared->stops));
	if (shared->fault)
		ksft_print_msg("fail-nth set on %ld valid calls, an allocation failed in %ld\n",
			       atomic_load(&shared->faults_set), atomic_load(&shared->faults_hit));
	ksft_print_msg("%-24s %8s %8s %8s %8s\n", "operation", "valid", "boundary",
		       "invalid", "success");
	for (op = 0; op < NOPS; op++) {
		long n[NVARS];

		for (v = 0; v < NVARS; v++)
			n[v] = atomic_load(&shared->count[op][v]);
		ksft_print_msg("%-24s %8ld %8ld %8ld %8ld\n", op_names[op], n[0], n[1],
			       n[2], atomic_load(&shared->okc[op]));
	}
	ksft_print_msg("results by errno:\n");
	for (e = 0; e <= ERRNO_MAX; e++) {
		long n = atomic_load(&shared->errs[e]);

		if (n)
			ksft_print_msg("  %-14s %8ld\n",
				       e == 0 ? "success" : e == ERRNO_MAX ? "unclean" :
				       strerrorname_np(e) ?: "?", n);
	}
	for (e = 0; e < NSLOTS; e++)
		if (shared->note[e][0])
			ksft_print_msg("slot %d (%s): %s\n", e, cfgs[e].what, shared->note[e]);
}
