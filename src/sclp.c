// SPDX-License-Identifier: GPL-2.0
/*
 * The SCLP client: read SCP info, read storage info, attach storage
 * element, assign and unassign storage, each as one synchronous request
 * through a transport. sccb.c owns the wire format; this file owns the
 * sequence and what to do when firmware does not answer as it should.
 *
 * An assign whose answer is lost (timeout) or garbled (malformed) leaves
 * the firmware state unknown: the client unassigns the increment again so
 * that it is standby for sure, then reports the error. An unassign that
 * fails leaves the increment assigned; the layout keeps it as stale and
 * retries later.
 */
#define pr_fmt(fmt) "s390_standby_mem: " fmt

#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/slab.h>

#include "sclp_client.h"
#include "ssm_trace.h"

static const char * const ssm_client_op_names[] = {
	[SSM_OP_READ_INFO] = "read_info",
	[SSM_OP_STORAGE_INFO] = "storage_info",
	[SSM_OP_ATTACH] = "attach",
	[SSM_OP_ASSIGN] = "assign",
	[SSM_OP_UNASSIGN] = "unassign",
};

static_assert(ARRAY_SIZE(ssm_client_op_names) == SSM_OP_NR);

const char *ssm_client_op_name(enum ssm_client_op op)
{
	return op < SSM_OP_NR ? ssm_client_op_names[op] : "?";
}

/**
 * ssm_client_init() - set up a client on a transport
 * @c: client
 * @t: transport, owned by the client from now on
 *
 * Return: 0 or -ENOMEM (the transport is destroyed then).
 */
int ssm_client_init(struct ssm_client *c, struct ssm_transport *t)
{
	memset(c, 0, sizeof(*c));
	mutex_init(&c->lock);
	c->transport = t;
	/* SCCBs must lie below 2 GiB: a zeroed GFP_DMA page. */
	c->sccb = (void *)get_zeroed_page(GFP_KERNEL | GFP_DMA);
	if (!c->sccb) {
		t->ops->destroy(t);
		c->transport = NULL;
		return -ENOMEM;
	}
	return 0;
}

/**
 * ssm_client_destroy() - free the client and its transport
 * @c: client
 */
void ssm_client_destroy(struct ssm_client *c)
{
	if (c->transport)
		c->transport->ops->destroy(c->transport);
	c->transport = NULL;
	free_page((unsigned long)c->sccb);
	c->sccb = NULL;
	kvfree(c->last_resp);
	c->last_resp = NULL;
	mutex_destroy(&c->lock);
}

/* Issue @cmd with c->sccb prepared; caller holds c->lock. */
static int ssm_client_request(struct ssm_client *c, enum ssm_client_op op,
			      u32 cmd, u32 rn)
{
	int rc;

	lockdep_assert_held(&c->lock);
	c->requests[op]++;
	rc = c->transport->ops->sync_request(c->transport, cmd, c->sccb);
	if (rc == -ETIMEDOUT)
		pr_warn("%s: no answer from firmware (cmd=0x%08x, rn=0x%04x)\n",
			ssm_sccb_cmd_name(cmd), cmd, rn);
	else if (rc)
		pr_warn("%s: request not issued: %d (cmd=0x%08x, rn=0x%04x)\n",
			ssm_sccb_cmd_name(cmd), rc, cmd, rn);
	return rc;
}

static void ssm_client_count(struct ssm_client *c, enum ssm_client_op op,
			     int rc)
{
	if (rc)
		c->failures[op]++;
}

/**
 * ssm_client_read_info() - read SCP info: increment size and count
 * @c: client
 * @info: filled in on success
 *
 * Tries the forced form first and falls back to the plain one, as the
 * kernel's early code does.
 *
 * Return: 0 or a negative errno.
 */
int ssm_client_read_info(struct ssm_client *c, struct ssm_scp_info *info)
{
	static const u32 cmds[] = {
		SSM_CMD_READ_SCP_INFO_FORCED, SSM_CMD_READ_SCP_INFO
	};
	int rc = -EOPNOTSUPP;
	unsigned int i;

	mutex_lock(&c->lock);
	for (i = 0; i < ARRAY_SIZE(cmds) && rc == -EOPNOTSUPP; i++) {
		ssm_sccb_prepare(c->sccb, 0x80);
		/* variable-length response */
		((struct ssm_sccb_header *)c->sccb)->control_mask[2] = 0x80;
		rc = ssm_client_request(c, SSM_OP_READ_INFO, cmds[i], 0);
		if (!rc)
			rc = ssm_sccb_decode_read_info(c->sccb, info);
	}
	ssm_client_count(c, SSM_OP_READ_INFO, rc);
	if (!rc) {
		c->info = *info;
		kvfree(c->last_resp);
		c->last_resp = kvcalloc(info->rnmax + 1, sizeof(u16),
					GFP_KERNEL);
		if (!c->last_resp)
			rc = -ENOMEM;
	}
	mutex_unlock(&c->lock);
	return rc;
}

/**
 * ssm_client_last_response() - firmware's last answer to an (un)assign
 * @c: client
 * @rn: increment number
 *
 * Return: the response code, SSM_RESP_NONE if none was issued, or
 * SSM_RESP_NO_ANSWER if the last one timed out.
 */
u16 ssm_client_last_response(struct ssm_client *c, u32 rn)
{
	u16 resp = SSM_RESP_NONE;

	mutex_lock(&c->lock);
	if (c->last_resp && rn <= c->info.rnmax)
		resp = c->last_resp[rn];
	mutex_unlock(&c->lock);
	return resp;
}

/* Record one answered read storage info SCCB in the layout. */
static int ssm_client_record_element(struct ssm_client *c, struct ssm_layout *l,
				     u8 id, const struct ssm_storage_info *si)
{
	unsigned int i;
	int rc;
	u16 rn;

	if (si->state == SSM_ELEM_NOT_PRESENT)
		return 0;
	set_bit(id, c->present);
	if (si->state == SSM_ELEM_ATTACHED)
		set_bit(id, c->attached);
	for (i = 0; i < si->nr_entries; i++) {
		rn = ssm_sccb_entry_rn(c->sccb, false, i);
		if (!rn)
			continue;
		ssm_layout_set_elem(l, rn, id);
		if (si->state != SSM_ELEM_ATTACHED)
			continue;	/* a standby element lists its increments */
		rc = ssm_layout_set_foreign(l, rn);
		if (rc)
			return rc;
	}
	return 0;
}

/**
 * ssm_client_discover() - read storage info of every storage element
 * @c: client, after ssm_client_read_info()
 * @l: layout initialised with the increment size and count; increments
 *     firmware reports assigned are marked foreign, the rest stay standby
 *
 * Return: 0 or a negative errno.
 */
int ssm_client_discover(struct ssm_client *c, struct ssm_layout *l)
{
	struct ssm_storage_info si;
	unsigned int id;
	u32 cmd;
	int rc = 0;

	mutex_lock(&c->lock);
	bitmap_zero(c->attached, SSM_MAX_STORAGE_ID + 1);
	bitmap_zero(c->present, SSM_MAX_STORAGE_ID + 1);
	c->max_id = 0;
	for (id = 0; id <= c->max_id; id++) {
		cmd = SSM_CMD_WITH_ID(SSM_CMD_READ_STORAGE_INFO, id);
		ssm_sccb_prepare(c->sccb, 0);
		rc = ssm_client_request(c, SSM_OP_STORAGE_INFO, cmd, 0);
		if (!rc)
			rc = ssm_sccb_decode_storage_info(c->sccb, id,
							  c->info.rnmax, &si);
		if (!rc)
			rc = ssm_client_record_element(c, l, id, &si);
		ssm_client_count(c, SSM_OP_STORAGE_INFO, rc);
		if (rc)
			break;
		c->max_id = si.max_id;
	}
	mutex_unlock(&c->lock);
	return rc;
}

/*
 * An attach without a usable answer may have assigned the element's
 * increments: unassign every one it listed as standby, so firmware and
 * our model agree again. Those that fail are recorded as stale.
 */
static void ssm_client_undo_attach(struct ssm_client *c, struct ssm_layout *l,
				   u8 id)
{
	u32 rn;

	for (rn = 1; rn <= l->rnmax; rn++) {
		if (l->incr_elem[rn] != id ||
		    ssm_incr_state(l, rn) != SSM_INCR_STANDBY)
			continue;
		if (ssm_client_unassign(c, rn))
			ssm_layout_mark_stale(l, rn);
	}
}

/*
 * Attach one storage element. Attaching assigns increments; those are
 * standby memory of ours and are unassigned right away. One that fails to
 * unassign is recorded as stale in the layout.
 */
static int ssm_client_attach(struct ssm_client *c, struct ssm_layout *l, u8 id)
{
	u32 cmd = SSM_CMD_WITH_ID(SSM_CMD_ATTACH_STORAGE, id);
	u16 nr, *rns;
	unsigned int i;
	int rc;

	mutex_lock(&c->lock);
	ssm_sccb_prepare(c->sccb, 0x40);
	rc = ssm_client_request(c, SSM_OP_ATTACH, cmd, 0);
	if (!rc)
		rc = ssm_sccb_decode_attach(c->sccb, id, c->info.rnmax, &nr);
	ssm_client_count(c, SSM_OP_ATTACH, rc);
	if (rc) {
		mutex_unlock(&c->lock);
		if (rc == -ETIMEDOUT || rc == -EPROTO)
			ssm_client_undo_attach(c, l, id);
		return rc;
	}
	set_bit(id, c->attached);
	/* The unassign requests reuse the SCCB: copy the entries first. */
	rns = kcalloc(max_t(u16, nr, 1), sizeof(*rns), GFP_KERNEL);
	if (!rns) {
		mutex_unlock(&c->lock);
		return -ENOMEM;
	}
	for (i = 0; i < nr; i++)
		rns[i] = ssm_sccb_entry_rn(c->sccb, true, i);
	mutex_unlock(&c->lock);

	for (i = 0; i < nr; i++) {
		if (!rns[i])
			continue;
		if (ssm_client_unassign(c, rns[i]))
			ssm_layout_mark_stale(l, rns[i]);
	}
	kfree(rns);
	return 0;
}

/**
 * ssm_client_attach_all() - attach every present storage element that is
 *			     not attached yet
 * @c: client, after ssm_client_discover()
 * @l: layout
 *
 * Return: 0 or the first error.
 */
int ssm_client_attach_all(struct ssm_client *c, struct ssm_layout *l)
{
	unsigned int id;
	int rc;

	for (id = 0; id <= c->max_id; id++) {
		if (!test_bit(id, c->present) || test_bit(id, c->attached))
			continue;
		rc = ssm_client_attach(c, l, id);
		if (rc)
			return rc;
	}
	return 0;
}

static int ssm_client_do_assign(struct ssm_client *c, u32 cmd, u16 rn)
{
	enum ssm_client_op op = cmd == SSM_CMD_ASSIGN_STORAGE ?
		SSM_OP_ASSIGN : SSM_OP_UNASSIGN;
	u64 t0 = ktime_get_ns();
	int rc;

	mutex_lock(&c->lock);
	ssm_sccb_encode_assign(c->sccb, rn);
	rc = ssm_client_request(c, op, cmd, rn);
	if (c->last_resp && rn <= c->info.rnmax)
		c->last_resp[rn] = rc == -ETIMEDOUT ? SSM_RESP_NO_ANSWER :
			ssm_sccb_response(c->sccb);
	if (!rc)
		rc = ssm_sccb_decode_assign(c->sccb, cmd, rn);
	ssm_client_count(c, op, rc);
	mutex_unlock(&c->lock);
	trace_ssm_firmware(cmd, rn, (u64)(rn - 1) * c->info.rzm, c->info.rzm,
			   rc, ktime_get_ns() - t0);
	return rc;
}

/**
 * ssm_client_assign() - assign one increment
 * @c: client
 * @rn: increment number
 *
 * Return: 0; on error the increment is standby (best effort when firmware
 * did not answer properly).
 */
int ssm_client_assign(struct ssm_client *c, u16 rn)
{
	int rc;

	rc = ssm_client_do_assign(c, SSM_CMD_ASSIGN_STORAGE, rn);
	if (rc == -ETIMEDOUT || rc == -EPROTO) {
		/* Did it happen? Make sure it did not. */
		if (ssm_client_do_assign(c, SSM_CMD_UNASSIGN_STORAGE, rn)) {
			c->unknown++;
			pr_err("rn 0x%04x: may still be assigned after a failed assign\n",
			       rn);
		}
	}
	return rc;
}

/**
 * ssm_client_unassign() - unassign one increment
 * @c: client
 * @rn: increment number
 *
 * Return: 0; on error the increment must be considered still assigned.
 */
int ssm_client_unassign(struct ssm_client *c, u16 rn)
{
	return ssm_client_do_assign(c, SSM_CMD_UNASSIGN_STORAGE, rn);
}

static int ssm_client_fw_assign(void *ctx, u16 rn)
{
	return ssm_client_assign(ctx, rn);
}

static int ssm_client_fw_unassign(void *ctx, u16 rn)
{
	return ssm_client_unassign(ctx, rn);
}

const struct ssm_fw_ops ssm_client_fw_ops = {
	.assign = ssm_client_fw_assign,
	.unassign = ssm_client_fw_unassign,
};
