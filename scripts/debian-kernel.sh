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
#  4. install the package (make deb: s390-standby-mem-dkms) with apt, as
#     README tells an administrator: its postinst (dh_dkms) has dkms
#     build, sign and install the module for the kernel; check that the
#     package's /etc/modprobe.d file is a conffile;
#  5. install a second kernel's headers afterwards (another kernel of the
#     release, else the newest of <release>-backports), running their own
#     postinst: dkms's kernel hook must build the module for it;
#  6. apt purge the package, take the second kernel's headers away again,
#     and compare the chroot's file list with the one before step 4:
#     nothing may be left behind.
#  Steps 4 to 6 write dkms/package-checks (one "ok"/"not ok" line each,
#  scripts/check.sh reports them).
#
# What differs from a native s390x Debian system, and only that: uname
# (diverted with dpkg-divert) says s390x and the Debian kernel's release,
# so that dkms and the package's postinst build for it as there; the
# environment has CROSS_COMPILE=s390x-linux-gnu- (bookworm's headers take
# it from there or from dpkg's DEB_HOST_* variables), and "strip" in the
# chroot's /usr/local/bin is the s390x one (dkms runs plain "strip -g" on
# the module).
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

# The s390x packages cannot be installed by dpkg on amd64 (their
# dependencies are s390x gcc and image): they are unpacked where dpkg
# would, lib/ under usr/lib/ (a package's lib/ would replace the symlink).
LIBMAP='s,^\./lib\(/\|$\),./usr/lib\1,'
# unpack_deb <deb> <root>: its files under <root>
unpack_deb() {
	dpkg-deb --fsys-tarfile "$1" |
		tar -x -C "$2" --keep-directory-symlink --transform "$LIBMAP"
}
# deb_paths <deb>: the paths unpack_deb made, relative, deepest first
deb_paths() {
	dpkg-deb --fsys-tarfile "$1" | tar -t |
		sed "$LIBMAP; s,^\./,,; s,/\$,," | grep . | sort -r
}

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
	# the s390x image and headers: unpacked (unpack_deb)
	for p in "$image_deb" "$headers_deb"; do
		unpack_deb "$p" "$R.tmp"
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

# The package (make deb: the files git knows) and what it installs.
NAME=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' "$TOP/dkms.conf")
VER=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$TOP/dkms.conf")
PKG=$NAME-dkms
# the module's name (the dkms package's is s390-standby-mem)
MODNAME=$(sed -n 's/^BUILT_MODULE_NAME\[0\]="\(.*\)"/\1/p' "$TOP/dkms.conf")
files=$(git -C "$TOP" ls-files -co --exclude-standard -- Kbuild Kbuild.probes \
	Makefile dkms.conf src include debian Documentation)
srchash=$( (cd "$TOP" && echo "$files" | tr '\n' '\0' | xargs -0 sha256sum) | sha256sum | cut -c1-12)

OUT=$D/kernel-$KREL
stamp="$NAME-$VER $srchash $(basename "$R") layout=3"
if [ "$(cat "$OUT/.ssm-complete" 2>/dev/null)" = "$stamp" ]; then
	log "cached: $OUT"
	echo "$OUT"
	exit 0
fi
debfile=$("$TOP/scripts/deb.sh" | tail -n1) || die "make deb failed"

# A command in the chroot, which stands for the s390x machine running
# Debian's kernel: uname -m and -r say so (below), and dkms, the
# package's postinst and kbuild take the target from them as there.
# CROSS_COMPILE for bookworm's headers, which take it from the
# environment (trixie's name it). /proc mounted in a mount namespace of
# its own: gone when the command ends.
in_chroot() {
	# shellcheck disable=SC2016
	unshare --mount --propagation private -- /bin/sh -c \
		'mount -t proc proc "$0/proc" && exec chroot "$0" /usr/bin/env -i \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin HOME=/root \
		LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
		CROSS_COMPILE=s390x-linux-gnu- "$@"' "$R" "$@"
}
# uname, diverted the Debian way (apt runs maintainer scripts with a
# PATH of its own, DPkg::Path, so it must be /usr/bin/uname itself)
if [ ! -e "$R/usr/bin/uname.distrib" ]; then
	in_chroot dpkg-divert --local --rename --add /usr/bin/uname >&2 ||
		die "cannot divert uname in the chroot"
fi
cat >"$R/usr/bin/uname" <<UNAME
#!/bin/sh
# The s390x machine this chroot stands for (scripts/debian-kernel.sh)
case "\$*" in
-m) echo s390x ;;
-r) echo $KREL ;;
*) exec /usr/bin/uname.distrib "\$@" ;;
esac
UNAME
chmod 755 "$R/usr/bin/uname"
rm -f "$R/usr/local/bin/uname"

# remove_second: take the second kernel's headers away again (below): its
# s390x headers' files as dpkg -r would (the directories they leave
# empty), the packages installed for it, and /lib/modules/<it>, which
# depmod filled
remove_second() {
	local k2 pkgs hdeb p
	[ -f "$R/.ssm-second" ] || return 0
	read -r k2 pkgs <"$R/.ssm-second" || true
	for hdeb in "$D/debs/headers-$k2"/*_s390x.deb; do
		[ -f "$hdeb" ] || continue
		deb_paths "$hdeb" |
			while read -r p; do
				if [ -d "$R/$p" ] && [ ! -L "$R/$p" ]; then
					rmdir "$R/$p" 2>/dev/null || true
				else
					rm -f "${R:?}/$p"
				fi
			done
	done
	# shellcheck disable=SC2086
	[ -z "$pkgs" ] || in_chroot dpkg --purge $pkgs || true
	rm -rf "${R:?}/usr/lib/modules/$k2"
	rm -f "$R/.ssm-second"
}

# What an earlier run left: a dpkg run it was stopped in (what dpkg
# itself asks for then), a second kernel's headers, the package, a
# hand-made dkms registration (the module was s390_standby_mem in dkms
# before the package).
in_chroot dpkg --configure -a >&2 || die "dpkg --configure -a in the chroot failed"
remove_second >&2
if in_chroot dpkg -s "$PKG" >/dev/null 2>&1; then
	in_chroot apt-get purge -y -qq "$PKG" >&2 || die "cannot purge the earlier $PKG"
fi
for n in "$NAME" s390_standby_mem; do
	if [ -d "$R/var/lib/dkms/$n" ]; then
		in_chroot dkms remove -m "$n" -v "$VER" --all >&2 || true
		rm -rf "${R:?}/var/lib/dkms/$n" "${R:?}/usr/src/$n-$VER"
	fi
done

rm -rf "$OUT.tmp"
mkdir -p "$OUT.tmp/dkms" "$OUT.tmp/arch/s390/boot" "$OUT.tmp/root/etc/modprobe.d"
CHECKS=$OUT.tmp/dkms/package-checks
: >"$CHECKS"
# pcheck <description> <command...>: one line of $CHECKS
pcheck() {
	local desc=$1
	shift
	if "$@"; then
		echo "ok - $desc" >>"$CHECKS"
	else
		echo "not ok - $desc" >>"$CHECKS"
		log "not ok - $desc"
	fi
}
# The chroot's files, for the purge check: all but the kernel's virtual
# file systems, temporary files, logs, caches and the package managers'
# state (dpkg's own list of a package's files, var/lib/dpkg/info, is
# kept); dkms's signing key (var/lib/dkms/mok.*) is dkms's, made at its
# first build and kept for every module after.
tree_of() {
	(cd "$R" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o \
		-path ./tmp -o -path ./run -o -path ./var/log -o -path ./var/cache -o \
		-path ./var/lib/apt -o -path './var/lib/dkms/mok.*' -o \
		\( -path './var/lib/dpkg/*' ! -path './var/lib/dpkg/info*' \) \) \
		-prune -o -print) | sort
}
tree_of >"$OUT.tmp/dkms/tree-before"

# apt install ./<package>.deb, as README says: the postinst adds the
# source to dkms, builds and installs the module for the running kernel
# (the newest installed one too), signed with dkms's key.
cp "$debfile" "$R/tmp/"
log "apt install ./${debfile##*/} (Debian kernel $KREL)"
if ! in_chroot apt-get install -y "/tmp/${debfile##*/}" >"$OUT.tmp/dkms/install.log" 2>&1; then
	cat "$OUT.tmp/dkms/install.log" >&2
	find "$R/var/lib/dkms/$NAME" -name make.log -exec tail -n 30 {} + >&2 2>/dev/null || true
	die "apt install of the package failed"
fi
sed 's/^/  /' "$OUT.tmp/dkms/install.log" >&2
cp "$R/var/lib/dkms/$NAME/$VER/$KREL/s390x/log/make.log" "$OUT.tmp/dkms/" ||
	die "dkms built nothing for $KREL"
phase "apt install"

# What dkms installed, at its place below /lib/modules/<ver>: the module
# and the simulated firmware module (backend=sim, for tests and demos).
# installed <kernel> <module>: its path below /lib/modules/<kernel>
installed() {
	(cd "$R/lib/modules/$1" && find . -path "./kernel" -prune -o -name "$2.ko*" -print)
}
M=$R/lib/modules/$KREL
for mod in "$MODNAME" "${MODNAME}_sim"; do
	ko=$(installed "$KREL" "$mod")
	[ "$(echo "$ko" | grep -c .)" = 1 ] || die "dkms installed '$ko' for $mod"
	(cd "$M" && cp --parents "$ko" "$OUT.tmp/dkms/")
	in_chroot modinfo -k "$KREL" -F filename "$mod" | grep -q "/${ko#./}$" ||
		die "modinfo -k $KREL $mod does not find what dkms installed"
	[ "$mod" = "$MODNAME" ] && modko=$OUT.tmp/dkms/${ko#./}
done
pcheck "apt install ./${debfile##*/}: dkms built and installed $MODNAME for $KREL ($(installed "$KREL" "$MODNAME"))" true
in_chroot modinfo -k "$KREL" -F signer "$MODNAME" >"$OUT.tmp/dkms/signer" || true
log "installed below /lib/modules/$KREL/: $(cd "$OUT.tmp/dkms" && find . -name '*.ko*' | tr '\n' ' ')signer: $(cat "$OUT.tmp/dkms/signer")"
# the package's conffile, for the guest
cp "$R/etc/modprobe.d/$NAME.conf" "$OUT.tmp/root/etc/modprobe.d/" ||
	die "the package installed no /etc/modprobe.d/$NAME.conf"
in_chroot dpkg-query -W -f='${Conffiles}\n' "$PKG" >"$OUT.tmp/dkms/conffiles"
pcheck "/etc/modprobe.d/$NAME.conf is a conffile of $PKG" \
	grep -q "^ /etc/modprobe.d/$NAME.conf " "$OUT.tmp/dkms/conffiles"

# A second kernel's headers, installed afterwards: dkms's kernel hook
# (/etc/kernel/header_postinst.d/dkms, run by the headers' postinst)
# builds the module for it, nobody runs dkms. Another kernel of the
# release the archive serves, else the newest of $REL-backports. Like the
# first, its s390x headers are unpacked where dpkg puts them, and their
# own postinst runs as dpkg would run it; the -common headers and the
# amd64 linux-kbuild install with dpkg.
A2=$D/apt2
mkdir -p "$A2/lists/partial" "$A2/cache/archives/partial"
printf 'deb [arch=amd64,s390x] %s %s main\ndeb [arch=amd64,s390x] %s %s-backports main\n' \
	"$URI" "$REL" "$URI" "$REL" >"$A2/sources.list"
APT2=${APT//"$A"/"$A2"}
if [ -z "$(find "$A2/lists" -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null)" ]; then
	# shellcheck disable=SC2086
	apt-get $APT2 update -qq >&2 || die "apt-get update for $REL and $REL-backports failed"
fi
# fetch_headers <release>: its headers (s390x) and the packages they
# depend on that a chroot on amd64 can take: -common (all), linux-kbuild
# (amd64), linux-base (all, newer kernels' postinst runs its
# linux-run-hooks) and linux-base-<release> (s390x: modules.builtin and
# the like); the compiler they name is the chroot's cross compiler. Into
# $D/debs/headers-<release>.
fetch_headers() {
	local k=$1 dir=$D/debs/headers-$1 deps p
	[ -f "$dir/.complete" ] && return 0
	[ -n "$(find "$D/debs/.unserved-headers-$k" -mtime -1 2>/dev/null)" ] && return 1
	# shellcheck disable=SC2086
	deps=$(apt-cache $APT2 show "linux-headers-$k:s390x" 2>/dev/null |
		sed -n 's/^Depends: //p' | head -n1 | tr ',' '\n' | awk '{ print $1 }')
	[ -n "$deps" ] || return 1
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"
	for p in "linux-headers-$k:s390x" $(echo "$deps" | sed -n \
		-e 's/^\(linux-headers-.*-common\)$/\1/p' -e 's/^\(linux-kbuild-.*\)$/\1:amd64/p' \
		-e 's/^\(linux-base\)$/\1/p' -e 's/^\(linux-base-.*\)$/\1:s390x/p'); do
		# shellcheck disable=SC2086
		if ! (cd "$dir.tmp" && apt-get $APT2 download -qq "$p" >&2); then
			rm -rf "$dir.tmp"
			touch "$D/debs/.unserved-headers-$k"
			return 1
		fi
	done
	touch "$dir.tmp/.complete"
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
}
# headers_in <apt options>: the s390x kernels with headers, newest first
headers_in() {
	# shellcheck disable=SC2086
	apt-cache $1 pkgnames linux-headers- | grep -E '^linux-headers-[0-9].*-s390x$' |
		sed 's/^linux-headers-//' | grep -vxF "$KREL" | sort -V -r
}
K2=""
for cand in $(headers_in "$APT"; headers_in "$APT2" | grep -vxF -f <(headers_in "$APT")); do
	if fetch_headers "$cand"; then
		K2=$cand
		break
	fi
done
if [ -z "$K2" ]; then
	pcheck "a second kernel of $REL or $REL-backports whose headers download" false
else
	H2=$D/debs/headers-$K2
	# what to take away again: the packages the chroot does not have yet
	# (bookworm's linux-kbuild-6.1 serves both of its kernels)
	added=$(for d in "$H2"/*_all.deb "$H2"/*_amd64.deb; do dpkg-deb -f "$d" Package; done |
		grep -vxF -f <(in_chroot dpkg-query -W -f='${Package}\n'))
	echo "$K2" $added >"$R/.ssm-second"
	rm -rf "$R/tmp/second"
	mkdir -p "$R/tmp/second"
	cp "$H2"/*.deb "$R/tmp/second/"
	log "second kernel $K2: dpkg -i its -common headers and linux-kbuild"
	in_chroot sh -c 'dpkg -i /tmp/second/*_all.deb /tmp/second/*_amd64.deb' \
		>"$OUT.tmp/dkms/second.log" 2>&1 || { cat "$OUT.tmp/dkms/second.log" >&2; die "dpkg -i for $K2 failed"; }
	for d in "$H2"/*_s390x.deb; do
		unpack_deb "$d" "$R"
	done
	hdeb=$(ls "$H2"/linux-headers-"$K2"_*_s390x.deb)
	rm -rf "$R/tmp/second.ctrl"
	dpkg-deb -e "$hdeb" "$R/tmp/second.ctrl"
	log "second kernel $K2: its headers' postinst configure"
	in_chroot /tmp/second.ctrl/postinst configure >>"$OUT.tmp/dkms/second.log" 2>&1 ||
		{ cat "$OUT.tmp/dkms/second.log" >&2; die "the postinst of linux-headers-$K2 failed"; }
	sed 's/^/  /' "$OUT.tmp/dkms/second.log" >&2
	ko2=$(installed "$K2" "$MODNAME")
	pcheck "a second kernel's headers ($K2, postinst as dpkg runs it): dkms's kernel hook built and installed $MODNAME for it (${ko2:-nothing})" \
		[ "$(echo "$ko2" | grep -c .)" = 1 ]
	phase "second kernel"
fi

# apt purge: dkms removes the module from every kernel, dpkg the source
# and the conffile. The second kernel's headers go as dpkg would take
# them (and /lib/modules/<it>, which depmod filled): then the chroot is
# as before the install, file for file.
log "apt purge $PKG"
in_chroot apt-get purge -y "$PKG" >"$OUT.tmp/dkms/purge.log" 2>&1 ||
	{ cat "$OUT.tmp/dkms/purge.log" >&2; die "apt purge $PKG failed"; }
remove_second >>"$OUT.tmp/dkms/purge.log" 2>&1
rm -rf "$R/tmp/second" "$R/tmp/second.ctrl" "$R/tmp/${debfile##*/}"
tree_of >"$OUT.tmp/dkms/tree-after"
diff "$OUT.tmp/dkms/tree-before" "$OUT.tmp/dkms/tree-after" >"$OUT.tmp/dkms/tree.diff" || true
pcheck "apt purge $PKG leaves no file behind ($(grep -c '^[<>]' "$OUT.tmp/dkms/tree.diff") paths differ from before the install, of $(grep -c . "$OUT.tmp/dkms/tree-before"))" \
	[ ! -s "$OUT.tmp/dkms/tree.diff" ]
head -n 20 "$OUT.tmp/dkms/tree.diff" | sed 's/^/  /' >&2
phase "apt purge"

# The kernel as the harness expects a build dir.
cp "$R/boot/vmlinuz-$KREL" "$OUT.tmp/arch/s390/boot/bzImage"
cp "$R/boot/config-$KREL" "$OUT.tmp/config-$KREL"
for f in modules.builtin modules.builtin.modinfo modules.order; do
	[ -f "$M/$f" ] && cp "$M/$f" "$OUT.tmp/"
done
ln -s "$M" "$OUT.tmp/modules"
ln -s "$R" "$OUT.tmp/chroot"
echo "$KREL" >"$OUT.tmp/.ssm-kernelrelease"
# cached only when every check of the package passed
grep -q '^not ok' "$CHECKS" || echo "$stamp" >"$OUT.tmp/.ssm-complete"
[ -s "$modko" ] || die "no module at $modko"
rm -rf "$OUT"
mv "$OUT.tmp" "$OUT"
# Kernel dirs of older kernels are not used again.
for old in "$D"/kernel-*; do
	[ "$old" = "$OUT" ] || rm -rf "$old"
done
echo "$OUT"
