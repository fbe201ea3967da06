// SPDX-License-Identifier: GPL-2.0
/*
 * Judging results: fail() records the first failure of the run (who,
 * which op, what it did) in the shared state and stops every worker;
 * judge() counts an op's result by op, variant and errno, and checks it
 * against what the op may give (more under fail-nth).
 */
#include "stressor.h"

void fail(struct thr *t, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!worker.cfg) {
		if (atomic_exchange(&shared->failed, 1) == 0)
			snprintf(shared->failmsg, sizeof(shared->failmsg), "supervisor: %s", msg);
	} else if (atomic_exchange(&shared->failed, 1) == 0)
		snprintf(shared->failmsg, sizeof(shared->failmsg),
			 "slot %d (%s) gen %u thread %d op #%ld: %s: %s",
			 worker.slot, worker.cfg->what, worker.gen,
			 t ? t->idx : -1, t ? t->opno : -1L,
			 t ? t->what : "-", msg);
	atomic_store(&shared->stop, 1);
}

/*
 * Count the result of one op and check it: @lenient when one of its fds
 * was closed under it (then any clean errno goes).  Returns true if it
 * may go on.
 */
bool judge(struct thr *t, int op, int var, int ret, bool lenient,
	   struct exp e)
{
	int err = ret < 0 ? -ret : 0;

	atomic_fetch_add(&shared->count[op][var], 1);
	if (!err)
		atomic_fetch_add(&shared->okc[op], 1);
	atomic_fetch_add(&shared->errs[err < ERRNO_MAX ? err : ERRNO_MAX], 1);
	if (err >= ERRNO_MAX) {
		fail(t, "unclean errno %d leaked to user space (%s)", err,
		     var_names[var]);
		return false;
	}
	if (lenient)
		return true;
	if (t->faulting) {
		es_add(&e.errs, ENOMEM);
		if (op == OP_SECTION_CREATE)
			es_add(&e.errs, ENOSPC);
	}
	if (!err && !e.ok) {
		fail(t, "%s call succeeded (%d) where it must fail",
		     var_names[var], ret);
		return false;
	}
	if (err && !es_has(&e.errs, err)) {
		fail(t, "%s call%s failed with %s (%d)", var_names[var],
		     t->faulting ? " under fail-nth" : "",
		     strerrorname_np(err) ?: "?", err);
		return false;
	}
	return true;
}
