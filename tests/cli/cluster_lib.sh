# Shared by the private-cluster test scripts (sourced after harness.sh): a
# work directory under /tmp removed on exit, with every cluster started in it
# stopped and every process started for it ended; a copy of the binary that
# other users can run; and, as root, a throwaway system user for the cases
# that need "another user" (removed on exit).
unset META_DB
work=$(mktemp -d /tmp/meta-clitest-XXXXXX)
chmod 755 "$work"
cp "$META" "$work/meta"
chmod 755 "$work/meta"
homes=()
pids=()
other_user=""

# track_home DIR [USER]: the cluster in DIR (run by USER, default the
# invoking user) is stopped on exit.
track_home() {
    homes+=("${2:-}:$1")
}

# track_pid PID: a process this script started, ended on exit.
track_pid() {
    pids+=("$1")
}

cleanup_clusters() {
    local h u d p
    for p in "${pids[@]}"; do
        kill "$p" 2>/dev/null
    done
    for h in "${homes[@]}"; do
        u=${h%%:*} d=${h#*:}
        if [[ -n $u ]]; then
            runuser -u "$u" -- env META_HOME="$d" "$work/meta" db stop >/dev/null 2>&1
        else
            META_HOME=$d "$META" db stop >/dev/null 2>&1
        fi
    done
    [[ -n $other_user ]] && userdel "$other_user" >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup_clusters EXIT

# make_other_user: as root, creates a throwaway system user (no home, no
# login shell) and sets other_user; returns 1 when not root or it cannot.
make_other_user() {
    [[ $(id -u) -eq 0 ]] || return 1
    local name i
    for i in 1 2 3 4 5 6 7 8 9 10; do
        name=metatest$$x$RANDOM
        if useradd --system --no-create-home --shell /usr/sbin/nologin "$name" 2>/dev/null; then
            other_user=$name
            return 0
        fi
        sleep 1 # another useradd may hold /etc/passwd's lock
    done
    return 1
}

# skip CASE WHY: says that a case did not run, and why.
skip() {
    echo "skip: $1 ($2)"
}

# server_user: who runs the private cluster's server for this script.
server_user() {
    if [[ $(id -u) -eq 0 ]]; then echo "${META_SERVER_USER:-postgres}"; else id -un; fi
}

# pg_bindir: the PostgreSQL server programs meta uses.
pg_bindir() {
    if [[ -n ${META_PG_BINDIR:-} ]]; then echo "$META_PG_BINDIR"; else
        ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1
    fi
}

# expected_version: the schema version of the migrations in sql/.
expected_version() {
    local last
    last=$(ls "$here/../../sql" | sed -n 's/^\([0-9][0-9][0-9]\)_.*\.sql$/\1/p' | sort | tail -1)
    echo $((10#$last))
}

# conn_host DIR: DIR as a libpq host value, in single quotes with quotes
# and backslashes escaped.
conn_host() {
    local v=${1//\\/\\\\}
    v=${v//\'/\\\'}
    echo "'$v'"
}
