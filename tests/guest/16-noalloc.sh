#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The module allocates nothing while a block goes online or offline: its
# SCLP requests run in slots and SCCBs allocated at load, 256 of them per
# block with 1M increments, inside the kernel's memory notifier under
# mem_hotplug_lock. This boot's kernel (6.12-failalloc,
# kernel/config.failalloc) can fail the page allocations of one task
# where a given code range is on the stack: every page allocation the
# writer makes under the module's code fails, and says so in the kernel
# log. The online and the offline must work and force no failure. The
# control: a configure write, whose add_memory() allocates page tables
# under the module's code, must fail the same way, or the injection would
# not have been armed at all.
. ./lib/common.sh

plan 17

FI=/sys/kernel/debug/fail_page_alloc

# arm: fail every page allocation (any order, any flags) of a task that
# set make-it-fail, where the module's code is on the stack (its range as
# /proc/modules gives it).
arm() {
	set -- $(awk -v m="$MOD" '$1 == m { print $2, $6 }' /proc/modules)
	echo $(($2)) >$FI/require-start
	echo $(($2 + $1)) >$FI/require-end
	echo 0 >$FI/min-order
	echo N >$FI/ignore-gfp-wait
	echo N >$FI/ignore-gfp-highmem
	echo Y >$FI/task-filter
	echo 1 >$FI/verbose
	echo -1 >$FI/times
	echo 1 >$FI/interval
	echo 100 >$FI/probability
}
disarm() { echo 0 >$FI/probability; }
armed_range() { printf '[0x%x-0x%x)' "$(cat $FI/require-start)" "$(cat $FI/require-end)"; }
# failing <command>: run it in a shell whose page allocations may fail
failing() { sh -c "echo 1 >/proc/self/make-it-fail && $1"; }
# forced_since <mark>: failures forced since the mark ("mark gone" fails
# the comparison: a count read from nothing would be a vacuous 0)
forced_since() {
	_log=$(since "$1") || { echo "mark $1 gone"; return; }
	echo "$_log" | grep -c 'FAULT_INJECTION: forcing a failure'
}

if [ ! -d $FI ]; then
	not_ok "the kernel can fail page allocations ($FI; boot 6.12-failalloc)"
	exit 0
fi
ok "the kernel can fail page allocations ($FI)"

mark noalloc
check "load mode=lazy increment_size=1M" load mode=lazy increment_size=1M
set -- $(our_blocks)
b=$1
arm
echo "# page allocations under $MOD $(armed_range) fail for the writer"

mark online
failing "echo online_movable >$SYSMEM/memory$b/state"
expect_eq "online of block $b (256 assigns), every page allocation under the module failing: it works" "$?" 0
expect_eq "that online attempted no page allocation under the module" "$(forced_since online)" 0
expect_eq "block $b online, its increments assigned" \
	"$(mem_state $b):$(block_incr_states $b)" "online:assigned assigned"

mark offline
failing "echo offline >$SYSMEM/memory$b/state"
expect_eq "offline of block $b (256 unassigns), likewise: it works" "$?" 0
expect_eq "that offline attempted no page allocation under the module" "$(forced_since offline)" 0
expect_eq "block $b offline, its increments standby" \
	"$(mem_state $b):$(block_incr_states $b)" "offline:standby standby"
disarm
check "unload" unload

# The control: add_memory() allocates (page tables) under the module.
check "load mode=configure increment_size=1M" load mode=configure increment_size=1M
arm
mark control
expect_eq "control: configure of block $b under the same injection fails" \
	"$(failing "echo 1 >$FWMEM/memory$b/config" 2>&1 | sed 's/.*: //')" \
	"Cannot allocate memory"
n=$(forced_since control)
if [ "$n" -gt 0 ]; then
	ok "control: the injection forced failures ($n)"
else
	not_ok "control: the injection forced failures (none: not armed)"
fi
disarm
expect_eq "control: block $b deconfigured, its increments standby" \
	"$(cat $FWMEM/memory$b/config):$(mem_state $b):$(block_incr_states $b)" "0:absent:standby standby"
check "control: configure and deconfigure without the injection" \
	sh -c "echo 1 >$FWMEM/memory$b/config && echo 0 >$FWMEM/memory$b/config"
check "our table agrees with firmware" increments_consistent
check "unload" unload
check "kernel log clean" clean_since noalloc
