#!/usr/bin/env bash
# The project's test command: installs what a fresh Debian machine lacks,
# then builds and runs the whole test suite (unit, property, oracle and
# end-to-end Verilator / C-simulation tests).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --build-tests
swift test --skip-build "$@"
