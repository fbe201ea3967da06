// SPDX-License-Identifier: GPL-2.0
/*
 * What the ops hand the kernel and check of what they get back: payloads
 * with a header (sender, length, checksum) that the receiver verifies
 * along with the credentials it was given; the pickers of variants,
 * lengths, sizes, time-outs, bad pointers and fds of the wrong kind; a
 * view to attach to a message, valid or with the errno a bad one must
 * give; and the checks of a view fd a message brought.
 */
#include "stressor.h"

/* ---- payloads: a header that lets the receiver check what it got ---- */

#define PAY_MAGIC	0x53545253u
#define PAY_F_NOCRED	1	/* not sent by the process that built it */
#define PAY_F_PIDNS	2	/* sent from a child pid namespace */

struct pay {
	uint32_t magic, len, slot, gen;
	int32_t tgid, tid;
	uint32_t kuid, flags;
	uint32_t sum, pad;
};

static uint32_t pay_sum(const uint8_t *p, size_t n)
{
	uint32_t s = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		s = (s ^ p[i]) * 16777619u;
	return s;
}

void pay_fill(struct thr *t, void *buf, uint32_t len, bool nocred)
{
	uint8_t *p = buf;
	uint64_t x = rng_next(&t->rng);
	struct pay h;
	uint32_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		memcpy(p + i, &x, 8);
	}
	for (; i < len; i++)
		p[i] = (uint8_t)(x >> (i % 8 * 8));
	if (len < sizeof(h))
		return;
	h = (struct pay){
		.magic = PAY_MAGIC, .len = len, .slot = worker.slot, .gen = worker.gen,
		.tgid = getpid(), .tid = gettid(), .kuid = worker.cfg->uid,
		.flags = (nocred ? PAY_F_NOCRED : 0) |
			 (worker.cfg->pidns ? PAY_F_PIDNS : 0),
		.sum = pay_sum(p + sizeof(h), len - sizeof(h)),
	};
	memcpy(p, &h, sizeof(h));
}

/* The uid a receiver in this worker must see for the sender's @kuid. */
static uint32_t seen_uid(uint32_t kuid)
{
	if (!worker.cfg->userns)
		return kuid;
	if (worker.cfg->map && kuid == 0)
		return 0;
	return shared->overflowuid;
}

/* Check a received payload and, if @info, the credentials it came with. */
void pay_check(struct thr *t, const void *buf, uint32_t len,
	       const struct lrpc_msg_info *info)
{
	const uint8_t *p = buf;
	struct pay h;

	if (len < sizeof(h))
		return;
	memcpy(&h, p, sizeof(h));
	if (h.magic != PAY_MAGIC)
		return;
	if (h.len != len || h.sum != pay_sum(p + sizeof(h), len - sizeof(h))) {
		fail(t, "payload of %u octets corrupt (header says %u)", len, h.len);
		return;
	}
	if (!info || (h.flags & PAY_F_NOCRED))
		return;
	if (info->uid != seen_uid(h.kuid))
		fail(t, "sender euid %u seen as %u, expected %u", h.kuid,
		     info->uid, seen_uid(h.kuid));
	if (worker.cfg->pidns) {
		bool same = h.slot == (uint32_t)worker.slot && h.gen == worker.gen;

		if (same && (info->tgid != h.tgid || info->pid != h.tid))
			fail(t, "sender %d/%d seen as %d/%d", h.tgid, h.tid,
			     info->tgid, info->pid);
		if (!same && (info->tgid || info->pid))
			fail(t, "sender outside the pid namespace seen as %d/%d",
			     info->tgid, info->pid);
	} else if (!(h.flags & PAY_F_PIDNS) &&
		   (info->tgid != h.tgid || info->pid != h.tid)) {
		fail(t, "sender %d/%d seen as %d/%d", h.tgid, h.tid,
		     info->tgid, info->pid);
	}
}

/* ---- argument helpers ---- */

int pick_var(struct thr *t)
{
	uint32_t r = rng_below(&t->rng, 100);

	return r < 70 ? V_VALID : r < 82 ? V_BOUND : V_BAD;
}

void *bad_ptr(struct thr *t)
{
	switch (rng_below(&t->rng, 4)) {
	case 0:
		return NULL;
	case 1:
		return (void *)8;
	case 2:
		return worker.guard;
	default:
		return (void *)0xffff888000000000ULL;
	}
}

int64_t pick_timeout(struct thr *t, int max_ms)
{
	switch (rng_below(&t->rng, 8)) {
	case 0:
		return 0;
	case 1:
		return 1;	/* rounds up to a jiffy */
	default:
		return (int64_t)(1 + rng_below(&t->rng, max_ms)) * MS;
	}
}

uint32_t pick_len(struct thr *t, int var)
{
	uint32_t max = worker.feat.max_inline_size;

	if (var == V_BOUND)
		return rng_below(&t->rng, 2) ? max : 0;
	switch (rng_below(&t->rng, 16)) {
	case 0:
		return 0;
	case 1:
		return 1 + rng_below(&t->rng, sizeof(struct pay));
	case 2:
		return 4096 + rng_below(&t->rng, 8192);
	default:
		return sizeof(struct pay) + rng_below(&t->rng, 512);
	}
}

uint32_t pick_size(struct thr *t)
{
	static const uint32_t sizes[] = { 0, 8, sizeof(struct pay), 256, 4096 };
	uint32_t r = rng_below(&t->rng, 8);

	return r < 5 ? sizes[r] : worker.feat.max_inline_size;
}

/* Which kinds of fd take @cmd. */
static unsigned int kinds_for(unsigned long cmd)
{
	switch (cmd) {
	case LRPC_IOC_GET_FEATURES:
		return KM_ALL;
	case LRPC_IOC_PORT_CREATE:
	case LRPC_IOC_CONNECT:
	case LRPC_IOC_SECTION_CREATE:
		return KM(K_DEV);
	case LRPC_IOC_ACCEPT:
	case LRPC_IOC_REPLY_RECV:
	case LRPC_IOC_PORT_SHUTDOWN:
		return KM(K_PORT);
	case LRPC_IOC_CALL:
	case LRPC_IOC_CANCEL:
	case LRPC_IOC_RECV:
		return KM(K_COMM);
	case LRPC_IOC_SEND:
		return KM(K_COMM) | KM(K_CONN);
	case LRPC_IOC_VIEW_INFO:
		return KM_VIEWS;
	}
	return 0;
}

/* An fd that does not take @cmd: another kind's, /dev/null or a pipe. */
int wrong_fd(struct thr *t, unsigned long cmd, int *obj)
{
	unsigned int other = KM_ALL & ~kinds_for(cmd);

	*obj = -1;
	if (other && rng_below(&t->rng, 3)) {
		*obj = obj_pick(t, other);
		if (*obj >= 0)
			return worker.obj[*obj].fd;
	}
	return rng_below(&t->rng, 2) ? worker.nullfd : worker.pipefd[0];
}

/* A control fd, opened if the table has none. */
int dev_pick(struct thr *t)
{
	int i = obj_pick(t, KM(K_DEV)), fd;

	if (i >= 0)
		return i;
	fd = lrpc_open();
	if (fd < 0) {
		fail(t, "open /dev/lrpc: %s", strerror(errno));
		return -1;
	}
	i = obj_add(fd, K_DEV, 0, false, false, true, 0, -1);
	if (i >= 0 && !obj_hold(i, K_DEV))
		i = -1;
	return i;
}

/* ioctl with @arg copied into a read-only page: outputs fault. */
int ioctl_ro(struct thr *t, int fd, unsigned long cmd, const void *arg,
	     size_t size)
{
	int ret;

	memcpy(t->rop, arg, size);
	mprotect(t->rop, PAGE, PROT_READ);
	ret = sys(ioctl(fd, cmd, t->rop));
	mprotect(t->rop, PAGE, PROT_READ | PROT_WRITE);
	return ret;
}

/* ---- views attached to messages ---- */

/*
 * Fill @va with a view to attach, valid or (@bad) not; returns the
 * object held for it (-1: none) and sets *@err to the errno a bad one
 * must give.
 */
int view_arg(struct thr *t, struct lrpc_view_attach *va, bool bad,
	     int *err)
{
	int i = obj_pick(t, KM_VIEWS);
	uint64_t len, pages;

	*err = 0;
	memset(va, 0, sizeof(*va));
	if (i < 0) {
		if (!bad)
			return -1;
		va->fd = worker.nullfd;
		*err = EBADF;
		return -1;
	}
	va->fd = worker.obj[i].fd;
	len = worker.obj[i].len;
	pages = (len + PAGE - 1) / PAGE;
	va->offset = rng_below(&t->rng, pages) * PAGE;
	if (va->offset >= len)
		va->offset = 0;
	/* whole pages, or up to the end of the view */
	va->len = rng_below(&t->rng, 3) ? 0 :
		  (1 + rng_below(&t->rng, pages - va->offset / PAGE)) * PAGE;
	if (va->len >= len - va->offset)
		va->len = 0;
	if (worker.obj[i].write && rng_below(&t->rng, 2))
		va->flags = LRPC_VIEW_F_WRITE;
	else if (rng_pct(&t->rng, 20))
		va->flags = LRPC_VIEW_F_SEAL;
	if (!bad)
		return i;
	switch (rng_below(&t->rng, 8)) {
	case 0:
		va->reserved[rng_below(&t->rng, 2)] = 1;
		*err = EINVAL;
		break;
	case 1:
		va->flags |= LRPC_VIEW_F_DROPPED << rng_below(&t->rng, 30);
		*err = EINVAL;
		break;
	case 7:
		va->flags = LRPC_VIEW_F_SEAL | LRPC_VIEW_F_WRITE;
		*err = EINVAL;
		break;
	case 2:
		va->offset += 1 + rng_below(&t->rng, PAGE - 1);
		*err = EINVAL;
		break;
	case 3:
		va->offset = (len + PAGE - 1) / PAGE * PAGE;
		*err = EINVAL;
		break;
	case 4:
		va->len = len - va->offset + 1;
		*err = EINVAL;
		break;
	case 5:
		if (worker.obj[i].write) {
			va->fd = worker.pipefd[1];
			*err = EBADF;
		} else {
			va->flags = LRPC_VIEW_F_WRITE;
			*err = EACCES;
		}
		break;
	default:
		va->fd = t->closed_fd;
		*err = EBADF;
		break;
	}
	return i;
}

/* A received message's view: keep its fd, after checking what it says. */
void take_view(struct thr *t, const struct lrpc_msg_info *m, bool ok)
{
	struct lrpc_view_info vi;

	if (m->view_fd < 0) {
		if (ok && m->view_len && !(m->view_flags & LRPC_VIEW_F_DROPPED))
			fail(t, "a view of %llu octets came without an fd",
			     (unsigned long long)m->view_len);
		return;
	}
	if (!m->view_len || (m->view_flags & ~LRPC_VIEW_F_ALL)) {
		fail(t, "view fd %d with len %llu flags %#x", m->view_fd,
		     (unsigned long long)m->view_len, m->view_flags);
		return;
	}
	memset(&vi, 0, sizeof(vi));
	/* VIEW_INFO's SEAL tells the section's state: a sealed view shows it */
	if (ioctl(m->view_fd, LRPC_IOC_VIEW_INFO, &vi) || vi.len != m->view_len ||
	    (vi.flags & ~LRPC_VIEW_F_SEAL) != (m->view_flags & ~LRPC_VIEW_F_SEAL) ||
	    ((m->view_flags & LRPC_VIEW_F_SEAL) && !(vi.flags & LRPC_VIEW_F_SEAL)) ||
	    vi.offset % PAGE) {
		fail(t, "view fd %d: VIEW_INFO %s len %llu/%llu flags %#x/%#x",
		     m->view_fd, strerror(errno), (unsigned long long)vi.len,
		     (unsigned long long)m->view_len, vi.flags, m->view_flags);
		return;
	}
	if (!(fcntl(m->view_fd, F_GETFD) & FD_CLOEXEC))
		fail(t, "received view fd without FD_CLOEXEC");
	obj_add(m->view_fd, K_VIEW, m->view_len, m->view_flags & LRPC_VIEW_F_WRITE,
		true, true, vi.section_id, -1);
}
