/*
 * main: the command line. Parses options, blocks the signals the event loop
 * takes through a signalfd, enters the private namespace, and hands over to
 * the shell. Exit status: 0 success, 1 a check failed, 2 usage or input
 * error, 3 environment problem (privileges, TUN).
 */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "engine.h"
#include "lesson_main.h"
#include "sandbox.h"
#include "runner.h"
#include "shell.h"

#ifndef TCPSH_VERSION
#define TCPSH_VERSION "0.1"
#endif

/* Short, under 80 columns: the three modes and the options used most;
 * every option is in man tcpsh and in tcpsh run --help. */
static const char usage[] =
	"usage: tcpsh [--pcap FILE] [--format tcpdump|packetdrill] [--ascii]\n"
	"             [--allow-shell] [--present [--present-delay=SECONDS]]\n"
	"             [--explain] [--color=WHEN] [--time=WHEN] [--json]\n"
	"       tcpsh run [OPTIONS] SCRIPT.pkt...\n"
	"       tcpsh lesson [--auto N] [--json] [--then-shell] [NAME|NN|FILE]\n"
	"       tcpsh lesson --check NAME|NN|FILE...\n"
	"       tcpsh --help | --version\n"
	"Type socket calls and TCP segments in packetdrill's syntax and watch the\n"
	"real Linux kernel answer, in a private network namespace that vanishes on exit.\n"
	"\n"
	"  tcpsh            the interactive shell; 'help' at its prompt, Tab completes\n"
	"  tcpsh run        replay packetdrill scripts; exit 0 when all pass\n"
	"                   (tcpsh run --help lists its options)\n"
	"  tcpsh lesson     list the guided lessons; tcpsh lesson handshake plays one\n"
	"\n"
	"  --pcap FILE      also write every segment, both directions, to FILE (pcap)\n"
	"  --format tcpdump|packetdrill   how segments are printed (default tcpdump)\n"
	"  --ascii          no Unicode symbols in the output\n"
	"  --explain        after each segment, the TCP rule at work (explain on|off)\n"
	"  --color=WHEN --time=WHEN   colour (auto|always|never), time column (delta...)\n"
	"  --json           one JSON object per event on stdout, for autograders\n"
	"  --allow-shell    run backquoted commands other than net.* sysctls with /bin/sh\n"
	"  --present        presenter mode for a class: spaced output, a pause before\n"
	"                   the kernel's replies, the ladder diagram after each step\n"
	"  --present-delay=SECONDS   that pause (default 1, 0 for none)\n"
	"  run --ip_version=ipv4|ipv6|ipv4-mapped-ipv6, run -D NAME=VALUE, run --verbose\n"
	"\n"
	"Needs root, or unprivileged user namespaces and a usable /dev/net/tun.\n"
	"Exit status: 0 ok, 1 a check failed, 2 usage or input error, 3 no privileges.\n"
	"More: man tcpsh.\n";

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "tcpsh: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(tcpsh --help lists the options)\n");
	return 2;
}

/* The value of --name VALUE or --name=VALUE; advances *i past it. */
static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);
	if (strncmp(argv[*i], name, n))
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] == '\0' && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}

static bool utf8_locale(void)
{
	const char *cs = setlocale(LC_CTYPE, "");
	return cs && (strstr(cs, "UTF-8") || strstr(cs, "utf8") || strstr(cs, "UTF8"));
}

static int parse_args(int argc, char **argv, struct engine_cfg *cfg)
{
	for (int i = 1; i < argc; i++) {
		const char *v;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(usage, stdout);
			exit(0);
		} else if (!strcmp(argv[i], "--version")) {
			printf("tcpsh %s\n", TCPSH_VERSION);
			exit(0);
		} else if (!strcmp(argv[i], "--ascii")) {
			cfg->utf8 = false;
		} else if (!strcmp(argv[i], "--allow-shell")) {
			cfg->allow_shell = true;
		} else if (!strcmp(argv[i], "--present")) {
			cfg->present = true;
		} else if ((v = opt_value(argc, argv, &i, "--present-delay"))) {
			char *end = NULL;
			double d = strtod(v, &end);
			if (!end || end == v || *end || !(d >= 0 && d <= 60))
				return usage_error("--present-delay=%s: expected a number of seconds from 0 to 60", v);
			cfg->present = true;
			cfg->present_delay = d;
		} else if ((v = opt_value(argc, argv, &i, "--pcap"))) {
			cfg->pcap_path = v;
		} else if ((v = opt_value(argc, argv, &i, "--format"))) {
			if (!strcmp(v, "tcpdump"))
				cfg->format = ENGINE_FMT_TCPDUMP;
			else if (!strcmp(v, "packetdrill"))
				cfg->format = ENGINE_FMT_PACKETDRILL;
			else
				return usage_error("--format %s: expected tcpdump or packetdrill", v);
		} else if (!strcmp(argv[i], "--explain")) {
			cfg->explain = true;
		} else if ((v = opt_value(argc, argv, &i, "--color"))) {
			int on = engine_color_wanted(v, isatty(STDOUT_FILENO), getenv("NO_COLOR"));
			if (on < 0)
				return usage_error("--color=%s: expected auto, always or never", v);
			cfg->color = on;
		} else if ((v = opt_value(argc, argv, &i, "--time"))) {
			if (engine_time_parse(v) < 0)
				return usage_error("--time=%s: expected relative, absolute or delta", v);
			cfg->timefmt = (enum engine_time)engine_time_parse(v);
		} else if (!strcmp(argv[i], "--json")) {
			cfg->json = true;
		} else {
			return usage_error("unknown option or command '%s'", argv[i]);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "run")) {
		signal(SIGPIPE, SIG_IGN);
		prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
		return runner_main(argc - 1, argv + 1);
	}
	if (argc > 1 && !strcmp(argv[1], "lesson")) {
		signal(SIGPIPE, SIG_IGN);
		prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
		return lesson_main(argc - 1, argv + 1);
	}
	struct engine_cfg cfg;
	engine_cfg_default(&cfg);
	cfg.utf8 = utf8_locale();
	cfg.color = engine_color_wanted("auto", isatty(STDOUT_FILENO), getenv("NO_COLOR")) == 1;
	int r = parse_args(argc, argv, &cfg);
	if (r)
		return r;
	signal(SIGPIPE, SIG_IGN);
	/* Timers fire when asked, not up to 50 us later: injections keep to the script. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	/* The pcap file is a path the user named: create it now, as the user,
	 * before any namespace, so a path that cannot be written is a usage
	 * error said at once (exit 2), not a failure of the environment. */
	if (cfg.pcap_path) {
		int fd = open(cfg.pcap_path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
		if (fd < 0) {
			fprintf(stderr, "tcpsh: --pcap %s: cannot create it: %s\n", cfg.pcap_path, strerror(errno));
			return 2;
		}
		close(fd);
	}
	int sig_fd = loop_signal_fd();
	if (sig_fd < 0)
		return 3;
	struct sb err = SB_INIT;
	if (sandbox_enter(&err)) {
		fprintf(stderr, "tcpsh: %s\n", sb_str(&err));
		sb_free(&err);
		return 3;
	}
	sb_free(&err);
	loop_steady_timing();
	r = shell_run(&cfg, sig_fd);
	close(sig_fd);
	return r;
}
