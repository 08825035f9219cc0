"""The Python side of benchmarks/scripts/compare.sh, and its report.

  compare.py time DIR REPS ROWS...      times the standard-library and numpy paths, prints CSV
  compare.py once DIR IMPL ROWS         one save and one load of IMPL (stdlib|numpy), for time -v
  compare.py report OUT                 reads OUT/*.csv, prints the tables, writes OUT/report.md
                                        and OUT/compare.png

The workloads are the Java harness's: DIR/W-x.f64 holds, little-endian, state_l1, state_l2,
state_l3 (384 each), phases (rows) and the QILM (rows x 384), written by `Compare export`.
Standard library + numpy (+ matplotlib for the plot) only.
"""
import csv
import hashlib
import json
import os
import statistics
import sys
import time

import numpy as np

DIM = 384
NAMES = {1000: "W-S", 10000: "W-M", 100000: "W-L"}
CREATED = "2026-11-26T10:00:00.000001Z"
PARAMS = {"lambda_l1": 0.5, "lambda_l2": 0.1, "lambda_l3": 0.01, "theta_l1": 1.0,
          "theta_l2": 2.0, "gating12": 0.5, "gating23": 0.3}


def name(rows):
    return NAMES.get(rows, "W-%d" % rows)


def arrays(d, rows):
    raw = np.fromfile(os.path.join(d, name(rows) + ".f64"), dtype="<f8")
    l1, l2, l3 = raw[0:DIM], raw[DIM:2 * DIM], raw[2 * DIM:3 * DIM]
    phases = raw[3 * DIM:3 * DIM + rows]
    memory = raw[3 * DIM + rows:].reshape(rows, DIM)
    return l1, l2, l3, phases, memory


def stdlib_state(d, rows):
    l1, l2, l3, phases, memory = arrays(d, rows)
    ms = {"dimension": DIM, **PARAMS,
          "state_l1": l1.tolist(), "state_l2": l2.tolist(), "state_l3": l3.tolist()}
    return {"version": 1, "id": "bench-" + name(rows), "created_at": CREATED,
            "updated_at": CREATED, "memory_state": ms,
            "qilm": {"memory": memory.tolist(), "phases": phases.tolist()}}


def numpy_state(d, rows):
    l1, l2, l3, phases, memory = arrays(d, rows)
    out = {"version": np.int64(1), "id": np.str_("bench-" + name(rows)),
           "created_at": np.str_(CREATED), "updated_at": np.str_(CREATED),
           "memory_state.dimension": np.int64(DIM)}
    for k, v in PARAMS.items():
        out["memory_state." + k] = np.float64(v)
    out["memory_state.state_l1"] = l1.copy()
    out["memory_state.state_l2"] = l2.copy()
    out["memory_state.state_l3"] = l3.copy()
    out["qilm.memory"] = memory.copy()
    out["qilm.phases"] = phases.copy()
    return out


def fsync_dir(path):
    fd = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def stdlib_save(state, path):
    data = json.dumps(state, indent=2).encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    with open(path + ".checksum", "w") as f:
        f.write(digest)


def stdlib_load(path):
    with open(path, "rb") as f:
        data = f.read()
    with open(path + ".checksum") as f:
        expected = f.read().strip()
    if hashlib.sha256(data).hexdigest() != expected:
        raise ValueError("checksum mismatch")
    return json.loads(data)


def numpy_save(state, path):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        np.savez(f, **state)
        f.flush()
        os.fsync(f.fileno())
    with open(tmp, "rb") as f:
        digest = hashlib.file_digest(f, "sha256").hexdigest()
    os.replace(tmp, path)
    with open(path + ".checksum", "w") as f:
        f.write(digest)


def numpy_load(path):
    with open(path, "rb") as f:
        actual = hashlib.file_digest(f, "sha256").hexdigest()
    with open(path + ".checksum") as f:
        if f.read().strip() != actual:
            raise ValueError("checksum mismatch")
    with np.load(path, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


IMPLS = {"stdlib": (stdlib_state, stdlib_save, stdlib_load, ".json"),
         "numpy": (numpy_state, numpy_save, numpy_load, ".npz")}


def run(impl, d, rows, reps, out):
    make, save, load, ext = IMPLS[impl]
    state = make(d, rows)
    path = os.path.join(d, "py-" + name(rows) + ext)
    saves, loads = [], []
    for _ in range(reps):
        t = time.perf_counter()
        save(state, path)
        saves.append(time.perf_counter() - t)
    del state
    back = None
    for _ in range(reps):
        back = None
        t = time.perf_counter()
        back = load(path)
        loads.append(time.perf_counter() - t)
    if out is not None:
        size = os.path.getsize(path)
        doubles = rows * DIM + rows + 3 * DIM
        for op, ts in (("save", saves), ("load", loads)):
            out.writerow(["python", impl, op, name(rows), doubles, size,
                          "%.6f" % statistics.median(ts), "%.6f" % min(ts), len(ts)])
            sys.stdout.flush()
    return back


def cmd_time(d, reps, rows):
    for impl in IMPLS:
        run(impl, d, 1000, 3, None)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["side", "impl", "op", "workload", "doubles", "bytes", "median_s", "min_s",
                  "runs"])
    for n, r in zip(rows, reps):
        for impl in IMPLS:
            run(impl, d, n, r, out)


def read_csv(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def cmd_report(out_dir):
    rows = read_csv(os.path.join(out_dir, "java.csv")) + read_csv(
        os.path.join(out_dir, "python.csv"))
    t = {(r["side"] + ":" + r["impl"], r["op"], r["workload"]): r for r in rows}
    workloads = [w for w in ("W-S", "W-M", "W-L") if any(k[2] == w for k in t)]
    impls = []
    for r in rows:
        k = r["side"] + ":" + r["impl"]
        if k not in impls:
            impls.append(k)

    def med(impl, op, w):
        r = t.get((impl, op, w))
        return float(r["median_s"]) if r else None

    def ratio(a, b):
        return "%.2f" % (a / b) if a and b else "n/a"

    lines = ["## Medians (seconds) and file sizes", "",
             "| workload | op | " + " | ".join(impls) + " |",
             "|---|---|" + "---|" * len(impls)]
    for w in workloads:
        for op in ("save", "load"):
            cells = []
            for i in impls:
                m = med(i, op, w)
                cells.append("%.4f" % m if m is not None else "—")
            lines.append("| %s | %s | %s |" % (w, op, " | ".join(cells)))
    lines += ["", "| workload | " + " | ".join("%s bytes" % i for i in impls) + " |",
              "|---|" + "---|" * len(impls)]
    for w in workloads:
        cells = []
        for i in impls:
            r = t.get((i, "save", w))
            cells.append("{:,}".format(int(r["bytes"])) if r else "—")
        lines.append("| %s | %s |" % (w, " | ".join(cells)))
    lines += ["", "## Ratios (how many times faster the library is; > 1 is faster)", "",
              "| workload | op | JSON vs stdlib json | NPZ vs numpy savez/load | "
              "NPZ / floor (time) | JSON / floor (time) |",
              "|---|---|---|---|---|---|"]
    for w in workloads:
        for op in ("save", "load"):
            lines.append("| %s | %s | %s | %s | %s | %s |" % (
                w, op,
                ratio(med("python:stdlib", op, w), med("java:json", op, w)),
                ratio(med("python:numpy", op, w), med("java:npz", op, w)),
                ratio(med("java:npz", op, w), med("java:floor", op, w)),
                ratio(med("java:json", op, w), med("java:floor", op, w))))
    lines += ["", "## Cost per double (nanoseconds), and W-L against W-S", "",
              "| impl | op | " + " | ".join(workloads) + " | W-L / W-S |",
              "|---|---|" + "---|" * (len(workloads) + 1)]
    for i in impls:
        for op in ("save", "load"):
            per = {}
            for w in workloads:
                r = t.get((i, op, w))
                if r:
                    per[w] = float(r["median_s"]) / int(r["doubles"]) * 1e9
            if not per:
                continue
            cells = ["%.2f" % per[w] if w in per else "—" for w in workloads]
            scale = ("%.2f" % (per["W-L"] / per["W-S"])) if "W-L" in per and "W-S" in per \
                else "n/a"
            lines.append("| %s | %s | %s | %s |" % (i, op, " | ".join(cells), scale))
    rss_path = os.path.join(out_dir, "rss.csv")
    if os.path.exists(rss_path):
        lines += ["", "## Peak resident memory of one save + load (`/usr/bin/time -v`)", "",
                  "| side | impl | workload | peak RSS (MiB) | wall (s) |", "|---|---|---|---|---|"]
        for r in read_csv(rss_path):
            lines.append("| %s | %s | %s | %.0f | %s |" % (
                r["side"], r["impl"], r["workload"], int(r["max_rss_kb"]) / 1024, r["wall"]))
    text = "\n".join(lines) + "\n"
    with open(os.path.join(out_dir, "report.md"), "w") as f:
        f.write(text)
    print(text)
    plot(t, impls, workloads, os.path.join(out_dir, "compare.png"))


def plot(t, impls, workloads, png):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(12, 5), sharey=True)
    for ax, op in zip(axes, ("save", "load")):
        for i in impls:
            pts = [(int(t[(i, op, w)]["doubles"]) * 8 / 1e6, float(t[(i, op, w)]["median_s"]))
                   for w in workloads if (i, op, w) in t]
            if pts:
                ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=i)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("state size (MB of doubles)")
        ax.set_title(op + " (median)")
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("seconds")
    axes[1].legend()
    fig.suptitle("MLSDM state: time against state size (dimension 384)")
    fig.tight_layout()
    fig.savefig(png, dpi=100)


def main(argv):
    if len(argv) >= 3 and argv[0] == "time":
        reps = [int(x) for x in argv[2].split(",")]
        rows = [int(x) for x in argv[3:]]
        if len(reps) != len(rows):
            sys.exit("REPS and ROWS differ in length")
        cmd_time(argv[1], reps, rows)
    elif len(argv) == 4 and argv[0] == "once":
        run(argv[2], argv[1], int(argv[3]), 1, None)
    elif len(argv) == 2 and argv[0] == "report":
        cmd_report(argv[1])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
