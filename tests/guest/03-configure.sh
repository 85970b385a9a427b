#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Configure mode (every kernel): /sys/firmware/memory/memoryN/config and
# memmap_on_memory with the semantics of upstream 6.19.
. ./lib/common.sh

E_INVAL="Invalid argument"
E_BUSY="Device or resource busy"
E_PERM="Operation not permitted"

cfg() { cat "$FWMEM/memory$1/config"; }
mmap() { cat "$FWMEM/memory$1/memmap_on_memory"; }
# "<config>:<kernel state>:<our state>:<increments>" of a block
where() { echo "$(cfg $1):$(mem_state $1):$(block_state $1):$(block_incr_states $1)"; }
STANDBY="0:absent:standby:standby standby"
CONFIGURED="1:offline:offline:assigned assigned"

mark load
if [ -e "$FWMEM" ]; then
	not_ok "the kernel has no /sys/firmware/memory of its own"
fi
check "load with backend=sim mode=configure" load mode=configure
expect_eq "mode is configure" "$(cat /sys/module/$MOD/status/mode)" configure
memmap=$(cat /sys/module/$MOD/status/memmap_on_memory)
echo "# memmap on the memory by default: $memmap"
bsz=$(cat /sys/module/$MOD/status/block_size)
total=$(ls -d $FWMEM/memory* | wc -l)
expect_eq "one directory per block of the 2G storage" "$((total * bsz))" $((2 << 30))
blocks=$(our_blocks | tr '\n' ' ')
set -- $blocks
nb=$#
expect_eq "standby blocks cover the 1G above mem=" "$((nb * bsz))" $((1 << 30))
expect_eq "status: standby_blocks" "$(cat /sys/module/$MOD/status/standby_blocks)" "$nb"

# Boot memory: configured, cannot be deconfigured.
expect_eq "boot block 0: config 1" "$(cfg 0)" 1
expect_eq "boot block 0: writing config 0 is EPERM" "$(write_err $FWMEM/memory0/config 0)" "$E_PERM"
expect_eq "boot block 0: memmap_on_memory write is EBUSY" "$(write_err $FWMEM/memory0/memmap_on_memory 1)" "$E_BUSY"
expect_eq "boot block 0 still online" "$(mem_state 0)" online

b=$1
for x in $blocks; do
	expect_eq "block $x: deconfigured, no memory block, standby" "$(where $x)" "$STANDBY"
	expect_eq "block $x: memmap_on_memory default" "$(mmap $x)" "$memmap"
done

# Bad writes: -EINVAL and nothing changes.
fw0=$(counter requests_assign):$(counter requests_unassign)
for v in 2 abc -1 "" 1x; do
	expect_eq "config '$v' is EINVAL" "$(write_err $FWMEM/memory$b/config "$v")" "$E_INVAL"
	expect_eq "memmap_on_memory '$v' is EINVAL" "$(write_err $FWMEM/memory$b/memmap_on_memory "$v")" "$E_INVAL"
done
expect_eq "block $b unchanged after bad writes" "$(where $b):$(mmap $b)" "$STANDBY:$memmap"
expect_eq "no assign or unassign for bad writes" "$(counter requests_assign):$(counter requests_unassign)" "$fw0"

# Configure, online, offline, deconfigure.
mark configure
check "config 1 on block $b" sh -c "echo 1 >$FWMEM/memory$b/config"
expect_eq "block $b configured: added offline, assigned" "$(where $b)" "$CONFIGURED"
check "config 1 again is a no-op" sh -c "echo 1 >$FWMEM/memory$b/config"
expect_eq "memmap_on_memory of a configured block is EBUSY" "$(write_err $FWMEM/memory$b/memmap_on_memory 0)" "$E_BUSY"
expect_log configure "memory block $b \[0x[0-9a-f]*-0x[0-9a-f]*\]: configured" \
	"dmesg: configured, with block and range"
t0=$(meminfo_kb MemTotal)
check "online block $b" online_block $b
expect_eq "MemTotal growth (kB), memmap on memory=$memmap" "$(($(meminfo_kb MemTotal) - t0))" "$(online_growth_kb $memmap)"
expect_eq "config 0 while online is EBUSY" "$(write_err $FWMEM/memory$b/config 0)" "$E_BUSY"
expect_eq "block $b still online and assigned" "$(where $b)" "1:online:online:assigned assigned"
check "offline block $b" offline_block $b
expect_eq "offline keeps it configured and assigned" "$(where $b)" "$CONFIGURED"
check "config 0 on block $b" sh -c "echo 0 >$FWMEM/memory$b/config"
expect_eq "block $b deconfigured: removed, standby" "$(where $b)" "$STANDBY"
expect_eq "assign and unassign requests balance" "$(counter requests_assign)" "$(counter requests_unassign)"

# The memmap placement is per block.
if [ "$memmap" = 1 ]; then
	check "memmap_on_memory 0 on block $b" sh -c "echo 0 >$FWMEM/memory$b/memmap_on_memory"
	check "configure" sh -c "echo 1 >$FWMEM/memory$b/config"
	t0=$(meminfo_kb MemTotal)
	check "online" online_block $b
	expect_eq "memmap in system memory: MemTotal grows by the whole block (kB)" \
		"$(($(meminfo_kb MemTotal) - t0))" "$(block_kb)"
	check "offline" offline_block $b
	check "deconfigure" sh -c "echo 0 >$FWMEM/memory$b/config"
	check "memmap_on_memory 1 again" sh -c "echo 1 >$FWMEM/memory$b/memmap_on_memory"
	expect_eq "block $b standby, memmap 1" "$(where $b):$(mmap $b)" "$STANDBY:1"
else
	expect_eq "memmap_on_memory 1 where the kernel cannot: EOPNOTSUPP" \
		"$(write_err $FWMEM/memory$b/memmap_on_memory 1)" "Operation not supported"
	if dmesg | grep -q "$MOD: memmap of standby memory comes from system memory: 16M per 1G onlined"; then
		ok "dmesg says once what the memmap costs"
	else
		not_ok "dmesg says once what the memmap costs"
	fi
fi

# Firmware faults during configure: the write fails, nothing changes.
for f in "assign,response:Input/output error" "assign,timeout:Connection timed out" \
	"assign,malformed:Protocol error"; do
	spec=${f%%:*}
	want=${f#*:}
	fault "$spec"
	expect_eq "configure with firmware fault $spec fails: $want" \
		"$(write_err $FWMEM/memory$b/config 1)" "$want"
	fault none
	expect_eq "after $spec: block $b deconfigured, standby" "$(where $b)" "$STANDBY"
	check "after $spec: our table agrees with firmware" increments_consistent
done

# A refused unassign on deconfigure: the block is removed, the increment
# stays assigned (stale, consistent) and is given back at the next chance.
check "configure block $b" sh -c "echo 1 >$FWMEM/memory$b/config"
fault "unassign,response"
expect_eq "deconfigure with a refused unassign reports EIO" \
	"$(write_err $FWMEM/memory$b/config 0)" "Input/output error"
fault none
expect_eq "block $b removed, config 0" "$(cfg $b):$(mem_state $b)" "0:absent"
expect_eq "one stale increment" "$(counter stale)" 1
check "our table agrees with firmware (stale counted as assigned)" increments_consistent
check "configure again reuses the assigned increment" sh -c "echo 1 >$FWMEM/memory$b/config"
check "deconfigure" sh -c "echo 0 >$FWMEM/memory$b/config"
expect_eq "no stale increment left, block standby" "$(counter stale):$(where $b)" "0:$STANDBY"

# Every block: configure and online all, then take all back.
t0=$(meminfo_kb MemTotal)
for x in $blocks; do
	echo 1 >$FWMEM/memory$x/config && online_block $x
done
expect_eq "all $nb blocks online: MemTotal growth (kB)" \
	"$(($(meminfo_kb MemTotal) - t0))" "$((nb * $(online_growth_kb $memmap)))"
expect_eq "status: online_blocks" "$(cat /sys/module/$MOD/status/online_blocks)" "$nb"
for x in $blocks; do
	offline_block $x && echo 0 >$FWMEM/memory$x/config
done
expect_eq "all blocks deconfigured" "$(for x in $blocks; do where $x; done | sort -u)" "$STANDBY"

# Unload with configured blocks: removed and unassigned by the unload.
echo 1 >$FWMEM/memory$b/config
mark unload
check "modprobe -r with a configured offline block" unload
expect_log unload "unloaded: all standby memory returned to firmware" \
	"unload gave every increment back"
check "no memory block, /sys/firmware/memory or debugfs left" nothing_left "$blocks"
check "kernel log clean" clean_since load
