#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: boot the 6.12 test kernel under QEMU (KVER=6.1|7.3 for the
# others), load the module with the simulated firmware and show standby
# memory going online and offline, with lsmem, chmem and dmesg. Installs
# its prerequisites and builds the kernel on first use.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
KVER=${KVER:-6.12}
# Only what the demo uses: its kernel's source, the guest userland and
# lsmem/chmem (the demo runs both).
"$TOP/scripts/prereqs.sh" host "src-$KVER" userland utillinux || exit 1
echo "demo: booting the s390x guest ($KVER) under QEMU; the console follows" >&2
out=$("$TOP/scripts/guest.sh" -v -r demo "$KVER" demo "demo-$KVER" |
	grep -E '^(not )?ok ')
echo
echo "$out"
! echo "$out" | grep -q '^not ok'
