#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or find cached) the minimal s390x test kernel for one series and
# print its build directory (O=) on stdout.
#
# The cache is keyed by the Debian source package version and a hash of
# everything that shapes the build (config fragment, optional list, cross
# compiler version), so a changed fragment gets a fresh tree, and a missing
# cache is rebuilt from nothing. A tree is used only once its stamp exists.
#
# A series may name a variant: "6.12-debug" is the 6.12 source with
# kernel/config.debug applied after kernel/config.fragment, and the source
# patched with kernel/config.debug.patch. A variant's "# with: <variant>"
# lines apply those variants' fragments first.
#
# Usage: scripts/build-kernel.sh 6.12|6.1|7.3|6.12-debug
set -euo pipefail

SERIES=${1:?usage: build-kernel.sh <series>[-<variant>]}
BASE=${SERIES%%-*}
VARIANT=
[ "$BASE" = "$SERIES" ] || VARIANT=${SERIES#*-}
TOP=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${SSM_CACHE:-/var/cache/s390-standby-mem}
CROSS=${CROSS_COMPILE:-s390x-linux-gnu-}
JOBS=${JOBS:-$(nproc)}

log() { echo "build-kernel($SERIES): $*" >&2; }
die() { echo "build-kernel($SERIES): error: $*" >&2; exit 1; }

pathfile=$CACHE/src/linux-$BASE.path
[ -f "$pathfile" ] || "$TOP/scripts/prereqs.sh" "src-$BASE" >&2
SRC=$(cat "$pathfile")
[ -f "$SRC/Makefile" ] || die "kernel source $SRC missing"

frags=$TOP/kernel/config.fragment
if [ -n "$VARIANT" ]; then
	[ -f "$TOP/kernel/config.$VARIANT" ] || die "no kernel/config.$VARIANT"
	# A variant may build on others: its lines "# with: <variant>" put
	# their fragments (not their patches) before its own.
	while read -r w; do
		[ -f "$TOP/kernel/config.$w" ] || die "kernel/config.$VARIANT: no kernel/config.$w"
		frags="$frags $TOP/kernel/config.$w"
	done < <(sed -n 's/^# with: \([a-z0-9]*\)$/\1/p' "$TOP/kernel/config.$VARIANT")
	frags="$frags $TOP/kernel/config.$VARIANT"
fi
# A variant may carry a patch of the test bed (kernel/config.<variant>.patch,
# its header says why). It is applied to the shared source tree: it must
# touch only code the other configurations do not build.
patches=
if [ -n "$VARIANT" ] && [ -f "$TOP/kernel/config.$VARIANT.patch" ]; then
	patches=$TOP/kernel/config.$VARIANT.patch
fi
# The fragments' options, not their comments: a comment edit rebuilds
# nothing.
# shellcheck disable=SC2086
hash=$( { grep -hEv '^[[:space:]]*(#|$)' $frags
	[ -z "$patches" ] || cat $patches
	"${CROSS}gcc" --version | head -n1; } | sha256sum | cut -c1-12)
B=$CACHE/build/$(basename "$SRC")${VARIANT:+-$VARIANT}-$hash
stamp=$B/.ssm-complete

if [ -f "$stamp" ]; then
	echo "$B"
	exit 0
fi

mkdir -p "$CACHE/build"
exec 9>"$CACHE/build/.lock-$SERIES"
flock 9
if [ -f "$stamp" ]; then
	echo "$B"
	exit 0
fi

log "building in $B (about 150 s with -j2)"
start=$(date +%s)
rm -rf "$B"
mkdir -p "$B"
for p in $patches; do
	if ! patch -d "$SRC" -p1 -R -s -f --dry-run <"$p" >/dev/null; then
		patch -d "$SRC" -p1 -s -N <"$p" || die "$p does not apply"
	fi
done
kmake() {
	make -s -C "$SRC" O="$B" ARCH=s390 CROSS_COMPILE="$CROSS" "$@"
}
# shellcheck disable=SC2086
cat $frags >"$B/.ssm-fragment"
kmake KCONFIG_ALLCONFIG="$B/.ssm-fragment" allnoconfig >&2

# Kconfig silently drops options whose dependencies fail: check them all,
# each by its last assignment (as Kconfig takes it: a variant may take
# back an option of config.fragment).
major_minor=$BASE
bad=0
while IFS= read -r line; do
	case $line in CONFIG_*=*) ;; *) continue ;; esac
	opt=${line%%=*}
	want=${line#*=}
	case $want in
	n) grep -q "^$opt=" "$B/.config" || continue ;;
	*) grep -qx "$opt=$want" "$B/.config" && continue ;;
	esac
	if awk -v k="$major_minor" -v o="$opt" \
		'$1 == k && $2 == o { found = 1 } END { exit !found }' \
		"$TOP/kernel/config.optional"; then
		log "note: $opt not set on $SERIES (listed in kernel/config.optional)"
	else
		log "$opt=$want requested but not set in .config"
		bad=1
	fi
done < <(awk -F= '/^CONFIG_[A-Za-z0-9_]*=/ {
		if (!($1 in last)) order[++n] = $1
		last[$1] = $0
	} END { for (i = 1; i <= n; i++) print last[order[i]] }' "$B/.ssm-fragment")
[ $bad = 0 ] || die "config fragment not honoured"

kmake -j"$JOBS" bzImage modules >&2
# Module.symvers makes modpost check our symbols against the real exports.
[ -f "$B/Module.symvers" ] || die "no Module.symvers"
[ -f "$B/arch/s390/boot/bzImage" ] || die "no bzImage"
kmake kernelrelease >"$B/.ssm-kernelrelease"
touch "$stamp"
# Trees of this source built from an older fragment are never used again.
for old in "$CACHE/build/$(basename "$SRC")${VARIANT:+-$VARIANT}"-*; do
	# another variant's tree ("<tree>-debug-<hash>") is not ours to remove
	[ -n "$VARIANT" ] || [[ ! $old =~ -[a-z]+-[0-9a-f]{12}$ ]] || continue
	[ "$old" = "$B" ] || [ ! -d "$old" ] || rm -rf "$old"
done
log "built in $(($(date +%s) - start)) s"
echo "$B"
