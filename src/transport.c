// SPDX-License-Identifier: GPL-2.0
/*
 * The request path to firmware: request slots allocated at load, one
 * synchronous request at a time, and requests firmware answers after the
 * caller gave up.
 *
 * A slot moves FREE -> HELD (ssm_req_get) -> BUSY (ssm_req_run) -> DONE
 * (completed) -> FREE (ssm_req_put). When the caller's wait times out, the
 * SCCB and the completion callback still belong to firmware: the slot
 * becomes ORPHANED and takes a reference on this module, which keeps
 * delete_module() away until the late completion hands the slot back and
 * drops the reference, as the very last thing it does. That completion runs
 * with interrupts or bottom halves disabled (the SCLP interrupt, a timer),
 * and free_module() waits for such sections (synchronize_rcu()) before it
 * frees our code, so the few instructions after module_put() are safe. A
 * failed load cannot wait for delete_module(): ssm_transport_exit() waits
 * for the orphans instead.
 */
#define pr_fmt(fmt) "s390_standby_mem: " fmt

#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/wait.h>

#include "transport.h"

static DECLARE_WAIT_QUEUE_HEAD(ssm_orphans_wq);

/* Firmware is done with @req: wake its caller, or take back an orphan. */
static void ssm_req_complete(struct ssm_req *req, int result)
{
	struct ssm_transport *t = req->t;
	unsigned long flags;
	bool orphaned;

	spin_lock_irqsave(&t->lock, flags);
	req->result = result;
	orphaned = req->state == SSM_REQ_ORPHANED;
	if (orphaned) {
		req->state = SSM_REQ_FREE;
		t->orphans--;
		t->late++;
		wake_up(&ssm_orphans_wq);
	} else {
		req->state = SSM_REQ_DONE;
		complete(&req->done);
	}
	spin_unlock_irqrestore(&t->lock, flags);
	if (!orphaned)
		return;
	/* Only safe where free_module()'s synchronize_rcu() waits for us. */
	WARN_ON_ONCE(preemptible());
	module_put(THIS_MODULE);
}

/**
 * ssm_transport_init() - allocate a transport's request slots
 * @t: transport, embedded in the transport's own structure
 * @ops: its operations
 * @timeout: jiffies a caller waits for an answer
 *
 * Return: 0 or -ENOMEM (nothing left allocated).
 */
int ssm_transport_init(struct ssm_transport *t,
		       const struct ssm_transport_ops *ops,
		       unsigned long timeout)
{
	struct ssm_req *req;
	int i;

	t->ops = ops;
	t->timeout = timeout;
	spin_lock_init(&t->lock);
	t->orphans = 0;
	t->late = 0;
	for (i = 0; i < SSM_REQ_SLOTS; i++) {
		req = &t->reqs[i];
		req->t = t;
		req->state = SSM_REQ_FREE;
		init_completion(&req->done);
		/* SCCBs must lie below 2 GiB: GFP_DMA. */
		req->sccb = (void *)get_zeroed_page(GFP_KERNEL | GFP_DMA);
		if (!req->sccb) {
			ssm_transport_exit(t);
			return -ENOMEM;
		}
	}
	return 0;
}

/**
 * ssm_transport_exit() - free the slots once firmware has none of them
 * @t: transport
 *
 * After a normal unload no request is outstanding (each holds a module
 * reference). On a failed load one may be: wait for firmware to answer it.
 */
void ssm_transport_exit(struct ssm_transport *t)
{
	int i;

	while (!wait_event_timeout(ssm_orphans_wq,
				   !ssm_transport_orphans(t), t->timeout))
		pr_warn("waiting for firmware to answer %u abandoned requests\n",
			ssm_transport_orphans(t));
	for (i = 0; i < SSM_REQ_SLOTS; i++) {
		free_page((unsigned long)t->reqs[i].sccb);
		t->reqs[i].sccb = NULL;
	}
}

/**
 * ssm_transport_orphans() - requests firmware has not answered yet
 * @t: transport
 *
 * Return: the number of orphaned slots.
 */
unsigned int ssm_transport_orphans(struct ssm_transport *t)
{
	unsigned long flags;
	unsigned int n;

	spin_lock_irqsave(&t->lock, flags);
	n = t->orphans;
	spin_unlock_irqrestore(&t->lock, flags);
	return n;
}

/**
 * ssm_req_get() - take a free request slot
 * @t: transport
 *
 * Return: the slot, its SCCB ready to be encoded, or NULL when every slot
 * is held by firmware (unanswered requests).
 */
struct ssm_req *ssm_req_get(struct ssm_transport *t)
{
	struct ssm_req *req = NULL;
	unsigned long flags;
	int i;

	spin_lock_irqsave(&t->lock, flags);
	for (i = 0; i < SSM_REQ_SLOTS; i++) {
		if (t->reqs[i].state == SSM_REQ_FREE) {
			req = &t->reqs[i];
			req->state = SSM_REQ_HELD;
			break;
		}
	}
	spin_unlock_irqrestore(&t->lock, flags);
	return req;
}

/**
 * ssm_req_put() - give a slot back after its answer was decoded
 * @req: slot from ssm_req_get(); an orphaned one stays with firmware
 */
void ssm_req_put(struct ssm_req *req)
{
	struct ssm_transport *t = req->t;
	unsigned long flags;

	spin_lock_irqsave(&t->lock, flags);
	if (req->state != SSM_REQ_ORPHANED)
		req->state = SSM_REQ_FREE;
	spin_unlock_irqrestore(&t->lock, flags);
}

/**
 * ssm_req_run() - issue a prepared request and wait for its answer
 * @req: held slot, SCCB encoded
 * @cmd: SCLP command word
 *
 * Return: 0 when firmware answered (the answer is in req->sccb until
 * ssm_req_put()), -ETIMEDOUT when it did not answer in time (the slot is
 * orphaned), or the error with which the transport refused or failed it.
 */
int ssm_req_run(struct ssm_req *req, u32 cmd)
{
	struct ssm_transport *t = req->t;
	unsigned long flags;
	int rc;

	req->cmd = cmd;
	req->result = -EIO;
	req->complete = ssm_req_complete;
	reinit_completion(&req->done);
	spin_lock_irqsave(&t->lock, flags);
	req->state = SSM_REQ_BUSY;
	spin_unlock_irqrestore(&t->lock, flags);

	rc = t->ops->start(t, req);
	if (rc) {
		spin_lock_irqsave(&t->lock, flags);
		req->state = SSM_REQ_HELD;	/* not taken: still ours */
		spin_unlock_irqrestore(&t->lock, flags);
		return rc;
	}
	if (wait_for_completion_timeout(&req->done, t->timeout))
		return req->result;

	spin_lock_irqsave(&t->lock, flags);
	if (req->state == SSM_REQ_DONE) {
		/* The answer came while we gave up. */
		spin_unlock_irqrestore(&t->lock, flags);
		return req->result;
	}
	req->state = SSM_REQ_ORPHANED;
	t->orphans++;
	/* Dropped by ssm_req_complete(): see the top of this file. */
	__module_get(THIS_MODULE);
	spin_unlock_irqrestore(&t->lock, flags);
	return -ETIMEDOUT;
}
