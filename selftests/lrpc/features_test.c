// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/lrpc exists and answers LRPC_IOC_GET_FEATURES; wrong ioctls fail
 * the way the uapi header says.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/lrpc.h>

#include "kselftest_harness.h"

FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	self->fd = open("/dev/" LRPC_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	if (self->fd < 0 && errno == ENOENT)
		SKIP(return, "/dev/lrpc missing: module not loaded");
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(dev)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(dev, get_features)
{
	struct lrpc_features f;
	unsigned int i;

	memset(&f, 0xff, sizeof(f));
	ASSERT_EQ(0, ioctl(self->fd, LRPC_IOC_GET_FEATURES, &f));
	EXPECT_EQ(LRPC_F_ALL, f.features);
	EXPECT_NE(0ULL, f.features & LRPC_F_GET_FEATURES);
	EXPECT_NE(0ULL, f.features & LRPC_F_PORTS);
	EXPECT_LT(0U, f.max_inline_size);
	EXPECT_EQ(LRPC_CONNECT_DATA_MAX, (int)f.max_connect_size);
	EXPECT_EQ(LRPC_NAME_MAX, (int)f.name_max);
	EXPECT_LT(0U, f.max_queue);
	EXPECT_LT(0U, f.max_pending);
	EXPECT_LT(0U, f.max_backlog);
	EXPECT_LT(0ULL, f.max_user_bytes);
	for (i = 0; i < sizeof(f.reserved) / sizeof(f.reserved[0]); i++)
		EXPECT_EQ(0U, f.reserved[i]);
	EXPECT_EQ(64UL, sizeof(f));
}

TEST_F(dev, unknown_ioctl_is_enotty)
{
	struct lrpc_features f;

	EXPECT_EQ(-1, ioctl(self->fd, _IOR(LRPC_IOC_MAGIC, 0x7f, struct lrpc_features), &f));
	EXPECT_EQ(ENOTTY, errno);
	/* the right number with the wrong size is another ioctl */
	EXPECT_EQ(-1, ioctl(self->fd, _IOR(LRPC_IOC_MAGIC, 0x00, __u64), &f));
	EXPECT_EQ(ENOTTY, errno);
	/* port and connection ioctls are not control-fd ioctls */
	EXPECT_EQ(-1, ioctl(self->fd, LRPC_IOC_CALL, &f));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, LRPC_IOC_REPLY_RECV, &f));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(dev, bad_pointer_is_efault)
{
	void *ro;

	EXPECT_EQ(-1, ioctl(self->fd, LRPC_IOC_GET_FEATURES, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, LRPC_IOC_GET_FEATURES, (void *)16));
	EXPECT_EQ(EFAULT, errno);
	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	EXPECT_EQ(-1, ioctl(self->fd, LRPC_IOC_GET_FEATURES, ro));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, LRPC_IOC_PORT_CREATE, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, LRPC_IOC_CONNECT, (void *)16));
	EXPECT_EQ(EFAULT, errno);
	munmap(ro, 4096);
}

TEST(device_node_mode)
{
	/* Everybody may open /dev/lrpc; ports carry their own permissions. */
	int fd = open("/dev/" LRPC_DEVICE_NAME, O_RDONLY | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT)
		SKIP(return, "/dev/lrpc missing: module not loaded");
	ASSERT_LE(0, fd);
	close(fd);
}

TEST_HARNESS_MAIN
