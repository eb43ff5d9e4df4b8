#!/usr/bin/env bash
# What PostgreSQL itself needs to store 1,000,000 arm rows, whatever the
# loader does: the yardstick for bench_load.sh's `meta load` figure (not a
# timed test). Each step is timed on its own fresh database, against psql
# \copy of the same CSV file into a plain table:
#   keyed        \copy of the CSV into the same plain table with one primary
#                key (trial, arm, outcome, timepoint): one index kept up to date
#                row by row, as any table that refuses a repeated key must
#   registry     the registry's schema (sql/001_schema.sql's tables, indexes,
#                CHECKs and foreign keys) filled by PostgreSQL's own fastest
#                path, as pg_restore does it: tables created in the
#                transaction, rows already normalised with their ids, in
#                binary COPY, indexes and foreign keys added afterwards
#   one table    all of a row in one table (no trials/arms tables) by the same
#                bulk path, with its primary and foreign keys added afterwards
# No validation, staging or id assignment is timed: these are lower bounds.
#
# usage: tests/bench/bench_load_floor.sh [BUILD_DIR]   (default: ./build)
# BENCH_ROWS sets the number of rows (default 1,000,000), as for bench_load.sh.
# The database as bench_load.sh: META_DB, else a private cluster in a
# temporary META_HOME. Needs psql and GNU time (/usr/bin/time); prints the
# processor seconds of the registry schema figure (psql's and the server's).
set -euo pipefail
here=$(dirname "$0")
. "$here/bench_lib.sh"
[[ -x /usr/bin/time ]] || { echo "bench_load_floor: /usr/bin/time is missing (Debian package 'time')" >&2; exit 2; }

bench_setup "${1:-build}" load-floor
big=$work/big.csv
bench_generate $((${BENCH_ROWS:-1000000} / 2)) "$big"
echo "file: $(($(wc -l <"$big") - 1)) rows, $(du -h "$big" | cut -f1)"
echo "server: $(psql -X -At -d "$base" -c "SELECT 'PostgreSQL ' || current_setting('server_version') || ', wal_level ' || current_setting('wal_level')")"

psql_file() { # psql_file DB SQL_FILE
    psql -X -q -v ON_ERROR_STOP=1 -d "$1" -f "$2"
}

# The reference: \copy into a plain table.
copy_db=$(bench_fresh_db meta_bench_floor_copy)
psql -X -q -d "$copy_db" -c "$(bench_plain_table "$big" plain)"
copy_time=$(bench_seconds psql -X -q -d "$copy_db" -c "\\copy plain FROM '$big' WITH (FORMAT csv, HEADER)")

# The same with a primary key.
keyed_db=$(bench_fresh_db meta_bench_floor_keyed)
psql -X -q -d "$keyed_db" -c "$(bench_plain_table "$big" keyed)" \
    -c "ALTER TABLE keyed ADD PRIMARY KEY (trial, arm, outcome, timepoint)"
keyed_time=$(bench_seconds psql -X -q -d "$keyed_db" -c "\\copy keyed FROM '$big' WITH (FORMAT csv, HEADER)")

# Normalised inputs with their ids, in binary, written outside the timing.
psql -X -q -v ON_ERROR_STOP=1 -d "$copy_db" <<EOF
CREATE TABLE in_trials AS
    SELECT row_number() OVER (ORDER BY min(ctid)) AS trial_id, trial AS name FROM plain GROUP BY trial;
CREATE TABLE in_arms AS
    SELECT row_number() OVER (ORDER BY p.ctid) AS arm_id, t.trial_id, p.arm AS label, p.treatment,
           jsonb_strip_nulls(jsonb_build_object('year', p.year, 'class', p.class)) AS attributes
    FROM plain p JOIN in_trials t ON t.name = p.trial;
CREATE TABLE in_results AS
    SELECT a.arm_id, 1::bigint AS outcome_id, 'continuous'::text AS kind, coalesce(p.timepoint, '') AS timepoint,
           p.n, p.mean, p.sd, 1::bigint AS load_id
    FROM plain p JOIN in_trials t ON t.name = p.trial JOIN in_arms a ON a.trial_id = t.trial_id AND a.label = p.arm;
CREATE TABLE in_rows AS
    SELECT 1::bigint AS outcome_id, coalesce(p.timepoint, '') AS timepoint, p.trial, p.arm, p.treatment,
           a.attributes, p.n, p.mean, p.sd, 1::bigint AS load_id
    FROM plain p JOIN in_trials t ON t.name = p.trial JOIN in_arms a ON a.trial_id = t.trial_id AND a.label = p.arm;
\copy in_trials TO '$work/trials.bin' WITH (FORMAT binary)
\copy in_arms TO '$work/arms.bin' WITH (FORMAT binary)
\copy in_results TO '$work/results.bin' WITH (FORMAT binary)
\copy in_rows TO '$work/rows.bin' WITH (FORMAT binary)
EOF

# Dimension tables both bulk variants reference.
cat >"$work/dims.sql" <<'EOF'
CREATE TABLE outcomes (outcome_id bigint PRIMARY KEY, name text NOT NULL UNIQUE,
    kind text NOT NULL CHECK (kind IN ('continuous', 'binary')), UNIQUE (outcome_id, kind));
INSERT INTO outcomes VALUES (1, 'outcome_001', 'continuous');
CREATE TABLE loads (load_id bigint PRIMARY KEY);
INSERT INTO loads VALUES (1);
EOF

# The registry's own tables, keys and indexes (as sql/ leaves them: results
# pages filled to half, no index on their load).
cat >"$work/registry.sql" <<EOF
BEGIN;
CREATE TABLE trials (trial_id bigint NOT NULL, name text NOT NULL CHECK (name <> ''));
CREATE TABLE arms (arm_id bigint NOT NULL, trial_id bigint NOT NULL,
    label text NOT NULL CHECK (label <> ''), treatment text NOT NULL CHECK (treatment <> ''),
    attributes jsonb NOT NULL CHECK (jsonb_typeof(attributes) = 'object'));
CREATE TABLE continuous_results (arm_id bigint NOT NULL, outcome_id bigint NOT NULL,
    kind text NOT NULL CHECK (kind = 'continuous'), timepoint text NOT NULL,
    n integer NOT NULL CHECK (n > 0),
    mean double precision NOT NULL CHECK (mean > '-Infinity'::float8 AND mean < 'Infinity'::float8),
    sd double precision NOT NULL CHECK (sd > 0 AND sd < 'Infinity'::float8),
    load_id bigint NOT NULL) WITH (fillfactor = 50);
\copy trials FROM '$work/trials.bin' WITH (FORMAT binary)
\copy arms FROM '$work/arms.bin' WITH (FORMAT binary)
\copy continuous_results FROM '$work/results.bin' WITH (FORMAT binary)
ALTER TABLE trials ADD PRIMARY KEY (trial_id), ADD UNIQUE (name);
ALTER TABLE arms ADD PRIMARY KEY (arm_id), ADD UNIQUE (trial_id, label),
    ADD FOREIGN KEY (trial_id) REFERENCES trials ON DELETE CASCADE;
CREATE INDEX ON arms (treatment);
ALTER TABLE continuous_results ADD PRIMARY KEY (outcome_id, timepoint, arm_id),
    ADD FOREIGN KEY (arm_id) REFERENCES arms ON DELETE CASCADE,
    ADD FOREIGN KEY (outcome_id, kind) REFERENCES outcomes (outcome_id, kind),
    ADD FOREIGN KEY (load_id) REFERENCES loads;
CREATE INDEX ON continuous_results (arm_id);
COMMIT;
EOF
registry_db=$(bench_fresh_db meta_bench_floor_registry)
psql_file "$registry_db" "$work/dims.sql"
bench_timed "$work/t_registry" psql -X -q -v ON_ERROR_STOP=1 -d "$registry_db" -f "$work/registry.sql"
registry_time=$(cut -d' ' -f1 "$work/t_registry")

cat >"$work/one_table.sql" <<EOF
BEGIN;
CREATE TABLE arm_results (outcome_id bigint NOT NULL, timepoint text NOT NULL,
    trial text NOT NULL CHECK (trial <> ''), arm text NOT NULL CHECK (arm <> ''),
    treatment text NOT NULL CHECK (treatment <> ''),
    attributes jsonb NOT NULL CHECK (jsonb_typeof(attributes) = 'object'),
    n integer NOT NULL CHECK (n > 0),
    mean double precision NOT NULL CHECK (mean > '-Infinity'::float8 AND mean < 'Infinity'::float8),
    sd double precision NOT NULL CHECK (sd > 0 AND sd < 'Infinity'::float8),
    load_id bigint NOT NULL);
\copy arm_results FROM '$work/rows.bin' WITH (FORMAT binary)
ALTER TABLE arm_results ADD PRIMARY KEY (outcome_id, timepoint, trial, arm),
    ADD FOREIGN KEY (outcome_id) REFERENCES outcomes, ADD FOREIGN KEY (load_id) REFERENCES loads;
COMMIT;
EOF
one_db=$(bench_fresh_db meta_bench_floor_one)
psql_file "$one_db" "$work/dims.sql"
one_time=$(bench_seconds psql_file "$one_db" "$work/one_table.sql")

ratio() { awk -v a="$1" -v b="$copy_time" 'BEGIN { printf "%.1f", a / b }'; }
printf 'floor: psql \\copy into a plain table:        %6s s\n' "$copy_time"
printf 'floor: the same table with a primary key:      %6s s  (%sx the copy)\n' "$keyed_time" "$(ratio "$keyed_time")"
printf 'floor: registry schema, bulk path:             %6s s  (%sx the copy)\n' "$registry_time" "$(ratio "$registry_time")"
printf 'floor: one table of arm rows, bulk path:       %6s s  (%sx the copy)\n' "$one_time" "$(ratio "$one_time")"
awk '{ printf "processor time of the registry schema figure: psql %s s user, %s s system; server %s s\n", $2, $3, $4 }' "$work/t_registry"

bench_drop_dbs meta_bench_floor_copy meta_bench_floor_keyed meta_bench_floor_registry meta_bench_floor_one
