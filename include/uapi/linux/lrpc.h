/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * lrpc: local RPC ports for same-host processes (/dev/lrpc).
 *
 * The ABI, one ioctl at a time.  Every ioctl takes one fixed-size struct;
 * reserved and pad fields must be zero on input (else -EINVAL) and are
 * zero on output.  New behaviour is advertised by feature bits (LRPC_F_*),
 * never by a version number; numbers and fields are only ever appended.
 *
 * LRPC_IOC_GET_FEATURES (any fd of /dev/lrpc)
 *	out: struct lrpc_features: features (LRPC_F_* the module supports),
 *	     limits the module enforces.
 *	errors: -EFAULT bad pointer.
 *
 * Any other ioctl number: -ENOTTY.
 */
#ifndef _UAPI_LINUX_LRPC_H
#define _UAPI_LINUX_LRPC_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define LRPC_DEVICE_NAME	"lrpc"
#define LRPC_IOC_MAGIC		0xb7

/* Feature bits: what this module implements. */
#define LRPC_F_GET_FEATURES	(1ULL << 0)	/* this ioctl and struct */
#define LRPC_F_ALL		(LRPC_F_GET_FEATURES)

struct lrpc_features {
	__u64 features;		/* LRPC_F_* */
	__u32 max_inline_size;	/* largest inline message payload, octets */
	__u32 reserved[13];	/* zero */
};

#define LRPC_IOC_GET_FEATURES	_IOR(LRPC_IOC_MAGIC, 0x00, struct lrpc_features)

#endif /* _UAPI_LINUX_LRPC_H */
