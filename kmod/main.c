// SPDX-License-Identifier: GPL-2.0
/*
 * lrpc: local RPC ports (the Linux counterpart of ALPC).
 *
 * main.c registers /dev/lrpc and dispatches the control fd's ioctls;
 * port.c owns names and connection ports, conn.c connections and calls,
 * msg.c messages and queues, limits.c parameters and per-user charges.
 */
#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/uaccess.h>
#include <linux/lrpc.h>

#include "conn.h"
#include "limits.h"
#include "main.h"
#include "netlink.h"
#include "port.h"
#include "section.h"

long lrpc_get_features(void __user *arg)
{
	struct lrpc_features f = {
		.features = LRPC_F_ALL,
		.max_inline_size = lrpc_max_msg_size(),
		.max_connect_size = LRPC_CONNECT_DATA_MAX,
		.name_max = LRPC_NAME_MAX,
		.max_queue = lrpc_max_queue(),
		.max_pending = lrpc_max_pending(),
		.max_backlog = lrpc_max_backlog(),
		.max_user_bytes = lrpc_max_user_bytes(),
		.max_section_bytes = lrpc_max_section_bytes(),
		.max_sections = lrpc_max_sections(),
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
	case LRPC_IOC_PORT_CREATE:
		return lrpc_port_create(uarg);
	case LRPC_IOC_CONNECT:
		return lrpc_connect(uarg);
	case LRPC_IOC_SECTION_CREATE:
		return lrpc_section_create(uarg);
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

	ret = lrpc_limits_init();
	if (ret)
		return ret;
	ret = misc_register(&lrpc_misc);
	if (ret)
		goto err_limits;
	ret = lrpc_netlink_init();
	if (ret)
		goto err_misc;
	return 0;

err_misc:
	misc_deregister(&lrpc_misc);
err_limits:
	lrpc_limits_exit();
	return ret;
}

static void __exit lrpc_exit(void)
{
	lrpc_netlink_exit();
	misc_deregister(&lrpc_misc);
	lrpc_limits_exit();
}

module_init(lrpc_init);
module_exit(lrpc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("lrpc: local RPC ports for same-host processes");
MODULE_AUTHOR("The lrpc authors");
