#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check / make check-full: the test tiers, as TAP lines, then exactly
# one summary line
#   check: N passed, M failed
# Exit status is non-zero when anything failed or could not run.
#
# Usage: scripts/check.sh [check|full]
#
# check (make check, README's test command, CI; within 25 minutes on a
#   fresh machine): prerequisites; the 6.12 test kernel; the module built
#   W=1 C=2 against it (every compiler or sparse warning is a failure);
#   checkpatch --strict; DKMS and make install/uninstall against 6.12; and
#   one boot per kind of evidence: KUnit, the module alone in lazy and
#   configure mode with the fault matrix, util-linux and concurrency, and
#   the real-machine situation beside the kernel's own SCLP notifier (its
#   test double, ssm.twin=1); the Debian packages (lintian); and the
#   memory-on-demand daemon's short run.
# full (make check-full): all of check, and the kernels 6.1, 7.3,
#   6.12-debug (KASAN, kmemleak, UBSAN, pattern-initialised stacks) and
#   6.12-failalloc (page allocations can fail), the module built against
#   6.1 and 7.3, DKMS and make install against them, Debian 12 and 13
#   (their packaged headers and compiler, dkms install, their unmodified
#   kernels), and the boots of tier "full" below: kernel faults, memory
#   pressure, concurrency at full length, the /sys/firmware/memory
#   layout, takeover, the kernel's hotplug policy, the daemon's whole run.
#
# Every test of every boot must print at least the number of checks
# committed for it in tests/guest/expected-counts ("<boot> <test> <n>"):
# a test that silently ran fewer checks fails, in both tiers, and in a
# narrowed run too.
#
# CHECK_KERNELS="6.12 6.1 7.3 6.12-debug 6.12-failalloc debian" and
# CHECK_TESTS (a guest test list for every boot) narrow a run for
# development; the tests that did run are still compared. CI runs all of
# make check (.ci/run clears both).
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 2
TIER=${1:-check}
case $TIER in
check) ALL_KERNELS="6.12" ;;
full) ALL_KERNELS="6.12 6.1 7.3 6.12-debug 6.12-failalloc debian" ;;
*) echo "usage: scripts/check.sh [check|full]" >&2; exit 2 ;;
esac
OUT=$TOP/build
mkdir -p "$OUT"
TAP=$OUT/check.tap
: >"$TAP"
KERNELS=${CHECK_KERNELS:-$ALL_KERNELS}
COUNTS=$TOP/tests/guest/expected-counts
export SSM_CACHE=${SSM_CACHE:-/var/cache/s390-standby-mem}
export ARCH=s390 CROSS_COMPILE=s390x-linux-gnu-
[ "$(uname -m)" = s390x ] && unset ARCH CROSS_COMPILE
START=$(date +%s)

# in_tier <tier>: a step of that tier runs in this one; "quick" is make
# check's shorter form of something make check-full runs whole
in_tier() {
	case $1 in
	check) true ;;
	quick) [ "$TIER" = check ] ;;
	*) [ "$TIER" = full ] ;;
	esac
}
# want_kernel <series>: the series is among those this run covers
want_kernel() { [[ " $KERNELS " == *" $1 "* ]]; }

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
# relay <label> <runner status> <tap file> <tests>: the boot's TAP lines
# into ours, then whether the runner ended well and each test ran at
# least its committed number of checks.
relay() {
	local label=$1 rc=$2 file=$3 tests=$4 t n want
	grep -E '^(not )?ok |^# ' "$file" | while IFS= read -r l; do
		case $l in
		"#"*) echo "$l" ;;
		*) tap "$l" ;;
		esac
	done
	if [ "$rc" != 0 ] && ! grep -q '^not ok ' "$file"; then
		not_ok "[$label] the guest runner ended with status $rc"
	fi
	for t in ${tests//,/ }; do
		expect_count "$label" "$t" \
			"$(grep -cE "^(not )?ok - \[$label\] $t: " "$file")"
	done
}
# expect_count <label> <test> <checks it ran>: at least its committed
# count (tests/guest/expected-counts); a narrowed run says so of a test
# this boot has no count for
expect_count() {
	local label=$1 t=$2 n=$3 want
	want=$(awk -v l="$label" -v t="$t" \
		'$1 == l && $2 == t { print $3 }' "$COUNTS")
	if [ -z "$want" ] && [ -n "${CHECK_TESTS:-}" ]; then
		echo "# [$label] $t: $n checks (no committed count for this boot: not compared)"
	elif [ -z "$want" ]; then
		not_ok "[$label] $t: a committed number of checks (tests/guest/expected-counts)"
	elif [ "$n" -lt "$want" ]; then
		not_ok "[$label] $t: ran $n checks, at least $want expected"
	else
		ok "[$label] $t: ran $n checks, at least $want expected"
	fi
}
# guest <label> <series> <tests> [guest.sh args]: one boot of our kernel
guest() {
	local label=$1 series=$2 tests=$3 rc t0
	shift 3
	[ -n "${CHECK_TESTS:-}" ] && tests=$CHECK_TESTS
	echo "# guest $label: $tests"
	t0=$(date +%s)
	scripts/guest.sh "$@" "$series" "$tests" "$label" >"$OUT/$label.tap" 2>&1
	rc=$?
	echo "# [$label] boot took $(($(date +%s) - t0)) s (at $(($(date +%s) - START)) s into the run)"
	relay "$label" $rc "$OUT/$label.tap" "$tests"
}
# debian <label> <release> <tests> [debian-guest.sh args]: Debian's kernel
debian() {
	local label=$1 rel=$2 tests=$3 rc
	shift 3
	[ -n "${CHECK_TESTS:-}" ] && tests=$CHECK_TESTS
	echo "# guest $label: $tests"
	scripts/debian-guest.sh "$@" "$rel" "$tests" "$label" >"$OUT/$label.tap" 2>&1
	rc=$?
	relay "$label" $rc "$OUT/$label.tap" "$tests"
}

# Prerequisites: host packages, the kernel sources of this run, guest
# userland, util-linux.
prereqs=(host userland utillinux)
for k in $KERNELS; do
	case $k in debian) ;; *) prereqs+=("src-${k%%-*}") ;; esac
done
step "prerequisites installed (apt, kernel sources, s390x userland, util-linux)" \
	scripts/prereqs.sh "${prereqs[@]}" || {
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
	[ -f s390_standby_mem.ko ] && [ -f s390_standby_mem_kunit.ko ] || return 1
	# The EDAT-1 probe found the tree's spelling (Kbuild.probes): 7.x
	# has cpu_has_edat1(), the others MACHINE_HAS_EDAT1.
	local want=SSM_HAVE_MACHINE_HAS_EDAT1
	[ "${k%%.*}" -ge 7 ] && want=SSM_HAVE_CPU_HAS_EDAT1
	grep -q -- "-D$want" src/.main.o.cmd ||
		{ echo "EDAT-1 probe: -D$want missing from src/.main.o.cmd"; return 1; }
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
	local src rc
	src=$(cat "$SSM_CACHE/src/linux-6.12.path")
	# shellcheck disable=SC2046
	"$src/scripts/checkpatch.pl" --no-tree --strict --terse --show-types \
		--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG \
		-f $(find src include tests/kunit tests/bench tests/helper tests/twin tests/host/poke -name '*.[ch]' ! -name '*.mod.c' 2>/dev/null | sort) \
		>"$OUT/checkpatch.log" 2>&1
	rc=$?
	cat "$OUT/checkpatch.log"
	# checkpatch exits non-zero on any finding, and when it cannot run
	[ $rc = 0 ] || { echo "checkpatch.pl exited with status $rc"; return 1; }
	! grep -qE ': (ERROR|WARNING|CHECK):' "$OUT/checkpatch.log"
}
step "checkpatch.pl --strict: zero errors, warnings and checks" checkpatch

# The Debian package (make deb): it builds from the files git knows and
# ships the source where dkms looks for it, dkms.conf and the module's
# sources included, nothing built.
deb_check() {
	local deb ver list
	ver=$(scripts/version.sh) || return 1
	deb=$(scripts/deb.sh | tail -n1) || return 1
	list=$(dpkg-deb -c "$deb" | awk '{ print $6 }')
	echo "$deb: $(echo "$list" | grep -c '[^/]$') files"
	dpkg-deb -f "$deb" Package Version Architecture Depends
	for f in dkms.conf Makefile Kbuild src/main.c include/layout.h; do
		echo "$list" | grep -qx "./usr/src/s390-standby-mem-$ver/$f" ||
			{ echo "missing: /usr/src/s390-standby-mem-$ver/$f"; return 1; }
	done
	! echo "$list" | grep -E '\.(o|ko|cmd)$' || { echo "built files shipped"; return 1; }
	[ "$(dpkg-deb -f "$deb" Architecture)" = all ] &&
		dpkg-deb -f "$deb" Depends | grep -qw dkms || return 1
	# the commented options, a conffile; the sysfs ABI under doc
	[ "$(dpkg-deb -I "$deb" conffiles)" = /etc/modprobe.d/s390-standby-mem.conf ] ||
		{ echo "conffiles: $(dpkg-deb -I "$deb" conffiles)"; return 1; }
	echo "$list" | grep -qx ./usr/share/doc/s390-standby-mem-dkms/ABI/sysfs-s390-standby-mem ||
		{ echo "missing: the ABI file"; return 1; }
	! dpkg-deb --fsys-tarfile "$deb" | tar -xOf - ./etc/modprobe.d/s390-standby-mem.conf |
		grep -v '^#' | grep . || { echo "an options line not commented out"; return 1; }
}
step "the Debian package s390-standby-mem-dkms builds and ships the source for dkms" deb_check

# The daemon's package (s390x, cross-built): the program for s390x, its
# unit installed but neither enabled nor started, the commented policy as
# a conffile, the manual.
memd_deb_check() {
	local deb list f
	deb=build/s390-standby-memd_"$(scripts/version.sh)"_s390x.deb
	[ -f "$deb" ] || { echo "no $deb (make deb)"; return 1; }
	list=$(dpkg-deb -c "$deb" | awk '{ print $6 }')
	echo "$list"
	dpkg-deb -f "$deb" Package Architecture Depends
	for f in ./usr/sbin/s390-standby-memd ./lib/systemd/system/s390-standby-memd.service \
		./etc/s390-standby-memd.conf ./usr/share/man/man8/s390-standby-memd.8.gz; do
		echo "$list" | grep -qx "$f" || { echo "missing: $f"; return 1; }
	done
	[ "$(dpkg-deb -f "$deb" Architecture)" = s390x ] || return 1
	dpkg-deb -f "$deb" Depends | grep -q '^libc6 (>= ' || { echo "no libc6 dependency"; return 1; }
	dpkg-deb --fsys-tarfile "$deb" | tar -xOf - ./usr/sbin/s390-standby-memd >"$OUT/memd.bin"
	file "$OUT/memd.bin" | grep -q 'ELF 64-bit MSB .*IBM S/390' ||
		{ file "$OUT/memd.bin"; return 1; }
	[ "$(dpkg-deb -I "$deb" conffiles)" = /etc/s390-standby-memd.conf ] ||
		{ echo "conffiles: $(dpkg-deb -I "$deb" conffiles)"; return 1; }
	! dpkg-deb --fsys-tarfile "$deb" | tar -xOf - ./etc/s390-standby-memd.conf |
		grep -v '^#' | grep . || { echo "a policy line not commented out"; return 1; }
	# dh_installsystemd --no-enable --no-start: nothing starts it, and
	# it is enabled again only where the administrator had (the
	# --no-enable form: only for a unit debian-installed before)
	dpkg-deb -I "$deb" postinst | awk '
		/deb-systemd-invoke/ { bad = 1 }
		/deb-systemd-helper enable/ && !cond { bad = 1 }
		/debian-installed/ { cond = 1 } /^[[:space:]]*fi/ { cond = 0 }
		END { exit bad }' ||
		{ echo "the postinst enables or starts the service"; return 1; }
}
step "the Debian package s390-standby-memd: the daemon for s390x, its unit disabled, its policy a conffile" \
	memd_deb_check

# lintian, as Debian runs it on every upload: no error and no warning;
# what it says below that is explained in README (Debian)
lintian_check() {
	local out
	local ver
	ver=$(scripts/version.sh) || return 1
	out=$(lintian -I -E --pedantic --fail-on error,warning \
		build/s390-standby-mem-dkms_"${ver}"_all.deb \
		build/s390-standby-memd_"${ver}"_s390x.deb 2>&1) ||
		{ echo "$out"; return 1; }
	echo "$out" | grep -v "root privileges"
	[ "$(echo "$out" | grep -c '^[A-Z]: ')" = \
	  "$(echo "$out" | grep -c -e '^P: s390-standby-mem-dkms: repeated-path-segment src ' \
		-e '^I: s390-standby-memd: package-supports-alternative-init-but-no-init.d-script ')" ]
}
step "lintian on the packages: no error or warning, only the tags README explains" lintian_check

# DKMS and make install: the packaged source builds against every kernel.
for k in 6.12 6.1 7.3; do
	[ -n "${KDIR[$k]:-}" ] || continue
	step "dkms add, build, status, x86_64 and no-hotplug refused, remove against $k" \
		scripts/dkms-check.sh "${KDIR[$k]}"
	step "make install/uninstall against $k" scripts/install-check.sh "${KDIR[$k]}"
done

# The boots: "<tier> <label> <series> <tests> [guest.sh args]". make
# check runs the boots of tier "check": one per kind of evidence that a
# regression in ordinary work would break. make check-full runs those
# and the "full" ones: every kernel, the checkers, the long runs.
BOOTS="
check 6.12-lazy 6.12 00-kunit,01-module,05-faults,02-lazy
check 6.12-configure 6.12 03-configure,04-utillinux,08-concurrency
check 6.12-twin 6.12 11-twin,15-twin-faults -a ssm.twin=1
quick 6.12-daemon-short 6.12 18-daemon -a ssm.memd=short
full 6.12-daemon 6.12 18-daemon -T 1800
full 6.12-concurrency-lazy 6.12 09-concurrency-lazy
full 6.12-layout 6.12 10-layout -a mem=1088M
full 6.12-twin-concurrency 6.12 08-concurrency -a ssm.twin=1
full 6.12-adopt 6.12 13-adopt -a ssm.twin=add_standby=1
full 6.12-policy 6.12 14-policy -a memhp_default_state=online
full 6.12-kernel-faults 6.12 06-kernel-faults
full 6.1 6.1 00-kunit,01-module,03-configure,04-utillinux
full 6.1-twin 6.1 11-twin,15-twin-faults -a ssm.twin=1
full 6.1-adopt 6.1 13-adopt -a ssm.twin=add_standby=1
full 7.3 7.3 00-kunit,01-module,03-configure,04-utillinux
full 6.12-model 6.12 02-lazy,03-configure,04-utillinux,08-concurrency -M standby-mem=1G -m 1G
full 6.12-model-lazy 6.12 09-concurrency-lazy -M standby-mem=1G -m 1G
full 6.1-model 6.1 03-configure,04-utillinux -M standby-mem=1G -m 1G
full 6.12-model-kernel-faults 6.12 06-kernel-faults -M standby-mem=1G -m 1G
full 6.12-model-layout 6.12 10-layout -M standby-mem=960M -m 1088M
full 6.12-model-policy 6.12 14-policy -a memhp_default_state=online -M standby-mem=1G -m 1G
full 6.12-model-policy-movable 6.12 14-policy -a memhp_default_state=online_movable -M standby-mem=1G -m 1G
full 6.12-debug 6.12-debug 02-lazy,03-configure,05-faults,12-kmemleak -T 1500
full 6.12-failalloc 6.12-failalloc 16-noalloc
"
# Notes on the boots:
# - 6.12-daemon: the memory-on-demand daemon (daemon/) with 1 GiB of boot
#   and 1 GiB of standby memory; make check runs its short form
#   (6.12-daemon-short: configure mode's growth and the usage checks).
# - 6.12-twin: the real-machine situation, the kernel's own notifier (its
#   test double) beside us. 11-twin runs lazy and configure mode through
#   it; 6.12-twin-concurrency races our code with its notifier under
#   lockdep.
# - 6.12-adopt: a stock kernel whose initcall added the standby memory.
# - 6.12-policy: the kernel onlines added memory on its own.
# - 6.12-kernel-faults leaves a kernel-zone block online for good (it
#   pins the module): it ends its boot.
# - 6.12-debug: the kernel's memory checkers watch the module, the fault
#   matrix's error paths included; kmemleak looks after the last unload.
#   About 12 minutes (100 Hz tick); 25 is its limit.
# - 6.12-failalloc: page allocations under the module's code fail for
#   the writer: online and offline must not make any.
# - 6.12-model, 6.12-model-lazy, 6.1-model: the suites on the test machine
#   (qemu/), backend=sclp: 1 GiB of boot memory, 1 GiB of standby memory
#   the kernel adds at boot (the module takes it over), the kernel's own
#   notifier beside it. 08 and 09 in separate boots: the chaos phase's
#   unloads may switch lockdep off (the known upstream report), which the
#   next lockdep phase would find off.
while read -r tier label series tests args; do
	[ -n "$tier" ] || continue
	in_tier "$tier" || continue
	[ -n "${KDIR[$series]:-}" ] || continue
	# shellcheck disable=SC2086
	guest "$label" "$series" "$tests" $args
done <<<"$BOOTS"

# The test machine (qemu/): QEMU whose SCLP has standby memory, built
# from Debian's source with qemu/patches (scripts/build-qemu.sh, cached).
# The kernel alone on it, without mem= (tests/host/model-kernel.sh): it
# detects standby memory, chmem and lsmem work through its own code, the
# storage command log shows each request, a held answer and refused
# assigns and unassigns show what it leaves behind, an access to
# unassigned storage is an addressing exception.
# tests/host/model-options.sh: impossible sizes stop QEMU with one error.
# The module on it (tests/host/model-module.sh), backend=sclp: beside the
# kernel's notifier on 6.12 and 6.1 (takeover, a boot block offline, who
# attaches, lazy and configure mode, firmware, kernel and table agreeing
# after every step; a veto, refused unassigns, the clean-up at unload),
# refused beside 7.3's sclp_mem.c, alone on a 7.3 whose sclp_mem.c failed
# at boot and on a 6.12 whose initcall failed, so that it registered no
# notifier (configure mode on 7.3, lazy mode on 6.12; the module's own
# requests under the machine's faults: refused, late, never answered),
# and guarantee 6 beside the kernel's notifier on the
# 6.12-failalloc kernel (pressure, page allocations failing under the
# module, and under the kernel's notifier). Debian 12's and 13's own
# kernels run the beside scenario too, with the module dkms built there.
# model <label> <script> [args]: its logs under build/<label>/
model() {
	local label=$1 script=$2 rc
	shift 2
	echo "# $label: $script $*"
	# its name first: scripts/expected-counts.sh counts by it
	echo "# script $(basename "$script" .sh)" >"$OUT/$label.tap"
	OUT=$OUT/$label "$script" "$@" >>"$OUT/$label.tap" 2>&1
	rc=$?
	grep -E '^(not )?ok - ' "$OUT/$label.tap" | sed -E "s/^((not )?ok) - /\1 - [$label] /" |
		while IFS= read -r l; do tap "$l"; done
	if [ "$rc" != 0 ] && ! grep -q '^not ok ' "$OUT/$label.tap"; then
		not_ok "[$label] $script $* ended with status $rc"
	fi
	expect_count "$label" "$(basename "$script" .sh)" "$(grep -cE '^(not )?ok - ' "$OUT/$label.tap")"
}
if in_tier full && [ -z "${CHECK_TESTS:-}" ]; then
	model model-options tests/host/model-options.sh
	for k in 6.12 6.1 7.3; do
		want_kernel "$k" && model "model-$k" tests/host/model-kernel.sh "$k"
	done
	# a lost attach answer, and what the machine's answer to the
	# kernel's attach-again makes of it
	if want_kernel 6.12; then
		model model-6.12-lost-attach tests/host/model-kernel.sh 6.12 lost-attach
		model model-6.12-lost-attach-repeat tests/host/model-kernel.sh 6.12 lost-attach-repeat
	fi
	for k in 6.12 6.1; do
		want_kernel "$k" && model "model-module-$k-beside" tests/host/model-module.sh "$k" beside
	done
	want_kernel 6.12 && model model-module-6.12-alone tests/host/model-module.sh 6.12 alone
	if want_kernel 7.3; then
		model model-module-7.3-beside tests/host/model-module.sh 7.3 beside
		model model-module-7.3-no-sclp-mem tests/host/model-module.sh 7.3 no-sclp-mem
	fi
	want_kernel 6.12-failalloc &&
		model model-module-6.12-failalloc-pressure tests/host/model-module.sh 6.12-failalloc pressure
fi

# package_checks <release>: what scripts/debian-kernel.sh found when it
# installed the package with apt, built it for a second kernel through
# dkms's hook and purged it (its dkms/package-checks), one line each
package_checks() {
	local b line n=0
	b=$(scripts/debian-kernel.sh "$1" 2>/dev/null)
	while IFS= read -r line; do
		n=$((n + 1))
		case $line in
		"ok - "*) ok "Debian $1: ${line#ok - }" ;;
		*) not_ok "Debian $1: ${line#not ok - }" ;;
		esac
	done <"$b/dkms/package-checks"
	# install, conffile, second kernel, purge
	[ "$n" = 4 ] || not_ok "Debian $1: 4 package checks, $n found"
}

# Debian 12 and 13 as their users run them: their kernel, their headers
# and compiler, dkms install, modprobe. 07-pressure fills all of system
# memory three times: 3 min per fill under lockdep and TCG (our kernels),
# seconds here.
if in_tier full && want_kernel debian; then
	for rel in bookworm trixie; do
		if step "Debian $rel: apt install of the package, dkms with its packaged headers and compiler" \
			scripts/debian-kernel.sh "$rel"; then
			package_checks "$rel"
			step "Debian $rel: make install/uninstall against its packaged headers" \
				scripts/install-check.sh "$(scripts/debian-kernel.sh "$rel" 2>/dev/null)"
		fi
	done
	# the release's own lsmem and chmem (17-release-tools); 04-utillinux
	# tests the /sys/firmware/memory ABI with util-linux 2.42, on our kernels
	debian debian-bookworm bookworm 01-module,03-configure,17-release-tools
	debian debian-trixie trixie 01-module,02-lazy,03-configure,07-pressure,17-release-tools
	if [ -z "${CHECK_TESTS:-}" ]; then
		model model-bookworm tests/host/model-kernel.sh bookworm
		model model-trixie tests/host/model-kernel.sh trixie
		model model-module-bookworm-beside tests/host/model-module.sh bookworm beside
		model model-module-trixie-beside tests/host/model-module.sh trixie beside
	fi
fi

passed=$(grep -c '^ok ' "$TAP")
failed=$(grep -c '^not ok ' "$TAP")
if [ "$failed" -gt 0 ]; then
	echo "# failed:"
	grep '^not ok ' "$TAP" | sed 's/^/#   /'
fi
target=check
[ "$TIER" = full ] && target=check-full
echo "# make $target took $(($(date +%s) - START)) s"
echo "check: $passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
