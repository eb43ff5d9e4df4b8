#!/usr/bin/env bash
# The demo: installs what is missing, builds meta, starts its private
# database and shows it running.
set -euo pipefail
cd "$(dirname "$0")/.."
tests/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
meta=build/cmd/meta
"$meta" db start
"$meta" db status
