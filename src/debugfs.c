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
 *
 * Faults of the simulated firmware are armed in its own directory,
 * /sys/kernel/debug/s390_standby_mem_sim/.
 *
 * Read-only views take s->lock, so they are consistent snapshots.
 */
#define pr_fmt(fmt) "s390_standby_mem: " fmt

#include <linux/kernel.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include "debugfs.h"
#include "sim_link.h"
#include "ssm.h"

static const char *ssm_fw_view(struct ssm *s, u32 rn)
{
	struct ssm_transport *t = s->client.transport;

	if (!ssm_transport_is_sim(t))
		return "-";
	return ssm_sim_link_rn_assigned(t, rn) ? "assigned" : "standby";
}

static void ssm_show_response(struct seq_file *m, u16 resp)
{
	if (resp == SSM_RESP_NONE)
		seq_puts(m, "-\n");
	else if (resp == SSM_RESP_NO_ANSWER)
		seq_puts(m, "no-answer\n");
	else
		seq_printf(m, "0x%04x\n", resp);
}

static int increments_show(struct seq_file *m, void *v)
{
	struct ssm *s = m->private;
	struct ssm_layout *l = &s->layout;
	u64 start;
	u16 elem;
	u32 rn;

	seq_puts(m, "rn range state refs element firmware last_response\n");
	mutex_lock(&s->lock);
	for (rn = 1; rn <= l->rnmax; rn++) {
		start = ssm_rn_to_phys(l, rn);
		elem = ssm_client_elem(&s->client, rn);
		seq_printf(m, "%u [0x%llx-0x%llx] %s %u ", rn, start,
			   start + l->rzm - 1,
			   ssm_incr_state_name(ssm_incr_state(l, rn)),
			   l->incr_refs[rn]);
		if (elem == SSM_ELEM_NONE)
			seq_puts(m, "- ");
		else
			seq_printf(m, "%u ", elem);
		seq_printf(m, "%s ", ssm_fw_view(s, rn));
		ssm_show_response(m, ssm_client_last_response(&s->client, rn));
	}
	mutex_unlock(&s->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(increments);

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
