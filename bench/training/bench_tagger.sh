#!/usr/bin/env bash
# Training time per epoch of the shipped jet tagger (16->64->32->32->5, ReLU,
# softmax, Adam, batch 256) on 100k generated jets (80k train / 20k validation),
# release build. Usage: bench/training/bench_tagger.sh [epochs]
set -euo pipefail
cd "$(dirname "$0")/../.."
EPOCHS="${1:-5}"
swift build -c release --product hepml-compile >/dev/null
BIN="$(swift build -c release --show-bin-path)/hepml-compile"
WORK="$(mktemp -d)"
sed -e 's/"mode": "ptq"/"mode": "none"/' examples/jet_tagger/train.json > "$WORK/train.json"
"$BIN" train --config "$WORK/train.json" --epochs "$EPOCHS" --output model.json | tee "$WORK/log.txt"
# Mean seconds per epoch from the loss-curve CSV (the last column).
awk -F, 'NR > 1 { s += $NF; n++ } END { printf "swift: %.3f s per epoch over %d epochs (80k jets)\n", s / n, n }' "$WORK/losses.csv"
if python3 -c "import torch" 2>/dev/null; then
    python3 bench/training/torch_epoch.py "$WORK"
fi
