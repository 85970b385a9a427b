// SPDX-License-Identifier: GPL-2.0
/*
 * ssm_test_helper: kernel-side help for the guest tests, through debugfs
 * (/sys/kernel/debug/ssm_test_helper/). The memory it adds is RAM the
 * simulated firmware offers; never load this on a real machine.
 *
 *   busy   write "<start> <size>": claim that physical range as a busy
 *          I/O memory resource, so add_memory() of it fails; "none"
 *          releases it. Read: the claimed range or "none".
 *   pin    write "<start> <size>": allocate kernel pages (unmovable)
 *          until one lies in the range, fill it with a pattern and keep
 *          it, so the memory block holding it cannot go offline; "none"
 *          verifies and frees it. Read: "pfn=0x... intact|corrupt" or
 *          "none".
 *   add    write "<start> <size>": add that range as memory (offline),
 *          as a driver or the kernel itself might, so that s390_standby_mem
 *          finds memory of someone else's in its range; "none" offlines
 *          and removes it again. Read: the added range or "none".
 *
 * Never load this on a production system.
 */
#define pr_fmt(fmt) "ssm_test_helper: " fmt

#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/ioport.h>
#include <linux/list.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#define PIN_MAX_TRIES	(512UL * 1024)	/* 2 GiB worth of 4K pages */

static DEFINE_MUTEX(helper_lock);
static struct dentry *helper_dir;
static struct resource *busy_res;
static struct page *pinned;
static u64 added_start, added_size;

static u64 pattern(unsigned long i)
{
	return 0x7069646e65642121ULL ^ (i * 0x9e3779b97f4a7c15ULL);
}

static void pin_fill(struct page *page)
{
	u64 *p = page_address(page);
	unsigned long i;

	for (i = 0; i < PAGE_SIZE / sizeof(u64); i++)
		p[i] = pattern(i);
}

static bool pin_intact(struct page *page)
{
	u64 *p = page_address(page);
	unsigned long i;

	for (i = 0; i < PAGE_SIZE / sizeof(u64); i++)
		if (p[i] != pattern(i))
			return false;
	return true;
}

/* Parse "<start> <size>" or "none" (size 0). */
static int parse_range(const char __user *ubuf, size_t len, u64 *start,
		       u64 *size)
{
	char buf[64];

	if (!len || len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sysfs_streq(buf, "none")) {
		*start = 0;
		*size = 0;
		return 0;
	}
	if (sscanf(buf, "%llx %llx", start, size) != 2 || !*size)
		return -EINVAL;
	return 0;
}

static int busy_set(u64 start, u64 size)
{
	if (!size) {
		if (busy_res)
			release_mem_region(busy_res->start, resource_size(busy_res));
		busy_res = NULL;
		return 0;
	}
	if (busy_res)
		return -EBUSY;
	busy_res = request_mem_region(start, size, "ssm_test_helper busy");
	return busy_res ? 0 : -EBUSY;
}

/* Allocate until a page lands in the range; free the others. */
static int pin_set(u64 start, u64 size)
{
	unsigned long lo = PHYS_PFN(start), hi = PHYS_PFN(start + size);
	struct page *page, *next;
	unsigned long tries;
	LIST_HEAD(others);
	int rc = -ENOSPC;

	if (!size) {
		if (!pinned)
			return 0;
		rc = pin_intact(pinned) ? 0 : -EIO;
		__free_page(pinned);
		pinned = NULL;
		return rc;
	}
	if (pinned)
		return -EBUSY;
	for (tries = 0; tries < PIN_MAX_TRIES; tries++) {
		page = alloc_page(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY);
		if (!page) {
			rc = -ENOMEM;
			break;
		}
		if (page_to_pfn(page) >= lo && page_to_pfn(page) < hi) {
			pin_fill(page);
			pinned = page;
			rc = 0;
			break;
		}
		list_add(&page->lru, &others);
	}
	list_for_each_entry_safe(page, next, &others, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
	return rc;
}

static int add_set(u64 start, u64 size)
{
	int rc;

	if (!size) {
		if (!added_size)
			return 0;
		rc = offline_and_remove_memory(added_start, added_size);
		if (!rc)
			added_size = 0;
		return rc;
	}
	if (added_size)
		return -EBUSY;
	rc = add_memory(0, start, size, MHP_NONE);
	if (!rc) {
		added_start = start;
		added_size = size;
	}
	return rc;
}

static ssize_t helper_write(struct file *file, const char __user *ubuf,
			    size_t len, loff_t *ppos)
{
	int (*set)(u64 start, u64 size) = file_inode(file)->i_private;
	u64 start, size;
	int rc;

	rc = parse_range(ubuf, len, &start, &size);
	if (rc)
		return rc;
	mutex_lock(&helper_lock);
	rc = set(start, size);
	mutex_unlock(&helper_lock);
	return rc ? rc : len;
}

static int helper_show(struct seq_file *m, void *v)
{
	mutex_lock(&helper_lock);
	if (m->private == busy_set && busy_res)
		seq_printf(m, "0x%llx-0x%llx\n", (u64)busy_res->start,
			   (u64)busy_res->end);
	else if (m->private == pin_set && pinned)
		seq_printf(m, "pfn=0x%lx %s\n", page_to_pfn(pinned),
			   pin_intact(pinned) ? "intact" : "corrupt");
	else if (m->private == add_set && added_size)
		seq_printf(m, "0x%llx-0x%llx\n", added_start,
			   added_start + added_size - 1);
	else
		seq_puts(m, "none\n");
	mutex_unlock(&helper_lock);
	return 0;
}

static int helper_open(struct inode *inode, struct file *file)
{
	return single_open(file, helper_show, inode->i_private);
}

static const struct file_operations helper_fops = {
	.owner = THIS_MODULE,
	.open = helper_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = helper_write,
};

static int __init helper_init(void)
{
	helper_dir = debugfs_create_dir("ssm_test_helper", NULL);
	debugfs_create_file("busy", 0600, helper_dir, busy_set, &helper_fops);
	debugfs_create_file("pin", 0600, helper_dir, pin_set, &helper_fops);
	debugfs_create_file("add", 0600, helper_dir, add_set, &helper_fops);
	return 0;
}

static void __exit helper_exit(void)
{
	debugfs_remove_recursive(helper_dir);
	busy_set(0, 0);
	pin_set(0, 0);
	add_set(0, 0);
}

module_init(helper_init);
module_exit(helper_exit);
MODULE_DESCRIPTION("s390_standby_mem test helper: busy ranges, pinned pages");
MODULE_LICENSE("GPL");
