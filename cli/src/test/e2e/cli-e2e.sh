#!/usr/bin/env bash
# End-to-end test of the command-line tool, run the way the README's quickstart runs it: a clean
# clone of the committed HEAD, the launcher at its root (which builds the jar on first use), then
# init, inspect, simulate, interrupt and resume, corrupt, verify, recover, verify, convert, diff.
#
# Usage (from anywhere):  bash cli/src/test/e2e/cli-e2e.sh [--in-place]
#   --in-place  use this working tree instead of a clean clone (faster while developing)
# Needs git, Maven, Java 17 and python3 (standard library only, for reading --json output).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/mlsdm-cli-e2e.XXXXXX")"
trap 'rm -rf "$work"' EXIT

if [[ "${1:-}" == "--in-place" ]]; then
  root="$repo"
else
  git clone -q "$repo" "$work/clone"
  root="$work/clone"
fi
cd "$root"

# The README's launcher.
launcher="$root/mlsdm-state"
[[ -f "$launcher" && -x "$launcher" ]] || { echo "FAIL: no executable launcher $launcher" >&2; exit 1; }

data="$work/data"
mkdir -p "$data"
out="$work/out.txt"
err="$work/err.txt"
passed=0

fail() {
  echo "FAIL: $*" >&2
  echo "--- stdout" >&2
  cat "$out" >&2 || true
  echo "--- stderr" >&2
  cat "$err" >&2 || true
  exit 1
}

# expect CODE ARGS...: runs the launcher, asserts its exit code; output in $out and $err.
expect() {
  local code="$1"
  shift
  local rc=0
  "$launcher" "$@" >"$out" 2>"$err" || rc=$?
  [[ "$rc" == "$code" ]] || fail "'$launcher $*' exited $rc, expected $code"
  passed=$((passed + 1))
}

# contains FILE TEXT: asserts that FILE contains TEXT (fixed string).
contains() {
  grep -qF -- "$2" "$1" || fail "expected $(basename "$1") to contain: $2"
}

# json_field FILE PATH: a field of an inspect --json output, PATH dotted (state.qilm.memory.rows).
json_field() {
  python3 -c 'import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    v = v[k]
print(v)' "$1" "$2"
}

echo "e2e: launcher $launcher in $root"

# The launcher builds the jar on first use; stdout stays clean.
rm -f cli/target/mlsdm-state.jar
expect 0 --version
contains "$out" "mlsdm-state "
[[ -f cli/target/mlsdm-state.jar ]] || fail "the launcher did not build cli/target/mlsdm-state.jar"
expect 0 --help
contains "$out" "Exit codes:"

# The README's run command, with its built-in defaults: from the clone's root, as the README has
# it; in place, from a scratch directory so that the working tree stays clean.
readme_dir="$root"
[[ "$root" == "$repo" && "${1:-}" == "--in-place" ]] && readme_dir="$data"
(
  cd "$readme_dir"
  expect 0 simulate state.json
  contains "$out" "2000 of 2000 in total"
  contains "$out" "checkpoints  20 saved to state.json"
  expect 0 simulate state.json
  contains "$out" "nothing to simulate"
)
passed=$((passed + 2))

# init
expect 0 init "$data/s.json" --dimension 8 --id e2e
contains "$out" "created $data/s.json"
expect 11 init "$data/s.json"
expect 2 init "$data/bad.json" --lambda-l1 3
contains "$err" "lambda_l1"

# inspect
expect 0 inspect "$data/s.json"
contains "$out" "  dimension  8"
contains "$out" "id           'e2e'"
contains "$out" "checksum     ok"
expect 0 inspect --json "$data/s.json"
[[ "$(json_field "$out" state.qilm.memory.rows)" == 0 ]] || fail "inspect --json: the QILM has rows"
[[ "$(json_field "$out" checksum.status)" == ok ]] || fail "inspect --json: checksum is not ok"

# simulate from the init file, with a plot
expect 0 simulate "$data/s.json" --steps 600 --checkpoint-every 50 --plot "$data/norms.png"
contains "$out" "resuming $data/s.json at step 1 of 600"
contains "$out" "checkpoints  12 saved"
[[ "$(head -c 8 "$data/norms.png" | od -An -tx1 | tr -d ' \n')" == 89504e470d0a1a0a ]] ||
  fail "--plot did not write a PNG"

# interrupt (Ctrl-C) and resume: job control on, so that the background job receives SIGINT
set -m
"$launcher" simulate "$data/long.json" --steps 1000000 --checkpoint-every 500 >"$out" 2>"$err" &
pid=$!
set +m
for _ in $(seq 1 300); do
  [[ -f "$data/long.json" ]] && break
  sleep 0.1
done
[[ -f "$data/long.json" ]] || fail "simulate wrote no checkpoint within 30 s"
sleep 0.5
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
[[ "$rc" == 130 ]] || fail "simulate interrupted by SIGINT exited $rc, expected 130"
contains "$out" "final checkpoint saved"
stopped="$(sed -n 's/^interrupted after step \([0-9]*\);.*/\1/p' "$out")"
[[ -n "$stopped" ]] || fail "simulate did not say where it stopped"
expect 0 verify "$data/long.json"
# The checkpoints went to long.json.journal: inspect shows the base with the journal applied, and
# the base alone beside it. The journal is empty only when the last checkpoint compacted.
expect 0 inspect --json "$data/long.json"
[[ "$(json_field "$out" state.qilm.memory.rows)" == "$stopped" ]] || fail "the checkpoint does not hold the $stopped steps run"
journal_status="$(json_field "$out" journal.status)"
case "$journal_status" in
  applied)
    [[ "$(json_field "$out" journal.applied.qilm_rows)" == "$stopped" ]] ||
      fail "inspect: the journal applied does not hold the $stopped steps run"
    (( $(json_field "$out" journal.frames) > 0 )) || fail "inspect: an applied journal without frames"
    (( $(json_field "$out" journal.base.qilm_rows) < stopped )) ||
      fail "inspect: the base alone already holds every step, so the journal was not applied"
    ;;
  absent)
    [[ "$(json_field "$out" journal.base.qilm_rows)" == "$stopped" ]] ||
      fail "inspect: no journal, yet the base does not hold the $stopped steps run"
    ;;
  *) fail "inspect: journal status $journal_status after an interrupted run" ;;
esac
expect 0 inspect "$data/long.json"
contains "$out" "journal "
total=$((stopped + 300))
expect 0 simulate "$data/long.json" --steps "$total"
contains "$out" "resuming $data/long.json at step $((stopped + 1)) of $total"
# Events depend only on the seed and the step: resumed equals uninterrupted.
expect 0 simulate "$data/straight.json" --steps "$total"
expect 0 diff "$data/long.json" "$data/straight.json"
contains "$out" "result: the states match"

# corrupt the file: one byte changed, the checksum file left as it was
python3 - "$data/s.json" <<'PY'
import sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
i = data.index(b'"dimension"') + 2
data[i] ^= 0x20
open(path, "wb").write(data)
PY
expect 5 verify "$data/s.json"
contains "$err" "Checksum mismatch"
contains "$err" "mlsdm-state recover"
[[ "$(wc -l <"$err")" -eq 1 ]] || fail "the error is not one line"
expect 0 recover "$data/s.json"
contains "$out" "corrupt (checksum mismatch)"
contains "$out" "restored $data/s.json from s.json.backup"
expect 0 verify "$data/s.json"
contains "$out" "$data/s.json: OK"

# convert both ways, verified; diff
expect 0 convert "$data/s.json" "$data/s.npz"
contains "$out" "verified: "
expect 0 convert "$data/s.npz" "$data/back.json"
expect 0 diff "$data/s.json" "$data/back.json"
contains "$out" "result: the states match"
expect 10 diff "$data/s.json" "$data/long.json"
contains "$out" "result: the states differ"
expect 11 convert "$data/s.json" "$data/s.npz"

# the other documented exit codes
expect 3 verify "$data/missing.json"
expect 2 verify "$data/s.txt"
expect 2 frobnicate

echo "e2e: all $passed checks passed"
