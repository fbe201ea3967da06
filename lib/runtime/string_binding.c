// SPDX-License-Identifier: MIT
/*
 * String bindings: [objuuid@]protseq:[netaddr][endpoint,option=value,...]
 * with '\' escaping the next character in every field.
 *
 * An IPv6 literal netaddr is written the way people write it: in
 * brackets, "ncacn_ip_tcp:[::1][135]" (RFC 3986), or bare as Microsoft
 * documents, "ncacn_ip_tcp:::1[135]"; escaped ("\:\:1") still parses.
 * A zone ("fe80::1%eth0") may follow.  Composing writes the bracketed
 * form, which every one of these reads back.
 */
#include <ctype.h>
#include <errno.h>
#include <arpa/inet.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <lrpc/rpc.h>
#include "runtime/runtime_int.h"

/* Flags that may stand first inside [...] without being the endpoint. */
static const char *const known_flags[] = {
	"ndr20", "ndr64", "bigendian", "nobtfn", "sign", "seal", "connect",
	"print", "padcheck", "spnego", "ntlm", "krb5", "schannel", "smb1",
	"smb2", "validate", "packet", "nolocal", "nokernel", NULL,
};

static bool is_known_flag(const char *s)
{
	int i;

	for (i = 0; known_flags[i]; i++)
		if (!strcmp(s, known_flags[i]))
			return true;
	return false;
}

/* An IPv6 address literal, with an optional "%zone". */
static bool is_ipv6_literal(const char *s, size_t n)
{
	struct in6_addr a;
	char buf[INET6_ADDRSTRLEN + 1];
	const char *pct = memchr(s, '%', n);
	size_t an = pct ? (size_t)(pct - s) : n;

	size_t i;

	if (!an || an >= sizeof(buf) || (pct && pct + 1 == s + n))
		return false;
	for (i = an + 1; i < n; i++)	/* an interface name or number */
		if (!isalnum((unsigned char)s[i]) && !strchr("_-.", s[i]))
			return false;
	memcpy(buf, s, an);
	buf[an] = 0;
	return inet_pton(AF_INET6, buf, &a) == 1;
}

/*
 * "[addr]" at p, where addr is an IPv6 literal and the brackets are
 * followed by the endpoint's '[' or the end: the end of the netaddr
 * (past its ']'), else NULL.  "ncalrpc:[name]" is an endpoint: no name
 * is an IPv6 literal.
 */
static const char *bracketed_ipv6(const char *p, const char *end)
{
	const char *rb;

	if (p >= end || *p != '[')
		return NULL;
	rb = memchr(p, ']', (size_t)(end - p));
	if (!rb || (rb + 1 < end && rb[1] != '['))
		return NULL;
	return is_ipv6_literal(p + 1, (size_t)(rb - p - 1)) ? rb + 1 : NULL;
}

static bool is_special(char c)
{
	return c == '@' || c == ':' || c == '[' || c == ']' || c == ',' ||
	       c == '=' || c == '\\';
}

/* Next unescaped occurrence of one of stops in [s, end), or end. */
static const char *scan(const char *s, const char *end, const char *stops)
{
	for (; s < end; s++) {
		if (*s == '\\') {
			if (s + 1 < end)
				s++;
			continue;
		}
		if (strchr(stops, *s))
			return s;
	}
	return end;
}

/* Unescaped copy of [s, end). A trailing lone '\' is an error. */
static char *unescape(const char *s, const char *end, int *err)
{
	char *o = malloc((size_t)(end - s) + 1), *p = o;

	if (!o) {
		*err = -ENOMEM;
		return NULL;
	}
	for (; s < end; s++) {
		if (*s == '\\') {
			if (s + 1 >= end) {
				free(o);
				*err = -rpc_s_invalid_string_binding;
				return NULL;
			}
			s++;
		}
		*p++ = *s;
	}
	*p = 0;
	return o;
}

void rpc_string_binding_free(struct rpc_string_binding *sb)
{
	size_t i;

	if (!sb)
		return;
	free(sb->objuuid);
	free(sb->protseq);
	free(sb->netaddr);
	free(sb->endpoint);
	for (i = 0; i < sb->noptions; i++) {
		free(sb->options[i].name);
		free(sb->options[i].value);
	}
	free(sb->options);
	free(sb);
}

static int add_option(struct rpc_string_binding *sb, const char *s,
		      const char *end)
{
	const char *eq = scan(s, end, "=");
	struct rpc_binding_option *o;
	int err = 0;

	o = realloc(sb->options, (sb->noptions + 1) * sizeof(*o));
	if (!o)
		return -ENOMEM;
	sb->options = o;
	o += sb->noptions;
	o->name = unescape(s, eq, &err);
	if (!o->name)
		return err;
	if (!*o->name) {
		free(o->name);
		return -rpc_s_invalid_string_binding;
	}
	o->value = eq < end ? unescape(eq + 1, end, &err) : strdup("");
	if (!o->value) {
		free(o->name);
		return err ? err : -ENOMEM;
	}
	sb->noptions++;
	return 0;
}

int rpc_string_binding_parse(const char *s, struct rpc_string_binding **out)
{
	struct rpc_string_binding *sb;
	const char *end, *at, *colon, *lb, *p;
	int err = 0;

	if (!s || !out)
		return -EINVAL;
	*out = NULL;
	end = s + strlen(s);
	sb = calloc(1, sizeof(*sb));
	if (!sb)
		return -ENOMEM;

	colon = scan(s, end, ":");
	if (colon == end)
		goto bad;
	at = scan(s, colon, "@");
	if (at < colon) {
		rpc_uuid_t u;

		sb->objuuid = unescape(s, at, &err);
		if (!sb->objuuid)
			goto fail;
		err = rpc_uuid_parse(sb->objuuid, &u);
		if (err < 0)
			goto fail;
		s = at + 1;
	}
	sb->protseq = unescape(s, colon, &err);
	if (!sb->protseq)
		goto fail;
	if (!*sb->protseq || scan(s, colon, "[]=,@") != colon)
		goto bad;

	p = colon + 1;
	lb = bracketed_ipv6(p, end);
	if (lb) {
		sb->netaddr = strndup(p + 1, (size_t)(lb - p - 2));
		if (!sb->netaddr) {
			err = -ENOMEM;
			goto fail;
		}
	} else {
		lb = scan(p, end, "[]");
		sb->netaddr = unescape(p, lb, &err);
		if (!sb->netaddr)
			goto fail;
		if (scan(p, lb, ",=@") != lb)
			goto bad;
		/* a bare ':' only in an IPv6 literal ("::1[135]") */
		if (scan(p, lb, ":") != lb &&
		    !is_ipv6_literal(sb->netaddr, strlen(sb->netaddr)))
			goto bad;
	}
	if (lb < end) {
		const char *rb, *e;
		bool first = true;

		if (*lb != '[')
			goto bad;
		rb = scan(lb + 1, end, "[]");
		if (rb == end || *rb != ']' || rb + 1 != end)
			goto bad;
		for (p = lb + 1; ; p = e + 1, first = false) {
			e = scan(p, rb, ",");
			if (first && scan(p, e, "=") == e) {
				char *v = unescape(p, e, &err);

				if (!v)
					goto fail;
				if (*v && is_known_flag(v)) {
					free(v);
					sb->endpoint = strdup("");
					if (!sb->endpoint) {
						err = -ENOMEM;
						goto fail;
					}
					err = add_option(sb, p, e);
					if (err < 0)
						goto fail;
				} else {
					sb->endpoint = v;
				}
			} else if (p < e) {
				err = add_option(sb, p, e);
				if (err < 0)
					goto fail;
			} else if (!first) {
				goto bad;	/* empty option */
			}
			if (e == rb)
				break;
		}
		/* endpoint=E as an option */
		p = rpc_string_binding_option(sb, "endpoint");
		if (p) {
			char *v = strdup(p);

			if (!v) {
				err = -ENOMEM;
				goto fail;
			}
			free(sb->endpoint);
			sb->endpoint = v;
		}
	}
	*out = sb;
	return 0;
bad:
	err = -rpc_s_invalid_string_binding;
fail:
	rpc_string_binding_free(sb);
	return err;
}

const char *rpc_string_binding_option(const struct rpc_string_binding *sb,
				      const char *name)
{
	size_t i;

	for (i = 0; sb && i < sb->noptions; i++)
		if (!strcmp(sb->options[i].name, name))
			return sb->options[i].value;
	return NULL;
}

static size_t esc_len(const char *s)
{
	size_t n = 0;

	for (; s && *s; s++)
		n += is_special(*s) ? 2 : 1;
	return n;
}

static char *esc_put(char *o, const char *s)
{
	for (; s && *s; s++) {
		if (is_special(*s))
			*o++ = '\\';
		*o++ = *s;
	}
	return o;
}

int rpc_string_binding_compose(const struct rpc_string_binding *sb,
			       char **out)
{
	size_t n, i;
	char *o, *p;
	bool brackets;

	if (!sb || !out || !sb->protseq || !*sb->protseq)
		return -EINVAL;
	n = esc_len(sb->objuuid) + 1 + esc_len(sb->protseq) + 1 +
	    esc_len(sb->netaddr) + 2 + esc_len(sb->endpoint) + 1;
	for (i = 0; i < sb->noptions; i++)
		n += 2 + esc_len(sb->options[i].name) +
		     esc_len(sb->options[i].value);
	o = malloc(n + 1);
	if (!o)
		return -ENOMEM;
	p = o;
	if (sb->objuuid && *sb->objuuid) {
		p = esc_put(p, sb->objuuid);
		*p++ = '@';
	}
	p = esc_put(p, sb->protseq);
	*p++ = ':';
	if (sb->netaddr && is_ipv6_literal(sb->netaddr, strlen(sb->netaddr))) {
		*p++ = '[';
		p = stpcpy(p, sb->netaddr);
		*p++ = ']';
	} else {
		p = esc_put(p, sb->netaddr);
	}
	brackets = sb->endpoint || sb->noptions;
	if (brackets) {
		bool first = true;

		*p++ = '[';
		if (sb->endpoint) {
			p = esc_put(p, sb->endpoint);
			first = false;
		}
		for (i = 0; i < sb->noptions; i++) {
			const struct rpc_binding_option *op = &sb->options[i];

			if (!strcmp(op->name, "endpoint"))
				continue;
			/* a lone unknown flag first would read as endpoint */
			if (!first || (!*op->value && !is_known_flag(op->name)))
				*p++ = ',';
			first = false;
			p = esc_put(p, op->name);
			if (*op->value) {
				*p++ = '=';
				p = esc_put(p, op->value);
			}
		}
		*p++ = ']';
	}
	*p = 0;
	*out = o;
	return 0;
}

int __rpc_uid_parse(const char *s, uid_t *uid)
{
	struct passwd pw, *res = NULL;
	unsigned long n;
	char *end, buf[1024];

	if (!s || !*s)
		return -rpc_s_invalid_network_options;
	if (*s >= '0' && *s <= '9') {
		errno = 0;
		n = strtoul(s, &end, 10);
		/* (uid_t)-1 is no uid: it means "unchanged" to setreuid() */
		if (errno || *end || n >= (uid_t)-1)
			return -rpc_s_invalid_network_options;
		*uid = (uid_t)n;
		return 0;
	}
	if (getpwnam_r(s, &pw, buf, sizeof(buf), &res) || !res)
		return -rpc_s_invalid_network_options;
	*uid = res->pw_uid;
	return 0;
}
