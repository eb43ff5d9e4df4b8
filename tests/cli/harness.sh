# Shared by the cli test scripts: runs the built binary, checks exit codes and
# output, counts, and ends with the "N passed, N failed" line.
# Scripts source it, call the expect_* functions, then `finish`.
set -u
META=${META_BIN:?META_BIN must name the built meta binary}
passed=0
failed=0
out=""
err=""
rc=0

# run ARGS...: runs the command, keeping its stdout, stderr and exit code.
run() {
    local o e
    o=$(mktemp) e=$(mktemp)
    "$@" >"$o" 2>"$e"
    rc=$?
    out=$(cat "$o")
    err=$(cat "$e")
    rm -f "$o" "$e"
}

ok() {
    passed=$((passed + 1))
    echo "ok: $1"
}

not_ok() {
    failed=$((failed + 1))
    echo "FAIL: $1"
    echo "  exit: $rc"
    echo "  stdout: ${out:0:2000}"
    echo "  stderr: ${err:0:2000}"
}

# expect NAME CODE [PATTERN]: the last run exited CODE and, when given,
# stdout or stderr matches the extended regular expression PATTERN.
expect() {
    local name=$1 code=$2 pattern=${3:-}
    if [[ $rc -ne $code ]]; then
        not_ok "$name (expected exit $code)"
    elif [[ -n $pattern ]] && ! grep -Eq -- "$pattern" <<<"$out"$'\n'"$err"; then
        not_ok "$name (expected output matching '$pattern')"
    else
        ok "$name"
    fi
}

# expect_no NAME PATTERN: neither stdout nor stderr of the last run matches.
expect_no() {
    if grep -Eq -- "$2" <<<"$out"$'\n'"$err"; then
        not_ok "$1 (unexpected output matching '$2')"
    else
        ok "$1"
    fi
}

finish() {
    echo "$passed passed, $failed failed"
    [[ $failed -eq 0 ]]
}

# fresh_db NAME: drops and creates database NAME on the test server and sets
# DB to its conninfo (for --db).
fresh_db() {
    psql "${META_TEST_DB:?run through ctest}" -qAt -v ON_ERROR_STOP=1 \
        -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" -c "CREATE DATABASE \"$1\"" \
        >/dev/null 2>&1 || { echo "cannot create database $1" >&2; exit 1; }
    DB="$META_TEST_DB dbname=$1"
}
