// SPDX-License-Identifier: MIT
/*
 * The runtime's one clock: CLOCK_MONOTONIC, for deadlines and for the
 * condition variables that wait on them (a step of the wall clock must
 * neither end a wait early nor stretch it).
 */
#include <pthread.h>
#include <stdint.h>
#include <time.h>
#include "runtime/runtime_int.h"

int64_t __rpc_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t __rpc_now_ms(void)
{
	return __rpc_now_ns() / 1000000;
}

int __rpc_left_ms(int64_t deadline)
{
	int64_t l;

	if (deadline < 0)
		return -1;
	l = deadline - __rpc_now_ms();
	return l < 0 ? 0 : (int)(l > 0x7fffffff ? 0x7fffffff : l);
}

void __rpc_cond_init(pthread_cond_t *cv)
{
	pthread_condattr_t a;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(cv, &a);
	pthread_condattr_destroy(&a);
}

int __rpc_cond_wait_ns(pthread_cond_t *cv, pthread_mutex_t *m, int64_t ns)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += (time_t)(ns / 1000000000);
	ts.tv_nsec += (long)(ns % 1000000000);
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	return pthread_cond_timedwait(cv, m, &ts);
}

