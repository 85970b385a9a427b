# SPDX-License-Identifier: GPL-2.0
#
# Sourced in the guest by tests/host/model-bench.sh: the time the module
# spent in its memory notifier (its ssm_notify trace event, ns=) and in
# configure and deconfigure (ssm_config: assign and add_memory(),
# remove_memory() and unassign) over a stretch of work, so that a pass's
# time can be split into the module's and the rest.
#
# tron: start tracing both, the buffer empty
# troff <tag>: stop; prints "<tag> <notifier ns> <status>",
#              "<tag>-c <config ns> <status>" and "<tag>-n <events>
#              <status>" (the bench's "<tag> <ns> <status>"; status 1 when
#              the buffer lost events or none was seen)
NT=/sys/kernel/tracing
NT_EVENTS="ssm_notify ssm_config"

nt_events() {
	for _e in $NT_EVENTS; do
		echo "$1" >$NT/events/s390_standby_mem/$_e/enable
	done
}

tron() {
	echo 0 >$NT/tracing_on
	echo 4096 >$NT/buffer_size_kb
	nt_events 1
	: >$NT/trace
	echo 1 >$NT/tracing_on
}

troff() {
	echo 0 >$NT/tracing_on
	nt_events 0
	# "# entries-in-buffer/entries-written: 45/45   #P:2": none lost
	_lost=$(awk '/^# entries-in-buffer/ && match($0, /[0-9]+\/[0-9]+/) {
		split(substr($0, RSTART, RLENGTH), e, "/"); print e[2] - e[1] }' $NT/trace)
	awk -v t="$1" -v lost="${_lost:-1}" '
		function ns(    i) {
			for (i = 1; i <= NF; i++)
				if (index($i, "ns=") == 1)
					return substr($i, 4)
			return 0
		}
		/ ssm_notify: / { notify += ns(); n++ }
		/ ssm_config: / { config += ns(); n++ }
		END {
			bad = (n == 0 || lost != 0)
			printf "%s %.0f %d\n%s-c %.0f %d\n%s-n %d %d\n", t, notify, bad, t, config, bad, t, n, bad
		}' $NT/trace
}
