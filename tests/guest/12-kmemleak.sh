#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kmemleak, last in the debug boot (6.12-debug): the guest's init cleared
# what kmemleak suspected at boot; after every test of the boot has loaded
# and unloaded the module, a scan must find nothing new.
. ./lib/common.sh

KML=/sys/kernel/debug/kmemleak
plan 3

check "kmemleak is on in this kernel" test -w $KML
check "the module is unloaded" unloaded_ok
# Objects younger than 5 s are not reported yet; scan twice, a while apart.
echo scan >$KML 2>/dev/null
sleep 6
echo scan >$KML 2>/dev/null
n=$(grep -c "unreferenced object" $KML 2>/dev/null)
grep -A12 "unreferenced object" $KML 2>/dev/null | head -60 | sed 's/^/# /'
expect_eq "kmemleak: no new suspected leak after the last unload" "$n" 0
