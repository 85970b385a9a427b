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
#   kernel-again  the kernel alone once more, after the unload: the
#              passes' order is no part of the comparison
#   memfree    system memory taken by the 15 GiB of standby memory: the
#              kernel's blocks at boot, against after each takeover
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
# Usage: [MEMMAP=0] tests/host/model-bench.sh <6.12|6.1> [repeats]
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
KERNEL=${1:-6.12}
REPS=${2:-5}
MEMMAP=${MEMMAP:-1}
SFX=
[ "$MEMMAP" = 1 ] || SFX=-m0
OUT=${OUT:-$TOP/build/model-bench-$KERNEL$SFX}
BOOT=2G
STANDBY=15G
MOD=s390_standby_mem

case $KERNEL in
6.12 | 6.1) ;;
*) echo "model-bench: no bench for $KERNEL" >&2; exit 2 ;;
esac

# shellcheck source=tests/host/lib.sh
. "$TOP/tests/host/lib.sh"

model_qemu
kernel_module_initrd "$KERNEL"

boot "$B" "$work/initrd.gz" "standby-mem=$STANDBY,standby-elements=4,standby-increment=4M" \
	"$BOOT" memory_hotplug.memmap_on_memory="$MEMMAP"
guest_up
ok "the guest boots on the model ($(console | grep -m1 -o 'Linux version [^ ]*'))"

# the guest's helpers: t <tag> <command>: "<tag> <ns> <status>";
# memfree <tag>: "<tag> <MemFree kB>" after dropping the caches
# shellcheck disable=SC2016
guest 't() { tag=$1; shift; echo "$tag $(timeit run "$@")"; }'
# shellcheck disable=SC2016
guest 'memfree() { sync; echo 3 >/proc/sys/vm/drop_caches; sleep 2; echo "$1 $(awk "/^MemFree/ { print \$2 }" /proc/meminfo)"; }'
guest "echo \"N\"\"BLK \$(ls -d /sys/devices/system/memory/memory* | wc -l)\""
log "memory blocks: $(said NBLK)"

# values <tag>: the <ns> of every "<tag> <ns> 0" line, in order; a
# failed command makes the whole row fail
values() { console | awk -v t="$1" '$1 == t { if ($3 != 0) bad = 1; v = v " " $2 } END { if (!bad) print v }'; }
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
seq=0
# pass <method>: chmem -e 1G and -d 1G $REPS times, then all 60 blocks
# in and out once
pass() {
	local m=$1
	seq=$((seq + 1))
	for _ in $(seq 1 "$REPS"); do
		guest "t E${seq}x chmem -e 1G -z Movable; t D${seq}x chmem -d 1G" 900
	done
	guest "t A${seq}x chmem -e 15G -z Movable; t Z${seq}x chmem -d 15G" 3600
	row chmem_e_1g_ns "$m" 4 "E${seq}x"
	row chmem_d_1g_ns "$m" 4 "D${seq}x"
	row chmem_e_all_ns "$m" 60 "A${seq}x"
	row chmem_d_all_ns "$m" 60 "Z${seq}x"
}

# The kernel's notifier attaches the standby elements at its first memory
# event (and unassigns the 3840 increments the attach assigned): not part
# of an online, so one block in and out first.
guest "chmem -e -b $((${BOOT%G} * 4)) -z Movable; chmem -d -b $((${BOOT%G} * 4))" 900
guest "memfree MF0"
echo "csv memfree_kb kernel$SFX 60 kB $(said MF0)"
pass kernel

if [ "$KERNEL" = 6.12 ]; then
	guest "t LL modprobe $MOD" 900
	row load_ns lazy 60 LL
	guest "memfree MF1"
	echo "csv memfree_kb lazy$SFX 60 kB $(said MF1)"
	pass lazy
	guest "t UL modprobe -r $MOD" 900
	row unload_ns lazy 60 UL
fi
guest "t LC modprobe $MOD mode=configure" 900
row load_ns configure 60 LC
guest "memfree MF2"
echo "csv memfree_kb configure$SFX 60 kB $(said MF2)"
pass configure
guest "t UC modprobe -r $MOD" 900
row unload_ns configure 60 UC
guest "memfree MF3"
echo "csv memfree_kb kernel-again$SFX 60 kB $(said MF3)"
# the kernel alone again, last: what the order of the passes costs (page
# cache and allocations spread over the memory onlined before)
pass kernel-again
check "no warning, oops or addressing exception in the run" eval '! warned'
echo "csv-end"
finish
