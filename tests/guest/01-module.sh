#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The module at its edges: modprobe by name, modinfo, refusals of bad
# parameters (one dmesg line each, -EINVAL, nothing left loaded), and
# repeated load/unload cycles.
. ./lib/common.sh

plan 65

# modinfo by name shows what packagers and admins look for.
info=$(modinfo $MOD 2>&1)
missing=""
for field in description license version parm; do
	echo "$info" | grep -q "^$field:" || missing="$missing $field"
done
[ "$(modinfo -F license $MOD)" = GPL ] || missing="$missing license=GPL"
expect_eq "modinfo shows description, license GPL, version, parm" "$missing" ""
missing=""
for p in backend increment_size mode adopt test_adopt_delay_ms test_unload_delay_ms sim_fault sim_base sim_size; do
	modinfo -F parm $MOD | grep -q "^$p:.*default" || missing="$missing $p"
done
expect_eq "modinfo describes every parameter, with its default" "$missing" ""

# Load and unload by name.
mark load
check "modprobe $MOD backend=sim" load
check "module is loaded" loaded
expect_log load "loaded: backend=sim mode=[a-z]* situation=alone " \
	"load prints its summary, alone with firmware here"
check "the simulated firmware module was loaded on demand" \
	grep -q "^$SIM " /proc/modules
expect_eq "status/backend" "$(cat /sys/module/$MOD/status/backend)" sim
mark unload
check "modprobe -r $MOD" unload
check "module is gone" unloaded_ok
expect_eq "unload prints one line" "$(our_lines_since unload | wc -l)" 1

# Options an administrator sets once in /etc/modprobe.d reach the module.
mkdir -p /etc/modprobe.d
echo "options $MOD backend=sim mode=configure" >/etc/modprobe.d/$MOD.conf
mark modprobed
check "modprobe $MOD, its options only in /etc/modprobe.d/$MOD.conf" modprobe $MOD
expect_log modprobed "loaded: backend=sim mode=configure " \
	"the options from modprobe.d are in the load line"
unload
rm -f /etc/modprobe.d/$MOD.conf

# Each bad parameter: refused with EINVAL, one line naming it, not loaded.
bad_param() {
	param=$1
	want=$2
	tag=$(echo "$param" | tr ' ' '_')
	mark "bad-$tag"
	# shellcheck disable=SC2086
	err=$(modprobe $MOD $param 2>&1)
	rc=$?
	if [ $rc -ne 0 ] && echo "$err" | grep -q "Invalid argument"; then
		ok "$param refused with EINVAL"
	else
		not_ok "$param refused with EINVAL (rc=$rc: $err)"
	fi
	lines=$(our_lines_since "bad-$tag")
	n=$(echo "$lines" | grep -c .)
	if [ "$n" = 1 ] && echo "$lines" | grep -qF "$want"; then
		ok "$param: one dmesg line: $want"
	else
		not_ok "$param: one dmesg line: $want (got $n: $lines)"
	fi
	if loaded; then
		not_ok "$param: module not left loaded"
		unload
	else
		ok "$param: module not left loaded"
	fi
}
bad_param backend=foo "backend=foo invalid: must be sclp or sim"
bad_param increment_size=3M "increment_size=3M invalid: must be a power of two from 1M to 16G"
bad_param increment_size=abc "increment_size=abc invalid: must be a power of two from 1M to 16G"
bad_param increment_size=0x "increment_size=0x invalid: must be a power of two from 1M to 16G"
bad_param mode=bogus "mode=bogus invalid: must be auto, lazy or configure"
bad_param adopt=maybe "adopt=maybe invalid: must be auto, 1 or 0"
bad_param sim_fault=assign "sim_fault=assign invalid: needs backend=sim"
bad_param sim_base=1G "sim_base=1G invalid: needs backend=sim"
bad_param "backend=sim sim_base=abc" "sim_base=abc invalid: must be a size (memparse syntax: 1536M, 3G)"
bad_param "backend=sim sim_size=0" "sim_size=0 invalid: must be a size above 0"
bad_param "backend=sim sim_base=512M sim_size=512M" "sim_base/sim_size invalid: [0x20000000-0x3fffffff] overlaps System RAM"
bad_param "backend=sim sim_base=1536M sim_size=1G" "sim_base/sim_size invalid: [0x60000000-0x9fffffff] is outside the machine's hotpluggable storage"
bad_param "backend=sim sim_base=1100M" "sim_base=0x44c00000 sim_size=0x3b400000 invalid: must be non-empty multiples of the increment size 256M"
bad_param "backend=sim sim_fault=assign,sometimes" "sim_fault=assign,sometimes invalid: must be none or <op>,<mode>"

# An explicit simulated range: 512 MiB at 1.5 GiB, below it boot memory.
mark simrange
if load sim_base=1536M sim_size=512M &&
   our_lines_since simrange | grep -q "standby=512M in .* blocks \[0x60000000-0x7fffffff\]"; then
	ok "sim_base=1536M sim_size=512M: standby [0x60000000-0x7fffffff]"
else
	not_ok "sim_base=1536M sim_size=512M: standby [0x60000000-0x7fffffff] ($(our_lines_since simrange | grep loaded))"
fi
loaded && unload

# The real firmware transport: QEMU's SCLP answers read SCP info, but has
# no standby memory facility, so the load fails cleanly with ENODEV.
mark hw
err=$(modprobe $MOD 2>&1)
if ! loaded && echo "$err" | grep -q "No such device" &&
   our_lines_since hw | grep -q "firmware has no standby memory facility"; then
	ok "backend=sclp: QEMU firmware answers, no standby facility: ENODEV"
else
	not_ok "backend=sclp: QEMU firmware answers, no standby facility: ENODEV ($err)"
	loaded && unload
fi

# Load/unload cycles, kernel log clean; one standby block each (every
# load marks and every unload checks all unassigned memory of the
# simulated firmware, which costs time that more blocks do not repay).
# 5 in make check (15 s each under lockdep and TCG), ssm.cycles= more
# (make stress: 100).
CYCLES=$(ssm_arg cycles 5)
mark cycles
fails=0
i=0
while [ $i -lt "$CYCLES" ]; do
	load sim_size=256M || fails=$((fails + 1))
	unload || fails=$((fails + 1))
	i=$((i + 1))
done
expect_eq "$CYCLES load/unload cycles without error" "$fails" 0
check "module is gone after the cycles" unloaded_ok
check "no WARNING, BUG, Oops or lockdep report in $CYCLES cycles" clean_since cycles

# Discovery at three increment sizes: the 1 GiB above mem=1G is found,
# whole, in as many increments as the size gives (and as many as boot
# memory below it).
for size in 1M 256M 512M; do
	n=$((1024 / ${size%M}))
	mark inc-$size
	if load increment_size=$size; then
		line=$(our_lines_since inc-$size | grep "loaded: ")
		bsz=$(cat /sys/module/$MOD/status/block_size)
		nb=$(((1 << 30) / bsz))
		expect_eq "increment_size=$size: increments assigned/standby" \
			"$(echo "$line" | sed -n 's/.*increments \([0-9]*\) assigned, \([0-9]*\) standby;.*/\1\/\2/p')" \
			"$n/$n"
		if echo "$line" | grep -q "increment=$size block=$((bsz >> 20))M .* standby=1G in $nb blocks \[0x40000000-0x7fffffff\]"; then
			ok "increment_size=$size: 1G standby in $nb blocks at [0x40000000-0x7fffffff]"
		else
			not_ok "increment_size=$size: 1G standby in $nb blocks ($line)"
		fi
		unload
	else
		not_ok "load increment_size=$size"
	fi
done
