#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Memory on demand: s390-standby-memd (daemon/) with 1 GiB of boot memory
# and 1 GiB of standby memory, in lazy and in configure mode.
#
# - A program grows to 1.6 GiB in steps: with the daemon there is no OOM
#   kill and the blocks come online in time; when the program has ended,
#   the daemon gives them back after its cool-down; firmware, our table
#   and the kernel agree and nothing stays assigned. Lazy mode runs with
#   1M increments (256 assigns per block).
# - The control: the same program without the daemon is OOM-killed.
# - kill -9 of the daemon while it is in the write() of an online and of
#   an offline; a restart finds the system consistent and finishes. An
#   offline longer than offline_timeout_s is interrupted.
# - Firmware refusing every assign while the program grows: the daemon
#   logs, backs off (growing intervals) and stays responsive; the program
#   is OOM-killed or survives on what came online; no hang.
# - The pressure trigger alone (no floor, MemAvailable read hourly)
#   wakes the daemon and brings blocks online.
# - --dry-run changes nothing; a bad configuration is one line and exit
#   status 2 with nothing changed; max_online_mib holds; a block someone
#   else brought online is given back only with give_back_others = yes;
#   SIGHUP reloads, a bad reload keeps the policy.
. ./lib/common.sh

MEMD=/usr/sbin/s390-standby-memd
CONF=/tmp/memd.conf
STATE=/run/memd.blocks
LOG=/tmp/memd.log
# The policy of the growth runs: the floor above what the program takes
# in the time of one online, the ceiling between the memory left with
# every block online and with none.
POLICY="floor_mib = 320
ceiling_mib = 640
cooldown_s = 5
interval_s = 1
check_s = 1
retry_min_s = 2
retry_max_s = 8
offline_timeout_s = 20"
GROW="1600 64 500"	# MiB, step MiB, step ms

online_blocks() { cat /sys/module/$MOD/status/online_blocks; }
# state_blocks: the blocks of the daemon's state file, one line
# (the daemon keeps the file's size: blank lines after the list)
state_blocks() { grep -o '[0-9][0-9]*' $STATE 2>/dev/null | tr '\n' ' '; }
online_list() {
	for _d in "$SYSMEM"/memory[0-9]*; do
		[ "$(cat "$_d/state")" = online ] && printf '%s ' "${_d##*memory}"
	done
}

# start_daemon: in the background, its log in $LOG; up when it said its mode
start_daemon() {
	: >$LOG
	$MEMD --config $CONF --state $STATE 2>>$LOG &
	memd=$!
	wait_for "mode, blocks of" 10 $LOG
}
# stop_daemon: SIGTERM ends it within 10 s with status 0
stop_daemon() {
	kill -TERM $memd 2>/dev/null
	_i=0
	while kill -0 $memd 2>/dev/null && [ $_i -lt 10 ]; do
		sleep 1
		_i=$((_i + 1))
	done
	wait $memd
}

# grow: run the program (the OOM killer's first choice); sets grow_rc
grow() {
	(echo 1000 >/proc/self/oom_score_adj && exec memgrow $GROW 2) >/tmp/grow.out 2>&1
	grow_rc=$?
}
# grow_hold: the same in the background, holding 1.6 GiB for 40 s once
# grown, so that what the daemon did can be checked before it gives back;
# grown when it got there alive (10 minutes at most)
grow_hold() {
	(echo 1000 >/proc/self/oom_score_adj && exec memgrow $GROW 40) >/tmp/grow.out 2>&1 &
	grower=$!
	_i=0
	while [ $_i -lt 600 ] && kill -0 $grower 2>/dev/null; do
		grep -q 'memgrow: done' /tmp/grow.out && return 0
		sleep 1
		_i=$((_i + 1))
	done
	return 1
}

# ours_consistent: the daemon's state file lists exactly the blocks
# online (every online block of ours came from it), firmware agrees
ours_consistent() {
	_s=$(echo $(state_blocks | tr ' ' '\n' | sort -n))
	_o=""
	for _b in $(our_blocks); do
		[ "$(mem_state "$_b")" = online ] && _o="$_o$_b "
	done
	_o=$(echo $(echo "$_o" | tr ' ' '\n' | sort -n))
	[ "$_s" = "$_o" ] ||
		{ echo "state file '$_s', online '$_o'" >>/tmp/why; return 1; }
	increments_consistent
}

# in_write <pid>: the process is inside write() (s390x syscall 4) to a
# block's state or config file (not its own state file), within 20000
# looks at /proc (shell builtins and readlink only: a few ms each)
in_write() {
	_i=0
	while [ $_i -lt 20000 ] && [ -d /proc/$1 ]; do
		if read -r _nr _fd _rest 2>/dev/null </proc/$1/syscall &&
		   [ "$_nr" = 4 ]; then
			case $(readlink /proc/$1/fd/$((_fd)) 2>/dev/null) in
			"$SYSMEM"/memory*/state | "$FWMEM"/memory*/config)
				return 0 ;;
			esac
		fi
		_i=$((_i + 1))
	done
	return 1
}
# kill_in_write <pid> <what>: kill -9 once inside that write(); one check
kill_in_write() {
	if in_write "$1"; then
		kill -9 "$1"
		ok "$2"
	else
		not_ok "$2 ($(tr '\n' ';' <$LOG))"
	fi
	wait "$1"
}

no_oom() { ! since "memd-$mode" | grep -q 'Out of memory'; }
# the kernel's comm is the name's first 15 characters
daemon_no_oom() { ! since "memd-$1" | grep -q 's390-standby-me invoked oom-killer'; }
psi_armed() { ! grep -q 'no memory pressure trigger' $LOG; }
# every online line gives one of the two reasons
reasons_given() {
	[ "$n" -ge 3 ] &&
		! grep 'online memory[0-9]* (' $LOG | grep -qv -e 'below floor_mib' -e 'memory pressure'
}
# nothing_assigned: consistent, and no standby increment assigned, for us
# or in firmware (boot memory's are "foreign" to us, assigned in firmware)
nothing_assigned() {
	increments_consistent || return 1
	_a=$(increments | awk 'NR > 1 && $3 != "foreign" && ($3 == "assigned" || $6 == "assigned") { n++ }
		END { if (n) printf "%d increments assigned\n", n }')
	[ -z "$_a" ] || { echo "$_a" >>/tmp/why; return 1; }
}
give_backs_say_why() {
	[ "$(grep -c 'give back memory[0-9]* (.*above ceiling_mib = 640 for' $LOG)" = "$n" ]
}

# growth <mode> <label> [module args]: the daemon keeps the program alive
growth() {
	mode=$1 label=$2
	shift 2
	check "$label: the module loads" load mode="$mode" "$@"
	echo "$POLICY" >$CONF
	rm -f $STATE
	r0=$(counter requests_assign)
	mark memd-$mode
	check "$label: the daemon starts and says its mode and policy" start_daemon
	check "$label: the kernel's memory pressure trigger is armed" psi_armed
	# nothing on the way to an online may need memory: the daemon's
	# pages locked, its state file rewritten in place (a new file would
	# need a fresh tmpfs page when memory has run out)
	lck=$(awk '$1 == "VmLck:" { print $2 }' /proc/$memd/status)
	check "$label: the daemon's pages are locked (VmLck $lck kB)" [ "${lck:-0}" -gt 0 ]
	st0=$(stat -c '%i %s' $STATE)
	check "$label: the program grew to 1.6 GiB" grow_hold
	echo "# $label: $(tail -n 2 /tmp/grow.out | tr '\n' ' ')"
	check "$label: no OOM kill" no_oom
	n=$(grep -c 'online memory[0-9]* (' $LOG)
	grep 'online memory' $LOG | sed 's/^/# /'
	check "$label: the daemon brought 3 or 4 blocks online, each with its reason ($n)" \
		reasons_given
	check "$label: state file, kernel, our table and firmware agree" ours_consistent
	expect_eq "$label: the state file kept its inode and size through the onlines" \
		"$(stat -c '%i %s' $STATE)" "$st0"
	check "$label: the daemon never invoked the OOM killer itself" daemon_no_oom "$mode"
	if [ $# -gt 0 ]; then
		a=$(($(counter requests_assign) - r0))
		check "$label: $n onlines, 256 assigns each ($a)" [ "$a" -ge $((n * 256)) ]
	fi
	wait $grower
	expect_eq "$label: the program held it and ended well" "$?" 0
	# the cool-down (5 s), then one block at a time, each given back
	# (offline, the state file) before the next
	i=0
	while { [ "$(online_blocks)" != 0 ] || [ -n "$(state_blocks)" ] ||
		[ "$(grep -c 'given back in' $LOG)" -lt "$n" ]; } && [ $i -lt 120 ]; do
		sleep 1
		i=$((i + 1))
	done
	grep -E 'give back|given back' $LOG | sed 's/^/# /'
	expect_eq "$label: every block given back after the cool-down (${i} s)" \
		"$(online_blocks) $(state_blocks)" "0 "
	check "$label: each give-back says why" give_backs_say_why
	check "$label: nothing stays assigned; firmware and our table agree" \
		nothing_assigned
	# (lazy mode: the blocks stay mapped, the canary is checked)
	[ "$mode" = lazy ] && observe "$label"
	check "$label: SIGTERM ends the daemon, status 0" stop_daemon
	check "$label: kernel log clean" clean_since memd-$mode
	check "$label: the module unloads" unload
}

# pressure: no floor, MemAvailable read once an hour: the kernel's memory
# pressure trigger alone wakes the daemon (poll()), which brings blocks
# online for it. Without swap it comes too late for this program: the
# stalls that fire it are the reclaim right before the OOM kill (seen:
# the kill 470 ms after the trigger, the first online done 190 ms after
# the kill; README). So the program may be OOM-killed here; it must end
# either way. Lazy mode: memory has run out when the daemon comes, and
# only there nothing on the way to an online needs memory; configure
# mode's add takes the block's page tables from system memory (seen: a
# run on a loaded host whose configure invoked the OOM killer; README).
pressure() {
	check "pressure: the module loads" load mode=lazy
	# 1 ms: the first stall, the reclaim the OOM killer needs first, fires
	# it (with 50 ms, one run in three of make bench was killed before)
	printf '%s\nfloor_mib = 0\ncheck_s = 3600\npressure_ms = 1\npressure_window_ms = 500\n' \
		"$POLICY" | sed -e '/^floor_mib = 320/d' -e '/^check_s = 1/d' >$CONF
	rm -f $STATE
	mark memd-pressure
	start_daemon
	grow
	n=$(grep -c 'online memory[0-9]* (256 MiB): memory pressure' $LOG)
	grep 'online memory' $LOG | sed 's/^/# /'
	echo "# pressure: program status $grow_rc, $(tail -n 1 /tmp/grow.out)"
	check "pressure: the program ended well or was OOM-killed (status $grow_rc)" \
		[ "$grow_rc" = 0 -o "$grow_rc" = 137 ]
	check "pressure: the trigger woke the daemon, every online for memory pressure ($n)" \
		[ "$n" -ge 1 -a "$n" = "$(grep -c 'online memory[0-9]* (' $LOG)" ]
	check "pressure: memory ran out, and the daemon never invoked the OOM killer itself" \
		daemon_no_oom pressure
	check "pressure: SIGTERM ends the daemon, status 0" stop_daemon
	# give back what it brought online
	printf 'floor_mib = 0\nceiling_mib = 256\n' >$CONF
	for _b in $(state_blocks); do
		$MEMD --config $CONF --state $STATE --once 2>>$LOG
	done
	check "pressure: all given back, consistent" none_online_nothing_assigned
	check "pressure: kernel log clean" clean_since memd-pressure
	check "pressure: the module unloads" unload
}

# control: the same program without the daemon
control() {
	check "control: the module loads" load mode=lazy
	mark memd-control
	grow
	expect_eq "control: without the daemon the program is OOM-killed" \
		"$grow_rc $(since memd-control | grep -c 'Out of memory')" "137 1"
	expect_eq "control: no block came online" "$(online_blocks)" 0
	check "control: the module unloads" unload
}

not_going_offline() {
	_st=$(mem_state "$1")
	echo "memory$1 $_st" >>/tmp/why
	{ [ "$_st" = online ] || [ "$_st" = offline ] || [ "$_st" = absent ]; } &&
		increments_consistent
}
# kills <mode>: kill -9 inside an online, then inside an offline
kills() {
	mode=$1
	check "kill -9 $mode: the module loads" load mode="$mode" increment_size=1M
	rm -f $STATE
	# one block online, forced by min_online_mib
	printf '%s\nmin_online_mib = 256\n' "$POLICY" >$CONF
	: >$LOG
	$MEMD --config $CONF --state $STATE --once 2>>$LOG &
	memd=$!
	kill_in_write $memd "kill -9 $mode: killed inside the write() of an online"
	echo "# kill -9 $mode, online: state file '$(state_blocks)', online: $(online_list)"
	check "kill -9 $mode: after the kill during an online, kernel, table and firmware agree" \
		increments_consistent
	# a restart finishes: what is listed is online, or is dropped
	printf '%s\n' "$POLICY" >$CONF
	$MEMD --config $CONF --state $STATE --once 2>>$LOG
	check "kill -9 $mode: a restart after it is consistent" ours_consistent
	# now an offline: a block of ours online, memory on it
	printf '%s\nmin_online_mib = 256\n' "$POLICY" >$CONF
	[ -n "$(state_blocks)" ] || $MEMD --config $CONF --state $STATE --once 2>>$LOG
	b=$(echo $(state_blocks))
	(echo 1000 >/proc/self/oom_score_adj && exec memgrow 600 64 0 600) >/tmp/grow.out 2>&1 &
	g=$!
	wait_for "done 600" 120 /tmp/grow.out
	# an offline still migrating after offline_timeout_s is interrupted:
	# the block stays online and ours, the run failed (--once: status 1)
	printf 'floor_mib = 0\nceiling_mib = 256\noffline_timeout_s = 1\n' >$CONF
	: >$LOG
	$MEMD --config $CONF --state $STATE --once 2>>$LOG
	expect_eq "offline $mode: past offline_timeout_s it is abandoned, the block stays online and ours" \
		"$? $(grep -c "memory$b: offline abandoned after 1 s: another block later" $LOG) $(mem_state "$b") $(echo $(state_blocks))" \
		"1 1 online $b"
	printf 'floor_mib = 0\nceiling_mib = 256\n' >$CONF
	: >$LOG
	$MEMD --config $CONF --state $STATE --once 2>>$LOG &
	memd=$!
	kill_in_write $memd "kill -9 $mode: killed inside the write() of an offline (memory$b)"
	echo "# kill -9 $mode, offline: memory$b $(mem_state $b), state file '$(state_blocks)'"
	check "kill -9 $mode: after the kill during an offline, kernel, table and firmware agree" \
		not_going_offline "$b"
	kill $g
	wait $g
	# a restart gives it back, or finds it given back
	$MEMD --config $CONF --state $STATE --once 2>>$LOG
	expect_eq "kill -9 $mode: a restart gives the block back" \
		"$(online_blocks) $(state_blocks)" "0 "
	check "kill -9 $mode: consistent at the end" ours_consistent
	check "kill -9 $mode: the module unloads" unload
}

backs_off() {
	grep -q 'next online tried in 2 s' $LOG && grep -q 'next online tried in 4 s' $LOG
}
none_online_nothing_assigned() {
	[ "$(online_blocks)" = 0 ] && [ -z "$(state_blocks)" ] && nothing_assigned
}
# refused: firmware refuses every assign while the program grows
refused() {
	check "refused: the module loads" load mode=configure
	echo "$POLICY" >$CONF
	rm -f $STATE
	fault "assign,response,count=100000"
	mark memd-refused
	start_daemon
	grow
	echo "# refused: program status $grow_rc, $(tail -n 1 /tmp/grow.out)"
	check "refused: the program was OOM-killed or survived (status $grow_rc)" \
		[ "$grow_rc" = 137 -o "$grow_rc" = 0 ]
	grep -E 'failed|next online' $LOG | head -n 6 | sed 's/^/# /'
	check "refused: each failed online is logged with the error" \
		grep -q 'configure failed: Input/output error' $LOG
	check "refused: the daemon backs off, the interval growing" backs_off
	check "refused: the daemon answers SIGTERM (no hang)" stop_daemon
	fault none
	check "refused: no block online, nothing assigned, consistent" \
		none_online_nothing_assigned
	check "refused: kernel log clean" clean_since memd-refused
	check "refused: the module unloads" unload
}

bad_reload_kept() {
	grep -q 'give_back_others = maybe invalid: must be yes or no' $LOG &&
		kill -0 $memd
}
# usage: --dry-run, bad configuration, SIGHUP
usage() {
	check "usage: the module loads" load mode=configure
	rm -f $STATE
	printf '%s\nmin_online_mib = 256\n' "$POLICY" >$CONF
	$MEMD --config $CONF --state $STATE --dry-run --once 2>$LOG
	expect_eq "usage: --dry-run says what it would do, changes nothing" \
		"$? $(grep -c 'online memory[0-9]* .*dry run: nothing done' $LOG) $(online_blocks) $(state_blocks)" \
		"0 1 0 "
	printf 'floor_mib = 300\nfloor_mib = -5\n' >$CONF
	$MEMD --config $CONF --state $STATE 2>$LOG
	expect_eq "usage: a bad value: exit status 2, one line" \
		"$? $(wc -l <$LOG)" "2 1"
	check "usage: ... which names the line, the value and what is allowed" \
		grep -q "$CONF:2: floor_mib = -5 invalid: must be a whole number from 0 to" $LOG
	printf 'floor_mib = 300\nceiling_mib = 400\n' >$CONF
	$MEMD --config $CONF --state $STATE 2>$LOG
	expect_eq "usage: a ceiling closer than one block to the floor: exit status 2" \
		"$? $(grep -c 'ceiling_mib = 400 invalid: must be at least floor_mib + one block (300 + 256 MiB)' $LOG)" "2 1"
	printf 'floor_mib = 300\nfloor_gib = 1\n' >$CONF
	$MEMD --config $CONF --state $STATE 2>$LOG
	expect_eq "usage: an unknown key: exit status 2" \
		"$? $(grep -c 'unknown key floor_gib' $LOG)" "2 1"
	expect_eq "usage: nothing changed by them" "$(online_blocks) $(state_blocks)" "0 "
	# max_online_mib: one block, then no more, however short memory is
	printf 'floor_mib = 4000\nceiling_mib = 4300\nmax_online_mib = 256\n' >$CONF
	$MEMD --config $CONF --state $STATE --once 2>$LOG
	$MEMD --config $CONF --state $STATE --once 2>>$LOG
	expect_eq "usage: max_online_mib = 256 stops at one block, and says so" \
		"$? $(online_blocks) $(grep -c 'no online: .*but 256 MiB online and max_online_mib = 256' $LOG)" \
		"0 1 1"
	# a block someone else brought online is not given back ...
	b=$(echo $(state_blocks))
	printf 'floor_mib = 0\nceiling_mib = 256\n' >$CONF
	: >$STATE
	$MEMD --config $CONF --state $STATE --once 2>$LOG
	expect_eq "usage: a block it did not bring online is not given back" \
		"$(mem_state "$b") $(grep -c 'give back' $LOG)" "online 0"
	# ... unless give_back_others = yes
	printf 'floor_mib = 0\nceiling_mib = 256\ngive_back_others = yes\n' >$CONF
	$MEMD --config $CONF --state $STATE --once 2>$LOG
	expect_eq "usage: give_back_others = yes gives it back" \
		"$(online_blocks) $(grep -c "memory$b given back" $LOG)" "0 1"
	echo "$POLICY" >$CONF
	start_daemon
	echo "give_back_others = maybe" >$CONF
	kill -HUP $memd
	wait_for "configuration kept" 10 $LOG
	check "usage: a bad reload is reported and the policy kept" bad_reload_kept
	printf '%s\nfloor_mib = 100\n' "$POLICY" | sed '/^floor_mib = 320/d' >$CONF
	kill -HUP $memd
	check "usage: SIGHUP reloads a good configuration" \
		wait_for "reload: floor 100 MiB, ceiling 640 MiB" 10 $LOG
	check "usage: SIGTERM ends it, status 0" stop_daemon
	check "usage: the module unloads" unload
}

# ssm.memd=short (make check): configure mode's growth and the usage
# checks; make check-full runs all of it
if [ "$(ssm_arg memd)" = short ]; then
	plan 31
	growth configure configure
	usage
	exit 0
fi
plan 90
growth lazy lazy increment_size=1M
growth configure configure
pressure
control
kills lazy
kills configure
refused
usage
