"""Prints every array of an NPZ file, loaded with allow_pickle=False, one canonical line each:
name, dtype.str, shape, then the values in C order (doubles as their IEEE-754 bits as a signed
64-bit int, ints as ints, strings as repr). Lines are sorted by name."""
import struct
import sys

import numpy as np

with np.load(sys.argv[1], allow_pickle=False) as npz:
    lines = []
    for name in npz.files:
        a = npz[name]
        if a.dtype.kind == "f":
            values = [str(struct.unpack("<q", struct.pack("<d", float(v)))[0]) for v in a.ravel()]
        elif a.dtype.kind in "iu":
            values = [str(int(v)) for v in a.ravel()]
        else:
            values = [repr(str(v)) for v in a.ravel()]
        lines.append(" ".join([name, a.dtype.str, repr(tuple(a.shape))] + values))
    print("\n".join(sorted(lines)))
