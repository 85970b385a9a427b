#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make bench, guest side: every measurement repeated REPS times, printed
# as "csv <metric> <method> <param> <unit> <value>..." for the host to
# turn into median, min and max. Not a test: it asserts only that each
# measurement could be taken.
. ./lib/common.sh

REPS=5
START=0x40000000		# the standby memory above mem=1G
BASELINE=/lib/modules/$(uname -r)/extra/ssm_bench_baseline.ko
LAYOUT=/lib/modules/$(uname -r)/extra/ssm_bench_layout.ko

# Drop clean caches, then let the counters settle (lib/common.sh).
settle() { echo 3 >/proc/sys/vm/drop_caches; settled_free_kb >/dev/null; }
csv() { echo "csv $*"; }
# ns of one sysfs write (fails the measurement on error)
tw() { set -- $(timeit write "$1" "$2"); [ "$2" = 0 ] && echo "$1"; }

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
	mib=$((k * $(block_kb) / 1024))
	csv memfree_drop "$method" "$mib" kB $free
	csv slab_delta "$method" "$mib" kB $slab
	csv pagetables_delta "$method" "$mib" kB $pt
	csv percpu_delta "$method" "$mib" kB $pcpu
	ok "memory cost of $method with $mib MiB of standby memory measured"
}

lazy_up() { load mode=lazy; }
lazy_down() { unload; }
cfg_up() {
	load mode=configure || return 1
	for x in $(our_blocks | head -n "$1"); do
		echo "$MEMMAP" >$FWMEM/memory$x/memmap_on_memory &&
			echo 1 >$FWMEM/memory$x/config || return 1
	done
}
cfg_down() { unload; }
base_up() { insmod $BASELINE start=$START size=$(($1 * $(block_kb) * 1024)); }
base_down() { rmmod ssm_bench_baseline; }

# Geometry, once: block size and the first standby block.
load mode=configure || { not_ok "load for the geometry"; exit 1; }
BKB=$(block_kb)
FIRST=$(our_blocks | head -n1)
NB=$(our_blocks | wc -l)
unload
block_kb() { echo $BKB; }
BMIB=$((BKB / 1024))

memcost lazy $NB lazy_up lazy_down
for k in $(seq 1 $NB); do
	MEMMAP=1
	memcost configure-memmap1 $k cfg_up cfg_down
	MEMMAP=0
	memcost configure-memmap0 $k cfg_up cfg_down
	memcost baseline $k base_up base_down
done

# --- online / offline time per block -------------------------------------
# cycles <method> <add> <remove>: REPS rounds of add, online, offline and
# remove of the first standby block. <add> and <remove> print the ns they
# took; "-" where the method adds at load and removes at unload.
cycles() {
	method=$1 addf=$2 remf=$3
	add="" on="" off="" rem=""
	r=0
	while [ $r -lt $REPS ]; do
		[ "$addf" = - ] || add="$add $($addf $r)"
		on="$on $(tw $SYSMEM/memory$FIRST/state online_movable)"
		off="$off $(tw $SYSMEM/memory$FIRST/state offline)"
		[ "$remf" = - ] || rem="$rem $($remf)"
		r=$((r + 1))
	done
	[ -n "$add" ] && csv add_ns "$method" $BMIB ns $add
	csv online_ns "$method" $BMIB ns $on
	csv offline_ns "$method" $BMIB ns $off
	[ -n "$rem" ] && csv remove_ns "$method" $BMIB ns $rem
	if [ "$(echo $on $off | wc -w)" = $((2 * REPS)) ] &&
	   { [ "$addf" = - ] || [ "$(echo $add $rem | wc -w)" = $((2 * REPS)) ]; }; then
		ok "$method: $REPS block cycles timed"
	else
		not_ok "$method: $REPS block cycles timed"
	fi
}

cfg_add() { tw $FWMEM/memory$FIRST/config 1; }
cfg_rem() { tw $FWMEM/memory$FIRST/config 0; }
# The baseline module times its add_memory() itself.
base_add() {
	mark base$1
	insmod $BASELINE start=$START size=$((BMIB << 20)) &&
		since base$1 | sed -n 's/.*ssm_bench_baseline: added 1 blocks .* in \([0-9]*\) ns/\1/p'
}
base_rem() { set -- $(timeit run /usr/sbin/rmmod ssm_bench_baseline); echo "$1"; }

load mode=lazy
cycles lazy - -
unload
load mode=configure
cycles configure cfg_add cfg_rem
unload
cycles baseline base_add base_rem

# --- scale: 1M increments (1024 over the standby GiB) against 256M -----
for inc in 256M 1M; do
	ld="" on="" off=""
	i=0
	while [ $i -lt $REPS ]; do
		settle
		set -- $(timeit run /usr/sbin/modprobe $MOD backend=sim mode=lazy increment_size=$inc)
		ld="$ld $1"
		on="$on $(tw $SYSMEM/memory$FIRST/state online_movable)"
		off="$off $(tw $SYSMEM/memory$FIRST/state offline)"
		unload
		i=$((i + 1))
	done
	csv load_ns "lazy-$inc" $((NB * BMIB)) ns $ld
	csv online_ns "lazy-$inc" $BMIB ns $on
	csv offline_ns "lazy-$inc" $BMIB ns $off
	[ "$(echo $ld $on | wc -w)" = $((2 * REPS)) ] && ok "scale increment_size=$inc timed" ||
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
