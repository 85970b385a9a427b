#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Lazy mode end to end (kernels with MEM_PREPARE_ONLINE): every standby
# block added offline and unassigned at load, assigned right before it
# goes online, unassigned right after it goes offline. Alone, the module
# issues the assign and unassign; beside the kernel's own notifier
# (ssm.twin=1) that notifier does, and the module checks firmware after it:
# either way firmware, our table and (then) the kernel's list agree after
# every step.
. ./lib/common.sh

# the simulation's own canary counters (3) do not exist on the test machine
[ "$BACKEND" = sclp ] && plan 68 || plan 71

WANT_SITUATION=alone
[ $SHARED = 1 ] && WANT_SITUATION=shared
# Firmware faults are aimed at whoever assigns: us alone, the kernel's
# notifier beside it.
SIDE=module
[ $SHARED = 1 ] && SIDE=kernel

# On the test machine the kernel added the standby memory at boot: its
# blocks, before the first load, are its own again after each unload.
before=$(kernel_blocks)

# System memory an added (not onlined) block costs: median of 3 loads.
drops="" pts="" rest=""
start=$(settled_free_kb) pstart=$(meminfo_kb PageTables)
n=0
while [ $n -lt 3 ]; do
	f0=$(settled_free_kb) p0=$(meminfo_kb PageTables)
	load || break
	f1=$(settled_free_kb) p1=$(meminfo_kb PageTables)
	nb=$(our_blocks | wc -l) half=$(($(memmap_kb) / 2))
	drops="$drops $(((f0 - f1) / nb))"
	pts="$pts $(((p1 - p0) / nb))"
	rest="$rest $(((f0 - f1 - (p1 - p0)) / nb))"
	unload || break
	n=$((n + 1))
done
expect_eq "3 load/unload rounds for the MemFree measurement" "$n" 3
echo "# after 3 rounds: MemFree $(($(settled_free_kb) - start)) kB, PageTables $(($(meminfo_kb PageTables) - pstart)) kB"
rest=$(echo $rest | tr ' ' '\n' | median)
echo "# per added block (kB), 3 loads: MemFree drop$drops; PageTables growth$pts"
# The memmap of a 256 MiB block is 4 MiB (64 bytes per 4 KiB page). What
# an added block does cost is the page tables that map the block and its
# memmap: about 1 MiB, steady to a few kB (make bench: PageTables +4.1 MiB
# per GiB). MemFree moves by up to about 500 kB per block between loads
# (per-CPU free lists, slab), so what it lost beyond the page tables is
# compared with half the memmap: far above the noise, far below the
# memmap this block would otherwise take.
if [ -n "$rest" ] && [ "$rest" -lt "$half" ]; then
	ok "beyond its page tables an added block costs less than half its memmap (median ${rest} kB < ${half} kB)"
else
	not_ok "beyond its page tables an added block costs less than half its memmap (median ${rest} kB, want < ${half} kB)"
fi

mark load
check "load with backend=sim" load
expect_eq "mode=auto resolves to lazy" "$(cat /sys/module/$MOD/status/mode)" lazy
expect_eq "memmap goes on the memory" "$(cat /sys/module/$MOD/status/memmap_on_memory)" 1
expect_log load "loaded: .* situation=$WANT_SITUATION " \
	"load line names the situation: $WANT_SITUATION"
expect_log load "Standby memory at 0x40000000 (1024M of 1024M usable)" \
	"load reports the standby run as upstream does"
blocks=$(our_blocks | tr '\n' ' ')
nb=$(echo $blocks | wc -w)
expect_eq "all standby blocks are ours" "$((nb * $(block_kb)))" 1048576
for b in $blocks; do
	expect_eq "block $b added offline" "$(mem_state $b):$(block_state $b):$(block_held $b)" "offline:offline:0"
	expect_eq "block $b increments standby (ours, firmware)" "$(block_incr_states $b)" "standby standby"
done
check "firmware, our table and the kernel's list agree" increments_consistent
# The window between the lazy add and the first online, seen from outside.
observe "lazy load, before any online"

# Online one block: assigned before, MemTotal grows by block minus memmap.
set -- $blocks
b=$1
t0=$(meminfo_kb MemTotal)
a0=$(counter requests_assign)
mark online
check "online block $b (online_movable)" online_block $b
t1=$(meminfo_kb MemTotal)
expect_eq "block $b online (kernel, ours, held)" "$(mem_state $b):$(block_state $b):$(block_held $b)" "online:online:1"
expect_eq "block $b increments assigned (ours, firmware)" "$(block_incr_states $b)" "assigned assigned"
check "firmware, our table and the kernel's list agree" increments_consistent
if [ $SHARED = 1 ]; then
	expect_eq "the kernel's notifier assigned; we sent no assign" \
		"$(($(counter requests_assign) - a0))" 0
else
	expect_eq "we assigned the block's increment" \
		"$(($(counter requests_assign) - a0))" 1
fi
expect_eq "MemTotal grows by block size minus memmap (kB)" "$((t1 - t0))" "$(online_growth_kb 1)"
expect_log online "memory block $b \[0x[0-9a-f]*-0x[0-9a-f]*\]: online" \
	"dmesg: one line for the online with block and range"

# Pinned while online.
err=$(modprobe -r $MOD 2>&1)
if loaded && echo "$err" | grep -q "in use"; then
	ok "modprobe -r while a block is online: in use"
else
	not_ok "modprobe -r while a block is online: in use ($err)"
fi

u0=$(counter requests_unassign)
check "offline block $b" offline_block $b
expect_eq "block $b offline, not held" "$(mem_state $b):$(block_state $b):$(block_held $b)" "offline:offline:0"
expect_eq "block $b increments back to standby" "$(block_incr_states $b)" "standby standby"
check "firmware, our table and the kernel's list agree" increments_consistent
if [ $SHARED = 1 ]; then
	expect_eq "the kernel's notifier unassigned; we sent no unassign" \
		"$(($(counter requests_unassign) - u0))" 0
else
	expect_eq "we unassigned the block's increment" \
		"$(($(counter requests_unassign) - u0))" 1
fi
expect_eq "MemTotal back where it was" "$(meminfo_kb MemTotal)" "$t0"

# The memory is usable, and a process's data in it survives migration.
# User pages come from the highest zone first: with one movable block
# online, the program's pages land in that block.
mf0=$(settled_free_kb)
check "online block $b again" online_block $b
memtouch 96 hold >/tmp/hold.out 2>&1 &
pid=$!
if wait_for ready 300 /tmp/hold.out; then
	ok "memtouch holds 96 MiB"
else
	not_ok "memtouch holds 96 MiB ($(cat /tmp/hold.out))"
fi
movable_free=$(awk '/^Node .* zone +Movable/ { z = 1; next }
	/^Node/ { z = 0 } z && $1 == "pages" && $2 == "free" { print $3 * 4; exit }' \
	/proc/zoneinfo)
if [ -n "$movable_free" ] && [ $(($(block_kb) - movable_free)) -ge 90000 ]; then
	ok "the program's pages are in the standby block (movable free ${movable_free} kB)"
else
	not_ok "the program's pages are in the standby block (movable free ${movable_free} kB)"
fi
mark migrate
s0=$(date +%s)
check "offline block $b while it holds the program's pages" offline_block $b
echo "# offline with 96 MiB to migrate took $(($(date +%s) - s0)) s"
expect_eq "block $b increments standby after the migration" "$(block_incr_states $b)" "standby standby"
kill -USR1 $pid
wait_for "intact (\|corrupt (" 120 /tmp/hold.out
if grep -q "intact (0 bad words)" /tmp/hold.out; then
	ok "program data byte-exact after its block went offline"
else
	not_ok "program data byte-exact after its block went offline ($(tail -1 /tmp/hold.out))"
fi
kill $pid
wait $pid 2>/dev/null
# Not lower by 8 MiB or more: the program's 96 MiB came back. More free
# memory than before is no loss (KASAN's quarantine and reclaimed slab
# on the debug kernel gave 8-16 MiB more once).
d=$(($(settled_free_kb) - mf0))
check "MemFree back within 8 MiB after the program exits ($d kB)" [ $d -gt -8192 ]
expect_eq "all blocks offline" "$(blocks_summary)" "$(for x in $blocks; do printf '%s:offline:0 ' $x; done)"

# Every block online at once: MemTotal grows by all of them.
t0=$(meminfo_kb MemTotal)
for x in $blocks; do online_block $x; done
expect_eq "all $nb blocks online: MemTotal growth (kB)" \
	"$(($(meminfo_kb MemTotal) - t0))" "$((nb * $(online_growth_kb 1)))"
check "firmware, our table and the kernel's list agree" increments_consistent
for x in $blocks; do offline_block $x; done
expect_eq "all blocks offline again" "$(blocks_summary)" "$(for x in $blocks; do printf '%s:offline:0 ' $x; done)"

# 8 online/offline cycles (2 per block); standby after every offline.
mark cycles
bad=0
for x in $blocks; do
	i=0
	while [ $i -lt 2 ]; do
		online_block $x || bad=$((bad + 1))
		offline_block $x || bad=$((bad + 1))
		[ "$(block_incr_states $x)" = "standby standby" ] || bad=$((bad + 1))
		i=$((i + 1))
	done
done
expect_eq "8 online/offline cycles, standby after each offline" "$bad" 0
check "firmware, our table and the kernel's list agree" increments_consistent
# Every assign found its increment's canary intact: all of it, every
# byte, written when it was unassigned (or added unassigned).
if [ "$BACKEND" != sclp ]; then
	expect_eq "canary errors (written while unassigned)" "$(sim_counter canary_errors)" 0
	expect_eq "assigns of an increment nobody watched while unassigned" \
		"$(sim_counter canary_unverified)" 0
	if [ "$(sim_counter canary_checked)" -ge 8 ]; then
		ok "canaries were verified at every assign ($(sim_counter canary_checked) increments)"
	else
		not_ok "canaries were verified at every assign ($(sim_counter canary_checked) increments)"
	fi
fi
observe "after the cycles"
check "kernel log clean over the cycles" clean_since cycles

# A refused assign: the online fails, nothing stays assigned.
mark assignfail
fault "assign,response,side=$SIDE"
v0=$(counter vetoes)
if online_block $b 2>/dev/null; then
	not_ok "online fails when firmware refuses to assign"
else
	ok "online fails when firmware refuses to assign"
fi
fault none
expect_eq "block $b stays offline (kernel, ours, held)" "$(mem_state $b):$(block_state $b):$(block_held $b)" "offline:offline:0"
if [ $KERNEL_LEAVES_FAILED_ONLINE = 1 ]; then
	# the kernel's own notifier assigned the others (README, Guarantees 1)
	_n=$(block_fw_assigned $b)
	expect_eq "the kernel's notifier left all but the refused increment assigned (Guarantees 1, beside 6.8-6.18)" \
		"$_n" "$((${_n#*/} - 1))/${_n#*/}"
	online_block $b && offline_block $b
	check "its next online and offline make firmware, our table and the kernel's list agree" increments_consistent
else
	expect_eq "block $b increments all standby" "$(block_incr_states $b)" "standby standby"
	check "firmware, our table and the kernel's list agree" increments_consistent
fi
if [ $SHARED = 1 ]; then
	# the kernel's notifier refused it: ours never saw the online
	expect_eq "our notifier vetoed nothing" "$(counter vetoes)" "$v0"
	if twin_lines_since assignfail | grep -q "assign storage failed (cmd=0x000d0001, response=0x05f0, rn=0x"; then
		ok "the kernel's notifier logged the refused assign with command, response and rn"
	else
		not_ok "the kernel's notifier logged the refused assign with command, response and rn"
	fi
else
	expect_eq "the veto is counted" "$(counter vetoes)" $((v0 + 1))
	expect_log assignfail "assign storage failed (cmd=0x000d0001, response=0x05f0, rn=0x" \
		"dmesg names command, response and rn of the failed assign"
fi

# A refused unassign: the offline succeeds. Alone, the increment stays
# assigned in firmware and in our table (stale, consistent) and is
# retried; beside the kernel's notifier (whose unassign failed) we find
# it still assigned after it and give it back at once.
online_block $b
mark unassignfail
fault "unassign,response,side=$SIDE"
r0=$(counter repaired)
check "offline block $b although firmware refuses one unassign" offline_block $b
fault none
if [ $SHARED = 1 ]; then
	if twin_lines_since unassignfail | grep -q "assign storage failed (cmd=0x000c0001, response=0x05f0, rn=0x"; then
		ok "the kernel's notifier logged the refused unassign"
	else
		not_ok "the kernel's notifier logged the refused unassign"
	fi
	expect_eq "we gave back what it could not: no stale increment, one repair" \
		"$(counter stale):$(($(counter repaired) - r0))" "0:1"
else
	expect_log unassignfail "unassign storage failed (cmd=0x000c0001, response=0x05f0, rn=0x" \
		"dmesg reports the failed unassign with command, response and rn"
	expect_eq "one stale increment, nothing repaired" \
		"$(counter stale):$(($(counter repaired) - r0))" "1:0"
fi
check "firmware, our table and the kernel's list agree" increments_consistent
check "online again" online_block $b
check "offline again" offline_block $b
expect_eq "no stale increment left" "$(counter stale)" 0
expect_eq "block $b increments standby" "$(block_incr_states $b)" "standby standby"

# Tracepoints.
T=/sys/kernel/tracing
if [ -d $T/events/s390_standby_mem ]; then
	echo 1 >$T/events/s390_standby_mem/enable
	echo >$T/trace
	online_block $b
	offline_block $b
	echo 0 >$T/events/s390_standby_mem/enable
	grep -q "ssm_notify: block=$b .*event=prepare-online state=onlining rc=0" $T/trace &&
		ok "trace: notifier prepare-online decision" ||
		not_ok "trace: notifier prepare-online decision"
	if [ $SHARED = 1 ]; then
		! grep -q "ssm_firmware: assign" $T/trace &&
			ok "trace: no assign of ours (the kernel's notifier assigned)" ||
			not_ok "trace: no assign of ours (the kernel's notifier assigned)"
		! grep -q "ssm_firmware: unassign" $T/trace &&
			ok "trace: no unassign of ours" || not_ok "trace: no unassign of ours"
	else
		grep -q "ssm_firmware: assign rn=0x.* rc=0 ns=" $T/trace &&
			ok "trace: assign with rn, range, result, duration" ||
			not_ok "trace: assign with rn, range, result, duration"
		grep -q "ssm_firmware: unassign rn=0x.* rc=0" $T/trace &&
			ok "trace: unassign" || not_ok "trace: unassign"
	fi
	grep -q "ssm_notify: block=$b .*event=finish-offline state=offline rc=0" $T/trace &&
		ok "trace: finish-offline decision" || not_ok "trace: finish-offline decision"
else
	not_ok "tracefs has events/s390_standby_mem"
fi

# Unload leaves nothing behind.
check "modprobe -r after offlining everything" unload
check "no memory block, /sys/firmware/memory or debugfs left" nothing_left "$blocks" "$before"
check "kernel log clean" clean_since load
