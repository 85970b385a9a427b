#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel alone on the test machine (qemu/, scripts/build-qemu.sh): the
# real machine's baseline, before any module. Boots one kernel, without
# mem=, on the patched QEMU with 1 GiB of boot memory and 1 GiB of standby
# memory (2 MiB increments, rn 513-1024 in element 1; the first standby
# block, memory4 of 256 MiB or memory8 of 128 MiB from 7.x, begins at rn
# 513), drives the guest's shell (ssm.run=shell) with the release's
# lsmem and chmem, and reads the machine's state over QMP:
#   - the kernel detects standby memory (storage info sees only assigned
#     increments) and creates its blocks, with nothing assigned;
#   - lsmem shows the blocks; chmem makes the kernel attach the element and
#     assign a block's increments, then unassign them (QMP log: each one);
#   - an answer held back by the machine delays the kernel, which waits;
#   - the kernel's own code under injected faults (assign refused on the
#     second increment of a block; unassign refused): what it leaves
#     behind, in the guest and in QMP (the rows in README, "Test machine");
#   - our kernels only (tests/host/poke is built against them): an access
#     to an unassigned increment is an addressing exception, caught with a
#     fixup, then fatal without one.
# Up to 6.18 (6.1, 6.12, Debian's) the kernel adds standby memory offline
# at boot and assigns in its memory notifier (sclp_cmd.c); from 6.19
# (7.3) blocks appear only when configured, /sys/firmware/memory/memoryN/
# config (sclp_mem.c; chmem -c/-g), which assigns and unassigns.
#
# Prints "ok - ..." / "not ok - ..." lines and "N passed, M failed" last;
# exits 1 when anything failed. Logs: $OUT (default build/model-<kernel>).
#
# Usage: tests/host/model-kernel.sh [6.12|6.1|7.3|bookworm|trixie] [scenario]
#   (as root: builds what it needs; bookworm and trixie are Debian's own
#   kernels of that release, unmodified: scripts/debian-kernel.sh)
# Scenarios other than the default, up to 6.18 (the notifier):
#   lost-attach         the answer to the kernel's first attach is lost
#                       (0x05f0 after the element was attached): the
#                       kernel attaches again at every memory event and
#                       the machine answers 0x0120 (its default)
#   lost-attach-repeat  the same on a machine that answers an attach of
#                       an attached element like a first one
#                       (standby-attach-again=repeat)
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
KERNEL=${1:-6.12}
SCENARIO=${2:-baseline}
OUT=${OUT:-$TOP/build/model-$KERNEL${2:+-$2}}
CROSS=${CROSS_COMPILE:-s390x-linux-gnu-}
# 1 GiB boot memory, 1 GiB standby memory: 2 MiB increments (the smallest
# whose 512 entries per element fit one SCCB). The memory block size is
# the kernel's: read in the guest once it is up.
BOOT=1G
STANDBY=1G
STANDBY_BASE=$((0x40000000))

case $KERNEL in
6.1 | 6.12 | bookworm | trixie) STYLE=notifier ;;
7.3) STYLE=config ;;
*) echo "model-kernel: unknown kernel $KERNEL (6.12, 6.1, 7.3, bookworm, trixie)" >&2; exit 2 ;;
esac
MACHINE="standby-mem=$STANDBY"
case $STYLE:$SCENARIO in
*:baseline | notifier:lost-attach) ;;
notifier:lost-attach-repeat) MACHINE="$MACHINE,standby-attach-again=repeat" ;;
*) echo "model-kernel: no scenario $SCENARIO for $KERNEL" >&2; exit 2 ;;
esac

# shellcheck source=tests/host/lib.sh
. "$TOP/tests/host/lib.sh"

# --- the machine, the kernel, the initramfs ---
model_qemu
poke=""
case $KERNEL in
bookworm | trixie)
	B=$("$TOP/scripts/debian-kernel.sh" "$KERNEL" 2>"$OUT/build-kernel.log" | tail -n1)
	;;
*)
	B=$("$TOP/scripts/build-kernel.sh" "$KERNEL" 2>"$OUT/build-kernel.log" | tail -n1)
	cp -r "$TOP/tests/host/poke" "$work/poke"
	if ! make -s -C "$B" M="$work/poke" ARCH=s390 CROSS_COMPILE="$CROSS" \
		modules >"$OUT/poke-build.log" 2>&1; then
		notok "ssm_poke.ko builds (see $OUT/poke-build.log)"
		finish
	fi
	poke=$work/poke/ssm_poke.ko
	;;
esac
[ -f "$B/arch/s390/boot/bzImage" ] || { notok "kernel $KERNEL available (see $OUT/build-kernel.log)"; finish; }
# shellcheck disable=SC2086
"$TOP/scripts/initramfs.sh" "$B" "$work/initrd.gz" $poke \
	2>"$OUT/initramfs.log" || { notok "initramfs builds"; finish; }

# --- boot ---
boot "$B" "$work/initrd.gz" "$MACHINE" "$BOOT"
# state <block> <tag>: the block's state (sysfs), "absent" without one,
# then said <tag> (guest must not run in a subshell: it counts)
state() {
	guest "echo \"$2 \$(cat /sys/devices/system/memory/memory$1/state 2>/dev/null || echo absent)\""
}

guest_up
ok "the guest boots on the model without mem= ($(console | grep -m1 -o 'Linux version [^ ]*'))"

line=$(console | grep -m1 -Eo 'Standby memory at 0x[0-9a-f]+ \([0-9]+M of [0-9]+M usable\)')
check "the kernel detects standby memory: \"$line\"" \
	[ "$line" = "Standby memory at 0x40000000 (1024M of 1024M usable)" ]

standby_state >"$OUT/qmp-boot.txt"
log "QMP after boot: $(grep element "$OUT/qmp-boot.txt" | tr '\n' ';')"
check "QMP: boot memory assigned, standby memory unassigned and detached" \
	grep -qx "element 0 512/512 attached" "$OUT/qmp-boot.txt"
check "QMP: element 1 detached, none of its 512 increments assigned" \
	[ "$(element1 "$OUT/qmp-boot.txt")" = "0/512 detached" ]
storage_log >"$OUT/log-boot.txt"
log "storage commands at boot: $(summary "$OUT/log-boot.txt")"

# The first standby block M: its increments rn FIRST_RN-LAST_RN (NINC).
guest 'echo "BSZ $(cat /sys/devices/system/memory/block_size_bytes)"'
BLOCK=$((0x$(said BSZ)))
INC=$(sed -n 's/^increment-size //p' "$OUT/qmp-boot.txt")
M=$((STANDBY_BASE / BLOCK))
LASTB=$(((STANDBY_BASE + ${STANDBY%G} * 1024 * 1024 * 1024) / BLOCK - 1))
NINC=$((BLOCK / INC))
FIRST_RN=$((STANDBY_BASE / INC + 1))
LAST_RN=$((FIRST_RN + NINC - 1))
log "memory blocks of $((BLOCK >> 20)) MiB, increments of $((INC >> 20)) MiB: standby blocks $M-$LASTB, memory$M is rn $FIRST_RN-$LAST_RN"

# --- a lost attach answer (scenarios lost-attach*) ---
if [ "$SCENARIO" != baseline ]; then
	# online <block> <tag>: chmem -e, then said <tag> is "<status> <state>"
	online() {
		guest "chmem -e -b $1 -z Movable >/dev/null 2>&1; echo \"$2 \$? \$(cat /sys/devices/system/memory/memory$1/state)\"" 300
	}
	qmp s390x-sclp-storage-inject "{\"command\": \"attach\", \"element\": 1, \"count\": 1, \"response\": $((REFUSED)), \"act\": true}" >/dev/null
	if [ "$SCENARIO" = lost-attach-repeat ]; then
		# The online's next notifier call attaches again; the machine
		# lists all 512, the kernel unassigns them, memory M's among
		# them, while it brings memory M online: it dies of it.
		printf 'chmem -e -b %d -z Movable\n' "$M" >&7
		wait_for 'addressing exception: 0005' 120
		sleep 2
		line=$(console | grep -m1 -o 'addressing exception: 0005.*')
		comm=$(console | grep -A3 -m1 'addressing exception: 0005' | grep -o 'Comm: [a-z]*')
		psw=$(console | grep -A6 -m1 'addressing exception: 0005' | grep -o 'Krnl PSW : [0-9a-f]* [0-9a-f]* ([a-z_+0-9x/]*)')
		storage_log >"$OUT/log-repeat.txt"
		log "the online: $(summary "$OUT/log-repeat.txt")"
		a=$(grep -c '^attach 1 0x0020$' "$OUT/log-repeat.txt")
		u=$(count "$OUT/log-repeat.txt" unassign 0x0020 $FIRST_RN $LAST_RN)
		[ -n "$line" ] && [ "$comm" = "Comm: chmem" ] && [ "$a $u" = "1 $NINC" ]
		result $? "standby-attach-again=repeat: the kernel attaches again during the online ($a x 0x0020), unassigns all the machine lists, memory$M's $u among them, and dies bringing memory$M online: \"$line\", $comm, ${psw#Krnl PSW : }"
		echo "$KERNEL lost-attach-repeat: the kernel's second attach unassigned the element, memory$M's increments too, during its online: addressing exception in $comm" >"$OUT/reference.txt"
		finish
	fi
	online $M LA1
	storage_log >"$OUT/log-lost-attach.txt"
	standby_state >"$OUT/qmp-lost-attach.txt"
	log "first online, attach answer lost: $(summary "$OUT/log-lost-attach.txt")"
	inj=$(grep -c "^attach 1 $REFUSED injected$" "$OUT/log-lost-attach.txt")
	again=$(count "$OUT/log-lost-attach.txt" assign 0x0120 $FIRST_RN $LAST_RN)
	u=$(count "$OUT/log-lost-attach.txt" unassign 0x0020)
	check "attach answered $REFUSED after attaching: memory$M online all the same ($(said LA1)), its $again assigns answered 0x0120, $u unassigns, element 1 $(element1 "$OUT/qmp-lost-attach.txt")" \
		[ "$inj $(said LA1) $again $u $(element1 "$OUT/qmp-lost-attach.txt")" = "1 0 online $NINC 0 512/512 attached" ]
	# The next memory event: the kernel attaches element 1 again.
	online $((M + 1)) LA2
	storage_log >"$OUT/log-attach-again.txt"
	standby_state >"$OUT/qmp-attach-again.txt"
	log "second online, attach again: $(summary "$OUT/log-attach-again.txt")"
	left=$(element1 "$OUT/qmp-attach-again.txt")
	u=$(count "$OUT/log-attach-again.txt" unassign 0x0020)
	n=$(grep -c '^attach 1 0x0120$' "$OUT/log-attach-again.txt")
	check "the kernel attaches element 1 again at each of the online's 3 notifier calls, the machine answers 0x0120 ($n), memory$((M + 1)) online ($(said LA2)), nothing unassigned ($u): all 512 stay assigned ($left)" \
		[ "$n $(said LA2) $u $left" = "3 0 online 0 512/512 attached" ]
	guest "chmem -d -b $((M + 1)); echo \"LA3 \$? \$(cat /sys/devices/system/memory/memory$((M + 1))/state)\"" 300
	storage_log >"$OUT/log-lost-offline.txt"
	standby_state >"$OUT/qmp-lost-offline.txt"
	left=$(element1 "$OUT/qmp-lost-offline.txt")
	n=$(grep -c '^attach 1 0x0120$' "$OUT/log-lost-offline.txt")
	check "and at every event after ($n more): memory$((M + 1)) offline unassigns its $NINC, the $((512 - 2 * NINC)) increments of blocks never online stay assigned ($left)" \
		[ "$(said LA3) $n $left" = "0 offline 3 $((512 - NINC))/512 attached" ]
	echo "$KERNEL lost-attach: attach again answered 0x0120 at every event; assigned after one block went on and off: $left" >"$OUT/reference.txt"
	finish
fi

# lsmem of the release (util-linux 2.42): what an administrator sees.
guest 'lsmem -r -n -o RANGE,STATE,BLOCK | sed "s/^/LSMEM /"; echo "LSMEMRC $?"'
console | sed -n 's/^LSMEM //p' >"$OUT/lsmem-boot.txt"
log "lsmem: $(tr '\n' ';' <"$OUT/lsmem-boot.txt")"
if [ $STYLE = notifier ]; then
	check "lsmem: boot memory online (blocks 0-$((M - 1))), standby memory offline (blocks $M-$LASTB)" \
		[ "$(cat "$OUT/lsmem-boot.txt")" = "0x0000000000000000-0x000000003fffffff online 0-$((M - 1))
0x0000000040000000-0x000000007fffffff offline $M-$LASTB" ]
else
	guest "echo CF \$(for m in \$(seq $M $LASTB); do cat /sys/firmware/memory/memory\$m/config; done); echo NBLK \$(ls /sys/devices/system/memory | grep -c '^memory[0-9]')"
	check "sclp_mem.c: /sys/firmware/memory/memory$M-$LASTB not configured, no memory block above boot memory ($(said CF); $(said NBLK) blocks)" \
		[ "$(said CF | tr -d ' ') $(said NBLK)" = "$(printf "%0$((LASTB - M + 1))d" 0) $M" ]
	guest 'lsmem -r -n -o RANGE,STATE,BLOCK,CONFIGURED | sed "s/^/LSMEMC /"'
	console | sed -n 's/^LSMEMC //p' >"$OUT/lsmem-config.txt"
	log "lsmem with CONFIGURED: $(tr '\n' ';' <"$OUT/lsmem-config.txt")"
	check "lsmem: blocks $M-$LASTB listed as offline, not configured" \
		grep -qx "0x0000000040000000-0x000000007fffffff offline $M-$LASTB no" "$OUT/lsmem-config.txt"
fi

# --- chmem: the kernel assigns the block's increments ---
if [ $STYLE = config ]; then
	guest "chmem -v -c -b $M | sed 's/^/CHMEMC /'; echo \"CHMEMCRC \$?\"" 300
	state $M STC
	check "chmem -c -b $M configures memory$M, offline: \"$(said CHMEMC)\"" \
		[ "$(said CHMEMCRC) $(said STC)" = "0 offline" ]
fi
guest "chmem -v -e -b $M -z Movable | sed 's/^/CHMEME /'; echo \"CHMEMERC \$?\"" 300
state $M STE
check "chmem -e -b $M -z Movable: memory$M online ($(said CHMEME))" \
	[ "$(said CHMEMERC) $(said STE)" = "0 online" ]
storage_log >"$OUT/log-online.txt"
log "storage commands for configure/online: $(summary "$OUT/log-online.txt")"
a=$(count "$OUT/log-online.txt" attach 0x0020)
u=$(count "$OUT/log-online.txt" unassign 0x0020)
s=$(count "$OUT/log-online.txt" assign 0x0020 $FIRST_RN $LAST_RN)
all=$(wc -l <"$OUT/log-online.txt")
check "QMP log: the kernel attached element 1, unassigned its 512 increments, assigned rn $FIRST_RN-$LAST_RN, nothing else (got $a attach, $u unassigns, $s assigns, $all commands)" \
	[ "$a $u $s $all" = "1 512 $NINC $((1 + 512 + NINC))" ]
standby_state >"$OUT/qmp-online.txt"
check "QMP: element 1 attached, $NINC increments assigned" \
	[ "$(element1 "$OUT/qmp-online.txt")" = "$NINC/512 attached" ]
guest 'lsmem -r -n -o RANGE,STATE,BLOCK | sed "s/^/LSMEM2 /"'
check "lsmem: memory$M online" \
	console | grep -qx "LSMEM2 $(printf '0x%016x-0x%016x' $STANDBY_BASE $((STANDBY_BASE + BLOCK - 1))) online $M"

if [ -n "$poke" ]; then
	# Freshly assigned storage: readable; what the kernel has not written
	# yet still holds the model's fill pattern ("FRESHMEM").
	guest "modprobe ssm_poke && printf 0x%x $((STANDBY_BASE + BLOCK - 8)) >/sys/kernel/debug/ssm_poke/addr && echo \"RD1 \$(cat /sys/kernel/debug/ssm_poke/read)\""
	line=$(said RD1)
	check "the assigned increment is storage: read at the end of memory$M: $line" \
		[ "${line#0x}" != "$line" ]
fi

# --- chmem: the kernel unassigns them ---
if [ $STYLE = config ]; then
	# sclp_mem.c: offline alone leaves the increments assigned; the
	# block's config does the unassigns. chmem -d of util-linux 2.42
	# does both, one after the other; here they are done apart.
	guest "echo offline >/sys/devices/system/memory/memory$M/state; echo \"OFFRC \$?\"" 300
	state $M STO
	storage_log >"$OUT/log-offline-only.txt"
	check "sclp_mem.c: memory$M offline, nothing unassigned yet ($(said OFFRC) $(said STO), $(wc -l <"$OUT/log-offline-only.txt") commands)" \
		[ "$(said OFFRC) $(said STO) $(wc -l <"$OUT/log-offline-only.txt")" = "0 offline 0" ]
	guest "chmem -v -g -b $M | sed 's/^/CHMEMG /'; echo \"CHMEMGRC \$?\"" 300
	state $M STG
	check "chmem -g -b $M deconfigures memory$M, its block goes away ($(said CHMEMG))" \
		[ "$(said CHMEMGRC) $(said STG)" = "0 absent" ]
else
	guest "chmem -v -d -b $M | sed 's/^/CHMEMD /'; echo \"CHMEMDRC \$?\"" 300
	state $M STD
	check "chmem -d -b $M: memory$M offline ($(said CHMEMD))" \
		[ "$(said CHMEMDRC) $(said STD)" = "0 offline" ]
fi
storage_log >"$OUT/log-offline.txt"
u=$(count "$OUT/log-offline.txt" unassign 0x0020 $FIRST_RN $LAST_RN)
all=$(wc -l <"$OUT/log-offline.txt")
check "QMP log: the kernel unassigned rn $FIRST_RN-$LAST_RN, nothing else (got $u unassigns, $all commands)" \
	[ "$u $all" = "$NINC $NINC" ]
standby_state >"$OUT/qmp-offline.txt"
check "QMP: element 1 has no increment assigned" \
	[ "$(element1 "$OUT/qmp-offline.txt")" = "0/512 attached" ]

# Both directions again, with the machine's answers to the kernel's
# commands chosen from the host.
if [ $STYLE = config ]; then
	ON="chmem -c -b $M"
	OFF="chmem -g -b $M"
else
	ON="chmem -e -b $M -z Movable"
	OFF="chmem -d -b $M"
fi
# on <tag>, off <tag>: bring memory M in (configure or online) or out;
# then said <tag> is "<chmem's exit status> <memory M's state>"
# and said <tag>T the seconds it took, by the guest's clock.
# shellcheck disable=SC2016
# states: how many memory blocks are in each state, e.g. "4 offline 4 online"
# shellcheck disable=SC2016
guest 'states() { cat /sys/devices/system/memory/memory[0-9]*/state | sort | uniq -c | awk "{ printf \"%s%d %s\", (NR > 1 ? \" \" : \"\"), \$1, \$2 }"; }'
guest 'io() { t=$1; shift; a=$(cut -d" " -f1 /proc/uptime); "$@" >/dev/null 2>&1; rc=$?; b=$(cut -d" " -f1 /proc/uptime); echo "$t $rc $(cat /sys/devices/system/memory/memory'"$M"'/state 2>/dev/null || echo absent)"; echo "${t}T $(awk -v a="$a" -v b="$b" "BEGIN { printf \"%.1f\", b - a }")"; }'
on() { guest "io $1 $ON" 300; }
off() { guest "io $1 $OFF" 300; }
[ $STYLE = config ] && IN_STATE=offline || IN_STATE=online
[ $STYLE = config ] && OUT_STATE=absent || OUT_STATE=offline

# --- a held answer: the kernel waits for it ---
qmp s390x-sclp-storage-inject "{\"command\": \"assign\", \"rn\": $((FIRST_RN + 2)), \"hold\": true, \"hold-ms\": 3000}" >/dev/null
t0=$(date +%s.%N)
on HOLD
line=$(said HOLD)
t1=$(date +%s.%N)
storage_log >"$OUT/log-hold.txt"
held=$(grep -c "^assign $((FIRST_RN + 2)) 0x0020 held$" "$OUT/log-hold.txt")
s=$(count "$OUT/log-hold.txt" assign 0x0020 $FIRST_RN $LAST_RN)
took=$(said HOLDT)
[ "$line $held $s" = "0 $IN_STATE 1 $NINC" ] && [ "${took%.*}" -ge 3 ]
result $? "an assign answer held for 3 s of virtual time: the kernel waits, then goes on ($line; $took s by the guest's clock, $(printf '%.1f' "$(echo "$t1 - $t0" | bc)") s wall; $held held, $s assigns)"
off HOLDOFF
line=$(said HOLDOFF)
storage_log >/dev/null
check "and out again ($line)" [ "$line" = "0 $OUT_STATE" ]

# --- held until the host releases it ---
qmp s390x-sclp-storage-inject "{\"command\": \"assign\", \"rn\": $((FIRST_RN + 3)), \"hold\": true}" >/dev/null
(
	sleep 5
	qmp query-s390x-sclp-storage-log >"$OUT/log-before-release.json"
	qmp s390x-sclp-storage-release >/dev/null
) &
relpid=$!
on REL
wait "$relpid"
line=$(said REL)
storage_log >"$OUT/log-release.txt"
held=$(grep -c "^assign $((FIRST_RN + 3)) 0x0020 held$" "$OUT/log-release.txt")
s=$(count "$OUT/log-release.txt" assign 0x0020 $FIRST_RN $LAST_RN)
# before the release the log ends with the held request: the kernel
# sent nothing after it
before=$(python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))["requests"]; print(r[-1]["rn"] if r else 0)' "$OUT/log-before-release.json")
[ "$line $held $s $before" = "0 $IN_STATE 1 $NINC $((FIRST_RN + 3))" ]
result $? "an assign answer held until the host releases it (QMP, 5 s later): the kernel waits, then goes on ($line; the last request before the release: rn $before, the held one; $held held, $s assigns)"
off RELOFF
storage_log >/dev/null

# --- the kernel under injected faults: what it leaves behind ---
# Assign refused on the block's second increment. Up to 6.18 the kernel's
# sclp_mem_change_state() goes on assigning the rest; 6.1's notifier
# unassigns them all again (MEM_CANCEL_ONLINE), 6.8-6.18 have no undo
# for a refused MEM_PREPARE_ONLINE, and 7.3's config store has none.
qmp s390x-sclp-storage-inject "{\"command\": \"assign\", \"rn\": $((FIRST_RN + 1)), \"count\": 1, \"response\": $((REFUSED))}" >/dev/null
on AFAIL
line=$(said AFAIL)
storage_log >"$OUT/log-assign-refused.txt"
standby_state >"$OUT/qmp-assign-refused.txt"
log "assign refused: $(summary "$OUT/log-assign-refused.txt")"
inj=$(grep -c "^assign $((FIRST_RN + 1)) $REFUSED injected$" "$OUT/log-assign-refused.txt")
s=$(count "$OUT/log-assign-refused.txt" assign 0x0020 $FIRST_RN $LAST_RN)
u=$(count "$OUT/log-assign-refused.txt" unassign 0x0020 $FIRST_RN $LAST_RN)
left=$(element1 "$OUT/qmp-assign-refused.txt")
case $KERNEL in
6.1 | bookworm) # assigned the rest, then unassigned them
	want="$((NINC - 1)) $((NINC - 1)) 0/512 attached" ;;
*)	# the rest stay assigned
	want="$((NINC - 1)) 0 $((NINC - 1))/512 attached" ;;
esac
[ "$inj ${line%% *} ${line#* } $s $u $left" = "1 1 $OUT_STATE $want" ]
result $? "assign of rn $((FIRST_RN + 1)) refused ($REFUSED): memory$M stays out (\"$line\"), the kernel assigned $s others, unassigned $u, left $left"
echo "$KERNEL assign-refused: rc=${line%% *} block=${line#* } assigns=$s unassigns=$u left=$left" >"$OUT/reference.txt"
on AGAIN
line=$(said AGAIN)
storage_log >"$OUT/log-again.txt"
standby_state >"$OUT/qmp-again.txt"
log "again: $(summary "$OUT/log-again.txt")"
check "once the fault is gone the kernel brings memory$M in ($line, element 1 $(element1 "$OUT/qmp-again.txt"))" \
	[ "$line $(element1 "$OUT/qmp-again.txt")" = "0 $IN_STATE $NINC/512 attached" ]

# Unassign refused on the block's first increment: the kernel does not
# look at unassign's answer; the block goes out and the increment stays
# assigned (firmware keeps storage the guest no longer uses).
qmp s390x-sclp-storage-inject "{\"command\": \"unassign\", \"rn\": $FIRST_RN, \"count\": 1, \"response\": $((REFUSED))}" >/dev/null
off UFAIL
line=$(said UFAIL)
storage_log >"$OUT/log-unassign-refused.txt"
standby_state >"$OUT/qmp-unassign-refused.txt"
log "unassign refused: $(summary "$OUT/log-unassign-refused.txt")"
inj=$(grep -c "^unassign $FIRST_RN $REFUSED injected$" "$OUT/log-unassign-refused.txt")
u=$(count "$OUT/log-unassign-refused.txt" unassign 0x0020 $FIRST_RN $LAST_RN)
left=$(element1 "$OUT/qmp-unassign-refused.txt")
[ "$inj $line $u $left" = "1 0 $OUT_STATE $((NINC - 1)) 1/512 attached" ] &&
	grep -qx "assigned $FIRST_RN" "$OUT/qmp-unassign-refused.txt"
result $? "unassign of rn $FIRST_RN refused: memory$M goes out all the same ($line), $u unassigned, rn $FIRST_RN stays assigned ($left)"
echo "$KERNEL unassign-refused: rc=${line%% *} block=${line#* } unassigns=$u left=$left" >>"$OUT/reference.txt"
on BACK
line=$(said BACK)
storage_log >"$OUT/log-back.txt"
[ "$line" = "0 $IN_STATE" ] && grep -qx "assign $FIRST_RN 0x0120" "$OUT/log-back.txt"
result $? "and memory$M comes back in ($line; rn $FIRST_RN: $(grep "^assign $FIRST_RN " "$OUT/log-back.txt"))"
qmp s390x-sclp-storage-inject-clear >/dev/null

# --- all of standby memory at once, by size, as an administrator does:
# chmem -e 1G (from 6.19 it configures each block first) and -d 1G ---
off ALLPRE
storage_log >/dev/null
guest "chmem -e 1G; echo \"ALLON \$? \$(states)\"" 600
storage_log >"$OUT/log-all-on.txt"
standby_state >"$OUT/qmp-all-on.txt"
s=$(count "$OUT/log-all-on.txt" assign 0x0020 "$FIRST_RN" $((FIRST_RN + 511)))
check "chmem -e 1G: all of standby memory online ($(said ALLON)), the kernel assigned its 512 increments (got $s, element 1 $(element1 "$OUT/qmp-all-on.txt"))" \
	[ "$(said ALLON) $s $(element1 "$OUT/qmp-all-on.txt")" = "0 $((LASTB + 1)) online 512 512/512 attached" ]
guest "chmem -d 1G; echo \"ALLOFF \$? \$(states)\"" 600
storage_log >"$OUT/log-all-off.txt"
standby_state >"$OUT/qmp-all-off.txt"
u=$(count "$OUT/log-all-off.txt" unassign 0x0020 "$FIRST_RN" $((FIRST_RN + 511)))
[ $STYLE = config ] && want="0 $M online" || want="0 $((LASTB + 1 - M)) offline $M online"
check "chmem -d 1G: all of it out again ($(said ALLOFF)), 512 unassigns (got $u, element 1 $(element1 "$OUT/qmp-all-off.txt"))" \
	[ "$(said ALLOFF) $u $(element1 "$OUT/qmp-all-off.txt")" = "$want 512 0/512 attached" ]

if [ -z "$poke" ]; then
	qmp quit >/dev/null 2>&1
	finish
fi

# --- unassigned storage: an addressing exception (the second standby block, never assigned) ---
guest "printf 0x%x $((STANDBY_BASE + 2 * BLOCK - 8)) >/sys/kernel/debug/ssm_poke/addr; echo \"RD2 \$(cat /sys/kernel/debug/ssm_poke/read 2>&1)\"; echo 1 >/sys/kernel/debug/ssm_poke/write; echo \"WR2 rc=\$?\""
addr=$(printf '0x%x' $((STANDBY_BASE + 2 * BLOCK - 8)))
[ "$(said WR2)" = "rc=1" ] &&
	console | grep -q "ssm_poke: write $addr: addressing exception" &&
	console | grep -q "ssm_poke: read $addr: addressing exception"
result $? "an access to an unassigned increment is an addressing exception (caught by the fixup: \"$(said RD2)\", $(said WR2))"
guest "echo \"ALIVE \$(cat /sys/devices/system/memory/memory$M/state 2>/dev/null || echo absent)\""
check "the guest goes on after the caught exception" [ "$(said ALIVE)" = "$OUT_STATE" ]

# Without a fixup, the kernel dies of it, as on a real machine.
printf 'echo 0x%x >/sys/kernel/debug/ssm_poke/addr; echo 1 >/sys/kernel/debug/ssm_poke/crash\n' \
	$((STANDBY_BASE + 2 * BLOCK)) >&7
wait_for 'addressing exception: 0005' 60
for _ in $(seq 1 60); do
	kill -0 "$qpid" 2>/dev/null || break
	sleep 1
done
line=$(console | grep -m1 -o 'addressing exception: 0005.*')
[ -n "$line" ] && ! kill -0 "$qpid" 2>/dev/null
result $? "a write to unassigned storage without a fixup kills the guest: \"$line\""
finish
