#!/usr/bin/env bash
# Side by side on the tensor models (issue 23): deep_sets_bench and cicada_bench
# (make_models.py), same weights and types in every tool; against da4ml also the
# shipped examples/deep_sets_tagger (issue 24).
#   1. bits against hls4ml 1.3.0's C simulation (hls4ml_compare.py: Keras-v2 JSON+H5,
#      Vitis, io_parallel, every precision set to ours; compile() + predict());
#   2. bits against da4ml 0.6.0's interpreter, then the same yosys synth_xilinx -flatten
#      on both RTLs, latency in cycles (bench/verilog/da4ml_compare.sh).
# Usage: bench/tensors/side_by_side.sh [--family xcup|xc7] [--yosys-timeout S] [--no-yosys]
#                                      [--events N]
# Environment: HEPML_BIN (folder with release hepml-compile and hepml-bench, default
# .build/release), DA4ML_VENV (default bench/verilog/.venv-da4ml; da4ml 0.6.0 and
# hls4ml 1.3.0 are installed there if missing: bench-only, never a dependency).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
family=xcup
timeout=3600
no_yosys=
events=2000
while [ $# -gt 0 ]; do
  case $1 in
    --family) family=$2; shift 2 ;;
    --yosys-timeout) timeout=$2; shift 2 ;;
    --no-yosys) no_yosys=--no-yosys; shift ;;
    --events) events=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "side_by_side: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
venv="${DA4ML_VENV:-$root/bench/verilog/.venv-da4ml}"
if ! "$venv/bin/python" -c 'import importlib.metadata as m; assert m.version("da4ml") == "0.6.0" and m.version("hls4ml") == "1.3.0"' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --no-cache-dir da4ml==0.6.0 hls4ml==1.3.0
fi
bin="${HEPML_BIN:-$root/.build/release}"
[ -x "$bin/hepml-compile" ] || (cd "$root" && swift build -c release --product hepml-compile)
work="$(mktemp -d)"   # private (mode 0700), removed at exit
trap 'rm -rf "$work"' EXIT
echo "== bits against hls4ml 1.3.0's C simulation ($events events each)"
(cd "$work" && "$venv/bin/python" -I "$here/hls4ml_compare.py" "$bin/hepml-compile" "$work" "$events")
echo "== against da4ml 0.6.0: bits, yosys synth_xilinx -family $family, cycles"
DA4ML_VENV="$venv" HEPML_BIN="$bin" "$root/bench/verilog/da4ml_compare.sh" --models deep_sets,cicada,deep_sets_tagger \
  --family "$family" --yosys-timeout "$timeout" --events "$events" $no_yosys
