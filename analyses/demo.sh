#!/usr/bin/env bash
# The demo, from a fresh clone: installs what is missing (tests/setup.sh),
# builds meta quietly, starts its private database, imports the Cochrane
# review CD015373 (real ketamine trials: analyses/data/CD015373/) with `meta
# import cochrane`, loads the other example data (analyses/data/*.csv), runs
# every analysis of analyses/ into out/, then prints the main pooled tables
# (intravenous ketamine vs placebo, as the review reports them) and where the
# plots are. Safe to run again: importing and loading are idempotent and the
# outputs are rewritten.
# Environment: META_BUILD_DIR (default build), META_HOME (the private
# database, default ~/.local/share/meta), META_DB (use that server instead).
set -euo pipefail
cd "$(dirname "$0")/.."

tests/setup.sh
build=${META_BUILD_DIR:-build}
meta=$build/cmd/meta
out=out
jobs=$(nproc 2>/dev/null || echo 2)

echo "== building meta in $build/ (the first time takes a minute or two)"
mkdir -p "$build"
log=$build/demo-build.log
if ! { cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
    cmake --build "$build" --target meta -j"$jobs"; } >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    echo "demo: the build failed; the whole log is in $log" >&2
    exit 1
fi

if [[ -n ${META_DB:-} ]]; then
    echo "== the database: META_DB"
else
    echo "== the private database"
    "$meta" db start
fi

runlog=$(mktemp)
trap 'rm -f "$runlog"' EXIT
echo "== importing the Cochrane review CD015373 (ketamine for chronic pain, real data)"
"$meta" import cochrane analyses/data/CD015373 >"$runlog"
head -n 4 "$runlog"
echo "== loading the other example data"
"$meta" load analyses/data/*.csv

echo "== running the analyses: meta run --out $out analyses/"
status=0
"$meta" run --out "$out" analyses/ | tee "$runlog" || status=$?

for name in ketamine_pain_immediate ketamine_adverse_events; do
    main=$out/$name.txt
    if [[ -s $main ]]; then
        echo
        echo "== $main (from analyses/$name.ini; real trials of the Cochrane review CD015373)"
        cat "$main"
    fi
done

echo
echo "== a living review: one more (SIMULATED) trial, then only what it touches runs again"
"$meta" load analyses/living/ketamine_trial21_simulated.csv
"$meta" run --changed --out "$out" analyses/ || status=$?

echo
echo "== plots"
sed -n 's/^ok .* -> //p' "$runlog" | tr ' ' '\n' | grep -E '\.(png|svg|pdf)$' |
    while IFS= read -r plot; do echo "  $PWD/$plot"; done
echo
echo "Open $PWD/$out/ketamine_pain_immediate.png for the ketamine forest plot"
echo "(pain, immediate-term, with each trial's risk of bias); the files named"
echo "simulated_* are drawn from SIMULATED trials, every other ketamine file is real;"
echo "tables (.txt), CSV and JSON are beside the plots in $PWD/$out/."
if [[ $status -ne 0 ]]; then
    echo "demo: some analyses failed (see FAIL above)" >&2
    exit "$status"
fi
