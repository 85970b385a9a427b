#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A Debian administrator's session: the release's own lsmem and chmem
# (util-linux 2.38.1 in Debian 12, 2.41 in Debian 13, as packaged; the
# boot passes the version as ssm.utillinux=) with the module and the
# /etc/modprobe.d conffile that the package installed. README's Debian
# commands run as written, their output in the log ("# $ <command>"
# lines, README's transcripts come from there). The conffile changes
# nothing as shipped; a bad value in it fails modprobe with one kernel
# line and changes nothing. Lazy mode (6.8 to 6.18): the blocks are in
# lsmem at once; configure mode (6.1): chmem -e finds nothing until the
# blocks are configured, and the load says how.
. ./lib/common.sh

CONF=/etc/modprobe.d/s390-standby-mem.conf
WANT_UL=$(ssm_arg utillinux)
# mode=auto: lazy where the kernel has MEM_PREPARE_ONLINE (6.8 to 6.18)
MODE=configure
[ "$(uname -r | awk -F. '{ print ($1 * 100 + $2 >= 608) }')" = 1 ] && MODE=lazy
# 2 versions, 3 conffile, 4 bad value, 3 load, 4 online and offline, 3 at
# the end; configure mode 6 more
if [ $MODE = lazy ]; then plan 19; else plan 25; fi

# "# $ <command>" and its output, indented, for README; the command's
# status is the function's
say() {
	echo "# \$ $*"
	(eval "$*") >/tmp/say.out 2>&1
	_rc=$?
	sed 's/^/#   /' /tmp/say.out
	return $_rc
}
# say_ok <description> <command>: say it, one TAP line for its status
say_ok() {
	_d=$1
	shift
	if say "$@"; then ok "$_d"; else not_ok "$_d (status $_rc)"; fi
}
total() { lsmem 2>/dev/null | awk -v k="$1" '$1 == "Total" && $2 == k { print $4 }'; }
view() { echo "$(total online)/$(total offline)"; }

# --- the release's tools ---
for tool in lsmem chmem; do
	v=$($tool --version 2>&1)
	if [ -n "$WANT_UL" ] && [ "$v" = "$tool from util-linux $WANT_UL" ]; then
		ok "$tool is the release's: $v"
	else
		not_ok "$tool is the release's (got '$v', want util-linux '${WANT_UL:-? no ssm.utillinux= on the command line}')"
	fi
done

# --- the conffile as shipped ---
check "the package's $CONF is there" [ -f $CONF ]
expect_eq "every options line in it is commented out" \
	"$(grep -v '^#' $CONF | grep -c .)" 0
expect_eq "modprobe's configuration has no options for the module" \
	"$(modprobe -c 2>/dev/null | grep -c '^options s390_standby_mem ')" 0

# --- a bad value in the conffile ---
before=$(kernel_blocks)
lsmem0=$(lsmem 2>&1)
cp $CONF /tmp/conf.orig
sed -i 's/^#options s390_standby_mem mode=auto$/options s390_standby_mem mode=bogus/' $CONF
mark badconf
if say "modprobe s390_standby_mem backend=$BACKEND"; then
	not_ok "mode=bogus in $CONF: modprobe fails"
else
	ok "mode=bogus in $CONF: modprobe fails"
fi
# the kernel's own lines at a boot's first load (taint, signature) aside
lines=$(our_lines_since badconf | grep -v -e "taints kernel" -e "module verification failed")
expect_eq "one kernel line, naming the value and what is allowed" \
	"$(echo "$lines" | grep -c .):$(echo "$lines" | sed -n 's/.*\(mode=bogus invalid: .*\)/\1/p')" \
	"1:mode=bogus invalid: must be auto, lazy or configure"
check "the module is not loaded" unloaded_ok
expect_eq "nothing changed: the kernel's blocks and lsmem as before" \
	"$(kernel_blocks)|$(lsmem 2>&1)" "$before|$lsmem0"
cp /tmp/conf.orig $CONF

# --- README's commands ---
say lsmem
base=$(view)
mark load
say_ok "modprobe s390_standby_mem (the bed's simulated firmware: backend=$BACKEND)" \
	"modprobe s390_standby_mem backend=$BACKEND"
# the lines of this load (the boot's earlier tests loaded it too)
say "dmesg | grep s390_standby_mem: | tail -n $(our_lines_since load | grep -c .)"
expect_eq "mode=auto chose $MODE mode" "$(cat /sys/module/$MOD/status/mode)" $MODE
blocks=$(our_blocks | tr '\n' ' ')
say lsmem
if [ $MODE = lazy ]; then
	expect_eq "lsmem: the standby blocks are there, 1G offline" "$(total offline)" 1G
else
	expect_eq "lsmem: nothing new before a configure (online/offline)" "$(view)" "$base"
	expect_log load "configure mode: a block shows in lsmem and goes online with chmem -e once configured: echo 1 >/sys/firmware/memory/memoryN/config (chmem -c of util-linux 2.42)" \
		"the load says how to configure a block, and that lsmem shows it then"
	if say "chmem -e 1G"; then
		not_ok "chmem -e 1G fails: no offline block to online"
	else
		ok "chmem -e 1G fails: no offline block to online"
	fi
	say_ok "configure 1G as the load said" \
		"for b in $blocks; do echo 1 >/sys/firmware/memory/memory\$b/config; done"
	say lsmem
	expect_eq "lsmem: 1G offline" "$(total offline)" 1G
fi
say_ok "chmem -e 1G" "chmem -e 1G"
say lsmem
expect_eq "lsmem: 1G more online, nothing offline" "$(total offline)" 0B
say_ok "chmem -d 1G" "chmem -d 1G"
say lsmem
expect_eq "lsmem: 1G offline again" "$(total offline)" 1G
if [ $MODE = configure ]; then
	say_ok "deconfigure it" \
		"for b in $blocks; do echo 0 >/sys/firmware/memory/memory\$b/config; done"
	say lsmem
	expect_eq "lsmem: as before the load" "$(view)" "$base"
fi
say_ok "modprobe -r s390_standby_mem" "modprobe -r s390_standby_mem"
check "no memory block, /sys/firmware/memory or debugfs left" nothing_left "$blocks" "$before"
check "kernel log clean" clean_since badconf
