#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# util-linux 2.42 lsmem and chmem drive configure mode unchanged:
# columns CONFIGURED and MEMMAP-ON-MEMORY, chmem -c/-e/-d/-g/-m. Beside
# the kernel's own notifier (ssm.twin=1) a configured offline block's
# increments are standby: that notifier assigns on the way online.
. ./lib/common.sh

CONFIGURED_INCRS="assigned assigned"
[ $SHARED = 1 ] && CONFIGURED_INCRS="standby standby"

for tool in lsmem chmem; do
	if ! command -v $tool >/dev/null; then
		not_ok "util-linux $tool is in the guest (make check builds it)"
		exit 1
	fi
done
# "<state> <configured> <memmap-on-memory>" of one block, as lsmem says
ls_block() {
	lsmem -a -r -n -o BLOCK,STATE,CONFIGURED,MEMMAP-ON-MEMORY |
		awk -v b="$1" '$1 == b { print $2, $3, $4 }'
}
range_of() {
	lsmem -a -r -n -o BLOCK,RANGE | awk -v b="$1" '$1 == b { print $2 }'
}

mark load
check "load with backend=$BACKEND mode=configure" load mode=configure
memmap=$(cat /sys/module/$MOD/status/memmap_on_memory)
# the memmap branch below has 8 checks where the memmap can go on the
# memory, 2 where it cannot
if [ "$memmap" = 1 ]; then plan 38; else plan 32; fi
mm=no
[ "$memmap" = 1 ] && mm=yes
set -- $(our_blocks)
b=$1 c=$2
bsz=$(($(cat /sys/module/$MOD/status/block_size) >> 20))

expect_eq "lsmem: boot block 0 online, configured" "$(ls_block 0)" "online yes no"
expect_eq "lsmem: standby block $b offline, deconfigured, memmap $mm" "$(ls_block $b)" "offline no $mm"
if lsmem | grep -q "Total offline memory: *1G"; then
	ok "lsmem: 1G offline (standby) memory"
else
	not_ok "lsmem: 1G offline (standby) memory ($(lsmem | grep offline))"
fi

check "chmem -c -b $b" chmem -c -b $b
expect_eq "lsmem: block $b offline, configured" "$(ls_block $b)" "offline yes $mm"
expect_eq "increments of the configured block" "$(block_incr_states $b)" "$CONFIGURED_INCRS"
check "firmware, our table and the kernel's list agree" increments_consistent
check "chmem -e -b $b" chmem -e -b $b
expect_eq "lsmem: block $b online, configured" "$(ls_block $b)" "online yes $mm"
expect_eq "increments of the online block" "$(block_incr_states $b)" "assigned assigned"
check "firmware, our table and the kernel's list agree" increments_consistent
if chmem -g -b $b 2>/tmp/err; then
	not_ok "chmem -g of an online block fails"
else
	ok "chmem -g of an online block fails ($(cat /tmp/err))"
fi
expect_eq "lsmem: block $b still online, configured" "$(ls_block $b)" "online yes $mm"
check "chmem -d -b $b (offline and deconfigure)" chmem -d -b $b
expect_eq "lsmem: block $b offline, deconfigured" "$(ls_block $b)" "offline no $mm"
expect_eq "increments standby" "$(block_incr_states $b)" "standby standby"
check "firmware, our table and the kernel's list agree" increments_consistent

# By size: chmem picks deconfigured blocks, configures and onlines them.
t0=$(meminfo_kb MemTotal)
check "chmem -e $((2 * bsz))M" chmem -e $((2 * bsz))M
expect_eq "MemTotal growth (kB)" "$(($(meminfo_kb MemTotal) - t0))" "$((2 * $(online_growth_kb $memmap)))"
expect_eq "online blocks" "$(cat /sys/module/$MOD/status/online_blocks)" 2
check "firmware, our table and the kernel's list agree" increments_consistent
check "chmem -d $((2 * bsz))M" chmem -d $((2 * bsz))M
expect_eq "online blocks after chmem -d" "$(cat /sys/module/$MOD/status/online_blocks)" 0
expect_eq "MemTotal back" "$(meminfo_kb MemTotal)" "$t0"

# By range, with the memmap choice.
r=$(range_of $c)
if [ "$memmap" = 1 ]; then
	check "chmem -m 0 -c $r" chmem -m 0 -c "$r"
	expect_eq "lsmem: block $c configured, memmap in system memory" "$(ls_block $c)" "offline yes no"
	t0=$(meminfo_kb MemTotal)
	check "chmem -e $r" chmem -e "$r"
	expect_eq "MemTotal grows by the whole block (kB)" "$(($(meminfo_kb MemTotal) - t0))" "$(block_kb)"
	check "chmem -d $r" chmem -d "$r"
	check "chmem -m 1 -c $r" chmem -m 1 -c "$r"
	expect_eq "lsmem: block $c configured, memmap on memory" "$(ls_block $c)" "offline yes yes"
	check "chmem -g $r" chmem -g "$r"
else
	if chmem -m 1 -c "$r" 2>/tmp/err; then
		not_ok "chmem -m 1 where the kernel cannot put the memmap there fails"
	else
		ok "chmem -m 1 where the kernel cannot put the memmap there fails ($(cat /tmp/err))"
	fi
	expect_eq "lsmem: block $c still deconfigured" "$(ls_block $c)" "offline no no"
fi
if chmem -g -b 0 2>/tmp/err; then
	not_ok "chmem -g of boot memory fails"
else
	ok "chmem -g of boot memory fails ($(cat /tmp/err))"
fi
expect_eq "lsmem: boot block 0 unchanged" "$(ls_block 0)" "online yes no"
check "our table agrees with firmware" increments_consistent
check "modprobe -r" unload
check "kernel log clean" clean_since load
