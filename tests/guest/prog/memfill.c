// SPDX-License-Identifier: GPL-2.0
/*
 * memfill: take system memory until MemAvailable is below a target, then
 * hold it.
 *
 *   memfill <target kB>
 *
 * Allocates and touches 1 MiB at a time while MemAvailable is above the
 * target (in smaller steps close to it), prints "ready avail=<kB>
 * taken=<MiB>" and sleeps until killed. Make it the OOM killer's choice
 * first: echo 1000 >/proc/self/oom_score_adj before exec. A failed mmap
 * is an error (exit 1, no "ready"): the target was not reached.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static long mem_available_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

int main(int argc, char **argv)
{
	long target, avail, step, taken = 0;
	char *p;

	if (argc != 2 || (target = strtol(argv[1], NULL, 0)) <= 0) {
		fprintf(stderr, "usage: memfill <target MemAvailable kB>\n");
		return 2;
	}
	for (;;) {
		avail = mem_available_kb();
		if (avail < 0)
			return 1;
		if (avail < target)
			break;
		/* 1 MiB steps, 64 kB steps close to the target */
		step = avail - target > 8192 ? 1024 : 64;
		p = mmap(NULL, step << 10, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (p == MAP_FAILED) {
			fprintf(stderr, "memfill: mmap of %ld kB failed at MemAvailable %ld kB: %s\n",
				step, avail, strerror(errno));
			return 1;
		}
		memset(p, 0x5a, step << 10);
		taken += step;
	}
	printf("memfill: ready avail=%ld taken=%ld\n", avail, taken >> 10);
	fflush(stdout);
	for (;;)
		pause();
}
