#!/usr/bin/env bash
# Tensor models: a deep-sets jet tagger (16 constituents x 3 features -> 16 -> 16
# per constituent -> sum over constituents -> 5) and a CICADA-sized calorimeter
# model (18x14x1 regions -> Conv2D 4 filters 2x2 stride 2 -> dense 16 -> 1):
# compile time, latency in cycles, estimated LUT/FF/DSP, and `predict`
# throughput from .npy (docs/numerics.md, "Tensors").
# Usage: bench/tensors/run.sh [hepml-compile binary] [events]   (default: the release build, 10^6)
# Needs python3 with numpy.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${1:-$root/.build/release/hepml-compile}"
events="${2:-1000000}"
work="$(mktemp -d)"   # private (mode 0700), removed at exit
trap 'rm -rf "$work"' EXIT
cd "$work"
python3 -I "$here/make_models.py" "$events" "$work"
printf "%-16s %9s %7s %8s %9s %8s %5s %14s\n" model compile_s cycles ns@5 LUT FF DSP predict_ev/s
for name in deep_sets_bench cicada_bench; do
  start=$(date +%s.%N)
  "$bin" compile "$name.json" --target verilog --out "$work/out_$name" > compile.log
  end=$(date +%s.%N)
  compile=$(echo "$end - $start" | bc)
  "$bin" report "$name.json" --input "$name.csv" --out "$work/rep_$name" > report.log 2>&1
  cycles=$(grep -o 'Latency: [0-9]* cycles' report.log | grep -o '[0-9]*')
  lut=$(grep -o 'LUT [0-9,]*' report.log | head -1 | cut -d' ' -f2 | tr -d ,)
  ff=$(grep -o 'FF [0-9,]*' report.log | head -1 | cut -d' ' -f2 | tr -d ,)
  dsp=$(grep -o 'DSP [0-9]*' report.log | head -1 | cut -d' ' -f2)
  n=$(python3 -I -c "import numpy as np; print(np.load('$work/$name.npy', mmap_mode='r').shape[0])")
  start=$(date +%s.%N)
  "$bin" predict "$name.json" --input "$name.npy" --output "$work/$name.out.npy" --quiet
  end=$(date +%s.%N)
  rate=$(echo "$n / ($end - $start)" | bc)
  printf "%-16s %9.2f %7s %8s %9s %8s %5s %14s\n" "$name" "$compile" "$cycles" "$((cycles * 5))" "$lut" "$ff" "$dsp" "$rate"
done
