// SPDX-License-Identifier: GPL-2.0
/*
 * memgrow: a program whose memory grows in steps, as a workload does.
 *
 *   memgrow <total MiB> <step MiB> <step ms> <hold s>
 *
 * Every <step ms> it allocates and touches <step MiB> more, printing
 * "memgrow: <n> MiB" after each step, until it holds <total MiB>; then it
 * prints "memgrow: done <n> MiB", holds the memory for <hold s> and exits
 * 0. An mmap that fails is exit 1 with the reason. Without swap, a
 * program that grows beyond the memory online is ended by the OOM killer
 * (SIGKILL): the test's control. At the end it prints the memory-stall
 * time of the run ("full" of /proc/pressure/memory, microseconds), when
 * the kernel has it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* "full ... total=<us>" of /proc/pressure/memory, or -1 */
static long long stall_full_us(void)
{
	char line[256];
	long long total = -1;
	FILE *f = fopen("/proc/pressure/memory", "r");
	char *t;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "full", 4) && (t = strstr(line, "total=")))
			total = atoll(t + 6);
	fclose(f);
	return total;
}

int main(int argc, char **argv)
{
	long total, step, step_ms, hold, held = 0;
	struct timespec pause;
	long long stall0;
	char *p;

	if (argc != 5 || (total = atol(argv[1])) <= 0 ||
	    (step = atol(argv[2])) <= 0 || (step_ms = atol(argv[3])) < 0 ||
	    (hold = atol(argv[4])) < 0) {
		fprintf(stderr, "usage: memgrow <total MiB> <step MiB> <step ms> <hold s>\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	pause.tv_sec = step_ms / 1000;
	pause.tv_nsec = (step_ms % 1000) * 1000000L;
	stall0 = stall_full_us();
	while (held < total) {
		if (step > total - held)
			step = total - held;
		p = mmap(NULL, step << 20, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			fprintf(stderr, "memgrow: mmap of %ld MiB at %ld MiB failed: %s\n",
				step, held, strerror(errno));
			return 1;
		}
		memset(p, 0x5a, step << 20);
		held += step;
		printf("memgrow: %ld MiB\n", held);
		nanosleep(&pause, NULL);
	}
	printf("memgrow: done %ld MiB\n", held);
	if (stall0 >= 0)
		printf("memgrow: stall full %lld us\n", stall_full_us() - stall0);
	sleep(hold);
	return 0;
}
