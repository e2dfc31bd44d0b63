#!/usr/bin/env bash
# Forests: compile time, latency and estimated resources of XGBoost forests
# of 20/100/500 trees, and predict throughput from .npy (docs/forests.md).
# Usage: bench/forests/run.sh [hepml-compile binary]   (default: the release build)
# Needs python3 with xgboost and numpy (scripts/setup.sh installs them).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${1:-$root/.build/release/hepml-compile}"
work="$(mktemp -d)"   # private (mode 0700), removed at exit
trap 'rm -rf "$work"' EXIT
cd "$work"
cat > train.py <<'PY'
import sys
import numpy as np
import xgboost as xgb
trees, depth, features, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rng = np.random.default_rng(trees * 100 + depth)
X = rng.normal(size=(20000, features))
y = ((X[:, 0] * X[:, 1] + np.sin(X[:, 2]) + 0.3 * X[:, 3:].sum(axis=1)) > 0).astype(int)
xgb.train({"objective": "binary:logistic", "max_depth": depth, "eta": 0.1, "seed": 1, "nthread": 2},
          xgb.DMatrix(X, label=y), trees).save_model(out)
np.save(out.replace(".json", "_events.npy"), rng.normal(size=(int(sys.argv[5]), features)))
PY
printf "%-22s %9s %8s %8s %10s %8s %6s\n" model comparators compile_s cycles ns@5 LUT DSP
for spec in "20 3 10" "100 4 20" "500 6 30"; do
  set -- $spec
  name="xgb_${1}t_d${2}_f${3}"
  events=2000; [ "$1" = 100 ] && events=1000000
  (cd "$work" && python3 -I train.py "$1" "$2" "$3" "$work/$name.json" "$events")
  start=$(date +%s.%N)
  "$bin" compile "$name.json" --input-type 'ap_fixed<16,6>' --target verilog --out "$work/out_$name" > compile.log
  end=$(date +%s.%N)
  comparators=$(grep -o '[0-9]* distinct comparisons' compile.log | cut -d' ' -f1)
  cycles=$(grep -o 'latency [0-9]* cycles' compile.log | cut -d' ' -f2)
  python3 -I -c "import numpy as np; np.savetxt('$work/ev.csv', np.load('$work/${name}_events.npy')[:2000], delimiter=',')"
  "$bin" report "$name.json" --input-type 'ap_fixed<16,6>' --input ev.csv --out "$work/rep_$name" > report.log 2>&1
  lut=$(grep -o 'LUT [0-9,]*' report.log | head -1 | cut -d' ' -f2 | tr -d ,)
  dsp=$(grep -o 'DSP [0-9]*' report.log | head -1 | cut -d' ' -f2)
  printf "%-22s %9s %8.2f %8s %10s %8s %6s\n" "$name" "$comparators" "$(echo "$end - $start" | bc)" "$cycles" "$((cycles * 5))" "$lut" "$dsp"
  if [ "$1" = 100 ]; then
    start=$(date +%s.%N)
    "$bin" predict "$name.json" --input-type 'ap_fixed<16,6>' --input "${name}_events.npy" --output /dev/null --quiet
    end=$(date +%s.%N)
    echo "  predict: $events events in $(echo "$end - $start" | bc) s"
  fi
done
