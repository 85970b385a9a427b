// SPDX-License-Identifier: GPL-2.0
/*
 * SCLP wire format of the storage commands.
 *
 * Pure encode/decode of SCCBs: no memory management, no transport, so KUnit
 * drives it with fabricated answers on any architecture. Every decoder
 * validates what firmware answered before anyone trusts it: an unexpected
 * response code becomes -EIO, an answer that contradicts itself (an entry
 * count beyond the SCCB, an rn of 0 or beyond rnmax, a storage element id
 * beyond 255) becomes -EPROTO. Both are logged with command, response and rn.
 */
#define pr_fmt(fmt) "s390_standby_mem: " fmt

#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/log2.h>
#include <linux/sizes.h>

#include "sccb.h"

const char *ssm_sccb_cmd_name(u32 cmd)
{
	switch (SSM_CMD_BASE(cmd)) {
	case SSM_CMD_READ_SCP_INFO:
	case SSM_CMD_READ_SCP_INFO_FORCED:
		return "read SCP info";
	case SSM_CMD_READ_STORAGE_INFO:
		return "read storage info";
	case SSM_CMD_ATTACH_STORAGE:
		return "attach storage element";
	case SSM_CMD_ASSIGN_STORAGE:
		return "assign storage";
	case SSM_CMD_UNASSIGN_STORAGE:
		return "unassign storage";
	default:
		return "unknown command";
	}
}

/**
 * ssm_sccb_prepare() - zero an SCCB and fill in its header
 * @sccb: SSM_SCCB_SIZE bytes
 * @function_code: header function code (0 for most storage commands)
 */
void ssm_sccb_prepare(void *sccb, u8 function_code)
{
	struct ssm_sccb_header *hdr = sccb;

	memset(sccb, 0, SSM_SCCB_SIZE);
	hdr->length = SSM_SCCB_SIZE;
	hdr->function_code = function_code;
}

/**
 * ssm_sccb_encode_assign() - prepare an assign or unassign storage SCCB
 * @sccb: SSM_SCCB_SIZE bytes
 * @rn: increment number, 1-based
 */
void ssm_sccb_encode_assign(void *sccb, u16 rn)
{
	struct ssm_assign_sccb *as = sccb;

	ssm_sccb_prepare(sccb, 0);
	as->rn = rn;
}

/**
 * ssm_sccb_encode_read_info() - prepare a read SCP info SCCB
 * @sccb: SSM_SCCB_SIZE bytes
 */
void ssm_sccb_encode_read_info(void *sccb)
{
	struct ssm_sccb_header *hdr = sccb;

	ssm_sccb_prepare(sccb, 0x80);
	hdr->control_mask[2] = 0x80;	/* variable-length response */
}

static int ssm_sccb_bad_response(u32 cmd, u16 resp, u32 rn)
{
	pr_warn("%s failed (cmd=0x%08x, response=0x%04x, rn=0x%04x)\n",
		ssm_sccb_cmd_name(cmd), cmd, resp, rn);
	return -EIO;
}

static int ssm_sccb_malformed(u32 cmd, u16 resp, u32 rn, const char *why)
{
	pr_warn("%s: malformed answer rejected: %s (cmd=0x%08x, response=0x%04x, rn=0x%04x)\n",
		ssm_sccb_cmd_name(cmd), why, cmd, resp, rn);
	return -EPROTO;
}

/* The SCCB must still claim the length we gave it. */
static bool ssm_sccb_length_ok(const struct ssm_sccb_header *hdr)
{
	return hdr->length == SSM_SCCB_SIZE;
}

/**
 * ssm_sccb_decode_read_info() - decode a read SCP info answer
 * @sccb: the answered SCCB
 * @info: filled in on success
 *
 * Return: 0; -EOPNOTSUPP when this form of the command is not supported
 * (retry with the other form); -EIO for another response; -EPROTO when the
 * increment size or count is impossible.
 */
int ssm_sccb_decode_read_info(const void *sccb, struct ssm_scp_info *info)
{
	const struct ssm_read_info_sccb *ri = sccb;
	u16 resp = ri->header.response_code;
	u64 rnsize, rnmax;

	if (resp == SSM_RESP_INVALID_COMMAND)
		return -EOPNOTSUPP;
	if (resp != SSM_RESP_READ_OK)
		return ssm_sccb_bad_response(SSM_CMD_READ_SCP_INFO, resp, 0);
	rnsize = ri->rnsize ? ri->rnsize : ri->rnsize2;
	rnmax = ri->rnmax ? ri->rnmax : ri->rnmax2;
	if (!rnsize || !is_power_of_2(rnsize))
		return ssm_sccb_malformed(SSM_CMD_READ_SCP_INFO, resp, 0,
					  "increment size not a power of two");
	if (!rnmax)
		return ssm_sccb_malformed(SSM_CMD_READ_SCP_INFO, resp, 0,
					  "no increments");
	info->rzm = rnsize << 20;
	info->rnmax = rnmax > U32_MAX ? U32_MAX : rnmax;
	info->facilities = ri->facilities;
	return 0;
}

/**
 * ssm_sccb_info_from_kernel() - what the kernel read with read SCP info
 * @rzm: sclp.rzm, increment size in bytes
 * @rnmax: sclp.rnmax, highest increment number
 * @facilities: sclp.facilities
 * @info: filled in on success
 *
 * The kernel reads SCP info at boot with the SCCB size the machine needs
 * (an extended one on large machines) and exports the result; the same
 * checks apply as to an answer we read ourselves.
 *
 * Return: 0, or -EPROTO when the values are impossible.
 */
int ssm_sccb_info_from_kernel(u64 rzm, u64 rnmax, u64 facilities,
			      struct ssm_scp_info *info)
{
	if (rzm < SZ_1M || !is_power_of_2(rzm)) {
		pr_warn("the kernel's SCP info has an increment size of 0x%llx bytes: not a power of two of at least 1M\n",
			rzm);
		return -EPROTO;
	}
	if (!rnmax) {
		pr_warn("the kernel's SCP info has no increments\n");
		return -EPROTO;
	}
	info->rzm = rzm;
	info->rnmax = rnmax > U32_MAX ? U32_MAX : rnmax;
	info->facilities = facilities;
	return 0;
}

static int ssm_sccb_check_entries(u32 cmd, u16 resp, const u32 *entries,
				  unsigned int nr, u32 rnmax)
{
	unsigned int i;
	u32 rn;

	if (nr > SSM_SCCB_MAX_ENTRIES)
		return ssm_sccb_malformed(cmd, resp, nr,
					  "entry count beyond the SCCB");
	for (i = 0; i < nr; i++) {
		if (!entries[i])
			continue;	/* unused slot */
		rn = entries[i] >> 16;
		if (!rn || rn > rnmax)
			return ssm_sccb_malformed(cmd, resp, rn,
						  "increment number out of range");
	}
	return 0;
}

/**
 * ssm_sccb_decode_storage_info() - decode a read storage info answer
 * @sccb: the answered SCCB
 * @id: storage element id the command was issued for
 * @rnmax: highest valid increment number
 * @info: filled in on success
 *
 * Return: 0, -EIO for an unexpected response, -EPROTO for a malformed one.
 */
int ssm_sccb_decode_storage_info(const void *sccb, u8 id, u32 rnmax,
				 struct ssm_storage_info *info)
{
	const struct ssm_storage_info_sccb *si = sccb;
	u32 cmd = SSM_CMD_WITH_ID(SSM_CMD_READ_STORAGE_INFO, id);
	u16 resp = si->header.response_code;
	int rc;

	switch (resp) {
	case SSM_RESP_READ_OK:
		info->state = SSM_ELEM_ATTACHED;
		break;
	case SSM_RESP_ELEM_NOT_PRESENT:
		info->state = SSM_ELEM_NOT_PRESENT;
		break;
	case SSM_RESP_ELEM_STANDBY:
		info->state = SSM_ELEM_STANDBY;
		break;
	default:
		return ssm_sccb_bad_response(cmd, resp, 0);
	}
	if (!ssm_sccb_length_ok(&si->header))
		return ssm_sccb_malformed(cmd, resp, 0, "SCCB length changed");
	if (si->max_id > SSM_MAX_STORAGE_ID)
		return ssm_sccb_malformed(cmd, resp, 0,
					  "storage element id out of range");
	if (id > si->max_id)
		return ssm_sccb_malformed(cmd, resp, 0,
					  "element beyond the reported maximum");
	info->max_id = si->max_id;
	info->nr_entries = 0;
	if (info->state == SSM_ELEM_NOT_PRESENT)
		return 0;
	rc = ssm_sccb_check_entries(cmd, resp, si->entries, si->assigned, rnmax);
	if (rc)
		return rc;
	info->nr_entries = si->assigned;
	return 0;
}

/**
 * ssm_sccb_response() - the response code firmware wrote into an SCCB
 * @sccb: an answered SCCB of any command
 *
 * Return: the response code, whether the answer is good or not.
 */
u16 ssm_sccb_response(const void *sccb)
{
	const struct ssm_sccb_header *hdr = sccb;

	return hdr->response_code;
}

/**
 * ssm_sccb_decode_assign() - decode an assign or unassign storage answer
 * @sccb: the answered SCCB
 * @cmd: SSM_CMD_ASSIGN_STORAGE or SSM_CMD_UNASSIGN_STORAGE
 * @rn: the increment the command was issued for
 *
 * Return: 0, -EIO for an error response, -EPROTO for a malformed answer.
 */
int ssm_sccb_decode_assign(const void *sccb, u32 cmd, u16 rn)
{
	const struct ssm_assign_sccb *as = sccb;
	u16 resp = as->header.response_code;

	if (resp != SSM_RESP_DONE && resp != SSM_RESP_DONE_ALT)
		return ssm_sccb_bad_response(cmd, resp, rn);
	if (!ssm_sccb_length_ok(&as->header))
		return ssm_sccb_malformed(cmd, resp, rn, "SCCB length changed");
	if (as->rn != rn)
		return ssm_sccb_malformed(cmd, resp, rn,
					  "answer names another increment");
	return 0;
}

/**
 * ssm_sccb_decode_attach() - decode an attach storage element answer
 * @sccb: the answered SCCB
 * @id: storage element id
 * @rnmax: highest valid increment number
 * @nr_entries: number of entries (increments attach assigned) on success
 *
 * Return: 0, -EIO for an error response, -EPROTO for a malformed answer.
 */
int ssm_sccb_decode_attach(const void *sccb, u8 id, u32 rnmax, u16 *nr_entries)
{
	const struct ssm_attach_sccb *at = sccb;
	u32 cmd = SSM_CMD_WITH_ID(SSM_CMD_ATTACH_STORAGE, id);
	u16 resp = at->header.response_code;
	int rc;

	if (resp != SSM_RESP_DONE)
		return ssm_sccb_bad_response(cmd, resp, 0);
	if (!ssm_sccb_length_ok(&at->header))
		return ssm_sccb_malformed(cmd, resp, 0, "SCCB length changed");
	rc = ssm_sccb_check_entries(cmd, resp, at->entries, at->assigned, rnmax);
	if (rc)
		return rc;
	*nr_entries = at->assigned;
	return 0;
}

/**
 * ssm_sccb_entry_rn() - increment number of entry @i of a decoded answer
 * @sccb: an SCCB accepted by ssm_sccb_decode_storage_info() or
 *	  ssm_sccb_decode_attach()
 * @attach: true for an attach answer
 * @i: entry index, below the decoded entry count
 *
 * Return: the rn, or 0 for an unused entry.
 */
u16 ssm_sccb_entry_rn(const void *sccb, bool attach, unsigned int i)
{
	const u32 *entries = attach ?
		((const struct ssm_attach_sccb *)sccb)->entries :
		((const struct ssm_storage_info_sccb *)sccb)->entries;

	return entries[i] >> 16;
}
