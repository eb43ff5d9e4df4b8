# A primary and its streaming standbys in a temporary directory, for the
# replica suite and the replica benchmark (sourced, not run). Servers listen
# on Unix sockets only; as root they run as an unprivileged user, as meta's
# private cluster does. Every wait is bounded and fails saying what it waited
# for; replica_end stops every server started here and removes the directory,
# also when the caller fails or is interrupted.
#
#   replica_begin NAME           temporary directory, server programs, EXIT trap
#   replica_primary P            initdb, configure, start (database "meta")
#   replica_standby P S          pg_basebackup -R from P through a slot, start
#   replica_conninfo S           "host=<socket dir of S> dbname=meta user=meta"
#   replica_sql S SQL            one value from psql on S
#   replica_wait_streaming P     until P streams to a standby
#   replica_wait_replay P S      until S has replayed everything P has written
#   replica_kill P               SIGKILL P's postmaster and all its processes
#   replica_cpu_ticks P          CPU time P's processes have used
#   replica_promote S            pg_ctl promote, until S takes writes
#   replica_end                  stop everything, remove the directory

replica_timeout=${REPLICA_TIMEOUT:-180} # seconds for any one wait
replica_work=""
replica_started=()

replica_fail() {
    echo "replica: $*" >&2
    exit 1
}

# The directory of the PostgreSQL server programs, found as meta finds it.
replica_find_bindir() {
    local d
    if [[ -n ${META_PG_BINDIR:-} ]]; then
        echo "$META_PG_BINDIR"
        return
    fi
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    if [[ -n $d && -x $d/initdb ]]; then
        echo "$d"
        return
    fi
    d=$(command -v initdb 2>/dev/null) || replica_fail "the PostgreSQL server programs are not installed"
    dirname "$d"
}

# replica_as COMMAND...: runs a server program as the server user.
replica_as() {
    if ((EUID == 0)); then
        runuser -u "$replica_user" -- "$@"
    else
        "$@"
    fi
}

# Directories of runs that died without cleaning up (their owner process is
# gone): stop their servers and remove them, so that one killed run does not
# leave servers behind for good.
replica_sweep() {
    local dir owner data
    for dir in /tmp/meta-replica-*; do
        [[ -f $dir/owner ]] || continue
        owner=$(cat "$dir/owner" 2>/dev/null) || continue
        [[ $owner =~ ^[0-9]+$ ]] || continue
        kill -0 "$owner" 2>/dev/null && continue
        for data in "$dir"/*/data; do
            [[ -f $data/postmaster.pid ]] &&
                replica_as "$replica_bin/pg_ctl" stop -D "$data" -m immediate -w -t 30 >/dev/null 2>&1
        done
        rm -rf "$dir"
    done
}

# replica_begin NAME: sets replica_work (short: socket paths are limited to
# 107 bytes), replica_bin and replica_user, and the trap that cleans up.
replica_begin() {
    replica_bin=$(replica_find_bindir)
    replica_user=${META_SERVER_USER:-postgres}
    if ((EUID == 0)); then
        id -u "$replica_user" >/dev/null 2>&1 ||
            replica_fail "running as root, the servers run as '$replica_user', which does not exist (set META_SERVER_USER)"
    fi
    command -v psql >/dev/null || replica_fail "psql is missing (postgresql-client)"
    replica_sweep
    replica_work=$(mktemp -d "/tmp/meta-replica-$1-XXXXXX")
    echo $$ >"$replica_work/owner"
    ((EUID == 0)) && chmod 711 "$replica_work"
    trap replica_end EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

replica_dir() { echo "$replica_work/$1"; }

replica_conninfo() { echo "host=$replica_work/$1/run dbname=meta user=meta"; }

# replica_sql NAME SQL: the first value SQL returns on server NAME.
replica_sql() {
    psql -X -At -v ON_ERROR_STOP=1 -d "$(replica_conninfo "$1")" -c "$2"
}

replica_log_tail() {
    echo "--- last lines of $1's server log:" >&2
    tail -n 30 "$replica_work/$1/log/server.log" >&2 2>/dev/null || true
}

# replica_configure NAME: the settings every server of the suite gets
# (appended: a later line wins over the copy a standby takes from its primary).
replica_configure() {
    local dir=$replica_work/$1
    cat >>"$dir/data/postgresql.conf" <<EOF

# meta replica suite: Unix socket only, small, streaming replication
listen_addresses = ''
unix_socket_directories = '$dir/run'
unix_socket_permissions = 0700
shared_buffers = 16MB
max_connections = 30
wal_level = replica
max_wal_senders = 4
max_replication_slots = 4
hot_standby = on
EOF
}

replica_start() {
    local dir=$replica_work/$1
    replica_started+=("$1")
    replica_as "$replica_bin/pg_ctl" start -D "$dir/data" -l "$dir/log/server.log" -w \
        -t "$replica_timeout" >/dev/null ||
        { replica_log_tail "$1"; replica_fail "server '$1' did not start within $replica_timeout s"; }
}

# replica_mkdirs NAME: NAME's directories, handed to the server user.
replica_mkdirs() {
    local dir=$replica_work/$1
    mkdir -p "$dir/run" "$dir/log"
    chmod 700 "$dir" "$dir/run" "$dir/log"
    ((EUID == 0)) && chown -R "$replica_user:" "$dir"
    return 0
}

# replica_primary NAME: a new cluster with superuser meta and database meta.
replica_primary() {
    local dir=$replica_work/$1
    replica_mkdirs "$1"
    replica_as "$replica_bin/initdb" -D "$dir/data" -U meta -E UTF8 --no-locale \
        --auth-local=trust --auth-host=reject >"$dir/log/initdb.log" 2>&1 ||
        { cat "$dir/log/initdb.log" >&2; replica_fail "initdb of '$1' failed"; }
    replica_configure "$1"
    replica_start "$1"
    psql -X -q -v ON_ERROR_STOP=1 -d "host=$dir/run dbname=postgres user=meta" \
        -c "CREATE DATABASE meta" >/dev/null || replica_fail "cannot create database meta on '$1'"
}

# replica_standby PRIMARY NAME: a hot standby of PRIMARY, streaming through
# its own replication slot (so the primary keeps the WAL it has not yet
# received, however slow the machine).
replica_standby() {
    local pdir=$replica_work/$1 dir=$replica_work/$2
    replica_mkdirs "$2"
    replica_as "$replica_bin/pg_basebackup" -D "$dir/data" -R -X stream -c fast -C -S "$2" \
        -d "host=$pdir/run user=meta" >"$dir/log/basebackup.log" 2>&1 ||
        { cat "$dir/log/basebackup.log" >&2; replica_fail "pg_basebackup of '$1' into '$2' failed"; }
    replica_configure "$2"
    replica_start "$2"
}

# replica_until WHAT NAME SQL: waits until SQL returns t on server NAME.
replica_until() {
    local what=$1 name=$2 sql=$3 deadline=$((SECONDS + replica_timeout)) v
    while :; do
        v=$(replica_sql "$name" "$sql" 2>/dev/null) || v=""
        [[ $v == t ]] && return 0
        if ((SECONDS >= deadline)); then
            replica_log_tail "$name"
            replica_fail "$what: not within $replica_timeout s"
        fi
        sleep 0.2
    done
}

replica_wait_streaming() {
    replica_until "'$1' streaming to a standby" "$1" \
        "SELECT count(*) > 0 FROM pg_stat_replication WHERE state = 'streaming'"
}

# replica_wait_replay PRIMARY STANDBY: everything PRIMARY has written so far
# is visible on STANDBY.
replica_wait_replay() {
    local lsn
    lsn=$(replica_sql "$1" "SELECT pg_current_wal_lsn()") ||
        replica_fail "cannot read the WAL position of '$1'"
    replica_until "'$2' replaying '$1' up to $lsn" "$2" \
        "SELECT pg_last_wal_replay_lsn() >= '$lsn'::pg_lsn"
}

# The pids of server NAME: its postmaster (from postmaster.pid) and the
# processes it started.
replica_pids() {
    local pidfile=$replica_work/$1/data/postmaster.pid pid
    [[ -f $pidfile ]] || return 0
    pid=$(head -1 "$pidfile")
    [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 0
    echo "$pid"
    # its children, from /proc (procps may not be installed)
    awk -v parent="$pid" '{ sub(/^.*\) /, ""); if ($2 == parent) print FILENAME }' \
        /proc/[0-9]*/stat 2>/dev/null | cut -d/ -f3 || true # processes come and go meanwhile
}

# replica_cpu_ticks NAME: the CPU time server NAME has used so far, in clock
# ticks: its postmaster's own and that of the processes it has reaped (ended
# backends), and that of the processes it runs now.
replica_cpu_ticks() {
    local pids pid total=0 f
    pids=$(replica_pids "$1")
    for pid in $pids; do
        # the fields after the command name, which ends with the last ')'
        f=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null) || continue
        # shellcheck disable=SC2086
        set -- $f
        total=$((total + ${12} + ${13}))
        [[ $pid == "${pids%%$'\n'*}" ]] && total=$((total + ${14} + ${15}))
    done
    echo "$total"
}

# replica_alive PID...: whether any of the processes still runs (a zombie,
# dead but not yet reaped by its parent, does not count).
replica_alive() {
    local pid state
    for pid in "$@"; do
        state=$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null) || continue
        [[ -n $state && $state != Z ]] && return 0
    done
    return 1
}

# replica_kill NAME: the crash of NAME's machine, as far as PostgreSQL sees
# it: every process of the server gets SIGKILL at once.
replica_kill() {
    local pids deadline=$((SECONDS + replica_timeout))
    pids=$(replica_pids "$1")
    [[ -n $pids ]] || replica_fail "server '$1' is not running"
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null
    # shellcheck disable=SC2086
    while replica_alive $pids; do
        ((SECONDS < deadline)) || replica_fail "processes of '$1' outlived SIGKILL"
        sleep 0.1
    done
}

replica_promote() {
    replica_as "$replica_bin/pg_ctl" promote -D "$replica_work/$1/data" -w -t "$replica_timeout" \
        >/dev/null || { replica_log_tail "$1"; replica_fail "'$1' was not promoted"; }
    replica_until "'$1' out of recovery" "$1" "SELECT NOT pg_is_in_recovery()"
}

replica_end() {
    local rc=$? name pids
    trap - EXIT INT TERM
    [[ -n $replica_work && -d $replica_work ]] || return $rc
    for name in "${replica_started[@]}"; do
        [[ -f $replica_work/$name/data/postmaster.pid ]] || continue
        replica_as "$replica_bin/pg_ctl" stop -D "$replica_work/$name/data" -m immediate -w \
            -t 60 >/dev/null 2>&1 || true
        pids=$(replica_pids "$name")
        # shellcheck disable=SC2086
        [[ -z $pids ]] || kill -KILL $pids 2>/dev/null || true
    done
    rm -rf "$replica_work"
    return $rc
}
