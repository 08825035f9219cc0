"""Reads a Java-written state file with Python's json module and prints every leaf, one a line.

Output: PATH TAB TYPE TAB VALUE, where TYPE is the Python type name, floats are printed with
repr (the shortest string that round-trips) and strings as the hex of their UTF-8 bytes, so the
Java test can compare bit for bit.
"""
import json
import sys


def leaves(path, value):
    if isinstance(value, dict):
        for key, child in value.items():
            yield from leaves(f"{path}.{key}" if path else key, child)
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from leaves(f"{path}[{i}]", child)
    elif isinstance(value, str):
        yield path, "str", value.encode("utf-8", "surrogatepass").hex()
    elif value is None:
        yield path, "NoneType", ""
    else:
        yield path, type(value).__name__, repr(value)


with open(sys.argv[1], encoding="utf-8") as f:
    data = json.load(f)
if not isinstance(data, dict):
    sys.exit("not a JSON object")
for path, kind, text in leaves("", data):
    print(f"{path}\t{kind}\t{text}")
