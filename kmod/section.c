// SPDX-License-Identifier: GPL-2.0
/*
 * Sections: shared memory for large arguments, passed by reference.
 *
 * A section is a shmem file of a fixed size (sealed against growing and
 * shrinking) that no user ever holds directly.  Users hold *views*: an
 * anon-inode fd naming a page-aligned window of a section and whether it
 * may write.  The creator's section fd is a view of the whole section
 * with write access.  A view attached to a message is installed in the
 * receiver as a new view fd when the message is received; the pages are
 * never copied.
 *
 * mmap of a view checks, the way ublk_ch_mmap does, who maps (a received
 * view only in the process that received it), the offset and the exact
 * length (a received view is mapped whole, from offset 0), and VM_WRITE
 * against the grant; a read-only view loses VM_MAYWRITE so mprotect
 * cannot add it back, and every view mapping is VM_DONTEXPAND so mremap
 * cannot grow it past its window.
 *
 * The vma keeps the view file as its vm_file, and our fault handler
 * looks the page up in the shmem file (as vgem and udmabuf did).  So the
 * vma holds the view, the view the section, and the view file the
 * module: the core calls ->close and only then fputs the file, whose
 * release runs before the VFS drops the module reference.  No module
 * code runs after the last module reference is gone, and sections need
 * no module reference of their own.  Shared writes go through
 * ->page_mkwrite, which dirties the page before the pte becomes
 * writable, so shmem never drops a written page as clean.  The price of
 * a vm_file that is not the shmem file: rmap cannot find these ptes, so
 * a page stays resident (not swapped, not migrated) while some view maps
 * it; munmap hands it back to shmem, dirty bit included.
 *
 * Lifetime: a section is referenced by its view fds, by views queued in
 * messages and by the view files of its mappings; the last one going
 * frees its pages and its charge.  Each section is charged, size rounded
 * up to pages and one count, to its creator's euid (max_section_bytes,
 * max_sections) for all that time, whoever holds the last reference.
 */
#include <linux/anon_inodes.h>
#include <linux/cred.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hashtable.h>
#include <linux/kref.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/pagemap.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

#include "main.h"
#include "msg.h"
#include "section.h"

static unsigned long max_section_bytes = 256UL << 20;
module_param(max_section_bytes, ulong, 0644);
MODULE_PARM_DESC(max_section_bytes, "Octets of sections per uid (pages, rounded up)");

static unsigned int max_sections = 1024;
module_param(max_sections, uint, 0644);
MODULE_PARM_DESC(max_sections, "Sections per uid");

u64 lrpc_max_section_bytes(void)
{
	return READ_ONCE(max_section_bytes);
}

u32 lrpc_max_sections(void)
{
	return READ_ONCE(max_sections);
}

struct lrpc_section {
	struct kref ref;
	u32 id;
	atomic_t mappings;
	atomic_t views;
	u64 size;
	u64 charge;
	struct file *shmem;
	kuid_t owner;
	struct pid *creator;
};

struct lrpc_view {
	struct lrpc_section *sec;
	u64 off;
	u64 len;
	bool write;
	bool received;
	struct mm_struct *mm;	/* received: who may map it (mmgrab) */
};

/* Section ids, for netlink; xa_lock also keeps a listed section alive. */
static DEFINE_XARRAY_ALLOC1(lrpc_sections);
static u32 lrpc_section_next;

/* Per-uid section charges: a leaf lock. */
struct sec_user {
	struct hlist_node node;
	kuid_t uid;
	unsigned int count;
	u64 bytes;
};

#define SEC_USER_HASH_BITS	6
static DEFINE_HASHTABLE(sec_users, SEC_USER_HASH_BITS);
static DEFINE_SPINLOCK(sec_users_lock);

static struct sec_user *sec_user_find(kuid_t uid)
{
	struct sec_user *u;

	hash_for_each_possible(sec_users, u, node, __kuid_val(uid))
		if (uid_eq(u->uid, uid))
			return u;
	return NULL;
}

static int sec_charge(kuid_t uid, u64 bytes)
{
	struct sec_user *u, *fresh;
	int ret = 0;

	fresh = kzalloc(sizeof(*fresh), GFP_KERNEL_ACCOUNT);
	if (!fresh)
		return -ENOMEM;
	spin_lock(&sec_users_lock);
	u = sec_user_find(uid);
	if (u && (u->count >= lrpc_max_sections() ||
		  u->bytes + bytes > lrpc_max_section_bytes())) {
		ret = -EDQUOT;
	} else if (u) {
		u->count++;
		u->bytes += bytes;
	} else {
		fresh->uid = uid;
		fresh->count = 1;
		fresh->bytes = bytes;
		hash_add(sec_users, &fresh->node, __kuid_val(uid));
		fresh = NULL;
	}
	spin_unlock(&sec_users_lock);
	kfree(fresh);
	return ret;
}

static void sec_uncharge(kuid_t uid, u64 bytes)
{
	struct sec_user *u;

	spin_lock(&sec_users_lock);
	u = sec_user_find(uid);
	if (WARN_ON_ONCE(!u)) {
		spin_unlock(&sec_users_lock);
		return;
	}
	u->bytes -= bytes;
	if (--u->count) {
		u = NULL;
	} else {
		WARN_ON_ONCE(u->bytes);
		hash_del(&u->node);
	}
	spin_unlock(&sec_users_lock);
	kfree(u);
}

static void section_free(struct kref *ref)
{
	struct lrpc_section *sec = container_of(ref, struct lrpc_section, ref);

	xa_erase(&lrpc_sections, sec->id);
	fput(sec->shmem);
	sec_uncharge(sec->owner, sec->charge);
	put_pid(sec->creator);
	kfree(sec);
}

static void section_put(struct lrpc_section *sec)
{
	kref_put(&sec->ref, section_free);
}

static struct lrpc_view *view_new(struct lrpc_section *sec, u64 off, u64 len,
				  bool write)
{
	struct lrpc_view *view = kzalloc(sizeof(*view), GFP_KERNEL_ACCOUNT);

	if (!view)
		return NULL;
	kref_get(&sec->ref);
	atomic_inc(&sec->views);
	view->sec = sec;
	view->off = off;
	view->len = len;
	view->write = write;
	return view;
}

void lrpc_view_free(struct lrpc_view *view)
{
	if (!view)
		return;
	atomic_dec(&view->sec->views);
	section_put(view->sec);
	if (view->mm)
		mmdrop(view->mm);
	kfree(view);
}

/* The vma's vm_file is a view of the section: it keeps the section. */
static void section_vm_open(struct vm_area_struct *vma)
{
	struct lrpc_section *sec = vma->vm_private_data;

	atomic_inc(&sec->mappings);
}

static void section_vm_close(struct vm_area_struct *vma)
{
	struct lrpc_section *sec = vma->vm_private_data;

	atomic_dec(&sec->mappings);
}

static vm_fault_t section_vm_fault(struct vm_fault *vmf)
{
	struct lrpc_section *sec = vmf->vma->vm_private_data;
	struct page *page;

	if (vmf->pgoff >= sec->charge >> PAGE_SHIFT)
		return VM_FAULT_SIGBUS;
	page = shmem_read_mapping_page(sec->shmem->f_mapping, vmf->pgoff);
	if (IS_ERR(page))
		return vmf_error(PTR_ERR(page));
	/* the reference goes to the pte; the core locks the page */
	vmf->page = page;
	return 0;
}

static vm_fault_t section_vm_page_mkwrite(struct vm_fault *vmf)
{
	struct lrpc_section *sec = vmf->vma->vm_private_data;
	struct page *page = vmf->page;

	lock_page(page);
	/* sealed, never truncated: but never dirty a page shmem let go */
	if (page->mapping != sec->shmem->f_mapping) {
		unlock_page(page);
		return VM_FAULT_NOPAGE;
	}
	set_page_dirty(page);
	return VM_FAULT_LOCKED;
}

static const struct vm_operations_struct section_vm_ops = {
	.open		= section_vm_open,
	.close		= section_vm_close,
	.fault		= section_vm_fault,
	.page_mkwrite	= section_vm_page_mkwrite,
};

static int view_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct lrpc_view *view = file->private_data;
	unsigned long npages = PAGE_ALIGN(view->len) >> PAGE_SHIFT;

	if (view->received && view->mm != current->mm)
		return -EACCES;
	if (vma->vm_pgoff >= npages || vma_pages(vma) > npages - vma->vm_pgoff)
		return -EINVAL;
	if (view->received && (vma->vm_pgoff || vma_pages(vma) != npages))
		return -EINVAL;
	if (!view->write) {
		if (vma->vm_flags & VM_WRITE)
			return -EACCES;
		vma->vm_flags &= ~VM_MAYWRITE;
	}
	vma->vm_flags |= VM_DONTEXPAND;
	/* from here on vm_pgoff indexes the shmem file */
	vma->vm_pgoff += view->off >> PAGE_SHIFT;
	vma->vm_ops = &section_vm_ops;
	vma->vm_private_data = view->sec;
	section_vm_open(vma);
	return 0;
}

static int view_release(struct inode *inode, struct file *file)
{
	lrpc_view_free(file->private_data);
	return 0;
}

static long view_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct lrpc_view *view = file->private_data;
	struct lrpc_view_info info = {
		.section_id = view->sec->id,
		.flags = view->write ? LRPC_VIEW_F_WRITE : 0,
		.offset = view->off,
		.len = view->len,
	};

	switch (cmd) {
	case LRPC_IOC_VIEW_INFO:
		if (copy_to_user((void __user *)arg, &info, sizeof(info)))
			return -EFAULT;
		return 0;
	case LRPC_IOC_GET_FEATURES:
		return lrpc_get_features((void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations lrpc_view_fops = {
	.owner		= THIS_MODULE,
	.release	= view_release,
	.mmap		= view_mmap,
	.unlocked_ioctl	= view_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct file *view_file(struct lrpc_view *view)
{
	return anon_inode_getfile("[lrpc-section]", &lrpc_view_fops, view,
				  (view->write ? O_RDWR : O_RDONLY) | O_CLOEXEC);
}

static int section_seal(struct file *shmem)
{
	struct inode *inode = file_inode(shmem);

	inode_lock(inode);
	SHMEM_I(inode)->seals |= F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW;
	inode_unlock(inode);
	return 0;
}

long lrpc_section_create(void __user *uarg)
{
	struct lrpc_section_create __user *u = uarg;
	struct lrpc_section_create args;
	struct lrpc_section *sec;
	struct lrpc_view *view;
	struct file *file;
	int fd, ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags || args.id ||
	    !lrpc_zeroed(args.reserved, sizeof(args.reserved)) || !args.size)
		return -EINVAL;
	if (args.size > lrpc_max_section_bytes() || args.size > MAX_LFS_FILESIZE)
		return -EFBIG;

	sec = kzalloc(sizeof(*sec), GFP_KERNEL_ACCOUNT);
	if (!sec)
		return -ENOMEM;
	kref_init(&sec->ref);
	sec->size = args.size;
	sec->charge = PAGE_ALIGN(args.size);
	sec->owner = current_euid();
	sec->creator = get_pid(task_tgid(current));
	ret = sec_charge(sec->owner, sec->charge);
	if (ret)
		goto err_free;
	sec->shmem = shmem_file_setup("lrpc-section", sec->charge, VM_NORESERVE);
	if (IS_ERR(sec->shmem)) {
		ret = PTR_ERR(sec->shmem);
		/*
		 * shmem's internal mount has no size or inode limit: its
		 * -ENOSPC is an inode it could not allocate.
		 */
		if (ret == -ENOSPC)
			ret = -ENOMEM;
		goto err_uncharge;
	}
	section_seal(sec->shmem);
	ret = xa_alloc_cyclic(&lrpc_sections, &sec->id, sec, xa_limit_31b,
			      &lrpc_section_next, GFP_KERNEL_ACCOUNT);
	if (ret < 0)
		goto err_fput;

	/* from here on the view owns the section */
	view = view_new(sec, 0, sec->size, true);
	section_put(sec);
	if (!view)
		return -ENOMEM;
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		lrpc_view_free(view);
		return fd;
	}
	file = view_file(view);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		lrpc_view_free(view);
		return PTR_ERR(file);
	}
	if (put_user(sec->id, &u->id)) {
		fput(file);
		put_unused_fd(fd);
		return -EFAULT;
	}
	fd_install(fd, file);
	return fd;

err_fput:
	fput(sec->shmem);
err_uncharge:
	sec_uncharge(sec->owner, sec->charge);
err_free:
	put_pid(sec->creator);
	kfree(sec);
	return ret;
}

/* Attach to @msg a view described by the user's struct lrpc_view_attach. */
int lrpc_view_attach(struct lrpc_msg *msg, u64 uattach)
{
	struct lrpc_view_attach args;
	struct lrpc_view *src;
	struct fd f;
	int ret = 0;

	if (copy_from_user(&args, u64_to_user_ptr(uattach), sizeof(args)))
		return -EFAULT;
	if ((args.flags & ~LRPC_VIEW_F_ALL) ||
	    !lrpc_zeroed(args.reserved, sizeof(args.reserved)))
		return -EINVAL;
	f = fdget(args.fd);
	if (!f.file)
		return -EBADF;
	if (f.file->f_op != &lrpc_view_fops) {
		ret = -EBADF;
		goto out;
	}
	src = f.file->private_data;
	if (!args.len && args.offset < src->len)
		args.len = src->len - args.offset;
	if (!PAGE_ALIGNED(args.offset) || !args.len ||
	    args.offset >= src->len || args.len > src->len - args.offset) {
		ret = -EINVAL;
		goto out;
	}
	if ((args.flags & LRPC_VIEW_F_WRITE) && !src->write) {
		ret = -EACCES;
		goto out;
	}
	msg->view = view_new(src->sec, src->off + args.offset, args.len,
			     args.flags & LRPC_VIEW_F_WRITE);
	if (!msg->view)
		ret = -ENOMEM;
out:
	fdput(f);
	return ret;
}

void lrpc_view_describe(const struct lrpc_view *view,
			struct lrpc_msg_info *info)
{
	info->view_fd = -1;
	info->view_flags = view && view->write ? LRPC_VIEW_F_WRITE : 0;
	info->view_len = view ? view->len : 0;
}

/*
 * Receiving @msg: make the fd its view will have in the receiver, and
 * describe it in @info.  Then commit (the fd appears) or abort (nothing
 * happened; the message still owns its view).
 */
int lrpc_view_prepare(const struct lrpc_msg *msg, struct lrpc_msg_info *info,
		      struct file **filep)
{
	struct lrpc_view *src = msg->view, *view;
	struct file *file;
	int fd;

	*filep = NULL;
	lrpc_view_describe(src, info);
	if (!src)
		return 0;
	view = view_new(src->sec, src->off, src->len, src->write);
	if (!view)
		return -ENOMEM;
	view->received = true;
	/* pinned, so that a later mm at the same address is not taken for it */
	view->mm = current->mm;
	if (view->mm)
		mmgrab(view->mm);
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		lrpc_view_free(view);
		return fd;
	}
	file = view_file(view);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		lrpc_view_free(view);
		return PTR_ERR(file);
	}
	info->view_fd = fd;
	*filep = file;
	return 0;
}

void lrpc_view_commit(struct lrpc_msg_info *info, struct file *file)
{
	if (file)
		fd_install(info->view_fd, file);
}

void lrpc_view_abort(struct lrpc_msg_info *info, struct file *file)
{
	if (!file)
		return;
	fput(file);
	put_unused_fd(info->view_fd);
	info->view_fd = -1;
}

/*
 * Call @fill for each section from id *@pos on, until it returns
 * non-zero (the dump is full: *@pos tells where to go on).
 */
int lrpc_section_dump(unsigned long *pos,
		      int (*fill)(const struct lrpc_section_info *, void *),
		      void *arg)
{
	struct lrpc_section_info info;
	struct lrpc_section *sec;
	unsigned long id;
	int ret = 0;

	xa_lock(&lrpc_sections);
	xa_for_each_start(&lrpc_sections, id, sec, *pos) {
		info.id = sec->id;
		info.mappings = atomic_read(&sec->mappings);
		info.views = atomic_read(&sec->views);
		info.creator = pid_vnr(sec->creator);
		info.owner = sec->owner;
		info.size = sec->size;
		info.resident = (u64)READ_ONCE(SHMEM_I(file_inode(sec->shmem))->alloced)
				<< PAGE_SHIFT;
		ret = fill(&info, arg);
		if (ret)
			break;
		*pos = id + 1;
	}
	xa_unlock(&lrpc_sections);
	return ret;
}
