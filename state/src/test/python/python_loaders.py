"""Usage: python_loaders.py LOADER FILE EXPECTED_JSON

Loads FILE exactly as one of the Python system's loaders does (PYTHON_FORMATS.md) and compares what
it gets with EXPECTED_JSON, a state this library wrote in its native JSON layout, value by value
(floats exactly, labels as strings). LOADER is 'store' (the state store's load_system_state) or
'manager' (the MemoryManager's DataSerializer). Prints 'OK <loader> <numpy version> <n> rows' or
exits 1 naming the difference."""
import hashlib
import json
import os
import sys

import numpy as np

LEVELS = ("state_l1", "state_l2", "state_l3")
PARAMETERS = ("dimension", "lambda_l1", "lambda_l2", "lambda_l3", "theta_l1", "theta_l2",
              "gating12", "gating23")


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def load_store(path):
    if path.endswith(".json"):
        with open(path, "rb") as f:
            raw = f.read()
        checksum = path + ".checksum"
        if os.path.exists(checksum):
            with open(checksum) as f:
                if f.read().strip() != hashlib.sha256(raw).hexdigest():
                    fail("checksum mismatch")
        return json.loads(raw)
    with np.load(path, allow_pickle=True) as npz:
        if "state" in npz.files:
            d = npz["state"].item()
        else:
            d = {k: npz[k].tolist() for k in npz.files}
    if not isinstance(d, dict):
        fail("state entry does not hold a dict")
    for key in ("version", "memory_state", "qilm"):
        if key not in d:
            fail("Missing required state data: " + key)
    return d


def load_manager(path):
    if path.endswith(".json"):
        with open(path) as f:
            data = json.load(f)
    else:
        data = {}
        with np.load(path, allow_pickle=True) as npz:
            for key in npz.files:
                arr = npz[key]
                if arr.dtype == object and arr.size == 1:
                    data[key] = arr.item() if arr.ndim == 0 else arr[0]
                else:
                    data[key] = arr.item() if arr.ndim == 0 else arr.tolist()
    version = data.get("format_version", 1)
    if version > 1:
        fail("format_version %r is newer than 1" % version)
    for key in ("memory_state", "qilm"):
        if key not in data:
            fail("missing " + key)
    memory = data["memory_state"]
    dimension = memory["dimension"]
    for level in ("state_L1", "state_L2", "state_L3"):
        if len(memory[level]) != dimension:
            fail(level + " does not have dimension values")
    for row in data["qilm"]["memory"]:
        if len(row) != dimension:
            fail("a QILM row does not have dimension values")
    if len(data["qilm"]["phases"]) != len(data["qilm"]["memory"]):
        fail("phases and memory differ in length")
    data["memory_state"] = {k.replace("state_L", "state_l"): v for k, v in memory.items()}
    return data


def same(a, b):
    """Exact equality that tells 1 from True and 1.0 from '1.0'."""
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, str) or isinstance(b, str):
        return type(a) is type(b) and a == b
    return float(a) == float(b)


def compare(got, expected, keys):
    for key in keys:
        if not same(got.get(key), expected.get(key)):
            fail("%s: got %r, expected %r" % (key, got.get(key), expected.get(key)))


def main():
    loader, path, expected_path = sys.argv[1:4]
    with open(expected_path) as f:
        expected = json.load(f)
    got = load_store(path) if loader == "store" else load_manager(path)
    compare(got["memory_state"], expected["memory_state"], PARAMETERS + LEVELS)
    compare(got["qilm"], expected["qilm"], ("memory", "phases"))
    if loader == "store":
        compare(got, expected, ("version", "id", "created_at", "updated_at"))
    print("OK %s numpy %s %d rows" % (loader, np.__version__, len(got["qilm"]["memory"])))


main()
