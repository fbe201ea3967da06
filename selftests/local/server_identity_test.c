// SPDX-License-Identifier: MIT
/*
 * Server identity for ncalrpc (issue 14): a client talks only to a
 * server owned by the uid it expects -- by default its own or root --
 * checked before anything is sent, through the kernel and over the
 * AF_UNIX fallback alike.
 *
 *   this process (root) --ncalrpc:[E]--> squatter (fork, setuid 65534)
 *        default: -rpc_s_auth_mut_fail, the squatter's manager never runs
 *        server_uid=65534: served; server_uid=<another>: refused
 *   this process --LRPC_EPMAPPER=ncalrpc:[M]--> mapper of uid 65534:
 *        refused unless LRPC_EPM_UID names that uid
 *
 * Each case runs through the kernel (skipped without /dev/lrpc) and over
 * the fallback (LRPC_NO_KERNEL=1).  The other uid is a forked child (no
 * exec: nothing here needs the build tree to be readable by it).  Cases
 * that need another uid skip when not run as root.  user_names needs
 * a module with LRPC_F_USER_NAMES and skips on one without.
 * tests/local/server_identity_test.c runs this same file natively.
 */
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <lrpc/rpc.h>
#include <lrpc/epm.h>
#include "runtime/server_int.h"
#include "engine/lpc/lpc_int.h"

#include "kselftest_harness.h"

#define OTHER_UID	65534
#define THIRD_UID	65533

static const struct rpc_interface who_if = {
	.id = { { 0x3d0e52a1, 0x7c44, 0x4f19, 0xa2, 0x6b,
		  { 0x51, 0x0c, 0x9e, 0x2d, 0x44, 0x17 } }, 1, 0 },
	.name = "who",
	.nprocs = 1,
};

/* calls the managers of this process and its children ran (shared) */
static atomic_int *calls;

/* opnum 0: the server's euid (u32) */
static int who_dispatch(struct rpc_call_ctx *call, uint16_t opnum,
			const uint8_t *in, size_t inlen, struct ndr_buf *out)
{
	uint32_t uid = geteuid();

	atomic_fetch_add(calls, 1);
	return __ndr_buf_put(out, &uid, sizeof(uid));
}

/* The euid of the server that answered on binding s, or < 0. */
static int who(const char *s, uid_t expect_set)
{
	struct rpc_binding *b;
	struct rpc_reply rep;
	uint32_t uid;
	int ret;

	ret = rpc_binding_from_string(s, &b);
	if (ret < 0)
		return ret;
	if (expect_set != RPC_SERVER_UID_DEFAULT)
		rpc_binding_set_server_uid(b, expect_set);
	ret = rpc_call_raw(b, &who_if.id, 0, NULL, 0, &rep);
	if (!ret) {
		ret = rep.len == 4 ? 0 : -EPROTO;
		if (!ret) {
			memcpy(&uid, rep.data, 4);
			ret = (int)uid;
		}
		rpc_reply_release(&rep);
	}
	rpc_binding_free(b);
	return ret;
}

/* who() on "ncalrpc:[ep,server_uid=owner]" */
static int who_owner(const char *ep, const char *owner, uid_t expect_set)
{
	char s[160];

	snprintf(s, sizeof(s), "ncalrpc:[%s,server_uid=%s]", ep, owner);
	return who(s, expect_set);
}

static bool have_kernel(void)
{
	return access("/dev/lrpc", R_OK | W_OK) == 0;
}

static struct rpc_server *serve(const char *ep, int *err)
{
	struct rpc_server *srv;

	*err = rpc_server_create(&srv);
	if (*err < 0)
		return NULL;
	*err = __rpc_server_register_raw(srv, &who_if, who_dispatch,
					 SYN_NDR20 | SYN_NDR64);
	if (!*err)
		*err = rpc_server_use_protseq(srv, "ncalrpc", NULL, ep, NULL);
	if (!*err)
		*err = rpc_server_listen(srv, 0);
	if (*err < 0) {
		rpc_server_free(srv);
		return NULL;
	}
	return srv;
}

/*
 * Fork a child that becomes uid and runs fn(ep) (which must not return
 * unless it failed); *status is what it reported (0: ready).  The child
 * inherits this process's /dev/lrpc control fd, opened here first, so
 * it reaches the kernel whatever the device's mode.
 */
static pid_t as_uid(uid_t uid, int (*fn)(const char *, int),
		    const char *ep, int *status)
{
	int p[2];
	pid_t pid;

	__rpc_lpc_dev(NULL);
	*status = -EIO;
	if (pipe(p))
		return -1;
	pid = fork();
	if (!pid) {
		int ret;

		close(p[0]);
		if (setgid(uid) || setuid(uid))
			ret = -EPERM;
		else
			ret = fn(ep, p[1]);
		if (write(p[1], &ret, sizeof(ret)) < 0)
			_exit(2);
		_exit(1);
	}
	close(p[1]);
	if (read(p[0], status, sizeof(*status)) != sizeof(*status))
		*status = -EIO;
	close(p[0]);
	return pid;
}

static void reap(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

/* A child tells the parent it is ready (0), then serves until killed. */
static int ready(int fd)
{
	int ok = 0;

	if (write(fd, &ok, sizeof(ok)) < 0)
		return -EIO;
	for (;;)
		pause();
}

/* A child's server on ep. */
static int squat(const char *ep, int fd)
{
	int ret;
	struct rpc_server *srv = serve(ep, &ret);

	if (!srv)
		return ret;
	return ready(fd);
}

/* A child's endpoint mapper on ep. */
static int squat_epm(const char *ep, int fd)
{
	struct rpc_server *srv;
	struct rpc_epdb *db;
	int ret;

	ret = rpc_epdb_create(&db);
	if (!ret)
		ret = rpc_server_create(&srv);
	if (!ret)
		ret = rpc_epm_server_register(srv, db, 0);
	if (!ret)
		ret = rpc_server_use_protseq(srv, "ncalrpc", NULL, ep, NULL);
	if (!ret)
		ret = rpc_server_listen(srv, 0);
	if (ret)
		return ret;
	return ready(fd);
}

/* A child's raw kernel port "ncalrpc.<ep>", no socket beside it. */
static int squat_port(const char *ep, int fd)
{
	struct lrpc_port_create pc = { .mode = LRPC_MODE_ALL };
	int dev = __rpc_lpc_dev(NULL);

	snprintf(pc.name, sizeof(pc.name), LPC_PORT_PREFIX "%s", ep);
	if (dev < 0 || ioctl(dev, LRPC_IOC_PORT_CREATE, &pc) < 0)
		return -errno;
	return ready(fd);
}

/* A child client: its result (the server's uid, or < 0) as status. */
static int client_of(const char *binding, int fd)
{
	int ret = who(binding, RPC_SERVER_UID_DEFAULT);

	if (write(fd, &ret, sizeof(ret)) < 0)
		_exit(2);
	_exit(0);
}

FIXTURE(identity) {
	char ep[64];
	char binding[96];
	pid_t child;
};

FIXTURE_VARIANT(identity) {
	bool kernel;
};

FIXTURE_VARIANT_ADD(identity, kernel) { .kernel = true };
FIXTURE_VARIANT_ADD(identity, fallback) { .kernel = false };

#define NEED(cond, why)							\
	do {								\
		if (!(cond))						\
			SKIP(return, why);				\
	} while (0)

#define NEED_SETUP()							\
	do {								\
		NEED(!variant->kernel || have_kernel(),			\
		     "/dev/lrpc missing: module not loaded");		\
		NEED(geteuid() == 0, "needs root to setuid a child");	\
	} while (0)

FIXTURE_SETUP(identity)
{
	if (variant->kernel)
		unsetenv("LRPC_NO_KERNEL");
	else
		setenv("LRPC_NO_KERNEL", "1", 1);
	calls = mmap(NULL, sizeof(*calls), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, calls);
	atomic_store(calls, 0);
	snprintf(self->ep, sizeof(self->ep), "id-%d-%d", getpid(),
		 variant->kernel);
	snprintf(self->binding, sizeof(self->binding), "ncalrpc:[%s]",
		 self->ep);
	self->child = -1;
}

FIXTURE_TEARDOWN(identity)
{
	reap(self->child);
	unsetenv("LRPC_NO_KERNEL");
	unsetenv("LRPC_EPMAPPER");
	unsetenv("LRPC_EPM_UID");
}

/* A squatter of another uid: refused, by name; its manager never runs. */
TEST_F(identity, squatter_refused)
{
	NEED_SETUP();
	struct rpc_binding *b;
	struct rpc_reply rep;
	int st;

	self->child = as_uid(OTHER_UID, squat, self->ep, &st);
	ASSERT_EQ(0, st);
	EXPECT_EQ(-rpc_s_auth_mut_fail, who(self->binding,
					    RPC_SERVER_UID_DEFAULT));
	ASSERT_EQ(0, rpc_binding_from_string(self->binding, &b));
	EXPECT_EQ(-rpc_s_auth_mut_fail, rpc_binding_syntax(b, &who_if.id));
	EXPECT_EQ(-rpc_s_auth_mut_fail,
		  rpc_call_raw(b, &who_if.id, 0, NULL, 0, &rep));
	rpc_binding_free(b);
	/* root is not an owner one names to get "any" */
	EXPECT_EQ(-rpc_s_auth_mut_fail, who(self->binding, 0));
	EXPECT_EQ(0, atomic_load(calls));
	EXPECT_STREQ("rpc_s_auth_mut_fail",
		     rpc_status_name(-rpc_s_auth_mut_fail));
}

/* Naming the squatter's uid (option, user name, API) reaches it. */
TEST_F(identity, server_uid_named)
{
	NEED_SETUP();
	struct passwd *pw = getpwuid(OTHER_UID);
	int st;

	self->child = as_uid(OTHER_UID, squat, self->ep, &st);
	ASSERT_EQ(0, st);
	EXPECT_EQ(OTHER_UID, who_owner(self->ep, "65534",
				       RPC_SERVER_UID_DEFAULT));
	EXPECT_EQ(OTHER_UID, who(self->binding, OTHER_UID));
	if (pw)
		EXPECT_EQ(OTHER_UID, who_owner(self->ep, pw->pw_name,
					       RPC_SERVER_UID_DEFAULT));
	/* the API overrides the option */
	EXPECT_EQ(OTHER_UID, who_owner(self->ep, "65533", OTHER_UID));
	EXPECT_EQ(pw ? 4 : 3, atomic_load(calls));
}

TEST_F(identity, server_uid_wrong)
{
	NEED_SETUP();
	int st;

	self->child = as_uid(OTHER_UID, squat, self->ep, &st);
	ASSERT_EQ(0, st);
	EXPECT_EQ(-rpc_s_auth_mut_fail, who_owner(self->ep, "65533",
						  RPC_SERVER_UID_DEFAULT));
	EXPECT_EQ(-rpc_s_auth_mut_fail, who_owner(self->ep, "0",
						  RPC_SERVER_UID_DEFAULT));
	EXPECT_EQ(-rpc_s_auth_mut_fail, who_owner(self->ep, "65534", 0));
	EXPECT_EQ(0, atomic_load(calls));
}

/* By default a client accepts its own uid and root, nobody else. */
TEST_F(identity, default_own_or_root)
{
	NEED_SETUP();
	struct rpc_server *srv;
	pid_t pid;
	int st, ret;

	/* uid 65534 calls its own uid's server */
	self->child = as_uid(OTHER_UID, squat, self->ep, &st);
	ASSERT_EQ(0, st);
	pid = as_uid(OTHER_UID, client_of, self->binding, &st);
	reap(pid);
	EXPECT_EQ(OTHER_UID, st);
	/* uid 65533 does not */
	pid = as_uid(THIRD_UID, client_of, self->binding, &st);
	reap(pid);
	EXPECT_EQ(-rpc_s_auth_mut_fail, st);
	EXPECT_EQ(1, atomic_load(calls));
	reap(self->child);
	self->child = -1;

	/* and uid 65534 calls root's */
	srv = serve(self->ep, &ret);
	ASSERT_NE(NULL, srv);
	pid = as_uid(OTHER_UID, client_of, self->binding, &st);
	reap(pid);
	EXPECT_EQ(0, st);
	EXPECT_EQ(2, atomic_load(calls));
	rpc_server_free(srv);
}

/* A server never takes a name that another uid holds, and says so:
 * access denied (the holder is not this user's to stop), not just "in
 * use". */
TEST_F(identity, no_takeover)
{
	NEED_SETUP();
	struct rpc_server *srv;
	int st, ret;

	self->child = as_uid(OTHER_UID, squat, self->ep, &st);
	ASSERT_EQ(0, st);
	srv = serve(self->ep, &ret);
	EXPECT_EQ(NULL, srv);
	EXPECT_EQ(-rpc_s_access_denied, ret);
	if (srv)
		rpc_server_free(srv);
	/* the squatter still has it, and still gets nothing */
	EXPECT_EQ(-rpc_s_auth_mut_fail, who(self->binding,
					    RPC_SERVER_UID_DEFAULT));
	EXPECT_EQ(0, atomic_load(calls));
}

/* An endpoint mapper over ncalrpc: root's or $LRPC_EPM_UID's only. */
TEST_F(identity, epm_owner)
{
	NEED_SETUP();
	struct rpc_string_binding sb = { .protseq = "ncalrpc", .netaddr = "" };
	struct passwd *pw = getpwuid(OTHER_UID);
	char *ep = NULL;
	int st;

	self->child = as_uid(OTHER_UID, squat_epm, self->ep, &st);
	ASSERT_EQ(0, st);
	setenv("LRPC_EPMAPPER", self->binding, 1);
	unsetenv("LRPC_EPM_UID");
	EXPECT_EQ(-rpc_s_auth_mut_fail,
		  rpc_ep_resolve_binding(&sb, &who_if.id, NULL, &ep));
	EXPECT_EQ(NULL, ep);
	/* the configured owner is trusted: it answers (nothing there) */
	setenv("LRPC_EPM_UID", "65534", 1);
	EXPECT_EQ(-ept_s_not_registered,
		  rpc_ep_resolve_binding(&sb, &who_if.id, NULL, &ep));
	if (pw) {
		setenv("LRPC_EPM_UID", pw->pw_name, 1);
		EXPECT_EQ(-ept_s_not_registered,
			  rpc_ep_resolve_binding(&sb, &who_if.id, NULL, &ep));
	}
	/* another configured owner is not */
	setenv("LRPC_EPM_UID", "65533", 1);
	EXPECT_EQ(-rpc_s_auth_mut_fail,
		  rpc_ep_resolve_binding(&sb, &who_if.id, NULL, &ep));
	free(ep);
}

/*
 * The kernel's own scoping (LRPC_F_USER_NAMES): a port that uid 65534
 * created first does not keep root's server from its name, and root's
 * client reaches root's server.  A module without it refuses root's
 * port (one name table: -rpc_s_duplicate_endpoint) -- the case skips.
 */
TEST_F(identity, user_names)
{
	const struct lrpc_features *feat;
	struct rpc_server *srv;
	int st, ret;

	NEED(variant->kernel, "kernel only");
	NEED_SETUP();
	NEED(__rpc_lpc_dev(&feat) >= 0 &&
	     (feat->features & LRPC_F_USER_NAMES),
	     "module without LRPC_F_USER_NAMES");
	self->child = as_uid(OTHER_UID, squat_port, self->ep, &st);
	ASSERT_EQ(0, st);
	srv = serve(self->ep, &ret);
	ASSERT_NE(NULL, srv);
	EXPECT_EQ(0, who(self->binding, RPC_SERVER_UID_DEFAULT));
	EXPECT_EQ(0, who(self->binding, 0));
	EXPECT_EQ(2, atomic_load(calls));
	rpc_server_free(srv);
}

/* ---- the binding option --------------------------------------------- */

TEST(server_uid_option)
{
	static const char *const ok[] = {
		"ncalrpc:[svc,server_uid=1000]",
		"ncalrpc:[server_uid=0]",
		"ncalrpc:[svc,nokernel,server_uid=root]",
		"ncacn_ip_tcp:127.0.0.1[135,server_uid=0]",
	};
	static const char *const bad[] = {
		"ncalrpc:[svc,server_uid=]",
		"ncalrpc:[svc,server_uid=-1]",
		"ncalrpc:[svc,server_uid=4294967295]",
		"ncalrpc:[svc,server_uid=12x]",
		"ncalrpc:[svc,server_uid=no-such-user-lrpc]",
	};
	struct rpc_string_binding *sb;
	struct rpc_binding *b;
	char *s;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ASSERT_EQ(0, rpc_string_binding_parse(ok[i], &sb));
		ASSERT_EQ(0, rpc_string_binding_compose(sb, &s));
		EXPECT_STREQ(ok[i], s);
		free(s);
		rpc_string_binding_free(sb);
		ASSERT_EQ(0, rpc_binding_from_string(ok[i], &b)) TH_LOG("%s", ok[i]);
		ASSERT_EQ(0, rpc_binding_to_string(b, &s));
		EXPECT_STREQ(ok[i], s);
		free(s);
		EXPECT_EQ(0, rpc_binding_set_server_uid(b, 42));
		EXPECT_EQ(0, rpc_binding_set_server_uid(b,
							RPC_SERVER_UID_DEFAULT));
		rpc_binding_free(b);
	}
	ASSERT_EQ(0, rpc_string_binding_parse(ok[0], &sb));
	EXPECT_STREQ("svc", sb->endpoint);
	EXPECT_STREQ("1000", rpc_string_binding_option(sb, "server_uid"));
	rpc_string_binding_free(sb);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		b = NULL;
		EXPECT_EQ(-rpc_s_invalid_network_options,
			  rpc_binding_from_string(bad[i], &b)) TH_LOG("%s", bad[i]);
		rpc_binding_free(b);
	}
	EXPECT_EQ(-EINVAL, rpc_binding_set_server_uid(NULL, 0));
}

TEST_HARNESS_MAIN
