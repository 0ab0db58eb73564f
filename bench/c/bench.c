/*
 * bench.c: the C side of scripts/bench. The same loops as the root
 * package's Go benchmarks (bench_test.go, bench_extra_test.go), with the same
 * fixtures, payloads and buffer sizes, against libkeyutils 1.6.3, so that
 * both can be timed in one run on one machine.
 *
 *   gcc -O2 -o bench bench/c/bench.c -lkeyutils
 *   bench [-t seconds] op...
 *
 * Ops (Go benchmark in parentheses): syscall (SyscallFloor), resolve
 * (Resolve), add (AddKey), update (Update), readalloc (Read), read
 * (ReadInto), describealloc (Describe), describe (DescribeInto), search1k
 * (Search), search10k (Search10k), linkunlink (LinkUnlink), list100
 * (ReadKeyringInto); "all" runs them all. For each op it prints
 * "name ns/op iterations".
 *
 *   bench tree [rings [keys]]
 *
 * instead builds a tree of the CLI benchmarks: keyrings (default 20)
 * ring00, ring01, ... in the session keyring, keys (default 100) user keys
 * key000, key001, ... in each (2,000 keys by default); keyrings of those
 * names already there are replaced.
 *
 * Like Go's testing.B.Loop it runs a loop with a growing iteration count
 * until one run takes at least the benchmark time (default 1s), and reports
 * that run; the clock (CLOCK_MONOTONIC) is read only around a run. Like
 * testutil.Keyring, each op's fixtures live in a keyring of their own in the
 * session keyring (run this in a throwaway session: keyctl session - ...),
 * cleared and unlinked when the op ends, so that the session holds the same
 * tree as during the Go benchmark (the possession search the kernel makes
 * on every key lookup walks it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <keyutils.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double benchtime = 1.0;
static const char payload[] = "benchmark payload"; /* as in bench_test.go */
#define PLEN (sizeof payload - 1)
static key_serial_t ring;  /* the current op's keyring, in @s */
static key_serial_t key;   /* the key the op works on */
static key_serial_t sub;   /* linkunlink: the keyring linked into */
static char desc[64];      /* search: the description searched for */
static long want;          /* the length a read must return */
static char buf64[64], buf256[256], buf512[512];
static volatile long sink;

static void die(const char *what)
{
	perror(what);
	if (ring > 0) {
		keyctl_clear(ring);
		keyctl_unlink(ring, KEY_SPEC_SESSION_KEYRING);
	}
	exit(1);
}

static uint64_t now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

/* The loops. Each runs n iterations and checks every result. */

static void loop_syscall(long n)
{
	for (long i = 0; i < n; i++)
		sink += syscall(SYS_getppid);
}

static void loop_resolve(long n)
{
	for (long i = 0; i < n; i++)
		if (keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0) < 0)
			die("keyctl_get_keyring_ID");
}

static void loop_add(long n)
{
	/* The same description: the key is updated in place. */
	for (long i = 0; i < n; i++)
		if (add_key("user", "bench:add", payload, PLEN, ring) < 0)
			die("add_key");
}

static void loop_update(long n)
{
	for (long i = 0; i < n; i++)
		if (keyctl_update(key, payload, PLEN) < 0)
			die("keyctl_update");
}

static void loop_readalloc(long n)
{
	for (long i = 0; i < n; i++) {
		void *p;
		if (keyctl_read_alloc(key, &p) != want)
			die("keyctl_read_alloc");
		free(p);
	}
}

static void loop_read(long n)
{
	for (long i = 0; i < n; i++)
		if (keyctl_read(key, buf64, sizeof buf64) != want)
			die("keyctl_read");
}

static void loop_describealloc(long n)
{
	for (long i = 0; i < n; i++) {
		char *p;
		if (keyctl_describe_alloc(key, &p) < 0)
			die("keyctl_describe_alloc");
		free(p);
	}
}

static void loop_describe(long n)
{
	for (long i = 0; i < n; i++)
		if (keyctl_describe(key, buf256, sizeof buf256) < 0)
			die("keyctl_describe");
}

static void loop_search(long n)
{
	for (long i = 0; i < n; i++)
		if (keyctl_search(ring, "user", desc, 0) < 0)
			die("keyctl_search");
}

static void loop_linkunlink(long n)
{
	for (long i = 0; i < n; i++) {
		if (keyctl_link(key, sub) < 0)
			die("keyctl_link");
		if (keyctl_unlink(key, sub) < 0)
			die("keyctl_unlink");
	}
}

static void loop_list(long n)
{
	for (long i = 0; i < n; i++)
		if (keyctl_read(ring, buf512, sizeof buf512) != want)
			die("keyctl_read keyring");
}

/* bench runs f like testing.B.Loop: n = 1, then predicted from the last
 * run (at most 100x growth, at least +1) until a run takes benchtime. */
static void bench(const char *name, void (*f)(long))
{
	long n = 1;
	uint64_t d;
	double target = benchtime * 1e9;
	for (;;) {
		uint64_t t0 = now();
		f(n);
		d = now() - t0;
		if (d >= target || n >= 1000000000L)
			break;
		long last = n;
		double per = d > 0 ? (double)d / n : 1;
		double next = target * 1.2 / per;
		if (next > last * 100.0)
			next = last * 100.0;
		n = (long)next;
		if (n <= last)
			n = last + 1;
	}
	printf("%s %.2f %ld\n", name, (double)d / n, n);
	fflush(stdout);
}

static key_serial_t add_user(const char *d, const char *p, key_serial_t r)
{
	key_serial_t k = add_key("user", d, p, strlen(p), r);
	if (k < 0)
		die("add_key");
	return k;
}

/* newring creates the op's keyring, as testutil.Keyring does. */
static void newring(const char *op)
{
	char name[64];
	snprintf(name, sizeof name, "bench-c:%s", op);
	ring = add_key("keyring", name, NULL, 0, KEY_SPEC_SESSION_KEYRING);
	if (ring < 0)
		die("add_key keyring");
}

static void fill(const char *prefix, int count)
{
	for (int i = 0; i < count; i++) {
		char d[64];
		snprintf(d, sizeof d, "%s%d", prefix, i);
		add_user(d, "x", ring);
	}
}

static int run(const char *op)
{
	void (*f)(long) = NULL;
	if (!strcmp(op, "syscall")) {
		bench(op, loop_syscall);
		return 0;
	}
	if (!strcmp(op, "resolve")) {
		bench(op, loop_resolve);
		return 0;
	}
	newring(op);
	if (!strcmp(op, "add")) {
		f = loop_add;
	} else if (!strcmp(op, "update")) {
		key = add_user("bench:update", "x", ring);
		f = loop_update;
	} else if (!strcmp(op, "readalloc") || !strcmp(op, "read")) {
		key = add_user("bench:read", payload, ring);
		want = PLEN;
		f = op[4] ? loop_readalloc : loop_read;
	} else if (!strcmp(op, "describealloc") || !strcmp(op, "describe")) {
		key = add_user("bench:describe", "x", ring);
		f = op[8] ? loop_describealloc : loop_describe;
	} else if (!strcmp(op, "search1k")) {
		fill("bench:search:", 1000);
		strcpy(desc, "bench:search:500");
		f = loop_search;
	} else if (!strcmp(op, "search10k")) {
		fill("bench:search:", 10000);
		strcpy(desc, "bench:search:5000");
		f = loop_search;
	} else if (!strcmp(op, "linkunlink")) {
		sub = add_key("keyring", "bench:sub", NULL, 0, ring);
		if (sub < 0)
			die("add_key keyring");
		key = add_user("bench:link", "x", ring);
		f = loop_linkunlink;
	} else if (!strcmp(op, "list100")) {
		fill("bench:member:", 100);
		want = 100 * 4;
		f = loop_list;
	}
	if (f)
		bench(op, f);
	else
		fprintf(stderr, "bench: unknown op %s\n", op);
	if (keyctl_clear(ring) < 0 || keyctl_unlink(ring, KEY_SPEC_SESSION_KEYRING) < 0)
		die("cleanup");
	ring = 0;
	return f ? 0 : 2;
}

static int tree(int rings, int keys)
{
	for (int r = 0; r < rings; r++) {
		char name[32];
		snprintf(name, sizeof name, "ring%02d", r);
		key_serial_t ring = add_key("keyring", name, NULL, 0, KEY_SPEC_SESSION_KEYRING);
		if (ring < 0)
			die("add_key keyring");
		for (int k = 0; k < keys; k++) {
			snprintf(name, sizeof name, "key%03d", k);
			if (add_key("user", name, "payload", 7, ring) < 0)
				die("add_key");
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const char *all[] = {"syscall", "resolve", "add", "update", "readalloc", "read",
		"describealloc", "describe", "search1k", "search10k", "linkunlink", "list100", NULL};
	int opt, rc = 0;
	while ((opt = getopt(argc, argv, "t:")) != -1) {
		switch (opt) {
		case 't': benchtime = atof(optarg); break;
		default:
			fprintf(stderr, "usage: bench [-t seconds] op... | bench tree [rings [keys]]\n");
			return 2;
		}
	}
	if (optind < argc && !strcmp(argv[optind], "tree"))
		return tree(optind + 1 < argc ? atoi(argv[optind + 1]) : 20,
			optind + 2 < argc ? atoi(argv[optind + 2]) : 100);
	for (int i = optind; i < argc; i++) {
		if (!strcmp(argv[i], "all")) {
			for (const char **op = all; *op; op++)
				rc |= run(*op);
		} else {
			rc |= run(argv[i]);
		}
	}
	return rc;
}
