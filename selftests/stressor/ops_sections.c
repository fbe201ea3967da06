// SPDX-License-Identifier: GPL-2.0
/*
 * The ops of sections and views: SECTION_CREATE, VIEW_INFO, and the
 * mappings of section and view fds -- mmap, munmap, touching pages
 * (each written page gets a tag naming its section and page, which any
 * later read must find again), mprotect/mremap/madvise, and mprotect
 * to write of a read-only view.  The worker's table of mappings is here.
 */
#include "stressor.h"

#define MAP_MAX_PAGES	64

#define TAG_MAGIC	0x7461677061676531ULL

/* What a page written through a mapping starts with. */
struct tag {
	uint64_t magic;
	uint32_t sec_id;
	uint32_t page;
};

void op_section_create(struct thr *t)
{
	int var = pick_var(t), i, fd, ret;
	struct lrpc_section_create sc;
	struct lrpc_view_info vi;
	struct exp e;
	void *arg = &sc;
	bool ro = false;

	memset(&sc, 0, sizeof(sc));
	switch (rng_below(&t->rng, 8)) {
	case 0:
		sc.size = 1 + rng_below(&t->rng, 64);
		break;
	case 1:
		sc.size = (1 + rng_below(&t->rng, 1024)) * PAGE;
		break;
	default:
		sc.size = 1 + rng_below(&t->rng, 16 * PAGE);
		break;
	}
	e = (struct exp){ .ok = true, .errs = es_of(EDQUOT, ENOMEM, EMFILE, 0) };
	i = dev_pick(t);
	if (i < 0)
		return;
	fd = worker.obj[i].fd;
	if (var == V_BOUND) {
		static const uint64_t sizes[] = { 1, PAGE - 1, PAGE, PAGE + 1 };
		uint32_t r = rng_below(&t->rng, 5);

		sc.size = r < 4 ? sizes[r] : worker.feat.max_section_bytes;
	} else if (var == V_BAD) {
		e = exp_err(EINVAL);
		switch (rng_below(&t->rng, 8)) {
		case 0:
			sc.size = 0;
			break;
		case 1:
			sc.flags = 1u << rng_below(&t->rng, 32);
			break;
		case 2:
			sc.id = 1 + rng_below(&t->rng, 100);
			break;
		case 3:
			sc.reserved[rng_below(&t->rng, 2)] = 1;
			break;
		case 4:
			sc.size = rng_below(&t->rng, 2) ? worker.feat.max_section_bytes + 1 : ~0ULL;
			e = exp_err(EFBIG);
			break;
		case 5:
			ro = true;
			e = (struct exp){ .errs = es_of(EFAULT, EDQUOT, 0) };
			break;
		case 6:
			arg = bad_ptr(t);
			e = exp_err(EFAULT);
			break;
		default:
			obj_put(i);
			fd = wrong_fd(t, LRPC_IOC_SECTION_CREATE, &i);
			e = exp_err(ENOTTY);
			break;
		}
	}
	WHAT(t, "SECTION_CREATE size %llu flags %#x id %u arg %p%s",
	     (unsigned long long)sc.size, sc.flags, sc.id, arg, ro ? " (read-only)" : "");
	fault_begin(t, var, NULL, 0);
	if (ro)
		ret = ioctl_ro(t, fd, LRPC_IOC_SECTION_CREATE, &sc, sizeof(sc));
	else
		ret = sys(ioctl(fd, LRPC_IOC_SECTION_CREATE, arg));
	fault_end(t);
	if (!judge(t, OP_SECTION_CREATE, var, ret, obj_put(i), e) || ret < 0) {
		t->faulting = false;
		return;
	}
	t->faulting = false;
	memset(&vi, 0, sizeof(vi));
	if (!sc.id || ioctl(ret, LRPC_IOC_VIEW_INFO, &vi) || vi.section_id != sc.id ||
	    vi.offset || vi.len != sc.size || (vi.flags & ~LRPC_VIEW_F_SEAL) != LRPC_VIEW_F_WRITE ||
	    !(fcntl(ret, F_GETFD) & FD_CLOEXEC))
		fail(t, "new section %u: VIEW_INFO id %u offset %llu len %llu flags %#x",
		     sc.id, vi.section_id, (unsigned long long)vi.offset,
		     (unsigned long long)vi.len, vi.flags);
	obj_add(ret, K_SEC, sc.size, true, false, true, sc.id, -1);
}

void op_view_info(struct thr *t)
{
	int var = pick_var(t), i, fd, ret;
	struct lrpc_view_info vi;
	struct exp e = exp_ok();
	void *arg = &vi;
	struct obj o;

	memset(&vi, 0xa5, sizeof(vi));
	i = obj_pick(t, KM_VIEWS);
	if (i < 0)
		return;
	o = worker.obj[i];
	fd = o.fd;
	if (var == V_BAD) {
		switch (rng_below(&t->rng, 3)) {
		case 0:
			arg = bad_ptr(t);
			e = exp_err(EFAULT);
			break;
		case 1:
			obj_put(i);
			fd = wrong_fd(t, LRPC_IOC_VIEW_INFO, &i);
			e = exp_err(ENOTTY);
			break;
		default:
			fd = t->closed_fd;
			e = exp_err(EBADF);
			break;
		}
	}
	WHAT(t, "VIEW_INFO arg %p fd %d", arg, fd);
	fault_begin(t, var, NULL, 0);
	if (var == V_BOUND) {
		ret = ioctl_ro(t, fd, LRPC_IOC_VIEW_INFO, &vi, sizeof(vi));
		e = exp_err(EFAULT);
	} else {
		ret = sys(ioctl(fd, LRPC_IOC_VIEW_INFO, arg));
	}
	fault_end(t);
	if (judge(t, OP_VIEW_INFO, var, ret, obj_put(i), e) && !ret && arg == &vi &&
	    (vi.len != o.len || (vi.flags & ~LRPC_VIEW_F_SEAL) != (o.write ? LRPC_VIEW_F_WRITE : 0u) ||
	     vi.section_id != o.sec_id || vi.offset % PAGE ||
	     vi.reserved[0] || vi.reserved[1]))
		fail(t, "VIEW_INFO: id %u/%u len %llu/%llu flags %#x offset %llu",
		     vi.section_id, o.sec_id, (unsigned long long)vi.len,
		     (unsigned long long)o.len, vi.flags,
		     (unsigned long long)vi.offset);
	t->faulting = false;
}

/* ---- mappings ---- */

static int map_add(char *addr, size_t len, bool write, uint32_t sec_id,
		   uint64_t pg0)
{
	int k;

	pthread_mutex_lock(&worker.lock);
	for (k = 0; k < MAX_MAPS; k++)
		if (!worker.map[k].used)
			break;
	if (k < MAX_MAPS)
		worker.map[k] = (struct mapping){ .addr = addr, .len = len, .used = 1,
					     .write = write, .sec_id = sec_id,
					     .pg0 = pg0 };
	pthread_mutex_unlock(&worker.lock);
	if (k == MAX_MAPS)
		munmap(addr, len);
	return k;
}

/* A mapping, held; @excl: nobody else may touch it meanwhile. */
static int map_pick(struct thr *t, bool excl)
{
	int idx[MAX_MAPS], n = 0, k;

	pthread_mutex_lock(&worker.lock);
	for (k = 0; k < MAX_MAPS; k++)
		if (worker.map[k].used && !worker.map[k].dead && !worker.map[k].excl &&
		    (!excl || !worker.map[k].users))
			idx[n++] = k;
	k = n ? idx[rng_below(&t->rng, n)] : -1;
	if (k >= 0) {
		worker.map[k].users++;
		worker.map[k].excl = excl;
	}
	pthread_mutex_unlock(&worker.lock);
	return k;
}

static void map_put(int k)
{
	pthread_mutex_lock(&worker.lock);
	worker.map[k].excl = 0;
	if (--worker.map[k].users == 0 && worker.map[k].dead) {
		munmap(worker.map[k].addr, worker.map[k].len);
		worker.map[k].used = 0;
	}
	pthread_mutex_unlock(&worker.lock);
}

void op_mmap(struct thr *t)
{
	int var = pick_var(t), i, fd, prot, flags, ret;
	size_t pages, len, off = 0;
	struct exp e = (struct exp){ .ok = true, .errs = es_of(ENOMEM, 0) };
	struct lrpc_view_info vi;
	struct obj o;
	bool dead;
	char *p;

	if (obj_count(KM_VIEWS) == 0 || (var == V_VALID && MAX_MAPS <= obj_count(0)))
		return;
	i = obj_pick(t, var == V_BAD ? KM_ALL : KM_VIEWS);
	if (i < 0)
		return;
	o = worker.obj[i];
	fd = o.fd;
	pages = (o.len + PAGE - 1) / PAGE;
	prot = PROT_READ | (o.write && rng_below(&t->rng, 2) ? PROT_WRITE : 0);
	flags = rng_below(&t->rng, 4) ? MAP_SHARED : MAP_PRIVATE;
	if (o.kind == K_SEC) {
		/* the creator may map any page range */
		off = rng_below(&t->rng, pages);
		len = 1 + rng_below(&t->rng, pages - off < MAP_MAX_PAGES ?
					     pages - off : MAP_MAX_PAGES);
	} else {
		len = pages;	/* a received view: whole */
	}
	/* a sealed section takes no new writable shared mapping */
	if ((prot & PROT_WRITE) && flags == MAP_SHARED)
		es_add(&e.errs, EBUSY);
	if (var == V_BOUND && o.kind == K_SEC) {
		off = pages - 1;
		len = 1;
	}
	if (var == V_BAD) {
		e = exp_err(EINVAL);
		if (o.kind != K_SEC && o.kind != K_VIEW) {
			e = exp_err(ENODEV);	/* no ->mmap */
			len = 1;
			off = 0;
		} else {
			switch (rng_below(&t->rng, 4)) {
			case 0:
				off = pages;
				len = 1;
				break;
			case 1:
				len = pages - off + 1;
				break;
			case 2:
				if (o.kind == K_VIEW && pages > 1) {
					len = pages - 1;
					break;
				}
				/* fall through */
			default:
				if (!o.write) {
					prot |= PROT_WRITE;
					e = exp_err(EACCES);
				} else {
					len = pages - off + 1;
				}
				break;
			}
		}
	}
	WHAT(t, "mmap %s (len %llu%s%s) pages %zu+%zu prot %#x %s", kind_names[o.kind],
	     (unsigned long long)o.len, o.write ? ", writable" : "",
	     o.received ? ", received" : "", off, len, prot,
	     flags == MAP_SHARED ? "shared" : "private");
	p = mmap(NULL, len * PAGE, prot, flags, fd, off * PAGE);
	ret = p == MAP_FAILED ? -errno : 0;
	memset(&vi, 0, sizeof(vi));
	if (p != MAP_FAILED && ioctl(fd, LRPC_IOC_VIEW_INFO, &vi))
		vi.section_id = 0;	/* closed under us: no tags */
	dead = obj_put(i);
	if (judge(t, OP_MMAP, var, ret, dead, e) && p != MAP_FAILED)
		map_add(p, len * PAGE, prot & PROT_WRITE, dead ? 0 : vi.section_id,
			vi.offset / PAGE + off);
	else if (p != MAP_FAILED)
		munmap(p, len * PAGE);
}

void op_munmap(struct thr *t)
{
	int k;

	pthread_mutex_lock(&worker.lock);
	k = rng_below(&t->rng, MAX_MAPS);
	if (worker.map[k].used && !worker.map[k].dead) {
		WHAT(t, "munmap %zu octets", worker.map[k].len);
		if (!worker.map[k].users) {
			munmap(worker.map[k].addr, worker.map[k].len);
			worker.map[k].used = 0;
		} else {
			worker.map[k].dead = 1;
		}
		k = -1;
	}
	pthread_mutex_unlock(&worker.lock);
	if (k < 0)
		judge(t, OP_MUNMAP, V_VALID, 0, false, exp_ok());
}

void op_touch(struct thr *t)
{
	int k = map_pick(t, false), n;
	volatile char *p;
	sigjmp_buf jb;
	size_t pages;

	if (k < 0)
		return;
	/* a sealed section's shared pages SIGBUS on write: that is allowed */
	if (sigsetjmp(jb, 1)) {
		touch_jb = NULL;
		map_put(k);
		judge(t, OP_TOUCH, V_VALID, 0, false, exp_ok());
		return;
	}
	p = (volatile char *)worker.map[k].addr;
	pages = worker.map[k].len / PAGE;
	WHAT(t, "touch %zu pages of section %u from page %llu%s", pages,
	     worker.map[k].sec_id, (unsigned long long)worker.map[k].pg0,
	     worker.map[k].write ? ", writing" : "");
	for (n = 0; n < 8; n++) {
		size_t pg = rng_below(&t->rng, pages);
		struct tag want = { TAG_MAGIC, worker.map[k].sec_id,
				    (uint32_t)(worker.map[k].pg0 + pg) }, got;

		memcpy(&got, (const void *)(p + pg * PAGE), sizeof(got));
		if (worker.map[k].sec_id && (got.magic || got.sec_id || got.page) &&
		    memcmp(&got, &want, sizeof(got))) {
			fail(t, "page %zu of the mapping shows section %u page %u (tag %#llx)",
			     pg, got.sec_id, got.page, (unsigned long long)got.magic);
			break;
		}
		if (!worker.map[k].write)
			continue;
		touch_jb = &jb;
		if (worker.map[k].sec_id)
			memcpy((void *)(p + pg * PAGE), &want, sizeof(want));
		p[pg * PAGE + sizeof(want) + rng_below(&t->rng, PAGE - sizeof(want))] = (char)n;
		touch_jb = NULL;
	}
	map_put(k);
	judge(t, OP_TOUCH, V_VALID, 0, false, exp_ok());
}

void op_vma(struct thr *t)
{
	int k = map_pick(t, true), ret, how = rng_below(&t->rng, 4), var = V_VALID;
	struct exp e = exp_ok();
	struct mapping *m;
	size_t pages;
	void *q;

	if (k < 0)
		return;
	m = &worker.map[k];
	pages = m->len / PAGE;
	switch (how) {
	case 0:		/* split it: vm_open on the new half */
		WHAT(t, "mprotect read-only the tail of %zu pages", pages);
		ret = sys(mprotect(m->addr + (pages > 1 ? PAGE : 0),
				   pages > 1 ? m->len - PAGE : m->len, PROT_READ));
		m->write = 0;
		break;
	case 1:		/* VM_DONTEXPAND: never grows */
		WHAT(t, "mremap %zu pages to %zu", pages, pages + 1);
		q = mremap(m->addr, m->len, m->len + PAGE, MREMAP_MAYMOVE);
		ret = q == MAP_FAILED ? -errno : 0;
		if (q != MAP_FAILED) {
			m->addr = q;
			m->len += PAGE;
		}
		var = V_BAD;
		e = exp_err(EFAULT);
		break;
	case 2:
		WHAT(t, "madvise DONTNEED %zu pages", pages);
		ret = sys(madvise(m->addr, m->len, MADV_DONTNEED));
		e.errs = es_of(ENOSYS, 0);	/* CONFIG_ADVISE_SYSCALLS=n */
		break;
	default:
		if (pages < 2) {
			WHAT(t, "mprotect PROT_READ");
			ret = sys(mprotect(m->addr, m->len, PROT_READ));
			m->write = 0;
			break;
		}
		WHAT(t, "mremap shrink %zu pages by one", pages);
		q = mremap(m->addr, m->len, m->len - PAGE, 0);
		ret = q == MAP_FAILED ? -errno : 0;
		if (!ret)
			m->len -= PAGE;
		break;
	}
	map_put(k);
	judge(t, OP_VMA, var, ret, false, e);
}

/* mprotect(PROT_WRITE) of a read-only view's mapping must fail. */
void op_vma_ro(struct thr *t)
{
	int i = obj_pick(t, KM(K_VIEW)), ret;
	size_t len;
	char *p;

	if (i < 0)
		return;
	if (worker.obj[i].write) {
		obj_put(i);
		return;
	}
	len = (worker.obj[i].len + PAGE - 1) / PAGE * PAGE;
	WHAT(t, "mprotect PROT_WRITE on a read-only view of %zu", len);
	p = mmap(NULL, len, PROT_READ, rng_below(&t->rng, 2) ? MAP_SHARED : MAP_PRIVATE,
		 worker.obj[i].fd, 0);
	ret = p == MAP_FAILED ? -errno : sys(mprotect(p, len, PROT_READ | PROT_WRITE));
	if (p != MAP_FAILED)
		munmap(p, len);
	judge(t, OP_VMA, V_BAD, ret, obj_put(i),
	      (struct exp){ .errs = es_of(EACCES, ENOMEM, 0) });
}
