/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Real SCLP firmware transport (s390 only), and what the kernel read from
 * firmware at boot.
 *
 * sclp_sync_request() is not exported to modules; sclp_add_request() is.
 * Its struct sclp_req lives in drivers/s390/char/sclp.h, which is not an
 * installed header, so it is mirrored here. src/sclp_hw_check.c compares
 * the mirror with the real structure at build time wherever the kernel
 * source tree is at hand (full trees; a headers-only package lacks it).
 */
#ifndef SSM_SCLP_HW_H
#define SSM_SCLP_HW_H

#include <linux/err.h>
#include <linux/list.h>
#include <linux/types.h>

struct ssm_scp_info;
struct ssm_transport;

/* Mirror of struct sclp_req, identical in 6.1, 6.12 and 7.x. */
struct ssm_sclp_req {
	struct list_head list;
	u32 command;
	void *sccb;
	char status;
	int start_count;
	void (*callback)(struct ssm_sclp_req *req, void *data);
	void *callback_data;
	int queue_timeout;
	unsigned long queue_expires;
};

/* Mirror of the SCLP_REQ_* status values. */
#define SSM_SCLP_REQ_FILLED		0x00
#define SSM_SCLP_REQ_DONE		0x03
#define SSM_SCLP_REQ_FAILED		0x05
#define SSM_SCLP_REQ_QUEUED_TIMEOUT	0x06

#ifdef CONFIG_S390
struct ssm_transport *ssm_hw_create(void);
int ssm_hw_scp_info(struct ssm_scp_info *info);
u64 ssm_hw_facilities(void);
u64 ssm_hw_storage_size(void);
#else
static inline struct ssm_transport *ssm_hw_create(void)
{
	return ERR_PTR(-ENODEV);
}

static inline int ssm_hw_scp_info(struct ssm_scp_info *info)
{
	return -ENODEV;
}

static inline u64 ssm_hw_facilities(void)
{
	return 0;
}

static inline u64 ssm_hw_storage_size(void)
{
	return 0;
}
#endif

#endif /* SSM_SCLP_HW_H */
