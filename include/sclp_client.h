/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SCLP client: storage commands on top of a transport (real firmware in
 * sclp_hw.c, simulated firmware in the s390_standby_mem_sim module).
 */
#ifndef SSM_SCLP_CLIENT_H
#define SSM_SCLP_CLIENT_H

#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/bitmap.h>

#include "sccb.h"
#include "layout.h"
#include "transport.h"

enum ssm_client_op {
	SSM_OP_READ_INFO,
	SSM_OP_STORAGE_INFO,
	SSM_OP_ATTACH,
	SSM_OP_ASSIGN,
	SSM_OP_UNASSIGN,
	SSM_OP_NR,
};

/* No storage element known for an increment. */
#define SSM_ELEM_NONE		0xffff

struct ssm_client {
	struct ssm_transport *transport;
	struct mutex lock;		/* serialises requests and the maps */
	struct ssm_scp_info info;
	u8 max_id;
	DECLARE_BITMAP(attached, SSM_MAX_STORAGE_ID + 1);
	DECLARE_BITMAP(present, SSM_MAX_STORAGE_ID + 1);
	unsigned long requests[SSM_OP_NR];
	unsigned long failures[SSM_OP_NR];
	unsigned long unknown;		/* assigns of unknown outcome */
	unsigned long busy;		/* no request slot was free */
	/* by rn, sized at ssm_client_read_info() */
	u16 *last_resp;			/* last (un)assign answer */
	u16 *elem;			/* storage element, SSM_ELEM_NONE */
	unsigned long *fw_assigned;	/* firmware's view, see fw_read */
	DECLARE_BITMAP(fw_read, SSM_MAX_STORAGE_ID + 1);
	u16 *rns;			/* an attach's entries, SCCB-sized */
};

#define SSM_RESP_NONE		0x0000	/* no (un)assign issued yet */
#define SSM_RESP_NO_ANSWER	0xffff	/* request timed out */

extern const struct ssm_fw_ops ssm_client_fw_ops;

const char *ssm_client_op_name(enum ssm_client_op op);
int ssm_client_init(struct ssm_client *c, struct ssm_transport *t);
void ssm_client_destroy(struct ssm_client *c);
int ssm_client_read_info(struct ssm_client *c, struct ssm_scp_info *info);
int ssm_client_discover(struct ssm_client *c, struct ssm_layout *l);
int ssm_client_attach_all(struct ssm_client *c, struct ssm_layout *l);
int ssm_client_assign(struct ssm_client *c, u16 rn, bool *unsure);
int ssm_client_unassign(struct ssm_client *c, u16 rn);
int ssm_client_fw_assigned(struct ssm_client *c, u16 rn, bool *assigned);
int ssm_client_read_assigned(struct ssm_client *c, unsigned long *map);
void ssm_client_forget(struct ssm_client *c);
u16 ssm_client_last_response(struct ssm_client *c, u32 rn);
u16 ssm_client_elem(struct ssm_client *c, u32 rn);
void ssm_client_snapshot(struct ssm_client *c, u32 nr, u16 *elem, u16 *resp);

#endif /* SSM_SCLP_CLIENT_H */
