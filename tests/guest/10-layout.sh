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
. ./lib/common.sh

plan 29

ls_block() {
	lsmem -a -r -n -o BLOCK,STATE,CONFIGURED |
		awk -v b="$1" '$1 == b { print $2, $3 }'
}
dirs() { ls -d $FWMEM/memory* | sed 's|.*memory||' | sort -n | tr '\n' ' '; }
show() {
	echo "# \$ $*"
	"$@" 2>&1 | sed 's/^/# /'
}

expect_eq "booted with mem=1088M" "$(sed -n 's/.* mem=\([^ ]*\).*/\1/p' /proc/cmdline)" 1088M
expect_eq "block 4 is presented by the kernel, online" "$(mem_state 4)" online

mark layout1
check "load mode=configure increment_size=64M (standby from 1088M)" \
	load mode=configure increment_size=64M
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
