#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kmemleak, last in the debug boot (6.12-debug): the guest's init cleared
# what kmemleak suspected at boot; after every test of the boot has loaded
# and unloaded the module, a scan must find nothing new.
. ./lib/common.sh

KML=/sys/kernel/debug/kmemleak
plan 3

# The debugfs file stays when kmemleak switches itself off after an error
# of its own; then a scan is refused and it finds nothing. On means: the
# file is there, kmemleak never said it disabled itself, a scan is taken.
kmemleak_on() {
	[ -w $KML ] || { echo "no $KML" >/tmp/why; return 1; }
	if dmesg | grep -q "Kernel memory leak detector disabled"; then
		dmesg | grep "kmemleak" | tail -n 3 >/tmp/why
		return 1
	fi
	echo scan 2>/tmp/why >$KML
}
check "kmemleak is on in this kernel (a scan is taken)" kmemleak_on
check "the module is unloaded" unloaded_ok
# Objects younger than 5 s are not reported yet: scan again once the last
# unload's objects are older than that (kmemleak's own age limit, not a
# guess at how long something takes).
sleep 6
# leaks <file>: the report, read completely, into the file
leaks() { echo scan >$KML && cat $KML >"$1"; }
if leaks /tmp/kmemleak; then
	n=$(grep -c "unreferenced object" /tmp/kmemleak)
	grep -A12 "unreferenced object" /tmp/kmemleak | head -60 | sed 's/^/# /'
	expect_eq "kmemleak: no new suspected leak after the last unload" "$n" 0
else
	not_ok "kmemleak: no new suspected leak after the last unload (the scan or its report failed)"
fi
