#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or find cached) the test machine: QEMU's s390x-softmmu from
# Debian's qemu source package, the version of the installed
# qemu-system-s390x, with qemu/patches/*.patch applied in order (standby
# memory: see qemu/README.md). Prints the path of the built
# qemu-system-s390x on its last stdout line; everything else goes to
# stderr. Run the binary with "-L /usr/share/qemu" (the +ds tarball has
# no firmware; the packaged s390-ccw.img is used).
#
# The cache is keyed by the upstream version and a hash of the patches
# and of this script, so a changed patch gets a fresh tree; a tree is
# used only once its stamp exists, and a missing cache is rebuilt from
# nothing. Cold: about 5 minutes with -j2 on the 2-core machine.
#
# Usage: scripts/build-qemu.sh
#   JOBS=N    ninja -j (default: the number of CPUs, at most 2)
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${SSM_CACHE:-/var/cache/s390-standby-mem}
QCACHE=$CACHE/qemu
JOBS=${JOBS:-$(nproc)}
[ "$JOBS" -le 2 ] || JOBS=2
SRC_LIST=/etc/apt/sources.list.d/s390-standby-mem-src.list
export DEBIAN_FRONTEND=noninteractive

log() { echo "build-qemu: $*" >&2; }
die() { echo "build-qemu: error: $*" >&2; exit 1; }

# Build dependencies: meson (>= 1.5 for QEMU 10) and python3-pycotap from
# bookworm-backports (scripts/prereqs.sh host adds that list).
DEPS="ninja-build pkg-config gcc make python3 python3-venv libglib2.0-dev
	libpixman-1-dev libfdt-dev zlib1g-dev xz-utils curl"
BPO_DEPS="meson python3-pycotap"

archive_uri() {
	awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources
}

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
}

deps() {
	local missing="" bpo_missing="" p
	for p in $DEPS; do
		installed "$p" || missing="$missing $p"
	done
	for p in $BPO_DEPS; do
		installed "$p" || bpo_missing="$bpo_missing $p"
	done
	# meson 1.0 of bookworm is too old for QEMU 10
	if installed meson && dpkg --compare-versions \
		"$(dpkg-query -W -f='${Version}' meson)" lt 1.5; then
		bpo_missing="$bpo_missing meson"
	fi
	[ -n "$missing$bpo_missing" ] || return 0
	[ "$(id -u)" = 0 ] || die "must run as root to install:$missing$bpo_missing"
	"$TOP/scripts/prereqs.sh" host >&2
	apt-get update -qq >&2
	if [ -n "$missing" ]; then
		log "apt install$missing"
		# shellcheck disable=SC2086
		apt-get install -y -qq --no-install-recommends $missing >&2
	fi
	if [ -n "$bpo_missing" ]; then
		log "apt install -t bookworm-backports$bpo_missing"
		# shellcheck disable=SC2086
		apt-get install -y -qq --no-install-recommends \
			-t bookworm-backports $bpo_missing >&2
	fi
}

# The orig tarball of the installed qemu-system-s390x's source version,
# into $QCACHE/dl; prints its path.
fetch_source() {
	local pkgver upver orig uri line
	pkgver=$(dpkg-query -W -f='${Version}' qemu-system-s390x 2>/dev/null) ||
		die "qemu-system-s390x is not installed (scripts/prereqs.sh host)"
	upver=${pkgver#*:}
	upver=${upver%-*}
	orig=$QCACHE/dl/qemu_$upver.orig.tar.xz
	if [ -f "$orig" ]; then
		echo "$orig"
		return 0
	fi
	mkdir -p "$QCACHE/dl"
	if ! grep -qs "^deb-src $(archive_uri) bookworm-backports main$" "$SRC_LIST"; then
		log "adding deb-src for bookworm-backports ($SRC_LIST)"
		echo "deb-src $(archive_uri) bookworm-backports main" >"$SRC_LIST"
	fi
	apt-get update -qq >&2
	log "apt-get source --download-only qemu=$pkgver"
	# The .dsc and .debian.tar.xz may be missing from the archive (404):
	# the orig tarball alone is upstream QEMU, all this needs.
	(cd "$QCACHE/dl" && apt-get source -qq --download-only "qemu=$pkgver" >&2) ||
		log "apt-get source failed in part; checking for the orig tarball"
	if [ ! -f "$orig" ]; then
		line=$(apt-get source --print-uris "qemu=$pkgver" 2>/dev/null |
			grep "'[^']*orig\.tar\.xz'" | head -n1)
		[ -n "$line" ] || die "no orig tarball listed for qemu $pkgver"
		uri=$(echo "$line" | cut -d"'" -f2)
		log "fetching $(basename "$orig") directly"
		curl -fsS -m 600 -o "$orig.part" "$uri" || die "cannot fetch $uri"
		echo "$line" | awk '{ print $4 }' | sed -n 's/^SHA256://p' |
			awk -v f="$orig.part" '{ print $1 "  " f }' | sha256sum -c --quiet - >&2 ||
			die "checksum of $(basename "$orig") does not match the archive's"
		mv "$orig.part" "$orig"
	fi
	rm -f "$QCACHE"/dl/*.dsc "$QCACHE"/dl/*.debian.tar.xz
	echo "$orig"
}

deps
orig=$(fetch_source)
upver=$(basename "$orig" .orig.tar.xz)
upver=${upver#qemu_}
patches=("$TOP"/qemu/patches/*.patch)
[ -f "${patches[0]}" ] || die "no patches in qemu/patches"
hash=$(cat "${patches[@]}" "$0" | sha256sum | cut -c1-12)
D=$QCACHE/$upver-$hash
stamp=$D/.ssm-complete
bin=$D/build/qemu-system-s390x

if [ -f "$stamp" ] && [ -x "$bin" ]; then
	echo "$bin"
	exit 0
fi
exec 9>"$QCACHE/.lock"
flock 9
if [ -f "$stamp" ] && [ -x "$bin" ]; then
	echo "$bin"
	exit 0
fi

start=$(date +%s)
log "building QEMU $upver with ${#patches[@]} patches in $D"
rm -rf "$D"
mkdir -p "$D"
tar -C "$D" -xf "$orig"
mv "$D/qemu-$upver" "$D/src" 2>/dev/null || mv "$D"/qemu-* "$D/src"
for p in "${patches[@]}"; do
	log "applying $(basename "$p")"
	patch -d "$D/src" -p1 -s -N --no-backup-if-mismatch <"$p" ||
		die "$(basename "$p") does not apply"
done
mkdir -p "$D/build"
# --python: a python3 earlier in PATH (pyenv) does not see Debian's meson.
(cd "$D/build" && ../src/configure --python=/usr/bin/python3 \
	--target-list=s390x-softmmu --disable-docs --disable-tools \
	--disable-guest-agent --disable-werror --disable-user \
	--without-default-features --enable-tcg --disable-install-blobs) >&2 ||
	die "configure failed"
ninja -C "$D/build" -j"$JOBS" qemu-system-s390x >&2 || die "build failed"
[ -x "$bin" ] || die "no qemu-system-s390x after the build"
touch "$stamp"
# Trees of older patch sets are never used again.
for old in "$QCACHE"/*-*/; do
	old=${old%/}
	[ "$old" = "$D" ] || [ ! -d "$old" ] || rm -rf "$old"
done
log "built in $(($(date +%s) - start)) s"
echo "$bin"
