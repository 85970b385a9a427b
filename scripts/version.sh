#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The project's version, from one place: dkms.conf's PACKAGE_VERSION,
# which src/main.c's SSM_VERSION (modinfo's version) and debian/changelog
# must repeat. Prints it; fails, saying which differs, when they do not
# agree.
#
# Usage: scripts/version.sh
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
VER=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$TOP/dkms.conf")
[ -n "$VER" ] || { echo "dkms.conf has no PACKAGE_VERSION" >&2; exit 1; }
grep -q "#define SSM_VERSION[[:space:]]*\"$VER\"" "$TOP/src/main.c" || {
	echo "dkms.conf version $VER differs from SSM_VERSION in src/main.c" >&2
	exit 1
}
chver=$(sed -n '1s/^s390-standby-mem (\([^)]*\)).*/\1/p' "$TOP/debian/changelog")
[ "$chver" = "$VER" ] || {
	echo "debian/changelog version $chver differs from dkms.conf's $VER" >&2
	exit 1
}
echo "$VER"
