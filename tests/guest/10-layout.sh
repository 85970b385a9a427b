#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /sys/firmware/memory block for block as upstream 6.19 has it, seen with
# util-linux 2.42 lsmem and chmem, on storage that does not end on a block
# boundary: this boot has mem=1088M (scripts/check.sh), 64M increments.
#
#   1. standby from 1088M: block 4 [1024M-1280M) holds boot and standby
#      increments (as a z/VM guest with STORAGE 3504M STANDBY 2148M has
#      one). The kernel presents it (memory4, online), so it has a
#      directory, config 1, not ours to deconfigure.
#   2. sim_base=1536M: firmware calls [1088M-1536M) assigned, but the
#      kernel has none of it above 1088M. Block 5 [1280M-1536M) has no
#      memory5 and, as upstream, no directory; block 4 is presented and
#      configured.
#
# The transcripts in README ("Kernel log and lsmem") come from here.
#
# On the test machine (6.12-model-layout: -m 1088M, standby-mem=960M,
# 2M increments, no mem=) case 1 is the machine's own: its kernel
# presents block 4 online (boot memory) and will not offline it (a block
# with a hole), and it added blocks 5 to 7 at boot, which configure mode
# takes over. Case 2 is mem='s alone (storage firmware
# calls assigned that the kernel does not have): the simulation's.
. ./lib/common.sh

[ "$BACKEND" = sclp ] && plan 21 || plan 29

ls_block() {
	lsmem -a -r -n -o BLOCK,STATE,CONFIGURED |
		awk -v b="$1" '$1 == b { print $2, $3 }'
}
dirs() { ls -d $FWMEM/memory* | sed 's|.*memory||' | sort -n | tr '\n' ' '; }
show() {
	echo "# \$ $*"
	"$@" 2>&1 | sed 's/^/# /'
}

if [ "$BACKEND" = sclp ]; then
	expect_eq "booted with 1088M of boot memory, no mem=" \
		"$(awk '$1 == "MemTotal:" { t = $2 } END { print (t <= 1088 * 1024) }' /proc/meminfo):$(grep -c ' mem=' /proc/cmdline)" "1:0"
else
	expect_eq "booted with mem=1088M" "$(sed -n 's/.* mem=\([^ ]*\).*/\1/p' /proc/cmdline)" 1088M
fi
expect_eq "block 4 is presented by the kernel, online" "$(mem_state 4)" online

mark layout1
if [ "$BACKEND" = sclp ]; then
	check "load mode=configure (standby from 1088M, firmware's 2M increments)" \
		load mode=configure
else
	check "load mode=configure increment_size=64M (standby from 1088M)" \
		load mode=configure increment_size=64M
fi
expect_log layout1 "Standby memory at 0x44000000 (768M of 960M usable)" \
	"the standby run and its usable, block-aligned part"
expect_eq "a directory for every block the kernel presents and every block of ours" \
	"$(dirs)" "0 1 2 3 4 5 6 7 "
expect_eq "block 4, boot and standby increments: configured" "$(cat $FWMEM/memory4/config)" 1
expect_eq "block 4: writing 1 changes nothing" "$(write_err $FWMEM/memory4/config 1)" ""
expect_eq "block 4: deconfigure is EPERM (boot memory in it)" \
	"$(write_err $FWMEM/memory4/config 0)" "Operation not permitted"
expect_eq "block 4: memmap_on_memory is EBUSY (configured)" \
	"$(write_err $FWMEM/memory4/memmap_on_memory 1)" "Device or resource busy"
if [ "$BACKEND" = sclp ]; then
	expect_eq "firmware: block 4 holds 32 assigned (boot) and 96 standby increments" \
		"$(block_fw_assigned 4)" "32/128"
	# offline_pages() refuses a block with a hole ("memory holes", a
	# pr_debug) before any notifier: sclp_cmd.c's EPERM for a block
	# with standby increments is never reached
	expect_eq "the kernel refuses to offline block 4 (a hole: 1088M to 1280M): EINVAL" \
		"$(write_err $SYSMEM/memory4/state offline)" "Invalid argument"
fi
expect_eq "lsmem: block 4 online, configured" "$(ls_block 4)" "online yes"
expect_eq "lsmem: block 5 offline, deconfigured" "$(ls_block 5)" "offline no"
show lsmem -o RANGE,SIZE,STATE,BLOCK,CONFIGURED,MEMMAP-ON-MEMORY
check "chmem -e 256M (the first deconfigured block)" chmem -e 256M
expect_eq "lsmem: block 5 online, configured" "$(ls_block 5)" "online yes"
show lsmem -o RANGE,SIZE,STATE,BLOCK,CONFIGURED,MEMMAP-ON-MEMORY
check "chmem -d 256M" chmem -d 256M
expect_eq "lsmem: block 5 offline, deconfigured again" "$(ls_block 5)" "offline no"
check "our table agrees with firmware" increments_consistent
check "unload" unload
if [ "$BACKEND" = sclp ]; then
	expect_eq "the kernel has its blocks back (4 online; 5 to 7 offline)" \
		"$(mem_states 4 5 6 7)" "online offline offline offline "
	check "kernel log clean" clean_since layout1
	exit 0
fi

mark layout2
check "load mode=configure increment_size=64M sim_base=1536M sim_size=512M" \
	load mode=configure increment_size=64M sim_base=1536M sim_size=512M
expect_eq "no directory for assigned storage the kernel does not present (block 5)" \
	"$(dirs)" "0 1 2 3 4 6 7 "
expect_eq "block 5 has no memory block either" "$(mem_state 5)" absent
expect_eq "block 4 (boot memory, presented in part) configured" "$(cat $FWMEM/memory4/config)" 1
expect_eq "lsmem: block 4 online, configured" "$(ls_block 4)" "online yes"
expect_eq "lsmem: no block 5" "$(ls_block 5)" ""
expect_eq "lsmem: block 6 offline, deconfigured" "$(ls_block 6)" "offline no"
show lsmem -o RANGE,SIZE,STATE,BLOCK,CONFIGURED,MEMMAP-ON-MEMORY
check "chmem -e 256M configures and onlines block 6" chmem -e 256M
expect_eq "lsmem: block 6 online, configured" "$(ls_block 6)" "online yes"
check "chmem -d 256M" chmem -d 256M
check "unload" unload
check "kernel log clean" clean_since layout1
