// SPDX-License-Identifier: GPL-2.0
/*
 * The SCLP client: read SCP info, read storage info, attach storage
 * element, assign and unassign storage, each as one synchronous request
 * through a transport. sccb.c owns the wire format; this file owns the
 * sequence and what to do when firmware does not answer as it should.
 *
 * Every request borrows one of the transport's request slots and encodes
 * and decodes its SCCB in place: nothing is allocated or copied on the way
 * (transport.c).
 *
 * An assign whose answer is lost (timeout) or garbled (malformed) leaves
 * the firmware state unknown: the client unassigns the increment again so
 * that it is standby for sure; if that fails too, the caller is told the
 * increment may be assigned (the layout then keeps it as stale and gives
 * it back later). An unassign that fails leaves the increment assigned;
 * the layout keeps it as stale and retries later.
 *
 * Firmware's view of an increment is read with read storage info of its
 * storage element, at most once per element between two calls of
 * ssm_client_forget(): an attached element lists its assigned increments,
 * an element not attached has none assigned.
 */
#define pr_fmt(fmt) "s390_standby_mem: " fmt

#include <linux/kernel.h>
#include <linux/errno.h>
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
	c->rns = kcalloc(SSM_SCCB_MAX_ENTRIES, sizeof(*c->rns), GFP_KERNEL);
	if (!c->rns) {
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
	kfree(c->rns);
	kvfree(c->last_resp);
	kvfree(c->elem);
	bitmap_free(c->fw_assigned);
	c->rns = NULL;
	c->last_resp = NULL;
	c->elem = NULL;
	c->fw_assigned = NULL;
	mutex_destroy(&c->lock);
}

/*
 * Take a request slot for @op; caller holds c->lock. NULL when firmware
 * holds every slot (requests it never answered).
 */
static struct ssm_req *ssm_client_req(struct ssm_client *c,
				      enum ssm_client_op op)
{
	struct ssm_req *req;

	lockdep_assert_held(&c->lock);
	c->requests[op]++;
	req = ssm_req_get(c->transport);
	if (!req) {
		c->busy++;
		c->failures[op]++;
		pr_warn("%s: firmware still holds all %d request buffers (unanswered requests)\n",
			ssm_client_op_name(op), SSM_REQ_SLOTS);
	}
	return req;
}

/* Issue @cmd on @req, prepared; log what firmware did not answer. */
static int ssm_client_run(struct ssm_client *c, struct ssm_req *req, u32 cmd,
			  u32 rn)
{
	int rc = ssm_req_run(req, cmd);

	if (rc == -ETIMEDOUT)
		pr_warn("%s: no answer from firmware (cmd=0x%08x, rn=0x%04x)\n",
			ssm_sccb_cmd_name(cmd), cmd, rn);
	else if (rc)
		pr_warn("%s: request failed: %d (cmd=0x%08x, rn=0x%04x)\n",
			ssm_sccb_cmd_name(cmd), rc, cmd, rn);
	return rc;
}

static void ssm_client_count(struct ssm_client *c, enum ssm_client_op op,
			     int rc)
{
	if (rc)
		c->failures[op]++;
}

/* Per-increment maps, once the increment count is known. */
static int ssm_client_alloc_maps(struct ssm_client *c, u32 rnmax)
{
	u32 rn;

	kvfree(c->last_resp);
	kvfree(c->elem);
	bitmap_free(c->fw_assigned);
	c->last_resp = kvcalloc(rnmax + 1, sizeof(*c->last_resp), GFP_KERNEL);
	c->elem = kvcalloc(rnmax + 1, sizeof(*c->elem), GFP_KERNEL);
	c->fw_assigned = bitmap_zalloc(rnmax + 1, GFP_KERNEL);
	if (!c->last_resp || !c->elem || !c->fw_assigned)
		return -ENOMEM;
	for (rn = 0; rn <= rnmax; rn++)
		c->elem[rn] = SSM_ELEM_NONE;
	return 0;
}

/* Read SCP info through an SCCB: the forced form first, then the plain. */
static int ssm_client_request_info(struct ssm_client *c,
				   struct ssm_scp_info *info)
{
	static const u32 cmds[] = {
		SSM_CMD_READ_SCP_INFO_FORCED, SSM_CMD_READ_SCP_INFO
	};
	struct ssm_req *req;
	int rc = -EOPNOTSUPP;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cmds) && rc == -EOPNOTSUPP; i++) {
		req = ssm_client_req(c, SSM_OP_READ_INFO);
		if (!req)
			return -EBUSY;
		ssm_sccb_encode_read_info(req->sccb);
		rc = ssm_client_run(c, req, cmds[i], 0);
		if (!rc)
			rc = ssm_sccb_decode_read_info(req->sccb, info);
		ssm_req_put(req);
	}
	return rc;
}

/**
 * ssm_client_read_info() - increment size and count
 * @c: client
 * @info: filled in on success
 *
 * From what the kernel read at boot where the transport has it (real
 * firmware), else with read SCP info.
 *
 * Return: 0 or a negative errno.
 */
int ssm_client_read_info(struct ssm_client *c, struct ssm_scp_info *info)
{
	struct ssm_transport *t = c->transport;
	int rc;

	mutex_lock(&c->lock);
	if (t->ops->scp_info)
		rc = t->ops->scp_info(t, info);
	else
		rc = ssm_client_request_info(c, info);
	ssm_client_count(c, SSM_OP_READ_INFO, rc);
	if (!rc) {
		c->info = *info;
		rc = ssm_client_alloc_maps(c, info->rnmax);
	}
	mutex_unlock(&c->lock);
	return rc;
}

/* The maps' entries for @rn, as the getters below answer; c->lock held. */
static u16 ssm_client_resp_locked(struct ssm_client *c, u32 rn)
{
	return c->last_resp && rn <= c->info.rnmax ? c->last_resp[rn] :
						     SSM_RESP_NONE;
}

static u16 ssm_client_elem_locked(struct ssm_client *c, u32 rn)
{
	return c->elem && rn <= c->info.rnmax ? c->elem[rn] : SSM_ELEM_NONE;
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
	u16 resp;

	mutex_lock(&c->lock);
	resp = ssm_client_resp_locked(c, rn);
	mutex_unlock(&c->lock);
	return resp;
}

/**
 * ssm_client_elem() - the storage element an increment belongs to
 * @c: client
 * @rn: increment number
 *
 * Return: the element id, or SSM_ELEM_NONE if firmware did not list it.
 */
u16 ssm_client_elem(struct ssm_client *c, u32 rn)
{
	u16 id;

	mutex_lock(&c->lock);
	id = ssm_client_elem_locked(c, rn);
	mutex_unlock(&c->lock);
	return id;
}

/**
 * ssm_client_snapshot() - storage elements and last answers of increments
 * @c: client
 * @nr: increments 1..@nr
 * @elem: filled in by rn (index 0 unused), as ssm_client_elem()
 * @resp: filled in by rn, as ssm_client_last_response()
 *
 * One lock for all increments, for views that show every one of them.
 */
void ssm_client_snapshot(struct ssm_client *c, u32 nr, u16 *elem, u16 *resp)
{
	u32 rn;

	mutex_lock(&c->lock);
	for (rn = 1; rn <= nr; rn++) {
		elem[rn] = ssm_client_elem_locked(c, rn);
		resp[rn] = ssm_client_resp_locked(c, rn);
	}
	mutex_unlock(&c->lock);
}

/*
 * Remember firmware's view of element @id from an answered storage info:
 * an attached element lists its assigned increments (which also tells us
 * the element of an increment firmware did not list at discovery).
 */
static void ssm_client_note_view(struct ssm_client *c, u8 id,
				 const struct ssm_storage_info *si,
				 const void *sccb)
{
	unsigned int i;
	u32 rn;

	for (rn = 1; rn <= c->info.rnmax; rn++)
		if (c->elem[rn] == id)
			clear_bit(rn, c->fw_assigned);
	if (si->state == SSM_ELEM_ATTACHED) {
		for (i = 0; i < si->nr_entries; i++) {
			rn = ssm_sccb_entry_rn(sccb, false, i);
			if (!rn)
				continue;
			c->elem[rn] = id;
			set_bit(rn, c->fw_assigned);
		}
	}
	set_bit(id, c->fw_read);
}

/* Record one answered read storage info SCCB. */
static int ssm_client_record_element(struct ssm_client *c, struct ssm_layout *l,
				     u8 id, const struct ssm_storage_info *si,
				     const void *sccb)
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
		rn = ssm_sccb_entry_rn(sccb, false, i);
		if (!rn)
			continue;
		c->elem[rn] = id;
		if (si->state != SSM_ELEM_ATTACHED)
			continue;	/* a standby element lists its increments */
		rc = ssm_layout_set_foreign(l, rn);
		if (rc)
			return rc;
	}
	ssm_client_note_view(c, id, si, sccb);
	return 0;
}

/* One read storage info request for element @id; caller holds c->lock. */
static int ssm_client_storage_info(struct ssm_client *c, u8 id,
				   struct ssm_storage_info *si,
				   struct ssm_req **reqp)
{
	u32 cmd = SSM_CMD_WITH_ID(SSM_CMD_READ_STORAGE_INFO, id);
	struct ssm_req *req;
	int rc;

	req = ssm_client_req(c, SSM_OP_STORAGE_INFO);
	if (!req)
		return -EBUSY;
	ssm_sccb_prepare(req->sccb, 0);
	rc = ssm_client_run(c, req, cmd, 0);
	if (!rc)
		rc = ssm_sccb_decode_storage_info(req->sccb, id, c->info.rnmax,
						  si);
	ssm_client_count(c, SSM_OP_STORAGE_INFO, rc);
	if (rc) {
		ssm_req_put(req);
		return rc;
	}
	*reqp = req;
	return 0;
}

/**
 * ssm_client_discover() - read storage info of every storage element
 * @c: client, after ssm_client_read_info()
 * @l: layout initialised with the increment size and count; increments
 *     firmware reports assigned are marked foreign, the rest stay standby
 *
 * Only reads: nothing changes in firmware.
 *
 * Return: 0 or a negative errno.
 */
int ssm_client_discover(struct ssm_client *c, struct ssm_layout *l)
{
	struct ssm_storage_info si;
	struct ssm_req *req;
	unsigned int id;
	int rc = 0;

	mutex_lock(&c->lock);
	bitmap_zero(c->attached, SSM_MAX_STORAGE_ID + 1);
	bitmap_zero(c->present, SSM_MAX_STORAGE_ID + 1);
	bitmap_zero(c->fw_read, SSM_MAX_STORAGE_ID + 1);
	c->max_id = 0;
	for (id = 0; id <= c->max_id; id++) {
		rc = ssm_client_storage_info(c, id, &si, &req);
		if (rc)
			break;
		rc = ssm_client_record_element(c, l, id, &si, req->sccb);
		ssm_req_put(req);
		if (rc)
			break;
		c->max_id = si.max_id;
	}
	mutex_unlock(&c->lock);
	return rc;
}

/**
 * ssm_client_forget() - firmware's view may have changed
 * @c: client
 *
 * The next ssm_client_fw_assigned() of each element reads it again.
 */
void ssm_client_forget(struct ssm_client *c)
{
	mutex_lock(&c->lock);
	bitmap_zero(c->fw_read, SSM_MAX_STORAGE_ID + 1);
	mutex_unlock(&c->lock);
}

/* Read element @id's view unless read since the last forget. */
static int ssm_client_read_view(struct ssm_client *c, u8 id)
{
	struct ssm_storage_info si;
	struct ssm_req *req;
	int rc;

	lockdep_assert_held(&c->lock);
	if (test_bit(id, c->fw_read))
		return 0;
	rc = ssm_client_storage_info(c, id, &si, &req);
	if (rc)
		return rc;
	ssm_client_note_view(c, id, &si, req->sccb);
	ssm_req_put(req);
	return 0;
}

/**
 * ssm_client_fw_assigned() - does firmware have an increment assigned?
 * @c: client, after ssm_client_discover()
 * @rn: increment number
 * @assigned: the answer
 *
 * Reads storage info of the increment's element unless it was read since
 * the last ssm_client_forget().
 *
 * Return: 0, or the error of the read.
 */
int ssm_client_fw_assigned(struct ssm_client *c, u16 rn, bool *assigned)
{
	int rc = 0;
	u16 id;

	mutex_lock(&c->lock);
	if (!c->elem || !rn || rn > c->info.rnmax) {
		rc = -EINVAL;
		goto out;
	}
	id = c->elem[rn];
	if (id != SSM_ELEM_NONE) {
		rc = ssm_client_read_view(c, id);
	} else {
		/*
		 * Firmware listed it nowhere at discovery (a gap in an
		 * attached element): if assigned now, some attached
		 * element lists it.
		 */
		for (id = 0; id <= c->max_id && !rc; id++)
			if (test_bit(id, c->attached))
				rc = ssm_client_read_view(c, id);
	}
	if (!rc)
		*assigned = test_bit(rn, c->fw_assigned);
out:
	mutex_unlock(&c->lock);
	return rc;
}

/**
 * ssm_client_read_assigned() - read firmware's assigned increments afresh
 * @c: client, after ssm_client_discover()
 * @map: rnmax + 1 bits, set where firmware has the increment assigned
 *
 * One read storage info per present element, answered by firmware now;
 * the view ssm_client_fw_assigned() keeps for the module's decisions is
 * left as it is. For debugfs and tests.
 *
 * Return: 0, or the error of a read.
 */
int ssm_client_read_assigned(struct ssm_client *c, unsigned long *map)
{
	struct ssm_storage_info si;
	struct ssm_req *req;
	unsigned int i;
	int rc = 0;
	u16 id;
	u32 rn;

	mutex_lock(&c->lock);
	bitmap_zero(map, c->info.rnmax + 1);
	for (id = 0; id <= c->max_id; id++) {
		if (!test_bit(id, c->present))
			continue;
		rc = ssm_client_storage_info(c, id, &si, &req);
		if (rc)
			break;
		for (i = 0; si.state == SSM_ELEM_ATTACHED && i < si.nr_entries; i++) {
			rn = ssm_sccb_entry_rn(req->sccb, false, i);
			if (rn && rn <= c->info.rnmax)
				set_bit(rn, map);
		}
		ssm_req_put(req);
	}
	mutex_unlock(&c->lock);
	return rc;
}

/*
 * An attach without a usable answer may have assigned the element's
 * increments: unassign every one of that element our layout calls
 * standby, so firmware and our model agree again. Those that fail are
 * recorded as stale.
 */
static void ssm_client_undo_attach(struct ssm_client *c, struct ssm_layout *l,
				   u8 id)
{
	u32 rn;

	for (rn = 1; rn <= l->rnmax; rn++) {
		if (ssm_client_elem(c, rn) != id ||
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
	struct ssm_req *req;
	unsigned int i;
	u16 nr = 0;
	int rc;

	mutex_lock(&c->lock);
	req = ssm_client_req(c, SSM_OP_ATTACH);
	if (!req) {
		mutex_unlock(&c->lock);
		return -EBUSY;
	}
	ssm_sccb_prepare(req->sccb, 0x40);
	rc = ssm_client_run(c, req, cmd, 0);
	if (!rc)
		rc = ssm_sccb_decode_attach(req->sccb, id, c->info.rnmax, &nr);
	ssm_client_count(c, SSM_OP_ATTACH, rc);
	/* The unassign requests need a slot: keep the entries, not the SCCB. */
	for (i = 0; !rc && i < nr; i++)
		c->rns[i] = ssm_sccb_entry_rn(req->sccb, true, i);
	ssm_req_put(req);
	if (!rc) {
		set_bit(id, c->attached);
		clear_bit(id, c->fw_read);
	}
	mutex_unlock(&c->lock);

	if (rc) {
		if (rc == -ETIMEDOUT || rc == -EPROTO)
			ssm_client_undo_attach(c, l, id);
		return rc;
	}
	/* c->rns is ours: attach runs at load and config writes, serialised */
	for (i = 0; i < nr; i++) {
		if (!c->rns[i])
			continue;
		if (ssm_client_unassign(c, c->rns[i]))
			ssm_layout_mark_stale(l, c->rns[i]);
	}
	return 0;
}

/**
 * ssm_client_attach_all() - attach every present storage element that is
 *			     not attached yet
 * @c: client, after ssm_client_discover()
 * @l: layout
 *
 * An element that does not attach is logged and stays unattached (its
 * increments standby, none of them assignable); the others are attached
 * all the same, as upstream does.
 *
 * Return: 0 or the first error.
 */
int ssm_client_attach_all(struct ssm_client *c, struct ssm_layout *l)
{
	unsigned int id;
	int rc, first = 0;

	for (id = 0; id <= c->max_id; id++) {
		if (!test_bit(id, c->present) || test_bit(id, c->attached))
			continue;
		rc = ssm_client_attach(c, l, id);
		if (!rc)
			continue;
		pr_warn("storage element %u: attach failed: %d\n", id, rc);
		if (!first)
			first = rc;
	}
	return first;
}

static int ssm_client_do_assign(struct ssm_client *c, bool assign, u16 rn)
{
	u32 cmd = assign ? SSM_CMD_ASSIGN_STORAGE : SSM_CMD_UNASSIGN_STORAGE;
	enum ssm_client_op op = assign ? SSM_OP_ASSIGN : SSM_OP_UNASSIGN;
	u64 t0 = ktime_get_ns();
	struct ssm_req *req;
	int rc;

	mutex_lock(&c->lock);
	req = ssm_client_req(c, op);
	if (!req) {
		mutex_unlock(&c->lock);
		return -EBUSY;
	}
	ssm_sccb_encode_assign(req->sccb, rn);
	rc = ssm_client_run(c, req, cmd, rn);
	if (c->last_resp && rn <= c->info.rnmax)
		c->last_resp[rn] = rc == -ETIMEDOUT ? SSM_RESP_NO_ANSWER :
			ssm_sccb_response(req->sccb);
	if (!rc)
		rc = ssm_sccb_decode_assign(req->sccb, cmd, rn);
	ssm_req_put(req);
	ssm_client_count(c, op, rc);
	if (rn <= c->info.rnmax)
		clear_bit(rn, c->fw_assigned);
	if (!rc && assign && rn <= c->info.rnmax)
		set_bit(rn, c->fw_assigned);
	mutex_unlock(&c->lock);
	trace_ssm_firmware(assign, rn, (u64)(rn - 1) * c->info.rzm,
			   c->info.rzm, rc, ktime_get_ns() - t0);
	return rc;
}

/**
 * ssm_client_assign() - assign one increment
 * @c: client
 * @rn: increment number
 * @unsure: set when the call failed and the increment may still be
 *	    assigned (its answer was lost or garbled, and so was the answer
 *	    to the unassign that was to make sure); may be NULL
 *
 * Return: 0; on error the increment is standby unless *@unsure.
 */
int ssm_client_assign(struct ssm_client *c, u16 rn, bool *unsure)
{
	int rc;

	if (unsure)
		*unsure = false;
	rc = ssm_client_do_assign(c, true, rn);
	if (rc != -ETIMEDOUT && rc != -EPROTO)
		return rc;
	/* Did it happen? Make sure it did not. */
	if (!ssm_client_do_assign(c, false, rn))
		return rc;
	mutex_lock(&c->lock);
	c->unknown++;
	mutex_unlock(&c->lock);
	if (unsure)
		*unsure = true;
	pr_err("rn 0x%04x: may still be assigned after a failed assign; kept as stale\n",
	       rn);
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
	return ssm_client_do_assign(c, false, rn);
}

static int ssm_client_fw_assign(void *ctx, u16 rn, bool *unsure)
{
	return ssm_client_assign(ctx, rn, unsure);
}

static int ssm_client_fw_unassign(void *ctx, u16 rn)
{
	return ssm_client_unassign(ctx, rn);
}

static int ssm_client_fw_query(void *ctx, u16 rn, bool *assigned)
{
	return ssm_client_fw_assigned(ctx, rn, assigned);
}

static void ssm_client_fw_forget(void *ctx)
{
	ssm_client_forget(ctx);
}

const struct ssm_fw_ops ssm_client_fw_ops = {
	.assign = ssm_client_fw_assign,
	.unassign = ssm_client_fw_unassign,
	.query = ssm_client_fw_query,
	.forget = ssm_client_fw_forget,
};
