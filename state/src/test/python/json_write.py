"""Writes a state file the way the Python state store does (json.dump, indent=2) with values
that are hard to round-trip, and prints each float as PATH TAB repr for the Java test to compare.
"""
import json
import random
import sys

rng = random.Random(20261126)
dimension = 5
levels = [
    [0.1 + 0.2, 1e-300, -0.0, 5e-324, 1.7976931348623157e308],
    [rng.uniform(-10, 10) for _ in range(dimension)],
    [2.2250738585072014e-308, -1e-10, 123456789.123456789, 1 / 3, 2.0 ** -1074 * 3],
]
memory = [[rng.gauss(0, 1) for _ in range(dimension)] for _ in range(3)] + [[rng.random()]]
phases = [rng.random() for _ in memory]
state = {
    "version": 1,
    "id": "python-writer \u00e9\u6f22\U0001F600",
    "created_at": "2026-11-26T10:35:19.917208Z",
    "updated_at": "2026-11-26T10:35:19.918680+00:00",
    "memory_state": {
        "dimension": dimension,
        "lambda_l1": 0.5,
        "lambda_l2": 0.1,
        "lambda_l3": 0.01,
        "theta_l1": 1.0,
        "theta_l2": 2.0,
        "gating12": 0.5,
        "gating23": 0.3,
        "state_l1": levels[0],
        "state_l2": levels[1],
        "state_l3": levels[2],
    },
    "qilm": {"memory": memory, "phases": phases},
}
with open(sys.argv[1], "w", encoding="utf-8") as f:
    json.dump(state, f, indent=2)
for i, level in enumerate(levels, 1):
    for j, v in enumerate(level):
        print(f"memory_state.state_l{i}[{j}]\t{v!r}")
for i, row in enumerate(memory):
    for j, v in enumerate(row):
        print(f"qilm.memory[{i}][{j}]\t{v!r}")
for i, v in enumerate(phases):
    print(f"qilm.phases[{i}]\t{v!r}")
