/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Adding and removing standby memory blocks, and the memory notifier.
 */
#ifndef SSM_HOTPLUG_H
#define SSM_HOTPLUG_H

#include <linux/types.h>
#include <linux/range.h>

struct ssm;

int ssm_hotplug_init(struct ssm *s);
void ssm_hotplug_exit(struct ssm *s);
void ssm_hotplug_add_all(struct ssm *s);
unsigned long ssm_hotplug_adopt(struct ssm *s, unsigned long *nr_online);
unsigned long ssm_hotplug_busy_blocks(struct ssm *s);
int ssm_hotplug_kernel_notifier(void);
void ssm_hotplug_unmask_standby(struct ssm *s);
bool ssm_hotplug_block_present(const struct ssm *s, unsigned long block);
int ssm_hotplug_configure(struct ssm *s, unsigned long block);
int ssm_hotplug_deconfigure(struct ssm *s, unsigned long block);
int ssm_hotplug_set_memmap(struct ssm *s, unsigned long block, bool on);
u64 ssm_hotplug_memmap_cost_per_gib(void);
void ssm_hotplug_geometry(u64 *block_size, struct range *pluggable);

#endif /* SSM_HOTPLUG_H */
