// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the tower parser and everything built on it (decode,
 * string binding, matching key), plus the string binding -> tower path
 * on the same input read as text.
 */
#include <stdlib.h>
#include <string.h>
#include <lrpc/epm.h>
#include "epm/epm_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpc_tower_info info;
	struct epm_tower_key key;
	struct rpc_tower t;
	uint8_t *copy, *back;
	size_t back_len;
	char *s = NULL, *text;

	/* an exact-size copy so ASan sees every over-read */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (!rpc_tower_parse(copy, size, &t) && t.len > size)
		abort();
	__epm_tower_key(copy, size, &key);
	if (!rpc_tower_decode(copy, size, &info)) {
		if (strnlen(info.endpoint, sizeof(info.endpoint)) >= sizeof(info.endpoint) ||
		    strnlen(info.netaddr, sizeof(info.netaddr)) >= sizeof(info.netaddr))
			abort();
		if (!rpc_tower_to_binding(copy, size, &info.iface.uuid, &s) &&
		    info.protseq[0]) {
			/* a decodable tower of a known protocol sequence
			 * round-trips through its string binding */
			struct rpc_tower_info again;

			if (!rpc_tower_from_binding(s, &info.iface, &info.xfer,
						    &back, &back_len)) {
				if (rpc_tower_decode(back, back_len, &again) ||
				    strcmp(again.protseq, info.protseq) ||
				    strcmp(again.endpoint, info.endpoint))
					abort();
				free(back);
			}
		}
		free(s);
	}
	free(copy);

	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	if (!rpc_tower_from_binding(text, &rpc_epm_syntax, NULL, &back, &back_len)) {
		if (rpc_tower_decode(back, back_len, &info))
			abort();
		free(back);
	}
	free(text);
	return 0;
}
