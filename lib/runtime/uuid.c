// SPDX-License-Identifier: MIT
/* UUIDs: parse, format, compare, generate, wire form. */
#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <lrpc/rpc.h>

const struct rpc_syntax_id rpc_syntax_ndr20 = {
	{ 0x8a885d04, 0x1ceb, 0x11c9, 0x9f, 0xe8,
	  { 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60 } }, 2, 0
};
const struct rpc_syntax_id rpc_syntax_ndr64 = {
	{ 0x71710533, 0xbeba, 0x4937, 0x83, 0x19,
	  { 0xb5, 0xdb, 0xef, 0x9c, 0xcc, 0x36 } }, 1, 0
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int rpc_uuid_parse(const char *s, rpc_uuid_t *u)
{
	uint8_t b[16];
	int i, n = 0;

	if (!u)
		return -EINVAL;
	if (!s || !*s) {
		memset(u, 0, sizeof(*u));
		return 0;
	}
	if (strlen(s) != RPC_UUID_STRLEN)
		return -rpc_s_invalid_string_uuid;
	for (i = 0; i < RPC_UUID_STRLEN; ) {
		int hi, lo;

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return -rpc_s_invalid_string_uuid;
			i++;
			continue;
		}
		hi = hexval(s[i]);
		lo = hexval(s[i + 1]);
		if (hi < 0 || lo < 0)
			return -rpc_s_invalid_string_uuid;
		b[n++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	/* b holds the big-endian (string order) form */
	rpc_uuid_from_wire(u, b, true);
	return 0;
}

int rpc_uuid_format(const rpc_uuid_t *u, char *buf, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t b[16];
	int i, n = 0;

	if (!u || !buf || size < RPC_UUID_STRLEN + 1)
		return -EINVAL;
	rpc_uuid_to_wire(u, b, true);
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			buf[n++] = '-';
		buf[n++] = hex[b[i] >> 4];
		buf[n++] = hex[b[i] & 15];
	}
	buf[n] = 0;
	return n;
}

int rpc_uuid_compare(const rpc_uuid_t *a, const rpc_uuid_t *b)
{
	uint8_t x[16], y[16];

	rpc_uuid_to_wire(a, x, true);
	rpc_uuid_to_wire(b, y, true);
	return memcmp(x, y, 16);
}

bool rpc_uuid_is_nil(const rpc_uuid_t *u)
{
	static const rpc_uuid_t nil;

	return !memcmp(u, &nil, sizeof(nil));
}

int rpc_uuid_generate(rpc_uuid_t *u)
{
	uint8_t b[16];
	size_t got = 0;

	while (got < sizeof(b)) {
		ssize_t r = getrandom(b + got, sizeof(b) - got, 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		got += (size_t)r;
	}
	b[6] = (b[6] & 0x0f) | 0x40;	/* version 4 */
	b[8] = (b[8] & 0x3f) | 0x80;	/* DCE variant */
	rpc_uuid_from_wire(u, b, true);
	return 0;
}

void rpc_uuid_to_wire(const rpc_uuid_t *u, uint8_t o[16], bool be)
{
	if (be) {
		o[0] = u->time_low >> 24; o[1] = u->time_low >> 16;
		o[2] = u->time_low >> 8;  o[3] = u->time_low;
		o[4] = u->time_mid >> 8;  o[5] = u->time_mid;
		o[6] = u->time_hi_and_version >> 8;
		o[7] = u->time_hi_and_version;
	} else {
		o[3] = u->time_low >> 24; o[2] = u->time_low >> 16;
		o[1] = u->time_low >> 8;  o[0] = u->time_low;
		o[5] = u->time_mid >> 8;  o[4] = u->time_mid;
		o[7] = u->time_hi_and_version >> 8;
		o[6] = u->time_hi_and_version;
	}
	o[8] = u->clock_seq_hi_and_reserved;
	o[9] = u->clock_seq_low;
	memcpy(o + 10, u->node, 6);
}

void rpc_uuid_from_wire(rpc_uuid_t *u, const uint8_t i[16], bool be)
{
	if (be) {
		u->time_low = (uint32_t)i[0] << 24 | (uint32_t)i[1] << 16 |
			      (uint32_t)i[2] << 8 | i[3];
		u->time_mid = (uint16_t)(i[4] << 8 | i[5]);
		u->time_hi_and_version = (uint16_t)(i[6] << 8 | i[7]);
	} else {
		u->time_low = (uint32_t)i[3] << 24 | (uint32_t)i[2] << 16 |
			      (uint32_t)i[1] << 8 | i[0];
		u->time_mid = (uint16_t)(i[5] << 8 | i[4]);
		u->time_hi_and_version = (uint16_t)(i[7] << 8 | i[6]);
	}
	u->clock_seq_hi_and_reserved = i[8];
	u->clock_seq_low = i[9];
	memcpy(u->node, i + 10, 6);
}
