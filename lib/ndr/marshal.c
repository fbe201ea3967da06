// SPDX-License-Identifier: MIT
/*
 * Marshalling: C values -> NDR20/NDR64 octets, driven by the type tables.
 *
 * Values are trusted (they come from our own caller), but tables and
 * values are still checked where a mistake would otherwise write garbage:
 * NULL [ref] pointers, enum16 overflow, unterminated fixed strings.
 */
#include <stdlib.h>
#include "ndr_int.h"
#include "buf.h"

__rpc_hot static int reserve(struct ndr_cx *c, size_t n)
{
	return __ndr_buf_reserve(c->out, n);
}

__rpc_hot static int put_align(struct ndr_cx *c, size_t a)
{
	size_t pad = (a - (c->out->len & (a - 1))) & (a - 1);
	int ret;

	if (!pad)
		return 0;
	ret = reserve(c, pad);
	if (ret)
		return ret;
	memset(c->out->data + c->out->len, 0, pad);
	c->out->len += pad;
	return 0;
}

/* An integer of w octets in wire order, aligned to w. */
__rpc_hot static int put_uint(struct ndr_cx *c, uint64_t v, size_t w)
{
	uint8_t *d;
	size_t i;
	int ret;

	ret = put_align(c, w) ?: reserve(c, w);
	if (ret)
		return ret;
	d = c->out->data + c->out->len;
	for (i = 0; i < w; i++) {
		size_t sh = c->swap == host_le() ? (w - 1 - i) : i;

		d[i] = (uint8_t)(v >> (8 * sh));
	}
	c->out->len += w;
	return 0;
}

static int put_bytes(struct ndr_cx *c, const void *p, size_t n)
{
	int ret = reserve(c, n);

	if (ret)
		return ret;
	memcpy(c->out->data + c->out->len, p, n);
	c->out->len += n;
	return 0;
}

static uint32_t next_id(struct ndr_cx *c)
{
	/* what Windows uses: 0x00020000, 0x00020004, ... */
	return 0x20000u + 4u * c->next_id++;
}

static int m_base(struct ndr_cx *c, uint8_t kind, const void *mem)
{
	uint64_t v = 0;

	switch (kind) {
	case NDR_K_FLOAT: { uint32_t x; memcpy(&x, mem, 4); v = x; break; }
	case NDR_K_DOUBLE: memcpy(&v, mem, 8); break;
	case NDR_K_ENUM16: {
		int x = *(const int *)mem;

		/* 16 bits on the NDR20 wire; the same range in NDR64 so that a
		   value never works in one syntax and fails in the other */
		if (x < 0 || x > 0x7fff)
			return -(int)rpc_x_enum_value_out_of_range;
		v = (uint64_t)x;
		break;
	}
	default:
		v = (uint64_t)__ndr_read_int(mem, kind);
	}
	return put_uint(c, v, __ndr_base_wire(c, kind));
}

__rpc_hot static int m_value(struct ndr_cx *c, const struct ndr_type *t, const uint8_t *mem,
		   const struct sctx *s, bool embedded, bool hoisted);

static int array_count(struct ndr_cx *c, const struct ndr_type *t,
		       const struct sctx *s, int64_t *n)
{
	int ret;

	if (!(t->a.flags & NDR_AF_CONFORMANT)) {
		*n = t->a.fixed;
		return 0;
	}
	ret = __ndr_eval(c, &t->a.size_is, s, n);
	if (ret)
		return ret;
	if ((t->a.flags & NDR_AF_MAX_IS) && __builtin_add_overflow(*n, 1, n))
		return BAD_BOUND;
	return *n < 0 ? BAD_BOUND : 0;
}

static int m_array(struct ndr_cx *c, const struct ndr_type *t, const uint8_t *mem,
		   const struct sctx *s, bool hoisted)
{
	const struct ndr_type *et = t->a.elem;
	int64_t count, first = 0, length, i;
	size_t esz = et->size;
	int ret;

	ret = array_count(c, t, s, &count);
	if (ret)
		return ret;
	if ((t->a.flags & NDR_AF_CONFORMANT) && !hoisted) {
		ret = put_uint(c, (uint64_t)count, cnt_size(c));
		if (ret)
			return ret;
	}
	length = count;
	if (t->a.flags & NDR_AF_VARYING) {
		if (t->a.first_is.src && (ret = __ndr_eval(c, &t->a.first_is, s, &first)))
			return ret;
		if (t->a.length_is.src && (ret = __ndr_eval(c, &t->a.length_is, s, &length)))
			return ret;
		if (t->a.last_is.src) {
			ret = __ndr_eval(c, &t->a.last_is, s, &length);
			if (ret)
				return ret;
			/* last_is = first - 1 is an empty range */
			if (__builtin_sub_overflow(length, first, &length) ||
			    __builtin_add_overflow(length, 1, &length))
				return BAD_BOUND;
		}
		if (first < 0 || length < 0 || first > count || length > count - first)
			return BAD_BOUND;
		ret = put_uint(c, (uint64_t)first, cnt_size(c)) ?:
		      put_uint(c, (uint64_t)length, cnt_size(c));
		if (ret)
			return ret;
	}
	if (!length)
		return 0;
	if (!mem)
		return -(int)rpc_x_null_ref_pointer;
	mem += (size_t)first * esz;
	/* the 1M-longs case: one copy when the wire layout is the memory one */
	if (__ndr_is_base(et->kind) && !(et->flags & NDR_TF_RANGE) &&
	    __ndr_base_wire(c, et->kind) == esz && (!c->swap || esz == 1)) {
		if ((uint64_t)length > SIZE_MAX / esz)
			return -E2BIG;
		return put_align(c, esz) ?: put_bytes(c, mem, (size_t)length * esz);
	}
	for (i = 0; i < length; i++) {
		ret = m_value(c, et, mem + (size_t)i * esz, s, true, false);
		if (ret)
			return ret;
	}
	return 0;
}

static size_t str_len(const struct ndr_type *t, const void *mem, size_t max)
{
	size_t n = 0;

	if (t->flags & NDR_TF_WIDE) {
		const uint16_t *w = mem;

		while (n < max && w[n])
			n++;
	} else {
		const char *p = memchr(mem, 0, max);

		n = p ? (size_t)(p - (const char *)mem) : max;
	}
	return n;
}

/* The capacity of a [string, size_is] buffer, in elements. */
static int string_cap(struct ndr_cx *c, const struct ndr_type *t,
		      const struct sctx *s, int64_t *cap)
{
	int ret = __ndr_eval(c, &t->str.size_is, s, cap);

	if (ret)
		return ret;
	if ((t->flags & NDR_TF_MAX_IS) && __builtin_add_overflow(*cap, 1, cap))
		return BAD_BOUND;
	return *cap < 0 ? BAD_BOUND : 0;
}

static int m_string(struct ndr_cx *c, const struct ndr_type *t, const uint8_t *mem,
		    const struct sctx *s)
{
	size_t cs = (t->flags & NDR_TF_WIDE) ? 2 : 1;
	size_t max = t->str.size ? t->str.size : SIZE_MAX / 2;
	size_t n, i;
	int64_t cap = 0;
	int ret;

	if (!t->str.size && t->str.size_is.src) {
		ret = string_cap(c, t, s, &cap);
		if (ret)
			return ret;
		if (!cap)	/* no room even for the NUL: max 0, actual 0 */
			return put_uint(c, 0, cnt_size(c)) ?: put_uint(c, 0, cnt_size(c)) ?:
			       put_uint(c, 0, cnt_size(c));
		if ((uint64_t)cap < max)
			max = (size_t)cap;
	}
	n = str_len(t, mem, max);
	if (n == max)
		return -EINVAL;	/* no terminator within the (fixed) size */
	n++;
	if (!t->str.size) {
		ret = put_uint(c, t->str.size_is.src ? (uint64_t)cap : n, cnt_size(c));
		if (ret)
			return ret;
	}
	ret = put_uint(c, 0, cnt_size(c)) ?: put_uint(c, n, cnt_size(c));
	if (ret)
		return ret;
	if (cs == 1 || !c->swap)
		return put_bytes(c, mem, n * cs);
	for (i = 0; i < n && !ret; i++)
		ret = put_uint(c, ((const uint16_t *)mem)[i], 2);
	return ret;
}

static int m_union(struct ndr_cx *c, const struct ndr_type *t, const uint8_t *mem,
		   const struct sctx *s)
{
	const struct ndr_type *st = t->u.switch_type, *arm;
	bool encap = t->flags & NDR_TF_ENCAPSULATED, found;
	const uint8_t *arm_mem = mem;
	int64_t d;
	int ret;

	if (encap) {
		d = __ndr_read_int(mem, st->kind);
		arm_mem = mem + t->u.arm_offset;
	} else {
		ret = __ndr_eval(c, &t->u.switch_is, s, &d);
		if (ret)
			return ret;
	}
	arm = __ndr_union_arm(t, d, &found);
	if (!found)
		return BAD_TAG;
	if (encap || ndr64(c)) {
		ret = put_align(c, __ndr_wire_align(c, t, c->depth));
		if (ret)
			return ret;
	}
	if (st->kind == NDR_K_ENUM16 && (d < 0 || d > 0x7fff))
		return -(int)rpc_x_enum_value_out_of_range;
	ret = put_uint(c, (uint64_t)d, __ndr_base_wire(c, st->kind));
	if (ret)
		return ret;
	/* NDR64 and encapsulated unions align the arm to the largest arm */
	if (encap || ndr64(c)) {
		ret = put_align(c, __ndr_union_arm_align(c, t, c->depth));
		if (ret)
			return ret;
	}
	return arm ? m_value(c, arm, arm_mem, s, true, false) : 0;
}

__rpc_hot static int m_referent(struct ndr_cx *c, const struct ndr_type *t, const void *mem,
		      const struct sctx *s)
{
	return m_value(c, t, mem, s, false, false);
}

static int m_pointer(struct ndr_cx *c, const struct ndr_type *t, const uint8_t *mem,
		     const struct sctx *s, bool embedded)
{
	const void *ref = *(const void *const *)mem;
	const struct ndr_type *rt = t->p.referent;
	struct fpent *e;
	uint32_t id;
	bool found;

	if (!ref) {
		if (t->p.ptr_type == NDR_PTR_REF)
			return -(int)rpc_x_null_ref_pointer;
		return put_uint(c, 0, ptr_size(c));
	}
	/* a [ref] pointer outside any struct/array has no wire form */
	if (t->p.ptr_type == NDR_PTR_REF && !embedded)
		return m_referent(c, rt, ref, s);
	if (t->p.ptr_type == NDR_PTR_FULL) {
		e = __ndr_fp_find(c, (uintptr_t)ref, &found);
		if (!e)
			return -ENOMEM;
		if (found)	/* alias: the id again, no second referent */
			return put_uint(c, e->val, ptr_size(c));
		e->val = id = next_id(c);
		e->t = rt;
	} else {
		id = next_id(c);
	}
	if (put_uint(c, id, ptr_size(c)))
		return -ENOMEM;
	if (embedded)
		return __ndr_push(c, rt, (void *)ref, s);
	return m_referent(c, rt, ref, s);
}

static int m_struct(struct ndr_cx *c, const struct ndr_type *t, const uint8_t *mem,
		    bool hoisted)
{
	struct sctx self = { (uint8_t *)mem, t, t->s.nmembers };
	uint32_t i;
	int ret;

	if ((t->flags & NDR_TF_CONFORMANT) && !hoisted) {
		/* C706 14.3.7.1: the max count moves to the front */
		struct sctx ts = self;
		const struct ndr_type *arr = __ndr_conf_tail(t, &ts, c->depth);
		int64_t n;

		if (!arr)
			return -EINVAL;
		ret = array_count(c, arr, &ts, &n) ?: put_uint(c, (uint64_t)n, cnt_size(c));
		if (ret)
			return ret;
		hoisted = true;
	}
	ret = put_align(c, __ndr_wire_align(c, t, c->depth));
	for (i = 0; i < t->s.nmembers && !ret; i++)
		ret = m_value(c, t->s.members[i].type, mem + t->s.members[i].offset,
			      &self, true, hoisted);
	/* [MS-RPCE] 2.2.5.3.4.1: NDR64 pads a struct to its alignment */
	if (!ret && ndr64(c) && !__ndr_varying_tail(t))
		ret = put_align(c, __ndr_wire_align(c, t, c->depth));
	return ret;
}

__rpc_hot static int m_value(struct ndr_cx *c, const struct ndr_type *t, const uint8_t *mem,
		   const struct sctx *s, bool embedded, bool hoisted)
{
	int ret;

	if (++c->depth > NDR_MAX_TYPE_DEPTH) {
		c->depth--;
		return -EINVAL;
	}
	if (__ndr_is_base(t->kind)) {
		ret = m_base(c, t->kind, mem);
	} else {
		switch (t->kind) {
		case NDR_K_STRUCT:
			ret = m_struct(c, t, mem, hoisted);
			break;
		case NDR_K_POINTER:
			ret = m_pointer(c, t, mem, s, embedded);
			break;
		case NDR_K_ARRAY:
			ret = m_array(c, t, mem, s, hoisted);
			break;
		case NDR_K_STRING:
			ret = mem ? m_string(c, t, mem, s) : -(int)rpc_x_null_ref_pointer;
			break;
		case NDR_K_UNION:
			ret = m_union(c, t, mem, s);
			break;
		case NDR_K_CONTEXT_HANDLE: {
			const struct ndr_context_handle *h = (const void *)mem;

			ret = put_uint(c, h->attributes, 4) ?: put_bytes(c, h->uuid, 16);
			break;
		}
		default:
			ret = -EINVAL;
		}
	}
	c->depth--;
	return ret;
}

__rpc_hot int __ndr_marshal_top(struct ndr_cx *c, const struct ndr_type *t,
		      const void *mem, bool ref)
{
	size_t h = c->n;
	int ret;

	if (!mem)
		return -(int)rpc_x_null_ref_pointer;
	ret = m_value(c, t, mem, NULL, false, false);
	(void)ref;	/* a REF slot points at the referent: same thing here */
	/* deferred referents of this parameter, depth-first, no recursion */
	__ndr_reverse_from(c, h);
	while (!ret && c->n > h) {
		struct item it = c->stack[--c->n];
		size_t h2 = c->n;

		ret = m_referent(c, it.t, it.mem, &it.s);
		__ndr_reverse_from(c, h2);
	}
	c->n = h;
	return ret;
}

__rpc_hot ssize_t ndr_marshal_call(const struct ndr_proc *proc, enum ndr_dir dir,
			 void *const *args, enum ndr_syntax syntax,
			 unsigned int flags, struct ndr_buf *out)
{
	struct ndr_cx c;
	size_t start = out->len;
	uint32_t i, want = dir == NDR_DIR_IN ? NDR_PF_IN : NDR_PF_OUT;
	int ret = 0;

	__ndr_cx_zero(&c);
	if (!proc || (flags & ~NDR_F_ALL) || (out->len & 7) ||
	    (syntax != NDR_SYNTAX_NDR20 && syntax != NDR_SYNTAX_NDR64) ||
	    (dir != NDR_DIR_IN && dir != NDR_DIR_OUT))
		return -EINVAL;
	c.syntax = syntax;
	c.swap = (flags & NDR_F_BIG_ENDIAN) ? host_le() : !host_le();
	c.dir = dir;
	c.proc = proc;
	c.args = args;
	c.out = out;
	for (i = 0; i < proc->nparams && !ret; i++) {
		if (!(proc->params[i].flags & want))
			continue;
		c.cur_param = i;
		ret = __ndr_marshal_top(&c, proc->params[i].type, args[i],
					proc->params[i].flags & NDR_PF_REF);
	}
	if (!ret && dir == NDR_DIR_OUT && proc->ret)
		ret = __ndr_marshal_top(&c, proc->ret, args[proc->nparams], false);
	__ndr_cx_free(&c);
	if (ret) {
		out->len = start;
		return ret;
	}
	return (ssize_t)(out->len - start);
}

ssize_t ndr_marshal_type(const struct ndr_type *t, const void *mem,
			 enum ndr_syntax syntax, unsigned int flags,
			 struct ndr_buf *out)
{
	struct ndr_cx c;
	size_t start = out->len;
	int ret;

	__ndr_cx_zero(&c);
	if (!t || (flags & ~NDR_F_ALL) || (out->len & 7) ||
	    (syntax != NDR_SYNTAX_NDR20 && syntax != NDR_SYNTAX_NDR64))
		return -EINVAL;
	c.syntax = syntax;
	c.swap = (flags & NDR_F_BIG_ENDIAN) ? host_le() : !host_le();
	c.out = out;
	ret = __ndr_marshal_top(&c, t, mem, false);
	__ndr_cx_free(&c);
	if (ret) {
		out->len = start;
		return ret;
	}
	return (ssize_t)(out->len - start);
}
