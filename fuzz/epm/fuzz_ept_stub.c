// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: ept stub data as the server and the client receive
 * it.  Octet 0 picks the operation and the byte order; the rest is the
 * stub.  Decoded inserts go into an endpoint map that later inputs query
 * with lookups and maps of their own, so hostile towers meet the
 * database too.
 */
#include <stdlib.h>
#include <string.h>
#include <lrpc/epm.h>
#include "epm/epm_int.h"

static struct rpc_epdb *db;

static void query(void)
{
	static struct rpc_epdb_result res[8];
	struct rpc_epdb_lookup_req req = { .inquiry_type = 0, .vers_option = 1,
					   .max_ents = 8 };
	struct rpc_epdb_cursor *c = NULL;
	uint32_t n;

	while (rpc_epdb_lookup(db, &req, &c, res, &n) == 0) {
		rpc_epdb_results_free(res, n);
		if (!c)
			break;
	}
	rpc_epdb_results_free(res, n);
	rpc_epdb_cursor_free(db, c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rpc_epdb_result res[RPC_EPM_MAX_ENTS];
	struct rpc_epdb_result *out = NULL;
	struct ndr_context_handle h;
	struct epm_rd r;
	uint8_t *stub;
	uint32_t n = 0, st, replace;
	int op;

	if (!db && rpc_epdb_create(&db))
		abort();
	if (size < 1)
		return 0;
	op = data[0] & 0x0f;
	stub = malloc(size - 1 ? size - 1 : 1);
	if (!stub)
		return 0;
	memcpy(stub, data + 1, size - 1);
	__epm_rd_init(&r, stub, size - 1, data[0] & 0x80);
	switch (op) {
	case 0: {
		struct ept_entries e;

		if (!__ept_dec_insert(&r, &e, &replace)) {
			rpc_epdb_insert(db, e.e, e.n, replace, NULL);
			__ept_entries_free(&e);
		}
		if (rpc_epdb_count(db) > 2000) {
			rpc_epdb_free(db);
			db = NULL;
			rpc_epdb_create(&db);
		}
		break;
	}
	case 1: {
		struct ept_entries e;

		if (!__ept_dec_delete(&r, &e)) {
			rpc_epdb_delete(db, e.e, e.n, NULL);
			__ept_entries_free(&e);
		}
		break;
	}
	case 2: {
		struct ept_lookup_in in;
		struct rpc_epdb_cursor *c = NULL;

		if (!__ept_dec_lookup(&r, &in) && in.max_ents <= RPC_EPM_MAX_ENTS) {
			struct rpc_epdb_lookup_req req = {
				.inquiry_type = in.inquiry_type,
				.object = in.has_object ? &in.object : NULL,
				.iface = in.has_iface ? &in.iface : NULL,
				.vers_option = in.vers_option,
				.max_ents = in.max_ents,
			};

			if (rpc_epdb_lookup(db, &req, &c, res, &n) >= 0)
				rpc_epdb_results_free(res, n);
			rpc_epdb_cursor_free(db, c);
		}
		break;
	}
	case 3: {
		struct ept_map_in in;
		struct rpc_epdb_cursor *c = NULL;

		if (!__ept_dec_map(&r, &in) && in.max_towers <= RPC_EPM_MAX_ENTS) {
			if (rpc_epdb_map(db, in.has_object ? &in.object : NULL,
					 in.tower, in.tower_len, in.max_towers,
					 0x0100007f, &c, res, &n) >= 0)
				rpc_epdb_results_free(res, n);
			rpc_epdb_cursor_free(db, c);
		}
		break;
	}
	case 4: {
		struct ept_mgmt_delete_in in;

		if (!__ept_dec_mgmt_delete(&r, &in))
			rpc_epdb_mgmt_delete(db, in.object_speced, &in.object,
					     in.tower, in.tower_len, NULL);
		break;
	}
	case 5:
		if (!__ept_dec_lookup_out(&r, &h, &out, &n, &st)) {
			rpc_epdb_results_free(out, n);
			free(out);
		}
		break;
	case 6:
		if (!__ept_dec_map_out(&r, &h, &out, &n, &st)) {
			rpc_epdb_results_free(out, n);
			free(out);
		}
		break;
	default:
		query();
		break;
	}
	free(stub);
	return 0;
}
