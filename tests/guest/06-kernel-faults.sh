#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Faults from the rest of the kernel: another memory notifier vetoing
# (CONFIG_MEMORY_NOTIFIER_ERROR_INJECT), add_memory() failing on a busy
# range, and a block that cannot go offline because the kernel holds an
# unmovable page in it (ssm_test_helper). Runs last in its boot: the
# pinned-page case may leave a kernel-zone block online for good.
#
# On the test machine (backend=sclp, 6.12-model-kernel-faults) the
# kernel's own notifier assigns and unassigns beside us, and the kernel
# added every standby block at boot: a range cannot be made busy before
# the load there (the kernel's block holds it), so the busy range meets
# the unload's give-back instead (the kernel's block cannot come back).
. ./lib/common.sh

NEI=/sys/kernel/debug/notifier-error-inject/memory
HELPER=/sys/kernel/debug/ssm_test_helper
E_NOMEM="Cannot allocate memory"

[ "$BACKEND" = sclp ] && plan 49 || plan 47

if [ ! -d $NEI/actions/MEM_GOING_ONLINE ]; then
	not_ok "notifier-error-inject/memory in debugfs (CONFIG_MEMORY_NOTIFIER_ERROR_INJECT)"
	exit 1
fi
if ! modprobe ssm_test_helper || [ ! -d $HELPER ]; then
	not_ok "modprobe ssm_test_helper"
	exit 1
fi

# "<kernel>:<ours>:<held>:<increments>" of a block
where() { echo "$(mem_state $1):$(block_state $1):$(block_held $1):$(block_incr_states $1)"; }
range() { awk -v b="$1" 'NR > 1 && $1 == b { split($2, r, "[][-]"); print r[2], r[3] }' "$DBG/blocks"; }

before=$(kernel_blocks)
mark load
check "load mode=lazy" load mode=lazy
set -- $(our_blocks)
b=$1

# Another notifier vetoes MEM_GOING_ONLINE after our MEM_PREPARE_ONLINE
# assigned: the kernel unwinds (MEM_CANCEL_ONLINE, MEM_FINISH_OFFLINE) and
# every increment must be given back.
echo -12 >$NEI/actions/MEM_GOING_ONLINE/error
u0=$(counter requests_unassign)
expect_eq "MEM_GOING_ONLINE vetoed by another notifier: online fails with ENOMEM" \
	"$(write_err $SYSMEM/memory$b/state online_movable)" "$E_NOMEM"
echo 0 >$NEI/actions/MEM_GOING_ONLINE/error
expect_eq "after the veto: block offline, not held, increments standby" \
	"$(where $b)" "offline:offline:0:standby standby"
if [ $SHARED = 1 ]; then
	expect_eq "the kernel's notifier unassigned what it assigned; we sent no unassign" \
		"$(($(counter requests_unassign) - u0))" 0
else
	expect_eq "what was assigned was unassigned" "$(($(counter requests_unassign) - u0))" 1
fi
check "our table agrees with firmware" increments_consistent

# A veto of MEM_GOING_OFFLINE: the block stays online and assigned.
check "online block $b" online_block $b
echo -12 >$NEI/actions/MEM_GOING_OFFLINE/error
expect_eq "MEM_GOING_OFFLINE vetoed: offline fails with ENOMEM" \
	"$(write_err $SYSMEM/memory$b/state offline)" "$E_NOMEM"
echo 0 >$NEI/actions/MEM_GOING_OFFLINE/error
expect_eq "after the veto: block online, held, increments assigned" \
	"$(where $b)" "online:online:1:assigned assigned"
check "offline once the veto is gone" offline_block $b
expect_eq "block offline, increments standby" "$(where $b)" "offline:offline:0:standby standby"
check "unload" unload

# add_memory() fails: the range is claimed by another resource. The
# assignment is rolled back and the block stays deconfigured.
check "load mode=configure" load mode=configure
set -- $(range $b)
start=$1
size=$(printf '0x%x' $(($2 - $1 + 1)))
check "claim block $b's range as a busy resource" sh -c "echo '$start $size' >$HELPER/busy"
mark busy
expect_eq "configure of a busy range fails: add_memory() says EEXIST" \
	"$(write_err $FWMEM/memory$b/config 1)" "File exists"
expect_eq "block $b deconfigured, increments standby" \
	"$(cat $FWMEM/memory$b/config):$(mem_state $b):$(block_incr_states $b)" "0:absent:standby standby"
if [ $SHARED = 1 ]; then
	# the kernel's notifier assigns on the way online: nothing to roll back
	expect_log busy "memory block $b \[.*\]: configure failed: add_memory: -17\$" \
		"dmesg: configure failed, no assignment to roll back (beside the kernel's notifier)"
else
	expect_log busy "memory block $b \[.*\]: configure failed: add_memory: -17, assignment rolled back" \
		"dmesg: configure failed, assignment rolled back"
fi
check "our table agrees with firmware" increments_consistent
check "release the range" sh -c "echo none >$HELPER/busy"
check "configure works once the range is free" sh -c "echo 1 >$FWMEM/memory$b/config"
check "deconfigure" sh -c "echo 0 >$FWMEM/memory$b/config"
check "unload" unload

if [ "$BACKEND" = sclp ]; then
	# The kernel's block taken over, its range busy at the unload: it
	# cannot go back to the kernel; the others do, nothing is assigned.
	check "load mode=configure" load mode=configure
	check "claim block $b's range as a busy resource" sh -c "echo '$start $size' >$HELPER/busy"
	mark givebackbusy
	check "unload with block $b's range busy" unload
	expect_log givebackbusy "memory block $b: cannot give it back to the kernel: -17" \
		"dmesg: block $b cannot go back to the kernel, EEXIST"
	expect_eq "block $b absent, the kernel's others back" \
		"$(mem_state $b):$(kernel_blocks)" "absent:$(echo "$before" | sed "s/memory$b //")"
	echo none >$HELPER/busy
else
	# Lazy load with one busy block: not added, the others are.
	echo "$start $size" >$HELPER/busy
	mark lazybusy
	check "load mode=lazy with block $b busy" load mode=lazy
	expect_eq "block $b not added, standby" "$(mem_state $b):$(block_state $b)" "absent:standby"
	expect_log lazybusy "memory block $b \[.*\]: not added: -17" \
		"dmesg: block not added, EEXIST"
	check "unload" unload
	echo none >$HELPER/busy
fi

# Memory someone else adds in our range (the helper, as a driver might):
# not ours to judge. Our notifier lets it go online and offline: no veto.
check "load mode=configure" load mode=configure
if [ "$BACKEND" = sclp ]; then
	expect_eq "block $b, not given back, is standby: deconfigured, nothing assigned" \
		"$(cat $FWMEM/memory$b/config):$(mem_state $b):$(block_incr_states $b)" "0:absent:standby standby"
fi
check "someone else adds block $b's range" sh -c "echo '$start $size' >$HELPER/add"
v0=$(counter vetoes)
check "that memory goes online: no veto from us" online_block $b
expect_eq "our notifier vetoed nothing" "$(counter vetoes)" "$v0"
expect_eq "our table still calls block $b standby (not ours)" "$(block_state $b)" standby
check "that memory goes offline" offline_block $b
check "its owner removes it" sh -c "echo none >$HELPER/add"
check "configure works once the range is ours again" sh -c "echo 1 >$FWMEM/memory$b/config"
check "deconfigure" sh -c "echo 0 >$FWMEM/memory$b/config"
check "our table agrees with firmware" increments_consistent
check "unload" unload

# An unmovable kernel page in a kernel-zone block: offline must fail with
# the block online, assigned, and the page's data intact.
check "load mode=lazy" load mode=lazy
check "online block $b (online_kernel)" online_block $b online_kernel
check "the helper pins a kernel page in block $b" sh -c "echo '$start $size' >$HELPER/pin"
expect_eq "offline with a pinned page fails: EBUSY" \
	"$(write_err $SYSMEM/memory$b/state offline)" "Device or resource busy"
expect_eq "block $b online, held, increments assigned" "$(where $b)" "online:online:1:assigned assigned"
expect_eq "block $b is in the kernel zone" "$(cat $SYSMEM/memory$b/valid_zones)" Normal
if ! unload 2>/dev/null && loaded; then
	ok "the module stays pinned by the online kernel-zone block"
else
	not_ok "the module stays pinned by the online kernel-zone block"
fi
if grep -q "intact" $HELPER/pin; then
	ok "the pinned page's data is intact ($(cat $HELPER/pin))"
else
	not_ok "the pinned page's data is intact ($(cat $HELPER/pin))"
fi
check "our table agrees with firmware" increments_consistent
check "the helper verifies and frees the page" sh -c "echo none >$HELPER/pin"
check "kernel log clean" clean_since load
