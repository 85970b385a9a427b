#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Memory pressure, the seed's promise: with system memory nearly gone
# (MemAvailable below 2 MiB, held by a process the OOM killer picks
# first), onlining a standby block whose memmap lives on the block itself
# needs no system memory and succeeds, with the process alive, in lazy and
# in configure mode. The control: the same configure and online with the
# memmap in system memory (memmap_on_memory=0) at the same pressure must
# not succeed that way (it fails, or takes the memory from the process),
# or the test could not tell the two apart.
#
# With 1M increments (increment_size=1M) an online makes 256 assign
# requests: nothing on that path may allocate either (the request slots
# and their SCCBs are allocated at load).
. ./lib/common.sh

plan 16

TARGET=2048	# kB

# fill <target kB>: start the filler, wait until it holds the memory.
# Near the watermarks the filler sometimes stops short (memfill keeps
# MemFree above the min watermarks rather than meet the OOM killer): up
# to 5 attempts, caches dropped before each.
fill() {
	for attempt in 1 2 3 4 5; do
		echo 3 >/proc/sys/vm/drop_caches
		fill_once "$1" && return 0
		echo "# fill to $1 kB: attempt $attempt failed ($(cat /tmp/fill.out))"
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
	echo "filler did not get there" >>/tmp/fill.out
	return 1
}
unfill() {
	kill $filler 2>/dev/null
	wait $filler 2>/dev/null
	sync
}
filler_alive() { kill -0 $filler 2>/dev/null; }
avail() { meminfo_kb MemAvailable; }

# under_pressure <label> <command...>: run the command with MemAvailable
# below $TARGET (memfill keeps it there while the command runs); sets a
# (MemAvailable right before), rc and alive. Prints two checks: the
# fill, and the pressure at the moment of the command.
under_pressure() {
	label=$1
	shift
	rc=1 alive=no a=
	if ! fill $TARGET; then
		not_ok "$label: memfill reached MemAvailable < $TARGET kB ($(cat /tmp/fill.out))"
		not_ok "$label: MemAvailable below $TARGET kB at the moment of the online"
		return
	fi
	ok "$label: memfill reached MemAvailable < $TARGET kB ($(cat /tmp/fill.out))"
	# memfill holds the target every 50 ms; a reading between two of
	# its steps may still be over it: read again, for up to 10 s.
	i=0
	while a=$(avail) && [ "$a" -ge $TARGET ] && [ $i -lt 10 ]; do
		sleep 1
		i=$((i + 1))
	done
	if "$@" 2>/tmp/op.err; then rc=0; fi
	filler_alive && alive=yes
	unfill
	if [ "$a" -lt $TARGET ]; then
		ok "$label: MemAvailable below $TARGET kB at the moment of the online ($a kB)"
	else
		not_ok "$label: MemAvailable below $TARGET kB at the moment of the online ($a kB)"
	fi
	echo "# $label: command rc=$rc ($(cat /tmp/op.err)), filler alive=$alive"
}

# Watermark boosting (after fragmentation events) raises the min
# watermark by several MiB at once and the OOM killer then takes the
# filler on its way down: measure with the plain watermarks.
# The per-CPU free lists hold up to 16 MiB here that MemFree does not
# count: keep them small, so that MemFree says what there is.
boost=$(cat /proc/sys/vm/watermark_boost_factor)
echo 0 >/proc/sys/vm/watermark_boost_factor
pcp=$(cat /proc/sys/vm/percpu_pagelist_high_fraction)
echo 1000000 >/proc/sys/vm/percpu_pagelist_high_fraction

mark load
check "load mode=lazy increment_size=1M" load mode=lazy increment_size=1M
set -- $(our_blocks)
b=$1 c=$2
under_pressure "lazy online, memmap on the block" online_block $b
expect_eq "lazy: the online succeeded, the process alive" "$rc:$alive" "0:yes"
expect_eq "block $b online, assigned" "$(mem_state $b):$(block_incr_states $b)" "online:assigned assigned"
offline_block $b
check "unload" unload

check "load mode=configure increment_size=1M" load mode=configure increment_size=1M
under_pressure "configure + online, memmap on the block" \
	sh -c "echo 1 >$FWMEM/memory$b/config && echo online_movable >$SYSMEM/memory$b/state"
expect_eq "configure: configure and online succeeded, the process alive" "$rc:$alive" "0:yes"
offline_block $b && echo 0 >$FWMEM/memory$b/config

# The control: the 4 MiB memmap comes from system memory when the block
# is added.
echo 0 >$FWMEM/memory$c/memmap_on_memory
under_pressure "control, memmap in system memory" \
	sh -c "echo 1 >$FWMEM/memory$c/config && echo online_movable >$SYSMEM/memory$c/state"
if [ "$rc:$alive" != "0:yes" ]; then
	ok "control: with the memmap in system memory it does not succeed that way (rc=$rc, process alive=$alive)"
else
	not_ok "control: with the memmap in system memory it does not succeed that way (rc=$rc, process alive=$alive)"
fi
[ "$(mem_state $c)" = online ] && offline_block $c
[ "$(cat $FWMEM/memory$c/config)" = 1 ] && echo 0 >$FWMEM/memory$c/config
check "our table agrees with firmware" increments_consistent
check "unload" unload
echo "$boost" >/proc/sys/vm/watermark_boost_factor
echo "$pcp" >/proc/sys/vm/percpu_pagelist_high_fraction
check "kernel log clean (OOM kills aside)" clean_since load
