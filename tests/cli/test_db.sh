#!/usr/bin/env bash
# meta db and the private cluster, end to end with the built binary: start,
# status, stop, starting twice, the socket-only configuration, and the error
# paths (missing server programs, a data directory that is not meta's, a
# server that cannot start), as root and as an ordinary user.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/harness.sh"
unset META_DB
# The schema version this meta carries: the number of its last migration.
last_migration=$(ls "$here/../../sql"/[0-9][0-9][0-9]_*.sql | sort | tail -1)
schema_version=$((10#$(basename "$last_migration" | cut -c1-3)))
work=$(mktemp -d /tmp/meta-clitest-XXXXXX)
chmod 755 "$work"
trap 'META_HOME=$work/home "$META" db stop >/dev/null 2>&1; META_HOME=$work/user/home runuser -u nobody -- "$work/meta" db stop >/dev/null 2>&1; rm -rf "$work"' EXIT

run "$META" help
expect "help lists the commands" 0 "db +manage the registry database"
run "$META" db --help
expect "db --help" 0 "usage: meta db init\|start\|stop\|status"
run "$META" nosuchcommand
expect "unknown command is a usage error" 2 "meta: error: unknown command 'nosuchcommand'"
run "$META" db frobnicate
expect "unknown db action is a usage error" 2 "meta db: error: unknown action 'frobnicate'"
run "$META"
expect "no command is a usage error" 2 "usage: meta COMMAND"

export META_HOME=$work/home
run "$META" db status
expect "status before the cluster exists" 1 "private cluster: none"
run "$META" db start
expect "start creates and starts" 0 "created the private cluster"
run "$META" db start
expect "starting twice is harmless" 0 "server: running"
expect_no "starting twice creates nothing" "created"
run "$META" db status
expect "status says running, where, and the schema version" 0 "schema version: $schema_version "
expect "status names the socket directory" 0 "socket in $work/home/run"
run stat -c %a "$work/home/run"
expect "socket directory is its owner's alone" 0 "^700$"
run grep -E "^listen_addresses = ''" "$work/home/pgdata/postgresql.conf"
expect "no TCP listening configured" 0
if command -v ss >/dev/null; then
    run ss -ltnp
    expect_no "nothing listens on TCP for the cluster" "$(cat "$work/home/pgdata/postmaster.pid" 2>/dev/null | head -1),"
fi
run psql "host=$work/home/run dbname=meta user=meta" -Atc "SELECT max(version) FROM schema_version"
expect "psql through the socket sees the schema" 0 "^$schema_version\$"
run "$META" db stop
expect "stop" 0 "server: stopped"
run "$META" db stop
expect "stopping twice is harmless" 0 "was not running"
run "$META" db status
expect "status when stopped" 1 "server: stopped"

# The server programs are missing.
META_PG_BINDIR=$work/nowhere run "$META" db start
expect "missing server programs: clear error" 1 "META_PG_BINDIR '$work/nowhere' holds no pg_ctl"
mkdir -p "$work/emptypath"
PATH=$work/emptypath META_HOME=$work/fresh run "$META" db start
# Debian's /usr/lib/postgresql is found even without PATH: only check no crash.
[[ $rc -le 1 ]] && ok "start without PATH does not crash" || not_ok "start without PATH"

# A data directory meta did not create.
mkdir -p "$work/foreign/pgdata" && echo 15 >"$work/foreign/pgdata/PG_VERSION"
META_HOME=$work/foreign run "$META" db start
expect "foreign data directory refused" 1 "meta did not create"
mkdir -p "$work/junk/pgdata" && echo hello >"$work/junk/pgdata/file"
META_HOME=$work/junk run "$META" db start
expect "non-PostgreSQL data directory refused" 1 "is not a PostgreSQL data directory"

# A server that cannot start: its log tail is shown.
echo "shared_buffers = 'plenty'" >>"$work/home/pgdata/postgresql.conf"
run "$META" db start
expect "server that cannot start shows the log tail" 1 "last lines of .*postgresql.log"
expect "log tail names the bad setting" 1 "shared_buffers"
sed -i '$d' "$work/home/pgdata/postgresql.conf"
run "$META" db start
expect "starts again once repaired" 0 "server: running"
run "$META" db stop

# Too long a META_HOME for a Unix socket path.
META_HOME=/tmp/$(printf 'x%.0s' {1..120}) run "$META" db start
expect "too long META_HOME" 1 "too long for a Unix socket path"

# --db and META_DB point at an existing server: start and stop are refused.
run "$META" db start --db "host=$work/home/run dbname=meta user=meta"
expect "start refused for an external server" 2 "manages the private cluster only"

# As an ordinary user (when the suite runs as root, as nobody).
if [[ $(id -u) -eq 0 ]]; then
    mkdir -p "$work/user"
    cp "$META" "$work/meta"
    chown nobody "$work/user"
    as_user() { runuser -u nobody -- env META_HOME="$work/user/home" "$work/meta" "$@"; }
    run as_user db start
    expect "ordinary user: start" 0 "server: running"
    run as_user db status
    expect "ordinary user: status" 0 "schema version: $schema_version "
    run stat -c %U "$work/user/home/pgdata"
    expect "ordinary user: the server runs as that user" 0 "^nobody$"
    run as_user db stop
    expect "ordinary user: stop" 0 "server: stopped"
fi
finish
