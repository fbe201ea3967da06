/* SPDX-License-Identifier: MIT */
/* What the server tests read of a process in /proc. */
#ifndef LRPC_TESTS_PROC_UTIL_H
#define LRPC_TESTS_PROC_UTIL_H

#include <stdio.h>
#include <sys/types.h>

/* VmRSS of pid in kB, or -1. */
static inline long rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

#endif
