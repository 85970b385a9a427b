#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A stock kernel: booted without mem= keeping the standby memory out, its
# own initcall added all standby memory at boot, offline (the test double
# loaded with add_standby=1: ssm.twin=add_standby=1). The module takes it
# over: offline blocks become ours (lazy: added again with our flags;
# configure: deconfigured, and on 6.1 their memmap goes back to system
# memory), online ones stay online and configured. At unload the blocks it
# took over go back to the kernel as it had them. After every step
# firmware, our table and the kernel's list agree.
. ./lib/common.sh

MODES=configure
# lazy mode where the kernel has MEM_PREPARE_ONLINE (6.8 to 6.18)
dmesg | grep -q "ssm_twin: .*(6.8-6.18 family)" && MODES="lazy configure"
# 4 here, 2 where mode=auto is configure mode, 23 per mode, 8 for the
# race, 2 at the end
AUTO_CONFIGURE=0
[ "$MODES" = configure ] && AUTO_CONFIGURE=2
plan $((4 + AUTO_CONFIGURE + 23 * $(echo $MODES | wc -w) + 8 + 2))

check "the kernel's notifier's test double is loaded with add_standby=1" \
	grep -q "^added 4$" "$TWINDBG/counters"
BLOCKS="4 5 6 7"
kstates() { mem_states $BLOCKS; }
expect_eq "the kernel added the 4 standby blocks at boot, offline" \
	"$(kstates)" "offline offline offline offline "
check "firmware and the kernel's list agree" twin_consistent
mark adopt-refused
load_refused "adopt=0: the module leaves them to the kernel and does not load" \
	"Device or resource busy" adopt=0

# Where mode=auto is configure mode (6.1), adopt=auto does not take the
# kernel's blocks out of lsmem's view unless asked (adopt=1, mode=configure)
if [ $AUTO_CONFIGURE != 0 ]; then
	mark adopt-auto
	load_refused "adopt=auto, mode=auto (configure mode here): the kernel's blocks stay the kernel's, the load is refused" \
		"Device or resource busy"
	expect_log adopt-auto "mode=auto chose configure mode: lsmem before 2.42 would not see them): not loading" \
		"the refusal says why, and what to ask for (adopt=1)"
fi

mark adopt-all
for mode in $MODES; do
	[ $mode = lazy ] && STATE=offline || STATE=absent
	mf0=$(settled_free_kb)
	mark adopt-$mode
	check "$mode: load (adopt=auto, the default; mode=$mode asked)" load mode=$mode
	mf1=$(settled_free_kb)
	expect_log adopt-$mode "took over 4 of 4 standby blocks the kernel had added at boot: 4 offline, 0 online" \
		"$mode: the load line says how many it took over, from which state"
	freed=$(our_lines_since adopt-$mode | sed -n 's/.*system memory freed: \(-*[0-9]*\)M.*/\1/p')
	echo "# $mode: system memory freed by taking over 4 blocks: ${freed}M said, MemFree $(((mf1 - mf0) / 1024))M measured"
	# The kernel added them with their memmap in system memory here (no
	# EDAT-1 under TCG; always on 6.1): 4 MiB per 256 MiB block, 16M for
	# the 4, which the line says exactly (it counts what it removed).
	# MemFree shows the same memory, less what the settling could not
	# hold still (4 MiB).
	measured=$(((mf1 - mf0) / 1024))
	if [ "${freed:-0}" = 16 ] && [ "$measured" -ge $((freed - 4)) ]; then
		ok "$mode: their memmap went back to system memory (${freed}M said, 16M expected, ${measured}M measured, for 1G)"
	else
		not_ok "$mode: their memmap went back to system memory (${freed}M said, 16M expected, ${measured}M measured, for 1G)"
	fi
	expect_eq "$mode: the blocks are ours now (kernel: $STATE)" "$(kstates)" \
		"$STATE $STATE $STATE $STATE "
	check "$mode: firmware, our table and the kernel's list agree" increments_consistent
	if [ $mode = configure ]; then
		check "$mode: configure block 4" sh -c "echo 1 >$FWMEM/memory4/config"
	else
		expect_eq "$mode: block 4 added again, with its memmap on the block" \
			"$(block_state 4):$(awk 'NR > 1 && $1 == 4 { print $5 }' "$DBG/blocks")" "offline:1"
	fi
	check "$mode: online block 4" online_block 4
	expect_eq "$mode: block 4 online, assigned" "$(mem_state 4):$(block_incr_states 4)" \
		"online:assigned assigned"
	check "$mode: three-way agreement" increments_consistent
	check "$mode: offline block 4" offline_block 4
	check "$mode: three-way agreement" increments_consistent
	[ $mode = configure ] && echo 0 >$FWMEM/memory4/config
	# util-linux drives them like any standby memory
	check "$mode: chmem -e 512M" chmem -e 512M
	expect_eq "$mode: two blocks online" "$(cat /sys/module/$MOD/status/online_blocks)" 2
	check "$mode: three-way agreement" increments_consistent
	check "$mode: chmem -d 512M" chmem -d 512M
	check "$mode: three-way agreement" increments_consistent
	mark giveback-$mode
	check "$mode: unload" unload
	expect_log giveback-$mode "gave 4 standby blocks back to the kernel as it had added them (offline)" \
		"$mode: the unload gives them back"
	expect_eq "$mode: the kernel has them again, offline" "$(kstates)" \
		"offline offline offline offline "
	check "$mode: firmware and the kernel's list agree" twin_consistent
	# and once more: reload, unload
	check "$mode: load again" load mode=$mode
	check "$mode: unload again" unload
	expect_eq "$mode: still the kernel's, offline" "$(kstates)" \
		"offline offline offline offline "
done

# An online of one of the kernel's blocks while the module takes them
# over: it is adopted online, or taken while offline, never half taken.
mode=${MODES%% *}
rm -f /tmp/stop
( while [ ! -e /tmp/stop ]; do
	online_block 5 2>/dev/null && break
done ) &
racer=$!
check "load while block 5 is being onlined" load mode=$mode
touch /tmp/stop
wait $racer
echo "# block 5 after the race: kernel $(mem_state 5), ours $(block_state 5)"
case "$(mem_state 5):$(block_state 5)" in
online:online | offline:offline | absent:standby)
	ok "block 5: the kernel's state matches our table" ;;
*)
	not_ok "block 5: the kernel's state matches our table ($(mem_state 5):$(block_state 5))" ;;
esac
check "three-way agreement after the race" increments_consistent
if [ "$(mem_state 5)" = online ]; then
	if ! unload 2>/dev/null && loaded; then
		ok "the online block pins the module"
	else
		not_ok "the online block pins the module"
	fi
	check "offline block 5" offline_block 5
else
	expect_eq "block 5 lost the race: it is offline, ours" \
		"$(block_state 5)" "$( [ $mode = lazy ] && echo offline || echo standby)"
	expect_eq "no block of ours online" "$(cat /sys/module/$MOD/status/online_blocks)" 0
fi
check "unload" unload
expect_eq "all the kernel's again, offline" "$(kstates)" "offline offline offline offline "
check "firmware and the kernel's list agree" twin_consistent

check "kernel log clean" clean_since adopt-refused
check "the module is gone" unloaded_ok
