"""The Python side of the JSON store interop, with the standard library only.

write DIR: writes DIR/state.json with json.dump(indent=2) in the layout of API.md section 4 and
           DIR/state.json.checksum with hashlib.sha256, as the Python state store does; prints the
           repr of every float, one per line, in file order.
check FILE: loads a Java-written FILE with json, checks FILE.checksum equals hashlib.sha256 of its
           bytes (exit 3 if not), and prints the repr of every float in file order.
"""
import hashlib
import json
import sys


def floats(state):
    m = state["memory_state"]
    out = [m[k] for k in ("lambda_l1", "lambda_l2", "lambda_l3", "theta_l1", "theta_l2",
                          "gating12", "gating23")]
    for k in ("state_l1", "state_l2", "state_l3"):
        out += m[k]
    for row in state["qilm"]["memory"]:
        out += row
    out += state["qilm"]["phases"]
    return out


def write(directory):
    state = {
        "version": 1,
        "id": "from-python",
        "created_at": "2026-11-26T10:35:19.917208Z",
        "updated_at": "2026-11-26T12:35:19.918680+02:00",
        "memory_state": {
            "dimension": 3, "lambda_l1": 0.5, "lambda_l2": 0.1, "lambda_l3": 0.01,
            "theta_l1": 1.2, "theta_l2": 2.5, "gating12": 0.45, "gating23": 0.3,
            "state_l1": [0.1 + 0.2, -0.0, 5e-324],
            "state_l2": [1e-300, 1 / 3, 2.0],
            "state_l3": [1.7976931348623157e308, -1e-10, 0],
        },
        "qilm": {"memory": [[0.25, 0.5, 0.75], [1e22, -2.5, 3]], "phases": [0.1, 0.9]},
    }
    path = directory + "/state.json"
    with open(path, "w", encoding="utf-8") as f:
        json.dump(state, f, indent=2)
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    with open(path + ".checksum", "w") as f:
        f.write(digest)
    return state


def main():
    mode, arg = sys.argv[1], sys.argv[2]
    if mode == "write":
        state = write(arg)
    else:
        with open(arg, "rb") as f:
            raw = f.read()
        with open(arg + ".checksum") as f:
            if f.read().strip() != hashlib.sha256(raw).hexdigest():
                sys.exit(3)
        state = json.loads(raw)
        print(state["id"])
        print(state["updated_at"])
    for v in floats(state):
        print(repr(float(v)))


main()
