#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot Debian's own s390x kernel of a release under QEMU with the module
# that dkms built and installed for it (scripts/debian-kernel.sh), and run
# guest tests: what a Debian user gets, checked by the same guest tests as
# our test kernels. The TAP verdict comes out on stdout (run-guest.sh).
#
# Like scripts/guest.sh, but nothing is built here: the kernel is Debian's
# vmlinuz, unmodified, and the only module is the one dkms built when the
# package was installed with apt (the test modules of tests/helper and
# tests/bench are not there, so only tests that need none of them apply).
# The initramfs installs it below /lib/modules/<release>/extra and runs
# depmod, so modprobe finds it by name as on the Debian system (where it
# is in updates/dkms); it carries the package's /etc/modprobe.d conffile
# and the release's own lsmem and chmem (util-linux 2.38.1, 2.41).
#
# Kernel command line: run-guest.sh's (console=ttysclp0, mem=1G for the
# simulated standby memory, memory_hotplug.memmap_on_memory=1,
# memhp_default_state=offline, and the test plumbing); -a adds to it.
#
# Usage: scripts/debian-guest.sh [-a kernel args] [-T timeout] [-v]
#          <bookworm|trixie> <test,test,...> [label]
# The console log goes to build/<label>.log.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
EXTRA="" TIMEOUT=1200 VERBOSE=""
while getopts "a:T:v" o; do
	case $o in
	a) EXTRA=$OPTARG ;;
	T) TIMEOUT=$OPTARG ;;
	v) VERBOSE=-v ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
REL=${1:?release}
TESTS=${2:?tests}
LABEL=${3:-debian-$REL}

log() { echo "# [$LABEL] $*" >&2; }
die() { echo "not ok - [$LABEL] $*"; exit 1; }

B=$("$TOP/scripts/debian-kernel.sh" "$REL") ||
	die "Debian $REL kernel with the dkms-installed module not available"
KREL=$(cat "$B/.ssm-kernelrelease")
ko=$(find "$B/dkms" -name 's390_standby_mem.ko*')
sim=$(find "$B/dkms" -name 's390_standby_mem_sim.ko*')
[ "$(echo "$ko" | grep -c .)" = 1 ] || die "no single dkms-installed module in $B/dkms"
[ "$(echo "$sim" | grep -c .)" = 1 ] || die "no dkms-installed simulated firmware module in $B/dkms"
log "Debian kernel $KREL, module as dkms installed it: ${ko#"$B/dkms/"}, signer: $(cat "$B/dkms/signer")"

# One initramfs per label: boots of one release with other tests may run
# at the same time.
initrd=$TOP/build/debian-$REL/$LABEL.cpio.gz
mkdir -p "${initrd%/*}"
start=$(date +%s)
# The release's own userland tools (lsmem, chmem) and the package's
# conffile; the guest learns which util-linux that is (ssm.utillinux=).
"$TOP/scripts/initramfs.sh" -u "$REL" -r "$B/root" "$B" "$initrd" "$ko" "$sim" ||
	die "initramfs for Debian $REL failed"
ul=$(sed -n 's/^util-linux_\([^-_]*\).*/\1/p' \
	"${SSM_CACHE:-/var/cache/s390-standby-mem}/userland-$REL/.util-linux")
[ -n "$ul" ] || die "no util-linux version of the $REL userland"
log "util-linux $ul of Debian $REL: lsmem, chmem"
EXTRA="ssm.utillinux=$ul${EXTRA:+ $EXTRA}"
log "initramfs packed in $(($(date +%s) - start)) s"
# shellcheck disable=SC2086
exec "$TOP/scripts/run-guest.sh" -k "$B" -i "$initrd" \
	-l "$TOP/build/$LABEL.log" -t "$TESTS" -r check -L "$LABEL" \
	-T "$TIMEOUT" -a "$EXTRA" -K distro $VERBOSE
