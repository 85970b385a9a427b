/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Simulated SCLP firmware: the module s390_standby_mem_sim.
 *
 * It is a module of its own because firmware outlives the module that
 * talks to it: the simulated machine (which increments are assigned, which
 * storage elements attached) is created by its first user and kept while
 * anyone holds it, so s390_standby_mem can be unloaded and loaded again
 * against the same machine, and a test double of the kernel's own SCLP
 * memory notifier (tests/twin) can share it, as on a real machine.
 *
 * s390_standby_mem reaches it only through symbol_request(ssm_sim_ops) when
 * loaded with backend=sim; it does not depend on it otherwise.
 */
#ifndef SSM_SCLP_SIM_H
#define SSM_SCLP_SIM_H

#include <linux/types.h>

struct ssm_req;
struct ssm_sim;

enum ssm_sim_fault_mode {
	SSM_FAULT_RESPONSE,	/* answer with an error response code */
	SSM_FAULT_TIMEOUT,	/* no answer in time; no effect */
	SSM_FAULT_MALFORMED,	/* execute, then answer nonsense */
	SSM_FAULT_LATE,		/* execute, answer after the caller gave up */
	SSM_FAULT_NR_MODES,
};

/* Whose requests a fault hits. */
enum ssm_sim_side {
	SSM_SIDE_MODULE,	/* s390_standby_mem's */
	SSM_SIDE_KERNEL,	/* the kernel's own notifier (its test double) */
	SSM_SIDE_NR,
};

/* Operations, as the client names them. */
enum ssm_sim_op {
	SSM_SIM_READ_INFO,
	SSM_SIM_STORAGE_INFO,
	SSM_SIM_ATTACH,
	SSM_SIM_ASSIGN,
	SSM_SIM_UNASSIGN,
	SSM_SIM_NR_OPS,
};

/* Which requests fail, and how. */
struct ssm_sim_fault {
	int op;			/* enum ssm_sim_op, or -1: none */
	enum ssm_sim_fault_mode mode;
	enum ssm_sim_side side;
	u16 response;		/* for SSM_FAULT_RESPONSE */
	u32 count;		/* fail this many matching requests */
	u32 skip;		/* after letting this many pass */
	u32 rn;			/* only requests for this rn (0: any) */
	u32 matched;		/* matching requests seen so far */
};

/* Faults armed at once, e.g. an assign that times out and its cleanup. */
#define SSM_SIM_MAX_FAULTS	4

struct ssm_sim_config {
	u64 rzm;		/* increment size */
	u64 storage_size;	/* all storage: boot memory and standby */
	u64 boot_size;		/* assigned at start (below it: boot memory) */
	u32 elem_incrs;		/* increments per storage element (0: auto) */
	bool use_ram;		/* the standby RAM is real: canaries */
	unsigned int late_ms;	/* late answers after (0: late_ms=) */
};

struct ssm_sim_stats {
	unsigned long requests;		/* from the module */
	unsigned long kernel_requests;	/* from the kernel's notifier */
	unsigned long faults_injected;
	unsigned long late;		/* answers after the caller gave up */
	unsigned long canary_written;	/* unassigned increments marked */
	unsigned long canary_checked;	/* ... and found intact */
	unsigned long canary_unverified; /* no canary to check (never mapped) */
	unsigned long canary_errors;	/* written while unassigned */
	unsigned long violations;	/* protocol misuse by a client */
};

/*
 * The exported interface, one table so that s390_standby_mem can take it
 * with one symbol_request() (and give it back with symbol_put()).
 */
struct ssm_sim_ops {
	/* The machine if one exists (a reference), else NULL. */
	struct ssm_sim *(*get)(void);
	/* Create the machine; ERR_PTR(-EEXIST) if there is one. */
	struct ssm_sim *(*create)(const struct ssm_sim_config *cfg);
	void (*put)(struct ssm_sim *sim);
	void (*config)(struct ssm_sim *sim, struct ssm_sim_config *cfg);
	/* Transport start for the module's requests (see transport.h). */
	int (*start)(struct ssm_sim *sim, struct ssm_req *req);
	/*
	 * Test only: a synchronous request of the kernel's own notifier, as
	 * sclp_sync_request() makes it. Return 0 when answered.
	 */
	int (*kernel_request)(struct ssm_sim *sim, u32 cmd, void *sccb);
	/* Test only: the kernel's own notifier is (not) registered. */
	void (*set_kernel_notifier)(struct ssm_sim *sim, bool present);
	bool (*kernel_notifier)(struct ssm_sim *sim);
	/* Check every unassigned increment's canary now (and mark). */
	void (*verify)(struct ssm_sim *sim);
	/* Mark unassigned increments the kernel maps now (after an add). */
	void (*mark)(struct ssm_sim *sim);
	int (*set_faults)(struct ssm_sim *sim, const char *spec);
	void (*get_stats)(struct ssm_sim *sim, struct ssm_sim_stats *stats);
	bool (*rn_assigned)(struct ssm_sim *sim, u32 rn);
	/* Bits 1..nr of @map: firmware has the increment assigned. */
	void (*assigned_map)(struct ssm_sim *sim, unsigned long *map, u32 nr);
};

extern const struct ssm_sim_ops ssm_sim_ops;

/* The pure parts, also used by KUnit. */
int ssm_sim_parse_faults(const char *spec, struct ssm_sim_fault *faults,
			 unsigned int max);
int ssm_sim_format_faults(const struct ssm_sim_fault *faults,
			  unsigned int nr, char *buf, size_t size);
const char *ssm_sim_op_name(int op);

#endif /* SSM_SCLP_SIM_H */
