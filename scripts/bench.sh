#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench [KERNELS="6.12 6.1 7.3"]: boot each guest, run
# tests/guest/bench.sh, and write per kernel
#   bench/results/<kernel>.csv   metric,method,param,unit,median,min,max,n
#   bench/results/<kernel>.png   system memory cost against standby size
# then print the summary table. Measurements only: nothing here passes or
# fails on a number.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
KERNELS=${KERNELS:-6.12}
RES=$TOP/bench/results
mkdir -p "$RES" "$TOP/build"

"$TOP/scripts/prereqs.sh" all utillinux bench || exit 1
fail=0
for k in $KERNELS; do
	tap=$TOP/build/bench-$k.tap
	"$TOP/scripts/guest.sh" -r bench -T 3600 "$k" bench "bench-$k" >"$tap"
	grep '^not ok' "$tap" && fail=1
	log=$TOP/build/bench-$k.log
	grep -q '^csv-end' "$log" || { echo "bench $k: guest did not finish (see $log)"; fail=1; continue; }
	{
		echo "metric,method,param,unit,median,min,max,n"
		tr -d '\r' <"$log" | awk '$1 == "csv" {
			n = NF - 5
			for (i = 0; i < n; i++) v[i] = $(6 + i)
			# insertion sort, n is small
			for (i = 1; i < n; i++) {
				x = v[i]
				for (j = i - 1; j >= 0 && v[j] + 0 > x + 0; j--) v[j + 1] = v[j]
				v[j + 1] = x
			}
			printf "%s,%s,%s,%s,%s,%s,%s,%d\n", $2, $3, $4, $5, v[int((n - 1) / 2)], v[0], v[n - 1], n
		}'
	} >"$RES/$k.csv"
	kver=$(sed -n 's/^# ssm-guest-start kernel=\([^ ]*\).*/\1/p' "$log" | head -n1)
	qemu=$(qemu-system-s390x --version | head -n1)
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)

	# The plot: MemFree drop against standby size, per method.
	for m in lazy configure-memmap1 configure-memmap0 baseline; do
		awk -F, -v m=$m '$1 == "memfree_drop" && $2 == m { print $3, $5 / 1024, $6 / 1024, $7 / 1024 }' \
			"$RES/$k.csv" >"$TOP/build/plot-$k-$m.dat"
	done
	gnuplot <<-GP
		set terminal pngcairo size 900,560 noenhanced
		set output "$RES/$k.png"
		set title "System memory taken by standby memory, Linux $kver (QEMU s390x TCG)"
		set xlabel "standby memory added (MiB)"
		set ylabel "MemFree drop (MiB), median of 5, min-max bars"
		set key top left
		set grid
		set xrange [0:*]
		set yrange [0:*]
		plot "$TOP/build/plot-$k-baseline.dat" using 1:2:3:4 with yerrorlines title "baseline: add_memory, memmap in system memory (old way)", \
		     "$TOP/build/plot-$k-configure-memmap0.dat" using 1:2:3:4 with yerrorlines title "configure, memmap_on_memory=0", \
		     "$TOP/build/plot-$k-configure-memmap1.dat" using 1:2:3:4 with yerrorlines title "configure, memmap_on_memory=1", \
		     "$TOP/build/plot-$k-lazy.dat" using 1:2:3:4 with yerrorbars pointsize 2 title "lazy load (all added, none online)"
	GP

	echo
	echo "== make bench: Linux $kver, $qemu, host CPU $cpu, 2 guest CPUs (TCG) =="
	awk -F, '
	function r(metric, method, param,    k) { k = metric SUBSEP method SUBSEP param; return (k in med) ? med[k] : "" }
	NR > 1 { k = $1 SUBSEP $2 SUBSEP $3; med[k] = $5; lo[k] = $6; hi[k] = $7; if ($1 == "memfree_drop") maxp[$2] = ($3 > maxp[$2] ? $3 : maxp[$2]) }
	END {
		print ""
		print "System memory per GiB of standby memory (MemFree drop, median [min-max] of 5):"
		n = split("lazy configure-memmap1 configure-memmap0 baseline", ms, " ")
		for (i = 1; i <= n; i++) {
			m = ms[i]; p = maxp[m]; k = "memfree_drop" SUBSEP m SUBSEP p
			if (!(k in med)) continue
			f = 1024 / p
			printf "  %-20s %7.2f MiB/GiB [%.2f-%.2f]  (Slab %+d kB, PageTables %+d kB, Percpu %+d kB over %d MiB)\n", m,
				med[k] * f / 1024, lo[k] * f / 1024, hi[k] * f / 1024,
				r("slab_delta", m, p), r("pagetables_delta", m, p), r("percpu_delta", m, p), p
		}
		print ""
		print "Time per block (ms, median of 5):        add     online  offline  remove"
		n = split("lazy configure baseline", ts, " ")
		for (i = 1; i <= n; i++) {
			m = ts[i]
			for (kk in med) { split(kk, a, SUBSEP); if (a[2] == m && a[1] == "online_ns") p = a[3] }
			printf "  %-36s %8s %8.1f %8.1f %8s\n", m,
				r("add_ns", m, p) == "" ? "-" : sprintf("%.1f", r("add_ns", m, p) / 1e6),
				r("online_ns", m, p) / 1e6, r("offline_ns", m, p) / 1e6,
				r("remove_ns", m, p) == "" ? "-" : sprintf("%.1f", r("remove_ns", m, p) / 1e6)
		}
		bo = r("online_ns", "baseline", p); ba = r("add_ns", "baseline", p)
		if (bo > 0) {
			printf "  ratio ours/baseline, online only: lazy %.2f, configure %.2f\n",
				r("online_ns", "lazy", p) / bo, r("online_ns", "configure", p) / bo
			printf "  ratio ours/baseline, add + online: configure %.2f (lazy adds at load: online %.2f)\n",
				(r("add_ns", "configure", p) + r("online_ns", "configure", p)) / (ba + bo),
				r("online_ns", "lazy", p) / (ba + bo)
		}
		print ""
		print "Scale (median of 5): increment_size=256M against 1M"
		for (kk in med) { split(kk, a, SUBSEP); if (a[1] == "load_ns" && a[2] == "lazy-1M") lp = a[3]; if (a[1] == "online_ns" && a[2] == "lazy-1M") op = a[3] }
		l256 = r("load_ns", "lazy-256M", lp); l1 = r("load_ns", "lazy-1M", lp)
		o256 = r("online_ns", "lazy-256M", op); o1 = r("online_ns", "lazy-1M", op)
		printf "  load: %.1f ms vs %.1f ms (ratio %.2f); online per block: %.1f ms vs %.1f ms (ratio %.2f)\n",
			l256 / 1e6, l1 / 1e6, l1 / (l256 ? l256 : 1), o256 / 1e6, o1 / 1e6, o1 / (o256 ? o256 : 1)
		s = r("layout_ns_per_op", "model", 64); b = r("layout_ns_per_op", "model", 65535)
		printf "  increment model, ns per block operation: rnmax 64: %s, rnmax 65535: %s (ratio %.2f)\n", s, b, b / (s ? s : 1)
	}' "$RES/$k.csv" | tee "$RES/$k.txt"
	echo "results: bench/results/$k.csv, bench/results/$k.png, bench/results/$k.txt"
done
exit $fail
