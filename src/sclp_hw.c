// SPDX-License-Identifier: GPL-2.0
/*
 * Real SCLP firmware transport (s390 only).
 *
 * Requests go through the exported sclp_add_request(); sclp_sync_request()
 * is not exported. Each request slot of the transport (transport.c: SCCB
 * pages allocated at load) has its own struct sclp_req here, so starting a
 * request allocates nothing. The SCLP core calls ssm_hw_callback() when
 * firmware answered, or when it gave up on the request itself; that may be
 * after our caller stopped waiting, which transport.c handles.
 *
 * Read SCP info is not issued again: the kernel read it at boot, with the
 * SCCB size the machine needs, and exports what we use (increment size,
 * highest increment number, facilities) in struct sclp_info.
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
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/page.h>
#include <asm/sclp.h>

#include "sccb.h"
#include "sclp_hw.h"
#include "transport.h"

/* Exported by drivers/s390/char/sclp.c; declared in a non-installed header. */
int sclp_add_request(struct ssm_sclp_req *req);

/* Seconds a request may wait in the SCLP queue, as upstream's requests. */
#define SSM_HW_QUEUE_TIMEOUT	5
/* How long a caller waits for an answer at all. */
#define SSM_HW_TIMEOUT		(60 * HZ)

/* PAGE_DEFAULT_KEY is 0: a newly assigned increment needs no key setup. */
static_assert(PAGE_DEFAULT_KEY == 0);

struct ssm_hw {
	struct ssm_transport t;
	struct ssm_sclp_req sreqs[SSM_REQ_SLOTS];
};

/* From the SCLP interrupt or the SCLP core's timers. */
static void ssm_hw_callback(struct ssm_sclp_req *sreq, void *data)
{
	struct ssm_req *req = data;
	int result;

	switch (sreq->status) {
	case SSM_SCLP_REQ_DONE:
		result = 0;
		break;
	case SSM_SCLP_REQ_QUEUED_TIMEOUT:
		result = -ETIMEDOUT;
		break;
	default:
		result = -EIO;
		break;
	}
	/* The last thing we do: an orphan's completion drops our module. */
	req->complete(req, result);
}

static int ssm_hw_start(struct ssm_transport *t, struct ssm_req *req)
{
	struct ssm_sclp_req *sreq = req->priv;

	memset(sreq, 0, sizeof(*sreq));
	sreq->command = req->cmd;
	sreq->sccb = req->sccb;
	sreq->status = SSM_SCLP_REQ_FILLED;
	sreq->queue_timeout = SSM_HW_QUEUE_TIMEOUT;
	sreq->callback = ssm_hw_callback;
	sreq->callback_data = req;
	return sclp_add_request(sreq);
}

static void ssm_hw_destroy(struct ssm_transport *t)
{
	ssm_transport_exit(t);
	kfree(container_of(t, struct ssm_hw, t));
}

/*
 * The kernel read SCP info at boot with the SCCB size firmware wants
 * (facility 140: the extended form); a 4 KiB request of ours could be
 * refused or cut short where the kernel's was not.
 */
static int ssm_hw_read_info(struct ssm_transport *t, struct ssm_scp_info *info)
{
	return ssm_hw_scp_info(info);
}

static const struct ssm_transport_ops ssm_hw_ops = {
	.name = "sclp",
	.start = ssm_hw_start,
	.scp_info = ssm_hw_read_info,
	.destroy = ssm_hw_destroy,
};

/**
 * ssm_hw_create() - transport to the real SCLP firmware
 *
 * Return: the transport or an ERR_PTR().
 */
struct ssm_transport *ssm_hw_create(void)
{
	struct ssm_hw *hw;
	int i, rc;

	hw = kzalloc(sizeof(*hw), GFP_KERNEL);
	if (!hw)
		return ERR_PTR(-ENOMEM);
	rc = ssm_transport_init(&hw->t, &ssm_hw_ops, SSM_HW_TIMEOUT);
	if (rc) {
		kfree(hw);
		return ERR_PTR(rc);
	}
	for (i = 0; i < SSM_REQ_SLOTS; i++)
		hw->t.reqs[i].priv = &hw->sreqs[i];
	return &hw->t;
}

/**
 * ssm_hw_scp_info() - what the kernel read from firmware at boot
 * @info: increment size, highest increment number, facilities
 *
 * Return: 0, or the error of ssm_sccb_info_from_kernel().
 */
int ssm_hw_scp_info(struct ssm_scp_info *info)
{
	return ssm_sccb_info_from_kernel(sclp.rzm, sclp.rnmax, sclp.facilities,
					 info);
}

/**
 * ssm_hw_facilities() - the facilities firmware reported at boot
 *
 * Return: sclp.facilities, as the kernel's own standby memory code sees it.
 */
u64 ssm_hw_facilities(void)
{
	return sclp.facilities;
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
