#!/usr/bin/env bash
# Runs every benchmark of tests/bench and prints the tables of BENCHMARKS.md:
# the library (lib/stats against metafor and statsmodels on the same SMD
# data, and against a plain loop; the small-study tests and meta-regression
# against metafor: bench_bias), loading (bench_load.sh, and what the
# server itself needs to store the rows: bench_load_floor.sh), querying
# (bench_pool.sh), plotting and memory (bench_forest.sh), and `meta pool`
# from concurrent clients on a primary and a hot standby (bench_replica.sh).
# A peer that is not installed is skipped and says so. Takes about 30
# minutes on 2 cores (a third of it metafor's trim-and-fill and regression
# test on 1,000 studies).
#
# usage: tests/bench/run_all.sh [--install-peers] [--build DIR] [--out DIR] [--quick]
#   --install-peers  install R with metafor, python3-statsmodels, hyperfine and
#                    GNU time first (tests/setup.sh --bench; needs root)
#   --build DIR      the Release build directory (default: build-bench)
#   --out DIR        where the raw figures and report.md go (default: a new
#                    directory under /tmp, printed at the end)
#   --quick          a smoke run: the library on k = 10 and 1,000 only (metafor's
#                    bias tests on k = 10), no registry
set -euo pipefail
cd "$(dirname "$0")/../.."

build=build-bench
out=""
install=0
quick=0
while (($#)); do
    case $1 in
    --install-peers) install=1 ;;
    --build) build=${2:?--build needs a directory}; shift ;;
    --out) out=${2:?--out needs a directory}; shift ;;
    --quick) quick=1 ;;
    -h | --help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run_all: unknown option '$1'" >&2; exit 2 ;;
    esac
    shift
done

if ((install)); then
    tests/setup.sh --bench
fi

# Release (-O3) for the measurements. Warnings stay warnings here: -O3 finds
# maybe-uninitialized cases that the -O2 CI build does not, and a benchmark
# run should not stop on them.
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 --target meta meta-simulate bench_stats bench_smd bench_bias >/dev/null

out=${out:-$(mktemp -d /tmp/meta-bench-XXXXXX)}
mkdir -p "$out/data"
: >"$out/lib.txt"
: >"$out/rss.txt"
log() { echo "run_all: $*" >&2; }

# ---------------------------------------------------------------- machine
{
    echo "## Machine"
    echo
    cpu() { grep -m1 "^$1" /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'; }
    simd=$(cpu flags | tr ' ' '\n' | grep -xE 'sse2|avx2|avx512f' | tr '\n' ' ')
    echo "- CPU: $(cpu 'model name') (family $(cpu 'cpu family'), model $(cpu 'model\s')), $(nproc) cores; ${simd% }"
    echo "- commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- lib tests/bench || echo ' (with local changes in lib or tests/bench)')"
    echo "- memory: $(awk '/^MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)"
    echo "- system: $(. /etc/os-release && echo "$PRETTY_NAME"), Linux $(uname -r)"
    echo "- compiler: $(gcc --version | head -1), CMake build type Release (-O3)"
    echo "- R: $(R --version 2>/dev/null | head -1 || echo 'not installed')"
    echo "- metafor: $(Rscript -e 'cat(as.character(packageVersion("metafor")))' 2>/dev/null || echo 'not installed')"
    echo "- Python: $(/usr/bin/python3 --version 2>&1)"
    echo "- statsmodels: $(/usr/bin/python3 -c 'import statsmodels, numpy; print(statsmodels.__version__, "(NumPy", numpy.__version__ + ")")' 2>/dev/null || echo 'not installed')"
    pg=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    echo "- PostgreSQL: $("$pg/postgres" --version 2>/dev/null || echo 'not installed')"
    echo "- gnuplot: $(gnuplot --version 2>/dev/null || echo 'not installed')"
    echo "- hyperfine: $(hyperfine --version 2>/dev/null || echo 'not installed')"
    echo "- load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out/machine.md"

# ---------------------------------------------------------------- library
if ((quick)); then
    ks=(10 1000)
    min_time=0.1
else
    ks=(10 100 1000 10000 100000 1000000)
    min_time=0.3
fi
seed=20240601
for k in "${ks[@]}"; do
    "$build/analyses/meta-simulate" synthetic --trials "$k" --arms 2 --kind continuous \
        --seed "$seed" | "$build/tests/bench/bench_smd" - "$out/data/yv_$k.csv"
done
log "data: SMD of $(IFS=,; echo "${ks[*]}") simulated two-arm trials (seed $seed) in $out/data"

# peak RSS of one benchmark process: rss TOOL K CMD...
rss() {
    local tool=$1 k=$2
    shift 2
    /usr/bin/time -f '%M' -o "$out/rss.tmp" "$@" >>"$out/lib.txt"
    echo "tool=$tool op=rss k=$k rss_kb=$(tail -1 "$out/rss.tmp")" >>"$out/rss.txt"
}

for k in "${ks[@]}"; do
    log "library, k = $k: meta"
    rss meta "$k" "$build/tests/bench/bench_stats" --min-time "$min_time" "$out/data/yv_$k.csv"
done

max_k_metafor=1000
if command -v Rscript >/dev/null && Rscript -e 'library(metafor)' >/dev/null 2>&1; then
    for k in "${ks[@]}"; do
        log "library, k = $k: metafor"
        if ((k > max_k_metafor)); then # the script only says why it skips
            Rscript tests/bench/bench_metafor.R --max-k "$max_k_metafor" "$out/data/yv_$k.csv" |
                grep -v 'op=version' >>"$out/lib.txt"
        else
            rss metafor "$k" timeout 600 Rscript tests/bench/bench_metafor.R --min-time 1 \
                --max-k "$max_k_metafor" "$out/data/yv_$k.csv" ||
                echo "tool=metafor op=fit k=$k skipped=\"failed or over 600 s\"" >>"$out/lib.txt"
        fi
    done
else
    echo 'tool=metafor op=version skipped="R or metafor not installed (run_all.sh --install-peers)"' >>"$out/lib.txt"
fi

if /usr/bin/python3 -c 'import statsmodels' >/dev/null 2>&1; then
    for k in "${ks[@]}"; do
        log "library, k = $k: statsmodels"
        rss statsmodels "$k" timeout 600 /usr/bin/python3 tests/bench/bench_statsmodels.py \
            --min-time "$min_time" "$out/data/yv_$k.csv" ||
            echo "tool=statsmodels op=fit k=$k skipped=\"failed or over 600 s\"" >>"$out/lib.txt"
    done
else
    echo 'tool=statsmodels op=version skipped="python3-statsmodels not installed (run_all.sh --install-peers)"' >>"$out/lib.txt"
fi
rm -f "$out/rss.tmp"

# ------------------------------------------- small-study tests, meta-regression
# The same SMD files with three moderators added (dose, year, class); metafor
# on up to 1,000 studies (up to 10 with --quick: at 1,000 its trim-and-fill
# alone takes minutes).
: >"$out/bias.txt"
for k in "${ks[@]}"; do
    "$build/tests/bench/bench_bias" --write-mods "$out/data/yv_$k.csv" "$out/data/mods_$k.csv"
    log "small-study tests and meta-regression, k = $k: meta"
    "$build/tests/bench/bench_bias" --min-time "$min_time" "$out/data/mods_$k.csv" >>"$out/bias.txt"
done
if command -v Rscript >/dev/null && Rscript -e 'library(metafor)' >/dev/null 2>&1; then
    bias_max_k=$( ((quick)) && echo 10 || echo "$max_k_metafor")
    for k in "${ks[@]}"; do
        log "small-study tests and meta-regression, k = $k: metafor"
        timeout 3600 Rscript tests/bench/bench_bias_metafor.R --min-time 1 --max-k "$bias_max_k" \
            "$out/data/mods_$k.csv" >>"$out/bias.txt" ||
            echo "tool=metafor op=metareg k=$k skipped=\"failed or over an hour\"" >>"$out/bias.txt"
    done
else
    echo 'tool=metafor op=version skipped="R or metafor not installed (run_all.sh --install-peers)"' >>"$out/bias.txt"
fi

# ---------------------------------------------------------------- registry
if ((!quick)); then
    for script in bench_load bench_load_floor bench_pool bench_forest bench_replica; do
        name=${script#bench_}
        if [[ -x tests/bench/$script.sh ]]; then
            log "$script.sh"
            tests/bench/$script.sh "$build" >"$out/$name.txt" 2>&1 ||
                echo "run_all: $script.sh failed (exit $?)" >>"$out/$name.txt"
        else
            echo "run_all: tests/bench/$script.sh does not exist yet" >"$out/$name.txt"
        fi
    done
fi

# ---------------------------------------------------------------- report
{
    cat "$out/machine.md"
    echo
    echo "Reproduce: \`tests/bench/run_all.sh$( ((quick)) && echo ' --quick')\` (raw figures in $out)"
    echo
    /usr/bin/python3 tests/bench/summarise.py "$out"
} >"$out/report.md"
cat "$out/report.md"
log "raw figures and report.md in $out"
