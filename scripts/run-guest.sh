#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the s390x test kernel under QEMU with an initramfs, run guest tests,
# and turn the console log into TAP lines on stdout:
#   ok - [<label>] <what>        /  not ok - [<label>] <what>
# A hang (timeout), a panic, an Oops, a WARNING, a BUG or a lockdep report
# anywhere in the log is a failure, as is a test that does not finish.
#
# Usage: scripts/run-guest.sh -k <build dir> -i <initramfs> -l <log file>
#          [-t tests] [-r check|demo|bench|shell] [-L label] [-T timeout]
#          [-a extra kernel args] [-m guest RAM] [-v]
#   -v  also show the console live on stderr (demo)
set -uo pipefail

B="" INITRD="" LOG="" TESTS="" RUN=check LABEL=guest TIMEOUT=900 EXTRA="" MEM=2G
VERBOSE=0
while getopts "k:i:l:t:r:L:T:a:m:v" o; do
	case $o in
	k) B=$OPTARG ;;
	i) INITRD=$OPTARG ;;
	l) LOG=$OPTARG ;;
	t) TESTS=$OPTARG ;;
	r) RUN=$OPTARG ;;
	L) LABEL=$OPTARG ;;
	T) TIMEOUT=$OPTARG ;;
	a) EXTRA=$OPTARG ;;
	m) MEM=$OPTARG ;;
	v) VERBOSE=1 ;;
	*) exit 2 ;;
	esac
done
[ -n "$B" ] && [ -n "$INITRD" ] && [ -n "$LOG" ] || {
	echo "usage: run-guest.sh -k builddir -i initramfs -l log" >&2
	exit 2
}

# mem=1G: the kernel uses the first GiB only; the rest of the guest RAM is
# what the simulated firmware offers as standby memory.
APPEND="console=ttysclp0 mem=1G memory_hotplug.memmap_on_memory=1"
APPEND="$APPEND memhp_default_state=offline printk.time=1 panic=-1"
APPEND="$APPEND loglevel=4 ssm.run=$RUN ssm.tests=$TESTS $EXTRA"

: >"$LOG"
start=$(date +%s)
if [ $VERBOSE = 1 ]; then
	qemu-system-s390x -M s390-ccw-virtio -cpu qemu -m "$MEM" -smp 2 \
		-nographic -no-reboot -kernel "$B/arch/s390/boot/bzImage" \
		-initrd "$INITRD" -append "$APPEND" </dev/null 2>&1 |
		tee -a "$LOG" >&2 &
else
	qemu-system-s390x -M s390-ccw-virtio -cpu qemu -m "$MEM" -smp 2 \
		-nographic -no-reboot -kernel "$B/arch/s390/boot/bzImage" \
		-initrd "$INITRD" -append "$APPEND" </dev/null >>"$LOG" 2>&1 &
fi
pid=$!
# With -v, $! is tee; find QEMU as its sibling we started.
qpid=$(pgrep -n -f "qemu-system-s390x .*-initrd $INITRD" || echo "$pid")
timed_out=0
while kill -0 "$pid" 2>/dev/null; do
	if [ $(($(date +%s) - start)) -ge "$TIMEOUT" ]; then
		timed_out=1
		kill "$qpid" 2>/dev/null
		sleep 2
		kill -9 "$qpid" 2>/dev/null
		break
	fi
	sleep 1
done
wait "$pid" 2>/dev/null
secs=$(($(date +%s) - start))
echo "# [$LABEL] guest ran ${secs}s, log: $LOG" >&2

tr -d '\r' <"$LOG" | awk -v label="$LABEL" -v timed_out=$timed_out -v secs=$secs '
function emit(good, what) {
	printf "%s - [%s] %s\n", good ? "ok" : "not ok", label, what
}
/^# ssm-test-begin / { cur = $3; begun[cur] = 1; order[++n] = cur; next }
/^# ssm-test-end / {
	split($4, a, "="); ended[$3] = 1
	if (a[2] != 0) emit(0, $3 ": exited with status " a[2])
	cur = ""; next
}
/^# ssm-guest-done/ { done = 1; next }
/^# ssm-dmesg-begin/ { indmesg = 1; next }
/^# ssm-dmesg-end/ { indmesg = 0; next }
!indmesg && /^(not )?ok / && cur != "" {
	good = ($1 == "ok")
	sub(/^(not )?ok -? ?/, "")
	emit(good, cur ": " $0)
	next
}
END {
	for (i = 1; i <= n; i++)
		if (!ended[order[i]]) emit(0, order[i] ": did not finish")
	if (timed_out) emit(0, "guest timed out after " secs "s")
	else if (!done) emit(0, "guest did not reach the end (crash?)")
	else emit(1, "guest finished in " secs "s")
}'
# What must not be in the kernel log (tests/guest/lib/kernlog.awk).
# The tests' own TAP and comment lines are not kernel messages.
tr -d '\r' <"$LOG" | grep -Ev '^(not )?ok |^# ' |
	awk -f "$(dirname "$0")/../tests/guest/lib/kernlog.awk" |
	awk -F'|' -v label="$LABEL" '
	$1 == "known-lockdep" { known++; if (!kline) kline = $2; next }
	# the WARNING line of a classified circular-locking report
	$1 == "WARNING" && $2 ~ /possible circular locking dependency/ { next }
	!seen[$1]++ { first[$1] = $2; order[++n] = $1 }
	END {
		for (i = 1; i <= n; i++)
			printf "not ok - [%s] kernel log: %s: %s\n", label, order[i], first[order[i]]
		if (known)
			printf "# [%s] known upstream lockdep report (memmap-on-memory block removed while its sysfs state file was in use; lockdep off afterwards), %d times: %s\n", label, known, kline
		if (!n)
			printf "ok - [%s] kernel log clean (no panic, Oops, BUG, WARNING, lockdep, hang)\n", label
	}'
