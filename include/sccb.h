/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SCLP wire format of the storage commands: every number of the protocol
 * lives here and in sccb.c. Callers above see errnos, never response codes.
 */
#ifndef SSM_SCCB_H
#define SSM_SCCB_H

#include <linux/types.h>
#include <linux/build_bug.h>

/* An SCCB of the storage commands is one 4 KiB page. */
#define SSM_SCCB_SIZE			4096

#define SSM_CMD_READ_SCP_INFO		0x00020001
#define SSM_CMD_READ_SCP_INFO_FORCED	0x00120001
#define SSM_CMD_READ_STORAGE_INFO	0x00040001
#define SSM_CMD_ATTACH_STORAGE		0x00080001
#define SSM_CMD_UNASSIGN_STORAGE	0x000c0001
#define SSM_CMD_ASSIGN_STORAGE		0x000d0001
/* Read storage info and attach carry the storage element id in bits 8-15. */
#define SSM_CMD_WITH_ID(cmd, id)	((u32)(cmd) | (u32)(id) << 8)
#define SSM_CMD_BASE(cmd)		((cmd) & 0xffff00ffU)
#define SSM_CMD_ID(cmd)			(((cmd) >> 8) & 0xff)

#define SSM_RESP_READ_OK		0x0010	/* read completed */
#define SSM_RESP_DONE			0x0020	/* normal completion */
#define SSM_RESP_DONE_ALT		0x0120	/* completed, condition noted */
#define SSM_RESP_ELEM_NOT_PRESENT	0x0310	/* no such storage element */
#define SSM_RESP_ELEM_STANDBY		0x0410	/* element not attached */
#define SSM_RESP_INVALID_COMMAND	0x01f0	/* command not supported */

/* Facility bits that say the machine supports standby memory. */
#define SSM_FAC_STANDBY_MEMORY		0xe00000000000ULL

#define SSM_MAX_STORAGE_ID		255
/* rn is a 16-bit field of the assign SCCB: at most 65535 increments. */
#define SSM_MAX_RN			65535

struct ssm_sccb_header {
	u16 length;
	u8 function_code;
	u8 control_mask[3];
	u16 response_code;
} __packed;

/* The fields of read SCP info we use, at their architected offsets. */
struct ssm_read_info_sccb {
	struct ssm_sccb_header header;	/* 0-7 */
	u16 rnmax;			/* 8-9 */
	u8 rnsize;			/* 10: increment size in MiB, 0: see rnsize2 */
	u8 _pad_11[48 - 11];
	u64 facilities;			/* 48-55 */
	u8 _pad_56[100 - 56];
	u32 rnsize2;			/* 100-103 */
	u64 rnmax2;			/* 104-111 */
} __packed;

struct ssm_storage_info_sccb {
	struct ssm_sccb_header header;
	u16 max_id;
	u16 assigned;
	u16 standby;
	u16 _pad;
	u32 entries[];			/* rn << 16; 0 entries are unused */
} __packed;

struct ssm_assign_sccb {
	struct ssm_sccb_header header;
	u16 rn;
} __packed;

struct ssm_attach_sccb {
	struct ssm_sccb_header header;
	u16 _pad0;
	u16 assigned;
	u32 _pad1;
	u32 entries[];
} __packed;

static_assert(sizeof(struct ssm_sccb_header) == 8);
static_assert(sizeof(struct ssm_read_info_sccb) == 112);
static_assert(sizeof(struct ssm_storage_info_sccb) == 16);
static_assert(sizeof(struct ssm_attach_sccb) == 16);

#define SSM_SCCB_MAX_ENTRIES \
	((SSM_SCCB_SIZE - sizeof(struct ssm_storage_info_sccb)) / sizeof(u32))

/* What read SCP info tells us. */
struct ssm_scp_info {
	u64 rzm;		/* increment size in bytes */
	u32 rnmax;		/* highest increment number */
	u64 facilities;
};

/* State of a storage element, from read storage info. */
enum ssm_elem_state {
	SSM_ELEM_ATTACHED,	/* entries are assigned increments */
	SSM_ELEM_NOT_PRESENT,
	SSM_ELEM_STANDBY,	/* not attached; entries are its increments */
};

struct ssm_storage_info {
	enum ssm_elem_state state;
	u8 max_id;
	u16 nr_entries;		/* valid entries in the SCCB */
};

const char *ssm_sccb_cmd_name(u32 cmd);

void ssm_sccb_prepare(void *sccb, u8 function_code);
void ssm_sccb_encode_assign(void *sccb, u16 rn);
void ssm_sccb_encode_read_info(void *sccb);
int ssm_sccb_decode_read_info(const void *sccb, struct ssm_scp_info *info);
int ssm_sccb_info_from_kernel(u64 rzm, u64 rnmax, u64 facilities,
			      struct ssm_scp_info *info);
int ssm_sccb_decode_storage_info(const void *sccb, u8 id, u32 rnmax,
				 struct ssm_storage_info *info);
u16 ssm_sccb_response(const void *sccb);
int ssm_sccb_decode_assign(const void *sccb, u32 cmd, u16 rn);
int ssm_sccb_decode_attach(const void *sccb, u8 id, u32 rnmax, u16 *nr_entries);
u16 ssm_sccb_entry_rn(const void *sccb, bool attach, unsigned int i);

#endif /* SSM_SCCB_H */
