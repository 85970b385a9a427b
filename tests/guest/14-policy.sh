#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's hotplug policy (this boot: memhp_default_state=online_movable,
# the auto_online_blocks a distribution or an administrator may choose): the
# kernel onlines memory as soon as it is added. Movable, so that offlining
# is deterministic: "online" puts the blocks in ZONE_NORMAL, where the
# kernel's own page tables and slab land and offlining fails with -EBUSY
# (unmovable page) as it does for any kernel-zone memory. Lazy mode then brings all
# standby memory online at load, as the kernel's own standby support does
# under that policy, and says so; configure mode follows it on config=1 as
# upstream 6.19 does: chmem -c configures and the kernel onlines. Firmware,
# our table and the kernel agree throughout, and the module stays pinned
# while anything of it is online.
. ./lib/common.sh

AUTO=$SYSMEM/auto_online_blocks
mark policy-start
MODES=configure
load mode=lazy 2>/dev/null && MODES="lazy configure"
if loaded; then
	for x in $(our_blocks); do offline_block $x; done
	unload
fi
if loaded; then
	plan 1
	not_ok "the probe load (mode=lazy) could not be undone"
	exit 1
fi
# 1 here, 9 for lazy, 15 for configure, 1 at the end
plan $((1 + 15 + 1 + $(echo $MODES | grep -c lazy) * 9))

expect_eq "the kernel onlines added memory on its own" "$(cat $AUTO)" online_movable

if echo "$MODES" | grep -q lazy; then
	mark policy-lazy
	check "lazy: load" load mode=lazy
	blocks=$(our_blocks | tr '\n' ' ')
	expect_eq "lazy: all standby blocks went online at load" \
		"$(for x in $blocks; do mem_state $x; done | sort -u)" online
	expect_log policy-lazy "the kernel onlines added memory on its own (auto_online_blocks): 4 standby blocks went online at load" \
		"lazy: the load says why"
	check "lazy: firmware, our table and the kernel agree" increments_consistent
	if ! unload 2>/dev/null && loaded; then
		ok "lazy: modprobe -r refused while blocks are online"
	else
		not_ok "lazy: modprobe -r refused while blocks are online"
	fi
	for x in $blocks; do offline_block $x; done
	expect_eq "lazy: all offline again, increments standby" \
		"$(for x in $blocks; do block_incr_states $x; done | sort -u)" "standby standby"
	check "lazy: agreement" increments_consistent
	check "lazy: unload" unload
	check "lazy: nothing left" nothing_left "$blocks"
fi

check "configure: load" load mode=configure
set -- $(our_blocks)
b=$1
check "chmem -c -b $b" chmem -c -b $b
expect_eq "configure follows the policy: block $b configured and online" \
	"$(cat $FWMEM/memory$b/config):$(mem_state $b):$(block_state $b)" "1:online:online"
check "configure: agreement" increments_consistent
if ! unload 2>/dev/null && loaded; then
	ok "configure: modprobe -r refused while a block is online"
else
	not_ok "configure: modprobe -r refused while a block is online"
fi
if chmem -g -b $b 2>/tmp/err; then
	not_ok "chmem -g of the online block fails (offline it first: chmem -d)"
else
	ok "chmem -g of the online block fails (offline it first: chmem -d) ($(cat /tmp/err))"
fi
check "chmem -d -b $b (offline and deconfigure)" chmem -d -b $b
expect_eq "block $b deconfigured" "$(cat $FWMEM/memory$b/config):$(mem_state $b)" "0:absent"
check "chmem -e -b $b" chmem -e -b $b
expect_eq "block $b configured and online" "$(cat $FWMEM/memory$b/config):$(mem_state $b)" "1:online"
check "chmem -d -b $b" chmem -d -b $b
# The policy is the kernel's: set to offline, configure leaves it offline.
echo offline >$AUTO
check "with auto_online_blocks=offline: chmem -c -b $b" chmem -c -b $b
expect_eq "block $b configured, offline" "$(cat $FWMEM/memory$b/config):$(mem_state $b)" "1:offline"
echo online_movable >$AUTO
echo 0 >$FWMEM/memory$b/config
check "configure: agreement" increments_consistent
check "configure: unload" unload
check "kernel log clean" clean_since policy-start
