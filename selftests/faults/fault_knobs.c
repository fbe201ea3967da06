// SPDX-License-Identifier: GPL-2.0
/*
 * The fault injection knobs: /proc/thread-self/fail-nth (the N-th slab or
 * page allocation of this thread fails), and failslab's and
 * fail_page_alloc's debugfs attributes, set for the whole run and put
 * back at exit; which kind of allocation a sweep counts; several faults
 * at once with a task filter (run_failing).
 */
#include <sys/mount.h>

#include "faults.h"

/* Set for the whole run; those without a value are only put back at exit. */
static const struct knob {
	const char *path;
	const char *val;
} knobs[] = {
	{ FS "ignore-gfp-wait", "N" },
	{ FS "verbose", "0" },
	{ FS "cache-filter", "N" },
	{ FPA "ignore-gfp-wait", "N" },
	{ FPA "ignore-gfp-highmem", "N" },
	{ FPA "min-order", "0" },
	{ FPA "verbose", "0" },
	{ FPA "task-filter", NULL },
	{ FPA "interval", NULL },
	{ FPA "space", NULL },
	{ FPA "times", NULL },
	{ FPA "probability", NULL },
	{ FS "task-filter", NULL },
	{ FS "interval", NULL },
	{ FS "space", NULL },
	{ FS "times", NULL },
	{ FS "probability", NULL },
};

static char knob_saved[ARRAY_SIZE(knobs)][32];
bool fail_nth_dry;

int knob_rw(const char *path, char *buf, size_t size, const char *val)
{
	ssize_t n;
	int fd;

	fd = open(path, val ? O_WRONLY : O_RDONLY);
	if (fd < 0)
		return -errno;
	if (val)
		n = write(fd, val, strlen(val));
	else
		n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	if (!val)
		buf[strcspn(buf, "\n")] = 0;
	return 0;
}

static void knobs_restore(void)
{
	size_t i;

	/* probability first: nothing fails while the rest is put back */
	for (i = ARRAY_SIZE(knobs); i-- > 0;)
		if (knob_saved[i][0])
			knob_rw(knobs[i].path, NULL, 0, knob_saved[i]);
}

/* NULL, or why the program cannot run here. */
const char *fault_setup(void)
{
	size_t i;

	if (getenv("FAIL_NTH_DRY")) {
		fail_nth_dry = true;
		return NULL;
	}
	if (access("/proc/self/fail-nth", F_OK))
		return "no /proc/self/fail-nth: kernel without CONFIG_FAULT_INJECTION";
	if (access(FS, F_OK))
		mount("debugfs", DEBUGFS, "debugfs", 0, NULL);
	if (access(FS, F_OK) || access(FPA, F_OK))
		return "no failslab or fail_page_alloc in debugfs (CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC, CONFIG_FAULT_INJECTION_DEBUG_FS)";
	for (i = 0; i < ARRAY_SIZE(knobs); i++) {
		char cur[32] = "";

		if (knob_rw(knobs[i].path, cur, sizeof(cur), NULL))
			return "cannot read the fault injection knobs (not root?)";
		memcpy(knob_saved[i], cur, sizeof(cur));
	}
	atexit(knobs_restore);
	for (i = 0; i < ARRAY_SIZE(knobs); i++)
		if (knobs[i].val && knob_rw(knobs[i].path, NULL, 0, knobs[i].val))
			return "cannot set the fault injection knobs";
	return NULL;
}

/* This thread's /proc/thread-self/fail-nth. */
static __thread int nth_fd = -1;

int nth_open(void)
{
	if (fail_nth_dry)
		return 0;
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	return nth_fd < 0 ? -errno : 0;
}

void nth_set(unsigned int n)
{
	char b[16];
	int len;

	if (fail_nth_dry)
		return;
	len = snprintf(b, sizeof(b), "%u", n);
	if (pwrite(nth_fd, b, len, 0) != len)
		abort();
}

/* What is left of the count: 0 once the fault was injected. */
long nth_get(void)
{
	char b[16];
	ssize_t n;

	if (fail_nth_dry)
		return 1;
	n = pread(nth_fd, b, sizeof(b) - 1, 0);
	if (n <= 0)
		abort();
	b[n] = 0;
	return strtol(b, NULL, 10);
}

/*
 * What fail-nth counts.  Both kinds at once make a noisy sequence: a
 * slab allocation takes a page now and then (more so under KASAN's
 * quarantine), which shifts every later fault by one and can skip a
 * site.  So each scenario sweeps twice: slab allocations only (no page
 * order reaches fail_page_alloc's min-order), then page allocations
 * only (failslab's cache filter with no cache in it).
 */
void sweep_set(enum sweep what)
{
	if (fail_nth_dry)
		return;
	knob_rw(FS "cache-filter", NULL, 0, what == SWEEP_PAGE ? "Y" : "N");
	knob_rw(FPA "min-order", NULL, 0, what == SWEEP_SLAB ? "11" : "0");
}

/*
 * kvmalloc falls back to vmalloc when its kmalloc fails, so one fault
 * never reaches the fallback's own allocations.  With a task filter,
 * failslab and fail_page_alloc fail the first @pages page and @slabs
 * slab allocations of this thread (times, probability 100,
 * make-it-fail); *left: how many of them went unused.
 */
int run_failing(struct __test_metadata *_metadata, int mif,
		int pages, int slabs, int (*op)(void), long *left)
{
	char buf[16];
	int ret;

	snprintf(buf, sizeof(buf), "%d", pages);
	ASSERT_EQ(0, knob_rw(FPA "times", NULL, 0, buf));
	snprintf(buf, sizeof(buf), "%d", slabs);
	ASSERT_EQ(0, knob_rw(FS "times", NULL, 0, buf));
	if (pwrite(mif, "1", 1, 0) != 1)
		abort();
	ret = op();
	if (pwrite(mif, "0", 1, 0) != 1)
		abort();
	ASSERT_EQ(0, knob_rw(FPA "times", buf, sizeof(buf), NULL));
	*left = strtol(buf, NULL, 10);
	ASSERT_EQ(0, knob_rw(FS "times", buf, sizeof(buf), NULL));
	*left += strtol(buf, NULL, 10);
	return ret;
}

/*
 * For run_failing: both kinds fail every allocation of a task that asks
 * (task filter, probability 100) while times lasts (0 until it is set);
 * or, @on false, none at all.
 */
void knobs_filter(struct __test_metadata *_metadata, bool on)
{
	static const char *const attrs[] = { FS, FPA };
	char path[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(attrs); i++) {
		snprintf(path, sizeof(path), "%sprobability", attrs[i]);
		ASSERT_EQ(0, knob_rw(path, NULL, 0, "0"));
		if (!on)
			continue;
		snprintf(path, sizeof(path), "%stask-filter", attrs[i]);
		ASSERT_EQ(0, knob_rw(path, NULL, 0, "Y"));
		snprintf(path, sizeof(path), "%sinterval", attrs[i]);
		ASSERT_EQ(0, knob_rw(path, NULL, 0, "1"));
		snprintf(path, sizeof(path), "%sspace", attrs[i]);
		ASSERT_EQ(0, knob_rw(path, NULL, 0, "0"));
		snprintf(path, sizeof(path), "%stimes", attrs[i]);
		ASSERT_EQ(0, knob_rw(path, NULL, 0, "0"));
		snprintf(path, sizeof(path), "%sprobability", attrs[i]);
		ASSERT_EQ(0, knob_rw(path, NULL, 0, "100"));
	}
}
