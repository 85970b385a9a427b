/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SCLP client: storage commands on top of a transport (real firmware in
 * sclp_hw.c, simulated firmware in sclp_sim.c).
 */
#ifndef SSM_SCLP_CLIENT_H
#define SSM_SCLP_CLIENT_H

#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/bitmap.h>

#include "sccb.h"
#include "layout.h"

struct ssm_transport;

struct ssm_transport_ops {
	const char *name;
	/*
	 * Issue @cmd with @sccb (SSM_SCCB_SIZE bytes, DMA capable, header
	 * filled in) and wait for the answer. Return 0 when firmware answered
	 * (its response code is in the SCCB), -ETIMEDOUT when no answer came
	 * in time, another errno when the request could not be issued.
	 */
	int (*sync_request)(struct ssm_transport *t, u32 cmd, void *sccb);
	void (*destroy)(struct ssm_transport *t);
};

struct ssm_transport {
	const struct ssm_transport_ops *ops;
};

enum ssm_client_op {
	SSM_OP_READ_INFO,
	SSM_OP_STORAGE_INFO,
	SSM_OP_ATTACH,
	SSM_OP_ASSIGN,
	SSM_OP_UNASSIGN,
	SSM_OP_NR,
};

struct ssm_client {
	struct ssm_transport *transport;
	struct mutex lock;		/* serialises requests and @sccb */
	void *sccb;
	struct ssm_scp_info info;
	u8 max_id;
	DECLARE_BITMAP(attached, SSM_MAX_STORAGE_ID + 1);
	DECLARE_BITMAP(present, SSM_MAX_STORAGE_ID + 1);
	unsigned long requests[SSM_OP_NR];
	unsigned long failures[SSM_OP_NR];
	unsigned long unknown;		/* assigns whose cleanup failed */
	u16 *last_resp;			/* by rn: last (un)assign answer */
};

#define SSM_RESP_NONE		0x0000	/* no (un)assign issued yet */
#define SSM_RESP_NO_ANSWER	0xffff	/* request timed out */

u16 ssm_client_last_response(struct ssm_client *c, u32 rn);

extern const struct ssm_fw_ops ssm_client_fw_ops;

const char *ssm_client_op_name(enum ssm_client_op op);
int ssm_client_init(struct ssm_client *c, struct ssm_transport *t);
void ssm_client_destroy(struct ssm_client *c);
int ssm_client_read_info(struct ssm_client *c, struct ssm_scp_info *info);
int ssm_client_discover(struct ssm_client *c, struct ssm_layout *l);
int ssm_client_attach_all(struct ssm_client *c, struct ssm_layout *l);
int ssm_client_assign(struct ssm_client *c, u16 rn);
int ssm_client_unassign(struct ssm_client *c, u16 rn);

#endif /* SSM_SCLP_CLIENT_H */
