/* SPDX-License-Identifier: MIT */
/* Internal to lib/ndr: the shared state of one marshalling pass. */
#ifndef LRPC_NDR_INT_H
#define LRPC_NDR_INT_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <lrpc/ndr.h>
#include "compiler.h"

#define BAD_STUB	(-(int)rpc_x_bad_stub_data)
#define BAD_BOUND	(-(int)nca_s_fault_invalid_bound)
#define BAD_TAG		(-(int)nca_s_fault_invalid_tag)
#define NO_MEMORY	(-(int)nca_s_fault_remote_no_memory)

/* The struct whose members NDR_EXPR_FIELD refers to. */
struct sctx {
	uint8_t *base;
	const struct ndr_type *t;
	uint32_t cur;		/* members before `cur` are valid (unmarshal) */
};

/* A deferred pointer referent. */
struct item {
	const struct ndr_type *t;	/* referent type */
	void *mem;		/* marshal: referent; unmarshal: pointer slot */
	struct sctx s;
};

/* A correlation check that has to wait for a later parameter/member. */
struct pending {
	const struct ndr_expr *e;
	struct sctx s;
	int64_t want;
	int status;		/* status when the value differs */
};

struct fpent {			/* full pointers: key -> value */
	uint64_t key;		/* marshal: address; unmarshal: referent id */
	uint64_t val;		/* marshal: referent id */
	void **slot;		/* unmarshal: the first pointer with this id */
	const struct ndr_type *t;
};

/* Unmarshal: a repeated full-pointer id, resolved when the data is read. */
struct fpalias {
	void **slot;
	uint64_t id;
};

struct ndr_cx {
	uint8_t syntax;
	bool swap;		/* wire byte order != host byte order */
	bool unmarshal;
	uint8_t dir;
	const struct ndr_proc *proc;
	void *const *args;
	uint32_t cur_param;	/* params before it are available */

	struct ndr_buf *out;	/* marshal */

	const uint8_t *p;	/* unmarshal */
	size_t len, off;
	struct ndr_arena *arena;

	struct item *stack;	/* deferred referents, top = next */
	size_t n, cap;

	uint32_t next_id;
	struct fpent *fp;
	size_t fp_n, fp_cap;
	struct fpalias *alias;	/* unmarshal */
	size_t nalias, alias_cap;

	int64_t *caps;		/* unmarshal [out]: a client buffer's capacity
				   per REF parameter, -1 unknown (ndr.h) */

	unsigned int npend;
	unsigned int depth;

	/* Last: only pend[0..npend) is ever read, so __ndr_cx_zero() leaves
	 * it alone (zeroing it cost more than a null call's marshalling). */
	struct pending pend[32];
	int64_t caps_small[8];	/* caps for up to 8 parameters */
};

/* Zero a context, all but pend[] (see above). */
static inline void __ndr_cx_zero(struct ndr_cx *c)
{
	memset(c, 0, offsetof(struct ndr_cx, pend));
}

/* layout.c */
static inline bool ndr64(const struct ndr_cx *c) { return c->syntax == NDR_SYNTAX_NDR64; }
static inline size_t cnt_size(const struct ndr_cx *c) { return ndr64(c) ? 8 : 4; }
static inline size_t ptr_size(const struct ndr_cx *c) { return ndr64(c) ? 8 : 4; }
bool __ndr_is_base(uint8_t kind);
bool __ndr_is_signed(uint8_t kind);
size_t __ndr_base_wire(const struct ndr_cx *c, uint8_t kind);
size_t __ndr_base_mem(uint8_t kind);
size_t __ndr_wire_align(const struct ndr_cx *c, const struct ndr_type *t, unsigned int depth);
size_t __ndr_wire_min(const struct ndr_cx *c, const struct ndr_type *t, unsigned int depth);
size_t __ndr_union_arm_align(const struct ndr_cx *c, const struct ndr_type *t, unsigned int depth);
const struct ndr_type *__ndr_union_arm(const struct ndr_type *t, int64_t d, bool *found);
const struct ndr_type *__ndr_conf_tail(const struct ndr_type *t, struct sctx *s, unsigned int depth);
bool __ndr_is_conformant(const struct ndr_type *t);
bool __ndr_varying_tail(const struct ndr_type *t);
int64_t __ndr_read_int(const void *mem, uint8_t kind);
int __ndr_eval(struct ndr_cx *c, const struct ndr_expr *e, const struct sctx *s,
	       int64_t *v);
int __ndr_check_expr(struct ndr_cx *c, const struct ndr_expr *e,
		     const struct sctx *s, int64_t got, int status);
int __ndr_check_pending(struct ndr_cx *c);
int __ndr_push(struct ndr_cx *c, const struct ndr_type *t, void *mem,
	       const struct sctx *s);
void __ndr_reverse_from(struct ndr_cx *c, size_t from);
struct fpent *__ndr_fp_find(struct ndr_cx *c, uint64_t key, bool *found);
int __ndr_fp_alias(struct ndr_cx *c, void **slot, uint64_t id);
void __ndr_fp_resolve(struct ndr_cx *c, bool ok);
void __ndr_cx_free(struct ndr_cx *c);
int __ndr_parse_drep(const uint8_t drep[4], bool *swap);

/* arena.c */
void *__ndr_arena_get(struct ndr_arena *a, size_t size, bool zero, int *err);

/* marshal.c / unmarshal.c: one top-level value (param or pickled type) */
int __ndr_marshal_top(struct ndr_cx *c, const struct ndr_type *t,
		      const void *mem, bool ref);
int __ndr_unmarshal_top(struct ndr_cx *c, const struct ndr_type *t,
			void **slot, bool ref);

static inline bool host_le(void)
{
	return __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
}

/* ndr_unmarshal_call, with up to @pad zero octets left over (the
 * alignment before a verification trailer, [MS-RPCE] 2.2.2.13). */
int __ndr_unmarshal_call_pad(const struct ndr_proc *proc, enum ndr_dir dir,
			     void **args, enum ndr_syntax syntax,
			     const uint8_t drep[4], const void *data,
			     size_t len, struct ndr_arena *arena, size_t pad);

#endif
