// SPDX-License-Identifier: GPL-2.0
/*
 * ssm_bench_layout: time the increment model's per-operation work
 * (src/layout.c, compiled in) at rnmax 64 and 65535. What the memory
 * notifier does for every block event must not grow with the number of
 * increments: the ratio of the two should be about 1.
 *
 * Prints one line per geometry and the ratio at load, then stays loaded
 * doing nothing; make bench removes it.
 */
/* The unit under test first: it sets pr_fmt. */
#include "../../src/layout.c"

#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/sort.h>

#define BENCH_OPS	200000
#define BENCH_REPS	5

static int bench_fw_assign(void *ctx, u16 rn, bool *unsure)
{
	*unsure = false;
	return 0;
}

static int bench_fw_unassign(void *ctx, u16 rn)
{
	return 0;
}

static int bench_fw_query(void *ctx, u16 rn, bool *assigned)
{
	*assigned = false;
	return 0;
}

static void bench_fw_forget(void *ctx)
{
}

static const struct ssm_fw_ops bench_fw = {
	.assign = bench_fw_assign,
	.unassign = bench_fw_unassign,
	.query = bench_fw_query,
	.forget = bench_fw_forget,
};

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * One operation: what the notifier does for a block event (find the
 * block by address, check it is ours, look at its increments) plus an
 * acquire and release of the block's increments.
 */
static u64 bench_run(struct ssm_layout *l, u32 seed)
{
	unsigned long nr = l->nr_blocks, block, i;
	u32 first, last, x = seed;
	u64 t0 = ktime_get_ns();

	for (i = 0; i < BENCH_OPS; i++) {
		x = x * 1664525 + 1013904223;
		block = l->first_block + x % nr;
		if (!ssm_layout_phys_to_block(l, ssm_block_to_phys(l, block),
					      &block) ||
		    !ssm_block_is_ours(l, block))
			continue;
		ssm_layout_block_rns(l, block, &first, &last);
		if (ssm_incr_state(l, first) != SSM_INCR_STANDBY)
			continue;
		ssm_layout_block_acquire(l, block, &bench_fw, NULL);
		ssm_layout_block_release(l, block, &bench_fw, NULL);
	}
	return ktime_get_ns() - t0;
}

/* Median ns per operation over BENCH_REPS runs. */
static int bench_geometry(u32 rnmax, u64 *ns_per_op)
{
	struct range pluggable = { 0, U64_MAX };
	struct ssm_layout l;
	u64 t[BENCH_REPS];
	int rc, i;

	rc = ssm_layout_init(&l, SZ_256M, rnmax, SZ_256M, &pluggable);
	if (rc)
		return rc;
	for (i = 1; i <= 4; i++)	/* boot memory: the first GiB */
		ssm_layout_set_foreign(&l, i);
	ssm_layout_finalize(&l);
	for (i = 0; i < BENCH_REPS; i++)
		t[i] = bench_run(&l, i + 1);
	ssm_layout_destroy(&l);
	sort(t, BENCH_REPS, sizeof(t[0]), cmp_u64, NULL);
	*ns_per_op = div_u64(t[BENCH_REPS / 2], BENCH_OPS);
	pr_info("bench: rnmax=%u blocks=%lu median=%llu ns/op min=%llu max=%llu\n",
		rnmax, (unsigned long)(rnmax - 4), *ns_per_op,
		div_u64(t[0], BENCH_OPS), div_u64(t[BENCH_REPS - 1], BENCH_OPS));
	return 0;
}

static int __init bench_init(void)
{
	u64 small, large;
	int rc;

	rc = bench_geometry(64, &small);
	if (!rc)
		rc = bench_geometry(65535, &large);
	if (rc) {
		pr_err("bench: cannot build the layout: %d\n", rc);
		return rc;
	}
	pr_info("bench: ratio rnmax 65535 / 64 = %llu.%02llu\n",
		div64_u64(large, small ?: 1),
		div64_u64(large * 100, small ?: 1) % 100);
	return 0;
}

static void __exit bench_exit(void)
{
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_DESCRIPTION("make bench: increment model operation cost at rnmax 64 and 65535");
MODULE_LICENSE("GPL");
