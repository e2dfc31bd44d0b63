#!/usr/bin/env bash
# Verilog backend bench for the jet tagger: Verilator build time (fresh and
# cached), simulated events/s, latency in cycles, and Yosys synth_xilinx
# LUT/FF/DSP counts. Record the printed figures in bench/verilog/README.md.
#
#   bench/verilog/run.sh [model.json] [events]
#
# Uses the release-built CLI (built here; set CLI=path to use another build)
# and, for synthesis, yosys (NO_YOSYS=1 skips it: it takes minutes).
set -euo pipefail
cd "$(dirname "$0")/../.."

MODEL=${1:-examples/jet_tagger/model.json}
EVENTS=${2:-100000}
SCRATCH=${SCRATCH:-.build}
CLOCK_NS=${CLOCK_NS:-5}

if [ -z "${CLI:-}" ]; then
    swift build -c release --product hepml-compile --scratch-path "$SCRATCH" >/dev/null
    CLI="$SCRATCH/release/hepml-compile"
fi

WORK=$(mktemp -d /tmp/hepml-bench-verilog.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# Random events over the input range and beyond it (16 features for the tagger).
COLUMNS=$(python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print(sum(eval('*'.join(map(str,i['shape']))) for i in m['inputs']))" "$MODEL")
awk -v n="$EVENTS" -v c="$COLUMNS" 'BEGIN { srand(1); for (r = 0; r < n; r++) { line = ""; for (k = 0; k < c; k++) line = line (k ? "," : "") sprintf("%.4f", (rand() - 0.5) * 80); print line } }' > "$WORK/events.csv"

run() { "$CLI" simulate "$MODEL" --input "$WORK/events.csv" --output "$WORK/out.csv" --clock-ns "$CLOCK_NS" --work "$WORK/cache" "$@"; }

echo "== fresh build =="
START=$(date +%s.%N)
run | tee "$WORK/first.txt"
END=$(date +%s.%N)
echo "== second run (cached build) =="
run | tee "$WORK/second.txt"

RTL=$(sed -n 's/^rtl: \([^ ]*\).*/\1/p' "$WORK/first.txt")
BUILD=$(sed -n 's/.*built in \([0-9.]*\) s.*/\1/p' "$WORK/first.txt")
LATENCY=$(sed -n 's/.*latency \([0-9]*\) cycles.*/\1/p' "$WORK/first.txt")
RATE=$(sed -n 's/.*, \([0-9]*\) events\/s.*/\1/p' "$WORK/first.txt")
MISMATCHES=$(sed -n 's/^bit mismatches vs the Swift reference: \([0-9]*\)/\1/p' "$WORK/first.txt")
CACHED=$(grep -c "cached build" "$WORK/second.txt" || true)

LUT=""; FF=""; DSP=""; CARRY=""; YOSYS_S=""
if command -v yosys >/dev/null && [ -z "${NO_YOSYS:-}" ]; then
    TOP=$(basename "$(ls "$RTL"/*_tb.cpp)" _tb.cpp)
    FILES=$(cd "$RTL" && ls *.v | grep -v "^$TOP.v$" | tr '\n' ' ')
    YSTART=$(date +%s.%N)
    (cd "$RTL" && yosys -q -p "read_verilog $FILES $TOP.v; synth_xilinx -flatten -top $TOP; tee -o $WORK/stat.txt stat" >/dev/null)
    YOSYS_S=$(echo "$(date +%s.%N) - $YSTART" | bc)
    count() { awk -v p="$1" '$1 ~ p { s += $2 } END { print s + 0 }' "$WORK/stat.txt"; }
    LUT=$(count '^LUT[1-6]$'); FF=$(count '^FD'); DSP=$(count '^DSP48'); CARRY=$(count '^CARRY')
fi

echo
echo "model=$MODEL events=$EVENTS clock_ns=$CLOCK_NS"
echo "verilator build: ${BUILD} s (fresh), second run cached: $([ "$CACHED" = 1 ] && echo yes || echo NO)"
echo "latency: ${LATENCY} cycles; simulated: ${RATE} events/s; bit mismatches: ${MISMATCHES}"
echo "yosys synth_xilinx: LUT=${LUT} FF=${FF} DSP=${DSP} CARRY4=${CARRY} (${YOSYS_S} s)"
echo "{\"bench\":\"verilog\",\"model\":\"$MODEL\",\"events\":$EVENTS,\"clock_ns\":$CLOCK_NS,\"build_s\":${BUILD:-null},\"latency_cycles\":${LATENCY:-null},\"events_per_s\":${RATE:-null},\"mismatches\":${MISMATCHES:-null},\"lut\":${LUT:-null},\"ff\":${FF:-null},\"dsp\":${DSP:-null}}"
