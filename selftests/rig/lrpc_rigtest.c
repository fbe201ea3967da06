// SPDX-License-Identifier: GPL-2.0
/*
 * lrpc_rigtest: proves that tools/guest/lrpc-guest fails a run whose
 * module init fails, that WARNs, or that panics, and on the debug kernel
 * one that KASAN, kmemleak or lockdep reports.  Never loaded outside the
 * runner's own tests.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

static char *mode = "ok";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "ok, fail (init returns -ENODEV), warn, panic, or (debug kernel only) uaf, leak, lockorder");

static DEFINE_MUTEX(rig_a);
static DEFINE_MUTEX(rig_b);
static void *rig_leaked;

/* A read after kfree: KASAN reports it, the stock kernel does not notice. */
static noinline int rig_use_after_free(void)
{
	char *p = kmalloc(64, GFP_KERNEL);
	int v;

	if (!p)
		return -ENOMEM;
	kfree(p);
	v = READ_ONCE(p[8]);
	return v & 0;
}

/* Both orders, one after the other: no deadlock, but lockdep sees a cycle. */
static void rig_lock_order(void)
{
	mutex_lock(&rig_a);
	mutex_lock(&rig_b);
	mutex_unlock(&rig_b);
	mutex_unlock(&rig_a);
	mutex_lock(&rig_b);
	mutex_lock(&rig_a);
	mutex_unlock(&rig_a);
	mutex_unlock(&rig_b);
}

static int __init rigtest_init(void)
{
	if (!strcmp(mode, "uaf"))
		return rig_use_after_free();
	if (!strcmp(mode, "leak")) {
		/* the only pointer is dropped on unload: kmemleak's scan finds it */
		rig_leaked = kmalloc(256, GFP_KERNEL);
		return rig_leaked ? 0 : -ENOMEM;
	}
	if (!strcmp(mode, "lockorder"))
		rig_lock_order();
	if (!strcmp(mode, "fail"))
		return -ENODEV;
	if (!strcmp(mode, "warn"))
		WARN(1, "lrpc_rigtest: warning on request\n");
	if (!strcmp(mode, "panic"))
		panic("lrpc_rigtest: panic on request\n");
	return 0;
}

static void __exit rigtest_exit(void)
{
	rig_leaked = NULL;
}

module_init(rigtest_init);
module_exit(rigtest_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("lrpc guest-runner self-test module");
