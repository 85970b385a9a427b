/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysfs: /sys/firmware/memory (configure mode) and status attributes.
 */
#ifndef SSM_SYSFS_H
#define SSM_SYSFS_H

struct ssm;

bool ssm_sysfs_kernel_firmware_memory(void);
int ssm_sysfs_firmware_init(struct ssm *s);
void ssm_sysfs_firmware_exit(struct ssm *s);
int ssm_sysfs_status_init(struct ssm *s);
void ssm_sysfs_status_exit(struct ssm *s);

#endif /* SSM_SYSFS_H */
