#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# util-linux 2.42 lsmem and chmem for the s390x guest, statically linked.
#
# The release tarball comes from Debian unstable's source package (only the
# .orig.tar.xz is needed): apt-get source --download-only over a private
# deb-src list. That command may exit non-zero when the .dsc is missing
# from the archive although the tarball arrived, so we check for the file.
#
# Output: $SSM_CACHE/util-linux/bin/{lsmem,chmem}
set -euo pipefail

CACHE=${SSM_CACHE:-/var/cache/s390-standby-mem}
OUT=$CACHE/util-linux
STATE=$CACHE/apt/unstable-src
CROSS=s390x-linux-gnu-

log() { echo "util-linux: $*" >&2; }
die() { echo "util-linux: error: $*" >&2; exit 1; }

if [ -x "$OUT/bin/lsmem" ] && [ -x "$OUT/bin/chmem" ] &&
   grep -q "^2\.42" "$OUT/version" 2>/dev/null; then
	exit 0
fi

uri=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources)
[ -n "$uri" ] || die "no archive URI in debian.sources"
mkdir -p "$STATE/lists/partial" "$STATE/cache/archives/partial" "$OUT/src"
echo "deb-src $uri unstable main" >"$STATE/sources.list"
o="-o Dir::Etc::SourceList=$STATE/sources.list -o Dir::Etc::SourceParts=/dev/null"
o="$o -o Dir::State::Lists=$STATE/lists -o Dir::Cache=$STATE/cache"
o="$o -o APT::Sandbox::User=root"

tarball=$(ls "$OUT"/src/util-linux_2.42*.orig.tar.xz 2>/dev/null | sort -V | tail -n1 || true)
if [ -z "$tarball" ]; then
	log "fetching the util-linux source from unstable"
	# shellcheck disable=SC2086
	apt-get $o update -qq >&2 || die "apt-get update (unstable deb-src) failed"
	# shellcheck disable=SC2086
	(cd "$OUT/src" && apt-get $o source --download-only -qq util-linux >&2) ||
		log "apt-get source exited non-zero; checking for the tarball"
	tarball=$(ls "$OUT"/src/util-linux_2.42*.orig.tar.xz 2>/dev/null | sort -V | tail -n1 || true)
	[ -n "$tarball" ] || die "no util-linux_2.42*.orig.tar.xz arrived"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -C "$work" -xf "$tarball"
src=$(echo "$work"/util-linux-*)
log "configuring $(basename "$src") for s390x"
(cd "$src" && ./configure --host=s390x-linux-gnu \
	--disable-all-programs --enable-lsmem --enable-chmem \
	--enable-libsmartcols --disable-shared --enable-static \
	--without-ncurses --without-ncursesw --without-tinfo \
	--without-readline --without-systemd --without-udev \
	--without-python --disable-nls --disable-bash-completion \
	--disable-asciidoc --disable-poman >"$work/configure.log" 2>&1) ||
	{ tail -30 "$work/configure.log" >&2; die "configure failed"; }
make -C "$src" -j"$(nproc)" lsmem chmem >"$work/make.log" 2>&1 ||
	{ tail -30 "$work/make.log" >&2; die "make failed"; }

# libtool links against the shared s390x glibc despite --enable-static:
# link the objects fully static ourselves.
mkdir -p "$OUT/bin"
for tool in lsmem chmem; do
	objs=$(find "$src" -name "${tool}-${tool}.o" -o -name "${tool}.o" | head -n1)
	[ -n "$objs" ] || die "no object for $tool"
	"${CROSS}gcc" -static -o "$OUT/bin/$tool" "$objs" \
		$(find "$src" -path '*/.libs/libsmartcols.a' | head -n1) \
		$(find "$src" -name 'libcommon.a' | head -n1) ||
		die "static link of $tool failed"
	file "$OUT/bin/$tool" | grep -q "statically linked" || die "$tool not static"
done
basename "$src" | sed 's/util-linux-//' >"$OUT/version"
log "built lsmem and chmem $(cat "$OUT/version") (static s390x)"
