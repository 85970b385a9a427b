# SPDX-License-Identifier: GPL-2.0
#
# Find what must not be in a kernel log. Prints "<kind>|<first line>" per
# problem; kind is panic, oops/BUG, WARNING, lockdep, hang, firmware
# misuse, or known-lockdep for one upstream report we cannot avoid:
#
#   "possible circular locking dependency" whose chain is kn->active of a
#   memory block's sysfs file and mem_hotplug_lock, recorded in
#   try_remove_memory() -> remove_memory_blocks_and_altmaps(); lockdep
#   reports it from the remove side or from a later state write.
#   The kernel removes a block whose memmap lives on it (an altmap) under
#   mem_hotplug_lock (6.8 to 7.3 alike), so removing such a block while
#   someone reads or writes its state file gives this report, whoever
#   removes it. It cannot deadlock: remove_memory() holds the device
#   hotplug lock, and state_store() only try-locks it and restarts.
#   After any lockdep report lockdep switches itself off, so the host
#   counts each one and says so.
#
# Used by scripts/run-guest.sh (console) and clean_since (guest).

function finish() {
	pending = 0
	# Seen from either side: the remove path (kn->active wanted under
	# mem_hotplug_lock) or a state write (cpu_hotplug_lock wanted under
	# kn->active) after the remove path was recorded.
	if (altmaps && chain ~ /kn->active/ && chain ~ /mem_hotplug_lock/ &&
	    (acq held) ~ /kn->active/)
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
		acq = ""; held = ""; want = ""; altmaps = 0; chain = ""
		next
	}
	if (pending) {
		if (want == "acq") { acq = line; want = "" }
		else if (want == "held") { held = line; want = "" }
		else if (want == "chain") { chain = line; want = "" }
		if (line ~ /Chain exists of:/) want = "chain"
		if (line ~ /is trying to acquire lock:/) want = "acq"
		if (line ~ /but task is already holding lock:/) want = "held"
		if (line ~ /remove_memory_blocks_and_altmaps/) altmaps = 1
		if (line ~ /\*\*\* DEADLOCK \*\*\*/ || NR - circ > 150)
			finish()
	}
	if (line ~ /Kernel panic/) print "panic|" line
	if (line ~ /Oops|BUG:|general protection/) print "oops/BUG|" line
	if (line ~ /WARNING:/) print "WARNING|" line
	if (line ~ /possible recursive locking|inconsistent lock state|suspicious RCU usage|DEBUG_LOCKS_WARN_ON|non-static key|lock held when returning/)
		print "lockdep|" line
	if (line ~ /INFO: task .* blocked|soft lockup|hard LOCKUP|rcu_sched self-detected|rcu: INFO/)
		print "hang|" line
	if (line ~ /written while unassigned|refusing to unassign boot memory/)
		print "firmware misuse|" line
}
END {
	if (pending)
		finish()
}
