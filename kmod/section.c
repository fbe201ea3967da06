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
 * cannot grow it past its window.  A window ends on a page boundary or
 * at the section's end, so a mapping shows no byte outside its view.
 *
 * The vma's vm_file is the section's *map file*: a second file on the
 * shmem inode (so the vma sits in the shmem mapping's i_mmap, and rmap
 * can unmap, migrate and swap its pages like any shmem page, charged to
 * the memcg that faulted them) whose file_operations have no ->mmap, so
 * remap_file_pages() cannot remap the vma at another offset of the
 * section.  The vm_ops are shmem's, wrapped: ->page_mkwrite (which makes
 * every shared write notify us: seal.c) and ->mprotect are ours.  The
 * vma holds a reference to the view file it was made from: so a mapping
 * keeps the view, the view its section, and the view file the module;
 * the last fput runs after ->close has returned, and the VFS drops the
 * module reference after ->release.  No module code runs after the last
 * module reference is gone.
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
#include "seal.h"
#include "section.h"

static unsigned long max_section_bytes = 256UL << 20;
module_param(max_section_bytes, ulong, 0644);
MODULE_PARM_DESC(max_section_bytes, "Octets of section views one uid holds (pages, rounded up)");

static unsigned int max_sections = 1024;
module_param(max_sections, uint, 0644);
MODULE_PARM_DESC(max_sections, "Section views one uid holds");

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
	struct file *mapfile;	/* every vma's vm_file: see above */
	struct lrpc_seal seal;
	kuid_t owner;
	bool charge_given;	/* to the creator's view: see view_charge() */
	struct pid *creator;
};

struct lrpc_view {
	struct lrpc_section *sec;
	u64 off;
	u64 len;
	bool write;
	bool seal;		/* holds a count of sec->seal */
	bool received;
	bool charged;		/* paid octets charged to payer */
	kuid_t payer;
	u64 paid;
	struct mm_struct *mm;	/* received: who may map it (mmgrab) */
};

/* shmem's vm_operations_struct, the same for every shmem file */
static const struct vm_operations_struct *shmem_vm_ops;

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
	fput(sec->mapfile);
	fput(sec->shmem);
	if (!sec->charge_given)
		sec_uncharge(sec->owner, sec->charge);
	put_pid(sec->creator);
	kfree(sec);
}

static void section_put(struct lrpc_section *sec)
{
	kref_put(&sec->ref, section_free);
}

/* With @seal, the new view takes over a seal count the caller holds. */
static struct lrpc_view *view_new(struct lrpc_section *sec, u64 off, u64 len,
				  bool write, bool seal)
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
	view->seal = seal;
	return view;
}

/*
 * Every view charges its holder for its window: the creator for its
 * section fd, a sender for a view queued in its message, a receiver for
 * the view it got (and keeps while it or a mapping of it lives).  So
 * sections a peer holds count against the peer's uid, never against the
 * creator's once the creator has let go: a client that keeps every
 * [out] view cannot drain its server's max_section_bytes.
 */
static int view_charge(struct lrpc_view *view, kuid_t uid)
{
	u64 bytes = PAGE_ALIGN(view->len);
	int ret = sec_charge(uid, bytes);

	if (ret)
		return ret;
	view->payer = uid;
	view->paid = bytes;
	view->charged = true;
	return 0;
}

/*
 * A reply's view from the moment it answers its call: the caller holds
 * it, so the caller's uid pays, as for the reply's octets.  A call whose
 * thread never comes back for it (parked, see call.c) keeps it until the
 * caller's fd goes; charged to the server it would pin the server's
 * max_sections.  May sleep.
 */
int lrpc_view_recharge(struct lrpc_view *view, kuid_t uid)
{
	u64 bytes;
	int ret;

	if (!view || (view->charged && uid_eq(view->payer, uid)))
		return 0;
	bytes = PAGE_ALIGN(view->len);
	ret = sec_charge(uid, bytes);
	if (ret)
		return ret;
	if (view->charged)
		sec_uncharge(view->payer, view->paid);
	view->payer = uid;
	view->paid = bytes;
	view->charged = true;
	return 0;
}

void lrpc_view_free(struct lrpc_view *view)
{
	if (!view)
		return;
	if (view->charged)
		sec_uncharge(view->payer, view->paid);
	atomic_dec(&view->sec->views);
	if (view->seal)
		lrpc_seal_put(&view->sec->seal);
	section_put(view->sec);
	if (view->mm)
		mmdrop(view->mm);
	kfree(view);
}

static struct lrpc_view *vma_view(struct vm_area_struct *vma)
{
	struct file *vfile = vma->vm_private_data;

	return vfile->private_data;
}

/* Each vma holds its view file: see the head comment. */
static void section_vm_open(struct vm_area_struct *vma)
{
	get_file(vma->vm_private_data);
	atomic_inc(&vma_view(vma)->sec->mappings);
}

static void section_vm_close(struct vm_area_struct *vma)
{
	atomic_dec(&vma_view(vma)->sec->mappings);
	fput(vma->vm_private_data);
}

static vm_fault_t section_vm_fault(struct vm_fault *vmf)
{
	return READ_ONCE(shmem_vm_ops)->fault(vmf);
}

static vm_fault_t section_vm_map_pages(struct vm_fault *vmf, pgoff_t start,
				       pgoff_t end)
{
	return READ_ONCE(shmem_vm_ops)->map_pages(vmf, start, end);
}

static vm_fault_t section_vm_page_mkwrite(struct vm_fault *vmf)
{
	return lrpc_seal_page_mkwrite(&vma_view(vmf->vma)->sec->seal, vmf);
}

/* A sealed section gains no writable shared pte, not even by mprotect. */
static int section_vm_mprotect(struct vm_area_struct *vma, unsigned long start,
			       unsigned long end, unsigned long newflags)
{
	if ((vma->vm_flags & VM_SHARED) && (newflags & VM_WRITE) &&
	    !(vma->vm_flags & VM_WRITE) && lrpc_sealed(&vma_view(vma)->sec->seal))
		return -EBUSY;
	return 0;
}

static const struct vm_operations_struct section_vm_ops = {
	.open		= section_vm_open,
	.close		= section_vm_close,
	.fault		= section_vm_fault,
	.map_pages	= section_vm_map_pages,
	.page_mkwrite	= section_vm_page_mkwrite,
	.mprotect	= section_vm_mprotect,
};

static int view_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct lrpc_view *view = file->private_data;
	struct lrpc_section *sec = view->sec;
	unsigned long npages = PAGE_ALIGN(view->len) >> PAGE_SHIFT;
	int ret;

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
	/* a race with sealing is harmless: ->page_mkwrite refuses then */
	if ((vma->vm_flags & VM_SHARED) && (vma->vm_flags & VM_WRITE) &&
	    lrpc_sealed(&sec->seal))
		return -EBUSY;
	vma->vm_flags |= VM_DONTEXPAND;
	/* from here on vm_pgoff indexes the shmem file */
	vma->vm_pgoff += view->off >> PAGE_SHIFT;
	vma_set_file(vma, sec->mapfile);
	ret = sec->shmem->f_op->mmap(sec->shmem, vma);
	if (ret)
		return ret;
	WRITE_ONCE(shmem_vm_ops, vma->vm_ops);
	vma->vm_ops = &section_vm_ops;
	vma->vm_private_data = file;
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
		.flags = (view->write ? LRPC_VIEW_F_WRITE : 0) |
			 (lrpc_sealed(&view->sec->seal) ? LRPC_VIEW_F_SEAL : 0),
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

/* Not for users: no ->mmap, so remap_file_pages() fails on a view's vma. */
static const struct file_operations section_map_fops = {
	.owner		= THIS_MODULE,
	.fsync		= noop_fsync,
	.llseek		= noop_llseek,
};

/* A second file on the shmem inode: the vm_file of every mapping. */
static struct file *section_mapfile(struct file *shmem)
{
	struct inode *inode = file_inode(shmem);
	struct file *file;

	/* as anon_inode_getfile(): __fput() drops the fops' module reference */
	__module_get(THIS_MODULE);
	ihold(inode);
	file = alloc_file_pseudo(inode, shmem->f_path.mnt, "lrpc-section",
				 O_RDWR, &section_map_fops);
	if (IS_ERR(file)) {
		iput(inode);
		module_put(THIS_MODULE);
	}
	return file;
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
	lrpc_seal_init(&sec->seal);
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
	sec->mapfile = section_mapfile(sec->shmem);
	if (IS_ERR(sec->mapfile)) {
		ret = PTR_ERR(sec->mapfile);
		goto err_fput;
	}
	ret = xa_alloc_cyclic(&lrpc_sections, &sec->id, sec, xa_limit_31b,
			      &lrpc_section_next, GFP_KERNEL_ACCOUNT);
	if (ret < 0)
		goto err_fput_map;

	/* from here on the view owns the section */
	view = view_new(sec, 0, sec->size, true, false);
	if (view) {
		/* the charge taken above is the creator's view's */
		view->payer = sec->owner;
		view->paid = sec->charge;
		view->charged = true;
		sec->charge_given = true;
	}
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

err_fput_map:
	fput(sec->mapfile);
err_fput:
	fput(sec->shmem);
err_uncharge:
	sec_uncharge(sec->owner, sec->charge);
err_free:
	put_pid(sec->creator);
	kfree(sec);
	return ret;
}

/*
 * A window of @src for a message: inside @src, page-aligned, ending on a
 * page boundary unless at the section's end (a mapping shows whole pages,
 * and no byte past the window may show); never more rights than @src.
 */
static int view_window(const struct lrpc_view *src, struct lrpc_view_attach *args)
{
	u64 end;

	if (!args->len && args->offset < src->len)
		args->len = src->len - args->offset;
	if (!PAGE_ALIGNED(args->offset) || !args->len ||
	    args->offset >= src->len || args->len > src->len - args->offset)
		return -EINVAL;
	end = src->off + args->offset + args->len;
	if (!PAGE_ALIGNED(end) && end != src->sec->size)
		return -EINVAL;
	/* a received view is attached only where mmap would take it */
	if (src->received && src->mm != current->mm)
		return -EACCES;
	if ((args->flags & LRPC_VIEW_F_WRITE) && !src->write)
		return -EACCES;
	return 0;
}

/* Attach to @msg a view described by the user's struct lrpc_view_attach. */
int lrpc_view_attach(struct lrpc_msg *msg, u64 uattach)
{
	struct lrpc_view_attach args;
	struct lrpc_section *sec;
	struct lrpc_view *src;
	bool seal;
	struct fd f;
	int ret;

	if (copy_from_user(&args, u64_to_user_ptr(uattach), sizeof(args)))
		return -EFAULT;
	if ((args.flags & ~LRPC_VIEW_F_ALL) ||
	    (args.flags & LRPC_VIEW_F_SEAL && args.flags & LRPC_VIEW_F_WRITE) ||
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
	sec = src->sec;
	ret = view_window(src, &args);
	if (ret)
		goto out;
	/* a sealed view passes its seal on */
	seal = src->seal || (args.flags & LRPC_VIEW_F_SEAL);
	if (src->seal)
		lrpc_seal_get_more(&sec->seal);
	else if (seal)
		ret = lrpc_seal_get(&sec->seal, sec->shmem->f_mapping);
	if (ret)
		goto out;
	msg->view = view_new(sec, src->off + args.offset, args.len,
			     args.flags & LRPC_VIEW_F_WRITE, seal);
	if (!msg->view) {
		if (seal)
			lrpc_seal_put(&sec->seal);
		ret = -ENOMEM;
	} else {
		/* the sender holds it until it is received */
		ret = view_charge(msg->view, current_euid());
		if (ret) {
			lrpc_view_free(msg->view);
			msg->view = NULL;
		}
	}
out:
	fdput(f);
	return ret;
}

void lrpc_view_describe(const struct lrpc_view *view,
			struct lrpc_msg_info *info)
{
	info->view_fd = -1;
	info->view_flags = 0;
	info->view_len = view ? view->len : 0;
	if (view && view->write)
		info->view_flags |= LRPC_VIEW_F_WRITE;
	if (view && view->seal)
		info->view_flags |= LRPC_VIEW_F_SEAL;
}

/*
 * Receiving @msg: make the fd its view will have in the receiver, and
 * describe it in @info.  Then commit (the fd appears) or abort (nothing
 * happened; the message still owns its view).  A receiver that did not
 * ask for views (!@install) gets none: the view goes with the message,
 * and @info says it was dropped.
 */
int lrpc_view_prepare(const struct lrpc_msg *msg, struct lrpc_msg_info *info,
		      struct file **filep, bool install)
{
	struct lrpc_view *src = msg->view, *view;
	struct file *file;
	int fd, ret;

	*filep = NULL;
	lrpc_view_describe(src, info);
	if (!src)
		return 0;
	if (!install) {
		info->view_flags |= LRPC_VIEW_F_DROPPED;
		return 0;
	}
	if (src->seal)
		lrpc_seal_get_more(&src->sec->seal);
	view = view_new(src->sec, src->off, src->len, src->write, src->seal);
	if (!view) {
		if (src->seal)
			lrpc_seal_put(&src->sec->seal);
		return -ENOMEM;
	}
	view->received = true;
	ret = view_charge(view, current_euid());
	if (ret == -EDQUOT) {
		/* over the receiver's own quota: the view is dropped */
		lrpc_view_free(view);
		info->view_flags |= LRPC_VIEW_F_DROPPED;
		return 0;
	} else if (ret) {
		lrpc_view_free(view);
		return ret;
	}
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
