"""Writes a state (a dict as in state.json) or a MemoryManager state (as in manager-legacy.json)
in every NPZ layout and encoding that numpy and the Python MLSDM system produce."""
import io
import json
import pickle
import zipfile

import numpy as np
from numpy.lib import format as npformat

PARAMETERS = ["lambda_l1", "lambda_l2", "lambda_l3", "theta_l1", "theta_l2", "gating12",
              "gating23"]


def native_arrays(state, ragged=False, fortran=False, order="<"):
    """The native layout of API.md section 5, as a dict of name -> array."""
    f8, i8 = order + "f8", order + "i8"
    m, q = state["memory_state"], state["qilm"]
    out = {"version": np.array(state["version"], dtype=i8)}
    if state.get("id") is not None:
        out["id"] = np.array(state["id"])
    out["created_at"] = np.array(state["created_at"])
    out["updated_at"] = np.array(state["updated_at"])
    out["memory_state.dimension"] = np.array(m["dimension"], dtype=i8)
    for p in PARAMETERS:
        out["memory_state." + p] = np.array(m[p], dtype=f8)
    for level in ("state_l1", "state_l2", "state_l3"):
        out["memory_state." + level] = np.array(m[level], dtype=f8)
    if ragged:
        out["qilm.memory_flat"] = np.array([v for row in q["memory"] for v in row], dtype=f8)
        out["qilm.memory_lengths"] = np.array([len(row) for row in q["memory"]], dtype=i8)
    else:
        memory = np.array(q["memory"], dtype=f8).reshape(len(q["memory"]), -1)
        out["qilm.memory"] = np.asfortranarray(memory) if fortran else memory
    out["qilm.phases"] = np.array(q["phases"], dtype=f8)
    return out


def object_array(value, shape):
    a = np.empty(shape, dtype=object)
    if shape == ():
        a[()] = value
    else:
        a[0] = value
    return a


def zip_arrays(path, arrays, version=None, protocol=None, compress=False):
    """Zips arrays as .npy entries with numpy.lib.format.write_array (for header versions and
    pickle protocols that np.savez does not expose)."""
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "w", method) as z:
        for name, a in arrays.items():
            buf = io.BytesIO()
            if protocol is None or a.dtype != object:
                npformat.write_array(buf, a, version=version, allow_pickle=True)
            else:
                # write_array fixes its own protocol; write the header and the pickle ourselves
                npformat.write_array_header_1_0(buf, npformat.header_data_from_array_1_0(a))
                pickle.dump(a, buf, protocol=protocol)
            z.writestr(name + ".npy", buf.getvalue())


class Unseekable(io.RawIOBase):
    """A write-only file, so that zipfile streams entries with data descriptors (flag bit 3)."""

    def __init__(self, f):
        self.f = f

    def writable(self):
        return True

    def write(self, b):
        return self.f.write(b)


def savez_streamed(path, arrays):
    with open(path, "wb") as f:
        np.savez(Unseekable(f), **arrays)


def write_state_variants(state, outdir):
    """One file per variant of a full state; returns the file names."""
    variants = {}
    variants["native-savez.npz"] = lambda p: np.savez(p, **native_arrays(state))
    variants["native-savez-compressed.npz"] = lambda p: np.savez_compressed(
        p, **native_arrays(state))
    variants["native-ragged.npz"] = lambda p: np.savez_compressed(
        p, **native_arrays(state, ragged=True))
    variants["native-fortran.npz"] = lambda p: np.savez(p, **native_arrays(state, fortran=True))
    variants["native-big-endian.npz"] = lambda p: np.savez(p, **native_arrays(state, order=">"))
    variants["native-streamed.npz"] = lambda p: savez_streamed(p, native_arrays(state))
    variants["native-npy-v2.npz"] = lambda p: zip_arrays(p, native_arrays(state), version=(2, 0))
    variants["native-npy-v3.npz"] = lambda p: zip_arrays(p, native_arrays(state), version=(3, 0))
    variants["pickled-state.npz"] = lambda p: np.savez(p, state=object_array(state, ()))
    variants["pickled-state-compressed.npz"] = lambda p: np.savez_compressed(
        p, state=object_array(state, ()))
    variants["pickled-state-protocol2.npz"] = lambda p: zip_arrays(
        p, {"state": object_array(state, ())}, protocol=2)
    variants["pickled-state-protocol5.npz"] = lambda p: zip_arrays(
        p, {"state": object_array(state, ())}, protocol=5)
    for name, write in variants.items():
        write(outdir + "/" + name)
    return list(variants)


def manager_arrays(manager):
    return {
        "format_version": np.array(manager["format_version"]),
        "memory_state": object_array(manager["memory_state"], (1,)),
        "qilm": object_array(manager["qilm"], (1,)),
    }


def write_manager_variants(manager, outdir):
    variants = {
        "manager.npz": lambda p: np.savez(p, **manager_arrays(manager)),
        "manager-compressed.npz": lambda p: np.savez_compressed(p, **manager_arrays(manager)),
        "manager-protocol2.npz": lambda p: zip_arrays(p, manager_arrays(manager), protocol=2),
    }
    for name, write in variants.items():
        write(outdir + "/" + name)
    return list(variants)


def load(path):
    with open(path) as f:
        return json.load(f)
