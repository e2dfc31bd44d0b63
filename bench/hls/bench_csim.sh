#!/usr/bin/env bash
# HLS C simulation of the synthetic jet tagger (ModelZoo.tagger(): 16->64->32->32->5,
# mixed precisions; bench/hls/tagger.json is its model.json): the g++ build time with
# a cold cache, then events/s of the C++ event loop (input conversion, network,
# output codes) over three cached runs, for the latency (reuse 1) and resource
# (reuse 4) strategies. Every run also checks all outputs against the Swift reference.
#
# Usage: bench/hls/bench_csim.sh [events]     (SCRATCH=.build-hls to pick a build folder)
set -euo pipefail
cd "$(dirname "$0")/../.."
EVENTS="${1:-20000}"
SCRATCH="${SCRATCH:-.build}"
swift build --scratch-path "$SCRATCH" --product hepml-compile >/dev/null
BIN="$(swift build --scratch-path "$SCRATCH" --show-bin-path)/hepml-compile"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# Seeded events over twice the input range (ap_fixed<16,6>: [-32, 32)), so that
# saturation at the boundary is part of the work.
python3 - "$EVENTS" > "$WORK/events.csv" <<'PY'
import random, sys
random.seed(2024)
for _ in range(int(sys.argv[1])):
    print(",".join(repr(random.uniform(-64.0, 64.0)) for _ in range(16)))
PY

echo "g++ $(g++ -dumpfullversion), $(nproc) cores, $EVENTS events"
for reuse in 1 4; do
    cold="$("$BIN" csim bench/hls/tagger.json --input "$WORK/events.csv" --output "$WORK/out.csv" \
            --work "$WORK/cache" --reuse "$reuse")"
    build="$(sed -n 's/.*(built in \(.*\) s).*/\1/p' <<<"$cold")"
    rates=()
    for _ in 1 2 3; do
        run="$("$BIN" csim bench/hls/tagger.json --input "$WORK/events.csv" --output "$WORK/out.csv" \
               --work "$WORK/cache" --reuse "$reuse")"
        grep -q "bit mismatches vs the Swift reference: 0" <<<"$run"
        rates+=("$(sed -n 's/.*: \([0-9]*\) events\/s/\1/p' <<<"$run")")
    done
    echo "reuse $reuse: build ${build} s (cold cache), events/s ${rates[*]} (0 mismatches)"
done
