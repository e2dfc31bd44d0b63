#!/usr/bin/env bash
# hls4ml 1.3.0's C simulation against hepml-compile on the shipped models (issue 24):
# examples/jet_tagger, deep_sets_tagger and cicada_autoencoder, with our types in every
# layer, with hls4ml's softmax, and with hls4ml's default config (hls4ml_shipped.py).
# Bits only: resources and latency need Vitis HLS, which this bench does not run.
# Usage: bench/tensors/hls4ml_shipped.sh [--events N]
# Environment: HEPML_BIN (folder with hepml-compile, default .build/release).
# Needs, in the system python: hls4ml==1.3.0 with h5py (scripts/setup.sh installs hls4ml
# without its dependencies). Bench-only, never a dependency.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
events=2000
while [ $# -gt 0 ]; do
  case $1 in
    --events) events=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "hls4ml_shipped: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
if ! python3 -I -c 'import importlib.metadata as m; assert m.version("hls4ml") == "1.3.0"; import hls4ml, h5py' 2>/dev/null; then
  echo "hls4ml_shipped: needs hls4ml 1.3.0 importable with h5py:" >&2
  echo "  python3 -m pip install hls4ml==1.3.0 h5py quantizers pydigitalwavetools==1.1" >&2
  exit 3
fi
bin="${HEPML_BIN:-$root/.build/release}"
[ -x "$bin/hepml-compile" ] || (cd "$root" && swift build -c release --product hepml-compile)
work="$(mktemp -d)"   # private (mode 0700), removed at exit
trap 'rm -rf "$work"' EXIT
(cd "$work" && python3 -I "$here/hls4ml_shipped.py" "$bin/hepml-compile" "$work" "$events")
