#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build and install the module with DKMS the way a Debian user does, for
# Debian's own s390x kernel of one release, and hand the result to the
# guest harness.
#
# Users run their distribution's kernel: they install linux-headers-<ver>,
# let dkms build with the distribution's compiler and load the module with
# modprobe. This script reproduces that on this amd64 machine:
#
#  1. fetch (cached) the newest s390x kernel of the release that the
#     archive really serves (an index can list a version whose s390x
#     packages are not there yet): linux-image-<ver> and
#     linux-headers-<ver> (s390x), linux-headers-<abi>-common (all) and
#     the amd64 build of linux-kbuild (host tools, sign-file);
#  2. create (cached) an amd64 chroot of that release with mmdebstrap:
#     dkms, the release's own s390x cross compiler (the headers' Makefile
#     names exactly that gcc), openssl (dkms makes its signing key with
#     it), and linux-kbuild and the -common headers installed by dpkg;
#  3. install the s390x image and headers into the chroot as dpkg would
#     lay them out (their lib/ goes to usr/lib/: the chroot is usrmerged)
#     and run depmod for the kernel, as the image's postinst does;
#  4. copy the source git knows (Kbuild Kbuild.probes Makefile dkms.conf
#     src include)
#     to the chroot's /usr/src/<name>-<version> and run "dkms install"
#     for the Debian kernel's release.
#
# What differs from a native s390x Debian system, and only that: dkms is
# told the target architecture (-a s390x; it would take uname -m), the
# environment has ARCH=s390 CROSS_COMPILE=s390x-linux-gnu- (bookworm's
# headers take CROSS_COMPILE only from dpkg's DEB_HOST_* variables), and
# "strip" in the chroot's /usr/local/bin is the s390x one (dkms runs
# plain "strip -g" on the module).
#
# Prints on the last line of stdout a directory the guest harness takes
# for a kernel build dir:
#   arch/s390/boot/bzImage      the Debian vmlinuz, unmodified
#   .ssm-kernelrelease          its uname -r
#   modules.builtin, modules.builtin.modinfo, modules.order
#   config-<ver>                the Debian kernel's /boot/config-<ver>
#   modules/                    the kernel's own /lib/modules/<ver> (in the chroot)
#   chroot/                     the chroot (Debian's headers at /lib/modules/<ver>/build)
#   dkms/<path>                 what dkms installed, at its path below
#                               /lib/modules/<ver> (updates/dkms/<name>.ko*)
#   dkms/install.log, dkms/make.log, dkms/signer
#
# Caches under $SSM_CACHE/debian/<release>/ (apt state, .debs, chroots,
# kernel dirs), each rebuilt from nothing when missing. The DKMS step is
# redone when the module source changes.
#
# Usage: scripts/debian-kernel.sh <bookworm|trixie>
set -euo pipefail

REL=${1:?usage: debian-kernel.sh <bookworm|trixie>}
TOP=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${SSM_CACHE:-/var/cache/s390-standby-mem}
D=$CACHE/debian/$REL
export DEBIAN_FRONTEND=noninteractive

log() { echo "debian-kernel($REL): $*" >&2; }
die() { echo "debian-kernel($REL): error: $*" >&2; exit 1; }

case $REL in
bookworm) GCC=gcc-12-s390x-linux-gnu ;;
trixie) GCC=gcc-14-s390x-linux-gnu ;;
*) die "unknown release $REL (bookworm or trixie)" ;;
esac
# What a Debian user has besides the kernel packages: dkms (its own
# dependencies bring make, the host gcc, kmod, patch), the release's s390x
# cross compiler, openssl for dkms's signing key, xz for modules that the
# kernel's modules.dep shows compressed.
CHROOT_PKGS="dkms $GCC openssl xz-utils"

[ "$(id -u)" = 0 ] || die "must run as root (mmdebstrap, chroot)"
command -v mmdebstrap >/dev/null || {
	log "apt install mmdebstrap"
	apt-get install -y -qq --no-install-recommends mmdebstrap >&2 ||
		{ apt-get update -qq >&2 &&
		  apt-get install -y -qq --no-install-recommends mmdebstrap >&2; } ||
		die "cannot install mmdebstrap"
}

mkdir -p "$D"
exec 9>"$D/.lock"
flock 9
t0=$(date +%s)
phase() { log "$1 done in $(($(date +%s) - t0)) s"; t0=$(date +%s); }

archive_uri() {
	local uri
	uri=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null)
	[ -n "$uri" ] || die "no Debian archive URI in /etc/apt/sources.list.d/debian.sources"
	echo "$uri"
}
URI=$(archive_uri)

# A private apt state for the release, amd64 and s390x, never this
# machine's: its own list, lists dir and cache. Refreshed once a day.
A=$D/apt
mkdir -p "$A/lists/partial" "$A/cache/archives/partial"
echo "deb [arch=amd64,s390x] $URI $REL main" >"$A/sources.list"
APT="-o Dir::Etc::SourceList=$A/sources.list -o Dir::Etc::SourceParts=/dev/null"
APT="$APT -o Dir::State::Lists=$A/lists -o Dir::Cache=$A/cache"
APT="$APT -o APT::Sandbox::User=root -o APT::Architecture=amd64"
APT="$APT -o APT::Architectures=amd64,s390x"
if [ -z "$(find "$A/lists" -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null)" ]; then
	log "apt update"
	# shellcheck disable=SC2086
	apt-get $APT update -qq >&2 || die "apt-get update for $REL failed"
fi
# shellcheck disable=SC2086
aptc() { apt-cache $APT "$@"; }

# The packages of kernel release $1 (e.g. 6.1.0-50-s390x), one per line:
# image and headers (s390x), -common headers (all), kbuild (amd64).
kernel_pkgs() {
	local krel=$1 kbuild
	kbuild=$(aptc show "linux-headers-$krel:s390x" 2>/dev/null |
		sed -n 's/^Depends:.*\(linux-kbuild-[^ ,]*\).*/\1/p' | head -n1)
	[ -n "$kbuild" ] || return 1
	printf '%s\n' "linux-image-$krel:s390x" "linux-headers-$krel:s390x" \
		"linux-headers-${krel%-s390x}-common:all" "$kbuild:amd64"
}

# Download the packages of $1 into $D/debs/$1 unless there; fails when the
# archive does not serve one of them (remembered for a day).
fetch_kernel() {
	local krel=$1 dir=$D/debs/$1 p pkgs
	[ -f "$dir/.complete" ] && return 0
	[ -n "$(find "$D/debs/.unserved-$krel" -mtime -1 2>/dev/null)" ] && return 1
	pkgs=$(kernel_pkgs "$krel") || return 1
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"
	for p in $pkgs; do
		log "download $p"
		# shellcheck disable=SC2086
		if ! (cd "$dir.tmp" && apt-get $APT download -qq "${p%:all}" >&2); then
			log "$krel: $p is listed but not served; trying an older kernel"
			rm -rf "$dir.tmp"
			touch "$D/debs/.unserved-$krel"
			return 1
		fi
	done
	echo "$pkgs" >"$dir.tmp/.complete"
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
}

# The newest kernel of the release whose packages download.
mkdir -p "$D/debs"
KREL=""
for cand in $(aptc pkgnames linux-image- | grep -E '^linux-image-[0-9].*-s390x$' |
	sed 's/^linux-image-//' | sort -V -r); do
	if fetch_kernel "$cand"; then
		KREL=$cand
		break
	fi
done
[ -n "$KREL" ] || die "no s390x kernel of $REL downloads"
DEBS=$D/debs/$KREL
deb() { ls "$DEBS/$1"_*.deb; }
image_deb=$(deb "linux-image-$KREL")
headers_deb=$(deb "linux-headers-$KREL")
common_deb=$(deb "linux-headers-${KREL%-s390x}-common")
kbuild_deb=$(ls "$DEBS"/linux-kbuild-*_amd64.deb)
log "kernel $KREL ($(dpkg-deb -f "$image_deb" Version))"
phase "download"

# The chroot: one per release, package list and kernel packages (a new
# kernel gets a new chroot, made in seconds).
hash=$( { echo "$REL $URI $CHROOT_PKGS"; sha256sum "$DEBS"/*.deb; } |
	sha256sum | cut -c1-12)
R=$D/chroot-$KREL-$hash
if [ ! -f "$R/.ssm-complete" ]; then
	log "mmdebstrap $REL into $R"
	rm -rf "$R" "$R.tmp"
	# linux-kbuild (amd64) and the -common headers (all) install with dpkg,
	# their dependencies resolved by apt (pahole for trixie's kbuild).
	# shellcheck disable=SC2086
	mmdebstrap --quiet --variant=apt --include="${CHROOT_PKGS// /,}" \
		--include="$kbuild_deb" --include="$common_deb" \
		"$REL" "$R.tmp" "deb $URI $REL main" >&2 ||
		die "mmdebstrap failed"
	# The s390x packages cannot be installed by dpkg on amd64 (their
	# dependencies are s390x gcc and image): unpack them where dpkg would,
	# lib/ under usr/lib/ (a package's lib/ would replace the symlink).
	for p in "$image_deb" "$headers_deb"; do
		dpkg-deb --fsys-tarfile "$p" |
			tar -x -C "$R.tmp" --keep-directory-symlink \
				--transform 's,^\./lib\(/\|$\),./usr/lib\1,'
	done
	[ -f "$R.tmp/boot/vmlinuz-$KREL" ] || die "no /boot/vmlinuz-$KREL in the image package"
	[ -L "$R.tmp/lib/modules/$KREL/build" ] || die "no /lib/modules/$KREL/build from the headers"
	# The image's postinst runs depmod; dkms reads modules.dep for the
	# compression of the kernel's modules.
	chroot "$R.tmp" depmod "$KREL" || die "depmod $KREL failed"
	# dkms strips with plain "strip -g": the target's strip, as on s390x.
	ln -s /usr/bin/s390x-linux-gnu-strip "$R.tmp/usr/local/bin/strip"
	touch "$R.tmp/.ssm-complete"
	mv "$R.tmp" "$R"
	# Chroots of older kernels or package lists are not used again.
	for old in "$D"/chroot-*; do
		[ "$old" = "$R" ] || rm -rf "$old"
	done
	phase "chroot"
fi

# The module source as a release tarball holds it: the files git knows.
NAME=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' "$TOP/dkms.conf")
VER=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$TOP/dkms.conf")
# the module's name (the dkms package's is s390-standby-mem)
MODNAME=$(sed -n 's/^BUILT_MODULE_NAME\[0\]="\(.*\)"/\1/p' "$TOP/dkms.conf")
files=$(git -C "$TOP" ls-files -co --exclude-standard -- Kbuild Kbuild.probes Makefile dkms.conf src include)
srchash=$( (cd "$TOP" && echo "$files" | tr '\n' '\0' | xargs -0 sha256sum) | sha256sum | cut -c1-12)

OUT=$D/kernel-$KREL
stamp="$NAME-$VER $srchash $(basename "$R") layout=2"
if [ "$(cat "$OUT/.ssm-complete" 2>/dev/null)" = "$stamp" ]; then
	log "cached: $OUT"
	echo "$OUT"
	exit 0
fi

# dkms install, as a user would after "apt install <name>-dkms": the
# earlier version removed first, then add, build, sign, install, depmod.
# /proc mounted in a mount namespace of its own: gone when the command ends.
in_chroot() {
	# shellcheck disable=SC2016
	unshare --mount --propagation private -- /bin/sh -c \
		'mount -t proc proc "$0/proc" && exec chroot "$0" /usr/bin/env -i \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin HOME=/root \
		LANG=C.UTF-8 ARCH=s390 CROSS_COMPILE=s390x-linux-gnu- "$@"' "$R" "$@"
}
# Until 0.1.0's package, dkms knew the module as s390_standby_mem: a
# chroot from then has it registered, its modules where ours go.
for n in "$NAME" s390_standby_mem; do
	if [ -d "$R/var/lib/dkms/$n" ]; then
		in_chroot dkms remove -m "$n" -v "$VER" --all >&2 || true
		rm -rf "${R:?}/usr/src/$n-$VER"
	fi
done
rm -rf "${R:?}/usr/src/$NAME-$VER"
mkdir -p "$R/usr/src/$NAME-$VER"
(cd "$TOP" && echo "$files" | tr '\n' '\0' | xargs -0 cp --parents -t "$R/usr/src/$NAME-$VER")
rm -rf "$OUT.tmp"
mkdir -p "$OUT.tmp/dkms" "$OUT.tmp/arch/s390/boot"
log "dkms install $NAME/$VER for $KREL"
if ! in_chroot dkms install -m "$NAME" -v "$VER" -k "$KREL" -a s390x \
	>"$OUT.tmp/dkms/install.log" 2>&1; then
	cat "$OUT.tmp/dkms/install.log" >&2
	find "$R/var/lib/dkms/$NAME" -name make.log -exec tail -n 30 {} + >&2 2>/dev/null || true
	die "dkms install failed"
fi
sed 's/^/  /' "$OUT.tmp/dkms/install.log" >&2
cp "$R/var/lib/dkms/$NAME/$VER/$KREL/s390x/log/make.log" "$OUT.tmp/dkms/"
phase "dkms install"

# What dkms installed, at its place below /lib/modules/<ver>: the module
# and the simulated firmware module (backend=sim, for tests and demos).
M=$R/lib/modules/$KREL
for mod in "$MODNAME" "${MODNAME}_sim"; do
	installed=$(cd "$M" && find . -path "./kernel" -prune -o -name "$mod.ko*" -print)
	[ "$(echo "$installed" | grep -c .)" = 1 ] || die "dkms installed '$installed'"
	(cd "$M" && cp --parents "$installed" "$OUT.tmp/dkms/")
	in_chroot modinfo -k "$KREL" -F filename "$mod" | grep -q "/${installed#./}$" ||
		die "modinfo -k $KREL $mod does not find what dkms installed"
	[ "$mod" = "$MODNAME" ] && ko=$OUT.tmp/dkms/${installed#./}
done
in_chroot modinfo -k "$KREL" -F signer "$MODNAME" >"$OUT.tmp/dkms/signer" || true
log "installed below /lib/modules/$KREL/: $(cd "$OUT.tmp/dkms" && find . -name '*.ko*' | tr '\n' ' ')signer: $(cat "$OUT.tmp/dkms/signer")"

# The kernel as the harness expects a build dir.
cp "$R/boot/vmlinuz-$KREL" "$OUT.tmp/arch/s390/boot/bzImage"
cp "$R/boot/config-$KREL" "$OUT.tmp/config-$KREL"
for f in modules.builtin modules.builtin.modinfo modules.order; do
	[ -f "$M/$f" ] && cp "$M/$f" "$OUT.tmp/"
done
ln -s "$M" "$OUT.tmp/modules"
ln -s "$R" "$OUT.tmp/chroot"
echo "$KREL" >"$OUT.tmp/.ssm-kernelrelease"
echo "$stamp" >"$OUT.tmp/.ssm-complete"
[ -s "$ko" ] || die "no module at $ko"
rm -rf "$OUT"
mv "$OUT.tmp" "$OUT"
# Kernel dirs of older kernels are not used again.
for old in "$D"/kernel-*; do
	[ "$old" = "$OUT" ] || rm -rf "$old"
done
echo "$OUT"
