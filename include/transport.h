/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The request path to firmware, shared by the real SCLP transport
 * (sclp_hw.c) and the simulated firmware (the s390_standby_mem_sim module).
 *
 * A transport owns a few request slots, each with its SCCB page, all
 * allocated at load: assign and unassign run inside the memory notifier,
 * when memory may be exhausted, and must not allocate. A request is started
 * and the caller waits for its completion with a timeout. Firmware may
 * answer after the caller gave up: the slot then stays with the transport
 * ("orphaned") until the late completion arrives, and holds a reference on
 * this module, so that the completion never calls into unloaded code.
 */
#ifndef SSM_TRANSPORT_H
#define SSM_TRANSPORT_H

#include <linux/completion.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct ssm_scp_info;
struct ssm_transport;

/* Slots per transport: one in use, the others for unanswered requests. */
#define SSM_REQ_SLOTS		4

enum ssm_req_state {
	SSM_REQ_FREE,
	SSM_REQ_HELD,		/* taken by a caller, not started */
	SSM_REQ_BUSY,		/* started, the caller waits */
	SSM_REQ_DONE,		/* completed, the caller decodes */
	SSM_REQ_ORPHANED,	/* the caller gave up; firmware still has it */
};

struct ssm_req {
	struct ssm_transport *t;
	void *sccb;			/* one page below 2 GiB */
	u32 cmd;
	int result;			/* 0: answered; else why not */
	enum ssm_req_state state;	/* under t->lock */
	struct completion done;
	/* Called by the transport when firmware is done with the request. */
	void (*complete)(struct ssm_req *req, int result);
	void *priv;			/* the transport's per request data */
};

struct ssm_transport_ops {
	const char *name;
	/*
	 * Hand @req (cmd and SCCB filled in) to firmware. Return 0 when it
	 * was taken: req->complete() follows, possibly from interrupt
	 * context, possibly after the caller gave up. Any other return: the
	 * request was not taken and no completion follows.
	 */
	int (*start)(struct ssm_transport *t, struct ssm_req *req);
	/*
	 * Optional: what read SCP info says, without a request (the real
	 * firmware's answer as the kernel read it at boot). Without it the
	 * client sends read SCP info.
	 */
	int (*scp_info)(struct ssm_transport *t, struct ssm_scp_info *info);
	/* Free the transport; no request is outstanding any more. */
	void (*destroy)(struct ssm_transport *t);
};

struct ssm_transport {
	const struct ssm_transport_ops *ops;
	unsigned long timeout;		/* jiffies a caller waits */
	spinlock_t lock;		/* slot states, orphans */
	struct ssm_req reqs[SSM_REQ_SLOTS];
	unsigned int orphans;		/* slots still with firmware */
	unsigned long late;		/* completions after the caller left */
};

int ssm_transport_init(struct ssm_transport *t,
		       const struct ssm_transport_ops *ops,
		       unsigned long timeout);
void ssm_transport_exit(struct ssm_transport *t);
struct ssm_req *ssm_req_get(struct ssm_transport *t);
int ssm_req_run(struct ssm_req *req, u32 cmd);
void ssm_req_put(struct ssm_req *req);
unsigned int ssm_transport_orphans(struct ssm_transport *t);

#endif /* SSM_TRANSPORT_H */
