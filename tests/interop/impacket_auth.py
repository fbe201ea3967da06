# Called by auth.sh: impacket's DCERPC client with NTLM against
# lrpctest-server's rpcecho at connect, integrity and privacy: AddOne and
# a fragmented EchoData (every fragment signed or sealed), then a wrong
# password, which must be refused.
import struct
import sys

from impacket.dcerpc.v5 import transport
from impacket.dcerpc.v5.rpcrt import (DCERPCException, RPC_C_AUTHN_WINNT,
                                      RPC_C_AUTHN_LEVEL_CONNECT,
                                      RPC_C_AUTHN_LEVEL_PKT_INTEGRITY,
                                      RPC_C_AUTHN_LEVEL_PKT_PRIVACY)
from impacket.uuid import uuidtup_to_bin

port, domain, user, password = sys.argv[1:5]
RPCECHO = ('60a15ec5-4de8-11d7-a637-005056a20182', '1.0')
LEVELS = {RPC_C_AUTHN_LEVEL_CONNECT: 'connect',
          RPC_C_AUTHN_LEVEL_PKT_INTEGRITY: 'integrity',
          RPC_C_AUTHN_LEVEL_PKT_PRIVACY: 'privacy'}
failed = 0


def check(cond, what):
    global failed
    print(('ok - ' if cond else 'not ok - ') + what)
    if not cond:
        failed += 1


def connect(level, pw):
    t = transport.DCERPCTransportFactory('ncacn_ip_tcp:127.0.0.1[%s]' % port)
    t.set_credentials(user, pw, domain, '', '')
    d = t.get_dce_rpc()
    d.set_auth_type(RPC_C_AUTHN_WINNT)
    d.set_auth_level(level)
    d.set_max_fragment_size(4096)
    d.connect()
    d.bind(uuidtup_to_bin(RPCECHO))
    return d


for level, name in LEVELS.items():
    try:
        d = connect(level, password)
        d.call(0, struct.pack('<I', 41))
        r = d.recv()
        check(r == struct.pack('<I', 42), 'NTLM %s AddOne(41)' % name)
        n = 100000
        data = bytes(i * 7 % 251 for i in range(n))
        d.call(1, struct.pack('<II', n, n) + data)
        r = d.recv()
        check(r[4:4 + n] == data, 'NTLM %s EchoData(%d), fragmented' % (name, n))
        d.disconnect()
    except Exception as e:
        check(False, 'NTLM %s: %s' % (name, e))

try:
    d = connect(RPC_C_AUTHN_LEVEL_PKT_PRIVACY, password + 'x')
    d.call(0, struct.pack('<I', 41))
    d.recv()
    check(False, 'NTLM wrong password refused')
except DCERPCException as e:
    check('access_denied' in str(e).lower() or e.get_error_code() == 5,
          'NTLM wrong password refused: %s' % e)
except Exception as e:
    check(False, 'NTLM wrong password refused: %s' % e)
sys.exit(1 if failed else 0)
