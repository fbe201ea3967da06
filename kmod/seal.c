// SPDX-License-Identifier: GPL-2.0
/*
 * Sealed views: while one lives, nobody writes the section's bytes.
 *
 * Every shared write to a section's pages goes through ->page_mkwrite
 * (the vmas ask for write notification), so the seal is one count read
 * there under the folio lock.  Sealing sets the count, then waits for
 * each resident folio's lock, so that a write fault that read the count
 * before it was set has made its pte writable, then zaps every pte of
 * the section: the next write faults and is refused.  Private COW copies
 * are left alone: they are their owner's, not the section's.
 *
 * A page pinned for DMA may be written behind the ptes' back, so sealing
 * refuses a section with such a page.  Unsealing is the count falling to
 * zero: there is nothing to undo, the next write fault simply succeeds.
 */
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/pagevec.h>
#include <linux/sched.h>

#include "seal.h"

void lrpc_seal_init(struct lrpc_seal *seal)
{
	mutex_init(&seal->lock);
	atomic_set(&seal->count, 0);
}

bool lrpc_sealed(const struct lrpc_seal *seal)
{
	return atomic_read(&seal->count) > 0;
}

/*
 * Walk the resident folios of @mapping: @wait cycles each one's lock
 * (see above); otherwise tell whether one may be pinned for DMA.
 */
static bool seal_walk(struct address_space *mapping, bool wait)
{
	struct folio_batch fbatch;
	pgoff_t index = 0;
	bool pinned = false;
	unsigned int i;

	folio_batch_init(&fbatch);
	while (!pinned && filemap_get_folios(mapping, &index, ULONG_MAX, &fbatch)) {
		for (i = 0; i < folio_batch_count(&fbatch); i++) {
			struct folio *folio = fbatch.folios[i];

			if (wait) {
				folio_lock(folio);
				folio_unlock(folio);
			} else if (folio_maybe_dma_pinned(folio)) {
				pinned = true;
			}
		}
		folio_batch_release(&fbatch);
		cond_resched();
	}
	return pinned;
}

/* Take one seal count, write-protecting @mapping if it is the first. */
int lrpc_seal_get(struct lrpc_seal *seal, struct address_space *mapping)
{
	int ret = 0;

	mutex_lock(&seal->lock);
	/* fully ordered: a write fault that locks a folio after us sees it */
	if (atomic_inc_return(&seal->count) == 1) {
		seal_walk(mapping, true);
		unmap_mapping_range(mapping, 0, 0, 0);
	}
	if (seal_walk(mapping, false)) {
		atomic_dec(&seal->count);
		ret = -EBUSY;
	}
	mutex_unlock(&seal->lock);
	return ret;
}

/* Another count for a section a count of the caller already seals. */
void lrpc_seal_get_more(struct lrpc_seal *seal)
{
	WARN_ON_ONCE(atomic_inc_return(&seal->count) < 2);
}

void lrpc_seal_put(struct lrpc_seal *seal)
{
	WARN_ON_ONCE(atomic_dec_return(&seal->count) < 0);
}

/*
 * A shared write fault on a section page.  The folio, not the page: a
 * tail page of a huge folio has no ->mapping of its own.
 */
vm_fault_t lrpc_seal_page_mkwrite(const struct lrpc_seal *seal,
				  struct vm_fault *vmf)
{
	struct folio *folio = page_folio(vmf->page);

	folio_lock(folio);
	/* never truncated, but never dirty a folio shmem let go of */
	if (folio->mapping != vmf->vma->vm_file->f_mapping) {
		folio_unlock(folio);
		return VM_FAULT_NOPAGE;
	}
	if (lrpc_sealed(seal)) {
		folio_unlock(folio);
		return VM_FAULT_SIGBUS;
	}
	folio_mark_dirty(folio);
	return VM_FAULT_LOCKED;
}
