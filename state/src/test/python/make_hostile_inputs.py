"""Usage: make_hostile_inputs.py OUTDIR. Writes the NPZ files of issue 10's memory-amplification
attacks (RELIABILITY.md, "Hostile inputs"): each is at most 1 MB and inside the zip reader's
limits, and decodes into far more heap than -Xmx256m holds unless the reader's load budget stops
it. Prints one line per file: its name and size in bytes.

The pickles are assembled opcode by opcode (Python's pickle never writes the sharing these attacks
need); check_assembler() shows that Python's own pickle reads what the assembler writes."""
import io
import os
import pickle
import struct
import sys
import zipfile

import numpy as np

# The timestamps and parameters of a small valid state, as in python-written/state.json.
CREATED = "2026-11-26T10:35:19.917208Z"
PARAMETERS = {"lambda_l1": 0.5, "lambda_l2": 0.1, "lambda_l3": 0.01, "theta_l1": 1.5,
              "theta_l2": 2.0, "gating12": 0.5, "gating23": 0.3}


class Pickle:
    """A protocol-2 pickle written opcode by opcode, with memo indexes handed out in order."""

    def __init__(self):
        self.out = bytearray(b"\x80\x02")  # PROTO 2
        self.memo = 0

    def op(self, code):
        self.out += code

    def glob(self, module, name):  # GLOBAL
        self.op(b"c" + module.encode() + b"\n" + name.encode() + b"\n")

    def int(self, n):  # BININT
        self.op(b"J" + struct.pack("<i", n))

    def float(self, x):  # BINFLOAT
        self.op(b"G" + struct.pack(">d", x))

    def str(self, s):  # BINUNICODE
        b = s.encode()
        self.op(b"X" + struct.pack("<I", len(b)) + b)

    def put(self):  # BINPUT: memoise the top of the stack, return its index
        assert self.memo < 256
        self.op(b"q" + bytes([self.memo]))
        self.memo += 1
        return self.memo - 1

    def get(self, i):  # BINGET
        self.op(b"h" + bytes([i]))

    def list(self, items, write):  # EMPTY_LIST, then APPENDS in batches of 1,000 as pickle does
        self.op(b"]")
        for start in range(0, len(items), 1000):
            self.op(b"(")
            for item in items[start:start + 1000]:
                write(item)
            self.op(b"e")

    def dict(self, items):  # EMPTY_DICT, MARK, key value ..., SETITEMS; values are writers
        self.op(b"}(")
        for key, write in items:
            self.str(key)
            write()
        self.op(b"u")

    def object_array(self, write_value):
        """A 0-d NumPy object array holding one value, as np.save pickles it, then STOP."""
        self.glob("numpy.core.multiarray", "_reconstruct")
        self.glob("numpy", "ndarray")
        self.op(b"K\x00\x85" + b"C\x01b" + b"\x87R")  # (ndarray, (0,), b'b') REDUCE
        self.op(b"(K\x01)")  # BUILD state: (1, (), dtype('O'), False, [value])
        self.glob("numpy", "dtype")
        self.str("O8")
        self.op(b"\x89\x88\x87R")  # ('O8', False, True) REDUCE
        self.op(b"(K\x03")
        self.str("|")
        self.op(b"NNN")
        self.int(-1)
        self.int(-1)
        self.op(b"K\x3ft" + b"b")  # the dtype's BUILD
        self.op(b"\x89]")
        write_value()
        self.op(b"atb.")  # APPEND, TUPLE, BUILD, STOP
        return bytes(self.out)


def floats(p, values):
    p.list(values, p.float)


def state_dict(p, dimension, memory=None, phases=None, extra=()):
    """A valid state map of the Python store, with writers for its QILM and extra items."""
    levels = [0.0] * dimension
    memory_state = [("dimension", lambda: p.int(dimension))]
    memory_state += [(k, lambda v=v: p.float(v)) for k, v in PARAMETERS.items()]
    memory_state += [(k, lambda: floats(p, levels)) for k in ("state_l1", "state_l2", "state_l3")]
    p.dict([("version", lambda: p.int(1)), ("id", lambda: p.str("hostile")),
            ("created_at", lambda: p.str(CREATED)), ("updated_at", lambda: p.str(CREATED)),
            ("memory_state", lambda: p.dict(memory_state)),
            ("qilm", lambda: p.dict([("memory", memory or (lambda: p.list([], None))),
                                     ("phases", phases or (lambda: p.list([], None)))]))]
           + list(extra))


def check_assembler():
    """Python's pickle reads what the assembler writes, and keeps the sharing: the row and the
    DAG cost Python next to nothing, a reader that copies shared lists 411 MB and 2^40 lists."""
    p = Pickle()
    data = p.object_array(lambda: state_dict(p, 2, extra=[("x", lambda: floats(p, [1.5]))]))
    a = pickle.loads(data)
    assert a.dtype == object and a.shape == () and a[()]["x"] == [1.5], a
    assert a[()]["memory_state"]["state_l2"] == [0.0, 0.0], a
    memory = pickle.loads(shared_row())[()]["qilm"]["memory"]
    assert len(memory) == 100_000 and all(row is memory[0] for row in memory)
    level = pickle.loads(list_dag())[()]["junk"]
    for _ in range(40):
        assert len(level) == 2 and level[0] is level[1]
        level = level[0]
    assert level == []


def encode_memo():
    """A memoised 1 MiB string re-encoded 1,000 times through _codecs.encode: 1 GB of bytes."""
    p = Pickle()

    def blobs():
        p.op(b"]")
        p.glob("_codecs", "encode")
        encode = p.put()
        p.op(b"0")  # POP: only the memo keeps it
        p.str("a" * (1 << 20))
        text = p.put()
        p.op(b"0")
        p.str("latin1")
        latin1 = p.put()
        p.op(b"0")
        for _ in range(1000 // 100):
            p.op(b"(")
            for _ in range(100):
                p.get(encode)
                p.get(text)
                p.get(latin1)
                p.op(b"\x86R")  # TUPLE2, REDUCE
            p.op(b"e")

    return p.object_array(lambda: state_dict(p, 4, extra=[("blobs", blobs)]))


def shared_row():
    """A QILM of 100,000 rows that are one memoised row of 512 values: 411 MB of rows."""
    p = Pickle()
    rows, dimension = 100_000, 512

    def memory():
        floats(p, [0.25] * dimension)
        row = p.put()
        p.op(b"0")
        p.list(range(rows), lambda _: p.get(row))

    def phases():
        p.float(0.5)
        phase = p.put()
        p.op(b"0")
        p.list(range(rows), lambda _: p.get(phase))

    return p.object_array(lambda: state_dict(p, dimension, memory, phases))


def list_dag():
    """Under an unknown key, 40 levels of [previous, previous]: 2^40 paths in 40 lists."""
    p = Pickle()

    def dag():
        p.op(b"]")
        previous = p.put()
        for _ in range(40):
            p.op(b"0](")  # POP the previous level: only the memo keeps it
            p.get(previous)
            p.get(previous)
            p.op(b"e")
            previous = p.put()

    return p.object_array(lambda: state_dict(p, 4, extra=[("junk", dag)]))


def npy(array):
    buf = io.BytesIO()
    np.lib.format.write_array(buf, array, allow_pickle=array.dtype == object)
    return buf.getvalue()


def pickled_npz(path, data, deflate):
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "|O", "fortran_order": False, "shape": ()})
    write_zip(path, {"state.npy": header.getvalue() + data}, deflate)


def write_zip(path, entries, deflate=True):
    method = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "w", method, compresslevel=9) as z:
        for name, data in entries.items():
            z.writestr(name, data)


def native_npz(path, dimension, levels=None, memory=None, ragged=None):
    """The native layout; levels, memory or (flat, lengths) replace the valid arrays. The phases
    are empty: they would be as long as the rows (and take the zip over its limits), but the
    reader never gets to them."""
    e = {"version.npy": npy(np.array(1, "<i8")), "id.npy": npy(np.array("hostile")),
         "created_at.npy": npy(np.array(CREATED)), "updated_at.npy": npy(np.array(CREATED)),
         "memory_state.dimension.npy": npy(np.array(dimension, "<i8"))}
    for k, v in PARAMETERS.items():
        e["memory_state." + k + ".npy"] = npy(np.array(v, "<f8"))
    for i, k in enumerate(("state_l1", "state_l2", "state_l3")):
        e["memory_state." + k + ".npy"] = npy(
            levels[i] if levels else np.zeros(dimension, "<f8"))
    if ragged:
        e["qilm.memory_flat.npy"] = npy(ragged[0])
        e["qilm.memory_lengths.npy"] = npy(ragged[1])
    else:
        e["qilm.memory.npy"] = npy(memory if memory is not None else np.zeros((0, 0), "<f8"))
    e["qilm.phases.npy"] = npy(np.zeros(0, "<f8"))
    write_zip(path, e)


def main():
    outdir = sys.argv[1]
    check_assembler()
    out = {}
    # Deflated, as np.savez_compressed writes: the 1 MiB string takes about 1 KB.
    out["pickle-encode-memo.npz"] = lambda p: pickled_npz(p, encode_memo(), True)
    # Stored, as np.savez writes: no compression needed for these two.
    out["pickle-shared-row.npz"] = lambda p: pickled_npz(p, shared_row(), False)
    out["pickle-list-dag.npz"] = lambda p: pickled_npz(p, list_dag(), False)
    # 20 M elements each of |i1, ? and |u1 (60 MB, under the zip's 64 MiB floor): 480 MB doubles.
    n = 20_000_000
    out["npy-widened-narrow-types.npz"] = lambda p: native_npz(
        p, n, levels=[np.zeros(n, "|i1"), np.zeros(n, "?"), np.zeros(n, "|u1")])
    # A (16 M, 1) |i1 matrix: 16 M one-element rows, 448 MB.
    out["npy-column-matrix.npz"] = lambda p: native_npz(
        p, 1, levels=[np.zeros(1, "<f8")] * 3, memory=np.zeros((16_000_000, 1), "|i1"))
    # 30 M |i1 lengths widened to doubles: 240 MB.
    out["npy-lengths-widened.npz"] = lambda p: native_npz(
        p, 0, ragged=(np.zeros(0, "<f8"), np.zeros(30_000_000, "|i1")))
    # 8 M lengths of 0 (<i8, 64 MB): 8 M empty rows, 192 MB beside the 64 MB of lengths.
    out["npy-lengths-empty-rows.npz"] = lambda p: native_npz(
        p, 0, ragged=(np.zeros(0, "<f8"), np.zeros(8_000_000, "<i8")))
    for name, write in out.items():
        path = os.path.join(outdir, name)
        write(path)
        print(name, os.path.getsize(path))


main()
