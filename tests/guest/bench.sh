#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make bench, guest side. Every measurement is printed as
# "csv <metric> <method> <param> <unit> <value>..." for the host to turn
# into median, min and max. Not a test: it asserts only that each
# measurement could be taken. Four parts, chosen by ssm.bench= on the kernel
# command line:
#
#   main   (-m 2G: 4 standby blocks) system memory cost; add, online,
#	   offline and remove of one block, REPS times per method; 256M
#	   against 1M increments; the increment model
#   scale  (-m 16G: 60 standby blocks) add, online, offline and remove of
#	   every block, 4 blocks and then all of them, per method; the
#	   offline pass traced (our notifier, firmware, page migration)
#   adopt  (-m 2G, the kernel's notifier's test double adding the standby
#	   memory at boot as a stock kernel does) the system memory a
#	   takeover of the kernel's standby blocks frees, per GiB
#   daemon (-m 2G) the memory-on-demand daemon: a growing program with
#	   and without it (bench-daemon.sh)
#
# Methods: lazy and configure (ours, simulated firmware with and without
# its canaries), baseline (add_memory() with the memmap in system memory:
# the kernel up to 6.7, and 6.8 to 6.18 without EDAT-1) and upstream (what
# this kernel does with standby memory on a machine with EDAT-1:
# MHP_MEMMAP_ON_MEMORY | MHP_OFFLINE_INACCESSIBLE on 6.8 to 6.18). The
# baselines add and remove through tests/bench/ssm_bench_baseline's debugfs
# file, one write per block, timed from user space exactly like our
# /sys/firmware/memory/memoryN/config writes; onlining and offlining is
# the same memoryN/state write for every method.
. ./lib/common.sh

REPS=5
PART=$(ssm_arg bench main)
START=0x40000000		# the standby memory above mem=1G
CTL=/sys/kernel/debug/ssm_bench_baseline/ctl
CANARIES=/sys/module/$SIM/parameters/canaries
TRACE=/sys/kernel/tracing
LAYOUT=/lib/modules/$(uname -r)/extra/ssm_bench_layout.ko

# Drop clean caches, then let the counters settle (lib/common.sh).
settle() { echo 3 >/proc/sys/vm/drop_caches; settled_free_kb >/dev/null; }
csv() { echo "csv $*"; }
# ns of one sysfs/debugfs write; nothing when the write failed
tw() { set -- $(timeit write "$1" "$2"); [ "$2" = 0 ] && echo "$1"; }
# ns of one command; nothing when it failed
tr_() { set -- $(timeit run "$@"); [ "$2" = 0 ] && echo "$1"; }
words() { echo $* | wc -w; }

# The simulated firmware stays loaded all along, so that its canaries
# parameter holds for every load of ours.
modprobe $SIM || { echo "not ok - $SIM loads"; exit 1; }
canaries() { echo "$1" >$CANARIES && [ "$(cat $CANARIES)" = "$( [ "$1" = 1 ] && echo Y || echo N)" ]; }

modprobe ssm_bench_baseline || { echo "not ok - ssm_bench_baseline loads"; exit 1; }
# The kernel's own way on an EDAT-1 machine, where this kernel has one:
# 6.8 to 6.18 add standby memory with the memmap on it, inaccessible
# while offline.
UPSTREAM=""
have_flag() { case " $(cat $CTL) " in *" $1 "*) return 0 ;; esac; return 1; }
have_flag memmap_on_memory && have_flag offline_inaccessible &&
	UPSTREAM=memmap_on_memory,offline_inaccessible
# flags of a baseline method
flags_of() { case $1 in baseline) echo none ;; upstream) echo $UPSTREAM ;; esac; }
base_add() { tw $CTL "add $(($START + $2 * BS)) $(($3 * BS)) $(flags_of $1)"; }
base_rem() { tw $CTL "remove $(($START + $2 * BS)) $(($3 * BS))"; }

# --- daemon: memory on demand (bench-daemon.sh) --------------------------
if [ "$PART" = daemon ]; then
	. ./bench-daemon.sh
	exit 0
fi

# --- adopt: a stock kernel's standby blocks taken over --------------------
# ssm.twin=add_standby=1: the kernel's notifier's test double added all
# standby memory at boot, as the kernel's initcall does (on 6.1 with the
# memmap in system memory). Per GiB taken over: MemFree gained by the load,
# and what the load line says it freed. The unload hands the blocks back
# as the kernel had them, so every repetition starts alike.
if [ "$PART" = adopt ]; then
	MODES=configure
	dmesg | grep -q "ssm_twin: .*(6.8-6.18 family)" && MODES="lazy configure"
	plan $(words $MODES)
	for mode in $MODES; do
		gain="" said="" i=0
		while [ $i -lt $REPS ]; do
			settle
			f0=$(meminfo_kb MemFree)
			mark adopt-$mode-$i
			load mode=$mode || break
			settle
			f1=$(meminfo_kb MemFree)
			line=$(our_lines_since adopt-$mode-$i | grep "took over")
			n=$(echo "$line" | sed -n 's/.*took over \([0-9]*\) of .*/\1/p')
			m=$(echo "$line" | sed -n 's/.*system memory freed: \(-*[0-9]*\)M.*/\1/p')
			mib=$((${n:-0} * $(block_kb) / 1024))
			unload || break
			[ "$mib" -gt 0 ] && [ -n "$m" ] || break
			gain="$gain $(((f1 - f0) * 1024 / mib))"
			said="$said $((m * 1024 * 1024 / mib))"
			i=$((i + 1))
		done
		csv adopt_memfree_gain "$mode" "${mib:-0}" kB_per_GiB $gain
		csv adopt_said_freed "$mode" "${mib:-0}" kB_per_GiB $said
		expect_eq "adopt, $mode: $REPS takeovers measured" "$(words $gain $said)" $((2 * REPS))
	done
	echo "csv-end"
	exit 0
fi

# Geometry: block size, first standby block, number of standby blocks.
load mode=configure || { echo "not ok - load for the geometry"; exit 1; }
BKB=$(block_kb)
BS=$((BKB * 1024))
BMIB=$((BKB / 1024))
FIRST=$(our_blocks | head -n1)
NB=$(our_blocks | wc -l)
unload
block_kb() { echo $BKB; }
METHODS="lazy lazy-nocanary configure configure-nocanary baseline"
[ -n "$UPSTREAM" ] && METHODS="$METHODS upstream"
NM=$(words $METHODS)
echo "# bench part=$PART: $NB standby blocks of $BMIB MiB from block $FIRST; methods: $METHODS"

# Load ours for a method (canaries as the method says).
ours_load() {
	case $1 in *-nocanary) canaries 0 ;; *) canaries 1 ;; esac || return 1
	case $1 in
	lazy*) load mode=lazy ${2:+"$2"} ;;
	configure*) load mode=configure ${2:+"$2"} ;;
	esac
}

# --- system memory cost -------------------------------------------------
# memcost <method> <blocks> <setup> <teardown>: MemFree drop (kB) from
# before the setup to after it, REPS times; also Slab, PageTables, Percpu.
memcost() {
	method=$1 k=$2 setup=$3 teardown=$4
	free="" slab="" pt="" pcpu=""
	i=0
	while [ $i -lt $REPS ]; do
		settle
		f0=$(meminfo_kb MemFree) s0=$(meminfo_kb Slab)
		p0=$(meminfo_kb PageTables) c0=$(meminfo_kb Percpu)
		$setup $k || { not_ok "memcost $method $k: setup"; return 1; }
		settle
		free="$free $((f0 - $(meminfo_kb MemFree)))"
		slab="$slab $(($(meminfo_kb Slab) - s0))"
		pt="$pt $(($(meminfo_kb PageTables) - p0))"
		pcpu="$pcpu $(($(meminfo_kb Percpu) - c0))"
		$teardown $k || { not_ok "memcost $method $k: teardown"; return 1; }
		i=$((i + 1))
	done
	mib=$((k * BMIB))
	csv memfree_drop "$method" "$mib" kB $free
	csv slab_delta "$method" "$mib" kB $slab
	csv pagetables_delta "$method" "$mib" kB $pt
	csv percpu_delta "$method" "$mib" kB $pcpu
	ok "memory cost of $method with $mib MiB of standby memory measured"
}

lazy_up() { load mode=lazy; }
lazy_down() { unload; }
# configure: the module is loaded around the measurement (like the
# baseline module), so only the blocks count
cfg_up() {
	for x in $(our_blocks | head -n "$1"); do
		echo "$MEMMAP" >$FWMEM/memory$x/memmap_on_memory &&
			echo 1 >$FWMEM/memory$x/config || return 1
	done
}
cfg_down() {
	for x in $(our_blocks | head -n "$1"); do
		echo 0 >$FWMEM/memory$x/config || return 1
	done
}
bl_up() { [ -n "$(base_add $BL 0 "$1")" ]; }
bl_down() { [ -n "$(base_rem $BL 0 "$1")" ]; }

# --- one block, REPS times ------------------------------------------------
# cycles <method>: REPS rounds of add, online, offline and remove of the
# first standby block ("add" and "remove" only where the method has them:
# lazy adds at load and removes at unload).
cycles() {
	method=$1
	add="" on="" off="" rem=""
	case $method in
	lazy*|configure*) ours_load $method || { not_ok "$method: load"; return 1; } ;;
	esac
	r=0
	while [ $r -lt $REPS ]; do
		case $method in
		configure*) add="$add $(tw $FWMEM/memory$FIRST/config 1)" ;;
		baseline|upstream) add="$add $(base_add $method 0 1)" ;;
		esac
		on="$on $(tw $SYSMEM/memory$FIRST/state online_movable)"
		off="$off $(tw $SYSMEM/memory$FIRST/state offline)"
		case $method in
		configure*) rem="$rem $(tw $FWMEM/memory$FIRST/config 0)" ;;
		baseline|upstream) rem="$rem $(base_rem $method 0 1)" ;;
		esac
		r=$((r + 1))
	done
	case $method in lazy*|configure*) unload ;; esac
	canaries 1
	[ -n "$add" ] && csv add_ns "$method" $BMIB ns $add
	csv online_ns "$method" $BMIB ns $on
	csv offline_ns "$method" $BMIB ns $off
	[ -n "$rem" ] && csv remove_ns "$method" $BMIB ns $rem
	want=$((2 * REPS))
	case $method in lazy*) ;; *) want=$((4 * REPS)) ;; esac
	if [ "$(words $add $on $off $rem)" = $want ]; then
		ok "$method: $REPS block cycles timed"
	else
		not_ok "$method: $REPS block cycles timed"
	fi
}

# --- scale: every block -------------------------------------------------
EVENTS=/sys/kernel/debug/ssm_bench_baseline/events
TRACED="s390_standby_mem/ssm_notify s390_standby_mem/ssm_firmware migrate/mm_migrate_pages"
trace_on() {
	echo 0 >$TRACE/tracing_on
	echo 8192 >$TRACE/buffer_size_kb
	for e in $TRACED; do
		[ -e $TRACE/events/$e/enable ] && echo 1 >$TRACE/events/$e/enable
	done
	: >$TRACE/trace
	echo 1 >$TRACE/tracing_on
}
trace_off() {
	echo 0 >$TRACE/tracing_on
	for e in $TRACED; do
		[ -e $TRACE/events/$e/enable ] && echo 0 >$TRACE/events/$e/enable
	done
}

# Where the offline pass's time went, per block, as csv rows. Inputs: the
# writes ("<block> <start ns> <ns>", /tmp/offline-writes), the kernel's
# memory events as ssm_bench_baseline's first notifier saw them
# (CLOCK_MONOTONIC, like the writes), and the trace, whose lines follow
# a marker "bench-offline <block>" per write: our notifier's time
# (ssm_notify) and firmware's within it (ssm_firmware: the unassign, with
# the simulation's canary fill), pages migrated (mm_migrate_pages).
# Phases: isolate = write start to going-offline; free = going-offline to
# offline (migration, freeing the range); teardown = offline to
# finish-offline (zone, memmap; 6.8 to 6.18); after = the last event to
# the end of the write (the finish-offline notifiers: our unassign).
offline_rows() {
	cat $EVENTS >/tmp/offline-events
	tr -d '\r' <$TRACE/trace >/tmp/offline-trace
	awk -v m="$1" -v p="$2" -v bs=$BS '
	function field(name,    i) {
		for (i = 1; i <= NF; i++)
			if (index($i, name "=") == 1)
				return substr($i, length(name) + 2)
		return ""
	}
	FILENAME == "/tmp/offline-writes" { n++; order[n] = $1; t0[$1] = $2; dur[$1] = $3; next }
	FILENAME == "/tmp/offline-events" {
		blk = int($3 * 4096 / bs)
		if ($2 == "going-offline") tgo[blk] = $1
		else if ($2 == "offline") toff[blk] = $1
		else if ($2 == "finish-offline") tfin[blk] = $1
		next
	}
	/tracing_mark_write: bench-offline / { b = $NF; next }
	b == "" { next }
	/ ssm_notify: / { ours = 1; notify[b] += field("ns"); next }
	/ ssm_firmware: / { fw[b] += field("ns"); next }
	/ mm_migrate_pages: / { mig[b] += field("succeeded"); next }
	END {
		for (i = 1; i <= n; i++) {
			b = order[i]
			r1 = r1 " " notify[b] + 0; r2 = r2 " " fw[b] + 0; r3 = r3 " " mig[b] + 0
			t1 += notify[b]; t2 += fw[b]
			if (!tgo[b] || !toff[b]) continue
			last = tfin[b] ? tfin[b] : toff[b]
			r4 = r4 " " tgo[b] - t0[b]; t4 += tgo[b] - t0[b]
			r5 = r5 " " toff[b] - tgo[b]; t5 += toff[b] - tgo[b]
			r7 = r7 " " t0[b] + dur[b] - last; t7 += t0[b] + dur[b] - last
			if (!tfin[b]) continue
			r6 = r6 " " tfin[b] - toff[b]; t6 += tfin[b] - toff[b]
			# teardown against the blocks left online (descending)
			x = n - i; y = tfin[b] - toff[b]
			k++; sx += x; sy += y; sxx += x * x; sxy += x * y
		}
		if (k > 2 && k * sxx - sx * sx > 0)
			printf "csv scale_offline_teardown_slope_ns %s %s ns %.0f\n", m, p,
				(k * sxy - sx * sy) / (k * sxx - sx * sx)
		if (ours) {
			printf "csv scale_offline_notifier_ns %s %s ns%s\n", m, p, r1
			printf "csv scale_offline_firmware_ns %s %s ns%s\n", m, p, r2
			printf "csv scale_offline_notifier_total_ns %s %s ns %.0f\n", m, p, t1
			printf "csv scale_offline_firmware_total_ns %s %s ns %.0f\n", m, p, t2
		}
		printf "csv scale_offline_migrated_pages %s %s pages%s\n", m, p, r3
		if (r4 != "") {
			printf "csv scale_offline_isolate_ns %s %s ns%s\n", m, p, r4
			printf "csv scale_offline_free_ns %s %s ns%s\n", m, p, r5
			printf "csv scale_offline_after_ns %s %s ns%s\n", m, p, r7
			printf "csv scale_offline_isolate_total_ns %s %s ns %.0f\n", m, p, t4
			printf "csv scale_offline_free_total_ns %s %s ns %.0f\n", m, p, t5
			printf "csv scale_offline_after_total_ns %s %s ns %.0f\n", m, p, t7
		}
		if (r6 != "") {
			printf "csv scale_offline_teardown_ns %s %s ns%s\n", m, p, r6
			printf "csv scale_offline_teardown_total_ns %s %s ns %.0f\n", m, p, t6
		}
	}' /tmp/offline-writes /tmp/offline-events /tmp/offline-trace
}

# scale <method> <blocks>: add (lazy: load), online every block in
# ascending order, offline every block in descending order (as chmem -d
# does), remove (lazy: unload). Per-block values go out with the number
# of blocks as param; totals (seconds for the whole pass) as *_total_ns.
scale() {
	method=$1 n=$2
	last=$((FIRST + n - 1))
	add="" on="" off="" rem="" ld="" ul=""
	settle
	case $method in
	lazy*)
		case $method in *-nocanary) canaries 0 ;; *) canaries 1 ;; esac
		ld=$(tr_ /usr/sbin/modprobe $MOD backend=sim mode=lazy sim_size=$((n * BMIB))M)
		;;
	configure*)
		ours_load $method sim_size=$((n * BMIB))M
		for b in $(seq $FIRST $last); do
			add="$add $(tw $FWMEM/memory$b/config 1)"
		done
		;;
	baseline|upstream)
		for i in $(seq 0 $((n - 1))); do
			add="$add $(base_add $method $i 1)"
		done
		;;
	esac
	s0=$(sim_counter canary_written 2>/dev/null)
	for b in $(seq $FIRST $last); do
		on="$on $(tw $SYSMEM/memory$b/state online_movable)"
	done
	: >/tmp/offline-writes
	echo clear >$EVENTS
	trace_on
	for b in $(seq $last -1 $FIRST); do
		echo "bench-offline $b" >$TRACE/trace_marker
		set -- $(timeit write $SYSMEM/memory$b/state offline)
		[ "$2" = 0 ] && off="$off $1" && echo "$b $3 $1" >>/tmp/offline-writes
	done
	trace_off
	s1=$(sim_counter canary_written 2>/dev/null)
	offline_rows $method $n
	case $method in
	lazy*) ul=$(tr_ /usr/sbin/modprobe -r $MOD) ;;
	configure*)
		for b in $(seq $last -1 $FIRST); do
			rem="$rem $(tw $FWMEM/memory$b/config 0)"
		done
		unload
		;;
	baseline|upstream)
		for i in $(seq $((n - 1)) -1 0); do
			rem="$rem $(base_rem $method $i 1)"
		done
		;;
	esac
	canaries 1
	[ -n "$ld" ] && csv scale_load_ns $method $n ns $ld
	[ -n "$ul" ] && csv scale_unload_ns $method $n ns $ul
	[ -n "$add" ] && csv scale_add_ns $method $n ns $add
	csv scale_online_ns $method $n ns $on
	csv scale_offline_ns $method $n ns $off
	[ -n "$rem" ] && csv scale_remove_ns $method $n ns $rem
	for v in add on off rem; do
		eval "vals=\$$v"
		[ -n "$vals" ] && csv scale_${v}_total_ns $method $n ns $(echo $vals | tr ' ' '\n' | awk '{ s += $1 } END { printf "%.0f", s }')
	done
	[ -n "$s0" ] && [ -n "$s1" ] && csv scale_offline_canaries_written $method $n count $((s1 - s0))
	# online time against the blocks online before it (ascending)
	echo $on | tr ' ' '\n' | awk -v m=$method -v p=$n '
		{ x = NR - 1; k++; sx += x; sy += $1; sxx += x * x; sxy += x * $1 }
		END { if (k > 2 && k * sxx - sx * sx > 0)
			printf "csv scale_online_slope_ns %s %s ns %.0f\n", m, p,
				(k * sxy - sx * sy) / (k * sxx - sx * sx) }'

	want=$((2 * n))
	case $method in lazy*) want=$((want + 2)) ;; *) want=$((want + 2 * n)) ;; esac
	if [ "$(words $ld $ul $add $on $off $rem)" = $want ]; then
		ok "scale $method, $n blocks: add, online, offline, remove timed"
	else
		not_ok "scale $method, $n blocks: add, online, offline, remove timed"
	fi
}

if [ "$PART" = scale ]; then
	# configure's canaries cost nothing (the main part shows it): its
	# module cost alone here
	METHODS=$(echo $METHODS | sed 's/configure //')
	SIZES="4 $NB"
	[ "$NB" -le 4 ] && SIZES=$NB
	plan $((1 + $(words $SIZES) * $(words $METHODS)))
	# QEMU backs guest RAM at its first touch, which costs more than the
	# writes themselves: touch all of it once (the canaries of a lazy
	# load), so that no method pays for the one before.
	set -- $(timeit run /usr/sbin/modprobe $MOD backend=sim mode=lazy)
	unload
	expect_eq "warm-up: all standby memory touched once (${1} ns)" "$2" 0
	for n in $SIZES; do
		for m in $METHODS; do
			scale $m $n
		done
	done
	echo "csv-end"
	exit 0
fi

# --- main part ---------------------------------------------------------------
NBL=2
[ -n "$UPSTREAM" ] || NBL=1
plan $((1 + NB * (2 + NBL) + NM + 2 + 1))

memcost lazy $NB lazy_up lazy_down
load mode=configure || { not_ok "configure load for the memory cost"; exit 1; }
for k in $(seq 1 $NB); do
	MEMMAP=1
	memcost configure-memmap1 $k cfg_up cfg_down
	MEMMAP=0
	memcost configure-memmap0 $k cfg_up cfg_down
done
unload
for k in $(seq 1 $NB); do
	BL=baseline
	memcost baseline $k bl_up bl_down
	if [ -n "$UPSTREAM" ]; then
		BL=upstream
		memcost upstream $k bl_up bl_down
	fi
done

for m in $METHODS; do
	cycles $m
done

# --- 1M increments (1024 over the standby GiB) against 256M ---------------
# Canaries off: the module's cost of 256 assigns per block.
for inc in 256M 1M; do
	ld="" on="" off=""
	canaries 0
	i=0
	while [ $i -lt $REPS ]; do
		settle
		ld="$ld $(tr_ /usr/sbin/modprobe $MOD backend=sim mode=lazy increment_size=$inc)"
		on="$on $(tw $SYSMEM/memory$FIRST/state online_movable)"
		off="$off $(tw $SYSMEM/memory$FIRST/state offline)"
		unload
		i=$((i + 1))
	done
	canaries 1
	csv load_ns "lazy-$inc" $((NB * BMIB)) ns $ld
	csv online_ns "lazy-$inc" $BMIB ns $on
	csv offline_ns "lazy-$inc" $BMIB ns $off
	[ "$(words $ld $on $off)" = $((3 * REPS)) ] && ok "scale increment_size=$inc timed" ||
		not_ok "scale increment_size=$inc timed"
done

# --- the increment model: O(1) per operation ---------------------------
mark layout
if insmod $LAYOUT; then
	since layout | sed -n 's/.*bench: rnmax=\([0-9]*\) blocks=[0-9]* median=\([0-9]*\) ns\/op min=\([0-9]*\) max=\([0-9]*\)/csv layout_ns_per_op model \1 ns \2 \3 \4/p'
	rmmod ssm_bench_layout
	ok "layout micro-benchmark ran"
else
	not_ok "layout micro-benchmark ran"
fi
echo "csv-end"
