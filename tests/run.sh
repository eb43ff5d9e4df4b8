#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what is missing, builds,
# runs every ctest suite (unit, registry, cli, plots, replica, lint), then
# builds again with AddressSanitizer and UndefinedBehaviorSanitizer and runs
# the unit (lib/stats, lib/analysis, lib/report), registry, cli and plots
# suites under them, then fuzzes each target of tests/fuzz for 15 seconds with
# libFuzzer under both sanitizers (clang).
set -euo pipefail
cd "$(dirname "$0")/.."
tests/setup.sh
jobs=$(nproc 2>/dev/null || echo 2)

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure --timeout 900

cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=Debug -DMETA_SANITIZE=ON
cmake --build build-sanitize -j"$jobs"
ctest --test-dir build-sanitize --output-on-failure --timeout 900 -L 'unit|registry|cli|plots'

if command -v clang >/dev/null; then
    tests/fuzz/run.sh --seconds 15
else
    echo "fuzzing skipped: clang is not installed (tests/setup.sh installs it as root)"
fi
