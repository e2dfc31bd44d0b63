#!/usr/bin/env bash
# Threshold layers as comparator banks vs multiply-add-shift (issue 26 item 2):
# compiles a model with --threshold-form bank and auto, then synthesizes each
# threshold op's module alone with yosys (synth_xilinx -family xcup -flatten)
# and prints LUT/FF/CARRY per module and form. The dense layers are the same
# in both designs, so the threshold modules are where they differ.
#
#   bench/verilog/threshold_forms.sh [model.onnx] [forms...]
#
# Uses the release-built CLI (set CLI=path to use another build).
set -euo pipefail
cd "$(dirname "$0")/../.."

MODEL=${1:-Tests/QONNXTests/fixtures/brevitas/brevitas_mlp.onnx}
shift || true
FORMS=${*:-bank auto}
SCRATCH=${SCRATCH:-.build}
if [ -z "${CLI:-}" ]; then
    swift build -c release --product hepml-compile --scratch-path "$SCRATCH" >/dev/null
    CLI="$SCRATCH/release/hepml-compile"
fi
WORK=$(mktemp -d /tmp/hepml-bench-thresholds.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

for form in $FORMS; do
    "$CLI" compile "$MODEL" --target verilog --threshold-form "$form" --out "$WORK/$form" 2>/dev/null | grep "^threshold form" || true
    RTL="$WORK/$form/rtl"
    TOP=$(basename "$(ls "$RTL"/*_tb.cpp)" _tb.cpp)
    for f in $(grep -l "^// Module .*: threshold op" "$RTL"/*.v); do
        MOD=$(basename "$f" .v)
        OTHERS=$(cd "$RTL" && ls *.v | grep -v "^$TOP.v$" | tr '\n' ' ')
        START=$(date +%s)
        (cd "$RTL" && yosys -q -p "read_verilog $OTHERS; synth_xilinx -family xcup -flatten -top $MOD; tee -o $WORK/$MOD.$form.txt stat" >/dev/null)
        count() { awk -v p="$1" '$1 ~ p { s += $2 } END { print s + 0 }' "$WORK/$MOD.$form.txt"; }
        echo "form=$form module=$MOD LUT=$(count '^LUT[1-6]') FF=$(count '^FD') CARRY=$(count '^CARRY') yosys_s=$(( $(date +%s) - START ))"
    done
done
