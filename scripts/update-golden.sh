#!/usr/bin/env bash
# Recompiles the shipped examples into hls-out/ (the golden outputs that
# Tests/CLITests/ShippedModelGoldenTests compares byte for byte).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product hepml-compile
for m in jet_tagger l1_autoencoder track_quality deep_sets_tagger cicada_autoencoder; do
  .build/debug/hepml-compile "examples/$m/model.json" --target fpga --out "hls-out/$m" >/dev/null
  echo "hls-out/$m: $(find "hls-out/$m" -type f | wc -l) files"
done
