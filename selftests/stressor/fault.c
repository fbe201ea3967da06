// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection with fail-nth, when the kernel has it: fault_setup()
 * turns on the debugfs knobs once per run; around a valid ioctl picked
 * at random (LRPC_STRESS_FAULT_PCT), fault_begin() makes the thread's
 * nth allocation fail and fault_end() counts whether one did and resets
 * it, with forks held off meanwhile.
 */
#include "stressor.h"

/* Fault injection, if the kernel has it: fail-nth and the debugfs knobs. */
bool fault_setup(void)
{
	static const char *const knobs[][2] = {
		{ "failslab/ignore-gfp-wait", "N" },
		{ "fail_page_alloc/ignore-gfp-wait", "N" },
		{ "fail_page_alloc/min-order", "0" },
		{ "failslab/verbose", "0" },
		{ "fail_page_alloc/verbose", "0" },
	};
	char path[128];
	size_t k;

	if (access("/proc/self/fail-nth", F_OK))
		return false;
	if (access("/sys/kernel/debug/failslab", F_OK))
		mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	for (k = 0; k < sizeof(knobs) / sizeof(knobs[0]); k++) {
		snprintf(path, sizeof(path), "/sys/kernel/debug/%s", knobs[k][0]);
		if (write_file(path, knobs[k][1]))
			return false;
	}
	return true;
}

/* fail-nth around one valid ioctl, now and then */
void fault_begin(struct thr *t, int var, void *touch, size_t len)
{
	char num[16];
	size_t off;
	int n;

	t->faulting = false;
	if (!shared->fault || var != V_VALID || t->failfd < 0 ||
	    !rng_pct(&t->rng, shared->fault_pct))
		return;
	/* no fork may make our pages copy-on-write until it is over */
	pthread_rwlock_rdlock(&worker.forklock);
	for (off = 0; touch && off < len; off += PAGE)
		((volatile char *)touch)[off] = 0;
	n = snprintf(num, sizeof(num), "%u", 1 + rng_below(&t->rng, 12));
	if (pwrite(t->failfd, num, n, 0) != n) {
		pthread_rwlock_unlock(&worker.forklock);
		return;
	}
	atomic_fetch_add(&shared->faults_set, 1);
	t->faulting = true;
}

void fault_end(struct thr *t)
{
	char num[16] = "";

	if (!t->faulting)
		return;
	if (pread(t->failfd, num, sizeof(num) - 1, 0) > 0 && atoi(num) == 0)
		atomic_fetch_add(&shared->faults_hit, 1);
	if (pwrite(t->failfd, "0", 1, 0) != 1)
		fail(t, "cannot reset fail-nth");
	pthread_rwlock_unlock(&worker.forklock);
}
