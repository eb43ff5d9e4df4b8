#!/usr/bin/env bash
# Benchmark of `meta pool` on more than one server (not a timed test): the
# throughput, in analyses per second, of 1, 2 and 4 clients that each run
# `meta pool --format json` (the whole process: exec, connection, schema
# check, selection, pooling, output) over and over, against a primary alone
# and against a primary plus a streaming hot standby, the clients split
# between the two as libpq's load_balance_hosts=random spreads them (one
# client: the standby). Two analyses: k = 20 (what the process and the
# connection cost) and k = 2,000 (where the server's work counts), on a
# registry of 100,000 result rows loaded on the primary and replayed.
#
# Both servers run on this machine: they share its cores with each other and
# with the clients, so the figures show what a second server costs and
# serves, not the capacity a second machine would add. Prints one record per
# figure (tool=meta op=pool_throughput ...) and a table.
#
# The machine is shared and its load changes by the minute: every figure is
# measured in several rounds, the figures of a round one after the other, and
# the table gives the median of the rounds. It also gives the CPU time per
# analysis of the servers and of the client processes: what a standby on a
# machine of its own would take off the primary.
#
# usage: tests/bench/bench_replica.sh [BUILD_DIR] [SECONDS]   (defaults: ./build, 5 s per
#        figure and round; BENCH_ROUNDS rounds, default 3)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/bench_lib.sh"
. "$here/../replica/replica_lib.sh"

seconds=${2:-5}
rounds=${BENCH_ROUNDS:-3}
bench_binaries "${1:-build}" replica
[[ -x $simulate ]] || { echo "bench_replica: no meta-simulate at $simulate (build first)" >&2; exit 2; }
unset META_DB
replica_begin bench
work=$replica_work

replica_primary primary
replica_standby primary standby
replica_wait_streaming primary
P=$(replica_conninfo primary)
S=$(replica_conninfo standby)

# synthetic TRIALS OUTCOMES PREFIX SEED FILE: two-arm trials of mixed
# outcomes, PREFIX naming trials and outcomes (as bench_pool.sh does).
synthetic() {
    "$simulate" synthetic --trials "$1" --arms 2 --outcomes "$2" --kind mixed --seed "$4" |
        sed "s/^SYN-/$3-/; s/,outcome_/,${3,,}_/" >"$5"
}
synthetic 2000 25 ROWS 20241122 "$work/rows.csv"
synthetic 20 2 SMALL 7 "$work/small.csv"
t=$(bench_seconds "$meta" load --db "$P" "$work/rows.csv" "$work/small.csv")
psql -X -q -d "$P" -c "VACUUM ANALYZE" >/dev/null
replica_wait_replay primary standby
rows=$(replica_sql standby "SELECT (SELECT count(*) FROM continuous_results) +
                                   (SELECT count(*) FROM binary_results)")
echo "registry: $rows result rows, loaded on the primary in $t s, replayed on the standby"

# The same answer from both servers, before anything is timed.
for outcome in small_001 rows_001; do
    for db in "$P" "$S"; do
        "$meta" pool --db "$db" --outcome "$outcome" --treatment active --control control \
            --format json >"$work/check.$([[ $db == "$P" ]] && echo p || echo s).json"
    done
    cmp -s "$work/check.p.json" "$work/check.s.json" ||
        { echo "bench_replica: pool of $outcome differs between primary and standby" >&2; exit 1; }
done

# server_cost WHAT COMMAND...: the primary's CPU time per run of COMMAND, 50
# runs one after the other: what a connection alone costs the server.
server_cost() {
    local what=$1 n=50 c0 c1 i
    shift
    c0=$(replica_cpu_ticks primary)
    for ((i = 0; i < n; i++)); do "$@" >/dev/null; done
    c1=$(replica_cpu_ticks primary)
    awk -v what="$what" -v n="$n" -v ticks="$((c1 - c0))" -v tick="$(getconf CLK_TCK)" \
        -v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
        printf "tool=meta op=server_cost what=\"%s\" runs=%d server_cpu_ms=%.1f load=%s\n",
               what, n, ticks * 1000 / tick / n, load }'
}
server_cost "psql -c 'SELECT 1'" psql -X -q -d "$P" -c "SELECT 1"
server_cost "meta db status" "$meta" db status --db "$P"
server_cost "meta pool, k = 20" "$meta" pool --db "$P" --outcome small_001 --treatment active \
    --control control --format json

# client CONNINFO OUTCOME UNTIL FILE: runs meta pool until the clock passes
# UNTIL (microseconds since the epoch); writes each run's latency (µs) to
# FILE, a line "failed" for a run that failed, and last "cpu TICKS": the CPU
# time of the meta processes it ran (reaped children of this subshell).
client() {
    local db=$1 outcome=$2 until=$3 file=$4 start end f
    local cmd=("$meta" pool --db "$db" --outcome "$outcome" --treatment active --control control
        --format json)
    : >"$file"
    while :; do
        start=$EPOCHREALTIME
        ((${start/./} < until)) || break
        if "${cmd[@]}" >/dev/null 2>&1; then
            end=$EPOCHREALTIME
            echo $((${end/./} - ${start/./})) >>"$file"
        else
            echo failed >>"$file"
        fi
    done
    local me=$BASHPID # this subshell (a command substitution would be another)
    f=$(sed 's/^.*) //' "/proc/$me/stat")
    # shellcheck disable=SC2086
    set -- $f
    echo "cpu $((${14} + ${15}))" >>"$file"
}

# measure ROUND SERVERS K OUTCOME CONNINFO...: one client per CONNINFO, all at
# once, for $seconds; prints the record: analyses per second, latency, and
# the CPU time per analysis of the servers and of the clients.
measure() {
    local round=$1 servers=$2 k=$3 outcome=$4 start end until i=0 pids=() cpu0 cpu1
    shift 4
    rm -f "$work"/client.*
    cpu0=$(($(replica_cpu_ticks primary) + $(replica_cpu_ticks standby)))
    start=$EPOCHREALTIME
    until=$((${start/./} + seconds * 1000000))
    for db in "$@"; do
        client "$db" "$outcome" "$until" "$work/client.$i" &
        pids+=($!)
        i=$((i + 1))
    done
    wait "${pids[@]}"
    end=$EPOCHREALTIME
    cpu1=$(($(replica_cpu_ticks primary) + $(replica_cpu_ticks standby)))
    cat "$work"/client.* | sort -n | awk -v round="$round" -v servers="$servers" -v clients="$#" \
        -v k="$k" -v elapsed="$(((${end/./} - ${start/./}) / 1000))" -v tick="$(getconf CLK_TCK)" \
        -v server_ticks="$((cpu1 - cpu0))" -v load="$(cut -d' ' -f1 /proc/loadavg)" '
        $1 == "failed" { failed++; next }
        $1 == "cpu" { client_ticks += $2; next }
        { lat[++n] = $1 }
        END {
            printf "tool=meta op=pool_throughput round=%d servers=%s clients=%d k=%d runs=%d " \
                   "failed=%d seconds=%.2f per_second=%.1f median_ms=%.1f p90_ms=%.1f " \
                   "server_cpu_ms=%.1f client_cpu_ms=%.1f load=%s\n",
                   round, servers, clients, k, n, failed, elapsed / 1000, n / (elapsed / 1000),
                   lat[int((n + 1) / 2)] / 1000, lat[int(n * 0.9 + 0.5)] / 1000,
                   server_ticks * 1000 / tick / n, client_ticks * 1000 / tick / n, load
        }'
}

echo "meta pool --format json: $rounds rounds of $seconds s per figure, the figures interleaved;"
echo "$(nproc) cores shared by both servers and the clients; load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((round = 1; round <= rounds; round++)); do
    for k in 20 2000; do
        outcome=$([[ $k == 20 ]] && echo small_001 || echo rows_001)
        for clients in 1 2 4; do
            ps=() both=()
            for ((c = 0; c < clients; c++)); do
                ps+=("$P")
                # alternately, starting on the standby
                both+=("$( ((c % 2 == 0)) && echo "$S" || echo "$P")")
            done
            measure "$round" primary "$k" "$outcome" "${ps[@]}"
            measure "$round" primary+standby "$k" "$outcome" "${both[@]}"
        done
    done
done | tee "$work/records.txt"

# The median over the rounds of each figure.
echo
echo "median of $rounds rounds:"
awk '
    {
        for (i = 1; i <= NF; i++) { split($i, kv, "="); r[kv[1]] = kv[2] }
        key = sprintf("%s %s %s", r["k"], r["servers"], r["clients"])
        if (!(key in seen)) { seen[key] = 1; order[++nkeys] = key }
        n = ++count[key]
        rate[key, n] = r["per_second"]; med[key, n] = r["median_ms"]
        scpu[key, n] = r["server_cpu_ms"]; ccpu[key, n] = r["client_cpu_ms"]
    }
    function median(a, key, n,    i, j, t, v) {
        for (i = 1; i <= n; i++) v[i] = a[key, i] + 0
        for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
        return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    }
    END {
        printf "  %5s  %-16s %7s %11s %9s %15s %15s\n", "k", "servers", "clients", "analyses/s",
               "latency", "server CPU/run", "client CPU/run"
        for (i = 1; i <= nkeys; i++) {
            key = order[i]; split(key, f, " "); n = count[key]
            printf "  %5s  %-16s %7s %11.1f %6.1f ms %12.1f ms %12.1f ms\n", f[1], f[2], f[3],
                   median(rate, key, n), median(med, key, n), median(scpu, key, n), median(ccpu, key, n)
        }
    }' "$work/records.txt"
