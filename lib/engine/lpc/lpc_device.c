// SPDX-License-Identifier: MIT
/*
 * The local engine's view of /dev/lrpc: the process's one control fd,
 * the module's features and limits, whether views to a peer are sealed,
 * and sections (create, map writable, fill).  Client and server share
 * them.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "engine/lpc/lpc_int.h"

bool __rpc_lpc_disabled(void)
{
	const char *e = getenv("LRPC_NO_KERNEL");

	return e && *e && strcmp(e, "0");
}

/* ---- the process's control fd and the module's limits ---------------- */

static pthread_once_t dev_once = PTHREAD_ONCE_INIT;
static int dev_fd = -1;
static struct lrpc_features dev_feat;
static uid_t dev_euid;
static enum { SEAL_AUTO, SEAL_ALWAYS } dev_seal;

static void dev_open(void)
{
	int fd = open("/dev/" LRPC_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	const char *e = getenv("LRPC_SEAL");

	dev_euid = geteuid();
	dev_seal = e && !strcmp(e, "always") ? SEAL_ALWAYS : SEAL_AUTO;

	if (fd < 0)
		return;
	if (ioctl(fd, LRPC_IOC_GET_FEATURES, &dev_feat) < 0 ||
	    !(dev_feat.features & LRPC_F_PORTS)) {
		close(fd);
		return;
	}
	dev_fd = fd;
}

/* The control fd (-1: no kernel path) and its features. */
__rpc_hot int __rpc_lpc_dev(const struct lrpc_features **feat)
{
	pthread_once(&dev_once, dev_open);
	if (feat)
		*feat = &dev_feat;
	return dev_fd;
}

/*
 * Whether a section view exchanged with a peer of euid peer must be
 * immutable: only across a trust boundary.  A peer of our own euid can
 * already write our memory (ptrace, /proc/PID/mem), so sealing buys
 * nothing there and costs a write fault per page on every call (the
 * seal write-protects the sender's pooled mapping); a peer of another
 * uid gets sealed views and has its unsealed ones copied.  peer
 * (uid_t)-1 (not known yet) counts as another uid.  LRPC_SEAL=always
 * seals and copies for every peer.
 */
bool __rpc_lpc_seal_for(uid_t peer)
{
	pthread_once(&dev_once, dev_open);
	if (!(dev_feat.features & LRPC_F_SEAL))
		return false;
	return dev_seal == SEAL_ALWAYS || peer != dev_euid;
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23
#endif

/* Fault a fresh writable section mapping in with one call rather than a
 * trap (and a page_mkwrite) per page; a kernel without it just traps. */
static void populate_write(void *m, size_t len)
{
	if (len > 16 * 4096)
		madvise(m, len, MADV_POPULATE_WRITE);
}

/* Create a section of len octets and map it writable at *mp: its fd,
 * or < 0. */
int __rpc_lpc_section_map(size_t len, void **mp)
{
	struct lrpc_section_create sc = { .size = len };
	int fd = __rpc_lpc_dev(NULL), sfd;
	void *m;

	if (fd < 0 || !(dev_feat.features & LRPC_F_SECTIONS))
		return -rpc_s_out_of_resources;
	sfd = ioctl(fd, LRPC_IOC_SECTION_CREATE, &sc);
	if (sfd < 0)
		return errno == EFBIG || errno == EDQUOT ?
		       -rpc_s_out_of_resources : -errno;
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, sfd, 0);
	if (m == MAP_FAILED) {
		close(sfd);
		return -ENOMEM;
	}
	populate_write(m, len);
	*mp = m;
	return sfd;
}

/* A section of len octets holding data (mapped, copied, unmapped). */
int __rpc_lpc_section(const void *data, size_t len)
{
	void *m;
	int sfd = __rpc_lpc_section_map(len, &m);

	if (sfd < 0)
		return sfd;
	memcpy(m, data, len);
	munmap(m, len);
	return sfd;
}

