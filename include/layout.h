/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The increment model: storage increments, memory blocks, their states.
 * Pure logic, no mm calls; see layout.c.
 */
#ifndef SSM_LAYOUT_H
#define SSM_LAYOUT_H

#include <linux/types.h>
#include <linux/range.h>

/*
 * Increment states. An increment (rn, 1-based, rzm bytes at (rn - 1) * rzm)
 * is foreign when firmware reported it assigned at discovery (boot memory:
 * never ours to give back), standby when it is ours and unassigned, and
 * assigned when assigned for one of our blocks. An assigned increment with
 * no block holding it is "stale": its unassign failed (or its assign had
 * no clear outcome) and it is given back later.
 */
enum ssm_incr_state {
	SSM_INCR_FOREIGN,
	SSM_INCR_STANDBY,
	SSM_INCR_ASSIGNED,
	SSM_INCR_NR_STATES,
};

/*
 * Memory block states. A block is ours when every increment in it is
 * standby memory at discovery. Ours move through:
 *
 *   STANDBY -> ADDING -> OFFLINE -> ONLINING -> ONLINE -> OFFLINING -> OFFLINE
 *   OFFLINE -> REMOVING -> STANDBY
 *
 * ADDING and REMOVING are held by the configure/deconfigure path (and
 * load/unload in lazy mode) while add_memory()/remove_memory() run without
 * our lock; ONLINING and OFFLINING are set from the memory notifier.
 * Whether a block holds its increments assigned is tracked beside the state
 * (from the start of its online to the end of its offline where increments
 * are assigned on the way online; from configure to deconfigure otherwise).
 * The names (debugfs, dmesg, tracepoints) come from one table each, in
 * layout.c.
 */
enum ssm_block_state {
	SSM_BLOCK_UNUSABLE,	/* not entirely standby memory of ours */
	SSM_BLOCK_BOOT,		/* entirely boot (foreign) memory */
	SSM_BLOCK_STANDBY,
	SSM_BLOCK_ADDING,
	SSM_BLOCK_OFFLINE,
	SSM_BLOCK_ONLINING,
	SSM_BLOCK_ONLINE,
	SSM_BLOCK_OFFLINING,
	SSM_BLOCK_REMOVING,
	SSM_BLOCK_NR_STATES,
};

/* Memory notifier events, independent of the kernel's MEM_* spelling. */
enum ssm_event {
	SSM_EV_PREPARE_ONLINE,
	SSM_EV_GOING_ONLINE,
	SSM_EV_ONLINE,
	SSM_EV_CANCEL_ONLINE,
	SSM_EV_GOING_OFFLINE,
	SSM_EV_OFFLINE,
	SSM_EV_CANCEL_OFFLINE,
	SSM_EV_FINISH_OFFLINE,
	SSM_EV_NR,
};

/*
 * Firmware operations the state machine needs: the SCLP client in the
 * module, a fake in KUnit.
 *   assign    0, or an error; *unsure when the increment may be assigned
 *             all the same (no clear answer, and none to the cleanup)
 *   unassign  0, or an error: the increment may still be assigned
 *   query     firmware's view of the increment, read at most once per
 *             storage element between two calls of forget
 */
struct ssm_fw_ops {
	int (*assign)(void *ctx, u16 rn, bool *unsure);
	int (*unassign)(void *ctx, u16 rn);
	int (*query)(void *ctx, u16 rn, bool *assigned);
	void (*forget)(void *ctx);
};

struct ssm_layout {
	u64 rzm;		/* increment size, bytes */
	u32 rnmax;		/* highest increment number */
	u64 block_size;		/* memory block size, bytes */
	struct range pluggable;	/* where memory may be added */
	bool lazy;		/* blocks added at load, not on configure */
	/*
	 * The kernel's own SCLP memory notifier runs before ours and
	 * assigns on the way online, unassigns on the way offline: we issue
	 * neither, we check firmware after it (and repair what it left).
	 */
	bool shared;
	/* The kernel has MEM_PREPARE_ONLINE/MEM_FINISH_OFFLINE (6.8-6.18). */
	bool prepare_events;
	bool closing;		/* unloading: refuse to online */

	/* per increment, indexed by rn; slot 0 unused */
	u8 *incr_state;
	u16 *incr_refs;		/* blocks holding the increment assigned */

	/* per block, indexed by block - first_block */
	unsigned long first_block;
	unsigned long nr_blocks;
	u8 *block_state;
	unsigned long *block_held;	/* block holds its increments */

	unsigned long incr_count[SSM_INCR_NR_STATES];
	unsigned long block_count[SSM_BLOCK_NR_STATES];
	unsigned long stale;		/* assigned, held by no block */
	unsigned long repaired;		/* shared: fixed after the kernel */
	long pins;			/* online blocks pinning the module */
};

/* Who else drives standby memory here, as far as the load can tell. */
enum ssm_situation {
	SSM_SIT_ALONE,		/* nobody: ours to manage */
	SSM_SIT_SHARED,		/* the kernel's SCLP memory notifier too */
	SSM_SIT_KERNEL_SYSFS,	/* the kernel has /sys/firmware/memory */
	SSM_SIT_KERNEL_BLOCKS,	/* standby ranges already System RAM */
	SSM_SIT_KDUMP,		/* a kdump kernel: leave it alone */
	SSM_SIT_SIM_ON_REAL,	/* backend=sim where firmware has standby */
};

/* What the load found out about the machine and the kernel. */
struct ssm_probe {
	u64 kernel_facilities;	/* sclp.facilities, as the kernel read it */
	bool kdump;		/* this is a kdump kernel */
	bool kernel_fw_dir;	/* the kernel made /sys/firmware/memory */
	bool kernel_sclp_mem;	/* its standby code is sclp_mem.c (6.19 on) */
	bool kernel_notifier;	/* 6.1-6.18: its SCLP memory notifier is there */
	unsigned long busy_blocks; /* our standby blocks System RAM already */
	bool sim;		/* backend=sim */
	bool twin;		/* sim: a test double of the kernel's notifier */
	bool adopt;		/* take over what the kernel added (adopt=1) */
	bool adopt_declined;	/* adopt=auto: not in mode=auto's configure */
};

/* A contiguous run of standby increments, as upstream reports it. */
struct ssm_run {
	u32 first_rn;
	u32 nr;
	u64 start, size;		/* the run */
	u64 usable_start, usable_size;	/* block-aligned, pluggable part */
};

int ssm_layout_init(struct ssm_layout *l, u64 rzm, u32 rnmax, u64 block_size,
		    const struct range *pluggable);
void ssm_layout_destroy(struct ssm_layout *l);
int ssm_layout_set_foreign(struct ssm_layout *l, u32 rn);
void ssm_layout_set_standby(struct ssm_layout *l, u32 rn);
void ssm_layout_mark_stale(struct ssm_layout *l, u32 rn);
void ssm_layout_finalize(struct ssm_layout *l);
bool ssm_layout_next_run(const struct ssm_layout *l, u32 *rn,
			 struct ssm_run *run);
bool ssm_probe_facility(const struct ssm_probe *p);
bool ssm_probe_notifier_kernel(const struct ssm_probe *p);
enum ssm_situation ssm_layout_situation(const struct ssm_probe *p);
const char *ssm_situation_name(enum ssm_situation sit);

const char *ssm_size_str(u64 bytes, char *buf, size_t len);
const char *ssm_incr_state_name(enum ssm_incr_state state);
const char *ssm_block_state_name(enum ssm_block_state state);
const char *ssm_event_name(enum ssm_event ev);

static inline u64 ssm_rn_to_phys(const struct ssm_layout *l, u32 rn)
{
	return (u64)(rn - 1) * l->rzm;
}

static inline u64 ssm_block_to_phys(const struct ssm_layout *l,
				    unsigned long block)
{
	return (u64)block * l->block_size;
}

static inline unsigned long ssm_last_block(const struct ssm_layout *l)
{
	return l->first_block + l->nr_blocks;
}

static inline enum ssm_incr_state ssm_incr_state(const struct ssm_layout *l,
						 u32 rn)
{
	return l->incr_state[rn];
}

static inline enum ssm_block_state
ssm_block_state(const struct ssm_layout *l, unsigned long block)
{
	return l->block_state[block - l->first_block];
}

static inline bool ssm_block_is_ours(const struct ssm_layout *l,
				     unsigned long block)
{
	return ssm_block_state(l, block) >= SSM_BLOCK_STANDBY;
}

/* Increments are assigned on the way online, not on configure. */
static inline bool ssm_layout_assign_on_online(const struct ssm_layout *l)
{
	return l->lazy || l->shared;
}

bool ssm_layout_phys_to_block(const struct ssm_layout *l, u64 phys,
			      unsigned long *block);
void ssm_layout_block_rns(const struct ssm_layout *l, unsigned long block,
			  u32 *first_rn, u32 *last_rn);
void ssm_layout_set_block_state(struct ssm_layout *l, unsigned long block,
				enum ssm_block_state state);
bool ssm_layout_block_held(const struct ssm_layout *l, unsigned long block);
bool ssm_layout_block_assigned(const struct ssm_layout *l,
			       unsigned long block);
unsigned long ssm_layout_our_blocks(const struct ssm_layout *l);

int ssm_layout_block_acquire(struct ssm_layout *l, unsigned long block,
			     const struct ssm_fw_ops *ops, void *ctx);
int ssm_layout_block_adopt(struct ssm_layout *l, unsigned long block,
			   const struct ssm_fw_ops *ops, void *ctx);
void ssm_layout_block_disown(struct ssm_layout *l, unsigned long block);
int ssm_layout_block_release(struct ssm_layout *l, unsigned long block,
			     const struct ssm_fw_ops *ops, void *ctx);
int ssm_layout_flush_stale(struct ssm_layout *l, const struct ssm_fw_ops *ops,
			   void *ctx);
unsigned long ssm_layout_block_sweep(struct ssm_layout *l, unsigned long block,
				     const struct ssm_fw_ops *ops, void *ctx);
unsigned long ssm_layout_sweep(struct ssm_layout *l,
			       const struct ssm_fw_ops *ops, void *ctx);
int ssm_layout_block_event(struct ssm_layout *l, unsigned long block,
			   enum ssm_event ev, const struct ssm_fw_ops *ops,
			   void *ctx);

#endif /* SSM_LAYOUT_H */
