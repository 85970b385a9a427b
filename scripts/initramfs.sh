#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the guest initramfs: s390x busybox and kmod (from Debian), our
# modules installed under /lib/modules/<kver>/ with depmod (so modprobe
# finds them by name), the guest test scripts, util-linux lsmem/chmem when
# built, and tests/guest/init as /init.
#
# With -u <release> (bookworm, trixie) the userland is that Debian
# release's (scripts/prereqs.sh userland-<release>): its own lsmem and
# chmem instead of the project's util-linux build, as for the guests that
# boot Debian's kernels.
#
# -r <dir> adds the files below <dir> to the root (a package's
# /etc/modprobe.d conffile, for one).
#
# Usage: scripts/initramfs.sh [-u <release>] [-r <dir>] <kernel build dir>
#          <output.cpio.gz> <module.ko>...
set -euo pipefail

RELEASE="" EXTRA_ROOT=""
while getopts "u:r:" o; do
	case $o in
	u) RELEASE=$OPTARG ;;
	r) EXTRA_ROOT=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
B=${1:?kernel build dir}
OUT=${2:?output}
shift 2
TOP=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${SSM_CACHE:-/var/cache/s390-standby-mem}
USERLAND=$CACHE/userland${RELEASE:+-$RELEASE}
KREL=$(cat "$B/.ssm-kernelrelease")

die() { echo "initramfs: error: $*" >&2; exit 1; }
"$TOP/scripts/prereqs.sh" "userland${RELEASE:+-$RELEASE}"

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

# usrmerge layout, as the Debian packages expect.
mkdir -p "$root"/usr/{bin,sbin,lib} "$root"/{dev,proc,sys,tmp,run,etc,root,mnt}
ln -s usr/bin "$root/bin"
ln -s usr/sbin "$root/sbin"
ln -s usr/lib "$root/lib"
cp -a "$USERLAND/usr/." "$root/usr/"
cp -a "$USERLAND/etc/." "$root/etc/" 2>/dev/null || true
rm -rf "$root/usr/share/doc" "$root/usr/share/man" "$root/usr/lib/s390x-linux-gnu/gconv"
for tool in modprobe modinfo insmod rmmod lsmod depmod; do
	ln -sf ../bin/kmod "$root/usr/sbin/$tool"
done
[ -x "$root/usr/bin/busybox" ] || die "busybox missing"

# util-linux lsmem/chmem: the release's (in its userland), or the
# project's build, statically linked, if built.
for tool in lsmem chmem; do
	if [ -n "$RELEASE" ]; then
		[ -x "$root/usr/bin/$tool" ] || [ -x "$root/usr/sbin/$tool" ] ||
			die "no $tool in the $RELEASE userland"
	elif [ -x "$CACHE/util-linux/bin/$tool" ]; then
		cp "$CACHE/util-linux/bin/$tool" "$root/usr/bin/$tool"
	fi
done

# Test programs, statically cross-compiled.
for prog in "$TOP"/tests/guest/prog/*.c; do
	s390x-linux-gnu-gcc -static -O2 -Wall -Werror -o \
		"$root/usr/bin/$(basename "$prog" .c)" "$prog" ||
		die "cannot build $prog"
done
# The memory-on-demand daemon, with its own Makefile's flags.
make -s -C "$TOP/daemon" CC=s390x-linux-gnu-gcc LDFLAGS=-static \
	OUT="$root/usr/sbin" || die "cannot build the daemon"

# Our modules, found by name through depmod.
moddir=$root/lib/modules/$KREL
mkdir -p "$moddir/extra"
for ko in "$@"; do
	[ -f "$ko" ] || die "no module $ko"
	cp "$ko" "$moddir/extra/"
done
cp "$B/modules.order" "$B/modules.builtin" "$moddir/" 2>/dev/null || true
[ -f "$B/modules.builtin.modinfo" ] && cp "$B/modules.builtin.modinfo" "$moddir/"
depmod -b "$root" "$KREL" || die "depmod failed"

[ -z "$EXTRA_ROOT" ] || cp -a "$EXTRA_ROOT/." "$root/"

# Tests and the init that runs them.
mkdir -p "$root/tests"
cp -a "$TOP/tests/guest" "$root/tests/"
[ -d "$TOP/tests/bench" ] && cp -a "$TOP/tests/bench" "$root/tests/"
install -m 0755 "$TOP/tests/guest/init" "$root/init"
echo "$KREL" >"$root/etc/ssm-kernelrelease"

(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
