// SPDX-License-Identifier: GPL-2.0
/*
 * backend=sim: a transport to the simulated firmware.
 *
 * The simulated firmware is the module s390_standby_mem_sim, taken with
 * symbol_request() when backend=sim asks for it, so that this module does
 * not depend on it. Its machine outlives us: if one exists (created by the
 * test double of the kernel's own notifier, or left by nobody), we use it
 * as it is, and refuse parameters that describe another one; otherwise we
 * create it from our parameters and it goes away with us.
 *
 * The machine's RAM above mem= must be RAM the machine has, the kernel
 * does not use, and memory hotplug may add. Below its standby range the
 * simulated firmware reports boot memory.
 */
#define pr_fmt(fmt) "s390_standby_mem: " fmt

#include <linux/kernel.h>
#include <linux/err.h>
#include <linux/ioport.h>
#include <linux/memory_hotplug.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sizes.h>

#include "layout.h"
#include "sclp_hw.h"
#include "sim_link.h"
#include "transport.h"

#define SSM_SIM_DEFAULT_RZM	SZ_256M
/* The simulation answers at once; only faults make a caller wait. */
#define SSM_SIM_TIMEOUT		HZ

struct ssm_sim_link {
	struct ssm_transport t;
	const struct ssm_sim_ops *ops;
	struct ssm_sim *sim;
};

static struct ssm_sim_link *to_link(struct ssm_transport *t)
{
	return container_of(t, struct ssm_sim_link, t);
}

static int ssm_sim_link_start(struct ssm_transport *t, struct ssm_req *req)
{
	struct ssm_sim_link *link = to_link(t);

	return link->ops->start(link->sim, req);
}

static void ssm_sim_link_destroy(struct ssm_transport *t)
{
	struct ssm_sim_link *link = to_link(t);

	ssm_transport_exit(t);
	link->ops->put(link->sim);
	symbol_put(ssm_sim_ops);
	kfree(link);
}

static const struct ssm_transport_ops ssm_sim_link_ops = {
	.name = "sim",
	.start = ssm_sim_link_start,
	.destroy = ssm_sim_link_destroy,
};

/**
 * ssm_transport_is_sim() - is this the simulated firmware?
 * @t: transport
 *
 * Return: true for a transport made by ssm_sim_link_open().
 */
bool ssm_transport_is_sim(struct ssm_transport *t)
{
	return t && t->ops == &ssm_sim_link_ops;
}

static int ssm_sim_ram_end(struct resource *res, void *arg)
{
	u64 *end = arg;

	*end = max_t(u64, *end, res->end + 1);
	return 0;
}

/* Where the kernel's own memory ends, rounded up to @rzm. */
static u64 ssm_sim_default_base(u64 rzm)
{
	u64 end = 0;

	walk_iomem_res_desc(IORES_DESC_NONE,
			    IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY, 0, U64_MAX,
			    &end, ssm_sim_ram_end);
	return round_up(end, rzm);
}

/* The machine our parameters describe; one line per refusal. */
static int ssm_sim_resolve(const struct ssm_sim_params *p,
			   struct ssm_sim_config *cfg)
{
	struct range plug = mhp_get_pluggable_range(true);
	u64 storage, base, size, end;
	char a[16];

	cfg->rzm = p->rzm ?: SSM_SIM_DEFAULT_RZM;
	cfg->use_ram = true;
	storage = round_down(ssm_hw_storage_size(), cfg->rzm);
	base = p->base ?: ssm_sim_default_base(cfg->rzm);
	size = p->size ?: (storage > base ? storage - base : 0);
	if (!p->base && !p->size && storage <= base) {
		pr_err("backend=sim: no RAM above the kernel's memory to offer as standby memory (boot with mem= below the machine's memory)\n");
		return -ENODEV;
	}
	end = base + size - 1;
	if (!size || base % cfg->rzm || size % cfg->rzm) {
		pr_err("sim_base=0x%llx sim_size=0x%llx invalid: must be non-empty multiples of the increment size %s\n",
		       base, size, ssm_size_str(cfg->rzm, a, sizeof(a)));
		return -EINVAL;
	}
	if (region_intersects(base, size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT) {
		pr_err("sim_base/sim_size invalid: [0x%llx-0x%llx] overlaps System RAM\n",
		       base, end);
		return -EINVAL;
	}
	if (base < plug.start || end > plug.end || base + size > storage) {
		pr_err("sim_base/sim_size invalid: [0x%llx-0x%llx] is outside the machine's hotpluggable storage [0x%llx-0x%llx]\n",
		       base, end, (u64)plug.start,
		       min_t(u64, plug.end, storage - 1));
		return -EINVAL;
	}
	cfg->boot_size = base;
	cfg->storage_size = base + size;
	return 0;
}

/* A machine exists: our parameters, where given, must describe it. */
static int ssm_sim_check_existing(const struct ssm_sim_params *p,
				  const struct ssm_sim_config *cfg)
{
	char a[16];

	if ((p->rzm && p->rzm != cfg->rzm) ||
	    (p->base && p->base != cfg->boot_size) ||
	    (p->size && p->size != cfg->storage_size - cfg->boot_size)) {
		pr_err("increment_size/sim_base/sim_size invalid: the simulated machine exists already with %s increments, standby [0x%llx-0x%llx]\n",
		       ssm_size_str(cfg->rzm, a, sizeof(a)), cfg->boot_size,
		       cfg->storage_size - 1);
		return -EINVAL;
	}
	return 0;
}

static struct ssm_sim *ssm_sim_machine(const struct ssm_sim_ops *ops,
				       const struct ssm_sim_params *p)
{
	struct ssm_sim_config cfg = { 0 };
	struct ssm_sim *sim;
	int rc;

	sim = ops->get();
	if (sim) {
		ops->config(sim, &cfg);
		rc = ssm_sim_check_existing(p, &cfg);
		if (rc) {
			ops->put(sim);
			return ERR_PTR(rc);
		}
		return sim;
	}
	rc = ssm_sim_resolve(p, &cfg);
	if (rc)
		return ERR_PTR(rc);
	sim = ops->create(&cfg);
	if (IS_ERR(sim))
		pr_err("backend=sim: cannot simulate %llu increments: %ld\n",
		       div64_u64(cfg.storage_size, cfg.rzm), PTR_ERR(sim));
	return sim;
}

/**
 * ssm_sim_link_open() - transport to the simulated firmware
 * @p: what the parameters ask of the machine
 *
 * Return: the transport, or an ERR_PTR() after one line saying why not.
 */
struct ssm_transport *ssm_sim_link_open(const struct ssm_sim_params *p)
{
	const struct ssm_sim_ops *ops;
	struct ssm_sim_link *link;
	struct ssm_sim *sim;
	int rc;

	ops = symbol_request(ssm_sim_ops);
	if (!ops) {
		pr_err("backend=sim: the simulated firmware (module s390_standby_mem_sim) is not available\n");
		return ERR_PTR(-ENODEV);
	}
	sim = ssm_sim_machine(ops, p);
	if (IS_ERR(sim)) {
		rc = PTR_ERR(sim);
		goto out_symbol;
	}
	if (p->fault) {
		rc = ops->set_faults(sim, p->fault);
		if (rc) {
			pr_err("sim_fault=%.64s invalid: must be none or <op>,<mode>[,count=N][,skip=N][,rn=N][,response=N][,side=S], ';'-separated\n",
			       p->fault);
			goto out_put;
		}
	}
	rc = -ENOMEM;
	link = kzalloc(sizeof(*link), GFP_KERNEL);
	if (!link)
		goto out_put;
	link->ops = ops;
	link->sim = sim;
	rc = ssm_transport_init(&link->t, &ssm_sim_link_ops, SSM_SIM_TIMEOUT);
	if (rc) {
		kfree(link);
		goto out_put;
	}
	return &link->t;

out_put:
	ops->put(sim);
out_symbol:
	symbol_put(ssm_sim_ops);
	return ERR_PTR(rc);
}

/**
 * ssm_sim_link_twin() - has a test double of the kernel's notifier
 *			 declared itself on this machine?
 * @t: simulated transport
 *
 * Return: true if so (the test bed's stand-in for the facility bits).
 */
bool ssm_sim_link_twin(struct ssm_transport *t)
{
	struct ssm_sim_link *link = to_link(t);

	return link->ops->kernel_notifier(link->sim);
}

/**
 * ssm_sim_link_checkpoint() - let firmware mark unassigned memory
 * @t: simulated transport
 *
 * Called after every add: memory the kernel maps now while it is
 * unassigned gets its canary, so that a write before its assign shows.
 */
void ssm_sim_link_checkpoint(struct ssm_transport *t)
{
	struct ssm_sim_link *link = to_link(t);

	link->ops->mark(link->sim);
}

/**
 * ssm_sim_link_verify() - let firmware check every unassigned increment
 * @t: simulated transport
 *
 * At unload, before the blocks go: nothing was written to unassigned
 * memory while this module was here.
 */
void ssm_sim_link_verify(struct ssm_transport *t)
{
	struct ssm_sim_link *link = to_link(t);

	link->ops->verify(link->sim);
}

/**
 * ssm_sim_link_assigned_map() - firmware's view of every increment
 * @t: simulated transport
 * @map: bitmap of at least @nr + 1 bits; bit rn is set where firmware has
 *       increment rn assigned
 * @nr: increments 1..@nr
 */
void ssm_sim_link_assigned_map(struct ssm_transport *t, unsigned long *map,
			       u32 nr)
{
	struct ssm_sim_link *link = to_link(t);

	link->ops->assigned_map(link->sim, map, nr);
}

/**
 * ssm_sim_link_stats() - counters of the simulation
 * @t: simulated transport
 * @st: filled in
 */
void ssm_sim_link_stats(struct ssm_transport *t, struct ssm_sim_stats *st)
{
	struct ssm_sim_link *link = to_link(t);

	link->ops->get_stats(link->sim, st);
}
