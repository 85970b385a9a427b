// SPDX-License-Identifier: GPL-2.0
/*
 * memfill: take system memory until MemAvailable is below a target, then
 * hold it.
 *
 *   memfill <target kB>
 *
 * Allocates and touches 1 MiB at a time while MemAvailable is above the
 * target (in 16 kB steps close to it) and prints "ready avail=<kB>
 * taken=<MiB>". Then it holds the memory until killed, and keeps holding
 * the target: kswapd goes on freeing up to the high watermarks after the
 * last step, and MemAvailable can climb back over the target within a
 * second (seen at 2124 kB after "ready avail=1948"), so every 50 ms a
 * MemAvailable at or above the target is taken down again. Make it the
 * OOM killer's choice first: echo 1000 >/proc/self/oom_score_adj before
 * exec. A failed mmap before "ready" is an error (exit 1, no "ready"):
 * the target was not reached.
 *
 * MemAvailable counts free memory above the high watermarks, so the
 * target is reached with MemFree still above the min watermarks, where
 * the OOM killer stays away. A step that would take MemFree within 1 MiB
 * of them is not taken: exit 1 at once, as the OOM killer would have
 * ended it, only without the minute the kernel needs for that under
 * emulation.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static long meminfo_kb(const char *key)
{
	char line[128], name[64];
	long kb = -1, v;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63[^:]: %ld kB", name, &v) == 2 &&
		    !strcmp(name, key)) {
			kb = v;
			break;
		}
	fclose(f);
	return kb;
}

/* The sum of every zone's min watermark, kB. */
static long min_watermarks_kb(void)
{
	char line[256];
	long sum = 0, pages;
	FILE *f = fopen("/proc/zoneinfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " min %ld", &pages) == 1)
			sum += pages;
	fclose(f);
	return sum * (sysconf(_SC_PAGESIZE) >> 10);
}

/*
 * take() - take memory until MemAvailable is below @target kB
 * @target: MemAvailable to stay under, kB
 * @floor: MemFree (kB) no step may go below
 * @taken: kB taken so far, updated
 * @avail: MemAvailable when done, kB
 *
 * Return: 0 when below the target; 1 when a step would cross @floor or an
 * mmap failed (with the reason on stderr if @loud); -1 without meminfo.
 */
static int take(long target, long floor, long *taken, long *avail, int loud)
{
	long free, step;
	char *p;

	for (;;) {
		*avail = meminfo_kb("MemAvailable");
		free = meminfo_kb("MemFree");
		if (*avail < 0 || free < 0)
			return -1;
		if (*avail < target)
			return 0;
		/* 1 MiB steps, 16 kB steps close to the target */
		step = *avail - target > 8192 ? 1024 : 16;
		if (free - step < floor) {
			if (loud)
				fprintf(stderr, "memfill: MemAvailable %ld kB with MemFree %ld kB, %ld kB above the min watermarks: stopped short of the OOM killer\n",
					*avail, free, free - floor + 1024);
			return 1;
		}
		p = mmap(NULL, step << 10, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (p == MAP_FAILED) {
			if (loud)
				fprintf(stderr, "memfill: mmap of %ld kB failed at MemAvailable %ld kB: %s\n",
					step, *avail, strerror(errno));
			return 1;
		}
		memset(p, 0x5a, step << 10);
		*taken += step;
	}
}

int main(int argc, char **argv)
{
	long target, avail, floor, taken = 0;

	if (argc != 2 || (target = strtol(argv[1], NULL, 0)) <= 0) {
		fprintf(stderr, "usage: memfill <target MemAvailable kB>\n");
		return 2;
	}
	floor = min_watermarks_kb();
	if (floor < 0) {
		fprintf(stderr, "memfill: no /proc/zoneinfo\n");
		return 1;
	}
	floor += 1024;
	if (take(target, floor, &taken, &avail, 1))
		return 1;
	printf("memfill: ready avail=%ld taken=%ld\n", avail, taken >> 10);
	fflush(stdout);
	/* Hold the target; a step that cannot be taken now is tried again. */
	for (;;) {
		usleep(50000);
		take(target, floor, &taken, &avail, 0);
	}
}
