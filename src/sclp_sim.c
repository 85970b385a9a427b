// SPDX-License-Identifier: GPL-2.0
/*
 * Simulated SCLP firmware (module s390_standby_mem_sim).
 *
 * QEMU dropped standby memory long ago. The test bed boots the kernel with
 * mem= below the RAM QEMU provides; this module offers the RAM above as
 * standby increments and answers the very SCCBs real firmware answers:
 * read SCP info, read storage info, attach storage element, assign and
 * unassign storage. So every guest test exercises the protocol code too.
 *
 * The machine. One simulated machine exists at a time, created by its first
 * user and destroyed when the last one lets go, so that its state outlives
 * s390_standby_mem as real firmware does. Storage is split into storage
 * elements of elem_incrs increments. Elements holding boot memory are
 * attached; elements of only standby memory start unattached (read storage
 * info answers 0x0410 and lists their increments), and attaching one
 * assigns all of its increments, as firmware does. The id after the last
 * element answers "not present".
 *
 * Answers. Firmware state is kept as it would be. A repeated assign is
 * answered 0x0120 (completed, nothing to do), as real firmware does.
 * What real firmware answers to unassigning an increment that is not
 * assigned is not documented; this one answers 0x0120 too, or the error
 * unassign_standby_response= says, so that clients can be tested against
 * both. Attaching an attached element completes (0x0020) and assigns
 * nothing. Unassigning boot memory is refused and counted as a violation.
 * Other refusals use response codes of the simulation's own choice.
 *
 * Canaries. With use_ram, an unassigned increment the kernel maps (lazy
 * mode keeps unassigned blocks added) is filled with the canary byte, all
 * of it, and every byte is checked at its next assign, at a checkpoint
 * and when the machine goes away: a write to an unassigned increment, an
 * addressing exception on real hardware, is reported as "written while
 * unassigned". Memory unassigned while the kernel had it unmapped (a block
 * removed first, as configure mode does) cannot be filled: it keeps what
 * was there, and each unassignment gets a name (machine id, sequence
 * number) under which the host's observer, outside the guest, checks
 * that nothing changed it (scripts/observer.py); canaried memory it
 * checks for the canary. canaries=0 (make bench: the
 * module's cost without the simulation's) skips all of this; increments
 * unassigned meanwhile count as unverified when it is back on.
 *
 * Faults are injected per operation and per side (the module's requests,
 * or those of the kernel's notifier's test double): an error response
 * (nothing happens), a timeout (nothing happens, no answer in time), a
 * malformed answer (the command takes effect, the answer is garbage), or a
 * late answer (the command takes effect, the answer comes after the caller
 * gave up). Up to SSM_SIM_MAX_FAULTS are armed at once.
 */
#define pr_fmt(fmt) "s390_standby_mem_sim: " fmt

#include <linux/kernel.h>
#include <linux/bitmap.h>
#include <linux/debugfs.h>
#include <linux/errno.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timer.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "sccb.h"
#include "sclp_sim.h"
#include "transport.h"

#define SIM_RESP_REFUSED	0x0300	/* sim: invalid rn or element */
#define SIM_RESP_DEFAULT_FAULT	0x05f0
#define SIM_ELEM_INCRS		256
/* Every byte of an unassigned increment: 0x5a, written a word at a time. */
#define SIM_CANARY		0x5a5a5a5a5a5a5a5aULL
#define SIM_LATE_SLOTS		8
#define SIM_LOG_SIZE		512	/* requests kept for debugfs */
/* Granularity of the "is it mapped" test: memory is added in blocks. */
#define SIM_MAP_CHUNK		SZ_1M

static unsigned int late_ms = 2000;
module_param(late_ms, uint, 0644);
MODULE_PARM_DESC(late_ms,
		 "Milliseconds after which a request hit by a timeout or late fault is answered (default 2000)");

/* The one machine, and how many hold it. */
static DEFINE_MUTEX(ssm_sim_machine_lock);
static struct ssm_sim *ssm_sim_machine;
static unsigned int ssm_sim_users;
static bool keep_machine, kept;

static void sim_put(struct ssm_sim *sim);

/* keep_machine=1: the machine outlives its users, as firmware does. */
static int keep_machine_set(const char *val, const struct kernel_param *kp)
{
	struct ssm_sim *drop = NULL;
	int rc;

	mutex_lock(&ssm_sim_machine_lock);
	rc = param_set_bool(val, kp);
	if (!rc && keep_machine && !kept && ssm_sim_machine) {
		kept = true;
		ssm_sim_users++;
	} else if (!rc && !keep_machine && kept) {
		kept = false;
		drop = ssm_sim_machine;
	}
	mutex_unlock(&ssm_sim_machine_lock);
	if (drop)
		sim_put(drop);
	return rc;
}

static const struct kernel_param_ops keep_machine_ops = {
	.set = keep_machine_set,
	.get = param_get_bool,
};
module_param_cb(keep_machine, &keep_machine_ops, &keep_machine, 0644);
MODULE_PARM_DESC(keep_machine,
		 "Keep the simulated machine when its last user goes, until set to 0 (tests look at firmware after an unload)");

static bool canaries = true;
module_param(canaries, bool, 0644);
MODULE_PARM_DESC(canaries,
		 "Fill unassigned memory with a canary and check it at the next assign (default 1; 0 for timing without the simulation's scans)");

static ushort unassign_standby_response = SSM_RESP_DONE_ALT;
module_param(unassign_standby_response, ushort, 0644);
MODULE_PARM_DESC(unassign_standby_response,
		 "Response to unassigning an increment that is not assigned (default 0x0120, completed; any other value is an error)");

struct ssm_sim_late {
	struct timer_list timer;
	struct ssm_sim *sim;
	struct ssm_req *req;
	int result;
	bool armed;
};

/* One request as firmware saw it. */
struct ssm_sim_logged {
	u32 seq;
	u8 side;
	bool faulted;
	u32 cmd;
	u16 rn;
	u16 resp;
};

struct ssm_sim {
	struct mutex lock;		/* protects the firmware state */
	struct ssm_sim_config cfg;
	u32 rnmax;
	u32 boot_rns;			/* rn 1..boot_rns: boot memory */
	u32 elem_incrs;
	u32 nr_elems;
	unsigned long *assigned;	/* by rn */
	unsigned long *canary;		/* by rn: canary written */
	u32 *since;			/* by rn: which unassignment */
	u32 id;				/* random: names this machine */
	u32 unassigns;			/* unassignments so far */
	unsigned long *attached;	/* by element id */
	struct ssm_sim_fault faults[SSM_SIM_MAX_FAULTS];
	bool kernel_notifier;
	struct ssm_sim_stats stats;
	struct ssm_sim_logged log[SIM_LOG_SIZE];
	u32 log_seq;

	spinlock_t late_lock;		/* late[] */
	struct ssm_sim_late late[SIM_LATE_SLOTS];

	struct dentry *debugfs;
};

static const char * const ssm_sim_op_names[] = {
	[SSM_SIM_READ_INFO] = "read_info",
	[SSM_SIM_STORAGE_INFO] = "storage_info",
	[SSM_SIM_ATTACH] = "attach",
	[SSM_SIM_ASSIGN] = "assign",
	[SSM_SIM_UNASSIGN] = "unassign",
};

static const char * const ssm_sim_mode_names[] = {
	[SSM_FAULT_RESPONSE] = "response",
	[SSM_FAULT_TIMEOUT] = "timeout",
	[SSM_FAULT_MALFORMED] = "malformed",
	[SSM_FAULT_LATE] = "late",
};

static const char * const ssm_sim_side_names[] = {
	[SSM_SIDE_MODULE] = "module",
	[SSM_SIDE_KERNEL] = "kernel",
};

static_assert(ARRAY_SIZE(ssm_sim_op_names) == SSM_SIM_NR_OPS);
static_assert(ARRAY_SIZE(ssm_sim_mode_names) == SSM_FAULT_NR_MODES);
static_assert(ARRAY_SIZE(ssm_sim_side_names) == SSM_SIDE_NR);

const char *ssm_sim_op_name(int op)
{
	return op >= 0 && op < SSM_SIM_NR_OPS ? ssm_sim_op_names[op] : "?";
}

static u64 sim_rn_phys(struct ssm_sim *sim, u32 rn)
{
	return (u64)(rn - 1) * sim->cfg.rzm;
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

/* Is the memory at @phys mapped in the kernel right now? */
static bool sim_mapped(u64 phys)
{
	u64 word;

	return !copy_from_kernel_nofault(&word, phys_to_virt(phys), sizeof(word));
}

/* Does the kernel map all of the increment? */
static bool sim_rn_mapped(struct ssm_sim *sim, u32 rn)
{
	u64 phys = sim_rn_phys(sim, rn), end = phys + sim->cfg.rzm;

	for (; phys < end; phys += min_t(u64, SIM_MAP_CHUNK, sim->cfg.rzm))
		if (!sim_mapped(phys))
			return false;
	return true;
}

/* Canary work: only over RAM, and only while canaries=1. */
static bool sim_canaries(struct ssm_sim *sim)
{
	return sim->cfg.use_ram && READ_ONCE(canaries);
}

/*
 * A page at a time, with room for the scheduler in between. Under TCG a
 * word loop reads 256 MiB in 0.18 s; memcmp() (CLCLE) takes 10 s.
 *
 * The page is firmware's, not the kernel's: an offline block's memory
 * may have no KASAN shadow (the kernel drops the shadow of a block's
 * memmap pages when it goes offline), so these accesses are not
 * instrumented, and volatile so that the compiler makes no memset() call
 * (KASAN's) of the loop.
 */
static noinline __no_sanitize_address void sim_fill_page(u64 *p)
{
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / sizeof(u64); i++)
		WRITE_ONCE(p[i], SIM_CANARY);
}

static noinline __no_sanitize_address bool sim_page_intact(const u64 *p)
{
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / sizeof(u64); i++)
		if (READ_ONCE(p[i]) != SIM_CANARY)
			return false;
	return true;
}

/* Fill an unassigned, mapped increment with the canary, every byte. */
static void sim_write_canary(struct ssm_sim *sim, u32 rn)
{
	u64 phys = sim_rn_phys(sim, rn), end = phys + sim->cfg.rzm;

	if (!sim_canaries(sim) || test_bit(rn, sim->canary) ||
	    !sim_rn_mapped(sim, rn))
		return;
	for (; phys < end; phys += PAGE_SIZE) {
		sim_fill_page(phys_to_virt(phys));
		cond_resched();
	}
	set_bit(rn, sim->canary);
	sim->stats.canary_written++;
}

/*
 * Check every byte of a canaried increment; report what was written.
 * Return: true when intact (or nothing to check).
 */
static bool sim_check_canary(struct ssm_sim *sim, u32 rn)
{
	u64 phys = sim_rn_phys(sim, rn), end = phys + sim->cfg.rzm;
	u64 first_bad = 0;
	unsigned long bad = 0;

	if (!sim_canaries(sim))
		return true;
	if (!test_bit(rn, sim->canary)) {
		/* mapped, yet never marked: a window nobody watched */
		if (sim_rn_mapped(sim, rn))
			sim->stats.canary_unverified++;
		return true;
	}
	if (!sim_rn_mapped(sim, rn))
		return true;	/* removed since: unreachable, kept as it was */
	for (; phys < end; phys += PAGE_SIZE) {
		if (!sim_page_intact(phys_to_virt(phys)) && !bad++)
			first_bad = phys;
		cond_resched();
	}
	sim->stats.canary_checked++;
	if (!bad)
		return true;
	sim->stats.canary_errors++;
	pr_err("rn 0x%04x [0x%llx-0x%llx]: written while unassigned (%lu pages, first at 0x%llx)\n",
	       rn, sim_rn_phys(sim, rn), sim_rn_phys(sim, rn) + sim->cfg.rzm - 1,
	       bad, first_bad);
	return false;
}

/*
 * Every unassigned increment: with @verify check its canary; mark those
 * the kernel maps now but that never had one (a block added since).
 */
static void sim_checkpoint(struct ssm_sim *sim, bool verify)
{
	u32 rn;

	lockdep_assert_held(&sim->lock);
	if (!sim_canaries(sim))
		return;
	for (rn = sim->boot_rns + 1; rn <= sim->rnmax; rn++) {
		if (test_bit(rn, sim->assigned))
			continue;
		if (verify && test_bit(rn, sim->canary) &&
		    !sim_check_canary(sim, rn))
			clear_bit(rn, sim->canary);
		sim_write_canary(sim, rn);
	}
}

static u16 sim_read_info(struct ssm_sim *sim, void *sccb, bool malformed)
{
	struct ssm_read_info_sccb *ri = sccb;
	u64 mib = sim->cfg.rzm >> 20;

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

	si->max_id = sim->nr_elems - 1;	/* the last element */
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
			sim_check_canary(sim, rn);
			clear_bit(rn, sim->canary);
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
	/* Only attached storage can be assigned. */
	if (assign && !test_bit(sim_elem_of(sim, rn), sim->attached))
		return SIM_RESP_REFUSED;
	if (!assign && rn <= sim->boot_rns) {
		sim->stats.violations++;
		if (sim->cfg.use_ram)
			pr_err("refusing to unassign boot memory rn 0x%04x\n", rn);
		return SIM_RESP_REFUSED;
	}
	if (assign && !test_bit(rn, sim->assigned)) {
		sim_check_canary(sim, rn);
		clear_bit(rn, sim->canary);
		set_bit(rn, sim->assigned);
	} else if (!assign && test_bit(rn, sim->assigned)) {
		clear_bit(rn, sim->assigned);
		sim->since[rn] = ++sim->unassigns;
		sim_write_canary(sim, rn);
	} else {
		/* already in that state */
		resp = assign ? SSM_RESP_DONE_ALT :
			READ_ONCE(unassign_standby_response);
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
		return SSM_SIM_READ_INFO;
	case SSM_CMD_READ_STORAGE_INFO:
		return SSM_SIM_STORAGE_INFO;
	case SSM_CMD_ATTACH_STORAGE:
		return SSM_SIM_ATTACH;
	case SSM_CMD_ASSIGN_STORAGE:
		return SSM_SIM_ASSIGN;
	case SSM_CMD_UNASSIGN_STORAGE:
		return SSM_SIM_UNASSIGN;
	default:
		return -1;
	}
}

/*
 * Does an armed fault hit this request? Consumes one count if so and
 * returns a copy of it in @hit.
 */
static bool sim_fault_hits(struct ssm_sim *sim, enum ssm_sim_side side,
			   int op, const void *sccb, struct ssm_sim_fault *hit)
{
	bool has_rn = op == SSM_SIM_ASSIGN || op == SSM_SIM_UNASSIGN;
	u16 rn = ((const struct ssm_assign_sccb *)sccb)->rn;
	struct ssm_sim_fault *f;
	int i;

	for (i = 0; i < SSM_SIM_MAX_FAULTS; i++) {
		f = &sim->faults[i];
		if (f->op < 0 || f->op != op || f->side != side || !f->count)
			continue;
		if (f->rn && has_rn && rn != f->rn)
			continue;
		if (f->matched++ < f->skip)
			continue;
		*hit = *f;
		if (!--f->count)
			f->op = -1;		/* disarmed */
		sim->stats.faults_injected++;
		return true;
	}
	return false;
}

/* Execute one command on the SCCB; returns the response code. */
static u16 sim_execute(struct ssm_sim *sim, u32 cmd, void *sccb,
		       bool malformed)
{
	switch (sim_op_of(cmd)) {
	case SSM_SIM_READ_INFO:
		return sim_read_info(sim, sccb, malformed);
	case SSM_SIM_STORAGE_INFO:
		return sim_storage_info(sim, SSM_CMD_ID(cmd), sccb, malformed);
	case SSM_SIM_ATTACH:
		return sim_attach(sim, SSM_CMD_ID(cmd), sccb, malformed);
	case SSM_SIM_ASSIGN:
		return sim_assign(sim, true, sccb, malformed);
	case SSM_SIM_UNASSIGN:
		return sim_assign(sim, false, sccb, malformed);
	default:
		return SSM_RESP_INVALID_COMMAND;
	}
}

static void sim_log(struct ssm_sim *sim, enum ssm_sim_side side, u32 cmd,
		    const void *sccb, bool faulted)
{
	struct ssm_sim_logged *e = &sim->log[sim->log_seq % SIM_LOG_SIZE];
	int op = sim_op_of(cmd);

	e->seq = ++sim->log_seq;
	e->side = side;
	e->faulted = faulted;
	e->cmd = cmd;
	e->rn = op == SSM_SIM_ASSIGN || op == SSM_SIM_UNASSIGN ?
		((const struct ssm_assign_sccb *)sccb)->rn : 0;
	e->resp = ((const struct ssm_sccb_header *)sccb)->response_code;
}

/*
 * Handle one request under sim->lock. Return 0 when it is answered now,
 * 1 when the answer comes late (*late_result: what the SCLP core will say),
 * or -ETIMEDOUT for the kernel side when no answer comes.
 */
static int sim_handle(struct ssm_sim *sim, enum ssm_sim_side side, u32 cmd,
		      void *sccb, int *late_result)
{
	struct ssm_sccb_header *hdr = sccb;
	struct ssm_sim_fault f;
	bool malformed = false, hit;
	int rc = 0;

	hit = sim_fault_hits(sim, side, sim_op_of(cmd), sccb, &f);
	if (hit) {
		switch (f.mode) {
		case SSM_FAULT_RESPONSE:
			hdr->response_code = f.response;
			goto out;
		case SSM_FAULT_TIMEOUT:
			/* never executed; the SCLP core fails it later */
			hdr->response_code = 0;
			*late_result = -EIO;
			rc = 1;
			goto out;
		case SSM_FAULT_LATE:
			hdr->response_code = sim_execute(sim, cmd, sccb, false);
			*late_result = 0;
			rc = 1;
			goto out;
		default:
			malformed = true;
			break;
		}
	}
	hdr->response_code = sim_execute(sim, cmd, sccb, malformed);
out:
	sim_log(sim, side, cmd, sccb, hit);
	return rc;
}

static void sim_late_fire(struct timer_list *timer)
{
	struct ssm_sim_late *late = timer_container_of(late, timer, timer);
	struct ssm_sim *sim = late->sim;
	struct ssm_req *req;
	unsigned long flags;
	int result;

	spin_lock_irqsave(&sim->late_lock, flags);
	req = late->req;
	result = late->result;
	late->armed = false;
	late->req = NULL;
	sim->stats.late++;
	spin_unlock_irqrestore(&sim->late_lock, flags);
	/* As the SCLP core would, from a timer: the caller may be gone. */
	if (req)
		req->complete(req, result);
}

static int sim_arm_late(struct ssm_sim *sim, struct ssm_req *req, int result)
{
	struct ssm_sim_late *late;
	unsigned long flags;
	int i;

	spin_lock_irqsave(&sim->late_lock, flags);
	for (i = 0; i < SIM_LATE_SLOTS; i++) {
		late = &sim->late[i];
		if (late->armed)
			continue;
		late->armed = true;
		late->req = req;
		late->result = result;
		mod_timer(&late->timer, jiffies +
			  msecs_to_jiffies(sim->cfg.late_ms ?: late_ms));
		spin_unlock_irqrestore(&sim->late_lock, flags);
		return 0;
	}
	spin_unlock_irqrestore(&sim->late_lock, flags);
	return -EBUSY;
}

/* The module's requests: the transport's start operation. */
static int sim_start(struct ssm_sim *sim, struct ssm_req *req)
{
	int late_result = 0, rc;

	mutex_lock(&sim->lock);
	sim->stats.requests++;
	rc = sim_handle(sim, SSM_SIDE_MODULE, req->cmd, req->sccb,
			&late_result);
	mutex_unlock(&sim->lock);
	if (rc > 0)
		return sim_arm_late(sim, req, late_result);
	req->complete(req, 0);
	return 0;
}

/* The kernel's notifier's requests, synchronous as sclp_sync_request(). */
static int sim_kernel_request(struct ssm_sim *sim, u32 cmd, void *sccb)
{
	int late_result = 0, rc;

	mutex_lock(&sim->lock);
	sim->stats.kernel_requests++;
	rc = sim_handle(sim, SSM_SIDE_KERNEL, cmd, sccb, &late_result);
	mutex_unlock(&sim->lock);
	/* It waits for the answer however long it takes: late is answered. */
	if (rc > 0)
		return late_result;
	return 0;
}

static void sim_free(struct ssm_sim *sim)
{
	bitmap_free(sim->assigned);
	bitmap_free(sim->canary);
	kfree(sim->since);
	bitmap_free(sim->attached);
	mutex_destroy(&sim->lock);
	kfree(sim);
}

static void sim_debugfs_init(struct ssm_sim *sim);

static struct ssm_sim *sim_create_locked(const struct ssm_sim_config *cfg)
{
	u64 standby = cfg->storage_size - cfg->boot_size;
	struct ssm_sim *sim;
	u32 id, rn, rnmax;
	int i;

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
	spin_lock_init(&sim->late_lock);
	for (i = 0; i < SIM_LATE_SLOTS; i++) {
		sim->late[i].sim = sim;
		timer_setup(&sim->late[i].timer, sim_late_fire, 0);
	}
	sim->cfg = *cfg;
	sim->rnmax = rnmax;
	sim->boot_rns = div64_u64(cfg->boot_size, cfg->rzm);
	sim->elem_incrs = cfg->elem_incrs ? cfg->elem_incrs : SIM_ELEM_INCRS;
	sim->elem_incrs = min_t(u32, sim->elem_incrs, SSM_SCCB_MAX_ENTRIES - 1);
	sim->nr_elems = DIV_ROUND_UP(rnmax, sim->elem_incrs);
	for (i = 0; i < SSM_SIM_MAX_FAULTS; i++)
		sim->faults[i].op = -1;
	sim->assigned = bitmap_zalloc(rnmax + 1, GFP_KERNEL);
	sim->canary = bitmap_zalloc(rnmax + 1, GFP_KERNEL);
	sim->since = kcalloc(rnmax + 1, sizeof(*sim->since), GFP_KERNEL);
	sim->attached = bitmap_zalloc(sim->nr_elems, GFP_KERNEL);
	if (!sim->assigned || !sim->canary || !sim->since || !sim->attached ||
	    sim->nr_elems > SSM_MAX_STORAGE_ID) {
		bool range = sim->nr_elems > SSM_MAX_STORAGE_ID;

		sim_free(sim);
		return ERR_PTR(range ? -ERANGE : -ENOMEM);
	}
	/*
	 * Boot memory is assigned; its elements are attached. Standby
	 * memory starts unassigned with whatever content an earlier
	 * machine left: its own unassignment.
	 */
	bitmap_set(sim->assigned, 1, sim->boot_rns);
	sim->id = get_random_u32();
	for (rn = sim->boot_rns + 1; rn <= rnmax; rn++)
		sim->since[rn] = ++sim->unassigns;
	for (id = 0; id < sim->nr_elems; id++)
		if (id * sim->elem_incrs < sim->boot_rns)
			set_bit(id, sim->attached);
	if (cfg->use_ram)
		pr_info("machine: %u increments of %lluM, boot memory [0x0-0x%llx], standby [0x%llx-0x%llx]\n",
			rnmax, cfg->rzm >> 20, cfg->boot_size - 1,
			cfg->boot_size, cfg->storage_size - 1);
	sim_debugfs_init(sim);
	return sim;
}

/* Last user gone: firmware must owe nobody an answer any more. */
static void sim_destroy(struct ssm_sim *sim)
{
	unsigned int owed = 0;
	int i;

	debugfs_remove_recursive(sim->debugfs);
	mutex_lock(&sim->lock);
	sim_checkpoint(sim, true);
	mutex_unlock(&sim->lock);
	for (i = 0; i < SIM_LATE_SLOTS; i++)
		if (timer_delete_sync(&sim->late[i].timer))
			owed++;
	if (owed)
		pr_err("machine destroyed while it owed %u answers: their completion would have called code that is gone\n",
		       owed);
	if (sim->cfg.use_ram)
		pr_info("machine gone: %lu canaries written, %lu checked, %lu errors, %lu unverified\n",
			sim->stats.canary_written, sim->stats.canary_checked,
			sim->stats.canary_errors, sim->stats.canary_unverified);
	sim_free(sim);
}

static struct ssm_sim *sim_get(void)
{
	struct ssm_sim *sim;

	mutex_lock(&ssm_sim_machine_lock);
	sim = ssm_sim_machine;
	if (sim)
		ssm_sim_users++;
	mutex_unlock(&ssm_sim_machine_lock);
	return sim;
}

static struct ssm_sim *sim_create(const struct ssm_sim_config *cfg)
{
	struct ssm_sim *sim;

	/* Machines without RAM (KUnit) belong to their creator alone. */
	if (!cfg->use_ram)
		return sim_create_locked(cfg);
	mutex_lock(&ssm_sim_machine_lock);
	if (ssm_sim_machine) {
		sim = ERR_PTR(-EEXIST);
	} else {
		sim = sim_create_locked(cfg);
		if (!IS_ERR(sim)) {
			ssm_sim_machine = sim;
			ssm_sim_users = 1;
			kept = keep_machine;
			ssm_sim_users += kept;
		}
	}
	mutex_unlock(&ssm_sim_machine_lock);
	return sim;
}

static void sim_put(struct ssm_sim *sim)
{
	if (!sim->cfg.use_ram) {
		sim_destroy(sim);
		return;
	}
	mutex_lock(&ssm_sim_machine_lock);
	if (!WARN_ON(sim != ssm_sim_machine) && !--ssm_sim_users) {
		ssm_sim_machine = NULL;
		sim_destroy(sim);
	}
	mutex_unlock(&ssm_sim_machine_lock);
}

static void sim_config(struct ssm_sim *sim, struct ssm_sim_config *cfg)
{
	*cfg = sim->cfg;
}

static void sim_set_kernel_notifier(struct ssm_sim *sim, bool present)
{
	mutex_lock(&sim->lock);
	sim->kernel_notifier = present;
	mutex_unlock(&sim->lock);
}

static bool sim_kernel_notifier(struct ssm_sim *sim)
{
	bool present;

	mutex_lock(&sim->lock);
	present = sim->kernel_notifier;
	mutex_unlock(&sim->lock);
	return present;
}

static void sim_verify(struct ssm_sim *sim)
{
	mutex_lock(&sim->lock);
	sim_checkpoint(sim, true);
	mutex_unlock(&sim->lock);
}

static void sim_mark(struct ssm_sim *sim)
{
	mutex_lock(&sim->lock);
	sim_checkpoint(sim, false);
	mutex_unlock(&sim->lock);
}

static int sim_parse_side(const char *name, struct ssm_sim_fault *f)
{
	int i = match_string(ssm_sim_side_names, SSM_SIDE_NR, name);

	if (i < 0)
		return -EINVAL;
	f->side = i;
	return 0;
}

/* Parse one "<op>,<mode>[,key=value...]" into @f. */
static int sim_parse_one(char *p, struct ssm_sim_fault *f)
{
	char *tok;
	u32 val;
	int i, rc;

	*f = (struct ssm_sim_fault){
		.op = -1, .response = SIM_RESP_DEFAULT_FAULT, .count = 1,
		.side = SSM_SIDE_MODULE,
	};
	tok = strsep(&p, ",");
	i = match_string(ssm_sim_op_names, SSM_SIM_NR_OPS, tok);
	if (i < 0 || !p)
		return -EINVAL;
	f->op = i;
	tok = strsep(&p, ",");
	i = match_string(ssm_sim_mode_names, SSM_FAULT_NR_MODES, tok);
	if (i < 0)
		return -EINVAL;
	f->mode = i;
	while (p) {
		tok = strsep(&p, ",");
		rc = 0;
		if (!strncmp(tok, "count=", 6) && !kstrtou32(tok + 6, 0, &val) && val)
			f->count = val;
		else if (!strncmp(tok, "skip=", 5) && !kstrtou32(tok + 5, 0, &val))
			f->skip = val;
		else if (!strncmp(tok, "rn=", 3) && !kstrtou32(tok + 3, 0, &val) &&
			 val <= SSM_MAX_RN)
			f->rn = val;
		else if (!strncmp(tok, "response=", 9) &&
			 !kstrtou32(tok + 9, 0, &val) && val <= U16_MAX &&
			 val != SSM_RESP_DONE && val != SSM_RESP_DONE_ALT &&
			 val != SSM_RESP_READ_OK)
			f->response = val;
		else if (!strncmp(tok, "side=", 5))
			rc = sim_parse_side(tok + 5, f);
		else
			rc = -EINVAL;
		if (rc)
			return rc;
	}
	return 0;
}

/**
 * ssm_sim_parse_faults() - parse a fault specification
 * @spec: "none", or up to @max faults separated by ';', each
 *	  "<op>,<mode>[,count=N][,skip=N][,rn=N][,response=N][,side=S]"
 *	  with op one of read_info, storage_info, attach, assign, unassign,
 *	  mode one of response, timeout, malformed, late and side module
 *	  (default) or kernel; a trailing newline is allowed
 * @faults: @max entries, filled in on success (unused ones: op -1)
 * @max: room in @faults
 *
 * Return: 0 or -EINVAL (nothing changed).
 */
int ssm_sim_parse_faults(const char *spec, struct ssm_sim_fault *faults,
			 unsigned int max)
{
	struct ssm_sim_fault f[SSM_SIM_MAX_FAULTS];
	char *buf, *p, *one;
	unsigned int n = 0, i;
	int rc = -EINVAL;

	if (max > SSM_SIM_MAX_FAULTS || strlen(spec) > 511)
		return -EINVAL;
	buf = kstrndup(spec, 512, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	p = strim(buf);
	if (!strcmp(p, "none"))
		goto done;
	while (p) {
		one = strsep(&p, ";");
		if (n == max || sim_parse_one(one, &f[n]))
			goto out;
		n++;
	}
done:
	for (i = 0; i < max; i++) {
		if (i < n)
			faults[i] = f[i];
		else
			faults[i] = (struct ssm_sim_fault){ .op = -1 };
	}
	rc = 0;
out:
	kfree(buf);
	return rc;
}
EXPORT_SYMBOL_GPL(ssm_sim_parse_faults);

/**
 * ssm_sim_format_faults() - the armed faults in ssm_sim_parse_faults() syntax
 * @faults: faults
 * @nr: how many
 * @buf: output
 * @size: size of @buf
 *
 * Return: length written, as scnprintf().
 */
int ssm_sim_format_faults(const struct ssm_sim_fault *faults,
			  unsigned int nr, char *buf, size_t size)
{
	const struct ssm_sim_fault *f;
	int len = 0;
	unsigned int i;

	for (i = 0; i < nr; i++) {
		f = &faults[i];
		if (f->op < 0 || f->op >= SSM_SIM_NR_OPS || !f->count)
			continue;
		len += scnprintf(buf + len, size - len,
				 "%s%s,%s,count=%u,skip=%u,rn=%u,response=0x%04x,side=%s",
				 len ? ";" : "", ssm_sim_op_names[f->op],
				 ssm_sim_mode_names[f->mode], f->count,
				 f->skip, f->rn, f->response,
				 ssm_sim_side_names[f->side]);
	}
	len += scnprintf(buf + len, size - len, "%s\n", len ? "" : "none");
	return len;
}
EXPORT_SYMBOL_GPL(ssm_sim_format_faults);

static int sim_set_faults(struct ssm_sim *sim, const char *spec)
{
	struct ssm_sim_fault f[SSM_SIM_MAX_FAULTS];
	int rc;

	rc = ssm_sim_parse_faults(spec, f, SSM_SIM_MAX_FAULTS);
	if (rc)
		return rc;
	mutex_lock(&sim->lock);
	memcpy(sim->faults, f, sizeof(f));
	mutex_unlock(&sim->lock);
	return 0;
}

static void sim_get_stats(struct ssm_sim *sim, struct ssm_sim_stats *stats)
{
	mutex_lock(&sim->lock);
	*stats = sim->stats;
	mutex_unlock(&sim->lock);
}

static bool sim_rn_assigned(struct ssm_sim *sim, u32 rn)
{
	bool assigned;

	mutex_lock(&sim->lock);
	assigned = rn && rn <= sim->rnmax && test_bit(rn, sim->assigned);
	mutex_unlock(&sim->lock);
	return assigned;
}

static void sim_assigned_map(struct ssm_sim *sim, unsigned long *map, u32 nr)
{
	bitmap_zero(map, nr + 1);
	mutex_lock(&sim->lock);
	bitmap_copy(map, sim->assigned, min(nr, sim->rnmax) + 1);
	mutex_unlock(&sim->lock);
}

const struct ssm_sim_ops ssm_sim_ops = {
	.get = sim_get,
	.create = sim_create,
	.put = sim_put,
	.config = sim_config,
	.start = sim_start,
	.kernel_request = sim_kernel_request,
	.set_kernel_notifier = sim_set_kernel_notifier,
	.kernel_notifier = sim_kernel_notifier,
	.verify = sim_verify,
	.mark = sim_mark,
	.set_faults = sim_set_faults,
	.get_stats = sim_get_stats,
	.rn_assigned = sim_rn_assigned,
	.assigned_map = sim_assigned_map,
};
EXPORT_SYMBOL_GPL(ssm_sim_ops);

/*
 * debugfs: /sys/kernel/debug/s390_standby_mem_sim/
 *   firmware  "rn range assigned element attached canary since" per
 *             increment; since names an unassigned increment's
 *             unassignment ("<machine id>.<n>", "-" while assigned): the
 *             host's observer compares what it sees under one name
 *   fault     the armed faults; write a specification or "none"
 *   stats     "name value" lines
 *   requests  the last 512 requests: sequence number, side (module or
 *             kernel), command, rn, response, whether a fault hit it
 *   verify    write anything: check every unassigned increment's canary
 */
/* firmware: taken at once under sim->lock, printed with no lock held. */
struct sim_fw_snapshot {
	u32 nr;
	unsigned long *assigned;
	unsigned long *canary;
	unsigned long *attached;	/* by rn: its element is attached */
	u32 *since;
};

static void sim_fw_snapshot_free(struct sim_fw_snapshot *snap)
{
	bitmap_free(snap->assigned);
	bitmap_free(snap->canary);
	bitmap_free(snap->attached);
	kvfree(snap->since);
}

static int sim_fw_snapshot_take(struct ssm_sim *sim,
				struct sim_fw_snapshot *snap)
{
	u32 nr = sim->rnmax, rn;

	snap->nr = nr;
	snap->assigned = bitmap_zalloc(nr + 1, GFP_KERNEL);
	snap->canary = bitmap_zalloc(nr + 1, GFP_KERNEL);
	snap->attached = bitmap_zalloc(nr + 1, GFP_KERNEL);
	snap->since = kvcalloc(nr + 1, sizeof(*snap->since), GFP_KERNEL);
	if (!snap->assigned || !snap->canary || !snap->attached ||
	    !snap->since) {
		sim_fw_snapshot_free(snap);
		return -ENOMEM;
	}
	mutex_lock(&sim->lock);
	bitmap_copy(snap->assigned, sim->assigned, nr + 1);
	bitmap_copy(snap->canary, sim->canary, nr + 1);
	for (rn = 1; rn <= nr; rn++) {
		if (test_bit(sim_elem_of(sim, rn), sim->attached))
			__set_bit(rn, snap->attached);
		snap->since[rn] = sim->since[rn];
	}
	mutex_unlock(&sim->lock);
	return 0;
}

static int firmware_show(struct seq_file *m, void *v)
{
	struct ssm_sim *sim = m->private;
	struct sim_fw_snapshot snap;
	u64 start;
	u32 rn;
	int rc;

	rc = sim_fw_snapshot_take(sim, &snap);
	if (rc)
		return rc;
	seq_puts(m, "rn range assigned element attached canary since\n");
	for (rn = 1; rn <= snap.nr; rn++) {
		start = sim_rn_phys(sim, rn);
		seq_printf(m, "%u [0x%llx-0x%llx] %d %u %d %d ", rn, start,
			   start + sim->cfg.rzm - 1, test_bit(rn, snap.assigned),
			   sim_elem_of(sim, rn), test_bit(rn, snap.attached),
			   test_bit(rn, snap.canary));
		if (test_bit(rn, snap.assigned))
			seq_puts(m, "-\n");
		else
			seq_printf(m, "%08x.%u\n", sim->id, snap.since[rn]);
		if (!(rn % 256))
			cond_resched();
	}
	sim_fw_snapshot_free(&snap);
	return 0;
}

/* The longest line of firmware: rn, range, four numbers, since. */
#define SIM_FW_LINE_MAX		96

/* Sized for the whole table: seq_file never starts over (see above). */
static int firmware_open(struct inode *inode, struct file *file)
{
	struct ssm_sim *sim = inode->i_private;

	return single_open_size(file, firmware_show, sim,
				((size_t)sim->rnmax + 1) * SIM_FW_LINE_MAX);
}

static const struct file_operations firmware_fops = {
	.owner = THIS_MODULE,
	.open = firmware_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

static int requests_show(struct seq_file *m, void *v)
{
	struct ssm_sim *sim = m->private;
	struct ssm_sim_logged *e;
	u32 seq;

	seq_puts(m, "seq side command rn response fault\n");
	mutex_lock(&sim->lock);
	seq = sim->log_seq > SIM_LOG_SIZE ? sim->log_seq - SIM_LOG_SIZE : 0;
	for (; seq < sim->log_seq; seq++) {
		e = &sim->log[seq % SIM_LOG_SIZE];
		seq_printf(m, "%u %s %s 0x%04x 0x%04x %d\n", e->seq,
			   ssm_sim_side_names[e->side],
			   ssm_sim_op_name(sim_op_of(e->cmd)), e->rn, e->resp,
			   e->faulted);
	}
	mutex_unlock(&sim->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(requests);

static int stats_show(struct seq_file *m, void *v)
{
	struct ssm_sim *sim = m->private;
	struct ssm_sim_stats st;

	sim_get_stats(sim, &st);
	seq_printf(m, "requests %lu\nkernel_requests %lu\nfaults_injected %lu\n",
		   st.requests, st.kernel_requests, st.faults_injected);
	seq_printf(m, "late %lu\ncanary_written %lu\ncanary_checked %lu\n",
		   st.late, st.canary_written, st.canary_checked);
	seq_printf(m, "canary_unverified %lu\ncanary_errors %lu\nviolations %lu\n",
		   st.canary_unverified, st.canary_errors, st.violations);
	seq_printf(m, "kernel_notifier %d\n", sim_kernel_notifier(sim));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

static ssize_t fault_read(struct file *file, char __user *ubuf, size_t count,
			  loff_t *ppos)
{
	struct ssm_sim *sim = file->private_data;
	struct ssm_sim_fault f[SSM_SIM_MAX_FAULTS];
	char buf[512];
	int len;

	mutex_lock(&sim->lock);
	memcpy(f, sim->faults, sizeof(f));
	mutex_unlock(&sim->lock);
	len = ssm_sim_format_faults(f, SSM_SIM_MAX_FAULTS, buf, sizeof(buf));
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static ssize_t fault_write(struct file *file, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	struct ssm_sim *sim = file->private_data;
	char buf[512];
	int rc;

	if (*ppos || count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (strlen(buf) != count)
		return -EINVAL;		/* embedded NUL */
	rc = sim_set_faults(sim, buf);
	return rc ? rc : count;
}

static const struct file_operations fault_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = fault_read,
	.write = fault_write,
	.llseek = default_llseek,
};

static ssize_t verify_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	sim_verify(file->private_data);
	return count;
}

static const struct file_operations verify_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = verify_write,
	.llseek = default_llseek,
};

static void sim_debugfs_init(struct ssm_sim *sim)
{
	struct dentry *dir;

	if (!sim->cfg.use_ram)
		return;
	dir = debugfs_create_dir("s390_standby_mem_sim", NULL);
	sim->debugfs = dir;
	debugfs_create_file("firmware", 0444, dir, sim, &firmware_fops);
	debugfs_create_file("fault", 0600, dir, sim, &fault_fops);
	debugfs_create_file("stats", 0444, dir, sim, &stats_fops);
	debugfs_create_file("requests", 0444, dir, sim, &requests_fops);
	debugfs_create_file("verify", 0200, dir, sim, &verify_fops);
}

/* A machine kept for tests goes with the module. */
static void __exit sim_exit(void)
{
	if (kept)
		sim_put(ssm_sim_machine);
}
module_exit(sim_exit);

MODULE_DESCRIPTION("IBM Z standby memory: simulated SCLP firmware for tests and demos of s390_standby_mem");
MODULE_AUTHOR("s390_standby_mem developers");
MODULE_LICENSE("GPL");
