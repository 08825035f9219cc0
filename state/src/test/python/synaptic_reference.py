"""Reference trajectories of the Python MultiLevelSynapticMemory update, as float32 bit patterns.

The update below is the Python class's own, operation for operation: in-place decay by the Python
float (1 - lambda), the event added in float32, transfers as (mask * level) * gating. NumPy applies
a Python float scalar to a float32 array as a float32 (value-based casting in 1.x, NEP 50 in 2.x),
comparisons included, and False * negative gives -0.0: the Java port must reproduce both.

Output, one line each:
  case <name> <dimension> <lambda_l1> <lambda_l2> <lambda_l3> <theta_l1> <theta_l2> <gating12> <gating23>
  step <event> <l1> <l2> <l3>      each a comma-separated list of 8-digit hex float32 bit patterns
"""
import sys

import numpy as np

F32 = np.float32


class Synaptic:
    def __init__(self, dim, lambda_l1, lambda_l2, lambda_l3, theta_l1, theta_l2, gating12, gating23):
        self.lambda_l1, self.lambda_l2, self.lambda_l3 = lambda_l1, lambda_l2, lambda_l3
        self.theta_l1, self.theta_l2 = theta_l1, theta_l2
        self.gating12, self.gating23 = gating12, gating23
        self.l1 = np.zeros(dim, dtype=F32)
        self.l2 = np.zeros(dim, dtype=F32)
        self.l3 = np.zeros(dim, dtype=F32)

    def update(self, event):
        self.l1 *= 1 - self.lambda_l1
        self.l2 *= 1 - self.lambda_l2
        self.l3 *= 1 - self.lambda_l3
        self.l1 += event
        transfer12 = (self.l1 > self.theta_l1) * self.l1 * self.gating12
        self.l1 -= transfer12
        self.l2 += transfer12
        transfer23 = (self.l2 > self.theta_l2) * self.l2 * self.gating23
        self.l2 -= transfer23
        self.l3 += transfer23
        for level in (self.l1, self.l2, self.l3):
            assert level.dtype == F32 and np.all(np.isfinite(level))


def hexes(a):
    return ",".join("%08x" % b for b in np.asarray(a, dtype=F32).view(np.uint32))


def boundary_event(dim, params):
    """Values on and beside the float32 thresholds, so a comparison done in float64 would differ."""
    _, _, _, theta_l1, theta_l2, gating12, _ = params
    t1 = F32(theta_l1)
    values = [t1, np.nextafter(t1, F32(0)), np.nextafter(t1, F32(np.inf)), -t1, F32(-0.0)]
    # An event whose L1 -> L2 transfer lands exactly on float32(theta_l2).
    start = F32(theta_l2 / gating12) if gating12 > 0 else F32(0)
    candidate = start
    for _ in range(64):
        if candidate > t1 and F32(candidate * F32(gating12)) == F32(theta_l2):
            values.append(candidate)
            break
        candidate = np.nextafter(candidate, F32(np.inf))
    event = np.zeros(dim, dtype=F32)
    event[: min(dim, len(values))] = values[:dim]
    return event


def events(rng, dim, steps, scales, zero_tail=0):
    for _ in range(steps):
        scale = scales[rng.integers(len(scales))]
        e = (rng.standard_normal(dim) * scale).astype(F32)
        e[rng.random(dim) < 0.1] = F32(0.0)
        e[rng.random(dim) < 0.05] = F32(-0.0)
        yield e
    for _ in range(zero_tail):
        yield np.zeros(dim, dtype=F32)


CALIBRATED = (0.50, 0.10, 0.01, 1.2, 2.5, 0.45, 0.30)
DEFAULTS = (0.5, 0.1, 0.01, 1.0, 2.0, 0.5, 0.3)
FREQUENT = (0.05, 0.02, 0.001, 0.01, 0.02, 0.9, 0.8)
EXTREME = (1.0, 1.0, 1.0, 0.5, 0.5, 1.0, 0.0)
ODD = (0.3, 0.7, 0.123456789, 1e-3, 3.3, 0.1, 0.999)

CASES = [
    # name, params, dimension, steps, event scales, zero-event tail
    ("calibrated-d1", CALIBRATED, 1, 300, (0.5, 2.0, 10.0), 0),
    ("calibrated-d64-large", CALIBRATED, 64, 300, (1.0, 5.0, 100.0, 1e4), 0),
    ("defaults-d7", DEFAULTS, 7, 400, (0.3, 1.0, 4.0), 0),
    ("frequent-d16", FREQUENT, 16, 300, (0.01, 0.1, 1.0), 0),
    ("extreme-d5", EXTREME, 5, 200, (0.1, 1.0, 10.0), 0),
    ("odd-d33", ODD, 33, 300, (1e-40, 1e-3, 1.0, 1e3, 1e30), 0),
    ("calibrated-d8-decay-tail", CALIBRATED, 8, 30, (1.0, 50.0), 1200),
]


def main():
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 20261126
    rng = np.random.default_rng(seed)
    out = []
    for name, params, dim, steps, scales, tail in CASES:
        out.append("case %s %d %s" % (name, dim, " ".join(repr(float(p)) for p in params)))
        memory = Synaptic(dim, *params)
        sequence = [boundary_event(dim, params)] + list(events(rng, dim, steps, scales, tail))
        for event in sequence:
            memory.update(event)
            out.append("step %s %s %s %s" % (hexes(event), hexes(memory.l1), hexes(memory.l2), hexes(memory.l3)))
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
