// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs: the /sys/firmware/memory ABI of configure mode, and read-only
 * status attributes under /sys/module/s390_standby_mem/status/.
 *
 * /sys/firmware/memory/memoryN/ (N = memory block id, as in
 * /sys/devices/system/memory/memoryN) has the semantics of upstream 6.19,
 * which util-linux lsmem/chmem drive. As upstream, there is one directory
 * for every block the kernel presents (boot memory, including a block
 * that holds boot and standby increments) and one for every standby block
 * of ours; storage the kernel does not present (assigned storage above
 * mem=) has none.
 *   config            1: configured (assigned and added; beside the
 *                     kernel's notifier: added, assigned while online),
 *                     0: deconfigured. Writing 1 assigns, then adds;
 *                     writing 0 removes an offline block (else -EBUSY),
 *                     then unassigns. A firmware failure is -EIO, the
 *                     detail in dmesg. Blocks the kernel booted with show
 *                     1 and are not ours to deconfigure (-EPERM).
 *   memmap_on_memory  1: the block's memmap lives on the block. 1 is
 *                     refused with -EOPNOTSUPP where the kernel cannot do
 *                     it; otherwise writable only while deconfigured (else
 *                     -EBUSY).
 * Anything but a whole boolean word (0/1, y/n, yes/no, on/off, with an
 * optional newline) is refused with -EINVAL; upstream's kstrtobool() would
 * take "1x" as 1. The directory is created
 * only where the kernel does not provide /sys/firmware/memory itself.
 */
#define pr_fmt(fmt) "s390_standby_mem: " fmt

#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/kstrtox.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "compat.h"
#include "hotplug.h"
#include "ssm.h"
#include "sysfs.h"

struct ssm_sysfs_block {
	struct kobject kobj;
	struct ssm *s;
	unsigned long block;
};

static struct ssm_sysfs_block *to_sb(struct kobject *kobj)
{
	return container_of(kobj, struct ssm_sysfs_block, kobj);
}

/* kstrtobool(), but the whole input must be one boolean word. */
static int ssm_parse_bool(const char *buf, bool *value)
{
	static const char * const words[] = {
		"0", "1", "n", "y", "N", "Y", "no", "yes", "off", "on",
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(words); i++)
		if (sysfs_streq(buf, words[i]))
			return kstrtobool(words[i], value);
	return -EINVAL;
}

static enum ssm_block_state ssm_sb_state(struct ssm_sysfs_block *sb)
{
	enum ssm_block_state state;

	mutex_lock(&sb->s->lock);
	state = ssm_block_state(&sb->s->layout, sb->block);
	mutex_unlock(&sb->s->lock);
	return state;
}

static bool ssm_state_configured(enum ssm_block_state state)
{
	return state == SSM_BLOCK_BOOT || state >= SSM_BLOCK_OFFLINE;
}

/* Ours, or a block the kernel booted with (configured, never ours). */
static bool ssm_sb_ours(struct ssm_sysfs_block *sb)
{
	return ssm_block_is_ours(&sb->s->layout, sb->block);
}

static ssize_t config_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	struct ssm_sysfs_block *sb = to_sb(kobj);

	if (!ssm_sb_ours(sb))
		return sysfs_emit(buf, "1\n");
	return sysfs_emit(buf, "%d\n", ssm_state_configured(ssm_sb_state(sb)));
}

static ssize_t config_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t count)
{
	struct ssm_sysfs_block *sb = to_sb(kobj);
	bool value;
	int rc;

	rc = ssm_parse_bool(buf, &value);
	if (rc)
		return rc;
	if (!ssm_sb_ours(sb))
		return value ? count : -EPERM;
	if (value)
		rc = ssm_hotplug_configure(sb->s, sb->block);
	else
		rc = ssm_hotplug_deconfigure(sb->s, sb->block);
	return rc ? rc : count;
}

static ssize_t memmap_on_memory_show(struct kobject *kobj,
				     struct kobj_attribute *attr, char *buf)
{
	struct ssm_sysfs_block *sb = to_sb(kobj);
	struct ssm *s = sb->s;
	bool on = false;

	mutex_lock(&s->lock);
	if (ssm_block_is_ours(&s->layout, sb->block))
		on = test_bit(sb->block - s->layout.first_block, s->memmap);
	mutex_unlock(&s->lock);
	return sysfs_emit(buf, "%d\n", on);
}

static ssize_t memmap_on_memory_store(struct kobject *kobj,
				      struct kobj_attribute *attr,
				      const char *buf, size_t count)
{
	struct ssm_sysfs_block *sb = to_sb(kobj);
	bool value;
	int rc;

	rc = ssm_parse_bool(buf, &value);
	if (rc)
		return rc;
	/* As upstream: what the kernel cannot do first, then what is busy. */
	if (value && !ssm_compat_memmap_on_memory())
		return -EOPNOTSUPP;
	if (!ssm_sb_ours(sb))
		return -EBUSY;		/* configured */
	rc = ssm_hotplug_set_memmap(sb->s, sb->block, value);
	return rc ? rc : count;
}

static struct kobj_attribute ssm_config_attr = __ATTR_RW(config);
static struct kobj_attribute ssm_memmap_attr = __ATTR_RW(memmap_on_memory);

static struct attribute *ssm_block_attrs[] = {
	&ssm_config_attr.attr,
	&ssm_memmap_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(ssm_block);

static void ssm_sb_release(struct kobject *kobj)
{
	kfree(to_sb(kobj));
}

static const struct kobj_type ssm_block_ktype = {
	.release = ssm_sb_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = ssm_block_groups,
};

/**
 * ssm_sysfs_kernel_firmware_memory() - does /sys/firmware/memory exist
 *					 without us?
 *
 * Return: true if someone (the kernel's sclp_mem) created it.
 */
bool ssm_sysfs_kernel_firmware_memory(void)
{
	struct kernfs_node *kn = sysfs_get_dirent(firmware_kobj->sd, "memory");
	bool exists = kn;

	sysfs_put(kn);
	return exists;
}

static int ssm_sysfs_add_block(struct ssm *s, unsigned long block)
{
	struct ssm_sysfs_block *sb;
	int rc;

	sb = kzalloc(sizeof(*sb), GFP_KERNEL);
	if (!sb)
		return -ENOMEM;
	sb->s = s;
	sb->block = block;
	sb->kobj.kset = s->fw_kset;
	rc = kobject_init_and_add(&sb->kobj, &ssm_block_ktype, NULL,
				  "memory%lu", block);
	if (rc) {
		kobject_put(&sb->kobj);
		return rc;
	}
	s->fw_blocks[s->nr_fw_blocks++] = sb;
	return 0;
}

/**
 * ssm_sysfs_firmware_init() - create /sys/firmware/memory/memoryN/
 * @s: the module, configure mode, layout finalised
 *
 * One directory per block the kernel presents and per block of ours.
 *
 * Return: 0, -EEXIST if the kernel has the directory itself, or an error
 * (nothing left behind).
 */
int ssm_sysfs_firmware_init(struct ssm *s)
{
	struct ssm_layout *l = &s->layout;
	unsigned long block;
	int rc;

	if (ssm_sysfs_kernel_firmware_memory())
		return -EEXIST;
	s->fw_blocks = kvcalloc(max(l->nr_blocks, 1UL), sizeof(*s->fw_blocks),
				GFP_KERNEL);
	if (!s->fw_blocks)
		return -ENOMEM;
	s->fw_kset = kset_create_and_add("memory", NULL, firmware_kobj);
	if (!s->fw_kset) {
		kvfree(s->fw_blocks);
		s->fw_blocks = NULL;
		return -ENOMEM;
	}
	for (block = l->first_block; block < ssm_last_block(l); block++) {
		if (!ssm_block_is_ours(l, block) &&
		    !ssm_hotplug_block_present(s, block))
			continue;
		rc = ssm_sysfs_add_block(s, block);
		if (rc) {
			ssm_sysfs_firmware_exit(s);
			return rc;
		}
	}
	return 0;
}

/**
 * ssm_sysfs_firmware_exit() - remove /sys/firmware/memory again
 * @s: the module
 *
 * Waits for running stores to finish (kobject removal does).
 */
void ssm_sysfs_firmware_exit(struct ssm *s)
{
	while (s->nr_fw_blocks)
		kobject_put(&s->fw_blocks[--s->nr_fw_blocks]->kobj);
	kvfree(s->fw_blocks);
	s->fw_blocks = NULL;
	if (s->fw_kset)
		kset_unregister(s->fw_kset);
	s->fw_kset = NULL;
}

/* Status attributes: /sys/module/s390_standby_mem/status/ */
static struct ssm *ssm_status;

static ssize_t mode_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", ssm_lazy(ssm_status) ? "lazy" : "configure");
}

static ssize_t backend_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", ssm_status->client.transport->ops->name);
}

static ssize_t increment_size_show(struct kobject *kobj,
				   struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", ssm_status->layout.rzm);
}

static ssize_t block_size_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", ssm_status->layout.block_size);
}

static ssize_t memmap_on_memory_default_show(struct kobject *kobj,
					     struct kobj_attribute *attr,
					     char *buf)
{
	return sysfs_emit(buf, "%d\n", ssm_status->memmap_default);
}

static unsigned long ssm_count(enum ssm_block_state state)
{
	unsigned long n;

	mutex_lock(&ssm_status->lock);
	n = ssm_status->layout.block_count[state];
	mutex_unlock(&ssm_status->lock);
	return n;
}

static ssize_t standby_blocks_show(struct kobject *kobj,
				   struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu\n",
			  ssm_layout_our_blocks(&ssm_status->layout));
}

static ssize_t online_blocks_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu\n", ssm_count(SSM_BLOCK_ONLINE));
}

static struct kobj_attribute ssm_status_attrs[] = {
	__ATTR_RO(mode),
	__ATTR_RO(backend),
	__ATTR_RO(increment_size),
	__ATTR_RO(block_size),
	__ATTR(memmap_on_memory, 0444, memmap_on_memory_default_show, NULL),
	__ATTR_RO(standby_blocks),
	__ATTR_RO(online_blocks),
};

static struct attribute *ssm_status_attr_list[ARRAY_SIZE(ssm_status_attrs) + 1];

static const struct attribute_group ssm_status_group = {
	.name = "status",
	.attrs = ssm_status_attr_list,
};

/**
 * ssm_sysfs_status_init() - /sys/module/s390_standby_mem/status/
 * @s: the module
 *
 * Return: 0 or a negative errno.
 */
int ssm_sysfs_status_init(struct ssm *s)
{
	unsigned int i;
	int rc;

	ssm_status = s;
	for (i = 0; i < ARRAY_SIZE(ssm_status_attrs); i++)
		ssm_status_attr_list[i] = &ssm_status_attrs[i].attr;
	rc = sysfs_create_group(&THIS_MODULE->mkobj.kobj, &ssm_status_group);
	if (!rc)
		s->status_group = true;
	return rc;
}

/**
 * ssm_sysfs_status_exit() - remove the status attributes
 * @s: the module
 */
void ssm_sysfs_status_exit(struct ssm *s)
{
	if (s->status_group)
		sysfs_remove_group(&THIS_MODULE->mkobj.kobj, &ssm_status_group);
	s->status_group = false;
}
