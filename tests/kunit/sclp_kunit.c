// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the SCLP client (src/sclp.c) against the simulated firmware
 * without RAM (no canaries), and against a recording fake transport that
 * shows the exact SCCBs the client sends.
 */
/* The unit under test first: it sets pr_fmt. */
#include "../../src/sclp.c"

#include <kunit/test.h>

#include "sclp_sim.h"

#define MiB(x)	((u64)(x) << 20)
#define GiB(x)	((u64)(x) << 30)

struct client_env {
	struct ssm_client c;
	struct ssm_layout l;
	struct ssm_transport *t;
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
		.elem_incrs = elem_incrs, .use_ram = false,
	};
	struct client_env *e = kunit_kzalloc(test, sizeof(*e), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, e);
	e->t = ssm_sim_create(&cfg);
	KUNIT_ASSERT_FALSE(test, IS_ERR(e->t));
	KUNIT_ASSERT_EQ(test, ssm_client_init(&e->c, e->t), 0);
	test->priv = e;
	return e;
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
	struct ssm_sim_fault f;

	WARN_ON(ssm_sim_parse_fault(spec, &f));
	ssm_sim_set_fault(e->t, &f);
}

/* Firmware's view and ours agree for every increment above boot memory. */
static void expect_all_standby(struct kunit *test, struct client_env *e,
			       u32 boot_rns)
{
	u32 rn;

	for (rn = boot_rns + 1; rn <= e->l.rnmax; rn++) {
		KUNIT_EXPECT_FALSE_MSG(test, ssm_sim_rn_assigned(e->t, rn),
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
	KUNIT_EXPECT_EQ(test, e->c.max_id, 8);		/* id 8: not present */
	KUNIT_EXPECT_EQ(test, e->l.incr_count[SSM_INCR_FOREIGN], 1024);
	KUNIT_EXPECT_EQ(test, e->l.incr_count[SSM_INCR_STANDBY], 1024);
	KUNIT_EXPECT_EQ(test, e->c.requests[SSM_OP_ATTACH], 4);
	KUNIT_EXPECT_EQ(test, e->c.requests[SSM_OP_UNASSIGN], 1024);
	KUNIT_EXPECT_EQ(test, e->l.incr_elem[2048], 7);
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
}

static void client_assign_unassign(struct kunit *test)
{
	struct client_env *e = env_new(test, MiB(256), GiB(2), GiB(1), 0);

	KUNIT_ASSERT_EQ(test, env_probe(test, e), 0);
	KUNIT_EXPECT_EQ(test, ssm_client_assign(&e->c, 5), 0);
	KUNIT_EXPECT_TRUE(test, ssm_sim_rn_assigned(e->t, 5));
	KUNIT_EXPECT_EQ(test, ssm_client_unassign(&e->c, 5), 0);
	KUNIT_EXPECT_FALSE(test, ssm_sim_rn_assigned(e->t, 5));
	/* firmware refuses an rn beyond its storage */
	KUNIT_EXPECT_EQ(test, ssm_client_assign(&e->c, 9), -EIO);
	KUNIT_EXPECT_EQ(test, e->c.failures[SSM_OP_ASSIGN], 1);
}

/* debugfs's last_response column: firmware's last answer per increment */
static void client_records_last_response(struct kunit *test)
{
	struct client_env *e = env_new(test, MiB(256), GiB(2), GiB(1), 0);

	KUNIT_ASSERT_EQ(test, env_probe(test, e), 0);
	KUNIT_EXPECT_EQ(test, ssm_client_last_response(&e->c, 5), SSM_RESP_NONE);
	KUNIT_ASSERT_EQ(test, ssm_client_assign(&e->c, 5), 0);
	KUNIT_EXPECT_EQ(test, ssm_client_last_response(&e->c, 5), SSM_RESP_DONE);
	/* assigned already: firmware completes with a condition noted */
	KUNIT_ASSERT_EQ(test, ssm_client_assign(&e->c, 5), 0);
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

static const struct fault_case assign_faults[] = {
	{ "assign,response", -EIO },
	{ "assign,timeout", -ETIMEDOUT },
	{ "assign,malformed", -EPROTO },
};

KUNIT_ARRAY_PARAM(assign_fault, assign_faults, fault_desc);

/* After any failed assign the increment is standby in firmware. */
static void client_assign_under_fault(struct kunit *test)
{
	const struct fault_case *c = test->param_value;
	struct client_env *e = env_new(test, MiB(256), GiB(2), GiB(1), 0);

	KUNIT_ASSERT_EQ(test, env_probe(test, e), 0);
	arm(e, c->spec);
	KUNIT_EXPECT_EQ(test, ssm_client_assign(&e->c, 6), c->want);
	KUNIT_EXPECT_FALSE(test, ssm_sim_rn_assigned(e->t, 6));
	KUNIT_EXPECT_EQ(test, e->c.unknown, 0);
}

static const struct fault_case unassign_faults[] = {
	{ "unassign,response", -EIO },
	{ "unassign,timeout", -ETIMEDOUT },
	{ "unassign,malformed", -EPROTO },
};

KUNIT_ARRAY_PARAM(unassign_fault, unassign_faults, fault_desc);

static void client_unassign_under_fault(struct kunit *test)
{
	const struct fault_case *c = test->param_value;
	struct client_env *e = env_new(test, MiB(256), GiB(2), GiB(1), 0);

	KUNIT_ASSERT_EQ(test, env_probe(test, e), 0);
	KUNIT_ASSERT_EQ(test, ssm_client_assign(&e->c, 6), 0);
	arm(e, c->spec);
	KUNIT_EXPECT_EQ(test, ssm_client_unassign(&e->c, 6), c->want);
	/* a retry after the fault succeeds */
	KUNIT_EXPECT_EQ(test, ssm_client_unassign(&e->c, 6), 0);
	KUNIT_EXPECT_FALSE(test, ssm_sim_rn_assigned(e->t, 6));
}

/* The simulation refuses to give back boot memory, as a protection. */
static void client_sim_protects_boot_memory(struct kunit *test)
{
	struct client_env *e = env_new(test, MiB(256), GiB(2), GiB(1), 0);
	struct ssm_sim_stats st;

	KUNIT_ASSERT_EQ(test, env_probe(test, e), 0);
	KUNIT_EXPECT_EQ(test, ssm_client_unassign(&e->c, 1), -EIO);
	KUNIT_EXPECT_TRUE(test, ssm_sim_rn_assigned(e->t, 1));
	ssm_sim_get_stats(e->t, &st);
	KUNIT_EXPECT_EQ(test, st.violations, 1);
}

/* A fake transport that records the last request. */
struct recorder {
	struct ssm_transport t;
	u32 cmd;
	u8 sccb[SSM_SCCB_SIZE];
};

static int rec_sync(struct ssm_transport *t, u32 cmd, void *sccb)
{
	struct recorder *r = container_of(t, struct recorder, t);

	r->cmd = cmd;
	memcpy(r->sccb, sccb, SSM_SCCB_SIZE);
	((struct ssm_sccb_header *)sccb)->response_code = SSM_RESP_DONE;
	return 0;
}

static void rec_destroy(struct ssm_transport *t)
{
	kfree(container_of(t, struct recorder, t));
}

static const struct ssm_transport_ops rec_ops = {
	.name = "recorder",
	.sync_request = rec_sync,
	.destroy = rec_destroy,
};

static void client_sends_architected_sccbs(struct kunit *test)
{
	struct recorder *r = kzalloc(sizeof(*r), GFP_KERNEL);
	struct ssm_client c;

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->t.ops = &rec_ops;
	KUNIT_ASSERT_EQ(test, ssm_client_init(&c, &r->t), 0);
	c.info.rzm = MiB(256);
	KUNIT_EXPECT_EQ(test, ssm_client_assign(&c, 0x0102), 0);
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
	KUNIT_CASE_PARAM(client_assign_under_fault, assign_fault_gen_params),
	KUNIT_CASE_PARAM(client_unassign_under_fault, unassign_fault_gen_params),
	KUNIT_CASE(client_sim_protects_boot_memory),
	KUNIT_CASE(client_sends_architected_sccbs),
	{}
};

static struct kunit_suite client_suite = {
	.name = "s390_standby_mem_sclp",
	.exit = client_exit,
	.test_cases = client_cases,
};

kunit_test_suites(&client_suite);
