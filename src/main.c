/*
 * main: the command line. Parses options, blocks the signals the event loop
 * takes through a signalfd, enters the private namespace, and hands over to
 * the shell. Exit status: 0 success, 1 a check failed, 2 usage or input
 * error, 3 environment problem (privileges, TUN).
 */
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "engine.h"
#include "sandbox.h"
#include "runner.h"
#include "shell.h"

#ifndef TCPSH_VERSION
#define TCPSH_VERSION "0.1"
#endif

static const char usage[] =
	"usage: tcpsh [--pcap FILE] [--format tcpdump|packetdrill] [--ascii] [--allow-shell]\n"
	"       tcpsh run [OPTIONS] SCRIPT.pkt...\n"
	"       tcpsh --help | --version\n"
	"Type socket calls and TCP segments in packetdrill's syntax and watch the real\n"
	"Linux kernel answer, in a private network namespace that vanishes on exit.\n"
	"\n"
	"  tcpsh              the interactive shell; 'help' at its prompt, Tab completes\n"
	"  tcpsh run          replay packetdrill scripts; exit 0 when all pass\n"
	"                     (tcpsh run --help lists its options)\n"
	"\n"
	"  --pcap FILE        also write every segment, both directions, to FILE (pcap)\n"
	"  --format tcpdump|packetdrill   how segments are printed (default tcpdump)\n"
	"  --ascii            no Unicode symbols in the output\n"
	"  --allow-shell      run backquoted commands that are not plain net.* sysctls through /bin/sh\n"
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
		} else if ((v = opt_value(argc, argv, &i, "--pcap"))) {
			cfg->pcap_path = v;
		} else if ((v = opt_value(argc, argv, &i, "--format"))) {
			if (!strcmp(v, "tcpdump"))
				cfg->format = ENGINE_FMT_TCPDUMP;
			else if (!strcmp(v, "packetdrill"))
				cfg->format = ENGINE_FMT_PACKETDRILL;
			else
				return usage_error("--format %s: expected tcpdump or packetdrill", v);
		} else if (!strcmp(argv[i], "lesson")) {
			return usage_error("'%s' is not part of this build yet; tcpsh with no command starts the shell",
					   argv[i]);
		} else {
			return usage_error("unknown option or command '%s'", argv[i]);
		}
	}
	return 0;
}

static int signals_to_fd(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGWINCH);
	if (sigprocmask(SIG_BLOCK, &set, NULL)) {
		perror("tcpsh: sigprocmask");
		return -1;
	}
	int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		perror("tcpsh: signalfd");
	return fd;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "run")) {
		signal(SIGPIPE, SIG_IGN);
		prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
		return runner_main(argc - 1, argv + 1);
	}
	struct engine_cfg cfg;
	engine_cfg_default(&cfg);
	cfg.utf8 = utf8_locale();
	int r = parse_args(argc, argv, &cfg);
	if (r)
		return r;
	signal(SIGPIPE, SIG_IGN);
	/* Timers fire when asked, not up to 50 us later: injections keep to the script. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	int sig_fd = signals_to_fd();
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
