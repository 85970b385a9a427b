// SPDX-License-Identifier: GPL-2.0
/*
 * ssm_bench_baseline: the old in-kernel way, for make bench. At load it
 * adds every block of [start, start + size) with add_memory() and no
 * altmap, as the kernel did with all standby memory at boot: the memmap
 * comes from system memory whether the memory is ever used or not. At
 * unload it removes them again (they must be offline).
 *
 * No firmware is involved: the range must be RAM the machine has and the
 * kernel does not use (above mem= in the QEMU guest).
 */
#define pr_fmt(fmt) "ssm_bench_baseline: " fmt

#include <linux/ktime.h>
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/module.h>

static unsigned long start;
module_param(start, ulong, 0444);
MODULE_PARM_DESC(start, "First byte of the range to add (block aligned)");

static unsigned long size;
module_param(size, ulong, 0444);
MODULE_PARM_DESC(size, "Bytes to add (a multiple of the block size)");

static unsigned long added;	/* blocks added, from start */

static int __init baseline_init(void)
{
	unsigned long bs = memory_block_size_bytes();
	u64 t0 = ktime_get_ns();
	int rc = 0;

	if (!size || !IS_ALIGNED(start, bs) || !IS_ALIGNED(size, bs)) {
		pr_err("start=0x%lx size=0x%lx invalid: must be non-empty and aligned to the %luM block size\n",
		       start, size, bs >> 20);
		return -EINVAL;
	}
	for (added = 0; added < size / bs; added++) {
		rc = add_memory(0, start + added * bs, bs, MHP_NONE);
		if (rc)
			break;
	}
	if (rc) {
		pr_err("add_memory of [0x%lx-0x%lx] failed: %d\n",
		       start + added * bs, start + (added + 1) * bs - 1, rc);
		while (added--)
			remove_memory(start + added * bs, bs);
		return rc;
	}
	pr_info("added %lu blocks [0x%lx-0x%lx] in %llu ns\n", added, start,
		start + size - 1, ktime_get_ns() - t0);
	return 0;
}

static void __exit baseline_exit(void)
{
	unsigned long bs = memory_block_size_bytes();

	while (added--)
		if (remove_memory(start + added * bs, bs))
			pr_err("block [0x%lx-0x%lx] still online: not removed\n",
			       start + added * bs, start + (added + 1) * bs - 1);
}

module_init(baseline_init);
module_exit(baseline_exit);
MODULE_DESCRIPTION("make bench baseline: add memory the old way, memmap in system memory");
MODULE_LICENSE("GPL");
