# SPDX-License-Identifier: GPL-2.0
#
# Find what must not be in a kernel log. Prints "<kind>|<first line>" per
# problem; kind is panic, oops/BUG, WARNING, sanitizer, lockdep, hang,
# allocation failure, firmware misuse, or known-lockdep for one upstream report we cannot avoid:
#
#   "possible circular locking dependency" between kn->active of a memory
#   block's sysfs state file and mem_hotplug_lock, whose stacks show both
#   sides: state_store() (a write of memoryN/state holds kn->active and
#   wants cpu_hotplug_lock/mem_hotplug_lock) and remove_memory() (which
#   removes the block's device, draining kn->active, under
#   mem_hotplug_lock: 6.8 to 7.3 alike). It needs the state file to be in
#   use at the moment its block is removed, whoever removes it. It cannot
#   deadlock: remove_memory() holds the device hotplug lock, which
#   state_store() only try-locks before it restarts the system call.
#   After any lockdep report lockdep switches itself off for the rest of
#   the boot; the host then says so, and the boot's lockdep check fails
#   unless the report was this one (see scripts/run-guest.sh).
#
# The s390 forms of a crash: die() prints "<what>: <code> ilc:<n> [#<n>]"
# ("Oops", "monitor event" for BUG(), "addressing exception",
# "specification exception", ...); BUG() also prints "kernel BUG at".
#
# Used by scripts/run-guest.sh (console) and clean_since (guest).

function finish() {
	pending = 0
	if (chain ~ /kn->active/ && chain ~ /mem_hotplug_lock/ &&
	    state_store && remove_memory)
		print "known-lockdep|" circ_line
	else
		print "lockdep|" circ_line
}
{
	line = $0
	if (line ~ /possible circular locking dependency detected/) {
		if (pending)
			finish()
		pending = 1; circ = NR; circ_line = line
		chain = ""; state_store = 0; remove_memory = 0; want = ""
		next
	}
	if (pending) {
		if (want == "chain") {
			# "Chain exists of:" is followed by the lock classes,
			# possibly over several lines, up to a blank line
			if (line ~ /^(\[[^]]*\] *)?$/ || line ~ /Possible unsafe/)
				want = ""
			else
				chain = chain " " line
		}
		if (line ~ /Chain exists of:/) want = "chain"
		if (line ~ /[^a-z_]state_store\+/) state_store = 1
		if (line ~ /[^a-z_](try_)?remove_memory\+/) remove_memory = 1
		if (line ~ /\*\*\* DEADLOCK \*\*\*/) deadlock_seen = NR
		# the report ends with the current task's stack after DEADLOCK
		if ((deadlock_seen && NR - deadlock_seen > 60) || NR - circ > 400)
			{ deadlock_seen = 0; finish() }
	}
	if (line ~ /Kernel panic/) print "panic|" line
	if (line ~ /Oops|BUG:|general protection|kernel BUG at/) print "oops/BUG|" line
	# s390 die(): "<what>: 0004 ilc:2 [#1] ..."
	if (line ~ /: [0-9a-f][0-9a-f][0-9a-f][0-9a-f] ilc:[0-9] \[#[0-9]+\]/)
		print "oops/BUG|" line
	if (line ~ /Unable to handle kernel (pointer dereference|paging request)/)
		print "oops/BUG|" line
	if (line ~ /WARNING:/) print "WARNING|" line
	if (line ~ /UBSAN:|KASAN:|kmemleak: .*new suspected memory leak|unreferenced object 0x/)
		print "sanitizer|" line
	if (line ~ /possible recursive locking|inconsistent lock state|suspicious RCU usage|DEBUG_LOCKS_WARN_ON|non-static key|lock held when returning|held lock freed|INFO: trying to register non-static key/)
		print "lockdep|" line
	# kmemleak switches itself off (and then finds nothing) after an
	# error of its own
	if (line ~ /Kernel memory leak detector disabled/)
		print "sanitizer|" line
	# "rcu_tasks detected stalls on tasks:", "rcu: INFO: rcu_sched
	# detected stalls on CPUs/tasks:"
	if (line ~ /INFO: task .* blocked|soft lockup|hard LOCKUP|rcu_sched self-detected|rcu: INFO|detected stalls on (CPUs|tasks)/)
		print "hang|" line
	# warn_alloc() prints no WARNING tag: "<comm>: page allocation
	# failure: order:N, mode:...". The one exception: the victim of an
	# OOM kill failing the allocation of the fault it was killed in, on
	# its way out (a test's control that is meant to be OOM-killed,
	# 18-daemon): once, right after its kill, for that process only.
	if (line ~ /Out of memory: Killed process [0-9]+ \(/) {
		victim = line
		sub(/.*Killed process [0-9]+ \(/, "", victim)
		sub(/\).*/, "", victim)
		next
	}
	if (line ~ /page allocation failure: order:/) {
		if (victim != "" && index(line, "] " victim ": page allocation failure: "))
			victim = ""
		else
			print "allocation failure|" line
	}
	if (line ~ /written while unassigned|refusing to unassign boot memory|while it owed [0-9]+ answers/)
		print "firmware misuse|" line
}
END {
	if (pending)
		finish()
}
