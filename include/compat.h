/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels we build for, in one place.
 *
 * Kbuild probes the target tree's headers (grep, the way
 * wireguard-linux-compat does) and passes SSM_HAVE_* flags; this header
 * maps them to one spelling, so the rest of the code is written once, as
 * if for a kernel that has everything. No LINUX_VERSION_CODE: a probe says
 * what the tree really has, distro backports included.
 *
 * SSM_HAVE_MEM_PREPARE_ONLINE	MEM_PREPARE_ONLINE / MEM_FINISH_OFFLINE
 *				(6.8 to 6.18)
 * SSM_HAVE_NOTIFY_ALTMAP	struct memory_notify altmap_start_pfn /
 *				altmap_nr_pages (6.8 to 6.18)
 * SSM_HAVE_MHP_OFFLINE_INACCESSIBLE  (6.8 to 6.18)
 * SSM_HAVE_MHP_MEMMAP_QUERY	bool mhp_supports_memmap_on_memory(void),
 *				exported (6.8 on)
 * SSM_HAVE_TIMER_DELETE_SYNC	timer_delete_sync() (6.2 on, 6.1 stable;
 *				del_timer_sync() before, gone in 6.15)
 * SSM_HAVE_TIMER_CONTAINER_OF	timer_container_of() (6.16 on; from_timer()
 *				before)
 * SSM_HAVE_MACHINE_HAS_EDAT1	MACHINE_HAS_EDAT1 (asm/setup.h, up to 6.x)
 * SSM_HAVE_CPU_HAS_EDAT1	cpu_has_edat1() (asm/cpufeature.h, 7.x)
 */
#ifndef SSM_COMPAT_H
#define SSM_COMPAT_H

#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/timer.h>
#ifdef CONFIG_S390
#include <asm/setup.h>
#ifdef SSM_HAVE_CPU_HAS_EDAT1
#include <asm/cpufeature.h>
#endif
#endif

#include "layout.h"

/* Lazy mode needs all three hooks: they came and went together. */
#if defined(SSM_HAVE_MEM_PREPARE_ONLINE) && defined(SSM_HAVE_NOTIFY_ALTMAP) && \
	defined(SSM_HAVE_MHP_OFFLINE_INACCESSIBLE)
#define SSM_LAZY_SUPPORTED	true
#define SSM_MHP_OFFLINE_INACCESSIBLE	MHP_OFFLINE_INACCESSIBLE
#else
#define SSM_LAZY_SUPPORTED	false
#define SSM_MHP_OFFLINE_INACCESSIBLE	MHP_NONE
#endif

/*
 * The kernel's own standby memory code: sclp_cmd.c's memory notifier up
 * to 6.18, sclp_mem.c from 6.19 (/sys/firmware/memory, no notifier).
 * No header names sclp_mem.c, but the change that brought it removed the
 * prepare-online hooks (6.8 to 6.18): a tree with the memmap query (6.8
 * on) and without them is one of sclp_mem.c.
 */
#if defined(SSM_HAVE_MHP_MEMMAP_QUERY) && !defined(SSM_HAVE_MEM_PREPARE_ONLINE)
#define SSM_KERNEL_SCLP_MEM	true
#else
#define SSM_KERNEL_SCLP_MEM	false
#endif

/*
 * EDAT-1 (1 MiB frames), as the target tree spells it. A tree with
 * neither spelling is one the probes do not know: failing the build beats
 * guessing "no EDAT-1", which would re-add the kernel's blocks with their
 * memmap in system memory (16 MiB per GiB) on every real machine.
 */
#if defined(SSM_HAVE_CPU_HAS_EDAT1)
#define ssm_cpu_has_edat1()	cpu_has_edat1()
#elif defined(SSM_HAVE_MACHINE_HAS_EDAT1)
#define ssm_cpu_has_edat1()	MACHINE_HAS_EDAT1
#elif defined(CONFIG_S390)
#error "no cpu_has_edat1() or MACHINE_HAS_EDAT1 in the tree: see Kbuild.probes"
#else
#define ssm_cpu_has_edat1()	false
#endif

#ifndef SSM_HAVE_TIMER_DELETE_SYNC
#define timer_delete_sync(t)	del_timer_sync(t)
#endif
#ifndef SSM_HAVE_TIMER_CONTAINER_OF
#define timer_container_of(var, timer, field)	from_timer(var, timer, field)
#endif

/**
 * ssm_compat_kernel_standby_flags() - how the kernel's own initcall adds
 *				       standby memory (sclp_cmd.c, 6.1-6.18)
 *
 * 6.8 to 6.18 put the memmap on the memory where the machine has EDAT-1
 * (every real one since z10; not QEMU's TCG), 6.1 never. The test bed's
 * 6.12-memmap kernel (kernel/config.memmap.patch) does as on EDAT-1
 * without it.
 *
 * Return: the add_memory() flags it uses, per block, on node 0.
 */
static inline mhp_t ssm_compat_kernel_standby_flags(void)
{
#ifdef SSM_HAVE_MEM_PREPARE_ONLINE
	if (ssm_cpu_has_edat1() ||
	    IS_ENABLED(CONFIG_TESTBED_SCLP_MEMMAP_ON_MEMORY))
		return MHP_MEMMAP_ON_MEMORY | MHP_OFFLINE_INACCESSIBLE;
#endif
	return MHP_NONE;
}

/* MEM_PREPARE_ONLINE and MEM_FINISH_OFFLINE exist (6.8 to 6.18). */
#ifdef SSM_HAVE_MEM_PREPARE_ONLINE
#define SSM_PREPARE_EVENTS	true
#else
#define SSM_PREPARE_EVENTS	false
#endif

/* Name of what lazy mode is missing on this kernel, for the refusal. */
#define SSM_LAZY_MISSING \
	"MEM_PREPARE_ONLINE/MEM_FINISH_OFFLINE notifiers and MHP_OFFLINE_INACCESSIBLE (kernels 6.8 to 6.18)"

/**
 * ssm_compat_memmap_on_memory() - can a block's memmap live on the block?
 *
 * Before 6.8 the query is not exported (and s390 cannot do it anyway).
 *
 * Return: true if add_memory() honours MHP_MEMMAP_ON_MEMORY.
 */
static inline bool ssm_compat_memmap_on_memory(void)
{
#ifdef SSM_HAVE_MHP_MEMMAP_QUERY
	return mhp_supports_memmap_on_memory();
#else
	return false;
#endif
}

/**
 * ssm_compat_mem_event() - translate a memory notifier action
 * @action: MEM_* (a bit in older kernels, an enum from 7.x: MEM_ONLINE is
 *	    0 there, so never test these as masks)
 * @ev: our event on success
 *
 * Return: false for an action we do not handle.
 */
static inline bool ssm_compat_mem_event(unsigned long action,
					enum ssm_event *ev)
{
	switch (action) {
#ifdef SSM_HAVE_MEM_PREPARE_ONLINE
	case MEM_PREPARE_ONLINE:
		*ev = SSM_EV_PREPARE_ONLINE;
		return true;
	case MEM_FINISH_OFFLINE:
		*ev = SSM_EV_FINISH_OFFLINE;
		return true;
#endif
	case MEM_GOING_ONLINE:
		*ev = SSM_EV_GOING_ONLINE;
		return true;
	case MEM_ONLINE:
		*ev = SSM_EV_ONLINE;
		return true;
	case MEM_CANCEL_ONLINE:
		*ev = SSM_EV_CANCEL_ONLINE;
		return true;
	case MEM_GOING_OFFLINE:
		*ev = SSM_EV_GOING_OFFLINE;
		return true;
	case MEM_OFFLINE:
		*ev = SSM_EV_OFFLINE;
		return true;
	case MEM_CANCEL_OFFLINE:
		*ev = SSM_EV_CANCEL_OFFLINE;
		return true;
	default:
		return false;
	}
}

/**
 * ssm_compat_notify_first_pfn() - first pfn of the block a notification is for
 * @action: the notifier action
 * @arg: struct memory_notify of the notification
 *
 * Where the kernel reports the memmap (altmap) range separately, the block
 * starts there; elsewhere start_pfn lies in the block anyway. The altmap
 * fields are filled in for MEM_PREPARE_ONLINE and MEM_FINISH_OFFLINE only:
 * online_pages() and offline_pages() leave them uninitialised on the stack
 * for every other event.
 *
 * Return: a pfn inside the block, at its start where the kernel tells.
 */
static inline unsigned long
ssm_compat_notify_first_pfn(unsigned long action,
			    const struct memory_notify *arg)
{
#ifdef SSM_HAVE_NOTIFY_ALTMAP
	if ((action == MEM_PREPARE_ONLINE || action == MEM_FINISH_OFFLINE) &&
	    arg->altmap_nr_pages)
		return arg->altmap_start_pfn;
#endif
	return arg->start_pfn;
}

#endif /* SSM_COMPAT_H */
