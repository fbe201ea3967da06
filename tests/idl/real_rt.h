/* SPDX-License-Identifier: MIT */
/*
 * Issue 21's corpus (tests/idl/real): manager routines and round trips,
 * included by roundtrip_test.c so they share its loopback rpc_call and
 * fixtures.  The files are written in Windows IDL's shape; what is
 * checked here is that the values survive NDR both ways.
 */
#include "ms-dtyp.h"
#include "realsyntax.h"
#include "realunions.h"
#include "realhidden.h"
#include "realhandles.h"
#include "srvsvc.h"
#include "winreg.h"

/* UTF-16 copy: from the call's arena in a manager, else leaked (tests) */
static uint16_t *wdup(const char *s)
{
	size_t n = strlen(s);
	uint16_t *w = rpc_ss_allocate((n + 1) * sizeof(*w));

	if (!w) {
		static uint16_t pool[256];
		static size_t used;

		w = pool + used;
		used += n + 1;
	}
	for (size_t i = 0; i <= n; i++)
		w[i] = (uint8_t)s[i];
	return w;
}

static bool weq(const uint16_t *w, const char *s)
{
	if (!w)
		return false;
	for (; *s; s++, w++)
		if (*w != (uint8_t)*s)
			return false;
	return *w == 0;
}

/* ---- realsyntax ---- */

error_status_t s_RealAdd(handle_t h, DWORD a, DWORD b, DWORD *sum)
{
	(void)h;
	*sum = a + b;
	return 0;
}

DWORD s_RealLevel(handle_t h, REAL_LEVEL *in_level, REAL_LEVEL *out_level)
{
	(void)h;
	out_level->Level = in_level->Level;
	if (in_level->Level == 1)
		out_level->Small = in_level->Small * 2;
	else if (in_level->Level == 2)
		out_level->Pair = in_level->Pair;
	return in_level->Level == 2 && in_level->Pair ?
	       in_level->Pair->First + in_level->Pair->Second : 0;
}

DWORD s_RealBits(handle_t h, REAL_BITS *bits, DWORD *popcount)
{
	DWORD n = 0;

	(void)h;
	for (DWORD i = 0; i < (bits->UnitCount + 7) / 8; i++)
		n += (DWORD)__builtin_popcount(bits->Bits[i]);
	*popcount = n;
	return bits->Eight[7];
}

DWORD RealLocalOnly(DWORD x)
{
	return x + 1;
}

DWORD s_RealName(handle_t h, LPWSTR name, LPDWORD len)
{
	DWORD n = 0;

	(void)h;
	while (name[n])
		n++;
	*len = n;
	return name[0];
}

DWORD s_RealBytes(handle_t h, DWORD n, BYTE *buf, DWORD *sum)
{
	(void)h;
	*sum = 0;
	for (DWORD i = 0; i < n * 2; i++)
		*sum += buf[i];
	return n;
}

/* ---- realunions ---- */

DWORD s_RuGet(handle_t h, DWORD Level, LPRU_INFO Info)
{
	(void)h;
	if (Level == 0) {
		Info->Info0 = rpc_ss_allocate(sizeof(*Info->Info0));
		Info->Info0->Name = wdup("zero");
	} else if (Level == 1) {
		Info->Info1 = rpc_ss_allocate(sizeof(*Info->Info1));
		Info->Info1->Name = wdup("one");
		Info->Info1->Flags = 0x11;
	}
	return Level;
}

DWORD s_RuHolder(handle_t h, RU_HOLDER *in_h, RU_HOLDER *out_h)
{
	(void)h;
	*out_h = *in_h;
	if (in_h->Level == 4)
		out_h->Number.Long = in_h->Number.Long + 1;
	return in_h->Kind;
}

/* ---- realhidden ---- */

HIDDEN_DWORD s_RhMove(handle_t h, HIDDEN_POINT *from, HIDDEN_POINT *to)
{
	(void)h;
	to->x += from->x;
	to->y += from->y;
	return 3;
}

/* ---- realhandles: [handle] binding and explicit_handle ---- */

static int rh_binds, rh_unbinds;
static RH_SERVER_NAME rh_last_name;

handle_t RH_SERVER_NAME_bind(RH_SERVER_NAME name)
{
	rh_binds++;
	rh_last_name = name;
	return (handle_t)0x4444;
}

void RH_SERVER_NAME_unbind(RH_SERVER_NAME name, handle_t binding)
{
	if (name == rh_last_name && binding == (handle_t)0x4444)
		rh_unbinds++;
}

DWORD s_RbPing(handle_t h, DWORD x)
{
	(void)h;
	return x;
}

DWORD s_RhEcho(RH_SERVER_NAME ServerName, DWORD v, DWORD *out_v)
{
	*out_v = v + (ServerName && weq(ServerName, "srv") ? 100 : 0);
	return 0;
}

DWORD s_RhNoHandle(handle_t IDL_handle, DWORD v, DWORD *out_v)
{
	(void)IDL_handle;
	*out_v = v * 3;
	return 0;
}

/* ---- srvsvc ---- */

#define NOT_ON_WIRE(n) void s_Opnum##n##NotUsedOnWire(void) {}
NOT_ON_WIRE(0) NOT_ON_WIRE(1) NOT_ON_WIRE(2) NOT_ON_WIRE(3) NOT_ON_WIRE(4)
NOT_ON_WIRE(5) NOT_ON_WIRE(6) NOT_ON_WIRE(7) NOT_ON_WIRE(8) NOT_ON_WIRE(9)
NOT_ON_WIRE(10) NOT_ON_WIRE(11) NOT_ON_WIRE(12) NOT_ON_WIRE(13) NOT_ON_WIRE(14)
NOT_ON_WIRE(16) NOT_ON_WIRE(17) NOT_ON_WIRE(18) NOT_ON_WIRE(19) NOT_ON_WIRE(20)

static int srvsvc_binds, srvsvc_unbinds;

handle_t SRVSVC_HANDLE_bind(SRVSVC_HANDLE name)
{
	(void)name;
	srvsvc_binds++;
	return (handle_t)0x5555;
}

void SRVSVC_HANDLE_unbind(SRVSVC_HANDLE name, handle_t binding)
{
	(void)name;
	if (binding == (handle_t)0x5555)
		srvsvc_unbinds++;
}

NET_API_STATUS s_NetrShareEnum(SRVSVC_HANDLE ServerName, LPSHARE_ENUM_STRUCT InfoStruct,
			       DWORD PreferedMaximumLength, DWORD *TotalEntries,
			       DWORD *ResumeHandle)
{
	static const char *const names[] = { "IPC$", "data", "home" };

	(void)ServerName;
	(void)PreferedMaximumLength;
	*TotalEntries = 3;
	if (ResumeHandle)
		*ResumeHandle = 0;
	if (InfoStruct->Level == 1) {
		SHARE_INFO_1_CONTAINER *c = rpc_ss_allocate(sizeof(*c));

		c->EntriesRead = 3;
		c->Buffer = rpc_ss_allocate(3 * sizeof(*c->Buffer));
		for (int i = 0; i < 3; i++) {
			c->Buffer[i].shi1_netname = wdup(names[i]);
			c->Buffer[i].shi1_type = i == 0 ? 0x80000003u : 0;
			c->Buffer[i].shi1_remark = i == 0 ? wdup("Remote IPC") : wdup("");
		}
		InfoStruct->ShareInfo.Level1 = c;
		return 0;
	}
	return 124;	/* ERROR_INVALID_LEVEL */
}

NET_API_STATUS s_NetrServerGetInfo(SRVSVC_HANDLE ServerName, DWORD Level,
				   LPSERVER_INFO InfoStruct)
{
	if (Level == 101) {
		SERVER_INFO_101 *i = rpc_ss_allocate(sizeof(*i));

		i->sv101_platform_id = 500;
		i->sv101_name = ServerName ? ServerName : wdup("LRPC");
		i->sv101_version_major = 10;
		i->sv101_version_minor = 0;
		i->sv101_type = 0x00009003;
		i->sv101_comment = wdup("lrpc test server");
		InfoStruct->ServerInfo101 = i;
		return 0;
	}
	if (Level == 100) {
		SERVER_INFO_100 *i = rpc_ss_allocate(sizeof(*i));

		i->sv100_platform_id = 500;
		i->sv100_name = ServerName ? ServerName : wdup("LRPC");
		InfoStruct->ServerInfo100 = i;
		return 0;
	}
	return 124;
}

/* ---- winreg ---- */

handle_t PREGISTRY_SERVER_NAME_bind(PREGISTRY_SERVER_NAME name)
{
	(void)name;
	return (handle_t)0x7777;
}

void PREGISTRY_SERVER_NAME_unbind(PREGISTRY_SERVER_NAME name, handle_t binding)
{
	(void)name;
	(void)binding;
}

static int hkey_rundowns;

void RPC_HKEY_rundown(RPC_HKEY context)
{
	free(context);
	hkey_rundowns++;
}

static error_status_t open_root(const char *which, PRPC_HKEY phKey)
{
	*phKey = strdup(which);
	return 0;
}

/* the five root keys: one manager each, the same body */
#define OPEN_ROOT(op, which)							\
	error_status_t s_##op(PREGISTRY_SERVER_NAME n, REGSAM s, PRPC_HKEY k)	\
	{									\
		(void)n;							\
		(void)s;							\
		return open_root(which, k);					\
	}
OPEN_ROOT(OpenClassesRoot, "HKCR")
OPEN_ROOT(OpenCurrentUser, "HKCU")
OPEN_ROOT(OpenLocalMachine, "HKLM")
OPEN_ROOT(OpenPerformanceData, "HKPD")
OPEN_ROOT(OpenUsers, "HKU")

error_status_t s_BaseRegCloseKey(PRPC_HKEY hKey)
{
	free(*hKey);
	*hKey = NULL;
	return 0;
}

#define NOT_IMPL(n) void s_Opnum##n##NotImplemented(void) {}
NOT_IMPL(6) NOT_IMPL(7) NOT_IMPL(8) NOT_IMPL(9) NOT_IMPL(10) NOT_IMPL(11)
NOT_IMPL(12) NOT_IMPL(13) NOT_IMPL(14) NOT_IMPL(16)

error_status_t s_BaseRegOpenKey(RPC_HKEY hKey, PRRP_UNICODE_STRING lpSubKey,
				DWORD dwOptions, REGSAM samDesired, PRPC_HKEY phkResult)
{
	char buf[128];
	size_t n = 0;

	(void)dwOptions;
	(void)samDesired;
	n = (size_t)snprintf(buf, sizeof(buf), "%s\\", (char *)hKey);
	for (unsigned i = 0; i < lpSubKey->Length / 2 && n + 1 < sizeof(buf); i++)
		buf[n++] = (char)lpSubKey->Buffer[i];
	buf[n] = 0;
	*phkResult = strdup(buf);
	return 0;
}

error_status_t s_BaseRegQueryValue(RPC_HKEY hKey, PRRP_UNICODE_STRING lpValueName,
				   LPDWORD lpType, LPBYTE lpData, LPDWORD lpcbData,
				   LPDWORD lpcbLen)
{
	const char *key = hKey;
	size_t need = strlen(key) + 1;

	(void)lpValueName;
	if (lpType)
		*lpType = 1;	/* REG_SZ */
	if (!lpcbData)
		return 0;
	if (*lpcbData < need) {
		*lpcbData = (DWORD)need;
		if (lpcbLen)
			*lpcbLen = 0;
		return 234;	/* ERROR_MORE_DATA */
	}
	if (lpData)
		memcpy(lpData, key, need);
	if (lpcbLen)
		*lpcbLen = (DWORD)need;
	*lpcbData = (DWORD)need;
	return 0;
}

/* ---- the round trips ---- */

TEST_F(rt, real_syntax)
{
	DWORD sum = 0, pop = 0;
	REAL_PAIR pair = { 5, 6 };
	REAL_LEVEL in = { .Level = 1, .Small = 21 }, out = { 0 };
	BYTE bits[3] = { 0xff, 0x01, 0x03 }, eight[8] = { 0, 0, 0, 0, 0, 0, 0, 9 };
	REAL_BITS b = { .UnitCount = 17, .Bits = bits, .Eight = eight };
	BYTE buf[6] = { 1, 2, 3, 4, 5, 6 };
	uint16_t name[] = { 'a', 'b', 'c', 'd', 'e', 0 };
	DWORD len = 0;

	EXPECT_EQ(0u, RealAdd((handle_t)1, 40, 2, &sum));
	EXPECT_EQ(42u, sum);
	EXPECT_EQ(0u, RealLevel((handle_t)1, &in, &out));
	EXPECT_EQ(1u, out.Level);
	EXPECT_EQ(42u, out.Small);
	in.Level = 2;
	in.Pair = &pair;
	EXPECT_EQ(11u, RealLevel((handle_t)1, &in, &out));
	ASSERT_NE(NULL, out.Pair);
	EXPECT_EQ(6u, out.Pair->Second);
	/* (17 + 7) / 8 = 3 octets travel; sizeof(DWORD) * 2 = 8 */
	EXPECT_EQ(9u, RealBits((handle_t)1, &b, &pop));
	EXPECT_EQ(11u, pop);
	EXPECT_EQ(3u, RealBytes((handle_t)1, 3, buf, &sum));
	EXPECT_EQ((DWORD)'a', RealName((handle_t)1, name, &len));
	EXPECT_EQ(5u, len);
	EXPECT_EQ(21u, sum);
	EXPECT_EQ(8u, REAL_TWO_PAIRS / 2);
	EXPECT_EQ(16u, REAL_PICK);
	EXPECT_EQ(0x5259, REAL_SYNTAX_MAGIC);
	EXPECT_EQ(5u, realsyntax_v1_0_c_ifspec.nprocs);	/* [local] has no opnum */
	EXPECT_EQ(0u, rpc_call_status());
}

TEST_F(rt, real_range_refused)
{
	DWORD sum = 0;

	/* [in, range(0, 100)] a: 101 is refused when the server unmarshals */
	EXPECT_NE(0u, RealAdd((handle_t)1, 101, 2, &sum));
	__rpc_set_call_status(0);
}

TEST_F(rt, real_unions)
{
	RU_INFO info = { 0 };
	RU_HOLDER in = { .Level = 4, .Number.Long = 99, .Kind_u.Seven = 77, .Kind = 7 };
	RU_HOLDER out = { 0 };

	EXPECT_EQ(1u, RuGet((handle_t)1, 1, &info));
	ASSERT_NE(NULL, info.Info1);
	EXPECT_TRUE(weq(info.Info1->Name, "one"));
	EXPECT_EQ(0x11u, info.Info1->Flags);
	EXPECT_EQ(0u, RuGet((handle_t)1, 0, &info));
	ASSERT_NE(NULL, info.Info0);
	EXPECT_TRUE(weq(info.Info0->Name, "zero"));
	EXPECT_EQ(7u, RuHolder((handle_t)1, &in, &out));
	EXPECT_EQ(4, out.Level);
	EXPECT_EQ(100, out.Number.Long);
	EXPECT_EQ(77u, out.Kind_u.Seven);
	in.Level = 2;
	in.Number.Short = -5;
	in.Kind = 8;
	in.Kind_u.Eight = 0xab;
	EXPECT_EQ(8u, RuHolder((handle_t)1, &in, &out));
	EXPECT_EQ(-5, out.Number.Short);
	EXPECT_EQ(0xab, out.Kind_u.Eight);
	EXPECT_EQ(0u, rpc_call_status());
}

TEST_F(rt, real_hidden_types)
{
	HIDDEN_POINT from = { 1, 2 }, to = { 10, 20 };

	EXPECT_EQ(3u, RhMove((handle_t)1, &from, &to));
	EXPECT_EQ(11, to.x);
	EXPECT_EQ(22, to.y);
}

TEST_F(rt, real_handles)
{
	DWORD out = 0;

	rh_binds = rh_unbinds = 0;
	EXPECT_EQ(0u, RhEcho(wdup("srv"), 5, &out));
	EXPECT_EQ(105u, out);
	EXPECT_EQ(1, rh_binds);
	EXPECT_EQ(1, rh_unbinds);
	EXPECT_EQ((handle_t)0x4444, rt.last_binding);
	EXPECT_EQ(1u, rt.last_opnum);	/* after realbase's opnum 0 */
	EXPECT_EQ(0u, RhNoHandle((handle_t)0x6666, 7, &out));	/* [explicit_handle] */
	EXPECT_EQ(21u, out);
	EXPECT_EQ((handle_t)0x6666, rt.last_binding);
	EXPECT_EQ(2u, rt.last_opnum);
	EXPECT_EQ(3u, realhandles_v1_0_c_ifspec.nprocs);
	EXPECT_EQ(0u, rpc_call_status());
}

TEST_F(rt, real_srvsvc)
{
	SHARE_INFO_1_CONTAINER c1 = { 0 };
	SHARE_ENUM_STRUCT info = { .Level = 1, .ShareInfo.Level1 = &c1 };
	DWORD total = 0, resume = 7;
	LPSERVER_INFO_101 si = NULL;
	SERVER_INFO u = { 0 };

	srvsvc_binds = srvsvc_unbinds = 0;
	EXPECT_EQ(0u, NetrShareEnum(NULL, &info, 0xffffffff, &total, &resume));
	EXPECT_EQ(15u, rt.last_opnum);
	EXPECT_EQ(3u, total);
	EXPECT_EQ(0u, resume);
	ASSERT_NE(NULL, info.ShareInfo.Level1);
	ASSERT_EQ(3u, info.ShareInfo.Level1->EntriesRead);
	EXPECT_TRUE(weq(info.ShareInfo.Level1->Buffer[0].shi1_netname, "IPC$"));
	EXPECT_EQ(0x80000003u, info.ShareInfo.Level1->Buffer[0].shi1_type);
	EXPECT_TRUE(weq(info.ShareInfo.Level1->Buffer[0].shi1_remark, "Remote IPC"));
	EXPECT_TRUE(weq(info.ShareInfo.Level1->Buffer[2].shi1_netname, "home"));

	EXPECT_EQ(0u, NetrServerGetInfo(wdup("FS1"), 101, &u));
	EXPECT_EQ(21u, rt.last_opnum);
	si = u.ServerInfo101;
	ASSERT_NE(NULL, si);
	EXPECT_EQ(500u, si->sv101_platform_id);
	EXPECT_TRUE(weq(si->sv101_name, "FS1"));
	EXPECT_EQ(10u, si->sv101_version_major);
	EXPECT_TRUE(weq(si->sv101_comment, "lrpc test server"));
	EXPECT_EQ(0u, NetrServerGetInfo(NULL, 100, &u));
	ASSERT_NE(NULL, u.ServerInfo100);
	EXPECT_EQ(500u, u.ServerInfo100->sv100_platform_id);
	EXPECT_TRUE(weq(u.ServerInfo100->sv100_name, "LRPC"));
	EXPECT_EQ(3, srvsvc_binds);
	EXPECT_EQ(3, srvsvc_unbinds);
	EXPECT_EQ(22u, srvsvc_v3_0_c_ifspec.nprocs);
	EXPECT_EQ(0u, rpc_call_status());
}

TEST_F(rt, real_winreg)
{
	RPC_HKEY hklm = NULL, sub = NULL;
	uint16_t name[] = { 'S', 'o', 'f', 't' };
	RRP_UNICODE_STRING key = { .Length = 8, .MaximumLength = 8, .Buffer = name };
	RRP_UNICODE_STRING value = { 0 };
	DWORD type = 0, cb = 0, len = 0;
	BYTE data[64];

	EXPECT_EQ(0u, OpenLocalMachine(NULL, 0x02000000, &hklm));
	ASSERT_NE(NULL, hklm);
	EXPECT_EQ(0u, BaseRegOpenKey(hklm, &key, 0, 0x20019, &sub));
	ASSERT_NE(NULL, sub);
	/* winreg.acf: [context_handle_noserialize] RPC_HKEY */
	EXPECT_EQ(RPC_SCTX_NOSERIALIZE, rt.last_sctx_flags);
	/* lpcbData NULL: size_is(lpcbData ? *lpcbData : 0) is 0 */
	EXPECT_EQ(0u, BaseRegQueryValue(sub, &value, &type, NULL, NULL, NULL));
	EXPECT_EQ(1u, type);
	/* too small: the size comes back */
	EXPECT_EQ(234u, BaseRegQueryValue(sub, &value, &type, data, &cb, &len));
	EXPECT_EQ(10u, cb);
	EXPECT_EQ(0u, len);
	cb = sizeof(data);
	EXPECT_EQ(0u, BaseRegQueryValue(sub, &value, &type, data, &cb, &len));
	EXPECT_EQ(10u, len);
	EXPECT_STREQ("HKLM\\Soft", (char *)data);
	EXPECT_EQ(0u, BaseRegCloseKey(&sub));
	EXPECT_EQ(NULL, sub);
	EXPECT_EQ(0u, BaseRegCloseKey(&hklm));
	EXPECT_EQ(0u, rpc_call_status());
}
