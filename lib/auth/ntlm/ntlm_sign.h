/* SPDX-License-Identifier: MIT */
/*
 * NTLM per-message protection for DCE/RPC, connection-oriented, with
 * extended session security ([MS-NLMP] 3.4.4.2, 3.4.5).
 *
 * gss-ntlmssp runs the exchange, but its gss_wrap() signs exactly what it
 * encrypts and it has no gss_wrap_iov(), while [MS-RPCE] 3.3.1.5.2.2 wants
 * the NTLM signature over the whole PDU (header, body, padding,
 * sec_trailer) and only the stub data encrypted.  So the session key and
 * the negotiated flags are taken from the established exchange and the
 * signing and sealing are done here, with OpenSSL.
 *
 * Each direction has its own signing key, RC4 sealing state (kept across
 * messages: connection-oriented NTLM never rekeys) and sequence number.
 * The 16-octet signature is NTLMSSP_MESSAGE_SIGNATURE: version 1, 8
 * octets of HMAC-MD5 (RC4-encrypted when key exchange was negotiated),
 * the 32-bit sequence number, all little-endian.
 *
 * The SPNEGO provider builds the same state from a context whose
 * mechanism turned out to be NTLM (__rpc_ntlm_msg_init()).
 */
#ifndef LRPC_AUTH_NTLM_SIGN_H
#define LRPC_AUTH_NTLM_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <gssapi/gssapi.h>

/* NegotiateFlags bits this code reads ([MS-NLMP] 2.2.2.5) */
#define NTLM_NEG_SIGN		0x00000010u
#define NTLM_NEG_SEAL		0x00000020u
#define NTLM_NEG_DATAGRAM	0x00000040u
#define NTLM_NEG_ESS		0x00080000u	/* EXTENDED_SESSIONSECURITY */
#define NTLM_NEG_128		0x20000000u
#define NTLM_NEG_KEY_EXCH	0x40000000u
#define NTLM_NEG_56		0x80000000u

/*
 * What Windows and gss-ntlmssp negotiate when the client asks for
 * integrity or privacy: the flags __rpc_ntlm_msg_init() assumes when the
 * caller cannot read them from the AUTHENTICATE message.
 */
#define NTLM_NEG_DEFAULT	(NTLM_NEG_SIGN | NTLM_NEG_SEAL | NTLM_NEG_ESS | \
				 NTLM_NEG_128 | NTLM_NEG_KEY_EXCH)

#define NTLM_SIG_SIZE		16

struct evp_cipher_ctx_st;
struct evp_mac_ctx_st;

struct ntlm_dir {
	uint8_t sign_key[16];
	struct evp_cipher_ctx_st *rc4;	/* the sealing handle */
	struct evp_mac_ctx_st *mac;	/* HMAC-MD5 keyed with sign_key */
	uint32_t seq;
};

struct ntlm_msg {
	uint32_t flags;
	struct ntlm_dir send, recv;
};

/*
 * The state from an exported session key (16 octets) and the negotiated
 * flags, for the client (@server false) or the server.  Extended session
 * security is required; datagram NTLM is refused.  0 or -rpc_s_*.
 */
int __rpc_ntlm_msg_init_key(struct ntlm_msg *m, const uint8_t *key,
			    size_t key_len, uint32_t flags, bool server);

/*
 * The state from an established gss context whose mechanism is NTLM, or
 * a SPNEGO context that negotiated NTLM (the session key through
 * GSS_C_INQ_SSPI_SESSION_KEY, which MIT's SPNEGO passes to the mech).
 * @flags are the AUTHENTICATE message's NegotiateFlags
 * (__rpc_ntlm_auth_flags()), or 0 for NTLM_NEG_DEFAULT.  @seq is the
 * first sequence number of both directions: 0 after a plain NTLM
 * exchange; 1 after a SPNEGO exchange that carried a mechListMIC, which
 * used number 0 each way, after which the RC4 streams restart but the
 * numbers go on ([MS-SPNG] 3.3.5.1).  MIT's SPNEGO sends a mechListMIC
 * whenever NTLM put a MIC in its AUTHENTICATE message, which gss-ntlmssp
 * does when the CHALLENGE carries a timestamp (as Windows' and
 * gss-ntlmssp's servers' do).
 */
int __rpc_ntlm_msg_init(struct ntlm_msg *m, gss_ctx_id_t ctx, uint32_t flags,
			uint32_t seq, bool server);

/* NegotiateFlags of an AUTHENTICATE message token; 0 or -rpc_s_*. */
int __rpc_ntlm_auth_flags(const uint8_t *tok, size_t len, uint32_t *flags);

void __rpc_ntlm_msg_free(struct ntlm_msg *m);

/*
 * Integrity: the signature of @whole (NTLM_SIG_SIZE octets to @sig).
 * verify() checks it against the next expected sequence number; on a
 * mismatch the receiving state is left as it was, so a forged or
 * replayed fragment does not desynchronise the connection.
 */
int __rpc_ntlm_sign(struct ntlm_msg *m, const uint8_t *whole, size_t len,
		    uint8_t *sig);
int __rpc_ntlm_verify(struct ntlm_msg *m, const uint8_t *whole, size_t len,
		      const uint8_t *sig, size_t sig_len);

/*
 * Privacy: encrypt @body (inside @whole) in place and sign the whole
 * plaintext; the RC4 stream runs over the body first, then over the
 * checksum ([MS-NLMP] 3.4.3).  unseal() decrypts and verifies; on failure
 * the body is put back as received and the state is left as it was.
 */
int __rpc_ntlm_seal(struct ntlm_msg *m, uint8_t *whole, size_t len,
		    uint8_t *body, size_t body_len, uint8_t *sig);
int __rpc_ntlm_unseal(struct ntlm_msg *m, uint8_t *whole, size_t len,
		      uint8_t *body, size_t body_len, const uint8_t *sig,
		      size_t sig_len);

#endif /* LRPC_AUTH_NTLM_SIGN_H */
