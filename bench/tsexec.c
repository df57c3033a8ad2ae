/*
 * tsexec: runs a command with stdin from a file and timestamps every line it
 * writes to stdout, as it arrives, with CLOCK_REALTIME (the clock pcap uses).
 * A benchmark helper for bench/run; not part of tcpsh.
 *
 *   tsexec INPUT -- CMD ARGS...
 * prints "exec SEC.NSEC", then "SEC.NSEC<TAB>LINE" per output line, then
 * "exit SEC.NSEC STATUS CPU", CPU being the seconds of CPU (user + system)
 * the command and its waited-for children used: on a shared machine the
 * part of a run that the load does not stretch. stderr is left alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void stamp(struct timespec *ts)
{
	clock_gettime(CLOCK_REALTIME, ts);
}

int main(int argc, char **argv)
{
	if (argc < 4 || strcmp(argv[2], "--")) {
		fprintf(stderr, "usage: tsexec INPUT -- CMD ARGS...\n");
		return 2;
	}
	int in = open(argv[1], O_RDONLY);
	if (in < 0) {
		fprintf(stderr, "tsexec: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	int p[2];
	if (pipe(p)) {
		perror("tsexec: pipe");
		return 2;
	}
	struct timespec t;
	stamp(&t);
	pid_t pid = fork();
	if (pid < 0) {
		perror("tsexec: fork");
		return 2;
	}
	if (pid == 0) {
		dup2(in, 0);
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execvp(argv[3], argv + 3);
		fprintf(stderr, "tsexec: %s: %s\n", argv[3], strerror(errno));
		_exit(127);
	}
	close(p[1]);
	printf("exec %ld.%09ld\n", (long)t.tv_sec, t.tv_nsec);
	static char buf[1 << 16];
	char *line = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		ssize_t n = read(p[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		stamp(&t);
		for (ssize_t i = 0; i < n; i++) {
			if (len + 1 >= cap) {
				cap = cap ? cap * 2 : 4096;
				line = realloc(line, cap);
				if (!line)
					return 2;
			}
			if (buf[i] != '\n') {
				line[len++] = buf[i];
				continue;
			}
			line[len] = '\0';
			printf("%ld.%09ld\t%s\n", (long)t.tv_sec, t.tv_nsec, line);
			len = 0;
		}
	}
	int status = 0;
	struct rusage ru;
	memset(&ru, 0, sizeof ru);
	wait4(pid, &status, 0, &ru);
	stamp(&t);
	double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
		     ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6;
	printf("exit %ld.%09ld %d %.6f\n", (long)t.tv_sec, t.tv_nsec,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), cpu);
	free(line);
	return 0;
}
