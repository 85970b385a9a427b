#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Smoke test of the test machine (qemu/, scripts/build-qemu.sh): boots the
# test kernel, without mem=, on the patched QEMU with 1 GiB of boot memory
# and 1 GiB of standby memory, drives the guest's shell (ssm.run=shell) and
# reads the machine's state over QMP. Shows that the kernel's own standby
# memory support (drivers/s390/char/sclp_cmd.c) runs on it:
#   - the kernel detects standby memory and adds it offline;
#   - onlining a block makes the kernel's notifier attach the element and
#     assign the block's increments (the QMP log shows each command);
#   - offlining sends the unassigns; the increments lose their storage;
#   - an access to an unassigned increment is an addressing exception:
#     caught (tests/host/poke, with a fixup), then fatal (without one).
# Prints "ok - ..." / "not ok - ..." lines and "N passed, M failed" last;
# exits 1 when anything failed. Logs: $OUT (default build/model-smoke).
#
# Usage: tests/host/model-smoke.sh        (as root: builds what it needs)
#   KVER=6.12    the test kernel series
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
KVER=${KVER:-6.12}
OUT=${OUT:-$TOP/build/model-smoke}
CROSS=${CROSS_COMPILE:-s390x-linux-gnu-}
# 1 GiB boot memory, 1 GiB standby memory: 2 MiB increments (the smallest
# whose 512 entries per element fit one SCCB), 256 MiB memory blocks.
BOOT=1G
STANDBY=1G
STANDBY_BASE=$((0x40000000))
BLOCK=$((0x10000000))

pass=0
fail=0
ok() { echo "ok - $*"; pass=$((pass + 1)); }
notok() { echo "not ok - $*"; fail=$((fail + 1)); }
log() { echo "# $*"; }
finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ]
	exit
}

mkdir -p "$OUT"
LOG=$OUT/console.log
work=$(mktemp -d)
qpid=""
cleanup() {
	[ -z "$qpid" ] || kill "$qpid" 2>/dev/null
	exec 7>&- 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

# --- the machine, the kernel, the initramfs ---
if ! QEMU=$("$TOP/scripts/build-qemu.sh" 2>"$OUT/build-qemu.log" | tail -n1) ||
	[ ! -x "$QEMU" ]; then
	notok "the test machine builds (scripts/build-qemu.sh, see $OUT/build-qemu.log)"
	finish
fi
ok "the test machine builds: $QEMU"
B=$("$TOP/scripts/build-kernel.sh" "$KVER" 2>"$OUT/build-kernel.log" | tail -n1)
[ -f "$B/arch/s390/boot/bzImage" ] || { notok "kernel $KVER builds"; finish; }
cp -r "$TOP/tests/host/poke" "$work/poke"
if ! make -s -C "$B" M="$work/poke" ARCH=s390 CROSS_COMPILE="$CROSS" \
	modules >"$OUT/poke-build.log" 2>&1; then
	notok "ssm_poke.ko builds (see $OUT/poke-build.log)"
	finish
fi
"$TOP/scripts/initramfs.sh" "$B" "$work/initrd.gz" "$work/poke/ssm_poke.ko" \
	2>"$OUT/initramfs.log" || { notok "initramfs builds"; finish; }

# --- boot ---
mkfifo "$work/in"
exec 7<>"$work/in"
SOCK=$work/qmp.sock
APPEND="console=ttysclp0 memhp_default_state=offline printk.time=1"
APPEND="$APPEND panic=-1 ignore_loglevel ssm.run=shell"
"$QEMU" -L /usr/share/qemu -M "s390-ccw-virtio,standby-mem=$STANDBY" \
	-cpu qemu -m "$BOOT" -smp 2 -nographic -no-reboot \
	-kernel "$B/arch/s390/boot/bzImage" -initrd "$work/initrd.gz" \
	-append "$APPEND" -qmp "unix:$SOCK,server=on,wait=off" \
	<&7 >"$LOG" 2>&1 &
qpid=$!

qmp() { python3 "$TOP/tests/host/qmp.py" "$SOCK" "$@"; }
console() { tr -d '\r' <"$LOG"; }
# wait_for <extended regex> <seconds>: a console line matching it
wait_for() {
	local t=0
	while ! console | grep -Eq -- "$1"; do
		kill -0 "$qpid" 2>/dev/null || return 1
		[ $t -lt $(($2 * 5)) ] || return 1
		sleep 0.2
		t=$((t + 1))
	done
}
# guest <commands>: run them in the guest's shell, wait until they ended.
# Their output lines are found by the tags they print: the console's echo
# of the typed line shows the tags unexpanded ("$m", quotes).
n=0
guest() {
	n=$((n + 1))
	printf '%s; echo "@@"%s"@@"\n' "$1" "$n" >&7
	wait_for "^@@$n@@\$" "${2:-120}"
}
# summary of query-s390x-standby-memory: "element <id> <assigned>/<n> <attached>"
standby_state() {
	qmp query-s390x-standby-memory | python3 -c '
import json, sys
m = json.load(sys.stdin)
print("increment-size %d" % m["increment-size"])
for e in m["elements"]:
    print("element %d %d/%d %s" % (e["id"], e["assigned"], e["increments"],
          "attached" if e["attached"] else "detached"))'
}
# the storage log since the last call, one "<command> <rn|element> <response>" a line
storage_log() {
	qmp query-s390x-sclp-storage-log '{"clear": true}' | python3 -c '
import json, sys
for r in json.load(sys.stdin)["requests"]:
    print("%s %d 0x%04x" % (r["command"], r.get("rn", r.get("element", 0)),
          r["response"]))'
}

if ! wait_for "ssm-guest-start" 180 || ! guest "echo ready" 120; then
	notok "the guest boots to its shell (see $LOG)"
	finish
fi
ok "the guest boots on the model without mem= ($(console | grep -m1 -o 'Linux version [^ ]*'))"

line=$(console | grep -m1 -Eo 'Standby memory at 0x[0-9a-f]+ \([0-9]+M of [0-9]+M usable\)')
if [ "$line" = "Standby memory at 0x40000000 (1024M of 1024M usable)" ]; then
	ok "the kernel detects standby memory: \"$line\""
else
	notok "the kernel detects standby memory at 0x40000000, 1024M (got \"$line\")"
fi

standby_state >"$OUT/qmp-boot.txt"
log "QMP after boot: $(tr '\n' ';' <"$OUT/qmp-boot.txt")"
if grep -qx "element 0 512/512 attached" "$OUT/qmp-boot.txt" &&
	grep -qx "element 1 0/512 detached" "$OUT/qmp-boot.txt"; then
	ok "QMP: boot memory assigned, standby memory unassigned and detached"
else
	notok "QMP: boot memory assigned, standby memory unassigned and detached"
fi
storage_log >"$OUT/log-boot.txt"
log "storage commands at boot: $(cut -d' ' -f1 "$OUT/log-boot.txt" | sort | uniq -c | tr -s ' \n' ' ')"

guest 'for m in 0 1 2 3 4 5 6 7; do echo "ST$m $(cat /sys/devices/system/memory/memory$m/state)"; done'
states=$(console | sed -n 's/^ST\([0-7]\) \([a-z]*\)$/\1:\2/p' | tr '\n' ' ')
if [ "$states" = "0:online 1:online 2:online 3:online 4:offline 5:offline 6:offline 7:offline " ]; then
	ok "blocks above boot memory are offline: $states"
else
	notok "blocks 0-3 online, 4-7 offline (got: $states)"
fi

# --- online (movable, so that it can go offline again): the kernel's
# notifier attaches the element and assigns the block's increments ---
guest 'echo online_movable >/sys/devices/system/memory/memory4/state; echo "ON4 rc=$? $(cat /sys/devices/system/memory/memory4/state)"' 300
line=$(console | grep -m1 '^ON4 ')
[ "$line" = "ON4 rc=0 online" ] && ok "memory4 goes online" ||
	notok "memory4 goes online (got \"$line\")"
storage_log >"$OUT/log-online.txt"
log "storage commands for online: $(awk '{ print $1, $3 }' "$OUT/log-online.txt" | sort | uniq -c | tr -s ' \n' ' ')"
attach=$(grep -c '^attach 1 0x0020$' "$OUT/log-online.txt")
unassign=$(grep -c '^unassign [0-9]* 0x0020$' "$OUT/log-online.txt")
assigns=$(awk '$1 == "assign" && $3 == "0x0020" && $2 >= 513 && $2 <= 640' \
	"$OUT/log-online.txt" | wc -l)
if [ "$attach" = 1 ] && [ "$unassign" = 512 ] && [ "$assigns" = 128 ]; then
	ok "QMP log: the kernel attached element 1 (0x0020), unassigned its 512 increments, assigned rn 513-640 (128 x 0x0020)"
else
	notok "QMP log: attach 1, 512 unassigns, 128 assigns of rn 513-640 (got $attach, $unassign, $assigns)"
fi
standby_state >"$OUT/qmp-online.txt"
grep -qx "element 1 128/512 attached" "$OUT/qmp-online.txt" &&
	ok "QMP: element 1 attached, 128 increments assigned" ||
	notok "QMP: element 1 attached, 128 increments assigned (got $(grep 'element 1' "$OUT/qmp-online.txt"))"

# The freshly assigned storage: readable, and what the kernel has not
# written yet still holds the model's fill pattern ("FRESHMEM").
guest "modprobe ssm_poke && printf 0x%x $((STANDBY_BASE + BLOCK - 8)) >/sys/kernel/debug/ssm_poke/addr && echo \"RD1 \$(cat /sys/kernel/debug/ssm_poke/read)\""
line=$(console | grep -m1 '^RD1 ')
case $line in
"RD1 0x"*) ok "the assigned increment is storage: read at end of memory4: ${line#RD1 }" ;;
*) notok "read at the end of memory4 (got \"$line\")" ;;
esac

# --- offline: unassigns, the storage goes away ---
guest 'echo offline >/sys/devices/system/memory/memory4/state; echo "OFF4 rc=$? $(cat /sys/devices/system/memory/memory4/state)"' 300
line=$(console | grep -m1 '^OFF4 ')
[ "$line" = "OFF4 rc=0 offline" ] && ok "memory4 goes offline" ||
	notok "memory4 goes offline (got \"$line\")"
storage_log >"$OUT/log-offline.txt"
unassigns=$(awk '$1 == "unassign" && $3 == "0x0020" && $2 >= 513 && $2 <= 640' \
	"$OUT/log-offline.txt" | wc -l)
[ "$unassigns" = 128 ] &&
	ok "QMP log: the kernel unassigned rn 513-640 (128 x 0x0020)" ||
	notok "QMP log: 128 unassigns of rn 513-640 (got $unassigns; $(wc -l <"$OUT/log-offline.txt") commands)"
standby_state >"$OUT/qmp-offline.txt"
grep -qx "element 1 0/512 attached" "$OUT/qmp-offline.txt" &&
	ok "QMP: element 1 has no increment assigned" ||
	notok "QMP: element 1 has no increment assigned (got $(grep 'element 1' "$OUT/qmp-offline.txt"))"

# --- unassigned storage: an addressing exception ---
guest "echo \"RD2 \$(cat /sys/kernel/debug/ssm_poke/read 2>&1)\"; echo 1 >/sys/kernel/debug/ssm_poke/write; echo \"WR2 rc=\$?\""
rd=$(console | grep -m1 '^RD2 ')
wr=$(console | grep -m1 '^WR2 ')
if [ "$wr" = "WR2 rc=1" ] && console | grep -q 'ssm_poke: write 0x4ffffff8: addressing exception' &&
	console | grep -q 'ssm_poke: read 0x4ffffff8: addressing exception'; then
	ok "an access to the unassigned increment is an addressing exception (caught by the fixup: \"$rd\", $wr)"
else
	notok "an access to the unassigned increment is an addressing exception (got \"$rd\", \"$wr\")"
fi
guest 'echo "ALIVE $(cat /sys/devices/system/memory/memory4/state)"'
console | grep -q '^ALIVE offline$' && ok "the guest goes on after the caught exception" ||
	notok "the guest goes on after the caught exception"

# Without a fixup, the kernel dies of it, as on a real machine.
printf 'echo 0x%x >/sys/kernel/debug/ssm_poke/addr; echo 1 >/sys/kernel/debug/ssm_poke/crash\n' \
	$((STANDBY_BASE + 2 * BLOCK)) >&7
wait_for 'addressing exception: 0005' 60
for _ in $(seq 1 60); do
	kill -0 "$qpid" 2>/dev/null || break
	sleep 1
done
line=$(console | grep -m1 -o 'addressing exception: 0005.*')
if [ -n "$line" ] && ! kill -0 "$qpid" 2>/dev/null; then
	ok "a write to unassigned storage without a fixup kills the guest: \"$line\""
else
	notok "a write to unassigned storage without a fixup kills the guest (got \"$line\")"
fi
qpid=""
finish
