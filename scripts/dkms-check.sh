#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Package the module the way DKMS users get it and let dkms build it
# against a (cross-built) kernel tree: dkms add, build, status, the
# refusals for another architecture and for a kernel without memory
# hotplug, and remove, in a private DKMS tree, so this machine's
# /var/lib/dkms and /usr/src stay untouched.
# Off s390x, ARCH and CROSS_COMPILE in the environment make it a cross
# build; dkms is told the target arch so BUILD_EXCLUSIVE_ARCH holds.
#
# First, the version is one (scripts/version.sh): dkms.conf's,
# SSM_VERSION in src/main.c and debian/changelog's.
#
# Usage: scripts/dkms-check.sh <kernel build dir>
set -euo pipefail

B=${1:?kernel build dir}
TOP=$(cd "$(dirname "$0")/.." && pwd)
KREL=$(cat "$B/.ssm-kernelrelease")
NAME=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' "$TOP/dkms.conf")
VER=$("$TOP/scripts/version.sh")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src/$NAME-$VER" "$tmp/tree"
# What a release tarball holds: the files git knows, nothing built.
git -C "$TOP" ls-files -z -co --exclude-standard -- Kbuild Kbuild.probes Makefile dkms.conf src include |
	(cd "$TOP" && xargs -0 cp --parents -t "$tmp/src/$NAME-$VER")

export ARCH=${ARCH:-s390} CROSS_COMPILE=${CROSS_COMPILE:-s390x-linux-gnu-}
[ "$(uname -m)" = s390x ] && unset ARCH CROSS_COMPILE
d="dkms --dkmstree $tmp/tree --sourcetree $tmp/src"
$d add -m "$NAME" -v "$VER"

# The refusal of a kernel without memory hotplug (BUILD_EXCLUSIVE_CONFIG).
# dkms 3.0.10 greps ${kernel_source_dir}/.config for each option and skips
# the test when there is no .config, before it looks at anything else of
# the tree: the same kernel release and architecture with only those two
# options taken out of its .config must be refused (exit 77), and the
# tree itself is built below. Done before that build: dkms refuses a
# second build of the same kernel/arch as "already built".
mkdir -p "$tmp/nohotplug"
sed -E 's/^(CONFIG_MEMORY_HOTPLUG|CONFIG_MEMORY_HOTREMOVE)=.*/# \1 is not set/' \
	"$B/.config" >"$tmp/nohotplug/.config"
if ! grep -q '^CONFIG_MEMORY_HOTPLUG=y' "$B/.config" ||
	! grep -q '^CONFIG_MEMORY_HOTREMOVE=y' "$B/.config"; then
	echo "$B/.config lacks CONFIG_MEMORY_HOTPLUG or CONFIG_MEMORY_HOTREMOVE"
	exit 1
fi
rc=0
$d build -m "$NAME" -v "$VER" -k "$KREL" -a s390x \
	--kernelsourcedir "$tmp/nohotplug" >"$tmp/refusal" 2>&1 || rc=$?
cat "$tmp/refusal"
if [ $rc != 77 ] || ! grep -q "BUILD_EXCLUSIVE directive which does not match" "$tmp/refusal"; then
	echo "dkms did not refuse a kernel without memory hotplug (exit $rc)"
	exit 1
fi
echo "dkms: kernel without CONFIG_MEMORY_HOTPLUG CONFIG_MEMORY_HOTREMOVE refused (BUILD_EXCLUSIVE_CONFIG, exit 77)"
$d build -m "$NAME" -v "$VER" -k "$KREL" -a s390x --kernelsourcedir "$B"
MODNAME=$(sed -n 's/^BUILT_MODULE_NAME\[0\]="\(.*\)"/\1/p' "$TOP/dkms.conf")
ko=$(find "$tmp/tree/$NAME/$VER/$KREL" -name "$MODNAME.ko*" | head -n1)
[ -n "$ko" ] || { echo "dkms built no $MODNAME.ko"; exit 1; }
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
