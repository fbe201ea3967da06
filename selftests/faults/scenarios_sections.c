// SPDX-License-Identifier: GPL-2.0
/*
 * Scenarios on sections: section create (the uid's first and a second),
 * mmap of a section and of a received view, and the page faults of a
 * mapping -- a kernel write, a kernel read of a view, a CPU store.
 */
#include "faults.h"

static int op_sec_create(void)
{
	return sec_create(C.dev, C.secsize, NULL);
}

static void after_sec_create(struct __test_metadata *_metadata, int ret)
{
	if (ret < 0)
		return;
	ASSERT_EQ(0, snap_take(&snap_now));
	ASSERT_EQ(snap_pre.nsecs + 1, snap_now.nsecs);
	close(ret);
}

const struct scenario sc_sec_create = {
	.name = "section create",
	.op = op_sec_create,
	.after = after_sec_create,
};

const struct scenario sc_sec_create_second = {
	.name = "section create (a second)",
	.op = op_sec_create,
	.after = after_sec_create,
};

static int op_mmap(void)
{
	void *p = mmap(NULL, C.maplen, C.prot, MAP_SHARED, C.out, 0);

	if (p == MAP_FAILED)
		return -errno;
	C.map = p;
	return 0;
}

static void after_mmap(struct __test_metadata *_metadata, int ret)
{
	if (ret)
		return;
	ASSERT_EQ(0, snap_take(&snap_now));
	EXPECT_EQ(1, SECT(C.sec_id, mappings));
	munmap(C.map, C.maplen);
	C.map = NULL;
}

const struct scenario sc_mmap_section = {
	.name = "mmap a section",
	.op = op_mmap,
	.after = after_mmap,
};

const struct scenario sc_mmap_received_view = {
	.name = "mmap a received view",
	.op = op_mmap,
	.after = after_mmap,
};

/*
 * A fresh section mapped, nothing faulted in: each run faults the same
 * page the first time (page tables, the shmem folio, its page-cache
 * slot).  The kernel touches it for us where a failed fault is an error
 * (madvise(MADV_POPULATE_*) would do, but the debug kernel has no
 * madvise): reading /dev/zero into it, writing it to a pipe.
 */
static void before_fault(struct __test_metadata *_metadata)
{
	C.maplen = 2 * PAGE;
	C.sec = sec_create(C.dev, C.maplen, &C.sec_id);
	ASSERT_LE(0, C.sec);
	C.out = C.sec;
	if (C.prot == PROT_READ) {
		C.view = view_received(0);
		ASSERT_LE(0, C.view);
		C.out = C.view;
		ASSERT_EQ(0, pipe2(C.pipe, O_CLOEXEC));
	}
	C.map = mmap(NULL, C.maplen, C.prot, MAP_SHARED, C.out, 0);
	ASSERT_NE(MAP_FAILED, C.map);
}

/* Page 1: its page-cache slot needs a node (page 0's would not). */
static int op_fault_write(void)
{
	ssize_t n = read(C.zero, C.map + PAGE, PAGE);

	return n < 0 ? -errno : n == PAGE ? 0 : -EFAULT;
}

static int op_fault_read(void)
{
	ssize_t n = write(C.pipe[1], C.map + PAGE, PAGE);

	return n < 0 ? -errno : n == PAGE ? 0 : -EFAULT;
}

/* A CPU store: a fault that fails with VM_FAULT_OOM is retried, never lost. */
static int op_touch(void)
{
	volatile char *p = C.map;

	p[PAGE] = 1;
	return 0;
}

static void after_fault(struct __test_metadata *_metadata, int ret)
{
	ASSERT_EQ(0, snap_take(&snap_now));
	if (!ret)
		EXPECT_EQ(PAGE, SECT(C.sec_id, resident));
	munmap(C.map, C.maplen);
	C.map = NULL;
	close_fd(&C.pipe[0]);
	close_fd(&C.pipe[1]);
	close_fd(&C.view);
	close_fd(&C.sec);
	ASSERT_TRUE(SETTLE(SECT(C.sec_id, views) == -1));
}

const struct scenario sc_fault_write = {
	.name = "page fault (kernel write)",
	.before = before_fault,
	.op = op_fault_write,
	.after = after_fault,
	.err = EFAULT,
};

const struct scenario sc_fault_read_view = {
	.name = "page fault (kernel read, view)",
	.before = before_fault,
	.op = op_fault_read,
	.after = after_fault,
	.err = EFAULT,
};

const struct scenario sc_fault_touch = {
	.name = "page fault (a store)",
	.before = before_fault,
	.op = op_touch,
	.after = after_fault,
};

