# SPDX-License-Identifier: GPL-2.0
#
# Helpers for guest tests. Every check prints one TAP line:
# "ok - <what>" or "not ok - <what> (<why>)".

# Debian's busybox-static runs its own applets for bare command names
# (FEATURE_SH_STANDALONE); the real kmod tools need their full path.
modprobe() { /usr/sbin/modprobe "$@"; }
modinfo() { /usr/sbin/modinfo "$@"; }
insmod() { /usr/sbin/insmod "$@"; }
rmmod() { /usr/sbin/rmmod "$@"; }
lsmod() { /usr/sbin/lsmod "$@"; }

MOD=s390_standby_mem
DBG=/sys/kernel/debug/$MOD
FWMEM=/sys/firmware/memory
SYSMEM=/sys/devices/system/memory

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; }

# check <description> <command...>: ok when the command succeeds
check() {
	desc=$1
	shift
	if "$@" >/dev/null 2>&1; then ok "$desc"; else not_ok "$desc"; fi
}

# expect_eq <description> <got> <want>
expect_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1 (got '$2', want '$3')"
	fi
}

# Kernel log markers: mark NAME, then since NAME prints what came after.
mark() { echo "ssm-mark-$1" >/dev/kmsg; }
# Marks may repeat across tests of one boot: the last one counts.
since() {
	dmesg | awk -v m="ssm-mark-$1" '$NF == m { buf = ""; on = 1; next }
		on { buf = buf $0 "\n" } END { printf "%s", buf }'
}

# Lines of ours in the kernel log since a mark.
our_lines_since() { since "$1" | grep "$MOD: "; }

# expect_log <mark> <pattern> <description>: one of our kernel lines since
# the mark matches the basic regular expression.
expect_log() {
	if our_lines_since "$1" | grep -q "$2"; then
		ok "$3"
	else
		not_ok "$3"
	fi
}

# No warning, oops, BUG, lockdep report, hang or firmware misuse since a
# mark (lib/kernlog.awk; its one known upstream lockdep report aside).
clean_since() {
	! since "$1" | awk -f ./lib/kernlog.awk |
		grep -v -e '^known-lockdep|' -e '^WARNING|.*possible circular locking' |
		grep -q .
}

loaded() { grep -q "^$MOD " /proc/modules; }

load() { modprobe "$MOD" backend=sim "$@"; }
unload() { modprobe -r "$MOD"; }

# debugfs counter value
counter() { awk -v k="$1" '$1 == k { print $2 }' "$DBG/counters"; }

# Our blocks (from debugfs): "block state" lines for blocks that are ours.
our_blocks() {
	awk 'NR > 1 && $3 != "unusable" && $3 != "boot" { print $1 }' "$DBG/blocks"
}
block_state() { awk -v b="$1" 'NR > 1 && $1 == b { print $3 }' "$DBG/blocks"; }
block_held() { awk -v b="$1" 'NR > 1 && $1 == b { print $4 }' "$DBG/blocks"; }

# Kernel's view of a memory block: online/offline/absent
mem_state() {
	if [ -f "$SYSMEM/memory$1/state" ]; then cat "$SYSMEM/memory$1/state"; else echo absent; fi
}

# rn range of a block: prints "first last"
block_rns() {
	awk -v b="$1" 'NR > 1 && $1 == b {
		split($2, r, "[][-]"); print r[2], r[3] }' "$DBG/blocks" |
	{
		read -r start end
		rzm=$(cat /sys/module/$MOD/status/increment_size)
		echo $((start / rzm + 1)) $((end / rzm + 1))
	}
}

# Every increment of ours agrees with firmware: assigned <-> assigned.
# A stale increment (assigned, held by no block: its unassign failed)
# may be either in firmware (a timeout or garbled answer leaves it
# unknown); we count it as assigned until an unassign succeeds.
increments_consistent() {
	awk 'NR > 1 && $3 != "foreign" && $3 != $6 &&
		!($3 == "assigned" && $4 == 0) { bad++ } END { exit bad > 0 }' \
		"$DBG/increments"
}

# Increments of a block, state as our table says and as firmware says:
# prints e.g. "standby standby" when all agree, else "mixed".
block_incr_states() {
	set -- $(block_rns "$1")
	awk -v f="$1" -v l="$2" 'NR > 1 && $1 >= f && $1 <= l { s[$3 " " $6]++ }
		END { n = 0; for (k in s) { n++; last = k } print (n == 1 ? last : "mixed") }' \
		"$DBG/increments"
}

# Wait until the module is really gone (modprobe -r returns after unload).
unloaded_ok() { ! loaded; }

# The error string of the last failing command: run_err <cmd...>
run_err() { "$@" 2>&1 >/dev/null; }

# Write to a sysfs file and print the error text (empty on success).
write_err() {
	err=$( (echo "$2" >"$1") 2>&1)
	echo "${err##*: }"
}

meminfo_kb() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }

# MemFree (kB) once the counters have settled. Each write to stat_refresh
# folds every CPU's counter deltas into the global ones and, from 6.7,
# lowers every CPU's free-page-list high mark by an eighth, returning the
# excess to the buddy allocator (pages on those lists are not in MemFree).
# 32 writes bring the high marks to their minimum ((7/8)^32 < 2 %).
settled_free_kb() {
	sync
	for _settle in $(seq 32); do
		echo 1 2>/dev/null >/proc/sys/vm/stat_refresh
	done
	meminfo_kb MemFree
}

# Block size and the memmap of one block, in kB.
block_kb() { echo $(($(cat /sys/module/$MOD/status/block_size) / 1024)); }
memmap_kb() { echo $(($(block_kb) / 4 * 64 / 1024)); }

# MemTotal growth expected when a block goes online: the block, minus its
# memmap when that lives on the block.
online_growth_kb() {
	if [ "$1" = 1 ]; then
		echo $(($(block_kb) - $(memmap_kb)))
	else
		block_kb
	fi
}

online_block() { echo "${2:-online_movable}" >"$SYSMEM/memory$1/state"; }
offline_block() { echo offline >"$SYSMEM/memory$1/state"; }

# Arm a fault in the simulated firmware ("none" disarms).
fault() { echo "$1" >"$DBG/sim/fault"; }

# median of numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# Wait up to $2 seconds for a line matching $1 in file $3.
wait_for() {
	i=0
	while [ $i -lt "$2" ]; do
		grep -q "$1" "$3" 2>/dev/null && return 0
		sleep 1
		i=$((i + 1))
	done
	return 1
}

# Our state of every block of ours, with held flag, as "b:state:held ...".
blocks_summary() {
	awk 'NR > 1 && $3 != "unusable" && $3 != "boot" { printf "%s:%s:%s ", $1, $3, $4 }' \
		"$DBG/blocks"
}

# After unload: nothing of ours left behind.
nothing_left() {
	for b in $1; do
		[ -e "$SYSMEM/memory$b" ] && return 1
	done
	[ ! -e "$DBG" ] && [ ! -e "$FWMEM" ] && ! loaded
}
