// SPDX-License-Identifier: GPL-2.0
/*
 * ssm_poke: touch storage by real address, for the kernel-alone tests on
 * the test machine (tests/host/model-kernel.sh). Through debugfs
 * (/sys/kernel/debug/ssm_poke/):
 *
 *   addr    the real address the others use (write a number, read it back)
 *   read    read: the 8 bytes at addr (LURAG), or -EFAULT when the access
 *           is an addressing exception (no storage there)
 *   write   write a number: stored at addr (STURG); -EFAULT as above
 *   crash   write a number: stored at addr without a fixup, so an
 *           addressing exception kills the kernel, as on a real machine
 *
 * The accesses bypass DAT: they reach storage the kernel has not mapped,
 * such as an unassigned standby increment. Writing to storage the kernel
 * uses corrupts it: a test writes only to storage nobody uses. Never load
 * this on a real machine.
 */
#define pr_fmt(fmt) "ssm_poke: " fmt

#include <linux/debugfs.h>
#include <linux/module.h>
#include <asm/asm-extable.h>

static struct dentry *poke_dir;
static u64 poke_addr;

/*
 * An addressing exception may leave the PSW at the instruction or after
 * it: both have a fixup, past the instruction that says it worked.
 */
static int poke_load_real(unsigned long addr, u64 *val)
{
	int rc = -EFAULT;
	u64 v = 0;

	asm volatile("0:	lurag	%[v],%[addr]\n"
		"1:	lhi	%[rc],0\n"
		"2:\n"
		EX_TABLE(0b, 2b)
		EX_TABLE(1b, 2b)
		: [rc] "+d" (rc), [v] "+d" (v)
		: [addr] "a" (addr)
		: "memory");
	*val = v;
	return rc;
}

static int poke_store_real(unsigned long addr, u64 val)
{
	int rc = -EFAULT;

	asm volatile("0:	sturg	%[val],%[addr]\n"
		"1:	lhi	%[rc],0\n"
		"2:\n"
		EX_TABLE(0b, 2b)
		EX_TABLE(1b, 2b)
		: [rc] "+d" (rc)
		: [val] "d" (val), [addr] "a" (addr)
		: "memory");
	return rc;
}

static int poke_read_get(void *data, u64 *val)
{
	int rc = poke_load_real(poke_addr, val);

	pr_info("read 0x%llx: %s\n", poke_addr,
		rc ? "addressing exception" : "ok");
	return rc;
}

static int poke_write_set(void *data, u64 val)
{
	int rc = poke_store_real(poke_addr, val);

	pr_info("write 0x%llx: %s\n", poke_addr,
		rc ? "addressing exception" : "ok");
	return rc;
}

static int poke_crash_set(void *data, u64 val)
{
	pr_info("write 0x%llx without a fixup\n", poke_addr);
	asm volatile("sturg	%[val],%[addr]\n"
		     : : [val] "d" (val), [addr] "a" (poke_addr) : "memory");
	pr_info("write 0x%llx: ok\n", poke_addr);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(poke_read_fops, poke_read_get, NULL, "0x%016llx\n");
DEFINE_DEBUGFS_ATTRIBUTE(poke_write_fops, NULL, poke_write_set, "%llu\n");
DEFINE_DEBUGFS_ATTRIBUTE(poke_crash_fops, NULL, poke_crash_set, "%llu\n");

static int __init poke_init(void)
{
	poke_dir = debugfs_create_dir("ssm_poke", NULL);
	debugfs_create_x64("addr", 0600, poke_dir, &poke_addr);
	debugfs_create_file_unsafe("read", 0400, poke_dir, NULL,
				   &poke_read_fops);
	debugfs_create_file_unsafe("write", 0200, poke_dir, NULL,
				   &poke_write_fops);
	debugfs_create_file_unsafe("crash", 0200, poke_dir, NULL,
				   &poke_crash_fops);
	return 0;
}

static void __exit poke_exit(void)
{
	debugfs_remove(poke_dir);
}

module_init(poke_init);
module_exit(poke_exit);
MODULE_DESCRIPTION("Touch storage by real address (test machine smoke test)");
MODULE_LICENSE("GPL");
