#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's hotplug policy (this boot: memhp_default_state=online, the
# auto_online_blocks a distribution or an administrator may choose): the
# kernel onlines memory as soon as it is added. Lazy mode then brings all
# standby memory online at load, as the kernel's own standby support does
# under that policy, and says so; configure mode follows it on config=1 as
# upstream 6.19 does: chmem -c configures and the kernel onlines. Firmware,
# our table and the kernel agree throughout, and the module stays pinned
# while anything of it is online.
#
# "online" lets the kernel's zone policy choose: ZONE_NORMAL on a fresh
# boot, where the kernel's own page tables and slab land, and offlining
# then fails (-EBUSY, "unmovable page") more often than not, as for any
# kernel-zone memory; ZONE_MOVABLE next to movable memory. The lazy and
# configure rounds run with online_movable, so that they can offline and
# unload; the last round runs with online_kernel, ZONE_NORMAL for sure:
# whatever the offline does, everything stays consistent.
. ./lib/common.sh

AUTO=$SYSMEM/auto_online_blocks
mark policy-start
boot_policy=$(cat $AUTO)

# On the test machine the kernel's own standby support added the standby
# blocks at boot under this policy, so they came up online, assigned by
# its notifier: with memhp_default_state=online (6.12-model-policy) in
# ZONE_NORMAL, with online_movable (6.12-model-policy-movable) in
# ZONE_MOVABLE. The load takes them over online, pinned. Movable ones go
# offline (the kernel unassigns), are ours to online and offline again,
# and the unload leaves them to the kernel, offline. Kernel-zone ones
# hold the kernel's pages: each goes offline or not, and either way
# firmware, our table and the kernel agree and the module stays loaded
# while one is online.
if [ "$BACKEND" = sclp ]; then
	case $boot_policy in
	online_movable) plan 19 ;;
	*) plan 11 ;;
	esac
	# one write, at most 120 s: a kernel-zone block may not go at all
	try_offline() { timeout -s KILL 120 sh -c "echo offline >$SYSMEM/memory$1/state" 2>/dev/null; }
	# "<block>:<kernel>:<ours, firmware>" of each block where the
	# increments are not what the block's state says
	mismatches() {
		for x in $blocks; do
			case "$(mem_state $x):$(block_incr_states $x)" in
			"online:assigned assigned" | "offline:standby standby") ;;
			*) echo "$x:$(mem_state $x):$(block_incr_states $x)" ;;
			esac
		done
	}
	zones() { for x in 4 5 6 7; do cat $SYSMEM/memory$x/valid_zones; done | sort -u | tr '\n' ' '; }
	case $boot_policy in
	online | online_movable) ok "booted with the kernel onlining added memory on its own ($boot_policy)" ;;
	*) not_ok "booted with the kernel onlining added memory on its own (auto_online_blocks $boot_policy)" ;;
	esac
	expect_eq "the kernel onlined its standby blocks 4 to 7 at boot" \
		"$(mem_states 4 5 6 7)" "online online online online "
	[ "$boot_policy" = online ] &&
		expect_eq "in the kernel zone (its fresh-boot choice for online)" "$(zones)" "Normal "
	mark model-policy
	check "load mode=lazy" load mode=lazy
	blocks=$(our_blocks | tr '\n' ' ')
	expect_log model-policy "took over 4 of 4 standby blocks the kernel had added at boot: 0 offline, 4 online" \
		"the load took the four over online"
	expect_eq "online blocks assigned (ours, firmware), none else" "$(mismatches)" ""
	if ! unload 2>/dev/null && loaded; then
		ok "modprobe -r refused while the blocks are online (pinned)"
	else
		not_ok "modprobe -r refused while the blocks are online (pinned)"
	fi
	went=""
	for x in $blocks; do try_offline $x && went="$went$x "; done
	echo "# went offline: ${went:-none}"
	expect_eq "after the offlines: offline blocks standby, online ones assigned" "$(mismatches)" ""
	check "after the offlines: firmware, our table and the kernel's list agree" increments_consistent
	if [ "$boot_policy" = online_movable ]; then
		expect_eq "all four went offline (ZONE_MOVABLE)" "$went" "$blocks"
		bad=0
		for x in $went; do
			online_block $x && [ "$(block_incr_states $x)" = "assigned assigned" ] &&
				offline_block $x && [ "$(block_incr_states $x)" = "standby standby" ] ||
				bad=$((bad + 1))
		done
		expect_eq "each goes online and offline again, assigned and given back" \
			"$bad failed" "0 failed"
		check "agreement after the cycles" increments_consistent
		check "unload" unload
		expect_eq "the kernel keeps its blocks 4 to 7 as they are, offline" \
			"$(mem_states 4 5 6 7)" "offline offline offline offline "
		# Configure mode takes offline blocks over removed (deconfigured);
		# given back, add_memory() onlines them under the policy, as the
		# kernel's initcall did at boot, and the unload says so.
		check "configure: load" load mode=configure
		expect_eq "configure: the four deconfigured" \
			"$(for x in 4 5 6 7; do cat $FWMEM/memory$x/config; done | tr '\n' ' ')" "0 0 0 0 "
		mark model-policy-giveback
		check "configure: unload" unload
		expect_log model-policy-giveback "gave 4 standby blocks back to the kernel as it had added them: 4 went online (the kernel's auto_online_blocks)" \
			"configure: the unload says the policy onlined what it gave back"
		expect_eq "the kernel's policy onlined blocks 4 to 7" \
			"$(mem_states 4 5 6 7)" "online online online online "
	elif [ "$(echo $went | wc -w)" = 4 ]; then
		check "all went offline: unload" unload
	else
		check "blocks online: the module stays loaded, pinned" loaded
	fi
	check "kernel log clean" clean_since policy-start
	exit 0
fi
echo offline >$AUTO
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
# 1 here, 9 for lazy, 14 for configure, 8 for the kernel zone, 1 at the end
plan $((1 + 14 + 8 + 1 + $(echo $MODES | grep -c lazy) * 9))

expect_eq "booted with the kernel onlining added memory on its own" "$boot_policy" online
echo online_movable >$AUTO

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

# The kernel zone. The block may or may not go offline again; either way
# all agree, and the module stays pinned while it is online.
echo online_kernel >$AUTO
mark kernel-zone
check "kernel zone: chmem -c -b $b" chmem -c -b $b
expect_eq "kernel zone: block $b configured and online, in ZONE_NORMAL" \
	"$(cat $FWMEM/memory$b/config):$(mem_state $b):$(cat $SYSMEM/memory$b/valid_zones)" "1:online:Normal"
check "kernel zone: agreement" increments_consistent
if ! unload 2>/dev/null && loaded; then
	ok "kernel zone: modprobe -r refused while the block is online"
else
	not_ok "kernel zone: modprobe -r refused while the block is online"
fi
if chmem -d -b $b 2>/tmp/err; then
	echo "# kernel zone: chmem -d -b $b: the block went offline"
	expect_eq "kernel zone: block $b deconfigured" "$(cat $FWMEM/memory$b/config):$(mem_state $b)" "0:absent"
else
	echo "# kernel zone: chmem -d -b $b failed ($(cat /tmp/err)): unmovable pages"
	expect_eq "kernel zone: block $b still configured, online, assigned" \
		"$(cat $FWMEM/memory$b/config):$(mem_state $b):$(block_incr_states $b)" "1:online:assigned assigned"
fi
check "kernel zone: agreement after the offline" increments_consistent
if [ "$(mem_state $b)" = online ]; then
	echo "# the block stays online: the module stays loaded to the end of the boot"
	check "kernel zone: still loaded, pinned" loaded
	expect_log kernel-zone "memory block $b .*: online" "kernel zone: dmesg has the online"
else
	check "kernel zone: unload" unload
	check "kernel zone: nothing left" nothing_left "$b"
fi
check "kernel log clean" clean_since policy-start
