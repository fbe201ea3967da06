// SPDX-License-Identifier: MIT
/*
 * NTLM signing and sealing with extended session security, connection
 * oriented ([MS-NLMP] 3.4.4.2 MAC, 3.4.5.2 SIGNKEY, 3.4.5.3 SEALKEY).
 * Only the arithmetic of the spec is here; MD5, HMAC-MD5 and RC4 are
 * OpenSSL's.
 *
 * RC4 lives in OpenSSL 3's legacy provider.  Loading that provider into
 * the default library context would change what every other user of
 * libcrypto in the process gets, so it is loaded once into a private
 * OSSL_LIB_CTX that only this file fetches from.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/crypto.h>
#include <openssl/provider.h>
#include <lrpc/status.h>
#include "auth/ntlm/ntlm_sign.h"

static OSSL_LIB_CTX *rc4_libctx;
static EVP_CIPHER *rc4_cipher;
static EVP_MAC *hmac;
static pthread_once_t crypto_once = PTHREAD_ONCE_INIT;

/*
 * The provider and the cipher stay loaded for the life of the process:
 * contexts come and go with connections, and unloading a provider under
 * a concurrent fetch is not safe.
 */
static void crypto_load(void)
{
	hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	rc4_libctx = OSSL_LIB_CTX_new();
	if (!rc4_libctx)
		return;
	if (!OSSL_PROVIDER_load(rc4_libctx, "legacy"))
		return;
	rc4_cipher = EVP_CIPHER_fetch(rc4_libctx, "RC4", NULL);
}

static EVP_CIPHER_CTX *rc4_new(const uint8_t key[16])
{
	EVP_CIPHER_CTX *c;

	pthread_once(&crypto_once, crypto_load);
	if (!rc4_cipher)
		return NULL;
	c = EVP_CIPHER_CTX_new();
	if (!c)
		return NULL;
	if (!EVP_EncryptInit_ex2(c, rc4_cipher, key, NULL, NULL)) {
		EVP_CIPHER_CTX_free(c);
		return NULL;
	}
	return c;
}

/* RC4 is a stream cipher: encrypting and decrypting are the same XOR. */
static int rc4(EVP_CIPHER_CTX *c, uint8_t *p, size_t len)
{
	int out;

	while (len) {
		int n = len > 1u << 30 ? 1 << 30 : (int)len;

		if (!EVP_EncryptUpdate(c, p, &out, p, n) || out != n)
			return -rpc_s_internal_error;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int md5_2(const void *a, size_t alen, const char *magic,
		 uint8_t out[16])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned int n = 0;
	int ok;

	if (!md)
		return -rpc_s_out_of_memory;
	/* the magic constants include their terminating NUL */
	ok = EVP_DigestInit_ex(md, EVP_md5(), NULL) &&
	     EVP_DigestUpdate(md, a, alen) &&
	     EVP_DigestUpdate(md, magic, strlen(magic) + 1) &&
	     EVP_DigestFinal_ex(md, out, &n) && n == 16;
	EVP_MD_CTX_free(md);
	return ok ? 0 : -rpc_s_internal_error;
}

static const char c2s_sign[] =
	"session key to client-to-server signing key magic constant";
static const char s2c_sign[] =
	"session key to server-to-client signing key magic constant";
static const char c2s_seal[] =
	"session key to client-to-server sealing key magic constant";
static const char s2c_seal[] =
	"session key to server-to-client sealing key magic constant";

/*
 * The direction's HMAC-MD5, keyed once: each message re-initialises it
 * with the same key (EVP_MAC_init with no key), instead of fetching MD5
 * and scheduling the key again -- most of what a signature cost.
 */
static int mac_new(struct ntlm_dir *d)
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						 (char *)"MD5", 0),
		OSSL_PARAM_construct_end(),
	};

	pthread_once(&crypto_once, crypto_load);
	if (!hmac)
		return -rpc_s_internal_error;
	d->mac = EVP_MAC_CTX_new(hmac);
	if (!d->mac)
		return -rpc_s_out_of_memory;
	if (!EVP_MAC_init(d->mac, d->sign_key, 16, params))
		return -rpc_s_internal_error;
	return 0;
}

static int dir_init(struct ntlm_dir *d, const uint8_t *key, uint32_t flags,
		    const char *sign_magic, const char *seal_magic)
{
	/* SEALKEY: the session key cut to the negotiated strength */
	size_t seal_len = flags & NTLM_NEG_128 ? 16 :
			  flags & NTLM_NEG_56 ? 7 : 5;
	uint8_t seal_key[16];
	int ret;

	ret = md5_2(key, 16, sign_magic, d->sign_key);
	if (!ret)
		ret = md5_2(key, seal_len, seal_magic, seal_key);
	if (ret)
		return ret;
	d->rc4 = rc4_new(seal_key);
	OPENSSL_cleanse(seal_key, sizeof(seal_key));
	d->seq = 0;
	if (!d->rc4)
		return -rpc_s_internal_error;
	return mac_new(d);
}

int __rpc_ntlm_msg_init_key(struct ntlm_msg *m, const uint8_t *key,
			    size_t key_len, uint32_t flags, bool server)
{
	int ret;

	memset(m, 0, sizeof(*m));
	if (!key || key_len != 16)
		return -rpc_s_invalid_arg;
	/*
	 * NTLMv1 signing (CRC32 and a key shared by both directions) is
	 * for peers without extended session security, which neither
	 * gss-ntlmssp's NTLMv2 nor any supported Windows negotiates.
	 * Connectionless NTLM (NEGOTIATE_DATAGRAM, RC4 rekeyed from the
	 * sequence number at each message) is not done here either: this
	 * is the connection-oriented form, one RC4 stream per direction.
	 */
	if (!(flags & NTLM_NEG_ESS) || (flags & NTLM_NEG_DATAGRAM))
		return -rpc_s_unsupported_authn_level;
	m->flags = flags;
	ret = dir_init(server ? &m->recv : &m->send, key, flags,
		       c2s_sign, c2s_seal);
	if (!ret)
		ret = dir_init(server ? &m->send : &m->recv, key, flags,
			       s2c_sign, s2c_seal);
	if (ret)
		__rpc_ntlm_msg_free(m);
	return ret;
}

int __rpc_ntlm_msg_init(struct ntlm_msg *m, gss_ctx_id_t ctx, uint32_t flags,
			uint32_t seq, bool server)
{
	gss_buffer_set_t set = GSS_C_NO_BUFFER_SET;
	OM_uint32 maj, min;
	int ret;

	memset(m, 0, sizeof(*m));
	maj = gss_inquire_sec_context_by_oid(&min, ctx,
					     GSS_C_INQ_SSPI_SESSION_KEY, &set);
	if (GSS_ERROR(maj) || !set || set->count < 1)
		ret = -rpc_s_internal_error;
	else
		ret = __rpc_ntlm_msg_init_key(m, set->elements[0].value,
					      set->elements[0].length,
					      flags ? flags : NTLM_NEG_DEFAULT,
					      server);
	if (set)
		gss_release_buffer_set(&min, &set);
	if (!ret)
		m->send.seq = m->recv.seq = seq;
	return ret;
}

static uint32_t get_le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

int __rpc_ntlm_auth_flags(const uint8_t *tok, size_t len, uint32_t *flags)
{
	static const uint8_t sig[8] = "NTLMSSP";

	/* Signature, MessageType 3, six 8-octet fields, NegotiateFlags */
	if (!tok || len < 64 || memcmp(tok, sig, 8) || get_le32(tok + 8) != 3)
		return -rpc_s_protocol_error;
	*flags = get_le32(tok + 60);
	return 0;
}

void __rpc_ntlm_msg_free(struct ntlm_msg *m)
{
	EVP_CIPHER_CTX_free(m->send.rc4);
	EVP_CIPHER_CTX_free(m->recv.rc4);
	EVP_MAC_CTX_free(m->send.mac);
	EVP_MAC_CTX_free(m->recv.mac);
	OPENSSL_cleanse(m, sizeof(*m));
}

/*
 * MAC(): version 1, HMAC_MD5(SigningKey, SeqNum || Message)[0..7], RC4'd
 * with the direction's sealing handle under key exchange, SeqNum.  The
 * HMAC and the RC4 step are apart because sealing runs the stream over
 * the body between them.
 */
static int mac_plain(const struct ntlm_dir *d, const uint8_t *msg,
		     size_t len, uint8_t sig[NTLM_SIG_SIZE])
{
	uint8_t md[EVP_MAX_MD_SIZE];
	size_t n = 0;
	int ok;

	put_le32(sig, 1);
	put_le32(sig + 12, d->seq);
	if (!d->mac)
		return -rpc_s_internal_error;
	ok = EVP_MAC_init(d->mac, NULL, 0, NULL) &&
	     EVP_MAC_update(d->mac, sig + 12, 4) &&
	     EVP_MAC_update(d->mac, msg, len) &&
	     EVP_MAC_final(d->mac, md, &n, sizeof(md)) && n == 16;
	memcpy(sig + 4, md, 8);
	OPENSSL_cleanse(md, sizeof(md));
	return ok ? 0 : -rpc_s_internal_error;
}

static int mac_seal(struct ntlm_dir *d, uint32_t flags,
		    uint8_t sig[NTLM_SIG_SIZE])
{
	return flags & NTLM_NEG_KEY_EXCH ? rc4(d->rc4, sig + 4, 8) : 0;
}

int __rpc_ntlm_sign(struct ntlm_msg *m, const uint8_t *whole, size_t len,
		    uint8_t *sig)
{
	int ret;

	if (!m->send.rc4)
		return -rpc_s_binding_has_no_auth;
	ret = mac_plain(&m->send, whole, len, sig);
	if (!ret)
		ret = mac_seal(&m->send, m->flags, sig);
	if (!ret)
		m->send.seq++;
	return ret;
}

static bool inside(const uint8_t *whole, size_t len, const uint8_t *body,
		   size_t body_len)
{
	return whole && body >= whole && body_len <= len &&
	       (size_t)(body - whole) <= len - body_len;
}

int __rpc_ntlm_seal(struct ntlm_msg *m, uint8_t *whole, size_t len,
		    uint8_t *body, size_t body_len, uint8_t *sig)
{
	int ret;

	if (!m->send.rc4)
		return -rpc_s_binding_has_no_auth;
	if (!(m->flags & NTLM_NEG_SEAL))
		return -rpc_s_unsupported_authn_level;
	if (!inside(whole, len, body, body_len))
		return -rpc_s_invalid_arg;
	/* checksum of the plaintext; the stream: body first, then checksum */
	ret = mac_plain(&m->send, whole, len, sig);
	if (!ret)
		ret = rc4(m->send.rc4, body, body_len);
	if (!ret)
		ret = mac_seal(&m->send, m->flags, sig);
	if (!ret)
		m->send.seq++;
	return ret;
}

/*
 * The receiving side of both: with @body (privacy) the body is decrypted
 * in place first.  On a mismatch the RC4 stream is restored from a copy
 * and the body re-encrypted with the same keystream, so a forged,
 * replayed or reordered fragment changes nothing.
 */
static int recv_check(struct ntlm_msg *m, uint8_t *whole, size_t len,
		      uint8_t *body, size_t body_len, const uint8_t *sig,
		      size_t sig_len)
{
	uint8_t want[NTLM_SIG_SIZE];
	EVP_CIPHER_CTX *snap;
	int ret;

	if (!m->recv.rc4)
		return -rpc_s_binding_has_no_auth;
	if (!sig || sig_len != NTLM_SIG_SIZE)
		return -rpc_s_access_denied;
	/* a replayed or reordered fragment carries another number */
	if (get_le32(sig) != 1 || get_le32(sig + 12) != m->recv.seq)
		return -rpc_s_access_denied;
	snap = EVP_CIPHER_CTX_new();
	if (!snap)
		return -rpc_s_out_of_memory;
	if (!EVP_CIPHER_CTX_copy(snap, m->recv.rc4)) {
		EVP_CIPHER_CTX_free(snap);
		return -rpc_s_internal_error;
	}
	ret = body ? rc4(m->recv.rc4, body, body_len) : 0;
	if (!ret)
		ret = mac_plain(&m->recv, whole, len, want);
	if (!ret)
		ret = mac_seal(&m->recv, m->flags, want);
	if (!ret && CRYPTO_memcmp(want, sig, NTLM_SIG_SIZE))
		ret = -rpc_s_access_denied;
	OPENSSL_cleanse(want, sizeof(want));
	if (!ret) {
		m->recv.seq++;
	} else if (!EVP_CIPHER_CTX_copy(m->recv.rc4, snap)) {
		ret = -rpc_s_internal_error;
	} else if (body) {
		EVP_CIPHER_CTX *again = EVP_CIPHER_CTX_new();

		if (!again || !EVP_CIPHER_CTX_copy(again, snap) ||
		    rc4(again, body, body_len))
			ret = -rpc_s_internal_error;
		EVP_CIPHER_CTX_free(again);
	}
	EVP_CIPHER_CTX_free(snap);
	return ret;
}

int __rpc_ntlm_verify(struct ntlm_msg *m, const uint8_t *whole, size_t len,
		      const uint8_t *sig, size_t sig_len)
{
	/* nothing is written without a body */
	return recv_check(m, (uint8_t *)whole, len, NULL, 0, sig, sig_len);
}

int __rpc_ntlm_unseal(struct ntlm_msg *m, uint8_t *whole, size_t len,
		      uint8_t *body, size_t body_len, const uint8_t *sig,
		      size_t sig_len)
{
	if (!(m->flags & NTLM_NEG_SEAL))
		return -rpc_s_unsupported_authn_level;
	if (!inside(whole, len, body, body_len))
		return -rpc_s_invalid_arg;
	return recv_check(m, whole, len, body, body_len, sig, sig_len);
}
