#!/usr/bin/env bash
# hepml-compile against da4ml 0.6.0 on the same models, side by side: the bits first
# (da4ml's C++ interpreter against `hepml-compile predict --raw`), then the same yosys
# synth_xilinx on both RTLs, latency in cycles and compile time. See README.md.
#
#   bench/verilog/da4ml_compare.sh [--models a,b,...] [--family xc7|xcup] [--yosys-timeout S]
#                                  [--no-yosys] [--events N] [--results FILE]
#
# Models: tagger_logits (examples/jet_tagger without its softmax), autoencoder
# (examples/l1_autoencoder, anomaly score included), mlp16 mlp32 mlp64 mlp128
# (16->W->W->5 from `hepml-bench --write-mlp`), deep_sets and cicada (the tensor models of
# bench/tensors), deep_sets_tagger (examples/deep_sets_tagger without its softmax),
# cicada_autoencoder (examples/cicada_autoencoder, its score included).
# Default: the MLPs and the shipped models.
# --family (default xc7): the family hepml-compile pipelines for (its delay model)
# and the one yosys synthesizes both designs for; da4ml has no family setting.
# Environment: HEPML_BIN (folder with release hepml-compile and hepml-bench; default
# .build/release, built if missing), DA4ML_VENV (default bench/verilog/.venv-da4ml,
# created with da4ml==0.6.0 if missing; bench-only, never a dependency of the tool).
# YOSYS_LOCK (a file): every yosys run waits for it with flock, one synthesis at a time.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

MODELS=tagger_logits,autoencoder,mlp16,mlp32,mlp64,mlp128
YOSYS_TIMEOUT=1200
NO_YOSYS=
EVENTS=10000
RESULTS=$HERE/da4ml_results.jsonl
FAMILY=xc7
while [ $# -gt 0 ]; do
    case $1 in
        --models) MODELS=$2; shift 2 ;;
        --yosys-timeout) YOSYS_TIMEOUT=$2; shift 2 ;;
        --no-yosys) NO_YOSYS=1; shift ;;
        --family) FAMILY=$2; shift 2 ;;
        --events) EVENTS=$2; shift 2 ;;
        --results) RESULTS=$2; shift 2 ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "da4ml_compare: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

VENV=${DA4ML_VENV:-$HERE/.venv-da4ml}
PY=$VENV/bin/python
HELPER=$HERE/da4ml_build.py
if ! "$PY" -c 'import importlib.metadata as m; assert m.version("da4ml") == "0.6.0"' 2>/dev/null; then
    echo "== creating $VENV with da4ml 0.6.0 =="
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --no-cache-dir da4ml==0.6.0
fi

BIN=${HEPML_BIN:-$ROOT/.build/release}
if [ ! -x "$BIN/hepml-compile" ] || [ ! -x "$BIN/hepml-bench" ]; then
    (cd "$ROOT" && swift build -c release --product hepml-compile && swift build -c release --product hepml-bench)
fi
HEPML=$BIN/hepml-compile

WORK=$(mktemp -d /tmp/hepml-da4ml.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
date -u '+%Y-%m-%d %H:%M UTC' > "$WORK/date"
git -C "$ROOT" rev-parse --short HEAD > "$WORK/commit"
echo "$FAMILY" > "$WORK/family"
TIME=(/usr/bin/time -f '%e %U %S %M')

# synth TOOL DIR TOP FILES...: the one yosys command for both, under the timeout, niced.
synth() {
    local tool=$1 d=$2 top=$3; shift 3
    if [ -n "$NO_YOSYS" ]; then echo "skipped" > "$d/$tool.yosys"; return; fi
    echo "   yosys $tool ($# files, timeout ${YOSYS_TIMEOUT} s)"
    local rc=0 lock=()
    # YOSYS_LOCK=FILE: wait for other benches' yosys first (flock), outside the timing.
    [ -n "${YOSYS_LOCK:-}" ] && lock=(flock "$YOSYS_LOCK")
    "${lock[@]}" nice -n 10 timeout "$YOSYS_TIMEOUT" "${TIME[@]}" -o "$d/$tool.yosys.time" \
        yosys -q -p "read_verilog $*; synth_xilinx -family $FAMILY -flatten -top $top; tee -q -o $d/$tool.stat stat" \
        > "$d/$tool.yosys.log" 2>&1 || rc=$?
    case $rc in
        0) echo ok ;;
        124) echo timeout ;;
        *) echo "failed (exit $rc, $d/$tool.yosys.log)" ;;
    esac > "$d/$tool.yosys"
}

run_model() {
    local name=$1 d=$WORK/$1
    mkdir -p "$d"
    cut -d" " -f1-3 /proc/loadavg > "$d/load"
    echo "== $name =="
    case $name in
        tagger_logits) "$PY" "$HELPER" model logits "$ROOT/examples/jet_tagger/model.json" "$d/model.json" ;;
        deep_sets_tagger) "$PY" "$HELPER" model logits "$ROOT/examples/deep_sets_tagger/model.json" "$d/model.json" ;;
        autoencoder) cp "$ROOT/examples/l1_autoencoder/model.json" "$d/model.json" ;;
        cicada_autoencoder) cp "$ROOT/examples/cicada_autoencoder/model.json" "$d/model.json" ;;
        mlp[0-9]*) "$BIN/hepml-bench" --write-mlp "16,${name#mlp},${name#mlp},5" "$d/model.json" ;;
        deep_sets|cicada)
            # bench/tensors' models: traced from our lowered.txt, where the per-particle
            # layers and the convolution are dense ops with a row per output position.
            python3 -I "$ROOT/bench/tensors/make_models.py" 10 "$d" > /dev/null
            cp "$d/${name}_bench.json" "$d/model.json" ;;
        *) echo "da4ml_compare: unknown model $name" >&2; return 2 ;;
    esac

    "${TIME[@]}" -o "$d/hepml.time" "$HEPML" "$d/model.json" --target verilog --out "$d/hepml" --clock-ns 5 --family "$FAMILY" > "$d/hepml.log"
    local top
    top=$(sed -n 's/^Verilog: top module \([A-Za-z0-9_]*\),.*/\1/p' "$d/hepml.log")

    local rc=0
    "${TIME[@]}" -o "$d/da4ml.time" "$PY" "$HELPER" build "$d/hepml/lowered.txt" "$d/model.json" "$d/da4ml" "$top" \
        > "$d/da4ml.json" || rc=$?
    if [ $rc -eq 0 ]; then
        "$PY" "$HELPER" check "$d/hepml/lowered.txt" "$d/da4ml" "$HEPML" "$d/model.json" "$EVENTS" > "$d/check.json" || rc=$?
    fi
    if [ $rc -eq 0 ]; then
        synth hepml "$d" "$top" "$d"/hepml/rtl/*.v
        # shellcheck disable=SC2046
        synth da4ml "$d" "$top" $(jq -r '.files[]' "$d/da4ml.json")
    elif [ $rc -eq 5 ]; then
        echo "   bits differ: no resource figures for $name (mismatches above)"
    fi
    "$PY" "$HELPER" report "$name" "$d" "$RESULTS"
}

for name in ${MODELS//,/ }; do
    run_model "$name" || echo "da4ml_compare: $name failed (exit $?)" >&2
done
echo
echo "results appended to $RESULTS"
