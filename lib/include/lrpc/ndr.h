/* SPDX-License-Identifier: MIT */
/*
 * lrpc NDR engine: NDR20 and NDR64 marshalling driven by type tables.
 * (C11: the tables use an anonymous union.)
 *
 * Why tables and one interpreter (and not generated marshalling code):
 *  - stubs stay small: the IDL compiler (tools/idl) emits const data only,
 *    the same tables serve NDR20 and NDR64, client and server;
 *  - every byte a peer sends goes through one audited unmarshalling path,
 *    so a bounds check fixed once is fixed for every interface;
 *  - one fuzz target exercises every type class of every interface.
 *
 * ------------------------------------------------------------------------
 * Calling convention (all functions)
 *
 *   >= 0    success (a byte count where documented, else 0)
 *   -errno  system error: -ENOMEM (malloc failed), -E2BIG (output
 *           limit reached), -EINVAL (caller error or inconsistent table)
 *   -status a DCE/MS status from <lrpc/status.h>, for bad input data:
 *           -rpc_x_bad_stub_data        malformed or truncated stub data,
 *                                       conformance != size_is, actual
 *                                       count != length_is, offset != 0
 *                                       (or != first_is), bad string,
 *                                       octets left over, bad referent id
 *           -nca_s_fault_invalid_bound  a [range] violation, a varying
 *                                       part beyond its array's bound, or
 *                                       a count beyond a client's buffer
 *           -nca_s_fault_string_too_long  a string beyond a client's
 *                                       buffer (see "in place" below)
 *           -nca_s_fault_remote_no_memory  the arena limit was reached
 *           -nca_s_fault_invalid_tag    union discriminant without an arm
 *                                       (and no default), or wire
 *                                       discriminant != switch_is value
 *           -rpc_x_null_ref_pointer     NULL [ref] pointer when marshalling
 *           -rpc_x_enum_value_out_of_range  enum16 value > 0x7fff
 *           -nca_s_fault_codeset_conv_error drep character set not ASCII
 *           -nca_s_fault_fp_error       drep float format not IEEE
 *           -rpc_x_wrong_es_version     pickle header not version 1/2
 *
 * ------------------------------------------------------------------------
 * In-memory representation (what stubs and managers see)
 *
 *   byte, char, small, boolean    uint8_t / char / int8_t / uint8_t
 *   wchar_t                       uint16_t (UTF-16 code unit)
 *   short, long, hyper            int16_t / int32_t / int64_t (+ unsigned)
 *   error_status_t                uint32_t
 *   float, double                 float / double
 *   enum, [v1_enum] enum          int (C enum); enum is 16 bits in NDR20
 *                                 and 32 bits in NDR64, v1_enum 32 bits
 *   struct                        the C struct; members at their offsetof;
 *                                 a trailing conformant array is a C
 *                                 flexible array member (elem x[])
 *   pointer (ref/unique/full)     a C pointer
 *   fixed array   T a[N]          inline N elements
 *   conformant (and conformant-varying) array
 *                                 the element buffer; reached through a
 *                                 pointer (T *p with size_is) or as a
 *                                 struct's flexible last member
 *   varying array T a[N]          inline N elements, length_is valid ones
 *   [string] char* / wchar_t*     NUL-terminated char* / uint16_t*
 *   [string] char s[N]            inline, NUL-terminated, N incl. the NUL
 *   union (non-encapsulated)      a C union; the discriminant lives in a
 *                                 separate parameter or struct member
 *                                 named by switch_is
 *   union (encapsulated)          struct { disc; union { ... } u; }: the
 *                                 discriminant at offset 0, the C union at
 *                                 ndr_union_desc.arm_offset
 *   context handle                struct ndr_context_handle
 *
 * ------------------------------------------------------------------------
 * Procedures and argument vectors
 *
 * A call is marshalled from / unmarshalled into `void *args[]`, one slot
 * per parameter in declaration order, plus one last slot for the return
 * value when proc->ret is not NULL.  Each slot points at the storage of
 * the parameter's value:
 *   - ordinary parameter of type T (no NDR_PF_REF):   args[i] = &value;
 *     e.g. [in] long a  ->  &a;  [in, unique] long *p  ->  &p.
 *   - top-level [ref] pointer or array parameter (NDR_PF_REF): the table
 *     type describes the referent, args[i] IS the C pointer argument;
 *     e.g. [out] long *sum -> sum;  [in, size_is(n)] byte *d -> d;
 *     [out] wchar_t **s -> s (REF to a unique pointer to a string).
 * Unmarshalling stores freshly allocated (arena) referents into the slots
 * that are NULL: a server passes args[] zeroed and gets every [in] value,
 * plus zeroed storage for [out]-only REF parameters (a conformant [out]
 * array or [string, size_is(n)] buffer is sized from its size_is after
 * the [in] values are known).  An [in] [string, size_is(n)] buffer also
 * arrives with room for n elements, whatever the string's length, so an
 * [in, out] one can be written back up to n elements.
 *
 * Client side, in place.  A client unmarshalling [out] data passes its
 * own pointers; a REF slot that is not NULL is the caller's buffer and
 * is written in place, never replaced.  Its capacity is fixed BEFORE any
 * [out] value is stored (a server may return less than the client sent,
 * never more -- MIDL's rule):
 *   - conformant array, [string, size_is]: size_is evaluated over the
 *     values as the caller passed them, so with [in, out] long *n,
 *     [out, size_is(*n)] long a[] the capacity is the *n that went out,
 *     not the one that comes back (which must still match the wire);
 *   - conformant struct ([in, out] s with a [size_is(x)] tail): its own
 *     size_is member as the caller left it;
 *   - [in, out, string] without size_is: the length, NUL included, of
 *     the string that went out.
 * A received count above the capacity is -nca_s_fault_invalid_bound
 * (array, struct) or -nca_s_fault_string_too_long (string) and nothing
 * is written past the capacity.  Where the capacity cannot be known (a
 * size_is over an [out]-only value, an [out]-only string without
 * size_is) a non-NULL slot is -EINVAL.  Everything reached through a
 * unique or full pointer, and a string returned through char **, is a
 * fresh arena buffer; the caller's pointer is replaced.
 *
 * ------------------------------------------------------------------------
 * Hostile input (unmarshalling)
 *  - every count is checked against the octets left BEFORE any allocation
 *    (N elements of wire size S need N*S octets, overflow-checked); NDR64
 *    counts stay 64-bit until checked;
 *  - all memory comes from one struct ndr_arena per call, bounded by its
 *    limit; freeing the arena frees everything, also after a failure;
 *  - embedded pointer referents are deferred through an explicit work
 *    stack (depth-first, the NDR order), so a 100000-node list needs no
 *    recursion; type nesting recursion is bounded by NDR_MAX_TYPE_DEPTH;
 *  - full pointers (C706 14.3.10): the same referent id twice is the
 *    same object, transmitted once (also for conformant referents); a
 *    repeated id must name the same type, and its slot is set once the
 *    first occurrence's referent has been read (NULL if the call fails).
 */
#ifndef LRPC_NDR_H
#define LRPC_NDR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <lrpc/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Transfer syntaxes. */
enum ndr_syntax {
	NDR_SYNTAX_NDR20 = 0,	/* 8a885d04-1ceb-11c9-9fe8-08002b104860 v2 */
	NDR_SYNTAX_NDR64 = 1,	/* 71710533-beba-4937-8319-b5dbef9ccc36 v1 */
};

/* Data representation label (drep[0..3] of a PDU). */
#define NDR_DREP_LITTLE_ENDIAN	0x10	/* drep[0] high nibble */
#define NDR_DREP_BIG_ENDIAN	0x00
#define NDR_DREP_ASCII		0x00	/* drep[0] low nibble */
#define NDR_DREP_IEEE		0x00	/* drep[1] */

/* Marshalling flags. */
#define NDR_F_BIG_ENDIAN	0x1u	/* marshal big-endian (default little) */
#define NDR_F_ALL		0x1u

#define NDR_MAX_TYPE_DEPTH	32	/* static nesting of tables */
#define NDR_ARENA_DEFAULT_LIMIT	(96u << 20)	/* + the input length */
#define NDR_BUF_DEFAULT_LIMIT	(1ull << 31)	/* marshalled octets */

enum ndr_kind {
	NDR_K_INVALID = 0,
	/* base types: in-memory size and NDR20 wire size in comments */
	NDR_K_BYTE,		/* uint8_t  1 */
	NDR_K_CHAR,		/* char     1 (ASCII) */
	NDR_K_BOOLEAN,		/* uint8_t  1 (0 false, else true) */
	NDR_K_SMALL,		/* int8_t   1 */
	NDR_K_USMALL,		/* uint8_t  1 */
	NDR_K_WCHAR,		/* uint16_t 2 */
	NDR_K_SHORT,		/* int16_t  2 */
	NDR_K_USHORT,		/* uint16_t 2 */
	NDR_K_LONG,		/* int32_t  4 */
	NDR_K_ULONG,		/* uint32_t 4 */
	NDR_K_ERROR_STATUS,	/* uint32_t 4 */
	NDR_K_HYPER,		/* int64_t  8 */
	NDR_K_UHYPER,		/* uint64_t 8 */
	NDR_K_FLOAT,		/* float    4 */
	NDR_K_DOUBLE,		/* double   8 */
	NDR_K_ENUM16,		/* int      2 (4 in NDR64) */
	NDR_K_ENUM32,		/* int      4 ([v1_enum]) */
	/* constructed */
	NDR_K_STRUCT,
	NDR_K_POINTER,
	NDR_K_ARRAY,
	NDR_K_STRING,
	NDR_K_UNION,
	NDR_K_CONTEXT_HANDLE,
	__NDR_K_MAX
};

/*
 * An integer expression for size_is, length_is, first_is, max_is and
 * switch_is:  operand [op k]  where operand is a constant, a member of the
 * enclosing struct, or a parameter, optionally dereferenced (*param).
 */
enum ndr_expr_src {
	NDR_EXPR_NONE = 0,	/* attribute absent */
	NDR_EXPR_CONST,		/* value = k */
	NDR_EXPR_FIELD,		/* member `index` of the innermost enclosing struct */
	NDR_EXPR_PARAM,		/* parameter `index` of the procedure */
};

enum ndr_expr_op {
	NDR_OP_NONE = 0,
	NDR_OP_ADD,		/* operand + k */
	NDR_OP_SUB,		/* operand - k */
	NDR_OP_MUL,		/* operand * k */
	NDR_OP_DIV,		/* operand / k (k != 0) */
	NDR_OP_CEILDIV,		/* (operand + k - 1) / k (k > 0): blocks of k */
};

struct ndr_expr {
	uint8_t src;		/* enum ndr_expr_src */
	uint8_t op;		/* enum ndr_expr_op */
	uint8_t deref;		/* operand is a pointer to the integer (*p);
				   a no-op for NDR_PF_REF parameters;
				   NDR_DEREF_OR_ZERO: p ? *p : 0 */
	uint8_t reserved;
	uint32_t index;
	int64_t k;
};

#define NDR_DEREF_OR_ZERO	2

/* Pointer attributes. */
enum ndr_ptr_type {
	NDR_PTR_REF = 1,
	NDR_PTR_UNIQUE,
	NDR_PTR_FULL,
};

/* ndr_type.flags */
#define NDR_TF_RANGE		0x01	/* base type: [range(min, max)] */
#define NDR_TF_CONFORMANT	0x02	/* struct: ends with a conformant array */
#define NDR_TF_ENCAPSULATED	0x04	/* union: discriminant inside */
#define NDR_TF_WIDE		0x08	/* string: wchar_t (else char) */
#define NDR_TF_MAX_IS		0x10	/* string: str.size_is holds max_is */

/* ndr_array_desc.flags */
#define NDR_AF_CONFORMANT	0x01	/* size_is / max_is: wire max count */
#define NDR_AF_VARYING		0x02	/* length_is / first_is: offset+actual */
#define NDR_AF_MAX_IS		0x04	/* size_is holds max_is: size = max+1 */

struct ndr_type;

struct ndr_member {
	const struct ndr_type *type;
	uint32_t offset;	/* offsetof() in the C struct */
};

struct ndr_struct_desc {
	const struct ndr_member *members;
	uint32_t nmembers;
};

struct ndr_pointer_desc {
	const struct ndr_type *referent;
	uint8_t ptr_type;	/* enum ndr_ptr_type */
};

/*
 * Arrays.  fixed = N for T a[N] (fixed or varying), 0 for conformant.
 * A conformant array's element count is size_is (or max_is + 1); a
 * varying one transmits the elements first_is .. first_is+length_is-1
 * (first_is absent = 0, length_is absent = all; [last_is(l)] instead of
 * length_is transmits first_is .. l).  Multi-dimensional
 * arrays nest: T a[3][4] is a fixed 3-array of fixed 4-arrays, and
 * [size_is(n)] T a[][4] a conformant array of fixed 4-arrays.  (Arrays
 * conformant in more than one dimension are not supported.)
 */
struct ndr_array_desc {
	const struct ndr_type *elem;
	uint32_t fixed;
	uint8_t flags;		/* NDR_AF_* */
	struct ndr_expr size_is;
	struct ndr_expr length_is;
	struct ndr_expr first_is;
	struct ndr_expr last_is;	/* length = last_is - first_is + 1 */
};

/*
 * [string]: conformant (size == 0: the NUL-terminated buffer a pointer
 * points at; wire max, offset 0, actual incl. NUL) or fixed (size N:
 * inline char[N] inside a struct, wire offset 0 and actual only).
 *
 * A conformant string with size_is ([string, size_is(n)], or max_is with
 * NDR_TF_MAX_IS) is conformant-varying: the wire max count is n (the
 * buffer's capacity in elements), the actual count the string's length
 * with its NUL (<= n).  n == 0 travels as max 0, actual 0, no elements.
 * Without size_is the max count is the actual count.
 */
struct ndr_string_desc {
	uint32_t size;
	struct ndr_expr size_is;	/* conformant only; src NONE: absent */
};

struct ndr_union_arm {
	int64_t case_value;
	const struct ndr_type *type;	/* NULL: empty arm */
};

struct ndr_union_desc {
	const struct ndr_type *switch_type;	/* integer or enum base type */
	const struct ndr_union_arm *arms;
	uint32_t narms;
	uint8_t has_default;
	const struct ndr_type *default_arm;	/* NULL: empty default */
	struct ndr_expr switch_is;	/* non-encapsulated only */
	uint32_t arm_offset;		/* encapsulated only */
};

struct ndr_type {
	uint8_t kind;		/* enum ndr_kind */
	uint8_t flags;		/* NDR_TF_* */
	uint16_t align;		/* alignof the in-memory object */
	uint32_t size;		/* sizeof the in-memory object; for a
				   conformant struct without the flexible
				   tail; 0 for conformant arrays/strings */
	const char *name;	/* diagnostics only */
	union {
		struct { int64_t min, max; } range;	/* NDR_TF_RANGE */
		struct ndr_struct_desc s;
		struct ndr_pointer_desc p;
		struct ndr_array_desc a;
		struct ndr_string_desc str;
		struct ndr_union_desc u;
	};
};

/* Predefined base types (ranges are separate types the compiler emits). */
extern const struct ndr_type ndr_type_byte, ndr_type_char, ndr_type_boolean,
	ndr_type_small, ndr_type_usmall, ndr_type_wchar, ndr_type_short,
	ndr_type_ushort, ndr_type_long, ndr_type_ulong, ndr_type_error_status,
	ndr_type_hyper, ndr_type_uhyper, ndr_type_float, ndr_type_double,
	ndr_type_enum16, ndr_type_enum32, ndr_type_context_handle;

/* The 20-octet context handle wire form. */
struct ndr_context_handle {
	uint32_t attributes;
	uint8_t uuid[16];
};

/* ndr_param.flags */
#define NDR_PF_IN	0x1u
#define NDR_PF_OUT	0x2u
#define NDR_PF_REF	0x4u	/* top-level [ref] pointer / array: see above */

struct ndr_param {
	const char *name;
	const struct ndr_type *type;
	uint32_t flags;
};

struct ndr_proc {
	const char *name;
	uint32_t opnum;
	uint32_t nparams;
	const struct ndr_param *params;
	const struct ndr_type *ret;	/* NULL for void */
};

/* Direction of a marshalling pass. */
enum ndr_dir {
	NDR_DIR_IN = 1,		/* request: [in] parameters */
	NDR_DIR_OUT = 2,	/* response: [out] parameters, then ret */
};

/*
 * Per-call allocation arena.  ndr_arena_alloc() returns zeroed memory
 * aligned to 16, or NULL when malloc fails or the limit would be passed
 * (the limit counts requested bytes).  Each unmarshal call adds its input
 * length to the budget (credit) until the arena is released, so what an
 * input carries can always be represented (a 64 MiB byte array needs
 * 64 MiB); the limit bounds what a peer can make us allocate beyond it.
 * Going over it while unmarshalling is -nca_s_fault_remote_no_memory.
 */
struct ndr_arena_chunk;
struct ndr_arena {
	struct ndr_arena_chunk *chunks;
	size_t used;
	size_t limit;
	size_t credit;		/* input octets seen by unmarshal calls */
	uint8_t *cur;		/* bump allocator inside the newest chunk */
	size_t left;
};

void ndr_arena_init(struct ndr_arena *a, size_t limit);	/* 0: default */
void *ndr_arena_alloc(struct ndr_arena *a, size_t size);
void ndr_arena_release(struct ndr_arena *a);	/* frees all; reusable */

/* Growable marshalling output. */
struct ndr_buf {
	uint8_t *data;
	size_t len;
	size_t cap;
	size_t limit;		/* 0: NDR_BUF_DEFAULT_LIMIT */
};

void ndr_buf_init(struct ndr_buf *b);
void ndr_buf_release(struct ndr_buf *b);

/*
 * Marshal the [in] (dir = NDR_DIR_IN) or [out]+return (NDR_DIR_OUT)
 * values of a call, appending to out (which starts at an 8-aligned stub
 * offset: b->len must be a multiple of 8).  Returns octets appended.
 */
ssize_t ndr_marshal_call(const struct ndr_proc *proc, enum ndr_dir dir,
			 void *const *args, enum ndr_syntax syntax,
			 unsigned int flags, struct ndr_buf *out);

/*
 * Unmarshal the stub data of a call.  drep is the PDU's data
 * representation label.  Every octet must be consumed.  Returns 0.
 */
int ndr_unmarshal_call(const struct ndr_proc *proc, enum ndr_dir dir,
		       void **args, enum ndr_syntax syntax,
		       const uint8_t drep[4], const void *data, size_t len,
		       struct ndr_arena *arena);

/*
 * One value of type t, as if it were the only [in] parameter: mem points
 * at the value (for a conformant array or string: at its buffer).
 * ndr_unmarshal_type() fills *memp, allocating it when NULL, and returns
 * the octets consumed (trailing octets are allowed here).
 */
ssize_t ndr_marshal_type(const struct ndr_type *t, const void *mem,
			 enum ndr_syntax syntax, unsigned int flags,
			 struct ndr_buf *out);
ssize_t ndr_unmarshal_type(const struct ndr_type *t, void **memp,
			   enum ndr_syntax syntax, const uint8_t drep[4],
			   const void *data, size_t len,
			   struct ndr_arena *arena);

/*
 * Type serialization ([MS-RPCE] 2.2.6 and 2.2.7, "pickling"): one value
 * with its headers.  NDR_SYNTAX_NDR20 writes version 1 (8-octet common
 * header, 8-octet private header), NDR_SYNTAX_NDR64 version 2 (64-octet
 * common header naming the transfer syntax, 8-octet private header).
 * The object is padded to a multiple of 8.  ndr_decode_type() reads
 * either version.  Returns octets written / consumed.
 */
ssize_t ndr_encode_type(const struct ndr_type *t, const void *mem,
			enum ndr_syntax syntax, unsigned int flags,
			struct ndr_buf *out);
ssize_t ndr_decode_type(const struct ndr_type *t, void **memp,
			const void *data, size_t len,
			struct ndr_arena *arena);

/*
 * Sanity-check a procedure's tables (sizes, alignments, expression
 * indices, nesting depth).  For the IDL compiler's tests and for
 * runtimes registering an interface.  Returns 0 or -EINVAL.
 */
int ndr_proc_check(const struct ndr_proc *proc);

#ifdef __cplusplus
}
#endif
#endif /* LRPC_NDR_H */
