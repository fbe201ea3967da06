# The top Makefile includes lib/*.mk and lib/*/*.mk but not the third
# level where lib/auth/ntlm/auth_ntlm.mk lives; read it from here.
include lib/auth/ntlm/auth_ntlm.mk
