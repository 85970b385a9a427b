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
 * assigned when we assigned it. An assigned increment with no block holding
 * it is "stale": its unassign failed and is retried later.
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
 * (lazy: from MEM_PREPARE_ONLINE to MEM_FINISH_OFFLINE; configure: from
 * configure to deconfigure).
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

/* Firmware operations the state machine needs; the SCLP client in the
 * module, a fake in KUnit.
 */
struct ssm_fw_ops {
	int (*assign)(void *ctx, u16 rn);
	int (*unassign)(void *ctx, u16 rn);
};

struct ssm_layout {
	u64 rzm;		/* increment size, bytes */
	u32 rnmax;		/* highest increment number */
	u64 block_size;		/* memory block size, bytes */
	struct range pluggable;	/* where memory may be added */
	bool lazy;		/* assign on online, not on configure */
	bool closing;		/* unloading: refuse to online */

	/* per increment, indexed by rn; slot 0 unused */
	u8 *incr_state;
	u16 *incr_refs;		/* blocks holding the increment assigned */
	u8 *incr_elem;		/* storage element id */

	/* per block, indexed by block - first_block */
	unsigned long first_block;
	unsigned long nr_blocks;
	u8 *block_state;
	unsigned long *block_held;	/* block holds its increments */

	unsigned long incr_count[SSM_INCR_NR_STATES];
	unsigned long block_count[SSM_BLOCK_NR_STATES];
	unsigned long stale;		/* assigned, held by no block */
	long pins;			/* online blocks pinning the module */
};

/* Who manages standby memory, as far as the load can tell. */
enum ssm_coexist {
	SSM_COEXIST_OK,			/* nobody: ours to manage */
	SSM_COEXIST_KERNEL_SYSFS,	/* the kernel has /sys/firmware/memory */
	SSM_COEXIST_KERNEL_BLOCKS,	/* standby ranges already System RAM */
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
void ssm_layout_set_elem(struct ssm_layout *l, u32 rn, u8 id);
void ssm_layout_mark_stale(struct ssm_layout *l, u32 rn);
void ssm_layout_finalize(struct ssm_layout *l);
bool ssm_layout_next_run(const struct ssm_layout *l, u32 *rn,
			 struct ssm_run *run);
enum ssm_coexist ssm_layout_coexistence(unsigned long busy_blocks,
					bool kernel_fw_dir);

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
int ssm_layout_block_release(struct ssm_layout *l, unsigned long block,
			     const struct ssm_fw_ops *ops, void *ctx);
int ssm_layout_flush_stale(struct ssm_layout *l, const struct ssm_fw_ops *ops,
			   void *ctx);
int ssm_layout_block_event(struct ssm_layout *l, unsigned long block,
			   enum ssm_event ev, const struct ssm_fw_ops *ops,
			   void *ctx);

#endif /* SSM_LAYOUT_H */
