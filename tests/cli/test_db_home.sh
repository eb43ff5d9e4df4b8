#!/usr/bin/env bash
# What META_HOME may be. Characters that PostgreSQL's configuration, pg_ctl
# and libpq treat specially: a quote and a backslash work, a comma is refused
# with a clear message. Symbolic links planted where meta keeps its own
# directories and files, at META_HOME itself, a META_HOME or a directory
# above it that belongs to another user or may be written by others: all
# refused, and nothing they point at touched (owner, mode, content). A user
# who cannot read META_HOME is told so, not "no cluster".
here=$(cd "$(dirname "$0")" && pwd)
source "$here/harness.sh"
source "$here/cluster_lib.sh"

# ---- Characters ---------------------------------------------------------
for name in "quote'd" 'back\slash'; do
    h=$work/$name
    track_home "$h"
    META_HOME=$h run "$META" db start
    expect "META_HOME with $name: start" 0 "server: running"
    META_HOME=$h run "$META" db status
    expect "META_HOME with $name: status" 0 "schema version: [0-9]+"
    run psql "host=$(conn_host "$h/run") dbname=meta user=meta" -Atc "SELECT 1"
    expect "META_HOME with $name: psql reaches the socket" 0 "^1$"
    META_HOME=$h run "$META" db stop
    expect "META_HOME with $name: stop" 0 "server: stopped"
done
track_home "$work/com,ma"
META_HOME=$work/com,ma run "$META" db start
expect "META_HOME with a comma: refused clearly" 1 \
    "META_HOME '$work/com,ma' holds a comma, which libpq reads as a separator between hosts"
[[ ! -e $work/com,ma ]] && ok "META_HOME with a comma: nothing created" ||
    not_ok "META_HOME with a comma: nothing created"

# ---- Links and modes ----------------------------------------------------
# What a planted link points at: a directory with a file, and a file.
mkdir -m 755 "$work/victim"
echo precious >"$work/victim/file"
echo precious >"$work/victim_file"
chmod 644 "$work/victim/file" "$work/victim_file"
snapshot() {
    stat -c '%n %U:%G %a %s' "$work/victim" "$work/victim/file" "$work/victim_file"
    ls -A "$work/victim"
    cat "$work/victim/file" "$work/victim_file"
}
before=$(snapshot)
untouched() {
    if [[ $(snapshot) == "$before" && ! -e $work/created_through ]]; then
        ok "$1: nothing it points at touched"
    else
        not_ok "$1: nothing it points at touched"
        echo "  before: $before"
        echo "  after:  $(snapshot)"
    fi
}

ln -s "$work/victim" "$work/home_link"
track_home "$work/home_link"
META_HOME=$work/home_link run "$META" db start
expect "META_HOME a symbolic link: refused" 1 "META_HOME '$work/home_link' is a symbolic link"
untouched "META_HOME a symbolic link"

# A link where meta keeps its own directory or file, in the invoking user's
# META_HOME: pgdata, run, log (to a directory, or dangling), the lock and
# the marker file.
for case in pgdata:victim run:victim log:victim pgdata:created_through lock:victim_file \
    meta-cluster:victim_file; do
    name=${case%%:*} target=$work/${case#*:}
    h=$work/planted_${name}_${case#*:}
    mkdir -m 700 "$h"
    track_home "$h"
    ln -s "$target" "$h/$name"
    for action in start stop status; do
        META_HOME=$h run "$META" db $action
        expect "a link planted as $name (to ${case#*:}): db $action refuses it" 1 \
            "'$h/$name' is a symbolic link: refusing to follow it"
    done
    untouched "a link planted as $name (to ${case#*:})"
done

# A META_HOME, or a directory above it, that others may write.
mkdir "$work/open_home" "$work/open_parent"
track_home "$work/open_home"
track_home "$work/open_parent/home"
chmod 777 "$work/open_home" "$work/open_parent"
META_HOME=$work/open_home run "$META" db start
expect "META_HOME writable by others: refused" 1 \
    "'$work/open_home' may be written by others \\(mode 0777\\)"
[[ -z $(ls -A "$work/open_home") ]] && ok "META_HOME writable by others: nothing created" ||
    not_ok "META_HOME writable by others: nothing created"
META_HOME=$work/open_parent/home run "$META" db start
expect "a directory above META_HOME writable by others: refused" 1 \
    "'$work/open_parent' may be written by others"
[[ ! -e $work/open_parent/home ]] && ok "nothing created under an open directory" ||
    not_ok "nothing created under an open directory"

# ---- Another user -------------------------------------------------------
if make_other_user; then
    # Their META_HOME, with links planted: root must not follow them.
    h=$work/theirs
    mkdir -m 755 "$h"
    track_home "$h"
    track_home "$work/their_parent/home"
    ln -s "$work/victim" "$h/pgdata"
    ln -s "$work/victim" "$h/log"
    ln -s "$work/victim_file" "$h/lock"
    ln -s "$work/victim_file" "$h/meta-cluster"
    chown -h "$other_user:" "$h" "$h/pgdata" "$h/log" "$h/lock" "$h/meta-cluster"
    for action in start init stop status; do
        META_HOME=$h run "$META" db $action
        expect "another user's META_HOME: db $action refuses it" 1 \
            "'$h' belongs to user '$other_user' \\(uid [0-9]+\\), not to user 'root'"
    done
    untouched "another user's META_HOME"
    # A directory above META_HOME that is theirs.
    mkdir -m 755 "$work/their_parent"
    chown "$other_user:" "$work/their_parent"
    META_HOME=$work/their_parent/home run "$META" db start
    expect "a directory above META_HOME that is another user's: refused" 1 \
        "'$work/their_parent' belongs to user '$other_user'"
    [[ ! -e $work/their_parent/home ]] && ok "nothing created in another user's directory" ||
        not_ok "nothing created in another user's directory"

    # A user who cannot read META_HOME says so: root's cluster (made above,
    # stopped), and a META_HOME of one user read by another.
    h=$work/"quote'd"
    run runuser -u "$other_user" -- env META_HOME="$h" "$work/meta" db status
    expect "another user's status on root's cluster: cannot read META_HOME" 1 \
        "cannot read META_HOME '$h' as user '$other_user'"
    expect_no "another user's status does not claim there is no cluster" "private cluster: none"
    mkdir -m 700 "$work/private_home"
    chown "$other_user:" "$work/private_home"
    run runuser -u nobody -- env META_HOME="$work/private_home" "$work/meta" db status
    expect "status on another user's private META_HOME: cannot read it" 1 \
        "cannot read META_HOME '$work/private_home' as user 'nobody'"
else
    skip "another user's META_HOME, and a user who cannot read META_HOME" \
        "creating a throwaway user needs root"
fi
finish
