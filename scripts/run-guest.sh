#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the s390x test kernel under QEMU with an initramfs, run guest tests,
# and turn the console log into TAP lines on stdout:
#   ok - [<label>] <what>        /  not ok - [<label>] <what>
# A hang (timeout), a panic, an Oops, a WARNING, a BUG, a sanitizer or a
# lockdep report anywhere in the log is a failure, as is a test that does
# not finish or runs fewer checks than its plan ("1..N") announced. The
# kernel runs with oops=panic (a dead kworker ends the boot) and
# ignore_loglevel (every message reaches the console, which is the log).
# At the end the guest dumps its kernel log and reports lockdep's state:
# a test kernel must end its boot with lockdep still on (debug_locks 1).
#
# Usage: scripts/run-guest.sh -k <build dir> -i <initramfs> -l <log file>
#          [-t tests] [-r check|demo|bench|shell] [-L label] [-T timeout]
#          [-a extra kernel args] [-m guest RAM] [-K ours|distro]
#          [-M machine properties] [-v]
#   -K distro  a distribution kernel: no lockdep expected
#   -M props   the test machine (qemu/, scripts/build-qemu.sh) with these
#              machine properties (e.g. standby-mem=1G): its SCLP has the
#              standby memory, -m is boot memory alone, no mem=, and the
#              module runs backend=sclp (ssm.backend=sclp)
#   -v  also show the console live on stderr (demo)
set -uo pipefail

B="" INITRD="" LOG="" TESTS="" RUN=check LABEL=guest TIMEOUT=900 EXTRA="" MEM=2G
VERBOSE=0 KIND=ours MACHINE=""
while getopts "k:i:l:t:r:L:T:a:m:K:M:v" o; do
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
	K) KIND=$OPTARG ;;
	M) MACHINE=$OPTARG ;;
	v) VERBOSE=1 ;;
	*) exit 2 ;;
	esac
done
[ -n "$B" ] && [ -n "$INITRD" ] && [ -n "$LOG" ] || {
	echo "usage: run-guest.sh -k builddir -i initramfs -l log" >&2
	exit 2
}

# mem=1G: the kernel uses the first GiB only; the rest of the guest RAM is
# what the simulated firmware offers as standby memory. On the test
# machine firmware has standby memory of its own, above -m.
QEMU=qemu-system-s390x
if [ -n "$MACHINE" ]; then
	QEMU=$("$(dirname "$0")/build-qemu.sh" 2>"$LOG.qemu-build" | tail -n1)
	[ -x "$QEMU" ] || {
		echo "not ok - [$LABEL] the test machine builds (scripts/build-qemu.sh, see $LOG.qemu-build)"
		exit 1
	}
	APPEND="console=ttysclp0 ssm.backend=sclp memory_hotplug.memmap_on_memory=1"
else
	APPEND="console=ttysclp0 mem=1G memory_hotplug.memmap_on_memory=1"
fi
APPEND="$APPEND memhp_default_state=offline printk.time=1 panic=-1 oops=panic"
# log_buf_len=2M: a distribution kernel's 128 KiB buffer could lose the
# start of a boot before the dump at its end (ours have 2 MiB built in).
APPEND="$APPEND ignore_loglevel log_buf_len=2M ssm.run=$RUN ssm.tests=$TESTS $EXTRA"
# A test still running this long into the boot is shown (its processes'
# kernel stacks, sysrq w and l) and ended, and the boot dumps its kernel
# log: the margin is what that and the dump take.
margin=$((TIMEOUT / 8))
[ $margin -ge 60 ] || margin=60
APPEND="$APPEND ssm.deadline=$((TIMEOUT - margin))"

: >"$LOG"
: >"$LOG.observer"
# The host's observer (scripts/observer.py) reads guest RAM through QMP
# when a test asks, and answers on the console: QEMU's stdin is a FIFO.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkfifo "$work/in"
exec 7<>"$work/in"
# the test machine's QEMU is built, not installed: its BIOS from the
# distribution's
QEMU_ARGS=(${MACHINE:+-L /usr/share/qemu} -M "s390-ccw-virtio${MACHINE:+,$MACHINE}"
	-cpu qemu -m "$MEM" -smp 2 -nographic
	-no-reboot -kernel "$B/arch/s390/boot/bzImage" -initrd "$INITRD"
	-append "$APPEND" -qmp "unix:$work/qmp.sock,server=on,wait=off")
start=$(date +%s)
if [ $VERBOSE = 1 ]; then
	"$QEMU" "${QEMU_ARGS[@]}" <&7 2>&1 | tee -a "$LOG" >&2 &
else
	"$QEMU" "${QEMU_ARGS[@]}" <&7 >>"$LOG" 2>&1 &
fi
pid=$!
# With -v, $! is tee; find QEMU as its sibling we started.
qpid=$(pgrep -n -f "qemu-system-s390x .*-initrd $INITRD" || echo "$pid")
python3 "$(dirname "$0")/observer.py" "$LOG" "$work/qmp.sock" "$work/in" \
	"$work" 2>>"$LOG.observer" &
opid=$!
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
kill "$opid" 2>/dev/null
wait "$opid" 2>/dev/null
exec 7>&-
secs=$(($(date +%s) - start))
echo "# [$LABEL] guest ran ${secs}s, log: $LOG" >&2

twin_wanted=0
case " $EXTRA " in *" ssm.twin="*) twin_wanted=1 ;; esac
tr -d '\r' <"$LOG" | awk -v label="$LABEL" -v timed_out=$timed_out -v secs=$secs \
	-v kind="$KIND" -v twin_wanted=$twin_wanted '
function emit(good, what) {
	printf "%s - [%s] %s\n", good ? "ok" : "not ok", label, what
}
function end_test(t, rc) {
	if (rc != 0) emit(0, t ": exited with status " rc)
	if (plan[t] == "") emit(0, t ": printed no plan (1..N)")
	else if (count[t] != plan[t])
		emit(0, t ": ran " count[t] + 0 " of " plan[t] " planned checks")
}
/^# ssm-test-begin / { cur = $3; begun[cur] = 1; order[++n] = cur; next }
/^# ssm-test-end / {
	split($4, a, "="); ended[$3] = 1
	end_test($3, a[2])
	if (split($5, b, "=") == 2) printf "# [%s] %s took %ds\n", label, $3, b[2]
	cur = ""; next
}
/^# ssm-test-skipped / { emit(0, $3 ": not run (a test before it was stuck)"); next }
/^# ssm-guest-done/ { done = 1; next }
# The dump counts when it holds the first line of the boot (nothing lost
# to the buffer wrapping) and the mark the guest wrote right before it
# (read to the end): an empty or cut dump is no dump.
/^# ssm-dmesg-begin/ { indmesg = 1; next }
/^# ssm-dmesg-end/ { indmesg = 0; dumped = dfirst && dlast; next }
indmesg && /Linux version / { dfirst = 1 }
indmesg && /ssm-dmesg-last$/ { dlast = 1 }
/^# ssm-lockdep / { lockdep = $3; next }
!indmesg && /^1\.\.[0-9]+$/ && cur != "" { plan[cur] = substr($0, 4); next }
# A check printed outside any test (init: the test double failed to load)
# counts like any other.
!indmesg && /^(not )?ok / && cur == "" {
	good = ($1 == "ok")
	sub(/^(not )?ok -? ?/, "")
	emit(good, "init: " $0)
	next
}
/^# ssm-twin loaded/ { twin_loaded = 1; next }
!indmesg && /^(not )?ok / && cur != "" {
	good = ($1 == "ok")
	count[cur]++
	sub(/^(not )?ok -? ?/, "")
	emit(good, cur ": " $0)
	next
}
END {
	for (i = 1; i <= n; i++)
		if (!ended[order[i]]) emit(0, order[i] ": did not finish")
	if (timed_out) emit(0, "guest timed out after " secs "s")
	else if (!done) emit(0, "guest did not reach the end (crash?)")
	else printf "# [%s] guest finished in %ds\n", label, secs
	# ssm.twin=: the boot is about the real-machine situation, which
	# does not exist without the double
	if (twin_wanted)
		emit(twin_loaded, "the kernel'"'"'s notifier'"'"'s test double (ssm.twin) loaded before the tests")
	printf "%s\n", dumped ? "# dmesg dumped" : "# no dmesg dump"
	printf "# lockdep %s\n", lockdep == "" ? "unknown" : lockdep
}' >"$LOG.tap"
grep -v '^# \(dmesg dumped\|no dmesg dump\|lockdep \)' "$LOG.tap" | tee "$LOG.verdict"
dumped=$(grep -c '^# dmesg dumped' "$LOG.tap")
lockdep=$(sed -n 's/^# lockdep //p' "$LOG.tap")

# What must not be in the kernel log (tests/guest/lib/kernlog.awk).
# The tests' own TAP and comment lines are not kernel messages.
tr -d '\r' <"$LOG" | grep -Ev '^(not )?ok |^# |^1\.\.[0-9]+$' |
	awk -f "$(dirname "$0")/../tests/guest/lib/kernlog.awk" |
	awk -F'|' -v label="$LABEL" -v dumped="$dumped" -v lockdep="$lockdep" \
	-v kind="$KIND" '
	$1 == "known-lockdep" { known++; if (!kline) kline = $2; next }
	# the WARNING line of a classified circular-locking report
	$1 == "WARNING" && $2 ~ /possible circular locking dependency/ { next }
	!seen[$1]++ { first[$1] = $2; order[++n] = $1 }
	END {
		for (i = 1; i <= n; i++)
			printf "not ok - [%s] kernel log: %s: %s\n", label, order[i], first[order[i]]
		if (known)
			printf "# [%s] known upstream lockdep report (a memmap-on-memory block removed while its state file was in use: state_store and remove_memory in the report), %d times: %s\n", label, known, kline
		if (!dumped)
			printf "not ok - [%s] kernel log read to the end (no dmesg dump from the boot'"'"'s first line to its last mark)\n", label
		else if (!n)
			printf "ok - [%s] kernel log clean (no panic, Oops, BUG, WARNING, sanitizer, lockdep, hang)\n", label
		# lockdep: on at the end of the boot, or switched off only by
		# the known report (which then was matched above)
		if (kind == "distro") {
			if (lockdep != "absent")
				printf "not ok - [%s] distribution kernel without lockdep (got %s)\n", label, lockdep
		} else if (lockdep == "debug_locks=1")
			printf "ok - [%s] lockdep on at the end of the boot (debug_locks 1)\n", label
		else if (lockdep == "debug_locks=0" && known && n == 0)
			printf "ok - [%s] lockdep off at the end of the boot only after the known upstream report\n", label
		else
			printf "not ok - [%s] lockdep on at the end of the boot (got %s)\n", label, lockdep
	}' | tee -a "$LOG.verdict"
# The status says what the lines say: 1 when anything failed.
! grep -q '^not ok ' "$LOG.verdict"
