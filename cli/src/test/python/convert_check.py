"""Usage: convert_check.py LOADER FILE EXPECTED_JSON

Loads FILE, which `mlsdm-state convert` wrote, as the Python system's loader LOADER does
('store': the state store's load_system_state; 'manager': the MemoryManager's DataSerializer; see
PYTHON_FORMATS.md) and compares it with EXPECTED_JSON, the state convert read, in this library's
native JSON. Compared exactly: the parameters, levels, QILM rows and phases (numbers as floats,
labels as strings), and for 'store' also version, id and created_at (updated_at is the time of
writing, so only its presence). Prints 'OK <loader> numpy <version>' or exits 1 naming the field."""
import json
import sys

import numpy as np

MEMORY = ("dimension", "lambda_l1", "lambda_l2", "lambda_l3", "theta_l1", "theta_l2", "gating12",
          "gating23", "state_l1", "state_l2", "state_l3")


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def load(loader, path):
    if path.endswith(".json"):
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    else:
        with np.load(path, allow_pickle=True) as npz:
            if loader == "store":
                if "state" in npz.files:
                    data = npz["state"].item()
                else:
                    data = {k: npz[k].tolist() for k in npz.files}
            else:
                data = {}
                for k in npz.files:
                    a = npz[k]
                    one = a.dtype == object and a.size == 1
                    data[k] = (a.item() if a.ndim == 0 else a[0]) if one else a.tolist()
    if not isinstance(data, dict):
        fail("the file does not hold a dict")
    required = ("version", "memory_state", "qilm") if loader == "store" else ("memory_state", "qilm")
    for key in required:
        if key not in data:
            fail("Missing required state data: " + key)
    if loader == "manager":
        if data.get("format_version", 1) > 1:
            fail("format_version newer than 1")
        memory = data["memory_state"]
        for level in ("state_L1", "state_L2", "state_L3"):
            if len(memory[level]) != memory["dimension"]:
                fail(level + " does not have dimension values")
        data["memory_state"] = {k.replace("state_L", "state_l"): v for k, v in memory.items()}
    return data


def same(a, b):
    """Exact equality that tells 1.0 from '1.0' and True from 1."""
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, (str, bool, type(None))) or isinstance(b, (str, bool, type(None))):
        return type(a) is type(b) and a == b
    return float(a) == float(b)


def main():
    loader, path, expected_path = sys.argv[1:4]
    with open(expected_path, encoding="utf-8") as f:
        expected = json.load(f)
    got = load(loader, path)
    pairs = [(got["memory_state"].get(k), expected["memory_state"][k], k) for k in MEMORY]
    pairs += [(got["qilm"].get(k), expected["qilm"][k], "qilm." + k) for k in ("memory", "phases")]
    if loader == "store":
        pairs += [(got.get(k), expected[k], k) for k in ("version", "id", "created_at")]
        if not isinstance(got.get("updated_at"), str):
            fail("updated_at: got %r" % got.get("updated_at"))
    for g, e, name in pairs:
        if not same(g, e):
            fail("%s: got %r, expected %r" % (name, g, e))
    print("OK %s numpy %s" % (loader, np.__version__))


main()
