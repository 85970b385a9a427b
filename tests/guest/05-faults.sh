#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The fault matrix: every SCLP command x every failure (error response,
# no answer in time, malformed answer, answer after the caller gave up)
# x every operation that issues it. Each case asserts the operation's
# result, the block state, every increment's state against firmware, and
# the counters. The simulated machine is kept across loads
# (keep_machine=1) where firmware must be inspected after a load failed.
# The README's fault matrix is this file.
. ./lib/common.sh

plan 162

KEEP=/sys/module/$SIM/parameters/keep_machine

# A fresh simulated machine is made by the next load, and kept after it.
fresh_machine() {
	echo 0 >$KEEP
	echo 1 >$KEEP
}
# No increment above boot memory (the first 1024 of 1M) is assigned in
# firmware; the first one that is goes into the failure line.
firmware_clean() {
	awk '
		NR == 1 { next }
		$1 > 1024 && $3 == 1 { if (!assigned++) a = $1 }
		END {
			if (assigned) {
				print assigned " increments assigned (first: rn " a ")"
				exit 1
			}
		}' "$SIMDBG/firmware" >/tmp/why
}

modprobe $SIM
mark load

# --- load: read SCP info, read storage element info, attach ---
# increment_size=1M: 2048 increments in 8 storage elements of 256; the
# elements above boot memory are attached at load, which assigns their
# increments, and the load unassigns them again. Whatever fails, firmware
# is left as it was (or given back what attach assigned).
for op in read_info storage_info attach; do
	for m in response timeout malformed; do
		want=$(fault_errtext $m)
		fresh_machine
		load_refused "load, $op $m: refused with '$want'" "$want" \
			increment_size=1M sim_fault=$op,$m
		check "load, $op $m: nothing left behind" nothing_left ""
		check "load, $op $m: firmware has nothing of standby memory assigned" \
			firmware_clean
	done
done
for m in response timeout malformed; do
	fresh_machine
	check "load, unassign after attach $m: the load goes on" \
		load increment_size=1M sim_fault=unassign,$m
	expect_eq "load, unassign $m: one stale increment" "$(counter stale)" 1
	requests_answered
	check "load, unassign $m: our table agrees with firmware" increments_consistent
	mark unload-$m
	check "load, unassign $m: unload" unload
	expect_log unload-$m "unloaded: all standby memory returned to firmware" \
		"load, unassign $m: the unload gave the stale increment back"
done

# A load that fails after its attach (128M of standby memory fill no
# 256M block) gives back what the attach assigned, also the increment
# whose unassign failed then.
fresh_machine
load_refused "load after attach fails: no usable standby memory (ENODEV)" \
	"No such device" increment_size=1M sim_size=128M sim_fault=unassign,response
check "load after attach fails: nothing left behind" nothing_left ""
check "load after attach fails: firmware got back all the attach assigned" \
	firmware_clean

# In configure mode a storage element that does not attach at load does
# not fail the load: it stays unattached, its block standby, and every
# config write attaches it again, as upstream (lazy mode adds every block
# at load and refuses, above). Element 4 is the first above boot memory
# and holds the first standby block.
elem4_attached() {
	awk 'NR > 1 && $4 == 4 { print $5; exit }' "$SIMDBG/firmware"
}
for m in response timeout malformed; do
	# a malformed answer comes from an attach that was made
	fw=0
	[ $m = malformed ] && fw=1
	fresh_machine
	mark cfg-attach-$m
	check "configure load, attach $m: the load goes on" \
		load mode=configure increment_size=1M sim_fault=attach,$m
	expect_log cfg-attach-$m "storage element 4: attach failed" \
		"configure load, attach $m: dmesg names the element"
	b=$(our_blocks | head -n1)
	expect_eq "configure load, attach $m: block $b standby, element 4 attached in firmware: $fw" \
		"$(block_state $b):$(elem4_attached)" "standby:$fw"
	check "configure load, attach $m: firmware has nothing of standby memory assigned" \
		firmware_clean
	check "configure load, attach $m: a config write attaches it and configures block $b" \
		sh -c "echo 1 >$FWMEM/memory$b/config"
	expect_eq "configure load, attach $m: element 4 attached, block $b assigned" \
		"$(elem4_attached):$(block_incr_states $b)" "1:assigned assigned"
	check "configure load, attach $m: deconfigure" \
		sh -c "echo 0 >$FWMEM/memory$b/config"
	check "configure load, attach $m: our table agrees with firmware" \
		increments_consistent
	check "configure load, attach $m: unload" unload
	check "configure load, attach $m: firmware has nothing of standby memory assigned after unload" \
		firmware_clean
done
# The attach fails again at the config write: -EIO, nothing changed; the
# next write attaches it.
fresh_machine
check "configure load, attach fails twice: the load goes on" \
	load mode=configure increment_size=1M sim_fault=attach,response
b=$(our_blocks | head -n1)
fault attach,response
expect_eq "config write, attach fails again: the write fails with EIO" \
	"$(write_err $FWMEM/memory$b/config 1)" "Input/output error"
fault none
expect_eq "config write, attach fails again: block $b standby, config 0, element 4 not attached" \
	"$(block_state $b):$(cat $FWMEM/memory$b/config):$(elem4_attached)" "standby:0:0"
check "config write, attach fails again: firmware has nothing of standby memory assigned" \
	firmware_clean
check "config write after it: attaches and configures block $b" \
	sh -c "echo 1 >$FWMEM/memory$b/config"
check "config write after it: deconfigure" sh -c "echo 0 >$FWMEM/memory$b/config"
check "config write after it: our table agrees with firmware" increments_consistent
check "config write after it: unload" unload

# A load refused because memory of someone else's is in our range changes
# nothing in firmware: the check comes before the attach. The machine is
# made first (made after the add, it would count the added memory as boot
# memory), by a load that fails before its attach: a machine made by a
# load that worked would have its standby elements attached already, and
# an attach before the check would change nothing to see.
check "modprobe ssm_test_helper" modprobe ssm_test_helper
fresh_machine
load_refused "a machine made by a load refused at read storage info" \
	"$(fault_errtext response)" increment_size=1M sim_fault=storage_info,response
expect_eq "that machine: standby memory at [0x40000000-0x7fffffff], none of it attached" \
	"$(awk 'NR > 1 && $1 > 1024 { n++; a += $5 } END { print n + 0 ":" a + 0 }' "$SIMDBG/firmware")" \
	"1024:0"
check "someone else adds memory at [0x40000000-0x4fffffff]" \
	sh -c "echo '0x40000000 0x10000000' >/sys/kernel/debug/ssm_test_helper/add"
fw0=$(md5sum <"$SIMDBG/firmware")
load_refused "load refused while a standby block is System RAM (EBUSY)" \
	"Device or resource busy" increment_size=1M
expect_eq "refused load: firmware unchanged (nothing attached, assigned or unassigned)" \
	"$(md5sum <"$SIMDBG/firmware")" "$fw0"
echo none >/sys/kernel/debug/ssm_test_helper/add
echo 0 >$KEEP

# --- lazy online: assign; lazy offline: unassign ---
if load mode=lazy 2>/dev/null; then
	b=$(our_blocks | head -n1)
	for m in response timeout malformed late; do
		v0=$(counter vetoes)
		f0=$(sim_counter faults_injected)
		fault "assign,$m"
		expect_eq "lazy online, assign $m: the online fails with '$(fault_errtext $m)'" \
			"$(write_err $SYSMEM/memory$b/state online_movable)" "$(fault_errtext $m)"
		fault none
		requests_answered
		expect_eq "lazy online, assign $m: block offline, not held, increments standby" \
			"$(mem_state $b):$(block_state $b):$(block_held $b):$(block_incr_states $b)" \
			"offline:offline:0:standby standby"
		expect_eq "lazy online, assign $m: fault hit, veto counted" \
			"$(($(sim_counter faults_injected) - f0)):$(($(counter vetoes) - v0))" "1:1"
		check "lazy online, assign $m: our table agrees with firmware" increments_consistent
	done
	for m in response timeout malformed late; do
		online_block $b
		fault "unassign,$m"
		check "lazy offline, unassign $m: the offline succeeds" offline_block $b
		fault none
		requests_answered
		expect_eq "lazy offline, unassign $m: block offline, one stale increment" \
			"$(mem_state $b):$(block_state $b):$(counter stale)" "offline:offline:1"
		check "lazy offline, unassign $m: our table agrees with firmware" increments_consistent
		online_block $b && offline_block $b
		expect_eq "lazy offline, unassign $m: next cycle gives it back" \
			"$(counter stale):$(block_incr_states $b)" "0:standby standby"
	done

	# An answer after the caller gave up: until it comes, firmware
	# holds the request, and with it a reference on the module. It
	# comes 15 s after the request here (2 s by default): the online's
	# own wait, 1 s, and its cleanup take seconds under TCG.
	late_ms=$(cat /sys/module/$SIM/parameters/late_ms)
	echo 15000 >/sys/module/$SIM/parameters/late_ms
	fault "assign,late"
	expect_eq "late answer: the online fails, no answer in time" \
		"$(write_err $SYSMEM/memory$b/state online_movable)" "Connection timed out"
	fault none
	echo "$late_ms" >/sys/module/$SIM/parameters/late_ms
	if ! unload 2>/dev/null && loaded; then
		ok "late answer outstanding: modprobe -r is refused (in use)"
	else
		not_ok "late answer outstanding: modprobe -r is refused (in use)"
	fi
	check "late answer: it comes" requests_answered
	check "late answer: then modprobe -r works" unload
	check "late answer: firmware answered after it, and owes nothing" \
		sh -c "! dmesg | grep -q 'while it owed'"
	check "load again" load mode=lazy

	# Two faults at once: the assign's answer is lost, and so is the
	# answer to the unassign that was to make sure. The increment may be
	# assigned: it is stale, not standby, and is given back later.
	fault "assign,timeout;unassign,timeout"
	expect_eq "assign and cleanup both unanswered: the online fails" \
		"$(write_err $SYSMEM/memory$b/state online_movable)" "Connection timed out"
	fault none
	check "assign and cleanup unanswered: answers came" requests_answered
	expect_eq "assign and cleanup unanswered: one stale increment, counted unknown" \
		"$(counter stale):$(counter assign_unknown)" "1:1"
	check "assign and cleanup unanswered: our table agrees with firmware" increments_consistent
	online_block $b && offline_block $b
	expect_eq "assign and cleanup unanswered: next cycle gives it back" \
		"$(counter stale):$(block_incr_states $b)" "0:standby standby"

	# unload: a stale increment whose unassign fails again
	online_block $b
	fault "unassign,response"
	offline_block $b
	fault "unassign,response"
	mark unload-stale
	check "unload, unassign response: modprobe -r succeeds" unload
	expect_log unload-stale "unloaded; 1 increment stays assigned (firmware refused to take it back)" \
		"unload, unassign response: dmesg says what stays assigned"
else
	not_ok "load mode=lazy (this kernel: $(uname -r))"
fi

# A partial assign: 1M increments, 256 per block; the 101st assign fails
# and the 100 already assigned are given back.
check "load mode=lazy increment_size=1M" load mode=lazy increment_size=1M
b=$(our_blocks | head -n1)
u0=$(counter requests_unassign)
fault "assign,response,skip=100"
if online_block $b 2>/dev/null; then
	not_ok "lazy online, 101st of 256 assigns refused: the online fails"
else
	ok "lazy online, 101st of 256 assigns refused: the online fails"
fi
fault none
expect_eq "the 100 assigned increments were unassigned" "$(($(counter requests_unassign) - u0))" 100
expect_eq "block offline, all 256 increments standby" \
	"$(mem_state $b):$(block_state $b):$(block_incr_states $b)" "offline:offline:standby standby"
check "online after the fault" online_block $b
check "offline" offline_block $b
check "unload" unload

# --- deconfigure: unassign; unload with a configured block ---
check "load mode=configure" load mode=configure
b=$(our_blocks | head -n1)
for m in response timeout malformed late; do
	echo 1 >$FWMEM/memory$b/config
	fault "unassign,$m"
	expect_eq "deconfigure, unassign $m: the write reports EIO" \
		"$(write_err $FWMEM/memory$b/config 0)" "Input/output error"
	fault none
	requests_answered
	expect_eq "deconfigure, unassign $m: block removed, one stale increment" \
		"$(cat $FWMEM/memory$b/config):$(mem_state $b):$(counter stale)" "0:absent:1"
	check "deconfigure, unassign $m: our table agrees with firmware" increments_consistent
	echo 1 >$FWMEM/memory$b/config && echo 0 >$FWMEM/memory$b/config
	expect_eq "deconfigure, unassign $m: next cycle gives it back" \
		"$(counter stale):$(block_incr_states $b)" "0:standby standby"
done
echo 1 >$FWMEM/memory$b/config
# twice: the deconfigure at unload, and its retry before the unload ends
fault "unassign,timeout,count=2"
mark unload-configured
check "unload with a configured block, unassign timeout: modprobe -r succeeds" unload
expect_log unload-configured "unloaded; 1 increment stays assigned" \
	"unload, unassign timeout: dmesg says what stays assigned"
check "nothing left behind" nothing_left "$b"
check "kernel log clean" clean_since load
