# SPDX-License-Identifier: GPL-2.0
#
# Concurrency actors for 08-concurrency.sh (configure mode) and
# 09-concurrency-lazy.sh: ssm.duration seconds (default 60; make stress
# DURATION=600), split between the two:
#   config   configure / deconfigure random blocks (configure mode)
#   online   online_movable (1 in 8 online_kernel) / offline random blocks
#   reader   every attribute, debugfs file and lsmem
#   unload   modprobe -r attempts (and modprobe again when it worked)
# Afterwards every block's kernel state must match our table and the
# table must match firmware, the unload must be clean, lockdep silent.

DURATION=$(sed -n 's/.*ssm\.duration=\([0-9]*\).*/\1/p' /proc/cmdline)
DURATION=${DURATION:-60}
HALF=$((DURATION / 2))

rand() { echo $(( $(od -An -N2 -tu2 /dev/urandom) % $1 )); }
pick() { set -- $BLOCKS; shift $(rand $#); echo $1; }

actor_config() {
	n=0
	while [ ! -e /tmp/stop ]; do
		x=$(pick)
		echo $(rand 2) >$FWMEM/memory$x/config 2>/dev/null && n=$((n + 1))
		echo $(rand 2) >$FWMEM/memory$x/memmap_on_memory 2>/dev/null
	done
	echo "config:$n" >>/tmp/actor-counts
}
actor_online() {
	n=0
	while [ ! -e /tmp/stop ]; do
		x=$(pick)
		z=online_movable
		[ $(rand 8) = 0 ] && z=online_kernel
		echo $z >$SYSMEM/memory$x/state 2>/dev/null && n=$((n + 1))
		echo offline >$SYSMEM/memory$x/state 2>/dev/null && n=$((n + 1))
	done
	echo "online/offline:$n" >>/tmp/actor-counts
}
actor_reader() {
	while [ ! -e /tmp/stop ]; do
		cat $FWMEM/memory*/* /sys/module/$MOD/status/* $DBG/* \
			$DBG/sim/fault $SYSMEM/memory*/state >/dev/null 2>&1
		lsmem -a >/dev/null 2>&1
	done
}
actor_unload() {
	while [ ! -e /tmp/stop ]; do
		if modprobe -r $MOD 2>/dev/null; then
			echo unloaded >>/tmp/unloads
			load "$@" 2>/dev/null
		fi
		sleep 1
	done
}

# settle: offline and deconfigure everything we can; print what stays
settle() {
	loaded || load "$@"
	for i in 1 2 3; do
		for x in $BLOCKS; do
			[ "$(mem_state $x)" = online ] && offline_block $x 2>/dev/null
			[ -e $FWMEM/memory$x/config ] && echo 0 >$FWMEM/memory$x/config 2>/dev/null
		done
		echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
	done
}

# Every block: kernel state <-> our state
states_match() {
	for x in $BLOCKS; do
		k=$(mem_state $x)
		o=$(block_state $x)
		case "$k:$o" in
		online:online | offline:offline | absent:standby) ;;
		*) echo "block $x kernel=$k ours=$o"; return 1 ;;
		esac
	done
}

run_phase() {
	mode=$1
	: >/tmp/unloads
	: >/tmp/actor-counts
	rm -f /tmp/stop
	check "$mode: load" load mode=$mode
	BLOCKS=$(our_blocks | tr '\n' ' ')
	pids=""
	[ $mode = configure ] && { actor_config & pids="$pids $!"; }
	actor_online & pids="$pids $!"
	actor_reader & pids="$pids $!"
	actor_unload mode=$mode & pids="$pids $!"
	[ $mode = lazy ] && { actor_online & pids="$pids $!"; }
	sleep $HALF
	touch /tmp/stop
	for p in $pids; do wait $p; done
	echo "# $mode: $HALF s, successful sysfs writes: $(tr '\n' ' ' </tmp/actor-counts), successful unloads: $(wc -l </tmp/unloads)"
	settle mode=$mode
	check "$mode: loaded after the actors stopped" loaded
	out=$(states_match)
	expect_eq "$mode: every block's kernel state matches our table" "$out" ""
	check "$mode: our table agrees with firmware for every increment" increments_consistent
	stuck=""
	for x in $BLOCKS; do
		[ "$(mem_state $x)" = online ] && stuck="$stuck $x"
	done
	if [ -z "$stuck" ]; then
		check "$mode: clean unload" unload
		check "$mode: nothing left behind" nothing_left "$BLOCKS"
	else
		# A kernel-zone block the kernel put unmovable pages into cannot
		# go offline; it keeps the module pinned, as it must.
		echo "# $mode: kernel-zone blocks that cannot go offline:$stuck"
		for x in $stuck; do
			expect_eq "$mode: stuck block $x online in the kernel zone, assigned" \
				"$(cat $SYSMEM/memory$x/valid_zones):$(block_incr_states $x)" "Normal:assigned assigned"
		done
		if ! unload 2>/dev/null && loaded; then
			ok "$mode: the module stays pinned by the online blocks"
		else
			not_ok "$mode: the module stays pinned by the online blocks"
		fi
	fi
}

