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
cat > make.py <<'PY'
import json, sys
import numpy as np
events = int(sys.argv[1])
rng = np.random.default_rng(7)
def w(*shape, scale=0.5):
    return np.round(rng.uniform(-scale, scale, size=shape), 4).tolist()
q = {"weight": "ap_fixed<8,2,AP_RND>"}
deepsets = {"version": 1, "name": "deep_sets_bench",
  "inputs": [{"name": "x", "shape": [16, 3], "type": "ap_fixed<12,4,AP_RND,AP_SAT>"}],
  "defaults": {"precision": "ap_fixed<16,6>"},
  "layers": [
    {"name": "phi1", "type": "dense", "units": 16, "weights": w(3, 16), "bias": w(16), "precision": q},
    {"name": "r1", "type": "relu", "precision": {"result": "ap_ufixed<12,5,AP_RND,AP_SAT>"}},
    {"name": "phi2", "type": "dense", "units": 16, "weights": w(16, 16, scale=0.25), "bias": w(16), "precision": q},
    {"name": "r2", "type": "relu", "precision": {"result": "ap_ufixed<12,5,AP_RND,AP_SAT>"}},
    {"name": "pool", "type": "reduce_sum", "axes": [0]},
    {"name": "rho", "type": "dense", "units": 5, "weights": w(16, 5, scale=0.25), "bias": w(5), "precision": q}]}
cicada = {"version": 1, "name": "cicada_bench",
  "inputs": [{"name": "regions", "shape": [18, 14, 1], "type": "ap_ufixed<10,10>"}],
  "defaults": {"precision": "ap_fixed<16,8>"},
  "layers": [
    {"name": "conv", "type": "conv2d", "filters": 4, "kernel_size": 2, "strides": 2, "weights": w(2, 2, 1, 4, scale=0.1),
     "bias": w(4), "precision": {"weight": "ap_fixed<8,1,AP_RND>", "result": "ap_ufixed<14,10,AP_RND,AP_SAT>"}},
    {"name": "r1", "type": "relu"},
    {"name": "flat", "type": "flatten"},
    {"name": "fc", "type": "dense", "units": 16, "weights": w(252, 16, scale=0.06), "bias": w(16),
     "precision": {"weight": "ap_fixed<8,1,AP_RND>", "result": "ap_fixed<16,8,AP_RND,AP_SAT>"}},
    {"name": "r2", "type": "relu"},
    {"name": "score", "type": "dense", "units": 1, "weights": w(16, 1), "bias": w(1), "precision": q}]}
json.dump(deepsets, open("deep_sets_bench.json", "w"))
json.dump(cicada, open("cicada_bench.json", "w"))
np.save("deep_sets_bench.npy", rng.uniform(-4, 4, size=(events, 16, 3)))
np.save("cicada_bench.npy", rng.integers(0, 64, size=(max(1, events // 10), 18, 14, 1)).astype(np.float64))
np.savetxt("deep_sets_bench.csv", rng.uniform(-4, 4, size=(2000, 48)), delimiter=",")
np.savetxt("cicada_bench.csv", rng.integers(0, 64, size=(2000, 252)).astype(np.float64), delimiter=",")
PY
python3 -I make.py "$events"
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
