#!/usr/bin/env bash
# The project's test command: installs what a fresh Debian machine lacks,
# fuzzes the model decoder, the type parser, the CSV reader and the train.json
# decoder for a bounded time (libFuzzer, 30 s each; docs/hardening.md), then
# builds and runs the whole test suite
# (unit, property, ap_types oracle, and end-to-end Verilator / C-simulation tests).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/fuzz.sh 30
# Only what the tests run: the CLI they spawn, then the test bundle (which
# `swift test` builds). A plain `swift build` would also build the plugin
# tools of the dependencies, among them swift-protobuf's protoc from its C++
# sources, which nothing here uses (onnx.pb.swift is generated once and
# committed: scripts/regenerate-onnx-proto.sh).
swift build --product hepml-compile
# The sweep's Slurm tests (tag "slurm") run against a real one-node Slurm:
# started here, stopped when the tests end (docs/sweep.md).
trap 'scripts/slurm.sh stop || true' EXIT
if scripts/slurm.sh start; then
  eval "$(scripts/slurm.sh env)"
else
  echo "test.sh: WARNING: the one-node Slurm did not start; its tests skip (and fail under CI=true)" >&2
fi
swift test "$@"
