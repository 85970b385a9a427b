// SPDX-License-Identifier: GPL-2.0
/*
 * ssm_twin: a test double of the kernel's own SCLP memory support
 * (drivers/s390/char/sclp_cmd.c, kernels 6.1 to 6.18), for the test bed.
 *
 * On every real IBM Z machine with standby memory those kernels register
 * a memory notifier of their own whenever firmware reports the standby
 * facility (and not in kdump), whatever mem= says. QEMU reports no such
 * facility, so the kernel's notifier never runs here. Loading this module
 * before s390_standby_mem turns the guest into the real-machine situation:
 *
 * - at load it is the kernel's initcall: it creates the simulated machine
 *   (the firmware, module s390_standby_mem_sim), reads storage info of
 *   every storage element and builds its list of increments as the kernel
 *   does (assigned ones not standby; those of standby elements and every
 *   increment no element lists standby), registers its notifier at the
 *   default priority, tells the simulation that the kernel's notifier is
 *   there (the test bed's stand-in for the facility bits), and with
 *   add_standby=1 adds the standby memory as the kernel does when mem=
 *   does not stop it;
 * - at every event it attaches every storage element its bitmap calls
 *   unattached, and unassigns what the attach assigned;
 * - 6.8 to 6.18 (MEM_PREPARE_ONLINE): prepare-online assigns every
 *   increment of the range, memmap (altmap) included, and fails the online
 *   if one assign fails; finish-offline unassigns them;
 * - 6.1 family: going-online assigns, cancel-online and offline unassign,
 *   and any action it does not know is refused;
 * - going-offline is refused (-EPERM) if its own list calls an increment of
 *   the block standby;
 * - an assign or unassign answered 0x0020 or 0x0120 is success; any other
 *   answer is logged "assign storage failed (cmd=..., response=..., rn=...)"
 *   and is an error. An increment's standby flag changes only while no
 *   error occurred in the same walk, as in the kernel.
 *
 * Its requests go to the simulated firmware through the interface the
 * simulation offers for tests only (ssm_sim_ops.kernel_request), where
 * faults can be aimed at them (side=kernel). Written from the kernel's
 * behaviour, in our own code. Never load this on a real machine.
 *
 * debugfs /sys/kernel/debug/ssm_twin/: "increments" ("rn standby" per
 * increment of its list) and "counters".
 */
#define pr_fmt(fmt) "ssm_twin: " fmt

#include <linux/kernel.h>
#include <linux/bitmap.h>
#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/ioport.h>
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <asm/sclp.h>

#include "compat.h"
#include "sccb.h"
#include "sclp_sim.h"

static char *increment_size = "256M";
module_param(increment_size, charp, 0444);
MODULE_PARM_DESC(increment_size, "Increment size of the simulated machine (default 256M)");

static char *sim_base;
module_param(sim_base, charp, 0444);
MODULE_PARM_DESC(sim_base, "Start of its standby memory (default: where the kernel's memory ends)");

static char *sim_size;
module_param(sim_size, charp, 0444);
MODULE_PARM_DESC(sim_size, "Size of its standby memory (default: up to the end of the machine's storage)");

static bool add_standby;
module_param(add_standby, bool, 0444);
MODULE_PARM_DESC(add_standby, "Add the standby memory at load, as the kernel does when mem= does not keep it out");

#ifdef SSM_HAVE_MEM_PREPARE_ONLINE
#define TWIN_FAMILY	"6.8-6.18"
#else
#define TWIN_FAMILY	"6.1"
#endif

static struct {
	struct mutex lock;		/* sclp_mem_mutex */
	struct ssm_sim *sim;
	u64 rzm;
	u32 rnmax;
	u8 *standby;			/* by rn: its list's standby flag */
	DECLARE_BITMAP(storage_ids, SSM_MAX_STORAGE_ID + 1);
	u8 max_storage_id;
	struct notifier_block nb;
	unsigned long requests, failed, attaches;
	unsigned long *added;		/* by block: added at load */
	unsigned long nr_added;
	struct dentry *debugfs;
} twin;

static u64 rn2addr(u32 rn)
{
	return (u64)(rn - 1) * twin.rzm;
}

/* One request, synchronous as sclp_sync_request(); a fresh SCCB page. */
static int twin_request(u32 cmd, void *sccb)
{
	twin.requests++;
	return ssm_sim_ops.kernel_request(twin.sim, cmd, sccb);
}

static int twin_do_assign(u32 cmd, u16 rn)
{
	struct ssm_assign_sccb *sccb;
	u16 resp;
	int rc;

	sccb = (void *)get_zeroed_page(GFP_KERNEL | GFP_DMA);
	if (!sccb)
		return -ENOMEM;
	sccb->header.length = PAGE_SIZE;
	sccb->rn = rn;
	rc = twin_request(cmd, sccb);
	if (rc)
		goto out;
	resp = sccb->header.response_code;
	if (resp != SSM_RESP_DONE && resp != SSM_RESP_DONE_ALT) {
		pr_warn("assign storage failed (cmd=0x%08x, response=0x%04x, rn=0x%04x)\n",
			cmd, resp, rn);
		twin.failed++;
		rc = -EIO;
	}
out:
	free_page((unsigned long)sccb);
	return rc;
}

static int twin_assign(u16 rn)
{
	return twin_do_assign(SSM_CMD_ASSIGN_STORAGE, rn);
}

static int twin_unassign(u16 rn)
{
	return twin_do_assign(SSM_CMD_UNASSIGN_STORAGE, rn);
}

static void twin_attach(u8 id)
{
	struct ssm_attach_sccb *sccb;
	int i;

	sccb = (void *)get_zeroed_page(GFP_KERNEL | GFP_DMA);
	if (!sccb)
		return;
	sccb->header.length = PAGE_SIZE;
	sccb->header.function_code = 0x40;
	twin.attaches++;
	if (twin_request(SSM_CMD_WITH_ID(SSM_CMD_ATTACH_STORAGE, id), sccb))
		goto out;
	if (sccb->header.response_code != SSM_RESP_DONE)
		goto out;
	set_bit(id, twin.storage_ids);
	for (i = 0; i < sccb->assigned; i++)
		if (sccb->entries[i])
			twin_unassign(sccb->entries[i] >> 16);
out:
	free_page((unsigned long)sccb);
}

/* Its list walk: the flag changes only while no assign failed. */
static int twin_change_state(u64 start, u64 size, bool online)
{
	u64 istart;
	int rc = 0;
	u32 rn;

	for (rn = 1; rn <= twin.rnmax; rn++) {
		istart = rn2addr(rn);
		if (start + size - 1 < istart)
			break;
		if (start > istart + twin.rzm - 1)
			continue;
		if (online)
			rc |= twin_assign(rn);
		else
			twin_unassign(rn);
		if (!rc)
			twin.standby[rn] = !online;
	}
	return rc ? -EIO : 0;
}

/* Does its list call every increment in [start, end) standby? */
static bool twin_all_standby(u64 start, u64 end)
{
	u32 rn;

	for (rn = 1; rn <= twin.rnmax; rn++)
		if (rn2addr(rn) < end && rn2addr(rn) + twin.rzm > start &&
		    !twin.standby[rn])
			return false;
	return true;
}

static bool twin_contains_standby(u64 start, u64 end)
{
	u64 istart;
	u32 rn;

	for (rn = 1; rn <= twin.rnmax; rn++) {
		istart = rn2addr(rn);
		if (end - 1 < istart)
			continue;
		if (start > istart + twin.rzm - 1)
			continue;
		if (twin.standby[rn])
			return true;
	}
	return false;
}

static int twin_notifier(struct notifier_block *nb, unsigned long action,
			 void *data)
{
	struct memory_notify *arg = data;
	u64 start = PFN_PHYS(arg->start_pfn);
	u64 size = PFN_PHYS(arg->nr_pages);
	unsigned int id;
	int rc = 0;

	mutex_lock(&twin.lock);
	for_each_clear_bit(id, twin.storage_ids, twin.max_storage_id + 1)
		twin_attach(id);
	switch (action) {
	case MEM_GOING_OFFLINE:
		if (twin_contains_standby(start, start + size))
			rc = -EPERM;
		break;
#ifdef SSM_HAVE_MEM_PREPARE_ONLINE
	case MEM_PREPARE_ONLINE:
		if (arg->altmap_nr_pages) {
			start = PFN_PHYS(arg->altmap_start_pfn);
			size += PFN_PHYS(arg->altmap_nr_pages);
		}
		rc = twin_change_state(start, size, true);
		break;
	case MEM_FINISH_OFFLINE:
		if (arg->altmap_nr_pages) {
			start = PFN_PHYS(arg->altmap_start_pfn);
			size += PFN_PHYS(arg->altmap_nr_pages);
		}
		twin_change_state(start, size, false);
		break;
	default:
		break;
#else
	case MEM_ONLINE:
	case MEM_CANCEL_OFFLINE:
		break;
	case MEM_GOING_ONLINE:
		rc = twin_change_state(start, size, true);
		break;
	case MEM_CANCEL_ONLINE:
	case MEM_OFFLINE:
		twin_change_state(start, size, false);
		break;
	default:
		rc = -EINVAL;
		break;
#endif
	}
	mutex_unlock(&twin.lock);
	return rc ? NOTIFY_BAD : NOTIFY_OK;
}

/* The initcall's reading of storage info; its list as an array. */
static int twin_detect(void)
{
	struct ssm_storage_info_sccb *sccb;
	u32 rn, listed = 0;
	unsigned int id, i;
	int rc = 0;

	sccb = (void *)get_zeroed_page(GFP_KERNEL | GFP_DMA);
	if (!sccb)
		return -ENOMEM;
	/* every increment no element lists is standby (the gap filling) */
	memset(twin.standby, 1, twin.rnmax + 1);
	for (id = 0; id <= twin.max_storage_id; id++) {
		memset(sccb, 0, PAGE_SIZE);
		sccb->header.length = PAGE_SIZE;
		rc = twin_request(SSM_CMD_WITH_ID(SSM_CMD_READ_STORAGE_INFO, id),
				  sccb);
		if (rc)
			break;
		switch (sccb->header.response_code) {
		case SSM_RESP_READ_OK:
			set_bit(id, twin.storage_ids);
			for (i = 0; i < sccb->assigned; i++) {
				rn = sccb->entries[i] >> 16;
				if (rn && rn <= twin.rnmax) {
					twin.standby[rn] = 0;
					listed++;
				}
			}
			break;
		case SSM_RESP_ELEM_NOT_PRESENT:
			break;
		case SSM_RESP_ELEM_STANDBY:
			for (i = 0; i < sccb->assigned; i++)
				listed += !!sccb->entries[i];
			break;
		default:
			rc = -EIO;
			break;
		}
		if (rc)
			break;
		twin.max_storage_id = sccb->max_id;
	}
	free_page((unsigned long)sccb);
	if (!rc && !listed)
		rc = -ENODEV;
	return rc;
}

/* The initcall's add_memory_merged(): standby runs, block by block. */
static void twin_add_standby(void)
{
	u64 block_size = memory_block_size_bytes(), addr;
	unsigned long block;
	u32 rn;
	int rc;

	for (rn = 1; rn <= twin.rnmax; rn++) {
		addr = rn2addr(rn);
		if (!twin.standby[rn] || addr % block_size)
			continue;
		/* whole blocks of standby increments only */
		if (addr + block_size > rn2addr(twin.rnmax + 1) ||
		    !twin_all_standby(addr, addr + block_size))
			continue;
		block = addr / block_size;
		rc = add_memory(0, addr, block_size,
				ssm_compat_kernel_standby_flags());
		if (rc) {
			pr_warn("memory block %lu: add_memory: %d\n", block, rc);
			continue;
		}
		set_bit(block, twin.added);
		twin.nr_added++;
	}
	pr_info("added %lu standby memory blocks at load, as the kernel's initcall does\n",
		twin.nr_added);
}

static void twin_remove_added(void)
{
	u64 block_size = memory_block_size_bytes();
	unsigned long block;
	int rc;

	for_each_set_bit(block, twin.added, twin.rnmax * twin.rzm / block_size) {
		/* s390_standby_mem may have taken it over since */
		if (region_intersects(block * block_size, block_size,
				      IORESOURCE_SYSTEM_RAM, IORES_DESC_NONE) ==
		    REGION_DISJOINT)
			continue;
		rc = offline_and_remove_memory(block * block_size, block_size);
		if (rc)
			pr_warn("memory block %lu: cannot remove it: %d\n", block,
				rc);
	}
}

static int twin_increments_show(struct seq_file *m, void *v)
{
	u32 rn;

	seq_puts(m, "rn standby\n");
	mutex_lock(&twin.lock);
	for (rn = 1; rn <= twin.rnmax; rn++)
		seq_printf(m, "%u %u\n", rn, twin.standby[rn]);
	mutex_unlock(&twin.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(twin_increments);

static int twin_counters_show(struct seq_file *m, void *v)
{
	mutex_lock(&twin.lock);
	seq_printf(m, "requests %lu\nassign_failed %lu\nattaches %lu\nadded %lu\n",
		   twin.requests, twin.failed, twin.attaches, twin.nr_added);
	mutex_unlock(&twin.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(twin_counters);

static int twin_ram_end(struct resource *res, void *arg)
{
	u64 *end = arg;

	*end = max_t(u64, *end, res->end + 1);
	return 0;
}

/* The machine: as s390_standby_mem's backend=sim would make it. */
static int twin_machine(struct ssm_sim_config *cfg)
{
	u64 end = 0, storage;
	char *p;

	cfg->rzm = memparse(increment_size, &p);
	if (*p || cfg->rzm < SZ_1M || !is_power_of_2(cfg->rzm))
		return -EINVAL;
	walk_iomem_res_desc(IORES_DESC_NONE,
			    IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY, 0, U64_MAX,
			    &end, twin_ram_end);
	storage = round_down((u64)sclp.rnmax * sclp.rzm, cfg->rzm);
	cfg->boot_size = sim_base ? memparse(sim_base, &p) : round_up(end, cfg->rzm);
	cfg->storage_size = sim_size ? cfg->boot_size + memparse(sim_size, &p) :
			    storage;
	cfg->use_ram = true;
	return 0;
}

static int __init twin_init(void)
{
	struct ssm_sim_config cfg = { 0 };
	int rc;

	mutex_init(&twin.lock);
	rc = twin_machine(&cfg);
	if (rc) {
		pr_err("increment_size/sim_base/sim_size invalid\n");
		return rc;
	}
	twin.sim = ssm_sim_ops.create(&cfg);
	if (IS_ERR(twin.sim)) {
		pr_err("cannot create the simulated machine (load me first): %ld\n",
		       PTR_ERR(twin.sim));
		return PTR_ERR(twin.sim);
	}
	twin.rzm = cfg.rzm;
	twin.rnmax = div64_u64(cfg.storage_size, cfg.rzm);
	rc = -ENOMEM;
	twin.standby = kzalloc(twin.rnmax + 1, GFP_KERNEL);
	twin.added = bitmap_zalloc(div64_u64(cfg.storage_size,
					     memory_block_size_bytes()) + 1,
				   GFP_KERNEL);
	if (!twin.standby || !twin.added)
		goto out;
	rc = twin_detect();
	if (rc) {
		pr_err("reading storage info failed: %d\n", rc);
		goto out;
	}
	twin.nb.notifier_call = twin_notifier;
	twin.nb.priority = 0;	/* the kernel's: the default */
	rc = register_memory_notifier(&twin.nb);
	if (rc)
		goto out;
	ssm_sim_ops.set_kernel_notifier(twin.sim, true);
	if (add_standby)
		twin_add_standby();
	twin.debugfs = debugfs_create_dir("ssm_twin", NULL);
	debugfs_create_file("increments", 0444, twin.debugfs, NULL,
			    &twin_increments_fops);
	debugfs_create_file("counters", 0444, twin.debugfs, NULL,
			    &twin_counters_fops);
	pr_info("the kernel's SCLP memory notifier (%s family) is registered: %u increments of %lluM\n",
		TWIN_FAMILY, twin.rnmax, twin.rzm >> 20);
	return 0;

out:
	kfree(twin.standby);
	bitmap_free(twin.added);
	ssm_sim_ops.put(twin.sim);
	return rc;
}

static void __exit twin_exit(void)
{
	debugfs_remove_recursive(twin.debugfs);
	twin_remove_added();
	ssm_sim_ops.set_kernel_notifier(twin.sim, false);
	unregister_memory_notifier(&twin.nb);
	ssm_sim_ops.put(twin.sim);
	kfree(twin.standby);
	bitmap_free(twin.added);
}

module_init(twin_init);
module_exit(twin_exit);
MODULE_DESCRIPTION("s390_standby_mem tests: a test double of the kernel's own SCLP memory notifier");
MODULE_LICENSE("GPL");
