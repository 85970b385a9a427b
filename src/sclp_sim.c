// SPDX-License-Identifier: GPL-2.0
/*
 * Simulated SCLP firmware.
 *
 * QEMU dropped standby memory long ago. The test bed boots the kernel with
 * mem= below the RAM QEMU provides; this transport offers the RAM above as
 * standby increments and answers the very SCCBs real firmware answers:
 * read SCP info, read storage info, attach storage element, assign and
 * unassign storage. So every guest test exercises the protocol code too.
 *
 * Storage is split into storage elements of elem_incrs increments. Elements
 * holding boot memory are attached; elements of only standby memory start
 * unattached (read storage info answers 0x0410 and lists their increments),
 * and attaching one assigns all of its increments, as firmware does. The id
 * after the last element answers "not present".
 *
 * Firmware state is kept as it would be: which increments are assigned,
 * which elements are attached. Unassigning boot memory is refused and
 * counted as a violation. With use_ram, unassign writes a canary word into
 * every page of the increment (where the kernel still maps it: lazy mode
 * keeps unassigned blocks added) and assign verifies it, so a write to an
 * unassigned increment, which is an addressing exception on real hardware,
 * is reported as an error. Where the range is not mapped at all, any stray
 * access faults in the guest anyway.
 *
 * Faults are injected per client operation (see struct ssm_sim_fault): an
 * error response (nothing happens), a timeout (nothing happens, no answer),
 * or a malformed answer (the command takes effect, the answer is garbage).
 * The response codes the simulation uses for its own refusals are its own
 * choice; the client only needs them to be errors.
 */
#define pr_fmt(fmt) "s390_standby_mem: sim: " fmt

#include <linux/kernel.h>
#include <linux/bitmap.h>
#include <linux/errno.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "sccb.h"
#include "sclp_client.h"
#include "sclp_sim.h"

#define SIM_RESP_REFUSED	0x0300	/* sim: invalid rn or element */
#define SIM_RESP_DEFAULT_FAULT	0x05f0
#define SIM_ELEM_INCRS		256
#define SIM_CANARY		0x5374616e64627921ULL	/* "Standby!" */

struct ssm_sim {
	struct ssm_transport t;
	struct mutex lock;		/* protects everything below */
	u64 rzm;
	u32 rnmax;
	u32 boot_rns;			/* rn 1..boot_rns: boot memory */
	u32 elem_incrs;
	u32 nr_elems;
	bool use_ram;
	unsigned long *assigned;	/* by rn */
	unsigned long *canary;		/* by rn: canary written */
	unsigned long *attached;	/* by element id */
	struct ssm_sim_fault fault;
	u32 matched;			/* matching requests seen */
	struct ssm_sim_stats stats;
};

static const char * const ssm_sim_mode_names[] = {
	[SSM_FAULT_RESPONSE] = "response",
	[SSM_FAULT_TIMEOUT] = "timeout",
	[SSM_FAULT_MALFORMED] = "malformed",
};

static struct ssm_sim *to_sim(struct ssm_transport *t)
{
	return container_of(t, struct ssm_sim, t);
}

static u64 sim_rn_phys(struct ssm_sim *sim, u32 rn)
{
	return (u64)(rn - 1) * sim->rzm;
}

static u32 sim_elem_of(struct ssm_sim *sim, u32 rn)
{
	return (rn - 1) / sim->elem_incrs;
}

static void sim_elem_rns(struct ssm_sim *sim, u32 id, u32 *first, u32 *last)
{
	*first = id * sim->elem_incrs + 1;
	*last = min(*first + sim->elem_incrs - 1, sim->rnmax);
}

/* Is the page at @phys mapped in the kernel right now? */
static bool sim_mapped(u64 phys)
{
	u64 word;

	return !copy_from_kernel_nofault(&word, phys_to_virt(phys), sizeof(word));
}

static void sim_write_canary(struct ssm_sim *sim, u32 rn)
{
	u64 phys = sim_rn_phys(sim, rn), end = phys + sim->rzm;

	clear_bit(rn, sim->canary);
	if (!sim->use_ram || !sim_mapped(phys))
		return;
	/*
	 * Lazy mode: the block stays added (mapped) while unassigned; the
	 * kernel must not touch it until the next assign.
	 */
	for (; phys < end; phys += PAGE_SIZE)
		WRITE_ONCE(*(u64 *)phys_to_virt(phys), SIM_CANARY ^ phys);
	set_bit(rn, sim->canary);
}

static void sim_check_canary(struct ssm_sim *sim, u32 rn)
{
	u64 phys = sim_rn_phys(sim, rn), end = phys + sim->rzm, word;
	unsigned long bad = 0;
	u64 first_bad = 0;

	if (!test_and_clear_bit(rn, sim->canary)) {
		sim->stats.canary_unverified++;
		return;
	}
	for (; phys < end; phys += PAGE_SIZE) {
		if (copy_from_kernel_nofault(&word, phys_to_virt(phys),
					     sizeof(word))) {
			sim->stats.canary_unverified++;
			return;
		}
		if (word != (SIM_CANARY ^ phys) && !bad++)
			first_bad = phys;
	}
	sim->stats.canary_checked++;
	if (!bad)
		return;
	sim->stats.canary_errors++;
	pr_err("rn 0x%04x [0x%llx-0x%llx]: written while unassigned (%lu pages, first at 0x%llx)\n",
	       rn, sim_rn_phys(sim, rn), sim_rn_phys(sim, rn) + sim->rzm - 1,
	       bad, first_bad);
}

static u16 sim_read_info(struct ssm_sim *sim, void *sccb, bool malformed)
{
	struct ssm_read_info_sccb *ri = sccb;
	u64 mib = sim->rzm >> 20;

	if (mib <= 128)
		ri->rnsize = mib;
	else
		ri->rnsize2 = mib;
	ri->rnmax = sim->rnmax;
	ri->facilities = SSM_FAC_STANDBY_MEMORY;
	if (malformed)
		ri->rnsize = 3;
	return SSM_RESP_READ_OK;
}

static u16 sim_storage_info(struct ssm_sim *sim, u32 id, void *sccb,
			    bool malformed)
{
	struct ssm_storage_info_sccb *si = sccb;
	bool attached;
	u32 rn, first, last, n = 0;

	si->max_id = sim->nr_elems;	/* one more id: not present */
	if (id >= sim->nr_elems)
		return SSM_RESP_ELEM_NOT_PRESENT;
	attached = test_bit(id, sim->attached);
	sim_elem_rns(sim, id, &first, &last);
	for (rn = first; rn <= last; rn++) {
		/* attached: its assigned increments; else all of them */
		if (attached && !test_bit(rn, sim->assigned))
			continue;
		si->entries[n++] = rn << 16;
	}
	si->assigned = n;
	si->standby = attached ? 0 : n;
	if (malformed)
		si->assigned = SSM_SCCB_MAX_ENTRIES + 5;
	return attached ? SSM_RESP_READ_OK : SSM_RESP_ELEM_STANDBY;
}

static u16 sim_attach(struct ssm_sim *sim, u32 id, void *sccb, bool malformed)
{
	struct ssm_attach_sccb *at = sccb;
	u32 rn, first, last, n = 0;

	if (id >= sim->nr_elems)
		return SIM_RESP_REFUSED;
	if (!test_and_set_bit(id, sim->attached)) {
		/* Attaching assigns the element's increments. */
		sim_elem_rns(sim, id, &first, &last);
		for (rn = first; rn <= last; rn++) {
			set_bit(rn, sim->assigned);
			at->entries[n++] = rn << 16;
		}
	}
	at->assigned = n;
	if (malformed) {
		at->entries[n] = (sim->rnmax + 1) << 16;
		at->assigned = n + 1;
	}
	return SSM_RESP_DONE;
}

static u16 sim_assign(struct ssm_sim *sim, bool assign, void *sccb,
		      bool malformed)
{
	struct ssm_assign_sccb *as = sccb;
	u32 rn = as->rn;
	u16 resp = SSM_RESP_DONE;

	if (!rn || rn > sim->rnmax)
		return SIM_RESP_REFUSED;
	/* Only attached storage can be assigned; unassigning is harmless. */
	if (assign && !test_bit(sim_elem_of(sim, rn), sim->attached))
		return SIM_RESP_REFUSED;
	if (!assign && rn <= sim->boot_rns) {
		sim->stats.violations++;
		if (sim->use_ram)
			pr_err("refusing to unassign boot memory rn 0x%04x\n", rn);
		return SIM_RESP_REFUSED;
	}
	if (assign && !test_bit(rn, sim->assigned)) {
		sim_check_canary(sim, rn);
		set_bit(rn, sim->assigned);
	} else if (!assign && test_bit(rn, sim->assigned)) {
		sim_write_canary(sim, rn);
		clear_bit(rn, sim->assigned);
	} else {
		resp = SSM_RESP_DONE_ALT;	/* nothing to do */
	}
	if (malformed)
		as->rn = rn + 1;
	return resp;
}

static int sim_op_of(u32 cmd)
{
	switch (SSM_CMD_BASE(cmd)) {
	case SSM_CMD_READ_SCP_INFO:
	case SSM_CMD_READ_SCP_INFO_FORCED:
		return SSM_OP_READ_INFO;
	case SSM_CMD_READ_STORAGE_INFO:
		return SSM_OP_STORAGE_INFO;
	case SSM_CMD_ATTACH_STORAGE:
		return SSM_OP_ATTACH;
	case SSM_CMD_ASSIGN_STORAGE:
		return SSM_OP_ASSIGN;
	case SSM_CMD_UNASSIGN_STORAGE:
		return SSM_OP_UNASSIGN;
	default:
		return -1;
	}
}

/* Does the armed fault hit this request? Consumes one count if so. */
static bool sim_fault_hits(struct ssm_sim *sim, int op, void *sccb)
{
	struct ssm_sim_fault *f = &sim->fault;
	bool has_rn = op == SSM_OP_ASSIGN || op == SSM_OP_UNASSIGN;

	if (f->op < 0 || f->op != op || !f->count)
		return false;
	if (f->rn && has_rn && ((struct ssm_assign_sccb *)sccb)->rn != f->rn)
		return false;
	if (sim->matched++ < f->skip)
		return false;
	if (!--f->count)
		f->op = -1;		/* disarmed */
	sim->stats.faults_injected++;
	return true;
}

static int sim_sync_request(struct ssm_transport *t, u32 cmd, void *sccb)
{
	struct ssm_sim *sim = to_sim(t);
	struct ssm_sccb_header *hdr = sccb;
	bool malformed = false;
	int op = sim_op_of(cmd);
	u16 resp;

	mutex_lock(&sim->lock);
	sim->stats.requests++;
	if (sim_fault_hits(sim, op, sccb)) {
		switch (sim->fault.mode) {
		case SSM_FAULT_TIMEOUT:
			mutex_unlock(&sim->lock);
			return -ETIMEDOUT;
		case SSM_FAULT_RESPONSE:
			hdr->response_code = sim->fault.response;
			mutex_unlock(&sim->lock);
			return 0;
		default:
			malformed = true;
			break;
		}
	}
	switch (op) {
	case SSM_OP_READ_INFO:
		resp = sim_read_info(sim, sccb, malformed);
		break;
	case SSM_OP_STORAGE_INFO:
		resp = sim_storage_info(sim, SSM_CMD_ID(cmd), sccb, malformed);
		break;
	case SSM_OP_ATTACH:
		resp = sim_attach(sim, SSM_CMD_ID(cmd), sccb, malformed);
		break;
	case SSM_OP_ASSIGN:
	case SSM_OP_UNASSIGN:
		resp = sim_assign(sim, op == SSM_OP_ASSIGN, sccb, malformed);
		break;
	default:
		resp = SSM_RESP_INVALID_COMMAND;
		break;
	}
	hdr->response_code = resp;
	mutex_unlock(&sim->lock);
	return 0;
}

static void sim_destroy(struct ssm_transport *t)
{
	struct ssm_sim *sim = to_sim(t);

	bitmap_free(sim->assigned);
	bitmap_free(sim->canary);
	bitmap_free(sim->attached);
	mutex_destroy(&sim->lock);
	kfree(sim);
}

static const struct ssm_transport_ops ssm_sim_ops = {
	.name = "sim",
	.sync_request = sim_sync_request,
	.destroy = sim_destroy,
};

/**
 * ssm_transport_is_sim() - is this the simulated firmware?
 * @t: transport
 *
 * Return: true for a transport made by ssm_sim_create().
 */
bool ssm_transport_is_sim(struct ssm_transport *t)
{
	return t && t->ops == &ssm_sim_ops;
}

/**
 * ssm_sim_create() - simulated firmware over RAM the kernel does not use
 * @cfg: geometry; boot_size and storage_size multiples of rzm
 *
 * With cfg->use_ram, the standby range [boot_size, storage_size) must not
 * intersect System RAM: the simulation refuses to pretend that memory the
 * kernel uses is standby memory.
 *
 * Return: the transport or an ERR_PTR().
 */
struct ssm_transport *ssm_sim_create(const struct ssm_sim_config *cfg)
{
	u64 standby = cfg->storage_size - cfg->boot_size;
	struct ssm_sim *sim;
	u32 id, rnmax;

	if (!cfg->rzm || cfg->boot_size > cfg->storage_size ||
	    cfg->storage_size % cfg->rzm || cfg->boot_size % cfg->rzm)
		return ERR_PTR(-EINVAL);
	if (div64_u64(cfg->storage_size, cfg->rzm) > SSM_MAX_RN)
		return ERR_PTR(-ERANGE);
	rnmax = div64_u64(cfg->storage_size, cfg->rzm);
	if (!rnmax)
		return ERR_PTR(-EINVAL);
	if (cfg->use_ram && standby &&
	    region_intersects(cfg->boot_size, standby, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT) {
		pr_err("standby range [0x%llx-0x%llx] intersects System RAM: refused\n",
		       cfg->boot_size, cfg->storage_size - 1);
		return ERR_PTR(-EBUSY);
	}

	sim = kzalloc(sizeof(*sim), GFP_KERNEL);
	if (!sim)
		return ERR_PTR(-ENOMEM);
	mutex_init(&sim->lock);
	sim->t.ops = &ssm_sim_ops;
	sim->rzm = cfg->rzm;
	sim->rnmax = rnmax;
	sim->boot_rns = div64_u64(cfg->boot_size, cfg->rzm);
	sim->elem_incrs = cfg->elem_incrs ? cfg->elem_incrs : SIM_ELEM_INCRS;
	sim->elem_incrs = min_t(u32, sim->elem_incrs, SSM_SCCB_MAX_ENTRIES - 1);
	sim->nr_elems = DIV_ROUND_UP(rnmax, sim->elem_incrs);
	sim->use_ram = cfg->use_ram;
	sim->fault.op = -1;
	sim->assigned = bitmap_zalloc(rnmax + 1, GFP_KERNEL);
	sim->canary = bitmap_zalloc(rnmax + 1, GFP_KERNEL);
	sim->attached = bitmap_zalloc(sim->nr_elems, GFP_KERNEL);
	if (!sim->assigned || !sim->canary || !sim->attached ||
	    sim->nr_elems > SSM_MAX_STORAGE_ID) {
		sim_destroy(&sim->t);
		return ERR_PTR(sim->nr_elems > SSM_MAX_STORAGE_ID ?
			       -ERANGE : -ENOMEM);
	}
	/* Boot memory is assigned; its elements are attached. */
	bitmap_set(sim->assigned, 1, sim->boot_rns);
	for (id = 0; id < sim->nr_elems; id++)
		if (id * sim->elem_incrs < sim->boot_rns)
			set_bit(id, sim->attached);
	return &sim->t;
}

/**
 * ssm_sim_parse_fault() - parse a fault specification
 * @spec: "none", or "<op>,<mode>[,count=N][,skip=N][,rn=N][,response=N]"
 *	  with op one of read_info, storage_info, attach, assign, unassign
 *	  and mode one of response, timeout, malformed; a trailing newline
 *	  is allowed
 * @fault: filled in on success
 *
 * Return: 0 or -EINVAL.
 */
int ssm_sim_parse_fault(const char *spec, struct ssm_sim_fault *fault)
{
	struct ssm_sim_fault f = {
		.op = -1, .response = SIM_RESP_DEFAULT_FAULT, .count = 1,
	};
	char *buf, *p, *tok;
	int rc = -EINVAL, i;
	u32 val;

	buf = kstrndup(spec, 128, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (strlen(spec) > 127)
		goto out;
	p = strim(buf);
	if (!strcmp(p, "none")) {
		rc = 0;
		goto done;
	}
	tok = strsep(&p, ",");
	for (i = 0; i < SSM_OP_NR; i++)
		if (!strcmp(tok, ssm_client_op_name(i)))
			f.op = i;
	if (f.op < 0 || !p)
		goto out;
	tok = strsep(&p, ",");
	i = match_string(ssm_sim_mode_names, SSM_FAULT_NR_MODES, tok);
	if (i < 0)
		goto out;
	f.mode = i;
	while (p) {
		tok = strsep(&p, ",");
		if (!strncmp(tok, "count=", 6) && !kstrtou32(tok + 6, 0, &val) && val)
			f.count = val;
		else if (!strncmp(tok, "skip=", 5) && !kstrtou32(tok + 5, 0, &val))
			f.skip = val;
		else if (!strncmp(tok, "rn=", 3) && !kstrtou32(tok + 3, 0, &val) &&
			 val <= SSM_MAX_RN)
			f.rn = val;
		else if (!strncmp(tok, "response=", 9) &&
			 !kstrtou32(tok + 9, 0, &val) && val <= U16_MAX &&
			 val != SSM_RESP_DONE && val != SSM_RESP_DONE_ALT &&
			 val != SSM_RESP_READ_OK)
			f.response = val;
		else
			goto out;
	}
	rc = 0;
done:
	*fault = f;
out:
	kfree(buf);
	return rc;
}

/**
 * ssm_sim_format_fault() - the armed fault in ssm_sim_parse_fault() syntax
 * @fault: fault
 * @buf: output
 * @size: size of @buf
 *
 * Return: length written, as scnprintf().
 */
int ssm_sim_format_fault(const struct ssm_sim_fault *fault, char *buf,
			 size_t size)
{
	if (fault->op < 0 || fault->op >= SSM_OP_NR || !fault->count)
		return scnprintf(buf, size, "none\n");
	return scnprintf(buf, size, "%s,%s,count=%u,skip=%u,rn=%u,response=0x%04x\n",
			 ssm_client_op_name(fault->op),
			 ssm_sim_mode_names[fault->mode], fault->count,
			 fault->skip, fault->rn, fault->response);
}

/**
 * ssm_sim_set_fault() - arm (or with op -1, disarm) a fault
 * @t: simulated transport
 * @fault: what to inject
 */
void ssm_sim_set_fault(struct ssm_transport *t, const struct ssm_sim_fault *fault)
{
	struct ssm_sim *sim = to_sim(t);

	mutex_lock(&sim->lock);
	sim->fault = *fault;
	sim->matched = 0;
	mutex_unlock(&sim->lock);
}

/**
 * ssm_sim_get_fault() - the fault armed now
 * @t: simulated transport
 * @fault: filled in
 */
void ssm_sim_get_fault(struct ssm_transport *t, struct ssm_sim_fault *fault)
{
	struct ssm_sim *sim = to_sim(t);

	mutex_lock(&sim->lock);
	*fault = sim->fault;
	mutex_unlock(&sim->lock);
}

/**
 * ssm_sim_get_stats() - counters of the simulation
 * @t: simulated transport
 * @stats: filled in
 */
void ssm_sim_get_stats(struct ssm_transport *t, struct ssm_sim_stats *stats)
{
	struct ssm_sim *sim = to_sim(t);

	mutex_lock(&sim->lock);
	*stats = sim->stats;
	mutex_unlock(&sim->lock);
}

/**
 * ssm_sim_rn_assigned() - firmware's view of one increment
 * @t: simulated transport
 * @rn: increment number
 *
 * Return: true if firmware has @rn assigned.
 */
bool ssm_sim_rn_assigned(struct ssm_transport *t, u32 rn)
{
	struct ssm_sim *sim = to_sim(t);
	bool assigned;

	mutex_lock(&sim->lock);
	assigned = rn && rn <= sim->rnmax && test_bit(rn, sim->assigned);
	mutex_unlock(&sim->lock);
	return assigned;
}

/**
 * ssm_sim_rnmax() - number of increments the simulation has
 * @t: simulated transport
 *
 * Return: rnmax.
 */
u32 ssm_sim_rnmax(struct ssm_transport *t)
{
	return to_sim(t)->rnmax;
}

static int sim_ram_end_cb(struct resource *res, void *arg)
{
	u64 *end = arg;

	*end = max_t(u64, *end, res->end + 1);
	return 0;
}

/**
 * ssm_sim_default_boot_size() - where the kernel's own memory ends
 * @rzm: increment size
 *
 * Return: the end of System RAM, rounded up to @rzm: everything above is
 * RAM the kernel does not use (booted with mem=).
 */
u64 ssm_sim_default_boot_size(u64 rzm)
{
	u64 end = 0;

	walk_iomem_res_desc(IORES_DESC_NONE,
			    IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY, 0, U64_MAX,
			    &end, sim_ram_end_cb);
	return round_up(end, rzm);
}
