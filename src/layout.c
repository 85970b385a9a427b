// SPDX-License-Identifier: GPL-2.0
/*
 * The increment model of s390_standby_mem.
 *
 * Firmware hands out storage in increments (rn 1..rnmax, rzm bytes each);
 * Linux hotplugs memory blocks (block_size bytes, block = phys / block_size).
 * Both sizes are powers of two, so either one increment spans several
 * blocks (rzm > block_size), or a block holds several increments (z/VM:
 * 1 MiB increments, 128 or 256 per block), or they match.
 *
 * A block holds all of its increments assigned while it may be touched.
 * Increments are reference counted per holding block, so when one increment
 * spans several blocks, offlining one block never unassigns memory another
 * online block still uses.
 *
 * Beside the kernel's own SCLP memory notifier (kernels 6.1 to 6.18 on a
 * machine with standby memory; "shared"), that notifier runs before ours
 * and assigns a block's increments on the way online and unassigns them on
 * the way offline, for any block. We then issue neither command: we read
 * firmware's view after it (read storage info, once per storage element)
 * and only repair what it left undone. An increment is given back only
 * after firmware's view says it is assigned, so the client never depends on
 * what firmware answers to unassigning an increment that is not assigned.
 *
 * Everything here is pure logic over arrays indexed by rn and by block: O(1)
 * lookups, no mm calls, no locking (the caller serialises), so KUnit drives
 * it with fabricated layouts and fake firmware operations.
 *
 * The single setters ssm_layout_set_incr_state() and
 * ssm_layout_set_block_state() keep a count per state; every transition
 * goes through them.
 */
#define pr_fmt(fmt) "s390_standby_mem: " fmt

#include <linux/kernel.h>
#include <linux/bitmap.h>
#include <linux/bits.h>
#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/log2.h>
#include <linux/math.h>
#include <linux/minmax.h>
#include <linux/printk.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "layout.h"
#include "sccb.h"

/* Bounds that keep every array small and every product below 2^64. */
#define SSM_LAYOUT_MAX_RN	65535
#define SSM_LAYOUT_MAX_RZM	BIT_ULL(40)
#define SSM_LAYOUT_MAX_BLOCKS	BIT(22)

static const char * const ssm_incr_state_names[] = {
	[SSM_INCR_FOREIGN] = "foreign",
	[SSM_INCR_STANDBY] = "standby",
	[SSM_INCR_ASSIGNED] = "assigned",
};

static const char * const ssm_block_state_names[] = {
	[SSM_BLOCK_UNUSABLE] = "unusable",
	[SSM_BLOCK_BOOT] = "boot",
	[SSM_BLOCK_STANDBY] = "standby",
	[SSM_BLOCK_ADDING] = "adding",
	[SSM_BLOCK_OFFLINE] = "offline",
	[SSM_BLOCK_ONLINING] = "onlining",
	[SSM_BLOCK_ONLINE] = "online",
	[SSM_BLOCK_OFFLINING] = "offlining",
	[SSM_BLOCK_REMOVING] = "removing",
};

static const char * const ssm_event_names[] = {
	[SSM_EV_PREPARE_ONLINE] = "prepare-online",
	[SSM_EV_GOING_ONLINE] = "going-online",
	[SSM_EV_ONLINE] = "online",
	[SSM_EV_CANCEL_ONLINE] = "cancel-online",
	[SSM_EV_GOING_OFFLINE] = "going-offline",
	[SSM_EV_OFFLINE] = "offline",
	[SSM_EV_CANCEL_OFFLINE] = "cancel-offline",
	[SSM_EV_FINISH_OFFLINE] = "finish-offline",
};

static_assert(ARRAY_SIZE(ssm_incr_state_names) == SSM_INCR_NR_STATES);
static_assert(ARRAY_SIZE(ssm_block_state_names) == SSM_BLOCK_NR_STATES);
static_assert(ARRAY_SIZE(ssm_event_names) == SSM_EV_NR);

/**
 * ssm_size_str() - a size as administrators write it: "256M", "2G"
 * @bytes: the size
 * @buf: output
 * @len: size of @buf
 *
 * Return: @buf.
 */
const char *ssm_size_str(u64 bytes, char *buf, size_t len)
{
	if (bytes && !(bytes % SZ_1G))
		snprintf(buf, len, "%lluG", bytes / SZ_1G);
	else
		snprintf(buf, len, "%lluM", bytes / SZ_1M);
	return buf;
}

const char *ssm_incr_state_name(enum ssm_incr_state state)
{
	return state < SSM_INCR_NR_STATES ? ssm_incr_state_names[state] : "?";
}

const char *ssm_block_state_name(enum ssm_block_state state)
{
	return state < SSM_BLOCK_NR_STATES ? ssm_block_state_names[state] : "?";
}

const char *ssm_event_name(enum ssm_event ev)
{
	return ev < SSM_EV_NR ? ssm_event_names[ev] : "?";
}

static void ssm_layout_set_incr_state(struct ssm_layout *l, u32 rn,
				      enum ssm_incr_state state)
{
	l->incr_count[l->incr_state[rn]]--;
	l->incr_state[rn] = state;
	l->incr_count[state]++;
}

/**
 * ssm_layout_set_block_state() - the one place a block changes state
 * @l: layout
 * @block: block index, within the layout
 * @state: new state
 */
void ssm_layout_set_block_state(struct ssm_layout *l, unsigned long block,
				enum ssm_block_state state)
{
	u8 *slot = &l->block_state[block - l->first_block];

	l->block_count[*slot]--;
	*slot = state;
	l->block_count[state]++;
}

/**
 * ssm_layout_init() - set up an empty model: every increment standby
 * @l: layout to fill in
 * @rzm: increment size in bytes, a power of two of at least 1 MiB
 * @rnmax: highest increment number, 1..65535
 * @block_size: memory block size in bytes, a power of two
 * @pluggable: the physical range memory may be added in
 *
 * Blocks are tracked from the first block of @pluggable to the last block
 * that lies entirely below rnmax * rzm.
 *
 * Return: 0, -EINVAL for impossible geometry, -ENOMEM.
 */
int ssm_layout_init(struct ssm_layout *l, u64 rzm, u32 rnmax, u64 block_size,
		    const struct range *pluggable)
{
	u64 storage_end, end;
	unsigned long first, last;

	memset(l, 0, sizeof(*l));
	if (rzm < SZ_1M || rzm > SSM_LAYOUT_MAX_RZM || !is_power_of_2(rzm))
		return -EINVAL;
	if (!rnmax || rnmax > SSM_LAYOUT_MAX_RN)
		return -EINVAL;
	if (!block_size || !is_power_of_2(block_size) ||
	    pluggable->end < pluggable->start)
		return -EINVAL;

	/* Whole blocks inside both the storage and the pluggable range. */
	storage_end = (u64)rnmax * rzm;
	end = min_t(u64, storage_end - 1, pluggable->end);
	first = DIV_ROUND_UP_ULL(pluggable->start, block_size);
	/* (end + 1) / block_size, without overflowing at U64_MAX */
	last = div64_u64(end, block_size) +
	       ((end & (block_size - 1)) == block_size - 1);
	if (last > first && last - first > SSM_LAYOUT_MAX_BLOCKS)
		return -EINVAL;

	l->rzm = rzm;
	l->rnmax = rnmax;
	l->block_size = block_size;
	l->pluggable = *pluggable;
	l->first_block = first;
	l->nr_blocks = last > first ? last - first : 0;

	l->incr_state = kvcalloc(rnmax + 1, sizeof(*l->incr_state), GFP_KERNEL);
	l->incr_refs = kvcalloc(rnmax + 1, sizeof(*l->incr_refs), GFP_KERNEL);
	l->block_state = kvcalloc(max(l->nr_blocks, 1UL),
				  sizeof(*l->block_state), GFP_KERNEL);
	l->block_held = bitmap_zalloc(max(l->nr_blocks, 1UL), GFP_KERNEL);
	if (!l->incr_state || !l->incr_refs || !l->block_state ||
	    !l->block_held) {
		ssm_layout_destroy(l);
		return -ENOMEM;
	}

	/* Every increment firmware does not report assigned is standby. */
	memset(l->incr_state + 1, SSM_INCR_STANDBY, rnmax);
	l->incr_state[0] = SSM_INCR_FOREIGN;
	l->incr_count[SSM_INCR_STANDBY] = rnmax;
	/* Until finalised, every block is unusable. */
	l->block_count[SSM_BLOCK_UNUSABLE] = l->nr_blocks;
	return 0;
}

/**
 * ssm_layout_destroy() - free what ssm_layout_init() allocated
 * @l: layout
 */
void ssm_layout_destroy(struct ssm_layout *l)
{
	kvfree(l->incr_state);
	kvfree(l->incr_refs);
	kvfree(l->block_state);
	bitmap_free(l->block_held);
	l->incr_state = NULL;
	l->incr_refs = NULL;
	l->block_state = NULL;
	l->block_held = NULL;
}

/**
 * ssm_layout_set_foreign() - record an increment firmware reports assigned
 * @l: layout, not yet finalised
 * @rn: increment number
 *
 * Return: 0, -EINVAL if @rn is out of range.
 */
int ssm_layout_set_foreign(struct ssm_layout *l, u32 rn)
{
	if (!rn || rn > l->rnmax)
		return -EINVAL;
	if (l->incr_state[rn] == SSM_INCR_STANDBY)
		ssm_layout_set_incr_state(l, rn, SSM_INCR_FOREIGN);
	return 0;
}

/**
 * ssm_layout_set_standby() - an increment firmware reports assigned is
 *			      standby memory all the same
 * @l: layout, not yet finalised
 * @rn: increment number
 *
 * Standby memory the kernel's initcall added at boot and someone onlined
 * before we loaded is assigned now; it is ours to take over, not boot
 * memory.
 */
void ssm_layout_set_standby(struct ssm_layout *l, u32 rn)
{
	if (rn && rn <= l->rnmax && l->incr_state[rn] == SSM_INCR_FOREIGN)
		ssm_layout_set_incr_state(l, rn, SSM_INCR_STANDBY);
}

/**
 * ssm_layout_mark_stale() - record an increment left assigned by nobody
 * @l: layout
 * @rn: increment number, 1..rnmax, not foreign
 *
 * Used when attaching a storage element assigned an increment and
 * unassigning it again failed, or an assign had no clear outcome.
 */
void ssm_layout_mark_stale(struct ssm_layout *l, u32 rn)
{
	if (!rn || rn > l->rnmax || l->incr_state[rn] != SSM_INCR_STANDBY)
		return;
	ssm_layout_set_incr_state(l, rn, SSM_INCR_ASSIGNED);
	l->stale++;
}

/**
 * ssm_layout_block_rns() - the increments a block covers
 * @l: layout
 * @block: block index within the layout
 * @first_rn: first increment number
 * @last_rn: last increment number (inclusive)
 */
void ssm_layout_block_rns(const struct ssm_layout *l, unsigned long block,
			  u32 *first_rn, u32 *last_rn)
{
	u64 start = ssm_block_to_phys(l, block);
	unsigned int shift = ilog2(l->rzm);

	*first_rn = (start >> shift) + 1;
	*last_rn = ((start + l->block_size - 1) >> shift) + 1;
}

/**
 * ssm_layout_phys_to_block() - the tracked block holding an address
 * @l: layout
 * @phys: physical address
 * @block: block index on success
 *
 * Return: true if @phys lies in a block the layout tracks.
 */
bool ssm_layout_phys_to_block(const struct ssm_layout *l, u64 phys,
			      unsigned long *block)
{
	u64 b = div64_u64(phys, l->block_size);

	if (b < l->first_block || b >= ssm_last_block(l))
		return false;
	*block = b;
	return true;
}

static enum ssm_block_state ssm_layout_classify(const struct ssm_layout *l,
						unsigned long block)
{
	unsigned long standby = 0, foreign = 0;
	u32 rn, first, last;

	ssm_layout_block_rns(l, block, &first, &last);
	for (rn = first; rn <= last; rn++) {
		if (l->incr_state[rn] == SSM_INCR_STANDBY)
			standby++;
		else if (l->incr_state[rn] == SSM_INCR_FOREIGN)
			foreign++;
	}
	if (standby == last - first + 1)
		return SSM_BLOCK_STANDBY;
	if (foreign == last - first + 1)
		return SSM_BLOCK_BOOT;
	return SSM_BLOCK_UNUSABLE;
}

/**
 * ssm_layout_finalize() - derive the block states from the increments
 * @l: layout with every foreign increment recorded
 *
 * A block is ours (standby) only when every increment in it is standby
 * memory; blocks mixing boot and standby increments are unusable, as are
 * blocks outside the pluggable range (not tracked at all).
 */
void ssm_layout_finalize(struct ssm_layout *l)
{
	unsigned long block;

	for (block = l->first_block; block < ssm_last_block(l); block++)
		ssm_layout_set_block_state(l, block,
					   ssm_layout_classify(l, block));
}

/**
 * ssm_layout_next_run() - next run of contiguous standby increments
 * @l: finalised layout
 * @rn: in: first increment to look at (start with 1); out: next to look at
 * @run: the run, with its block-aligned pluggable part
 *
 * Return: false when there is no further run.
 */
bool ssm_layout_next_run(const struct ssm_layout *l, u32 *rn,
			 struct ssm_run *run)
{
	u64 start, end, ustart, uend, pstart, pend;
	u32 first = *rn, last;

	while (first <= l->rnmax && l->incr_state[first] == SSM_INCR_FOREIGN)
		first++;
	if (first > l->rnmax)
		return false;
	last = first;
	while (last < l->rnmax && l->incr_state[last + 1] != SSM_INCR_FOREIGN)
		last++;
	*rn = last + 1;

	start = ssm_rn_to_phys(l, first);
	end = start + (u64)(last - first + 1) * l->rzm;
	/* the tracked blocks are exactly the pluggable whole blocks */
	pstart = ssm_block_to_phys(l, l->first_block);
	pend = ssm_block_to_phys(l, ssm_last_block(l));
	ustart = max(round_up(start, l->block_size), pstart);
	uend = min(round_down(end, l->block_size), pend);

	run->first_rn = first;
	run->nr = last - first + 1;
	run->start = start;
	run->size = end - start;
	run->usable_start = ustart;
	run->usable_size = uend > ustart ? uend - ustart : 0;
	return true;
}

/**
 * ssm_probe_facility() - firmware reports standby memory to the kernel
 * @p: what the load found out
 *
 * Return: true if the kernel read the standby memory facility bits.
 */
bool ssm_probe_facility(const struct ssm_probe *p)
{
	return (p->kernel_facilities & SSM_FAC_STANDBY_MEMORY) ==
	       SSM_FAC_STANDBY_MEMORY;
}

/**
 * ssm_probe_notifier_kernel() - the kernel may have its SCLP memory notifier
 * @p: what the load found out
 *
 * Kernels 6.1 to 6.18 register sclp_cmd.c's notifier only where firmware
 * reports the facility (and their initcall read every storage element,
 * which only the notifier chain tells: @p->kernel_notifier).
 *
 * Return: true if the facility is there on a kernel before sclp_mem.c.
 */
bool ssm_probe_notifier_kernel(const struct ssm_probe *p)
{
	return ssm_probe_facility(p) && !p->kernel_sclp_mem;
}

/**
 * ssm_layout_situation() - who else drives standby memory here
 * @p: what the load found out
 *
 * The kernel's built-in support and this module must never both decide
 * about the same increments. In a kdump kernel nobody touches standby
 * memory (upstream leaves it alone there too). From 6.19 the kernel offers
 * /sys/firmware/memory itself: not ours; where its sclp_mem.c failed at
 * boot there is no directory, and no notifier either: we are alone.
 * Kernels 6.1 to 6.18 register their own SCLP memory notifier where
 * firmware reports the standby memory facility and their initcall read
 * every storage element (not in kdump), whatever mem= says: we share the
 * increments with it. The facility bits alone do not say it is there: a
 * read that failed at boot leaves us alone too. If they also added the
 * standby memory at boot (no mem=), its blocks are System RAM already: we
 * take them over (adopt=1), or leave it all to the kernel. Blocks of our
 * range that are System RAM without the kernel's notifier are someone
 * else's. The simulated firmware offers RAM above mem= as standby memory,
 * which on a machine with real standby memory is storage that is not
 * there.
 *
 * Return: the situation; ALONE and SHARED may load.
 */
enum ssm_situation ssm_layout_situation(const struct ssm_probe *p)
{
	bool facility = ssm_probe_facility(p);
	bool kernel_notifier;

	if (p->kdump)
		return SSM_SIT_KDUMP;
	if (p->kernel_fw_dir)
		return SSM_SIT_KERNEL_SYSFS;
	if (p->sim && facility)
		return SSM_SIT_SIM_ON_REAL;
	kernel_notifier = (ssm_probe_notifier_kernel(p) && p->kernel_notifier) ||
			  (p->sim && p->twin);
	if (p->busy_blocks && !(kernel_notifier && p->adopt))
		return SSM_SIT_KERNEL_BLOCKS;
	return kernel_notifier ? SSM_SIT_SHARED : SSM_SIT_ALONE;
}

/**
 * ssm_situation_name() - how the load line names a situation
 * @sit: situation
 *
 * Return: a short phrase.
 */
const char *ssm_situation_name(enum ssm_situation sit)
{
	switch (sit) {
	case SSM_SIT_ALONE:
		return "alone";
	case SSM_SIT_SHARED:
		return "beside the kernel's SCLP memory notifier";
	case SSM_SIT_KERNEL_SYSFS:
		return "kernel manages standby memory (/sys/firmware/memory)";
	case SSM_SIT_KERNEL_BLOCKS:
		return "kernel added the standby memory at boot";
	case SSM_SIT_KDUMP:
		return "kdump kernel";
	case SSM_SIT_SIM_ON_REAL:
		return "simulated firmware on a machine with standby memory";
	default:
		return "?";
	}
}

/**
 * ssm_layout_our_blocks() - number of blocks that are ours
 * @l: finalised layout
 *
 * Return: blocks in any state from standby on.
 */
unsigned long ssm_layout_our_blocks(const struct ssm_layout *l)
{
	return l->nr_blocks - l->block_count[SSM_BLOCK_UNUSABLE] -
	       l->block_count[SSM_BLOCK_BOOT];
}

/**
 * ssm_layout_block_held() - does the block hold its increments assigned?
 * @l: layout
 * @block: block index within the layout
 *
 * Return: true between a successful acquire and the release.
 */
bool ssm_layout_block_held(const struct ssm_layout *l, unsigned long block)
{
	return test_bit(block - l->first_block, l->block_held);
}

/**
 * ssm_layout_block_assigned() - is every increment of the block assigned?
 * @l: layout
 * @block: block index within the layout
 *
 * Return: true if all increments of @block are assigned by us.
 */
bool ssm_layout_block_assigned(const struct ssm_layout *l, unsigned long block)
{
	u32 rn, first, last;

	ssm_layout_block_rns(l, block, &first, &last);
	for (rn = first; rn <= last; rn++)
		if (l->incr_state[rn] != SSM_INCR_ASSIGNED)
			return false;
	return true;
}

/*
 * An increment nobody holds any more goes back to firmware. Beside the
 * kernel's notifier it has usually done so already: look first. A failed
 * unassign leaves it assigned: stale, given back later.
 * Return: 0 when it is standby now.
 */
static int ssm_layout_give_back(struct ssm_layout *l, u32 rn,
				const struct ssm_fw_ops *ops, void *ctx)
{
	bool assigned = true;
	int rc;

	if (l->shared && !ops->query(ctx, rn, &assigned) && !assigned)
		goto standby;
	rc = ops->unassign(ctx, rn);
	if (rc)
		return rc;
	if (l->shared)
		l->repaired++;	/* the kernel's unassign did not happen */
standby:
	ssm_layout_set_incr_state(l, rn, SSM_INCR_STANDBY);
	return 0;
}

/* Drop one hold on an increment: true when it was the last. */
static bool ssm_layout_unref_incr(struct ssm_layout *l, u32 rn)
{
	if (WARN_ON_ONCE(!l->incr_refs[rn]))
		return false;
	return !--l->incr_refs[rn];
}

/* Firmware has an increment assigned for its first hold. */
static void ssm_layout_incr_assigned(struct ssm_layout *l, u32 rn)
{
	if (l->incr_state[rn] == SSM_INCR_ASSIGNED)
		l->stale--;	/* held again: no longer stale */
	else
		ssm_layout_set_incr_state(l, rn, SSM_INCR_ASSIGNED);
}

/* Drop one hold on an increment; give it back when the last hold goes. */
static int ssm_layout_put_incr(struct ssm_layout *l, u32 rn,
			       const struct ssm_fw_ops *ops, void *ctx)
{
	int rc;

	if (!ssm_layout_unref_incr(l, rn))
		return 0;
	rc = ssm_layout_give_back(l, rn, ops, ctx);
	if (rc)
		l->stale++;	/* firmware still has it assigned */
	return rc;
}

/*
 * Make sure firmware has an increment nobody holds yet assigned. Ours to
 * assign; beside the kernel's notifier, which assigned it before us, only
 * where it did not (a failed read of firmware's view trusts it: it
 * reported success, or we would not be asked).
 */
static int ssm_layout_get_incr(struct ssm_layout *l, u32 rn,
			       const struct ssm_fw_ops *ops, void *ctx)
{
	bool assigned = true, unsure = false;
	int rc;

	if (l->shared && (ops->query(ctx, rn, &assigned) || assigned))
		goto assigned;
	/*
	 * A stale one may or may not be assigned (its unassign failed, went
	 * unanswered or was garbled): assign it again, firmware answers
	 * "done" either way, before the kernel may touch it.
	 */
	rc = ops->assign(ctx, rn, &unsure);
	if (rc) {
		if (unsure)
			ssm_layout_mark_stale(l, rn);
		return rc;
	}
	if (l->shared)
		l->repaired++;	/* the kernel's assign did not happen */
assigned:
	ssm_layout_incr_assigned(l, rn);
	return 0;
}

/**
 * ssm_layout_block_acquire() - have every increment of a block assigned
 * @l: layout
 * @block: one of our blocks
 * @ops: firmware operations
 * @ctx: their context
 *
 * Increments another block already holds are assigned already; the
 * others, stale ones included, are assigned through @ops (beside the
 * kernel's notifier: checked, and assigned only where it did not). If one
 * assignment fails, those assigned by this call are given back and
 * nothing is held; one whose assign had no clear outcome is stale.
 * Holding is idempotent.
 *
 * Return: 0, or the error of the failing assignment.
 */
int ssm_layout_block_acquire(struct ssm_layout *l, unsigned long block,
			     const struct ssm_fw_ops *ops, void *ctx)
{
	u32 rn, first, last;
	int rc = 0;

	if (ssm_layout_block_held(l, block))
		return 0;
	if (l->shared)
		ops->forget(ctx);
	ssm_layout_block_rns(l, block, &first, &last);
	for (rn = first; rn <= last; rn++) {
		if (!l->incr_refs[rn]) {
			rc = ssm_layout_get_incr(l, rn, ops, ctx);
			if (rc)
				break;
		}
		l->incr_refs[rn]++;
	}
	if (!rc) {
		set_bit(block - l->first_block, l->block_held);
		return 0;
	}
	/* Roll back in reverse: drop the holds this call took. */
	while (rn-- > first)
		ssm_layout_put_incr(l, rn, ops, ctx);
	return rc;
}

/**
 * ssm_layout_block_adopt() - hold the increments of a block the kernel's
 *			      notifier brought online
 * @l: layout
 * @block: one of our blocks, taken over online
 * @ops: firmware operations
 * @ctx: their context
 *
 * The kernel's notifier assigned them: firmware's view is read and nothing
 * is assigned here. It unassigns them once the block's pages are offline,
 * so one found unassigned means the block is on its way offline (or got
 * there): nothing is held.
 *
 * Return: 0, -EAGAIN when an increment is not assigned, or the error of
 * reading firmware's view.
 */
int ssm_layout_block_adopt(struct ssm_layout *l, unsigned long block,
			   const struct ssm_fw_ops *ops, void *ctx)
{
	u32 rn, first, last;
	bool assigned;
	int rc;

	if (ssm_layout_block_held(l, block))
		return 0;
	ops->forget(ctx);
	ssm_layout_block_rns(l, block, &first, &last);
	for (rn = first; rn <= last; rn++) {
		rc = ops->query(ctx, rn, &assigned);
		if (rc)
			return rc;
		if (!assigned)
			return -EAGAIN;
	}
	for (rn = first; rn <= last; rn++)
		if (!l->incr_refs[rn]++)
			ssm_layout_incr_assigned(l, rn);
	set_bit(block - l->first_block, l->block_held);
	return 0;
}

/**
 * ssm_layout_block_disown() - drop what ssm_layout_block_adopt() held,
 *			       firmware untouched
 * @l: layout
 * @block: the block
 *
 * The kernel's notifier, taking the block offline, gives the increments
 * back; unassigning them first could pull storage from under a memmap the
 * kernel still deinitialises.
 */
void ssm_layout_block_disown(struct ssm_layout *l, unsigned long block)
{
	u32 rn, first, last;

	if (!ssm_layout_block_held(l, block))
		return;
	clear_bit(block - l->first_block, l->block_held);
	ssm_layout_block_rns(l, block, &first, &last);
	for (rn = first; rn <= last; rn++)
		if (ssm_layout_unref_incr(l, rn))
			ssm_layout_set_incr_state(l, rn, SSM_INCR_STANDBY);
}

/**
 * ssm_layout_block_release() - drop a block's hold on its increments
 * @l: layout
 * @block: one of our blocks
 * @ops: firmware operations
 * @ctx: their context
 *
 * Increments no other block holds are given back (beside the kernel's
 * notifier: checked, and unassigned only where it did not). One that
 * fails to unassign stays assigned (stale) and is retried by
 * ssm_layout_flush_stale().
 *
 * Return: 0, or the first unassign error. The hold is dropped either way.
 */
int ssm_layout_block_release(struct ssm_layout *l, unsigned long block,
			     const struct ssm_fw_ops *ops, void *ctx)
{
	u32 rn, first, last;
	int rc = 0, err;

	if (!ssm_layout_block_held(l, block))
		return 0;
	clear_bit(block - l->first_block, l->block_held);
	if (l->shared)
		ops->forget(ctx);
	ssm_layout_block_rns(l, block, &first, &last);
	for (rn = first; rn <= last; rn++) {
		err = ssm_layout_put_incr(l, rn, ops, ctx);
		if (err && !rc)
			rc = err;
	}
	return rc;
}

/**
 * ssm_layout_flush_stale() - give back increments nobody holds
 * @l: layout
 * @ops: firmware operations
 * @ctx: their context
 *
 * Firmware's view is read first: a stale increment may have been
 * unassigned after all (the answer was lost), and what firmware answers
 * to unassigning an increment that is not assigned is not ours to rely on.
 *
 * Return: 0 when none is left stale, else the last error.
 */
int ssm_layout_flush_stale(struct ssm_layout *l, const struct ssm_fw_ops *ops,
			   void *ctx)
{
	bool assigned;
	int rc = 0, err;
	u32 rn;

	if (!l->stale)
		return 0;
	ops->forget(ctx);
	for (rn = 1; rn <= l->rnmax && l->stale; rn++) {
		if (l->incr_state[rn] != SSM_INCR_ASSIGNED || l->incr_refs[rn])
			continue;
		if (ops->query(ctx, rn, &assigned) || assigned) {
			err = ops->unassign(ctx, rn);
			if (err) {
				rc = err;
				continue;
			}
		}
		l->stale--;
		ssm_layout_set_incr_state(l, rn, SSM_INCR_STANDBY);
	}
	return rc;
}

static unsigned long ssm_layout_sweep_rns(struct ssm_layout *l, u32 first,
					  u32 last,
					  const struct ssm_fw_ops *ops,
					  void *ctx)
{
	unsigned long n = 0;
	bool assigned;
	u32 rn;

	ops->forget(ctx);
	for (rn = first; rn <= last; rn++) {
		if (l->incr_state[rn] != SSM_INCR_STANDBY ||
		    ops->query(ctx, rn, &assigned) || !assigned)
			continue;
		if (ops->unassign(ctx, rn)) {
			ssm_layout_mark_stale(l, rn);
			continue;
		}
		l->repaired++;
		n++;
	}
	return n;
}

/**
 * ssm_layout_sweep() - give back what firmware has assigned of ours though
 *			nobody holds it
 * @l: layout
 * @ops: firmware operations
 * @ctx: their context
 *
 * Beside the kernel's notifier: when it fails an online, it leaves the
 * increments it did assign assigned (it gets no finish-offline after a
 * failed prepare-online, and nothing tells us). At unload every increment
 * of ours that no block holds and firmware has assigned is unassigned;
 * one that cannot be is stale.
 *
 * Return: how many were given back.
 */
unsigned long ssm_layout_sweep(struct ssm_layout *l,
			       const struct ssm_fw_ops *ops, void *ctx)
{
	return ssm_layout_sweep_rns(l, 1, l->rnmax, ops, ctx);
}

/**
 * ssm_layout_block_sweep() - ssm_layout_sweep() for one block's increments
 * @l: layout
 * @block: a block we removed
 * @ops: firmware operations
 * @ctx: their context
 *
 * Return: how many were given back.
 */
unsigned long ssm_layout_block_sweep(struct ssm_layout *l, unsigned long block,
				     const struct ssm_fw_ops *ops, void *ctx)
{
	u32 first, last;

	ssm_layout_block_rns(l, block, &first, &last);
	return ssm_layout_sweep_rns(l, first, last, ops, ctx);
}

/* Onlining may start from OFFLINE, or from ADDING when the kernel onlines
 * a block inside add_memory() (auto-online policy).
 */
static int ssm_layout_may_online(struct ssm_layout *l, unsigned long block)
{
	enum ssm_block_state state = ssm_block_state(l, block);

	if (state == SSM_BLOCK_REMOVING)
		return -EBUSY;
	if (state != SSM_BLOCK_OFFLINE && state != SSM_BLOCK_ADDING)
		return -EINVAL;
	return l->closing ? -EBUSY : 0;
}

static int ssm_layout_start_online(struct ssm_layout *l, unsigned long block,
				   const struct ssm_fw_ops *ops, void *ctx)
{
	int rc;

	/*
	 * Beside the kernel's notifier a veto would leave its assignment
	 * behind (no finish-offline follows a failed prepare-online): an
	 * online racing with a removal or the unload goes on, and the
	 * remover finds the block online.
	 */
	rc = ssm_layout_may_online(l, block);
	if (rc == -EBUSY && l->shared)
		rc = 0;
	if (rc)
		return rc;
	if (ssm_layout_assign_on_online(l))
		rc = ssm_layout_block_acquire(l, block, ops, ctx);
	else if (!ssm_layout_block_assigned(l, block))
		rc = -EPERM;	/* configure first */
	if (rc)
		return rc;
	ssm_layout_set_block_state(l, block, SSM_BLOCK_ONLINING);
	return 0;
}

/* The end of an offline, or of an online that failed after its start. */
static void ssm_layout_end_offline(struct ssm_layout *l, unsigned long block,
				   const struct ssm_fw_ops *ops, void *ctx)
{
	if (ssm_block_state(l, block) == SSM_BLOCK_ONLINING)
		ssm_layout_set_block_state(l, block, SSM_BLOCK_OFFLINE);
	if (ssm_layout_assign_on_online(l))
		ssm_layout_block_release(l, block, ops, ctx);
}

/**
 * ssm_layout_block_event() - the memory notifier's decision for our block
 * @l: layout
 * @block: one of our blocks
 * @ev: the event
 * @ops: firmware operations
 * @ctx: their context
 *
 * Where increments are assigned on the way online (lazy mode, and every
 * mode beside the kernel's notifier), the block holds them from the start
 * of its online (prepare-online; going-online where the kernel has no
 * prepare-online) to the end of its offline (finish-offline; else offline,
 * or cancel-online). Elsewhere (configure mode alone) an online of a block
 * whose increments are not all assigned is refused. A block we did not
 * add (standby) is none of our business. The events may arrive without
 * their predecessor when another notifier vetoed first, so every
 * transition checks where it comes from. ONLINE and OFFLINE change
 * l->pins: one pin per online block.
 *
 * Return: 0, or a negative errno that vetoes (prepare/going-online only).
 */
int ssm_layout_block_event(struct ssm_layout *l, unsigned long block,
			   enum ssm_event ev, const struct ssm_fw_ops *ops,
			   void *ctx)
{
	enum ssm_block_state state = ssm_block_state(l, block);

	if (state == SSM_BLOCK_STANDBY)
		return 0;	/* not added by us */
	switch (ev) {
	case SSM_EV_PREPARE_ONLINE:
		return ssm_layout_start_online(l, block, ops, ctx);
	case SSM_EV_GOING_ONLINE:
		if (state == SSM_BLOCK_ONLINING)
			return 0;	/* prepared already */
		return ssm_layout_start_online(l, block, ops, ctx);
	case SSM_EV_ONLINE:
		if (state != SSM_BLOCK_ONLINE) {
			ssm_layout_set_block_state(l, block, SSM_BLOCK_ONLINE);
			l->pins++;
		}
		return 0;
	case SSM_EV_CANCEL_ONLINE:
		if (!l->prepare_events)
			ssm_layout_end_offline(l, block, ops, ctx);
		else if (state == SSM_BLOCK_ONLINING)
			/* released on the finish-offline that follows */
			ssm_layout_set_block_state(l, block, SSM_BLOCK_OFFLINE);
		return 0;
	case SSM_EV_GOING_OFFLINE:
		if (state == SSM_BLOCK_ONLINE)
			ssm_layout_set_block_state(l, block, SSM_BLOCK_OFFLINING);
		return 0;
	case SSM_EV_OFFLINE:
		if (state == SSM_BLOCK_OFFLINING || state == SSM_BLOCK_ONLINE) {
			ssm_layout_set_block_state(l, block, SSM_BLOCK_OFFLINE);
			l->pins--;
		}
		if (!l->prepare_events)
			ssm_layout_end_offline(l, block, ops, ctx);
		return 0;
	case SSM_EV_CANCEL_OFFLINE:
		if (state == SSM_BLOCK_OFFLINING)
			ssm_layout_set_block_state(l, block, SSM_BLOCK_ONLINE);
		return 0;
	case SSM_EV_FINISH_OFFLINE:
		ssm_layout_end_offline(l, block, ops, ctx);
		return 0;
	default:
		return 0;
	}
}
