#!/usr/bin/env bash
# Side-by-side benchmark: this library (one JVM, -Xmx1g) against Python doing the same job
# (standard library json + hashlib, and numpy savez/load + hashlib), on W-S, W-M and W-L.
# Prints medians and ratios, the peak RSS of each side, and draws benchmarks/results/compare.png.
#
#   benchmarks/scripts/compare.sh                     full run (about 15 minutes on 2 cores)
#   ROWS="1000 10000" benchmarks/scripts/compare.sh   a quicker run without W-L
#
# Environment: BENCH_DIR (scratch directory for the state files, default /tmp/mlsdm-bench),
# BENCH_OUT (results, default benchmarks/results), JAVA_REPS / PY_REPS (repetitions per workload,
# comma-separated, one per ROWS entry), RSS_ROWS (workloads whose peak RSS is measured).
set -euo pipefail
cd "$(dirname "$0")/../.."

ROWS=${ROWS:-"1000 10000 100000"}
read -r -a rows <<<"$ROWS"
default_reps() {
  local out=() n
  for n in "${rows[@]}"; do
    if ((n <= 1000)); then out+=("$1"); elif ((n <= 10000)); then out+=("$2"); else out+=("$3"); fi
  done
  local IFS=,
  echo "${out[*]}"
}
JAVA_REPS=${JAVA_REPS:-$(default_reps 21 9 3)}
PY_REPS=${PY_REPS:-$(default_reps 11 5 2)}
RSS_ROWS=${RSS_ROWS:-$ROWS}
DATA=${BENCH_DIR:-/tmp/mlsdm-bench}
OUT=${BENCH_OUT:-benchmarks/results}
PY=/usr/bin/python3
JAR=benchmarks/target/benchmarks.jar
JAVA=(java -Xmx1g -cp "$JAR" org.mlsdm.bench.Compare)
# The peak-RSS runs use a heap of 1.5 x the 307 MB of W-L doubles: the memory target.
ONCE=(java -Xmx${RSS_HEAP:-460m} -cp "$JAR" org.mlsdm.bench.Compare)

"$PY" -c 'import numpy, matplotlib' || {
  echo "needs Debian's python3-numpy and python3-matplotlib" >&2
  exit 1
}
if [ ! -f "$JAR" ] || [ -n "${REBUILD:-}" ]; then
  mvn -B -q -pl state,benchmarks -am package -DskipTests
fi
rm -rf "$DATA"
mkdir -p "$DATA" "$OUT"

echo "== machine"
echo "cores: $(nproc); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "memory: $(free -h | awk '/Mem:/ {print $2}'); $(df -hT "$DATA" | awk 'NR==2 {print $2 " on " $1}')"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
java -version 2>&1 | head -1
"$PY" -c 'import sys, numpy; print("python", sys.version.split()[0], "numpy", numpy.__version__)'

echo "== workloads ($ROWS rows of 384 doubles)"
"${JAVA[@]}" export "$DATA" "${rows[@]}"

echo "== java (reps $JAVA_REPS)"
"${JAVA[@]}" time "$DATA" "$JAVA_REPS" "${rows[@]}" | tee "$OUT/java.csv"
echo "== python (reps $PY_REPS)"
"$PY" benchmarks/scripts/compare.py time "$DATA" "$PY_REPS" "${rows[@]}" | tee "$OUT/python.csv"

echo "== peak RSS"
echo "side,impl,workload,max_rss_kb,wall" >"$OUT/rss.csv"
rss() {
  local side=$1 impl=$2 n=$3 log
  shift 3
  log=$(mktemp)
  /usr/bin/time -v "$@" 2>"$log" >/dev/null
  local kb wall name
  kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log")
  case $n in 1000) name=W-S ;; 10000) name=W-M ;; 100000) name=W-L ;; *) name=W-$n ;; esac
  echo "$side,$impl,$name,$kb,$wall" | tee -a "$OUT/rss.csv"
  rm -f "$log"
}
read -r -a rss_rows <<<"$RSS_ROWS"
for n in "${rss_rows[@]}"; do
  for f in $(awk -F, 'NR>1 && $1=="java" {print $2}' "$OUT/java.csv" | sort -u); do
    rss java "$f" "$n" "${ONCE[@]}" once "$DATA" "$f" "$n"
  done
  for impl in stdlib numpy; do
    rss python "$impl" "$n" "$PY" benchmarks/scripts/compare.py once "$DATA" "$impl" "$n"
  done
done

echo "== report"
{
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
} >&2
"$PY" benchmarks/scripts/compare.py report "$OUT"
rm -rf "$DATA"
