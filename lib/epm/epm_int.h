/* SPDX-License-Identifier: MIT */
/*
 * Endpoint mapper internals shared by lib/epm: the ept operation numbers,
 * owner tracking (owner.c), tower keys (tower.c).
 */
#ifndef LRPC_EPM_INT_H
#define LRPC_EPM_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <lrpc/epm.h>

enum {
	EPT_OP_INSERT = 0,
	EPT_OP_DELETE = 1,
	EPT_OP_LOOKUP = 2,
	EPT_OP_MAP = 3,
	EPT_OP_LOOKUP_HANDLE_FREE = 4,
	EPT_OP_INQ_OBJECT = 5,
	EPT_OP_MGMT_DELETE = 6,
	EPT_NOPS = 7,
};

/* ---- owners ------------------------------------------------------------ */

/* Start time of pid from /proc (0 when it does not exist). */
uint64_t __epm_proc_start_time(pid_t pid);
bool __epm_owner_alive(const struct rpc_epm_owner *o);
/*
 * The process on this host that owns the TCP or UDP socket whose local
 * address is peer (the peer of one of our connections): found through
 * /proc/net/{tcp,tcp6,udp,udp6} and /proc/PID/fd.  0 or -ESRCH.
 */
struct sockaddr;
int __epm_owner_of_peer(const struct sockaddr *peer, struct rpc_epm_owner *o);
/* True for loopback (127/8, ::1, v4-mapped 127/8) and AF_UNIX peers. */
bool __epm_peer_is_local(const struct sockaddr *peer);

/* Tower helpers shared by the database. */
/* Protocol ids of floors 3.. and the host floor's value, for matching. */
struct epm_tower_key {
	struct rpc_syntax_id iface;
	uint8_t nprot;
	uint8_t prot[RPC_TOWER_MAX_FLOORS];
	const uint8_t *host;	/* rhs of the host floor (floor 5) */
	uint16_t host_len;
	int ip_floor;		/* index of an IPv4 floor, -1 when none */
};
int __epm_tower_key(const uint8_t *buf, size_t len, struct epm_tower_key *k);

#endif /* LRPC_EPM_INT_H */
