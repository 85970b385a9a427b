#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The fault matrix: every SCLP command x every failure (error response,
# no answer within the timeout, malformed answer) x every operation that
# issues it. Each case asserts the operation's result, the block state,
# every increment's state against firmware, and the counters. The README's
# fault matrix is this file.
. ./lib/common.sh

errtext() {
	case $1 in
	response) echo "Input/output error" ;;
	timeout) echo "Connection timed out" ;;
	malformed) echo "Protocol error" ;;
	esac
}

mark load

# --- load: read SCP info, read storage element info, attach, unassign ---
# increment_size=1M: 2048 increments in 8 storage elements of 256; the
# elements above boot memory are attached at load, which assigns their
# increments, and the load unassigns them again.
for op in read_info storage_info attach; do
	for m in response timeout malformed; do
		want=$(errtext $m)
		err=$(modprobe $MOD backend=sim increment_size=1M sim_fault=$op,$m 2>&1)
		if ! loaded && echo "$err" | grep -q "$want"; then
			ok "load, $op $m: refused with '$want'"
		else
			not_ok "load, $op $m: refused with '$want' ($err)"
			loaded && unload
		fi
		check "load, $op $m: nothing left behind" nothing_left ""
	done
done
for m in response timeout malformed; do
	check "load, unassign after attach $m: the load goes on" \
		load increment_size=1M sim_fault=unassign,$m
	expect_eq "load, unassign $m: one stale increment" "$(counter stale)" 1
	check "load, unassign $m: our table agrees with firmware" increments_consistent
	mark unload-$m
	check "load, unassign $m: unload" unload
	expect_log unload-$m "unloaded: all standby memory returned to firmware" \
		"load, unassign $m: the unload gave the stale increment back"
done

# --- lazy online: assign; lazy offline: unassign ---
loaded && unload
if load mode=lazy 2>/dev/null; then
	b=$(our_blocks | head -n1)
	for m in response timeout malformed; do
		v0=$(counter vetoes)
		f0=$(counter sim_faults_injected)
		fault "assign,$m"
		expect_eq "lazy online, assign $m: the online fails with '$(errtext $m)'" \
			"$(write_err $SYSMEM/memory$b/state online_movable)" "$(errtext $m)"
		fault none
		expect_eq "lazy online, assign $m: block offline, not held, increments standby" \
			"$(mem_state $b):$(block_state $b):$(block_held $b):$(block_incr_states $b)" \
			"offline:offline:0:standby standby"
		expect_eq "lazy online, assign $m: fault hit, veto counted" \
			"$(($(counter sim_faults_injected) - f0)):$(($(counter vetoes) - v0))" "1:1"
		check "lazy online, assign $m: our table agrees with firmware" increments_consistent
	done
	for m in response timeout malformed; do
		online_block $b
		fault "unassign,$m"
		check "lazy offline, unassign $m: the offline succeeds" offline_block $b
		fault none
		expect_eq "lazy offline, unassign $m: block offline, one stale increment" \
			"$(mem_state $b):$(block_state $b):$(counter stale)" "offline:offline:1"
		check "lazy offline, unassign $m: our table agrees with firmware" increments_consistent
		online_block $b && offline_block $b
		expect_eq "lazy offline, unassign $m: next cycle gives it back" \
			"$(counter stale):$(block_incr_states $b)" "0:standby standby"
	done
	# unload: a stale increment whose unassign fails again
	online_block $b
	fault "unassign,response"
	offline_block $b
	fault "unassign,response"
	mark unload-stale
	check "unload, unassign response: modprobe -r succeeds" unload
	expect_log unload-stale "unloaded; 1 increments stay assigned (firmware refused to take them back)" \
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
for m in response timeout malformed; do
	echo 1 >$FWMEM/memory$b/config
	fault "unassign,$m"
	expect_eq "deconfigure, unassign $m: the write reports '$(errtext $m)'" \
		"$(write_err $FWMEM/memory$b/config 0)" "$(errtext $m)"
	fault none
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
expect_log unload-configured "unloaded; 1 increments stay assigned" \
	"unload, unassign timeout: dmesg says what stays assigned"
check "nothing left behind" nothing_left "$b"
check "kernel log clean" clean_since load
