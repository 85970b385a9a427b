/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one instance of s390_standby_mem: what main.c sets up and the other
 * parts share.
 */
#ifndef SSM_H
#define SSM_H

#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "layout.h"
#include "sclp_client.h"

struct dentry;
struct kset;
struct ssm_sysfs_block;

enum ssm_mode {
	SSM_MODE_AUTO,
	SSM_MODE_LAZY,
	SSM_MODE_CONFIGURE,
};

struct ssm {
	enum ssm_mode mode;		/* resolved: lazy or configure */
	bool memmap_default;		/* memmap on memory where possible */

	struct ssm_client client;

	/*
	 * @lock protects @layout and @memmap. The memory notifier takes it,
	 * inside the kernel's device hotplug and mem_hotplug locks, so it is
	 * never held across add_memory()/remove_memory().
	 */
	struct mutex lock;
	struct ssm_layout layout;
	unsigned long *memmap;		/* per block: memmap on memory */

	/*
	 * @config_lock serialises configure, deconfigure, memmap changes and
	 * unload. It is held across add_memory()/remove_memory() and never
	 * taken by the notifier: order config_lock -> device hotplug ->
	 * mem_hotplug -> lock.
	 */
	struct mutex config_lock;

	int mgid;			/* memory group, or -1 */
	bool nb_registered;
	struct notifier_block nb;

	struct kset *fw_kset;		/* /sys/firmware/memory, if ours */
	struct ssm_sysfs_block **fw_blocks;
	unsigned long nr_fw_blocks;
	bool status_group;

	struct dentry *debugfs;

	unsigned long vetoes;		/* onlines refused by the notifier */

	/*
	 * @events counts the notifier's events on our blocks (under @lock);
	 * @settled is woken after each: the unload waits there for an online
	 * or offline in progress.
	 */
	unsigned long events;
	wait_queue_head_t settled;

	/*
	 * Blocks the kernel's initcall had added, taken over at load
	 * (by block - first_block), and given back at unload as it had
	 * them. Written at load and unload only.
	 */
	unsigned long *adopted;
	/*
	 * Of those, the blocks still added as the kernel added them: online
	 * when taken over, never removed by us since. An unload leaves such
	 * a block to the kernel when it is online; every other online block
	 * is ours to take back. Under config_lock.
	 */
	unsigned long *kernel_added;
	unsigned int adopt_delay_ms;	/* testing: test_adopt_delay_ms */
	unsigned int unload_delay_ms;	/* testing: test_unload_delay_ms */

	/* backend=sim: let firmware check unassigned memory after an add */
	void (*fw_checkpoint)(struct ssm *s);
};

static inline bool ssm_lazy(const struct ssm *s)
{
	return s->mode == SSM_MODE_LAZY;
}

#endif /* SSM_H */
