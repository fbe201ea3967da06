// SPDX-License-Identifier: MIT
/*
 * What NDR20 and NDR64 say about sizes and alignment, expression
 * evaluation, the deferred-referent stack and the full-pointer table:
 * everything marshal.c and unmarshal.c share.
 *
 * The syntaxes differ only in: counts and referent ids (4 vs 8 octets),
 * enum16 (2 vs 4), union alignment (NDR64: union and arm aligned to
 * the largest arm, [MS-RPCE] 2.2.5.3.4.4) and the NDR64 trailing pad of
 * structs (2.2.5.3.4.1).
 */
#include <stdlib.h>
#include "ndr_int.h"

#define BASE(n, k, sz) \
	const struct ndr_type n = { .kind = k, .align = sz, .size = sz, .name = #n }
BASE(ndr_type_byte, NDR_K_BYTE, 1);
BASE(ndr_type_char, NDR_K_CHAR, 1);
BASE(ndr_type_boolean, NDR_K_BOOLEAN, 1);
BASE(ndr_type_small, NDR_K_SMALL, 1);
BASE(ndr_type_usmall, NDR_K_USMALL, 1);
BASE(ndr_type_wchar, NDR_K_WCHAR, 2);
BASE(ndr_type_short, NDR_K_SHORT, 2);
BASE(ndr_type_ushort, NDR_K_USHORT, 2);
BASE(ndr_type_long, NDR_K_LONG, 4);
BASE(ndr_type_ulong, NDR_K_ULONG, 4);
BASE(ndr_type_error_status, NDR_K_ERROR_STATUS, 4);
BASE(ndr_type_hyper, NDR_K_HYPER, 8);
BASE(ndr_type_uhyper, NDR_K_UHYPER, 8);
BASE(ndr_type_float, NDR_K_FLOAT, 4);
BASE(ndr_type_double, NDR_K_DOUBLE, 8);
BASE(ndr_type_enum16, NDR_K_ENUM16, sizeof(int));
BASE(ndr_type_enum32, NDR_K_ENUM32, sizeof(int));
const struct ndr_type ndr_type_context_handle = {
	.kind = NDR_K_CONTEXT_HANDLE, .align = 4,
	.size = sizeof(struct ndr_context_handle), .name = "context_handle",
};

bool __ndr_is_base(uint8_t kind)
{
	return kind >= NDR_K_BYTE && kind <= NDR_K_ENUM32;
}

bool __ndr_is_signed(uint8_t kind)
{
	switch (kind) {
	case NDR_K_SMALL: case NDR_K_SHORT: case NDR_K_LONG: case NDR_K_HYPER:
	case NDR_K_ENUM16: case NDR_K_ENUM32:
		return true;
	}
	return false;
}

__rpc_hot size_t __ndr_base_mem(uint8_t kind)
{
	switch (kind) {
	case NDR_K_BYTE: case NDR_K_CHAR: case NDR_K_BOOLEAN:
	case NDR_K_SMALL: case NDR_K_USMALL:
		return 1;
	case NDR_K_WCHAR: case NDR_K_SHORT: case NDR_K_USHORT:
		return 2;
	case NDR_K_LONG: case NDR_K_ULONG: case NDR_K_ERROR_STATUS:
	case NDR_K_FLOAT:
		return 4;
	case NDR_K_ENUM16: case NDR_K_ENUM32:
		return sizeof(int);
	case NDR_K_HYPER: case NDR_K_UHYPER: case NDR_K_DOUBLE:
		return 8;
	}
	return 0;
}

size_t __ndr_base_wire(const struct ndr_cx *c, uint8_t kind)
{
	if (kind == NDR_K_ENUM16)
		return ndr64(c) ? 4 : 2;
	if (kind == NDR_K_ENUM32)
		return 4;
	return __ndr_base_mem(kind);
}

static size_t max_sz(size_t a, size_t b)
{
	return a > b ? a : b;
}

size_t __ndr_union_arm_align(const struct ndr_cx *c, const struct ndr_type *t,
			     unsigned int depth)
{
	size_t a = 1;
	uint32_t i;

	for (i = 0; i < t->u.narms; i++)
		if (t->u.arms[i].type)
			a = max_sz(a, __ndr_wire_align(c, t->u.arms[i].type, depth + 1));
	if (t->u.has_default && t->u.default_arm)
		a = max_sz(a, __ndr_wire_align(c, t->u.default_arm, depth + 1));
	return a;
}

/* Alignment of t where it sits inside a struct or array (C706 14.3.7). */
size_t __ndr_wire_align(const struct ndr_cx *c, const struct ndr_type *t,
			unsigned int depth)
{
	size_t a = 1;
	uint32_t i;

	if (depth > NDR_MAX_TYPE_DEPTH)
		return 1;
	if (__ndr_is_base(t->kind))
		return __ndr_base_wire(c, t->kind);
	switch (t->kind) {
	case NDR_K_POINTER:
		return ptr_size(c);
	case NDR_K_CONTEXT_HANDLE:
		return 4;
	case NDR_K_STRING:
		return cnt_size(c);
	case NDR_K_ARRAY:
		a = __ndr_wire_align(c, t->a.elem, depth + 1);
		if (t->a.flags & NDR_AF_VARYING)
			a = max_sz(a, cnt_size(c));
		return a;
	case NDR_K_STRUCT:
		for (i = 0; i < t->s.nmembers; i++)
			a = max_sz(a, __ndr_wire_align(c, t->s.members[i].type, depth + 1));
		return a;
	case NDR_K_UNION:
		a = __ndr_union_arm_align(c, t, depth);
		return max_sz(a, __ndr_base_wire(c, t->u.switch_type->kind));
	}
	return 1;
}

/*
 * A lower bound of the octets one value of t occupies: an array of N
 * such elements cannot be in fewer than N * min octets, which is how
 * counts are bounded by the input before anything is allocated.
 */
size_t __ndr_wire_min(const struct ndr_cx *c, const struct ndr_type *t,
		      unsigned int depth)
{
	size_t n = 0, m;
	uint32_t i;

	if (depth > NDR_MAX_TYPE_DEPTH)
		return 1;
	if (__ndr_is_base(t->kind))
		return __ndr_base_wire(c, t->kind);
	switch (t->kind) {
	case NDR_K_POINTER:
		return t->p.ptr_type == NDR_PTR_REF ? 0 : ptr_size(c);
	case NDR_K_CONTEXT_HANDLE:
		return 20;
	case NDR_K_STRING:
		return 2 * cnt_size(c) + 1;
	case NDR_K_ARRAY:
		if (t->a.flags & (NDR_AF_CONFORMANT | NDR_AF_VARYING))
			return 0;
		m = __ndr_wire_min(c, t->a.elem, depth + 1);
		return m * t->a.fixed > (1u << 30) ? (1u << 30) : m * t->a.fixed;
	case NDR_K_STRUCT:
		for (i = 0; i < t->s.nmembers; i++) {
			n += __ndr_wire_min(c, t->s.members[i].type, depth + 1);
			if (n > (1u << 30))
				return 1u << 30;
		}
		return n;
	case NDR_K_UNION:
		return __ndr_base_wire(c, t->u.switch_type->kind);
	}
	return 0;
}

bool __ndr_is_conformant(const struct ndr_type *t)
{
	if (t->kind == NDR_K_ARRAY)
		return t->a.flags & NDR_AF_CONFORMANT;
	if (t->kind == NDR_K_STRING)
		return t->str.size == 0;
	if (t->kind == NDR_K_STRUCT)
		return t->flags & NDR_TF_CONFORMANT;
	return false;
}

/* Does the struct end in a conformant or varying part (no NDR64 pad)? */
bool __ndr_varying_tail(const struct ndr_type *t)
{
	const struct ndr_type *last;

	if (!t->s.nmembers)
		return false;
	last = t->s.members[t->s.nmembers - 1].type;
	if (last->kind == NDR_K_ARRAY)
		return last->a.flags & (NDR_AF_CONFORMANT | NDR_AF_VARYING);
	if (last->kind == NDR_K_STRING)
		return true;
	if (last->kind == NDR_K_STRUCT)
		return __ndr_varying_tail(last);
	return false;
}

/*
 * The conformant array at the end of a conformant struct (nested structs
 * followed), and in *s the innermost struct its size_is refers to.
 */
const struct ndr_type *__ndr_conf_tail(const struct ndr_type *t, struct sctx *s,
				       unsigned int depth)
{
	const struct ndr_member *m;

	/* on entry s describes t itself */
	while (t->kind == NDR_K_STRUCT && t->s.nmembers && depth++ < NDR_MAX_TYPE_DEPTH) {
		m = &t->s.members[t->s.nmembers - 1];
		s->t = t;
		if (m->type->kind != NDR_K_STRUCT) {
			t = m->type;
			break;
		}
		s->base += m->offset;
		t = m->type;
	}
	if (t->kind == NDR_K_ARRAY && (t->a.flags & NDR_AF_CONFORMANT))
		return t;
	return NULL;
}

int64_t __ndr_read_int(const void *mem, uint8_t kind)
{
	switch (kind) {
	case NDR_K_BYTE: case NDR_K_USMALL: case NDR_K_BOOLEAN:
		return *(const uint8_t *)mem;
	case NDR_K_CHAR: case NDR_K_SMALL:
		return *(const int8_t *)mem;
	case NDR_K_WCHAR: case NDR_K_USHORT:
		return *(const uint16_t *)mem;
	case NDR_K_SHORT:
		return *(const int16_t *)mem;
	case NDR_K_LONG:
		return *(const int32_t *)mem;
	case NDR_K_ULONG: case NDR_K_ERROR_STATUS:
		return *(const uint32_t *)mem;
	case NDR_K_ENUM16: case NDR_K_ENUM32:
		return *(const int *)mem;
	case NDR_K_HYPER: case NDR_K_UHYPER:
		return *(const int64_t *)mem;
	}
	return 0;
}

/* Is the operand's value known yet?  (unmarshalling fills in order) */
static bool available(const struct ndr_cx *c, const struct ndr_expr *e,
		      const struct sctx *s)
{
	const struct ndr_param *p;

	if (!c->unmarshal)
		return true;
	if (e->src == NDR_EXPR_FIELD)
		return e->index < s->cur;
	if (e->src != NDR_EXPR_PARAM)
		return true;
	if (e->index < c->cur_param)
		return true;
	p = &c->proc->params[e->index];
	/* a client's [in]-only values are in its memory during [out] */
	return c->dir == NDR_DIR_OUT && !(p->flags & NDR_PF_OUT);
}

int __ndr_eval(struct ndr_cx *c, const struct ndr_expr *e, const struct sctx *s,
	       int64_t *v)
{
	const struct ndr_type *t;
	const void *mem;
	int64_t x;

	switch (e->src) {
	case NDR_EXPR_CONST:
		*v = e->k;
		return 0;
	case NDR_EXPR_FIELD:
		if (!s || !s->t || e->index >= s->t->s.nmembers)
			return -EINVAL;
		t = s->t->s.members[e->index].type;
		mem = s->base + s->t->s.members[e->index].offset;
		break;
	case NDR_EXPR_PARAM:
		if (!c->proc || e->index >= c->proc->nparams)
			return -EINVAL;
		t = c->proc->params[e->index].type;
		mem = c->args[e->index];
		if (!mem)
			return -(int)rpc_x_null_ref_pointer;
		break;
	default:
		return -EINVAL;
	}
	if (e->deref && t->kind == NDR_K_POINTER) {
		mem = *(void *const *)mem;
		t = t->p.referent;
		if (!mem && e->deref == NDR_DEREF_OR_ZERO) {
			*v = 0;
			return 0;
		}
		if (!mem)
			return -(int)rpc_x_null_ref_pointer;
	}
	if (!__ndr_is_base(t->kind) || t->kind == NDR_K_FLOAT || t->kind == NDR_K_DOUBLE)
		return -EINVAL;
	x = __ndr_read_int(mem, t->kind);
	switch (e->op) {
	case NDR_OP_NONE: break;
	case NDR_OP_ADD: if (__builtin_add_overflow(x, e->k, &x)) return BAD_BOUND; break;
	case NDR_OP_SUB: if (__builtin_sub_overflow(x, e->k, &x)) return BAD_BOUND; break;
	case NDR_OP_MUL: if (__builtin_mul_overflow(x, e->k, &x)) return BAD_BOUND; break;
	case NDR_OP_DIV:
		if (e->k == 0 || (x == INT64_MIN && e->k == -1))
			return -EINVAL;
		x /= e->k;
		break;
	case NDR_OP_CEILDIV:
		if (e->k <= 0 || __builtin_add_overflow(x, e->k - 1, &x))
			return e->k <= 0 ? -EINVAL : BAD_BOUND;
		x /= e->k;
		break;
	default:
		return -EINVAL;
	}
	*v = x;
	return 0;
}

/* Check got == e now, or once the operand has been unmarshalled. */
int __ndr_check_expr(struct ndr_cx *c, const struct ndr_expr *e,
		     const struct sctx *s, int64_t got, int status)
{
	int64_t want;
	int ret;

	if (e->src == NDR_EXPR_NONE)
		return 0;
	if (!available(c, e, s)) {
		if (c->npend >= sizeof(c->pend) / sizeof(c->pend[0]))
			return -EINVAL;
		c->pend[c->npend++] = (struct pending){ e, s ? *s : (struct sctx){ 0 },
							 got, status };
		c->pend[c->npend - 1].s.cur = UINT32_MAX;
		return 0;
	}
	ret = __ndr_eval(c, e, s, &want);
	if (ret)
		return ret;
	return want == got ? 0 : status;
}

__rpc_hot int __ndr_check_pending(struct ndr_cx *c)
{
	unsigned int i;
	int64_t want;
	int ret;

	for (i = 0; i < c->npend; i++) {
		ret = __ndr_eval(c, c->pend[i].e, &c->pend[i].s, &want);
		if (ret)
			return ret;
		if (want != c->pend[i].want)
			return c->pend[i].status;
	}
	c->npend = 0;
	return 0;
}

int __ndr_push(struct ndr_cx *c, const struct ndr_type *t, void *mem,
	       const struct sctx *s)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		struct item *st = realloc(c->stack, cap * sizeof(*st));

		if (!st)
			return -ENOMEM;
		c->stack = st;
		c->cap = cap;
	}
	c->stack[c->n].t = t;
	c->stack[c->n].mem = mem;
	if (s)
		c->stack[c->n].s = *s;
	else
		c->stack[c->n].s = (struct sctx){ 0 };
	c->n++;
	return 0;
}

/*
 * Referents found while processing one item are pushed in wire order;
 * reversing them puts the first on top, which gives NDR's depth-first
 * order (a referent's own referents come before its later siblings').
 */
void __ndr_reverse_from(struct ndr_cx *c, size_t from)
{
	size_t i = from, j = c->n;

	while (j > i + 1) {
		struct item tmp = c->stack[i];

		c->stack[i++] = c->stack[--j];
		c->stack[j] = tmp;
	}
}

static uint64_t hash64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

/* Open addressing; key 0 marks a free slot (ids and addresses are != 0). */
struct fpent *__ndr_fp_find(struct ndr_cx *c, uint64_t key, bool *found)
{
	size_t i, mask;

	if (2 * (c->fp_n + 1) > c->fp_cap) {
		size_t cap = c->fp_cap ? 2 * c->fp_cap : 64, k;
		struct fpent *n = calloc(cap, sizeof(*n));

		if (!n)
			return NULL;
		for (k = 0; k < c->fp_cap; k++) {
			if (!c->fp[k].key)
				continue;
			for (i = hash64(c->fp[k].key) & (cap - 1); n[i].key; i = (i + 1) & (cap - 1))
				;
			n[i] = c->fp[k];
		}
		free(c->fp);
		c->fp = n;
		c->fp_cap = cap;
	}
	mask = c->fp_cap - 1;
	for (i = hash64(key) & mask; c->fp[i].key; i = (i + 1) & mask) {
		if (c->fp[i].key == key) {
			*found = true;
			return &c->fp[i];
		}
	}
	*found = false;
	c->fp[i].key = key;
	c->fp_n++;
	return &c->fp[i];
}

int __ndr_fp_alias(struct ndr_cx *c, void **slot, uint64_t id)
{
	if (c->nalias == c->alias_cap) {
		size_t cap = c->alias_cap ? 2 * c->alias_cap : 16;
		struct fpalias *a = realloc(c->alias, cap * sizeof(*a));

		if (!a)
			return -ENOMEM;
		c->alias = a;
		c->alias_cap = cap;
	}
	c->alias[c->nalias++] = (struct fpalias){ slot, id };
	*slot = NULL;
	return 0;
}

/*
 * An alias can be read before its referent is (the referent of the first
 * occurrence is deferred, and a conformant one cannot be allocated before
 * its count is read), so aliases are set once all the data is read.
 * After a failure they stay NULL.
 */
__rpc_hot void __ndr_fp_resolve(struct ndr_cx *c, bool ok)
{
	struct fpent *e;
	bool found;
	size_t i;

	for (i = 0; i < c->nalias; i++) {
		e = ok ? __ndr_fp_find(c, c->alias[i].id, &found) : NULL;
		*c->alias[i].slot = e && found && e->slot ? *e->slot : NULL;
	}
	c->nalias = 0;
}

__rpc_hot void __ndr_cx_free(struct ndr_cx *c)
{
	free(c->stack);
	free(c->fp);
	free(c->alias);
	if (c->caps != c->caps_small)
		free(c->caps);
	c->stack = NULL;
	c->fp = NULL;
	c->alias = NULL;
	c->caps = NULL;
}

/*
 * drep[0]: high nibble integer order (1 little, 0 big), low nibble
 * character set (0 ASCII, 1 EBCDIC); drep[1]: float format (0 IEEE,
 * 1 VAX, 2 Cray, 3 IBM).  We are receiver-makes-it-right for byte order
 * only; the other formats are refused up front with a status that says
 * which conversion we lack, rather than failing on the first char/float.
 */
__rpc_hot int __ndr_parse_drep(const uint8_t drep[4], bool *swap)
{
	static const uint8_t le[4] = { NDR_DREP_LITTLE_ENDIAN, 0, 0, 0 };
	bool wire_le;

	if (!drep)
		drep = le;
	if ((drep[0] >> 4) > 1)
		return BAD_STUB;
	if ((drep[0] & 0x0f) != NDR_DREP_ASCII)
		return -(int)nca_s_fault_codeset_conv_error;
	if (drep[1] != NDR_DREP_IEEE)
		return -(int)nca_s_fault_fp_error;
	wire_le = (drep[0] >> 4) == 1;
	*swap = wire_le != host_le();
	return 0;
}

const struct ndr_type *__ndr_union_arm(const struct ndr_type *t, int64_t d, bool *found)
{
	uint32_t i;

	for (i = 0; i < t->u.narms; i++) {
		if (t->u.arms[i].case_value == d) {
			*found = true;
			return t->u.arms[i].type;
		}
	}
	*found = t->u.has_default;
	return t->u.has_default ? t->u.default_arm : NULL;
}

/* ---- table sanity checks for the IDL compiler and runtimes ---- */

static int check_expr(const struct ndr_expr *e, const struct ndr_proc *p,
		      const struct ndr_type *st)
{
	switch (e->src) {
	case NDR_EXPR_NONE: case NDR_EXPR_CONST:
		return 0;
	case NDR_EXPR_FIELD:
		return st && e->index < st->s.nmembers ? 0 : -EINVAL;
	case NDR_EXPR_PARAM:
		return p && e->index < p->nparams ? 0 : -EINVAL;
	}
	return -EINVAL;
}

static int check_type(const struct ndr_type *t, const struct ndr_proc *p,
		      const struct ndr_type *st, unsigned int depth)
{
	uint32_t i;
	int ret = 0;

	if (!t || depth > NDR_MAX_TYPE_DEPTH)
		return -EINVAL;
	if (t->align == 0 || (t->align & (t->align - 1)))
		return -EINVAL;
	if (__ndr_is_base(t->kind))
		return t->size == __ndr_base_mem(t->kind) ? 0 : -EINVAL;
	switch (t->kind) {
	case NDR_K_CONTEXT_HANDLE:
		return t->size == sizeof(struct ndr_context_handle) ? 0 : -EINVAL;
	case NDR_K_POINTER:
		if (t->p.ptr_type < NDR_PTR_REF || t->p.ptr_type > NDR_PTR_FULL)
			return -EINVAL;
		/* referents of recursive types are reached through here: the
		   struct check stops at pointers to keep this finite */
		return t->size == sizeof(void *) ? 0 : -EINVAL;
	case NDR_K_STRING:
		if (t->str.size && t->str.size_is.src)
			return -EINVAL;
		return check_expr(&t->str.size_is, p, st);
	case NDR_K_ARRAY:
		if (!(t->a.flags & NDR_AF_CONFORMANT) && !t->a.fixed)
			return -EINVAL;
		if (t->a.length_is.src && t->a.last_is.src)
			return -EINVAL;
		ret = check_expr(&t->a.size_is, p, st) ?: check_expr(&t->a.length_is, p, st) ?:
		      check_expr(&t->a.first_is, p, st) ?: check_expr(&t->a.last_is, p, st);
		return ret ?: check_type(t->a.elem, p, st, depth + 1);
	case NDR_K_STRUCT:
		for (i = 0; i < t->s.nmembers && !ret; i++) {
			const struct ndr_type *m = t->s.members[i].type;

			if (t->s.members[i].offset + (m ? m->size : 0) > t->size)
				return -EINVAL;
			if (m && __ndr_is_conformant(m) && i + 1 != t->s.nmembers)
				return -EINVAL;
			ret = check_type(m, p, t, depth + 1);
		}
		return ret;
	case NDR_K_UNION:
		if (!t->u.switch_type || !__ndr_is_base(t->u.switch_type->kind))
			return -EINVAL;
		if (!(t->flags & NDR_TF_ENCAPSULATED))
			ret = check_expr(&t->u.switch_is, p, st);
		for (i = 0; i < t->u.narms && !ret; i++)
			if (t->u.arms[i].type)
				ret = check_type(t->u.arms[i].type, p, st, depth + 1);
		return ret;
	}
	return -EINVAL;
}

int ndr_proc_check(const struct ndr_proc *proc)
{
	uint32_t i;
	int ret;

	if (!proc || (proc->nparams && !proc->params))
		return -EINVAL;
	for (i = 0; i < proc->nparams; i++) {
		const struct ndr_param *pa = &proc->params[i];

		if (!(pa->flags & (NDR_PF_IN | NDR_PF_OUT)) ||
		    (pa->flags & ~(NDR_PF_IN | NDR_PF_OUT | NDR_PF_REF)))
			return -EINVAL;
		ret = check_type(pa->type, proc, NULL, 0);
		if (ret)
			return ret;
	}
	return proc->ret ? check_type(proc->ret, proc, NULL, 0) : 0;
}
