#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Package the module the way DKMS users get it and let dkms build it
# against a (cross-built) kernel tree: dkms add, build, status, the
# refusal for another architecture, and remove, in a private DKMS tree, so this machine's /var/lib/dkms and /usr/src stay untouched.
# Off s390x, ARCH and CROSS_COMPILE in the environment make it a cross
# build; dkms is told the target arch so BUILD_EXCLUSIVE_ARCH holds.
#
# Usage: scripts/dkms-check.sh <kernel build dir>
set -euo pipefail

B=${1:?kernel build dir}
TOP=$(cd "$(dirname "$0")/.." && pwd)
KREL=$(cat "$B/.ssm-kernelrelease")
NAME=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' "$TOP/dkms.conf")
VER=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$TOP/dkms.conf")
grep -q "#define SSM_VERSION[[:space:]]*\"$VER\"" "$TOP/src/main.c" || {
	echo "dkms.conf version $VER differs from SSM_VERSION in src/main.c"
	exit 1
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src/$NAME-$VER" "$tmp/tree"
# What a release tarball holds: the files git knows, nothing built.
git -C "$TOP" ls-files -z -co --exclude-standard -- Kbuild Makefile dkms.conf src include |
	(cd "$TOP" && xargs -0 cp --parents -t "$tmp/src/$NAME-$VER")

export ARCH=${ARCH:-s390} CROSS_COMPILE=${CROSS_COMPILE:-s390x-linux-gnu-}
[ "$(uname -m)" = s390x ] && unset ARCH CROSS_COMPILE
d="dkms --dkmstree $tmp/tree --sourcetree $tmp/src"
$d add -m "$NAME" -v "$VER"
$d build -m "$NAME" -v "$VER" -k "$KREL" -a s390x --kernelsourcedir "$B"
ko=$(find "$tmp/tree/$NAME/$VER/$KREL" -name "$NAME.ko*" | head -n1)
[ -n "$ko" ] || { echo "dkms built no $NAME.ko"; exit 1; }
file "$ko"
file "$ko" | grep -q "IBM S/390"
modinfo -F vermagic "$ko" | grep -q "^$KREL "
echo "dkms: built $(basename "$ko") for $KREL"

# status shows it built for this kernel
$d status -m "$NAME" -v "$VER" -k "$KREL" -a s390x | tee "$tmp/status"
grep -q "$NAME/$VER, $KREL, s390x: built" "$tmp/status"

# the refusal: dkms.conf builds on s390x only
if $d build -m "$NAME" -v "$VER" -k "$KREL" -a x86_64 \
	--kernelsourcedir "$B" >"$tmp/refusal" 2>&1; then
	echo "dkms built for x86_64 although dkms.conf says s390x only"
	exit 1
fi
cat "$tmp/refusal"
grep -qi "BUILD_EXCLUSIVE" "$tmp/refusal"
echo "dkms: x86_64 refused (BUILD_EXCLUSIVE_ARCH)"

# remove leaves nothing behind
$d remove -m "$NAME" -v "$VER" --all
[ -z "$($d status -m "$NAME" -v "$VER")" ]
[ ! -e "$tmp/tree/$NAME/$VER" ]
echo "dkms: removed"
