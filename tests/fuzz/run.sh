#!/usr/bin/env bash
# Fuzzes every target of tests/fuzz with libFuzzer under AddressSanitizer and
# UndefinedBehaviorSanitizer: builds them with clang into build-fuzz/, then
# runs each from its seeds (and the crashes kept in regressions/) for a short
# fixed time, as tests/run.sh does, or for hours with --long, keeping the
# corpus it grows in build-fuzz/tests/fuzz/corpus/ from run to run.
# A crash stops that target: its input is saved in build-fuzz/tests/fuzz/
# artifacts/TARGET/; copy it into tests/fuzz/regressions/TARGET/ (the
# TARGET_replay ctest test then runs it in every build) and fix the code.
# usage: tests/fuzz/run.sh [--long] [--seconds N] [--build DIR] [TARGET...]
#        (default 15 seconds per target; --long: 4 hours per target)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=15
long=0
build=build-fuzz
only=()
while (($#)); do
    case $1 in
    --long) long=1 seconds=$((4 * 3600)) ;;
    --seconds) seconds=$2 && shift ;;
    --build) build=$2 && shift ;;
    -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' && exit 0 ;;
    -*) echo "fuzz: unknown option '$1'" >&2 && exit 2 ;;
    *) only+=("$1") ;;
    esac
    shift
done
if ! command -v clang >/dev/null; then
    echo "fuzz: clang is not installed (tests/setup.sh installs it): nothing fuzzed" >&2
    exit 1
fi

jobs=$(nproc 2>/dev/null || echo 2)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
list=$build/tests/fuzz/targets.list
if ! CC=clang cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMETA_FUZZ=ON >"$log" 2>&1 ||
    ! cmake --build "$build" -j"$jobs" --target $(cut -d' ' -f1 "$list") >>"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "fuzz: the clang build of the targets failed" >&2
    exit 1
fi
symbolizer=$(ls /usr/lib/llvm-*/bin/llvm-symbolizer 2>/dev/null | sort -V | tail -1 || true)
[[ -n $symbolizer ]] && export ASAN_SYMBOLIZER_PATH=$symbolizer
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

failed=0
while read -r name seeds dict; do
    [[ -n $name ]] || continue
    if ((${#only[@]})) && [[ ! " ${only[*]} " == *" $name "* ]]; then
        continue
    fi
    corpus=$build/tests/fuzz/corpus/$name
    artifacts=$build/tests/fuzz/artifacts/$name
    ((long)) || rm -rf "$corpus"
    mkdir -p "$corpus" "$artifacts"
    dirs=()
    IFS=: read -r -a all <<<"$seeds"
    for d in "${all[@]}"; do
        [[ -d $d ]] && dirs+=("$d")
    done
    opts=(-max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048
        -artifact_prefix="$artifacts/" -print_final_stats=1)
    [[ -n ${dict:-} ]] && opts+=(-dict="$dict")
    echo "== $name: $seconds s from ${#dirs[@]} seed directories"
    if "$build/tests/fuzz/$name" "${opts[@]}" "$corpus" "${dirs[@]}" >"$log" 2>&1; then
        grep -E '^stat::(number_of_executed_units|peak_rss_mb)|^#[0-9]+.*DONE' "$log" | tail -3
        echo "   $(ls "$corpus" | wc -l) inputs in the corpus"
    else
        failed=1
        tail -n 60 "$log"
        echo "fuzz: $name failed; the input is in $artifacts/:" >&2
        ls -t "$artifacts" | head -3 | sed "s|^|  $artifacts/|" >&2
        echo "copy it into tests/fuzz/regressions/$name/ and fix the code" >&2
    fi
done <"$list"
exit $failed
