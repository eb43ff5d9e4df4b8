#!/usr/bin/env bash
# The private cluster's server. Whether it runs is decided by what answers on
# its socket: a stale postmaster.pid naming a live process that is not this
# cluster's server (an unrelated process, or another cluster's postmaster)
# makes status say stopped, start work and stop signal nothing. Peer
# authentication lets in the invoking user alone, not the server's system
# user; a cluster whose pg_hba.conf trusts every local connection (as older
# meta wrote it) gets meta's at its next start, reloaded at once. A server
# log that is a symbolic link or a FIFO is never read or printed, and the
# server inherits no descriptor from the process that starts it.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/harness.sh"
source "$here/cluster_lib.sh"
h=$work/home
h2=$work/other
track_home "$h"
track_home "$h2"
server=$(server_user)

# as_server CMD...: runs CMD as the server's system user.
as_server() {
    if [[ $(id -u) -eq 0 ]]; then
        setpriv --reuid="$server" --regid="$server" --init-groups -- "$@"
    else
        "$@"
    fi
}

# plant FILE: hands a file the test wrote in the server's directories to the
# server user, as if the server had written it.
plant() {
    [[ $(id -u) -eq 0 ]] && chown -h "$server:" "$@"
}

META_HOME=$h run "$META" db start
expect "start" 0 "server: running"

# ---- Peer authentication ------------------------------------------------
conn="host=$(conn_host "$h/run") dbname=meta user=meta"
run psql "$conn" -Atc "SELECT current_user"
expect "the invoking user gets in as meta (peer)" 0 "^meta$"
run grep -Ev '^[[:space:]]*(#|$)' "$h/pgdata/pg_hba.conf"
expect "pg_hba.conf: peer through the map meta, nothing else" 0 "^local +all +all +peer map=meta$"
expect_no "pg_hba.conf trusts no one" "trust"
run grep -c -Ev '^[[:space:]]*(#|$)' "$h/pgdata/pg_hba.conf"
expect "pg_hba.conf has that one line" 0 "^1$"
if [[ $(id -u) -eq 0 ]]; then
    run as_server psql "$conn" -Atc "SELECT current_user"
    expect "the server's system user ($server) does not get in" 2 \
        "Peer authentication failed for user \"meta\""
    if make_other_user; then
        run psql "host=$(conn_host "$h/run") dbname=meta user=$other_user" -Atc "SELECT 1"
        expect "no role but those pg_ident.conf maps" 2 "Peer authentication failed"
    fi
else
    skip "the server's system user does not get in" "it is the invoking user unless root"
fi

# ---- A cluster of an older meta: trust, rewritten at the next start -------
printf 'local all all trust\n' >"$h/pgdata/pg_hba.conf"
plant "$h/pgdata/pg_hba.conf"
run as_server "$(pg_bindir)/pg_ctl" reload -D "$h/pgdata"
sleep 1
if [[ $(id -u) -eq 0 ]]; then
    run as_server psql "$conn" -Atc "SELECT 1"
    expect "an older trusting cluster: the server user gets in before" 0 "^1$"
fi
META_HOME=$h run "$META" db start
expect "an older trusting cluster: start" 0 "server: running"
run head -1 "$h/pgdata/pg_hba.conf"
expect "an older trusting cluster: pg_hba.conf rewritten" 0 "^# meta: peer authentication"
if [[ $(id -u) -eq 0 ]]; then
    run as_server psql "$conn" -Atc "SELECT 1"
    expect "an older trusting cluster: reloaded, the server user is out at once" 2 \
        "Peer authentication failed"
fi
run psql "$conn" -Atc "SELECT 1"
expect "an older trusting cluster: the invoking user still gets in" 0 "^1$"

# ---- A stale postmaster.pid naming a live unrelated process --------------
META_HOME=$h run "$META" db stop
expect "stop" 0 "server: stopped"
# The server user's own process (setpriv execs it: $! is its pid), one that
# SIGINT (pg_ctl stop's signal) would end: a background job of a script
# starts with SIGINT ignored, so it restores the default.
# (Debian's essential perl, by its path: the one on PATH may be a shim in a
# home the server user cannot enter.)
sleeper_cmd=(/usr/bin/perl -e '$SIG{INT} = "DEFAULT"; sleep 600')
if [[ $(id -u) -eq 0 ]]; then
    setpriv --reuid="$server" --regid="$server" --init-groups -- "${sleeper_cmd[@]}" &
else
    "${sleeper_cmd[@]}" &
fi
sleeper=$!
track_pid "$sleeper"
sleep 0.2
run stat -c %U "/proc/$sleeper"
expect "the unrelated process runs as the server user" 0 "^$server$"
# The file as PostgreSQL writes it: pid, data directory, start time, port,
# socket directory, listen address, shared memory key, status.
printf '%s\n%s\n%s\n5432\n%s\n\n  5432001  0\nready   \n' "$sleeper" "$h/pgdata" \
    $(($(date +%s) - 3600)) "$h/run" >"$h/pgdata/postmaster.pid"
echo "$sleeper" >"$h/run/.s.PGSQL.5432.lock"
plant "$h/pgdata/postmaster.pid" "$h/run/.s.PGSQL.5432.lock"
# stale_file_round LABEL CHECK: with a stale postmaster.pid in place, status
# says stopped, stop says not running, start starts, stop stops; CHECK LABEL
# runs after each stop and start (the process the file names is unharmed).
stale_file_round() {
    local label=$1 check=$2
    META_HOME=$h run "$META" db status
    expect "$label: status says stopped" 1 "server: stopped"
    META_HOME=$h run timeout 120 "$META" db stop
    expect "$label: stop says not running" 0 "was not running"
    $check "$label: after stop"
    META_HOME=$h run timeout 120 "$META" db start
    expect "$label: start works" 0 "server: running"
    $check "$label: after start"
    META_HOME=$h run "$META" db status
    expect "$label: status says running" 0 "server: running"
    META_HOME=$h run timeout 120 "$META" db stop
    expect "$label: stop stops this cluster" 0 "server: stopped"
    $check "$label: after the last stop"
}
sleeper_alive() {
    if kill -0 "$sleeper" 2>/dev/null; then ok "$1: process $sleeper left alone"; else
        not_ok "$1: process $sleeper left alone"
    fi
}
stale_file_round "stale pid file naming an unrelated process" sleeper_alive

# ---- A pid file copied from another live cluster -------------------------
META_HOME=$h2 run "$META" db start
expect "a second cluster: start" 0 "server: running"
cp "$h2/pgdata/postmaster.pid" "$h/pgdata/postmaster.pid"
plant "$h/pgdata/postmaster.pid"
other_runs() {
    META_HOME=$h2 run "$META" db status
    expect "$1: the other cluster still runs" 0 "server: running"
}
stale_file_round "another cluster's pid file" other_runs
META_HOME=$h2 run "$META" db stop

# ---- A server log that is a link or a FIFO --------------------------------
secret="SECRET-LINE-$$"
echo "$secret" >"$work/secret"
chmod 600 "$work/secret"
echo "shared_buffers = 'plenty'" >>"$h/pgdata/postgresql.conf"
rm -f "$h/log/postgresql.log"
ln -s "$work/secret" "$h/log/postgresql.log"
plant "$h/log/postgresql.log"
META_HOME=$h run timeout 120 "$META" db start
expect "a log that is a symbolic link: refused" 1 "log/postgresql.log' is a symbolic link"
expect_no "a log that is a symbolic link is never printed" "SECRET-LINE"
run cat "$work/secret"
expect "a log that is a symbolic link: what it points at is untouched" 0 "^$secret\$"
rm "$h/log/postgresql.log"
mkfifo "$h/log/postgresql.log"
plant "$h/log/postgresql.log"
META_HOME=$h run timeout 120 "$META" db start
expect "a log that is a FIFO: refused at once" 1 "log/postgresql.log' is not a regular file"
rm "$h/log/postgresql.log"
META_HOME=$h run timeout 120 "$META" db start
expect "a server that cannot start: its own log's tail shown" 1 "shared_buffers"
sed -i '$d' "$h/pgdata/postgresql.conf"
# The server inherits nothing the invoking process had open (here a file
# only its owner may read, on descriptor 9).
exec 9<"$work/secret"
META_HOME=$h run "$META" db start
exec 9<&-
expect "starts again once repaired" 0 "server: running"
postmaster=$(head -1 "$h/pgdata/postmaster.pid")
run ls -l "/proc/$postmaster/fd"
expect "the server's descriptors can be listed" 0 "socket:"
expect_no "the server holds no descriptor to the invoking user's file" "$work/secret"
finish
