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

/* Fake firmware: counts calls, fails the Nth assign/unassign if asked. */
struct fake_fw {
	unsigned long assigns, unassigns, reassigns;
	unsigned long fail_assign_at, fail_unassign_at;	/* 1-based, 0: never */
	DECLARE_BITMAP(assigned, 65536);
};

static int fake_assign(void *ctx, u16 rn)
{
	struct fake_fw *fw = ctx;

	if (++fw->assigns == fw->fail_assign_at)
		return -EIO;
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
	if (!test_and_clear_bit(rn, fw->assigned))
		return -EINVAL;		/* unassign of standby: a bug */
	return 0;
}

static const struct ssm_fw_ops fake_ops = {
	.assign = fake_assign,
	.unassign = fake_unassign,
};

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
	ssm_layout_block_event(&l, b, SSM_EV_GOING_OFFLINE, &fake_ops, fw);
	KUNIT_EXPECT_EQ(test, ssm_block_state(&l, b), SSM_BLOCK_OFFLINING);
	ssm_layout_block_event(&l, b, SSM_EV_CANCEL_OFFLINE, &fake_ops, fw);
	KUNIT_EXPECT_EQ(test, ssm_block_state(&l, b), SSM_BLOCK_ONLINE);
	ssm_layout_block_event(&l, b, SSM_EV_GOING_OFFLINE, &fake_ops, fw);
	ssm_layout_block_event(&l, b, SSM_EV_OFFLINE, &fake_ops, fw);
	KUNIT_EXPECT_EQ(test, l.pins, 0);
	KUNIT_EXPECT_EQ(test, fw->unassigns, 0);
	ssm_layout_block_event(&l, b, SSM_EV_FINISH_OFFLINE, &fake_ops, fw);
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
	ssm_layout_set_block_state(&l, b, SSM_BLOCK_OFFLINE);
	KUNIT_ASSERT_EQ(test, ssm_layout_block_event(&l, b, SSM_EV_PREPARE_ONLINE,
						     &fake_ops, fw), 0);
	ssm_layout_block_event(&l, b, SSM_EV_CANCEL_ONLINE, &fake_ops, fw);
	KUNIT_EXPECT_EQ(test, ssm_block_state(&l, b), SSM_BLOCK_OFFLINE);
	ssm_layout_block_event(&l, b, SSM_EV_FINISH_OFFLINE, &fake_ops, fw);
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
	ssm_layout_block_event(&l, b, SSM_EV_ONLINE, &fake_ops, fw);
	ssm_layout_block_event(&l, b, SSM_EV_GOING_OFFLINE, &fake_ops, fw);
	ssm_layout_block_event(&l, b, SSM_EV_OFFLINE, &fake_ops, fw);
	ssm_layout_block_event(&l, b, SSM_EV_FINISH_OFFLINE, &fake_ops, fw);
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

static void layout_coexistence(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, ssm_layout_coexistence(0, false), SSM_COEXIST_OK);
	KUNIT_EXPECT_EQ(test, ssm_layout_coexistence(0, true),
			SSM_COEXIST_KERNEL_SYSFS);
	KUNIT_EXPECT_EQ(test, ssm_layout_coexistence(1, false),
			SSM_COEXIST_KERNEL_BLOCKS);
	/* the directory says more about who is in charge than the blocks */
	KUNIT_EXPECT_EQ(test, ssm_layout_coexistence(4, true),
			SSM_COEXIST_KERNEL_SYSFS);
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
	KUNIT_CASE(layout_acquire_rolls_back),
	KUNIT_CASE(layout_release_failure_leaves_stale),
	KUNIT_CASE(layout_lazy_online_offline),
	KUNIT_CASE(layout_lazy_vetoed_online),
	KUNIT_CASE(layout_configure_mode_refuses),
	KUNIT_CASE(layout_coexistence),
	KUNIT_CASE(layout_state_names),
	{}
};

static struct kunit_suite layout_suite = {
	.name = "s390_standby_mem_layout",
	.test_cases = layout_cases,
};

kunit_test_suites(&layout_suite);
