// SPDX-License-Identifier: GPL-2.0
/*
 * memtouch: allocate memory, fill it with a pattern, verify it.
 *
 *   memtouch <MiB>            fill and verify once, exit 0 if intact
 *   memtouch <MiB> hold       fill, verify, print "ready", then verify
 *                             again on every SIGUSR1 (print "intact" or
 *                             "corrupt"), exit on SIGTERM
 *
 * The pattern depends on the offset, so a page that moved to the wrong
 * place, or lost its contents in a migration, is caught byte-exact.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static volatile sig_atomic_t verify_req, stop_req;

static void on_usr1(int sig) { (void)sig; verify_req = 1; }
static void on_term(int sig) { (void)sig; stop_req = 1; }

static uint64_t pattern(size_t i)
{
	return 0x5374616e64627921ULL ^ (i * 0x9e3779b97f4a7c15ULL);
}

static size_t verify(const uint64_t *mem, size_t words)
{
	size_t i, bad = 0;

	for (i = 0; i < words; i++)
		if (mem[i] != pattern(i))
			bad++;
	return bad;
}

int main(int argc, char **argv)
{
	size_t mib, words, i, bad;
	uint64_t *mem;

	if (argc < 2 || !(mib = strtoul(argv[1], NULL, 0))) {
		fprintf(stderr, "usage: memtouch <MiB> [hold]\n");
		return 2;
	}
	words = mib << 17;
	mem = mmap(NULL, mib << 20, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		perror("memtouch: mmap");
		return 1;
	}
	for (i = 0; i < words; i++)
		mem[i] = pattern(i);
	bad = verify(mem, words);
	printf("memtouch: %zu MiB written, %s\n", mib, bad ? "corrupt" : "intact");
	fflush(stdout);
	if (bad || argc < 3 || strcmp(argv[2], "hold"))
		return bad ? 1 : 0;

	signal(SIGUSR1, on_usr1);
	signal(SIGTERM, on_term);
	printf("memtouch: ready\n");
	fflush(stdout);
	while (!stop_req) {
		pause();
		if (verify_req) {
			verify_req = 0;
			bad = verify(mem, words);
			printf("memtouch: %s (%zu bad words)\n",
			       bad ? "corrupt" : "intact", bad);
			fflush(stdout);
		}
	}
	return 0;
}
