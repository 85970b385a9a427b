#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything the build, the guest tests and the demo need.
# Idempotent: a second run only checks and returns in about a second.
#
# Host packages come from apt. Packages of other suites (bookworm-backports,
# trixie-backports) and of the s390x architecture are fetched with
# private apt state directories so that this machine's apt configuration
# is only extended by one list file of ours (backports, needed for QEMU 10).
#
# The archive URI is read from the machine's debian.sources; no host name
# is written into the repository.
#
# Usage: scripts/prereqs.sh [all|host|sources|src-<ver>|userland|
#                            userland-<release>|utillinux|bench|debtools] ...
#   sources   the kernel sources 6.12, 6.1 and 7.3; src-6.12 one of them
#   userland-bookworm, userland-trixie: the guest userland with that
#             Debian release's own lsmem and chmem
#   debtools  what make deb needs (dpkg-dev, debhelper, dh-dkms, lintian)
set -euo pipefail

CACHE=${SSM_CACHE:-/var/cache/s390-standby-mem}
DEBS=$CACHE/debs
SRC=$CACHE/src
STATE=$CACHE/apt
export DEBIAN_FRONTEND=noninteractive

log() { echo "prereqs: $*" >&2; }
die() { echo "prereqs: error: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (apt, /var/cache)"
mkdir -p "$DEBS" "$SRC" "$STATE"

archive_uri() {
	local f uri=""
	for f in /etc/apt/sources.list.d/debian.sources; do
		[ -r "$f" ] || continue
		uri=$(awk '/^URIs:/ { print $2; exit }' "$f")
	done
	if [ -z "$uri" ] && [ -r /etc/apt/sources.list ]; then
		uri=$(awk '$1 == "deb" && $2 !~ /security/ { print $2; exit }' \
			/etc/apt/sources.list)
	fi
	[ -n "$uri" ] || die "no Debian archive URI in /etc/apt/sources.list.d/debian.sources"
	echo "$uri"
}

# A private apt state: its own list, lists dir and cache; apt options on stdout.
# $1 name, $2 list line, $3 extra apt options
private_apt() {
	local name=$1 line=$2 extra=${3:-} dir=$STATE/$1
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	echo "$line" >"$dir/sources.list"
	local o="-o Dir::Etc::SourceList=$dir/sources.list -o Dir::Etc::SourceParts=/dev/null"
	o="$o -o Dir::State::Lists=$dir/lists -o Dir::Cache=$dir/cache -o APT::Sandbox::User=root $extra"
	# Refresh at most once a day.
	if [ -z "$(find "$dir/lists" -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null)" ]; then
		log "apt update ($name)"
		# shellcheck disable=SC2086
		apt-get $o update -qq >&2 || die "apt-get update for $name failed"
	fi
	echo "$o"
}

# Download the newest package $2 with private apt options $1 into $DEBS,
# print the .deb path.
fetch_deb() {
	local o=$1 pkg=$2 deb
	deb=$(ls "$DEBS/${pkg}"_*.deb 2>/dev/null | sort -V | tail -n1 || true)
	if [ -z "$deb" ]; then
		log "download $pkg"
		# shellcheck disable=SC2086
		(cd "$DEBS" && apt-get $o download -qq "$pkg" >&2) ||
			fetch_earlier_update "$o" "$pkg" ||
			die "apt-get download $pkg failed"
		deb=$(ls "$DEBS/${pkg}"_*.deb | sort -V | tail -n1)
	fi
	echo "$deb"
}

# An archive may list a stable update whose files it does not serve yet
# (seen: libc6 2.41-12+deb13u5 listed, its .deb 404, +deb13u4 served).
# Then the earlier updates of the same release are fetched from the
# pool, newest first: +debNNuK for K below the listed one, then the
# release itself. Not listed, so apt cannot check their hashes; the
# package name and version inside are checked, and the log says which
# version came instead.
fetch_earlier_update() {
	local o=$1 pkg=$2 uri file dir ver base k v tmp
	# shellcheck disable=SC2086
	uri=$(apt-get $o --print-uris download "$pkg" 2>/dev/null |
		awk -F"'" 'NR == 1 { print $2 }')
	file=${uri##*/}
	dir=${uri%/*}
	ver=$(echo "$file" | awk -F_ '{ print $2 }' | sed 's/%2b/+/gI; s/%7e/~/gI')
	[[ $ver =~ ^(.*\+deb[0-9]+u)([0-9]+)$ ]] || return 1
	base=${BASH_REMATCH[1]}
	tmp=$DEBS/.partial.deb
	for ((k = BASH_REMATCH[2] - 1; k >= 0; k--)); do
		v=$base$k
		[ $k = 0 ] && v=${base%+deb*}
		rm -f "$tmp"
		if curl -fsS -m 300 -o "$tmp" "$dir/${file/_*_/_${v//+/%2b}_}" 2>/dev/null &&
			[ "$(dpkg-deb -f "$tmp" Package Version 2>/dev/null | tr '\n' ' ')" = "Package: $pkg Version: $v " ]; then
			log "$pkg $ver is listed but not served: took $v"
			mv "$tmp" "$DEBS/${file/_*_/_${v}_}"
			return 0
		fi
	done
	rm -f "$tmp"
	return 1
}

DEB_PKGS="dpkg-dev debhelper dh-dkms lintian"
HOST_PKGS="gcc-s390x-linux-gnu libc6-dev-s390x-cross bc flex bison libelf-dev
	libssl-dev cpio kmod sparse dkms make gcc python3 perl xz-utils gawk
	rsync file mmdebstrap curl $DEB_PKGS"

host() {
	local uri list=/etc/apt/sources.list.d/s390-standby-mem-backports.list
	local missing="" p updated=0

	uri=$(archive_uri)
	if [ ! -f "$list" ] || ! grep -q "^deb $uri bookworm-backports main$" "$list"; then
		log "adding bookworm-backports list ($list)"
		echo "deb $uri bookworm-backports main" >"$list"
		apt-get update -qq >&2
		updated=1
	fi
	for p in $HOST_PKGS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
			missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		[ $updated = 1 ] || apt-get update -qq >&2
		updated=1
		log "apt install$missing"
		# shellcheck disable=SC2086
		apt-get install -y -qq --no-install-recommends $missing >&2
	fi
	if ! qemu-system-s390x --version 2>/dev/null | grep -q "version 10\."; then
		[ $updated = 1 ] || apt-get update -qq >&2
		log "apt install qemu-system-s390x (bookworm-backports)"
		apt-get install -y -qq --no-install-recommends -t bookworm-backports \
			qemu-system-s390x >&2
	fi
	qemu-system-s390x --version | grep -q "version 10\." ||
		die "qemu-system-s390x 10 not installed"
}

# Unpack linux-source-$1 from suite $2 into $SRC/linux-<debversion>;
# records the tree in $SRC/linux-$1.path.
kernel_source() {
	local ver=$1 suite=$2 uri o deb tree
	if [ -f "$SRC/linux-$ver.path" ] && [ -f "$(cat "$SRC/linux-$ver.path")/Makefile" ]; then
		return 0
	fi
	uri=$(archive_uri)
	o=$(private_apt "$suite" "deb $uri $suite main")
	deb=$(fetch_deb "$o" "linux-source-$ver")
	tree=$SRC/$(basename "$deb" .deb)
	log "unpack $(basename "$deb")"
	rm -rf "$tree" "$tree.tmp"
	mkdir -p "$tree.tmp"
	dpkg-deb -x "$deb" "$tree.tmp"
	tar -C "$tree.tmp" -xf "$tree.tmp/usr/src/linux-source-$ver.tar.xz"
	mv "$tree.tmp/linux-source-$ver" "$tree"
	rm -rf "$tree.tmp"
	echo "$tree" >"$SRC/linux-$ver.path"
}

# The suite each kernel source comes from.
source_suite() {
	case $1 in
	6.12) echo bookworm-backports ;;
	6.1) echo bookworm ;;
	7.3) echo trixie-backports ;;
	*) die "no kernel source $1 (6.1, 6.12 or 7.3)" ;;
	esac
}

sources() {
	local v
	for v in 6.12 6.1 7.3; do
		kernel_source "$v" "$(source_suite "$v")"
	done
}

# s390x userland for the guest: busybox-static, kmod and the libraries it
# needs, unpacked into $CACHE/userland (never installed on this host).
# From bookworm, the host's own release: an archive serves that one in
# full, where stable's newest updates can be listed before their files
# are there (seen: trixie's libssl3t64 listed, not served, no earlier
# version in the pool either). kmod 30 reads the .ko.xz modules Debian 13
# installs as well.
USERLAND_SUITE=bookworm
USERLAND_PKGS="busybox-static kmod libkmod2 libc6 liblzma5 libzstd1 libssl3 zlib1g"

userland() {
	local uri o p deb root=$CACHE/userland DEBS=$DEBS/s390x-$USERLAND_SUITE
	# The stamp names suite and package list: a change unpacks anew.
	[ "$(cat "$root/.done" 2>/dev/null)" = "$USERLAND_SUITE $USERLAND_PKGS" ] &&
		return 0
	uri=$(archive_uri)
	o=$(private_apt "s390x-$USERLAND_SUITE" \
		"deb [arch=s390x] $uri $USERLAND_SUITE main" \
		"-o APT::Architecture=s390x -o APT::Architectures=s390x")
	mkdir -p "$DEBS"
	rm -rf "$root"
	mkdir -p "$root"
	for p in $USERLAND_PKGS; do
		deb=$(fetch_deb "$o" "$p")
		dpkg-deb -x "$deb" "$root"
	done
	usrmerge "$root"
	[ -x "$root/usr/bin/busybox" ] || die "busybox-static did not unpack"
	echo "$USERLAND_SUITE $USERLAND_PKGS" >"$root/.done"
}

# apt_missing <package>...: install those not installed yet (the lists
# refreshed only when the install needs it)
apt_missing() {
	local p missing=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	log "apt install$missing"
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >&2 ||
		{ apt-get update -qq >&2 &&
		  apt-get install -y -qq --no-install-recommends $missing >&2; } ||
		die "cannot install$missing"
}

# make deb: what dpkg-buildpackage needs for debian/ (and lintian).
debtools() {
	# shellcheck disable=SC2086
	apt_missing $DEB_PKGS
}

# make bench: gnuplot for the plot.
bench() {
	apt_missing gnuplot-nox
}

# usrmerge <root>: a Debian package's /bin, /sbin and /lib below usr/, as
# the initramfs has them (bookworm's packages ship /bin and /lib)
usrmerge() {
	local p
	for p in bin sbin lib; do
		[ -d "$1/$p" ] && [ ! -L "$1/$p" ] || continue
		mkdir -p "$1/usr/$p"
		cp -a "$1/$p/." "$1/usr/$p/"
		rm -rf "${1:?}/$p"
	done
}

# userland-<release>: the guest userland above with the Debian release's
# own lsmem and chmem (util-linux), for the guests that boot Debian's
# kernels: what that release's administrators run. The tools link
# libsmartcols1 and libc6, both taken from the release too (trixie's
# glibc is newer than bookworm's and runs bookworm's busybox and kmod
# as well). Into $CACHE/userland-<release>.
release_userland() {
	local suite=$1 o p deb tools root=$CACHE/userland-$1 DEBS=$DEBS/s390x-$1
	case $suite in
	bookworm | trixie) ;;
	*) die "no release userland for $suite (bookworm or trixie)" ;;
	esac
	userland
	[ "$(cat "$root/.done" 2>/dev/null)" = "$suite $(cat "$CACHE/userland/.done")" ] &&
		return 0
	o=$(private_apt "s390x-$suite" "deb [arch=s390x] $(archive_uri) $suite main" \
		"-o APT::Architecture=s390x -o APT::Architectures=s390x")
	mkdir -p "$DEBS"
	rm -rf "$root" "$root.ul"
	cp -a "$CACHE/userland" "$root"
	for p in libc6 libsmartcols1; do
		deb=$(fetch_deb "$o" "$p")
		dpkg-deb -x "$deb" "$root"
	done
	usrmerge "$root"
	deb=$(fetch_deb "$o" util-linux)
	dpkg-deb -x "$deb" "$root.ul"
	usrmerge "$root.ul"
	tools=$(cd "$root.ul" && ls usr/bin/lsmem usr/sbin/chmem) ||
		die "no lsmem or chmem in ${deb##*/}"
	(cd "$root.ul" && cp --parents $tools "$root/")
	rm -rf "$root.ul"
	echo "${deb##*/}" >"$root/.util-linux"
	echo "$suite $(cat "$CACHE/userland/.done")" >"$root/.done"
}

# util-linux (lsmem, chmem) for the guest, statically cross-built.
utillinux() {
	"$(dirname "$0")/build-util-linux.sh"
}

[ $# -gt 0 ] || set -- all
for what in "$@"; do
	case $what in
	all) host; sources; userland ;;
	host | sources | userland | utillinux | bench | debtools) "$what" ;;
	userland-*) release_userland "${what#userland-}" ;;
	src-*)
		v=${what#src-}
		v=${v%%-*}
		kernel_source "$v" "$(source_suite "$v")"
		;;
	*) die "unknown target $what" ;;
	esac
done
