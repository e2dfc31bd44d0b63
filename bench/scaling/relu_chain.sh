#!/bin/sh
# Time and peak memory of `predict` on a dense layer followed by a chain of N
# ReLUs (issue 21: FuseActivations scanned the whole model per activation,
# so 20 000 ReLUs took 36 s). Usage: bench/scaling/relu_chain.sh [N...]
# Uses $HEPML_BIN/hepml-compile, else .build/release/hepml-compile.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${HEPML_BIN:-$root/.build/release}/hepml-compile
[ -x "$bin" ] || { echo "no $bin: run swift build -c release --product hepml-compile" >&2; exit 3; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ $# -gt 0 ] || set -- 1000 5000 20000 99999
python3 -I - "$work" "$@" <<'PY'
import json, sys
work, sizes = sys.argv[1], [int(n) for n in sys.argv[2:]]
for n in sizes:
    layers = [{"name": "fc", "type": "dense", "units": 4, "weights": [[0.5, 0.25, -0.5, 1.0]] * 2, "bias": [0, 0, 0, 0.125],
               "precision": {"weight": "ap_fixed<8,3>", "bias": "ap_fixed<8,3>", "result": "ap_fixed<8,4,AP_RND,AP_SAT>"}}]
    layers += [{"name": f"r{i}", "type": "relu"} for i in range(n)]
    model = {"format": "hepml-model", "version": 1, "name": "chain",
             "inputs": [{"name": "x", "shape": [2], "type": "ap_fixed<8,4>"}], "layers": layers}
    with open(f"{work}/chain{n}.json", "w") as f:
        json.dump(model, f)
with open(f"{work}/x.csv", "w") as f:
    f.write("".join(f"{i * 0.1},{-i * 0.05}\n" for i in range(1000)))
PY
printf '%-8s %10s %12s\n' layers seconds "peak MB"
for n in "$@"; do
    /usr/bin/time -f "%e %M" -o "$work/time" "$bin" predict "$work/chain$n.json" --input "$work/x.csv" --output "$work/y.csv" --quiet >/dev/null
    read -r s kb < "$work/time"
    printf '%-8s %10s %12s\n' "$((n + 1))" "$s" "$((kb / 1024))"
done
