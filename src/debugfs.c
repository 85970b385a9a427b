// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: /sys/kernel/debug/s390_standby_mem/
 *
 *   increments  one line per increment: rn, range, state, holding blocks,
 *               storage element, and (sim) firmware's view
 *   blocks      one line per tracked block: id, range, state, held, memmap
 *   counters    "name value" lines: firmware requests and failures per
 *               command, blocks and increments per state, stale
 *               increments, repairs after the kernel's notifier, notifier
 *               vetoes, module pins, request slots, simulation stats
 *   firmware    one line per increment: rn, assigned or standby, as
 *               firmware says when the file is read (backend=sclp: read
 *               storage info of every present element)
 *
 * Faults of the simulated firmware are armed in its own directory,
 * /sys/kernel/debug/s390_standby_mem_sim/.
 *
 * Read-only views take s->lock, so they are consistent snapshots.
 */
#define pr_fmt(fmt) "s390_standby_mem: " fmt

#include <linux/kernel.h>
#include <linux/bitmap.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "debugfs.h"
#include "sim_link.h"
#include "ssm.h"

static void ssm_show_response(struct seq_file *m, u16 resp)
{
	if (resp == SSM_RESP_NONE)
		seq_puts(m, "-\n");
	else if (resp == SSM_RESP_NO_ANSWER)
		seq_puts(m, "no-answer\n");
	else
		seq_printf(m, "0x%04x\n", resp);
}

/*
 * The increment table, taken at once: our states under s->lock, the
 * client's maps under its lock, firmware's view (sim) under the
 * simulation's, one lock each per read. Printed afterwards, with no lock
 * held.
 */
struct ssm_incr_snapshot {
	u32 nr;
	u8 *state;
	u16 *refs;
	u16 *elem;
	u16 *resp;
	unsigned long *fw;	/* NULL: real firmware, no view */
};

static void ssm_incr_snapshot_free(struct ssm_incr_snapshot *snap)
{
	kvfree(snap->state);
	kvfree(snap->refs);
	kvfree(snap->elem);
	kvfree(snap->resp);
	bitmap_free(snap->fw);
}

static int ssm_incr_snapshot_take(struct ssm *s, struct ssm_incr_snapshot *snap)
{
	struct ssm_layout *l = &s->layout;
	struct ssm_transport *t = s->client.transport;
	bool sim = ssm_transport_is_sim(t);
	u32 nr = l->rnmax, rn;

	snap->nr = nr;
	snap->state = kvcalloc(nr + 1, sizeof(*snap->state), GFP_KERNEL);
	snap->refs = kvcalloc(nr + 1, sizeof(*snap->refs), GFP_KERNEL);
	snap->elem = kvcalloc(nr + 1, sizeof(*snap->elem), GFP_KERNEL);
	snap->resp = kvcalloc(nr + 1, sizeof(*snap->resp), GFP_KERNEL);
	snap->fw = sim ? bitmap_zalloc(nr + 1, GFP_KERNEL) : NULL;
	if (!snap->state || !snap->refs || !snap->elem || !snap->resp ||
	    (sim && !snap->fw)) {
		ssm_incr_snapshot_free(snap);
		return -ENOMEM;
	}
	mutex_lock(&s->lock);
	for (rn = 1; rn <= nr; rn++) {
		snap->state[rn] = ssm_incr_state(l, rn);
		snap->refs[rn] = l->incr_refs[rn];
	}
	ssm_client_snapshot(&s->client, nr, snap->elem, snap->resp);
	if (snap->fw)
		ssm_sim_link_assigned_map(t, snap->fw, nr);
	mutex_unlock(&s->lock);
	return 0;
}

static int increments_show(struct seq_file *m, void *v)
{
	struct ssm *s = m->private;
	struct ssm_layout *l = &s->layout;
	struct ssm_incr_snapshot snap;
	u64 start;
	u32 rn;
	int rc;

	rc = ssm_incr_snapshot_take(s, &snap);
	if (rc)
		return rc;
	seq_puts(m, "rn range state refs element firmware last_response\n");
	for (rn = 1; rn <= snap.nr; rn++) {
		start = ssm_rn_to_phys(l, rn);
		seq_printf(m, "%u [0x%llx-0x%llx] %s %u ", rn, start,
			   start + l->rzm - 1,
			   ssm_incr_state_name(snap.state[rn]), snap.refs[rn]);
		if (snap.elem[rn] == SSM_ELEM_NONE)
			seq_puts(m, "- ");
		else
			seq_printf(m, "%u ", snap.elem[rn]);
		if (!snap.fw)
			seq_puts(m, "- ");
		else
			seq_printf(m, "%s ", test_bit(rn, snap.fw) ? "assigned" :
								    "standby");
		ssm_show_response(m, snap.resp[rn]);
		if (!(rn % 256))
			cond_resched();
	}
	ssm_incr_snapshot_free(&snap);
	return 0;
}

/* The longest line of increments: rn, range, state, refs, element, views. */
#define SSM_INCR_LINE_MAX	112

/*
 * Sized for the whole table, so that seq_file never starts over with a
 * larger buffer (which would take the snapshot again for every doubling).
 */
static int increments_open(struct inode *inode, struct file *file)
{
	struct ssm *s = inode->i_private;

	return single_open_size(file, increments_show, s,
				((size_t)s->layout.rnmax + 1) *
					SSM_INCR_LINE_MAX);
}

static const struct file_operations increments_fops = {
	.owner = THIS_MODULE,
	.open = increments_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

static int blocks_show(struct seq_file *m, void *v)
{
	struct ssm *s = m->private;
	struct ssm_layout *l = &s->layout;
	unsigned long block;
	u64 start;

	seq_puts(m, "block range state held memmap_on_memory\n");
	mutex_lock(&s->lock);
	for (block = l->first_block; block < ssm_last_block(l); block++) {
		start = ssm_block_to_phys(l, block);
		seq_printf(m, "%lu [0x%llx-0x%llx] %s %d %d\n", block, start,
			   start + l->block_size - 1,
			   ssm_block_state_name(ssm_block_state(l, block)),
			   ssm_layout_block_held(l, block),
			   test_bit(block - l->first_block, s->memmap));
	}
	mutex_unlock(&s->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(blocks);

static void ssm_show_sim_counters(struct seq_file *m, struct ssm *s)
{
	struct ssm_sim_stats st;

	if (!ssm_transport_is_sim(s->client.transport))
		return;
	ssm_sim_link_stats(s->client.transport, &st);
	seq_printf(m, "sim_requests %lu\n", st.requests);
	seq_printf(m, "sim_kernel_requests %lu\n", st.kernel_requests);
	seq_printf(m, "sim_faults_injected %lu\n", st.faults_injected);
	seq_printf(m, "sim_late %lu\n", st.late);
	seq_printf(m, "sim_canary_written %lu\n", st.canary_written);
	seq_printf(m, "sim_canary_checked %lu\n", st.canary_checked);
	seq_printf(m, "sim_canary_unverified %lu\n", st.canary_unverified);
	seq_printf(m, "sim_canary_errors %lu\n", st.canary_errors);
	seq_printf(m, "sim_violations %lu\n", st.violations);
}

static int counters_show(struct seq_file *m, void *v)
{
	struct ssm *s = m->private;
	struct ssm_layout *l = &s->layout;
	struct ssm_client *c = &s->client;
	int i;

	mutex_lock(&s->lock);
	mutex_lock(&c->lock);
	for (i = 0; i < SSM_OP_NR; i++)
		seq_printf(m, "requests_%s %lu\nfailures_%s %lu\n",
			   ssm_client_op_name(i), c->requests[i],
			   ssm_client_op_name(i), c->failures[i]);
	seq_printf(m, "assign_unknown %lu\n", c->unknown);
	seq_printf(m, "no_request_slot %lu\n", c->busy);
	mutex_unlock(&c->lock);
	seq_printf(m, "requests_unanswered %u\n",
		   ssm_transport_orphans(c->transport));
	for (i = 0; i < SSM_BLOCK_NR_STATES; i++)
		seq_printf(m, "blocks_%s %lu\n", ssm_block_state_name(i),
			   l->block_count[i]);
	for (i = 0; i < SSM_INCR_NR_STATES; i++)
		seq_printf(m, "increments_%s %lu\n", ssm_incr_state_name(i),
			   l->incr_count[i]);
	seq_printf(m, "stale %lu\n", l->stale);
	seq_printf(m, "shared %d\n", l->shared);
	seq_printf(m, "repaired %lu\n", l->repaired);
	seq_printf(m, "vetoes %lu\n", s->vetoes);
	seq_printf(m, "pins %ld\n", l->pins);
	mutex_unlock(&s->lock);
	ssm_show_sim_counters(m, s);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(counters);

/*
 * Firmware's view, read when the file is read: the simulation's table
 * (backend=sim), or a read storage info of every present element
 * (backend=sclp), one request each, the module's own view untouched.
 */
static int firmware_show(struct seq_file *m, void *v)
{
	struct ssm *s = m->private;
	struct ssm_transport *t = s->client.transport;
	u32 nr = s->layout.rnmax, rn;
	unsigned long *map;
	int rc = 0;

	map = bitmap_zalloc(nr + 1, GFP_KERNEL);
	if (!map)
		return -ENOMEM;
	if (ssm_transport_is_sim(t)) {
		mutex_lock(&s->lock);
		ssm_sim_link_assigned_map(t, map, nr);
		mutex_unlock(&s->lock);
	} else {
		rc = ssm_client_read_assigned(&s->client, map);
	}
	if (!rc) {
		seq_puts(m, "rn firmware\n");
		for (rn = 1; rn <= nr; rn++) {
			seq_printf(m, "%u %s\n", rn,
				   test_bit(rn, map) ? "assigned" : "standby");
			if (!(rn % 256))
				cond_resched();
		}
	}
	bitmap_free(map);
	return rc;
}
DEFINE_SHOW_ATTRIBUTE(firmware);

/**
 * ssm_debugfs_init() - create the debugfs directory
 * @s: the module, fully set up
 *
 * debugfs is optional: errors are not reported.
 */
void ssm_debugfs_init(struct ssm *s)
{
	struct dentry *dir;

	dir = debugfs_create_dir("s390_standby_mem", NULL);
	s->debugfs = dir;
	debugfs_create_file("increments", 0444, dir, s, &increments_fops);
	debugfs_create_file("blocks", 0444, dir, s, &blocks_fops);
	debugfs_create_file("counters", 0444, dir, s, &counters_fops);
	debugfs_create_file("firmware", 0444, dir, s, &firmware_fops);
}

/**
 * ssm_debugfs_exit() - remove the debugfs directory
 * @s: the module
 */
void ssm_debugfs_exit(struct ssm *s)
{
	debugfs_remove_recursive(s->debugfs);
	s->debugfs = NULL;
}
