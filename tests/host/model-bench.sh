#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench on the test machine (qemu/): the module against the kernel's
# own standby memory support, on the same machine in one boot.
# 2 GiB of boot memory, 15 GiB of standby memory in 4 elements of 4 MiB
# increments: 60 blocks of 256 MiB, all added by the kernel at boot;
# memory_hotplug.memmap_on_memory=1 (the kernel's own add uses it only
# where the machine has EDAT-1, which TCG lacks).
#
#   kernel     the kernel alone: chmem -e 1G / -d 1G (4 blocks), and the
#              60 blocks at once
#   lazy       (6.12) the module loaded (it takes the 60 blocks over): its
#              load time, then the same
#   configure  the module in configure mode: chmem -e / -d configure and
#              deconfigure as well
#   memfree    system memory taken by the 15 GiB of standby memory: the
#              kernel's blocks at boot, against after each takeover, and
#              the kernel's again after the last unload
#
# The methods take turns: ROUNDS rounds of kernel, lazy, configure, each
# with REPS 1 GiB onlines and offlines and one 60-block pass, each round
# starting with the next method, so that what drifts in one boot (page
# cache, allocations spread over memory onlined before: 10-20% between
# two passes of the kernel alone) falls on every method alike.
#
# Prints csv lines "csv <metric> <method> <param> <unit> <values...>" as
# tests/guest/bench.sh does, and "csv-end" at the end; scripts/bench.sh
# folds them into bench/results/<kernel>.csv. Measurements only: nothing
# here passes or fails on a number.
#
# MEMMAP=0: booted with memory_hotplug.memmap_on_memory=0, the module's
# blocks with their memmap in system memory as the kernel's: what the
# module's own code costs, without the memmap's move onto the block;
# every method then carries the suffix "-m0".
#
# INCREMENT=1M or 256M: what the increment size costs, the kernel's own
# path against the module's: 768 MiB of boot memory (one element's 4 KiB
# SCCB lists at most 1020 increments), 2 GiB of standby memory in 4
# elements (8 blocks); every method carries the suffix "-i<size>".
#
# QUIET=1: no kernel message reaches the console during the passes. The
# console is the SCLP's (ignore_loglevel: every message), and the SCLP
# driver runs one request at a time, storage commands and console writes
# alike: what the module's line per block online or offline costs there;
# every method carries "-q".
#
# 6.12-memmap: the kernel's own blocks with their memmap on the block, as
# 6.12 adds them on a real machine (EDAT-1; kernel/config.memmap.patch):
# the module's blocks against the online and offline a real machine runs;
# every method carries "-edat".
#
# 7.3: the kernel's own configure path (sclp_mem.c: chmem -e configures
# and onlines, chmem -d offlines and deconfigures) against the module's
# configure mode, which 7.3 runs only where sclp_mem.c is not (the module
# refuses to load beside it): two boots, one method each. SCLP_MEM=1 (the
# default): the kernel's; SCLP_MEM=0: sclp_mem.c's initcall is refused
# the read of the last storage element's information (model-module.sh
# no-sclp-mem refuses its one element's), so it gives up; the module
# alone in configure mode; its methods carry "-alone". The ratio is
# across two boots: no pairs per round.
#
# METHODS="kernel lazy": only those methods take turns (the default: all
# of the kernel's); with 0 repeats per round only the passes over all
# blocks run: more rounds of them in the same time, for a closer median.
#
# Usage: [MEMMAP=0] [INCREMENT=1M|256M] [ROUNDS=3] [METHODS=...] [QUIET=1]
#        [SCLP_MEM=0] tests/host/model-bench.sh <6.12|6.1|6.12-memmap|7.3>
#        [repeats per round]
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
KERNEL=${1:-6.12}
REPS=${2:-3}
ROUNDS=${ROUNDS:-3}
MEMMAP=${MEMMAP:-1}
INCREMENT=${INCREMENT:-}
QUIET=${QUIET:-0}
SCLP_MEM=${SCLP_MEM:-1}
SFX=
[ "$MEMMAP" = 1 ] || SFX=-m0
[ "$QUIET" = 0 ] || SFX=$SFX-q
[ "$KERNEL" != 6.12-memmap ] || SFX=$SFX-edat
[ "$SCLP_MEM" = 1 ] || SFX=$SFX-alone
# sizes in MiB; blocks of 256 MiB (7.3: 128 MiB, read from the guest)
BOOT=2048 STANDBY=15360 MACHINE="standby-elements=4,standby-increment=4M"
if [ -n "$INCREMENT" ]; then
	SFX=$SFX-i$INCREMENT
	BOOT=768 STANDBY=2048 MACHINE="standby-elements=4,standby-increment=$INCREMENT"
fi
OUT=${OUT:-$TOP/build/model-bench-$KERNEL$SFX}
MOD=s390_standby_mem

case $KERNEL in
6.12 | 6.1 | 6.12-memmap | 7.3) ;;
*) echo "model-bench: no bench for $KERNEL" >&2; exit 2 ;;
esac

# shellcheck source=tests/host/lib.sh
. "$TOP/tests/host/lib.sh"

model_qemu
kernel_module_initrd "$KERNEL"

boot "$B" "$work/initrd.gz" "standby-mem=${STANDBY}M,$MACHINE" \
	"${BOOT}M" memory_hotplug.memmap_on_memory="$MEMMAP"
if [ "$SCLP_MEM" = 0 ]; then
	last=${MACHINE#*standby-elements=}
	refuse_storage_info_at_boot "${last%%,*}"
fi
guest_up
ok "the guest boots on the model ($(console | grep -m1 -o 'Linux version [^ ]*'))"

# the guest's helpers: t <tag> <command> (guest_timeit);
# memfree <tag>: "<tag> <MemFree kB>" after dropping the caches
guest_timeit
# shellcheck disable=SC2016
guest 'memfree() { sync; echo 3 >/proc/sys/vm/drop_caches; sleep 2; echo "$1 $(awk "/^MemFree/ { print \$2 }" /proc/meminfo)"; }'
# tron, troff <tag>: the module's notifier and configure time over a
# stretch
guest ". /tests/guest/lib/notify-time.sh"
guest "echo \"N\"\"BLK \$(ls -d /sys/devices/system/memory/memory* | wc -l)\""
log "memory blocks: $(said NBLK)"
if [ "$SCLP_MEM" = 0 ]; then
	firmware_memory FW
	check "sclp_mem.c gave up at boot: no /sys/firmware/memory ($(said FW))" [ "$(said FW)" = absent ]
fi
guest "echo \"B\"\"SZ \$(cat /sys/devices/system/memory/block_size_bytes)\""
BLKMB=$(((0x$(said BSZ)) >> 20))
NBLK=$((STANDBY / BLKMB))
FIRSTB=$((BOOT / BLKMB))
log "blocks of $BLKMB MiB: $NBLK of standby memory from block $FIRSTB"

# values <tag>: the <ns> of every "<tag> <ns> 0" line, in order; a
# failed command makes the whole row fail
# (a line of the echoed command that wrapped may start with a tag too:
# only "<tag> <number> <status>" counts)
values() { console | awk -v t="$1" '$1 == t && NF == 3 && $2 ~ /^[0-9]+$/ { if ($3 != 0) bad = 1; v = v " " $2 } END { if (!bad) print v }'; }
# row <metric> <method> <param> <tag>: one csv line, or a failure
row() {
	local v
	v=$(values "$4")
	if [ -z "$v" ]; then
		notok "$2: $1 $3: every run worked (see $LOG)"
		return
	fi
	echo "csv $1 $2$SFX $3 ns$v"
}
# pass <method>: chmem -e 1G and -d 1G $REPS times, then all $NBLK blocks
# in and out once; its samples are tagged by method, every round's alike.
# The module's passes over all blocks are traced: how much of each was
# its notifier's (tags NA-, NZ-).
pass() {
	local m=$1 on=: offa=: offz=:
	for _ in $(seq 1 "$REPS"); do
		guest "t E-$m chmem -e 1G -z Movable; t D-$m chmem -d 1G" 900
	done
	[ "$m" = kernel ] || on=tron offa="troff NA-$m" offz="troff NZ-$m"
	# 7.3: how many of the blocks have their memmap on the block,
	# with all online (both configure them)
	[ "$KERNEL" != 7.3 ] || offa="$offa; echo \"M\"\"M-$m \$(grep -l 1 /sys/firmware/memory/memory*/memmap_on_memory | wc -l)\""
	[ "$QUIET" = 0 ] || guest "$HUSH" 60
	guest "$on; t A-$m chmem -e ${STANDBY}M -z Movable; $offa; $on; t Z-$m chmem -d ${STANDBY}M; $offz" 3600
	[ "$KERNEL" != 7.3 ] || log "$m: $(said "MM-$m") of $NBLK blocks online with their memmap on the block"
	[ "$QUIET" = 0 ] || guest "$LOUD" 60
}
# QUIET=1: no kernel message on the console, and back
HUSH="echo N >/sys/module/printk/parameters/ignore_loglevel; echo 1 >/proc/sys/kernel/printk"
LOUD="echo Y >/sys/module/printk/parameters/ignore_loglevel; echo 7 >/proc/sys/kernel/printk"
# rows <method>: its csv lines, every round's samples
rows() {
	if [ "$REPS" != 0 ]; then
		row chmem_e_1g_ns "$1" $((1024 / BLKMB)) "E-$1"
		row chmem_d_1g_ns "$1" $((1024 / BLKMB)) "D-$1"
	fi
	row chmem_e_all_ns "$1" "$NBLK" "A-$1"
	row chmem_d_all_ns "$1" "$NBLK" "Z-$1"
}
# module <method> <round> [parameters]: load, (first round) MemFree, the
# pass, unload
module() {
	local m=$1 r=$2
	shift 2
	guest "t L-$m modprobe $MOD $*" 900
	if [ "$r" = 1 ]; then
		guest "memfree MF-$m"
		echo "csv memfree_kb $m$SFX $NBLK kB $(said "MF-$m")"
	fi
	pass "$m"
	guest "t U-$m modprobe -r $MOD" 900
}

# the kernel's notifier's first event attaches (3840 increments
# unassigned): not part of an online (the module alone attaches at load)
[ "$SCLP_MEM" = 0 ] || first_attach "$FIRSTB"
guest "memfree MF0"
echo "csv memfree_kb kernel$SFX $NBLK kB $(said MF0)"
methods=kernel
[ "${KERNEL%%-*}" = 6.12 ] && methods="$methods lazy"
[ "$KERNEL" = 7.3 ] || methods="$methods configure"
[ "$SCLP_MEM" = 1 ] || methods=configure
methods=${METHODS:-$methods}
# 6.1 (adopt=auto) refuses to take the kernel's blocks over unasked
TAKE=
[ "$KERNEL" = 6.1 ] && TAKE=adopt=1
# turn <method> <round>: its pass, the module's loaded and unloaded
# around it
turn() {
	case $1 in
	kernel) pass kernel ;;
	lazy) module lazy "$2" ;;
	configure) module configure "$2" mode=configure $TAKE ;;
	esac
}
# Each round starts with the next method: the first onlines of a boot
# are faster (1.3 s against 2.7 s for the same 1 GiB), and a fixed order
# would hand that to one method.
order=$methods
for r in $(seq 1 "$ROUNDS"); do
	log "round $r of $ROUNDS: $order"
	for m in $order; do
		turn "$m" "$r"
	done
	# (one method: nothing to rotate)
	[ "${order#* }" = "$order" ] || order="${order#* } ${order%% *}"
done
guest "memfree MF3"
echo "csv memfree_kb kernel-again$SFX $NBLK kB $(said MF3)"
for m in $methods; do
	rows "$m"
	[ "$m" = kernel ] && continue
	row load_ns "$m" "$NBLK" "L-$m"
	row unload_ns "$m" "$NBLK" "U-$m"
	row notifier_e_all_ns "$m" "$NBLK" "NA-$m"
	row notifier_d_all_ns "$m" "$NBLK" "NZ-$m"
	row config_e_all_ns "$m" "$NBLK" "NA-$m-c"
	row config_d_all_ns "$m" "$NBLK" "NZ-$m-c"
done
check "no warning, oops or addressing exception in the run" eval '! warned'
if [ "$QUIET" != 0 ]; then
	# what the console did not show in the passes
	guest "echo \"D\"\"MSGBAD \$(dmesg | grep -cE 'WARNING:|Oops|addressing exception|BUG:|Call Trace')\""
	check "QUIET=1: nor in dmesg ($(said DMSGBAD) lines)" [ "$(said DMSGBAD)" = 0 ]
fi
echo "csv-end"
finish
