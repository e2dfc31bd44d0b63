#!/usr/bin/env bash
# The sweep figures of docs/sweep.md ("Measured"), on the release build:
#  1. a 16-point estimate-only sweep of the shipped tagger (4 weight widths x
#     4 clocks) on 10^5 labelled jet-tagging events, local executor, all cores;
#  2. the same sweep run again (nothing to evaluate: spec, plan, report);
#  3. the same 16 points on the one-node Slurm (scripts/slurm.sh start first;
#     skipped without SLURM_CONF): the per-task overhead against local;
#  4. a 1,000-point database: the time of a run that only renders its report;
#  5. SIGINT and SIGKILL halfway, then a resumed run: evaluations recorded vs points.
# Usage: bench/sweep/run.sh [events]   (HEPML_BIN=DIR to use binaries already built)
set -euo pipefail
cd "$(dirname "$0")/../.."
EVENTS="${1:-100000}"
if [ -z "${HEPML_BIN:-}" ]; then
  swift build -c release --product hepml-compile >/dev/null
  swift build -c release --product hepml-bench >/dev/null
  HEPML_BIN=.build/release
fi
BIN="$(cd "$HEPML_BIN" && pwd)"
ROOT="$(pwd)"
work="$(mktemp -d /tmp/hepml-sweep-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }
since() { python3 -I -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$(now)"; }
evaluations() { python3 -I -c "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from evaluations').fetchone()[0])" "$1"; }

"$BIN/hepml-bench" --write-jets "$EVENTS" "$work/events.npy" "$work/labels.csv"
cat > "$work/sweep.json" <<JSON
{ "model": "$ROOT/examples/jet_tagger/model.json", "events": "events.npy", "labels": "labels.csv",
  "axes": { "precision.weight": ["ap_fixed<6,1>", "ap_fixed<8,2>", "ap_fixed<10,2>", "ap_fixed<12,3>"],
            "clock_ns": [2.5, 3.3, 5, 10] } }
JSON

t=$(now); "$BIN/hepml-compile" sweep "$work/sweep.json" --out "$work/local" >"$work/local.log"; local_s=$(since "$t")
echo "16-point sweep, $EVENTS events, local on $(nproc) cores: ${local_s} s"
t=$(now); "$BIN/hepml-compile" sweep "$work/sweep.json" --out "$work/local" >"$work/rerun.log"; rerun_s=$(since "$t")
echo "the same sweep again (nothing to evaluate): ${rerun_s} s, evaluations recorded: $(evaluations "$work/local/sweep.db")"
# Per-task overhead: wall time on every slot minus the points' own evaluation
# seconds, per point (process start, reading the events, the float model; and
# on Slurm, submission, scheduling and polling).
overhead() {
  python3 -I - "$1" "$2" "$(nproc)" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
wall, slots = float(sys.argv[2]), int(sys.argv[3])
own = sum(float(r["seconds"]) for r in rows)
print(f"{(wall * slots - own) / len(rows):.2f} s per point (points' own seconds {own:.1f})")
PY
}
echo "local overhead: $(overhead "$work/local/report/results.csv" "$local_s")"

if [ -n "${SLURM_CONF:-}" ] && command -v sbatch >/dev/null; then
  t=$(now); "$BIN/hepml-compile" sweep "$work/sweep.json" --out "$work/slurm" --executor slurm >"$work/slurm.log"; slurm_s=$(since "$t")
  echo "the same 16 points on the one-node Slurm: ${slurm_s} s; overhead: $(overhead "$work/slurm/report/results.csv" "$slurm_s")"
  python3 -I - "$work/local/report/results.csv" "$work/slurm/report/results.csv" <<'PY'
import csv, sys
a, b = ([{k: v for k, v in r.items() if k != "seconds"} for r in csv.DictReader(open(p))] for p in sys.argv[1:3])
print("local and Slurm results identical:", a == b)
PY
else
  echo "Slurm: skipped (no SLURM_CONF; scripts/slurm.sh start && eval \"\$(scripts/slurm.sh env)\")"
fi
echo "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg)"

# 1,000 points: plan them, fill the database from one real result, time a run that only reports.
python3 -I - "$work" "$ROOT" <<'PY'
import json, sys
work, root = sys.argv[1:3]
axes = {"precision.weight": [f"ap_fixed<{w},2>" for w in range(4, 14)],
        "layers.fc1.precision.result": [f"ap_fixed<{w},5>" for w in range(8, 18)],
        "clock_ns": [2, 2.5, 3, 3.5, 4, 5, 6, 7, 8, 10]}
json.dump({"model": f"{root}/examples/jet_tagger/model.json", "events": "events.npy", "labels": "labels.csv", "axes": axes},
          open(f"{work}/sweep1000.json", "w"))
PY
"$BIN/hepml-compile" sweep "$work/sweep1000.json" --out "$work/big" --jobs 1 >"$work/big-plan.log" 2>&1 &
pid=$!
while ! ls "$work"/big/tasks/plan-*.json >/dev/null 2>&1 && kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
sleep 0.5
kill -KILL "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
python3 -I - "$work" <<'PY'
import json, random, sqlite3, sys
work = sys.argv[1]
import glob
plan = json.load(open(glob.glob(f"{work}/big/tasks/plan-*.json")[0]))
src = sqlite3.connect(f"{work}/local/sweep.db").execute("select result from points where status='done' limit 1").fetchone()[0]
db = sqlite3.connect(f"{work}/big/sweep.db")
rng = random.Random(1)
with db:
    db.execute("delete from points")
    for p in plan["points"]:
        r = json.loads(src)
        r["lut"] = rng.randrange(20000, 80000); r["accuracy"] = rng.uniform(0.6, 0.82); r["latencyNs"] = rng.uniform(20, 80)
        settings = json.dumps({"settings": p["settings"]["settings"]}, sort_keys=True)
        db.execute("insert or replace into points(key, label, settings, status, result, updated) values (?, '', ?, 'done', ?, '')",
                   (p["key"], settings, json.dumps(r, sort_keys=True)))
PY
t=$(now); "$BIN/hepml-compile" sweep "$work/sweep1000.json" --out "$work/big" >"$work/big.log"; big_s=$(since "$t")
echo "1,000-point database, a run that only writes the report: ${big_s} s ($(grep -c '' "$work/big/report/results.csv") CSV lines, $(wc -c <"$work/big/report/pareto.html") bytes of HTML)"

# Interrupted halfway, then resumed.
for sig in INT KILL; do
  rm -rf "$work/int"
  "$BIN/hepml-compile" sweep "$work/sweep.json" --out "$work/int" --jobs 1 >/dev/null 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    n=$( [ -f "$work/int/sweep.db" ] && evaluations "$work/int/sweep.db" 2>/dev/null || echo 0)
    [ "$n" -ge 8 ] && break
    sleep 0.1
  done
  kill -"$sig" "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  before=$(evaluations "$work/int/sweep.db")
  "$BIN/hepml-compile" sweep "$work/sweep.json" --out "$work/int" >"$work/int.log"
  after=$(evaluations "$work/int/sweep.db")
  check=$(python3 -I -c "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('pragma integrity_check').fetchone()[0])" "$work/int/sweep.db")
  echo "SIG$sig after $before points: resumed to $after evaluations for 16 points; integrity_check: $check"
done
