#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make demo: what an administrator sees. Each step prints the command and
# its output; a few TAP lines let the host tell whether it worked.
. ./lib/common.sh

plan 3

say() { printf '\n### %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
ours() { dmesg | grep "$MOD: " | sed -n "$1"; }

say "An s390x guest: $(uname -r), 1 GiB of boot memory, 1 GiB more that the simulated firmware offers as standby memory"
run grep -E 'MemTotal|MemFree' /proc/meminfo
run lsmem

say "Load the module (lazy mode: every standby block is added offline and unassigned, memmap on the block itself)"
run modprobe $MOD backend=sim
ours '1,$p'
run lsmem
t0=$(meminfo_kb MemTotal)

say "Online 512 MiB of standby memory: the notifier assigns each block right before it goes online"
run chmem -e 512M
run lsmem
run grep MemTotal /proc/meminfo
dmesg | grep "$MOD: memory block" | tail -n 2
grown=$(($(meminfo_kb MemTotal) - t0))
echo "MemTotal grew by $grown kB (2 blocks of 256 MiB minus 4 MiB of memmap each)"
[ "$grown" -gt 500000 ] && ok "standby memory went online" ||
	not_ok "standby memory went online"
run cat /sys/kernel/debug/$MOD/increments

say "Offline it again: the increments go back to firmware right after"
run chmem -d 512M
run lsmem
dmesg | grep "$MOD: memory block" | tail -n 2
run modprobe -r $MOD
ours '$p'

say "Configure mode (every kernel): /sys/firmware/memory, as lsmem and chmem know it from 6.19"
run modprobe $MOD backend=sim mode=configure
run lsmem -o RANGE,SIZE,STATE,BLOCK,CONFIGURED,MEMMAP-ON-MEMORY
run chmem -e 256M
run lsmem -o RANGE,SIZE,STATE,BLOCK,CONFIGURED,MEMMAP-ON-MEMORY
[ "$(cat /sys/module/$MOD/status/online_blocks)" = 1 ] &&
	ok "configure mode onlined a block" ||
	not_ok "configure mode onlined a block"
run chmem -d 256M
run modprobe -r $MOD
say "The module's kernel log"
dmesg | grep "$MOD: "
loaded && not_ok "module unloaded" || ok "module unloaded"
