/*
 * run.c: the whole-process runner of scripts/bench.
 *
 *   run [-n rounds] [-s setup-shell-command] -- cmd1 args :: cmd2 args :: ...
 *
 * For each round it runs every command once, in the order given (so the
 * commands alternate), with stdout on /dev/null, and prints one line per
 * run: "index wall-ns maxrss-KiB cpu-ns exit-status". The wall time is
 * measured with CLOCK_MONOTONIC from just before fork to the return of
 * wait4; peak RSS (ru_maxrss) and CPU time (ru_utime + ru_stime, all threads)
 * are the child's, from wait4. If -s is given, "/bin/sh -c setup"
 * runs (untimed) before every timed run.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static int devnull;

static int run(char **argv, uint64_t *ns, long *rss, uint64_t *cpu)
{
	struct rusage ru;
	int status;
	uint64_t t0 = now();
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		dup2(devnull, 1);
		execv(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("wait4");
		exit(1);
	}
	*ns = now() - t0;
	*rss = ru.ru_maxrss;
	*cpu = (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000u +
	       (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000u;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	int rounds = 10, opt;
	char *setup = NULL;
	while ((opt = getopt(argc, argv, "n:s:")) != -1) {
		switch (opt) {
		case 'n': rounds = atoi(optarg); break;
		case 's': setup = optarg; break;
		default:
			fprintf(stderr, "usage: run [-n rounds] [-s setup] -- cmd :: cmd ...\n");
			return 2;
		}
	}
	char **cmds[64];
	int ncmd = 0;
	if (optind >= argc)
		return 2;
	cmds[ncmd++] = &argv[optind];
	for (int i = optind; i < argc; i++) {
		if (!strcmp(argv[i], "::")) {
			argv[i] = NULL;
			if (ncmd < 64)
				cmds[ncmd++] = &argv[i + 1];
		}
	}
	devnull = open("/dev/null", O_WRONLY);
	char *sh[] = {"/bin/sh", "-c", setup, NULL};
	for (int r = 0; r < rounds; r++) {
		for (int c = 0; c < ncmd; c++) {
			uint64_t ns, cpu;
			long rss;
			if (setup) {
				int st = run(sh, &ns, &rss, &cpu);
				if (st != 0) {
					fprintf(stderr, "run: setup failed (%d)\n", st);
					return 1;
				}
			}
			int st = run(cmds[c], &ns, &rss, &cpu);
			printf("%d %llu %ld %llu %d\n", c, (unsigned long long)ns, rss,
			       (unsigned long long)cpu, st);
		}
	}
	return 0;
}
