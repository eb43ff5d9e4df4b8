#!/usr/bin/env bash
# The registry on more than one server, end to end with the built binary: a
# primary and a streaming hot standby in a temporary directory. Readers run
# on the standby and agree with the primary; writers (meta load, meta import
# ctgov) are refused there at once, naming the server and the remedy; the
# schema is never migrated on a standby, and one behind (or ahead of) the
# program is a clear error; libpq's multi-host strings reach the primary or
# prefer the standby; the library's calls (test_server_role). Then, under
# synchronous replication, loads run while the primary is killed with
# SIGKILL; the standby is promoted, every load that had committed is there
# whole, and loading works on it.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../cli/harness.sh"
source "$here/replica_lib.sh"
unset META_DB
data=$here/../data
# The schema version this meta expects: its highest numbered migration.
last_sql=$(basename "$(ls "$here"/../../sql/[0-9]*_*.sql | sort | tail -n 1)")
version=$((10#${last_sql%%_*}))
ROLE_TEST=${META_ROLE_TEST:?META_ROLE_TEST must name the built test_server_role}

replica_begin test
work=$replica_work
P=$(replica_conninfo primary)
S=$(replica_conninfo standby)
psock="$work/primary/run/.s.PGSQL.5432"
ssock="$work/standby/run/.s.PGSQL.5432"
# The two strings README documents: writes reach the primary whatever the
# order of the hosts; reads prefer a standby.
WRITE="host=$work/standby/run,$work/primary/run dbname=meta user=meta target_session_attrs=read-write"
READ="host=$work/primary/run,$work/standby/run dbname=meta user=meta target_session_attrs=prefer-standby"
mkdir -p "$work/files" "$work/out"

# files/NAME.csv with TRIALS two-arm trials of outcome OUTCOME, named PREFIX-1...
make_file() {
    local name=$1 prefix=$2 trials=$3 outcome=$4 t
    {
        echo "trial,arm,treatment,outcome,n,mean,sd"
        for ((t = 1; t <= trials; t++)); do
            echo "$prefix-$t,active,active,$outcome,$((20 + t)),$((40 + t % 7)).5,9.$t"
            echo "$prefix-$t,control,control,$outcome,$((22 + t)),4$((t % 5 + 2)).0,8.$t"
        done
    } >"$work/files/$name.csv"
}

echo "# servers"
replica_primary primary
replica_standby primary standby
replica_wait_streaming primary
ok "a primary and a streaming standby in $work"

echo "# the schema comes from the primary"
run "$META" pool --db "$S" --outcome bcg --treatment bcg-treated --control bcg-control
expect "standby without the schema: error naming it" 1 \
    "the server on socket \"$ssock\" is a hot standby and holds no meta schema: migrations run on the primary only"
run replica_sql standby "SELECT to_regclass('schema_version') IS NULL"
expect "nothing was migrated on the standby" 0 "^t$"
run "$META" db status --db "$P"
expect "status on the primary migrates it" 0 "schema version: $version \(this meta expects $version\)"
expect "status names the primary" 0 "connected to: server on socket \"$psock\" \(read-write\)"
replica_wait_replay primary standby
run "$META" db status --db "$S"
expect "status names the standby" 0 "connected to: server on socket \"$ssock\" \(hot standby, read-only\)"
expect "the standby has the schema by replay" 0 "schema version: $version \(this meta expects $version\)"

echo "# readers on the standby agree with the primary"
run "$META" load --db "$P" "$data/bcg.csv" "$data/haeuser2009_fibromyalgia.csv"
expect "load on the primary" 0 "bcg.csv: 26 rows"
replica_wait_replay primary standby
same() { # same NAME ARGS...: meta ARGS on the primary and on the standby, equal output
    local name=$1
    shift
    "$META" "$@" --db "$P" >"$work/out/p.txt" 2>&1
    local prc=$?
    "$META" "$@" --db "$S" >"$work/out/s.txt" 2>&1
    rc=$?
    out=$(cat "$work/out/s.txt")
    err=""
    if ((prc != 0 || rc != 0)); then
        not_ok "$name: exit $prc on the primary, $rc on the standby"
    elif [[ ! -s $work/out/p.txt ]] || ! cmp -s "$work/out/p.txt" "$work/out/s.txt"; then
        err=$(diff "$work/out/p.txt" "$work/out/s.txt" | head -20)
        not_ok "$name: outputs differ"
    else
        ok "$name"
    fi
}
same "pool json, RR REML" pool --outcome bcg --treatment bcg-treated --control bcg-control \
    --measure RR --format json
same "pool json, SMD by class, leave-one-out" pool --outcome pain --treatment \
    amitriptyline,duloxetine,fluoxetine,milnacipran,paroxetine,moclobemide,pirlindole \
    --control placebo --measure SMD --by class --leave-one-out --format json
same "pool table, MH" pool --outcome bcg --treatment bcg-treated --control bcg-control \
    --model common --method MH
same "list trials" list trials
same "list outcomes" list outcomes
run "$META" forest --db "$S" --outcome bcg --treatment bcg-treated --control bcg-control \
    -o "$work/out/forest.png"
[[ $rc -eq 0 && -s $work/out/forest.png ]] && ok "forest on the standby" || not_ok "forest on the standby"
run "$META" funnel --db "$S" --outcome bcg --treatment bcg-treated --control bcg-control \
    -o "$work/out/funnel.svg"
[[ $rc -eq 0 && -s $work/out/funnel.svg ]] && ok "funnel on the standby" || not_ok "funnel on the standby"
run "$META" run --db "$S" --out "$work/out/run" "$here/../../analyses/bcg.ini"
expect "run on the standby" 0 "^ok +.*bcg.ini +k=13 +RR 0.49"

echo "# writers are refused on the standby, at once"
standby_refusal="meta load: error: the server on socket \"$ssock\" is a hot standby, which takes no writes: loading needs the primary; name it in --db or META_DB, or list the servers with target_session_attrs=read-write so that libpq picks the primary"
make_file extra EXTRA 3 extra_outcome
run "$META" load --db "$S" "$work/files/extra.csv"
expect "load on the standby fails" 1
[[ $err == "$standby_refusal" ]] && ok "the refusal names the server and the remedy" ||
    not_ok "the refusal names the server and the remedy (expected: $standby_refusal)"
run "$META" load --db "$S" "$work/files/no such file.csv"
expect "the refusal comes before any file is read" 1 "is a hot standby, which takes no writes"
expect_no "no file was opened" "no such file.csv"
META_DB=$S run "$META" load "$work/files/extra.csv"
expect "META_DB naming the standby: refused too" 1 "is a hot standby, which takes no writes"
run "$META" load --db "$P options='-c default_transaction_read_only=on'" "$work/files/extra.csv"
expect "a read-only session on the primary is refused" 1 \
    "the server on socket \"$psock\" takes no writes in this session \(default_transaction_read_only is on\): loading needs a read-write session"
run "$META" import cochrane --db "$S" "$here/../data/cochrane/no such package"
expect "import on the standby: refused before anything is read" 1 \
    "^meta import: error: the server on socket \"$ssock\" is a hot standby, which takes no writes: importing needs the primary"
expect_no "no package was opened" "no such package"
run "$META" import ctgov --db "$S" "$data/ctgov/NCT02210780.json"
expect "import ctgov on the standby: refused, naming the server and the remedy" 1 \
    "^meta import ctgov: error: the server on socket \"$ssock\" is a hot standby, which takes no writes: importing needs the primary; name it in --db or META_DB"
run "$META" import ctgov --db "$S" "$work/files/no such record.json" "$work/files"
expect "the import's refusal comes before any file or directory is read" 1 "is a hot standby"
expect_no "no record was opened" "no such record.json|no \*.json"
run "$META" import ctgov --db "$S" --propose "$work/proposal.csv" "$data/ctgov/NCT02210780.json"
expect "a proposal reads no registry: it works beside a standby" 0 "24 groups of 1 trial"
run replica_sql primary "SELECT count(*) FROM trials WHERE name LIKE 'EXTRA-%' OR name = 'NCT02210780'"
expect "nothing of the refused loads was stored" 0 "^0$"

echo "# several hosts, as libpq defines them"
run "$META" db status --db "$WRITE"
expect "target_session_attrs=read-write finds the primary (listed second)" 0 \
    "connected to: server on socket \"$psock\" \(read-write\)"
run "$META" load --db "$WRITE" "$work/files/extra.csv"
expect "load through the read-write string" 0 "extra.csv: 6 rows \(6 new"
META_DB=$WRITE run "$META" load "$work/files/extra.csv"
expect "META_DB with several hosts" 0 "extra.csv: 6 rows \(0 new, 0 replaced, 6 unchanged\)"
replica_wait_replay primary standby
run "$META" db status --db "$READ"
expect "target_session_attrs=prefer-standby finds the standby (listed second)" 0 \
    "connected to: server on socket \"$ssock\" \(hot standby"
same "pool through the prefer-standby string" pool --outcome extra_outcome --treatment active \
    --control control --format json
run "$META" pool --db "$READ" --outcome extra_outcome --treatment active --control control
expect "the standby has the load made through the read-write string" 0 "\(k = 3\)"

echo "# the library's calls"
REPLICA_PRIMARY=$P REPLICA_STANDBY=$S run "$ROLE_TEST"
expect "test_server_role" 0 "Run Summary"
[[ $rc -eq 0 ]] || echo "$out" | tail -30

echo "# the schema on a standby behind or ahead of the program"
replica_sql primary "CREATE TABLE saved_version AS SELECT * FROM schema_version;
                     DELETE FROM schema_version" >/dev/null
replica_wait_replay primary standby
run "$META" pool --db "$S" --outcome bcg --treatment bcg-treated --control bcg-control
expect "a standby behind the program: error naming it" 1 \
    "meta pool: error: the server on socket \"$ssock\" is a hot standby and is at schema version 0, while this meta expects $version: migrations run on the primary only"
run "$META" list trials --db "$S"
expect "list says the same" 1 "is at schema version 0, while this meta expects $version"
run replica_sql standby "SELECT count(*) FROM schema_version"
expect "the standby was not migrated" 0 "^0$"
replica_sql primary "INSERT INTO schema_version SELECT * FROM saved_version;
                     INSERT INTO schema_version (version, name, checksum)
                     VALUES (999, '999_from_a_newer_meta', 'feed');
                     DROP TABLE saved_version" >/dev/null
replica_wait_replay primary standby
run "$META" pool --db "$S" --outcome bcg --treatment bcg-treated --control bcg-control
expect "a standby ahead of the program: error naming it" 1 \
    "the server on socket \"$ssock\": the database holds migration '999_from_a_newer_meta' that this meta does not know"
replica_sql primary "DELETE FROM schema_version WHERE version = 999" >/dev/null
replica_wait_replay primary standby
run "$META" pool --db "$S" --outcome bcg --treatment bcg-treated --control bcg-control
expect "the standby reads again once it matches" 0 "RR"

echo "# failover: SIGKILL the primary while loads commit, promote the standby"
replica_sql primary "ALTER SYSTEM SET synchronous_standby_names = '*'" >/dev/null
replica_sql primary "SELECT pg_reload_conf()" >/dev/null
replica_until "synchronous replication" primary \
    "SELECT count(*) > 0 FROM pg_stat_replication WHERE sync_state = 'sync'"
ok "synchronous replication: a commit returns once the standby has it"
# Enough files that the kill always comes first, however the machine
# schedules this script; the loads stop at the first that fails.
files=200
for ((i = 1; i <= files; i++)); do
    make_file "fo$i" "FO$i" 3 failover
done
: >"$work/committed"
(
    for ((i = 1; i <= files; i++)); do
        "$META" load --db "$P" "$work/files/fo$i.csv" >/dev/null 2>"$work/fo$i.err" || break
        echo "$i" >>"$work/committed"
    done
) &
loader=$!
deadline=$((SECONDS + replica_timeout))
while (($(wc -l <"$work/committed") < 5)) && kill -0 "$loader" 2>/dev/null && ((SECONDS < deadline)); do
    sleep 0.1
done
before_kill=$(wc -l <"$work/committed")
replica_kill primary
deadline=$((SECONDS + replica_timeout))
while kill -0 "$loader" 2>/dev/null && ((SECONDS < deadline)); do
    sleep 0.1
done
if kill -0 "$loader" 2>/dev/null; then
    kill "$loader"
    not_ok "the loads ended within $replica_timeout s of the primary's death"
fi
wait "$loader" 2>/dev/null
committed=$(wc -l <"$work/committed")
((before_kill >= 5)) && ok "$before_kill loads had committed when the primary was killed" ||
    not_ok "at least 5 loads committed before the kill (got $before_kill)"
((committed < files)) && ok "the load running at the kill failed ($committed of $files committed)" ||
    not_ok "the kill came after every load"
replica_promote standby
ok "the standby is promoted"
missing=""
for i in $(cat "$work/committed"); do
    n=$(replica_sql standby "SELECT count(*) FROM continuous_results r JOIN arms USING (arm_id)
                             JOIN trials t USING (trial_id) WHERE t.name LIKE 'FO$i-%'")
    l=$(replica_sql standby "SELECT count(*) FROM loads WHERE file_name LIKE '%/fo$i.csv'")
    [[ $n == 6 && $l == 1 ]] || missing+=" fo$i.csv ($n rows, $l loads)"
done
[[ -z $missing ]] && ok "every committed load is on the new primary, whole" ||
    not_ok "committed loads missing on the new primary:$missing"
partial=$(replica_sql standby "SELECT string_agg(name, ' ') FROM (
    SELECT split_part(t.name, '-', 1) AS name, count(*) AS n FROM continuous_results r
    JOIN arms USING (arm_id) JOIN trials t USING (trial_id)
    WHERE t.name LIKE 'FO%' GROUP BY 1) f WHERE n <> 6")
[[ -z $partial ]] && ok "no load is there in part" || not_ok "loads there in part: $partial"
stored=$(replica_sql standby "SELECT count(*) FROM trials WHERE name LIKE 'FO%'")
run "$META" pool --db "$S" --outcome failover --treatment active --control control --format json
expect "pool on the new primary sees every stored trial" 0 "\"k\": *$stored,"
run "$META" db status --db "$S"
expect "the new primary takes writes" 0 "connected to: server on socket \"$ssock\" \(read-write\)"
make_file after AFTER 2 extra_outcome
run "$META" load --db "$WRITE" "$work/files/after.csv"
expect "the read-write string now loads on the new primary" 0 "after.csv: 4 rows \(4 new"
run replica_sql standby "SELECT count(*) FROM trials WHERE name LIKE 'AFTER-%'"
expect "the load is stored" 0 "^2$"

finish
