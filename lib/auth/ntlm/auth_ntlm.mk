# The NTLMSSP provider: the exchange through MIT GSSAPI and gss-ntlmssp,
# signing and sealing with libcrypto (OpenSSL 3).  The top Makefile reads
# lib/*/*.mk only, so tests/auth/ntlm_build.mk includes this file.
LDLIBS += -lgssapi_krb5 -lcrypto
