// SPDX-License-Identifier: MIT
/*
 * The endpoint map without a network: insert with and without replace,
 * delete, every inquiry type and version option, paging through cursors
 * with the statuses Windows/impacket and Samba expect, ept_map with
 * objects, the nil object, the mgmt interface and max_towers, owners that
 * die, mgmt_delete.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <lrpc/epm.h>
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#define NOT_REG ((int)ept_s_not_registered)

static struct rpc_syntax_id if_a = {
	{ 0x4c4b2e1a, 0x8f5d, 0x4d3b, 0x9a, 0x6e,
	  { 0x2b, 0x7c, 0x1d, 0x0e, 0x5f, 0x91 } }, 1, 2
};
static struct rpc_syntax_id if_b = {
	{ 0x60a15ec5, 0x4de8, 0x11d7, 0xa6, 0x37,
	  { 0x00, 0x50, 0x56, 0xa2, 0x01, 0x82 } }, 1, 0
};
static const struct rpc_syntax_id mgmt_if = {
	{ 0xafa8bd80, 0x7d8a, 0x11c9, 0xbe, 0xf4,
	  { 0x08, 0x00, 0x2b, 0x10, 0x29, 0x89 } }, 1, 0
};
static const rpc_uuid_t nil;
static rpc_uuid_t obj1 = { 0x11111111, 1, 1, 1, 1, { 1, 1, 1, 1, 1, 1 } };
static rpc_uuid_t obj2 = { 0x22222222, 2, 2, 2, 2, { 2, 2, 2, 2, 2, 2 } };

/* Build an entry; the tower stays allocated until the test ends. */
static struct rpc_epm_entry ent(const char *binding,
				const struct rpc_syntax_id *ifid,
				const rpc_uuid_t *obj, const char *ann)
{
	struct rpc_epm_entry e = { 0 };
	uint8_t *t = NULL;
	size_t len = 0;

	if (rpc_tower_from_binding(binding, ifid, NULL, &t, &len))
		abort();
	e.tower = t;
	e.tower_len = len;
	e.object = obj ? *obj : nil;
	snprintf(e.annotation, sizeof(e.annotation), "%s", ann);
	return e;
}

static void ent_free(struct rpc_epm_entry *e)
{
	free((void *)e->tower);
}

/* Endpoint of a result, for compact checks. */
static const char *ep_of(const struct rpc_epdb_result *r)
{
	static char buf[8][600];
	static int k;
	struct rpc_tower_info info;

	k = (k + 1) & 7;
	if (rpc_tower_decode(r->tower, r->tower_len, &info))
		return "?";
	snprintf(buf[k], sizeof(buf[k]), "%s:%s[%s]", info.protseq,
		 info.netaddr, info.endpoint);
	return buf[k];
}

/* Field 22 of /proc/PID/stat, as lib/epm/owner.c reads it. */
static int read_start_time(pid_t pid, uint64_t *out)
{
	char path[64], buf[1024], *p;
	unsigned long long v = 0;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (!p || !(p = strrchr(buf, ')')))
		return -1;
	p++;
	for (i = 3; i < 22 && p; i++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p, " %llu", &v) != 1)
		return -1;
	*out = v;
	return 0;
}

FIXTURE(db) {
	struct rpc_epdb *db;
	struct rpc_epm_entry e[6];
	struct rpc_epdb_result res[RPC_EPM_MAX_ENTS];
};

FIXTURE_SETUP(db)
{
	ASSERT_EQ(0, rpc_epdb_create(&self->db));
	self->e[0] = ent("ncacn_ip_tcp:127.0.0.1[1000]", &if_a, NULL, "a tcp");
	self->e[1] = ent("ncadg_ip_udp:127.0.0.1[1001]", &if_a, NULL, "a udp");
	self->e[2] = ent("ncalrpc:[a]", &if_a, NULL, "a lrpc");
	self->e[3] = ent("ncacn_ip_tcp:127.0.0.1[2000]", &if_b, &obj1, "b obj1");
	self->e[4] = ent("ncacn_ip_tcp:0.0.0.0[2001]", &if_b, NULL, "b nil");
	self->e[5] = ent("ncacn_ip_tcp:127.0.0.1[2002]", &if_b, &obj2, "b obj2");
	ASSERT_EQ(0, rpc_epdb_insert(self->db, self->e, 6, false, NULL));
	ASSERT_EQ(6, rpc_epdb_count(self->db));
}

FIXTURE_TEARDOWN(db)
{
	int i;

	for (i = 0; i < 6; i++)
		ent_free(&self->e[i]);
	rpc_epdb_free(self->db);
}

static int lookup(struct rpc_epdb *db, uint32_t type, const rpc_uuid_t *obj,
		  const struct rpc_syntax_id *ifid, uint32_t vers, uint32_t max,
		  struct rpc_epdb_cursor **c, struct rpc_epdb_result *res,
		  uint32_t *n)
{
	struct rpc_epdb_lookup_req req = {
		.inquiry_type = type, .object = obj, .iface = ifid,
		.vers_option = vers, .max_ents = max,
	};

	return rpc_epdb_lookup(db, &req, c, res, n);
}

TEST_F(db, all_elts_one_page_windows_style)
{
	struct rpc_epdb_cursor *c = NULL;
	uint32_t n;

	/* impacket: max 500, C706 vers_option: status 0, handle freed */
	EXPECT_EQ(0, lookup(self->db, RPC_EP_ALL_ELTS, NULL, NULL,
			    RPC_VERS_ALL, 500, &c, self->res, &n));
	EXPECT_EQ(6, n);
	EXPECT_EQ(NULL, c);
	EXPECT_STREQ("a tcp", self->res[0].annotation);
	EXPECT_STREQ("ncacn_ip_tcp:127.0.0.1[1000]", ep_of(&self->res[0]));
	EXPECT_STREQ("ncalrpc:[a]", ep_of(&self->res[2]));
	EXPECT_EQ(0, rpc_uuid_compare(&obj1, &self->res[3].object));
	rpc_epdb_results_free(self->res, n);
}

TEST_F(db, all_elts_paging)
{
	struct rpc_epdb_cursor *c = NULL;
	uint32_t n;

	EXPECT_EQ(0, lookup(self->db, 0, NULL, NULL, 1, 4, &c, self->res, &n));
	EXPECT_EQ(4, n);
	ASSERT_NE(NULL, c);
	rpc_epdb_results_free(self->res, n);
	/* the last two: status 0, handle freed */
	EXPECT_EQ(0, lookup(self->db, 0, NULL, NULL, 1, 4, &c, self->res, &n));
	EXPECT_EQ(2, n);
	EXPECT_EQ(NULL, c);
	EXPECT_STREQ("b obj2", self->res[1].annotation);
	rpc_epdb_results_free(self->res, n);
	/* a full last page, Windows style: handle freed too */
	EXPECT_EQ(0, lookup(self->db, 0, NULL, NULL, 1, 6, &c, self->res, &n));
	EXPECT_EQ(6, n);
	EXPECT_EQ(NULL, c);
	rpc_epdb_results_free(self->res, n);
}

TEST_F(db, all_elts_paging_samba_style)
{
	struct rpc_epdb_cursor *c = NULL;
	uint32_t n, total = 0;
	int st;

	/* smbtorture Lookup_simple: vers_option 0, max 10: one short page
	 * that carries ept_s_not_registered and a null handle */
	EXPECT_EQ(NOT_REG, lookup(self->db, 0, NULL, NULL, 0, 10, &c, self->res, &n));
	EXPECT_EQ(6, n);
	EXPECT_EQ(NULL, c);
	rpc_epdb_results_free(self->res, n);
	/* rpcclient epmlookup: max 1, every page full, then the end */
	do {
		st = lookup(self->db, 0, NULL, NULL, 0, 1, &c, self->res, &n);
		total += n;
		rpc_epdb_results_free(self->res, n);
		if (st == 0)
			ASSERT_NE(NULL, c);
	} while (st == 0 && total < 100);
	EXPECT_EQ(NOT_REG, st);
	EXPECT_EQ(6, total);
	EXPECT_EQ(NULL, c);
	/* Lookup_terminate_search: max 2, status 0, live handle, freed */
	EXPECT_EQ(0, lookup(self->db, 0, NULL, NULL, 0, 2, &c, self->res, &n));
	EXPECT_EQ(2, n);
	ASSERT_NE(NULL, c);
	rpc_epdb_results_free(self->res, n);
	rpc_epdb_cursor_free(self->db, c);
}

TEST_F(db, match_by_if_versions)
{
	struct rpc_syntax_id q = if_a;
	struct rpc_epdb_cursor *c = NULL;
	uint32_t n;

	q.major = 1;
	q.minor = 2;
	EXPECT_EQ(0, lookup(self->db, RPC_EP_MATCH_BY_IF, NULL, &q,
			    RPC_VERS_EXACT, 100, &c, self->res, &n));
	EXPECT_EQ(3, n);
	rpc_epdb_results_free(self->res, n);
	q.minor = 3;	/* entries are 1.2 */
	EXPECT_EQ(NOT_REG, lookup(self->db, 1, NULL, &q, RPC_VERS_EXACT, 100, &c, self->res, &n));
	EXPECT_EQ(NOT_REG, lookup(self->db, 1, NULL, &q, RPC_VERS_COMPATIBLE, 100, &c, self->res, &n));
	EXPECT_EQ(0, lookup(self->db, 1, NULL, &q, RPC_VERS_UPTO, 100, &c, self->res, &n));
	EXPECT_EQ(3, n);
	rpc_epdb_results_free(self->res, n);
	EXPECT_EQ(0, lookup(self->db, 1, NULL, &q, RPC_VERS_MAJOR_ONLY, 100, &c, self->res, &n));
	EXPECT_EQ(3, n);
	rpc_epdb_results_free(self->res, n);
	q.minor = 1;
	EXPECT_EQ(0, lookup(self->db, 1, NULL, &q, RPC_VERS_COMPATIBLE, 100, &c, self->res, &n));
	EXPECT_EQ(3, n);
	rpc_epdb_results_free(self->res, n);
	EXPECT_EQ(NOT_REG, lookup(self->db, 1, NULL, &q, RPC_VERS_UPTO, 100, &c, self->res, &n));
	q.major = 2;
	EXPECT_EQ(NOT_REG, lookup(self->db, 1, NULL, &q, RPC_VERS_MAJOR_ONLY, 100, &c, self->res, &n));
	EXPECT_EQ(0, lookup(self->db, 1, NULL, &q, RPC_VERS_UPTO, 100, &c, self->res, &n));
	EXPECT_EQ(3, n);
	rpc_epdb_results_free(self->res, n);
	EXPECT_EQ(0, lookup(self->db, 1, NULL, &q, RPC_VERS_ALL, 100, &c, self->res, &n));
	EXPECT_EQ(3, n);
	rpc_epdb_results_free(self->res, n);
	/* unknown options and inquiry types */
	EXPECT_EQ(-(int)ept_s_cant_perform_op,
		  lookup(self->db, 1, NULL, &q, 6, 100, &c, self->res, &n));
	EXPECT_EQ(-(int)ept_s_cant_perform_op,
		  lookup(self->db, 4, NULL, NULL, 1, 100, &c, self->res, &n));
	EXPECT_EQ(NULL, c);
}

TEST_F(db, match_by_obj_and_both)
{
	struct rpc_epdb_cursor *c = NULL;
	uint32_t n;

	EXPECT_EQ(0, lookup(self->db, RPC_EP_MATCH_BY_OBJ, &obj1, NULL, 1, 100, &c, self->res, &n));
	EXPECT_EQ(1, n);
	EXPECT_STREQ("b obj1", self->res[0].annotation);
	rpc_epdb_results_free(self->res, n);
	EXPECT_EQ(0, lookup(self->db, RPC_EP_MATCH_BY_OBJ, &nil, NULL, 1, 100, &c, self->res, &n));
	EXPECT_EQ(4, n);
	rpc_epdb_results_free(self->res, n);
	EXPECT_EQ(0, lookup(self->db, RPC_EP_MATCH_BY_BOTH, &obj2, &if_b, 1, 100, &c, self->res, &n));
	EXPECT_EQ(1, n);
	EXPECT_STREQ("b obj2", self->res[0].annotation);
	rpc_epdb_results_free(self->res, n);
	EXPECT_EQ(NOT_REG, lookup(self->db, RPC_EP_MATCH_BY_BOTH, &obj2, &if_a, 1, 100, &c, self->res, &n));
}

static int map(struct rpc_epdb *db, const rpc_uuid_t *obj, const char *binding,
	       const struct rpc_syntax_id *ifid, uint32_t max,
	       struct rpc_epdb_cursor **c, struct rpc_epdb_result *res,
	       uint32_t *n)
{
	uint8_t *t;
	size_t len;
	int ret;

	if (rpc_tower_from_binding(binding, ifid, NULL, &t, &len))
		abort();
	ret = rpc_epdb_map(db, obj, t, len, max, 0, c, res, n);
	free(t);
	return ret;
}

TEST_F(db, map_protseq_and_version)
{
	struct rpc_epdb_cursor *c = NULL;
	struct rpc_syntax_id q = if_a;
	uint32_t n;

	EXPECT_EQ(0, map(self->db, NULL, "ncacn_ip_tcp:", &if_a, 4, &c, self->res, &n));
	EXPECT_EQ(1, n);
	EXPECT_EQ(NULL, c);
	EXPECT_STREQ("ncacn_ip_tcp:127.0.0.1[1000]", ep_of(&self->res[0]));
	rpc_epdb_results_free(self->res, n);
	EXPECT_EQ(0, map(self->db, NULL, "ncadg_ip_udp:", &if_a, 4, &c, self->res, &n));
	EXPECT_STREQ("ncadg_ip_udp:127.0.0.1[1001]", ep_of(&self->res[0]));
	rpc_epdb_results_free(self->res, n);
	EXPECT_EQ(0, map(self->db, NULL, "ncalrpc:", &if_a, 4, &c, self->res, &n));
	EXPECT_STREQ("ncalrpc:[a]", ep_of(&self->res[0]));
	rpc_epdb_results_free(self->res, n);
	/* minor version: the entry's must be >= the one asked for */
	q.minor = 1;
	EXPECT_EQ(0, map(self->db, NULL, "ncacn_ip_tcp:", &q, 4, &c, self->res, &n));
	EXPECT_EQ(1, n);
	rpc_epdb_results_free(self->res, n);
	q.minor = 3;
	EXPECT_EQ(NOT_REG, map(self->db, NULL, "ncacn_ip_tcp:", &q, 4, &c, self->res, &n));
	q.minor = 2;
	q.major = 2;
	EXPECT_EQ(NOT_REG, map(self->db, NULL, "ncacn_ip_tcp:", &q, 4, &c, self->res, &n));
	EXPECT_EQ(NOT_REG, map(self->db, NULL, "ncacn_np:", &if_a, 4, &c, self->res, &n));
	EXPECT_EQ(NULL, c);
	/* a malformed map tower */
	EXPECT_EQ(NOT_REG, rpc_epdb_map(self->db, NULL, (const uint8_t *)"\1", 1,
					4, 0, &c, self->res, &n));
	EXPECT_EQ(NOT_REG, rpc_epdb_map(self->db, NULL, NULL, 0, 4, 0, &c,
					self->res, &n));
	EXPECT_EQ(-(int)rpc_s_invalid_bound,
		  map(self->db, NULL, "ncacn_ip_tcp:", &if_a, 501, &c, self->res, &n));
}

TEST_F(db, map_objects)
{
	struct rpc_epdb_cursor *c = NULL;
	rpc_uuid_t other = obj1;
	uint32_t n;

	/* object with entries: only those */
	EXPECT_EQ(0, map(self->db, &obj1, "ncacn_ip_tcp:", &if_b, 10, &c, self->res, &n));
	EXPECT_EQ(1, n);
	EXPECT_STREQ("ncacn_ip_tcp:127.0.0.1[2000]", ep_of(&self->res[0]));
	rpc_epdb_results_free(self->res, n);
	/* unknown object: the nil-object registrations */
	other.time_low = 0x33;
	EXPECT_EQ(0, map(self->db, &other, "ncacn_ip_tcp:", &if_b, 10, &c, self->res, &n));
	EXPECT_EQ(1, n);
	EXPECT_STREQ("ncacn_ip_tcp:0.0.0.0[2001]", ep_of(&self->res[0]));
	rpc_epdb_results_free(self->res, n);
	/* no object / nil object: the same */
	EXPECT_EQ(0, map(self->db, NULL, "ncacn_ip_tcp:", &if_b, 10, &c, self->res, &n));
	EXPECT_EQ(1, n);
	rpc_epdb_results_free(self->res, n);
	EXPECT_EQ(0, map(self->db, &nil, "ncacn_ip_tcp:", &if_b, 10, &c, self->res, &n));
	EXPECT_EQ(1, n);
	rpc_epdb_results_free(self->res, n);
}

TEST_F(db, map_any_interface_and_local_ip)
{
	struct rpc_epdb_cursor *c = NULL;
	static const struct rpc_syntax_id nil_if;
	uint8_t *t;
	size_t len;
	uint32_t n, lo = htonl(0x7f000001);

	/* mgmt calls on a partial binding with an object: any server that
	 * registered the object */
	EXPECT_EQ(0, map(self->db, &obj2, "ncacn_ip_tcp:", &mgmt_if, 10, &c, self->res, &n));
	EXPECT_EQ(1, n);
	EXPECT_STREQ("ncacn_ip_tcp:127.0.0.1[2002]", ep_of(&self->res[0]));
	rpc_epdb_results_free(self->res, n);
	/* the nil interface: every nil-object tcp entry */
	EXPECT_EQ(0, map(self->db, NULL, "ncacn_ip_tcp:", &nil_if, 10, &c, self->res, &n));
	EXPECT_EQ(2, n);
	rpc_epdb_results_free(self->res, n);
	/* 0.0.0.0 in a registered tower becomes the address we were reached on */
	ASSERT_EQ(0, rpc_tower_from_binding("ncacn_ip_tcp:", &if_b, NULL, &t, &len));
	EXPECT_EQ(0, rpc_epdb_map(self->db, NULL, t, len, 10, lo, &c, self->res, &n));
	EXPECT_EQ(1, n);
	EXPECT_STREQ("ncacn_ip_tcp:127.0.0.1[2001]", ep_of(&self->res[0]));
	rpc_epdb_results_free(self->res, n);
	free(t);
}

TEST_F(db, map_paging)
{
	struct rpc_epdb_cursor *c = NULL;
	struct rpc_epm_entry more[3];
	uint32_t n;
	int i;

	more[0] = ent("ncacn_ip_tcp:127.0.0.1[3000]", &if_a, NULL, "");
	more[1] = ent("ncacn_ip_tcp:127.0.0.2[3001]", &if_a, NULL, "");
	more[2] = ent("ncacn_ip_tcp:127.0.0.3[3002]", &if_a, NULL, "");
	ASSERT_EQ(0, rpc_epdb_insert(self->db, more, 3, false, NULL));
	EXPECT_EQ(0, map(self->db, NULL, "ncacn_ip_tcp:", &if_a, 2, &c, self->res, &n));
	EXPECT_EQ(2, n);
	ASSERT_NE(NULL, c);
	rpc_epdb_results_free(self->res, n);
	EXPECT_EQ(0, map(self->db, NULL, "ncacn_ip_tcp:", &if_a, 2, &c, self->res, &n));
	EXPECT_EQ(2, n);
	EXPECT_EQ(NULL, c);
	EXPECT_STREQ("ncacn_ip_tcp:127.0.0.3[3002]", ep_of(&self->res[1]));
	rpc_epdb_results_free(self->res, n);
	/* max_towers 0 returns nothing */
	EXPECT_EQ(NOT_REG, map(self->db, NULL, "ncacn_ip_tcp:", &if_a, 0, &c, self->res, &n));
	EXPECT_EQ(0, n);
	for (i = 0; i < 3; i++)
		ent_free(&more[i]);
}

TEST_F(db, insert_replace_and_same_entry)
{
	struct rpc_epm_entry e[2];
	struct rpc_epdb_cursor *c = NULL;
	uint32_t n;

	/* the same entry again: updated in place */
	e[0] = ent("ncacn_ip_tcp:127.0.0.1[1000]", &if_a, NULL, "renamed");
	ASSERT_EQ(0, rpc_epdb_insert(self->db, e, 1, false, NULL));
	EXPECT_EQ(6, rpc_epdb_count(self->db));
	/* no replace: a second tcp endpoint is added */
	e[1] = ent("ncacn_ip_tcp:127.0.0.1[1005]", &if_a, NULL, "second");
	ASSERT_EQ(0, rpc_epdb_insert(self->db, &e[1], 1, false, NULL));
	EXPECT_EQ(7, rpc_epdb_count(self->db));
	ent_free(&e[1]);
	/* replace: a restarted server's new port replaces both tcp ports
	 * on that address, not udp or lrpc, not other interfaces */
	e[1] = ent("ncacn_ip_tcp:127.0.0.1[1010]", &if_a, NULL, "restarted");
	ASSERT_EQ(0, rpc_epdb_insert(self->db, &e[1], 1, true, NULL));
	EXPECT_EQ(6, rpc_epdb_count(self->db));
	EXPECT_EQ(0, map(self->db, NULL, "ncacn_ip_tcp:", &if_a, 10, &c, self->res, &n));
	EXPECT_EQ(1, n);
	EXPECT_STREQ("ncacn_ip_tcp:127.0.0.1[1010]", ep_of(&self->res[0]));
	rpc_epdb_results_free(self->res, n);
	/* two endpoints in one replacing insert both stay */
	ent_free(&e[0]);
	ent_free(&e[1]);
	e[0] = ent("ncacn_ip_tcp:127.0.0.1[1020]", &if_a, NULL, "x");
	e[1] = ent("ncacn_ip_tcp:127.0.0.1[1021]", &if_a, NULL, "y");
	ASSERT_EQ(0, rpc_epdb_insert(self->db, e, 2, true, NULL));
	EXPECT_EQ(7, rpc_epdb_count(self->db));
	ent_free(&e[0]);
	ent_free(&e[1]);
}

TEST_F(db, insert_rejects_bad_towers_atomically)
{
	struct rpc_epm_entry e[2];
	static const uint8_t junk[] = { 1, 0, 1, 0, 7, 0, 0 };

	e[0] = ent("ncacn_ip_tcp:127.0.0.1[4000]", &if_a, NULL, "ok");
	e[1] = e[0];
	e[1].tower = junk;
	e[1].tower_len = sizeof(junk);
	EXPECT_EQ(-(int)ept_s_invalid_entry, rpc_epdb_insert(self->db, e, 2, false, NULL));
	EXPECT_EQ(6, rpc_epdb_count(self->db));
	e[1].tower = NULL;
	EXPECT_EQ(-(int)ept_s_invalid_entry, rpc_epdb_insert(self->db, e, 2, false, NULL));
	EXPECT_EQ(6, rpc_epdb_count(self->db));
	ent_free(&e[0]);
}

TEST_F(db, delete_and_mgmt_delete)
{
	struct rpc_epm_entry e = self->e[3];

	/* delete needs object + tower; the annotation does not matter */
	snprintf(e.annotation, sizeof(e.annotation), "smbtorture");
	EXPECT_EQ(0, rpc_epdb_delete(self->db, &e, 1, NULL));
	EXPECT_EQ(5, rpc_epdb_count(self->db));
	EXPECT_EQ(-(int)ept_s_not_registered, rpc_epdb_delete(self->db, &e, 1, NULL));
	e.object = nil;	/* e[3] was registered with obj1 */
	e = self->e[5];
	e.object = obj1;
	EXPECT_EQ(-(int)ept_s_not_registered, rpc_epdb_delete(self->db, &e, 1, NULL));
	EXPECT_EQ(5, rpc_epdb_count(self->db));
	/* mgmt_delete by tower, with and without the object */
	EXPECT_EQ(-(int)ept_s_not_registered,
		  rpc_epdb_mgmt_delete(self->db, true, &obj1, self->e[5].tower,
				       self->e[5].tower_len, NULL));
	EXPECT_EQ(0, rpc_epdb_mgmt_delete(self->db, false, NULL, self->e[5].tower,
					  self->e[5].tower_len, NULL));
	EXPECT_EQ(4, rpc_epdb_count(self->db));
	EXPECT_EQ(0, rpc_epdb_mgmt_delete(self->db, true, &nil, self->e[0].tower,
					  self->e[0].tower_len, NULL));
	EXPECT_EQ(3, rpc_epdb_count(self->db));
}

TEST_F(db, dead_owner_reaped)
{
	struct rpc_epm_owner me, dead;
	struct rpc_epm_entry e[2];
	struct rpc_epdb_cursor *c = NULL;
	uint32_t n;
	pid_t pid;
	int st;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		pause();
		_exit(0);
	}
	memset(&dead, 0, sizeof(dead));
	memset(&me, 0, sizeof(me));
	dead.pid = pid;
	me.pid = getpid();
	ASSERT_EQ(0, read_start_time(pid, &dead.start_time));
	ASSERT_EQ(0, read_start_time(me.pid, &me.start_time));
	e[0] = ent("ncacn_ip_tcp:127.0.0.1[5000]", &if_a, NULL, "dies");
	e[1] = ent("ncacn_ip_tcp:127.0.0.1[5001]", &if_a, NULL, "lives");
	ASSERT_EQ(0, rpc_epdb_insert(self->db, &e[0], 1, false, &dead));
	ASSERT_EQ(0, rpc_epdb_insert(self->db, &e[1], 1, false, &me));
	EXPECT_EQ(8, rpc_epdb_count(self->db));
	EXPECT_EQ(0, rpc_epdb_reap(self->db));
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	/* a lookup never shows the dead server's endpoint */
	EXPECT_EQ(0, map(self->db, NULL, "ncacn_ip_tcp:", &if_a, 10, &c, self->res, &n));
	EXPECT_EQ(2, n);
	EXPECT_STREQ("ncacn_ip_tcp:127.0.0.1[1000]", ep_of(&self->res[0]));
	EXPECT_STREQ("ncacn_ip_tcp:127.0.0.1[5001]", ep_of(&self->res[1]));
	rpc_epdb_results_free(self->res, n);
	EXPECT_EQ(7, rpc_epdb_count(self->db));
	EXPECT_EQ(1, rpc_epdb_remove_owner(self->db, &me));
	EXPECT_EQ(6, rpc_epdb_count(self->db));
	ent_free(&e[0]);
	ent_free(&e[1]);
}

/* One local user cannot replace or delete another user's registration. */
TEST_F(db, other_users_entries)
{
	struct rpc_epm_owner alice = { getpid(), 1000, 0 }, bob, root,
			     unknown = { 0 };
	struct rpc_epm_entry e[2];
	struct rpc_epdb_cursor *c = NULL;
	uint32_t n;

	/* our own start time, so that the entries stay alive */
	ASSERT_EQ(0, read_start_time(getpid(), &alice.start_time));
	bob = alice;
	bob.uid = 1001;
	root = alice;
	root.uid = 0;
	e[0] = ent("ncacn_ip_tcp:127.0.0.1[7000]", &if_a, &obj2, "alice");
	e[1] = ent("ncacn_ip_tcp:127.0.0.1[7666]", &if_a, &obj2, "bob");
	ASSERT_EQ(0, rpc_epdb_insert(self->db, &e[0], 1, false, &alice));
	/* bob's replacing insert would remove alice's entry: refused */
	EXPECT_EQ(-EACCES, rpc_epdb_insert(self->db, &e[1], 1, true, &bob));
	/* refreshing alice's own entry as bob: refused too */
	EXPECT_EQ(-EACCES, rpc_epdb_insert(self->db, &e[0], 1, false, &bob));
	EXPECT_EQ(-EACCES, rpc_epdb_insert(self->db, &e[0], 1, false, &unknown));
	/* without replace bob may add his own */
	EXPECT_EQ(0, rpc_epdb_insert(self->db, &e[1], 1, false, &bob));
	EXPECT_EQ(-EACCES, rpc_epdb_delete(self->db, &e[0], 1, &bob));
	EXPECT_EQ(-EACCES, rpc_epdb_mgmt_delete(self->db, false, NULL, e[0].tower,
						e[0].tower_len, &bob));
	EXPECT_EQ(-EACCES, rpc_epdb_delete(self->db, &e[0], 1, &unknown));
	/* unowned entries are anyone's */
	EXPECT_EQ(0, rpc_epdb_delete(self->db, &self->e[0], 1, &unknown));
	/* nor may alice's replacing insert remove bob's entry */
	EXPECT_EQ(-EACCES, rpc_epdb_insert(self->db, &e[0], 1, true, &alice));
	/* root deletes bob's; then alice replaces her own */
	EXPECT_EQ(0, rpc_epdb_delete(self->db, &e[1], 1, &root));
	EXPECT_EQ(0, rpc_epdb_insert(self->db, &e[0], 1, true, &alice));
	EXPECT_EQ(0, map(self->db, &obj2, "ncacn_ip_tcp:", &if_a, 10, &c, self->res, &n));
	EXPECT_EQ(1, n);
	EXPECT_STREQ("alice", self->res[0].annotation);
	rpc_epdb_results_free(self->res, n);
	EXPECT_EQ(0, rpc_epdb_delete(self->db, &e[0], 1, &alice));
	ent_free(&e[0]);
	ent_free(&e[1]);
}

TEST_F(db, cursor_survives_changes)
{
	struct rpc_epdb_cursor *c = NULL;
	struct rpc_epm_entry e;
	uint32_t n;

	EXPECT_EQ(0, lookup(self->db, 0, NULL, NULL, 1, 3, &c, self->res, &n));
	rpc_epdb_results_free(self->res, n);
	ASSERT_NE(NULL, c);
	/* entries deleted and added between pages */
	EXPECT_EQ(0, rpc_epdb_delete(self->db, &self->e[4], 1, NULL));
	e = ent("ncacn_ip_tcp:127.0.0.1[6000]", &if_a, NULL, "late");
	ASSERT_EQ(0, rpc_epdb_insert(self->db, &e, 1, false, NULL));
	EXPECT_EQ(0, lookup(self->db, 0, NULL, NULL, 1, 10, &c, self->res, &n));
	EXPECT_EQ(3, n);
	EXPECT_STREQ("b obj1", self->res[0].annotation);
	EXPECT_STREQ("b obj2", self->res[1].annotation);
	EXPECT_STREQ("late", self->res[2].annotation);
	EXPECT_EQ(NULL, c);
	rpc_epdb_results_free(self->res, n);
	ent_free(&e);
}

TEST(cursor_limit)
{
	struct rpc_epdb *db;
	struct rpc_epdb_cursor *c[4097];
	struct rpc_epm_entry e[2];
	struct rpc_epdb_result res[1];
	uint32_t n;
	int i;

	ASSERT_EQ(0, rpc_epdb_create(&db));
	e[0] = ent("ncacn_ip_tcp:127.0.0.1[1]", &if_a, NULL, "");
	e[1] = ent("ncacn_ip_tcp:127.0.0.1[2]", &if_a, NULL, "");
	ASSERT_EQ(0, rpc_epdb_insert(db, e, 2, false, NULL));
	for (i = 0; i < 4096; i++) {
		c[i] = NULL;
		ASSERT_EQ(0, lookup(db, 0, NULL, NULL, 1, 1, &c[i], res, &n));
		rpc_epdb_results_free(res, n);
		ASSERT_NE(NULL, c[i]);
	}
	c[i] = NULL;
	EXPECT_EQ(-(int)ept_s_cant_perform_op,
		  lookup(db, 0, NULL, NULL, 1, 1, &c[i], res, &n));
	for (i = 0; i < 4096; i++)
		rpc_epdb_cursor_rundown(c[i]);
	c[0] = NULL;
	EXPECT_EQ(0, lookup(db, 0, NULL, NULL, 1, 1, &c[0], res, &n));
	rpc_epdb_results_free(res, n);
	rpc_epdb_cursor_rundown(c[0]);
	ent_free(&e[0]);
	ent_free(&e[1]);
	rpc_epdb_free(db);
}

TEST_HARNESS_MAIN
