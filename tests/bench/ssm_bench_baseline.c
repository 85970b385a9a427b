// SPDX-License-Identifier: GPL-2.0
/*
 * ssm_bench_baseline: add and remove memory the way the kernel itself does
 * with standby memory, for make bench to time against s390_standby_mem
 * with the same instrument: one write to a file, timed from user space like
 * a write to /sys/firmware/memory/memoryN/config of ours. Onlining and
 * offlining are the kernel's memoryN/state writes for every method.
 *
 * /sys/kernel/debug/ssm_bench_baseline/ctl
 *   write "add <start> <size> <flags>"	add_memory() each block of the range
 *   write "remove <start> <size>"	remove_memory() each block (offline)
 *   read				the flags this kernel honours
 *
 * <flags> is "none" or a ','-separated list of
 *   memmap_on_memory	  MHP_MEMMAP_ON_MEMORY: the memmap on the block
 *   offline_inaccessible MHP_OFFLINE_INACCESSIBLE (6.8 to 6.18): nothing
 *			  touches the block before it goes online
 * "none" is the memmap in system memory: every kernel up to 6.7, and 6.8 to
 * 6.18 without EDAT-1. "memmap_on_memory,offline_inaccessible" is what 6.8
 * to 6.18 do with standby memory on a machine with EDAT-1
 * (drivers/s390/char/sclp_cmd.c, add_memory_merged()). A flag the kernel
 * does not honour fails the write with -EOPNOTSUPP, where add_memory()
 * would silently put the memmap in system memory.
 *
 * No firmware is involved: the range must be RAM the machine has and the
 * kernel does not use (above mem= in the QEMU guest). What is still added
 * at unload is removed then (offline blocks only).
 *
 * /sys/kernel/debug/ssm_bench_baseline/events: the same instrument for the
 * kernel's phases of every method. A memory notifier that runs before all
 * others and decides nothing records "<ns> <event> <start_pfn>" for each
 * event of any memory block (CLOCK_MONOTONIC, the clock the guest's timeit
 * reads), the last BASELINE_EVENTS of them; write anything to clear.
 */
#define pr_fmt(fmt) "ssm_bench_baseline: " fmt

#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

#include "compat.h"

#define BASELINE_EVENTS	1024

static DEFINE_MUTEX(baseline_lock);	/* serialises ctl writes */
static DEFINE_XARRAY(baseline_blocks);	/* block index -> added */
static struct dentry *baseline_dir;

struct baseline_event {
	u64 ns;
	unsigned long action;
	unsigned long start_pfn;
};

static DEFINE_SPINLOCK(events_lock);	/* events[], events_next */
static struct baseline_event events[BASELINE_EVENTS];
static unsigned long events_next;	/* events recorded since the clear */

static int baseline_parse_flags(char *list, mhp_t *flags)
{
	char *tok;

	*flags = MHP_NONE;
	while ((tok = strsep(&list, ","))) {
		if (!strcmp(tok, "none"))
			continue;
		if (!strcmp(tok, "memmap_on_memory")) {
			if (!ssm_compat_memmap_on_memory())
				return -EOPNOTSUPP;
			*flags |= MHP_MEMMAP_ON_MEMORY;
		} else if (!strcmp(tok, "offline_inaccessible")) {
			if (!SSM_LAZY_SUPPORTED)
				return -EOPNOTSUPP;
			*flags |= SSM_MHP_OFFLINE_INACCESSIBLE;
		} else {
			return -EINVAL;
		}
	}
	/* Inaccessible applies to the altmap only. */
	if (SSM_LAZY_SUPPORTED && (*flags & SSM_MHP_OFFLINE_INACCESSIBLE) &&
	    !(*flags & MHP_MEMMAP_ON_MEMORY))
		return -EINVAL;
	return 0;
}

static int baseline_remove(u64 start, u64 size)
{
	unsigned long bs = memory_block_size_bytes();
	u64 phys;
	int rc;

	for (phys = start; phys < start + size; phys += bs) {
		if (!xa_load(&baseline_blocks, phys / bs))
			return -ENOENT;
		/* -EBUSY while online: the block stays */
		rc = remove_memory(phys, bs);
		if (rc)
			return rc;
		xa_erase(&baseline_blocks, phys / bs);
	}
	return 0;
}

static int baseline_add(u64 start, u64 size, mhp_t flags)
{
	unsigned long bs = memory_block_size_bytes();
	u64 phys;
	int rc;

	for (phys = start; phys < start + size; phys += bs) {
		if (xa_load(&baseline_blocks, phys / bs)) {
			rc = -EEXIST;
			goto out_rollback;
		}
		/* One block per call, as sclp_cmd.c adds standby memory. */
		rc = add_memory(0, phys, bs, flags);
		if (rc)
			goto out_rollback;
		rc = xa_err(xa_store(&baseline_blocks, phys / bs,
				     xa_mk_value(1), GFP_KERNEL));
		if (rc) {
			remove_memory(phys, bs);
			goto out_rollback;
		}
	}
	return 0;

out_rollback:
	if (phys > start)
		baseline_remove(start, phys - start);
	return rc;
}

static ssize_t ctl_write(struct file *file, const char __user *ubuf,
			 size_t count, loff_t *ppos)
{
	unsigned long bs = memory_block_size_bytes();
	char buf[128], *p, *cmd, *flags_str;
	u64 start, size;
	mhp_t flags = MHP_NONE;
	bool add;
	int rc;

	if (*ppos || count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	p = strim(buf);
	cmd = strsep(&p, " ");
	add = !strcmp(cmd, "add");
	if (!add && strcmp(cmd, "remove"))
		return -EINVAL;
	if (!p || kstrtou64(strsep(&p, " "), 0, &start) ||
	    !p || kstrtou64(strsep(&p, " "), 0, &size))
		return -EINVAL;
	flags_str = strsep(&p, " ");
	if (p || (add && !flags_str) || (!add && flags_str))
		return -EINVAL;
	if (!size || !IS_ALIGNED(start, bs) || !IS_ALIGNED(size, bs) ||
	    start + size < start)
		return -EINVAL;
	if (add) {
		rc = baseline_parse_flags(flags_str, &flags);
		if (rc)
			return rc;
	}

	mutex_lock(&baseline_lock);
	rc = add ? baseline_add(start, size, flags) : baseline_remove(start, size);
	mutex_unlock(&baseline_lock);
	return rc ? rc : count;
}

static ssize_t ctl_read(struct file *file, char __user *ubuf, size_t count,
			loff_t *ppos)
{
	char buf[64];
	int len;

	len = scnprintf(buf, sizeof(buf), "none%s%s\n",
			ssm_compat_memmap_on_memory() ? " memmap_on_memory" : "",
			SSM_LAZY_SUPPORTED ? " offline_inaccessible" : "");
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static const struct file_operations ctl_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = ctl_read,
	.write = ctl_write,
	.llseek = default_llseek,
};

static const char *baseline_event_name(unsigned long action)
{
	switch (action) {
#ifdef SSM_HAVE_MEM_PREPARE_ONLINE
	case MEM_PREPARE_ONLINE:
		return "prepare-online";
	case MEM_FINISH_OFFLINE:
		return "finish-offline";
#endif
	case MEM_GOING_ONLINE:
		return "going-online";
	case MEM_ONLINE:
		return "online";
	case MEM_CANCEL_ONLINE:
		return "cancel-online";
	case MEM_GOING_OFFLINE:
		return "going-offline";
	case MEM_OFFLINE:
		return "offline";
	case MEM_CANCEL_OFFLINE:
		return "cancel-offline";
	default:
		return "other";
	}
}

static int baseline_observe(struct notifier_block *nb, unsigned long action,
			    void *data)
{
	const struct memory_notify *arg = data;
	struct baseline_event *e;

	spin_lock(&events_lock);
	e = &events[events_next++ % BASELINE_EVENTS];
	e->ns = ktime_get_ns();
	e->action = action;
	e->start_pfn = arg->start_pfn;
	spin_unlock(&events_lock);
	return NOTIFY_DONE;
}

/* First of all notifiers: the kernel's own time up to each event. */
static struct notifier_block baseline_nb = {
	.notifier_call = baseline_observe,
	.priority = INT_MAX,
};

static int events_show(struct seq_file *m, void *v)
{
	struct baseline_event e;
	unsigned long i, first;

	spin_lock(&events_lock);
	first = events_next > BASELINE_EVENTS ? events_next - BASELINE_EVENTS : 0;
	spin_unlock(&events_lock);
	for (i = first; ; i++) {
		spin_lock(&events_lock);
		if (i >= events_next) {
			spin_unlock(&events_lock);
			break;
		}
		e = events[i % BASELINE_EVENTS];
		spin_unlock(&events_lock);
		seq_printf(m, "%llu %s %lu\n", e.ns, baseline_event_name(e.action),
			   e.start_pfn);
	}
	return 0;
}

static int events_open(struct inode *inode, struct file *file)
{
	return single_open(file, events_show, NULL);
}

static ssize_t events_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	spin_lock(&events_lock);
	events_next = 0;
	spin_unlock(&events_lock);
	return count;
}

static const struct file_operations events_fops = {
	.owner = THIS_MODULE,
	.open = events_open,
	.read = seq_read,
	.write = events_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static int __init baseline_init(void)
{
	int rc;

	rc = register_memory_notifier(&baseline_nb);
	if (rc)
		return rc;
	baseline_dir = debugfs_create_dir("ssm_bench_baseline", NULL);
	debugfs_create_file("ctl", 0600, baseline_dir, NULL, &ctl_fops);
	debugfs_create_file("events", 0600, baseline_dir, NULL, &events_fops);
	return 0;
}

static void __exit baseline_exit(void)
{
	unsigned long bs = memory_block_size_bytes();
	unsigned long index;
	void *entry;

	debugfs_remove_recursive(baseline_dir);
	unregister_memory_notifier(&baseline_nb);
	xa_for_each(&baseline_blocks, index, entry)
		if (remove_memory((u64)index * bs, bs))
			pr_err("block [0x%llx-0x%llx] still online: not removed\n",
			       (u64)index * bs, (u64)(index + 1) * bs - 1);
	xa_destroy(&baseline_blocks);
}

module_init(baseline_init);
module_exit(baseline_exit);
MODULE_DESCRIPTION("make bench baseline: add and remove memory as the kernel does, through debugfs");
MODULE_LICENSE("GPL");
