// SPDX-License-Identifier: MIT
/* struct ndr_buf, the growable octet buffer: malloc() when small, mmap()
 * when large (buf.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "buf.h"

#define MAP_ROUND(n)	(((n) + 4095) & ~(size_t)4095)

/* ThreadSanitizer does not see mremap(): pages it moves keep the shadow
 * of what was mapped there before, and the next thread to write them is
 * reported as racing with that old mmap().  Its build copies instead. */
#if defined(__SANITIZE_THREAD__)
#define NO_MREMAP	1
#else
#define NO_MREMAP	0
#endif

int __ndr_buf_grow(struct ndr_buf *b, size_t cap)
{
	uint8_t *d;

	if (cap < NDR_BUF_MAP_MIN) {
		d = realloc(b->data, cap);
		if (!d)
			return -ENOMEM;
	} else if (cap > SIZE_MAX - 4095) {
		return -ENOMEM;
	} else if (b->cap >= NDR_BUF_MAP_MIN && !NO_MREMAP) {
		cap = MAP_ROUND(cap);
		d = mremap(b->data, b->cap, cap, MREMAP_MAYMOVE);
		if (d == MAP_FAILED)
			return -ENOMEM;
	} else {
		cap = MAP_ROUND(cap);
		d = mmap(NULL, cap, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (d == MAP_FAILED)
			return -ENOMEM;
		if (b->len && b->cap)
			memcpy(d, b->data, b->len < b->cap ? b->len : b->cap);
		if (b->cap >= NDR_BUF_MAP_MIN)
			munmap(b->data, b->cap);
		else
			free(b->data);
	}
	b->data = d;
	b->cap = cap;
	return 0;
}

void __ndr_buf_free(struct ndr_buf *b)
{
	if (b->cap >= NDR_BUF_MAP_MIN)
		munmap(b->data, b->cap);
	else
		free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int __ndr_buf_expand(struct ndr_buf *b, size_t more)
{
	size_t limit = b->limit ? b->limit : NDR_BUF_DEFAULT_LIMIT;
	size_t cap;

	if (b->len <= b->cap && more <= b->cap - b->len)
		return 0;
	if (more > limit || b->len > limit - more)
		return -E2BIG;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + more)
		cap = cap > limit / 2 ? limit : 2 * cap;
	return __ndr_buf_grow(b, cap);
}

int __ndr_buf_put_grow(struct ndr_buf *b, const void *p, size_t n)
{
	int ret = __ndr_buf_reserve(b, n);

	if (ret)
		return ret;
	if (p && n)
		memcpy(b->data + b->len, p, n);
	else if (n)
		memset(b->data + b->len, 0, n);
	b->len += n;
	return 0;
}

int __ndr_buf_align(struct ndr_buf *b, size_t a)
{
	return __ndr_buf_put(b, NULL, (a - (b->len & (a - 1))) & (a - 1));
}
