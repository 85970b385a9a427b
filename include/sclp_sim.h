/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Simulated SCLP firmware: answers the storage commands from its own state.
 */
#ifndef SSM_SCLP_SIM_H
#define SSM_SCLP_SIM_H

#include <linux/types.h>

struct ssm_transport;

enum ssm_sim_fault_mode {
	SSM_FAULT_RESPONSE,	/* answer with an error response code */
	SSM_FAULT_TIMEOUT,	/* never answer: the request times out */
	SSM_FAULT_MALFORMED,	/* execute, then answer nonsense */
	SSM_FAULT_NR_MODES,
};

/* Which requests fail, and how. */
struct ssm_sim_fault {
	int op;			/* enum ssm_client_op, or -1: none */
	enum ssm_sim_fault_mode mode;
	u16 response;		/* for SSM_FAULT_RESPONSE */
	u32 count;		/* fail this many matching requests */
	u32 skip;		/* after letting this many pass */
	u32 rn;			/* only requests for this rn (0: any) */
};

struct ssm_sim_config {
	u64 rzm;		/* increment size */
	u64 storage_size;	/* all storage: boot memory and standby */
	u64 boot_size;		/* assigned at start (below it: boot memory) */
	u32 elem_incrs;		/* increments per storage element (0: auto) */
	bool use_ram;		/* canaries in the standby RAM */
};

struct ssm_sim_stats {
	unsigned long requests;
	unsigned long faults_injected;
	unsigned long canary_checked;	/* increments verified on assign */
	unsigned long canary_unverified;	/* no canary or not mapped */
	unsigned long canary_errors;	/* written while unassigned */
	unsigned long violations;	/* protocol misuse by the client */
};

struct ssm_transport *ssm_sim_create(const struct ssm_sim_config *cfg);
int ssm_sim_parse_fault(const char *spec, struct ssm_sim_fault *fault);
int ssm_sim_format_fault(const struct ssm_sim_fault *fault, char *buf,
			 size_t size);
void ssm_sim_set_fault(struct ssm_transport *t,
		       const struct ssm_sim_fault *fault);
void ssm_sim_get_fault(struct ssm_transport *t, struct ssm_sim_fault *fault);
void ssm_sim_get_stats(struct ssm_transport *t, struct ssm_sim_stats *stats);
bool ssm_sim_rn_assigned(struct ssm_transport *t, u32 rn);
u32 ssm_sim_rnmax(struct ssm_transport *t);
bool ssm_transport_is_sim(struct ssm_transport *t);
u64 ssm_sim_default_boot_size(u64 rzm);

#endif /* SSM_SCLP_SIM_H */
