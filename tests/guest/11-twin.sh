#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The real-machine situation (ssm.twin=1): the kernel's own SCLP memory
# notifier (its test double, tests/twin) shares every increment with us.
# Who sends which SCLP command, per mode, is read from the simulated
# firmware's request log and asserted, and printed (README's table comes
# from here). Faults are aimed at either side. After every step firmware,
# our table and the kernel's list agree, and neither side logs an
# "assign storage failed" that only the sharing causes.
. ./lib/common.sh

mark tw-start
MODES=configure
# lazy mode exists where the kernel has MEM_PREPARE_ONLINE (6.8 to 6.18)
if load mode=lazy 2>/dev/null; then
	MODES="lazy configure"
	unload
fi
# checks: 2 here, 30 per mode, 17 for the kernel's partial failure
plan $((2 + 30 * $(echo $MODES | wc -w) + 17))

check "the kernel's notifier's test double is loaded (ssm.twin)" twin_present
# Only the double marks a simulated machine as having the kernel's
# notifier; the machine's increments are the ones the double lists.
same_machine() {
	[ "$(sim_counter kernel_notifier)" = 1 ] ||
		{ echo "firmware: kernel_notifier $(sim_counter kernel_notifier)" >/tmp/why; return 1; }
	[ "$(awk 'NR > 1' "$SIMDBG/firmware" | wc -l)" = "$(awk 'NR > 1' "$TWINDBG/increments" | wc -l)" ] ||
		{ echo "firmware and the double list different increments" >/tmp/why; return 1; }
}
check "the simulated machine is the one it made" same_machine

# The request log: "seq side command rn response fault".
log_mark() {
	LOGSEQ=$(awk 'NR > 1 { s = $1 } END { print s + 0 }' "$SIMDBG/requests")
}
log_since() {
	awk -v s="$LOGSEQ" 'NR > 1 && $1 > s { print $2, $3, $4, $5 }' \
		"$SIMDBG/requests"
}
# count <side> <command> [response]
count() { log_since | grep -c "^$1 $2 [^ ]* ${3:-}"; }
show() {
	echo "# $1: who sent what (side command rn response):"
	log_since | sed 's/^/#   /'
}
# the mark must still be in the log: a log we cannot read has no lines
no_failed_lines() {
	_log=$(since "$1") || return 1
	! echo "$_log" | grep -q "assign storage failed"
}

NEI=/sys/kernel/debug/notifier-error-inject/memory

for mode in $MODES; do
	mark tw-$mode
	check "$mode: load beside the kernel's notifier" load mode=$mode
	expect_log tw-$mode "loaded: .* situation=shared " \
		"$mode: the load line names the situation: shared"
	expect_log tw-$mode "beside the kernel's own SCLP memory notifier" \
		"$mode: and says who does what"
	b=$(our_blocks | head -n1)
	set -- $(block_rns $b)
	n=$(($2 - $1 + 1))

	if [ $mode = configure ]; then
		log_mark
		check "$mode: configure block $b" sh -c "echo 1 >$FWMEM/memory$b/config"
		show "$mode: configure"
		expect_eq "$mode: configure sends no assign (the kernel's notifier assigns at online)" \
			"$(count module assign)$(count kernel assign)" 00
	else
		expect_eq "$mode: block $b added at load, offline" "$(mem_state $b)" offline
		expect_eq "$mode: its increments standby (ours, firmware)" \
			"$(block_incr_states $b)" "standby standby"
	fi

	mark tw-$mode-online
	log_mark
	check "$mode: online block $b" online_block $b
	show "$mode: online"
	expect_eq "$mode: online: the kernel's notifier assigned each increment once, firmware answered 0x0020" \
		"$(count kernel assign 0x0020)" "$n"
	expect_eq "$mode: online: we sent no assign, we read firmware's view" \
		"$(count module assign):$(count module storage_info 0x0010)" "0:1"
	check "$mode: online: firmware, our table and the kernel's list agree" increments_consistent
	check "$mode: online: nobody logged a failed assign" no_failed_lines tw-$mode-online

	mark tw-$mode-offline
	log_mark
	check "$mode: offline block $b" offline_block $b
	show "$mode: offline"
	expect_eq "$mode: offline: the kernel's notifier unassigned each increment, firmware answered 0x0020" \
		"$(count kernel unassign 0x0020)" "$n"
	expect_eq "$mode: offline: we sent no unassign, we read firmware's view" \
		"$(count module unassign):$(count module storage_info 0x0010)" "0:1"
	check "$mode: offline: firmware, our table and the kernel's list agree" increments_consistent
	check "$mode: offline: nobody logged a failed unassign" no_failed_lines tw-$mode-offline

	# Another notifier vetoes going-online after the kernel's assigned.
	echo -12 >$NEI/actions/MEM_GOING_ONLINE/error
	expect_eq "$mode: another notifier's veto fails the online" \
		"$(write_err $SYSMEM/memory$b/state online_movable)" "Cannot allocate memory"
	echo 0 >$NEI/actions/MEM_GOING_ONLINE/error
	expect_eq "$mode: after the veto: block offline, increments standby" \
		"$(mem_state $b):$(block_incr_states $b)" "offline:standby standby"
	check "$mode: after the veto: three-way agreement" increments_consistent

	# The kernel's notifier's assign is refused: it vetoes the online.
	fault "assign,response,side=kernel"
	expect_eq "$mode: the kernel's refused assign fails the online (NOTIFY_BAD)" \
		"$(write_err $SYSMEM/memory$b/state online_movable)" "Operation not permitted"
	fault none
	check "$mode: after it: three-way agreement" increments_consistent

	# The kernel's notifier's unassign is refused: it carries on; we find
	# the increment still assigned after it and give it back.
	online_block $b
	r0=$(counter repaired)
	fault "unassign,response,side=kernel"
	check "$mode: offline although the kernel's unassign is refused" offline_block $b
	fault none
	expect_eq "$mode: we gave it back: one repair, nothing stale" \
		"$(($(counter repaired) - r0)):$(counter stale)" "1:0"
	check "$mode: after it: three-way agreement" increments_consistent

	# Our own view of firmware cannot be read at the offline: we unassign
	# to be sure. What firmware answers to unassigning an increment that
	# is not assigned does not matter: done (0x0120, the default) ...
	online_block $b
	fault "storage_info,response"
	check "$mode: offline while our read of firmware's view fails" offline_block $b
	fault none
	expect_eq "$mode: ... answered done: nothing stale" "$(counter stale)" 0
	# ... or an error: then it is stale until firmware's view says it is not
	echo 0x09f0 >/sys/module/$SIM/parameters/unassign_standby_response
	online_block $b
	fault "storage_info,response"
	offline_block $b
	fault none
	expect_eq "$mode: ... answered with an error: stale for now" "$(counter stale)" 1
	check "$mode: ... consistent (stale may be either)" increments_consistent
	echo 0x0120 >/sys/module/$SIM/parameters/unassign_standby_response

	[ $mode = configure ] && echo 0 >$FWMEM/memory$b/config
	mark tw-$mode-unload
	check "$mode: unload" unload
	expect_log tw-$mode-unload "unloaded: all standby memory returned to firmware" \
		"$mode: the unload settled the stale one by firmware's view"
	check "$mode: after the unload firmware and the kernel's list agree" twin_consistent
done

# The kernel's notifier fails an online half way (1M increments, its
# 101st assign refused): it goes on assigning the rest and marks none of
# those after the failure (sclp_mem_change_state()). 6.8 to 6.18 send no
# finish-offline after a failed prepare-online: what it assigned stays
# assigned, and we learn of it at the next online of the block (its
# assigns then answer 0x0120) or at unload, which gives it back. 6.1
# sends cancel-online, and its notifier unassigns everything itself.
check "unload the kernel's notifier's test double" modprobe -r ssm_twin
check "load it again with 1M increments" modprobe ssm_twin increment_size=1M
mode=${MODES%% *}
if [ $mode = lazy ]; then
	LEFT="255:100" AGAIN="255:1" SWEEP="255 increments a failed online left assigned given back"
else
	LEFT="0:0" AGAIN="0:256" SWEEP="unloaded: all standby memory returned to firmware"
fi
check "load beside it, $mode" load mode=$mode
b=$(our_blocks | head -n1)
[ $mode = configure ] && echo 1 >$FWMEM/memory$b/config
set -- $(block_rns $b)
first=$1 last=$2
fw_held() {
	awk -v f=$first -v l=$last 'NR > 1 && $1 >= f && $1 <= l && $3 == 1 { n++ }
		END { print n + 0 }' "$SIMDBG/firmware"
}
fault "assign,response,side=kernel,skip=100"
expect_eq "its 101st assign refused: the online fails" \
	"$(write_err $SYSMEM/memory$b/state online_movable)" "Operation not permitted"
fault none
kl=$(awk -v f=$first -v l=$last 'NR > 1 && $1 >= f && $1 <= l && $2 == 0 { n++ } END { print n + 0 }' "$TWINDBG/increments")
expect_eq "as upstream: increments firmware holds : the kernel's list calls assigned" \
	"$(fw_held):$kl" "$LEFT"
expect_eq "our table: the block offline, not held" \
	"$(mem_state $b):$(block_state $b):$(block_held $b)" "offline:offline:0"
log_mark
check "the next online works" online_block $b
expect_eq "its assigns answered 0x0120 (assigned already) : 0x0020" \
	"$(count kernel assign 0x0120):$(count kernel assign 0x0020)" "$AGAIN"
check "then all three agree" increments_consistent
check "offline" offline_block $b
check "and agree" increments_consistent
fault "assign,response,side=kernel,skip=100"
write_err $SYSMEM/memory$b/state online_movable >/dev/null
fault none
[ $mode = configure ] && echo 0 >$FWMEM/memory$b/config
mark tw-sweep
check "unload after another failed online of the kernel's" unload
expect_log tw-sweep "$SWEEP" "the unload leaves nothing of it assigned"
expect_eq "firmware holds none of the block's increments" "$(fw_held)" 0
check "the test double goes" modprobe -r ssm_twin
check "and comes back as it was" modprobe ssm_twin
check "kernel log clean" clean_since tw-start
