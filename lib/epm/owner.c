// SPDX-License-Identifier: MIT
/*
 * Who registered an endpoint, and is it still alive.
 *
 * Registrations are tied to the registering process: the endpoint mapper
 * finds the process that owns the peer end of the caller's connection
 * (a loopback TCP/UDP socket: its inode in /proc/net/{tcp,udp}[6], then
 * the /proc/PID/fd link naming that inode) and records its pid with the
 * process start time, so a recycled pid is never mistaken for it, and the
 * user of the socket (the uid column of /proc/net/tcp): only that user
 * or root may replace or delete the entries afterwards.  An
 * entry whose process has exited is dropped before any lookup or map is
 * answered, and lrpc-epmd also sweeps periodically.  Registering over a
 * short-lived connection is therefore enough: the process, not the
 * connection, keeps the entries alive.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "epm_int.h"

uint64_t __epm_proc_start_time(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long st = 0;
	ssize_t n;
	int fd, field;

	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	/* comm may contain anything: fields restart after the last ')' */
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	p++;
	for (field = 3; field < 22 && p; field++) {
		p = strchr(p + 1, ' ');
	}
	if (!p || sscanf(p, " %llu", &st) != 1)
		return 0;
	/* a zombie is as good as gone for serving endpoints */
	{
		char *s = strrchr(buf, ')');

		if (s && s[1] == ' ' && (s[2] == 'Z' || s[2] == 'X'))
			return 0;
	}
	return st ? st : 1;
}

bool __epm_owner_alive(const struct rpc_epm_owner *o)
{
	if (!o->pid)
		return true;
	return __epm_proc_start_time(o->pid) == o->start_time;
}

bool __epm_peer_is_local(const struct sockaddr *sa)
{
	if (!sa)
		return false;
	switch (sa->sa_family) {
	case AF_UNIX:
		return true;
	case AF_INET: {
		const struct sockaddr_in *in = (const void *)sa;

		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	case AF_INET6: {
		const struct sockaddr_in6 *in6 = (const void *)sa;
		const uint8_t *a = in6->sin6_addr.s6_addr;

		if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
			return true;
		return IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && a[12] == 127;
	}
	}
	return false;
}

/* "0100007F:1F90" as /proc/net/tcp prints a local IPv4 address. */
static void hex4(char *out, size_t size, const uint8_t a[4], uint16_t port)
{
	uint32_t raw;

	memcpy(&raw, a, 4);
	snprintf(out, size, "%08" PRIX32 ":%04X", raw, port);
}

static void hex6(char *out, size_t size, const uint8_t a[16], uint16_t port)
{
	uint32_t w[4];

	memcpy(w, a, 16);
	snprintf(out, size, "%08" PRIX32 "%08" PRIX32 "%08" PRIX32 "%08" PRIX32
		 ":%04X", w[0], w[1], w[2], w[3], port);
}

/* Inode and user of the socket whose local address is `want' in
 * /proc/net/file. */
static unsigned long find_inode(const char *file, const char *want,
				uid_t *uid)
{
	char line[512], local[80];
	unsigned long inode = 0, ino, u;
	FILE *f = fopen(file, "re");

	if (!f)
		return 0;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return 0;
	}
	while (fgets(line, sizeof(line), f)) {
		/* sl local rem st tx:rx tr:when retrnsmt uid timeout inode */
		if (sscanf(line, " %*s %79s %*s %*s %*s %*s %*s %lu %*s %lu",
			   local, &u, &ino) != 3)
			continue;
		if (!strcmp(local, want) && ino) {
			inode = ino;
			*uid = (uid_t)u;
			break;
		}
	}
	fclose(f);
	return inode;
}

static pid_t pid_of_inode(unsigned long inode)
{
	char want[64], path[300], link[64];
	struct dirent *d;
	DIR *proc;
	pid_t found = 0;

	snprintf(want, sizeof(want), "socket:[%lu]", inode);
	proc = opendir("/proc");
	if (!proc)
		return 0;
	while (!found && (d = readdir(proc))) {
		struct dirent *fdent;
		DIR *fds;

		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", d->d_name);
		fds = opendir(path);
		if (!fds)
			continue;
		while ((fdent = readdir(fds))) {
			ssize_t n;

			if (fdent->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/proc/%.20s/fd/%.200s",
				 d->d_name, fdent->d_name);
			n = readlink(path, link, sizeof(link) - 1);
			if (n <= 0)
				continue;
			link[n] = 0;
			if (!strcmp(link, want)) {
				found = (pid_t)atoi(d->d_name);
				break;
			}
		}
		closedir(fds);
	}
	closedir(proc);
	return found;
}

/*
 * A datagram client's socket is seldom bound to an address: the kernel
 * gives it a port at its first send and /proc/net/udp[6] shows it
 * bound to the wildcard address on that port (one socket per port).
 */
static unsigned long find_unbound_udp(const struct sockaddr *sa, uid_t *uid)
{
	static const uint8_t any[16];
	char want[48];
	unsigned long inode = 0;
	uint16_t port;

	if (sa->sa_family == AF_INET)
		port = ntohs(((const struct sockaddr_in *)(const void *)sa)->sin_port);
	else
		port = ntohs(((const struct sockaddr_in6 *)(const void *)sa)->sin6_port);
	hex4(want, sizeof(want), any, port);
	inode = find_inode("/proc/net/udp", want, uid);
	if (!inode) {
		hex6(want, sizeof(want), any, port);
		inode = find_inode("/proc/net/udp6", want, uid);
	}
	return inode;
}

int __epm_owner_of_peer(const struct sockaddr *sa, struct rpc_epm_owner *o)
{
	static const char *const v4files[] = { "/proc/net/tcp", "/proc/net/udp" };
	static const char *const v6files[] = { "/proc/net/tcp6", "/proc/net/udp6" };
	char want4[32] = "", want6[48] = "";
	unsigned long inode = 0;
	size_t i;

	memset(o, 0, sizeof(*o));
	if (!sa)
		return -ESRCH;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		hex4(want4, sizeof(want4), (const uint8_t *)&in->sin_addr,
		     ntohs(in->sin_port));
		/* the peer may be a dual-stack socket */
		{
			uint8_t m[16] = { [10] = 0xff, [11] = 0xff };

			memcpy(m + 12, &in->sin_addr, 4);
			hex6(want6, sizeof(want6), m, ntohs(in->sin_port));
		}
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		hex6(want6, sizeof(want6), in6->sin6_addr.s6_addr,
		     ntohs(in6->sin6_port));
		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
			hex4(want4, sizeof(want4),
			     in6->sin6_addr.s6_addr + 12,
			     ntohs(in6->sin6_port));
	} else {
		return -ESRCH;
	}
	for (i = 0; !inode && i < 2; i++) {
		if (want4[0])
			inode = find_inode(v4files[i], want4, &o->uid);
		if (!inode && want6[0])
			inode = find_inode(v6files[i], want6, &o->uid);
	}
	if (!inode)
		inode = find_unbound_udp(sa, &o->uid);
	if (!inode)
		return -ESRCH;
	o->pid = pid_of_inode(inode);
	if (!o->pid)
		return -ESRCH;
	o->start_time = __epm_proc_start_time(o->pid);
	if (!o->start_time) {
		o->pid = 0;
		return -ESRCH;
	}
	return 0;
}
