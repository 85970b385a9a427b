#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check "make install" and "make uninstall" on the host against a kernel
# build dir, into a temporary INSTALL_MOD_PATH: the module lands below
# lib/modules/<release>/updates, modinfo reads it, depmod's indices let
# modprobe resolve it by name, and uninstall takes away exactly that:
# afterwards modprobe no longer finds it and only depmod's index files are
# left. Nothing is written to this machine's /lib/modules.
#
# The build runs in a copy of the files git knows (as from a release
# tarball), so the work tree's objects are not touched. Given a directory
# of scripts/debian-kernel.sh, make runs in its chroot against Debian's
# headers (/lib/modules/<release>/build), as on the Debian system; the
# checks run here on the files it wrote.
#
# Usage: scripts/install-check.sh <kernel build dir | debian-kernel.sh dir>
set -euo pipefail

B=${1:?kernel build dir}
TOP=$(cd "$(dirname "$0")/.." && pwd)
KREL=$(cat "$B/.ssm-kernelrelease" 2>/dev/null || cat "$B/include/config/kernel.release")
NAME=s390_standby_mem

log() { echo "install-check: $*"; }
die() { echo "install-check: error: $*"; exit 1; }

if [ "$(uname -m)" != s390x ]; then
	export ARCH=${ARCH:-s390} CROSS_COMPILE=${CROSS_COMPILE:-s390x-linux-gnu-}
fi
if [ -L "$B/chroot" ]; then
	R=$(readlink -f "$B/chroot")
	tmp=$(mktemp -d "$R/tmp/install-check.XXXXXX")
	in=/tmp/${tmp##*/}
	# /proc in a mount namespace of its own, gone when make ends. The
	# chroot stands for the s390x machine (its uname -m says s390x, so
	# our Makefile sets no CROSS_COMPILE there), but its gcc-12 is
	# amd64's: bookworm's headers take the prefix from the environment
	# (trixie's name the cross compiler), as debian-kernel.sh's
	# in_chroot passes it.
	m() {
		# shellcheck disable=SC2016
		unshare --mount --propagation private -- /bin/sh -c \
			'mount -t proc proc "$0/proc" && exec chroot "$0" /usr/bin/env -i \
			PATH=/usr/sbin:/usr/bin HOME=/root LANG=C.UTF-8 \
			CROSS_COMPILE=s390x-linux-gnu- make "$@"' \
			"$R" -C "$in/src" --no-print-directory KDIR="/lib/modules/$KREL/build" \
			INSTALL_MOD_PATH="$in/root" "$@"
	}
else
	tmp=$(mktemp -d)
	m() { make -C "$tmp/src" --no-print-directory KDIR="$B" INSTALL_MOD_PATH="$tmp/root" "$@"; }
fi
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
mkdir -p "$tmp/src" "$root"
git -C "$TOP" ls-files -z -co --exclude-standard -- Kbuild Kbuild.probes Makefile dkms.conf src include |
	(cd "$TOP" && xargs -0 cp --parents -t "$tmp/src")
host_had=0
[ -e "/lib/modules/$KREL" ] && host_had=1

# A system with the kernel installed has its module lists; depmod reads them.
mkdir -p "$root/lib/modules/$KREL"
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ -f "$B/$f" ] && cp "$B/$f" "$root/lib/modules/$KREL/"
done


m install >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; die "make install failed"; }
cat "$tmp/install.log"
ko=$(find "$root" -name "$NAME.ko*")
[ "$(echo "$ko" | grep -c .)" = 1 ] || die "installed: '$ko'"
case ${ko#"$root"} in
"/lib/modules/$KREL/updates/$NAME.ko"*) ;;
*) die "installed at ${ko#"$root"}" ;;
esac
log "installed ${ko#"$root"}"
sim=$(find "$root" -name "${NAME}_sim.ko*")
[ "$(echo "$sim" | grep -c .)" = 1 ] || die "simulated firmware module installed: '$sim'"
log "installed ${sim#"$root"}"
case $ko in
*.xz) xz -dc "$ko" ;;
*.gz) gzip -dc "$ko" ;;
*.zst) zstd -qdc "$ko" ;;
*) cat "$ko" ;;
esac >"$tmp/module.ko"
file "$tmp/module.ko" | grep -q "IBM S/390" || die "not an s390 module: $(file "$tmp/module.ko")"

vermagic=$(modinfo -b "$root" -k "$KREL" -F vermagic "$NAME") || die "modinfo by name failed"
case $vermagic in "$KREL "*) ;; *) die "vermagic '$vermagic'" ;; esac
log "modinfo by name: version $(modinfo -b "$root" -k "$KREL" -F version "$NAME"), vermagic $vermagic"

# depmod -b wrote the indices: modprobe resolves the name to the file.
res=$(modprobe -n -v -d "$root" -S "$KREL" "$NAME" 2>&1) || die "modprobe -n: $res"
echo "$res"
echo "$res" | grep -q "^insmod .*/lib/modules/$KREL/updates/$NAME.ko" ||
	die "modprobe -n resolved '$res'"
log "modprobe -n resolves $NAME by name"

m uninstall >"$tmp/uninstall.log" 2>&1 || { cat "$tmp/uninstall.log"; die "make uninstall failed"; }
cat "$tmp/uninstall.log"
[ -z "$(find "$root" -name "$NAME*.ko*")" ] || die "module left after uninstall"
if modprobe -n -v -d "$root" -S "$KREL" "$NAME" >"$tmp/after" 2>&1; then
	die "modprobe still resolves $NAME: $(cat "$tmp/after")"
fi
# What is left: the kernel's module lists and depmod's index files.
left=$(cd "$root" && find . -type f ! -path "./lib/modules/$KREL/modules.*")
[ -z "$left" ] || die "left after uninstall: $left"
left=$(cd "$root" && find . -mindepth 1 -type d ! -path ./lib ! -path ./lib/modules \
	! -path "./lib/modules/$KREL")
[ -z "$left" ] || die "directories left after uninstall: $left"
if grep -rl "$NAME" "$root" >/dev/null 2>&1; then
	die "depmod indices still name $NAME"
fi
log "uninstall left only the module lists and depmod's indices: $(cd "$root/lib/modules/$KREL" && echo modules.*)"
[ $host_had = 1 ] || [ ! -e "/lib/modules/$KREL" ] || die "wrote to /lib/modules/$KREL"
log "ok: install, modinfo, modprobe -n by name, uninstall for $KREL"
