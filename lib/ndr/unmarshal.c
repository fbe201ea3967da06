// SPDX-License-Identifier: MIT
/*
 * Unmarshalling: NDR20/NDR64 octets from a peer -> C values in an arena.
 *
 * This is the hostile-input path.  Rules kept throughout:
 *  - every read is bounds-checked (need());
 *  - a count is compared with the octets left (count * minimal wire size
 *    of an element, by division so it cannot overflow) before anything
 *    is allocated for it; NDR64 counts are uint64_t until then;
 *  - memory comes only from the call's arena, so an error anywhere
 *    leaves nothing to unwind but the arena;
 *  - pointer referents go through the explicit stack in struct ndr_cx:
 *    the depth of C recursion is bounded by the static type nesting
 *    (NDR_MAX_TYPE_DEPTH), never by the data.
 */
#include <stdlib.h>
#include "ndr_int.h"

static inline int need(struct ndr_cx *c, size_t n)
{
	return n <= c->len - c->off ? 0 : BAD_STUB;
}

static inline size_t left(const struct ndr_cx *c)
{
	return c->len - c->off;
}

static int get_align(struct ndr_cx *c, size_t a)
{
	size_t off = (c->off + a - 1) & ~(a - 1);

	if (off > c->len)
		return BAD_STUB;
	c->off = off;
	return 0;
}

__rpc_hot static int get_uint(struct ndr_cx *c, size_t w, uint64_t *v)
{
	const uint8_t *d;
	uint64_t x = 0;
	size_t i;
	int ret;

	ret = get_align(c, w) ?: need(c, w);
	if (ret)
		return ret;
	d = c->p + c->off;
	for (i = 0; i < w; i++) {
		size_t sh = c->swap == host_le() ? (w - 1 - i) : i;

		x |= (uint64_t)d[i] << (8 * sh);
	}
	c->off += w;
	*v = x;
	return 0;
}

static void *alloc(struct ndr_cx *c, size_t size, bool zero, int *err)
{
	return __ndr_arena_get(c->arena, size, zero, err);
}

/* Sign-extend a w-octet wire value for the signed kinds. */
static int64_t as_int(uint64_t v, uint8_t kind, size_t w)
{
	if (__ndr_is_signed(kind) && w < 8 && (v >> (8 * w - 1)) & 1)
		return (int64_t)(v | (~0ull << (8 * w)));
	return (int64_t)v;
}

__rpc_hot static int u_base(struct ndr_cx *c, const struct ndr_type *t, void *mem)
{
	size_t w = __ndr_base_wire(c, t->kind);
	uint64_t v;
	int64_t x;
	int ret;

	ret = get_uint(c, w, &v);
	if (ret)
		return ret;
	x = as_int(v, t->kind, w);
	if (t->kind == NDR_K_ENUM16 && (x < 0 || x > 0x7fff))
		return -(int)rpc_x_enum_value_out_of_range;
	if (t->flags & NDR_TF_RANGE) {
		bool bad = __ndr_is_signed(t->kind) ?
			(x < t->range.min || x > t->range.max) :
			(v < (uint64_t)t->range.min || v > (uint64_t)t->range.max);

		if (bad)
			return BAD_BOUND;
	}
	switch (__ndr_base_mem(t->kind)) {
	case 1: *(uint8_t *)mem = (uint8_t)v; break;
	case 2: *(uint16_t *)mem = (uint16_t)v; break;
	case 4:
		if (t->kind == NDR_K_ENUM16 || t->kind == NDR_K_ENUM32)
			*(int *)mem = (int)x;
		else
			*(uint32_t *)mem = (uint32_t)v;
		break;
	case 8: memcpy(mem, &v, 8); break;
	}
	return 0;
}

__rpc_hot static int u_value(struct ndr_cx *c, const struct ndr_type *t, uint8_t *mem,
		   const struct sctx *s, bool embedded, int64_t hoisted);
__rpc_hot static int u_referent(struct ndr_cx *c, const struct ndr_type *t, void **slot,
		      const struct sctx *s);

static size_t elem_min(struct ndr_cx *c, const struct ndr_type *et)
{
	size_t m = __ndr_wire_min(c, et, c->depth);

	return m ? m : 1;
}

/* The varying part (if any) and the elements, into memory for count. */
static int u_elements(struct ndr_cx *c, const struct ndr_type *t, uint8_t *mem,
		      const struct sctx *s, uint64_t count)
{
	const struct ndr_type *et = t->a.elem;
	size_t esz = et->size, w;
	uint64_t first = 0, length = count, i;
	int ret;

	if (t->a.flags & NDR_AF_VARYING) {
		ret = get_uint(c, cnt_size(c), &first) ?: get_uint(c, cnt_size(c), &length);
		if (ret)
			return ret;
		if (first > INT64_MAX || length > INT64_MAX)
			return BAD_STUB;
		if (t->a.first_is.src)
			ret = __ndr_check_expr(c, &t->a.first_is, s, (int64_t)first, BAD_STUB);
		else if (first)
			ret = BAD_STUB;
		if (!ret)
			ret = __ndr_check_expr(c, &t->a.length_is, s, (int64_t)length, BAD_STUB);
		if (!ret && t->a.last_is.src) {
			/* length 0 is last_is = first_is - 1 */
			int64_t last = (int64_t)first + (int64_t)length - 1;

			if (first + length > INT64_MAX)
				return BAD_STUB;
			ret = __ndr_check_expr(c, &t->a.last_is, s, last, BAD_STUB);
		}
		if (ret)
			return ret;
		if (first > count || length > count - first)
			return BAD_BOUND;
	}
	if (!length)
		return 0;
	if (length > left(c) / elem_min(c, et))
		return BAD_STUB;
	mem += first * esz;
	w = __ndr_is_base(et->kind) ? __ndr_base_wire(c, et->kind) : 0;
	if (w == esz && !(et->flags & NDR_TF_RANGE) && (!c->swap || esz == 1) &&
	    et->kind != NDR_K_ENUM16) {
		ret = get_align(c, esz) ?: need(c, length * esz);
		if (ret)
			return ret;
		memcpy(mem, c->p + c->off, length * esz);
		c->off += length * esz;
		return 0;
	}
	for (i = 0; i < length; i++) {
		ret = u_value(c, et, mem + i * esz, s, true, -1);
		if (ret)
			return ret;
	}
	return 0;
}

static int check_size_is(struct ndr_cx *c, const struct ndr_type *t,
			 const struct sctx *s, uint64_t count)
{
	int64_t v = (int64_t)count;

	if (count > INT64_MAX)
		return BAD_STUB;
	if (t->a.flags & NDR_AF_MAX_IS) {
		if (!count)
			return BAD_STUB;
		v--;
	}
	return __ndr_check_expr(c, &t->a.size_is, s, v, BAD_STUB);
}

/*
 * Is slot a call's top-level parameter slot holding the caller's buffer
 * (client [out], ndr.h "in place")?  Then *cap is its capacity in
 * elements, taken before any [out] value was stored, -1 when unknown.
 */
static bool caller_buffer(const struct ndr_cx *c, void **slot, int64_t *cap)
{
	if (!c->caps || !slot || !*slot || c->cur_param >= c->proc->nparams ||
	    slot != (void **)&c->args[c->cur_param])
		return false;
	*cap = c->caps[c->cur_param];
	return true;
}

/* A conformant array reached through a pointer or as a REF parameter. */
static int u_conf_array(struct ndr_cx *c, const struct ndr_type *t, void **slot,
			const struct sctx *s)
{
	const struct ndr_type *et = t->a.elem;
	uint64_t max;
	int ret, err;

	ret = get_uint(c, cnt_size(c), &max) ?: check_size_is(c, t, s, max);
	if (ret)
		return ret;
	if (*slot) {
		/* the caller's buffer: the server may shrink it, not grow it */
		int64_t cap;

		if (!caller_buffer(c, slot, &cap)) {
			if (!t->a.size_is.src)
				return -EINVAL;
			ret = __ndr_eval(c, &t->a.size_is, s, &cap);
			if (ret)
				return ret;
			if (t->a.flags & NDR_AF_MAX_IS)
				cap++;
		}
		if (cap < 0)
			return -EINVAL;
		if (max > (uint64_t)cap)
			return BAD_BOUND;
	} else {
		bool varying = t->a.flags & NDR_AF_VARYING;

		/* all max elements follow unless varying: check first */
		if (!varying && max > left(c) / elem_min(c, et))
			return BAD_STUB;
		if (et->size && max > SIZE_MAX / et->size)
			return NO_MEMORY;
		*slot = alloc(c, max * et->size,
			      varying || !__ndr_is_base(et->kind), &err);
		if (!*slot)
			return err;
	}
	return u_elements(c, t, *slot, s, max);
}

static int check_string(const struct ndr_type *t, const void *mem, size_t n)
{
	size_t i;

	/* the terminator is the last element and the only one */
	if (t->flags & NDR_TF_WIDE) {
		const uint16_t *w = mem;

		for (i = 0; i + 1 < n; i++)
			if (!w[i])
				return BAD_STUB;
		return w[n - 1] ? BAD_STUB : 0;
	}
	if (memchr(mem, 0, n - 1))
		return BAD_STUB;
	return ((const char *)mem)[n - 1] ? BAD_STUB : 0;
}

static int u_chars(struct ndr_cx *c, const struct ndr_type *t, void *mem, size_t n)
{
	size_t cs = (t->flags & NDR_TF_WIDE) ? 2 : 1, i;
	uint64_t v;
	int ret;

	if (cs == 1 || !c->swap) {
		ret = get_align(c, cs) ?: need(c, n * cs);
		if (ret)
			return ret;
		memcpy(mem, c->p + c->off, n * cs);
		c->off += n * cs;
	} else {
		for (i = 0; i < n; i++) {
			ret = get_uint(c, 2, &v);
			if (ret)
				return ret;
			((uint16_t *)mem)[i] = (uint16_t)v;
		}
	}
	return check_string(t, mem, n);
}

static int u_string(struct ndr_cx *c, const struct ndr_type *t, uint8_t *mem,
		    void **slot, const struct sctx *s)
{
	size_t cs = (t->flags & NDR_TF_WIDE) ? 2 : 1;
	bool sized = !t->str.size && t->str.size_is.src;
	uint64_t max, off, actual, n;
	int64_t cap;
	int ret, err;

	if (!t->str.size) {
		ret = get_uint(c, cnt_size(c), &max);
		if (ret)
			return ret;
		if (sized) {
			if (max > INT64_MAX || ((t->flags & NDR_TF_MAX_IS) && !max))
				return BAD_STUB;
			ret = __ndr_check_expr(c, &t->str.size_is, s,
					       (int64_t)max - !!(t->flags & NDR_TF_MAX_IS),
					       BAD_STUB);
			if (ret)
				return ret;
		}
	} else {
		max = t->str.size;
	}
	ret = get_uint(c, cnt_size(c), &off) ?: get_uint(c, cnt_size(c), &actual);
	if (ret)
		return ret;
	/* no terminator only when there is no room for one (size_is 0) */
	if (off || actual > max || actual > left(c) / cs || (!actual && (!sized || max)))
		return BAD_STUB;
	if (!t->str.size) {
		if (caller_buffer(c, slot, &cap)) {
			if (cap < 0)
				return -EINVAL;
			if (actual > (uint64_t)cap)
				return -(int)nca_s_fault_string_too_long;
			mem = *slot;
		} else {
			/* a server's buffer has room for size_is elements */
			n = sized && c->dir == NDR_DIR_IN ? max : actual;
			if (n > SIZE_MAX / cs - 1)
				return NO_MEMORY;
			*slot = mem = alloc(c, (n ? n : 1) * cs, n != actual || !n, &err);
			if (!mem)
				return err;
		}
	}
	if (!actual) {
		if (!t->str.size && caller_buffer(c, slot, &cap) && cap)
			memset(mem, 0, cs);
		return 0;
	}
	return u_chars(c, t, mem, actual);
}

static int u_union(struct ndr_cx *c, const struct ndr_type *t, uint8_t *mem,
		   const struct sctx *s)
{
	const struct ndr_type *st = t->u.switch_type, *arm;
	bool encap = t->flags & NDR_TF_ENCAPSULATED, found;
	size_t w = __ndr_base_wire(c, st->kind);
	uint8_t *arm_mem = mem;
	uint64_t v;
	int64_t d;
	int ret;

	if (encap || ndr64(c)) {
		ret = get_align(c, __ndr_wire_align(c, t, c->depth));
		if (ret)
			return ret;
	}
	if (encap) {
		ret = u_base(c, st, mem);
		if (ret)
			return ret;
		d = __ndr_read_int(mem, st->kind);
		arm_mem = mem + t->u.arm_offset;
	} else {
		ret = get_uint(c, w, &v);
		if (ret)
			return ret;
		d = as_int(v, st->kind, w);
		ret = __ndr_check_expr(c, &t->u.switch_is, s, d, BAD_TAG);
		if (ret)
			return ret;
	}
	arm = __ndr_union_arm(t, d, &found);
	if (!found)
		return BAD_TAG;
	if (encap || ndr64(c)) {
		ret = get_align(c, __ndr_union_arm_align(c, t, c->depth));
		if (ret)
			return ret;
	}
	return arm ? u_value(c, arm, arm_mem, s, true, -1) : 0;
}

static int u_pointer(struct ndr_cx *c, const struct ndr_type *t, uint8_t *mem,
		     const struct sctx *s, bool embedded)
{
	const struct ndr_type *rt = t->p.referent;
	void **slot = (void **)mem;
	struct fpent *e;
	uint64_t id;
	bool found;
	int ret;

	if (t->p.ptr_type == NDR_PTR_REF && !embedded)
		return u_referent(c, rt, slot, s);
	ret = get_uint(c, ptr_size(c), &id);
	if (ret)
		return ret;
	*slot = NULL;
	if (!id)
		return t->p.ptr_type == NDR_PTR_REF ? BAD_STUB : 0;
	if (t->p.ptr_type == NDR_PTR_FULL) {
		e = __ndr_fp_find(c, id, &found);
		if (!e)
			return -ENOMEM;
		if (found) {
			/* one id, one referent (sent once): of one type */
			if (e->t != rt)
				return BAD_STUB;
			return __ndr_fp_alias(c, slot, id);
		}
		e->t = rt;
		e->slot = slot;
	}
	if (embedded)
		return __ndr_push(c, rt, slot, s);
	return u_referent(c, rt, slot, s);
}

static int u_struct(struct ndr_cx *c, const struct ndr_type *t, uint8_t *mem,
		    int64_t hoisted)
{
	struct sctx self = { mem, t, 0 };
	uint32_t i;
	int ret;

	if ((t->flags & NDR_TF_CONFORMANT) && hoisted < 0)
		return -EINVAL;	/* only reachable as a referent */
	ret = get_align(c, __ndr_wire_align(c, t, c->depth));
	for (i = 0; i < t->s.nmembers && !ret; i++) {
		self.cur = i;
		ret = u_value(c, t->s.members[i].type, mem + t->s.members[i].offset,
			      &self, true, hoisted);
	}
	if (!ret && ndr64(c) && !__ndr_varying_tail(t))
		ret = get_align(c, __ndr_wire_align(c, t, c->depth));
	return ret;
}

__rpc_hot static int u_value(struct ndr_cx *c, const struct ndr_type *t, uint8_t *mem,
		   const struct sctx *s, bool embedded, int64_t hoisted)
{
	int ret;

	if (++c->depth > NDR_MAX_TYPE_DEPTH) {
		c->depth--;
		return -EINVAL;
	}
	if (__ndr_is_base(t->kind)) {
		ret = u_base(c, t, mem);
	} else {
		switch (t->kind) {
		case NDR_K_STRUCT:
			ret = u_struct(c, t, mem, hoisted);
			break;
		case NDR_K_POINTER:
			ret = u_pointer(c, t, mem, s, embedded);
			break;
		case NDR_K_ARRAY:
			if (t->a.flags & NDR_AF_CONFORMANT) {
				/* inline only as a struct's tail */
				ret = hoisted < 0 ? -EINVAL :
				      check_size_is(c, t, s, (uint64_t)hoisted) ?:
				      u_elements(c, t, mem, s, (uint64_t)hoisted);
			} else {
				ret = u_elements(c, t, mem, s, t->a.fixed);
			}
			break;
		case NDR_K_STRING:
			ret = t->str.size ? u_string(c, t, mem, NULL, s) : -EINVAL;
			break;
		case NDR_K_UNION:
			ret = u_union(c, t, mem, s);
			break;
		case NDR_K_CONTEXT_HANDLE: {
			struct ndr_context_handle *h = (void *)mem;
			uint64_t v;

			ret = get_uint(c, 4, &v) ?: need(c, 16);
			if (!ret) {
				h->attributes = (uint32_t)v;
				memcpy(h->uuid, c->p + c->off, 16);
				c->off += 16;
			}
			break;
		}
		default:
			ret = -EINVAL;
		}
	}
	c->depth--;
	return ret;
}

/* The value a pointer (or a top-level slot) refers to, into *slot. */
__rpc_hot static int u_referent(struct ndr_cx *c, const struct ndr_type *t, void **slot,
		      const struct sctx *s)
{
	int ret, err;

	if (t->kind == NDR_K_ARRAY && (t->a.flags & NDR_AF_CONFORMANT)) {
		c->depth++;
		ret = u_conf_array(c, t, slot, s);
		c->depth--;
		return ret;
	}
	if (t->kind == NDR_K_STRING && !t->str.size)
		return u_string(c, t, NULL, slot, s);
	if (t->kind == NDR_K_STRUCT && (t->flags & NDR_TF_CONFORMANT)) {
		/* the max count comes first: size the allocation with it */
		struct sctx ts = { NULL, t, 0 };
		const struct ndr_type *arr = __ndr_conf_tail(t, &ts, c->depth);
		uint64_t n;
		size_t esz;

		if (!arr)
			return -EINVAL;
		esz = arr->a.elem->size;
		ret = get_uint(c, cnt_size(c), &n);
		if (ret)
			return ret;
		if (n > INT64_MAX || n > left(c) / elem_min(c, arr->a.elem))
			return BAD_STUB;
		if (*slot) {
			/* the caller's struct: its size member as it was is the room */
			int64_t cap;

			ts = (struct sctx){ *slot, t, t->s.nmembers };
			__ndr_conf_tail(t, &ts, c->depth);
			ret = __ndr_eval(c, &arr->a.size_is, &ts, &cap);
			if (ret)
				return ret;
			if ((arr->a.flags & NDR_AF_MAX_IS) && cap < INT64_MAX)
				cap++;
			if (cap < 0 || n > (uint64_t)cap)
				return BAD_BOUND;
		} else {
			if (esz && n > (SIZE_MAX - t->size) / esz)
				return NO_MEMORY;
			*slot = alloc(c, t->size + n * esz, true, &err);
			if (!*slot)
				return err;
		}
		c->depth++;
		ret = u_struct(c, t, *slot, (int64_t)n);
		c->depth--;
		return ret;
	}
	if (!*slot) {
		if (need(c, __ndr_wire_min(c, t, c->depth)))
			return BAD_STUB;
		*slot = alloc(c, t->size, true, &err);
		if (!*slot)
			return err;
	}
	return u_value(c, t, *slot, s, false, -1);
}

__rpc_hot int __ndr_unmarshal_top(struct ndr_cx *c, const struct ndr_type *t,
			void **slot, bool ref)
{
	size_t h = c->n;
	int ret;

	(void)ref;	/* both kinds of slot point at the value */
	ret = u_referent(c, t, slot, NULL);
	__ndr_reverse_from(c, h);
	while (!ret && c->n > h) {
		struct item it = c->stack[--c->n];
		size_t h2 = c->n;

		ret = u_referent(c, it.t, (void **)it.mem, &it.s);
		__ndr_reverse_from(c, h2);
	}
	c->n = h;
	return ret;
}

__rpc_hot static int cx_init(struct ndr_cx *c, enum ndr_syntax syntax, const uint8_t drep[4],
		   const void *data, size_t len, struct ndr_arena *arena)
{
	int ret;

	__ndr_cx_zero(c);
	if ((syntax != NDR_SYNTAX_NDR20 && syntax != NDR_SYNTAX_NDR64) ||
	    !arena || (!data && len))
		return -EINVAL;
	ret = __ndr_parse_drep(drep, &c->swap);
	if (ret)
		return ret;
	c->syntax = syntax;
	c->unmarshal = true;
	c->p = data;
	c->len = len;
	c->arena = arena;
	arena->credit = arena->credit + len < len ? SIZE_MAX : arena->credit + len;
	return 0;
}

/* Server side: storage for [out]-only REF parameters and the result. */
static int alloc_out(struct ndr_cx *c, void **args)
{
	const struct ndr_proc *p = c->proc;
	uint32_t i;
	int err;

	for (i = 0; i < p->nparams; i++) {
		const struct ndr_type *t = p->params[i].type;
		size_t size = t->size;

		if ((p->params[i].flags & NDR_PF_IN) || args[i])
			continue;
		if (t->kind == NDR_K_ARRAY && (t->a.flags & NDR_AF_CONFORMANT)) {
			int64_t n;
			int ret = __ndr_eval(c, &t->a.size_is, NULL, &n);

			if (ret)
				return ret;
			if (t->a.flags & NDR_AF_MAX_IS)
				n++;
			if (n < 0)
				return BAD_BOUND;
			if (t->a.elem->size && (uint64_t)n > SIZE_MAX / t->a.elem->size)
				return NO_MEMORY;
			size = (size_t)n * t->a.elem->size;
		} else if (t->kind == NDR_K_STRING && !t->str.size && t->str.size_is.src) {
			size_t cs = (t->flags & NDR_TF_WIDE) ? 2 : 1;
			int64_t n;
			int ret = __ndr_eval(c, &t->str.size_is, NULL, &n);

			if (ret)
				return ret;
			if ((t->flags & NDR_TF_MAX_IS) && n < INT64_MAX)
				n++;
			if (n < 0)
				return BAD_BOUND;
			if ((uint64_t)n > SIZE_MAX / cs - 1)
				return NO_MEMORY;
			size = (size_t)(n ? n : 1) * cs;
		} else if (__ndr_is_conformant(t)) {
			continue;	/* the manager allocates these */
		}
		args[i] = alloc(c, size, true, &err);
		if (!args[i])
			return err;
	}
	if (p->ret && !args[p->nparams]) {
		args[p->nparams] = alloc(c, p->ret->size, true, &err);
		if (!args[p->nparams])
			return err;
	}
	return 0;
}

/* Can e be evaluated before the call's [out] values are stored? */
static bool known_before_out(const struct ndr_proc *p, const struct ndr_expr *e)
{
	if (e->src == NDR_EXPR_CONST)
		return true;
	return e->src == NDR_EXPR_PARAM && e->index < p->nparams &&
	       (p->params[e->index].flags & NDR_PF_IN);
}

/*
 * Client side: the capacity of every caller buffer (a non-NULL REF slot
 * of a conformant array or string), fixed before [out] data overwrites
 * the [in] values it depends on (ndr.h "in place").
 */
static int client_caps(struct ndr_cx *c, void **args)
{
	const struct ndr_proc *p = c->proc;
	uint32_t i;
	int ret;

	if (p->nparams <= sizeof(c->caps_small) / sizeof(c->caps_small[0]))
		c->caps = c->caps_small;	/* no malloc per call */
	else
		c->caps = malloc(p->nparams * sizeof(*c->caps));
	if (!c->caps)
		return -ENOMEM;
	for (i = 0; i < p->nparams; i++) {
		const struct ndr_param *pa = &p->params[i];
		const struct ndr_type *t = pa->type;
		const struct ndr_expr *e = NULL;
		bool max_is = false;
		int64_t cap = -1;

		c->caps[i] = -1;
		if (!(pa->flags & NDR_PF_OUT) || !(pa->flags & NDR_PF_REF) || !args[i])
			continue;
		if (t->kind == NDR_K_ARRAY && (t->a.flags & NDR_AF_CONFORMANT)) {
			e = &t->a.size_is;
			max_is = t->a.flags & NDR_AF_MAX_IS;
		} else if (t->kind == NDR_K_STRING && !t->str.size && t->str.size_is.src) {
			e = &t->str.size_is;
			max_is = t->flags & NDR_TF_MAX_IS;
		} else if (t->kind == NDR_K_STRING && !t->str.size && (pa->flags & NDR_PF_IN)) {
			/* what went out, NUL included */
			if (t->flags & NDR_TF_WIDE) {
				const uint16_t *w = args[i];

				for (cap = 0; w[cap]; cap++)
					;
			} else {
				cap = (int64_t)strlen(args[i]);
			}
			cap++;
		}
		if (e && known_before_out(p, e)) {
			ret = __ndr_eval(c, e, NULL, &cap);
			if (ret)
				return ret;
			if (max_is && cap < INT64_MAX)
				cap++;
			if (cap < 0)
				cap = 0;
		}
		c->caps[i] = cap;
	}
	return 0;
}

__rpc_hot int ndr_unmarshal_call(const struct ndr_proc *proc, enum ndr_dir dir,
		       void **args, enum ndr_syntax syntax,
		       const uint8_t drep[4], const void *data, size_t len,
		       struct ndr_arena *arena)
{
	return __ndr_unmarshal_call_pad(proc, dir, args, syntax, drep, data,
					len, arena, 0);
}

/* Zero octets left over that are the alignment before a verification
 * trailer the engine took off ([MS-RPCE] 2.2.2.13): at most @pad. */
static bool only_padding(const struct ndr_cx *c, size_t pad)
{
	size_t i;

	if (c->len - c->off > pad)
		return false;
	for (i = c->off; i < c->len; i++)
		if (c->p[i])
			return false;
	return true;
}

__rpc_hot int __ndr_unmarshal_call_pad(const struct ndr_proc *proc,
				       enum ndr_dir dir, void **args,
				       enum ndr_syntax syntax,
				       const uint8_t drep[4], const void *data,
				       size_t len, struct ndr_arena *arena,
				       size_t pad)
{
	uint32_t i, want = dir == NDR_DIR_IN ? NDR_PF_IN : NDR_PF_OUT;
	struct ndr_cx c;
	int ret;

	if (!proc || !args || (dir != NDR_DIR_IN && dir != NDR_DIR_OUT))
		return -EINVAL;
	ret = cx_init(&c, syntax, drep, data, len, arena);
	if (ret)
		return ret;
	c.dir = dir;
	c.proc = proc;
	c.args = args;
	if (dir == NDR_DIR_OUT)
		ret = client_caps(&c, args);
	for (i = 0; i < proc->nparams && !ret; i++) {
		if (!(proc->params[i].flags & want))
			continue;
		c.cur_param = i;
		ret = __ndr_unmarshal_top(&c, proc->params[i].type, &args[i],
					  proc->params[i].flags & NDR_PF_REF);
	}
	c.cur_param = proc->nparams;
	if (!ret && dir == NDR_DIR_OUT && proc->ret)
		ret = __ndr_unmarshal_top(&c, proc->ret, &args[proc->nparams], false);
	__ndr_fp_resolve(&c, !ret);
	if (!ret)
		ret = __ndr_check_pending(&c);
	if (!ret && c.off != c.len && !only_padding(&c, pad))
		ret = BAD_STUB;	/* octets left over */
	if (!ret && dir == NDR_DIR_IN)
		ret = alloc_out(&c, args);
	__ndr_cx_free(&c);
	return ret;
}

ssize_t ndr_unmarshal_type(const struct ndr_type *t, void **memp,
			   enum ndr_syntax syntax, const uint8_t drep[4],
			   const void *data, size_t len,
			   struct ndr_arena *arena)
{
	struct ndr_cx c;
	int ret;

	if (!t || !memp)
		return -EINVAL;
	ret = cx_init(&c, syntax, drep, data, len, arena);
	if (ret)
		return ret;
	ret = __ndr_unmarshal_top(&c, t, memp, false);
	__ndr_fp_resolve(&c, !ret);
	if (!ret)
		ret = __ndr_check_pending(&c);
	__ndr_cx_free(&c);
	return ret ? ret : (ssize_t)c.off;
}
