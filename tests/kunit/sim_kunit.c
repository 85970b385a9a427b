// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the simulated firmware's fault specifications and geometry
 * checks (module s390_standby_mem_sim, through its exports). The
 * simulation itself is exercised by the client suite.
 */
#include <kunit/test.h>
#include <linux/sizes.h>

#include "sclp_sim.h"
#include "sccb.h"

struct spec_case {
	const char *spec;
	int rc;
	unsigned int nr;		/* faults armed */
	int op;				/* of the first */
	enum ssm_sim_fault_mode mode;
	enum ssm_sim_side side;
	u32 count, skip, rn;
	u16 response;
};

static const struct spec_case spec_cases[] = {
	{ "none", 0, 0 },
	{ "none\n", 0, 0 },
	{ "assign,timeout", 0, 1, SSM_SIM_ASSIGN, SSM_FAULT_TIMEOUT,
	  SSM_SIDE_MODULE, 1, 0, 0, 0x05f0 },
	{ "assign,late,side=kernel", 0, 1, SSM_SIM_ASSIGN, SSM_FAULT_LATE,
	  SSM_SIDE_KERNEL, 1, 0, 0, 0x05f0 },
	{ "unassign,response,count=3,skip=2,rn=7,response=0x0340\n", 0, 1,
	  SSM_SIM_UNASSIGN, SSM_FAULT_RESPONSE, SSM_SIDE_MODULE, 3, 2, 7,
	  0x0340 },
	{ "storage_info,malformed", 0, 1, SSM_SIM_STORAGE_INFO,
	  SSM_FAULT_MALFORMED, SSM_SIDE_MODULE, 1, 0, 0, 0x05f0 },
	/* two at once: an assign without answer, and its cleanup */
	{ "assign,timeout;unassign,timeout", 0, 2, SSM_SIM_ASSIGN,
	  SSM_FAULT_TIMEOUT, SSM_SIDE_MODULE, 1, 0, 0, 0x05f0 },
	{ "assign,late;unassign,response;attach,timeout;read_info,malformed",
	  0, 4, SSM_SIM_ASSIGN, SSM_FAULT_LATE, SSM_SIDE_MODULE, 1, 0, 0,
	  0x05f0 },
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
	{ "assign,timeout,side=nobody", -EINVAL },
	{ "assign,timeout,,", -EINVAL },
	{ "assign,timeout;", -EINVAL },
	{ "assign,timeout;none", -EINVAL },
	/* five at once is one too many */
	{ "assign,timeout;assign,timeout;assign,timeout;assign,timeout;assign,timeout",
	  -EINVAL },
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
	struct ssm_sim_fault f[SSM_SIM_MAX_FAULTS], g[SSM_SIM_MAX_FAULTS];
	unsigned int i, nr = 0;
	char buf[512];

	for (i = 0; i < SSM_SIM_MAX_FAULTS; i++)
		f[i].op = 42;
	KUNIT_ASSERT_EQ_MSG(test, ssm_sim_parse_faults(c->spec, f,
						       SSM_SIM_MAX_FAULTS),
			    c->rc, "spec '%s'", c->spec);
	if (c->rc) {
		KUNIT_EXPECT_EQ(test, f[0].op, 42);	/* untouched */
		return;
	}
	for (i = 0; i < SSM_SIM_MAX_FAULTS; i++)
		nr += f[i].op >= 0;
	KUNIT_EXPECT_EQ(test, nr, c->nr);
	if (!nr)
		return;
	KUNIT_EXPECT_EQ(test, f[0].op, c->op);
	KUNIT_EXPECT_EQ(test, f[0].mode, c->mode);
	KUNIT_EXPECT_EQ(test, f[0].side, c->side);
	KUNIT_EXPECT_EQ(test, f[0].count, c->count);
	KUNIT_EXPECT_EQ(test, f[0].skip, c->skip);
	KUNIT_EXPECT_EQ(test, f[0].rn, c->rn);
	KUNIT_EXPECT_EQ(test, f[0].response, c->response);
	/* what is shown can be written back */
	ssm_sim_format_faults(f, SSM_SIM_MAX_FAULTS, buf, sizeof(buf));
	KUNIT_ASSERT_EQ_MSG(test, ssm_sim_parse_faults(buf, g,
						       SSM_SIM_MAX_FAULTS), 0,
			    "'%s'", buf);
	for (i = 0; i < SSM_SIM_MAX_FAULTS; i++) {
		KUNIT_EXPECT_EQ(test, g[i].op, f[i].op);
		if (f[i].op < 0)
			continue;
		KUNIT_EXPECT_EQ(test, g[i].mode, f[i].mode);
		KUNIT_EXPECT_EQ(test, g[i].side, f[i].side);
		KUNIT_EXPECT_EQ(test, g[i].count, f[i].count);
	}
}

static void sim_rejects_bad_geometry(struct kunit *test)
{
	struct ssm_sim_config cfg = {
		.rzm = SZ_256M, .storage_size = SZ_1G, .boot_size = SZ_2G,
	};

	KUNIT_EXPECT_EQ(test, PTR_ERR(ssm_sim_ops.create(&cfg)), -EINVAL);
	cfg.boot_size = SZ_128M;
	KUNIT_EXPECT_EQ(test, PTR_ERR(ssm_sim_ops.create(&cfg)), -EINVAL);
	cfg.rzm = SZ_1M;
	cfg.storage_size = 70000ULL * SZ_1M;
	KUNIT_EXPECT_EQ(test, PTR_ERR(ssm_sim_ops.create(&cfg)), -ERANGE);
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
