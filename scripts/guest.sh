#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the module and the test modules (make test-modules) for one kernel
# series, pack the guest initramfs and boot it: the guest runs the given
# tests/guest/*.sh and the TAP verdict comes out on stdout (see
# run-guest.sh).
#
# Usage: scripts/guest.sh [-r check|demo|bench|shell] [-a kernel args]
#          [-T timeout] [-m guest RAM] [-M machine properties] [-v]
#          <series> <test,test,...> [label]
# -M: on the test machine (run-guest.sh -M), backend=sclp
# The module build output goes to build/<series>/build.log; the console
# log to build/<label>.log.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
RUN=check EXTRA="" TIMEOUT=1200 VERBOSE="" MEM="" MACHINE=""
while getopts "r:a:T:m:M:v" o; do
	case $o in
	r) RUN=$OPTARG ;;
	a) EXTRA=$OPTARG ;;
	T) TIMEOUT=$OPTARG ;;
	m) MEM=$OPTARG ;;
	M) MACHINE=$OPTARG ;;
	v) VERBOSE=-v ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
SERIES=${1:?series}
TESTS=${2:?tests}
LABEL=${3:-$SERIES}

die() { echo "not ok - [$LABEL] $*"; exit 1; }
if [ "$(uname -m)" != s390x ]; then
	export ARCH=${ARCH:-s390} CROSS_COMPILE=${CROSS_COMPILE:-s390x-linux-gnu-}
fi

B=$("$TOP/scripts/build-kernel.sh" "$SERIES") || die "kernel $SERIES did not build"
out=$TOP/build/$SERIES
mkdir -p "$out"
# One module build at a time: they share the source tree's objects.
exec 8>"$TOP/build/.build-lock"
flock 8
if [ ! -f "$out/.stamp" ] || [ -n "$(find "$TOP/src" "$TOP/include" \
	"$TOP/tests/kunit" "$TOP/tests/helper" "$TOP/tests/bench" "$TOP/tests/twin" \
	"$TOP/Kbuild" "$TOP/Kbuild.probes" -newer "$out/.stamp" \
	2>/dev/null | head -n1)" ]; then
	make -C "$TOP" --no-print-directory clean >/dev/null 2>&1
	touch "$out/.stamp.new"
	if ! make -C "$TOP" --no-print-directory KDIR="$B" test-modules \
		>"$out/build.log" 2>&1; then
		tail -20 "$out/build.log" >&2
		die "module build for $SERIES failed (build/$SERIES/build.log)"
	fi
	cp "$TOP"/*.ko "$TOP"/tests/helper/*.ko "$TOP"/tests/bench/*.ko \
		"$TOP"/tests/twin/*.ko "$out/"
	mv "$out/.stamp.new" "$out/.stamp"
fi
"$TOP/scripts/initramfs.sh" "$B" "$out/initramfs.cpio.gz" "$out"/*.ko ||
	die "initramfs for $SERIES failed"
exec 8>&-
exec "$TOP/scripts/run-guest.sh" -k "$B" -i "$out/initramfs.cpio.gz" \
	-l "$TOP/build/$LABEL.log" -t "$TESTS" -r "$RUN" -L "$LABEL" \
	-T "$TIMEOUT" -a "$EXTRA" ${MEM:+-m "$MEM"} ${MACHINE:+-M "$MACHINE"} $VERBOSE
