// SPDX-License-Identifier: GPL-2.0
/*
 * The stressor's state, in one place: the names of its ops, variants and
 * kinds of fd, the configuration of each worker slot, the pointer to
 * what every process shares (the supervisor maps it MAP_SHARED before it
 * forks the workers) and the tables of the worker process this is.
 */
#include "stressor.h"

const char *const op_names[NOPS] = {
	"GET_FEATURES", "PORT_CREATE", "CONNECT", "ACCEPT", "REPLY_RECV",
	"CALL", "CANCEL", "SEND", "RECV", "SECTION_CREATE", "VIEW_INFO",
	"PORT_SHUTDOWN", "unknown ioctl", "ioctl on closed fd", "close", "dup",
	"poll/epoll", "read/write/lseek", "fcntl", "mmap", "munmap",
	"touch mapping", "mprotect/mremap/madvise", "fork+kill child",
	"netlink dump", "ipc ns hop",
};

const char *const var_names[NVARS] = { "valid", "boundary", "invalid" };

const char *const kind_names[NKINDS] = {
	"control", "port", "comm", "conn", "section", "view",
};

const struct wcfg cfgs[NSLOTS] = {
	{ .what = "root" },
	{ .what = "uid 1001", .uid = 1001 },
	{ .what = "userns+ipcns unmapped", .userns = 1, .ipcns = 1 },
	{ .what = "pidns+netns", .pidns = 1, .netns = 1 },
	{ .what = "userns 0:0:1+netns", .userns = 1, .map = 1, .netns = 1 },
};

struct shared *shared;
struct proc worker;
