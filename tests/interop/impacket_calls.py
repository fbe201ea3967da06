# Called by impacket.sh: impacket's DCERPC client against lrpctest-server.
# Stub data is built by hand from the IDL (NDR20 / NDR64 layouts).
import struct
import sys

from impacket.dcerpc.v5 import transport
from impacket.dcerpc.v5.rpcrt import DCERPCException
from impacket.uuid import uuidtup_to_bin

port = sys.argv[1]
LRPCTEST = ('4c4b2e1a-8f5d-4d3b-9a6e-2b7c1d0e5f91', '1.0')
RPCECHO = ('60a15ec5-4de8-11d7-a637-005056a20182', '1.0')
MGMT = ('afa8bd80-7d8a-11c9-bef4-08002b102989', '1.0')
NDR64 = ('71710533-beba-4937-8319-b5dbef9ccc36', '1.0')
failed = 0


def check(cond, what):
    global failed
    print(('ok - ' if cond else 'not ok - ') + what)
    if not cond:
        failed += 1


def connect(iface=LRPCTEST, ndr64=False, frag=None):
    t = transport.DCERPCTransportFactory('ncacn_ip_tcp:127.0.0.1[%s]' % port)
    dce = t.get_dce_rpc()
    dce.connect()
    if frag:
        dce.set_max_fragment_size(frag)
    if ndr64:
        dce.bind(uuidtup_to_bin(iface), transfer_syntax=NDR64)
    else:
        dce.bind(uuidtup_to_bin(iface))
    return dce


def call(dce, opnum, stub):
    dce.call(opnum, stub)
    return dce.recv()


def fault_is(e, code, name):
    """impacket reports a fault's status by name, or in hex when unknown"""
    text = str(e)
    return e.get_error_code() == code or name in text or ('%x' % code) in text


def conf(n, ndr64):
    """a conformance (or other NDR count): 4 octets, 8 in NDR64"""
    return struct.pack('<Q' if ndr64 else '<I', n)


for ndr64 in (False, True):
    tag = 'NDR64' if ndr64 else 'NDR20'
    d = connect(ndr64=ndr64)
    r = call(d, 0, b'')
    check(r == struct.pack('<I', 0x50494e47), '%s TestPing' % tag)
    r = call(d, 1, struct.pack('<ii', -5, 47))
    check(r == struct.pack('<ii', 42, 0), '%s TestAdd(-5, 47)' % tag)
    data = bytes(range(256)) * 4
    # [in] len, [in, size_is(len)] byte *data_in (conformance first, and
    # in NDR64 aligned to 8)
    stub = struct.pack('<I', len(data)) + (b'\0' * 4 if ndr64 else b'') + conf(len(data), ndr64) + data
    r = call(d, 2, stub)
    want = conf(len(data), ndr64) + bytes(b ^ 0xa5 for b in data)
    check(r[:len(want)] == want and struct.unpack('<I', r[-4:])[0] == len(data),
          '%s TestEcho 1024 octets' % tag)
    # TestFill(len 100, seed 3)
    r = call(d, 13, struct.pack('<IB', 100, 3))
    want = conf(100, ndr64) + bytes((3 + 31 * i) & 0xff for i in range(100))
    check(r[:len(want)] == want, '%s TestFill(100, 3)' % tag)
    # TestReverse(4, [1,2,3,4])
    stub = struct.pack('<I', 4) + (b'\0' * 4 if ndr64 else b'') + conf(4, ndr64) + struct.pack('<4i', 1, 2, 3, 4)
    r = call(d, 14, stub)
    check(r == conf(4, ndr64) + struct.pack('<4iI', 4, 3, 2, 1, 4), '%s TestReverse' % tag)
    # TestCounterOpen / Next / Close
    r = call(d, 8, struct.pack('<i', 10))
    h = r[:20]
    check(len(r) == 24 and h != b'\0' * 20, '%s TestCounterOpen' % tag)
    r1 = call(d, 9, h)
    r2 = call(d, 9, h)
    check(r1[:4] == struct.pack('<i', 10) and r2[:4] == struct.pack('<i', 11),
          '%s TestCounterNext 10, 11' % tag)
    r = call(d, 10, h)
    check(r == b'\0' * 20 + struct.pack('<i', 0), '%s TestCounterClose' % tag)
    try:
        call(d, 9, h)
        check(False, '%s closed handle faults' % tag)
    except DCERPCException as e:
        check(fault_is(e, 0x1c00001a, 'nca_s_fault_context_mismatch'),
              '%s closed handle: nca_s_fault_context_mismatch' % tag)
    try:
        call(d, 12, struct.pack('<I', 0x2badf00d))
        check(False, '%s TestFault' % tag)
    except DCERPCException as e:
        check(fault_is(e, 0x2badf00d, '2badf00d'), '%s TestFault carries the status' % tag)
    try:
        call(d, 17, b'')
        check(False, '%s opnum 17' % tag)
    except DCERPCException as e:
        check(fault_is(e, 0x1c010002, 'nca_op_rng_error') or 'op_rng' in str(e), '%s opnum 17: nca_s_op_rng_error' % tag)
    try:
        call(d, 11, struct.pack('<I', 600001))
        check(False, '%s TestSleep out of range' % tag)
    except DCERPCException as e:
        check(fault_is(e, 0x1c000007, 'nca_s_fault_invalid_bound'), '%s [range] violation: nca_s_fault_invalid_bound' % tag)
    d.disconnect()

    # fragmented requests (impacket splits at 64 octets of stub)
    d = connect(ndr64=ndr64, frag=64)
    data = bytes((i * 13) & 0xff for i in range(5000))
    stub = struct.pack('<I', len(data)) + (b'\0' * 4 if ndr64 else b'') + conf(len(data), ndr64) + data
    r = call(d, 2, stub)
    want = conf(len(data), ndr64) + bytes(b ^ 0xa5 for b in data)
    check(r[:len(want)] == want, '%s TestEcho 5000 octets in 64-octet fragments' % tag)
    d.disconnect()

    # rpcecho and mgmt are served too
    d = connect(RPCECHO, ndr64=ndr64)
    r = call(d, 0, struct.pack('<I', 41))
    check(r == struct.pack('<I', 42), '%s rpcecho AddOne' % tag)
    d.disconnect()
    d = connect(MGMT, ndr64=ndr64)
    r = call(d, 2, b'')
    check(r == struct.pack('<II', 0, 1), '%s mgmt is_server_listening' % tag)
    d.disconnect()

# alter_context to a second interface on one connection
d = connect()
d2 = d.alter_ctx(uuidtup_to_bin(RPCECHO))
r = call(d2, 0, struct.pack('<I', 1))
check(r == struct.pack('<I', 2), 'alter_context to rpcecho, call on the new context')
r = call(d, 0, b'')
check(r == struct.pack('<I', 0x50494e47), 'first context still works')
d.disconnect()

# an interface we do not serve
try:
    connect(('12345678-1234-1234-1234-123456789abc', '1.0'))
    check(False, 'bind to an unknown interface is rejected')
except Exception as e:
    check('abstract_syntax_not_supported' in str(e) or 'Bind context' in str(e) or 'rejected' in str(e).lower(),
          'bind to an unknown interface is rejected (%s)' % str(e)[:60])

sys.exit(1 if failed else 0)
