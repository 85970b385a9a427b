# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# What the host tests of the test machine (tests/host/model-*.sh) share:
# TAP lines and their count, the machine's build, one boot of it with a
# guest shell (ssm.run=shell) driven through a FIFO, and the machine's
# state and storage command log over QMP.
#
# The sourcing script sets TOP and OUT first.

pass=0
fail=0
# the answer of a request the model's fault injection refuses
REFUSED=0x05f0
ok() { echo "ok - $*"; pass=$((pass + 1)); }
notok() { echo "not ok - $*"; fail=$((fail + 1)); }
# check <description> <command...>: ok when the command succeeds
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else notok "$what"; fi
}
# result <status> <description>: ok when the status is 0
result() {
	if [ "$1" = 0 ]; then ok "$2"; else notok "$2"; fi
}
log() { echo "# $*"; }
# finish: power the machine off, the counts as the last line, exit 1 when
# anything failed
finish() {
	poweroff
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

# model_qemu: QEMU with the machine's patches (scripts/build-qemu.sh) in
# $QEMU, or the test ends
model_qemu() {
	if ! QEMU=$("$TOP/scripts/build-qemu.sh" 2>"$OUT/build-qemu.log" | tail -n1) ||
		[ ! -x "$QEMU" ]; then
		notok "the test machine builds (scripts/build-qemu.sh, see $OUT/build-qemu.log)"
		finish
	fi
	ok "the test machine builds: $QEMU"
}

# kernel_module_initrd <kernel>: the kernel's build dir in $B, $MOD.ko
# built against it in $ko, and an initramfs with it in $work/initrd.gz,
# or the test ends. bookworm and trixie: Debian's kernel, unmodified,
# and the module as dkms built and installed it there
# (scripts/debian-kernel.sh); any other: scripts/build-kernel.sh and the
# module built from the sources git knows.
kernel_module_initrd() {
	local kernel=$1 cross=${CROSS_COMPILE:-s390x-linux-gnu-}

	case $kernel in
	bookworm | trixie)
		B=$("$TOP/scripts/debian-kernel.sh" "$kernel" 2>"$OUT/build-kernel.log" | tail -n1)
		ko=$(find "$B/dkms" -name "$MOD.ko*" 2>/dev/null)
		[ "$(echo "$ko" | grep -c .)" = 1 ] ||
			{ notok "Debian $kernel's kernel and the dkms-built $MOD (see $OUT/build-kernel.log)"; finish; }
		;;
	*)
		B=$("$TOP/scripts/build-kernel.sh" "$kernel" 2>"$OUT/build-kernel.log" | tail -n1)
		mkdir "$work/src"
		(cd "$TOP" && git ls-files -z Kbuild Kbuild.probes src include | xargs -0 cp --parents -t "$work/src") ||
			{ notok "the module's sources copied"; finish; }
		if ! make -s -C "$B" M="$work/src" ARCH=s390 CROSS_COMPILE="$cross" \
			modules >"$OUT/module-build.log" 2>&1; then
			notok "$MOD.ko builds against $kernel (see $OUT/module-build.log)"
			finish
		fi
		ko=$work/src/$MOD.ko
		;;
	esac
	[ -f "$B/arch/s390/boot/bzImage" ] || { notok "kernel $kernel available (see $OUT/build-kernel.log)"; finish; }
	"$TOP/scripts/initramfs.sh" "$B" "$work/initrd.gz" "$ko" \
		2>"$OUT/initramfs.log" || { notok "initramfs builds"; finish; }
}

# warned: the console has a kernel warning, oops or addressing exception
warned() { console | grep -Eq 'WARNING:|Oops|addressing exception|BUG:|Call Trace'; }

# boot <kernel build dir> <initramfs> <machine options> <boot memory>
#      [kernel arguments...]
# Starts the machine, without mem=, its console in $LOG, stdin the FIFO
# on fd 7, QMP on $SOCK.
SOCK=$work/qmp.sock
boot() {
	local b=$1 initrd=$2 machine=$3 mem=$4
	local append="console=ttysclp0 memhp_default_state=offline printk.time=1"
	shift 4
	append="$append panic=-1 ignore_loglevel ssm.run=shell $*"
	mkfifo "$work/in"
	exec 7<>"$work/in"
	"$QEMU" -L /usr/share/qemu -M "s390-ccw-virtio,$machine" \
		-cpu qemu -m "$mem" -smp 2 -nographic -no-reboot \
		-kernel "$b/arch/s390/boot/bzImage" -initrd "$initrd" \
		-append "$append" -qmp "unix:$SOCK,server=on,wait=off" \
		<&7 >"$LOG" 2>&1 &
	qpid=$!
	# QMP answers once the socket is there
	local t=0
	while [ ! -S "$SOCK" ] && [ $t -lt 100 ]; do
		sleep 0.1
		t=$((t + 1))
	done
}

# poweroff: QMP quit, whatever the guest's state; killed after 10 s
poweroff() {
	local t=0
	[ -n "$qpid" ] || return 0
	qmp quit >/dev/null 2>&1
	# gone, or a zombie until reaped here
	while [ $t -lt 50 ] && [ -e "/proc/$qpid" ] &&
		! grep -q '^State:.*Z' "/proc/$qpid/status" 2>/dev/null; do
		sleep 0.2
		t=$((t + 1))
	done
	kill "$qpid" 2>/dev/null
	wait "$qpid" 2>/dev/null
	qpid=""
}
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
# guest <commands> [timeout]: run them in the guest's shell, wait until
# they ended. Their output lines are found by the tags they print: the
# console's echo of the typed line shows the tags unexpanded.
# A shell that does not come back ends the test: what follows would
# read answers of commands never run.
gseq=0
guest() {
	gseq=$((gseq + 1))
	printf '%s; echo "@@"%s"@@"\n' "$1" "$gseq" >&7
	wait_for "^@@$gseq@@\$" "${2:-120}" && return
	notok "the guest's shell ran \"$1\" within ${2:-120} s (see $LOG)"
	finish
}
# guest_up: the guest's shell answers, or the test ends
# The shell is busybox's, which runs its own applets before PATH's: its
# modprobe and insmod try a failed finit_module() again with
# init_module(), so every failed load would run the module's init twice
# (and a load that fails once, say on a refused request, would work).
# kmod's, as the distributions ship it, is called by its path, as the
# guest suites do (tests/guest/lib/common.sh).
guest_up() {
	if ! wait_for "ssm-guest-start" 300 ||
	   ! guest 'modprobe() { /usr/sbin/modprobe "$@"; }; echo ready' 120; then
		notok "the guest boots to its shell (see $LOG)"
		finish
	fi
}
# guest_timeit: the guest's helper t <tag> <command>: prints
# "<tag> <ns> <status>" (the benches' sample lines)
guest_timeit() {
	# shellcheck disable=SC2016
	guest 't() { tag=$1; shift; echo "$tag $(timeit run "$@")"; }'
}
# first_attach <block>: the kernel's notifier attaches the standby
# elements at its first memory event (and unassigns the increments the
# attach assigned): not part of an online to be measured, so the first
# standby block goes online and offline once
first_attach() {
	guest "chmem -e -b $1 -z Movable; chmem -d -b $1" 900
}
# said <tag>: the rest of the first console line "<tag> ..." (the typed
# line's echo has the tag quoted, so it does not match)
said() { console | sed -n "s/^$1 //p" | head -n1; }
# tagq <tag>: the tag as typed into the guest's shell, "T""AG": the
# console echoes the typed line, wrapped at 80 columns, where a piece of
# it may start a line; only the command's output has the tag whole
tagq() { printf '%s""%s' "${1:0:1}" "${1:1}"; }
# refuse_storage_info_at_boot <element>: right after boot, the next read
# of the element's storage information is refused. Once the kernel
# proper runs (the decompressor reads storage info too, to find its
# memory), long before the initcalls, that read is the initcall's
# (sclp_mem.c, 6.12's sclp_cmd.c). Each element's answer overwrites the
# error of the one before: the initcall gives up only when the last
# element's read fails.
refuse_storage_info_at_boot() {
	wait_for 'Linux version' 120 || return
	qmp s390x-sclp-storage-inject "{\"command\": \"read-storage-info\", \"element\": $1, \"count\": 1, \"response\": $((REFUSED))}" >/dev/null
}
# firmware_memory <tag>: the console line "<tag> present|absent":
# /sys/firmware/memory, which sclp_mem.c (6.19+) registers only when its
# initcall worked
firmware_memory() {
	guest "echo \"$(tagq "$1") \$([ -d /sys/firmware/memory ] && echo present || echo absent)\""
}
# summary of query-s390x-standby-memory: "element <id> <assigned>/<n> <attached>"
# and "assigned <rn>" for each assigned increment of element 1
standby_state() {
	qmp query-s390x-standby-memory | python3 -c '
import json, sys
m = json.load(sys.stdin)
print("increment-size %d" % m["increment-size"])
for e in m["elements"]:
    print("element %d %d/%d %s" % (e["id"], e["assigned"], e["increments"],
          "attached" if e["attached"] else "detached"))
for i in m["increments"]:
    if i["element"] == 1 and i["assigned"]:
        print("assigned %d" % i["rn"])'
}
# the storage log since the last call: "<command> <rn|element|length>
# <response> [injected] [held]" a line
storage_log() {
	qmp query-s390x-sclp-storage-log '{"clear": true}' | python3 -c '
import json, sys
for r in json.load(sys.stdin)["requests"]:
    print("%s %d 0x%04x%s%s" % (r["command"],
          r.get("rn", r.get("element", r.get("length", 0))), r["response"],
          " injected" if r["injected"] else "", " held" if r["held"] else ""))'
}
# count <file> <command> <response> [<first rn> <last rn>]
count() {
	awk -v c="$2" -v r="$3" -v lo="${4:-0}" -v hi="${5:-65535}" \
		'$1 == c && $3 == r && $2 >= lo && $2 <= hi' "$1" | wc -l
}
# element1 <file>: "<assigned>/<n> <attached>" of element 1
element1() { sed -n 's/^element 1 //p' "$1"; }
# summary <file>: the log's commands and answers, counted
summary() { awk '{ print $1, $3, $4 }' "$1" | sort | uniq -c | tr -s ' \n' ' '; }
