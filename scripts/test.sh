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
swift build --build-tests
swift test --skip-build "$@"
