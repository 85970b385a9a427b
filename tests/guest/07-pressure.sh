#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Memory pressure, the seed's promise: with system memory nearly gone
# (MemAvailable below 2 MiB, held by a process the OOM killer picks
# first), onlining a standby block whose memmap lives on the block itself
# needs no system memory and succeeds, in lazy and in configure mode.
# With the memmap in system memory (memmap_on_memory=0) we report what
# happens and the lowest MemAvailable at which it still worked.
. ./lib/common.sh

TARGET=2048	# kB

# fill <target kB>: start the filler, wait until it holds the memory.
# Near the watermarks the OOM killer sometimes takes the filler before it
# gets there: up to 3 attempts.
fill() {
	for attempt in 1 2 3; do
		fill_once "$1" && return 0
		echo "# fill to $1 kB: attempt $attempt OOM-killed on the way"
	done
	return 1
}
fill_once() {
	rm -f /tmp/fill.out
	(echo 1000 >/proc/self/oom_score_adj && exec memfill "$1") >/tmp/fill.out 2>&1 &
	filler=$!
	i=0
	while [ $i -lt 300 ]; do
		grep -q ready /tmp/fill.out 2>/dev/null && return 0
		kill -0 $filler 2>/dev/null || break
		sleep 1
		i=$((i + 1))
	done
	unfill
	echo "filler did not get there (OOM-killed?)" >>/tmp/fill.out
	return 1
}
unfill() {
	kill $filler 2>/dev/null
	wait $filler 2>/dev/null
	sync
}
filler_alive() { kill -0 $filler 2>/dev/null; }
avail() { meminfo_kb MemAvailable; }

# pressure_online <label> <command...>: run the command with MemAvailable
# below $TARGET; ok if it succeeds and the filler was not OOM-killed.
pressure_online() {
	label=$1
	shift
	if ! fill $TARGET; then
		not_ok "$label: memfill reached MemAvailable < $TARGET kB ($(cat /tmp/fill.out))"
		return 1
	fi
	a=$(avail)
	mark "$label"
	if "$@" 2>/tmp/op.err; then rc=0; else rc=1; fi
	alive=no
	filler_alive && alive=yes
	echo "# $label: MemAvailable before ${a} kB, $(cat /tmp/fill.out), command rc=$rc, filler alive=$alive"
	unfill
	if [ $rc = 0 ] && [ $alive = yes ]; then
		ok "$label: succeeds at MemAvailable ${a} kB, no OOM kill"
	else
		not_ok "$label: succeeds at MemAvailable ${a} kB, no OOM kill (rc=$rc, filler alive=$alive, $(cat /tmp/op.err))"
	fi
}

# Watermark boosting (after fragmentation events) raises the min
# watermark by several MiB at once and the OOM killer then takes the
# filler on its way down: measure with the plain watermarks.
boost=$(cat /proc/sys/vm/watermark_boost_factor)
echo 0 >/proc/sys/vm/watermark_boost_factor

mark load
check "load mode=lazy" load mode=lazy
set -- $(our_blocks)
b=$1 c=$2
pressure_online "lazy online, memmap on the block" online_block $b
expect_eq "block $b online, assigned" "$(mem_state $b):$(block_incr_states $b)" "online:assigned assigned"
offline_block $b
check "unload" unload

check "load mode=configure" load mode=configure
pressure_online "configure + online, memmap on the block" \
	sh -c "echo 1 >$FWMEM/memory$b/config && echo online_movable >$SYSMEM/memory$b/state"
expect_eq "block $b online, assigned" "$(mem_state $b):$(block_incr_states $b)" "online:assigned assigned"
offline_block $b && echo 0 >$FWMEM/memory$b/config

# memmap_on_memory=0: the 4 MiB memmap comes from system memory when the
# block is added. Find the lowest MemAvailable at which it still works.
echo 0 >$FWMEM/memory$c/memmap_on_memory
lowest=""
for t in 2048 8192 32768; do
	if ! fill_once $t; then
		echo "# memmap in system memory, target $t kB: $(cat /tmp/fill.out)"
		continue
	fi
	a=$(avail)
	if sh -c "echo 1 >$FWMEM/memory$c/config && echo online_movable >$SYSMEM/memory$c/state" 2>/tmp/op.err; then
		rc=0
	else
		rc=1
	fi
	alive=no
	filler_alive && alive=yes
	echo "# memmap in system memory, MemAvailable $a kB: configure+online rc=$rc ($(cat /tmp/op.err)), filler alive=$alive"
	unfill
	[ "$(mem_state $c)" = online ] && offline_block $c
	[ "$(cat $FWMEM/memory$c/config)" = 1 ] && echo 0 >$FWMEM/memory$c/config
	if [ $rc = 0 ] && [ $alive = yes ]; then
		lowest=$a
		break
	fi
done
echo "# memmap in system memory: lowest MemAvailable that worked without an OOM kill: ${lowest:-none up to 32 MiB} kB"
expect_eq "memmap in system memory: block $c consistent afterwards" \
	"$(cat $FWMEM/memory$c/config):$(mem_state $c):$(block_incr_states $c)" "0:absent:standby standby"
check "our table agrees with firmware" increments_consistent
check "unload" unload
echo "$boost" >/proc/sys/vm/watermark_boost_factor
check "kernel log clean (OOM kills aside)" clean_since load
