/* SPDX-License-Identifier: GPL-2.0 */
/*
 * backend=sim: the module's side of the simulated firmware (the module
 * s390_standby_mem_sim), reached through symbol_request() only.
 */
#ifndef SSM_SIM_LINK_H
#define SSM_SIM_LINK_H

#include <linux/types.h>

#include "sclp_sim.h"

struct ssm_transport;

/* What the parameters ask of the simulated machine (0: default). */
struct ssm_sim_params {
	u64 rzm;
	u64 base, size;
	const char *fault;	/* sim_fault=, or NULL */
	const char *rzm_str;	/* for messages */
};

struct ssm_transport *ssm_sim_link_open(const struct ssm_sim_params *p);
bool ssm_transport_is_sim(struct ssm_transport *t);
bool ssm_sim_link_twin(struct ssm_transport *t);
void ssm_sim_link_checkpoint(struct ssm_transport *t);
void ssm_sim_link_verify(struct ssm_transport *t);
void ssm_sim_link_assigned_map(struct ssm_transport *t, unsigned long *map,
			       u32 nr);
void ssm_sim_link_stats(struct ssm_transport *t, struct ssm_sim_stats *st);

#endif /* SSM_SIM_LINK_H */
