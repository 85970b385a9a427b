# SPDX-License-Identifier: GPL-2.0
#
# Concurrency actors for 08-concurrency.sh (configure mode) and
# 09-concurrency-lazy.sh. Each mode runs two phases:
#
#   lockdep  30 s (longer, up to 120 s, until every actor has its
#            MIN_OPS successes: emulated onlines are slow) in which no
#            block is removed while its sysfs state file
#            is in use: configure/deconfigure on half of the blocks (lazy
#            mode: none), online/offline on the other half (configured
#            first), readers of every file of ours and of those blocks'
#            state files, no lsmem and no unload. Removing a block whose
#            state file is in use makes lockdep report a known upstream
#            dependency and switch itself off (lib/kernlog.awk); here it
#            stays on while our code races with itself, and the phase
#            checks that it is still on at its end.
#   chaos    ssm.duration seconds (60 by default; make stress
#            DURATION=600; longer, up to twice that, until every actor
#            has its successes): every actor on every block, lsmem, and
#            modprobe -r attempts (and modprobe again when one worked).
#            Halfway, if no unload went through yet, the online actors
#            pause with their blocks offline until one does.
#
# Actors: config (configure/deconfigure, memmap_on_memory; configure
# mode), online (online_movable/offline), reader, unload. After each
# phase every actor must have succeeded at least MIN_OPS times, every
# block's kernel state must match our table and the table firmware.

DURATION=$(ssm_arg duration 60)
LOCKDEP_PHASE=30
MIN_OPS=3

# One line per success in /tmp/ops/<actor>, read while the actors run.
bump() { echo >>/tmp/ops/$1; }
ops() { cat /tmp/ops/$1 2>/dev/null | wc -l; }
min_ops() { if [ "$1" = unload ]; then echo 1; else echo $MIN_OPS; fi; }
enough() {
	for a in "$@"; do
		[ "$(ops $a)" -ge "$(min_ops $a)" ] || return 1
	done
}

rand() { echo $(( $(od -An -N2 -tu2 /dev/urandom) % $1 )); }
pick() { set -- $1; shift $(rand $#); echo $1; }

actor_config() {
	while [ ! -e /tmp/stop ]; do
		x=$(pick "$1")
		echo $(rand 2) >$FWMEM/memory$x/config 2>/dev/null && bump config
		echo $(rand 2) >$FWMEM/memory$x/memmap_on_memory 2>/dev/null
	done
}
actor_online() {
	while [ ! -e /tmp/stop ]; do
		if [ -e /tmp/quiesce ]; then
			for x in $1; do offline_block $x 2>/dev/null; done
			sleep 1
			continue
		fi
		x=$(pick "$1")
		# configure mode: a deconfigured block is configured first
		[ "$(cat $FWMEM/memory$x/config 2>/dev/null)" = 0 ] &&
			echo 1 >$FWMEM/memory$x/config 2>/dev/null
		online_block $x 2>/dev/null && bump online
		offline_block $x 2>/dev/null && bump online
	done
}
# reader <state files to read> <lsmem: 0|1>
actor_reader() {
	while [ ! -e /tmp/stop ]; do
		# files come and go with the unloads: a pass that read our
		# status counts
		cat $FWMEM/memory*/* $DBG/* $SIMDBG/fault $SIMDBG/stats $1 \
			>/dev/null 2>&1
		cat /sys/module/$MOD/status/* >/dev/null 2>&1 && bump reader
		[ "$2" = 1 ] && lsmem -a >/dev/null 2>&1
	done
}
actor_unload() {
	start=$(date +%s)
	while [ ! -e /tmp/stop ]; do
		if unload 2>/dev/null; then
			bump unload
			rm -f /tmp/quiesce
			load "$@" 2>/dev/null
		elif [ "$(ops unload)" = 0 ] &&
		     [ $(($(date +%s) - start)) -ge $((DURATION / 2)) ]; then
			touch /tmp/quiesce
		fi
		sleep 1
	done
	rm -f /tmp/quiesce
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

lockdep_on() { grep -q "^ *debug_locks: *1$" /proc/lockdep_stats; }

# wait_actors <seconds> <at most> <actor...>: let them run for the
# seconds, and on until each actor has its successes or the time is up;
# stop them, wait for them. PHASE_SECS says how long they ran.
wait_actors() {
	PHASE_SECS=$1
	cap=$2
	shift 2
	sleep "$PHASE_SECS"
	while [ "$PHASE_SECS" -lt "$cap" ] && ! enough "$@"; do
		sleep 5
		PHASE_SECS=$((PHASE_SECS + 5))
	done
	touch /tmp/stop
	for p in $pids; do wait $p; done
	rm -f /tmp/stop
}
# summary of the successes, "actor n ..."
successes() { for a in "$@"; do printf "%s %s " $a "$(ops $a)"; done; }

# counts_at_least <phase> <actor...>: one check per actor
counts_at_least() {
	phase=$1
	shift
	for a in "$@"; do
		n=$(ops $a)
		min=$(min_ops $a)
		if [ "$n" -ge $min ]; then
			ok "$phase: actor $a succeeded $n times (at least $min)"
		else
			not_ok "$phase: actor $a succeeded $n times (at least $min)"
		fi
	done
}

# phase_end <label> <mode>: the module survived, then settle and compare
phase_end() {
	check "$1: loaded when the actors stopped" loaded
	settle mode=$2
	out=$(states_match)
	expect_eq "$1: every block's kernel state matches our table" "$out" ""
	check "$1: our table agrees with firmware for every increment" increments_consistent
}

# run_mode <mode>: 16 checks in lazy mode, 18 in configure mode (the
# config actor's successes in both phases)
run_mode() {
	mode=$1
	rm -rf /tmp/ops /tmp/stop /tmp/quiesce
	mkdir /tmp/ops
	before=$(kernel_blocks)
	check "$mode: load" load mode=$mode
	BLOCKS=$(our_blocks | tr '\n' ' ')

	# lockdep phase
	pids=""
	if [ $mode = configure ]; then
		set -- $BLOCKS
		half=$(($# / 2))
		A=$(echo $BLOCKS | cut -d' ' -f1-$half)
		B=$(echo $BLOCKS | cut -d' ' -f$((half + 1))-)
		for x in $B; do echo 1 >$FWMEM/memory$x/config; done
		actor_config "$A" & pids="$pids $!"
		actor_online "$B" & pids="$pids $!"
	else
		B=$BLOCKS
		actor_online "$B" & pids="$pids $!"
		actor_online "$B" & pids="$pids $!"
	fi
	states=""
	for x in $B; do states="$states $SYSMEM/memory$x/state"; done
	actor_reader "$states" 0 & pids="$pids $!"
	actors="online reader"
	[ $mode = configure ] && actors="config $actors"
	wait_actors $LOCKDEP_PHASE $((4 * LOCKDEP_PHASE)) $actors
	echo "# $mode lockdep phase: $PHASE_SECS s, successes: $(successes $actors)"
	counts_at_least "$mode lockdep phase" $actors
	check "$mode lockdep phase: lockdep still on at its end" lockdep_on
	phase_end "$mode lockdep phase" $mode

	# chaos phase
	rm -rf /tmp/ops
	mkdir /tmp/ops
	pids=""
	[ $mode = configure ] && { actor_config "$BLOCKS" & pids="$pids $!"; }
	actor_online "$BLOCKS" & pids="$pids $!"
	[ $mode = lazy ] && { actor_online "$BLOCKS" & pids="$pids $!"; }
	states=""
	for x in $BLOCKS; do states="$states $SYSMEM/memory$x/state"; done
	actor_reader "$states" 1 & pids="$pids $!"
	actor_unload mode=$mode & pids="$pids $!"
	actors="online reader unload"
	[ $mode = configure ] && actors="config $actors"
	wait_actors $DURATION $((2 * DURATION)) $actors
	echo "# $mode chaos phase: $PHASE_SECS s, successes: $(successes $actors)"
	counts_at_least "$mode chaos phase" $actors
	phase_end "$mode chaos phase" $mode

	stuck=""
	for x in $BLOCKS; do
		[ "$(mem_state $x)" = online ] && stuck="$stuck $x"
	done
	expect_eq "$mode: no block stays online after settling" "$stuck" ""
	check "$mode: clean unload" unload
	check "$mode: nothing left behind" nothing_left "$BLOCKS" "$before"
}
