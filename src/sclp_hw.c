// SPDX-License-Identifier: GPL-2.0
/*
 * Real SCLP firmware transport (s390 only).
 *
 * Each request gets its own zeroed GFP_DMA page as SCCB and its own
 * struct ssm_sclp_req, queued with the exported sclp_add_request(); the
 * SCLP core calls back on completion. We wait with a timeout. If it
 * expires, the SCLP core still owns request and SCCB and may write to them
 * later: they are reference counted and the late callback frees them, so a
 * lost answer costs one page, never a use after free.
 *
 * What upstream does after assign with helpers a module cannot call:
 * - storage keys: storage_key_init_range() sets PAGE_DEFAULT_KEY, which is
 *   0 on every kernel we support, so it compiles to nothing there too;
 *   the static_assert below makes that assumption a build error
 *   should it ever change.
 * - CMMA: upstream marks the memmap pages on the block "nodat"
 *   (__arch_set_page_nodat(), not exported). We leave them in the default
 *   state; that only forgoes a hypervisor hint that these pages never hold
 *   page tables. It is always safe.
 */
#define pr_fmt(fmt) "s390_standby_mem: " fmt

#include <linux/kernel.h>
#include <linux/completion.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/jiffies.h>
#include <linux/printk.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/page.h>
#include <asm/sclp.h>

#include "sccb.h"
#include "sclp_client.h"
#include "sclp_hw.h"

/* Exported by drivers/s390/char/sclp.c; declared in a non-installed header. */
int sclp_add_request(struct ssm_sclp_req *req);

/* Seconds a request may wait in the SCLP queue, as upstream's requests. */
#define SSM_HW_QUEUE_TIMEOUT	5
/* How long we wait for an answer at all. */
#define SSM_HW_TIMEOUT		(60 * HZ)

/* PAGE_DEFAULT_KEY is 0: a newly assigned increment needs no key setup. */
static_assert(PAGE_DEFAULT_KEY == 0);

struct ssm_hw_call {
	struct ssm_sclp_req req;
	struct completion done;
	refcount_t ref;			/* the waiter and the callback */
	void *sccb;
};

static void ssm_hw_put(struct ssm_hw_call *call)
{
	if (!refcount_dec_and_test(&call->ref))
		return;
	free_page((unsigned long)call->sccb);
	kfree(call);
}

static void ssm_hw_callback(struct ssm_sclp_req *req, void *data)
{
	struct ssm_hw_call *call = data;

	complete(&call->done);
	ssm_hw_put(call);
}

static int ssm_hw_sync_request(struct ssm_transport *t, u32 cmd, void *sccb)
{
	struct ssm_hw_call *call;
	int rc;

	call = kzalloc(sizeof(*call), GFP_KERNEL);
	if (!call)
		return -ENOMEM;
	call->sccb = (void *)get_zeroed_page(GFP_KERNEL | GFP_DMA);
	if (!call->sccb) {
		kfree(call);
		return -ENOMEM;
	}
	memcpy(call->sccb, sccb, SSM_SCCB_SIZE);
	init_completion(&call->done);
	refcount_set(&call->ref, 2);
	call->req.command = cmd;
	call->req.sccb = call->sccb;
	call->req.status = SSM_SCLP_REQ_FILLED;
	call->req.queue_timeout = SSM_HW_QUEUE_TIMEOUT;
	call->req.callback = ssm_hw_callback;
	call->req.callback_data = call;

	rc = sclp_add_request(&call->req);
	if (rc) {
		/* Not queued: no callback will come. */
		free_page((unsigned long)call->sccb);
		kfree(call);
		return rc;
	}
	if (!wait_for_completion_timeout(&call->done, SSM_HW_TIMEOUT)) {
		/* The SCLP core still owns it; the callback frees it. */
		ssm_hw_put(call);
		return -ETIMEDOUT;
	}
	if (call->req.status == SSM_SCLP_REQ_DONE) {
		memcpy(sccb, call->sccb, SSM_SCCB_SIZE);
	} else {
		pr_warn("%s: request failed (cmd=0x%08x, status=0x%02x)\n",
			ssm_sccb_cmd_name(cmd), cmd, call->req.status);
		rc = call->req.status == SSM_SCLP_REQ_QUEUED_TIMEOUT ?
			-ETIMEDOUT : -EIO;
	}
	ssm_hw_put(call);
	return rc;
}

static void ssm_hw_destroy(struct ssm_transport *t)
{
	kfree(t);
}

static const struct ssm_transport_ops ssm_hw_ops = {
	.name = "sclp",
	.sync_request = ssm_hw_sync_request,
	.destroy = ssm_hw_destroy,
};

/**
 * ssm_hw_create() - transport to the real SCLP firmware
 *
 * Return: the transport or an ERR_PTR().
 */
struct ssm_transport *ssm_hw_create(void)
{
	struct ssm_transport *t;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return ERR_PTR(-ENOMEM);
	t->ops = &ssm_hw_ops;
	return t;
}

/**
 * ssm_hw_storage_size() - storage the machine has, as the kernel read it
 *			   from firmware at boot
 *
 * Return: rnmax * rzm in bytes.
 */
u64 ssm_hw_storage_size(void)
{
	return (u64)sclp.rnmax * sclp.rzm;
}
