#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: every test tier, as TAP lines, then exactly one summary line
#   check: N passed, M failed
# Exit status is non-zero when anything failed or could not run.
#
# Tiers: prerequisites; the test kernels (6.12, 6.1, 7.3, 6.12-debug
# with KASAN, kmemleak, UBSAN and pattern-initialised stacks, and
# 6.12-failalloc, which can fail page allocations); the module
# built W=1 C=2 against each (every compiler or sparse warning is a
# failure); checkpatch --strict; DKMS and make install/uninstall against
# each; Debian 12 and 13: their packaged headers and compiler, dkms
# install, their unmodified kernels; guest runs under QEMU: KUnit, module
# edges, lazy mode, configure mode, util-linux, faults, kernel faults,
# memory pressure, concurrency, the /sys/firmware/memory layout, and the
# real-machine situation beside the kernel's own SCLP notifier (its test
# double, ssm.twin=1) on 6.12 and 6.1.
#
# Every boot must print at least the number of checks committed in
# tests/guest/expected-counts: a boot that silently ran fewer fails.
#
# CHECK_KERNELS="6.12 6.1 7.3 6.12-debug 6.12-failalloc debian" and
# CHECK_TESTS (a guest test list for every boot) narrow a run for
# development (the counts are then not compared); CI runs everything
# (.ci/run clears both).
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 2
OUT=$TOP/build
mkdir -p "$OUT"
TAP=$OUT/check.tap
: >"$TAP"
KERNELS=${CHECK_KERNELS:-6.12 6.1 7.3 6.12-debug 6.12-failalloc debian}
COUNTS=$TOP/tests/guest/expected-counts
export SSM_CACHE=${SSM_CACHE:-/var/cache/s390-standby-mem}
export ARCH=s390 CROSS_COMPILE=s390x-linux-gnu-
[ "$(uname -m)" = s390x ] && unset ARCH CROSS_COMPILE

tap() { echo "$*" | tee -a "$TAP"; }
ok() { tap "ok - [host] $*"; }
not_ok() { tap "not ok - [host] $*"; }
# step <description> <command...>: one TAP line, output kept in a log
step() {
	local desc=$1 log
	shift
	log=$OUT/step-$(echo "$desc" | tr -c 'A-Za-z0-9.\n' '-' | cut -c1-60).log
	if "$@" >"$log" 2>&1; then
		ok "$desc"
	else
		not_ok "$desc (see ${log#"$TOP"/})"
		tail -n 15 "$log" | sed 's/^/#   /'
		return 1
	fi
}
# relay <label> <runner status> <tap file>: the boot's TAP lines into
# ours, then whether the runner ended well and the boot ran its checks.
relay() {
	local label=$1 rc=$2 file=$3 n want
	grep -E '^(not )?ok |^# ' "$file" | while IFS= read -r l; do
		case $l in
		"#"*) echo "$l" ;;
		*) tap "$l" ;;
		esac
	done
	n=$(grep -cE '^(not )?ok ' "$file")
	if [ "$rc" != 0 ] && ! grep -q '^not ok ' "$file"; then
		not_ok "[$label] the guest runner ended with status $rc"
	fi
	if [ -n "${CHECK_TESTS:-}" ]; then
		echo "# [$label] $n checks (CHECK_TESTS set: not compared)"
		return
	fi
	want=$(awk -v l="$label" '$1 == l { print $2 }' "$COUNTS")
	if [ -z "$want" ]; then
		not_ok "[$label] a committed number of checks (tests/guest/expected-counts)"
	elif [ "$n" -lt "$want" ]; then
		not_ok "[$label] ran $n checks, at least $want expected"
	else
		ok "[$label] ran $n checks, at least $want expected"
	fi
}
# guest <label> <series> <tests> [guest.sh args]: one boot of our kernel
guest() {
	local label=$1 series=$2 tests=$3 rc
	shift 3
	[ -n "${CHECK_TESTS:-}" ] && tests=$CHECK_TESTS
	echo "# guest $label: $tests"
	scripts/guest.sh "$@" "$series" "$tests" "$label" >"$OUT/$label.tap" 2>&1
	rc=$?
	relay "$label" $rc "$OUT/$label.tap"
}
# debian <label> <release> <tests> [debian-guest.sh args]: Debian's kernel
debian() {
	local label=$1 rel=$2 tests=$3 rc
	shift 3
	[ -n "${CHECK_TESTS:-}" ] && tests=$CHECK_TESTS
	echo "# guest $label: $tests"
	scripts/debian-guest.sh "$@" "$rel" "$tests" "$label" >"$OUT/$label.tap" 2>&1
	rc=$?
	relay "$label" $rc "$OUT/$label.tap"
}

# Prerequisites: host packages, kernel sources, guest userland, util-linux.
step "prerequisites installed (apt, kernel sources, s390x userland, util-linux)" \
	scripts/prereqs.sh all utillinux || {
	tap "check: $(grep -c '^ok ' "$TAP") passed, $(grep -c '^not ok ' "$TAP") failed"
	exit 1
}

# Kernels and module builds.
declare -A KDIR
for k in $KERNELS; do
	[ "$k" = debian ] && continue
	if step "kernel $k built (minimal s390x config, cached)" \
		scripts/build-kernel.sh "$k"; then
		KDIR[$k]=$(scripts/build-kernel.sh "$k" 2>/dev/null)
	fi
done

# A build is clean only when it has no warning of the compiler, sparse
# or modpost. Sparse 0.6.4 (bookworm) cannot parse 7.x headers
# (__typeof_unqual__), which the kernel itself refuses ("not available or
# not up to date"), so 7.3 is built W=1 without C=2.
clean_build() {
	local k=$1 sparse=C=2 log
	[ "$k" = 7.3 ] && sparse=
	log=$OUT/warnings-$k.log
	make --no-print-directory clean >/dev/null 2>&1
	make --no-print-directory KDIR="${KDIR[$k]}" test-modules W=1 $sparse \
		>"$log" 2>&1 || { cat "$log"; return 1; }
	if grep -E 'warning|error:|not available' "$log"; then
		return 1
	fi
	[ -f s390_standby_mem.ko ] && [ -f s390_standby_mem_kunit.ko ]
}
for k in $KERNELS; do
	# the variants are 6.12 with checkers: their guests build the modules
	case $k in debian | 6.12-debug | 6.12-failalloc) continue ;; esac
	[ -n "${KDIR[$k]:-}" ] || { not_ok "module for $k: no kernel"; continue; }
	sp="W=1 C=2"
	[ "$k" = 7.3 ] && sp="W=1"
	step "module, KUnit and test modules build against $k with $sp: zero warnings" \
		clean_build "$k"
done

# checkpatch --strict over every kernel C source and header of ours (the
# guest's user-space test programs are not kernel code).
checkpatch() {
	local src
	src=$(cat "$SSM_CACHE/src/linux-6.12.path")
	# shellcheck disable=SC2046
	"$src/scripts/checkpatch.pl" --no-tree --strict --terse --show-types \
		--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG \
		-f $(find src include tests/kunit tests/bench tests/helper tests/twin -name '*.[ch]' ! -name '*.mod.c' 2>/dev/null | sort) \
		>"$OUT/checkpatch.log" 2>&1
	cat "$OUT/checkpatch.log"
	! grep -qE ': (ERROR|WARNING|CHECK):' "$OUT/checkpatch.log"
}
step "checkpatch.pl --strict: zero errors, warnings and checks" checkpatch

# DKMS and make install: the packaged source builds against every kernel.
for k in 6.12 6.1 7.3; do
	[ -n "${KDIR[$k]:-}" ] || continue
	step "dkms add, build, status, x86_64 and no-hotplug refused, remove against $k" \
		scripts/dkms-check.sh "${KDIR[$k]}"
	step "make install/uninstall against $k" scripts/install-check.sh "${KDIR[$k]}"
done

# Guest tests of our kernels, and of Debian's (which need no KDIR).
for k in $KERNELS; do
	[ "$k" = debian ] || [ -n "${KDIR[$k]:-}" ] || continue
	case $k in
	6.12)
		guest 6.12-lazy 6.12 00-kunit,01-module,05-faults,02-lazy
		guest 6.12-configure 6.12 03-configure,04-utillinux,08-concurrency
		guest 6.12-concurrency-lazy 6.12 09-concurrency-lazy
		guest 6.12-layout 6.12 10-layout -a mem=1088M
		# The real-machine situation: the kernel's own notifier too.
		guest 6.12-twin 6.12 11-twin,15-twin-faults,02-lazy,03-configure,04-utillinux,08-concurrency -a ssm.twin=1 -T 2100
		# A stock kernel: its initcall added the standby memory.
		guest 6.12-adopt 6.12 13-adopt -a ssm.twin=add_standby=1
		# The kernel onlines added memory on its own.
		guest 6.12-policy 6.12 14-policy -a memhp_default_state=online
		# A test that leaves a kernel-zone block online for good (it
		# pins the module) ends its boot.
		guest 6.12-kernel-faults 6.12 06-kernel-faults
		;;
	6.1)
		guest 6.1 6.1 00-kunit,01-module,03-configure,04-utillinux
		guest 6.1-twin 6.1 11-twin,15-twin-faults,03-configure,04-utillinux -a ssm.twin=1
		guest 6.1-adopt 6.1 13-adopt -a ssm.twin=add_standby=1
		;;
	7.3) guest 7.3 7.3 00-kunit,01-module,03-configure,04-utillinux ;;
	6.12-debug)
		# The kernel's memory checkers watch the module, the fault
		# matrix included; kmemleak looks after the last unload. It
		# takes about 12 minutes (100 Hz tick, kernel/config.debug);
		# 25 is its limit, so that a boot that stalls (as this kernel
		# did at 250 Hz: an RCU stall, softirqs on one CPU) leaves CI
		# time for the rest.
		guest 6.12-debug 6.12-debug 02-lazy,03-configure,05-faults,12-kmemleak -T 1500
		;;
	6.12-failalloc)
		# Page allocations under the module's code fail for the
		# writer: online and offline must not make any.
		guest 6.12-failalloc 6.12-failalloc 16-noalloc
		;;
	debian)
		# Debian 12 and 13 as their users run them: their kernel, their
		# headers and compiler, dkms install, modprobe.
		for rel in bookworm trixie; do
			if step "Debian $rel: dkms install with its packaged headers and compiler" \
				scripts/debian-kernel.sh "$rel"; then
				step "Debian $rel: make install/uninstall against its packaged headers" \
					scripts/install-check.sh "$(scripts/debian-kernel.sh "$rel" 2>/dev/null)"
			fi
		done
		debian debian-bookworm bookworm 01-module,03-configure,04-utillinux
		# 07-pressure fills all of system memory three times: 3 min
		# per fill under lockdep and TCG (our kernels), seconds here.
		debian debian-trixie trixie 01-module,02-lazy,03-configure,04-utillinux,07-pressure
		;;
	esac
done

passed=$(grep -c '^ok ' "$TAP")
failed=$(grep -c '^not ok ' "$TAP")
if [ "$failed" -gt 0 ]; then
	echo "# failed:"
	grep '^not ok ' "$TAP" | sed 's/^/#   /'
fi
echo "check: $passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
