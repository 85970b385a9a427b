// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: include/compat.h, the one place that knows the kernel's spelling.
 * The altmap fields of struct memory_notify are filled in for
 * MEM_PREPARE_ONLINE and MEM_FINISH_OFFLINE only: online_pages() and
 * offline_pages() leave them uninitialised on their stack for every other
 * event. Here they hold garbage, as they would on a kernel built without
 * stack initialisation.
 */
#include <kunit/test.h>
#include <linux/string.h>

#include "compat.h"

static const unsigned long events[] = {
	MEM_GOING_ONLINE, MEM_ONLINE, MEM_CANCEL_ONLINE,
	MEM_GOING_OFFLINE, MEM_OFFLINE, MEM_CANCEL_OFFLINE,
};

static void compat_first_pfn_ignores_garbage(struct kunit *test)
{
	struct memory_notify arg;
	unsigned int i;

	memset(&arg, 0xaa, sizeof(arg));
	arg.start_pfn = 0x40400;
	arg.nr_pages = 0xff00;
	for (i = 0; i < ARRAY_SIZE(events); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    ssm_compat_notify_first_pfn(events[i], &arg),
				    0x40400UL, "action %lu", events[i]);
}

static void compat_first_pfn_uses_altmap(struct kunit *test)
{
#ifdef SSM_HAVE_NOTIFY_ALTMAP
	struct memory_notify arg = {
		.altmap_start_pfn = 0x40000, .altmap_nr_pages = 0x400,
		.start_pfn = 0x40400, .nr_pages = 0xfc00,
	};

	KUNIT_EXPECT_EQ(test, ssm_compat_notify_first_pfn(MEM_PREPARE_ONLINE,
							  &arg), 0x40000UL);
	KUNIT_EXPECT_EQ(test, ssm_compat_notify_first_pfn(MEM_FINISH_OFFLINE,
							  &arg), 0x40000UL);
	/* without an altmap the block starts at start_pfn */
	arg.altmap_nr_pages = 0;
	arg.start_pfn = 0x40000;
	KUNIT_EXPECT_EQ(test, ssm_compat_notify_first_pfn(MEM_PREPARE_ONLINE,
							  &arg), 0x40000UL);
#else
	/* this kernel has no altmap fields: start_pfn is all there is */
	struct memory_notify arg = { .start_pfn = 0x40000 };

	KUNIT_EXPECT_EQ(test, ssm_compat_notify_first_pfn(MEM_GOING_ONLINE,
							  &arg), 0x40000UL);
#endif
}

static struct kunit_case compat_cases[] = {
	KUNIT_CASE(compat_first_pfn_ignores_garbage),
	KUNIT_CASE(compat_first_pfn_uses_altmap),
	{}
};

static struct kunit_suite compat_suite = {
	.name = "s390_standby_mem_compat",
	.test_cases = compat_cases,
};

kunit_test_suites(&compat_suite);
