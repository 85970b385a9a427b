#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make deb: the Debian packages s390-standby-mem-dkms and
# s390-standby-memd (s390x, the daemon, cross-built) of debian/, built
# with dpkg-buildpackage -b from the files git knows, in
# build/deb/s390-standby-mem-<version>/; the .debs land in build/. Its
# version is dkms.conf's, which must be debian/changelog's and
# src/main.c's SSM_VERSION.
#
# Usage: scripts/deb.sh     (prints the daemon's .deb's path, then the
#                           DKMS package's last)
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
	src include debian daemon Documentation README.md |
	(cd "$TOP" && xargs -0 cp --parents -t "$d/s390-standby-mem-$VER")
# for s390x (-a): the daemon's package is s390x's, built with the cross
# compiler; the DKMS package is architecture-independent
cc=gcc
[ "$(dpkg --print-architecture)" = s390x ] || cc=s390x-linux-gnu-gcc
(cd "$d/s390-standby-mem-$VER" && CC=$cc DEB_BUILD_OPTIONS=nocheck \
	dpkg-buildpackage -b -as390x -us -uc) >"$d/build.log" 2>&1 ||
	{ tail -n 30 "$d/build.log" >&2; die "dpkg-buildpackage failed (build/deb/build.log)"; }
memd=$d/s390-standby-memd_${VER}_s390x.deb
deb=$d/s390-standby-mem-dkms_${VER}_all.deb
[ -f "$deb" ] || die "no $deb"
[ -f "$memd" ] || die "no $memd"
cp "$deb" "$memd" "$TOP/build/"
echo "$TOP/build/${memd##*/}"
echo "$TOP/build/${deb##*/}"
