// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the increment model and the block state machine (src/layout.c),
 * with fabricated geometries and a fake firmware that records calls.
 */
/* The unit under test first: it sets pr_fmt. */
#include "../../src/layout.c"

#include <kunit/test.h>

#define MiB(x)	((u64)(x) << 20)
#define GiB(x)	((u64)(x) << 30)

struct geometry {
	const char *name;
	u64 rzm, block_size;
	u32 rnmax, boot_rns;
	u64 pluggable_end;		/* 0: unlimited */
	unsigned long ours;		/* expected blocks of ours */
	u64 run_start, run_size;	/* expected single run */
	u64 usable_start, usable_size;
};

static const struct geometry geometries[] = {
	{ "zvm-1M-in-256M-blocks", MiB(1), MiB(256), 2048, 1024, 0,
	  4, GiB(1), GiB(1), GiB(1), GiB(1) },
	{ "equal-256M", MiB(256), MiB(256), 8, 4, 0,
	  4, GiB(1), GiB(1), GiB(1), GiB(1) },
	{ "1G-increments-256M-blocks", GiB(1), MiB(256), 2, 1, 0,
	  4, GiB(1), GiB(1), GiB(1), GiB(1) },
	{ "unaligned-boot-end", MiB(64), MiB(256), 32, 17, 0,
	  3, MiB(1088), MiB(960), MiB(1280), MiB(768) },
	{ "pluggable-clipped", MiB(256), MiB(256), 8, 4, MiB(1536) - 1,
	  2, GiB(1), GiB(1), GiB(1), MiB(512) },
	{ "128M-blocks-7x", MiB(128), MiB(128), 16, 8, 0,
	  8, GiB(1), GiB(1), GiB(1), GiB(1) },
	{ "max-rnmax", MiB(1), MiB(256), 65535, 1024, 0,
	  251, GiB(1), MiB(64511), GiB(1), MiB(64256) },
};

static void geometry_desc(const struct geometry *g, char *desc)
{
	strscpy(desc, g->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(geometry, geometries, geometry_desc);

static void layout_setup(struct kunit *test, struct ssm_layout *l,
			 const struct geometry *g)
{
	struct range pluggable = { 0, g->pluggable_end ?: U64_MAX };
	u32 rn;

	KUNIT_ASSERT_EQ(test, ssm_layout_init(l, g->rzm, g->rnmax,
					      g->block_size, &pluggable), 0);
	for (rn = 1; rn <= g->boot_rns; rn++)
		KUNIT_ASSERT_EQ(test, ssm_layout_set_foreign(l, rn), 0);
	ssm_layout_finalize(l);
}

/*
 * Fake firmware: counts calls, fails the Nth assign/unassign if asked,
 * answers the first assign after unsure_at with no clear outcome (it
 * happened, the caller cannot tell), and answers an unassign of an
 * increment that is not assigned as real firmware may: done (0x0120) or,
 * with unassign_standby_fails, an error.
 */
struct fake_fw {
	unsigned long assigns, unassigns, reassigns, standby_unassigns;
	unsigned long queries, forgets;
	unsigned long fail_assign_at, fail_unassign_at;	/* 1-based, 0: never */
	unsigned long unsure_at;			/* 1-based, 0: never */
	bool unassign_standby_fails, fail_queries;
	DECLARE_BITMAP(assigned, 65536);
};

static int fake_assign(void *ctx, u16 rn, bool *unsure)
{
	struct fake_fw *fw = ctx;

	*unsure = false;
	if (++fw->assigns == fw->fail_assign_at)
		return -EIO;
	if (fw->assigns == fw->unsure_at) {
		set_bit(rn, fw->assigned);
		*unsure = true;
		return -ETIMEDOUT;
	}
	/* Firmware answers "done" (0x0120) for an assigned increment. */
	if (test_and_set_bit(rn, fw->assigned))
		fw->reassigns++;
	return 0;
}

static int fake_unassign(void *ctx, u16 rn)
{
	struct fake_fw *fw = ctx;

	if (++fw->unassigns == fw->fail_unassign_at)
		return -ETIMEDOUT;
	if (!test_and_clear_bit(rn, fw->assigned)) {
		fw->standby_unassigns++;
		return fw->unassign_standby_fails ? -EIO : 0;
	}
	return 0;
}

static int fake_query(void *ctx, u16 rn, bool *assigned)
{
	struct fake_fw *fw = ctx;

	fw->queries++;
	if (fw->fail_queries)
		return -EIO;
	*assigned = test_bit(rn, fw->assigned);
	return 0;
}

static void fake_forget(void *ctx)
{
	struct fake_fw *fw = ctx;

	fw->forgets++;
}

static const struct ssm_fw_ops fake_ops = {
	.assign = fake_assign,
	.unassign = fake_unassign,
	.query = fake_query,
	.forget = fake_forget,
};

/* What the kernel's own notifier does to a block's increments. */
static void kernel_notifier_sets(struct ssm_layout *l, struct fake_fw *fw,
				 unsigned long block, bool assign)
{
	u32 rn, first, last;

	ssm_layout_block_rns(l, block, &first, &last);
	for (rn = first; rn <= last; rn++)
		assign_bit(rn, fw->assigned, assign);
}

static int event(struct ssm_layout *l, unsigned long block, enum ssm_event ev,
		 struct fake_fw *fw)
{
	return ssm_layout_block_event(l, block, ev, &fake_ops, fw);
}

static struct fake_fw *fake_new(struct kunit *test)
{
	struct fake_fw *fw = kunit_kzalloc(test, sizeof(*fw), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, fw);
	return fw;
}

/* The counts kept by the setters add up and match the arrays. */
static void expect_counts_consistent(struct kunit *test, struct ssm_layout *l)
{
	unsigned long incr[SSM_INCR_NR_STATES] = {}, blocks[SSM_BLOCK_NR_STATES] = {};
	unsigned long block, stale = 0;
	int i;
	u32 rn;

	for (rn = 1; rn <= l->rnmax; rn++) {
		incr[l->incr_state[rn]]++;
		if (l->incr_state[rn] == SSM_INCR_ASSIGNED && !l->incr_refs[rn])
			stale++;
		if (l->incr_refs[rn])
			KUNIT_EXPECT_EQ_MSG(test, l->incr_state[rn], SSM_INCR_ASSIGNED,
					    "rn %u held but not assigned", rn);
	}
	for (block = l->first_block; block < ssm_last_block(l); block++)
		blocks[ssm_block_state(l, block)]++;
	/* slot 0 is counted nowhere */
	for (i = 0; i < SSM_INCR_NR_STATES; i++)
		KUNIT_EXPECT_EQ_MSG(test, l->incr_count[i], incr[i], "incr state %d", i);
	for (i = 0; i < SSM_BLOCK_NR_STATES; i++)
		KUNIT_EXPECT_EQ_MSG(test, l->block_count[i], blocks[i], "block state %d", i);
	KUNIT_EXPECT_EQ(test, l->stale, stale);
}

static void layout_geometry(struct kunit *test)
{
	const struct geometry *g = test->param_value;
	struct ssm_layout l;
	struct ssm_run run;
	u32 rn = 1, first, last;
	unsigned long block;

	layout_setup(test, &l, g);
	KUNIT_EXPECT_EQ_MSG(test, ssm_layout_our_blocks(&l), g->ours, "%s", g->name);
	KUNIT_ASSERT_TRUE(test, ssm_layout_next_run(&l, &rn, &run));
	KUNIT_EXPECT_EQ(test, run.start, g->run_start);
	KUNIT_EXPECT_EQ(test, run.size, g->run_size);
	KUNIT_EXPECT_EQ(test, run.usable_start, g->usable_start);
	KUNIT_EXPECT_EQ(test, run.usable_size, g->usable_size);
	KUNIT_EXPECT_FALSE(test, ssm_layout_next_run(&l, &rn, &run));

	/* Every block of ours lies inside the usable run, and vice versa. */
	for (block = l.first_block; block < ssm_last_block(&l); block++) {
		u64 phys = ssm_block_to_phys(&l, block);
		bool inside = phys >= g->usable_start &&
			      phys + g->block_size <= g->usable_start + g->usable_size;
		unsigned long back;

		KUNIT_EXPECT_EQ_MSG(test, ssm_block_is_ours(&l, block), inside,
				    "%s block %lu", g->name, block);
		ssm_layout_block_rns(&l, block, &first, &last);
		KUNIT_EXPECT_EQ(test, ssm_rn_to_phys(&l, first) <= phys, true);
		KUNIT_EXPECT_EQ(test, ssm_rn_to_phys(&l, last) + g->rzm >=
				phys + g->block_size, true);
		KUNIT_EXPECT_TRUE(test, ssm_layout_phys_to_block(&l, phys + 4096, &back));
		KUNIT_EXPECT_EQ(test, back, block);
	}
	expect_counts_consistent(test, &l);
	ssm_layout_destroy(&l);
}

static void layout_rejects_bad_geometry(struct kunit *test)
{
	struct range all = { 0, U64_MAX };
	struct ssm_layout l;

	KUNIT_EXPECT_EQ(test, ssm_layout_init(&l, MiB(3), 8, MiB(256), &all), -EINVAL);
	KUNIT_EXPECT_EQ(test, ssm_layout_init(&l, SZ_512K, 8, MiB(256), &all), -EINVAL);
	KUNIT_EXPECT_EQ(test, ssm_layout_init(&l, MiB(1), 0, MiB(256), &all), -EINVAL);
	KUNIT_EXPECT_EQ(test, ssm_layout_init(&l, MiB(1), 65536, MiB(256), &all), -EINVAL);
	KUNIT_EXPECT_EQ(test, ssm_layout_init(&l, MiB(1), 8, MiB(100), &all), -EINVAL);
	KUNIT_ASSERT_EQ(test, ssm_layout_init(&l, MiB(1), 8, MiB(256), &all), 0);
	KUNIT_EXPECT_EQ(test, ssm_layout_set_foreign(&l, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, ssm_layout_set_foreign(&l, 9), -EINVAL);
	/* 8 MiB of storage holds no whole 256 MiB block */
	KUNIT_EXPECT_EQ(test, l.nr_blocks, 0);
	ssm_layout_destroy(&l);
}

/* One 1 GiB increment spans 4 blocks: only the first hold assigns and
 * only the last release unassigns.
 */
static void layout_shared_increment_refcount(struct kunit *test)
{
	const struct geometry *g = &geometries[2];
	struct fake_fw *fw = fake_new(test);
	struct ssm_layout l;
	unsigned long b0 = 4, b1 = 5;

	layout_setup(test, &l, g);
	KUNIT_ASSERT_EQ(test, ssm_layout_block_acquire(&l, b0, &fake_ops, fw), 0);
	KUNIT_ASSERT_EQ(test, ssm_layout_block_acquire(&l, b1, &fake_ops, fw), 0);
	KUNIT_EXPECT_EQ(test, fw->assigns, 1);
	KUNIT_EXPECT_EQ(test, l.incr_refs[2], 2);
	/* holding twice is idempotent */
	KUNIT_ASSERT_EQ(test, ssm_layout_block_acquire(&l, b1, &fake_ops, fw), 0);
	KUNIT_EXPECT_EQ(test, l.incr_refs[2], 2);

	KUNIT_EXPECT_EQ(test, ssm_layout_block_release(&l, b0, &fake_ops, fw), 0);
	KUNIT_EXPECT_EQ(test, fw->unassigns, 0);
	KUNIT_EXPECT_TRUE(test, test_bit(2, fw->assigned));
	KUNIT_EXPECT_EQ(test, ssm_layout_block_release(&l, b1, &fake_ops, fw), 0);
	KUNIT_EXPECT_EQ(test, fw->unassigns, 1);
	KUNIT_EXPECT_FALSE(test, test_bit(2, fw->assigned));
	KUNIT_EXPECT_EQ(test, ssm_incr_state(&l, 2), SSM_INCR_STANDBY);
	expect_counts_consistent(test, &l);
	ssm_layout_destroy(&l);
}

/* A block the kernel's notifier brought online is held from firmware's
 * view, nothing assigned; one with an increment unassigned (on its way
 * offline) is not held; disowning gives nothing back to firmware.
 */
static void layout_adopt_reads_only(struct kunit *test)
{
	const struct geometry *g = &geometries[0];
	struct fake_fw *fw = fake_new(test);
	struct ssm_layout l;
	unsigned long block = 5;
	u32 rn, first, last;

	layout_setup(test, &l, g);
	l.shared = true;
	ssm_layout_block_rns(&l, block, &first, &last);
	for (rn = first; rn < last; rn++)
		set_bit(rn, fw->assigned);
	/* the last one unassigned: the kernel is taking it offline */
	KUNIT_EXPECT_EQ(test, ssm_layout_block_adopt(&l, block, &fake_ops, fw),
			-EAGAIN);
	KUNIT_EXPECT_FALSE(test, ssm_layout_block_held(&l, block));
	KUNIT_EXPECT_EQ(test, fw->assigns, 0);
	KUNIT_EXPECT_EQ(test, l.incr_count[SSM_INCR_ASSIGNED], 0);

	set_bit(last, fw->assigned);
	KUNIT_ASSERT_EQ(test, ssm_layout_block_adopt(&l, block, &fake_ops, fw), 0);
	KUNIT_EXPECT_TRUE(test, ssm_layout_block_held(&l, block));
	KUNIT_EXPECT_TRUE(test, ssm_layout_block_assigned(&l, block));
	KUNIT_EXPECT_EQ(test, fw->assigns, 0);
	expect_counts_consistent(test, &l);

	ssm_layout_block_disown(&l, block);
	KUNIT_EXPECT_FALSE(test, ssm_layout_block_held(&l, block));
	KUNIT_EXPECT_EQ(test, l.incr_count[SSM_INCR_ASSIGNED], 0);
	KUNIT_EXPECT_EQ(test, fw->unassigns, 0);
	KUNIT_EXPECT_EQ(test, bitmap_weight(fw->assigned, 65536), last - first + 1);
	expect_counts_consistent(test, &l);

	fw->fail_queries = true;
	KUNIT_EXPECT_EQ(test, ssm_layout_block_adopt(&l, block, &fake_ops, fw), -EIO);
	KUNIT_EXPECT_FALSE(test, ssm_layout_block_held(&l, block));
	ssm_layout_destroy(&l);
}

/* What a failed online of the kernel's left assigned, nobody holding it:
 * a block's sweep gives back that block's only, the whole sweep the rest;
 * what a block holds stays.
 */
static void layout_sweep_gives_back_unheld(struct kunit *test)
{
	const struct geometry *g = &geometries[0];
	struct fake_fw *fw = fake_new(test);
	struct ssm_layout l;
	u32 first, last, first6, last6;

	layout_setup(test, &l, g);
	l.shared = true;
	ssm_layout_block_rns(&l, 5, &first, &last);
	ssm_layout_block_rns(&l, 6, &first6, &last6);
	/* the kernel assigned all but the 2nd of block 5, and 3 of block 6 */
	bitmap_set(fw->assigned, first, last - first + 1);
	clear_bit(first + 1, fw->assigned);
	bitmap_set(fw->assigned, first6, 3);
	/* block 7 is ours and online */
	KUNIT_ASSERT_EQ(test, ssm_layout_block_acquire(&l, 7, &fake_ops, fw), 0);

	KUNIT_EXPECT_EQ(test, ssm_layout_block_sweep(&l, 5, &fake_ops, fw),
			last - first);
	KUNIT_EXPECT_EQ(test, bitmap_weight(fw->assigned, 65536), 3 + 256);
	KUNIT_EXPECT_EQ(test, ssm_layout_sweep(&l, &fake_ops, fw), 3);
	KUNIT_EXPECT_EQ(test, bitmap_weight(fw->assigned, 65536), 256);
	KUNIT_EXPECT_TRUE(test, ssm_layout_block_assigned(&l, 7));
	KUNIT_EXPECT_EQ(test, l.repaired, last - first + 3 + 256);
	expect_counts_consistent(test, &l);
	ssm_layout_destroy(&l);
}

/* 256 increments per block; the 100th assign fails: the 99 assigned
 * before are unassigned again, nothing is held.
 */
static void layout_acquire_rolls_back(struct kunit *test)
{
	const struct geometry *g = &geometries[0];
	struct fake_fw *fw = fake_new(test);
	struct ssm_layout l;
	unsigned long block = 5;

	layout_setup(test, &l, g);
	fw->fail_assign_at = 100;
	KUNIT_EXPECT_EQ(test, ssm_layout_block_acquire(&l, block, &fake_ops, fw), -EIO);
	KUNIT_EXPECT_EQ(test, fw->unassigns, 99);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(fw->assigned, 65536));
	KUNIT_EXPECT_FALSE(test, ssm_layout_block_held(&l, block));
	KUNIT_EXPECT_EQ(test, l.incr_count[SSM_INCR_ASSIGNED], 0);
	expect_counts_consistent(test, &l);
	ssm_layout_destroy(&l);
}

static void layout_release_failure_leaves_stale(struct kunit *test)
{
	const struct geometry *g = &geometries[1];
	struct fake_fw *fw = fake_new(test);
	struct ssm_layout l;
	unsigned long block = 6;

	layout_setup(test, &l, g);
	KUNIT_ASSERT_EQ(test, ssm_layout_block_acquire(&l, block, &fake_ops, fw), 0);
	fw->fail_unassign_at = 1;
	KUNIT_EXPECT_EQ(test, ssm_layout_block_release(&l, block, &fake_ops, fw),
			-ETIMEDOUT);
	KUNIT_EXPECT_FALSE(test, ssm_layout_block_held(&l, block));
	KUNIT_EXPECT_EQ(test, l.stale, 1);
	KUNIT_EXPECT_EQ(test, ssm_incr_state(&l, 7), SSM_INCR_ASSIGNED);
	expect_counts_consistent(test, &l);

	/*
	 * Held again: assigned again (firmware may or may not still have
	 * it), no longer stale.
	 */
	KUNIT_ASSERT_EQ(test, ssm_layout_block_acquire(&l, block, &fake_ops, fw), 0);
	KUNIT_EXPECT_EQ(test, fw->assigns, 2);
	KUNIT_EXPECT_EQ(test, fw->reassigns, 1);
	KUNIT_EXPECT_EQ(test, l.stale, 0);
	KUNIT_ASSERT_EQ(test, ssm_layout_block_release(&l, block, &fake_ops, fw), 0);

	/*
	 * A garbled unassign answer: firmware did unassign, we cannot know.
	 * The next acquire must assign it before the kernel touches it.
	 */
	KUNIT_ASSERT_EQ(test, ssm_layout_block_acquire(&l, block, &fake_ops, fw), 0);
	fw->fail_unassign_at = fw->unassigns + 1;
	ssm_layout_block_release(&l, block, &fake_ops, fw);
	clear_bit(7, fw->assigned);
	KUNIT_EXPECT_EQ(test, l.stale, 1);
	KUNIT_ASSERT_EQ(test, ssm_layout_block_acquire(&l, block, &fake_ops, fw), 0);
	KUNIT_EXPECT_TRUE(test, test_bit(7, fw->assigned));
	KUNIT_EXPECT_EQ(test, l.stale, 0);
	KUNIT_ASSERT_EQ(test, ssm_layout_block_release(&l, block, &fake_ops, fw), 0);

	/* stale again, then flushed */
	KUNIT_ASSERT_EQ(test, ssm_layout_block_acquire(&l, block, &fake_ops, fw), 0);
	fw->fail_unassign_at = fw->unassigns + 1;
	ssm_layout_block_release(&l, block, &fake_ops, fw);
	KUNIT_EXPECT_EQ(test, l.stale, 1);
	KUNIT_EXPECT_EQ(test, ssm_layout_flush_stale(&l, &fake_ops, fw), 0);
	KUNIT_EXPECT_EQ(test, l.stale, 0);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(fw->assigned, 65536));
	expect_counts_consistent(test, &l);
	ssm_layout_destroy(&l);
}

static void layout_lazy_online_offline(struct kunit *test)
{
	const struct geometry *g = &geometries[0];
	struct fake_fw *fw = fake_new(test);
	struct ssm_layout l;
	unsigned long b = 4;

	layout_setup(test, &l, g);
	l.lazy = true;
	l.prepare_events = true;	/* lazy mode exists only with them */
	ssm_layout_set_block_state(&l, b, SSM_BLOCK_OFFLINE);	/* added */
	KUNIT_EXPECT_EQ(test, ssm_layout_block_event(&l, b, SSM_EV_PREPARE_ONLINE,
						     &fake_ops, fw), 0);
	KUNIT_EXPECT_EQ(test, fw->assigns, 256);
	KUNIT_EXPECT_EQ(test, ssm_block_state(&l, b), SSM_BLOCK_ONLINING);
	KUNIT_EXPECT_EQ(test, ssm_layout_block_event(&l, b, SSM_EV_GOING_ONLINE,
						     &fake_ops, fw), 0);
	KUNIT_EXPECT_EQ(test, ssm_layout_block_event(&l, b, SSM_EV_ONLINE,
						     &fake_ops, fw), 0);
	KUNIT_EXPECT_EQ(test, ssm_block_state(&l, b), SSM_BLOCK_ONLINE);
	KUNIT_EXPECT_EQ(test, l.pins, 1);
	KUNIT_EXPECT_EQ(test, event(&l, b, SSM_EV_GOING_OFFLINE, fw), 0);
	KUNIT_EXPECT_EQ(test, ssm_block_state(&l, b), SSM_BLOCK_OFFLINING);
	KUNIT_EXPECT_EQ(test, event(&l, b, SSM_EV_CANCEL_OFFLINE, fw), 0);
	KUNIT_EXPECT_EQ(test, ssm_block_state(&l, b), SSM_BLOCK_ONLINE);
	KUNIT_EXPECT_EQ(test, event(&l, b, SSM_EV_GOING_OFFLINE, fw), 0);
	KUNIT_EXPECT_EQ(test, event(&l, b, SSM_EV_OFFLINE, fw), 0);
	KUNIT_EXPECT_EQ(test, l.pins, 0);
	KUNIT_EXPECT_EQ(test, fw->unassigns, 0);
	KUNIT_EXPECT_EQ(test, event(&l, b, SSM_EV_FINISH_OFFLINE, fw), 0);
	KUNIT_EXPECT_EQ(test, fw->unassigns, 256);
	KUNIT_EXPECT_EQ(test, ssm_block_state(&l, b), SSM_BLOCK_OFFLINE);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(fw->assigned, 65536));
	expect_counts_consistent(test, &l);
	ssm_layout_destroy(&l);
}

/* Another notifier vetoes going-online after our prepare-online: cancel,
 * then finish-offline, and everything is unassigned again.
 */
static void layout_lazy_vetoed_online(struct kunit *test)
{
	const struct geometry *g = &geometries[1];
	struct fake_fw *fw = fake_new(test);
	struct ssm_layout l;
	unsigned long b = 5;

	layout_setup(test, &l, g);
	l.lazy = true;
	l.prepare_events = true;
	ssm_layout_set_block_state(&l, b, SSM_BLOCK_OFFLINE);
	KUNIT_ASSERT_EQ(test, ssm_layout_block_event(&l, b, SSM_EV_PREPARE_ONLINE,
						     &fake_ops, fw), 0);
	KUNIT_EXPECT_EQ(test, event(&l, b, SSM_EV_CANCEL_ONLINE, fw), 0);
	KUNIT_EXPECT_EQ(test, ssm_block_state(&l, b), SSM_BLOCK_OFFLINE);
	KUNIT_EXPECT_EQ(test, event(&l, b, SSM_EV_FINISH_OFFLINE, fw), 0);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(fw->assigned, 65536));
	KUNIT_EXPECT_EQ(test, l.pins, 0);
	expect_counts_consistent(test, &l);

	/* a firmware error on prepare-online vetoes, nothing stays assigned */
	fw->fail_assign_at = fw->assigns + 1;
	KUNIT_EXPECT_EQ(test, ssm_layout_block_event(&l, b, SSM_EV_PREPARE_ONLINE,
						     &fake_ops, fw), -EIO);
	KUNIT_EXPECT_EQ(test, ssm_block_state(&l, b), SSM_BLOCK_OFFLINE);
	KUNIT_EXPECT_FALSE(test, ssm_layout_block_held(&l, b));
	ssm_layout_destroy(&l);
}

static void layout_configure_mode_refuses(struct kunit *test)
{
	const struct geometry *g = &geometries[1];
	struct fake_fw *fw = fake_new(test);
	struct ssm_layout l;
	unsigned long b = 6;

	layout_setup(test, &l, g);
	ssm_layout_set_block_state(&l, b, SSM_BLOCK_OFFLINE);
	/* not assigned: refused, and no firmware call */
	KUNIT_EXPECT_EQ(test, ssm_layout_block_event(&l, b, SSM_EV_GOING_ONLINE,
						     &fake_ops, fw), -EPERM);
	KUNIT_EXPECT_EQ(test, fw->assigns, 0);
	KUNIT_ASSERT_EQ(test, ssm_layout_block_acquire(&l, b, &fake_ops, fw), 0);
	KUNIT_EXPECT_EQ(test, ssm_layout_block_event(&l, b, SSM_EV_PREPARE_ONLINE,
						     &fake_ops, fw), 0);
	KUNIT_EXPECT_EQ(test, ssm_layout_block_event(&l, b, SSM_EV_GOING_ONLINE,
						     &fake_ops, fw), 0);
	KUNIT_EXPECT_EQ(test, event(&l, b, SSM_EV_ONLINE, fw), 0);
	KUNIT_EXPECT_EQ(test, event(&l, b, SSM_EV_GOING_OFFLINE, fw), 0);
	KUNIT_EXPECT_EQ(test, event(&l, b, SSM_EV_OFFLINE, fw), 0);
	KUNIT_EXPECT_EQ(test, event(&l, b, SSM_EV_FINISH_OFFLINE, fw), 0);
	/* configure mode keeps the assignment until deconfigure */
	KUNIT_EXPECT_EQ(test, fw->unassigns, 0);
	KUNIT_EXPECT_TRUE(test, ssm_layout_block_held(&l, b));

	/* being removed, or unloading: refused */
	ssm_layout_set_block_state(&l, b, SSM_BLOCK_REMOVING);
	KUNIT_EXPECT_EQ(test, ssm_layout_block_event(&l, b, SSM_EV_GOING_ONLINE,
						     &fake_ops, fw), -EBUSY);
	ssm_layout_set_block_state(&l, b, SSM_BLOCK_OFFLINE);
	l.closing = true;
	KUNIT_EXPECT_EQ(test, ssm_layout_block_event(&l, b, SSM_EV_GOING_ONLINE,
						     &fake_ops, fw), -EBUSY);
	expect_counts_consistent(test, &l);
	ssm_layout_destroy(&l);
}

struct situation_case {
	const char *name;
	struct ssm_probe probe;
	enum ssm_situation want;
};

#define FAC	SSM_FAC_STANDBY_MEMORY

static const struct situation_case situations[] = {
	/* the test bed: QEMU reports no standby facility */
	{ "qemu-alone", { .sim = true }, SSM_SIT_ALONE },
	{ "hw-no-facility", { 0 }, SSM_SIT_ALONE },
	/* a real machine with standby memory, 6.1 to 6.18, booted with mem= */
	{ "hw-facility", { .kernel_facilities = FAC, .kernel_notifier = true },
	  SSM_SIT_SHARED },
	{ "hw-facility-partial", { .kernel_facilities = FAC >> 1 },
	  SSM_SIT_ALONE },
	/* ... whose initcall failed to read storage info: no notifier */
	{ "hw-facility-no-notifier", { .kernel_facilities = FAC },
	  SSM_SIT_ALONE },
	/* its stand-in in the test bed: the twin declared itself */
	{ "sim-twin", { .sim = true, .twin = true }, SSM_SIT_SHARED },
	{ "hw-twin-ignored", { .twin = true }, SSM_SIT_ALONE },
	/* simulated RAM where firmware has real standby memory */
	{ "sim-on-real", { .sim = true, .kernel_facilities = FAC },
	  SSM_SIT_SIM_ON_REAL },
	/* a kdump kernel leaves standby memory alone, whatever else */
	{ "kdump", { .kdump = true, .kernel_facilities = FAC },
	  SSM_SIT_KDUMP },
	{ "kdump-sim", { .kdump = true, .sim = true }, SSM_SIT_KDUMP },
	/* 6.19 and later: the kernel offers /sys/firmware/memory itself */
	{ "kernel-sysfs", { .kernel_fw_dir = true, .kernel_facilities = FAC },
	  SSM_SIT_KERNEL_SYSFS },
	/* ... where its sclp_mem.c failed at boot: no notifier either */
	{ "kernel-sclp-mem-failed", { .kernel_sclp_mem = true,
				      .kernel_facilities = FAC },
	  SSM_SIT_ALONE },
	/* the directory says more than the blocks */
	{ "kernel-sysfs-blocks", { .kernel_fw_dir = true, .busy_blocks = 4 },
	  SSM_SIT_KERNEL_SYSFS },
	/* 6.1 to 6.18 without mem=: standby memory added at boot */
	{ "kernel-blocks", { .kernel_facilities = FAC, .busy_blocks = 1 },
	  SSM_SIT_KERNEL_BLOCKS },
	/* ... taken over: adopt=1 */
	{ "kernel-blocks-adopted", { .kernel_facilities = FAC, .busy_blocks = 4,
				     .adopt = true, .kernel_notifier = true },
	  SSM_SIT_SHARED },
	/* System RAM in our range where the kernel registered no notifier */
	{ "no-notifier-blocks-adopted", { .kernel_facilities = FAC,
					  .busy_blocks = 4, .adopt = true },
	  SSM_SIT_KERNEL_BLOCKS },
	{ "sim-twin-blocks-adopted", { .sim = true, .twin = true,
				       .busy_blocks = 4, .adopt = true },
	  SSM_SIT_SHARED },
	/* System RAM in our range without the kernel's notifier: not ours */
	{ "someone-elses-blocks", { .sim = true, .busy_blocks = 1,
				    .adopt = true }, SSM_SIT_KERNEL_BLOCKS },
};

static void situation_desc(const struct situation_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(situation, situations, situation_desc);

static void layout_situation(struct kunit *test)
{
	const struct situation_case *c = test->param_value;

	KUNIT_EXPECT_EQ_MSG(test, ssm_layout_situation(&c->probe), c->want,
			    "%s", c->name);
	KUNIT_EXPECT_STRNEQ(test, ssm_situation_name(c->want), "?");
}

/*
 * Beside the kernel's notifier, 6.8 to 6.18 family, lazy: it assigns at
 * prepare-online before us and unassigns at finish-offline before us. We
 * issue neither command; we read firmware's view, and repair only what it
 * left undone.
 */
static void layout_shared_lazy(struct kunit *test)
{
	const struct geometry *g = &geometries[0];	/* 256 incr per block */
	struct fake_fw *fw = fake_new(test);
	struct ssm_layout l;
	unsigned long b = 4;

	layout_setup(test, &l, g);
	l.lazy = true;
	l.shared = true;
	l.prepare_events = true;
	ssm_layout_set_block_state(&l, b, SSM_BLOCK_OFFLINE);

	kernel_notifier_sets(&l, fw, b, true);
	KUNIT_EXPECT_EQ(test, event(&l, b, SSM_EV_PREPARE_ONLINE, fw), 0);
	KUNIT_EXPECT_EQ(test, fw->assigns, 0);
	KUNIT_EXPECT_EQ(test, fw->forgets, 1);
	KUNIT_EXPECT_EQ(test, fw->queries, 256);
	KUNIT_EXPECT_TRUE(test, ssm_layout_block_held(&l, b));
	KUNIT_EXPECT_TRUE(test, ssm_layout_block_assigned(&l, b));
	KUNIT_EXPECT_EQ(test, event(&l, b, SSM_EV_GOING_ONLINE, fw), 0);
	KUNIT_EXPECT_EQ(test, event(&l, b, SSM_EV_ONLINE, fw), 0);
	KUNIT_EXPECT_EQ(test, event(&l, b, SSM_EV_GOING_OFFLINE, fw), 0);
	KUNIT_EXPECT_EQ(test, event(&l, b, SSM_EV_OFFLINE, fw), 0);
	kernel_notifier_sets(&l, fw, b, false);
	KUNIT_EXPECT_EQ(test, event(&l, b, SSM_EV_FINISH_OFFLINE, fw), 0);
	KUNIT_EXPECT_EQ(test, fw->unassigns, 0);
	KUNIT_EXPECT_EQ(test, l.incr_count[SSM_INCR_ASSIGNED], 0);
	KUNIT_EXPECT_EQ(test, l.repaired, 0);

	/* its unassign failed for one increment: we give that one back */
	KUNIT_EXPECT_EQ(test, event(&l, b, SSM_EV_PREPARE_ONLINE, fw), 0);
	KUNIT_EXPECT_EQ(test, fw->assigns, 256);	/* it did not assign */
	KUNIT_EXPECT_EQ(test, l.repaired, 256);
	KUNIT_EXPECT_EQ(test, event(&l, b, SSM_EV_ONLINE, fw), 0);
	KUNIT_EXPECT_EQ(test, event(&l, b, SSM_EV_OFFLINE, fw), 0);
	kernel_notifier_sets(&l, fw, b, false);
	set_bit(1100, fw->assigned);
	KUNIT_EXPECT_EQ(test, event(&l, b, SSM_EV_FINISH_OFFLINE, fw), 0);
	KUNIT_EXPECT_EQ(test, fw->unassigns, 1);
	KUNIT_EXPECT_EQ(test, l.repaired, 257);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(fw->assigned, 65536));
	KUNIT_EXPECT_EQ(test, fw->standby_unassigns, 0);
	KUNIT_EXPECT_EQ(test, l.stale, 0);
	expect_counts_consistent(test, &l);
	ssm_layout_destroy(&l);
}

/*
 * Beside the kernel's notifier, 6.1 family (no prepare-online), configure
 * mode: it assigns at going-online, unassigns at offline and at
 * cancel-online. Configure only adds, deconfigure only removes.
 */
static void layout_shared_configure_61(struct kunit *test)
{
	const struct geometry *g = &geometries[1];	/* 256M == 256M */
	struct fake_fw *fw = fake_new(test);
	struct ssm_layout l;
	unsigned long b = 5;

	layout_setup(test, &l, g);
	l.shared = true;
	ssm_layout_set_block_state(&l, b, SSM_BLOCK_OFFLINE);	/* added */
	kernel_notifier_sets(&l, fw, b, true);
	KUNIT_EXPECT_EQ(test, event(&l, b, SSM_EV_GOING_ONLINE, fw), 0);
	KUNIT_EXPECT_EQ(test, ssm_block_state(&l, b), SSM_BLOCK_ONLINING);
	KUNIT_EXPECT_TRUE(test, ssm_layout_block_held(&l, b));
	KUNIT_EXPECT_EQ(test, event(&l, b, SSM_EV_ONLINE, fw), 0);
	KUNIT_EXPECT_EQ(test, event(&l, b, SSM_EV_GOING_OFFLINE, fw), 0);
	kernel_notifier_sets(&l, fw, b, false);
	KUNIT_EXPECT_EQ(test, event(&l, b, SSM_EV_OFFLINE, fw), 0);
	KUNIT_EXPECT_FALSE(test, ssm_layout_block_held(&l, b));
	KUNIT_EXPECT_EQ(test, ssm_incr_state(&l, 6), SSM_INCR_STANDBY);

	/* another notifier vetoes going-online after the kernel's */
	kernel_notifier_sets(&l, fw, b, true);
	KUNIT_EXPECT_EQ(test, event(&l, b, SSM_EV_GOING_ONLINE, fw), 0);
	kernel_notifier_sets(&l, fw, b, false);
	KUNIT_EXPECT_EQ(test, event(&l, b, SSM_EV_CANCEL_ONLINE, fw), 0);
	KUNIT_EXPECT_EQ(test, ssm_block_state(&l, b), SSM_BLOCK_OFFLINE);
	KUNIT_EXPECT_FALSE(test, ssm_layout_block_held(&l, b));
	KUNIT_EXPECT_EQ(test, fw->assigns + fw->unassigns, 0);
	KUNIT_EXPECT_EQ(test, l.pins, 0);

	/*
	 * An online racing with the unload or a deconfigure: no veto (the
	 * kernel's notifier assigned already and would get no word of it),
	 * the remover finds the block online.
	 */
	l.closing = true;
	kernel_notifier_sets(&l, fw, b, true);
	KUNIT_EXPECT_EQ(test, event(&l, b, SSM_EV_GOING_ONLINE, fw), 0);
	KUNIT_EXPECT_EQ(test, ssm_block_state(&l, b), SSM_BLOCK_ONLINING);
	kernel_notifier_sets(&l, fw, b, false);
	KUNIT_EXPECT_EQ(test, event(&l, b, SSM_EV_CANCEL_ONLINE, fw), 0);
	l.closing = false;
	ssm_layout_set_block_state(&l, b, SSM_BLOCK_REMOVING);
	kernel_notifier_sets(&l, fw, b, true);
	KUNIT_EXPECT_EQ(test, event(&l, b, SSM_EV_GOING_ONLINE, fw), 0);
	KUNIT_EXPECT_EQ(test, ssm_block_state(&l, b), SSM_BLOCK_ONLINING);
	expect_counts_consistent(test, &l);
	ssm_layout_destroy(&l);
}

/*
 * A stale increment is given back only if firmware still has it: what
 * firmware answers to unassigning a standby increment does not matter.
 */
static void layout_flush_looks_first(struct kunit *test)
{
	const struct geometry *g = &geometries[1];
	struct fake_fw *fw = fake_new(test);
	struct ssm_layout l;
	unsigned long b = 6;

	layout_setup(test, &l, g);
	fw->unassign_standby_fails = true;
	KUNIT_ASSERT_EQ(test, ssm_layout_block_acquire(&l, b, &fake_ops, fw), 0);
	fw->fail_unassign_at = fw->unassigns + 1;
	ssm_layout_block_release(&l, b, &fake_ops, fw);
	KUNIT_EXPECT_EQ(test, l.stale, 1);
	/* the lost answer: firmware did unassign it */
	clear_bit(7, fw->assigned);
	KUNIT_EXPECT_EQ(test, ssm_layout_flush_stale(&l, &fake_ops, fw), 0);
	KUNIT_EXPECT_EQ(test, l.stale, 0);
	KUNIT_EXPECT_EQ(test, fw->standby_unassigns, 0);
	KUNIT_EXPECT_EQ(test, ssm_incr_state(&l, 7), SSM_INCR_STANDBY);

	/* firmware's view cannot be read: the unassign is tried anyway */
	KUNIT_ASSERT_EQ(test, ssm_layout_block_acquire(&l, b, &fake_ops, fw), 0);
	fw->fail_unassign_at = fw->unassigns + 1;
	ssm_layout_block_release(&l, b, &fake_ops, fw);
	fw->fail_queries = true;
	KUNIT_EXPECT_EQ(test, ssm_layout_flush_stale(&l, &fake_ops, fw), 0);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(fw->assigned, 65536));
	expect_counts_consistent(test, &l);
	ssm_layout_destroy(&l);
}

/*
 * An assign and the unassign that was to make sure both went unanswered:
 * the increment may be assigned. It is kept as stale, not as standby, and
 * given back later.
 */
static void layout_unsure_assign_is_stale(struct kunit *test)
{
	const struct geometry *g = &geometries[0];
	struct fake_fw *fw = fake_new(test);
	struct ssm_layout l;
	unsigned long b = 4;

	layout_setup(test, &l, g);
	fw->unsure_at = 10;
	KUNIT_EXPECT_EQ(test, ssm_layout_block_acquire(&l, b, &fake_ops, fw),
			-ETIMEDOUT);
	KUNIT_EXPECT_FALSE(test, ssm_layout_block_held(&l, b));
	KUNIT_EXPECT_EQ(test, l.stale, 1);
	KUNIT_EXPECT_EQ(test, ssm_incr_state(&l, 1034), SSM_INCR_ASSIGNED);
	KUNIT_EXPECT_EQ(test, fw->unassigns, 9);	/* the 9 before */
	expect_counts_consistent(test, &l);
	KUNIT_EXPECT_EQ(test, ssm_layout_flush_stale(&l, &fake_ops, fw), 0);
	KUNIT_EXPECT_EQ(test, l.stale, 0);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(fw->assigned, 65536));
	expect_counts_consistent(test, &l);
	ssm_layout_destroy(&l);
}

/* Memory someone else added in our range: no veto, no firmware call. */
static void layout_ignores_blocks_not_added(struct kunit *test)
{
	const struct geometry *g = &geometries[1];
	struct fake_fw *fw = fake_new(test);
	struct ssm_layout l;
	unsigned long b = 7;
	int ev;

	layout_setup(test, &l, g);
	for (l.lazy = false; ; l.lazy = true) {
		for (ev = 0; ev < SSM_EV_NR; ev++)
			KUNIT_EXPECT_EQ_MSG(test, event(&l, b, ev, fw), 0,
					    "%s lazy=%d", ssm_event_name(ev),
					    l.lazy);
		if (l.lazy)
			break;
	}
	KUNIT_EXPECT_EQ(test, ssm_block_state(&l, b), SSM_BLOCK_STANDBY);
	KUNIT_EXPECT_EQ(test, fw->assigns + fw->unassigns + fw->queries, 0);
	KUNIT_EXPECT_EQ(test, l.pins, 0);
	ssm_layout_destroy(&l);
}

static void layout_state_names(struct kunit *test)
{
	int i;

	for (i = 0; i < SSM_BLOCK_NR_STATES; i++)
		KUNIT_EXPECT_STRNEQ(test, ssm_block_state_name(i), "?");
	for (i = 0; i < SSM_EV_NR; i++)
		KUNIT_EXPECT_STRNEQ(test, ssm_event_name(i), "?");
	KUNIT_EXPECT_STREQ(test, ssm_block_state_name(SSM_BLOCK_NR_STATES), "?");
}

static struct kunit_case layout_cases[] = {
	KUNIT_CASE_PARAM(layout_geometry, geometry_gen_params),
	KUNIT_CASE(layout_rejects_bad_geometry),
	KUNIT_CASE(layout_shared_increment_refcount),
	KUNIT_CASE(layout_adopt_reads_only),
	KUNIT_CASE(layout_sweep_gives_back_unheld),
	KUNIT_CASE(layout_acquire_rolls_back),
	KUNIT_CASE(layout_release_failure_leaves_stale),
	KUNIT_CASE(layout_lazy_online_offline),
	KUNIT_CASE(layout_lazy_vetoed_online),
	KUNIT_CASE(layout_configure_mode_refuses),
	KUNIT_CASE_PARAM(layout_situation, situation_gen_params),
	KUNIT_CASE(layout_shared_lazy),
	KUNIT_CASE(layout_shared_configure_61),
	KUNIT_CASE(layout_flush_looks_first),
	KUNIT_CASE(layout_unsure_assign_is_stale),
	KUNIT_CASE(layout_ignores_blocks_not_added),
	KUNIT_CASE(layout_state_names),
	{}
};

static struct kunit_suite layout_suite = {
	.name = "s390_standby_mem_layout",
	.test_cases = layout_cases,
};

kunit_test_suites(&layout_suite);
