"""The bench's tensor models (deep_sets_bench, cicada_bench) as model.json, and events:
    python3 make_models.py EVENTS [FOLDER]
writes FOLDER/{deep_sets_bench,cicada_bench}.{json,npy,csv}. Used by bench/tensors/run.sh
and bench/verilog/da4ml_compare.sh."""
import json
import os
import sys

import numpy as np

events = int(sys.argv[1])
os.chdir(sys.argv[2] if len(sys.argv) > 2 else ".")
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
