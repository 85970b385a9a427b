/* SPDX-License-Identifier: GPL-2.0 */
/*
 * debugfs: /sys/kernel/debug/s390_standby_mem/
 */
#ifndef SSM_DEBUGFS_H
#define SSM_DEBUGFS_H

struct ssm;

void ssm_debugfs_init(struct ssm *s);
void ssm_debugfs_exit(struct ssm *s);

#endif /* SSM_DEBUGFS_H */
