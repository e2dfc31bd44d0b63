#!/usr/bin/env bash
# The trigger-rate goals of issue 13 (see bench/README.md, "Emulation at
# trigger rate"): predict on 10^7 events from .npy and from CSV, the
# autoencoder with its score, physics at 1 kHz on 10^7 events, and the
# Verilator simulation's events/s once built. Every step runs under GNU time
# (wall, user+system CPU, peak resident set); the figures are whole-process.
#
#   bench/streaming/run.sh [EVENTS]     default 10000000; ~7 GB of scratch files
#   HEPML_BIN=DIR uses the release binaries in DIR instead of building them.
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-10000000}"
if [[ -n "${HEPML_BIN:-}" ]]; then BIN="$HEPML_BIN"; else
    swift build -c release --product hepml-compile >/dev/null
    swift build -c release --product hepml-bench >/dev/null
    BIN="$(swift build -c release --show-bin-path)"
fi
WORK="$(mktemp -d "${TMPDIR:-/tmp}/hepml-streaming.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
mkdir -m 700 "$WORK/verilator"

# "label  wall s  cpu s  peak MB" for one command; its stdout goes to $WORK/last.out.
step() {
    local label="$1"; shift
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$@" >"$WORK/last.out" 2>"$WORK/last.err" || {
        echo "$label: failed: $(tail -3 "$WORK/last.err")" >&2; return 1; }
    read -r wall user sys kb <"$WORK/time"
    printf '%-44s %8.1f s wall %8.1f s cpu %7.0f MB peak\n' "$label" "$wall" "$(echo "$user + $sys" | bc)" "$((kb / 1024))"
    echo "{\"step\":\"$label\",\"events\":$N,\"wall_s\":$wall,\"cpu_s\":$(echo "$user + $sys" | bc),\"peak_mb\":$((kb / 1024))}" >>"$WORK/results.json"
}

echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores" >&2
step "write $N tagger events (.npy, f8)" "$BIN/hepml-bench" --write-events tagger "$N" "$WORK/tagger.npy"
step "write $N tagger events (CSV, 17 digits)" "$BIN/hepml-bench" --write-events tagger "$N" "$WORK/tagger.csv"
step "write $N L1 events (.npy, f4)" "$BIN/hepml-bench" --write-events l1 "$N" "$WORK/l1.npy" f4
echo "CSV size: $(($(stat -c %s "$WORK/tagger.csv") / 1000000)) MB" >&2

T=examples/jet_tagger/model.json A=examples/l1_autoencoder/model.json
step "predict tagger .npy -> .npy" "$BIN/hepml-compile" predict "$T" --input "$WORK/tagger.npy" --output "$WORK/y.npy"
step "predict tagger .npy -> CSV" "$BIN/hepml-compile" predict "$T" --input "$WORK/tagger.npy" --output "$WORK/y.csv"
step "predict tagger CSV -> .npy" "$BIN/hepml-compile" predict "$T" --input "$WORK/tagger.csv" --output "$WORK/y.npy"
step "predict tagger CSV -> CSV" "$BIN/hepml-compile" predict "$T" --input "$WORK/tagger.csv" --output "$WORK/y.csv"
step "hepml-bench --read tagger CSV (1 thread)" "$BIN/hepml-bench" --read "$WORK/tagger.csv" 1
echo "  $(cat "$WORK/last.out")" >&2
step "predict autoencoder+score .npy -> .npy" "$BIN/hepml-compile" predict "$A" --input "$WORK/l1.npy" --output "$WORK/s.npy"
step "predict autoencoder --raw .npy -> .npy" "$BIN/hepml-compile" predict "$A" --input "$WORK/l1.npy" --output "$WORK/s.npy" --raw
rm -f "$WORK/tagger.csv" "$WORK/l1.npy" "$WORK/y.csv"
step "physics autoencoder --rate-hz 1000" "$BIN/hepml-compile" physics "$A" --generator l1 --events "$N" --rate-hz 1000 --seed 99
head -1 "$WORK/last.out" >&2

# Simulation: 10^6 events (or N if fewer) of the tagger, once built.
M=$(( N < 1000000 ? N : 1000000 ))
"$BIN/hepml-bench" --write-events tagger "$M" "$WORK/sim.npy"
step "simulate tagger: build (-O2) + run" "$BIN/hepml-compile" simulate "$T" --input "$WORK/sim.npy" --output "$WORK/r.npy" --work "$WORK/verilator"
step "simulate tagger: cached" "$BIN/hepml-compile" simulate "$T" --input "$WORK/sim.npy" --output "$WORK/r.npy" --work "$WORK/verilator"
grep "events/s" "$WORK/last.out" >&2
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
cp "$WORK/results.json" bench/streaming/results.json
