#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# KUnit: load the test module (its suites run at load), read the KTAP it
# printed, and turn every test case into a TAP line. A skipped case is a
# failure, and so is a suite that did not report.
. ./lib/common.sh

SUITES="s390_standby_mem_sccb s390_standby_mem_layout s390_standby_mem_sclp s390_standby_mem_sim"

mark kunit
if modprobe s390_standby_mem_kunit; then
	ok "modprobe s390_standby_mem_kunit"
else
	not_ok "modprobe s390_standby_mem_kunit"
fi
since kunit | sed 's/^\[[^]]*\] \{0,1\}//' >/tmp/ktap

# Parameterised cases report each parameter (8 spaces) before the case
# itself (4 spaces): every parameter is a TAP line of its own.
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
	np = 0
	printf "%s - kunit %s: %s\n", good ? "ok" : "not ok", suite, name
	next
}
/^(not )?ok [0-9]+ / {
	good = ($1 == "ok"); name = good ? $3 : $4
	if ($0 ~ /# SKIP/) good = 0
	printf "%s - kunit suite %s\n", good ? "ok" : "not ok", name
}' /tmp/ktap

for s in $SUITES; do
	if grep -q "^# $s: pass:[0-9]* fail:0 skip:0 total:[1-9]" /tmp/ktap; then
		ok "kunit suite $s reported, nothing failed or skipped"
	else
		not_ok "kunit suite $s reported, nothing failed or skipped"
	fi
done
check "modprobe -r s390_standby_mem_kunit" modprobe -r s390_standby_mem_kunit
