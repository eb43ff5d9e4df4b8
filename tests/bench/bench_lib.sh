# Shell functions the registry benchmarks share (sourced, not run): a
# database to measure in, fresh databases per measurement, the synthetic
# file, the plain table psql \copy fills, and wall-clock timing.

# bench_binaries BUILD_DIR NAME: sets meta and simulate (the built programs)
# and checks that meta and psql are there.
bench_binaries() {
    meta=$1/cmd/meta
    simulate=$1/analyses/meta-simulate
    [[ -x $meta ]] || { echo "bench_$2: no meta binary at $meta (build first)" >&2; exit 2; }
    command -v psql >/dev/null || { echo "bench_$2: psql is missing" >&2; exit 2; }
}

# bench_setup BUILD_DIR NAME: sets meta, simulate, work (a temporary
# directory removed on exit) and base (a conninfo where this user may
# CREATE DATABASE): META_DB when set, else a private cluster started in
# work/home and stopped on exit.
bench_setup() {
    bench_binaries "$1" "$2"
    work=$(mktemp -d "/tmp/meta-bench-$2-XXXXXX")
    home=""
    trap bench_cleanup EXIT
    if [[ -n ${META_DB:-} ]]; then
        base=$META_DB
    else
        home=$work/home
        META_HOME=$home META_DB= "$meta" db start >/dev/null
        base="host=$home/run dbname=meta user=meta"
    fi
}

bench_cleanup() {
    if [[ -n $home ]]; then
        META_HOME=$home META_DB= "$meta" db stop >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}

# bench_fresh_db NAME: (re)creates database NAME and prints its conninfo.
bench_fresh_db() {
    psql -X -q -d "$base" -c "SET client_min_messages = warning" \
        -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" >/dev/null
    echo "$base dbname=$1"
}

# bench_drop_dbs NAME...
bench_drop_dbs() {
    local db
    for db in "$@"; do
        psql -X -q -d "$base" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
    done
}

# bench_generate TRIALS FILE: two-arm trials, one continuous outcome, by
# meta-simulate when built, else by awk in the same shape.
bench_generate() {
    if [[ -x $simulate ]]; then
        "$simulate" synthetic --trials "$1" --arms 2 --kind continuous -o "$2"
    else
        awk -v trials="$1" 'BEGIN {
            print "trial,arm,treatment,outcome,timepoint,n,mean,sd,events,total,year,class"
            srand(20241122)
            for (t = 1; t <= trials; t++) {
                printf "SYN-%07d,active,active,outcome_001,t1,%d,%.2f,%.2f,,,%d,C\n", t, 20 + int(rand() * 80), 40 + rand() * 10, 8 + rand() * 4, 1990 + t % 30
                printf "SYN-%07d,control,control,outcome_001,t1,%d,%.2f,%.2f,,,%d,\n", t, 20 + int(rand() * 80), 42 + rand() * 10, 8 + rand() * 4, 1990 + t % 30
            }
        }' >"$2"
    fi
}

# bench_plain_table FILE NAME: the CREATE TABLE of a plain table with FILE's
# columns, typed as meta reads them.
bench_plain_table() {
    local cols="" name type names
    IFS=, read -r -a names < <(head -1 "$1")
    for name in "${names[@]}"; do
        case $name in
        n | events | total) type=integer ;;
        mean | sd) type=double\ precision ;;
        *) type=text ;;
        esac
        cols+="${cols:+, }\"$name\" $type"
    done
    echo "CREATE TABLE $2 ($cols)"
}

# bench_settle: a checkpoint (when this user may ask for one), so that a
# timed step does not pay for writing out the pages and the write-ahead log
# that the step before it left behind; without it, the step after a large
# load took up to 1.6 times as long by the wall clock.
bench_settle() {
    psql -X -q -d "$base" -c CHECKPOINT >/dev/null 2>&1 || true
}

# bench_seconds COMMAND...: the wall-clock seconds COMMAND takes (its output
# discarded), from a settled server.
bench_seconds() {
    local t0 t1
    bench_settle
    t0=$(date +%s.%N)
    "$@" >/dev/null
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }'
}

# bench_timed OUT COMMAND...: runs COMMAND (output discarded) and writes to
# file OUT its wall-clock, user and system seconds, then the processor
# seconds the private cluster's server processes spent meanwhile (0 when
# the database is META_DB's: another machine's processes are not seen).
# The server is settled first.
bench_timed() {
    local out=$1 s0 s1
    shift
    bench_settle
    s0=$(bench_server_ticks)
    /usr/bin/time -f '%e %U %S' -o "$out.t" "$@" >/dev/null
    sleep 1 # the connection's server process exits after the client
    s1=$(bench_server_ticks)
    awk -v a="$s0" -v b="$s1" -v hz="$(getconf CLK_TCK)" \
        '{ printf "%.2f %.2f %.2f %.2f\n", $1, $2, $3, (b - a) / hz }' "$out.t" >"$out"
}

# bench_server_ticks: processor ticks (user and system) of the private
# cluster's postmaster, its live children and the children it has reaped
# (a connection's backend, once it has exited).
bench_server_ticks() {
    local pidfile pm
    pidfile=$( [[ -n $home ]] && find "$home" -name postmaster.pid 2>/dev/null | head -1)
    if [[ -z $pidfile ]]; then
        echo 0
        return
    fi
    pm=$(head -1 "$pidfile")
    { echo "$pm"; pgrep -P "$pm"; } | while read -r pid; do
        # fields after the command's closing parenthesis: utime is the 12th,
        # stime 13th, cutime 14th, cstime 15th
        [[ -r /proc/$pid/stat ]] && sed 's/^.*) //' "/proc/$pid/stat" |
            awk -v pm="$([[ $pid == "$pm" ]] && echo 1 || echo 0)" \
                '{ t = $12 + $13; if (pm) t += $14 + $15; print t }'
    done | awk '{ s += $1 } END { print s + 0 }'
}
