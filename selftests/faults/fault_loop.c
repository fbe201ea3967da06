// SPDX-License-Identifier: GPL-2.0
/*
 * The driver: a scenario's operation run with its 1st, 2nd, 3rd ...
 * allocation failing until a run no longer reaches the fault, each
 * failed run checked against the census (fault_loop); the same with no
 * fd to be had (emfile_check); and bursts of several faults at one point
 * (burst_sweep).
 */
#include <sys/resource.h>
#include <sys/wait.h>

#include "faults.h"

/* Run @sc->op with fail-nth = @n in a child that has no free fd left below 64. */
static int run_forked(const struct scenario *sc, unsigned int n, long *left)
{
	int pfd[2], fd, st;
	long res[2] = { -EIO, -1 };
	pid_t pid;

	if (pipe(pfd))
		return -errno;
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		/* its own copies of the pages an operation writes */
		mlockall(MCL_CURRENT);
		if (nth_open())
			_exit(1);
		/* a fresh table of 64 fds (fork sized it): fill it */
		for (fd = 0; fd < 64; fd++)
			if (fcntl(fd, F_GETFD) < 0)
				dup2(C.dev, fd);
		nth_set(n);
		res[0] = sc->op();
		res[1] = nth_get();
		nth_set(0);
		if (write(pfd[1], res, sizeof(res)) != sizeof(res))
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	if (pid < 0 || read(pfd[0], res, sizeof(res)) != sizeof(res))
		res[0] = -EIO;
	close(pfd[0]);
	if (pid > 0)
		waitpid(pid, &st, 0);
	*left = res[1];
	return res[0];
}

/* One sweep's fault points: those that failed, those absorbed. */
struct points {
	int points, failed, absorbed;
};

/*
 * fail-nth = 1, 2, 3 ... around one run of the operation each, until a
 * run no longer reaches the fault: a run that failed must have failed
 * cleanly (-ENOMEM or sc->err) and left the census as it was.
 */
static void sweep(struct __test_metadata *_metadata,
		  const struct scenario *sc, struct points *pt)
{
	int low0, low, ret;
	const char *diff;
	unsigned int n;
	long left;

	memset(pt, 0, sizeof(*pt));
	for (n = 1; n <= MAX_POINTS; n++) {
		low0 = fd_low(C.dev);
		if (sc->before)
			sc->before(_metadata);
		low = fd_low(C.dev);
		ASSERT_LE(0, low) TH_LOG("%s: fds not contiguous", sc->name);
		ASSERT_EQ(0, snap_take(&snap_pre));

		if (sc->flags & SC_FORK) {
			ret = run_forked(sc, n, &left);
		} else {
			nth_set(n);
			ret = sc->op();
			left = nth_get();
			nth_set(0);
		}

		if (ret < 0) {
			ASSERT_EQ(0, left)
				TH_LOG("%s: failed (%s) without a fault (fail-nth=%u)",
				       sc->name, strerror(-ret), n);
			ASSERT_TRUE(ret == -ENOMEM || (sc->err && ret == -sc->err))
				TH_LOG("%s: fault %u gave %s", sc->name, n,
				       strerror(-ret));
			ASSERT_EQ(0, snap_take(&snap_post));
			diff = snap_diff(&snap_pre, &snap_post);
			ASSERT_EQ(NULL, diff)
				TH_LOG("%s: fault %u (%s) left %s", sc->name, n,
				       strerror(-ret), diff);
			ASSERT_EQ(low, fd_low(C.dev))
				TH_LOG("%s: fault %u (%s) left an fd behind",
				       sc->name, n, strerror(-ret));
		}
		if (sc->after)
			sc->after(_metadata, ret);
		ASSERT_EQ(low0, fd_low(C.dev))
			TH_LOG("%s: run %u (%d) changed the fd table", sc->name,
			       n, ret);
		if (left)
			break;
		pt->points++;
		if (ret < 0)
			pt->failed++;
		else
			pt->absorbed++;
	}
	ASSERT_GE(MAX_POINTS, n) TH_LOG("%s: no end to its faults", sc->name);
}

/* Sweep slab allocations, then page allocations; report the fault points. */
void fault_loop(struct __test_metadata *_metadata, const struct scenario *sc)
{
	struct points slab, page;

	sweep_set(SWEEP_SLAB);
	sweep(_metadata, sc, &slab);
	sweep_set(SWEEP_PAGE);
	sweep(_metadata, sc, &page);
	sweep_set(SWEEP_BOTH);
	ksft_print_msg("fault points: %-30s slab %2d (%d failed, %d absorbed), page %2d (%d failed, %d absorbed)\n",
		       sc->name, slab.points, slab.failed, slab.absorbed,
		       page.points, page.failed, page.absorbed);
	fflush(stdout);
	if (sc->flags & SC_NOFAULT)
		EXPECT_EQ(0, slab.points + page.points)
			TH_LOG("%s: a release path allocates", sc->name);
}

/*
 * The same operation with no fd to be had (RLIMIT_NOFILE): -EMFILE, and
 * nothing changed; then with the limit back, it goes through.
 */
void emfile_check(struct __test_metadata *_metadata,
		  const struct scenario *sc)
{
	struct rlimit old, lim;
	const char *diff;
	int low0, low, ret;

	low0 = fd_low(C.dev);
	if (sc->before)
		sc->before(_metadata);
	low = fd_low(C.dev);
	ASSERT_LE(0, low);
	ASSERT_EQ(0, snap_take(&snap_pre));
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &old));
	lim = old;
	lim.rlim_cur = low;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &lim));
	ret = sc->op();
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
	ASSERT_EQ(-EMFILE, ret) TH_LOG("%s without a free fd", sc->name);
	ASSERT_EQ(0, snap_take(&snap_post));
	diff = snap_diff(&snap_pre, &snap_post);
	ASSERT_EQ(NULL, diff) TH_LOG("%s: -EMFILE left %s", sc->name, diff);
	ASSERT_EQ(low, fd_low(C.dev));
	if (sc->after)
		sc->after(_metadata, ret);

	if (sc->before)
		sc->before(_metadata);
	ret = sc->op();
	ASSERT_LE(0, ret) TH_LOG("%s after -EMFILE: %s", sc->name,
				 strerror(-ret));
	if (sc->after)
		sc->after(_metadata, ret);
	ASSERT_EQ(low0, fd_low(C.dev));
	ksft_print_msg("no fd left: %-30s -EMFILE, clean\n", sc->name);
	fflush(stdout);
}

/* The state checks of fault_loop, for a run of several faults. */
void check_failed(struct __test_metadata *_metadata, int ret, int low,
		  const char *what)
{
	const char *diff;

	ASSERT_EQ(-ENOMEM, ret) TH_LOG("%s", what);
	ASSERT_EQ(0, snap_take(&snap_post));
	diff = snap_diff(&snap_pre, &snap_post);
	ASSERT_EQ(NULL, diff) TH_LOG("%s left %s", what, diff);
	ASSERT_EQ(low, fd_low(C.dev)) TH_LOG("%s left an fd", what);
}

/*
 * Several faults at the same point: failslab's space budget lets slab
 * allocations through until it is spent, then fails the next @faults
 * that do not fit what is left (times).  A budget swept 64 octets at a
 * time puts the burst at every allocation of 64 octets or more.  One
 * fault never fails xa_alloc_cyclic: it allocates a node with
 * GFP_NOWAIT under the xarray's lock and, that failing, again without
 * it; and on any error it starts over from the lowest id (reporting a
 * wrap).  Two faults give the wrap, four the -ENOMEM.
 */
void burst_sweep(struct __test_metadata *_metadata,
		 const struct scenario *sc, int faults)
{
	int mif, low, ret, space, runs = 0, failed = 0;
	char buf[16];
	long left;

	mif = open("/proc/thread-self/make-it-fail", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, mif);
	knobs_filter(_metadata, true);
	for (space = 0; space < (1 << 20); space += 64) {
		low = fd_low(C.dev);
		ASSERT_EQ(0, snap_take(&snap_pre));
		snprintf(buf, sizeof(buf), "%d", space);
		ASSERT_EQ(0, knob_rw(FS "space", NULL, 0, buf));
		ret = run_failing(_metadata, mif, 0, faults, sc->op, &left);
		if (ret < 0) {
			ASSERT_GT(faults, left) TH_LOG("%s failed without a fault",
						       sc->name);
			check_failed(_metadata, ret, low, sc->name);
			failed++;
		}
		sc->after(_metadata, ret);
		if (left == faults)
			break;
		runs++;
	}
	knobs_filter(_metadata, false);
	knob_rw(FS "space", NULL, 0, "0");
	close(mif);
	ksft_print_msg("%d slab faults in a row: %-24s %3d budgets (%d failed cleanly)\n",
		       faults, sc->name, runs, failed);
	fflush(stdout);
}
