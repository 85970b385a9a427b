#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench [KERNELS="6.12 6.1 7.3"] [SCALE_MEM=16G]: two or three boots per
# kernel running tests/guest/bench.sh,
#   main   -m 2G (mem=1G, 4 standby blocks of 256 MiB)
#   scale  -m $SCALE_MEM (16G: 60 standby blocks), ssm.bench=scale
#   adopt  -m 2G, 6.1 and 6.12: the standby blocks a stock kernel added at
#	   boot taken over (ssm.twin=add_standby=1 ssm.bench=adopt)
#   model  6.1 and 6.12, on the test machine (tests/host/model-bench.sh):
#	   the module against the kernel's own standby memory support
#	   (6.12: also memmap_on_memory=0, and 1M against 256M increments)
# and write per kernel
#   bench/results/<kernel>.csv   metric,method,param,unit,median,min,max,n
#   bench/results/<kernel>.txt   the summary printed at the end
#   bench/results/<kernel>.png   system memory cost against standby size
# and, first, one boot per kernel for the memory-on-demand daemon
# (ssm.bench=daemon): bench/results/daemon-<kernel>.{csv,txt}; PARTS=daemon
# runs that alone.
# Measurements only: nothing here passes or fails on a number. The guests
# run under TCG (software emulation): read ratios, not milliseconds.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
KERNELS=${KERNELS:-6.12}
SCALE_MEM=${SCALE_MEM:-16G}
RES=$TOP/bench/results
mkdir -p "$RES" "$TOP/build"

"$TOP/scripts/prereqs.sh" all utillinux bench || exit 1

# What else ran on the host: the figures are only as quiet as the machine.
host_load() {
	echo "$(($(pgrep -c qemu-system) + 0)) QEMU guests running, load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

# What ran the figures: QEMU's version and the host's CPU.
host_desc() {
	echo "$(qemu-system-s390x --version | head -n1), host CPU $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
}

# boot <kernel> <label> <guest.sh options...>: one bench boot; its log is
# build/<label>.log. Fails when the guest did not get to the end.
boot() {
	local k=$1 label=$2 tap
	shift 2
	tap=$TOP/build/$label.tap
	echo "# $label: before: $(host_load)" | tee "$TOP/build/$label.host"
	"$TOP/scripts/guest.sh" -r bench "$@" "$k" bench "$label" >"$tap"
	echo "# $label: after: $(host_load)" | tee -a "$TOP/build/$label.host"
	grep '^not ok' "$tap"
	grep -q '^csv-end' "$TOP/build/$label.log" || {
		echo "bench $k: guest $label did not finish (see build/$label.log)"
		return 1
	}
	! grep -q '^not ok' "$tap"
}

# csv lines of the guest logs -> metric,method,param,unit,median,min,max,n
# (the median of an even count is the lower middle value)
aggregate() {
	echo "metric,method,param,unit,median,min,max,n"
	cat "$@" | tr -d '\r' | awk '$1 == "csv" {
		n = NF - 5
		for (i = 0; i < n; i++) v[i] = $(6 + i)
		# insertion sort: at most 60 values
		for (i = 1; i < n; i++) {
			x = v[i]
			for (j = i - 1; j >= 0 && v[j] + 0 > x + 0; j--) v[j + 1] = v[j]
			v[j + 1] = x
		}
		printf "%s,%s,%s,%s,%s,%s,%s,%d\n", $2, $3, $4, $5, v[int((n - 1) / 2)], v[0], v[n - 1], n
	}'
}

# daemon_summary <csv>: the daemon's figures as README quotes them
daemon_summary() {
	awk -F, 'NR > 1 { k = $1 "/" $2; med[k] = $5; lo[k] = $6; hi[k] = $7; n[k] = $8 }
	function r(k) { return (k in med) ? sprintf("%d [%d-%d] (n=%d)", med[k], lo[k], hi[k], n[k]) : "-" }
	END {
		print ""
		print "Memory on demand (s390-standby-memd, configure mode; 1 GiB boot and 1 GiB"
		print "standby memory; a program growing to 1.6 GiB by 64 MiB every 0.5 s), ms,"
		print "median [min-max]:"
		printf "  pressure trigger to block online  %s, p95 %s (no floor)\n",
			r("memd_trigger_to_online_ms/pressure"), med["memd_trigger_to_online_p95_ms/pressure"]
		printf "  one online (floor and trigger)    %s\n", r("memd_online_ms/floor")
		printf "  memory stall (PSI full), with     %s\n", r("stall_full_ms/with-daemon")
		printf "  memory stall (PSI full), without  %s (until the OOM kill)\n", r("stall_full_ms/without")
		printf "  the program ended well in %d of %d runs with the daemon, %d of %d without\n",
			med["memd_ended_well/with-daemon"], med["memd_runs/with-daemon"],
			med["memd_ended_well/without"], med["memd_runs/without"]
		printf "  daemon peak RSS (VmHWM)           %s kB\n", r("memd_peak_rss_kb/daemon")
		if (("stall_full_ms/with-daemon" in med) && ("memd_online_ms/floor" in med))
			printf "  goal, a stall no longer than one online: %s (%d ms against %d ms)\n",
				hi["stall_full_ms/with-daemon"] <= med["memd_online_ms/floor"] ? "met" : "missed",
				hi["stall_full_ms/with-daemon"], med["memd_online_ms/floor"]
	}' "$1"
}

# model_runs <kernel>: the test machine's benches (tests/host/model-bench.sh),
# their logs appended to logs[]
model_runs() {
	local k=$1 runs run mm inc kern mb
	# The test machine (qemu/): the module against the kernel's own
	# standby memory support in one boot (tests/host/model-bench.sh).
	# 6.12 also with every memmap in system memory (MEMMAP=0): the
	# module's own cost without the memmap's move onto its blocks; with
	# 1M against 256M increments (INCREMENT=): what 256 assigns per
	# block cost the kernel's own path and the module's; and on
	# 6.12-memmap, whose own blocks have their memmap on the block as on
	# a real machine (EDAT-1): the online and offline a real machine runs.
	# A run is "<memmap>:<increment>[:<kernel variant>]".
	case $k in
	6.1) runs="1:" ;;
	6.12) runs="1: 0: 1:1M 1:256M 1::6.12-memmap" ;;
	*) runs="" ;;
	esac
	for run in $runs; do
		mm=${run%%:*} inc=${run#*:} kern=$k
		case $inc in *:*) kern=${inc#*:} inc=${inc%%:*} ;; esac
		mb=$TOP/build/model-bench-$kern
		[ "$mm" = 1 ] || mb=$mb-m0
		[ -z "$inc" ] || mb=$mb-i$inc
		echo "# ${mb##*/}: before: $(host_load)" | tee "$mb.host"
		MEMMAP=$mm INCREMENT=$inc OUT=$mb "$TOP/tests/host/model-bench.sh" "$kern" >"$mb.log" 2>&1 || fail=1
		echo "# ${mb##*/}: after: $(host_load)" | tee -a "$mb.host"
		grep '^not ok' "$mb.log"
		grep -q '^csv-end' "$mb.log" || {
			echo "bench $k: ${mb##*/} did not finish (see build/${mb##*/}.log)"
			fail=1
		}
		logs+=("$mb.log")
	done
}

# model_pairs <logs...>: the test machine's passes over all blocks, round
# by round against the kernel's of the same round (scripts/bench-pairs.awk)
model_pairs() {
	local have=()
	local f
	for f in "$@"; do
		[ -f "$f" ] && have+=("$f")
	done
	[ ${#have[@]} -gt 0 ] || return 0
	echo
	echo "The test machine, passes over all blocks, round by round (ratio to the kernel's own pass"
	echo "of the same round and boot):"
	"$TOP/scripts/bench-pairs.awk" "${have[@]}"
}

# The test machine's benches alone (PARTS=model):
# bench/results/<kernel>-model.csv and .txt.
if [ "${PARTS:-}" = model ]; then
	fail=0
	for k in $KERNELS; do
		logs=()
		model_runs "$k"
		aggregate "${logs[@]}" >"$RES/$k-model.csv"
		{
			echo "== tests/host/model-bench.sh $k: ${logs[*]##*/}, $(date +%F), $(host_desc) =="
			cat "$TOP"/build/model-bench-"$k"*.host 2>/dev/null
			"$TOP/scripts/bench-summary.awk" "$RES/$k-model.csv"
			model_pairs "${logs[@]}"
		} | tee "$RES/$k-model.txt"
	done
	exit $fail
fi

fail=0
# The memory-on-demand daemon, apart from the module's figures:
# bench/results/daemon-<kernel>.csv and .txt. PARTS=daemon: this alone.
for k in $KERNELS; do
	boot "$k" "bench-daemon-$k" -T 3600 -a ssm.bench=daemon || fail=1
	aggregate "$TOP/build/bench-daemon-$k.log" >"$RES/daemon-$k.csv"
	{
		echo "== make bench, the daemon: Linux $k, 2 guest CPUs (TCG); host: =="
		cat "$TOP/build/bench-daemon-$k.host"
		daemon_summary "$RES/daemon-$k.csv"
	} | tee "$RES/daemon-$k.txt"
done
[ "${PARTS:-}" = daemon ] && exit $fail

for k in $KERNELS; do
	t0=$(date +%s)
	logs=()
	boot "$k" "bench-$k" -T 3600 || fail=1
	logs+=("$TOP/build/bench-$k.log")
	avail=$(awk '$1 == "MemAvailable:" { print int($2 / 1048576) }' /proc/meminfo)
	want=$(( ${SCALE_MEM%G} + 1 ))
	if [ "$avail" -ge "$want" ]; then
		boot "$k" "bench-scale-$k" -T 5400 -m "$SCALE_MEM" -a ssm.bench=scale || fail=1
		logs+=("$TOP/build/bench-scale-$k.log")
	else
		echo "bench $k: scale boot skipped: $avail GiB of host memory available, $want needed"
		fail=1
	fi
	# A stock kernel's standby memory taken over (6.1 to 6.18: where the
	# kernel has an SCLP memory notifier of its own).
	case $k in
	6.1 | 6.12)
		boot "$k" "bench-adopt-$k" -T 1800 -a "ssm.twin=add_standby=1 ssm.bench=adopt" || fail=1
		logs+=("$TOP/build/bench-adopt-$k.log")
		;;
	esac
	model_runs "$k"
	secs=$(($(date +%s) - t0))
	aggregate "${logs[@]}" >"$RES/$k.csv"

	kver=$(sed -n 's/^# ssm-guest-start kernel=\([^ ]*\).*/\1/p' "${logs[0]}" | head -n1)

	# The plot: MemFree drop against standby size, per method.
	for m in lazy configure-memmap1 configure-memmap0 baseline upstream; do
		awk -F, -v m=$m '$1 == "memfree_drop" && $2 == m { print $3, $5 / 1024, $6 / 1024, $7 / 1024 }' \
			"$RES/$k.csv" >"$TOP/build/plot-$k-$m.dat"
	done
	upstream_plot=""
	[ -s "$TOP/build/plot-$k-upstream.dat" ] &&
		upstream_plot=", \"$TOP/build/plot-$k-upstream.dat\" using 1:2:3:4 with yerrorlines title \"upstream (its flags where the machine has EDAT-1): MHP_MEMMAP_ON_MEMORY|MHP_OFFLINE_INACCESSIBLE\""
	gnuplot <<-GP
		set terminal pngcairo size 900,680 noenhanced
		set output "$RES/$k.png"
		set title "System memory taken by standby memory, Linux $kver (QEMU s390x TCG: 4 KiB page tables)"
		set xlabel "standby memory added (MiB)"
		set ylabel "MemFree drop (MiB), median of 5, min-max bars"
		set key below vertical
		set grid
		set xrange [0:*]
		set yrange [0:*]
		plot "$TOP/build/plot-$k-baseline.dat" using 1:2:3:4 with yerrorlines title "baseline: add_memory, memmap in system memory (old way)", \
		     "$TOP/build/plot-$k-configure-memmap0.dat" using 1:2:3:4 with yerrorlines title "configure, memmap_on_memory=0", \
		     "$TOP/build/plot-$k-configure-memmap1.dat" using 1:2:3:4 with yerrorlines title "configure, memmap_on_memory=1", \
		     "$TOP/build/plot-$k-lazy.dat" using 1:2:3:4 with yerrorbars pointsize 2 title "lazy load (all added, none online)"$upstream_plot
	GP

	{
		echo "== make bench: Linux $kver, $(host_desc), 2 guest CPUs (TCG) =="
		echo "run time ${secs}s (all boots); host during the run:"
		cat "$TOP"/build/bench-"$k".host "$TOP"/build/bench-scale-"$k".host \
			"$TOP"/build/bench-adopt-"$k".host "$TOP"/build/model-bench-"$k"*.host 2>/dev/null
		"$TOP/scripts/bench-summary.awk" "$RES/$k.csv"
		model_pairs "$TOP"/build/model-bench-"$k"*.log
	} | tee "$RES/$k.txt"
	echo "results: bench/results/$k.csv, bench/results/$k.png, bench/results/$k.txt"
done
exit $fail
