#!/usr/bin/awk -f
# SPDX-License-Identifier: GPL-2.0
#
# The test machine's benches per round: from the csv lines of
# tests/host/model-bench.sh logs ("csv <metric> <method> <param> <unit>
# <values...>", one value per round, in round order), each method's
# passes over all blocks against the kernel's own of the same round and
# boot ("kernel" with the method's suffix: -m0, -q, -edat, ...). The
# rounds take turns in the order they ran, so a pair shares the boot's
# drift; the medians of bench-summary.awk do not pair them.
#
# Usage: scripts/bench-pairs.awk build/model-bench-*.log
$1 == "csv" && $2 ~ /_all_ns$/ {
	n = 0
	for (i = 6; i <= NF; i++)
		v[FILENAME, $2, $3, ++n] = $i
	cnt[FILENAME, $2, $3] = n
	if (!((FILENAME, $2, $3) in seen)) {
		seen[FILENAME, $2, $3] = 1
		order[++rows] = FILENAME SUBSEP $2 SUBSEP $3
	}
}
END {
	for (r = 1; r <= rows; r++) {
		split(order[r], k, SUBSEP)
		f = k[1]; metric = k[2]; method = k[3]
		if (method ~ /^kernel/ || metric !~ /^chmem_/) continue
		base = method
		sub(/^[a-z]+/, "kernel", base)
		if (!((f, metric, base) in cnt)) continue
		n = cnt[f, metric, method]
		if (cnt[f, metric, base] < n) n = cnt[f, metric, base]
		line = ""; behind = 0
		for (i = 1; i <= n; i++) {
			q = v[f, metric, method, i] / v[f, metric, base, i]
			line = line sprintf(" %.2f", q)
			if (q > 1.02) behind++
		}
		name = f
		sub(/.*\//, "", name)
		sub(/\.log$/, "", name)
		printf "  %s %s %s/%s per round:%s (%d of %d more than 2%% behind)\n",
			name, metric, method, base, line, behind, n
	}
}
