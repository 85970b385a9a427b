// SPDX-License-Identifier: GPL-2.0
/*
 * Build-time check: our mirror of struct sclp_req (include/sclp_hw.h) must
 * match the kernel's own. Compiled only when the target tree has
 * drivers/s390/char/sclp.h (see Kbuild); it emits no code.
 */
#include <linux/stddef.h>
#include <sclp.h>

#include "sclp_hw.h"

static_assert(sizeof(struct sclp_req) == sizeof(struct ssm_sclp_req));
static_assert(offsetof(struct sclp_req, list) ==
	      offsetof(struct ssm_sclp_req, list));
static_assert(offsetof(struct sclp_req, command) ==
	      offsetof(struct ssm_sclp_req, command));
static_assert(offsetof(struct sclp_req, sccb) ==
	      offsetof(struct ssm_sclp_req, sccb));
static_assert(offsetof(struct sclp_req, status) ==
	      offsetof(struct ssm_sclp_req, status));
static_assert(offsetof(struct sclp_req, start_count) ==
	      offsetof(struct ssm_sclp_req, start_count));
static_assert(offsetof(struct sclp_req, callback) ==
	      offsetof(struct ssm_sclp_req, callback));
static_assert(offsetof(struct sclp_req, callback_data) ==
	      offsetof(struct ssm_sclp_req, callback_data));
static_assert(offsetof(struct sclp_req, queue_timeout) ==
	      offsetof(struct ssm_sclp_req, queue_timeout));
static_assert(offsetof(struct sclp_req, queue_expires) ==
	      offsetof(struct ssm_sclp_req, queue_expires));
static_assert(SCLP_REQ_FILLED == SSM_SCLP_REQ_FILLED);
static_assert(SCLP_REQ_DONE == SSM_SCLP_REQ_DONE);
static_assert(SCLP_REQ_FAILED == SSM_SCLP_REQ_FAILED);
static_assert(SCLP_REQ_QUEUED_TIMEOUT == SSM_SCLP_REQ_QUEUED_TIMEOUT);
