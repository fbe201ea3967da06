# The GSSAPI providers (lib/auth/gss/): MIT Kerberos' libraries.  This
# fragment sits in lib/auth/ rather than lib/auth/gss/ because the top
# Makefile includes lib/*.mk and lib/*/*.mk only.
GSS_LIBS := -lgssapi_krb5 -lkrb5 -lk5crypto
LDLIBS   += $(GSS_LIBS)

# The rpc fuzz targets (tests/rpc/rpc.mk) compile lib/auth/*.c, whose
# registry names the GSSAPI providers: give them the sources and the
# libraries.  A pattern-specific append, because rpc.mk sets
# RPC_FUZZ_SRCS with := after this file is read; the libraries land
# after every source on the link line.
$(BUILD)/rpc/fuzz/%: RPC_FUZZ_SRCS += $(sort $(wildcard lib/auth/gss/*.c)) $(GSS_LIBS)
