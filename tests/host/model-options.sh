#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The test machine's options (qemu/, scripts/build-qemu.sh): sizes that
# cannot work stop QEMU at start with one error that names the property
# and the value, and nothing runs; sizes that work start it, and QMP
# shows the layout they give. No guest: QEMU starts stopped (-S).
#
# Prints "ok - ..." / "not ok - ..." lines and "N passed, M failed" last;
# exits 1 when anything failed. Logs: $OUT (default build/model-options).
#
# Usage: tests/host/model-options.sh      (as root: builds what it needs)
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-$TOP/build/model-options}

pass=0
fail=0
ok() { echo "ok - $*"; pass=$((pass + 1)); }
notok() { echo "not ok - $*"; fail=$((fail + 1)); }
finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ]
	exit
}

mkdir -p "$OUT"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! QEMU=$("$TOP/scripts/build-qemu.sh" 2>"$OUT/build-qemu.log" | tail -n1) ||
	[ ! -x "$QEMU" ]; then
	notok "the test machine builds (scripts/build-qemu.sh, see $OUT/build-qemu.log)"
	finish
fi

# start <machine options> <-m size> [more args]: QEMU stopped, no guest;
# its exit status and output in $rc and $work/out
start() {
	local opts=$1 mem=$2
	shift 2
	timeout 60 "$QEMU" -L /usr/share/qemu -M "s390-ccw-virtio,$opts" \
		-m "$mem" -cpu qemu -S -display none -monitor none -serial none \
		-nodefaults "$@" </dev/null >"$work/out" 2>&1
	rc=$?
}

# refused <machine options> <-m size> <the error, exactly>
refused() {
	start "$1" "$2"
	local got
	got=$(cat "$work/out")
	if [ "$rc" = 1 ] && [ "$got" = "qemu-system-s390x: $3" ]; then
		ok "-M $1 -m $2 stops QEMU at start: \"$got\""
	else
		notok "-M $1 -m $2 stops QEMU with \"$3\" (got status $rc: \"$got\")"
	fi
}

refused standby-mem=1025M 1G \
	"standby-mem 1025 MiB is not a multiple of 1 standby-elements of standby-increment 2 MiB"
refused standby-mem=1G,standby-elements=3 1G \
	"standby-mem 1 GiB is not a multiple of 3 standby-elements of standby-increment 2 MiB"
refused standby-mem=1G 1025M \
	"boot memory (-m 1025 MiB) is not a multiple of the standby-increment 2 MiB"
refused standby-mem=1G,standby-increment=1M 1G \
	"with standby-increment 1 MiB a storage element has 1024 increments, more than the 1020 that one 4 KiB SCCB can describe: choose a larger standby-increment"
refused standby-mem=1G,standby-increment=3M 1G \
	"standby-increment must be a power of two of at least 1M"
refused standby-mem=1G,standby-increment=512K 1G \
	"standby-increment must be a power of two of at least 1M"
refused standby-mem=1G,standby-elements=0 1G \
	"standby-elements must be 1 to 16"
refused standby-mem=1G,standby-attach-again=bogus 1G \
	"Parameter 'standby-attach-again' does not accept value 'bogus'"
refused standby-mem=1G,standby-unassign-unassigned=bogus 1G \
	"Parameter 'standby-unassign-unassigned' does not accept value 'bogus'"

# accepted <machine options> <-m size> <expected layout>: the layout QMP
# shows, "<increment MiB> <element>:<first rn>+<increments>..."
accepted() {
	local sock=$work/qmp.sock got
	rm -f "$sock"
	start "$1" "$2" -qmp "unix:$sock,server=on,wait=off" &
	local pid=$!
	got=$(python3 "$TOP/tests/host/qmp.py" "$sock" query-s390x-standby-memory |
		python3 -c '
import json, sys
m = json.load(sys.stdin)
print(m["increment-size"] >> 20, " ".join("%d:%d+%d" % (e["id"], e["first-rn"],
      e["increments"]) for e in m["elements"]))')
	python3 "$TOP/tests/host/qmp.py" "$sock" quit >/dev/null 2>&1
	wait "$pid"
	if [ "$got" = "$3" ]; then
		ok "-M $1 -m $2 starts: increments of $3"
	else
		notok "-M $1 -m $2 starts with increments of $3 (got \"$got\"; $(cat "$work/out"))"
	fi
}

accepted standby-mem=1G 1G "2 0:1+512 1:513+512"
accepted standby-mem=2G,standby-increment=256M 1G "256 0:1+4 1:5+8"
accepted standby-mem=1G,standby-elements=2 1G "2 0:1+512 1:513+256 2:769+256"
accepted standby-mem=4G,standby-increment=1G 2G "1024 0:1+2 1:3+4"
finish
