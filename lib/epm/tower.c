// SPDX-License-Identifier: MIT
/*
 * Protocol towers ([C706] Appendix L, [MS-RPCE] 2.2.1.1) and their string
 * binding forms.  Towers come from peers: every count is checked before
 * the octets it covers are touched.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lrpc/epm.h>
#include "epm_int.h"
#include "ndr/buf.h"

const struct rpc_syntax_id rpc_epm_syntax = {
	{ 0xe1af8308, 0x5d1f, 0x11c9, 0x91, 0xa4,
	  { 0x08, 0x00, 0x2b, 0x14, 0xa0, 0xfa } }, 3, 0
};

/* Floors 3.. of the protocol sequences we name ([MS-RPCE] 2.1.1, Samba's
 * librpc/rpc/binding.c transport table, Windows' ncalrpc towers). */
static const struct protseq_def {
	const char *name;
	uint8_t nprot;
	uint8_t prot[3];
} protseqs[] = {
	{ "ncacn_ip_tcp", 3, { RPC_EPM_PROT_NCACN, RPC_EPM_PROT_TCP, RPC_EPM_PROT_IP } },
	{ "ncadg_ip_udp", 3, { RPC_EPM_PROT_NCADG, RPC_EPM_PROT_UDP, RPC_EPM_PROT_IP } },
	{ "ncacn_http", 3, { RPC_EPM_PROT_NCACN, RPC_EPM_PROT_HTTP, RPC_EPM_PROT_IP } },
	{ "ncacn_np", 3, { RPC_EPM_PROT_NCACN, RPC_EPM_PROT_SMB, RPC_EPM_PROT_NETBIOS } },
	{ "ncalrpc", 2, { RPC_EPM_PROT_NCALRPC, RPC_EPM_PROT_NAMED_PIPE } },
	{ "ncacn_unix_stream", 2, { RPC_EPM_PROT_NCACN, RPC_EPM_PROT_UNIX_DS } },
};

#define NPROTSEQS (sizeof(protseqs) / sizeof(protseqs[0]))

static const struct protseq_def *protseq_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < NPROTSEQS; i++)
		if (!strcmp(protseqs[i].name, name))
			return &protseqs[i];
	return NULL;
}

static const struct protseq_def *protseq_by_tower(const struct rpc_tower *t)
{
	size_t i, j;

	for (i = 0; i < NPROTSEQS; i++) {
		if ((size_t)t->nfloors < 2u + protseqs[i].nprot)
			continue;
		for (j = 0; j < protseqs[i].nprot; j++)
			if (t->floor[2 + j].lhs[0] != protseqs[i].prot[j])
				break;
		if (j == protseqs[i].nprot)
			return &protseqs[i];
	}
	return NULL;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

int rpc_tower_parse(const uint8_t *buf, size_t len, struct rpc_tower *t)
{
	size_t off = 2;
	uint16_t i;

	memset(t, 0, sizeof(*t));
	if (!buf || len < 2 || len > RPC_TOWER_MAX_LEN)
		return -ept_s_invalid_entry;
	t->nfloors = le16(buf);
	if (t->nfloors == 0 || t->nfloors > RPC_TOWER_MAX_FLOORS)
		return -ept_s_invalid_entry;
	for (i = 0; i < t->nfloors; i++) {
		struct rpc_tower_floor *f = &t->floor[i];

		if (len - off < 2)
			return -ept_s_invalid_entry;
		f->lhs_len = le16(buf + off);
		off += 2;
		if (f->lhs_len < 1 || len - off < f->lhs_len)
			return -ept_s_invalid_entry;
		f->lhs = buf + off;
		off += f->lhs_len;
		if (len - off < 2)
			return -ept_s_invalid_entry;
		f->rhs_len = le16(buf + off);
		off += 2;
		if (len - off < f->rhs_len)
			return -ept_s_invalid_entry;
		f->rhs = buf + off;
		off += f->rhs_len;
	}
	t->len = off;
	return 0;
}

/* A uuid floor: 0x0d, uuid (little-endian fields), major | minor. */
static int uuid_floor(const struct rpc_tower_floor *f, struct rpc_syntax_id *id)
{
	if (f->lhs_len != 19 || f->lhs[0] != RPC_EPM_PROT_UUID ||
	    f->rhs_len != 2)
		return -ept_s_invalid_entry;
	rpc_uuid_from_wire(&id->uuid, f->lhs + 1, false);
	id->major = le16(f->lhs + 17);
	id->minor = le16(f->rhs);
	return 0;
}

/* Printable ASCII up to a NUL (or the end of the floor). */
static int rhs_string(const struct rpc_tower_floor *f, char *out, size_t size)
{
	size_t i;

	for (i = 0; i < f->rhs_len && f->rhs[i]; i++) {
		if (f->rhs[i] < 0x20 || f->rhs[i] > 0x7e || i + 1 >= size)
			return -ept_s_invalid_entry;
		out[i] = (char)f->rhs[i];
	}
	out[i] = 0;
	return 0;
}

static int rhs_port(const struct rpc_tower_floor *f, char *out, size_t size)
{
	if (f->rhs_len != 2)
		return -ept_s_invalid_entry;
	snprintf(out, size, "%u", (unsigned int)(f->rhs[0] << 8 | f->rhs[1]));
	return 0;
}

static int rhs_ip(const struct rpc_tower_floor *f, char *out, size_t size)
{
	if (f->rhs_len != 4)
		return -ept_s_invalid_entry;
	snprintf(out, size, "%u.%u.%u.%u", f->rhs[0], f->rhs[1], f->rhs[2],
		 f->rhs[3]);
	return 0;
}

static int rhs_decode(const struct rpc_tower_floor *f, char *out, size_t size)
{
	switch (f->lhs[0]) {
	case RPC_EPM_PROT_TCP:
	case RPC_EPM_PROT_UDP:
	case RPC_EPM_PROT_HTTP:
		return rhs_port(f, out, size);
	case RPC_EPM_PROT_IP:
		return rhs_ip(f, out, size);
	default:
		return rhs_string(f, out, size);
	}
}

int rpc_tower_decode(const uint8_t *buf, size_t len,
		     struct rpc_tower_info *info)
{
	const struct protseq_def *ps;
	struct rpc_tower t;
	int ret;

	memset(info, 0, sizeof(*info));
	ret = rpc_tower_parse(buf, len, &t);
	if (ret)
		return ret;
	if (t.nfloors < 3)
		return -ept_s_invalid_entry;
	ret = uuid_floor(&t.floor[0], &info->iface);
	if (!ret)
		ret = uuid_floor(&t.floor[1], &info->xfer);
	if (ret)
		return ret;
	info->rpc_prot = t.floor[2].lhs[0];
	ps = protseq_by_tower(&t);
	if (!ps)
		return 0;
	if (t.floor[3].lhs_len != 1)
		return -ept_s_invalid_entry;
	ret = rhs_decode(&t.floor[3], info->endpoint, sizeof(info->endpoint));
	if (ret)
		return ret;
	if (ps->nprot >= 3) {
		if (t.floor[4].lhs_len != 1)
			return -ept_s_invalid_entry;
		ret = rhs_decode(&t.floor[4], info->netaddr,
				 sizeof(info->netaddr));
		if (ret)
			return ret;
	}
	snprintf(info->protseq, sizeof(info->protseq), "%s", ps->name);
	return 0;
}

/*
 * An endpoint that reads as a binding flag ("ncalrpc:[packet]": the
 * runtime takes "packet" for an option) is written as [endpoint=...],
 * so that the string parses back to the same endpoint.
 */
static int endpoint_as_option(struct rpc_string_binding *sb, char **out)
{
	struct rpc_string_binding *back = NULL, esc = { 0 };
	char *head = NULL, *val = NULL, *s;
	int ret;

	ret = rpc_string_binding_parse(*out, &back);
	if (!ret && back->endpoint && !strcmp(back->endpoint, sb->endpoint)) {
		rpc_string_binding_free(back);
		return 0;
	}
	rpc_string_binding_free(back);
	/* the escaped value: compose it as a network address */
	esc.protseq = "x";
	esc.netaddr = sb->endpoint;
	ret = rpc_string_binding_compose(&esc, &val);
	if (!ret) {
		sb->endpoint = NULL;
		ret = rpc_string_binding_compose(sb, &head);
	}
	if (!ret && asprintf(&s, "%s[endpoint=%s]", head, val + 2) < 0)
		ret = -ENOMEM;
	if (!ret) {
		free(*out);
		*out = s;
	}
	free(head);
	free(val);
	return ret;
}

int rpc_tower_to_binding(const uint8_t *buf, size_t len,
			 const rpc_uuid_t *object, char **out)
{
	struct rpc_string_binding sb = { 0 };
	struct rpc_tower_info info;
	char obj[RPC_UUID_STRLEN + 1];
	char unknown[RPC_TOWER_MAX_FLOORS * 5 + 1];
	int ret;

	*out = NULL;
	ret = rpc_tower_decode(buf, len, &info);
	if (ret)
		return ret;
	if (object && !rpc_uuid_is_nil(object)) {
		rpc_uuid_format(object, obj, sizeof(obj));
		sb.objuuid = obj;
	}
	if (info.protseq[0]) {
		sb.protseq = info.protseq;
		sb.netaddr = info.netaddr;
		sb.endpoint = info.endpoint;
	} else {
		struct rpc_tower t;
		size_t i, o = 0;

		rpc_tower_parse(buf, len, &t);
		for (i = 2; i < t.nfloors; i++)
			o += (size_t)snprintf(unknown + o, sizeof(unknown) - o,
					      "%s0x%02x", i > 2 ? "." : "",
					      t.floor[i].lhs[0]);
		sb.protseq = "unknown";
		sb.netaddr = "";
		sb.endpoint = unknown;
	}
	ret = rpc_string_binding_compose(&sb, out);
	if (!ret && sb.endpoint[0])
		ret = endpoint_as_option(&sb, out);
	return ret;
}

/* ---- building towers ---------------------------------------------------- */

/* Towers are built in an ndr_buf limited to RPC_TOWER_MAX_LEN: far below
 * NDR_BUF_MAP_MIN, so the caller can free() the data. */
static int put(struct ndr_buf *b, const void *p, size_t n)
{
	int ret = __ndr_buf_put(b, p, n);

	return ret == -E2BIG ? -rpc_s_invalid_endpoint_format : ret;
}

static int put16le(struct ndr_buf *b, uint16_t v)
{
	uint8_t o[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	return put(b, o, 2);
}

static int put_floor(struct ndr_buf *b, const uint8_t *lhs, size_t lhs_len,
		     const uint8_t *rhs, size_t rhs_len)
{
	int ret;

	ret = put16le(b, (uint16_t)lhs_len);
	if (!ret)
		ret = put(b, lhs, lhs_len);
	if (!ret)
		ret = put16le(b, (uint16_t)rhs_len);
	if (!ret && rhs_len)
		ret = put(b, rhs, rhs_len);
	return ret;
}

static int put_uuid_floor(struct ndr_buf *b, const struct rpc_syntax_id *id)
{
	uint8_t lhs[19], rhs[2];

	lhs[0] = RPC_EPM_PROT_UUID;
	rpc_uuid_to_wire(&id->uuid, lhs + 1, false);
	lhs[17] = (uint8_t)id->major;
	lhs[18] = (uint8_t)(id->major >> 8);
	rhs[0] = (uint8_t)id->minor;
	rhs[1] = (uint8_t)(id->minor >> 8);
	return put_floor(b, lhs, sizeof(lhs), rhs, sizeof(rhs));
}

static int parse_port(const char *s, uint8_t rhs[2])
{
	unsigned long v = 0;
	const char *p;

	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9' || p - s >= 5)
			return -rpc_s_invalid_endpoint_format;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v > 65535)
		return -rpc_s_invalid_endpoint_format;
	rhs[0] = (uint8_t)(v >> 8);
	rhs[1] = (uint8_t)v;
	return 0;
}

static int put_addr_floor(struct ndr_buf *b, uint8_t prot, const char *val)
{
	uint8_t rhs[256];
	size_t n;

	switch (prot) {
	case RPC_EPM_PROT_TCP:
	case RPC_EPM_PROT_UDP:
	case RPC_EPM_PROT_HTTP: {
		int ret = parse_port(val, rhs);

		if (ret)
			return ret;
		n = 2;
		break;
	}
	case RPC_EPM_PROT_IP: {
		struct in_addr a;

		if (inet_pton(AF_INET, val, &a) != 1)
			a.s_addr = 0;	/* a name or IPv6: "any" */
		memcpy(rhs, &a.s_addr, 4);
		n = 4;
		break;
	}
	case RPC_EPM_PROT_NCACN:
	case RPC_EPM_PROT_NCADG:
	case RPC_EPM_PROT_NCALRPC:
		rhs[0] = rhs[1] = 0;	/* minor version 0 */
		n = 2;
		break;
	default: {
		const char *p;

		n = strlen(val);
		if (n >= sizeof(rhs))
			return -rpc_s_invalid_endpoint_format;
		for (p = val; *p; p++)
			if ((uint8_t)*p < 0x20 || (uint8_t)*p > 0x7e)
				return -rpc_s_invalid_endpoint_format;
		memcpy(rhs, val, n + 1);
		n++;
		break;
	}
	}
	return put_floor(b, &prot, 1, rhs, n);
}

int rpc_tower_from_binding(const char *binding,
			   const struct rpc_syntax_id *iface,
			   const struct rpc_syntax_id *xfer,
			   uint8_t **out, size_t *len)
{
	struct rpc_string_binding *sb = NULL;
	const struct protseq_def *ps;
	struct ndr_buf b = { .limit = RPC_TOWER_MAX_LEN };
	const char *ep;
	int ret;
	size_t i;

	*out = NULL;
	*len = 0;
	ret = rpc_string_binding_parse(binding, &sb);
	if (ret)
		return ret;
	ps = protseq_by_name(sb->protseq);
	if (!ps) {
		ret = -rpc_s_protseq_not_supported;
		goto out;
	}
	ep = sb->endpoint;
	if (!ep)
		ep = rpc_string_binding_option(sb, "endpoint");
	if (!ep)
		ep = "";
	ret = put16le(&b, (uint16_t)(2 + ps->nprot));
	if (!ret)
		ret = put_uuid_floor(&b, iface);
	if (!ret)
		ret = put_uuid_floor(&b, xfer ? xfer : &rpc_syntax_ndr20);
	for (i = 0; !ret && i < ps->nprot; i++) {
		const char *val = "";

		if (i == 1)
			val = ep;
		else if (i == 2)
			val = sb->netaddr ? sb->netaddr : "";
		ret = put_addr_floor(&b, ps->prot[i], val);
	}
	if (ret) {
		__ndr_buf_free(&b);
		goto out;
	}
	*out = b.data;
	*len = b.len;
out:
	rpc_string_binding_free(sb);
	return ret;
}

int __epm_tower_key(const uint8_t *buf, size_t len, struct epm_tower_key *k)
{
	struct rpc_tower t;
	struct rpc_syntax_id xfer;
	uint16_t i;
	int ret;

	memset(k, 0, sizeof(*k));
	k->ip_floor = -1;
	ret = rpc_tower_parse(buf, len, &t);
	if (ret)
		return ret;
	if (t.nfloors < 3)
		return -ept_s_invalid_entry;
	ret = uuid_floor(&t.floor[0], &k->iface);
	if (!ret)
		ret = uuid_floor(&t.floor[1], &xfer);
	if (ret)
		return ret;
	for (i = 2; i < t.nfloors; i++) {
		k->prot[k->nprot++] = t.floor[i].lhs[0];
		if (t.floor[i].lhs[0] == RPC_EPM_PROT_IP &&
		    t.floor[i].rhs_len == 4 && k->ip_floor < 0)
			k->ip_floor = i;
		if (i == 4) {
			k->host = t.floor[i].rhs;
			k->host_len = t.floor[i].rhs_len;
		}
	}
	return 0;
}
