# SPDX-License-Identifier: GPL-2.0
#
# Helpers for guest tests. Every check prints one TAP line:
# "ok - <what>" or "not ok - <what> (<why>)".

# Debian's busybox-static runs its own applets for bare command names
# (FEATURE_SH_STANDALONE); the real kmod tools need their full path.
modprobe() { /usr/sbin/modprobe "$@"; }
modinfo() { /usr/sbin/modinfo "$@"; }
insmod() { /usr/sbin/insmod "$@"; }
rmmod() { /usr/sbin/rmmod "$@"; }
lsmod() { /usr/sbin/lsmod "$@"; }

MOD=s390_standby_mem
SIM=s390_standby_mem_sim
DBG=/sys/kernel/debug/$MOD
SIMDBG=/sys/kernel/debug/$SIM
TWINDBG=/sys/kernel/debug/ssm_twin
FWMEM=/sys/firmware/memory
SYSMEM=/sys/devices/system/memory

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; }

# plan N: the number of checks this test will print (TAP "1..N"); the
# host fails the test when it prints more or fewer.
plan() { echo "1..$1"; }

# check <description> <command...>: ok when the command succeeds; a
# command may leave its reason in /tmp/why for the failure line
check() {
	desc=$1
	shift
	rm -f /tmp/why
	if "$@" >/dev/null 2>&1; then
		ok "$desc"
	elif [ -s /tmp/why ]; then
		not_ok "$desc ($(head -c 400 /tmp/why | tr '\n' ';'))"
	else
		not_ok "$desc"
	fi
}

# expect_eq <description> <got> <want>
expect_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1 (got '$2', want '$3')"
	fi
}

# ssm_arg <name> [<default>]: the value of ssm.<name>= on the kernel
# command line (how the host passes a boot its settings), or the default.
ssm_arg() {
	_v=$(sed -n "s/.*ssm\.$1=\([^ ]*\).*/\1/p" /proc/cmdline)
	echo "${_v:-$2}"
}

# The module's firmware: backend=sim (the simulated firmware above mem=),
# or on the test machine (run-guest.sh -M) the machine's own SCLP.
BACKEND=$(ssm_arg backend sim)

# Kernel log markers: mark NAME, then since NAME prints what came after.
mark() { echo "ssm-mark-$1" >/dev/kmsg; }
# Marks may repeat across tests of one boot: the last one counts. A mark
# that is no longer in the log buffer (overwritten) fails: nothing since
# it could be checked.
since() {
	dmesg | awk -v m="ssm-mark-$1" '$NF == m { buf = ""; on = 1; next }
		on { buf = buf $0 "\n" } END { printf "%s", buf; exit !on }' ||
		{ echo "since: mark $1 is not in the kernel log" >&2; return 1; }
}

# Lines of ours in the kernel log since a mark (fails if the mark is gone).
our_lines_since() {
	_log=$(since "$1") || return 1
	echo "$_log" | grep "$MOD: "
}

# expect_log <mark> <pattern> <description>: one of our kernel lines since
# the mark matches the basic regular expression.
expect_log() {
	if our_lines_since "$1" | grep -q "$2"; then
		ok "$3"
	else
		not_ok "$3"
	fi
}

# No warning, oops, BUG, sanitizer or lockdep report, hang or firmware
# misuse since a mark (lib/kernlog.awk; its one known upstream lockdep
# report aside), and the mark still in the log.
clean_since() {
	_log=$(since "$1") || return 1
	# a scan that cannot run finds nothing: that is no clean log
	_bad=$(echo "$_log" | awk -f ./lib/kernlog.awk) ||
		{ echo "clean_since: ./lib/kernlog.awk did not run" >>/tmp/why; return 1; }
	_bad=$(echo "$_bad" | grep -v -e '^known-lockdep|' -e '^WARNING|.*possible circular locking')
	[ -z "$_bad" ] && return 0
	echo "$_bad" | head -n 3 >>/tmp/why
	return 1
}

loaded() { grep -q "^$MOD " /proc/modules; }

# modprobe answers 0 for a module already loaded, whatever the parameters:
# a test that loads expects a fresh load with its own parameters.
load() {
	if loaded; then
		echo "load: $MOD is still loaded" >&2
		return 1
	fi
	modprobe "$MOD" backend="$BACKEND" "$@"
}
# modprobe -r succeeds for a module that is not loaded: an unload must
# find it loaded and leave it gone.
unload() {
	if ! loaded; then
		echo "unload: $MOD is not loaded" >&2
		return 1
	fi
	modprobe -r "$MOD" && ! loaded
}

# load_refused <description> <error text> <modprobe arguments...>: one TAP
# line: the load (the boot's backend and the arguments) fails saying the error
# text and leaves nothing loaded. A module that did load is unloaded.
load_refused() {
	_desc=$1 _want=$2
	shift 2
	_err=$(modprobe "$MOD" backend="$BACKEND" "$@" 2>&1)
	if ! loaded && echo "$_err" | grep -q "$_want"; then
		ok "$_desc"
	else
		not_ok "$_desc ($_err)"
		loaded && unload
	fi
}

# The error a request hit by a fault of the simulated firmware returns.
fault_errtext() {
	case $1 in
	response) echo "Input/output error" ;;
	timeout | late) echo "Connection timed out" ;;
	malformed) echo "Protocol error" ;;
	esac
}

# debugfs counter value
counter() { awk -v k="$1" '$1 == k { print $2 }' "$DBG/counters"; }

# Our blocks (from debugfs): "block state" lines for blocks that are ours.
our_blocks() {
	awk 'NR > 1 && $3 != "unusable" && $3 != "boot" { print $1 }' "$DBG/blocks"
}
block_state() { awk -v b="$1" 'NR > 1 && $1 == b { print $3 }' "$DBG/blocks"; }
block_held() { awk -v b="$1" 'NR > 1 && $1 == b { print $4 }' "$DBG/blocks"; }

# Kernel's view of a memory block: online/offline/absent
mem_state() {
	if [ -f "$SYSMEM/memory$1/state" ]; then cat "$SYSMEM/memory$1/state"; else echo absent; fi
}

# mem_states <block>...: the kernel's view of each, space-terminated
mem_states() { for _b in "$@"; do printf '%s ' "$(mem_state "$_b")"; done; }

# rn range of a block: prints "first last"
block_rns() {
	awk -v b="$1" 'NR > 1 && $1 == b {
		split($2, r, "[][-]"); print r[2], r[3] }' "$DBG/blocks" |
	{
		read -r start end
		rzm=$(cat /sys/module/$MOD/status/increment_size)
		echo $((start / rzm + 1)) $((end / rzm + 1))
	}
}

# The test double of the kernel's own SCLP memory notifier is loaded
# (ssm.twin=1: the guest's init loads it before any test).
twin_present() { [ -d "$TWINDBG" ]; }
# Beside a kernel's notifier: its test double, or on the test machine the
# kernel's own (6.x up to 6.18 register sclp_mem_notifier())
SHARED=0
twin_present && SHARED=1
[ "$BACKEND" = sclp ] && grep -q ' sclp_mem_notifier$' /proc/kallsyms && SHARED=1

# The kernel's list (its test double's) agrees with firmware: it calls an
# increment standby exactly where firmware has it unassigned.
twin_consistent() {
	if ! twin_present; then
		# agreeing with a double that should be there and is not is no
		# agreement: only a boot without ssm.twin= has nothing to check
		[ -z "$(ssm_arg twin)" ] && return 0
		echo "the kernel's notifier's test double is not loaded (ssm.twin=$(ssm_arg twin))" >>/tmp/why
		return 1
	fi
	awk 'FNR == 1 { f++; next } f == 1 { fw[$1] = $3; next }
		(($2 == 1) == (fw[$1] == 1)) {
			if (bad++ < 4) printf "rn %s: kernel list standby=%s, firmware assigned=%s\n", $1, $2, fw[$1]
		} END { exit bad > 0 }' \
		"$SIMDBG/firmware" "$TWINDBG/increments" >>/tmp/why
}

# Every increment of ours agrees with firmware: assigned <-> assigned.
# A stale increment (assigned, held by no block: its unassign failed or
# its assign had no clear outcome) may be either in firmware; there must
# be exactly as many of them as the stale counter says. With the kernel's
# notifier present its list must agree too (three ways).
increments_consistent() { table_consistent && twin_consistent; }
# increments: the module's debugfs increments, the firmware column
# (column 6) firmware's view: the simulation's (sim), or read from the
# machine's SCLP when the file "firmware" is read (sclp)
increments() {
	if [ "$BACKEND" = sim ]; then
		cat "$DBG/increments"
		return
	fi
	awk 'FNR == 1 { f++; if (f == 2) print; next }
		f == 1 { fw[$1] = $2; next }
		{ $6 = ($1 in fw) ? fw[$1] : "-"; print }' "$DBG/firmware" "$DBG/increments"
}
# block_fw_assigned <block>: "<assigned>/<increments>" of the block as
# firmware says
block_fw_assigned() {
	increments >/tmp/incr.$$ || return 1
	set -- $(block_rns "$1")
	awk -v f="$1" -v l="$2" 'NR > 1 && $1 >= f && $1 <= l { n++; a += ($6 == "assigned") }
		END { printf "%d/%d\n", a, n }' /tmp/incr.$$
}

# The kernel's own notifier of 6.8 to 6.18 beside us (the test machine):
# when one of its assigns at prepare-online is refused it assigns the
# block's other increments all the same and gets no finish-offline, so a
# failed online leaves them assigned (README, Guarantees 1) until the
# block's next online, its deconfigure or the unload. 6.1's undoes them.
KERNEL_LEAVES_FAILED_ONLINE=0
if [ "$BACKEND" = sclp ] && [ $SHARED = 1 ]; then
	_kv=$(uname -r | awk -F. '{ print $1 * 100 + $2 }')
	[ "$_kv" -ge 608 ] && [ "$_kv" -le 618 ] && KERNEL_LEAVES_FAILED_ONLINE=1
fi

# table_consistent: our table and firmware only (the first two ways)
table_consistent() {
	increments >/tmp/incr.$$ || return 1
	awk -v stale="$(counter stale)" '
		NR > 1 && $3 == "assigned" && $4 == 0 { held_by_none++; next }
		NR > 1 && $3 != "foreign" && $3 != $6 {
			if (bad++ < 4) printf "rn %s: ours %s, firmware %s\n", $1, $3, $6
		}
		END {
			if (held_by_none != stale)
				printf "%d held by no block, stale counter %d\n", held_by_none, stale
			exit bad > 0 || held_by_none != stale
		}' /tmp/incr.$$ >>/tmp/why
}

# Lines the kernel's notifier logged since a mark: its test double's, or
# on the test machine the kernel's own (sclp_cmd.c, 6.1 to 6.18).
twin_lines_since() {
	_log=$(since "$1") || return 1
	echo "$_log" | grep -E "ssm_twin: |sclp_cmd: "
}

# Firmware has answered every request (late answers hold the module).
requests_answered() {
	i=0
	while [ "$(counter requests_unanswered)" != 0 ] && [ $i -lt 30 ]; do
		sleep 1
		i=$((i + 1))
	done
	[ "$(counter requests_unanswered)" = 0 ]
}

# Increments of a block, state as our table says and as firmware says:
# prints e.g. "standby standby" when all agree, else "mixed".
block_incr_states() {
	increments >/tmp/incr.$$ || return 1
	set -- $(block_rns "$1")
	awk -v f="$1" -v l="$2" 'NR > 1 && $1 >= f && $1 <= l { s[$3 " " $6]++ }
		END { n = 0; for (k in s) { n++; last = k } print (n == 1 ? last : "mixed") }' \
		/tmp/incr.$$
}

# Wait until the module is really gone (modprobe -r returns after unload).
unloaded_ok() { ! loaded; }

# The error string of the last failing command: run_err <cmd...>
run_err() { "$@" 2>&1 >/dev/null; }

# Write to a sysfs file and print the error text (empty on success).
write_err() {
	err=$( (echo "$2" >"$1") 2>&1)
	echo "${err##*: }"
}

meminfo_kb() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }

# MemFree (kB) once the counters have settled. Each write to stat_refresh
# folds every CPU's counter deltas into the global ones and, from 6.7,
# lowers every CPU's free-page-list high mark by an eighth, returning the
# excess to the buddy allocator (pages on those lists are not in MemFree).
# 32 writes bring the high marks to their minimum ((7/8)^32 < 2 %).
settled_free_kb() {
	sync
	for _settle in $(seq 32); do
		echo 1 2>/dev/null >/proc/sys/vm/stat_refresh
	done
	meminfo_kb MemFree
}

# Block size and the memmap of one block, in kB.
block_kb() { echo $(($(cat /sys/module/$MOD/status/block_size) / 1024)); }
memmap_kb() { echo $(($(block_kb) / 4 * 64 / 1024)); }

# MemTotal growth expected when a block goes online: the block, minus its
# memmap when that lives on the block.
online_growth_kb() {
	if [ "$1" = 1 ]; then
		echo $(($(block_kb) - $(memmap_kb)))
	else
		block_kb
	fi
}

online_block() { echo "${2:-online_movable}" >"$SYSMEM/memory$1/state"; }
# offline_block <block>: offline it; fails when the kernel refuses.
# Offlining migrates the block's pages away, and the kernel retries a
# page that will not move until the writer gets a signal (its memory
# hotplug documentation: offlining may take forever; the user aborts it).
# A write still running after OFFLINE_SECS (120) is interrupted, said, and
# made again, three times at most: a page that does not move for six
# minutes fails the check.
OFFLINE_SECS=120
# crawl_counters: clock-comparator interrupts (s390's tick), the TIMER,
# HRTIMER, SCHED and RCU softirqs (all CPUs), and the jiffies of all CPUs
# in all, in interrupts and in softirqs (/proc/stat), on one line.
crawl_counters() {
	awk '$1 == "CLK:" { for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) c += $i }
		END { printf "%d ", c }' /proc/interrupts
	awk '$1 ~ /^(TIMER|HRTIMER|SCHED|RCU):$/ {
			s = 0; for (i = 2; i <= NF; i++) s += $i; v[$1] = s }
		END { printf "%d %d %d %d ", v["TIMER:"], v["HRTIMER:"], v["SCHED:"], v["RCU:"] }' \
		/proc/softirqs
	awk '$1 == "cpu" { t = 0; for (i = 2; i <= NF; i++) t += $i
		printf "%d %d %d\n", t, $7, $8 }' /proc/stat
}
# crawl_since <counters>: what the guest did since, for a slow offline:
# whether it crawled (ticks and softirqs eating the CPUs) or a page would
# not move while the CPUs were free.
crawl_since() {
	echo "$1 $(crawl_counters)" | awk '{
		t = $14 - $6; if (t < 1) t = 1
		printf "clock-comparator interrupts +%d, softirqs TIMER +%d HRTIMER +%d SCHED +%d RCU +%d, CPU time in irq %d%% softirq %d%%",
			$9 - $1, $10 - $2, $11 - $3, $12 - $4, $13 - $5,
			100 * ($15 - $7) / t, 100 * ($16 - $8) / t }'
}
offline_block() {
	_try=1
	while :; do
		_t0=$(cut -d. -f1 /proc/uptime)
		_c0=$(crawl_counters)
		# SIGKILL: a test is a background job, which ignores SIGINT
		timeout -s KILL $OFFLINE_SECS sh -c "echo offline >$SYSMEM/memory$1/state" &&
			return 0
		_secs=$(($(cut -d. -f1 /proc/uptime) - _t0))
		[ $_secs -ge $OFFLINE_SECS ] || return 1
		echo "# offline of block $1: still migrating after ${_secs}s, interrupted (try $_try of 3); $(grep -E '^pgmigrate_(success|fail)' /proc/vmstat | tr '\n' ' '); in those ${_secs}s: $(crawl_since "$_c0")"
		[ $_try -lt 3 ] || return 1
		_try=$((_try + 1))
	done
}

# Arm faults ("none" disarms): in the simulated firmware, or on the test
# machine (backend=sclp) through its own fault injection.
fault() {
	if [ "$BACKEND" = sclp ]; then
		machine_fault "$1"
	else
		echo "$1" >"$SIMDBG/fault"
	fi
}

# host_qmp <command> [<JSON arguments>]: the host's observer runs a QMP
# command of the test machine (its fault injection only) and answers on
# the console; fails, saying why, when it did not run.
host_qmp() {
	_qtag=qmp$(cut -d' ' -f1 /proc/uptime | tr -d .)
	echo "# ssm-qmp $_qtag $*"
	if ! read -r -t 60 _word _got _verdict _rest; then
		echo "host_qmp $1: no answer from the host's observer" >&2
		return 1
	fi
	[ "$_word $_got $_verdict" = "ssm-qmp-done $_qtag ok" ] && return 0
	echo "host_qmp $1: $_word $_got $_verdict $_rest" >&2
	return 1
}

# machine_fault <op>,response[,count=N][,rn=N][,response=N][,side=S]:
# the machine answers the next N (1) such storage commands with the
# response (0x05f0, as the simulation's default) without acting. It
# cannot tell who sends a command: side= names who sends the next one,
# and the machine refuses it whoever that is. A garbled, late or missing
# answer, skip=, and READ SCP INFO are the simulation's alone (refused
# here, loudly).
machine_fault() {
	if [ "$1" = none ]; then
		host_qmp s390x-sclp-storage-inject-clear
		return
	fi
	_op=${1%%,*} _cnt=1 _resp=0x05f0 _rn=""
	case $_op in
	assign | unassign | attach) ;;
	storage_info) _op=read-storage-info ;;
	*)
		echo "fault $1: the test machine cannot refuse $_op" >&2
		return 1
		;;
	esac
	set -- $(echo "${1#*,}" | tr , ' ')
	if [ "$1" != response ]; then
		echo "fault: the test machine cannot inject '$1' (only response)" >&2
		return 1
	fi
	shift
	for _kv in "$@"; do
		case $_kv in
		count=*) _cnt=${_kv#count=} ;;
		rn=*) _rn=${_kv#rn=} ;;
		response=*) _resp=${_kv#response=} ;;
		side=*) ;;
		*)
			echo "fault: the test machine cannot inject with '$_kv'" >&2
			return 1
			;;
		esac
	done
	host_qmp s390x-sclp-storage-inject "{\"command\": \"$_op\", \"count\": $((_cnt)), \"response\": $((_resp))${_rn:+, \"rn\": $((_rn))}}"
}

# observe <tag> [<at least>]: the host's observer (scripts/observer.py),
# outside the guest kernel, checks every unassigned increment of the
# simulated firmware in QEMU's own copy of guest RAM: those the simulation
# filled with the canary hold it in every byte; the others (unassigned
# while unmapped: content unknown) must be as the observer saw them last
# under the same unassignment. One TAP line: ok when nothing is wrong and
# at least <at least> increments (default 1) were checked, not just seen.
observe() {
	if [ "$BACKEND" = sclp ]; then
		# On the test machine no simulation knows the content: the
		# machine itself traps every access to unassigned storage, an
		# addressing exception that kills the kernel.
		_what="test machine, $1: no access to unassigned storage (no addressing exception, no oops)"
		if dmesg | grep -qE "[Aa]ddressing exception|Oops"; then
			not_ok "$_what"
		else
			ok "$_what"
		fi
		return
	fi
	ranges=""
	while read -r rn range assigned elem att canary since; do
		[ "$rn" = rn ] || [ "$assigned" != 0 ] && continue
		r=${range#[}
		r=${r%]}
		s=${r%-*}
		e=${r#*-}
		[ "$canary" = 1 ] || canary=$since
		ranges="$ranges ${s#0x}:$(printf %x $((e - s + 1))):$canary"
	done <"$SIMDBG/firmware"
	_tag=$(echo "$1" | tr -c 'A-Za-z0-9\n' _)
	echo "# ssm-observe $_tag$ranges"
	what="host observer, $1: unassigned increments untouched in QEMU's RAM"
	if ! read -t 120 _word _got verdict n marked same first; then
		not_ok "$what (no answer)"
	elif [ "$_word" != ssm-observed ] || [ "$_got" != "$_tag" ]; then
		not_ok "$what (an answer to another request: '$_word $_got')"
	elif [ "$verdict" != ok ]; then
		not_ok "$what ($verdict $n $marked $same $first)"
	elif [ $((marked + same)) -lt "${2:-1}" ]; then
		not_ok "$what (only $((marked + same)) of $n checked, $first first seen)"
	else
		ok "$what ($n: $marked canary, $same unchanged, $first first seen)"
	fi
}

# A counter of the simulated firmware (module s390_standby_mem_sim).
sim_counter() { awk -v k="$1" '$1 == k { print $2 }' "$SIMDBG/stats"; }

# median of numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# Wait up to $2 seconds for a line matching $1 in file $3.
wait_for() {
	i=0
	while [ $i -lt "$2" ]; do
		grep -q "$1" "$3" 2>/dev/null && return 0
		sleep 1
		i=$((i + 1))
	done
	return 1
}

# Our state of every block of ours, with held flag, as "b:state:held ...".
blocks_summary() {
	awk 'NR > 1 && $3 != "unusable" && $3 != "boot" { printf "%s:%s:%s ", $1, $3, $4 }' \
		"$DBG/blocks"
}

# The memory blocks the kernel has now, as "memoryN memoryM ...".
kernel_blocks() { for _d in "$SYSMEM"/memory[0-9]*; do printf '%s ' "${_d##*/}"; done; }

# nothing_left <our blocks> [<the kernel's blocks before the load>]: after
# unload nothing of ours is left behind; a block the kernel had added
# before the load (the takeover) is the kernel's again, offline.
nothing_left() {
	for b in $1; do
		case " ${2:-} " in
		*" memory$b "*)
			[ "$(mem_state "$b")" = offline ] ||
				echo "memory$b: the kernel's before the load, now $(mem_state "$b")" >>/tmp/why ;;
		*)
			[ -e "$SYSMEM/memory$b" ] && echo "memory$b: $(mem_state "$b")" >>/tmp/why ;;
		esac
	done
	[ -e "$DBG" ] && echo "$DBG" >>/tmp/why
	[ -e "$FWMEM" ] && echo "$FWMEM" >>/tmp/why
	loaded && echo "$MOD loaded" >>/tmp/why
	[ ! -s /tmp/why ]
}
