#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The fault matrix beside the kernel's own SCLP memory notifier (its test
# double, ssm.twin=1): every fault mode aimed at the requests of either
# side, in every mode this kernel has. The kernel's notifier sends the
# assigns and unassigns; we read firmware's view after it (storage info)
# and repair only what it left undone. After every step firmware, our
# table and the kernel's list agree, and the block is where the outcome
# says: a refused online leaves it offline with its increments standby.
#
# What the kernel's notifier makes of a fault of its own requests (as
# sclp_cmd.c: it waits for its answers, checks only the response code):
# an error response or no answer fails its assign (the online is vetoed)
# or its unassign (logged, the offline goes on, we give the increment
# back); a garbled or late answer is success, the command took effect.
. ./lib/common.sh

MODES=configure
# lazy mode exists where the kernel has MEM_PREPARE_ONLINE (6.8 to 6.18)
if load mode=lazy 2>/dev/null; then
	MODES="lazy configure"
	unload
fi
FAULTS="response timeout malformed late"
# load: 3 requests x 3 modes x 3 checks, and 1
# per mode: 1 load, kernel assign 14, kernel unassign 12, our read of
# firmware's view 20, our repairing unassign 20, 3 at the end
plan $((27 + 1 + (1 + 14 + 12 + 20 + 20 + 3) * $(echo $MODES | wc -w)))

# The kernel's notifier's view of an outcome: fails (not executed) or
# succeeds (executed, the answer garbled or late).
kernel_fails() { [ "$1" = response ] || [ "$1" = timeout ]; }

unload_agree() { unload && twin_consistent; }

mark twf-start
# --- load: our own requests refused while the kernel's notifier runs ----
for op in read_info storage_info; do
	for m in response timeout malformed; do
		want=$(fault_errtext $m)
		load_refused "load, $op $m: refused with '$want'" "$want" \
			sim_fault=$op,$m
		check "load, $op $m: nothing left behind" nothing_left ""
		check "load, $op $m: firmware and the kernel's list agree" twin_consistent
	done
done
# Beside the kernel's notifier we attach nothing (it attaches, at its
# memory events): a fault armed for our attach never hits.
for m in response timeout malformed; do
	f0=$(sim_counter faults_injected)
	check "load, attach $m: the load works" \
		modprobe $MOD backend=sim sim_fault=attach,$m
	expect_eq "load, attach $m: nothing to attach, the fault not hit" \
		"$(($(sim_counter faults_injected) - f0))" 0
	fault none
	check "load, attach $m: unload, firmware and the kernel's list agree" \
		unload_agree
done
check "the kernel's notifier is untouched by them" clean_since twf-start

for mode in $MODES; do
	check "$mode: load beside the kernel's notifier" load mode=$mode
	b=$(our_blocks | head -n1)
	[ $mode = configure ] && echo 1 >"$FWMEM/memory$b/config"

	# --- the kernel's assign -------------------------------------------
	for m in $FAULTS; do
		what="$mode, the kernel's assign $m"
		fault "assign,$m,side=kernel"
		err=$(write_err "$SYSMEM/memory$b/state" online_movable)
		fault none
		requests_answered
		if kernel_fails $m; then
			expect_eq "$what: the online fails" "$err" "Operation not permitted"
			expect_eq "$what: block offline, increments standby" \
				"$(mem_state $b):$(block_incr_states $b)" "offline:standby standby"
		else
			expect_eq "$what: the online succeeds (it took effect)" "$err" ""
			expect_eq "$what: block online, increments assigned" \
				"$(mem_state $b):$(block_incr_states $b)" "online:assigned assigned"
		fi
		check "$what: three-way agreement" increments_consistent
		kernel_fails $m || check "$what: offline" offline_block $b
	done

	# --- the kernel's unassign: we give back what it could not ----------
	for m in $FAULTS; do
		what="$mode, the kernel's unassign $m"
		online_block $b
		r0=$(counter repaired)
		fault "unassign,$m,side=kernel"
		check "$what: the offline succeeds" offline_block $b
		fault none
		requests_answered
		if kernel_fails $m; then
			want=1:0
		else
			want=0:0
		fi
		expect_eq "$what: increments we gave back : stale" \
			"$(($(counter repaired) - r0)):$(counter stale)" "$want"
		check "$what: three-way agreement" increments_consistent
	done

	# --- our read of firmware's view ----------------------------------
	# At the online we trust the kernel's notifier (it reported success,
	# or we would not be asked); at the offline we unassign to be sure,
	# which firmware answers "done" (0x0120) where the kernel did so.
	for m in $FAULTS; do
		what="$mode, our read of firmware's view $m"
		fault "storage_info,$m"
		check "$what at the online: the online succeeds" online_block $b
		fault none
		requests_answered
		check "$what at the online: three-way agreement" increments_consistent
		fault "storage_info,$m"
		check "$what at the offline: the offline succeeds" offline_block $b
		fault none
		requests_answered
		expect_eq "$what at the offline: nothing stale" "$(counter stale)" 0
		check "$what at the offline: three-way agreement" increments_consistent
	done

	# --- our unassign, repairing the kernel's refused one ----------------
	for m in $FAULTS; do
		what="$mode, our repairing unassign $m"
		online_block $b
		fault "unassign,response,side=kernel;unassign,$m"
		check "$what: the offline succeeds" offline_block $b
		fault none
		requests_answered
		expect_eq "$what: one stale increment" "$(counter stale)" 1
		# Where neither unassign took effect the kernel's list calls
		# it standby while firmware holds it: only our table knows.
		check "$what: our table agrees with firmware (stale may be either)" \
			table_consistent
		online_block $b && offline_block $b
		expect_eq "$what: next cycle gives it back" "$(counter stale)" 0
		check "$what: then three-way agreement" increments_consistent
	done

	[ $mode = configure ] && echo 0 >"$FWMEM/memory$b/config"
	mark twf-$mode-unload
	check "$mode: unload" unload
	expect_log twf-$mode-unload "unloaded: all standby memory returned to firmware" \
		"$mode: the unload returned everything"
	check "$mode: after the unload firmware and the kernel's list agree" twin_consistent
done
