#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# KUnit: load the test module (its suites run at load), read the KTAP it
# printed, and turn every test case into a TAP line: a plain case is one
# line, a parameterised case one line per parameter (its summary line is a
# comment). A skipped case is a failure. Each suite must report exactly
# the number of cases committed below (parameters counted one by one), so
# a case that silently stops running fails too.
. ./lib/common.sh

# suite:cases (KTAP "# Totals: ... total:N" of the suite)
SUITES="s390_standby_mem_sccb:28 s390_standby_mem_layout:40
	s390_standby_mem_sclp:33 s390_standby_mem_sim:25
	s390_standby_mem_compat:2"

total=0
for s in $SUITES; do total=$((total + ${s#*:})); done
plan $((total + $(echo $SUITES | wc -w) + 2))

mark kunit
if modprobe s390_standby_mem_kunit; then
	ok "modprobe s390_standby_mem_kunit"
else
	not_ok "modprobe s390_standby_mem_kunit"
fi
since kunit | sed 's/^\[[^]]*\] \{0,1\}//' >/tmp/ktap

# Parameterised cases report each parameter (8 spaces) before the case
# itself (4 spaces).
awk '
/^    # Subtest: / { suite = $3; next }
/^        (not )?ok [0-9]+ / {
	good = ($1 == "ok")
	line = $0
	sub(/^ *(not )?ok [0-9]+ /, "", line)
	if (line ~ /# SKIP/) good = 0
	params[++np] = (good ? "ok" : "not ok") "|" line
	next
}
/^    (not )?ok [0-9]+ / {
	good = ($1 == "ok")
	name = good ? $3 : $4
	if ($0 ~ /# SKIP/) { good = 0; name = name " (skipped)" }
	for (i = 1; i <= np; i++) {
		split(params[i], p, "|")
		printf "%s - kunit %s: %s: %s\n", p[1], suite, name, p[2]
	}
	if (np)
		printf "# kunit %s: %s: %s\n", suite, name, good ? "all passed" : "FAILED"
	else
		printf "%s - kunit %s: %s\n", good ? "ok" : "not ok", suite, name
	np = 0
	next
}
/^(not )?ok [0-9]+ / { printf "# kunit suite %s: %s\n", $3, $1 }' /tmp/ktap

# Each suite ran all of its cases, and none failed or was skipped.
for s in $SUITES; do
	name=${s%:*} want=${s#*:}
	line=$(grep "^# $name: " /tmp/ktap)
	totals=$(awk -v n="$name" '$0 ~ "^# " n ": " { on = 1; next }
		on && /^# Totals: / { print; exit }' /tmp/ktap)
	if echo "$line" | grep -q " fail:0 skip:0 " &&
	   echo "$totals" | grep -q "^# Totals: pass:$want fail:0 skip:0 total:$want$"; then
		ok "kunit suite $name: all $want cases ran and passed"
	else
		not_ok "kunit suite $name: all $want cases ran and passed ($line; $totals)"
	fi
done
check "modprobe -r s390_standby_mem_kunit" modprobe -r s390_standby_mem_kunit
