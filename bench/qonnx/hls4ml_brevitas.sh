#!/usr/bin/env bash
# hls4ml 1.3.0 side by side on the real Brevitas exports (issue 26 item 4):
# Tests/QONNXTests/fixtures/brevitas/*.onnx through hls4ml's QONNX frontend and its C
# simulation (compile() + predict(), g++ and hls4ml's ap_types; no Vitis), and through
# hepml-compile predict, csim and simulate, every output against qonnx's execute_onnx
# on the same events (hls4ml_brevitas.py says how the events and configurations are made).
# Usage: bench/qonnx/hls4ml_brevitas.sh [--events N] [--no-simulate]
# Environment: HEPML_BIN (folder with hepml-compile, default .build/release).
# Needs, in the system python: hls4ml==1.3.0 with its dependencies (h5py, quantizers,
# pydigitalwavetools==1.1; scripts/setup.sh installs hls4ml without them), qonnx,
# onnx, onnxruntime (scripts/setup.sh). Bench-only, never a dependency.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
events=2000
simulate=
while [ $# -gt 0 ]; do
  case $1 in
    --events) events=$2; shift 2 ;;
    --no-simulate) simulate=--no-simulate; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "hls4ml_brevitas: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
if ! python3 -I -c 'import importlib.metadata as m; assert m.version("hls4ml") == "1.3.0"; import hls4ml, qonnx, onnxruntime' 2>/dev/null; then
  echo "hls4ml_brevitas: needs hls4ml 1.3.0 importable with qonnx and onnxruntime:" >&2
  echo "  python3 -m pip install hls4ml==1.3.0 h5py quantizers pydigitalwavetools==1.1" >&2
  exit 3
fi
bin="${HEPML_BIN:-$root/.build/release}"
[ -x "$bin/hepml-compile" ] || (cd "$root" && swift build -c release --product hepml-compile)
work="$(mktemp -d)"   # private (mode 0700), removed at exit
trap 'rm -rf "$work"' EXIT
(cd "$work" && python3 -I "$here/hls4ml_brevitas.py" "$bin/hepml-compile" "$work" "$events" $simulate)
