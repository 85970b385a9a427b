// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the SCLP wire format (src/sccb.c) against fabricated answers.
 */
/* The unit under test first: it sets pr_fmt. */
#include "../../src/sccb.c"

#include <kunit/test.h>

static void *sccb_new(struct kunit *test)
{
	void *sccb = kunit_kzalloc(test, SSM_SCCB_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, sccb);
	ssm_sccb_prepare(sccb, 0);
	return sccb;
}

static void sccb_layout_matches_architecture(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, offsetof(struct ssm_read_info_sccb, rnmax), 8);
	KUNIT_EXPECT_EQ(test, offsetof(struct ssm_read_info_sccb, rnsize), 10);
	KUNIT_EXPECT_EQ(test, offsetof(struct ssm_read_info_sccb, facilities), 48);
	KUNIT_EXPECT_EQ(test, offsetof(struct ssm_read_info_sccb, rnsize2), 100);
	KUNIT_EXPECT_EQ(test, offsetof(struct ssm_read_info_sccb, rnmax2), 104);
	KUNIT_EXPECT_EQ(test, offsetof(struct ssm_storage_info_sccb, entries), 16);
	KUNIT_EXPECT_EQ(test, offsetof(struct ssm_assign_sccb, rn), 8);
	KUNIT_EXPECT_EQ(test, offsetof(struct ssm_attach_sccb, assigned), 10);
	KUNIT_EXPECT_EQ(test, SSM_SCCB_MAX_ENTRIES, 1020);
}

static void sccb_encode_assign(struct kunit *test)
{
	u8 *sccb = sccb_new(test);

	memset(sccb, 0xff, SSM_SCCB_SIZE);
	ssm_sccb_encode_assign(sccb, 0x1234);
	/* big endian on s390: length 0x1000, rn 0x1234 at offset 8 */
	KUNIT_EXPECT_EQ(test, ((struct ssm_sccb_header *)sccb)->length, 4096);
	KUNIT_EXPECT_EQ(test, ((struct ssm_sccb_header *)sccb)->response_code, 0);
	KUNIT_EXPECT_EQ(test, ((struct ssm_assign_sccb *)sccb)->rn, 0x1234);
	KUNIT_EXPECT_EQ(test, sccb[SSM_SCCB_SIZE - 1], 0);
}

static void sccb_read_info_small_fields(struct kunit *test)
{
	struct ssm_read_info_sccb *ri = sccb_new(test);
	struct ssm_scp_info info;

	ri->header.response_code = SSM_RESP_READ_OK;
	ri->rnsize = 128;
	ri->rnmax = 16;
	ri->facilities = SSM_FAC_STANDBY_MEMORY;
	KUNIT_ASSERT_EQ(test, ssm_sccb_decode_read_info(ri, &info), 0);
	KUNIT_EXPECT_EQ(test, info.rzm, 128ULL << 20);
	KUNIT_EXPECT_EQ(test, info.rnmax, 16);
	KUNIT_EXPECT_EQ(test, info.facilities, SSM_FAC_STANDBY_MEMORY);
}

static void sccb_read_info_large_fields(struct kunit *test)
{
	struct ssm_read_info_sccb *ri = sccb_new(test);
	struct ssm_scp_info info;

	ri->header.response_code = SSM_RESP_READ_OK;
	ri->rnsize2 = 2048;		/* 2 GiB increments */
	ri->rnmax2 = 40000;
	KUNIT_ASSERT_EQ(test, ssm_sccb_decode_read_info(ri, &info), 0);
	KUNIT_EXPECT_EQ(test, info.rzm, 2048ULL << 20);
	KUNIT_EXPECT_EQ(test, info.rnmax, 40000);
}

static void sccb_read_info_errors(struct kunit *test)
{
	struct ssm_read_info_sccb *ri = sccb_new(test);
	struct ssm_scp_info info;

	ri->header.response_code = SSM_RESP_INVALID_COMMAND;
	KUNIT_EXPECT_EQ(test, ssm_sccb_decode_read_info(ri, &info), -EOPNOTSUPP);
	ri->header.response_code = 0x05f0;
	KUNIT_EXPECT_EQ(test, ssm_sccb_decode_read_info(ri, &info), -EIO);
	ri->header.response_code = SSM_RESP_READ_OK;
	ri->rnsize = 3;
	ri->rnmax = 4;
	KUNIT_EXPECT_EQ(test, ssm_sccb_decode_read_info(ri, &info), -EPROTO);
	ri->rnsize = 1;
	ri->rnmax = 0;
	KUNIT_EXPECT_EQ(test, ssm_sccb_decode_read_info(ri, &info), -EPROTO);
}

/* A read storage info answer: response, max_id, entries (rn values). */
static struct ssm_storage_info_sccb *
storage_info(struct kunit *test, u16 resp, u16 max_id, const u16 *rns,
	     unsigned int nr)
{
	struct ssm_storage_info_sccb *si = sccb_new(test);
	unsigned int i;

	si->header.response_code = resp;
	si->max_id = max_id;
	si->assigned = nr;
	for (i = 0; i < nr; i++)
		si->entries[i] = rns[i] ? (u32)rns[i] << 16 | 0x1 : 0;
	return si;
}

static void sccb_storage_info_attached(struct kunit *test)
{
	static const u16 rns[] = { 1, 2, 0, 4 };
	struct ssm_storage_info_sccb *si;
	struct ssm_storage_info info;

	si = storage_info(test, SSM_RESP_READ_OK, 3, rns, ARRAY_SIZE(rns));
	KUNIT_ASSERT_EQ(test, ssm_sccb_decode_storage_info(si, 0, 8, &info), 0);
	KUNIT_EXPECT_EQ(test, info.state, SSM_ELEM_ATTACHED);
	KUNIT_EXPECT_EQ(test, info.max_id, 3);
	KUNIT_EXPECT_EQ(test, info.nr_entries, 4);
	KUNIT_EXPECT_EQ(test, ssm_sccb_entry_rn(si, false, 0), 1);
	KUNIT_EXPECT_EQ(test, ssm_sccb_entry_rn(si, false, 2), 0);
	KUNIT_EXPECT_EQ(test, ssm_sccb_entry_rn(si, false, 3), 4);
}

static void sccb_storage_info_states(struct kunit *test)
{
	static const u16 rns[] = { 5, 6 };
	struct ssm_storage_info_sccb *si;
	struct ssm_storage_info info;

	si = storage_info(test, SSM_RESP_ELEM_STANDBY, 2, rns, 2);
	KUNIT_ASSERT_EQ(test, ssm_sccb_decode_storage_info(si, 1, 8, &info), 0);
	KUNIT_EXPECT_EQ(test, info.state, SSM_ELEM_STANDBY);
	KUNIT_EXPECT_EQ(test, info.nr_entries, 2);

	/* not present: entries are ignored, even nonsense ones */
	si = storage_info(test, SSM_RESP_ELEM_NOT_PRESENT, 2, rns, 2);
	si->assigned = 5000;
	KUNIT_ASSERT_EQ(test, ssm_sccb_decode_storage_info(si, 2, 8, &info), 0);
	KUNIT_EXPECT_EQ(test, info.state, SSM_ELEM_NOT_PRESENT);
	KUNIT_EXPECT_EQ(test, info.nr_entries, 0);
}

struct malformed_case {
	const char *name;
	u16 resp;
	u16 max_id;
	u8 id;
	u16 rn;			/* one entry with this rn */
	u16 assigned;		/* 0: 1 */
	u16 length;		/* 0: SSM_SCCB_SIZE */
	int want;
};

static const struct malformed_case malformed_cases[] = {
	{ "good", SSM_RESP_READ_OK, 1, 0, 8, 0, 0, 0 },
	{ "rn-zero", SSM_RESP_READ_OK, 1, 0, 0xffff, 0, 0, -EPROTO },
	{ "rn-beyond-rnmax", SSM_RESP_READ_OK, 1, 0, 9, 0, 0, -EPROTO },
	{ "count-beyond-sccb", SSM_RESP_READ_OK, 1, 0, 1, 1021, 0, -EPROTO },
	{ "max-id-beyond-255", SSM_RESP_READ_OK, 256, 0, 1, 0, 0, -EPROTO },
	{ "id-beyond-max-id", SSM_RESP_READ_OK, 1, 2, 1, 0, 0, -EPROTO },
	{ "length-changed", SSM_RESP_READ_OK, 1, 0, 1, 0, 8, -EPROTO },
	{ "unknown-response", 0x0040, 1, 0, 1, 0, 0, -EIO },
	{ "done-is-not-read", SSM_RESP_DONE, 1, 0, 1, 0, 0, -EIO },
};

static void malformed_desc(const struct malformed_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(malformed, malformed_cases, malformed_desc);

static void sccb_storage_info_rejects_malformed(struct kunit *test)
{
	const struct malformed_case *c = test->param_value;
	struct ssm_storage_info_sccb *si;
	struct ssm_storage_info info;
	u16 rn = c->rn;

	si = storage_info(test, c->resp, c->max_id, &rn, 1);
	if (c->rn == 0xffff)
		si->entries[0] = 0x0000ffff;	/* nonzero entry, rn 0 */
	if (c->assigned)
		si->assigned = c->assigned;
	if (c->length)
		si->header.length = c->length;
	KUNIT_EXPECT_EQ_MSG(test, ssm_sccb_decode_storage_info(si, c->id, 8, &info),
			    c->want, "case %s", c->name);
}

struct assign_case {
	u16 resp;
	int want;
};

static const struct assign_case assign_cases[] = {
	{ SSM_RESP_DONE, 0 },
	{ SSM_RESP_DONE_ALT, 0 },
	{ SSM_RESP_READ_OK, -EIO },
	{ SSM_RESP_INVALID_COMMAND, -EIO },
	{ 0x0300, -EIO },
	{ 0x05f0, -EIO },
	{ 0, -EIO },
};

static void assign_desc(const struct assign_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "response-0x%04x", c->resp);
}

KUNIT_ARRAY_PARAM(assign_resp, assign_cases, assign_desc);

static void sccb_assign_response_codes(struct kunit *test)
{
	const struct assign_case *c = test->param_value;
	struct ssm_assign_sccb *as = sccb_new(test);

	ssm_sccb_encode_assign(as, 7);
	as->header.response_code = c->resp;
	KUNIT_EXPECT_EQ_MSG(test, ssm_sccb_decode_assign(as, SSM_CMD_ASSIGN_STORAGE, 7),
			    c->want, "response 0x%04x", c->resp);
	KUNIT_EXPECT_EQ_MSG(test, ssm_sccb_decode_assign(as, SSM_CMD_UNASSIGN_STORAGE, 7),
			    c->want, "response 0x%04x", c->resp);
}

static void sccb_assign_rejects_malformed(struct kunit *test)
{
	struct ssm_assign_sccb *as = sccb_new(test);

	ssm_sccb_encode_assign(as, 7);
	as->header.response_code = SSM_RESP_DONE;
	as->rn = 8;
	KUNIT_EXPECT_EQ(test, ssm_sccb_decode_assign(as, SSM_CMD_ASSIGN_STORAGE, 7),
			-EPROTO);
	as->rn = 7;
	as->header.length = 100;
	KUNIT_EXPECT_EQ(test, ssm_sccb_decode_assign(as, SSM_CMD_ASSIGN_STORAGE, 7),
			-EPROTO);
}

static void sccb_attach(struct kunit *test)
{
	struct ssm_attach_sccb *at = sccb_new(test);
	u16 nr = 0;

	at->header.response_code = SSM_RESP_DONE;
	at->assigned = 2;
	at->entries[0] = 5 << 16;
	at->entries[1] = 6 << 16;
	KUNIT_ASSERT_EQ(test, ssm_sccb_decode_attach(at, 1, 8, &nr), 0);
	KUNIT_EXPECT_EQ(test, nr, 2);
	KUNIT_EXPECT_EQ(test, ssm_sccb_entry_rn(at, true, 1), 6);

	at->entries[1] = 9 << 16;
	KUNIT_EXPECT_EQ(test, ssm_sccb_decode_attach(at, 1, 8, &nr), -EPROTO);
	at->entries[1] = 6 << 16;
	at->assigned = 2000;
	KUNIT_EXPECT_EQ(test, ssm_sccb_decode_attach(at, 1, 8, &nr), -EPROTO);
	at->assigned = 2;
	at->header.response_code = SSM_RESP_READ_OK;
	KUNIT_EXPECT_EQ(test, ssm_sccb_decode_attach(at, 1, 8, &nr), -EIO);
}

static void sccb_command_names(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, ssm_sccb_cmd_name(SSM_CMD_ASSIGN_STORAGE),
			   "assign storage");
	KUNIT_EXPECT_STREQ(test,
			   ssm_sccb_cmd_name(SSM_CMD_WITH_ID(SSM_CMD_READ_STORAGE_INFO, 7)),
			   "read storage info");
	KUNIT_EXPECT_EQ(test, SSM_CMD_ID(SSM_CMD_WITH_ID(SSM_CMD_ATTACH_STORAGE, 0xab)),
			0xab);
	KUNIT_EXPECT_STREQ(test, ssm_sccb_cmd_name(0x12345678), "unknown command");
}

/*
 * What the kernel read at boot (struct sclp_info): taken with the checks
 * of our own decoder. A large configuration (a machine whose SCP info
 * needs the extended SCCB) is read by the kernel; these are its values.
 */
static void sccb_info_from_kernel(struct kunit *test)
{
	struct ssm_scp_info info;

	KUNIT_ASSERT_EQ(test, ssm_sccb_info_from_kernel(SZ_256M, 64, 0xe00000000000ULL,
							&info), 0);
	KUNIT_EXPECT_EQ(test, info.rzm, (u64)SZ_256M);
	KUNIT_EXPECT_EQ(test, info.rnmax, 64);
	KUNIT_EXPECT_EQ(test, info.facilities, 0xe00000000000ULL);
	/* large: 16 TiB of storage in 1 GiB increments, more than 65535 */
	KUNIT_ASSERT_EQ(test, ssm_sccb_info_from_kernel(SZ_1G, 16384, 0, &info), 0);
	KUNIT_EXPECT_EQ(test, info.rnmax, 16384);
	KUNIT_ASSERT_EQ(test, ssm_sccb_info_from_kernel(SZ_1M, 200000, 0, &info), 0);
	KUNIT_EXPECT_EQ(test, info.rnmax, 200000);
	KUNIT_ASSERT_EQ(test, ssm_sccb_info_from_kernel(SZ_1M, 1ULL << 40, 0, &info),
			0);
	KUNIT_EXPECT_EQ(test, info.rnmax, U32_MAX);
	/* impossible values */
	KUNIT_EXPECT_EQ(test, ssm_sccb_info_from_kernel(0, 64, 0, &info), -EPROTO);
	KUNIT_EXPECT_EQ(test, ssm_sccb_info_from_kernel(SZ_512K, 64, 0, &info),
			-EPROTO);
	KUNIT_EXPECT_EQ(test, ssm_sccb_info_from_kernel(3 * SZ_1M, 64, 0, &info),
			-EPROTO);
	KUNIT_EXPECT_EQ(test, ssm_sccb_info_from_kernel(SZ_1M, 0, 0, &info),
			-EPROTO);
}

static void sccb_encode_read_info(struct kunit *test)
{
	u8 *sccb = sccb_new(test);

	ssm_sccb_encode_read_info(sccb);
	KUNIT_EXPECT_EQ(test, sccb[0], 0x10);	/* length 0x1000 */
	KUNIT_EXPECT_EQ(test, sccb[2], 0x80);	/* function code */
	KUNIT_EXPECT_EQ(test, sccb[5], 0x80);	/* variable-length response */
}

static struct kunit_case sccb_cases[] = {
	KUNIT_CASE(sccb_info_from_kernel),
	KUNIT_CASE(sccb_encode_read_info),
	KUNIT_CASE(sccb_layout_matches_architecture),
	KUNIT_CASE(sccb_encode_assign),
	KUNIT_CASE(sccb_read_info_small_fields),
	KUNIT_CASE(sccb_read_info_large_fields),
	KUNIT_CASE(sccb_read_info_errors),
	KUNIT_CASE(sccb_storage_info_attached),
	KUNIT_CASE(sccb_storage_info_states),
	KUNIT_CASE_PARAM(sccb_storage_info_rejects_malformed, malformed_gen_params),
	KUNIT_CASE_PARAM(sccb_assign_response_codes, assign_resp_gen_params),
	KUNIT_CASE(sccb_assign_rejects_malformed),
	KUNIT_CASE(sccb_attach),
	KUNIT_CASE(sccb_command_names),
	{}
};

static struct kunit_suite sccb_suite = {
	.name = "s390_standby_mem_sccb",
	.test_cases = sccb_cases,
};

kunit_test_suites(&sccb_suite);

MODULE_DESCRIPTION("KUnit tests of s390_standby_mem");
MODULE_LICENSE("GPL");
