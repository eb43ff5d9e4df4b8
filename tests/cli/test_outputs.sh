#!/usr/bin/env bash
# Where and how meta writes. `meta run` never writes outside --out, through
# a symbolic link either: a link to a directory, to a file, a dangling one or
# one at a nested component of an output path is refused and what it points
# at is untouched. Output written short is an error: plots and run outputs
# cut by a full disk (a small tmpfs, when this runs as root and may mount
# one) or a file size limit (RLIMIT_FSIZE, everywhere) fail with the path and
# the reason, and leave neither a partial file nor a temporary one; every
# command whose standard output cannot be written (/dev/full) exits 1.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/harness.sh"
data=$here/../data
work=$(mktemp -d)
mnt=""
cleanup() {
    [[ -n $mnt ]] && umount "$mnt" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
fresh_db meta_test_outputs
run "$META" load --db "$DB" "$data/bcg.csv"
expect "load bcg" 0
bcg=(--db "$DB" --outcome bcg --treatment bcg-treated --control bcg-control --measure RR)

# analysis NAME KEY=VALUE...: an analysis file of BCG with the given outputs.
analysis() {
    local file=$work/$1.ini
    shift
    printf '[analysis]\noutcome = bcg\ntreatment = bcg-treated\ncontrol = bcg-control\n' >"$file"
    printf '%s\n' "$@" >>"$file"
    echo "$file"
}

# left_over DIR: the temporary files (".NAME.XXXXXX") a failed write left.
left_over() { find "$1" -name '.*.??????' 2>/dev/null; }

# ---- meta run never writes through a link ------------------------------------
outdir=$work/out
mkdir -p "$outdir" "$work/elsewhere" "$work/elsewhere2"
echo "precious" >"$work/victim.txt"

ln -s "$work/elsewhere" "$outdir/plots"
f=$(analysis link_dir "json = plots/x.json" "forest = plots/x.svg")
run "$META" run --db "$DB" --out "$outdir" "$f"
expect "a link to a directory: refused" 1 "^FAIL $f: '$outdir/plots' is a symbolic link: refusing to follow it$"
[[ -z $(ls -A "$work/elsewhere") ]] && ok "nothing written where the directory link points" ||
    not_ok "meta run wrote through a link to a directory: $(ls -A "$work/elsewhere")"

ln -s "$work/victim.txt" "$outdir/x.json"
f=$(analysis link_file "json = x.json")
run "$META" run --db "$DB" --out "$outdir" "$f"
expect "a link to a file: refused" 1 "^FAIL $f: '$outdir/x.json' is a symbolic link: refusing to write through it$"
[[ $(cat "$work/victim.txt") == precious && -L $outdir/x.json ]] && ok "the linked file is untouched" ||
    not_ok "meta run wrote through a link to a file"

ln -s "$work/victim.txt" "$outdir/p.png"
f=$(analysis link_plot "forest = p.png")
run "$META" run --db "$DB" --out "$outdir" "$f"
expect "a link where a plot goes: refused" 1 "^FAIL $f: '$outdir/p.png' is a symbolic link"
[[ $(cat "$work/victim.txt") == precious ]] && ok "the file a plot link points at is untouched" ||
    not_ok "gnuplot wrote through a link"

ln -s "$work/nothing-here.json" "$outdir/dangling.json"
f=$(analysis link_dangling "json = dangling.json")
run "$META" run --db "$DB" --out "$outdir" "$f"
expect "a dangling link: refused" 1 "^FAIL $f: '$outdir/dangling.json' is a symbolic link"
[[ ! -e $work/nothing-here.json ]] && ok "no file created where the dangling link points" ||
    not_ok "meta run created a file through a dangling link"

mkdir -p "$outdir/a"
ln -s "$work/elsewhere2" "$outdir/a/b"
f=$(analysis link_nested "table = a/b/c/deep.txt" "funnel = a/b/f.pdf")
run "$META" run --db "$DB" --out "$outdir" "$f"
expect "a link at a nested component: refused" 1 "^FAIL $f: '$outdir/a/b' is a symbolic link: refusing to follow it$"
[[ -z $(ls -A "$work/elsewhere2") ]] && ok "nothing written below the nested link" ||
    not_ok "meta run wrote below a nested link: $(ls -A "$work/elsewhere2")"
[[ -z $(left_over "$outdir") ]] && ok "refused outputs leave no temporary file" ||
    not_ok "temporary files left: $(left_over "$outdir")"

# Links the user names are the user's choice: --out itself may be one.
ln -s "$work/elsewhere" "$work/out-link"
f=$(analysis plain "json = fine.json" "forest = sub/fine.png")
run "$META" run --db "$DB" --out "$work/out-link" "$f"
expect "--out may be a link to a directory" 0 "-> $work/out-link/fine.json $work/out-link/sub/fine.png$"
[[ -s $work/elsewhere/fine.json && -s $work/elsewhere/sub/fine.png ]] && ok "written in the directory --out names" ||
    not_ok "outputs missing under the --out link"
# An existing regular output is replaced whole, not written into: a hard
# link to it elsewhere keeps the old bytes.
ln "$work/elsewhere/fine.json" "$work/hardlink.json"
echo '{"old": true}' >"$work/elsewhere/fine.json"
run "$META" run --db "$DB" --out "$work/out-link" "$f"
expect "running again" 0
[[ $(cat "$work/hardlink.json") == '{"old": true}' ]] && ok "a hard link to an output keeps its bytes" ||
    not_ok "meta run wrote into an existing output through a hard link"

# ---- meta forest -o: a link as the file is refused too ------------------------
ln -s "$work/victim.txt" "$work/plot-link.png"
run "$META" forest "${bcg[@]}" -o "$work/plot-link.png"
expect "forest -o a link: refused" 1 "meta forest: error: '$work/plot-link.png' is a symbolic link"
[[ $(cat "$work/victim.txt") == precious ]] && ok "forest left the link's target alone" ||
    not_ok "forest wrote through a link"

# ---- standard output that cannot be written --------------------------------------
stdout_full() { # NAME ARGS...: the command exits 1 and says why
    local name=$1
    shift
    run bash -c '"$@" >/dev/full' _ "$@"
    expect "$name >/dev/full: exit 1" 1 "error: cannot write 'standard output': No space left on device"
}
stdout_full "meta help" "$META" help
stdout_full "meta --help" "$META" --help
stdout_full "meta --version" "$META" --version
stdout_full "meta pool --help" "$META" pool --help
stdout_full "meta db status" "$META" db status --db "$DB"
stdout_full "meta load" "$META" load --db "$DB" "$data/bcg.csv"
stdout_full "meta list" "$META" list trials --db "$DB"
stdout_full "meta list --format json" "$META" list outcomes --format json --db "$DB"
stdout_full "meta pool" "$META" pool "${bcg[@]}"
stdout_full "meta pool --format json" "$META" pool "${bcg[@]}" --format json
stdout_full "meta forest" "$META" forest "${bcg[@]}" -o "$work/ok.png"
stdout_full "meta run" "$META" run --db "$DB" --out "$work/out-full" "$(analysis full "json = j.json")"
run bash -c '"$@" >/dev/full' _ "$META" help
expect "the message names the command" 1 "^meta help: error: cannot write"
run bash -c '"$@" >/dev/full' _ "$META" --version
expect "meta itself" 1 "^meta: error: cannot write"

# ---- output written short: a file size limit ------------------------------------
# limited NAME BYTES ARGS...: runs meta with writes beyond BYTES failing
# (RLIMIT_FSIZE, SIGXFSZ ignored so that write() says EFBIG).
limited() {
    local blocks=$(($2 / 1024))
    shift 2
    run bash -c 'ulimit -f "$1"; trap "" XFSZ; shift; exec "$@"' _ "$blocks" "$@"
}
for ext in png svg pdf; do
    limited forest 4096 "$META" forest "${bcg[@]}" -o "$work/short.$ext"
    expect "forest .$ext cut short: exit 1, the path and why" 1 \
        "^meta forest: error: cannot write '$work/short.$ext': File too large$"
    [[ ! -e $work/short.$ext ]] && ok "no partial .$ext left" || not_ok "a partial .$ext was left"
done
limited funnel 4096 "$META" funnel "${bcg[@]}" -o "$work/short-funnel.png"
expect "funnel cut short: exit 1" 1 "cannot write '$work/short-funnel.png': File too large"
f=$(analysis short "json = j.json" "forest = plots/f.svg")
limited run 4096 "$META" run --db "$DB" --out "$work/short-run" "$f"
expect "run cut short: the FAIL line names the path and why" 1 \
    "^FAIL $f: cannot write '$work/short-run/(j.json|plots/f.svg)': File too large$"
[[ -z $(find "$work/short-run" -type f) ]] && ok "run cut short leaves no file" ||
    not_ok "run left files: $(find "$work/short-run" -type f)"
[[ -z $(left_over "$work") ]] && ok "no temporary file anywhere" || not_ok "left: $(left_over "$work")"

# ---- output written short: a full disk ---------------------------------------------
if [[ $(id -u) -eq 0 ]] && mkdir -p "$work/mnt" && mount -t tmpfs -o size=64k tmpfs "$work/mnt" 2>/dev/null; then
    mnt=$work/mnt
    # Leave a few kilobytes free: less than any plot or the JSON needs.
    head -c $((60 * 1024)) /dev/zero >"$mnt/filler" 2>/dev/null
    for ext in png svg pdf; do
        run "$META" forest "${bcg[@]}" -o "$mnt/full.$ext"
        expect "forest .$ext on a full disk: exit 1, the path and why" 1 \
            "^meta forest: error: cannot write '$mnt/full.$ext': No space left on device$"
    done
    f=$(analysis full_disk "json = j.json" "table = t.txt")
    run "$META" run --db "$DB" --out "$mnt/run" "$f"
    expect "run on a full disk: the path and why" 1 "^FAIL $f: cannot write '$mnt/run/j.json': No space left on device$"
    [[ -z $(find "$mnt" -type f ! -name filler) ]] && ok "a full disk keeps no partial file" ||
        not_ok "partial files on the full disk: $(find "$mnt" -type f ! -name filler)"
    umount "$mnt" && mnt=""
else
    echo "skip: cannot mount a tmpfs here (not root, or not allowed); the file size limit stands in"
fi
finish
