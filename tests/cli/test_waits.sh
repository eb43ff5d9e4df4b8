#!/usr/bin/env bash
# Waits that end: a FIFO or a device named as a file to load or found as an
# analysis file is refused at once (never opened for reading); a gnuplot that
# hangs is stopped at META_GNUPLOT_TIMEOUT and said so; a load that finds the
# load lock held says who holds it and gives up after --wait SECONDS. Every
# command runs under timeout(1), so that a wait without end fails the test
# instead of hanging it.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/harness.sh"
data=$here/../data
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fresh_db meta_test_waits
run "$META" load --db "$DB" "$data/bcg.csv"
expect "load bcg" 0
bcg=(--db "$DB" --outcome bcg --treatment bcg-treated --control bcg-control --measure RR)
# bounded ARGS...: runs meta with 60 seconds at most (exit 124 past them).
bounded() { run timeout 60 "$META" "$@"; }

# ---- FIFOs and devices are not read ------------------------------------------
mkdir "$work/analyses"
printf '[analysis]\noutcome = bcg\ntreatment = bcg-treated\ncontrol = bcg-control\njson = a.json\n' \
    >"$work/analyses/a.ini"
mkfifo "$work/analyses/b.ini"
bounded run --db "$DB" --out "$work/out" "$work/analyses"
expect "a FIFO found as an analysis file: refused, the others run" 1 \
    "^FAIL $work/analyses/b.ini: is a FIFO, not a regular file: refusing to read it$"
expect "the regular analysis beside it ran" 1 "^2 analyses: 1 ok, 1 failed$"
bounded run --db "$DB" --out "$work/out" "$work/analyses/b.ini"
expect "a FIFO named as an analysis file: refused" 1 "^FAIL $work/analyses/b.ini: is a FIFO"
bounded run --db "$DB" --out "$work/out" /dev/zero
expect "a device named as an analysis file: refused" 1 \
    "^FAIL /dev/zero: is a character device, not a regular file"
mkdir -p "$work/more/c.ini"
bounded run --db "$DB" --out "$work/out" "$work/more"
expect "a directory found as an analysis file: refused" 1 \
    "^FAIL $work/more/c.ini: is a directory, not a file$"
ln -s a.ini "$work/analyses/link.ini"
bounded run --db "$DB" --out "$work/out-link" "$work/analyses/link.ini"
expect "a link to a regular analysis file is read" 0 "^1 analysis: 1 ok, 0 failed$"

mkfifo "$work/data.csv"
bounded load --db "$DB" "$data/bcg.csv" "$work/data.csv"
expect "a FIFO named as a load file: refused at once" 1 \
    "meta load: error: $work/data.csv: is a FIFO, not a regular file: refusing to read it"
expect "nothing was loaded" 1 "meta load: error: nothing was loaded$"
bounded load --db "$DB" /dev/zero
expect "a device named as a load file: refused" 1 "/dev/zero: is a character device"

# ---- gnuplot that hangs --------------------------------------------------------
printf '#!/bin/sh\nsleep 120\n' >"$work/hanging-gnuplot"
chmod +x "$work/hanging-gnuplot"
export META_GNUPLOT=$work/hanging-gnuplot META_GNUPLOT_TIMEOUT=1
start=$(date +%s)
bounded forest "${bcg[@]}" -o "$work/hang.png"
took=$(($(date +%s) - start))
expect "a hanging gnuplot is stopped: exit 1, said so" 1 \
    "meta forest: error: gnuplot did not finish within 1 seconds and was stopped \(set META_GNUPLOT_TIMEOUT"
((took < 30)) && ok "stopped after ${took}s" || not_ok "took ${took}s"
[[ ! -e $work/hang.png ]] && ok "no plot left" || not_ok "a plot was left"
printf '[analysis]\noutcome = bcg\ntreatment = bcg-treated\ncontrol = bcg-control\nforest = f.svg\n' \
    >"$work/plot.ini"
bounded run --db "$DB" --out "$work/out-hang" "$work/plot.ini"
expect "meta run: the analysis fails, the run ends" 1 "^FAIL $work/plot.ini: gnuplot did not finish"
META_GNUPLOT_TIMEOUT=never bounded forest "${bcg[@]}" -o "$work/hang.png"
expect "a bad META_GNUPLOT_TIMEOUT" 1 "META_GNUPLOT_TIMEOUT must be a number of seconds > 0, got 'never'"
unset META_GNUPLOT META_GNUPLOT_TIMEOUT
bounded forest "${bcg[@]}" -o "$work/fine.png"
expect "the real gnuplot within the default time" 0 "fine.png: forest plot of 13 trials"

# ---- the load lock held by another session ---------------------------------------
key=7882826103418319204 # the load lock: the bytes of "metaload"
# hold_lock SECONDS: a psql session (application lock-holder) that holds the
# load lock for SECONDS; returns once the lock is held.
hold_lock() {
    PGAPPNAME=lock-holder psql "$DB" -qAt -c "BEGIN" -c "SELECT pg_advisory_xact_lock($key)" \
        -c "SELECT pg_sleep($1)" -c "COMMIT" >/dev/null 2>&1 &
    holder=$!
    for _ in $(seq 200); do
        [[ $(psql "$DB" -qAt -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
              AND granted AND objid::bigint = ($key::bigint & 4294967295)") == 1 ]] && return
        sleep 0.1
    done
    echo "the lock holder never held the lock" >&2
}
release_lock() {
    psql "$DB" -qAt -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                        WHERE application_name = 'lock-holder'" >/dev/null 2>&1
    wait "$holder" 2>/dev/null
}
fibro=$data/haeuser2009_fibromyalgia.csv
hold_lock 60
holder_pid=$(psql "$DB" -qAt -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'lock-holder'")
start=$(date +%s)
bounded load --db "$DB" --wait 2 "$fibro"
took=$(($(date +%s) - start))
waits=$(grep -c "waiting for the load lock" <<<"$err$out")
[[ $waits == 1 ]] && ok "one file of new trials: said it waits once" || not_ok "said it waits $waits times"
expect "a held lock: meta load says who holds it" 1 \
    "^meta load: waiting for the load lock, held by pid $holder_pid \(application 'lock-holder', user '[^']+', since [0-9-]+ [0-9:]+ [A-Z+0-9-]+\); giving up after 2 seconds \(--wait\)$"
expect "and gives up after --wait, exit 1" 1 \
    "^meta load: error: gave up waiting 2 seconds for the load lock, held by pid $holder_pid \(application 'lock-holder'.*--wait SECONDS \(nothing was loaded\)$"
((took >= 2 && took < 30)) && ok "gave up after ${took}s" || not_ok "gave up after ${took}s"
run "$META" list --db "$DB" outcomes
expect_no "nothing of the file was loaded" "end of treatment"
printf 'trial,arm,treatment,outcome,timepoint,n,mean,sd\nT1,a,drug,pain,1,10,oops,1\n' >"$work/bad.csv"
start=$(date +%s)
bounded load --db "$DB" --wait 30 "$work/bad.csv"
took=$(($(date +%s) - start))
expect "a held lock: a bad file is refused at once, by line and column" 1 "bad.csv:2:"
expect_no "without waiting for the lock" "waiting"
((took < 20)) && ok "refused after ${took}s" || not_ok "refused after ${took}s, having waited"
bounded load --db "$DB" --wait 0 "$fibro"
expect "--wait 0: gives up at once" 1 "gave up waiting 0 seconds for the load lock"
bounded load --db "$DB" --wait soon "$fibro"
expect "--wait takes seconds" 2 "--wait takes a number of seconds >= 0, got 'soon'"
release_lock

# The lock is released once the load says it waits (not after a fixed time,
# which a slow start of meta could outlast).
hold_lock 60
timeout 60 "$META" load --db "$DB" --wait 40 "$fibro" >"$work/wait.out" 2>"$work/wait.err" &
loader=$!
for _ in $(seq 600); do
    grep -q "waiting for the load lock" "$work/wait.err" && break
    sleep 0.1
done
release_lock
wait "$loader"
rc=$? out=$(cat "$work/wait.out") err=$(cat "$work/wait.err")
expect "a lock released in time: the load waits, then loads" 0 "haeuser2009_fibromyalgia.csv: [0-9]+ rows"
expect "and said whom it waited for" 0 "^meta load: waiting for the load lock, held by pid [0-9]+ \(application 'lock-holder'"
release_lock
bounded load --db "$DB" "$fibro"
expect_no "no lock held: no wait, nothing said" "waiting"
finish
