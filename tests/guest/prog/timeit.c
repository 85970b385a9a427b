// SPDX-License-Identifier: GPL-2.0
/*
 * timeit: wall time of one sysfs write or one command, in nanoseconds
 * (CLOCK_MONOTONIC), for make bench.
 *
 *   timeit write <file> <value>   prints "<ns> <errno> <start>"
 *   timeit run <command> [args]   prints "<ns> <exit status>"
 *
 * <start> is the CLOCK_MONOTONIC time of the write's start, in ns: the
 * kernel's ktime_get_ns() reads the same clock.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long long t0;
	int fd, rc = 0, status;
	pid_t pid;

	if (argc == 4 && !strcmp(argv[1], "write")) {
		fd = open(argv[2], O_WRONLY);
		if (fd < 0) {
			perror(argv[2]);
			return 1;
		}
		t0 = now_ns();
		if (write(fd, argv[3], strlen(argv[3])) < 0)
			rc = errno;
		printf("%lld %d %lld\n", now_ns() - t0, rc, t0);
		close(fd);
		return rc ? 1 : 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "run")) {
		t0 = now_ns();
		pid = fork();
		if (pid == 0) {
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &status, 0) < 0)
			return 1;
		rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
		printf("%lld %d\n", now_ns() - t0, rc);
		return rc ? 1 : 0;
	}
	fprintf(stderr, "usage: timeit write <file> <value> | timeit run <cmd> [args]\n");
	return 2;
}
