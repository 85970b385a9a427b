#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Configure mode (every kernel): /sys/firmware/memory/memoryN/config and
# memmap_on_memory with the semantics of upstream 6.19. Alone, configure
# assigns then adds and deconfigure removes then unassigns. Beside the
# kernel's own notifier (ssm.twin=1), which assigns on the way online and
# unassigns on the way offline, configure only adds and deconfigure only
# removes: a configured block's increments are assigned while it is
# online. Firmware, our table and (then) the kernel's list agree after
# every step.
. ./lib/common.sh

E_INVAL="Invalid argument"
E_BUSY="Device or resource busy"
E_PERM="Operation not permitted"
E_IO="Input/output error"

cfg() { cat "$FWMEM/memory$1/config"; }
mmap() { cat "$FWMEM/memory$1/memmap_on_memory"; }
# "<config>:<kernel state>:<our state>:<increments>" of a block
where() { echo "$(cfg $1):$(mem_state $1):$(block_state $1):$(block_incr_states $1)"; }
STANDBY="0:absent:standby:standby standby"
if [ $SHARED = 1 ]; then
	CONFIGURED="1:offline:offline:standby standby"
	SIDE=kernel
	E_ONLINE_FW=$E_PERM	# the kernel's notifier says NOTIFY_BAD
else
	CONFIGURED="1:offline:offline:assigned assigned"
	SIDE=module
fi

# the kernel's blocks before the load (the test machine: those it added
# at boot), its own again after the unload
before=$(kernel_blocks)
mark load
if [ -e "$FWMEM" ]; then
	not_ok "the kernel has no /sys/firmware/memory of its own"
else
	ok "the kernel has no /sys/firmware/memory of its own"
fi
check "load with backend=$BACKEND mode=configure" load mode=configure
expect_eq "mode is configure" "$(cat /sys/module/$MOD/status/mode)" configure
memmap=$(cat /sys/module/$MOD/status/memmap_on_memory)
echo "# memmap on the memory by default: $memmap"
bsz=$(cat /sys/module/$MOD/status/block_size)
total=$(ls -d $FWMEM/memory* | wc -l)
expect_eq "one directory per block of the 2G storage" "$((total * bsz))" $((2 << 30))
blocks=$(our_blocks | tr '\n' ' ')
set -- $blocks
nb=$#
# 2 checks per block (256M blocks on 6.x, 128M on 7.x); the memmap branch
# below has 8 checks where the memmap can go on the memory, 4 where it
# cannot
# Firmware faults of the assign: refused, unanswered, garbled; the test
# machine can only refuse (the others stay the simulation's), 3 checks each
FAULT_MODES="response timeout malformed"
[ "$BACKEND" = sclp ] && FAULT_MODES=response
n=$((3 * $(echo $FAULT_MODES | wc -w) - 9))
if [ "$memmap" = 1 ]; then plan $((77 + n + 2 * nb)); else plan $((73 + n + 2 * nb)); fi
expect_eq "standby blocks cover the 1G above mem=" "$((nb * bsz))" $((1 << 30))
expect_eq "status: standby_blocks" "$(cat /sys/module/$MOD/status/standby_blocks)" "$nb"

# Boot memory: configured, cannot be deconfigured.
expect_eq "boot block 0: config 1" "$(cfg 0)" 1
expect_eq "boot block 0: writing config 0 is EPERM" "$(write_err $FWMEM/memory0/config 0)" "$E_PERM"
if [ "$memmap" = 1 ]; then
	expect_eq "boot block 0: memmap_on_memory write is EBUSY" \
		"$(write_err $FWMEM/memory0/memmap_on_memory 1)" "$E_BUSY"
else
	# what the kernel cannot do is said before what is busy, as upstream
	expect_eq "boot block 0: memmap_on_memory 1 where the kernel cannot is EOPNOTSUPP" \
		"$(write_err $FWMEM/memory0/memmap_on_memory 1)" "Operation not supported"
fi
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
expect_eq "block $b configured: added offline" "$(where $b)" "$CONFIGURED"
check "firmware, our table and the kernel's list agree" increments_consistent
check "config 1 again is a no-op" sh -c "echo 1 >$FWMEM/memory$b/config"
expect_eq "memmap_on_memory of a configured block is EBUSY" "$(write_err $FWMEM/memory$b/memmap_on_memory 0)" "$E_BUSY"
expect_log configure "memory block $b \[0x[0-9a-f]*-0x[0-9a-f]*\]: configured" \
	"dmesg: configured, with block and range"
t0=$(meminfo_kb MemTotal)
check "online block $b" online_block $b
expect_eq "MemTotal growth (kB), memmap on memory=$memmap" "$(($(meminfo_kb MemTotal) - t0))" "$(online_growth_kb $memmap)"
expect_eq "block $b online and assigned" "$(where $b)" "1:online:online:assigned assigned"
check "firmware, our table and the kernel's list agree" increments_consistent
# An online block pins the module, in this mode too.
err=$(modprobe -r $MOD 2>&1)
if loaded && echo "$err" | grep -q "in use"; then
	ok "modprobe -r while a configured block is online: in use"
else
	not_ok "modprobe -r while a configured block is online: in use ($err)"
fi
expect_eq "config 0 while online is EBUSY" "$(write_err $FWMEM/memory$b/config 0)" "$E_BUSY"
expect_eq "block $b still online and assigned" "$(where $b)" "1:online:online:assigned assigned"
check "offline block $b" offline_block $b
expect_eq "offline keeps it configured" "$(where $b)" "$CONFIGURED"
check "firmware, our table and the kernel's list agree" increments_consistent
check "config 0 on block $b" sh -c "echo 0 >$FWMEM/memory$b/config"
expect_eq "block $b deconfigured: removed, standby" "$(where $b)" "$STANDBY"
check "firmware, our table and the kernel's list agree" increments_consistent
if [ $SHARED = 1 ]; then
	expect_eq "no assign or unassign of ours: the kernel's notifier did them" \
		"$(counter requests_assign):$(counter requests_unassign)" "$fw0"
else
	expect_eq "assign and unassign requests balance" "$(counter requests_assign)" "$(counter requests_unassign)"
fi

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
	# this test's load said it, once (an earlier load's line is no proof)
	expect_eq "dmesg says once what the memmap costs" \
		"$(our_lines_since load | grep -c "memmap of standby memory comes from system memory: 16M per 1G configured")" 1
	# seven checks of the other branch, in one
	check "configure, online, offline, deconfigure with the memmap in system memory" \
		sh -c "echo 1 >$FWMEM/memory$b/config && echo online_movable >$SYSMEM/memory$b/state &&
			echo offline >$SYSMEM/memory$b/state && echo 0 >$FWMEM/memory$b/config"
	expect_eq "block $b standby, memmap 0" "$(where $b):$(mmap $b)" "$STANDBY:0"
fi

# Firmware faults: the write, or the online, fails; nothing changes. Any
# firmware failure of a config write is EIO, as upstream.
for m in $FAULT_MODES; do
	fault "assign,$m,side=$SIDE"
	if [ $SHARED = 1 ] && [ $m = malformed ]; then
		# the kernel's notifier looks at the response code only: a
		# garbled answer with 0x0020 is success to it, and the assign
		# did happen
		echo 1 >$FWMEM/memory$b/config
		expect_eq "online with firmware fault assign,$m (kernel's notifier): it sees 0x0020, the online works" \
			"$(write_err $SYSMEM/memory$b/state online_movable)" ""
		fault none
		expect_eq "after assign,$m: block $b online, assigned" "$(where $b)" "1:online:online:assigned assigned"
		offline_block $b
		echo 0 >$FWMEM/memory$b/config
	elif [ $SHARED = 1 ]; then
		# configure only adds; the kernel's notifier assigns on the way online
		echo 1 >$FWMEM/memory$b/config
		expect_eq "online with firmware fault assign,$m (kernel's notifier) fails" \
			"$(write_err $SYSMEM/memory$b/state online_movable)" "$E_ONLINE_FW"
		fault none
		if [ $KERNEL_LEAVES_FAILED_ONLINE = 1 ]; then
			# the kernel's notifier assigned the others (README,
			# Guarantees 1): the deconfigure below gives them back
			_n=$(block_fw_assigned $b)
			expect_eq "after assign,$m: block $b configured, offline; the kernel's notifier left all but the refused increment assigned" \
				"$(cfg $b):$(mem_state $b):$(block_state $b):$_n" "1:offline:offline:$((${_n#*/} - 1))/${_n#*/}"
		else
			expect_eq "after assign,$m: block $b configured, offline, standby" "$(where $b)" "$CONFIGURED"
		fi
		echo 0 >$FWMEM/memory$b/config
	else
		expect_eq "configure with firmware fault assign,$m fails: EIO" \
			"$(write_err $FWMEM/memory$b/config 1)" "$E_IO"
		fault none
		expect_eq "after assign,$m: block $b deconfigured, standby" "$(where $b)" "$STANDBY"
	fi
	requests_answered
	check "after assign,$m: firmware, our table and the kernel's list agree" increments_consistent
done

# A refused unassign on deconfigure (alone) or offline (beside the
# kernel's notifier): the operation completes; alone the increment stays
# assigned (stale, consistent) and is given back at the next chance;
# beside the kernel's notifier we give it back at once.
check "configure block $b" sh -c "echo 1 >$FWMEM/memory$b/config"
fault "unassign,response,side=$SIDE"
if [ $SHARED = 1 ]; then
	online_block $b
	check "offline although the kernel's notifier's unassign fails" offline_block $b
	fault none
	expect_eq "deconfigure" "$(write_err $FWMEM/memory$b/config 0)" ""
	expect_eq "block $b removed, config 0, nothing stale" "$(cfg $b):$(mem_state $b):$(counter stale)" "0:absent:0"
else
	expect_eq "deconfigure with a refused unassign reports EIO" \
		"$(write_err $FWMEM/memory$b/config 0)" "$E_IO"
	fault none
	expect_eq "block $b removed, config 0" "$(cfg $b):$(mem_state $b)" "0:absent"
	expect_eq "one stale increment" "$(counter stale)" 1
fi
check "firmware, our table and the kernel's list agree (stale counted as assigned)" increments_consistent
check "configure again" sh -c "echo 1 >$FWMEM/memory$b/config"
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
check "firmware, our table and the kernel's list agree" increments_consistent
for x in $blocks; do
	offline_block $x && echo 0 >$FWMEM/memory$x/config
done
expect_eq "all blocks deconfigured" "$(for x in $blocks; do where $x; done | sort -u)" "$STANDBY"
# Alone, deconfigure removes a block before it unassigns it: the
# simulation cannot fill it with the canary, and the observer first sees
# its content here; after a configure of block $b it checks the others.
observe "all deconfigured" 0

# Unload with configured blocks: removed and unassigned by the unload.
echo 1 >$FWMEM/memory$b/config
observe "block $b configured again"
mark unload
check "modprobe -r with a configured offline block" unload
expect_log unload "unloaded: all standby memory returned to firmware" \
	"unload gave every increment back"
check "no memory block, /sys/firmware/memory or debugfs left" nothing_left "$blocks" "$before"
check "kernel log clean" clean_since load
