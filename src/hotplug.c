// SPDX-License-Identifier: GPL-2.0
/*
 * Standby memory blocks in and out of the kernel.
 *
 * This file adds and removes memory, and holds the memory notifier. Blocks
 * are added with
 * add_memory() into one static memory group (so the kernel's auto-movable
 * online policy accounts for them) and, where the kernel can, with their
 * memmap on the block itself (MHP_MEMMAP_ON_MEMORY): onlining then needs no
 * system memory.
 *
 * Lazy mode (6.8 to 6.18): every usable block is added at load, offline and
 * unassigned (MHP_OFFLINE_INACCESSIBLE). The notifier assigns its
 * increments on MEM_PREPARE_ONLINE, before the kernel initialises the
 * memmap on it, and unassigns them on MEM_FINISH_OFFLINE, after the memmap
 * is torn down.
 *
 * Configure mode (every kernel): a block is assigned and then added when
 * configured, removed and then unassigned when deconfigured; the notifier
 * only refuses to online a block that is not assigned.
 *
 * Beside the kernel's own SCLP memory notifier (kernels 6.1 to 6.18 on a
 * machine with standby memory), that notifier assigns a block's increments
 * on the way online and unassigns them on the way offline, before ours
 * runs: configure then only adds (with MHP_OFFLINE_INACCESSIBLE where the
 * memmap lives on the block, so nothing touches it before it is online)
 * and deconfigure only removes, and our notifier checks firmware after the
 * kernel's in every mode (layout.c).
 *
 * Locking (see struct ssm): add_memory() and remove_memory() take the
 * device hotplug lock themselves and our notifier runs under it, so
 * s->lock is dropped around them; the block is held in ADDING or REMOVING
 * meanwhile, and s->config_lock keeps other configure/deconfigure/unload
 * paths away. The module learns a block's online state only from its own
 * notifier (find_memory_block() is not exported), and relies on
 * remove_memory() refusing online blocks.
 */
#define pr_fmt(fmt) "s390_standby_mem: " fmt

#include <linux/kernel.h>
#include <linux/bitmap.h>
#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/ioport.h>
#include <linux/kallsyms.h>
#include <linux/ktime.h>
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/string.h>

#include "compat.h"
#include "hotplug.h"
#include "layout.h"
#include "ssm.h"
#include "ssm_trace.h"

/*
 * Run after every other memory notifier: once we have assigned on
 * prepare-online, nobody after us can veto that event and leave the
 * assignment behind. Beside the kernel's SCLP memory notifier (registered
 * at the default priority 0) this also makes ours see each event after it:
 * the order is fixed by priority, not by luck.
 */
#define SSM_NOTIFIER_PRI	-100

/*
 * The kernel's own SCLP memory notifier, as 6.1 to 6.18 name it
 * (drivers/s390/char/sclp_cmd.c), in sprint_symbol()'s "name+off/size".
 */
#define SSM_KERNEL_NOTIFIER	"sclp_mem_notifier+"

static int ssm_probe_notifier(struct notifier_block *nb, unsigned long action,
			      void *arg)
{
	return NOTIFY_DONE;
}

static struct notifier_block ssm_probe_nb = {
	.notifier_call = ssm_probe_notifier,
	.priority = INT_MAX,
};

/**
 * ssm_hotplug_kernel_notifier() - is the kernel's SCLP memory notifier there
 *
 * Kernels 6.1 to 6.18 register it only when their initcall read every
 * storage element's information (sclp_detect_standby_memory()): where a
 * read failed at boot, firmware still reports the standby memory facility
 * but nobody assigns an increment before its block goes online. The memory
 * notifier chain is not exported, so a probe of the highest priority goes
 * first into it, the entries after it are named by kallsyms, and the probe
 * leaves again. The chain's lock is not ours to take: only a notifier
 * unregistered in the instant we read could go away under us. The
 * kernel's own memory notifiers are built in and never unregistered; of
 * the modules, only virtio_mem registers one (on s390 not in 6.12, in 7.3).
 *
 * Return: 1 if it is registered, 0 if not, -EOPNOTSUPP without kallsyms
 * (which could not name it), or register_memory_notifier()'s error.
 */
int ssm_hotplug_kernel_notifier(void)
{
	char name[KSYM_SYMBOL_LEN];
	struct notifier_block *nb;
	int found = 0, rc;

	if (!IS_ENABLED(CONFIG_KALLSYMS))
		return -EOPNOTSUPP;
	rc = register_memory_notifier(&ssm_probe_nb);
	if (rc)
		return rc;
	for (nb = rcu_dereference_raw(ssm_probe_nb.next); nb && !found;
	     nb = rcu_dereference_raw(nb->next)) {
		sprint_symbol(name, (unsigned long)nb->notifier_call);
		found = str_has_prefix(name, SSM_KERNEL_NOTIFIER) ? 1 : 0;
	}
	unregister_memory_notifier(&ssm_probe_nb);
	return found;
}

struct ssm_range {
	u64 start, end;		/* inclusive end, for printing */
};

static struct ssm_range ssm_block_range(const struct ssm *s,
					unsigned long block)
{
	u64 start = ssm_block_to_phys(&s->layout, block);

	return (struct ssm_range){ start, start + s->layout.block_size - 1 };
}

/**
 * ssm_hotplug_memmap_cost_per_gib() - system memory the memmap of 1 GiB
 *				       costs when it cannot live on the block
 *
 * Return: bytes.
 */
u64 ssm_hotplug_memmap_cost_per_gib(void)
{
	return (SZ_1G / PAGE_SIZE) * sizeof(struct page);
}

/**
 * ssm_hotplug_geometry() - memory block size and where memory may be added
 * @block_size: memory block size in bytes
 * @pluggable: physical range add_memory() accepts (with a direct mapping)
 */
void ssm_hotplug_geometry(u64 *block_size, struct range *pluggable)
{
	*block_size = memory_block_size_bytes();
	*pluggable = mhp_get_pluggable_range(true);
}

static mhp_t ssm_add_flags(const struct ssm *s, unsigned long block)
{
	mhp_t flags = MHP_NID_IS_MGID;

	if (!test_bit(block - s->layout.first_block, s->memmap))
		return flags;
	flags |= MHP_MEMMAP_ON_MEMORY;
	/*
	 * Unassigned until its online: the kernel must not initialise the
	 * memmap on the block before then.
	 */
	if (ssm_layout_assign_on_online(&s->layout))
		flags |= SSM_MHP_OFFLINE_INACCESSIBLE;
	return flags;
}

/* Is some of [@start, @start + @size) System RAM (online or offline)? */
static bool ssm_system_ram(phys_addr_t start, u64 size)
{
	return region_intersects(start, size, IORESOURCE_SYSTEM_RAM,
				 IORES_DESC_NONE) != REGION_DISJOINT;
}

/**
 * ssm_hotplug_block_present() - does the kernel present this block?
 * @s: the module
 * @block: block index within the layout
 *
 * A block the kernel booted with (or one we added) holds System RAM; one
 * beyond mem= holds none, even where firmware has it assigned.
 *
 * Return: true if some of the block is System RAM.
 */
bool ssm_hotplug_block_present(const struct ssm *s, unsigned long block)
{
	struct ssm_range r = ssm_block_range(s, block);

	return ssm_system_ram(r.start, s->layout.block_size);
}

/* Was the block added after boot, not from the boot memory map? */
static bool ssm_block_hot_added(const struct ssm *s, unsigned long block)
{
	unsigned long pfn = PHYS_PFN(ssm_block_to_phys(&s->layout, block));
	struct mem_section *ms = __pfn_to_section(pfn);

	return ms && present_section(ms) && !early_section(ms);
}

/* Is some of the increment System RAM (online or offline)? */
static bool ssm_incr_system_ram(const struct ssm_layout *l, u32 rn)
{
	return ssm_system_ram(ssm_rn_to_phys(l, rn), l->rzm);
}

/**
 * ssm_hotplug_unmask_standby() - standby memory and boot memory by where
 *				  the kernel got them, not by firmware
 * @s: the module, layout discovered, not finalised
 *
 * Firmware tells assigned from unassigned, not boot memory from standby
 * memory. Boot memory comes from the boot memory map (early sections);
 * the kernel's initcall adds standby memory afterwards (hot-added ones).
 * Standby memory the kernel added at boot and someone onlined since is
 * assigned, like boot memory: it is ours to take over online. A boot
 * block someone took offline is unassigned, like standby memory, when
 * the kernel's notifier (6.1 to 6.18) gave its increments back: it stays
 * the kernel's, boot memory is never removed. Of a boot block only what
 * is System RAM is boot memory: where boot memory ends inside a block
 * (mem= or firmware's layout), the rest of it is standby memory all the
 * same (no block of ours: it is not usable).
 */
void ssm_hotplug_unmask_standby(struct ssm *s)
{
	struct ssm_layout *l = &s->layout;
	unsigned long block;
	u32 rn, first, last;
	bool hot;

	for (block = l->first_block; block < ssm_last_block(l); block++) {
		if (!ssm_hotplug_block_present(s, block))
			continue;
		hot = ssm_block_hot_added(s, block);
		ssm_layout_block_rns(l, block, &first, &last);
		for (rn = first; rn <= last; rn++) {
			if (hot)
				ssm_layout_set_standby(l, rn);
			else if (ssm_incr_system_ram(l, rn))
				ssm_layout_set_foreign(l, rn);
		}
	}
}

/**
 * ssm_hotplug_busy_blocks() - blocks of ours already present as System RAM
 * @s: the module, layout finalised, nothing added yet
 *
 * Return: how many of our blocks someone else added already.
 */
unsigned long ssm_hotplug_busy_blocks(struct ssm *s)
{
	const struct ssm_layout *l = &s->layout;
	unsigned long block, busy = 0;

	for (block = l->first_block; block < ssm_last_block(l); block++)
		if (ssm_block_is_ours(l, block) &&
		    ssm_hotplug_block_present(s, block))
			busy++;
	return busy;
}

/*
 * Add one block that is in ADDING, without s->lock (add_memory() takes the
 * device hotplug lock and may run our notifier). Return add_memory()'s
 * result; the caller settles the state.
 */
static int ssm_add_block(struct ssm *s, unsigned long block, mhp_t flags)
{
	struct ssm_range r = ssm_block_range(s, block);
	u64 t0 = ktime_get_ns();
	int rc;

	lockdep_assert_not_held(&s->lock);
	rc = add_memory(s->mgid, r.start, s->layout.block_size, flags);
	trace_ssm_config(block, r.start, s->layout.block_size, true, rc,
			 ktime_get_ns() - t0);
	/* backend=sim: firmware marks what the kernel maps now, unassigned */
	if (!rc && s->fw_checkpoint)
		s->fw_checkpoint(s);
	return rc;
}

/* Remove one block that is in REMOVING, without s->lock. */
static int ssm_remove_block(struct ssm *s, unsigned long block, bool online)
{
	struct ssm_range r = ssm_block_range(s, block);
	u64 t0 = ktime_get_ns();
	int rc;

	lockdep_assert_not_held(&s->lock);
	/*
	 * remove_memory() refuses a block that is online (-EBUSY); only the
	 * unload path asks to offline first.
	 */
	if (online)
		rc = offline_and_remove_memory(r.start, s->layout.block_size);
	else
		rc = remove_memory(r.start, s->layout.block_size);
	trace_ssm_config(block, r.start, s->layout.block_size, false, rc,
			 ktime_get_ns() - t0);
	return rc;
}

static void ssm_log_memmap(const struct ssm *s, unsigned long block,
			   const char *what)
{
	struct ssm_range r = ssm_block_range(s, block);
	bool memmap = test_bit(block - s->layout.first_block, s->memmap);

	pr_info("memory block %lu [0x%llx-0x%llx]: %s (memmap %s)\n", block,
		r.start, r.end, what,
		memmap ? "on the block" : "in system memory");
}

/*
 * As upstream: storage elements attached since load, attached now.
 * Beside the kernel's notifier never: it attaches every element its own
 * list has unattached at each memory event, then assigns. One we attached
 * stays unattached in its list, so it would attach it again at every
 * event; and the increments an attach lists (which we would unassign) may
 * be those of a block it is bringing online.
 */
static void ssm_attach_late(struct ssm *s)
{
	if (!s->layout.shared)
		ssm_client_attach_all(&s->client, &s->layout);
}

/**
 * ssm_hotplug_configure() - assign a standby block, then add it
 * @s: the module
 * @block: one of our blocks
 *
 * Beside the kernel's notifier only the add: it assigns on the way
 * online.
 *
 * Return: 0 (also when configured already), -EBUSY while it is being
 * deconfigured, -EIO when firmware failed (the detail is logged), or the
 * error of add_memory(); on error the block is deconfigured and unassigned.
 */
int ssm_hotplug_configure(struct ssm *s, unsigned long block)
{
	struct ssm_layout *l = &s->layout;
	struct ssm_range r = ssm_block_range(s, block);
	bool assign = !ssm_layout_assign_on_online(l);
	enum ssm_block_state state;
	int rc = 0;

	mutex_lock(&s->config_lock);
	mutex_lock(&s->lock);
	state = ssm_block_state(l, block);
	if (state != SSM_BLOCK_STANDBY) {
		rc = state == SSM_BLOCK_REMOVING ? -EBUSY : 0;
		goto out_unlock;
	}
	ssm_attach_late(s);
	if (assign)
		rc = ssm_layout_block_acquire(l, block, &ssm_client_fw_ops,
					      &s->client);
	if (rc) {
		pr_warn("memory block %lu [0x%llx-0x%llx]: configure failed: assign: %d\n",
			block, r.start, r.end, rc);
		rc = -EIO;	/* the detail is in the log, as upstream */
		goto out_unlock;
	}
	ssm_layout_set_block_state(l, block, SSM_BLOCK_ADDING);
	mutex_unlock(&s->lock);

	rc = ssm_add_block(s, block, ssm_add_flags(s, block));

	mutex_lock(&s->lock);
	if (rc) {
		ssm_layout_set_block_state(l, block, SSM_BLOCK_STANDBY);
		if (assign)
			ssm_layout_block_release(l, block, &ssm_client_fw_ops,
						 &s->client);
		pr_warn("memory block %lu [0x%llx-0x%llx]: configure failed: add_memory: %d%s\n",
			block, r.start, r.end, rc,
			assign ? ", assignment rolled back" : "");
		goto out_unlock;
	}
	/* An auto-online inside add_memory() may have moved it on already. */
	if (ssm_block_state(l, block) == SSM_BLOCK_ADDING)
		ssm_layout_set_block_state(l, block, SSM_BLOCK_OFFLINE);
	ssm_log_memmap(s, block, "configured");
out_unlock:
	mutex_unlock(&s->lock);
	mutex_unlock(&s->config_lock);
	return rc;
}

/*
 * Module references. An online must not complete while the module is on
 * its way out: the unload could not take the block back. So a block holds
 * a reference on the module from the start of its online to the end of
 * its offline (ONLINING, ONLINE, OFFLINING: "pinned"). The reference is
 * taken with try_module_get() when an online starts, which fails once
 * delete_module() has decided to unload (the online is then refused), and
 * otherwise makes delete_module() refuse until the block is offline again.
 * ssm_pin() is the one place references are taken and dropped.
 */
static bool ssm_state_pinned(enum ssm_block_state state)
{
	return state == SSM_BLOCK_ONLINING || state == SSM_BLOCK_ONLINE ||
	       state == SSM_BLOCK_OFFLINING;
}

/* Settle a block's reference: it had one (@had), it needs one (@needs). */
static void ssm_pin(bool had, bool needs)
{
	if (had && !needs)
		module_put(THIS_MODULE);
	else if (!had && needs)
		__module_get(THIS_MODULE);	/* online without a start seen */
}

static bool ssm_online_starts(enum ssm_event ev)
{
	return ev == SSM_EV_PREPARE_ONLINE || ev == SSM_EV_GOING_ONLINE;
}

/*
 * Beside the kernel's notifier: an online it failed (one of its assigns
 * refused) leaves the increments it assigned before and after assigned,
 * 6.8 to 6.18 (no finish-offline follows a failed prepare-online), and we
 * hear of none of it. A block we remove without holding it gets them
 * back to firmware now, rather than at unload.
 */
static void ssm_sweep_block(struct ssm *s, unsigned long block)
{
	struct ssm_range r = ssm_block_range(s, block);
	unsigned long n;

	n = ssm_layout_block_sweep(&s->layout, block, &ssm_client_fw_ops,
				   &s->client);
	if (n)
		pr_info("memory block %lu [0x%llx-0x%llx]: %lu %s a failed online left assigned given back\n",
			block, r.start, r.end, n, n == 1 ? "increment" : "increments");
}

/*
 * Remove an offline block and give its increments back; caller holds
 * config_lock and s->lock, the block is in OFFLINE (or ONLINE when
 * unloading). Drops and retakes s->lock.
 */
static int ssm_remove_and_release(struct ssm *s, unsigned long block)
{
	struct ssm_layout *l = &s->layout;
	struct ssm_range r = ssm_block_range(s, block);
	enum ssm_block_state prev = ssm_block_state(l, block);
	bool held;
	int rc;

	ssm_layout_set_block_state(l, block, SSM_BLOCK_REMOVING);
	mutex_unlock(&s->lock);

	rc = ssm_remove_block(s, block, prev == SSM_BLOCK_ONLINE);

	mutex_lock(&s->lock);
	/*
	 * Beside the kernel's notifier an online that raced with us was let
	 * go on (it had assigned already): the block is online now. The
	 * unload takes it back offline; a deconfigure reports -EBUSY.
	 */
	if (rc == -EBUSY && l->closing &&
	    ssm_block_state(l, block) == SSM_BLOCK_ONLINE) {
		prev = SSM_BLOCK_ONLINE;
		ssm_layout_set_block_state(l, block, SSM_BLOCK_REMOVING);
		mutex_unlock(&s->lock);
		rc = ssm_remove_block(s, block, true);
		mutex_lock(&s->lock);
	}
	if (rc) {
		/* unless the notifier moved it meanwhile (that racing online) */
		if (ssm_block_state(l, block) == SSM_BLOCK_REMOVING)
			ssm_layout_set_block_state(l, block, prev);
		pr_warn("memory block %lu [0x%llx-0x%llx]: remove failed: %d, block kept\n",
			block, r.start, r.end, rc);
		return rc;
	}
	if (prev == SSM_BLOCK_ONLINE) {
		/* Offlined while REMOVING: the notifier left the pin to us. */
		l->pins--;
		ssm_pin(true, false);
	}
	clear_bit(block - l->first_block, s->kernel_added);
	ssm_layout_set_block_state(l, block, SSM_BLOCK_STANDBY);
	held = ssm_layout_block_held(l, block);
	rc = ssm_layout_block_release(l, block, &ssm_client_fw_ops, &s->client);
	if (rc) {
		pr_warn("memory block %lu [0x%llx-0x%llx]: removed, but unassign failed: %d; retried later\n",
			block, r.start, r.end, rc);
		rc = -EIO;
	}
	if (l->shared && !held)
		ssm_sweep_block(s, block);
	return rc;
}

/**
 * ssm_hotplug_deconfigure() - remove an offline block, then unassign it
 * @s: the module
 * @block: one of our blocks
 *
 * Return: 0 (also when deconfigured already), -EBUSY unless the block is
 * configured and offline, the error of remove_memory() (block kept), or
 * -EIO when firmware failed to take the increments back (block removed,
 * increments kept assigned and retried; the detail is logged).
 */
int ssm_hotplug_deconfigure(struct ssm *s, unsigned long block)
{
	struct ssm_layout *l = &s->layout;
	enum ssm_block_state state;
	int rc;

	mutex_lock(&s->config_lock);
	mutex_lock(&s->lock);
	ssm_attach_late(s);
	state = ssm_block_state(l, block);
	if (state == SSM_BLOCK_STANDBY)
		rc = 0;
	else if (state != SSM_BLOCK_OFFLINE)
		rc = -EBUSY;
	else
		rc = ssm_remove_and_release(s, block);
	if (!rc && state == SSM_BLOCK_OFFLINE)
		ssm_log_memmap(s, block, "deconfigured");
	mutex_unlock(&s->lock);
	mutex_unlock(&s->config_lock);
	return rc;
}

/**
 * ssm_hotplug_set_memmap() - choose where a block's memmap goes
 * @s: the module
 * @block: one of our blocks
 * @on: on the block itself
 *
 * Return: 0, -EOPNOTSUPP if the kernel cannot put it there, -EBUSY unless
 * the block is deconfigured.
 */
int ssm_hotplug_set_memmap(struct ssm *s, unsigned long block, bool on)
{
	int rc = 0;

	if (on && !ssm_compat_memmap_on_memory())
		return -EOPNOTSUPP;
	mutex_lock(&s->config_lock);
	mutex_lock(&s->lock);
	if (ssm_block_state(&s->layout, block) != SSM_BLOCK_STANDBY)
		rc = -EBUSY;
	else
		assign_bit(block - s->layout.first_block, s->memmap, on);
	mutex_unlock(&s->lock);
	mutex_unlock(&s->config_lock);
	return rc;
}

/**
 * ssm_hotplug_add_all() - lazy mode: add every usable block, unassigned
 * @s: the module
 *
 * A block that cannot be added (its range is busy, add_memory() fails)
 * stays standby and unused; the load goes on. Where the kernel onlines
 * added memory on its own (memhp_default_state=online, auto_online_blocks),
 * each block goes online inside add_memory(), assigned by the notifier as
 * any online is: lazy mode then follows that policy, as the kernel's own
 * standby memory support does, and says so.
 */
void ssm_hotplug_add_all(struct ssm *s)
{
	struct ssm_layout *l = &s->layout;
	unsigned long block, onlined = 0;
	int rc;

	mutex_lock(&s->config_lock);
	for (block = l->first_block; block < ssm_last_block(l); block++) {
		struct ssm_range r = ssm_block_range(s, block);

		mutex_lock(&s->lock);
		if (ssm_block_state(l, block) != SSM_BLOCK_STANDBY) {
			mutex_unlock(&s->lock);
			continue;
		}
		ssm_layout_set_block_state(l, block, SSM_BLOCK_ADDING);
		mutex_unlock(&s->lock);

		rc = ssm_hotplug_block_present(s, block) ? -EBUSY :
			ssm_add_block(s, block, ssm_add_flags(s, block));

		mutex_lock(&s->lock);
		if (rc) {
			ssm_layout_set_block_state(l, block, SSM_BLOCK_STANDBY);
			pr_warn("memory block %lu [0x%llx-0x%llx]: not added: %d\n",
				block, r.start, r.end, rc);
		} else if (ssm_block_state(l, block) == SSM_BLOCK_ADDING) {
			ssm_layout_set_block_state(l, block, SSM_BLOCK_OFFLINE);
		} else {
			onlined++;	/* the kernel's auto-online policy */
		}
		mutex_unlock(&s->lock);
	}
	mutex_unlock(&s->config_lock);
	if (onlined)
		pr_info("the kernel onlines added memory on its own (auto_online_blocks): %lu standby %s went online at load; mode=configure adds only what is configured\n",
			onlined, onlined == 1 ? "block" : "blocks");
}

/*
 * Adoption: blocks of our standby memory the kernel's own initcall added
 * at boot (6.1 to 6.18 without mem=), found at load. An offline one is
 * removed (on 6.1 its memmap, in system memory, goes back to it) and is
 * ours like any other: lazy mode adds it again with our flags and memory
 * group, configure mode shows it deconfigured. An online one stays as it
 * is: its increments are assigned (the kernel's notifier did that), it is
 * configured and pins the module, and it is ours to deconfigure once
 * offline. One that goes online while we look is adopted online, never
 * half taken: remove_memory() takes the device hotplug lock an online
 * holds and refuses a block that is online (-EBUSY).
 */
static bool ssm_block_online(const struct ssm *s, unsigned long block)
{
	return pfn_to_online_page(PHYS_PFN(ssm_block_to_phys(&s->layout,
							      block)));
}

/*
 * Take over a block that looked online, under s->lock: no online or
 * offline gets past our notifier meanwhile. Its increments must be
 * assigned (the kernel's notifier did that) and it must still be online
 * after firmware was read: the kernel unassigns only once the pages are
 * offline, so what was read is the online's. Return -EAGAIN when it went
 * offline meanwhile, nothing held and nothing assigned by us.
 */
static int ssm_adopt_online(struct ssm *s, unsigned long block)
{
	struct ssm_layout *l = &s->layout;
	int rc;

	lockdep_assert_held(&s->lock);
	rc = ssm_layout_block_adopt(l, block, &ssm_client_fw_ops, &s->client);
	if (rc)
		return rc;
	if (!ssm_block_online(s, block)) {
		ssm_layout_block_disown(l, block);
		return -EAGAIN;
	}
	ssm_layout_set_block_state(l, block, SSM_BLOCK_ONLINE);
	l->pins++;
	ssm_pin(false, true);
	return 0;
}

/* A block can go on and off while we look; after this many, let it be. */
#define SSM_ADOPT_TRIES		8

/*
 * Testing only (test_adopt_delay_ms): once per load, right after the
 * takeover found its first block's state, room for an online or offline
 * to run into.
 */
static void ssm_adopt_test_delay(struct ssm *s)
{
	if (!s->adopt_delay_ms)
		return;
	msleep(s->adopt_delay_ms);
	s->adopt_delay_ms = 0;
}

static int ssm_adopt_block(struct ssm *s, unsigned long block, bool *online)
{
	struct ssm_layout *l = &s->layout;
	struct ssm_range r = ssm_block_range(s, block);
	int rc, tries;

	lockdep_assert_not_held(&s->lock);
	for (tries = 0; tries < SSM_ADOPT_TRIES; tries++) {
		*online = ssm_block_online(s, block);
		ssm_adopt_test_delay(s);
		if (!*online) {
			/* waits for an offline in progress; refuses an online */
			rc = remove_memory(r.start, l->block_size);
			if (rc != -EBUSY)
				return rc;
			*online = true;		/* it went online meanwhile */
		}
		mutex_lock(&s->lock);
		rc = ssm_adopt_online(s, block);
		mutex_unlock(&s->lock);
		if (rc != -EAGAIN)
			return rc;
	}
	return -EBUSY;
}

/**
 * ssm_hotplug_adopt() - take over the standby blocks the kernel added
 * @s: the module, notifier registered, nothing added by us yet
 * @nr_online: how many of them were online
 *
 * Return: the number of blocks taken over.
 */
unsigned long ssm_hotplug_adopt(struct ssm *s, unsigned long *nr_online)
{
	struct ssm_layout *l = &s->layout;
	unsigned long block, n = 0;
	bool online;
	int rc;

	*nr_online = 0;
	mutex_lock(&s->config_lock);
	for (block = l->first_block; block < ssm_last_block(l); block++) {
		if (ssm_block_state(l, block) != SSM_BLOCK_STANDBY ||
		    !ssm_hotplug_block_present(s, block))
			continue;
		rc = ssm_adopt_block(s, block, &online);
		if (rc) {
			pr_warn("memory block %lu: not taken over from the kernel: %d\n",
				block, rc);
			continue;
		}
		set_bit(block - l->first_block, s->adopted);
		if (online)
			set_bit(block - l->first_block, s->kernel_added);
		n++;
		*nr_online += online;
	}
	/* What a failed online of the kernel's left assigned, back now. */
	mutex_lock(&s->lock);
	ssm_layout_sweep(l, &ssm_client_fw_ops, &s->client);
	mutex_unlock(&s->lock);
	mutex_unlock(&s->config_lock);
	return n;
}

/*
 * Unload: adopted blocks we no longer have added go back to the kernel as
 * its initcall had them (its flags, node 0, offline); config_lock held,
 * s->lock not (an auto-online may run our notifier).
 */
static void ssm_give_back_adopted(struct ssm *s)
{
	struct ssm_layout *l = &s->layout;
	unsigned long i, n = 0, online = 0;
	u64 start;
	int rc;

	for_each_set_bit(i, s->adopted, l->nr_blocks) {
		start = ssm_block_to_phys(l, l->first_block + i);
		if (ssm_hotplug_block_present(s, l->first_block + i))
			continue;
		rc = add_memory(0, start, l->block_size,
				ssm_compat_kernel_standby_flags());
		if (rc) {
			pr_warn("memory block %lu: cannot give it back to the kernel: %d\n",
				l->first_block + i, rc);
			continue;
		}
		n++;
		online += ssm_block_online(s, l->first_block + i);
	}
	if (n && !online)
		pr_info("gave %lu standby %s back to the kernel as it had added %s (offline)\n",
			n, n == 1 ? "block" : "blocks", n == 1 ? "it" : "them");
	else if (n)
		pr_info("gave %lu standby %s back to the kernel as it had added %s: %lu went online (the kernel's auto_online_blocks)\n",
			n, n == 1 ? "block" : "blocks", n == 1 ? "it" : "them",
			online);
	bitmap_zero(s->adopted, l->nr_blocks);
}

static void ssm_notify_log(struct ssm *s, unsigned long block,
			   enum ssm_event ev, enum ssm_block_state old,
			   enum ssm_block_state new, int rc)
{
	struct ssm_range r = ssm_block_range(s, block);

	if (rc) {
		pr_warn("memory block %lu [0x%llx-0x%llx]: online refused on %s: %d\n",
			block, r.start, r.end, ssm_event_name(ev), rc);
		return;
	}
	if (old == new)
		return;
	if (new == SSM_BLOCK_ONLINE || (new == SSM_BLOCK_OFFLINE &&
					old != SSM_BLOCK_ADDING))
		pr_info("memory block %lu [0x%llx-0x%llx]: %s\n", block,
			r.start, r.end, ssm_block_state_name(new));
}

static int ssm_mem_notifier(struct notifier_block *nb, unsigned long action,
			    void *data)
{
	struct ssm *s = container_of(nb, struct ssm, nb);
	struct ssm_layout *l = &s->layout;
	enum ssm_block_state old, new;
	unsigned long block;
	enum ssm_event ev;
	bool had;
	u64 phys, t0;
	int rc;

	if (!ssm_compat_mem_event(action, &ev))
		return NOTIFY_DONE;
	phys = PFN_PHYS(ssm_compat_notify_first_pfn(action, data));

	t0 = ktime_get_ns();
	mutex_lock(&s->lock);
	/* Memory of nobody's, or added by someone else: not ours to judge. */
	if (!ssm_layout_phys_to_block(l, phys, &block) ||
	    !ssm_block_is_ours(l, block) ||
	    ssm_block_state(l, block) == SSM_BLOCK_STANDBY) {
		mutex_unlock(&s->lock);
		return NOTIFY_DONE;
	}
	old = ssm_block_state(l, block);
	had = ssm_state_pinned(old);
	rc = 0;
	if (!had && ssm_online_starts(ev)) {
		/*
		 * The start of an online takes the block's reference. Alone,
		 * none starts once the unload began. Beside the kernel's
		 * notifier, which assigned already and gets no word of a
		 * veto at prepare-online, the online goes on and the unload
		 * takes the block back.
		 */
		had = try_module_get(THIS_MODULE);
		if (!had && !l->shared)
			rc = -EBUSY;
	}
	if (!rc)
		rc = ssm_layout_block_event(l, block, ev, &ssm_client_fw_ops,
					    &s->client);
	new = ssm_block_state(l, block);
	ssm_pin(had, ssm_state_pinned(new));
	if (rc)
		s->vetoes++;
	WRITE_ONCE(s->events, s->events + 1);
	mutex_unlock(&s->lock);
	wake_up_all(&s->settled);

	trace_ssm_notify(block, ssm_block_to_phys(l, block), l->block_size, ev,
			 new, rc, ktime_get_ns() - t0);
	ssm_notify_log(s, block, ev, old, new, rc);
	return notifier_from_errno(rc);
}

/**
 * ssm_hotplug_init() - memory group and notifier
 * @s: the module, with its layout finalised
 *
 * Return: 0 or a negative errno (nothing left registered).
 */
int ssm_hotplug_init(struct ssm *s)
{
	struct ssm_layout *l = &s->layout;
	unsigned long pages;
	int rc;

	s->mgid = -1;
	s->memmap = bitmap_zalloc(max(l->nr_blocks, 1UL), GFP_KERNEL);
	s->adopted = bitmap_zalloc(max(l->nr_blocks, 1UL), GFP_KERNEL);
	s->kernel_added = bitmap_zalloc(max(l->nr_blocks, 1UL), GFP_KERNEL);
	if (!s->memmap || !s->adopted || !s->kernel_added) {
		rc = -ENOMEM;
		goto out_free;
	}
	if (s->memmap_default)
		bitmap_fill(s->memmap, l->nr_blocks);

	pages = ssm_layout_our_blocks(l) * (l->block_size >> PAGE_SHIFT);
	rc = memory_group_register_static(0, max(pages, 1UL));
	if (rc < 0)
		goto out_free;
	s->mgid = rc;

	s->nb.notifier_call = ssm_mem_notifier;
	s->nb.priority = SSM_NOTIFIER_PRI;
	rc = register_memory_notifier(&s->nb);
	if (rc)
		goto out_group;
	s->nb_registered = true;
	return 0;

out_group:
	memory_group_unregister(s->mgid);
	s->mgid = -1;
out_free:
	bitmap_free(s->memmap);
	bitmap_free(s->adopted);
	bitmap_free(s->kernel_added);
	s->memmap = NULL;
	s->adopted = NULL;
	s->kernel_added = NULL;
	return rc;
}

/*
 * Unload: the state of a block once no online or offline of it is in
 * progress. Beside the kernel's notifier an online may start while we
 * unload (ssm_mem_notifier() lets it go on); it must not be skipped
 * half-way, or the block stays added after we are gone. Caller holds
 * s->lock, dropped while waiting for the notifier's next event.
 */
static enum ssm_block_state ssm_block_settle(struct ssm *s,
					     unsigned long block)
{
	enum ssm_block_state state = ssm_block_state(&s->layout, block);
	unsigned long seen;

	while (state == SSM_BLOCK_ONLINING || state == SSM_BLOCK_OFFLINING) {
		seen = s->events;
		mutex_unlock(&s->lock);
		wait_event_timeout(s->settled, READ_ONCE(s->events) != seen,
				   HZ);
		mutex_lock(&s->lock);
		state = ssm_block_state(&s->layout, block);
	}
	return state;
}

/*
 * Testing only (test_unload_delay_ms): the unload waits this long once it
 * has begun (onlines no longer pin the module), before it takes the
 * blocks back: room for an online to run into. Caller holds s->lock.
 */
static void ssm_unload_test_delay(struct ssm *s)
{
	if (!s->unload_delay_ms)
		return;
	mutex_unlock(&s->lock);
	msleep(s->unload_delay_ms);
	mutex_lock(&s->lock);
}

/* Unload: remove every block we added and give all increments back. */
static void ssm_hotplug_remove_all(struct ssm *s)
{
	struct ssm_layout *l = &s->layout;
	enum ssm_block_state state;
	unsigned long block;

	mutex_lock(&s->config_lock);
	mutex_lock(&s->lock);
	l->closing = true;	/* the notifier refuses to online from now */
	ssm_unload_test_delay(s);
	for (block = l->first_block; block < ssm_last_block(l); block++) {
		state = ssm_block_settle(s, block);
		/*
		 * Online blocks pin the module: only a failed load finds one
		 * here, or an online that raced with the start of unload
		 * (beside the kernel's notifier, which had assigned, it went
		 * on). One the kernel had online when we took it over, still
		 * as the kernel added it, stays its own, online or offline:
		 * removed and added again, it would go online under the
		 * kernel's auto-online policy. Any other is ours, taken back
		 * like the rest (and, taken over, given back below).
		 */
		if ((state == SSM_BLOCK_ONLINE || state == SSM_BLOCK_OFFLINE) &&
		    test_and_clear_bit(block - l->first_block, s->kernel_added)) {
			if (state == SSM_BLOCK_ONLINE) {
				l->pins--;
				ssm_pin(true, false);
			}
			continue;
		}
		if (state == SSM_BLOCK_OFFLINE || state == SSM_BLOCK_ONLINE)
			ssm_remove_and_release(s, block);
		else if (state == SSM_BLOCK_STANDBY)
			ssm_layout_block_release(l, block, &ssm_client_fw_ops,
						 &s->client);
	}
	/* Beside the kernel's notifier: what its failed onlines left. */
	if (l->shared && ssm_layout_sweep(l, &ssm_client_fw_ops, &s->client))
		pr_info("gave back increments the kernel's notifier left assigned\n");
	if (ssm_layout_flush_stale(l, &ssm_client_fw_ops, &s->client))
		pr_warn("%lu %s could not be unassigned\n", l->stale,
			l->stale == 1 ? "increment" : "increments");
	mutex_unlock(&s->lock);
	ssm_give_back_adopted(s);
	mutex_unlock(&s->config_lock);
}

/**
 * ssm_hotplug_exit() - undo ssm_hotplug_init() and every block we added
 * @s: the module
 */
void ssm_hotplug_exit(struct ssm *s)
{
	int rc;

	if (!s->memmap)
		return;
	ssm_hotplug_remove_all(s);
	if (s->nb_registered)
		unregister_memory_notifier(&s->nb);
	s->nb_registered = false;
	if (s->mgid >= 0) {
		rc = memory_group_unregister(s->mgid);
		if (rc)
			pr_warn("memory group still in use: %d\n", rc);
	}
	s->mgid = -1;
	bitmap_free(s->memmap);
	bitmap_free(s->adopted);
	bitmap_free(s->kernel_added);
	s->memmap = NULL;
	s->adopted = NULL;
	s->kernel_added = NULL;
}
