// (Copy of the project's shared tools/kucount.c, kept here so that a fresh clone
// can run make bench-count.)
// kucount.c - QEMU (7.2, plugin API v1) TCG plugin: count executed guest instructions,
// split into kernel (TB vaddr >= 0xffff800000000000) and user. Use with -smp 1 (inline adds are
// not atomic across MTTCG vCPUs). Build: gcc -shared -fPIC -O2 -o libkucount.so kucount.c
// Run:   KUCOUNT_OUT=counts.txt qemu-system-x86_64 -smp 1 ... -plugin ./libkucount.so -d plugin -D qemu.log
// Instructions per operation: run N1 and N2 iterations and divide the difference by N2-N1.
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
/* minimal declarations of the QEMU plugin API (include/qemu/qemu-plugin.h, version 1) */
typedef uint64_t qemu_plugin_id_t;
typedef struct { const char *target_name; struct { int min, cur; } version; bool system_emulation;
                 union { struct { int smp_vcpus, max_vcpus; } system; }; } qemu_info_t;
struct qemu_plugin_tb;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*tb_trans_cb_t)(qemu_plugin_id_t, struct qemu_plugin_tb *);
typedef void (*udata_cb_t)(qemu_plugin_id_t, void *);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t, tb_trans_cb_t);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *, enum qemu_plugin_op, void *, uint64_t);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t, udata_cb_t, void *);
void qemu_plugin_outs(const char *);
#define EXPORT __attribute__((visibility("default")))
EXPORT int qemu_plugin_version = 1;

static uint64_t kern, user;
static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
    uint64_t *ctr = qemu_plugin_tb_vaddr(tb) >= 0xffff800000000000ull ? &kern : &user;
    qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, ctr, qemu_plugin_tb_n_insns(tb));
}
static void at_exit(qemu_plugin_id_t id, void *p) {
    char b[128];
    snprintf(b, sizeof b, "KUCOUNT kernel=%" PRIu64 " user=%" PRIu64 "\n", kern, user);
    qemu_plugin_outs(b);
    FILE *f = fopen(getenv("KUCOUNT_OUT") ? getenv("KUCOUNT_OUT") : "kucount.txt", "w"); if (f) { fputs(b, f); fclose(f); }
}
EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv) {
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
