// SPDX-License-Identifier: MIT
/*
 * Bounded blocking I/O on a stream socket for the clients' connect,
 * bind and call paths: every wait has a deadline in the monotonic clock.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <sys/socket.h>
#include "transport/transport.h"
#include "runtime/runtime_int.h"

int __rpc_wait_fd(int fd, short ev, int ms)
{
	struct pollfd p = { .fd = fd, .events = ev };
	int r;

	do {
		r = poll(&p, 1, ms);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (r == 0)
		return -ETIMEDOUT;
	return 0;
}

int __rpc_write_all(int fd, const void *p, size_t n, int ms)
{
	const uint8_t *b = p;
	int64_t deadline = ms < 0 ? -1 : __rpc_now_ms() + ms;

	while (n) {
		ssize_t r = send(fd, b, n, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				int ret = __rpc_wait_fd(fd, POLLOUT,
						  __rpc_left_ms(deadline));

				if (ret < 0)
					return ret;
				continue;
			}
			return -errno;
		}
		b += r;
		n -= (size_t)r;
	}
	return 0;
}

int __rpc_read_all(int fd, void *p, size_t n, int ms)
{
	uint8_t *b = p;
	int64_t deadline = ms < 0 ? -1 : __rpc_now_ms() + ms;

	while (n) {
		ssize_t r;
		int ret = __rpc_wait_fd(fd, POLLIN, __rpc_left_ms(deadline));

		if (ret < 0)
			return ret;
		r = recv(fd, b, n, MSG_DONTWAIT);
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		if (r == 0)
			return -ECONNRESET;
		b += r;
		n -= (size_t)r;
	}
	return 0;
}
