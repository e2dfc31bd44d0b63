#!/usr/bin/env bash
# Resources and latency side by side with conifer 1.11's VHDL backend (issue 25): XGBoost
# forests trained here (seeded), conifer's VHDL through Debian's GHDL (simulated for its
# margins and its latency, then `ghdl --synth` to Verilog) and hepml-compile's Verilog
# (compile --target fpga at 5 ns, simulated with Verilator), decisions against the float
# forest first, then the same yosys `synth_xilinx -family xcup -flatten` on both.
# Usage: bench/forests/conifer_resources.sh [--type W,I] [--yosys-timeout S] [--results FILE]
#                                           [--keep DIR] [FOREST...]
# FOREST is TREESxDEPTHxFEATURES (default: 20x3x10 100x4x10 100x6x30 500x4x20); --type
# (default 18,8) is ap_fixed<W,I>, conifer's one type for inputs, thresholds and scores
# and our input and leaf type. Results: one JSON line per forest appended to FILE
# (default bench/forests/conifer_resources.jsonl), a markdown row per tool printed.
# Environment: HEPML_BIN (release hepml-compile; default .build/release/hepml-compile),
# CONIFER_VENV (default bench/forests/.venv-conifer; bench-only, never a dependency).
# Needs: apt ghdl (2.0, with --synth), yosys, verilator, g++; the ap_types headers
# (scripts/setup.sh); network for pip the first time.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
type=18,8
timeout=3600
results="$here/conifer_resources.jsonl"
keep=
forests=()
while [ $# -gt 0 ]; do
  case $1 in
    --type) type=$2; shift 2 ;;
    --yosys-timeout) timeout=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) forests+=("$1"); shift ;;
  esac
done
[ ${#forests[@]} -gt 0 ] || forests=(20x3x10 100x4x10 100x6x30 500x4x20)
bin="${HEPML_BIN:-$root/.build/release/hepml-compile}"
venv="${CONIFER_VENV:-$here/.venv-conifer}"
if ! "$venv/bin/python" -c 'import conifer, xgboost, pandas, pybind11' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet conifer==1.11 xgboost pandas numpy pybind11
fi
command -v ghdl > /dev/null || { echo "conifer_resources: needs ghdl (apt-get install ghdl)" >&2; exit 3; }
export XILINX_AP_INCLUDE="${XILINX_AP_INCLUDE:-$("$root/scripts/ap-types-dir.sh")}"
# conifer's fixed-point converter runs `python3 -m pybind11`: the venv's python first.
export PATH="$venv/bin:$PATH"
if [ -n "$keep" ]; then work="$keep"; mkdir -p "$work"; else
  work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT; fi
"$venv/bin/python" -I "$here/conifer_resources.py" "$bin" "$work" "$results" "$type" "${forests[@]}" --yosys-timeout "$timeout"
