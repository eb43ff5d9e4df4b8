#!/usr/bin/env bash
# meta forest and meta funnel end to end: the real datasets loaded, plots in
# every format written by real gnuplot and checked (PNG signature, SVG with
# every trial label, the pooled figure and the favours labels, PDF header),
# --script, subgroups, and the error paths (no -o, unknown extension,
# gnuplot missing or failing, unwritable output).
here=$(cd "$(dirname "$0")" && pwd)
source "$here/harness.sh"
data=$here/../data
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fresh_db meta_test_forest
run "$META" load --db "$DB" "$data/bcg.csv" "$data/haeuser2009_fibromyalgia.csv"
expect "load the datasets" 0

bcg=(--db "$DB" --outcome bcg --treatment bcg-treated --control bcg-control --measure RR)
for ext in png svg pdf; do
    run "$META" forest "${bcg[@]}" --title "BCG vaccine" -o "$work/bcg.$ext"
    expect "forest .$ext" 0 "bcg.$ext: forest plot of 13 trials"
done
run head -c 8 "$work/bcg.png"
expect "PNG signature" 0 $'^\x89PNG'
[[ $(stat -c %s "$work/bcg.png") -gt 20000 ]] && ok "PNG has a real size" || not_ok "PNG size"
run head -c 5 "$work/bcg.pdf"
expect "PDF header" 0 "^%PDF-"
run python3 -c '
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
print("\n".join(t for t in root.itertext()))' "$work/bcg.svg"
expect "SVG parses" 0
for label in "bcg: Aronson 1948" "bcg: Ferguson & Simes 1949" "bcg: TPT Madras 1980" \
    "bcg: Comstock et al 1976" "0.49 \[0.34, 0.70\]" "Favours bcg-treated" "Favours bcg-control" \
    "Random effects, REML, 95% CI" "BCG vaccine"; do
    grep -q -- "$label" <<<"$out" && ok "SVG shows '$label'" || not_ok "SVG lacks '$label'"
done

run "$META" forest "${bcg[@]}" --model common --method MH -o "$work/mh.svg" --script "$work/mh.gp"
expect "forest under Mantel-Haenszel, script saved" 0
run grep -c "set terminal svg" "$work/mh.gp"
expect "--script saves the gnuplot script" 0 "^1$"
run grep -q "Common effect, MH, 95% CI" "$work/mh.svg"
expect "model line names the method" 0

run "$META" forest --db "$DB" --outcome pain --timepoint "end of treatment" \
    --treatment duloxetine,amitriptyline,fluoxetine,milnacipran,paroxetine,moclobemide,pirlindole,citalopram \
    --control placebo --measure SMD --by class --sort effect -o "$work/fibro.svg"
expect "forest with subgroups by class" 0 "forest plot of 17 trials"
for label in "class: TCA" "class: SNRI" "class: SSRI" "class: MAOI" "Test for subgroup differences" \
    "Goldenberg et al. 1996" "Favours placebo"; do
    grep -q -- "$label" "$work/fibro.svg" && ok "subgroup SVG shows '$label'" || not_ok "subgroup SVG lacks '$label'"
done

run "$META" funnel "${bcg[@]}" -o "$work/funnel.png"
expect "funnel plot" 0 "funnel plot of 13 trials"
run head -c 8 "$work/funnel.png"
expect "funnel PNG signature" 0 $'^\x89PNG'

run "$META" forest "${bcg[@]}"
expect "missing -o is a usage error" 2 "missing -o FILE"
run "$META" forest "${bcg[@]}" -o "$work/bcg.jpg"
expect "unknown extension is a usage error" 2 "\.png, \.svg"
run "$META" forest "${bcg[@]}" --sort sideways -o "$work/x.png"
expect "unknown sort order is a usage error" 2 "sideways"
run "$META" forest "${bcg[@]}" --leave-one-out -o "$work/x.png"
expect "leave-one-out is not drawn" 2 "not drawn"
META_GNUPLOT=$work/no-gnuplot run "$META" forest "${bcg[@]}" -o "$work/x.png"
expect "gnuplot missing: clear error, exit 1" 1 "meta forest: error: .*gnuplot"
printf '#!/bin/sh\necho "line 3: something broke" >&2\nexit 1\n' >"$work/bad-gnuplot"
chmod +x "$work/bad-gnuplot"
META_GNUPLOT=$work/bad-gnuplot run "$META" forest "${bcg[@]}" -o "$work/x.png"
expect "gnuplot failing: its stderr shown, exit 1" 1 "something broke"
run "$META" forest "${bcg[@]}" -o "$work/no/such/dir/x.png"
expect "unwritable output path: exit 1" 1 "meta forest: error: .*no/such/dir"
run "$META" forest --db "$DB" --outcome nosuch --treatment a --control b -o "$work/x.png"
expect "unknown outcome: exit 1" 1 "meta forest: error:"
finish
