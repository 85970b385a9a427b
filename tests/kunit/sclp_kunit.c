// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the SCLP client (src/sclp.c) and its request path
 * (src/transport.c) against the simulated firmware without RAM (no
 * canaries; module s390_standby_mem_sim), and against a recording fake
 * transport that shows the exact SCCBs the client sends.
 */
/* The units under test first: they set pr_fmt. */
#include "../../src/sclp.c"
#include "../../src/transport.c"

#include <kunit/test.h>
#include <linux/delay.h>

#include "sclp_sim.h"

#define MiB(x)	((u64)(x) << 20)
#define GiB(x)	((u64)(x) << 30)

/* Late answers come after 600 ms; a caller waits 50 ms. */
#define LATE_MS		600
#define WAIT_JIFFIES	(HZ / 20)

/* A transport to a simulated machine of our own. */
struct sim_transport {
	struct ssm_transport t;
	struct ssm_sim *sim;
};

static int simt_start(struct ssm_transport *t, struct ssm_req *req)
{
	return ssm_sim_ops.start(container_of(t, struct sim_transport, t)->sim,
				 req);
}

static void simt_destroy(struct ssm_transport *t)
{
	struct sim_transport *st = container_of(t, struct sim_transport, t);

	ssm_transport_exit(t);
	ssm_sim_ops.put(st->sim);
	kfree(st);
}

static const struct ssm_transport_ops simt_ops = {
	.name = "sim",
	.start = simt_start,
	.destroy = simt_destroy,
};

struct client_env {
	struct ssm_client c;
	struct ssm_layout l;
	struct sim_transport *st;
};

/* Suite exit: undo env_new() (kunit_add_action() is not in 6.1). */
static void client_exit(struct kunit *test)
{
	struct client_env *e = test->priv;

	if (!e)
		return;
	ssm_layout_destroy(&e->l);
	ssm_client_destroy(&e->c);
}

/* A client on a simulated machine: storage, boot memory, increment size. */
static struct client_env *env_new(struct kunit *test, u64 rzm, u64 storage,
				  u64 boot, u32 elem_incrs)
{
	struct ssm_sim_config cfg = {
		.rzm = rzm, .storage_size = storage, .boot_size = boot,
		.elem_incrs = elem_incrs, .use_ram = false, .late_ms = LATE_MS,
	};
	struct client_env *e = kunit_kzalloc(test, sizeof(*e), GFP_KERNEL);
	struct sim_transport *st = kzalloc(sizeof(*st), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_ASSERT_NOT_NULL(test, st);
	st->sim = ssm_sim_ops.create(&cfg);
	KUNIT_ASSERT_FALSE(test, IS_ERR(st->sim));
	KUNIT_ASSERT_EQ(test, ssm_transport_init(&st->t, &simt_ops,
						 WAIT_JIFFIES), 0);
	e->st = st;
	KUNIT_ASSERT_EQ(test, ssm_client_init(&e->c, &st->t), 0);
	test->priv = e;
	return e;
}

static bool fw_assigned(struct client_env *e, u32 rn)
{
	return ssm_sim_ops.rn_assigned(e->st->sim, rn);
}

static int env_probe(struct kunit *test, struct client_env *e)
{
	struct range all = { 0, U64_MAX };
	struct ssm_scp_info info;
	int rc;

	rc = ssm_client_read_info(&e->c, &info);
	if (rc)
		return rc;
	KUNIT_ASSERT_EQ(test, ssm_layout_init(&e->l, info.rzm, info.rnmax,
					      MiB(256), &all), 0);
	rc = ssm_client_discover(&e->c, &e->l);
	if (!rc)
		rc = ssm_client_attach_all(&e->c, &e->l);
	if (!rc)
		ssm_layout_finalize(&e->l);
	return rc;
}

static void arm(struct client_env *e, const char *spec)
{
	WARN_ON(ssm_sim_ops.set_faults(e->st->sim, spec));
}

/* Firmware's view and ours agree for every increment above boot memory. */
static void expect_all_standby(struct kunit *test, struct client_env *e,
			       u32 boot_rns)
{
	u32 rn;

	for (rn = boot_rns + 1; rn <= e->l.rnmax; rn++) {
		KUNIT_EXPECT_FALSE_MSG(test, fw_assigned(e, rn),
				       "rn %u assigned in firmware", rn);
		KUNIT_EXPECT_EQ_MSG(test, ssm_incr_state(&e->l, rn),
				    SSM_INCR_STANDBY, "rn %u", rn);
	}
}

/* z/VM-like: 1 MiB increments in 8 storage elements of 256; elements 4-7
 * are standby and get attached, and what attach assigned is unassigned.
 */
static void client_discover_attaches_standby_elements(struct kunit *test)
{
	struct client_env *e = env_new(test, MiB(1), GiB(2), GiB(1), 256);

	KUNIT_ASSERT_EQ(test, env_probe(test, e), 0);
	KUNIT_EXPECT_EQ(test, e->c.info.rnmax, 2048);
	KUNIT_EXPECT_EQ(test, e->c.max_id, 7);
	KUNIT_EXPECT_EQ(test, e->l.incr_count[SSM_INCR_FOREIGN], 1024);
	KUNIT_EXPECT_EQ(test, e->l.incr_count[SSM_INCR_STANDBY], 1024);
	KUNIT_EXPECT_EQ(test, e->c.requests[SSM_OP_ATTACH], 4);
	KUNIT_EXPECT_EQ(test, e->c.requests[SSM_OP_UNASSIGN], 1024);
	KUNIT_EXPECT_EQ(test, ssm_client_elem(&e->c, 2048), 7);
	KUNIT_EXPECT_EQ(test, ssm_client_elem(&e->c, 1), 0);
	KUNIT_EXPECT_EQ(test, ssm_layout_our_blocks(&e->l), 4);
	expect_all_standby(test, e, 1024);
}

/* One storage element holding boot and standby memory: the standby
 * increments are the gaps in the attached element's list.
 */
static void client_discover_mixed_element(struct kunit *test)
{
	struct client_env *e = env_new(test, MiB(256), GiB(2), GiB(1), 0);

	KUNIT_ASSERT_EQ(test, env_probe(test, e), 0);
	KUNIT_EXPECT_EQ(test, e->l.incr_count[SSM_INCR_FOREIGN], 4);
	KUNIT_EXPECT_EQ(test, e->l.incr_count[SSM_INCR_STANDBY], 4);
	KUNIT_EXPECT_EQ(test, e->c.requests[SSM_OP_ATTACH], 0);
	KUNIT_EXPECT_EQ(test, ssm_layout_our_blocks(&e->l), 4);
	/* the gaps belong to no element firmware listed */
	KUNIT_EXPECT_EQ(test, ssm_client_elem(&e->c, 6), SSM_ELEM_NONE);
}

static void client_assign_unassign(struct kunit *test)
{
	struct client_env *e = env_new(test, MiB(256), GiB(2), GiB(1), 0);

	KUNIT_ASSERT_EQ(test, env_probe(test, e), 0);
	KUNIT_EXPECT_EQ(test, ssm_client_assign(&e->c, 5, NULL), 0);
	KUNIT_EXPECT_TRUE(test, fw_assigned(e, 5));
	KUNIT_EXPECT_EQ(test, ssm_client_unassign(&e->c, 5), 0);
	KUNIT_EXPECT_FALSE(test, fw_assigned(e, 5));
	/* firmware refuses an rn beyond its storage */
	KUNIT_EXPECT_EQ(test, ssm_client_assign(&e->c, 9, NULL), -EIO);
	KUNIT_EXPECT_EQ(test, e->c.failures[SSM_OP_ASSIGN], 1);
}

/* debugfs's last_response column: firmware's last answer per increment */
static void client_records_last_response(struct kunit *test)
{
	struct client_env *e = env_new(test, MiB(256), GiB(2), GiB(1), 0);

	KUNIT_ASSERT_EQ(test, env_probe(test, e), 0);
	KUNIT_EXPECT_EQ(test, ssm_client_last_response(&e->c, 5), SSM_RESP_NONE);
	KUNIT_ASSERT_EQ(test, ssm_client_assign(&e->c, 5, NULL), 0);
	KUNIT_EXPECT_EQ(test, ssm_client_last_response(&e->c, 5), SSM_RESP_DONE);
	/* assigned already: firmware completes with a condition noted */
	KUNIT_ASSERT_EQ(test, ssm_client_assign(&e->c, 5, NULL), 0);
	KUNIT_EXPECT_EQ(test, ssm_client_last_response(&e->c, 5),
			SSM_RESP_DONE_ALT);
	/* 0x05f0: the simulation's response when a fault is armed */
	arm(e, "unassign,response");
	KUNIT_EXPECT_EQ(test, ssm_client_unassign(&e->c, 5), -EIO);
	KUNIT_EXPECT_EQ(test, ssm_client_last_response(&e->c, 5), 0x05f0);
	arm(e, "unassign,timeout");
	KUNIT_EXPECT_EQ(test, ssm_client_unassign(&e->c, 5), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, ssm_client_last_response(&e->c, 5),
			SSM_RESP_NO_ANSWER);
	/* other increments and numbers beyond rnmax have none */
	KUNIT_EXPECT_EQ(test, ssm_client_last_response(&e->c, 6), SSM_RESP_NONE);
	KUNIT_EXPECT_EQ(test, ssm_client_last_response(&e->c, 9), SSM_RESP_NONE);
	KUNIT_EXPECT_EQ(test, ssm_client_unassign(&e->c, 5), 0);
}

struct fault_case {
	const char *spec;
	int want;		/* result of the operation under the fault */
};

static const struct fault_case probe_faults[] = {
	{ "read_info,response", -EIO },
	{ "read_info,timeout", -ETIMEDOUT },
	{ "read_info,malformed", -EPROTO },
	{ "storage_info,response", -EIO },
	{ "storage_info,timeout", -ETIMEDOUT },
	{ "storage_info,malformed", -EPROTO },
	{ "storage_info,malformed,skip=3", -EPROTO },
	{ "attach,response", -EIO },
	{ "attach,timeout", -ETIMEDOUT },
	{ "attach,malformed", -EPROTO },
	/* forced read SCP info not supported: the plain form answers */
	{ "read_info,response,response=0x01f0", 0 },
	/* attach works, unassigning what it assigned fails: stale, not fatal */
	{ "unassign,response", 0 },
};

static void fault_desc(const struct fault_case *c, char *desc)
{
	strscpy(desc, c->spec, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(probe_fault, probe_faults, fault_desc);

static void client_probe_under_fault(struct kunit *test)
{
	const struct fault_case *c = test->param_value;
	struct client_env *e = env_new(test, MiB(1), GiB(2), GiB(1), 256);

	arm(e, c->spec);
	KUNIT_EXPECT_EQ_MSG(test, env_probe(test, e), c->want, "%s", c->spec);
	if (!strcmp(c->spec, "unassign,response"))
		KUNIT_EXPECT_EQ(test, e->l.stale, 1);
	/* an attach without a proper answer is undone */
	if (!strncmp(c->spec, "attach,", 7))
		expect_all_standby(test, e, 1024);
}

/*
 * An element that does not attach does not stop the others; it stays
 * unattached, its increments standby and not assignable, until the next
 * attach_all attaches it (configure mode: the next config write).
 */
static void client_attach_goes_on_past_an_element(struct kunit *test)
{
	struct client_env *e = env_new(test, MiB(1), GiB(2), GiB(1), 256);
	bool unsure = true;

	arm(e, "attach,response");
	KUNIT_EXPECT_EQ(test, env_probe(test, e), -EIO);
	KUNIT_EXPECT_EQ(test, e->c.requests[SSM_OP_ATTACH], 4);
	KUNIT_EXPECT_FALSE(test, test_bit(4, e->c.attached));
	KUNIT_EXPECT_TRUE(test, test_bit(5, e->c.attached));
	KUNIT_EXPECT_TRUE(test, test_bit(7, e->c.attached));
	expect_all_standby(test, e, 1024);
	KUNIT_EXPECT_EQ(test, ssm_client_assign(&e->c, 1025, &unsure), -EIO);
	KUNIT_EXPECT_FALSE(test, fw_assigned(e, 1025));

	KUNIT_EXPECT_EQ(test, ssm_client_attach_all(&e->c, &e->l), 0);
	KUNIT_EXPECT_EQ(test, e->c.requests[SSM_OP_ATTACH], 5);
	KUNIT_EXPECT_TRUE(test, test_bit(4, e->c.attached));
	expect_all_standby(test, e, 1024);
	KUNIT_EXPECT_EQ(test, ssm_client_assign(&e->c, 1025, &unsure), 0);
	KUNIT_EXPECT_TRUE(test, fw_assigned(e, 1025));
	KUNIT_EXPECT_EQ(test, ssm_client_unassign(&e->c, 1025), 0);
}

static const struct fault_case assign_faults[] = {
	{ "assign,response", -EIO },
	{ "assign,timeout", -ETIMEDOUT },
	{ "assign,malformed", -EPROTO },
	{ "assign,late", -ETIMEDOUT },
};

KUNIT_ARRAY_PARAM(assign_fault, assign_faults, fault_desc);

/* After any failed assign the increment is standby in firmware. */
static void client_assign_under_fault(struct kunit *test)
{
	const struct fault_case *c = test->param_value;
	struct client_env *e = env_new(test, MiB(256), GiB(2), GiB(1), 0);
	bool unsure = true;

	KUNIT_ASSERT_EQ(test, env_probe(test, e), 0);
	arm(e, c->spec);
	KUNIT_EXPECT_EQ(test, ssm_client_assign(&e->c, 6, &unsure), c->want);
	KUNIT_EXPECT_FALSE(test, unsure);
	/* a late answer takes effect: the cleanup unassign follows it */
	if (!strcmp(c->spec, "assign,late"))
		msleep(2 * LATE_MS);
	KUNIT_EXPECT_FALSE(test, fw_assigned(e, 6));
	KUNIT_EXPECT_EQ(test, e->c.unknown, 0);
}

static const struct fault_case unassign_faults[] = {
	{ "unassign,response", -EIO },
	{ "unassign,timeout", -ETIMEDOUT },
	{ "unassign,malformed", -EPROTO },
	{ "unassign,late", -ETIMEDOUT },
};

KUNIT_ARRAY_PARAM(unassign_fault, unassign_faults, fault_desc);

static void client_unassign_under_fault(struct kunit *test)
{
	const struct fault_case *c = test->param_value;
	struct client_env *e = env_new(test, MiB(256), GiB(2), GiB(1), 0);

	KUNIT_ASSERT_EQ(test, env_probe(test, e), 0);
	KUNIT_ASSERT_EQ(test, ssm_client_assign(&e->c, 6, NULL), 0);
	arm(e, c->spec);
	KUNIT_EXPECT_EQ(test, ssm_client_unassign(&e->c, 6), c->want);
	/* a retry after the fault succeeds */
	KUNIT_EXPECT_EQ(test, ssm_client_unassign(&e->c, 6), 0);
	KUNIT_EXPECT_FALSE(test, fw_assigned(e, 6));
}

/* The simulation refuses to give back boot memory, as a protection. */
static void client_sim_protects_boot_memory(struct kunit *test)
{
	struct client_env *e = env_new(test, MiB(256), GiB(2), GiB(1), 0);
	struct ssm_sim_stats st;

	KUNIT_ASSERT_EQ(test, env_probe(test, e), 0);
	KUNIT_EXPECT_EQ(test, ssm_client_unassign(&e->c, 1), -EIO);
	KUNIT_EXPECT_TRUE(test, fw_assigned(e, 1));
	ssm_sim_ops.get_stats(e->st->sim, &st);
	KUNIT_EXPECT_EQ(test, st.violations, 1);
}

/*
 * An assign without answer, and the unassign that was to make sure: the
 * increment may be assigned, and the caller is told so.
 */
static void client_assign_unknown_outcome(struct kunit *test)
{
	struct client_env *e = env_new(test, MiB(256), GiB(2), GiB(1), 0);
	bool unsure = false;

	KUNIT_ASSERT_EQ(test, env_probe(test, e), 0);
	arm(e, "assign,malformed;unassign,timeout");
	KUNIT_EXPECT_EQ(test, ssm_client_assign(&e->c, 6, &unsure), -EPROTO);
	KUNIT_EXPECT_TRUE(test, unsure);
	KUNIT_EXPECT_EQ(test, e->c.unknown, 1);
	KUNIT_EXPECT_TRUE(test, fw_assigned(e, 6));	/* malformed: done */
	/* with one fault only, the cleanup settles it */
	arm(e, "assign,timeout");
	KUNIT_EXPECT_EQ(test, ssm_client_assign(&e->c, 7, &unsure), -ETIMEDOUT);
	KUNIT_EXPECT_FALSE(test, unsure);
	KUNIT_EXPECT_EQ(test, e->c.unknown, 1);
}

/*
 * Firmware answers after the caller gave up: the slot stays with it and
 * holds a reference on the module until the answer comes; then both go.
 */
static void client_late_answer_keeps_module(struct kunit *test)
{
	struct client_env *e = env_new(test, MiB(256), GiB(2), GiB(1), 0);
	struct ssm_transport *t = &e->st->t;
	int refs = module_refcount(THIS_MODULE);

	KUNIT_ASSERT_EQ(test, env_probe(test, e), 0);
	arm(e, "unassign,late");
	KUNIT_ASSERT_EQ(test, ssm_client_assign(&e->c, 6, NULL), 0);
	KUNIT_EXPECT_EQ(test, ssm_client_unassign(&e->c, 6), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, ssm_transport_orphans(t), 1);
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), refs + 1);
	/* the other slots still serve requests meanwhile */
	KUNIT_EXPECT_EQ(test, ssm_client_assign(&e->c, 7, NULL), 0);
	msleep(2 * LATE_MS);
	KUNIT_EXPECT_EQ(test, ssm_transport_orphans(t), 0);
	KUNIT_EXPECT_EQ(test, t->late, 1);
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), refs);
	/* the late answer took effect */
	KUNIT_EXPECT_FALSE(test, fw_assigned(e, 6));
}

/* When firmware holds every slot, a request fails at once, and says so. */
static void client_all_slots_held(struct kunit *test)
{
	struct client_env *e = env_new(test, MiB(256), GiB(2), GiB(1), 0);
	int i;

	KUNIT_ASSERT_EQ(test, env_probe(test, e), 0);
	arm(e, "unassign,late,count=4");
	for (i = 0; i < SSM_REQ_SLOTS; i++)
		KUNIT_EXPECT_EQ(test, ssm_client_unassign(&e->c, 5 + i),
				-ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, ssm_client_assign(&e->c, 5, NULL), -EBUSY);
	KUNIT_EXPECT_EQ(test, e->c.busy, 1);
	msleep(2 * LATE_MS);
	KUNIT_EXPECT_EQ(test, ssm_transport_orphans(&e->st->t), 0);
}

/* Firmware's view: one read storage info per element until forgotten. */
static void client_reads_firmware_view(struct kunit *test)
{
	struct client_env *e = env_new(test, MiB(1), GiB(2), GiB(1), 256);
	unsigned long reads;
	bool assigned;

	KUNIT_ASSERT_EQ(test, env_probe(test, e), 0);
	KUNIT_ASSERT_EQ(test, ssm_client_assign(&e->c, 1500, NULL), 0);
	ssm_client_forget(&e->c);
	reads = e->c.requests[SSM_OP_STORAGE_INFO];
	KUNIT_EXPECT_EQ(test, ssm_client_fw_assigned(&e->c, 1500, &assigned), 0);
	KUNIT_EXPECT_TRUE(test, assigned);
	KUNIT_EXPECT_EQ(test, ssm_client_fw_assigned(&e->c, 1501, &assigned), 0);
	KUNIT_EXPECT_FALSE(test, assigned);
	KUNIT_EXPECT_EQ(test, e->c.requests[SSM_OP_STORAGE_INFO], reads + 1);
	/* firmware changes behind our back (the kernel's notifier) */
	KUNIT_ASSERT_EQ(test, ssm_client_unassign(&e->c, 1500), 0);
	ssm_client_forget(&e->c);
	KUNIT_EXPECT_EQ(test, ssm_client_fw_assigned(&e->c, 1500, &assigned), 0);
	KUNIT_EXPECT_FALSE(test, assigned);
	KUNIT_EXPECT_EQ(test, e->c.requests[SSM_OP_STORAGE_INFO], reads + 2);
	/* boot memory is assigned, in an attached element */
	KUNIT_EXPECT_EQ(test, ssm_client_fw_assigned(&e->c, 3, &assigned), 0);
	KUNIT_EXPECT_TRUE(test, assigned);
}

/* An increment in a gap of an attached element: found wherever listed. */
static void client_firmware_view_of_gaps(struct kunit *test)
{
	struct client_env *e = env_new(test, MiB(256), GiB(2), GiB(1), 0);
	bool assigned = true;

	KUNIT_ASSERT_EQ(test, env_probe(test, e), 0);
	KUNIT_EXPECT_EQ(test, ssm_client_fw_assigned(&e->c, 6, &assigned), 0);
	KUNIT_EXPECT_FALSE(test, assigned);
	KUNIT_ASSERT_EQ(test, ssm_client_assign(&e->c, 6, NULL), 0);
	ssm_client_forget(&e->c);
	KUNIT_EXPECT_EQ(test, ssm_client_fw_assigned(&e->c, 6, &assigned), 0);
	KUNIT_EXPECT_TRUE(test, assigned);
	KUNIT_EXPECT_EQ(test, ssm_client_elem(&e->c, 6), 0);
}

/*
 * A scripted firmware for what the simulation never shows: storage element
 * 0 is standby (not attached, increments 1-256), element 1 is attached with
 * 257-300 assigned and 301-512 in its gaps, and attaching element 0 gets a
 * garbled answer. Undoing that attach may touch element 0's increments
 * only, never the gaps, which belong to no element we know.
 */
struct script {
	struct ssm_transport t;
	DECLARE_BITMAP(unassigned, 513);
};

static int script_start(struct ssm_transport *t, struct ssm_req *req)
{
	struct script *sc = container_of(t, struct script, t);
	struct ssm_storage_info_sccb *si = req->sccb;
	struct ssm_read_info_sccb *ri = req->sccb;
	struct ssm_attach_sccb *at = req->sccb;
	struct ssm_assign_sccb *as = req->sccb;
	u32 rn, first = 0, last = 0;
	u16 resp = SSM_RESP_DONE;

	switch (SSM_CMD_BASE(req->cmd)) {
	case SSM_CMD_READ_SCP_INFO_FORCED:
		ri->rnsize = 1;
		ri->rnmax = 512;
		ri->facilities = SSM_FAC_STANDBY_MEMORY;
		resp = SSM_RESP_READ_OK;
		break;
	case SSM_CMD_READ_STORAGE_INFO:
		si->max_id = 2;
		if (SSM_CMD_ID(req->cmd) == 0) {
			first = 1;
			last = 256;
			resp = SSM_RESP_ELEM_STANDBY;
		} else if (SSM_CMD_ID(req->cmd) == 1) {
			first = 257;
			last = 300;
			resp = SSM_RESP_READ_OK;
		} else {
			resp = SSM_RESP_ELEM_NOT_PRESENT;
		}
		for (rn = first; first && rn <= last; rn++)
			si->entries[si->assigned++] = rn << 16;
		break;
	case SSM_CMD_ATTACH_STORAGE:
		at->assigned = 1;
		at->entries[0] = 513 << 16;	/* beyond rnmax: malformed */
		break;
	case SSM_CMD_UNASSIGN_STORAGE:
		set_bit(as->rn, sc->unassigned);
		break;
	}
	((struct ssm_sccb_header *)req->sccb)->response_code = resp;
	req->complete(req, 0);
	return 0;
}

static void script_destroy(struct ssm_transport *t)
{
	ssm_transport_exit(t);
	kfree(container_of(t, struct script, t));
}

static const struct ssm_transport_ops script_ops = {
	.name = "script",
	.start = script_start,
	.destroy = script_destroy,
};

static void client_undo_attach_of_element_0(struct kunit *test)
{
	struct client_env *e = kunit_kzalloc(test, sizeof(*e), GFP_KERNEL);
	struct script *sc = kzalloc(sizeof(*sc), GFP_KERNEL);
	struct range all = { 0, U64_MAX };
	struct ssm_scp_info info;

	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_ASSERT_NOT_NULL(test, sc);
	KUNIT_ASSERT_EQ(test, ssm_transport_init(&sc->t, &script_ops, HZ), 0);
	KUNIT_ASSERT_EQ(test, ssm_client_init(&e->c, &sc->t), 0);
	test->priv = e;
	KUNIT_ASSERT_EQ(test, ssm_client_read_info(&e->c, &info), 0);
	KUNIT_ASSERT_EQ(test, ssm_layout_init(&e->l, info.rzm, info.rnmax,
					      MiB(256), &all), 0);
	KUNIT_ASSERT_EQ(test, ssm_client_discover(&e->c, &e->l), 0);
	KUNIT_EXPECT_EQ(test, ssm_client_elem(&e->c, 301), SSM_ELEM_NONE);
	KUNIT_EXPECT_EQ(test, ssm_client_attach_all(&e->c, &e->l), -EPROTO);
	KUNIT_EXPECT_EQ(test, bitmap_weight(sc->unassigned, 513), 256);
	KUNIT_EXPECT_EQ(test, find_first_bit(sc->unassigned, 513), 1);
	KUNIT_EXPECT_EQ(test, find_next_bit(sc->unassigned, 513, 257), 513);
}

/* A fake transport that records the last request. */
struct recorder {
	struct ssm_transport t;
	u32 cmd;
	u8 sccb[SSM_SCCB_SIZE];
};

static int rec_start(struct ssm_transport *t, struct ssm_req *req)
{
	struct recorder *r = container_of(t, struct recorder, t);

	r->cmd = req->cmd;
	memcpy(r->sccb, req->sccb, SSM_SCCB_SIZE);
	((struct ssm_sccb_header *)req->sccb)->response_code = SSM_RESP_DONE;
	req->complete(req, 0);
	return 0;
}

static void rec_destroy(struct ssm_transport *t)
{
	ssm_transport_exit(t);
	kfree(container_of(t, struct recorder, t));
}

static const struct ssm_transport_ops rec_ops = {
	.name = "recorder",
	.start = rec_start,
	.destroy = rec_destroy,
};

static void client_sends_architected_sccbs(struct kunit *test)
{
	struct recorder *r = kzalloc(sizeof(*r), GFP_KERNEL);
	struct ssm_client c;

	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_EQ(test, ssm_transport_init(&r->t, &rec_ops, HZ), 0);
	KUNIT_ASSERT_EQ(test, ssm_client_init(&c, &r->t), 0);
	c.info.rzm = MiB(256);
	KUNIT_EXPECT_EQ(test, ssm_client_assign(&c, 0x0102, NULL), 0);
	KUNIT_EXPECT_EQ(test, r->cmd, 0x000d0001);
	/* header: length 0x1000, function code 0; rn 0x0102 at offset 8 */
	KUNIT_EXPECT_EQ(test, r->sccb[0], 0x10);
	KUNIT_EXPECT_EQ(test, r->sccb[1], 0x00);
	KUNIT_EXPECT_EQ(test, r->sccb[2], 0x00);
	KUNIT_EXPECT_EQ(test, r->sccb[8], 0x01);
	KUNIT_EXPECT_EQ(test, r->sccb[9], 0x02);
	KUNIT_EXPECT_EQ(test, ssm_client_unassign(&c, 3), 0);
	KUNIT_EXPECT_EQ(test, r->cmd, 0x000c0001);
	ssm_client_destroy(&c);
}

static struct kunit_case client_cases[] = {
	KUNIT_CASE(client_discover_attaches_standby_elements),
	KUNIT_CASE(client_discover_mixed_element),
	KUNIT_CASE(client_assign_unassign),
	KUNIT_CASE(client_records_last_response),
	KUNIT_CASE_PARAM(client_probe_under_fault, probe_fault_gen_params),
	KUNIT_CASE(client_attach_goes_on_past_an_element),
	KUNIT_CASE_PARAM(client_assign_under_fault, assign_fault_gen_params),
	KUNIT_CASE_PARAM(client_unassign_under_fault, unassign_fault_gen_params),
	KUNIT_CASE(client_sim_protects_boot_memory),
	KUNIT_CASE(client_assign_unknown_outcome),
	KUNIT_CASE(client_late_answer_keeps_module),
	KUNIT_CASE(client_all_slots_held),
	KUNIT_CASE(client_reads_firmware_view),
	KUNIT_CASE(client_firmware_view_of_gaps),
	KUNIT_CASE(client_undo_attach_of_element_0),
	KUNIT_CASE(client_sends_architected_sccbs),
	{}
};

static struct kunit_suite client_suite = {
	.name = "s390_standby_mem_sclp",
	.exit = client_exit,
	.test_cases = client_cases,
};

kunit_test_suites(&client_suite);
