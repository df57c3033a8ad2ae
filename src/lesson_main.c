/*
 * lesson_main: `tcpsh lesson` (see man tcpsh-lesson.5). Lists the lessons,
 * finds one by name or number, checks lesson files (their markers, then a
 * replay with `tcpsh run`'s semantics), and plays one: each attempt in a
 * child process with its own fresh namespace, so that `back` can start over
 * cleanly; the score lives in shared memory across attempts.
 */
#include "lesson_main.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lesson.h"
#include "loop.h"
#include "lesson_play.h"
#include "runner.h"
#include "sandbox.h"

static const char lesson_usage[] =
	"usage: tcpsh lesson                       list the lessons\n"
	"       tcpsh lesson [OPTIONS] NAME|NN|FILE  play one (02, 2, handshake, ./mine.pkt)\n"
	"       tcpsh lesson --check NAME|NN|FILE...   replay lessons non-interactively; exit 0 when all pass\n"
	"  --auto SECONDS   advance by itself (questions and your-turn steps show the answer)\n"
	"  --json           end with a machine-readable result\n"
	"  --then-shell     stay in the shell with the lesson's connection at the end\n"
	"  --ascii          no Unicode symbols\n"
	"Lessons are read from $TCPSH_LESSONS, else ../share/tcpsh/lessons from the tcpsh binary\n"
	"(or lessons/ beside it), else the directory it was built for. Format: man 5 tcpsh-lesson.\n";

static int read_file(const char *path, struct sb *text, struct sb *err)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		sb_addf(err, "%s: cannot open the lesson: %s", path, strerror(errno));
		return -1;
	}
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_addn(text, buf, n);
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		sb_addf(err, "%s: cannot read the lesson", path);
		return -1;
	}
	return 0;
}

static bool is_dir(const char *p)
{
	struct stat st;
	return p && !stat(p, &st) && S_ISDIR(st.st_mode);
}

/* $TCPSH_LESSONS, the lessons installed beside the binary (or lessons/ next
 * to it), else the installed directory it was built for. */
static char *lesson_dir(void)
{
	const char *env = getenv("TCPSH_LESSONS");
	if (env && *env)
		return xstrdup(env);
	/* Relative to the binary first: PREFIX/bin/tcpsh finds the
	 * PREFIX/share/tcpsh/lessons installed with it, even when installed
	 * with another PREFIX than it was built with or staged in a DESTDIR
	 * (where another install's TCPSH_LESSONDIR may exist too), and a build
	 * in the source tree finds lessons/ beside it. */
	struct sb p = SB_INIT;
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		const char *dir = dirname(exe);
		static const char *const rel[] = {"../share/tcpsh/lessons", "lessons"};
		for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			sb_reset(&p);
			sb_addf(&p, "%s/%s", dir, rel[i]);
			if (is_dir(sb_str(&p))) {
				/* said without "bin/..": the listing names the directory */
				char *real = realpath(sb_str(&p), NULL);
				if (real) {
					sb_free(&p);
					return real;
				}
				return sb_detach(&p);
			}
		}
	}
	sb_free(&p);
#ifdef TCPSH_LESSONDIR
	if (is_dir(TCPSH_LESSONDIR)) /* a binary moved away from its share/ */
		return xstrdup(TCPSH_LESSONDIR);
#endif
	return xstrdup("lessons");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.pkt files of dir, sorted. */
static char **list_files(const char *dir, size_t *n)
{
	*n = 0;
	DIR *d = opendir(dir);
	if (!d)
		return NULL;
	char **v = NULL;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".pkt"))
			continue;
		v = xrealloc(v, (*n + 1) * sizeof(*v));
		v[(*n)++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof(*v), cmp_str);
	return v;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* "02-handshake.pkt" -> "handshake" */
static const char *short_name(const char *f, size_t *len)
{
	const char *s = f;
	while (isdigit((unsigned char)*s))
		s++;
	if (s != f && *s == '-')
		s++;
	else
		s = f;
	*len = strlen(s) - 4;
	return s;
}

static int list_lessons(void)
{
	char *dir = lesson_dir();
	size_t n;
	char **files = list_files(dir, &n);
	if (!n) {
		printf("No lessons in %s (set TCPSH_LESSONS to a directory of NN-name.pkt files).\n", dir);
		free(dir);
		free_list(files, n);
		return 0;
	}
	printf("Lessons in %s (tcpsh lesson NAME or NUMBER plays one):\n", dir);
	for (size_t i = 0; i < n; i++) {
		struct sb path = SB_INIT, text = SB_INIT, err = SB_INIT;
		sb_addf(&path, "%s/%s", dir, files[i]);
		size_t len;
		const char *name = short_name(files[i], &len);
		printf("%.*s  %-18.*s ", (int)(name - files[i] > 1 ? name - files[i] - 1 : 2), files[i], (int)len,
		       name);
		struct lesson l;
		if (read_file(sb_str(&path), &text, &err) ||
		    lesson_parse(sb_str(&path), sb_str(&text), text.len, &l, &err)) {
			const char *nl = strchr(sb_str(&err), '\n');
			printf("(cannot be played: %.*s)\n", nl ? (int)(nl - sb_str(&err)) : (int)err.len,
			       sb_str(&err));
		} else {
			printf("%-12s %s\n%24s shows: %s\n", l.level, l.title, "", l.teaches);
			lesson_free(&l);
		}
		sb_free(&path);
		sb_free(&text);
		sb_free(&err);
	}
	free(dir);
	free_list(files, n);
	return 0;
}

/* NAME|NN|N|FILE -> a path (caller frees), or NULL with err set. */
static char *find_lesson(const char *arg, struct sb *err)
{
	struct stat st;
	if (strchr(arg, '/') || (strlen(arg) > 4 && !strcmp(arg + strlen(arg) - 4, ".pkt"))) {
		if (!stat(arg, &st))
			return xstrdup(arg);
		if (strchr(arg, '/')) {
			sb_addf(err, "%s: no such lesson file", arg);
			return NULL;
		}
	}
	char *dir = lesson_dir();
	size_t n;
	char **files = list_files(dir, &n);
	char *found = NULL;
	bool digits = *arg && strspn(arg, "0123456789") == strlen(arg);
	size_t alen = strlen(arg);
	if (alen > 4 && !strcmp(arg + alen - 4, ".pkt"))
		alen -= 4;
	int matches = 0;
	for (size_t i = 0; i < n && !found; i++) {
		size_t len;
		const char *name = short_name(files[i], &len);
		bool hit;
		if (digits)
			hit = name != files[i] && atoi(files[i]) == atoi(arg);
		else
			hit = (len == alen && !strncmp(name, arg, alen)) ||
			      (strlen(files[i]) - 4 == alen && !strncmp(files[i], arg, alen));
		if (hit) {
			struct sb p = SB_INIT;
			sb_addf(&p, "%s/%s", dir, files[i]);
			found = sb_detach(&p);
		}
	}
	/* Otherwise a unique prefix: "hand" for handshake. */
	for (size_t i = 0; i < n && !found && !digits; i++) {
		size_t len;
		const char *name = short_name(files[i], &len);
		if (alen <= len && !strncmp(name, arg, alen))
			matches++;
	}
	for (size_t i = 0; i < n && !found && matches == 1; i++) {
		size_t len;
		const char *name = short_name(files[i], &len);
		if (alen <= len && !strncmp(name, arg, alen)) {
			struct sb p = SB_INIT;
			sb_addf(&p, "%s/%s", dir, files[i]);
			found = sb_detach(&p);
		}
	}
	if (!found)
		sb_addf(err, "no lesson '%s' in %s%s", arg, dir,
			matches > 1 ? " (more than one name starts so)" : " ('tcpsh lesson' lists them)");
	free(dir);
	free_list(files, n);
	return found;
}

static int load(const char *path, struct sb *text, struct lesson *l)
{
	struct sb err = SB_INIT;
	if (read_file(path, text, &err)) {
		fprintf(stderr, "tcpsh: %s\n", sb_str(&err));
		sb_free(&err);
		return -1;
	}
	if (lesson_parse(path, sb_str(text), text->len, l, &err)) {
		fputs(sb_str(&err), stderr);
		sb_free(&err);
		return -1;
	}
	sb_free(&err);
	return 0;
}

/* --check: the markers here, then the script through `tcpsh run`. */
static int check_lessons(int n, char **files)
{
	int passed = 0, failed = 0, worst = 0;
	for (int i = 0; i < n; i++) {
		struct sb text = SB_INIT, err = SB_INIT;
		struct lesson l;
		int code = 2;
		/* a FILE, or a NAME or number found like `tcpsh lesson NAME` does */
		char *path = find_lesson(files[i], &err);
		if (!path)
			fprintf(stderr, "tcpsh: %s\n", sb_str(&err));
		if (path && !load(path, &text, &l)) {
			lesson_free(&l);
			char *argv[] = {"run", path, NULL};
			fflush(NULL);
			code = runner_main(2, argv);
		}
		sb_free(&text);
		sb_free(&err);
		printf("%s %s\n", code == 0 ? "PASS" : "FAIL", path ? path : files[i]);
		free(path);
		fflush(stdout);
		if (code)
			failed++;
		else
			passed++;
		if (code > worst)
			worst = code;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return worst;
}

static double mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Plays: one child per attempt (back starts a new one in a fresh namespace). */
static int play(const char *path, const struct lesson_opts *o, struct engine_cfg *cfg)
{
	struct sb text = SB_INIT;
	struct lesson l;
	if (load(path, &text, &l)) {
		sb_free(&text);
		return 2;
	}
	struct lesson_score *score =
		mmap(NULL, sizeof(*score), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (score == MAP_FAILED) {
		perror("tcpsh lesson: mmap");
		return 3;
	}
	memset(score, 0, sizeof(*score));
	score->restart_at = -1;
	score->t_start = mono_now();
	int sig_fd = loop_signal_fd();
	if (sig_fd < 0)
		return 3;
	int code;
	for (;;) {
		fflush(NULL);
		pid_t pid = fork();
		if (pid < 0) {
			perror("tcpsh lesson: fork");
			return 3;
		}
		if (pid == 0) {
			struct sb err = SB_INIT;
			if (sandbox_enter(&err)) {
				fprintf(stderr, "tcpsh: %s\n", sb_str(&err));
				_exit(3);
			}
			cfg->file = path;
			_exit(lesson_play(path, sb_str(&text), text.len, &l, cfg, o, score, sig_fd));
		}
		int st = 0;
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		code = WIFEXITED(st) ? WEXITSTATUS(st) : 1;
		if (!WIFEXITED(st))
			fprintf(stderr, "tcpsh lesson: the player died with signal %d\n", WTERMSIG(st));
		if (code != LESSON_EXIT_BACK)
			break;
	}
	close(sig_fd);
	munmap(score, sizeof(*score));
	lesson_free(&l);
	sb_free(&text);
	return code;
}

static bool utf8_locale(void)
{
	const char *cs = setlocale(LC_CTYPE, "");
	return cs && (strstr(cs, "UTF-8") || strstr(cs, "utf8") || strstr(cs, "UTF8"));
}

int lesson_main(int argc, char **argv)
{
	struct lesson_opts o;
	memset(&o, 0, sizeof(o));
	struct engine_cfg cfg;
	engine_cfg_default(&cfg);
	cfg.utf8 = utf8_locale();
	bool check = false;
	char **args = xcalloc((size_t)argc + 1, sizeof(*args));
	int nargs = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(lesson_usage, stdout);
			free(args);
			return 0;
		} else if (!strcmp(a, "--check")) {
			check = true;
		} else if (!strcmp(a, "--json")) {
			o.json = true;
		} else if (!strcmp(a, "--then-shell")) {
			o.then_shell = true;
		} else if (!strcmp(a, "--ascii")) {
			cfg.utf8 = false;
		} else if (!strncmp(a, "--auto", 6) && (a[6] == '\0' || a[6] == '=')) {
			const char *v = a[6] == '=' ? a + 7 : (i + 1 < argc ? argv[++i] : "");
			char *end = NULL;
			o.auto_secs = strtod(v, &end);
			if (!*v || !end || *end || o.auto_secs <= 0 || o.auto_secs > 3600) {
				fprintf(stderr, "tcpsh lesson: --auto %s: expected seconds, more than 0\n", v);
				free(args);
				return 2;
			}
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "tcpsh lesson: unknown option '%s'\n(tcpsh lesson --help lists them)\n", a);
			free(args);
			return 2;
		} else {
			args[nargs++] = argv[i];
		}
	}
	int r;
	if (check) {
		r = nargs ? check_lessons(nargs, args) : (fputs(lesson_usage, stderr), 2);
	} else if (!nargs) {
		r = list_lessons();
	} else if (nargs > 1) {
		fprintf(stderr, "tcpsh lesson: one lesson at a time (got '%s' and '%s')\n", args[0], args[1]);
		r = 2;
	} else {
		struct sb err = SB_INIT;
		char *path = find_lesson(args[0], &err);
		if (!path) {
			fprintf(stderr, "tcpsh lesson: %s\n", sb_str(&err));
			r = 2;
		} else {
			r = play(path, &o, &cfg);
		}
		free(path);
		sb_free(&err);
	}
	free(args);
	return r;
}
