// SPDX-License-Identifier: GPL-2.0
/*
 * lrpc_rigtest: proves that tools/guest/lrpc-guest fails a run whose
 * module init fails, that WARNs, or that panics.  Never loaded outside
 * the runner's own tests.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/string.h>

static char *mode = "ok";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "ok, fail (init returns -ENODEV), warn, or panic");

static int __init rigtest_init(void)
{
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
}

module_init(rigtest_init);
module_exit(rigtest_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("lrpc guest-runner self-test module");
