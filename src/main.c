// SPDX-License-Identifier: GPL-2.0
/*
 * s390_standby_mem: IBM Z standby memory, online on demand, with its memmap
 * on the memory itself.
 *
 * Load: check the parameters and who else drives standby memory here, open
 * the firmware transport, read the increment size and which increments
 * are standby (reads only), refuse where the memory is not ours, attach
 * storage elements, register the memory group and notifier, then (lazy
 * mode) add every usable block or (configure mode) offer
 * /sys/firmware/memory. Unload is the mirror image and gives every
 * increment back to firmware.
 */
#define pr_fmt(fmt) "s390_standby_mem: " fmt

#include <linux/kernel.h>
#include <linux/crash_dump.h>
#include <linux/ctype.h>
#include <linux/err.h>
#include <linux/init.h>
#include <linux/kstrtox.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "compat.h"
#include "debugfs.h"
#include "hotplug.h"
#include "layout.h"
#include "sclp_client.h"
#include "sclp_hw.h"
#include "sim_link.h"
#include "ssm.h"
#include "sysfs.h"

#define CREATE_TRACE_POINTS
#include "ssm_trace.h"

#define SSM_VERSION		"0.1.0"
#define SSM_MIN_RZM		SZ_1M
#define SSM_MAX_RZM		(16ULL * SZ_1G)

static char *backend = "sclp";
module_param(backend, charp, 0444);
MODULE_PARM_DESC(backend,
		 "Firmware transport: sclp (real SCLP firmware, default) or sim (simulated firmware over RAM above mem=, for testing)");

static char *increment_size;
module_param(increment_size, charp, 0444);
MODULE_PARM_DESC(increment_size,
		 "Storage increment size, a power of two from 1M to 16G (memparse syntax: 256M, 2G). backend=sim: the simulated size (default 256M); backend=sclp: must match firmware if given");

static char *mode = "auto";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode,
		 "auto (default: lazy where the kernel supports it), lazy (add all blocks offline, assign on online; kernels 6.8-6.18) or configure (/sys/firmware/memory/memoryN/config)");

static char *adopt = "auto";
module_param(adopt, charp, 0444);
MODULE_PARM_DESC(adopt,
		 "Take over the standby memory the kernel added at boot (kernels 6.1-6.18 booted without mem=): auto (default: yes, except where mode=auto chose configure mode, which would move the kernel's blocks out of lsmem's view before util-linux 2.42), 1 (take over), or 0 (leave it to the kernel; the module then does not load)");

static unsigned int test_adopt_delay_ms;
module_param(test_adopt_delay_ms, uint, 0444);
MODULE_PARM_DESC(test_adopt_delay_ms,
		 "Testing only: milliseconds the takeover waits, once, between finding the state of the first block of the kernel's and taking it over (default 0): room for an online or offline to run into");

static unsigned int test_unload_delay_ms;
module_param(test_unload_delay_ms, uint, 0444);
MODULE_PARM_DESC(test_unload_delay_ms,
		 "Testing only: milliseconds the unload waits once it has begun, before it takes the blocks back (default 0): room for an online to run into");

static char *sim_fault;
module_param(sim_fault, charp, 0444);
MODULE_PARM_DESC(sim_fault,
		 "Testing, backend=sim only: faults to inject from load on, <op>,<mode>[,count=N][,skip=N][,rn=N][,response=N][,side=S], ';'-separated (see README; default: none)");

static char *sim_base;
module_param(sim_base, charp, 0444);
MODULE_PARM_DESC(sim_base,
		 "Testing, backend=sim only: first byte of the simulated standby memory (memparse syntax; default: where the kernel's memory ends)");

static char *sim_size;
module_param(sim_size, charp, 0444);
MODULE_PARM_DESC(sim_size,
		 "Testing, backend=sim only: size of the simulated standby memory (memparse syntax; default: up to the end of the machine's storage)");

static struct ssm ssm;

struct ssm_params {
	bool sim;
	struct ssm_sim_params simp;
	u64 rzm;			/* 0: as firmware says */
	enum ssm_mode mode;
	bool mode_auto;			/* mode=auto chose it */
	bool adopt;
	bool adopt_declined;		/* adopt=auto said no */
};

static int ssm_param_invalid(const char *name, const char *value,
			     const char *allowed)
{
	pr_err("%s=%.64s invalid: %s\n", name, value, allowed);
	return -EINVAL;
}

/* memparse() of a whole string that starts with a digit */
static int ssm_parse_size(const char *str, u64 *val)
{
	char *end;

	if (!*str || !isdigit(*str))
		return -EINVAL;
	*val = memparse(str, &end);
	return *end ? -EINVAL : 0;
}

static int ssm_parse_rzm(const char *str, u64 *rzm)
{
	u64 val;

	if (ssm_parse_size(str, &val) || val < SSM_MIN_RZM ||
	    val > SSM_MAX_RZM || !is_power_of_2(val))
		return -EINVAL;
	*rzm = val;
	return 0;
}

static int ssm_parse_mode(struct ssm_params *p)
{
	p->mode_auto = !mode || !strcmp(mode, "auto");
	if (p->mode_auto)
		p->mode = SSM_LAZY_SUPPORTED ? SSM_MODE_LAZY : SSM_MODE_CONFIGURE;
	else if (!strcmp(mode, "lazy"))
		p->mode = SSM_MODE_LAZY;
	else if (!strcmp(mode, "configure"))
		p->mode = SSM_MODE_CONFIGURE;
	else
		return ssm_param_invalid("mode", mode,
					 "must be auto, lazy or configure");
	if (p->mode == SSM_MODE_LAZY && !SSM_LAZY_SUPPORTED)
		return ssm_param_invalid("mode", mode,
					 "this kernel lacks " SSM_LAZY_MISSING);
	return 0;
}

/*
 * adopt=auto takes over what the kernel added, except where mode=auto
 * chose configure mode (kernels without MEM_PREPARE_ONLINE): that would
 * move the kernel's blocks from /sys/devices/system/memory, where the
 * administrator's lsmem and chmem before util-linux 2.42 look, to
 * /sys/firmware/memory without anyone asking for it.
 */
static int ssm_parse_adopt(struct ssm_params *p)
{
	if (!adopt || !strcmp(adopt, "auto")) {
		p->adopt = !(p->mode_auto && p->mode == SSM_MODE_CONFIGURE);
		p->adopt_declined = !p->adopt;
		return 0;
	}
	if (kstrtobool(adopt, &p->adopt))
		return ssm_param_invalid("adopt", adopt,
					 "must be auto, 1 or 0");
	return 0;
}

static int ssm_parse_sim(struct ssm_params *p)
{
	if (sim_base && !p->sim)
		return ssm_param_invalid("sim_base", sim_base, "needs backend=sim");
	if (sim_base && ssm_parse_size(sim_base, &p->simp.base))
		return ssm_param_invalid("sim_base", sim_base,
					 "must be a size (memparse syntax: 1536M, 3G)");
	if (sim_size && !p->sim)
		return ssm_param_invalid("sim_size", sim_size, "needs backend=sim");
	if (sim_size && (ssm_parse_size(sim_size, &p->simp.size) ||
			 !p->simp.size))
		return ssm_param_invalid("sim_size", sim_size,
					 "must be a size above 0 (memparse syntax: 512M, 1G)");
	if (sim_fault && !p->sim)
		return ssm_param_invalid("sim_fault", sim_fault,
					 "needs backend=sim");
	p->simp.fault = sim_fault;
	p->simp.rzm = p->sim ? p->rzm : 0;
	return 0;
}

/* Check every parameter before touching anything; one line per refusal. */
static int ssm_parse_params(struct ssm_params *p)
{
	int rc;

	memset(p, 0, sizeof(*p));
	if (!backend || (strcmp(backend, "sclp") && strcmp(backend, "sim")))
		return ssm_param_invalid("backend", backend ?: "",
					 "must be sclp or sim");
	p->sim = !strcmp(backend, "sim");
	if (increment_size && ssm_parse_rzm(increment_size, &p->rzm))
		return ssm_param_invalid("increment_size", increment_size,
					 "must be a power of two from 1M to 16G");
	rc = ssm_parse_mode(p);
	if (!rc)
		rc = ssm_parse_adopt(p);
	if (!rc)
		rc = ssm_parse_sim(p);
	return rc;
}

static struct ssm_transport *ssm_open_transport(const struct ssm_params *p)
{
	if (p->sim)
		return ssm_sim_link_open(&p->simp);
	return ssm_hw_create();
}

/* Read SCP info and check it against the facility and the parameters. */
static int ssm_read_firmware_info(struct ssm *s, const struct ssm_params *p,
				  struct ssm_scp_info *info)
{
	char a[16];
	int rc;

	rc = ssm_client_read_info(&s->client, info);
	if (rc) {
		pr_err("cannot read SCP info from firmware: %d\n", rc);
		return rc;
	}
	if ((info->facilities & SSM_FAC_STANDBY_MEMORY) != SSM_FAC_STANDBY_MEMORY) {
		pr_err("firmware has no standby memory facility\n");
		return -ENODEV;
	}
	if (info->rnmax > SSM_MAX_RN) {
		pr_err("firmware reports %u increments; at most %u are supported\n",
		       info->rnmax, SSM_MAX_RN);
		return -EOPNOTSUPP;
	}
	if (!p->sim && p->rzm && p->rzm != info->rzm) {
		pr_err("increment_size=%.64s invalid: firmware uses %s\n",
		       increment_size, ssm_size_str(info->rzm, a, sizeof(a)));
		return -EINVAL;
	}
	return 0;
}

/* Why the kernel's blocks stay the kernel's, if the parameters say so. */
static const char *ssm_adopt_why(const struct ssm_probe *probe)
{
	if (probe->adopt_declined)
		return "; mode=auto chose configure mode: lsmem before 2.42 would not see them";
	if (!probe->adopt)
		return "; adopt=0 leaves them to it";
	return "";
}

/*
 * Refuse where standby memory is not ours to drive, one line each, before
 * anything changes in firmware.
 */
static int ssm_refuse(const struct ssm *s, enum ssm_situation sit,
		      const struct ssm_probe *probe)
{
	switch (sit) {
	case SSM_SIT_KDUMP:
		pr_info("kdump kernel: standby memory is left alone, as the kernel's own support leaves it: not loading\n");
		return -ENODEV;
	case SSM_SIT_KERNEL_SYSFS:
		pr_err("standby memory is managed by the kernel itself (it provides /sys/firmware/memory): not loading\n");
		return -EBUSY;
	case SSM_SIT_KERNEL_BLOCKS:
		pr_err("standby memory is managed by the kernel itself (%lu of %lu standby blocks are System RAM already%s): not loading\n",
		       probe->busy_blocks, ssm_layout_our_blocks(&s->layout),
		       ssm_adopt_why(probe));
		if (probe->adopt_declined)
			pr_info("lsmem and chmem -e/-d work on the kernel's blocks as before; adopt=1 takes them over, to be configured in /sys/firmware/memory (chmem -c/-g of util-linux 2.42)\n");
		return -EBUSY;
	case SSM_SIT_SIM_ON_REAL:
		pr_err("backend=sim invalid: firmware reports standby memory on this machine, so the storage above mem= is not RAM it has (touching it is an addressing exception)\n");
		return -EINVAL;
	default:
		return 0;
	}
}

static void ssm_report_runs(const struct ssm_layout *l)
{
	struct ssm_run run;
	u32 rn = 1;

	while (ssm_layout_next_run(l, &rn, &run))
		pr_info("Standby memory at 0x%llx (%lluM of %lluM usable)\n",
			run.start, run.usable_size >> 20, run.size >> 20);
}

/* The increment model from what firmware reports; reads only. */
static int ssm_build_layout(struct ssm *s, const struct ssm_scp_info *info)
{
	struct ssm_layout *l = &s->layout;
	struct range pluggable;
	u64 block_size;
	int rc;

	ssm_hotplug_geometry(&block_size, &pluggable);
	rc = ssm_layout_init(l, info->rzm, info->rnmax, block_size, &pluggable);
	if (rc) {
		pr_err("cannot model %u increments of %lluM in %lluM blocks: %d\n",
		       info->rnmax, info->rzm >> 20, block_size >> 20, rc);
		return rc;
	}
	l->lazy = ssm_lazy(s);
	l->prepare_events = SSM_PREPARE_EVENTS;
	rc = ssm_client_discover(&s->client, l);
	if (rc) {
		pr_err("cannot read storage information from firmware: %d\n", rc);
		ssm_layout_destroy(l);
		return rc;
	}
	ssm_hotplug_unmask_standby(s);
	ssm_layout_finalize(l);
	return 0;
}

/*
 * Attach what is not attached yet: from here on firmware state changes.
 * Lazy mode adds every block now and needs every element attached. In
 * configure mode an element that does not attach stays standby, as
 * upstream has it: each config write attaches it again, and until then
 * only the blocks on it fail to configure. Beside the kernel's notifier
 * nothing: it attaches them itself at its first memory event, and it
 * assigns (hotplug.c, ssm_attach_late()).
 */
static int ssm_attach(struct ssm *s)
{
	struct ssm_layout *l = &s->layout;
	int rc = 0;

	if (!l->shared)
		rc = ssm_client_attach_all(&s->client, l);
	if (rc && s->mode == SSM_MODE_CONFIGURE) {
		pr_warn("not every storage element attached: attached again at each config write\n");
	} else if (rc) {
		pr_err("cannot attach storage elements: %d\n", rc);
		return rc;
	}
	ssm_report_runs(l);
	if (!ssm_layout_our_blocks(l)) {
		pr_err("no usable standby memory\n");
		return -ENODEV;
	}
	return 0;
}

/* Give back what a failed load took: what attach left assigned. */
static void ssm_give_back(struct ssm *s)
{
	struct ssm_layout *l = &s->layout;

	if (ssm_layout_flush_stale(l, &ssm_client_fw_ops, &s->client))
		pr_warn("%lu %s could not be unassigned\n", l->stale,
			l->stale == 1 ? "increment" : "increments");
}

/* backend=sim: the simulated firmware marks what the kernel maps now. */
static void ssm_sim_checkpoint(struct ssm *s)
{
	ssm_sim_link_checkpoint(s->client.transport);
}

static void ssm_summary(const struct ssm *s)
{
	const struct ssm_layout *l = &s->layout;
	u64 first = ~0ULL, last = 0, phys;
	unsigned long block, n = ssm_layout_our_blocks(l);
	char inc[16], blk[16], tot[16];

	for (block = l->first_block; block < ssm_last_block(l); block++) {
		if (!ssm_block_is_ours(l, block))
			continue;
		phys = ssm_block_to_phys(l, block);
		first = min(first, phys);
		last = max(last, phys + l->block_size - 1);
	}
	pr_info("loaded: backend=%s mode=%s situation=%s increment=%s block=%s increments %lu assigned, %lu standby; standby=%s in %lu blocks [0x%llx-0x%llx], memmap %s\n",
		s->client.transport->ops->name,
		ssm_lazy(s) ? "lazy" : "configure",
		l->shared ? "shared" : "alone",
		ssm_size_str(l->rzm, inc, sizeof(inc)),
		ssm_size_str(l->block_size, blk, sizeof(blk)),
		l->incr_count[SSM_INCR_FOREIGN] + l->incr_count[SSM_INCR_ASSIGNED],
		l->incr_count[SSM_INCR_STANDBY],
		ssm_size_str(n * l->block_size, tot, sizeof(tot)), n, first,
		last, s->memmap_default ? "on memory" : "in system memory");
	if (l->shared)
		pr_info("beside the kernel's own SCLP memory notifier: it assigns increments on the way online and unassigns them on the way offline; this module adds and removes blocks and checks firmware after it\n");
}

static void ssm_memmap_note(const struct ssm *s)
{
	const struct ssm_layout *l = &s->layout;
	u64 cost = ssm_hotplug_memmap_cost_per_gib() >> 20;
	char tot[16];

	if (s->memmap_default)
		return;
	if (ssm_lazy(s))
		pr_info("memmap of standby memory comes from system memory: %lluM per 1G, taken at load for all %s (boot with memory_hotplug.memmap_on_memory=1 to avoid this)\n",
			cost, ssm_size_str(ssm_layout_our_blocks(l) * l->block_size,
					   tot, sizeof(tot)));
	else
		pr_info("memmap of standby memory comes from system memory: %lluM per 1G configured (boot with memory_hotplug.memmap_on_memory=1 on a kernel that supports it to avoid this)\n",
			cost);
}

static int ssm_start_mode(struct ssm *s)
{
	int rc;

	if (ssm_lazy(s)) {
		ssm_hotplug_add_all(s);
		return 0;
	}
	rc = ssm_sysfs_firmware_init(s);
	if (rc) {
		pr_err("cannot create /sys/firmware/memory: %d\n", rc);
		return rc;
	}
	/* lsmem and chmem before util-linux 2.42 see configured blocks only */
	pr_info("configure mode: a block shows in lsmem and goes online with chmem -e once configured: echo 1 >/sys/firmware/memory/memoryN/config (chmem -c of util-linux 2.42)\n");
	return 0;
}

/*
 * Is the kernel's SCLP memory notifier there: asked only where firmware
 * reports standby memory to a kernel with sclp_cmd.c's notifier (6.1 to
 * 6.18), and said when it is missing.
 */
static int ssm_probe_kernel_notifier(struct ssm_probe *probe)
{
	int rc;

	if (!ssm_probe_notifier_kernel(probe) || probe->sim || probe->kdump)
		return 0;
	rc = ssm_hotplug_kernel_notifier();
	if (rc < 0) {
		pr_err("cannot tell whether the kernel's SCLP memory notifier is registered: %d (the kernel needs CONFIG_KALLSYMS)\n",
		       rc);
		return rc;
	}
	probe->kernel_notifier = rc;
	if (!rc)
		pr_info("firmware reports standby memory, but the kernel registered no SCLP memory notifier (its read of storage element information failed at boot): the module drives standby memory alone\n");
	return 0;
}

/* Who else drives standby memory: what can be known before any request. */
static int ssm_probe_kernel(const struct ssm_params *p, struct ssm_probe *probe)
{
	memset(probe, 0, sizeof(*probe));
	probe->kernel_facilities = ssm_hw_facilities();
	probe->kdump = is_kdump_kernel();
	probe->kernel_fw_dir = ssm_sysfs_kernel_firmware_memory();
	probe->kernel_sclp_mem = SSM_KERNEL_SCLP_MEM;
	probe->sim = p->sim;
	probe->adopt = p->adopt;
	probe->adopt_declined = p->adopt_declined;
	if (probe->kernel_fw_dir)
		return 0;
	return ssm_probe_kernel_notifier(probe);
}

/* The memmap (struct pages) of one block */
static u64 ssm_block_memmap_bytes(const struct ssm_layout *l)
{
	return (u64)(l->block_size >> PAGE_SHIFT) * sizeof(struct page);
}

/*
 * The memmap of one block as the kernel's initcall added it, in system
 * memory: none when it put the memmap on the block itself.
 */
static u64 ssm_kernel_memmap_bytes(const struct ssm_layout *l)
{
	if (ssm_compat_kernel_standby_flags() & MHP_MEMMAP_ON_MEMORY)
		return 0;
	return ssm_block_memmap_bytes(l);
}

/* The same for the module's own add: none with the memmap on the block. */
static u64 ssm_our_memmap_bytes(const struct ssm *s)
{
	if (s->memmap_default)
		return 0;
	return ssm_block_memmap_bytes(&s->layout);
}

/*
 * Take over what the kernel's initcall added (6.1 to 6.18 without mem=)
 * and say so: how many, from which state, what it gave back to the
 * system. Each block taken over offline was removed, and its memmap in
 * system memory freed with it; one taken over online stays as it is.
 * Lazy mode adds the removed blocks again at once, with the memmap where
 * this boot puts it: what that costs is not freed. Said from what was
 * removed and added, not from MemFree, which moves with everything else
 * the kernel does meanwhile (the per-CPU page lists that removing memory
 * drains, for one).
 */
static void ssm_adopt(struct ssm *s, unsigned long busy)
{
	unsigned long n, online;
	s64 per_block, freed;

	if (!busy)
		return;
	n = ssm_hotplug_adopt(s, &online);
	per_block = ssm_kernel_memmap_bytes(&s->layout);
	if (ssm_lazy(s))
		per_block -= ssm_our_memmap_bytes(s);
	freed = (s64)(n - online) * per_block;
	pr_info("took over %lu of %lu standby %s the kernel had added at boot: %lu offline, %lu online; system memory freed: %lldM\n",
		n, busy, busy == 1 ? "block" : "blocks", n - online, online,
		div_s64(freed, SZ_1M));
}

static int __init ssm_init(void)
{
	struct ssm *s = &ssm;
	enum ssm_situation sit;
	struct ssm_scp_info info;
	struct ssm_probe probe;
	struct ssm_params p;
	struct ssm_transport *t;
	int rc;

	rc = ssm_parse_params(&p);
	if (rc)
		return rc;
	mutex_init(&s->lock);
	mutex_init(&s->config_lock);
	init_waitqueue_head(&s->settled);
	s->mode = p.mode;
	s->adopt_delay_ms = test_adopt_delay_ms;
	s->unload_delay_ms = test_unload_delay_ms;
	rc = ssm_probe_kernel(&p, &probe);
	if (rc)
		return rc;
	rc = ssm_refuse(s, ssm_layout_situation(&probe), &probe);
	if (rc)
		return rc;

	t = ssm_open_transport(&p);
	if (IS_ERR(t))
		return PTR_ERR(t);
	rc = ssm_client_init(&s->client, t);
	if (rc)
		return rc;
	rc = ssm_read_firmware_info(s, &p, &info);
	if (rc)
		goto out_client;
	rc = ssm_build_layout(s, &info);
	if (rc)
		goto out_client;
	/* With the blocks known: are some System RAM already? */
	probe.busy_blocks = ssm_hotplug_busy_blocks(s);
	probe.twin = p.sim && ssm_sim_link_twin(t);
	sit = ssm_layout_situation(&probe);
	rc = ssm_refuse(s, sit, &probe);
	if (rc)
		goto out_layout;
	s->layout.shared = sit == SSM_SIT_SHARED;
	if (p.sim)
		s->fw_checkpoint = ssm_sim_checkpoint;

	rc = ssm_attach(s);
	if (rc)
		goto out_give_back;
	s->memmap_default = ssm_compat_memmap_on_memory();
	ssm_memmap_note(s);
	rc = ssm_hotplug_init(s);
	if (rc) {
		pr_err("cannot register memory group and notifier: %d\n", rc);
		goto out_give_back;
	}
	ssm_adopt(s, probe.busy_blocks);
	rc = ssm_start_mode(s);
	if (rc)
		goto out_hotplug;
	if (ssm_sysfs_status_init(s))
		pr_warn("status attributes not available\n");
	ssm_debugfs_init(s);
	ssm_summary(s);
	return 0;

out_hotplug:
	ssm_hotplug_exit(s);
out_give_back:
	ssm_give_back(s);
out_layout:
	ssm_layout_destroy(&s->layout);
out_client:
	ssm_client_destroy(&s->client);
	return rc;
}

static void __exit ssm_exit(void)
{
	struct ssm *s = &ssm;
	unsigned long stale;

	ssm_debugfs_exit(s);
	ssm_sysfs_status_exit(s);
	if (!ssm_lazy(s))
		ssm_sysfs_firmware_exit(s);
	/* backend=sim: unassigned memory untouched, checked while mapped */
	if (ssm_transport_is_sim(s->client.transport))
		ssm_sim_link_verify(s->client.transport);
	ssm_hotplug_exit(s);
	stale = s->layout.stale;
	ssm_layout_destroy(&s->layout);
	ssm_client_destroy(&s->client);
	if (stale == 1)
		pr_warn("unloaded; 1 increment stays assigned (firmware refused to take it back)\n");
	else if (stale)
		pr_warn("unloaded; %lu increments stay assigned (firmware refused to take them back)\n",
			stale);
	else
		pr_info("unloaded: all standby memory returned to firmware\n");
}

module_init(ssm_init);
module_exit(ssm_exit);

MODULE_DESCRIPTION("IBM Z standby memory: assign on online, memmap on the memory itself");
MODULE_AUTHOR("s390_standby_mem developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(SSM_VERSION);
