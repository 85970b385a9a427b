#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print tests/guest/expected-counts anew from the boots of the last run
# (build/<label>.tap, or those in the directory given): "<boot> <test>
# <checks>" for every test that ran.
#
# Usage: scripts/expected-counts.sh [build dir]
# Run it after a green make check-full in the commit that adds or removes
# checks; scripts/check.sh compares every later run against the file.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$TOP/build}
cat <<'HDR'
# The checks each test of each boot runs, at least: boot, test, count
# (scripts/check.sh compares, in make check, make check-full and a run
# narrowed with CHECK_TESTS; a test that ran fewer fails). Made by
# scripts/expected-counts.sh from a green make check-full; update it in
# the commit that adds or removes checks.
HDR
for f in "$BUILD"/*.tap; do
	label=$(basename "$f" .tap)
	# check.tap is the whole run; <label>.log.tap the runner's own copy
	case $label in check | *.log) continue ;; esac
	# the test machine's host scripts: one each, its own TAP lines,
	# named on the first line (scripts/check.sh, model())
	script=$(sed -n '1s/^# script //p' "$f")
	if [ -n "$script" ]; then
		echo "$label $script $(grep -cE '^(not )?ok - ' "$f")"
		continue
	fi
	awk -v l="$label" '
		$0 ~ "^(not )?ok - \\[" l "\\] [0-9][0-9]-[a-z0-9-]+: " {
			t = $0
			sub("^(not )?ok - \\[[^]]*\\] ", "", t)
			sub(/: .*/, "", t)
			if (!(t in n)) order[++k] = t
			n[t]++
		}
		END { for (i = 1; i <= k; i++) print l, order[i], n[order[i]] }' "$f"
done
