#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module on the test machine (qemu/, scripts/build-qemu.sh), as a real
# machine runs it: backend=sclp, no mem=, the kernel's own standby code
# active. 2 GiB of boot memory, 1 GiB of standby memory from 0x80000000
# (element 1); the guest's shell (ssm.run=shell) is driven from here, the
# machine's state and storage command log read over QMP.
#
# Scenarios (second argument):
#   beside     (6.12, 6.1, and Debian's own kernels: bookworm 6.1,
#              trixie 6.12, the module as dkms built it there) beside
#              the kernel's SCLP memory notifier:
#              - a boot block taken offline first, its increments given
#                back by the kernel's notifier: the module leaves it to
#                the kernel (no takeover, no warning), the kernel brings
#                it back afterwards;
#              - the load reads what the kernel read (no READ SCP INFO)
#                and attaches nothing: the kernel's notifier attaches the
#                element once, at the first online, and never again;
#              - lazy (6.12) and configure mode: online and offline with
#                chmem; firmware (QMP), the kernel's blocks and the
#                module's table agree after every step; the unload gives
#                everything back;
#              - another notifier's veto (our kernels), the kernel's
#                unassign refused (the module repairs it), the module's
#                read of firmware's view refused, both unassigns refused
#                (stale until the unload), the kernel's failed online in
#                lazy mode (given back at the unload).
#   beside     (7.3) beside sclp_mem.c: the load refused with its dmesg
#              line, nothing sent to firmware; the kernel's own chmem
#              -c/-e/-d/-g work after it.
#   pressure   (6.12-failalloc) guarantee 6 beside the kernel's notifier,
#              which allocates a page and a request per increment it
#              assigns: an online with MemAvailable below 2 MiB; every
#              page allocation under the module's code failing (the
#              online and offline work, none is attempted); the same
#              under the kernel's notifier (sclp_mem_notifier()): the
#              online fails, the block offline, nothing assigned.
#   no-sclp-mem (7.3) sclp_mem.c failed at boot (READ STORAGE ELEMENT
#              INFO of element 1 answered 0x05f0): no /sys/firmware/memory,
#              no notifier. The module is alone, assigns before it adds,
#              and the machine has no addressing exception to report.
#              Its own requests under the machine's faults: attach at
#              load, assign and unassign refused, an answer 20 s late,
#              no answer (the module gives up after 60 s and stays
#              loaded until the answer comes).
#   alone      (6.12) the kernel's initcall failed to read element 1's
#              storage information at boot (answered 0x05f0), so it
#              registered no SCLP memory notifier and added no standby
#              memory, though firmware reports the facility. The module
#              finds no notifier and is alone: lazy mode, its own
#              notifier assigns at prepare-online and unassigns at
#              finish-offline. Its requests under the machine's faults:
#              an assign refused at online, answered 20 s late, never
#              answered (the module stays loaded until the answer comes);
#              an unassign refused at offline.
#
# Prints "ok - ..." / "not ok - ..." lines and "N passed, M failed" last;
# exits 1 when anything failed. Logs: $OUT (default build/model-module-...).
#
# Usage: tests/host/model-module.sh <6.12|6.1|7.3|6.12-failalloc|bookworm|trixie>
#                                   <beside|no-sclp-mem|alone|pressure>
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
KERNEL=${1:-6.12}
SCENARIO=${2:-beside}
OUT=${OUT:-$TOP/build/model-module-$KERNEL-$SCENARIO}
BOOT=2G
STANDBY=1G
STANDBY_BASE=$((0x80000000))
MOD=s390_standby_mem
DBG=/sys/kernel/debug/$MOD

case $KERNEL:$SCENARIO in
6.12:beside | 6.1:beside | 7.3:beside | 7.3:no-sclp-mem | 6.12:alone) ;;
6.12-failalloc:pressure) ;;
bookworm:beside | trixie:beside) ;;
*) echo "model-module: no scenario $SCENARIO for $KERNEL" >&2; exit 2 ;;
esac

# shellcheck source=tests/host/lib.sh
. "$TOP/tests/host/lib.sh"

# SERIES: the kernel series whose behaviour a step expects
case $KERNEL in
bookworm) SERIES=6.1 ;;
trixie) SERIES=6.12 ;;
*) SERIES=${KERNEL%%-*} ;;
esac

# --- the machine, the kernel, the module, the initramfs ---
model_qemu
kernel_module_initrd "$KERNEL"

ARGS=
# the memmap on the block: onlining needs no system memory but the
# kernel notifier's
[ "$SCENARIO" = pressure ] && ARGS=memory_hotplug.memmap_on_memory=1
# shellcheck disable=SC2086
boot "$B" "$work/initrd.gz" "standby-mem=$STANDBY" "$BOOT" $ARGS
# the initcall's read of element 1, the machine's only one, fails
if [ "$SCENARIO" = no-sclp-mem ] || [ "$SCENARIO" = alone ]; then
	refuse_storage_info_at_boot 1
fi
guest_up
ok "the guest boots on the model without mem= ($(console | grep -m1 -o 'Linux version [^ ]*'))"

guest "echo \"$(tagq BSZ) \$(cat /sys/devices/system/memory/block_size_bytes)\""
BLOCK=$((0x$(said BSZ)))
standby_state >"$OUT/qmp-boot.txt"
INC=$(sed -n 's/^increment-size //p' "$OUT/qmp-boot.txt")
M=$((STANDBY_BASE / BLOCK))
LASTB=$(((STANDBY_BASE + ${STANDBY%G} * 1024 * 1024 * 1024) / BLOCK - 1))
NINC=$((BLOCK / INC))
FIRST_RN=$((STANDBY_BASE / INC + 1))
NSTBY=$((${STANDBY%G} * 1024 * 1024 * 1024 / INC))
log "blocks of $((BLOCK >> 20)) MiB, increments of $((INC >> 20)) MiB: standby blocks $M-$LASTB, rn $FIRST_RN-$((FIRST_RN + NSTBY - 1))"
storage_log >"$OUT/log-boot.txt"

# first_rn <block>, last_rn <block>: its increments
first_rn() { echo $(($1 * BLOCK / INC + 1)); }
last_rn() { echo $((($1 + 1) * BLOCK / INC)); }

# agree <tag>: firmware (QMP), the kernel's blocks and the module's table
# say the same of every standby block, and the module's debugfs firmware
# file (its own read storage info) says what QMP says: the module's state matches the
# kernel's (standby: no block; offline; online), and the block's
# increments are all assigned where the module holds them and none where
# it does not. Element 1 has nothing assigned outside our blocks.
# Sets $why to the first disagreement.
agree() {
	local t=$1
	guest "awk 'NR > 1 && \$1 >= $M && \$1 <= $LASTB { print \"${t:0:1}\" \"${t:1}\", \$1, \$3, \$4 }' $DBG/blocks; for b in \$(seq $M $LASTB); do echo \"$(tagq "${t}K") \$b \$(cat /sys/devices/system/memory/memory\$b/state 2>/dev/null || echo absent)\"; done; echo \"$(tagq "${t}F") \$(awk 'NR > 1 && \$2 == \"assigned\" && \$1 >= $FIRST_RN && \$1 < $((FIRST_RN + NSTBY)) { printf \"%s,\", \$1 }' $DBG/firmware || echo unreadable)\""
	standby_state >"$OUT/qmp-$t.txt"
	# the debugfs read's own storage info requests belong to no step
	storage_log >/dev/null
	console | sed -n "s/^$t //p" >"$work/tbl"
	console | sed -n "s/^${t}K //p" >"$work/kst"
	console | sed -n "s/^${t}F //p" | head -n1 >"$work/fwv"
	why=$(python3 - "$work/tbl" "$work/kst" "$OUT/qmp-$t.txt" "$M" "$LASTB" "$((BLOCK / INC))" "$work/fwv" <<'EOF'
import sys
tbl = {int(b): (s, h) for b, s, h in (l.split() for l in open(sys.argv[1]))}
kst = {int(b): s for b, s in (l.split() for l in open(sys.argv[2]))}
assigned = {int(l.split()[1]) for l in open(sys.argv[3]) if l.startswith("assigned ")}
m, last, n = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
# the module's debugfs firmware file: a read storage info of its own
fwv = open(sys.argv[7]).read().strip()
if fwv == "unreadable" or {int(x) for x in fwv.split(",") if x} != assigned:
    print("debugfs firmware (%s) is not QMP's view (%d assigned)" % (fwv[:60] or "none", len(assigned))); sys.exit()
want = {"standby": "absent", "offline": "offline", "online": "online"}
ours = set()
for b in range(m, last + 1):
    if b not in tbl or b not in kst:
        print("block %d: not in the table or the kernel's list" % b); sys.exit()
    state, held = tbl[b]
    if want.get(state) != kst[b]:
        print("block %d: module %s, kernel %s" % (b, state, kst[b])); sys.exit()
    rns = set(range(b * n + 1, (b + 1) * n + 1))
    ours |= rns
    got = len(rns & assigned)
    if (held == "1" and got != n) or (held == "0" and got):
        print("block %d: held %s, %d of %d assigned" % (b, held, got, n)); sys.exit()
if assigned - ours:
    print("assigned outside our blocks: %d" % len(assigned - ours))
EOF
)
	[ -z "$why" ]
}
# mstates: "<block>:<kernel state>" of the standby blocks
mstates() {
	guest "echo \"$(tagq "$1") \$(for b in \$(seq $M $LASTB); do printf '%s:%s ' \$b \$(cat /sys/devices/system/memory/memory\$b/state 2>/dev/null || echo absent); done)\""
}
# run <tag> <command>: said <tag> is its exit status, <tag>O its output
run() {
	guest "{ $2; } >/tmp/o 2>&1; echo \"$(tagq "$1") \$?\"; echo \"$(tagq "$1O") \$(tr '\n' ' ' </tmp/o)\"" "${3:-300}"
}

# new_lines <tag>: the module's kernel lines since the last call in
# $OUT/<tag>-lines.txt
nlines=0
new_lines() {
	console | sed -n "s/.*\($MOD: .*\)/\1/p" | tail -n +$((nlines + 1)) >"$OUT/$1-lines.txt"
	nlines=$((nlines + $(wc -l <"$OUT/$1-lines.txt")))
}
# load <tag> [parameters]: modprobe, the module's kernel lines since the
# last load in $OUT/<tag>-lines.txt, the storage commands in
# $OUT/log-<tag>.txt; said <tag> is modprobe's exit status
load() {
	local t=$1
	shift
	run "$t" "modprobe $MOD $*" 600
	storage_log >"$OUT/log-$t.txt"
	log "storage commands at load: $(summary "$OUT/log-$t.txt")"
	new_lines "$t"
}
# online <tag> <block>, offline <tag> <block>: chmem -e / -d, the storage
# commands in $OUT/log-<tag>.txt
online() {
	run "$1" "chmem -e -b $2 -z Movable"
	storage_log >"$OUT/log-$1.txt"
}
offline() {
	run "$1" "chmem -d -b $2"
	storage_log >"$OUT/log-$1.txt"
}

# unload <tag>: modprobe -r, firmware's state after it in
# $OUT/qmp-<tag>.txt; said <tag> is modprobe's exit status, $left element
# 1's "<assigned>/<n> <attached>"
unload() {
	run "$1" "modprobe -r $MOD"
	standby_state >"$OUT/qmp-$1.txt"
	left=$(element1 "$OUT/qmp-$1.txt")
}
# all_offline <tag>: the kernel has every standby block, offline (said
# <tag> lists them)
all_offline() {
	mstates "$1"
	! said "$1" | tr ' ' '\n' | grep -v '^$' | grep -qv ':offline$'
}

# memfree <tag>: said <tag> is MemFree (kB) once the counters settled,
# by the guest suites' own settled_free_kb (13-adopt's)
memfree() {
	guest "(cd /tests/guest && . ./lib/common.sh && echo \"$(tagq "$1") \$(settled_free_kb)\")"
}

# counter <tag> <name>: said <tag> is the module's counter
counter() {
	guest "echo \"$(tagq "$1") \$(awk '\$1 == \"$2\" { print \$2 }' $DBG/counters)\""
}
# inject <command> <JSON members>: the machine's next such command fails
inject() { qmp s390x-sclp-storage-inject "{\"command\": \"$1\", $2}" >/dev/null; }
# config <tag> <0|1>: write memory$M's config; said <tag> its status,
# <tag>O the error; the storage commands in $OUT/log-<tag>.txt
config() {
	run "$1" "echo $2 >/sys/firmware/memory/memory$M/config" 600
	storage_log >"$OUT/log-$1.txt"
}

# unanswered <tag> <command> <report>: <command> while the machine holds
# the answer it waits for, then modprobe -r. While an answer is held the
# SCLP is busy, the console with it (an SCLP device): the commands are
# typed ahead, their output comes after the release, 100 s later. said
# <tag>: the command's status and <report> (shell text, expanded in the
# guest; /tmp/fn holds the command's output), <tag>O the requests
# unanswered before the unload, <tag>U modprobe -r's status and output,
# <tag>L the uptime and "loaded" if the module is, <tag>A the counters
# requests_unanswered and stale after the release; the storage commands
# in $OUT/log-<tag>.txt, the module's lines in $OUT/<tag>-lines.txt
unanswered() {
	local t=$1
	printf '%s\n' "{ $2; } >/tmp/fn 2>&1; echo \"$(tagq "$t") \$? $3\"; echo \"$(tagq "${t}O") \$(awk '\$1 == \"requests_unanswered\" { print \$2 }' $DBG/counters)\"; modprobe -r $MOD >/tmp/fn 2>&1; echo \"$(tagq "${t}U") \$? \$(tr '\n' ' ' </tmp/fn)\"; echo \"$(tagq "${t}L") \$(cut -d' ' -f1 /proc/uptime) \$([ -d /sys/module/$MOD ] && echo loaded)\"" >&7
	sleep 100
	qmp s390x-sclp-storage-release >/dev/null
	wait_for "^${t}L " 120
	guest "echo \"$(tagq "${t}A") \$(awk '\$1 == \"requests_unanswered\" || \$1 == \"stale\" { printf \"%s %s \", \$1, \$2 }' $DBG/counters)\""
	storage_log >"$OUT/log-$t.txt"
	new_lines "$t"
}

# faults: the module alone, its own requests through the real transport
# refused, slow, unanswered
faults() {
	local f l a s u
	f=$(first_rn $M)
	l=$(last_rn $M)
	# an assign refused: the configure fails, nothing stays assigned
	inject assign "\"rn\": $((f + 1)), \"count\": 1, \"response\": $((REFUSED))"
	config FA 1
	s=$(count "$OUT/log-FA.txt" assign 0x0020 "$f" "$l")
	u=$(count "$OUT/log-FA.txt" unassign 0x0020 "$f" "$l")
	agree AGFA
	[ "$(said FA) $s $u" = "1 1 1" ] && [ -z "$why" ]
	result $? "an assign refused ($REFUSED): the config write fails ($(said FAO)), the one assigned before it unassigned ($s assigned, $u unassigned); agree${why:+ ($why)}"
	# an unassign refused: deconfigured, one increment stale until the
	# next cycle gives it back
	config FU1 1
	inject unassign "\"rn\": $f, \"count\": 1, \"response\": $((REFUSED))"
	config FU2 0
	standby_state >"$OUT/qmp-FU2.txt"
	a=$(element1 "$OUT/qmp-FU2.txt")
	counter FUS stale
	[ "$(said FU1) $(said FU2) ${a%%/*} $(said FUS)" = "0 1 1 1" ]
	result $? "an unassign refused: the deconfigure reports it ($(said FU2O)), the block is removed, 1 increment stale (firmware: $a; the module: $(said FUS))"
	config FU3 1
	config FU4 0
	agree AGFU
	[ "$(said FU3) $(said FU4)" = "0 0" ] && [ -z "$why" ]
	result $? "the next configure and deconfigure ($(said FU3) $(said FU4)) give it back; agree${why:+ ($why)}"
	# a slow answer, within the module's wait (60 s) and the SCLP
	# driver's (30 s): the configure waits and works
	inject assign "\"rn\": $((f + 2)), \"hold\": true, \"hold-ms\": 20000"
	config FS 1
	s=$(count "$OUT/log-FS.txt" assign 0x0020 "$f" "$l")
	agree AGFS
	[ "$(said FS) $s" = "0 $NINC" ] && [ -z "$why" ]
	result $? "an assign answered after 20 s: the configure waits and works ($s assigns); agree${why:+ ($why)}"
	config FS2 0
	# No answer: the module gives up after 60 s and keeps the request,
	# and itself, until the answer comes (unanswered).
	inject assign "\"rn\": $f, \"hold\": true"
	unanswered FN "echo 1 >/sys/firmware/memory/memory$M/config" "\$(cat /tmp/fn)"
	log "no answer: $(summary "$OUT/log-FN.txt"); $(grep -c 'no answer from firmware' "$OUT/FN-lines.txt") requests unanswered in the log"
	a=$(grep -c "^assign $f 0x0020 held$" "$OUT/log-FN.txt")
	[ "$(said FN | cut -d' ' -f1) $(said FNO) $a" = "1 1 1" ]
	result $? "an assign answered never in 60 s: the configure gives up ($(said FN)), the request stays outstanding ($(said FNO)), its answer comes after the release ($a held)"
	[ "$(said FNU | cut -d' ' -f1)" != 0 ] && [ "$(said FNL | cut -d' ' -f2)" = loaded ]
	result $? "modprobe -r while the answer is outstanding is refused ($(said FNU)): the module stays loaded (at $(said FNL))"
	check "once the answer came nothing is outstanding, the increment it assigned stale ($(said FNA))" \
		[ "$(said FNA)" = "requests_unanswered 0 stale 1 " ]
}

# cycle_gives_back <online> <offline> <stale> <agree>: in lazy mode the
# next online and offline of block M give back what a fault left stale
cycle_gives_back() {
	online "$1" $M
	offline "$2" $M
	counter "$3" stale
	agree "$4"
	[ "$(said "$1") $(said "$2") $(said "$3")" = "0 0 0" ] && [ -z "$why" ]
	result $? "the next online and offline ($(said "$1") $(said "$2")) give it back (stale $(said "$3")); agree${why:+ ($why)}"
}

# lazy_faults: the module alone in lazy mode, its notifier's own
# requests through the real transport refused, slow, unanswered
lazy_faults() {
	local f l s u a
	f=$(first_rn $M)
	l=$(last_rn $M)
	# an assign refused at prepare-online: the online fails, the one
	# assigned before it is unassigned, the block stays offline
	inject assign "\"rn\": $((f + 1)), \"count\": 1, \"response\": $((REFUSED))"
	online LA $M
	s=$(count "$OUT/log-LA.txt" assign 0x0020 "$f" "$l")
	u=$(count "$OUT/log-LA.txt" unassign 0x0020 "$f" "$l")
	agree AGLA
	[ "$(said LA)" != 0 ] && [ "$s $u" = "1 1" ] && [ -z "$why" ] &&
		mstates LAS && [ "$(said LAS | tr ' ' '\n' | grep -c ":online$")" = 0 ]
	result $? "lazy online, an assign refused ($REFUSED): the online fails ($(said LA) $(said LAO)), the one assigned before it unassigned ($s assigned, $u unassigned), no block online; agree${why:+ ($why)}"
	# an unassign refused at finish-offline: the offline works, one
	# increment stale until the next cycle gives it back
	online LU1 $M
	inject unassign "\"rn\": $f, \"count\": 1, \"response\": $((REFUSED))"
	offline LU2 $M
	standby_state >"$OUT/qmp-LU2.txt"
	a=$(element1 "$OUT/qmp-LU2.txt")
	counter LUS stale
	[ "$(said LU1) $(said LU2) ${a%%/*} $(said LUS)" = "0 0 1 1" ]
	result $? "lazy offline, an unassign refused: the offline works ($(said LU2)), 1 increment stale (firmware: $a; the module: $(said LUS))"
	cycle_gives_back LU3 LU4 LUT AGLU
	# a slow answer within the module's wait: the online waits and works
	inject assign "\"rn\": $((f + 2)), \"hold\": true, \"hold-ms\": 20000"
	online LS $M
	s=$(count "$OUT/log-LS.txt" assign 0x0020 "$f" "$l")
	agree AGLS
	[ "$(said LS) $s" = "0 $NINC" ] && [ -z "$why" ]
	result $? "lazy online, an assign answered after 20 s: the online waits and works ($s assigns); agree${why:+ ($why)}"
	offline LS2 $M
	# No answer: the notifier gives up after 60 s, the online fails, and
	# the module keeps the request, and itself, until the answer comes
	# (unanswered).
	inject assign "\"rn\": $f, \"hold\": true"
	unanswered LN "chmem -e -b $M -z Movable" "\$(cat /sys/devices/system/memory/memory$M/state)"
	a=$(grep -c "^assign $f 0x0020 held$" "$OUT/log-LN.txt")
	[ "$(said LN | cut -d' ' -f1)" != 0 ] && [ "$(said LN | cut -d' ' -f2) $(said LNO) $a" = "offline 1 1" ]
	result $? "lazy online, an assign never answered in 60 s: the online fails, the block offline ($(said LN)), the request stays outstanding ($(said LNO)), its answer comes after the release ($a held)"
	[ "$(said LNU | cut -d' ' -f1)" != 0 ] && [ "$(said LNL | cut -d' ' -f2)" = loaded ]
	result $? "modprobe -r while the answer is outstanding is refused ($(said LNU)): the module stays loaded (at $(said LNL))"
	check "once the answer came nothing is outstanding, the increment it assigned stale ($(said LNA))" \
		[ "$(said LNA)" = "requests_unanswered 0 stale 1 " ]
	cycle_gives_back LN2 LN3 LNS AGLN
}

# pressure: guarantee 6 beside the kernel's notifier
# (the guest's functions are quoted for the guest's shell; set -- splits
# a tagged line into its fields)
# shellcheck disable=SC2016,SC2046
pressure() {
	local f l a
	f=$(first_rn $M)
	l=$(last_rn $M)
	load PLOAD
	line=$(sed -n "s/^$MOD: \(loaded: \)/\1/p" "$OUT/PLOAD-lines.txt")
	[ "$(said PLOAD)" = 0 ] && [ "${line#*situation=shared }" != "$line" ] &&
		[ "${line%memmap on memory}" != "$line" ]
	result $? "modprobe $MOD beside the kernel's notifier, the memmap on the block: \"$line\""
	# fill <kB>: memfill holds MemAvailable below it, the OOM killer's
	# first choice (as 07-pressure); up to 5 attempts
	guest 'fill() { for try in 1 2 3 4 5; do echo 3 >/proc/sys/vm/drop_caches; rm -f /tmp/fill.out; (echo 1000 >/proc/self/oom_score_adj && exec memfill "$1") >/tmp/fill.out 2>&1 & filler=$!; i=0; while [ $i -lt 300 ] && kill -0 $filler 2>/dev/null; do grep -q ready /tmp/fill.out && return 0; sleep 1; i=$((i + 1)); done; kill $filler 2>/dev/null; wait $filler 2>/dev/null; done; return 1; }'
	guest 'avail() { awk "/^MemAvailable/ { print \$2 }" /proc/meminfo; }'
	guest 'echo 0 >/proc/sys/vm/watermark_boost_factor; echo 1000000 >/proc/sys/vm/percpu_pagelist_high_fraction'
	guest "if fill 2048; then i=0; while a=\$(avail) && [ \$a -ge 2048 ] && [ \$i -lt 10 ]; do sleep 1; i=\$((i + 1)); done; chmem -e -b $M -z Movable 2>/tmp/pe; rc=\$?; kill -0 \$filler && alive=alive || alive=killed; kill \$filler; wait \$filler; else rc=fill a=- alive=-; fi; echo \"$(tagq PR) \$rc \$a \$alive \$(tr '\n' ' ' </tmp/fill.out) \$(cat /tmp/pe)\"" 900
	storage_log >"$OUT/log-PR.txt"
	s=$(count "$OUT/log-PR.txt" assign 0x0020 "$f" "$l")
	set -- $(said PR)
	agree AGPR
	[ "$1 $3 $s" = "0 alive $NINC" ] && [ "$2" -lt 2048 ] && [ -z "$why" ]
	result $? "memory$M online with MemAvailable at $2 kB (below 2048, memfill: ${*:4}): it works ($1), the filler $3, the kernel's notifier assigned $s; agree${why:+ ($why)}"
	offline POFF $M
	check "memory$M offline again ($(said POFF))" [ "$(said POFF)" = 0 ]

	# arm <first> <end>: fail every page allocation of a task that set
	# make-it-fail with code in [first, end) on its stack, counted down
	# from 100000 in times (16-noalloc)
	guest 'FI=/sys/kernel/debug/fail_page_alloc; arm() { echo $(($1)) >$FI/require-start; echo $(($2)) >$FI/require-end; echo 0 >$FI/min-order; echo N >$FI/ignore-gfp-wait; echo N >$FI/ignore-gfp-highmem; echo Y >$FI/task-filter; echo 0 >$FI/verbose; echo 100000 >$FI/times; echo 1 >$FI/interval; echo 100 >$FI/probability; }; disarm() { echo 0 >$FI/probability; }; forced() { echo $((100000 - $(cat $FI/times))); }; failing() { sh -c "echo 1 >/proc/self/make-it-fail && $1"; }'
	guest "set -- \$(awk '\$1 == \"$MOD\" { print \$6, \$2 }' /proc/modules); arm \$1 \$((\$1 + \$2)); failing 'chmem -e -b $M -z Movable' 2>/tmp/pe; rc=\$?; n=\$(forced); failing 'chmem -d -b $M' 2>>/tmp/pe; echo \"$(tagq NA) \$rc \$n \$? \$(forced) \$(tr '\n' ' ' </tmp/pe)\"; disarm" 600
	storage_log >"$OUT/log-NA.txt"
	s=$(count "$OUT/log-NA.txt" assign 0x0020 "$f" "$l")
	u=$(count "$OUT/log-NA.txt" unassign 0x0020 "$f" "$l")
	set -- $(said NA)
	agree AGNA
	[ "$1 $2 $3 $4 $s $u" = "0 0 0 0 $NINC $NINC" ] && [ -z "$why" ]
	result $? "every page allocation under the module failing: memory$M online ($1) and offline ($3) work, none attempted ($2, $4), the kernel's $s assigns and $u unassigns; agree${why:+ ($why)}"

	# the kernel's notifier: its range from /proc/kallsyms
	guest "set -- \$(sort /proc/kallsyms | awk '/ sclp_mem_notifier\$/ { a = \$1; next } a { print a, \$1; exit }'); echo \"$(tagq KR) 0x\$1 0x\$2\"; arm 0x\$1 0x\$2; failing 'chmem -e -b $M -z Movable' 2>/tmp/pe; rc=\$?; n=\$(forced); disarm; echo \"$(tagq NK) \$rc \$n \$(cat /sys/devices/system/memory/memory$M/state) \$(tr '\n' ' ' </tmp/pe)\"" 600
	storage_log >"$OUT/log-NK.txt"
	a=$(grep -c '^assign ' "$OUT/log-NK.txt")
	set -- $(said NK)
	agree AGNK
	[ "$1" != 0 ] && [ "$2" -gt 0 ] && [ "$3 $a" = "offline 0" ] && [ -z "$why" ]
	result $? "every page allocation under the kernel's notifier failing (sclp_mem_notifier() at $(said KR)): the online fails ($1: ${*:4}), $2 allocations failed, memory$M $3, $a assigns sent; agree${why:+ ($why)}"
	online PON $M
	offline POFF2 $M
	check "without the injection memory$M goes online and offline again ($(said PON) $(said POFF2))" \
		[ "$(said PON) $(said POFF2)" = "0 0" ]
	unload PUNLOAD
	[ "$(said PUNLOAD) ${left%%/*}" = "0 0" ] && ! warned
	result $? "unloaded: element 1 has nothing assigned ($left), no warning in the log"
}

if [ "$SCENARIO" = pressure ]; then
	pressure
	finish
fi

if [ "$SCENARIO" = no-sclp-mem ]; then
	log "storage commands at boot: $(summary "$OUT/log-boot.txt")"
	inj=$(grep -c "^read-storage-info 1 $REFUSED injected$" "$OUT/log-boot.txt")
	firmware_memory FW
	check "sclp_mem.c failed at boot: storage info of element 1 answered $REFUSED ($inj), no /sys/firmware/memory ($(said FW))" \
		[ "$inj $(said FW)" = "1 absent" ]
	# Its attach at load refused: configure mode loads all the same,
	# element 1 unattached, and the first config write attaches it.
	inject attach "\"element\": 1, \"count\": 1, \"response\": $((REFUSED))"
	load LOAD
	line=$(sed -n "s/^$MOD: \(loaded: \)/\1/p" "$OUT/LOAD-lines.txt")
	[ "$(said LOAD)" = 0 ] && [ "${line#*situation=alone }" != "$line" ]
	result $? "modprobe $MOD: loads alone, not beside a notifier the kernel never registered (\"$line\")"
	a=$(grep -c "^attach 1 $REFUSED injected$" "$OUT/log-LOAD.txt")
	warn=$(grep -o 'storage element 1: attach failed: .*' "$OUT/LOAD-lines.txt")
	check "alone, the module attaches element 1 at load itself: refused ($a), the load goes on and says so (\"$warn\")" \
		[ "$a $warn" = "1 storage element 1: attach failed: -5" ]
	config CFG 1
	a=$(count "$OUT/log-CFG.txt" attach 0x0020)
	s=$(count "$OUT/log-CFG.txt" assign 0x0020 "$(first_rn $M)" "$(last_rn $M)")
	agree AG1
	[ "$(said CFG) $a $s" = "0 1 $NINC" ] && [ -z "$why" ] && ! warned
	result $? "memory$M configured: the module attached element 1 ($a) and assigned its $NINC increments before the add ($s), no addressing exception; firmware, kernel and table agree${why:+ ($why)}"
	online ON $M
	agree AG2
	[ "$(said ON)" = 0 ] && [ -z "$why" ] && ! warned
	result $? "memory$M online ($(said ONO)); agree${why:+ ($why)}"
	# chmem -d (util-linux 2.42) takes the block offline and, where
	# /sys/firmware/memory is, deconfigures it: the module unassigns
	# after the block is removed
	offline OFF $M
	u=$(count "$OUT/log-OFF.txt" unassign 0x0020 "$(first_rn $M)" "$(last_rn $M)")
	new_lines OFF
	guest "echo \"$(tagq CF) \$(cat /sys/firmware/memory/memory$M/config)\""
	agree AG3
	[ "$(said OFF) $u $(said CF)" = "0 $NINC 0" ] && grep -q "memory block $M .*: deconfigured" "$OUT/OFF-lines.txt" &&
		[ -z "$why" ]
	result $? "chmem -d: memory$M offline and deconfigured (config $(said CF)), the module unassigned its $NINC increments after removing it ($u); agree${why:+ ($why)}"
	faults
	unload UNLOAD
	[ "$(said UNLOAD) ${left%%/*}" = "0 0" ] && ! warned
	result $? "unloaded: element 1 has nothing assigned ($left), no warning in the log"
	finish
fi

if [ "$SCENARIO" = alone ]; then
	log "storage commands at boot: $(summary "$OUT/log-boot.txt")"
	inj=$(grep -c "^read-storage-info 1 $REFUSED injected$" "$OUT/log-boot.txt")
	mstates KB
	n=$(said KB | tr ' ' '\n' | grep -c ':absent$')
	check "the kernel's initcall failed at boot: storage info of element 1 answered $REFUSED ($inj), none of the $((LASTB - M + 1)) standby blocks added ($n absent)" \
		[ "$inj $n" = "1 $((LASTB - M + 1))" ]
	# the load's own read of element 1 refused: the load fails before
	# it sends anything else
	inject read-storage-info "\"element\": 1, \"count\": 1, \"response\": $((REFUSED))"
	load RLOAD
	r=$(grep -c "^read-storage-info 1 $REFUSED injected$" "$OUT/log-RLOAD.txt")
	n=$(grep -vc '^read-storage-info ' "$OUT/log-RLOAD.txt")
	guest "echo \"$(tagq RMOD) \$([ -d /sys/module/$MOD ] && echo loaded || echo absent)\""
	[ "$(said RLOAD) $r $n $(said RMOD)" = "1 1 0 absent" ]
	result $? "the load's read of element 1's storage information refused ($r): modprobe fails ($(said RLOADO)), nothing else sent ($n other commands)"
	load LOAD
	line=$(sed -n "s/^$MOD: \(loaded: \)/\1/p" "$OUT/LOAD-lines.txt")
	why=$(grep -m1 -o "$MOD: firmware reports standby memory, but the kernel registered no SCLP memory notifier.*" "$OUT/LOAD-lines.txt")
	[ "$(said LOAD)" = 0 ] && [ "${line#*mode=lazy situation=alone }" != "$line" ] && [ -n "$why" ]
	result $? "modprobe $MOD: lazy mode, alone, not beside a notifier the kernel never registered (\"$line\"; \"$why\")"
	a=$(count "$OUT/log-LOAD.txt" attach 0x0020)
	s=$(grep -c '^assign ' "$OUT/log-LOAD.txt")
	agree AG1
	[ "$a $s" = "1 0" ] && [ -z "$why" ]
	result $? "alone, the load attaches element 1 itself ($a) and gives back what the attach assigned; its blocks offline, nothing assigned ($s assigns); agree${why:+ ($why)}"
	online ON $M
	s=$(count "$OUT/log-ON.txt" assign 0x0020 "$(first_rn $M)" "$(last_rn $M)")
	agree AG2
	[ "$(said ON) $s" = "0 $NINC" ] && [ -z "$why" ] && ! warned
	result $? "chmem -e: memory$M online ($(said ON)), the module's notifier assigned its $NINC increments ($s), no addressing exception; agree${why:+ ($why)}"
	offline OFF $M
	u=$(count "$OUT/log-OFF.txt" unassign 0x0020 "$(first_rn $M)" "$(last_rn $M)")
	agree AG3
	[ "$(said OFF) $u" = "0 $NINC" ] && [ -z "$why" ]
	result $? "chmem -d: memory$M offline ($(said OFF)), the module's notifier unassigned its $NINC increments ($u); agree${why:+ ($why)}"
	lazy_faults
	unload UNLOAD
	[ "$(said UNLOAD) ${left%%/*}" = "0 0" ] && ! warned
	result $? "unloaded: element 1 has nothing assigned ($left), no warning in the log"
	finish
fi

if [ "$KERNEL" = 7.3 ]; then
	# beside sclp_mem.c: the module refuses and sends firmware nothing;
	# the kernel's own code works on
	firmware_memory FW
	load LOAD
	line=$(grep -m1 -o "$MOD: standby memory is managed by the kernel itself.*" "$OUT/LOAD-lines.txt")
	guest "echo \"$(tagq MODS) \$([ -d /sys/module/$MOD ] && echo loaded || echo absent)\""
	[ "$(said FW)" = present ] && [ "$(said LOAD)" != 0 ] && [ -n "$line" ] &&
		[ "$(said MODS)" = absent ]
	result $? "beside sclp_mem.c (/sys/firmware/memory $(said FW)) modprobe $MOD is refused ($(said LOADO)), \"$line\""
	n=$(grep -c . "$OUT/log-LOAD.txt")
	check "the refused load sent firmware nothing ($n commands)" [ "$n" = 0 ]
	run CC "chmem -c -b $M && chmem -e -b $M -z Movable"
	storage_log >"$OUT/log-CC.txt"
	s=$(count "$OUT/log-CC.txt" assign 0x0020 "$(first_rn $M)" "$(last_rn $M)")
	run CD "chmem -d -b $M && chmem -g -b $M"
	storage_log >"$OUT/log-CD.txt"
	u=$(count "$OUT/log-CD.txt" unassign 0x0020 "$(first_rn $M)" "$(last_rn $M)")
	standby_state >"$OUT/qmp-CD.txt"
	left=$(element1 "$OUT/qmp-CD.txt")
	[ "$(said CC) $s $(said CD) $u ${left%%/*}" = "0 $NINC 0 $NINC 0" ] && ! warned
	result $? "the kernel's own code after it: chmem -c/-e memory$M ($(said CC), $s assigned), chmem -d/-g ($(said CD), $u unassigned), nothing left ($left), no warning"
	finish
fi

# --- 6.1: adopt=auto leaves the kernel's blocks where lsmem sees them ---
# mode=auto is configure mode there, and taking the kernel's blocks over
# in configure mode would move them out of /sys/devices/system/memory,
# where lsmem and chmem before util-linux 2.42 look: the default load is
# refused, the loads below ask with adopt=1.
TAKE=
if [ "$SERIES" = 6.1 ]; then
	TAKE=adopt=1
	load DEFLOAD
	n=$(grep -c . "$OUT/log-DEFLOAD.txt")
	rsi=$(grep -c '^read-storage-info ' "$OUT/log-DEFLOAD.txt")
	why=$(grep -m1 -o "$MOD: .*lsmem before 2.42 would not see them.*" "$OUT/DEFLOAD-lines.txt")
	hint=$(grep -m1 -o "$MOD: .*adopt=1 takes them over.*" "$OUT/DEFLOAD-lines.txt")
	[ "$(said DEFLOAD)" != 0 ] && [ -n "$why" ] && [ -n "$hint" ] &&
		[ "$n" = "$rsi" ] && all_offline MST0
	result $? "modprobe $MOD (adopt=auto, mode=auto: configure) beside the kernel's blocks: refused ($(said DEFLOADO)), \"$why\", \"$hint\"; only storage information read ($rsi of $n commands); the kernel's blocks untouched ($(said MST0))"
fi

# --- the first load, before any memory event: who attaches ---
memfree MF0
load LOAD1 $TAKE
memfree MF1
line=$(sed -n "s/^$MOD: \(loaded: \)/\1/p" "$OUT/LOAD1-lines.txt")
[ "$(said LOAD1)" = 0 ] && [ "${line#*situation=shared }" != "$line" ]
result $? "modprobe $MOD beside the kernel's notifier: \"$line\""
# The kernel added its standby blocks with their memmap in system memory
# (no EDAT-1 on the model): 64 bytes per 4 KiB page. The takeover removes
# them offline and says what that freed; lazy mode adds them again at
# once, here (no memory_hotplug.memmap_on_memory=1) with the memmap in
# system memory too: nothing freed. MemFree shows it, less what the
# settling cannot hold still (4 MiB, as 13-adopt).
want=$(((LASTB - M + 1) * BLOCK / 4096 * 64 >> 20))
case $line in
*"mode=lazy "*"memmap in system memory"*) want=0 ;;
esac
freed=$(sed -n 's/.*system memory freed: \([0-9]*\)M.*/\1/p' "$OUT/LOAD1-lines.txt")
measured=$((($(said MF1) - $(said MF0)) / 1024))
[ "$freed" = "$want" ] && [ "$measured" -ge $((want - 4)) ]
result $? "the takeover says the system memory it freed with the $((LASTB - M + 1)) blocks' memmap, net of lazy mode's add: ${freed:-?}M said, ${want}M expected, ${measured}M more MemFree measured"
n=$(grep -c . "$OUT/log-LOAD1.txt")
rsi=$(grep -c '^read-storage-info ' "$OUT/log-LOAD1.txt")
scp=$(grep -c '^read-scp-info ' "$OUT/log-LOAD1.txt")
a=$(grep -c '^attach ' "$OUT/log-LOAD1.txt")
check "the load reads storage information only: $rsi reads, $a attaches, $scp READ SCP INFO, $((n - rsi)) other commands" \
	[ "$n $a $scp" = "$rsi 0 0" ]
agree AG1
check "after the load: firmware, kernel and table agree${why:+ ($why)}" [ -z "$why" ]
if [ "$SERIES" = 6.1 ]; then
	run CFG "echo 1 >/sys/firmware/memory/memory$M/config"
	check "memory$M configured ($(said CFG))" [ "$(said CFG)" = 0 ]
fi
online ON1 $M
log "first online: $(summary "$OUT/log-ON1.txt")"
a=$(count "$OUT/log-ON1.txt" attach 0x0020)
all=$(grep -c '^attach ' "$OUT/log-ON1.txt")
s=$(count "$OUT/log-ON1.txt" assign 0x0020 "$(first_rn $M)" "$(last_rn $M)")
agree AG2
[ "$(said ON1) $a $all $s" = "0 1 1 $NINC" ] && [ -z "$why" ]
result $? "memory$M online ($(said ON1)): the kernel attached element 1 once ($a of $all attaches answered 0x0020), assigned $s; agree${why:+ ($why)}"
online ON2 $((M + 1))
a=$(grep -c '^attach ' "$OUT/log-ON2.txt")
agree AG3
[ "$(said ON2) $a" = "0 0" ] && [ -z "$why" ]
result $? "memory$((M + 1)) online ($(said ON2)): no attach any more ($a); agree${why:+ ($why)}"
run OFF "chmem -d -b $M && chmem -d -b $((M + 1))"
storage_log >"$OUT/log-OFF.txt"
u=$(count "$OUT/log-OFF.txt" unassign 0x0020 "$(first_rn $M)" "$(last_rn $((M + 1)))")
agree AG4
[ "$(said OFF) $u" = "0 $((2 * NINC))" ] && [ -z "$why" ]
result $? "both offline again ($(said OFF)): their $((2 * NINC)) increments unassigned ($u); agree${why:+ ($why)}"

# --- beside the kernel's notifier: a veto, its refused unassign, what a
# failed online of the kernel's left; the unload's clean-up ---
f=$(first_rn $M)
if [ "$KERNEL" = 6.12 ] || [ "$KERNEL" = 6.1 ]; then
	# our kernels have notifier-error-inject (Debian's do not)
	NEI=/sys/kernel/debug/notifier-error-inject/memory
	guest "echo -12 >$NEI/actions/MEM_GOING_ONLINE/error"
	online VETO $M
	guest "echo 0 >$NEI/actions/MEM_GOING_ONLINE/error"
	agree AGV
	[ "$(said VETO)" != 0 ] && [ -z "$why" ] &&
		mstates VST && [ "$(said VST | tr ' ' '\n' | grep -c ":online$")" = 0 ]
	result $? "another notifier's veto (-ENOMEM at MEM_GOING_ONLINE) fails memory$M's online ($(said VETO) $(said VETOO)): no block online, nothing assigned ($(summary "$OUT/log-VETO.txt")); agree${why:+ ($why)}"
fi
# The kernel's unassign of the block's first increment refused: it
# carries on, the block goes offline; the module finds the increment
# still assigned after it and gives it back.
online RP1 $M
counter RPA repaired
inject unassign "\"rn\": $f, \"count\": 1, \"response\": $((REFUSED))"
offline RP2 $M
counter RPB repaired
counter RPS stale
r=$(grep -c "^unassign $f $REFUSED injected$" "$OUT/log-RP2.txt")
u=$(count "$OUT/log-RP2.txt" unassign 0x0020 "$f" "$f")
agree AGRP
[ "$(said RP1) $(said RP2) $r $u $(($(said RPB) - $(said RPA))) $(said RPS)" = "0 0 1 1 1 0" ] &&
	[ -z "$why" ]
result $? "the kernel's unassign of rn $f refused ($r): memory$M offline all the same ($(said RP2)), the module gave it back ($u unassign, repaired +$(($(said RPB) - $(said RPA))), stale $(said RPS)); agree${why:+ ($why)}"
# The module's own read of firmware's view refused at the offline: it
# unassigns to be sure (firmware answers 0x0120 for one not assigned)
online RV1 $M
inject read-storage-info "\"element\": 1, \"count\": 1, \"response\": $((REFUSED))"
offline RV2 $M
counter RVS stale
r=$(grep -c "^read-storage-info 1 $REFUSED injected$" "$OUT/log-RV2.txt")
u=$(count "$OUT/log-RV2.txt" unassign 0x0120 "$f" "$(last_rn $M)")
agree AGRV
[ "$(said RV1) $(said RV2) $r $u $(said RVS)" = "0 0 1 1 0" ] && [ -z "$why" ]
result $? "the module's read of firmware's view refused at memory$M's offline ($r): offline ($(said RV2)), it unassigned rn $f to be sure, answered 0x0120 ($u; $(summary "$OUT/log-RV2.txt")), nothing stale ($(said RVS)); agree${why:+ ($why)}"
# Both refused, the kernel's and the module's: stale until the unload
online ST1 $M
inject unassign "\"rn\": $f, \"count\": 2, \"response\": $((REFUSED))"
offline ST2 $M
counter STS stale
standby_state >"$OUT/qmp-ST2.txt"
a=$(element1 "$OUT/qmp-ST2.txt")
r=$(grep -c "^unassign $f $REFUSED injected$" "$OUT/log-ST2.txt")
[ "$(said ST1) $(said ST2) $r $(said STS) ${a%%/*}" = "0 0 2 1 1" ]
result $? "the kernel's and the module's unassign of rn $f refused ($r): memory$M offline ($(said ST2)), 1 increment stale (the module: $(said STS); firmware: $a) until the unload"
SWEPT=0
if [ "$SERIES" = 6.12 ]; then
	# lazy: the kernel's failed online leaves 63 assigned in a block the
	# module does not hold; the unload gives them back
	inject assign "\"rn\": $(($(first_rn $((M + 1))) + 1)), \"count\": 1, \"response\": $((REFUSED))"
	online FO $((M + 1))
	standby_state >"$OUT/qmp-FO.txt"
	a=$(element1 "$OUT/qmp-FO.txt")
	[ "$(said FO)" != 0 ] && [ "${a%%/*}" = "$NINC" ]
	result $? "lazy: memory$((M + 1))'s online fails with the kernel's 2nd assign refused ($(said FO) $(said FOO)): firmware has $a assigned (the kernel's $((NINC - 1)) and the stale one)"
	SWEPT=1
fi
unload UNLOAD1
new_lines UNLOAD1
sweep=$(grep -c "memory block $((M + 1)) \[.*\]: $((NINC - 1)) increments a failed online left assigned given back" "$OUT/UNLOAD1-lines.txt")
[ "$(said UNLOAD1) ${left%%/*} $sweep" = "0 0 $SWEPT" ] && all_offline MST1 &&
	grep -q 'unloaded: all standby memory returned to firmware' "$OUT/UNLOAD1-lines.txt"
result $? "unloaded ($(said UNLOAD1)): the stale increment$([ $SWEPT = 1 ] && echo " and what the kernel's failed online left") given back, element 1 has nothing assigned ($left), the kernel has its standby blocks back offline ($(said MST1))"

# --- a boot block offline: the kernel's notifier gave it back ---
OFFB=$((M - 2))
run BOFF "echo offline >/sys/devices/system/memory/memory$OFFB/state"
storage_log >"$OUT/log-BOFF.txt"
u=$(count "$OUT/log-BOFF.txt" unassign 0x0020 "$(first_rn $OFFB)" "$(last_rn $OFFB)")
check "boot block memory$OFFB offline ($(said BOFF)); the kernel's notifier unassigned its $NINC increments ($u)" \
	[ "$(said BOFF) $u" = "0 $NINC" ]
[ "$SERIES" = 6.12 ] && MODE=configure || MODE=auto
load LOAD2 "mode=$MODE" $TAKE
line=$(sed -n "s/^$MOD: \(loaded: \)/\1/p" "$OUT/LOAD2-lines.txt")
[ "$(said LOAD2)" = 0 ] && [ "${line#*mode=configure situation=shared }" != "$line" ]
result $? "modprobe $MOD mode=$MODE, configure mode beside the kernel's notifier: \"$line\""
check "no warning, oops or addressing exception at load" eval '! warned'
runs=$(grep -o 'Standby memory at .*' "$OUT/LOAD2-lines.txt" | tr '\n' ';')
check "the module's standby memory is the firmware's, boot memory$OFFB not in it: $runs" \
	[ "$runs" = "Standby memory at 0x80000000 (1024M of 1024M usable);" ]
took=$(grep -o 'took over [0-9]* of [0-9]*' "$OUT/LOAD2-lines.txt")
check "it took over the kernel's $((LASTB - M + 1)) standby blocks, nothing else (\"$took\")" \
	[ "$took" = "took over $((LASTB - M + 1)) of $((LASTB - M + 1))" ]
guest "echo \"$(tagq BST) \$(cat /sys/devices/system/memory/memory$OFFB/state 2>/dev/null || echo absent)\""
check "boot memory$OFFB stays the kernel's block, offline ($(said BST))" [ "$(said BST)" = offline ]
agree AG5
check "after the load: firmware, kernel and table agree${why:+ ($why)}" [ -z "$why" ]

# --- configure mode beside the kernel: no assign before it does ---
run CFG2 "echo 1 >/sys/firmware/memory/memory$M/config"
storage_log >"$OUT/log-CFG2.txt"
agree AG6
[ "$(said CFG2) $(grep -c . "$OUT/log-CFG2.txt")" = "0 0" ] && [ -z "$why" ]
result $? "memory$M configured ($(said CFG2)): added, nothing assigned yet ($(summary "$OUT/log-CFG2.txt")); agree${why:+ ($why)}"
online ON3 $M
s=$(count "$OUT/log-ON3.txt" assign 0x0020 "$(first_rn $M)" "$(last_rn $M)")
agree AG7
[ "$(said ON3) $s $(grep -c '^attach ' "$OUT/log-ON3.txt")" = "0 $NINC 0" ] && [ -z "$why" ]
result $? "memory$M online ($(said ON3)): the kernel assigned its $s increments, nobody attached; agree${why:+ ($why)}"
offline OFF3 $M
run DECFG "echo 0 >/sys/firmware/memory/memory$M/config"
agree AG8
[ "$(said OFF3) $(said DECFG)" = "0 0" ] && [ -z "$why" ]
result $? "memory$M offline and deconfigured ($(said OFF3) $(said DECFG)); agree${why:+ ($why)}"

# --- a failed online of the kernel's notifier, then deconfigure ---
# Its assign of the block's second increment refused: 6.12's notifier
# assigned the others and gets no finish-offline; 6.1's undoes them
# (MEM_CANCEL_ONLINE). The deconfigure gives back what is left.
run CFG3 "echo 1 >/sys/firmware/memory/memory$M/config"
storage_log >/dev/null
qmp s390x-sclp-storage-inject "{\"command\": \"assign\", \"rn\": $(($(first_rn $M) + 1)), \"count\": 1, \"response\": $((REFUSED))}" >/dev/null
online ON6 $M
standby_state >"$OUT/qmp-ON6.txt"
left=$(element1 "$OUT/qmp-ON6.txt" | cut -d/ -f1)
[ "$SERIES" = 6.12 ] && want=$((NINC - 1)) || want=0
[ "$(said CFG3)" = 0 ] && [ "$(said ON6)" != 0 ] && [ "$left" = "$want" ]
result $? "memory$M configured ($(said CFG3)), its online fails with the kernel's assign refused ($(said ON6) $(said ON6O)): the kernel left $left increments assigned"
run DECFG3 "echo 0 >/sys/firmware/memory/memory$M/config"
storage_log >"$OUT/log-DECFG3.txt"
u=$(count "$OUT/log-DECFG3.txt" unassign 0x0020 "$(first_rn $M)" "$(last_rn $M)")
given=$(console | grep -o "memory block $M \[[^]]*\]: [0-9]* increments a failed online left assigned given back" | tail -n1)
agree AG11
[ "$(said DECFG3) $u" = "0 $want" ] && [ -z "$why" ] &&
	{ [ "$want" = 0 ] || [ -n "$given" ]; }
result $? "memory$M deconfigured ($(said DECFG3)): the module unassigned the $u the kernel left (\"$given\"); agree${why:+ ($why)}"

# --- boot memory back, the module gone ---
run BON "echo online >/sys/devices/system/memory/memory$OFFB/state"
storage_log >"$OUT/log-BON.txt"
s=$(count "$OUT/log-BON.txt" assign 0x0020 "$(first_rn $OFFB)" "$(last_rn $OFFB)")
check "boot memory$OFFB online again ($(said BON)): the kernel's notifier assigned its $NINC increments ($s)" \
	[ "$(said BON) $s" = "0 $NINC" ]
unload UNLOAD2
[ "$(said UNLOAD2) ${left%%/*}" = "0 0" ] && all_offline MST2 && ! warned
result $? "unloaded ($(said UNLOAD2)): element 1 has nothing assigned ($left), the kernel has its standby blocks back offline ($(said MST2)), no warning in the log"

# --- a takeover racing an offline of the kernel's online block ---
# test_adopt_delay_ms holds the takeover between finding memory$M online
# and taking it: an offline runs into that window, the kernel's notifier
# unassigns its increments, and the takeover must see the block offline.
online ON4 $M
check "the kernel's memory$M online ($(said ON4))" [ "$(said ON4)" = 0 ]
guest "modprobe $MOD test_adopt_delay_ms=20000 $TAKE >/tmp/lo 2>&1 & echo \"$(tagq LPID) \$!\""
# the module is in its init (its /sys/module directory is there) and past
# finding memory$M online: its discovery takes well under 5 s
guest "while [ ! -d /sys/module/$MOD ]; do sleep 1; done; sleep 5"
run RACEOFF "chmem -d -b $M"
guest "wait $(said LPID); echo \"$(tagq RACELOAD) \$?\"" 300
storage_log >"$OUT/log-RACE.txt"
new_lines RACE
took=$(grep -o 'took over .*' "$OUT/RACE-lines.txt" | cut -d';' -f1)
u=$(count "$OUT/log-RACE.txt" unassign 0x0020 "$(first_rn $M)" "$(last_rn $M)")
s=$(count "$OUT/log-RACE.txt" assign 0x0020 "$(first_rn $M)" "$(last_rn $M)")
[ "$(said RACEOFF) $(said RACELOAD) $u $s" = "0 0 $NINC 0" ] &&
	[ "$took" = "took over 4 of 4 standby blocks the kernel had added at boot: 4 offline, 0 online" ]
result $? "memory$M offline ($(said RACEOFF)) while the takeover held it: the kernel unassigned its $u increments, the module assigned $s, and took it over offline (\"$took\")"
agree AG9
check "after the takeover: firmware, kernel and table agree${why:+ ($why)}" [ -z "$why" ]
online ON5 $M
agree AG10
[ "$(said ON5)" = 0 ] && [ -z "$why" ]
result $? "memory$M comes online again through the module ($(said ON5) $(said ON5O)); agree${why:+ ($why)}"
offline OFF5 $M
unload UNLOAD3
[ "$(said OFF5) $(said UNLOAD3) ${left%%/*}" = "0 0 0" ] && ! warned
result $? "offline ($(said OFF5)) and unloaded ($(said UNLOAD3) $(said UNLOAD3O)): nothing assigned ($left), no warning in the log"

# --- adopt=0: the kernel's blocks left to it, the load refused ---
load NOADOPT adopt=0
n=$(grep -c . "$OUT/log-NOADOPT.txt")
rsi=$(grep -c '^read-storage-info ' "$OUT/log-NOADOPT.txt")
why=$(grep -m1 -o "$MOD: .*adopt=0.*" "$OUT/NOADOPT-lines.txt")
[ "$(said NOADOPT)" != 0 ] && [ "$n" = "$rsi" ] && [ -n "$why" ] && all_offline MST4
result $? "modprobe $MOD adopt=0 beside the kernel's blocks: refused ($(said NOADOPTO)), \"$why\"; only storage information read ($rsi of $n commands); the kernel's blocks untouched ($(said MST4))"

# --- an online racing the takeover of the kernel's offline block ---
# The takeover finds memory$M offline and waits; chmem -e runs into that
# window: the kernel's notifier assigns, remove_memory() is refused, and
# the module must take the block over online.
guest "modprobe $MOD test_adopt_delay_ms=20000 $TAKE >/tmp/lo 2>&1 & echo \"$(tagq LPID2) \$!\""
guest "while [ ! -d /sys/module/$MOD ]; do sleep 1; done; sleep 5"
online RACEON $M
guest "wait $(said LPID2); echo \"$(tagq RACELOAD2) \$?\"" 300
new_lines RACE2
took=$(grep -o 'took over .*' "$OUT/RACE2-lines.txt" | cut -d';' -f1)
s=$(count "$OUT/log-RACEON.txt" assign 0x0020 "$(first_rn $M)" "$(last_rn $M)")
agree AG12
[ "$(said RACEON) $(said RACELOAD2) $s" = "0 0 $NINC" ] && [ -z "$why" ] &&
	[ "$took" = "took over 4 of 4 standby blocks the kernel had added at boot: 3 offline, 1 online" ]
result $? "memory$M online ($(said RACEON)) while the takeover held it: the kernel assigned its $s increments, the module took it over online (\"$took\"); agree${why:+ ($why)}"
offline OFF6 $M
unload UNLOAD4
[ "$(said OFF6) $(said UNLOAD4) ${left%%/*}" = "0 0 0" ] && ! warned
result $? "offline through the module ($(said OFF6)) and unloaded ($(said UNLOAD4)): nothing assigned ($left), no warning in the log"

# --- an online racing the unload (lazy mode) ---
# Once delete_module() has begun, an online no longer pins the module;
# beside the kernel's notifier, which has assigned by then, it goes on.
# test_unload_delay_ms holds the unload there: memory$M, taken over
# offline and added again by the module, goes online in that window. The
# unload must take it back like any block of its own and give it to the
# kernel offline, not leave it online in the module's memory group.
if [ "$SERIES" = 6.12 ]; then
	load LOAD5 test_unload_delay_ms=10000
	guest "modprobe -r $MOD >/tmp/ro 2>&1 & echo \"$(tagq RPID) \$!\""
	guest "while [ \"\$(cat /sys/module/$MOD/initstate 2>/dev/null)\" = live ]; do sleep 0.2; done"
	online RACEU $M
	guest "wait $(said RPID); echo \"$(tagq RUL) \$?\"" 300
	standby_state >"$OUT/qmp-RUL.txt"
	left=$(element1 "$OUT/qmp-RUL.txt")
	new_lines RUL
	grp=$(grep -c "memory group still in use" "$OUT/RUL-lines.txt")
	guest "echo \"$(tagq RGONE) \$(test -d /sys/module/$MOD && echo loaded || echo gone)\""
	[ "$(said RACEU) $(said RUL) $(said RGONE) ${left%%/*} $grp" = "0 0 gone 0 0" ] &&
		all_offline MST5 && ! warned
	result $? "memory$M online ($(said RACEU)) while the unload held: unloaded ($(said RUL), module $(said RGONE)), the kernel has its blocks back offline ($(said MST5)), nothing assigned ($left), $grp \"memory group still in use\", no warning"
fi
finish
