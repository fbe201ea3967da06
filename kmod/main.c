// SPDX-License-Identifier: GPL-2.0
/*
 * lrpc: local RPC ports (the Linux counterpart of ALPC).
 *
 * main.c registers /dev/lrpc and dispatches its ioctls.
 */
#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/uaccess.h>
#include <linux/lrpc.h>

#include "main.h"

static long lrpc_get_features(void __user *arg)
{
	struct lrpc_features f = {
		.features = LRPC_F_ALL,
		.max_inline_size = LRPC_MAX_INLINE_SIZE,
	};

	if (copy_to_user(arg, &f, sizeof(f)))
		return -EFAULT;
	return 0;
}

static long lrpc_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case LRPC_IOC_GET_FEATURES:
		return lrpc_get_features(uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations lrpc_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= lrpc_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice lrpc_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= LRPC_DEVICE_NAME,
	.fops	= &lrpc_fops,
	.mode	= 0666,
};

static int __init lrpc_init(void)
{
	int ret;

	ret = misc_register(&lrpc_misc);
	if (ret)
		return ret;
	return 0;
}

static void __exit lrpc_exit(void)
{
	misc_deregister(&lrpc_misc);
}

module_init(lrpc_init);
module_exit(lrpc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("lrpc: local RPC ports for same-host processes");
MODULE_AUTHOR("The lrpc authors");
