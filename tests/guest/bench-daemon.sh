# SPDX-License-Identifier: GPL-2.0
#
# make bench, the daemon part (ssm.bench=daemon; sourced by bench.sh): the
# program of 18-daemon (memgrow, to 1.6 GiB by 64 MiB every half second,
# with 1 GiB of boot memory and 1 GiB of standby memory) DREPS times with
# s390-standby-memd in configure mode on the pressure trigger alone (no
# floor), DREPS times with the floor and the trigger, DREPS times without
# it:
#
#   memd_trigger_to_online_ms pressure  from the pressure trigger's wake-up
#                                       to the block online (no floor)
#   memd_trigger_to_online_p95_ms       the 95th percentile of the first
#   memd_online_ms floor                one online (config and state
#                                       writes), floor and trigger
#   stall_full_ms with-daemon|without   /proc/pressure/memory "full" time
#                                       over the program's run (floor and
#                                       trigger; without the daemon: until
#                                       its OOM kill)
#   memd_peak_rss_kb                    the daemon's VmHWM at the end
#   memd_ended_well with-daemon|without runs in which the program ended
#                                       well (memd_runs: of how many)
MEMD=/usr/sbin/s390-standby-memd
DCONF=/tmp/bench-memd.conf
DLOG=/tmp/bench-memd.log
DSTATE=/run/bench-memd.blocks

stall_full_us() { sed -n 's/^full .*total=\([0-9]*\)$/\1/p' /proc/pressure/memory; }
# p95 of numbers on stdin (nearest rank)
p95() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR * 95 + 99) / 100)] }'; }

# one_run <policy: floor|pressure|none>: prints "<outcome> <stall ms>"
# and leaves the daemon's log in $DLOG, its VmHWM (kB) in /tmp/peak
one_run() {
	: >$DLOG
	rm -f $DSTATE
	d=""
	case $1 in
	floor)
		printf 'floor_mib = 320\nceiling_mib = 640\npressure_ms = 50\npressure_window_ms = 500\ninterval_s = 1\ncheck_s = 1\n' >$DCONF ;;
	pressure)
		printf 'floor_mib = 0\nceiling_mib = 640\npressure_ms = 1\npressure_window_ms = 500\ninterval_s = 1\ncheck_s = 3600\n' >$DCONF ;;
	esac
	if [ "$1" != none ]; then
		$MEMD --config $DCONF --state $DSTATE 2>$DLOG &
		d=$!
		wait_for "mode, blocks of" 10 $DLOG
	fi
	s0=$(stall_full_us)
	(echo 1000 >/proc/self/oom_score_adj && exec memgrow 1600 64 500 0) >/tmp/grow.out 2>&1
	rc=$?
	s1=$(stall_full_us)
	if [ -n "$d" ]; then
		awk '$1 == "VmHWM:" { print $2 }' /proc/$d/status >/tmp/peak
		kill $d
		wait $d
	fi
	# give back what came online: deconfigure every configured block
	# above boot memory (the module's; offline first)
	for b in $(our_blocks); do
		[ "$(mem_state "$b")" = online ] && offline_block "$b"
		[ "$(cat $FWMEM/memory$b/config)" = 1 ] && echo 0 >$FWMEM/memory$b/config
	done >/dev/null 2>&1
	echo "$([ $rc = 0 ] && echo 1 || echo 0) $(((s1 - s0) / 1000))"
}

DREPS=3
load mode=configure || { not_ok "daemon bench: configure load"; exit 1; }
plan $((3 * DREPS + 1))
trig="" onl="" stall_with="" stall_without="" out_with="" out_without="" peaks=""
for r in $(seq 1 $DREPS); do
	# the trigger alone: the program may die (18-daemon, README)
	set -- $(one_run pressure)
	t=$(sed -n 's/.*; in [0-9]* ms, \([0-9]*\) ms after the pressure trigger$/\1/p' $DLOG)
	trig="$trig $t"
	[ -n "$t" ] && ok "daemon bench $r: the pressure trigger woke the daemon" ||
		not_ok "daemon bench $r: the pressure trigger woke the daemon"
	set -- $(one_run floor)
	out_with="$out_with $1"
	stall_with="$stall_with $2"
	peaks="$peaks $(cat /tmp/peak)"
	onl="$onl $(sed -n 's/.*; in \([0-9]*\) ms\(, .*\)*$/\1/p' $DLOG)"
	[ "$1" = 1 ] && ok "daemon bench $r: floor and trigger, the program ended well" ||
		not_ok "daemon bench $r: floor and trigger, the program ended well"
	set -- $(one_run none)
	out_without="$out_without $1"
	stall_without="$stall_without $2"
	[ "$1" = 0 ] && ok "daemon bench $r: without the daemon, the program OOM-killed" ||
		not_ok "daemon bench $r: without the daemon, the program OOM-killed"
done
csv memd_trigger_to_online_ms pressure 256 ms $trig
csv memd_trigger_to_online_p95_ms pressure 256 ms $(echo $trig | tr ' ' '\n' | p95)
csv memd_online_ms floor 256 ms $onl
csv stall_full_ms with-daemon 1600 ms $stall_with
csv stall_full_ms without 1600 ms $stall_without
csv memd_peak_rss_kb daemon - kB $peaks
csv memd_ended_well with-daemon 1600 runs $(echo $out_with | tr ' ' '\n' | grep -c 1)
csv memd_ended_well without 1600 runs $(echo $out_without | tr ' ' '\n' | grep -c 1)
csv memd_runs with-daemon 1600 runs $DREPS
csv memd_runs without 1600 runs $DREPS
check "daemon bench: the module unloads" unload
echo "csv-end"
