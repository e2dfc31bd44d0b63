#!/usr/bin/env bash
# Training time per epoch of two tensor networks, release build, float:
#  - deep sets on 16 particles x 3 features (per-particle 3->32->32, sum and
#    max pooling side by side, 64->32->5), 50k events;
#  - a CICADA-like conv net on 18 x 14 x 1 grids (conv2d 3x3 same, 8 filters,
#    maxpool 2x2, conv2d 3x3 16 filters, flatten, 32, 2), 20k events.
# The events are random (the figure is arithmetic, not physics).
# Usage: bench/training/bench_tensors.sh [epochs]
set -euo pipefail
cd "$(dirname "$0")/../.."
EPOCHS="${1:-3}"
swift build -c release --product hepml-compile >/dev/null
BIN="$(swift build -c release --show-bin-path)/hepml-compile"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
python3 -I - "$WORK" <<'PY'
import random, sys
work = sys.argv[1]
rng = random.Random(1)
def write(name, rows, cols, classes):
    with open(f"{work}/{name}_x.csv", "w") as fx, open(f"{work}/{name}_y.csv", "w") as fy:
        for _ in range(rows):
            fx.write(",".join(f"{rng.gauss(0, 1):.4f}" for _ in range(cols)) + "\n")
            fy.write(f"{rng.randrange(classes)}\n")
write("sets", 50000, 48, 5)
write("grid", 20000, 252, 2)
PY
cat > "$WORK/sets.json" <<'JSON'
{ "name": "deep_sets", "task": "classification", "data": { "features": "sets_x.csv", "labels": "sets_y.csv" },
  "input_shape": [16, 3],
  "layers": [ { "dense": 32 }, { "activation": "relu" }, { "dense": 32 }, { "activation": "relu" },
              { "concatenate": [ { "reduce_sum": { "axes": [0] } }, { "reduce_max": { "axes": [0] } } ] },
              { "dense": 32 }, { "activation": "relu" }, { "dense": 5 }, { "activation": "softmax" } ],
  "training": { "batch_size": 256 }, "output": { "losses": "sets_losses.csv" } }
JSON
cat > "$WORK/grid.json" <<'JSON'
{ "name": "cicada_like", "task": "classification", "data": { "features": "grid_x.csv", "labels": "grid_y.csv" },
  "input_shape": [18, 14, 1],
  "layers": [ { "conv2d": { "filters": 8, "kernel_size": 3, "padding": "same" } }, { "activation": "relu" },
              { "maxpool2d": { "pool_size": 2 } },
              { "conv2d": { "filters": 16, "kernel_size": 3 } }, { "activation": "relu" },
              { "flatten": true }, { "dense": 32 }, { "activation": "relu" }, { "dense": 2 }, { "activation": "softmax" } ],
  "training": { "batch_size": 256 }, "output": { "losses": "grid_losses.csv" } }
JSON
for m in sets grid; do
    "$BIN" train --config "$WORK/$m.json" --epochs "$EPOCHS" --output "$m.model.json" --quiet
    awk -F, -v m="$m" 'NR > 1 { s += $NF; n++ } END { printf "%s: %.3f s per epoch over %d epochs\n", m, s / n, n }' "$WORK/${m}_losses.csv"
done
