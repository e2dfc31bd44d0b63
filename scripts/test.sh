#!/usr/bin/env bash
# The project's test command: installs what a fresh Debian machine lacks,
# fuzzes the model decoder, the type parser, the CSV reader and the train.json
# decoder for a bounded time (libFuzzer, 30 s each; docs/hardening.md), then
# builds and runs the test suite
# (unit, property, ap_types oracle, and end-to-end Verilator / C-simulation tests).
#
#   scripts/test.sh [--all] [swift test options...]
#
# The default run leaves out the tests marked slow (`.slow`: more Verilator
# and C-simulation builds of model kinds the default run already simulates
# bit-exactly, and the large-input versions of the streaming checks);
# `--all` runs them too (HEPML_SLOW_TESTS=1). docs/hardening.md, "The
# suite's time", lists them and what the default run keeps.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--all" ]; then
  shift
  export HEPML_SLOW_TESTS=1
fi
scripts/setup.sh
# The fuzzers build one module at a time and run one target at a time: one
# core. They run beside the package build, which has the other; their log
# is printed once both are done, and a finding fails the run.
mkdir -p .build-fuzz
scripts/fuzz.sh 30 > .build-fuzz/test-run.log 2>&1 &
fuzz_pid=$!
# Only what the tests run: the CLI they spawn, then the test bundle (which
# `swift test` builds). A plain `swift build` would also build the plugin
# tools of the dependencies, among them swift-protobuf's protoc from its C++
# sources, which nothing here uses (onnx.pb.swift is generated once and
# committed: scripts/regenerate-onnx-proto.sh).
build_status=0
swift build --product hepml-compile || build_status=$?
fuzz_status=0
wait "$fuzz_pid" || fuzz_status=$?
cat .build-fuzz/test-run.log
if [ "$build_status" != 0 ]; then exit "$build_status"; fi
if [ "$fuzz_status" != 0 ]; then
  echo "test.sh: the fuzzers failed (exit $fuzz_status); see above" >&2
  exit "$fuzz_status"
fi
# The sweep's Slurm tests (tag "slurm") run against a real one-node Slurm:
# started here, stopped when the tests end (docs/sweep.md).
trap 'scripts/slurm.sh stop || true' EXIT
if scripts/slurm.sh start; then
  eval "$(scripts/slurm.sh env)"
else
  echo "test.sh: WARNING: the one-node Slurm did not start; its tests skip (and fail under CI=true)" >&2
fi
swift test "$@"
