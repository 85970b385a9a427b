#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Where the time of an online and an offline goes on the test machine:
# the kernel's own standby blocks against the module's (lazy mode, which
# takes them over), traced in one boot with the function graph tracer
# from device_online() and device_offline() down to DEPTH calls, and
# summed per function in the guest. 2 GiB of boot memory, 2 GiB of
# standby memory (8 blocks of 256 MiB, 4 MiB increments) all onlined and
# offlined with one chmem each, the two methods taking turns (ROUNDS).
#
# The tracer multiplies the time of what it traces (an online of 8
# blocks: about 10 s untraced, 26 s traced), most of all of functions
# called once per page: the sums say where the time goes and what runs
# more often for one method, not how long an untraced online takes
# (that is tests/host/model-bench.sh).
#
# Prints, per round, method and direction, lines "<tag> <us> <calls>
# <depth> <function>" (the 45 largest sums; depth as the tracer indents)
# and "<tag> lost <events>" (events the ring buffer dropped: 0, or the
# sums are short). Measurements only: nothing here passes or fails on a
# number.
#
# Kernels: 6.12-ftrace (the kernel's blocks with their memmap in system
# memory, as on TCG), 6.12-memmap (with the memmap on the block, as on a
# real machine: kernel/config.memmap.patch).
#
# Usage: [ROUNDS=2] [DEPTH=7] tests/host/model-ftrace.sh <6.12-ftrace|6.12-memmap>
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
KERNEL=${1:-6.12-memmap}
ROUNDS=${ROUNDS:-2}
DEPTH=${DEPTH:-7}
OUT=${OUT:-$TOP/build/model-ftrace-$KERNEL}
MOD=s390_standby_mem
BOOT=2048 STANDBY=2048

case $KERNEL in
6.12-ftrace | 6.12-memmap) ;;
*) echo "model-ftrace: no tracer in $KERNEL" >&2; exit 2 ;;
esac

# shellcheck source=tests/host/lib.sh
. "$TOP/tests/host/lib.sh"

model_qemu
kernel_module_initrd "$KERNEL"
boot "$B" "$work/initrd.gz" "standby-mem=${STANDBY}M,standby-elements=4,standby-increment=4M" \
	"${BOOT}M" memory_hotplug.memmap_on_memory=1
guest_up
ok "the guest boots on the model ($(console | grep -m1 -o 'Linux version [^ ]*'))"

guest_timeit
# the tracer: function_graph below device_online() and device_offline()
# shellcheck disable=SC2016
guest 'T=/sys/kernel/tracing; mount -t tracefs nodev $T 2>/dev/null; echo 0 >$T/tracing_on; echo function_graph >$T/current_tracer && echo device_online device_offline >$T/set_graph_function && echo '"$DEPTH"' >$T/max_graph_depth && echo funcgraph-tail >$T/trace_options && echo 65536 >$T/buffer_size_kb; echo "T""R $? $(cat $T/current_tracer)"'
check "the tracer is set up ($(said TR))" [ "$(said TR)" = "0 function_graph" ]
# sum <tag>: the trace summed per function. A line with a duration ends
# a call: "func();" or, with funcgraph-tail, "} /* func */".
# shellcheck disable=SC2016
AWK='/us +\|/ { for (i = 1; i <= NF; i++) if ($i == "us") { d = $(i - 1); break }; n = ""; if (match($0, /\/\* [A-Za-z0-9_.]+ \*\//)) n = substr($0, RSTART + 3, RLENGTH - 6); else if (match($0, /[A-Za-z0-9_.]+\(\);/)) n = substr($0, RSTART, RLENGTH - 3); if (n == "") next; s = substr($0, index($0, "|") + 1); sub(/[^ ].*/, "", s); tot[n] += d; cnt[n]++; dep[n] = length(s) } END { for (n in tot) printf "%s %d %d %d %s\n", t, tot[n], cnt[n], dep[n], n }'
guest "printf '%s\\n' '$AWK' >/tmp/sum.awk"
# shellcheck disable=SC2016
guest 'sum() { awk -v t="$1" -f /tmp/sum.awk $T/trace | sort -k2,2nr | head -45; echo "$1 lost $(cat $T/per_cpu/cpu*/stats | awk "/overrun/ { s += \$2 } END { print s }")"; }'

first_attach $((BOOT / 256))
# traced <tag>: all standby blocks online, then offline, each traced
traced() {
	guest "echo >\$T/trace; echo 1 >\$T/tracing_on; t $1-e chmem -e ${STANDBY}M -z Movable; echo 0 >\$T/tracing_on; sum $1-e; echo >\$T/trace; echo 1 >\$T/tracing_on; t $1-d chmem -d ${STANDBY}M; echo 0 >\$T/tracing_on; sum $1-d" 3600
	[ "$(said "$1-e lost") $(said "$1-d lost")" = "0 0" ]
	result $? "$1: traced, no event lost (online $(said "$1-e" | cut -d' ' -f1) ns, offline $(said "$1-d" | cut -d' ' -f1) ns)"
}
order="kernel lazy"
for r in $(seq 1 "$ROUNDS"); do
	for m in $order; do
		if [ "$m" = lazy ]; then
			guest "t L$r modprobe $MOD" 900
			traced "R$r-$m"
			guest "t U$r modprobe -r $MOD" 900
		else
			traced "R$r-$m"
		fi
	done
	order="${order#* } ${order%% *}"
done
check "no warning, oops or addressing exception in the run" eval '! warned'
finish
