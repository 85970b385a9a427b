#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make deb: the Debian package s390-standby-mem-dkms (debian/), built
# with dpkg-buildpackage -b from the files git knows, in
# build/deb/s390-standby-mem-<version>/; the .deb lands in build/. Its
# version is dkms.conf's, which must be debian/changelog's and
# src/main.c's SSM_VERSION.
#
# Usage: scripts/deb.sh     (prints the .deb's path last)
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
die() { echo "deb: $*" >&2; exit 1; }

VER=$("$TOP/scripts/version.sh") || die "the versions differ"

"$TOP/scripts/prereqs.sh" debtools || die "cannot install dpkg-dev, debhelper, dh-dkms"
# one build at a time: the Debian boots of both releases build it
mkdir -p "$TOP/build"
exec 8>"$TOP/build/.deb-lock"
flock 8

d=$TOP/build/deb
rm -rf "$d"
mkdir -p "$d/s390-standby-mem-$VER"
git -C "$TOP" ls-files -z -co --exclude-standard -- Kbuild Kbuild.probes Makefile dkms.conf \
	src include debian Documentation README.md |
	(cd "$TOP" && xargs -0 cp --parents -t "$d/s390-standby-mem-$VER")
(cd "$d/s390-standby-mem-$VER" && dpkg-buildpackage -b -us -uc) >"$d/build.log" 2>&1 ||
	{ tail -n 30 "$d/build.log" >&2; die "dpkg-buildpackage failed (build/deb/build.log)"; }
deb=$d/s390-standby-mem-dkms_${VER}_all.deb
[ -f "$deb" ] || die "no $deb"
cp "$deb" "$TOP/build/"
echo "$TOP/build/${deb##*/}"
