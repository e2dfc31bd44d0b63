#!/usr/bin/env bash
# Decisions side by side with conifer 1.11 (issue 25): XGBoost forests of 20 trees
# (depth 3, 10 features) and 100 trees (depth 4, 20 features); inputs on the
# ap_fixed<18,8> grid around every threshold; the fraction of events whose class
# equals the float forest's and the largest margin error, for conifer's C++
# emulation and for `hepml-compile predict --raw`.
# Usage: bench/forests/conifer_compare.sh [hepml-compile binary] [W,I]
# Needs: apt nlohmann-json3-dev (JSON_ROOT=/usr/include), the ap_types headers
# (scripts/setup.sh), network for pip. conifer, xgboost and pandas go into a private
# venv (bench-only; never a dependency of the tool).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${1:-$root/.build/release/hepml-compile}"
venv="${CONIFER_VENV:-$here/.venv-conifer}"
if ! "$venv/bin/python" -c 'import conifer, xgboost, pandas' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet conifer==1.11 xgboost pandas numpy
fi
apt_include="$(python3 -I -c 'import importlib.util, os; s = importlib.util.find_spec("hls4ml"); print(os.path.join(os.path.dirname(s.origin), "templates/vivado/ap_types"))')"
export XILINX_AP_INCLUDE="${XILINX_AP_INCLUDE:-$apt_include}" JSON_ROOT="${JSON_ROOT:-/usr/include}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$venv/bin/python" -I "$here/conifer_compare.py" "$bin" "$work" "${2:-18,8}"
