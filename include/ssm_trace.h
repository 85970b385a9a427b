/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of s390_standby_mem (tracefs: events/s390_standby_mem/).
 *
 * ssm_firmware: every assign/unassign request, with rn, range, result and
 *		 duration.
 * ssm_config:	 add (configure, lazy load) and remove (deconfigure, unload)
 *		 of a block, with result and duration.
 * ssm_notify:	 every decision of our memory notifier for one of our
 *		 blocks: event, state after it, result, duration.
 *
 * The KUnit module compiles the same sources without tracepoints.
 */
#ifdef SSM_NO_TRACEPOINTS
#ifndef SSM_TRACE_STUBS
#define SSM_TRACE_STUBS
static inline void trace_ssm_firmware(bool assign, u32 rn, u64 phys,
				      u64 size, int rc, u64 ns) { }
static inline void trace_ssm_config(unsigned long block, u64 phys, u64 size,
				    bool configure, int rc, u64 ns) { }
static inline void trace_ssm_notify(unsigned long block, u64 phys, u64 size,
				    int event, int state, int rc, u64 ns) { }
#endif
#else

#undef TRACE_SYSTEM
#define TRACE_SYSTEM s390_standby_mem

#if !defined(SSM_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define SSM_TRACE_H

#include <linux/tracepoint.h>

#include "layout.h"

/* Event and state names: layout.c's tables, the ones debugfs shows. */
#define SSM_TRACE_NAME	16

TRACE_EVENT(ssm_firmware,
	    TP_PROTO(bool assign, u32 rn, u64 phys, u64 size, int rc, u64 ns),
	    TP_ARGS(assign, rn, phys, size, rc, ns),
	    TP_STRUCT__entry(__field(bool, assign)
			     __field(u32, rn)
			     __field(u64, phys)
			     __field(u64, size)
			     __field(int, rc)
			     __field(u64, ns)),
	    TP_fast_assign(__entry->assign = assign;
			   __entry->rn = rn;
			   __entry->phys = phys;
			   __entry->size = size;
			   __entry->rc = rc;
			   __entry->ns = ns;),
	    TP_printk("%s rn=0x%04x range=[0x%llx-0x%llx] rc=%d ns=%llu",
		      __entry->assign ? "assign" : "unassign",
		      __entry->rn, __entry->phys,
		      __entry->phys + __entry->size - 1, __entry->rc,
		      __entry->ns)
);

TRACE_EVENT(ssm_config,
	    TP_PROTO(unsigned long block, u64 phys, u64 size, bool configure,
		     int rc, u64 ns),
	    TP_ARGS(block, phys, size, configure, rc, ns),
	    TP_STRUCT__entry(__field(unsigned long, block)
			     __field(u64, phys)
			     __field(u64, size)
			     __field(bool, configure)
			     __field(int, rc)
			     __field(u64, ns)),
	    TP_fast_assign(__entry->block = block;
			   __entry->phys = phys;
			   __entry->size = size;
			   __entry->configure = configure;
			   __entry->rc = rc;
			   __entry->ns = ns;),
	    TP_printk("%s block=%lu range=[0x%llx-0x%llx] rc=%d ns=%llu",
		      __entry->configure ? "add" : "remove", __entry->block,
		      __entry->phys, __entry->phys + __entry->size - 1,
		      __entry->rc, __entry->ns)
);

/* @event is an enum ssm_event, @state the enum ssm_block_state after it. */
TRACE_EVENT(ssm_notify,
	    TP_PROTO(unsigned long block, u64 phys, u64 size, int event,
		     int state, int rc, u64 ns),
	    TP_ARGS(block, phys, size, event, state, rc, ns),
	    TP_STRUCT__entry(__field(unsigned long, block)
			     __field(u64, phys)
			     __field(u64, size)
			     __array(char, event, SSM_TRACE_NAME)
			     __array(char, state, SSM_TRACE_NAME)
			     __field(int, rc)
			     __field(u64, ns)),
	    TP_fast_assign(__entry->block = block;
			   __entry->phys = phys;
			   __entry->size = size;
			   strscpy(__entry->event, ssm_event_name(event),
				   SSM_TRACE_NAME);
			   strscpy(__entry->state, ssm_block_state_name(state),
				   SSM_TRACE_NAME);
			   __entry->rc = rc;
			   __entry->ns = ns;),
	    TP_printk("block=%lu range=[0x%llx-0x%llx] event=%s state=%s rc=%d ns=%llu",
		      __entry->block, __entry->phys,
		      __entry->phys + __entry->size - 1, __entry->event,
		      __entry->state, __entry->rc, __entry->ns)
);

#endif /* SSM_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE ssm_trace
#include <trace/define_trace.h>

#endif /* SSM_NO_TRACEPOINTS */
