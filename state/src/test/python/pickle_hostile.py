"""Usage: pickle_hostile.py OUTDIR MARKER. Writes NPZ files whose 'state' pickle names globals
outside the reader's allow-list; evil-reduce.npz runs `touch MARKER` when Python unpickles it.
Prints the file names, one a line."""
import collections
import os
import sys

import numpy as np

outdir, marker = sys.argv[1], sys.argv[2]


class Evil:
    def __reduce__(self):
        return (os.system, ("touch " + marker,))


def holder(value):
    a = np.empty((), dtype=object)
    a[()] = value
    return a


files = {
    "evil-reduce.npz": Evil(),
    "evil-in-dict.npz": {"version": 1, "memory_state": Evil()},
    "ordered-dict.npz": collections.OrderedDict(version=1),
    "numpy-load.npz": {"version": 1, "loader": np.load},
    "builtins-eval.npz": {"version": 1, "f": eval},
    "numpy-scalar.npz": {"version": np.int64(1)},
    "float-array.npz": {"version": 1, "state_l1": np.arange(3.0)},
    "set.npz": {"version": 1, "s": {1, 2}},
}
for name, value in files.items():
    np.savez(os.path.join(outdir, name), state=holder(value))
print("\n".join(files))
