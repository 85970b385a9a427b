// SPDX-License-Identifier: GPL-2.0
/*
 * s390-standby-memd: memory on demand for s390 standby memory.
 *
 * Brings the next standby memory block online when the system runs short
 * (MemAvailable below a floor, or the kernel's memory pressure trigger
 * fires) and gives a block back once MemAvailable has stayed above a
 * ceiling for a cool-down period. One change at a time, at least
 * interval_s apart; a failed online backs off; an offline that does not
 * finish in offline_timeout_s is interrupted and another block is tried
 * later.
 *
 * It speaks only public interfaces:
 *   lazy mode       /sys/devices/system/memory/memoryN/state: every
 *                   offline block is standby memory (as for chmem -e)
 *   configure mode  /sys/firmware/memory/memoryN/config first (assign and
 *                   add), then the state file; back: offline, config 0
 *   /proc/meminfo, /proc/pressure/memory (a PSI trigger, poll()ed), and
 *   /sys/module/s390_standby_mem/status/{mode,online_blocks} if there.
 *
 * The blocks it brought online are listed in a state file (one number a
 * line, rewritten in place: save_state()): an entry is written before a
 * block is touched and removed after it is given back, so after a crash
 * or kill -9 the next start re-reads it and finishes what was half done
 * (a block configured but not online is deconfigured again). Nothing on
 * the way to an online needs memory (its pages are locked, the state
 * file keeps its size, the log line comes after). It never offlines a
 * block that is not in that list unless give_back_others = yes.
 *
 * Exit status: 0 done, 1 a failure at run time (--once: the change
 * failed), 2 bad usage or configuration (nothing changed).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SYSMEM		"/sys/devices/system/memory"
#define FWMEM		"/sys/firmware/memory"
#define MODSTATUS	"/sys/module/s390_standby_mem/status"
#define PSI_MEMORY	"/proc/pressure/memory"
#define DEF_CONFIG	"/etc/s390-standby-memd.conf"
#define DEF_STATE	"/run/s390-standby-memd/blocks"
#define MAX_BLOCKS	65536
#define EXIT_USAGE	2

/* The policy, from the config file; every key has a safe default. */
struct config {
	long floor_mib;
	long ceiling_mib;
	long pressure_ms;
	long pressure_window_ms;
	long cooldown_s;
	long interval_s;
	long check_s;
	long min_online_mib;
	long max_online_mib;
	long offline_timeout_s;
	long retry_min_s;
	long retry_max_s;
	long give_back_others;
	long online_type;
};

static const struct config defaults = {
	.floor_mib = 256,
	.ceiling_mib = 1024,
	.pressure_ms = 100,
	.pressure_window_ms = 1000,
	.cooldown_s = 300,
	.interval_s = 10,
	.check_s = 2,
	.min_online_mib = 0,
	.max_online_mib = -1,
	.offline_timeout_s = 30,
	.retry_min_s = 10,
	.retry_max_s = 600,
	.give_back_others = 0,
	.online_type = 1,
};

enum key_kind { NUM, BOOL_WORD, ZONE_WORD, LIMIT };

struct key {
	const char *name;
	size_t offset;
	enum key_kind kind;
	long min, max;
};

#define KEY(n, k, lo, hi) { #n, offsetof(struct config, n), k, lo, hi }
static const struct key keys[] = {
	KEY(floor_mib, NUM, 0, 1 << 24),
	KEY(ceiling_mib, NUM, 1, 1 << 24),
	KEY(pressure_ms, NUM, 0, 10000),
	KEY(pressure_window_ms, NUM, 500, 10000),
	KEY(cooldown_s, NUM, 0, 86400),
	KEY(interval_s, NUM, 0, 86400),
	KEY(check_s, NUM, 1, 3600),
	KEY(min_online_mib, NUM, 0, 1 << 24),
	KEY(max_online_mib, LIMIT, 0, 1 << 24),
	KEY(offline_timeout_s, NUM, 1, 3600),
	KEY(retry_min_s, NUM, 1, 86400),
	KEY(retry_max_s, NUM, 1, 86400),
	KEY(give_back_others, BOOL_WORD, 0, 1),
	KEY(online_type, ZONE_WORD, 0, 1),
};

enum mode { LAZY, CONFIGURE };

struct daemon {
	struct config cfg;
	const char *config_path;
	const char *state_path;
	int state_fd;			/* open for the daemon's life */
	char *state_buf;		/* its contents, state_len bytes */
	size_t state_len;
	bool dry_run, once;
	enum mode mode;
	long block_mib;
	int nr;				/* highest block number seen + 1 */
	bool *ours;			/* [MAX_BLOCKS], in the state file */
	bool *present;			/* [MAX_BLOCKS], scratch */
	double *skip_until;		/* [MAX_BLOCKS], give-backs resting */
	int psi_fd;
	bool psi_said;
	double pressure_at;		/* last trigger, 0: none pending */
	double last_change;
	double retry_at;
	long retry_s;
	double above_since;
	bool said_none, said_max;
};

static volatile sig_atomic_t alarm_fired;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Every line is one decision or failure with its reason. Under systemd
 * (JOURNAL_STREAM set) it carries the syslog level for the journal;
 * elsewhere the monotonic time, which the kernel log uses too.
 */
static void say(int level, const char *fmt, ...)
{
	va_list ap;

	if (getenv("JOURNAL_STREAM"))
		fprintf(stderr, "<%d>", level);
	else
		fprintf(stderr, "[%.3f] s390-standby-memd: ", now());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

#define LOG_ERR		3
#define LOG_WARNING	4
#define LOG_NOTICE	5
#define LOG_INFO	6

/* ---- sysfs and procfs ---- */

static int read_word(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/* write_word() - one write(); -errno as the kernel gave it */
static int write_word(const char *path, const char *word)
{
	ssize_t n;
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	n = write(fd, word, strlen(word));
	if (n < 0)
		err = -errno;
	close(fd);
	return err;
}

static long meminfo_mib(const char *key)
{
	char line[128], name[64];
	long kb = -1, v;
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63[^:]: %ld kB", name, &v) == 2 &&
		    !strcmp(name, key)) {
			kb = v;
			break;
		}
	fclose(f);
	return kb < 0 ? -1 : kb >> 10;
}

static void block_path(char *buf, size_t len, const char *dir, int block,
		       const char *file)
{
	snprintf(buf, len, "%s/memory%d/%s", dir, block, file);
}

/* write_block() - write_word() to @file of @block below @dir */
static int write_block(const char *dir, int block, const char *file,
		       const char *word)
{
	char path[128];

	block_path(path, sizeof(path), dir, block, file);
	return write_word(path, word);
}

/* 1 online, 0 offline (or going), -1 absent */
static int block_online(int block)
{
	char path[128], s[32];

	block_path(path, sizeof(path), SYSMEM, block, "state");
	if (read_word(path, s, sizeof(s)))
		return -1;
	return !strcmp(s, "online");
}

/* configure mode: 1 configured, 0 not, -1 no such block */
static int block_configured(int block)
{
	char path[128], s[8];

	block_path(path, sizeof(path), FWMEM, block, "config");
	if (read_word(path, s, sizeof(s)))
		return -1;
	return s[0] == '1';
}

/*
 * scan_blocks() - the block numbers under @dir in d->present; d->nr grows
 * to the highest seen. The arrays are allocated for MAX_BLOCKS and only
 * the pages up to d->nr are ever touched.
 */
static void scan_blocks(struct daemon *d, const char *dir)
{
	struct dirent *de;
	DIR *dir_p = opendir(dir);
	char *end;
	long n;

	memset(d->present, 0, d->nr * sizeof(*d->present));
	if (!dir_p)
		return;
	while ((de = readdir(dir_p))) {
		if (strncmp(de->d_name, "memory", 6))
			continue;
		n = strtol(de->d_name + 6, &end, 10);
		if (end == de->d_name + 6 || *end || n < 0 || n >= MAX_BLOCKS)
			continue;
		d->present[n] = true;
		if (n >= d->nr)
			d->nr = n + 1;
	}
	closedir(dir_p);
}

/* ---- configuration ---- */

static int parse_value(const struct key *k, const char *v, long *out)
{
	char *end;
	long n;

	switch (k->kind) {
	case BOOL_WORD:
		if (!strcmp(v, "yes") || !strcmp(v, "1"))
			*out = 1;
		else if (!strcmp(v, "no") || !strcmp(v, "0"))
			*out = 0;
		else
			return -1;
		return 0;
	case ZONE_WORD:
		if (!strcmp(v, "online_movable"))
			*out = 1;
		else if (!strcmp(v, "online_kernel"))
			*out = 0;
		else
			return -1;
		return 0;
	case LIMIT:
		if (!strcmp(v, "none")) {
			*out = -1;
			return 0;
		}
		/* fall through */
	case NUM:
		if (!isdigit((unsigned char)*v))
			return -1;
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno || *end || n < k->min || n > k->max)
			return -1;
		*out = n;
		return 0;
	}
	return -1;
}

static const char *allowed(const struct key *k, char *buf, size_t len)
{
	switch (k->kind) {
	case BOOL_WORD:
		return "yes or no";
	case ZONE_WORD:
		return "online_movable or online_kernel";
	case LIMIT:
		snprintf(buf, len, "none or a whole number from %ld to %ld",
			 k->min, k->max);
		return buf;
	default:
		snprintf(buf, len, "a whole number from %ld to %ld",
			 k->min, k->max);
		return buf;
	}
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

/* config_line() - one "key = value" line; an error message on failure */
static int config_line(struct config *c, char *line, char *err, size_t len)
{
	char *eq, *name, *value, buf[64];
	const struct key *k;
	size_t i;

	line[strcspn(line, "#\n")] = 0;
	line = trim(line);
	if (!*line)
		return 0;
	eq = strchr(line, '=');
	if (!eq) {
		snprintf(err, len, "\"%s\": not key = value", line);
		return -1;
	}
	*eq = 0;
	name = trim(line);
	value = trim(eq + 1);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		k = &keys[i];
		if (strcmp(name, k->name))
			continue;
		if (parse_value(k, value, (long *)((char *)c + k->offset))) {
			snprintf(err, len, "%s = %s invalid: must be %s",
				 name, value, allowed(k, buf, sizeof(buf)));
			return -1;
		}
		return 0;
	}
	snprintf(err, len, "unknown key %s", name);
	return -1;
}

/* Rules between keys; the block size is checked once it is known. */
static int config_rules(const struct config *c, char *err, size_t len)
{
	if (c->ceiling_mib <= c->floor_mib)
		snprintf(err, len, "ceiling_mib = %ld invalid: must be above floor_mib = %ld",
			 c->ceiling_mib, c->floor_mib);
	else if (c->pressure_ms > c->pressure_window_ms)
		snprintf(err, len, "pressure_ms = %ld invalid: must be at most pressure_window_ms = %ld",
			 c->pressure_ms, c->pressure_window_ms);
	else if (c->retry_min_s > c->retry_max_s)
		snprintf(err, len, "retry_min_s = %ld invalid: must be at most retry_max_s = %ld",
			 c->retry_min_s, c->retry_max_s);
	else if (c->max_online_mib >= 0 && c->min_online_mib > c->max_online_mib)
		snprintf(err, len, "min_online_mib = %ld invalid: must be at most max_online_mib = %ld",
			 c->min_online_mib, c->max_online_mib);
	else
		return 0;
	return -1;
}

/*
 * load_config() - read @path into @c: the defaults, then the file. A file
 * that does not exist means the defaults; any bad line is one message.
 */
static int load_config(const char *path, struct config *c, bool must_exist)
{
	char line[256], err[192];
	struct config n = defaults;
	FILE *f = fopen(path, "re");
	int lineno = 0;

	if (!f && (errno != ENOENT || must_exist)) {
		say(LOG_ERR, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (f && fgets(line, sizeof(line), f)) {
		lineno++;
		if (config_line(&n, line, err, sizeof(err))) {
			say(LOG_ERR, "%s:%d: %s", path, lineno, err);
			fclose(f);
			return -1;
		}
	}
	if (f)
		fclose(f);
	if (config_rules(&n, err, sizeof(err))) {
		say(LOG_ERR, "%s: %s", path, err);
		return -1;
	}
	*c = n;
	return 0;
}

/* ---- the machine ---- */

/*
 * probe_machine() - the mode and block size. The module says its mode;
 * without it, /sys/firmware/memory (the kernel's own from 6.19) means
 * configure mode, else every offline block is standby (lazy).
 */
static int probe_machine(struct daemon *d)
{
	char s[32];
	unsigned long bytes;

	if (!read_word(MODSTATUS "/mode", s, sizeof(s)))
		d->mode = strcmp(s, "configure") ? LAZY : CONFIGURE;
	else
		d->mode = access(FWMEM, F_OK) ? LAZY : CONFIGURE;
	if (read_word(SYSMEM "/block_size_bytes", s, sizeof(s)))
		return -1;
	bytes = strtoul(s, NULL, 16);
	d->block_mib = bytes >> 20;
	return d->block_mib ? 0 : -1;
}

/* Standby memory online now, MiB: the module's count, else ours. */
static long standby_online_mib(struct daemon *d)
{
	char s[32];
	long n = 0;
	int b;

	if (!read_word(MODSTATUS "/online_blocks", s, sizeof(s)))
		return strtol(s, NULL, 10) * d->block_mib;
	for (b = 0; b < d->nr; b++)
		n += d->ours[b];
	return n * d->block_mib;
}

/* ---- the state file ---- */

/*
 * The state file is opened once and keeps its size: save_state() rewrites
 * it in place, so that listing a block on the way to its online needs no
 * memory. A new file (and a rename) would need a fresh page of tmpfs at
 * the very moment memory is short: the first version did, and its own
 * write invoked the OOM killer. One entry a line, the rest of the file
 * blank lines; state_len (whole pages) holds every block there is.
 */
static int save_state(struct daemon *d)
{
	size_t n = 0;
	int b;

	memset(d->state_buf, '\n', d->state_len);
	for (b = 0; b < d->nr; b++) {
		if (!d->ours[b])
			continue;
		/*
		 * Sized at start for the blocks there were (at least 682
		 * entries); a list that outgrew it fails the change rather
		 * than lose an entry (blocks added since the start)
		 */
		if (n + 8 > d->state_len) {
			say(LOG_ERR, "%s: full (%zu bytes): restart to resize",
			    d->state_path, d->state_len);
			return -1;
		}
		n += sprintf(d->state_buf + n, "%d", b);
		d->state_buf[n++] = '\n';
	}
	if (pwrite(d->state_fd, d->state_buf, d->state_len, 0) ==
	    (ssize_t)d->state_len)
		return 0;
	say(LOG_ERR, "%s: %s", d->state_path, strerror(errno));
	return -1;
}

/*
 * open_state() - open the state file, read the blocks it lists, and give
 * it its size: a line for every block there is (d->nr, scanned before),
 * whole pages, written now, while memory is not short.
 */
static int open_state(struct daemon *d)
{
	char buf[4096], *p, *end;
	ssize_t got;
	size_t len;
	long b;

	/* a dry run writes nothing, its own list neither */
	d->state_fd = d->dry_run ? open(d->state_path, O_RDONLY | O_CLOEXEC) :
		open(d->state_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (d->state_fd < 0 && d->dry_run && errno == ENOENT)
		return 0;
	if (d->state_fd < 0) {
		say(LOG_ERR, "%s: %s", d->state_path, strerror(errno));
		return -1;
	}
	/* entries never span the 4 KiB reads: lines end inside each */
	while ((got = read(d->state_fd, buf, sizeof(buf) - 1)) > 0) {
		buf[got] = 0;
		for (p = buf; *p; p = end) {
			b = strtol(p, &end, 10);
			if (end == p) {
				end = p + 1;
				continue;
			}
			if (b >= 0 && b < MAX_BLOCKS) {
				d->ours[b] = true;
				if (b >= d->nr)
					d->nr = b + 1;
			}
		}
	}
	len = ((size_t)d->nr * 6 + 4095) & ~(size_t)4095;
	d->state_buf = malloc(len);
	if (!d->state_buf)
		return -1;
	d->state_len = len;
	if (d->dry_run)
		return 0;
	if (ftruncate(d->state_fd, len)) {
		say(LOG_ERR, "%s: %s", d->state_path, strerror(errno));
		return -1;
	}
	return save_state(d);
}

/*
 * reconcile() - drop from our list what is no longer online, and give
 * back a block configured but never brought online (a kill between the
 * two steps, or a failed online whose deconfigure failed too).
 */
static void reconcile(struct daemon *d)
{
	bool changed = false;
	int b, err;

	if (d->dry_run)
		return;
	for (b = 0; b < d->nr; b++) {
		if (!d->ours[b] || block_online(b) == 1)
			continue;
		if (d->mode == CONFIGURE && block_configured(b) == 1) {
			err = write_block(FWMEM, b, "config", "0");
			if (err) {
				say(LOG_WARNING, "memory%d: configured, not online, and not ours to keep: deconfigure failed: %s",
				    b, strerror(-err));
				continue;
			}
			say(LOG_NOTICE, "memory%d: configured but not online (an online left half done): deconfigured",
			    b);
		}
		d->ours[b] = false;
		changed = true;
	}
	if (changed)
		save_state(d);
}

/* ---- the memory pressure trigger ---- */

static void psi_open(struct daemon *d)
{
	char buf[64];
	int fd, err;

	if (d->psi_fd >= 0)
		close(d->psi_fd);
	d->psi_fd = -1;
	if (!d->cfg.pressure_ms)
		return;
	fd = open(PSI_MEMORY, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0) {
		snprintf(buf, sizeof(buf), "some %ld %ld",
			 d->cfg.pressure_ms * 1000,
			 d->cfg.pressure_window_ms * 1000);
		if (write(fd, buf, strlen(buf) + 1) > 0) {
			d->psi_fd = fd;
			return;
		}
		close(fd);
	}
	err = errno;
	if (!d->psi_said)
		say(LOG_WARNING, "no memory pressure trigger (%s: %s; CONFIG_PSI, and psi=1 where the kernel disables it by default): MemAvailable every %ld s only",
		    PSI_MEMORY, strerror(err), d->cfg.check_s);
	d->psi_said = true;
}

/* ---- changes ---- */

static void back_off(struct daemon *d)
{
	d->retry_at = now() + d->retry_s;
	say(LOG_WARNING, "next online tried in %ld s", d->retry_s);
	d->retry_s *= 2;
	if (d->retry_s > d->cfg.retry_max_s)
		d->retry_s = d->cfg.retry_max_s;
}

/* The lowest block that can come online, or -1. */
static int next_standby(struct daemon *d)
{
	int b;

	scan_blocks(d, d->mode == CONFIGURE ? FWMEM : SYSMEM);
	for (b = 0; b < d->nr; b++) {
		if (!d->present[b] || d->ours[b])
			continue;
		if (d->mode == CONFIGURE ? block_configured(b) == 0 :
		    block_online(b) == 0)
			return b;
	}
	return -1;
}

/*
 * online() - bring @block online: in configure mode configure it first,
 * and deconfigure it again if the online fails. Listed in the state file
 * before the first write. Memory may be short right now: nothing on the
 * way to the online needs any (the state file is rewritten in place, the
 * program's pages are locked), and the line that says what happened
 * comes after it (a log line can need a page of its own).
 */
static int online(struct daemon *d, int block, const char *why,
		  double trigger)
{
	const char *failed = NULL;
	double t0 = now();
	int err = 0;

	d->last_change = t0;
	if (d->dry_run) {
		say(LOG_INFO, "online memory%d (%ld MiB): %s (dry run: nothing done)",
		    block, d->block_mib, why);
		return 0;
	}
	d->ours[block] = true;
	if (save_state(d)) {
		err = -errno;
		failed = "state file";
		goto undo;
	}
	if (d->mode == CONFIGURE) {
		err = write_block(FWMEM, block, "config", "1");
		if (err) {
			failed = "configure";
			goto undo;
		}
	}
	err = write_block(SYSMEM, block, "state",
			  d->cfg.online_type ? "online_movable" : "online_kernel");
	if (err) {
		failed = "online";
		if (d->mode == CONFIGURE) {
			if (write_block(FWMEM, block, "config", "0")) {
				/* kept listed: reconcile() retries */
				say(LOG_ERR, "online memory%d (%ld MiB): %s; online failed: %s, and the deconfigure after it failed too",
				    block, d->block_mib, why, strerror(-err));
				back_off(d);
				return -1;
			}
		}
		goto undo;
	}
	if (trigger)
		say(LOG_INFO, "online memory%d (%ld MiB): %s; in %.0f ms, %.0f ms after the pressure trigger",
		    block, d->block_mib, why, (now() - t0) * 1e3,
		    (now() - trigger) * 1e3);
	else
		say(LOG_INFO, "online memory%d (%ld MiB): %s; in %.0f ms",
		    block, d->block_mib, why, (now() - t0) * 1e3);
	d->retry_s = d->cfg.retry_min_s;
	d->retry_at = 0;
	return 0;
undo:
	say(LOG_ERR, "online memory%d (%ld MiB): %s; %s failed: %s", block,
	    d->block_mib, why, failed, strerror(-err));
	d->ours[block] = false;
	save_state(d);
	back_off(d);
	return -1;
}

static void on_alarm(int sig)
{
	(void)sig;
	alarm_fired = 1;
}

/*
 * give_back() - offline @block, then deconfigure it in configure mode.
 * The offline is interrupted by SIGALRM after offline_timeout_s: the
 * kernel then leaves the block online and the write fails with EINTR.
 */
static int give_back(struct daemon *d, int block, const char *why)
{
	double t0 = now();
	int err;

	say(LOG_INFO, "give back memory%d (%ld MiB): %s%s", block,
	    d->block_mib, why, d->dry_run ? " (dry run: nothing done)" : "");
	d->last_change = t0;
	if (d->dry_run)
		return 0;
	alarm_fired = 0;
	alarm(d->cfg.offline_timeout_s);
	err = write_block(SYSMEM, block, "state", "offline");
	alarm(0);
	if (err) {
		if (err == -EINTR && alarm_fired)
			say(LOG_WARNING, "memory%d: offline abandoned after %ld s: another block later",
			    block, d->cfg.offline_timeout_s);
		else
			say(LOG_WARNING, "memory%d: offline failed: %s: another block later",
			    block, strerror(-err));
		d->skip_until[block] = now() + d->cfg.retry_max_s;
		return -1;
	}
	if (d->mode == CONFIGURE) {
		err = write_block(FWMEM, block, "config", "0");
		if (err) {
			/* still listed: reconcile() deconfigures it later */
			say(LOG_ERR, "memory%d: offline, but deconfigure failed: %s",
			    block, strerror(-err));
			return -1;
		}
	}
	d->ours[block] = false;
	save_state(d);
	say(LOG_INFO, "memory%d given back in %.0f ms", block,
	    (now() - t0) * 1e3);
	return 0;
}

/* The highest of our online blocks not resting after a failure, or -1. */
static int next_give_back(struct daemon *d)
{
	double t = now();
	int b;

	scan_blocks(d, SYSMEM);
	for (b = d->nr - 1; b >= 0; b--) {
		if (!d->present[b] || block_online(b) != 1 || t < d->skip_until[b])
			continue;
		if (d->ours[b] || d->cfg.give_back_others)
			return b;
	}
	return -1;
}

/* ---- the policy ---- */

/*
 * decide() - at most one change: online when short of memory (or below
 * min_online_mib), give back when MemAvailable stayed above the ceiling
 * for cooldown_s. Returns 1 if a change was made, 0 if none was due, -1
 * if one failed.
 */
static int decide(struct daemon *d)
{
	const struct config *c = &d->cfg;
	long avail = meminfo_mib("MemAvailable");
	long on_mib = standby_online_mib(d);
	double t = now(), trigger;
	char why[160];
	int b;

	/* the module may have been loaded again, in another mode */
	if (probe_machine(d))
		return 0;
	reconcile(d);
	/* a trigger not acted on (interval, back-off) goes stale */
	if (d->pressure_at &&
	    t > d->pressure_at + c->interval_s + 2 * c->pressure_window_ms / 1e3)
		d->pressure_at = 0;
	trigger = d->pressure_at;
	why[0] = 0;
	if (on_mib < c->min_online_mib)
		snprintf(why, sizeof(why), "%ld MiB online, below min_online_mib = %ld",
			 on_mib, c->min_online_mib);
	else if (d->pressure_at)
		snprintf(why, sizeof(why), "memory pressure: stalls over %ld ms in %ld ms (MemAvailable %ld MiB)",
			 c->pressure_ms, c->pressure_window_ms, avail);
	else if (avail >= 0 && avail < c->floor_mib)
		snprintf(why, sizeof(why), "MemAvailable %ld MiB below floor_mib = %ld",
			 avail, c->floor_mib);
	if (why[0]) {
		d->above_since = 0;
		if (c->max_online_mib >= 0 &&
		    on_mib + d->block_mib > c->max_online_mib) {
			if (!d->said_max)
				say(LOG_NOTICE, "no online: %s, but %ld MiB online and max_online_mib = %ld",
				    why, on_mib, c->max_online_mib);
			d->said_max = true;
			d->pressure_at = 0;
			return 0;
		}
		d->said_max = false;
		if (t < d->retry_at || t < d->last_change + c->interval_s)
			return 0;
		b = next_standby(d);
		if (b < 0) {
			if (!d->said_none)
				say(LOG_NOTICE, "no online: %s, but no standby memory left", why);
			d->said_none = true;
			d->pressure_at = 0;
			return 0;
		}
		d->said_none = false;
		d->pressure_at = 0;
		return online(d, b, why, trigger) ? -1 : 1;
	}
	d->said_none = d->said_max = false;
	if (avail <= c->ceiling_mib) {
		d->above_since = 0;
		return 0;
	}
	if (!d->above_since)
		d->above_since = t;
	if (t < d->above_since + c->cooldown_s ||
	    t < d->last_change + c->interval_s ||
	    on_mib - d->block_mib < c->min_online_mib)
		return 0;
	b = next_give_back(d);
	if (b < 0)
		return 0;
	snprintf(why, sizeof(why), "MemAvailable %ld MiB, above ceiling_mib = %ld for %.0f s",
		 avail, c->ceiling_mib, t - d->above_since);
	d->above_since = 0;
	return give_back(d, b, why) ? -1 : 1;
}

/* ---- start and main loop ---- */

static int usage(void)
{
	fprintf(stderr,
		"usage: s390-standby-memd [--config FILE] [--state FILE] [--dry-run] [--once]\n"
		"  --config FILE  the policy (default " DEF_CONFIG ")\n"
		"  --state FILE   the blocks it brought online (default " DEF_STATE ")\n"
		"  --dry-run      say what it would do, change nothing\n"
		"  --once         one decision, then exit (status 1 if it failed)\n"
		"  --check        check the configuration, then exit\n"
		"SIGHUP reloads the configuration (a bad one is reported and ignored).\n");
	return EXIT_USAGE;
}

/* check_block_rules() - the rule that needs the block size */
static int check_block_rules(struct daemon *d, const struct config *c)
{
	if (c->ceiling_mib >= c->floor_mib + d->block_mib)
		return 0;
	say(LOG_ERR, "%s: ceiling_mib = %ld invalid: must be at least floor_mib + one block (%ld + %ld MiB), or a block given back would bring MemAvailable below the floor",
	    d->config_path, c->ceiling_mib, c->floor_mib, d->block_mib);
	return -1;
}

static void reload(struct daemon *d)
{
	struct config c;

	if (load_config(d->config_path, &c, false) ||
	    check_block_rules(d, &c)) {
		say(LOG_ERR, "reload: configuration kept as it was");
		return;
	}
	d->cfg = c;
	d->retry_s = c.retry_min_s;
	psi_open(d);
	say(LOG_INFO, "reload: floor %ld MiB, ceiling %ld MiB, cool-down %ld s",
	    c.floor_mib, c.ceiling_mib, c.cooldown_s);
}

/*
 * lock_memory() - every page of the daemon resident and locked, now and
 * later, and the stack its deepest call needs touched now: a page fault
 * on the way to an online would need memory at the moment there is none.
 */
static void lock_memory(void)
{
	volatile char stack[64 * 1024];
	size_t i;

	for (i = 0; i < sizeof(stack); i += 4096)
		stack[i] = 0;
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		say(LOG_WARNING, "mlockall: %s: its pages may have to be read back when memory is short",
		    strerror(errno));
}

static int signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

/*
 * poll_timeout() - ms until the next decision is due: check_s, or sooner
 * when a pressure trigger waits for interval_s or the back-off to pass
 * (the trigger fires once per window; it may not fire again).
 */
static int poll_timeout(struct daemon *d)
{
	double t = now(), due = t + d->cfg.check_s, at;

	if (d->pressure_at) {
		at = d->last_change + d->cfg.interval_s;
		if (d->retry_at > at)
			at = d->retry_at;
		if (at < due)
			due = at;
	}
	return due - t < 0.01 ? 10 : (int)((due - t) * 1000) + 1;
}

static int run(struct daemon *d)
{
	struct signalfd_siginfo si;
	struct pollfd p[2];
	int sfd = signals();

	if (sfd < 0) {
		say(LOG_ERR, "signalfd: %s", strerror(errno));
		return 1;
	}
	for (;;) {
		decide(d);
		p[0] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = d->psi_fd, .events = POLLPRI };
		if (poll(p, 2, poll_timeout(d)) < 0 && errno != EINTR) {
			say(LOG_ERR, "poll: %s", strerror(errno));
			return 1;
		}
		if (p[1].revents & POLLERR) {
			say(LOG_WARNING, "memory pressure trigger gone: MemAvailable only");
			close(d->psi_fd);
			d->psi_fd = -1;
		} else if (p[1].revents & POLLPRI) {
			d->pressure_at = now();
		}
		while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGHUP) {
				reload(d);
				continue;
			}
			say(LOG_INFO, "stopped by signal %d; %s", si.ssi_signo,
			    "blocks stay as they are");
			return 0;
		}
	}
}

int main(int argc, char **argv)
{
	static struct daemon d = {
		.config_path = DEF_CONFIG,
		.state_path = DEF_STATE,
		.psi_fd = -1,
	};
	struct sigaction alarm_action = { .sa_handler = on_alarm };
	bool check = false, given = false;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--config") && i + 1 < argc) {
			d.config_path = argv[++i];
			given = true;
		} else if (!strcmp(argv[i], "--state") && i + 1 < argc) {
			d.state_path = argv[++i];
		} else if (!strcmp(argv[i], "--dry-run")) {
			d.dry_run = true;
		} else if (!strcmp(argv[i], "--once")) {
			d.once = true;
		} else if (!strcmp(argv[i], "--check")) {
			check = true;
		} else {
			return usage();
		}
	}
	setvbuf(stderr, NULL, _IOLBF, 0);
	/* no SA_RESTART: the alarm interrupts an offline in the kernel */
	sigaction(SIGALRM, &alarm_action, NULL);
	d.ours = calloc(MAX_BLOCKS, sizeof(*d.ours));
	d.present = calloc(MAX_BLOCKS, sizeof(*d.present));
	d.skip_until = calloc(MAX_BLOCKS, sizeof(*d.skip_until));
	if (!d.ours || !d.present || !d.skip_until)
		return 1;
	if (load_config(d.config_path, &d.cfg, given))
		return EXIT_USAGE;
	if (probe_machine(&d)) {
		say(LOG_ERR, "no memory blocks in %s: not an s390 system with memory hotplug", SYSMEM);
		return 1;
	}
	if (check_block_rules(&d, &d.cfg))
		return EXIT_USAGE;
	if (check)
		return 0;
	d.retry_s = d.cfg.retry_min_s;
	lock_memory();
	scan_blocks(&d, SYSMEM);
	scan_blocks(&d, FWMEM);
	if (open_state(&d))
		return 1;
	say(LOG_INFO, "%s mode, blocks of %ld MiB; floor %ld MiB, ceiling %ld MiB, cool-down %ld s%s",
	    d.mode == CONFIGURE ? "configure" : "lazy", d.block_mib,
	    d.cfg.floor_mib, d.cfg.ceiling_mib, d.cfg.cooldown_s,
	    d.dry_run ? "; dry run" : "");
	if (d.once) {
		/* one decision: no interval since a change before this run */
		d.last_change = -1e9;
		d.above_since = now() - d.cfg.cooldown_s;
		return decide(&d) < 0;
	}
	d.last_change = -1e9;
	psi_open(&d);
	return run(&d);
}
