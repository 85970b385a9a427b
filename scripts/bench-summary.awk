#!/usr/bin/awk -f
# SPDX-License-Identifier: GPL-2.0
#
# make bench: the summary of one kernel's bench/results/<kernel>.csv
# (metric,method,param,unit,median,min,max,n), as README quotes it.
# Usage: scripts/bench-summary.awk bench/results/6.12.csv

BEGIN { FS = "," }
NR > 1 {
	k = $1 SUBSEP $2 SUBSEP $3
	med[k] = $5; lo[k] = $6; hi[k] = $7; cnt[k] = $8
	if ($1 == "memfree_drop" && $3 + 0 > maxp[$2] + 0) maxp[$2] = $3
	if ($1 == "online_ns" && $2 == "baseline") bp = $3
	if ($1 ~ /^scale_/) { sizes[$3] = 1; smethods[$2] = 1 }
}

function has(metric, method, param) { return (metric SUBSEP method SUBSEP param) in med }
function m(metric, method, param) { return med[metric SUBSEP method SUBSEP param] }
function ms(metric, method, param) {
	return has(metric, method, param) ? sprintf("%9.1f", m(metric, method, param) / 1e6) : sprintf("%9s", "-")
}
function range_ms(metric, method, param,    k) {
	k = metric SUBSEP method SUBSEP param
	if (!(k in med)) return sprintf("%-24s", "-")
	return sprintf("%-24s", sprintf("%.0f [%.0f-%.0f]", med[k] / 1e6, lo[k] / 1e6, hi[k] / 1e6))
}
# model_cell <metric> <method> <param> <base method>: "median [min-max]
# (ratio to the base)" in ms; a single value without its range
function model_cell(metric, x, p, base,    k, r) {
	k = metric SUBSEP x SUBSEP p
	if (!(k in med)) return "-"
	r = ratio(med[k], m(metric, base, p))
	if (cnt[k] == 1) return sprintf("%.0f (%s)", med[k] / 1e6, r)
	return sprintf("%.0f [%.0f-%.0f] (%s)", med[k] / 1e6, lo[k] / 1e6, hi[k] / 1e6, r)
}
function ratio(a, b) { return (b > 0 && a != "") ? sprintf("%.2f", a / b) : "-" }

END {
	# the test machine's runs alone (PARTS=model make bench)
	if (!(has("chmem_e_all_ns", "kernel", 60) || has("chmem_e_all_ns", "kernel-edat", 60)) ||
	    maxp["lazy"] || maxp["configure-memmap1"])
		guest_summary()
	model_summary("")
	model_summary("-m0")
	model_summary("-edat")
	incr_summary()
}

# guest_summary: the boots of tests/guest/bench.sh (main, scale, adopt)
function guest_summary(    n, mm, i, x, p, f, k, pt) {
	print ""
	print "System memory per GiB of standby memory (MemFree drop, median [min-max] of 5):"
	printf "  %-20s %-26s %11s %7s %s\n", "method", "MiB per GiB", "PageTables", "Slab",
		"without the page tables (EDAT-1)"
	n = split("lazy configure-memmap1 configure-memmap0 baseline upstream", mm, " ")
	for (i = 1; i <= n; i++) {
		x = mm[i]; p = maxp[x]
		if (!p) continue
		f = 1024 / p; k = "memfree_drop" SUBSEP x SUBSEP p
		pt = m("pagetables_delta", x, p)
		printf "  %-20s %-26s %8d kB %+4d kB %.2f MiB per GiB\n", x,
			sprintf("%.2f [%.2f-%.2f]", med[k] * f / 1024, lo[k] * f / 1024, hi[k] * f / 1024),
			pt * f, m("slab_delta", x, p) * f, (med[k] - pt) * f / 1024
	}
	print "  PageTables is TCG-only: QEMU's TCG has no EDAT-1, so the identity mapping and"
	print "  the vmemmap are mapped with 4 KiB pages, one 4 KiB page table per MiB:"
	print "  1024 (identity) + 16 (16 MiB of vmemmap) = 4160 kB per GiB. With EDAT-1 both"
	print "  are 1 MiB segments (arch/s390/mm/vmem.c modify_pmd_table()): no page tables."

	print ""
	printf "Time per %d MiB block, main boot (ms, median of 5):\n", bp
	printf "  %-20s %9s %9s %9s %9s\n", "method", "add", "online", "offline", "remove"
	n = split("lazy lazy-nocanary configure configure-nocanary baseline upstream", tm, " ")
	for (i = 1; i <= n; i++) {
		x = tm[i]
		if (!has("online_ns", x, bp)) continue
		printf "  %-20s %s %s %s %s\n", x, ms("add_ns", x, bp), ms("online_ns", x, bp),
			ms("offline_ns", x, bp), ms("remove_ns", x, bp)
	}
	printf "  the simulated firmware's canaries (on minus off): lazy online %+.1f, offline %+.1f; configure add %+.1f, online %+.1f, offline %+.1f, remove %+.1f\n",
		(m("online_ns", "lazy", bp) - m("online_ns", "lazy-nocanary", bp)) / 1e6,
		(m("offline_ns", "lazy", bp) - m("offline_ns", "lazy-nocanary", bp)) / 1e6,
		(m("add_ns", "configure", bp) - m("add_ns", "configure-nocanary", bp)) / 1e6,
		(m("online_ns", "configure", bp) - m("online_ns", "configure-nocanary", bp)) / 1e6,
		(m("offline_ns", "configure", bp) - m("offline_ns", "configure-nocanary", bp)) / 1e6,
		(m("remove_ns", "configure", bp) - m("remove_ns", "configure-nocanary", bp)) / 1e6
	nb = split("baseline upstream", bl, " ")
	for (j = 1; j <= nb; j++) {
		b = bl[j]
		if (!has("online_ns", b, bp)) continue
		bo = m("online_ns", b, bp); ba = m("add_ns", b, bp)
		printf "  ours without canaries / %s: online lazy %s, configure %s; add+online configure %s; offline lazy %s, configure %s\n",
			b, ratio(m("online_ns", "lazy-nocanary", bp), bo),
			ratio(m("online_ns", "configure-nocanary", bp), bo),
			ratio(m("add_ns", "configure-nocanary", bp) + m("online_ns", "configure-nocanary", bp), ba + bo),
			ratio(m("offline_ns", "lazy-nocanary", bp), m("offline_ns", b, bp)),
			ratio(m("offline_ns", "configure-nocanary", bp), m("offline_ns", b, bp))
	}

	ns = 0
	for (s in sizes) sz[++ns] = s + 0
	for (i = 2; i <= ns; i++) {	# sort the block counts
		x = sz[i]
		for (j = i - 1; j >= 1 && sz[j] > x; j--) sz[j + 1] = sz[j]
		sz[j + 1] = x
	}
	if (ns) {
		print ""
		print "Scale boot: every block added, onlined (ascending), offlined (descending), removed;"
		print "per block, ms, median [min-max] over the blocks (lazy: add = load / blocks, remove = unload / blocks):"
		printf "  %-20s %6s %10s %-24s %-24s %10s %9s\n", "method", "blocks", "add", "online",
			"offline", "remove", "offline s"
		n = split("lazy lazy-nocanary configure configure-nocanary baseline upstream", tm, " ")
		for (i = 1; i <= n; i++) {
			x = tm[i]
			if (!(x in smethods)) continue
			for (j = 1; j <= ns; j++) {
				p = sz[j]
				if (!has("scale_online_ns", x, p)) continue
				add = has("scale_load_ns", x, p) ? m("scale_load_ns", x, p) / p : m("scale_add_ns", x, p)
				rem = has("scale_unload_ns", x, p) ? m("scale_unload_ns", x, p) / p : m("scale_remove_ns", x, p)
				printf "  %-20s %6d %10.1f %-24s %-24s %10.1f %9.1f\n", x, p, add / 1e6,
					range_ms("scale_online_ns", x, p), range_ms("scale_offline_ns", x, p),
					rem / 1e6, m("scale_off_total_ns", x, p) / 1e9
			}
		}
		print ""
		print "The whole pass, seconds (lazy: add = the load, remove = the unload):"
		printf "  %-20s %6s %9s %9s %9s %9s\n", "method", "blocks", "add", "online", "offline", "remove"
		for (i = 1; i <= n; i++) {
			x = tm[i]
			if (!(x in smethods)) continue
			for (j = 1; j <= ns; j++) {
				p = sz[j]
				if (!has("scale_online_ns", x, p)) continue
				add = has("scale_load_ns", x, p) ? m("scale_load_ns", x, p) : m("scale_add_total_ns", x, p)
				rem = has("scale_unload_ns", x, p) ? m("scale_unload_ns", x, p) : m("scale_rem_total_ns", x, p)
				printf "  %-20s %6d %9.1f %9.1f %9.1f %9.1f\n", x, p, add / 1e9,
					m("scale_on_total_ns", x, p) / 1e9, m("scale_off_total_ns", x, p) / 1e9, rem / 1e9
			}
		}
		print ""
		print "Where an offline's time goes, per block (ms, median over the blocks):"
		printf "  %-20s %6s %9s %9s %9s %9s %9s %9s %9s %9s\n", "method", "blocks", "offline", "notifier",
			"firmware", "isolate", "free", "teardown", "after", "migrated"
		for (i = 1; i <= n; i++) {
			x = tm[i]
			if (!(x in smethods)) continue
			for (j = 1; j <= ns; j++) {
				p = sz[j]
				if (!has("scale_offline_ns", x, p)) continue
				printf "  %-20s %6d %s %s %s %s %s %s %s %9s\n", x, p, ms("scale_offline_ns", x, p),
					ms("scale_offline_notifier_ns", x, p), ms("scale_offline_firmware_ns", x, p),
					ms("scale_offline_isolate_ns", x, p), ms("scale_offline_free_ns", x, p),
					ms("scale_offline_teardown_ns", x, p), ms("scale_offline_after_ns", x, p),
					has("scale_offline_migrated_pages", x, p) ? m("scale_offline_migrated_pages", x, p) : "-"
			}
		}
		print ""
		print "Growth with the blocks in the zone (ms per block, least squares over the pass):"
		print "online against the blocks online before it, offline's teardown against those left:"
		printf "  %-20s %6s %9s %9s\n", "method", "blocks", "online", "teardown"
		for (i = 1; i <= n; i++) {
			x = tm[i]
			if (!(x in smethods)) continue
			for (j = 1; j <= ns; j++) {
				p = sz[j]
				if (!has("scale_online_slope_ns", x, p)) continue
				printf "  %-20s %6d %s %s\n", x, p, ms("scale_online_slope_ns", x, p),
					ms("scale_offline_teardown_slope_ns", x, p)
			}
		}
		p = sz[ns]
		print ""
		printf "The offline pass of %d blocks, seconds:\n", p
		printf "  %-20s %9s %9s %9s %9s %9s %9s %9s\n", "method", "offline", "notifier", "firmware",
			"isolate", "free", "teardown", "after"
		for (i = 1; i <= n; i++) {
			x = tm[i]
			if (!has("scale_off_total_ns", x, p)) continue
			printf "  %-20s %9.1f %9s %9s %9.1f %9.1f %9.1f %9.1f\n", x, m("scale_off_total_ns", x, p) / 1e9,
				has("scale_offline_notifier_total_ns", x, p) ? sprintf("%.1f", m("scale_offline_notifier_total_ns", x, p) / 1e9) : "-",
				has("scale_offline_firmware_total_ns", x, p) ? sprintf("%.1f", m("scale_offline_firmware_total_ns", x, p) / 1e9) : "-",
				m("scale_offline_isolate_total_ns", x, p) / 1e9, m("scale_offline_free_total_ns", x, p) / 1e9,
				m("scale_offline_teardown_total_ns", x, p) / 1e9, m("scale_offline_after_total_ns", x, p) / 1e9
		}
		print ""
		print "  offline: the state write, timed from user space. notifier: our notifier's events"
		print "  (ssm_notify), of which firmware: its unassign, the simulation's canary fill included"
		print "  (ssm_firmware). The kernel's phases, from the first memory notifier"
		print "  (ssm_bench_baseline) on the write's clock: isolate = write start to going-offline;"
		print "  free = going-offline to offline (migration, freeing the range); teardown = offline"
		print "  to finish-offline (zone and memmap); after = the last event to the write's end"
		print "  (the finish-offline notifiers: our unassign). migrated: pages (mm_migrate_pages)."
	}

	print ""
	print "Increments (canaries off): increment_size=256M against 1M (1024 over the standby GiB)"
	for (kk in med) {
		split(kk, a, SUBSEP)
		if (a[1] == "load_ns" && a[2] == "lazy-1M") lp = a[3]
		if (a[1] == "online_ns" && a[2] == "lazy-1M") op = a[3]
	}
	l256 = m("load_ns", "lazy-256M", lp); l1 = m("load_ns", "lazy-1M", lp)
	o256 = m("online_ns", "lazy-256M", op); o1 = m("online_ns", "lazy-1M", op)
	f256 = m("offline_ns", "lazy-256M", op); f1 = m("offline_ns", "lazy-1M", op)
	printf "  load %.1f ms vs %.1f ms (ratio %s); online %.1f vs %.1f ms (%s); offline %.1f vs %.1f ms (%s)\n",
		l256 / 1e6, l1 / 1e6, ratio(l1, l256), o256 / 1e6, o1 / 1e6, ratio(o1, o256),
		f256 / 1e6, f1 / 1e6, ratio(f1, f256)
	s = m("layout_ns_per_op", "model", 64); b = m("layout_ns_per_op", "model", 65535)
	printf "  increment model, ns per block operation: rnmax 64: %s, rnmax 65535: %s (ratio %s)\n", s, b, ratio(b, s)

	na = 0
	for (kk in med) {
		split(kk, a, SUBSEP)
		if (a[1] == "adopt_memfree_gain") { am[++na] = a[2]; ap[a[2]] = a[3] }
	}
	if (na) {
		print ""
		print "Taking over a stock kernel's standby blocks (adopt boot), system memory freed"
		print "per GiB taken over, MiB, median [min-max] of 5:"
		printf "  %-12s %-24s %s\n", "mode", "MemFree gained", "the load line says"
		for (i = 1; i <= na; i++) {
			x = am[i]; p = ap[x]; k = "adopt_memfree_gain" SUBSEP x SUBSEP p
			printf "  %-12s %-24s %.2f\n", x,
				sprintf("%.2f [%.2f-%.2f]", med[k] / 1024, lo[k] / 1024, hi[k] / 1024),
				m("adopt_said_freed", x, p) / 1024
		}
		print "  The kernel added them with the memmap in system memory (6.1; 6.8 to 6.18"
		print "  without EDAT-1, as under TCG): 16 MiB of struct pages per GiB go back."
	}

}

# incr_summary: tests/host/model-bench.sh with INCREMENT=1M and 256M, the
# same layout: what 256 assigns per block cost against one, for the
# kernel's own path and the module's
function incr_summary(    n, mm, i, x, a, b, metric, j, nm) {
	if (!has("chmem_e_1g_ns", "kernel-i1M", 4) || !has("chmem_e_1g_ns", "kernel-i256M", 4)) return
	print ""
	print "On the test machine, 1M against 256M increments (768 MiB boot memory, 2 GiB standby"
	print "memory in 4 elements, 8 blocks; memory_hotplug.memmap_on_memory=1): ms, median"
	print "(ratio of 1M to 256M: the price of 256 assigns per block against one):"
	printf "  %-10s %-28s %-28s %-28s %-28s\n", "method", "chmem -e 1G", "chmem -d 1G", "-e 8 blocks", "-d 8 blocks"
	n = split("kernel lazy configure", mm, " ")
	split("chmem_e_1g_ns chmem_d_1g_ns chmem_e_all_ns chmem_d_all_ns", metric, " ")
	for (i = 1; i <= n; i++) {
		if (!has("chmem_e_1g_ns", mm[i] "-i1M", 4)) continue
		printf "  %-10s", mm[i]
		for (j = 1; j <= 4; j++) {
			nm = (j <= 2) ? 4 : 8
			a = m(metric[j], mm[i] "-i1M", nm); b = m(metric[j], mm[i] "-i256M", nm)
			printf " %-28s", sprintf("%.0f / %.0f (%s)", a / 1e6, b / 1e6, ratio(a, b))
		}
		printf "\n"
	}
}

# model_summary <suffix>: the test machine's rows (tests/host/model-bench.sh),
# "" for the boot with the memmap on the module's blocks, "-m0" for the one
# with memory_hotplug.memmap_on_memory=0, "-edat" for the boot of 6.12-memmap
# (the kernel's own blocks with their memmap on the block, as on EDAT-1)
function model_summary(x0,    n, mm, i, x, k0) {
	k0 = "kernel" x0
	if (!has("chmem_e_all_ns", k0, 60)) return
	print ""
	if (x0 == "") {
		print "On the test machine (tests/host/model-bench.sh, QEMU with standby memory): the module"
		print "against the kernel's own path in one boot, the methods taking turns (rounds of kernel,"
		print "lazy, configure), 60 blocks of 256 MiB, 4 MiB increments,"
		print "memory_hotplug.memmap_on_memory=1 (the module's blocks carry their memmap; the"
		print "kernel's do not, TCG lacking EDAT-1); ms, median [min-max] (ratio to the kernel alone):"
	} else if (x0 == "-m0") {
		print "The same with memory_hotplug.memmap_on_memory=0 (every memmap in system memory):"
		print "the module's own cost, without moving the memmap onto the block:"
	} else {
		print "The same on 6.12-memmap, whose own blocks carry their memmap as 6.12 adds them on a"
		print "real machine (EDAT-1): the online and offline a real machine runs, for every method:"
	}
	printf "  %-14s %-30s %-30s %-14s %-14s\n", "method", "chmem -e 1G (4 blocks)", "chmem -d 1G",
		"-e 60 blocks", "-d 60 blocks"
	n = split("kernel lazy configure", mm, " ")
	for (i = 1; i <= n; i++) {
		x = mm[i] x0
		if (!has("chmem_e_all_ns", x, 60)) continue
		printf "  %-14s %-30s %-30s %-14s %-14s\n", x,
			model_cell("chmem_e_1g_ns", x, 4, k0), model_cell("chmem_d_1g_ns", x, 4, k0),
			model_cell("chmem_e_all_ns", x, 60, k0), model_cell("chmem_d_all_ns", x, 60, k0)
	}
	for (i = 2; i <= n; i++) {
		x = mm[i] x0
		if (!has("load_ns", x, 60)) continue
		printf "  %s: load (taking the 60 blocks over) %.0f ms, unload %.0f ms\n", x,
			m("load_ns", x, 60) / 1e6, m("unload_ns", x, 60) / 1e6
	}
	# the module's own notifier in its 60-block passes (traced), against
	# what the pass took beyond the kernel's own (medians)
	for (i = 2; i <= n; i++) {
		x = mm[i] x0
		if (!has("notifier_e_all_ns", x, 60)) continue
		printf "  %s, 60 blocks: -e %+.0f ms against the kernel's, of which its notifier %.0f ms, configure %.0f ms; -d %+.0f ms, notifier %.0f ms, deconfigure %.0f ms\n",
			x, (m("chmem_e_all_ns", x, 60) - m("chmem_e_all_ns", k0, 60)) / 1e6,
			m("notifier_e_all_ns", x, 60) / 1e6, m("config_e_all_ns", x, 60) / 1e6,
			(m("chmem_d_all_ns", x, 60) - m("chmem_d_all_ns", k0, 60)) / 1e6,
			m("notifier_d_all_ns", x, 60) / 1e6, m("config_d_all_ns", x, 60) / 1e6
	}
	printf "  MemFree, MiB: the kernel's blocks at boot %.0f", m("memfree_kb", k0, 60) / 1024
	for (i = 2; i <= n; i++)
		if (has("memfree_kb", mm[i] x0, 60))
			printf "; after the %s takeover %.0f (%+.2f MiB per GiB of standby)", mm[i],
				m("memfree_kb", mm[i] x0, 60) / 1024,
				(m("memfree_kb", mm[i] x0, 60) - m("memfree_kb", k0, 60)) / 1024 / 15
	printf "; the kernel's again after the unload %.0f\n", m("memfree_kb", "kernel-again" x0, 60) / 1024
	print "  configure: chmem -e configures (assign, add) and onlines, -d offlines and deconfigures;"
	print "  the kernel alone and lazy only online and offline blocks added at boot."
}
