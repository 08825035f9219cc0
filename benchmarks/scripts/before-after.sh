#!/usr/bin/env bash
# Issue 9's before/after: the Java harness of compare.sh (org.mlsdm.bench.Compare time) with the
# jar built before issue 9 and the jar built after, run alternately (the order swapped every other
# run), RUNS times each.
#   before-after.sh BEFORE_JAR AFTER_JAR OUT_DIR
set -euo pipefail
before=$1 after=$2 out=$3
RUNS=${RUNS:-3}
ROWS=${ROWS:-"1000 10000 100000"}
REPS=${REPS:-21,9,3}
data=${BENCH_DIR:-/tmp/mlsdm-ba}
mkdir -p "$out"
for i in $(seq 1 "$RUNS"); do
  # Odd runs time "before" first, even runs "after" first, so that whatever the first run of a pair
  # leaves behind (dirty pages, a warm or cold cache) does not favour one side.
  order="before after"; [ $((i % 2)) -eq 0 ] && order="after before"
  for side in $order; do
    jar=$before; [ "$side" = after ] && jar=$after
    rm -rf "$data"; mkdir -p "$data"
    echo "== $side run $i, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
    # shellcheck disable=SC2086
    java -Xmx1g -cp "$jar" org.mlsdm.bench.Compare time "$data" "$REPS" $ROWS >"$out/$side-$i.csv"
  done
done
python3 - "$out" "$RUNS" <<'PY'
import csv, sys, statistics, pathlib
out, runs = pathlib.Path(sys.argv[1]), int(sys.argv[2])
rows = {}
for side in ("before", "after"):
    for i in range(1, runs + 1):
        for r in csv.DictReader(open(out / f"{side}-{i}.csv")):
            rows.setdefault((r["impl"], r["op"], r["workload"]), {}).setdefault(side, []).append(float(r["median_s"]))
print("| impl | op | workload | before (s, median of runs) | after | after/before |")
print("|---|---|---|---|---|---|")
for k in sorted(rows):
    b, a = statistics.median(rows[k]["before"]), statistics.median(rows[k]["after"])
    print(f"| {k[0]} | {k[1]} | {k[2]} | {b:.4f} | {a:.4f} | {a/b:.3f} |")
PY
