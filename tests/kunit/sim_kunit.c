// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the simulated firmware's fault specifications (src/sclp_sim.c).
 * The simulation itself is exercised by the client suite.
 */
/* The unit under test first: it sets pr_fmt. */
#include "../../src/sclp_sim.c"

#include <kunit/test.h>

struct spec_case {
	const char *spec;
	int rc;
	int op;
	enum ssm_sim_fault_mode mode;
	u32 count, skip, rn;
	u16 response;
};

static const struct spec_case spec_cases[] = {
	{ "none", 0, -1, 0, 1, 0, 0, SIM_RESP_DEFAULT_FAULT },
	{ "none\n", 0, -1, 0, 1, 0, 0, SIM_RESP_DEFAULT_FAULT },
	{ "assign,timeout", 0, SSM_OP_ASSIGN, SSM_FAULT_TIMEOUT, 1, 0, 0,
	  SIM_RESP_DEFAULT_FAULT },
	{ "unassign,response,count=3,skip=2,rn=7,response=0x0340\n", 0,
	  SSM_OP_UNASSIGN, SSM_FAULT_RESPONSE, 3, 2, 7, 0x0340 },
	{ "storage_info,malformed", 0, SSM_OP_STORAGE_INFO, SSM_FAULT_MALFORMED,
	  1, 0, 0, SIM_RESP_DEFAULT_FAULT },
	{ "", -EINVAL },
	{ "assign", -EINVAL },
	{ "assign,", -EINVAL },
	{ "assign,sometimes", -EINVAL },
	{ "bogus,timeout", -EINVAL },
	{ "assign,timeout,count=0", -EINVAL },
	{ "assign,timeout,count=x", -EINVAL },
	{ "assign,timeout,rn=65536", -EINVAL },
	{ "assign,timeout,response=0x10000", -EINVAL },
	{ "assign,response,response=0x0020", -EINVAL },
	{ "assign,timeout,color=red", -EINVAL },
	{ "assign,timeout,,", -EINVAL },
};

static void spec_desc(const struct spec_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s%s", c->rc ? "bad:" : "good:",
		 c->spec);
	strreplace(desc, '\n', '_');
}

KUNIT_ARRAY_PARAM(spec, spec_cases, spec_desc);

static void sim_fault_spec(struct kunit *test)
{
	const struct spec_case *c = test->param_value;
	struct ssm_sim_fault f = { .op = 42 };
	char buf[128];

	KUNIT_ASSERT_EQ_MSG(test, ssm_sim_parse_fault(c->spec, &f), c->rc,
			    "spec '%s'", c->spec);
	if (c->rc) {
		KUNIT_EXPECT_EQ(test, f.op, 42);	/* untouched */
		return;
	}
	KUNIT_EXPECT_EQ(test, f.op, c->op);
	KUNIT_EXPECT_EQ(test, f.count, c->count);
	KUNIT_EXPECT_EQ(test, f.skip, c->skip);
	KUNIT_EXPECT_EQ(test, f.rn, c->rn);
	KUNIT_EXPECT_EQ(test, f.response, c->response);
	if (f.op < 0)
		return;
	KUNIT_EXPECT_EQ(test, f.mode, c->mode);
	/* what is shown can be written back */
	ssm_sim_format_fault(&f, buf, sizeof(buf));
	KUNIT_EXPECT_EQ(test, ssm_sim_parse_fault(buf, &f), 0);
	KUNIT_EXPECT_EQ(test, f.count, c->count);
}

static void sim_rejects_bad_geometry(struct kunit *test)
{
	struct ssm_sim_config cfg = {
		.rzm = SZ_256M, .storage_size = SZ_1G, .boot_size = SZ_2G,
	};

	KUNIT_EXPECT_EQ(test, PTR_ERR(ssm_sim_create(&cfg)), -EINVAL);
	cfg.boot_size = SZ_128M;
	KUNIT_EXPECT_EQ(test, PTR_ERR(ssm_sim_create(&cfg)), -EINVAL);
	cfg.rzm = SZ_1M;
	cfg.storage_size = 70000ULL * SZ_1M;
	KUNIT_EXPECT_EQ(test, PTR_ERR(ssm_sim_create(&cfg)), -ERANGE);
}

static struct kunit_case sim_cases[] = {
	KUNIT_CASE_PARAM(sim_fault_spec, spec_gen_params),
	KUNIT_CASE(sim_rejects_bad_geometry),
	{}
};

static struct kunit_suite sim_suite = {
	.name = "s390_standby_mem_sim",
	.test_cases = sim_cases,
};

kunit_test_suites(&sim_suite);
