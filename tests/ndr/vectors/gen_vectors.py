#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""
Byte-exact NDR vectors for tests/ndr/ndr_vectors_test.c, produced by an
independent encoder: impacket's NDR classes (python3-impacket), never by
lrpc itself.  Run from the repository root:

    /usr/bin/python3 tests/ndr/vectors/gen_vectors.py > tests/ndr/vectors/impacket_vectors.h

Referent ids are arbitrary on the wire; impacket is told to use the ones
Windows (and lrpc) use, 0x00020000 + 4*n, so the bytes can be compared.
Only cases impacket encodes per the spec are included: it lacks the
NDR64 trailing struct pad, its unions are heuristic and its classes
cannot describe a recursive type (node_t); those vectors are derived by
hand from [C706]/[MS-RPCE] in ndr_vectors_test.c instead.
"""
import importlib.util
import re
import sys

import impacket
import impacket.dcerpc.v5.ndr as ndr_orig

# Padding octets are unspecified in NDR; impacket fills them with marker
# bytes (0xab, 0xce, ...).  Load a copy of its ndr module whose fillers are
# zero, so the vectors compare byte-exact with a zero-filling encoder; the
# marker-filled originals are emitted too (*_marked), to check that a
# decoder ignores what is in the padding.
ZERO_PAD = '--zero-pad' in sys.argv


def load_ndr(zero):
    if not zero:
        return ndr_orig
    src = open(ndr_orig.__file__).read()
    src = re.sub(r"b'\\x[0-9a-fA-F]{2}'\*", lambda m: "b'\\x00'*", src)
    spec = importlib.util.spec_from_loader('ndr_zero', loader=None)
    mod = importlib.util.module_from_spec(spec)
    exec(compile(src, ndr_orig.__file__, 'exec'), mod.__dict__)
    return mod


N = load_ndr(ZERO_PAD)
NDRCALL, NDRSTRUCT, NDRPOINTER = N.NDRCALL, N.NDRSTRUCT, N.NDRPOINTER
NDRLONG, NDRULONG, NDRHYPER = N.NDRLONG, N.NDRULONG, N.NDRHYPER
NDRUniConformantArray, NDRUniVaryingArray = N.NDRUniConformantArray, N.NDRUniVaryingArray


class STR(NDRSTRUCT):
    commonHdr = (('MaximumCount', '<L=len(Data)'), ('Offset', '<L=0'),
                 ('ActualCount', '<L=len(Data)'))
    commonHdr64 = (('MaximumCount', '<Q=len(Data)'), ('Offset', '<Q=0'),
                   ('ActualCount', '<Q=len(Data)'))
    structure = (('Data', ':'),)


class LPSTR(NDRPOINTER):
    referent = (('Data', STR),)


class WSTR(NDRSTRUCT):
    commonHdr = (('MaximumCount', '<L=len(Data)//2'), ('Offset', '<L=0'),
                 ('ActualCount', '<L=len(Data)//2'))
    commonHdr64 = (('MaximumCount', '<Q=len(Data)//2'), ('Offset', '<Q=0'),
                   ('ActualCount', '<Q=len(Data)//2'))
    structure = (('Data', ':'),)

ID = lambda n: 0x20000 + 4 * n


class LONG_ARRAY(NDRUniConformantArray):
    item = '<l'


class PLONG_ARRAY(NDRPOINTER):
    referent = (('Data', LONG_ARRAY),)


class BYTE_ARRAY(NDRUniConformantArray):
    item = 'c'


class SERIES(NDRSTRUCT):
    structure = (('count', NDRULONG), ('values', PLONG_ARRAY), ('label', LPSTR))


class POINT(NDRSTRUCT):
    structure = (('x', NDRLONG), ('y', NDRLONG))


class WINDOW(NDRUniVaryingArray):
    item = '<l'


class CONTEXT_HANDLE(NDRSTRUCT):
    structure = (('attributes', NDRULONG), ('uuid', '16s'))


class TestAdd_in(NDRCALL):
    structure = (('a', NDRLONG), ('b', NDRLONG))


class TestEcho_in(NDRCALL):
    structure = (('len', NDRULONG), ('data_in', BYTE_ARRAY))


class TestSumSeries_in(NDRCALL):
    structure = (('s', SERIES),)


class TestSumSeries_out(NDRCALL):
    structure = (('total', NDRHYPER), ('ret', NDRLONG))


class TestUpperW_in(NDRCALL):
    structure = (('text', WSTR),)


class TestCounterOpen_out(NDRCALL):
    structure = (('h', CONTEXT_HANDLE), ('ret', NDRLONG))


class TestReverse_out(NDRCALL):
    structure = (('values', LONG_ARRAY), ('ret', NDRULONG))


class TestWindowSum_in(NDRCALL):
    structure = (('length', NDRULONG), ('window', WINDOW))


def add(ndr64):
    r = TestAdd_in(isNDR64=ndr64)
    r['a'] = -7
    r['b'] = 0x12345678
    return r


def echo(ndr64):
    r = TestEcho_in(isNDR64=ndr64)
    r['len'] = 5
    r['data_in'] = [b'h', b'e', b'l', b'l', b'o']
    return r


def series(ndr64):
    r = TestSumSeries_in(isNDR64=ndr64)
    s = r['s']
    s['count'] = 3
    s['values'] = [10, -20, 30]
    s.fields['values']['ReferentID'] = ID(0)
    s['label'] = b'hi\x00'
    s.fields['label']['ReferentID'] = ID(1)
    return r


def series_out(ndr64):
    r = TestSumSeries_out(isNDR64=ndr64)
    r['total'] = -5
    r['ret'] = 2
    return r


def upperw(ndr64):
    r = TestUpperW_in(isNDR64=ndr64)
    r['text'] = 'aB\x00'.encode('utf-16le')
    return r


def counter_open(ndr64):
    r = TestCounterOpen_out(isNDR64=ndr64)
    r['h']['attributes'] = 0
    r['h']['uuid'] = bytes(range(1, 17))
    r['ret'] = 0
    return r


def reverse_out(ndr64):
    r = TestReverse_out(isNDR64=ndr64)
    r['values'] = [3, 2, 1]
    r['ret'] = 3
    return r


def window(ndr64):
    r = TestWindowSum_in(isNDR64=ndr64)
    r['length'] = 3
    r['window'] = [7, 8, 9]
    return r


CASES = [
    ('add_in', add), ('echo_in', echo), ('sumseries_in', series),
    ('sumseries_out', series_out), ('upperw_in', upperw),
    ('counteropen_out', counter_open),
    ('reverse_out', reverse_out), ('windowsum_in', window),
]


def main():
    out = sys.stdout
    suffix = '' if ZERO_PAD else '_marked'
    for name, fn in CASES:
        for tag, ndr64 in (('ndr20', False), ('ndr64', True)):
            data = fn(ndr64).getData()
            out.write('static const uint8_t vec_%s_%s%s[%d] = {' %
                      (name, tag, suffix, len(data)))
            for i, b in enumerate(data):
                out.write('%s0x%02x,' % ('\n\t' if i % 12 == 0 else ' ', b))
            out.write('\n};\n')


if __name__ == '__main__':
    main()
