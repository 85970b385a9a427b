#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make stress DURATION=600: the concurrency tests of make check, long:
# configure mode and lazy mode, DURATION/2 seconds each, in two boots of
# the 6.12 guest; and 100 load/unload cycles (make check: 5) in a third.
# Prints TAP and "stress: N passed, M failed".
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${1:-600}
[[ $DURATION =~ ^[0-9]+$ ]] && [ "$DURATION" -ge 2 ] || {
	echo "stress: DURATION must be a number of seconds (>= 2)" >&2
	exit 2
}
"$TOP/scripts/prereqs.sh" all utillinux || exit 1
timeout=$((DURATION + 900))
mkdir -p "$TOP/build"
{
	"$TOP/scripts/guest.sh" -T $timeout -a "ssm.duration=$DURATION" \
		6.12 08-concurrency stress-configure
	"$TOP/scripts/guest.sh" -T $timeout -a "ssm.duration=$DURATION" \
		6.12 09-concurrency-lazy stress-lazy
	"$TOP/scripts/guest.sh" -T 2700 -a "ssm.cycles=100" \
		6.12 01-module stress-cycles
} | tee "$TOP/build/stress.tap"
echo "stress: $(grep -c '^ok ' "$TOP/build/stress.tap") passed, $(grep -c '^not ok ' "$TOP/build/stress.tap") failed"
! grep -q '^not ok ' "$TOP/build/stress.tap"
