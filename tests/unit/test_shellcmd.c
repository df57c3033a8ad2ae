/*
 * test_shellcmd: the native part of backquoted commands, as a specification.
 * Every form packetdrill's scripts use is either understood (and turns into
 * exactly these sysctl assignments and steps) or refused with a reason, so
 * that it runs only with --allow-shell; nothing outside net.* is ever
 * native. Pure: no namespace, no files (tests/kernel/shellcmd.sh runs them).
 */
#include <stdlib.h>

#include "check.h"
#include "shellcmd.h"

#define PPID 4242

static const struct shellcmd_cfg cfg = {false, "/scripts/tcp/sack", PPID};

/* shellcmd_parse_native's result and text (out starts with "keep\n", which
 * must be left alone unless the text is native). */
struct res {
	int r;
	char *out; /* after "keep\n" */
	char *err;
};

static struct res parse(const char *text)
{
	struct sb out = SB_INIT, err = SB_INIT;
	sb_add(&out, "keep\n");
	struct res res = {shellcmd_parse_native(text, &cfg, &out, &err), NULL, NULL};
	if (strncmp(sb_str(&out), "keep\n", 5) != 0)
		res.r = 99; /* the prefix was touched */
	res.out = xstrdup(sb_str(&out) + 5);
	res.err = sb_detach(&err);
	if (!res.err)
		res.err = xstrdup("");
	sb_free(&out);
	return res;
}

static void res_free(struct res *res)
{
	free(res->out);
	free(res->err);
}

#define NATIVE(text, want)                                                                         \
	do {                                                                                       \
		struct res r_ = parse(text);                                                       \
		CHECK_INT(r_.r, 1);                                                                \
		CHECK_STR(r_.out, want);                                                           \
		CHECK_STR(r_.err, "");                                                             \
		res_free(&r_);                                                                     \
	} while (0)

#define NOT_NATIVE(text)                                                                           \
	do {                                                                                       \
		struct res r_ = parse(text);                                                       \
		CHECK_INT(r_.r, 0);                                                                \
		CHECK_STR(r_.out, "");                                                             \
		res_free(&r_);                                                                     \
	} while (0)

#define MALFORMED(text, want_in_err)                                                               \
	do {                                                                                       \
		struct res r_ = parse(text);                                                       \
		CHECK_INT(r_.r, -1);                                                               \
		CHECK_STR(r_.out, "");                                                             \
		CHECK(strstr(r_.err, want_in_err) != NULL);                                        \
		if (!strstr(r_.err, want_in_err))                                                  \
			printf("    err: [%s]\n", r_.err);                                         \
		res_free(&r_);                                                                     \
	} while (0)

/* The why of a refusal: source, where and a piece of the reason. */
static void check_why(const char *text, const char *source, const char *where,
		      const char *reason_part)
{
	struct shellcmd_plan plan = {0};
	struct shellcmd_why why = {SB_INIT, SB_INIT, SB_INIT};
	struct sb err = SB_INIT;
	CHECK_INT(shellcmd_plan_parse(text, NULL, &cfg, &plan, &why, &err), 0);
	CHECK_STR(sb_str(&why.source), source);
	CHECK_STR(sb_str(&why.where), where);
	CHECK(strstr(sb_str(&why.reason), reason_part) != NULL);
	if (!strstr(sb_str(&why.reason), reason_part))
		printf("    reason: [%s]\n", sb_str(&why.reason));
	shellcmd_plan_free(&plan);
	shellcmd_why_free(&why);
	sb_free(&err);
}

/* ---- sysctl ---- */

static void test_sysctl_forms(void)
{
	NATIVE("sysctl -q net.ipv4.tcp_sack=0", "net.ipv4.tcp_sack=0\n");
	NATIVE("sysctl -w net.ipv4.tcp_sack=0", "net.ipv4.tcp_sack=0\n");
	NATIVE("sysctl -n net.ipv4.tcp_sack=0", "net.ipv4.tcp_sack=0\n");
	NATIVE("sysctl -qw net.ipv4.tcp_sack=0", "net.ipv4.tcp_sack=0\n");
	NATIVE("sysctl --quiet --write net.ipv4.tcp_sack=0", "net.ipv4.tcp_sack=0\n");
	NATIVE("/sbin/sysctl -q net.ipv4.tcp_sack=0", "net.ipv4.tcp_sack=0\n");
	NATIVE("sysctl -e -q net.ipv4.tcp_min_tso_segs=2", "net.ipv4.tcp_min_tso_segs=2\n");
	NATIVE("sysctl -q net/ipv4/tcp_pacing_ss_ratio=200", "net.ipv4.tcp_pacing_ss_ratio=200\n");
	NATIVE("sysctl -w net/ipv4/conf/eth0.100/forwarding=1",
	       "net/ipv4/conf/eth0.100/forwarding=1\n");
	NATIVE("sysctl -n net.ipv4.tcp_sack", "?net.ipv4.tcp_sack\n");
	NATIVE("  sysctl -q net.ipv4.tcp_fastopen=0x1  ", "net.ipv4.tcp_fastopen=0x1\n");
	NATIVE("sysctl -q net.ipv4.tcp_ecn=1  # fully enabled\n", "net.ipv4.tcp_ecn=1\n");
}

static void test_sysctl_several(void)
{
	NATIVE("sysctl -q net.ipv4.tcp_early_retrans=4 net.ipv4.tcp_recovery=1",
	       "net.ipv4.tcp_early_retrans=4\nnet.ipv4.tcp_recovery=1\n");
	NATIVE("sysctl -q \\\n  net.ipv4.tcp_fastopen=0x30403 \\\n"
	       "  net.ipv4.tcp_fastopen_key=a0bf63f7-ed803d81-cd641d30-cebc4a90",
	       "net.ipv4.tcp_fastopen=0x30403\n"
	       "net.ipv4.tcp_fastopen_key=a0bf63f7-ed803d81-cd641d30-cebc4a90\n");
	NATIVE("sysctl -q net.ipv4.tcp_sack=0\nsysctl -q net.ipv4.tcp_dsack=0\n",
	       "net.ipv4.tcp_sack=0\nnet.ipv4.tcp_dsack=0\n");
}

static void test_quoted_values(void)
{
	NATIVE("sysctl -q net.ipv4.tcp_rmem=\"4096 540000 15728640\"",
	       "net.ipv4.tcp_rmem=4096 540000 15728640\n");
	NATIVE("sysctl -q 'net.ipv4.tcp_rmem=4096 540000 15728640'",
	       "net.ipv4.tcp_rmem=4096 540000 15728640\n");
	NATIVE("sysctl -q net.ipv4.tcp_wmem='4096 '\"$((256*1024))\"' 4194304'",
	       "net.ipv4.tcp_wmem=4096 262144 4194304\n");
	NATIVE("sysctl -q net.ipv4.tcp_rmem=4096\\ 540000\\ 1",
	       "net.ipv4.tcp_rmem=4096 540000 1\n");
	NATIVE("sysctl -q net.ipv4.tcp_rmem=\"4096\t540000\"", "net.ipv4.tcp_rmem=4096\t540000\n");
	NATIVE("sysctl -q net.ipv4.tcp_congestion_control=\"cu\"bic",
	       "net.ipv4.tcp_congestion_control=cubic\n");
	NATIVE("sysctl -q net.ipv4.x=\"a\\\"b\\$c\"", "net.ipv4.x=a\"b$c\n");
}

static void test_arithmetic(void)
{
	NATIVE("sysctl -q net.ipv4.tcp_rmem=\"4096 540000 $((15*1024*1024))\"",
	       "net.ipv4.tcp_rmem=4096 540000 15728640\n");
	NATIVE("sysctl -q net.ipv4.tcp_wmem=\"4096 $((256*1024)) 4194304\"",
	       "net.ipv4.tcp_wmem=4096 262144 4194304\n");
	NATIVE("sysctl -q net.ipv4.x=$(( (1 + 2) * 3 ))", "net.ipv4.x=9\n");
	long long v = 0;
	struct sb err = SB_INIT;
	CHECK_INT(shellcmd_arith("15*1024*1024", 0, &v, &err), 1);
	CHECK_INT(v, 15728640);
	CHECK_INT(shellcmd_arith("1+2*3", 0, &v, &err), 1);
	CHECK_INT(v, 7);
	CHECK_INT(shellcmd_arith("1 << 4 | 1", 0, &v, &err), 1);
	CHECK_INT(v, 17);
	CHECK_INT(shellcmd_arith("-3 + 10 % 4", 0, &v, &err), 1);
	CHECK_INT(v, -1);
	CHECK_INT(shellcmd_arith("0x10 + 010 - ~0", 0, &v, &err), 1);
	CHECK_INT(v, 25);
	CHECK_INT(shellcmd_arith("PPID + $PPID + ${PACKETDRILL_PID}", 7, &v, &err), 1);
	CHECK_INT(v, 21);
	CHECK_INT(shellcmd_arith("HOME + 1", 7, &v, &err), 0);
	CHECK_INT(shellcmd_arith("1 < 2", 7, &v, &err), 0);
	CHECK_INT(shellcmd_arith("x = 1", 7, &v, &err), 0);
	CHECK_INT(shellcmd_arith("2 ** 3", 7, &v, &err), 0);
	CHECK_INT(shellcmd_arith("1 && 1", 7, &v, &err), 0);
	CHECK_INT(err.len, 0);
	CHECK_INT(shellcmd_arith("1 / 0", 7, &v, &err), -1);
	CHECK(strstr(sb_str(&err), "division by zero") != NULL);
	sb_reset(&err);
	CHECK_INT(shellcmd_arith("1 << 64", 7, &v, &err), -1);
	CHECK_INT(shellcmd_arith("09", 7, &v, &err), -1);
	CHECK_INT(shellcmd_arith("(1 + 2", 7, &v, &err), -1);
	CHECK_INT(shellcmd_arith("", 7, &v, &err), -1);
	sb_free(&err);
	MALFORMED("sysctl -q net.ipv4.x=$((1/0))", "division by zero");
	NOT_NATIVE("sysctl -q net.ipv4.x=$((RANDOM))");
}

static void test_ppid(void)
{
	NATIVE("sysctl -q net.ipv4.x=${PPID}", "net.ipv4.x=4242\n");
	NATIVE("sysctl -q net.ipv4.x=\"$PPID-$PACKETDRILL_PID\"", "net.ipv4.x=4242-4242\n");
	NATIVE("sysctl -q net.ipv4.x='${PPID}'", "net.ipv4.x=${PPID}\n");
	NATIVE("sysctl -q net.ipv4.x=$", "net.ipv4.x=$\n");
	NATIVE("/tmp/sysctl_restore_${PPID}.sh", "!/tmp/sysctl_restore_4242.sh\n");
	NOT_NATIVE("sysctl -q net.ipv4.x=$HOME");
	NOT_NATIVE("sysctl -q net.ipv4.x=${HOME:-1}");
	NOT_NATIVE("sysctl -q net.ipv4.x=$$");
	NOT_NATIVE("sysctl -q net.ipv4.x=$1");
}

/* ---- the host stays out of reach ---- */

static void test_non_net_keys(void)
{
	NOT_NATIVE("sysctl -w kernel.x=1");
	NOT_NATIVE("sysctl -q kernel.core_pattern=/tmp/x");
	NOT_NATIVE("sysctl -q net.ipv4.tcp_sack=0 kernel.x=1");
	NOT_NATIVE("sysctl -q vm.swappiness=1");
	NOT_NATIVE("sysctl -q network.x=1");
	NOT_NATIVE("sysctl -q kernel/x=1");
	NOT_NATIVE("echo 1 > /proc/sys/kernel/x");
	NOT_NATIVE("echo 3 > /sys/module/tcp_cubic/parameters/hystart_detect");
	NOT_NATIVE("../common/set_sysctls.py /proc/sys/kernel/x=1");
	NOT_NATIVE("../common/set_sysctls.py /proc/sys/net/ipv4/tcp_sack=0 /proc/sys/vm/x=1");
	NOT_NATIVE("sysctl -p");
	NOT_NATIVE("sysctl -a");
	NOT_NATIVE("sysctl --system");
	check_why("sysctl -w kernel.x=1", "sysctl -w kernel.x=1", "",
		  "kernel.x is not a net.* sysctl");
	MALFORMED("sysctl -q net..ipv4.x=1", "net..ipv4.x");
	MALFORMED("sysctl -q net/ipv4/../../kernel/x=1", "'..'");
	MALFORMED("echo 1 > /proc/sys/net/../kernel/x", "'..'");
}

static void test_operators(void)
{
	NOT_NATIVE("sysctl -q net.ipv4.tcp_sack=0; touch /tmp/x");
	NOT_NATIVE("sysctl -q net.ipv4.tcp_sack=0 && rm -rf /tmp/x");
	NOT_NATIVE("sysctl -q net.ipv4.tcp_sack=0 || reboot");
	NOT_NATIVE("sysctl -q net.ipv4.tcp_sack=0 | cat");
	NOT_NATIVE("sysctl -q net.ipv4.tcp_sack=0 &");
	NOT_NATIVE("(sysctl -q net.ipv4.tcp_sack=0)");
	NOT_NATIVE("sysctl -q net.ipv4.tcp_sack=$(cat /etc/x)");
	NOT_NATIVE("sysctl -q net.ipv4.tcp_sack=`cat /etc/x`");
	NOT_NATIVE("sysctl -q net.ipv4.tcp_sack=\"$(cat /etc/x)\"");
	NOT_NATIVE("sysctl -q net.ipv4.tcp_sack=*");
	NOT_NATIVE("sysctl -q net.ipv4.tcp_sack=0 < /etc/x");
	NOT_NATIVE("sysctl -q net.ipv4.tcp_sack=0 > /tmp/out");
	NOT_NATIVE("sysctl -q net.ipv4.tcp_sack=0 2>>/tmp/log");
	NOT_NATIVE("sysctl -q net.ipv4.tcp_sack=0 3>/dev/null");
	NOT_NATIVE("X=1 sysctl -q net.ipv4.tcp_sack=0");
	NOT_NATIVE("~/bin/x.sh");
	check_why("sysctl -q net.ipv4.tcp_sack=0; touch /tmp/x", "touch /tmp/x", "",
		  "tcpsh does not run touch itself");
	check_why("sysctl -q net.ipv4.tcp_sack=0 | cat", "sysctl -q net.ipv4.tcp_sack=0 | cat", "",
		  "pipe");
	check_why("sysctl -q net.ipv4.x=$(id)", "sysctl -q net.ipv4.x=$(id)", "",
		  "command substitution");
	/* between native commands, ; && || are the shell's own list operators */
	NATIVE("sysctl -q net.ipv4.tcp_sack=0; sysctl -q net.ipv4.tcp_dsack=0",
	       "net.ipv4.tcp_sack=0\nnet.ipv4.tcp_dsack=0\n");
	struct shellcmd_plan plan = {0};
	struct shellcmd_why why = {SB_INIT, SB_INIT, SB_INIT};
	struct sb err = SB_INIT;
	CHECK_INT(shellcmd_plan_parse(
			  "true || sysctl -q net.ipv4.a=1 &&\n  sysctl -q net.ipv4.b=2; :", NULL,
			  &cfg, &plan, &why, &err),
		  1);
	CHECK_INT(plan.n, 4);
	if (plan.n == 4) {
		CHECK_INT(plan.steps[0].link, SHELLCMD_SEQ);
		CHECK_INT(plan.steps[1].link, SHELLCMD_OR);
		CHECK_INT(plan.steps[2].link, SHELLCMD_AND);
		CHECK_INT(plan.steps[2].line, 2);
		CHECK_INT(plan.steps[3].link, SHELLCMD_SEQ);
	}
	shellcmd_plan_free(&plan);
	shellcmd_why_free(&why);
	sb_free(&err);
	MALFORMED("sysctl -q net.ipv4.a=1 &&", "expected a command after &&");
	MALFORMED("; sysctl -q net.ipv4.a=1", "unexpected ;");
	MALFORMED("sysctl -q net.ipv4.a=1 ; ; true", "unexpected ;");
}

static void test_redirections(void)
{
	struct shellcmd_plan plan = {0};
	struct shellcmd_why why = {SB_INIT, SB_INIT, SB_INIT};
	struct sb err = SB_INIT;
	const char *text = "ip tcp_metrics flush all > /dev/null 2>&1\n"
			   "sysctl -q net.ipv4.a=1 &> /dev/null\n"
			   "sysctl -q net.ipv4.b=1 2>/dev/null\n"
			   "sysctl -q net.ipv4.c=1 2>&1 >/dev/null\n"
			   "sysctl -q net.ipv4.d=1 >& /dev/null\n";
	CHECK_INT(shellcmd_plan_parse(text, NULL, &cfg, &plan, &why, &err), 1);
	CHECK_INT(plan.n, 5);
	if (plan.n == 5) {
		unsigned both = SHELLCMD_F_OUT_NULL | SHELLCMD_F_ERR_NULL;
		CHECK_INT(plan.steps[0].op, SHELLCMD_METRICS_FLUSH);
		CHECK_INT(plan.steps[0].flags & both, both);
		CHECK_INT(plan.steps[1].flags & both, both);
		CHECK_INT(plan.steps[2].flags & both, SHELLCMD_F_ERR_NULL);
		CHECK_INT(plan.steps[3].flags & both,
			  SHELLCMD_F_OUT_NULL); /* 2 went to the terminal */
		CHECK_INT(plan.steps[4].flags & both, both);
		CHECK_STR(plan.steps[0].source, "ip tcp_metrics flush all > /dev/null 2>&1");
	}
	shellcmd_plan_free(&plan);
	shellcmd_why_free(&why);
	sb_free(&err);
	MALFORMED("sysctl -q net.ipv4.a=1 >", "expected a file name");
}

/* ---- echo, set_sysctls.py and the restore script ---- */

static void test_echo(void)
{
	NATIVE("echo 0 > /proc/sys/net/ipv4/tcp_sack", "net.ipv4.tcp_sack=0\n");
	NATIVE("echo \"4096 50000 4194304\" > /proc/sys/net/ipv4/tcp_wmem",
	       "net.ipv4.tcp_wmem=4096 50000 4194304\n");
	NATIVE("echo 4096 50000 > /proc/sys/net/ipv4/tcp_wmem", "net.ipv4.tcp_wmem=4096 50000\n");
	NATIVE("/bin/echo 1 >> /proc/sys/net/ipv4/tcp_sack", "net.ipv4.tcp_sack=1\n");
	NATIVE("echo $((1+1)) > /proc/sys/net/ipv4/tcp_ecn", "net.ipv4.tcp_ecn=2\n");
	NATIVE("echo -1 > /proc/sys/net/ipv4/x", "net.ipv4.x=-1\n");
	NATIVE("echo hello world", "!echo hello world\n");
	NOT_NATIVE("echo -n 1 > /proc/sys/net/ipv4/tcp_sack");
	NOT_NATIVE("echo 'a\\nb' > /proc/sys/net/ipv4/x");
	NOT_NATIVE("echo hello > /tmp/file");
}

static void test_set_sysctls(void)
{
	NATIVE("../common/set_sysctls.py /proc/sys/net/ipv4/tcp_timestamps=0",
	       "net.ipv4.tcp_timestamps=0\n");
	NATIVE("../common/set_sysctls.py /proc/sys/net/ipv4/tcp_wmem=\"4096 50000 4194304\" \\\n"
	       "                         /proc/sys/net/ipv4/tcp_min_tso_segs=10\n",
	       "net.ipv4.tcp_wmem=4096 50000 4194304\nnet.ipv4.tcp_min_tso_segs=10\n");
	NATIVE(" ../../common/set_sysctls.py /proc/sys/net/ipv4/tcp_timestamps=0\\\n"
	       "\t\t\t     /proc/sys/net/ipv4/tcp_fastopen_blackhole_timeout_sec=0\\\n",
	       "net.ipv4.tcp_timestamps=0\nnet.ipv4.tcp_fastopen_blackhole_timeout_sec=0\n");
	MALFORMED("../common/set_sysctls.py tcp_sack", "expected /proc/sys/net/KEY=VALUE");
	struct shellcmd_plan plan = {0};
	struct shellcmd_why why = {SB_INIT, SB_INIT, SB_INIT};
	struct sb err = SB_INIT;
	CHECK_INT(shellcmd_plan_parse("../common/set_sysctls.py /proc/sys/net/ipv4/tcp_sack=0\n"
				      "/tmp/sysctl_restore_${PPID}.sh\n/tmp/sysctl_restore_1.sh",
				      NULL, &cfg, &plan, &why, &err),
		  1);
	CHECK_INT(plan.n, 3);
	if (plan.n == 3) {
		CHECK_INT(plan.steps[0].op, SHELLCMD_SET_SYSCTLS);
		CHECK_STR(plan.steps[0].argv[0], "../common/set_sysctls.py");
		CHECK_INT(plan.steps[1].op, SHELLCMD_RESTORE);
		CHECK_INT(plan.steps[2].op,
			  SHELLCMD_HELPER); /* another run's file: read as a helper */
	}
	shellcmd_plan_free(&plan);
	shellcmd_why_free(&why);
	sb_free(&err);
}

/* ---- tc, ip, ethtool ---- */

static void test_tools(void)
{
	NATIVE("tc qdisc add dev tun0 root pfifo", "!tc qdisc add dev tun0 root pfifo\n");
	NATIVE("tc qdisc replace dev tun0 root fq", "!tc qdisc replace dev tun0 root fq\n");
	NATIVE("tc qdisc replace dev tun0 root pfifo limit 0",
	       "!tc qdisc replace dev tun0 root pfifo limit 0\n");
	NATIVE("tc qdisc add root dev tun0 pfifo", "!tc qdisc add dev tun0 root pfifo\n");
	NATIVE("tc qdisc delete dev tun0 root 2>/dev/null ; tc qdisc add dev tun0 root pfifo limit "
	       "0",
	       "!tc qdisc del dev tun0 root\n!tc qdisc add dev tun0 root pfifo limit 0\n");
	NOT_NATIVE("tc qdisc add dev tun0 parent 1: handle 2: pfifo");
	NOT_NATIVE("tc qdisc add dev tun0 root fq limit 10");
	NOT_NATIVE("tc filter add dev tun0");
	NOT_NATIVE("tc qdisc add dev tun0 root netem delay 10ms");
	MALFORMED("tc qdisc add dev tun0 root", "which qdisc");

	NATIVE("ip tcp_metrics flush all", "!ip tcp_metrics flush all\n");
	NATIVE("/sbin/ip tcpmetrics flush all", "!ip tcp_metrics flush all\n");
	NATIVE("ip route change 192.0.2.1 via 192.168.0.2 dev tun0 advmss 600 mtu lock 640 "
	       "initcwnd 11",
	       "!ip -4 route change 192.0.2.1 via 192.168.0.2 dev tun0 advmss 600 mtu lock 640 "
	       "initcwnd 11\n");
	NATIVE("ip -6 route change 2001:DB8::1 via fd3d:fa7b:d17d:8888::0 dev tun0 advmss 1480 mtu "
	       "lock 1520",
	       "!ip -6 route change 2001:DB8::1 via fd3d:fa7b:d17d:8888::0 dev tun0 advmss 1480 "
	       "mtu "
	       "lock 1520\n");
	NATIVE("ip route replace 192.0.2.0/24 dev tun0",
	       "!ip -4 route replace 192.0.2.0/24 dev tun0\n");
	NOT_NATIVE("ip link set tun0 mtu 1300");
	NOT_NATIVE("ip -6 tcp_metrics flush all");
	NOT_NATIVE("ip route change default via 192.168.0.2 dev tun0");
	NOT_NATIVE("ip route change 192.0.2.1 via 192.168.0.2");
	NOT_NATIVE("ip route add 192.0.2.1 dev tun0");
	NOT_NATIVE("ip route change 192.0.2.1 dev tun0 rto_min 10ms");
	NOT_NATIVE("ip netns exec x sh");
	MALFORMED("ip route change 192.0.2.1 via 192.168.0.2 dev tun0 mtu lock", "mtu");
	MALFORMED("ip -6 route change 2001:db8::1 via 192.168.0.2 dev tun0", "via 192.168.0.2");
	MALFORMED("ip route change 192.0.2.1 dev this_name_is_too_long", "not a device name");
	check_why("ip link set tun0 mtu 1300", "ip link set tun0 mtu 1300", "",
		  "ip tcp_metrics flush all");

	NATIVE("ethtool -K tun0 tso off gso off", "!ethtool -K tun0 tso off gso off\n");
	NATIVE("ethtool --features tun0 generic-receive-offload on", "!ethtool -K tun0 gro on\n");
	NOT_NATIVE("ethtool -i tun0");
	NOT_NATIVE("ethtool -K tun0 lro off");
	MALFORMED("ethtool -K tun0 tso", "tso needs on or off");
	MALFORMED("ethtool -K tun0 tso maybe", "tso needs on or off");
}

static void test_harmless_lines(void)
{
	NATIVE("#!/bin/bash\n# a comment\n\nset -e\ntrue\n:\n", "!set -e\n!true\n!:\n");
	NATIVE("set -eu\nset +e", "!set -eu\n!set +e\n");
	NATIVE("", "");
	NATIVE("\n  \n# only comments\n", "");
	NOT_NATIVE("set -x");
	NOT_NATIVE("set -- a b");
	NOT_NATIVE("export X=1");
	NOT_NATIVE("cd /tmp");
	NOT_NATIVE("> /dev/null");
	NOT_NATIVE("../common/defaults.sh extra args");
	MALFORMED("sysctl -q net.ipv4.tcp_rmem=\"4096", "unterminated \" quote");
	MALFORMED("sysctl -q 'net.ipv4.tcp_rmem=4096", "unterminated ' quote");
	MALFORMED("sysctl -w net.ipv4.tcp_sack", "expected net.ipv4.tcp_sack=VALUE");
	MALFORMED("sysctl -q", "expected KEY=VALUE");
	MALFORMED("sysctl -q net.ipv4.x=\"a\nb\"", "newline");
}

/* The location in a refusal from a block of several lines. */
static void test_why_where(void)
{
	check_why("sysctl -q net.ipv4.tcp_sack=0\nethtool -i tun0\n", "ethtool -i tun0", "line 2",
		  "ethtool -K");
	check_why("../common/defaults.sh\n  echo 3 > "
		  "/sys/module/tcp_cubic/parameters/hystart_detect\n",
		  "echo 3 > /sys/module/tcp_cubic/parameters/hystart_detect", "line 2",
		  "it writes /sys/module/tcp_cubic/parameters/hystart_detect");
	check_why("sysctl -q \\\n  kernel.x=1", "sysctl -q kernel.x=1", "line 1", "kernel.x");
	check_why("true\nsysctl -q net.ipv4.a=1 | grep x", "sysctl -q net.ipv4.a=1 | grep x",
		  "line 2", "pipe");
	struct shellcmd_plan plan = {0};
	struct shellcmd_why why = {SB_INIT, SB_INIT, SB_INIT};
	struct sb err = SB_INIT;
	CHECK_INT(shellcmd_plan_parse("# x\nnstat > /dev/null\n", "../common/x.sh", &cfg, &plan,
				      &why, &err),
		  0);
	CHECK_STR(sb_str(&why.where), "../common/x.sh:2");
	CHECK_INT(shellcmd_plan_parse("true\nsysctl -q net.ipv4.x=\"1\n", "../common/x.sh", &cfg,
				      &plan, &why, &err),
		  -1);
	CHECK(strncmp(sb_str(&err), "../common/x.sh:", 15) == 0);
	shellcmd_plan_free(&plan);
	shellcmd_why_free(&why);
	sb_free(&err);
}

/* Every distinct backquoted command of packetdrill's TCP tests (the
 * packetdrill-gtests corpus) and of its defaults.sh, and what tcpsh makes
 * of it: 1 native, 0 a shell command. */
static void test_corpus(void)
{
	static const struct {
		const char *text;
		int r;
	} corpus[] = {
		{"../common/defaults.sh", 1},
		{"/tmp/sysctl_restore_${PPID}.sh", 1},
		{"../../common/defaults.sh", 1},
		{"../../common/defaults.sh\n ../../common/set_sysctls.py "
		 "/proc/sys/net/ipv4/tcp_timestamps=0",
		 1},
		{"../../../common/defaults.sh", 1},
		{"../../common/defaults.sh\n", 1},
		{"../common/defaults.sh\nsysctl -q net.ipv4.tcp_tso_win_divisor=100", 1},
		{"../../common/defaults.sh\n ../../common/set_sysctls.py \\\n  "
		 "/proc/sys/net/ipv4/tcp_fastopen=0x30403 \\\n  "
		 "/proc/sys/net/ipv4/tcp_fastopen_key=a0bf63f7-ed803d81-cd641d30-cebc4a90",
		 1},
		{"../../../common/defaults.sh\nsysctl -q \\\n  net.ipv4.tcp_fastopen=0x30403 \\\n  "
		 "net.ipv4.tcp_fastopen_key=a0bf63f7-ed803d81-cd641d30-cebc4a90",
		 1},
		{"sysctl -q net.ipv4.tcp_fastopen=1", 1},
		{"../../common/defaults.sh\n../common/set_sysctls.py "
		 "/proc/sys/net/ipv4/tcp_wmem=\"4096 50000 4194304\"\n",
		 1},
		{"sysctl -q net.ipv4.tcp_timestamps=0", 1},
		{"../common/defaults.sh\n../common/set_sysctls.py "
		 "/proc/sys/net/ipv4/tcp_slow_start_after_idle=1 \\\n\t\t\t "
		 "/proc/sys/net/ipv4/tcp_min_tso_segs=10",
		 1},
		{"../../common/defaults.sh\ntc qdisc replace dev tun0 root fq\nsysctl -q "
		 "net.ipv4.tcp_congestion_control=cubic\nsysctl -q net.ipv4.tcp_min_tso_segs=4\n# "
		 "Disable TLP to avoid flakes from spurious retransmits:\nsysctl -q "
		 "net.ipv4.tcp_early_retrans=0",
		 1},
		{"../common/defaults.sh\necho 3 > "
		 "/sys/module/tcp_cubic/parameters/hystart_detect\n",
		 0},
		{"sysctl -q net.ipv4.tcp_fastopen=0x1", 1},
		{"sysctl -q net.ipv4.tcp_ecn=2", 1},
		{"nstat > /dev/null", 0},
		{"nstat | grep TcpExtOutOfWindowIcmps > /dev/null", 0},
		{"../../common/defaults.sh\n ../../common/set_sysctls.py "
		 "/proc/sys/net/ipv4/tcp_timestamps=0 \\\n                             "
		 "/proc/sys/net/ipv4/tcp_min_tso_segs=2",
		 1},
		{"../../common/defaults.sh\n ../../common/set_sysctls.py "
		 "/proc/sys/net/ipv4/tcp_timestamps=0\\\n\t\t\t     "
		 "/proc/sys/net/ipv4/tcp_fastopen_blackhole_timeout_sec=0\\\n",
		 1},
		{"sysctl -q net.ipv4.tcp_fastopen=0", 1},
		{"../../common/defaults.sh\n ../common/set_sysctls.py "
		 "/proc/sys/net/ipv4/tcp_fastopen=0x207",
		 1},
		{"../common/defaults.sh\nsysctl -q net.ipv4.tcp_ecn=2    # server agrees to ECN if "
		 "client proposes it\n",
		 1},
		{"../common/defaults.sh\n ../common/set_sysctls.py "
		 "/proc/sys/net/ipv4/tcp_timestamps=0",
		 1},
		{"grep \" 0A \" /proc/net/tcp /proc/net/tcp6 | grep \":1F90\"", 0},
		{"../../common/defaults.sh\n/bin/rm -f /tmp/testfile\n/bin/dd bs=1 count=5 "
		 "if=/dev/zero of=/tmp/testfile status=none\n",
		 0},
		{"../common/defaults.sh\ntc qdisc replace dev tun0 root fq\nsysctl -q "
		 "net/ipv4/tcp_pacing_ss_ratio=200\nsysctl -e -q net.ipv4.tcp_min_tso_segs=2",
		 1},
		{"tc qdisc replace dev tun0 root pfifo limit 0", 1},
		{"../common/defaults.sh\n ../common/set_sysctls.py "
		 "/proc/sys/net/ipv4/tcp_min_tso_segs=10\n",
		 1},
		{"../common/defaults.sh\nethtool -K tun0 tso off gso off\n../common/set_sysctls.py "
		 "/proc/sys/net/ipv4/tcp_timestamps=0",
		 1},
		{"tc qdisc delete dev tun0 root 2>/dev/null ; tc qdisc add dev tun0 root pfifo "
		 "limit 0",
		 1},
		{"../../common/defaults.sh\nsysctl -q net.ipv4.tcp_notsent_lowat=4000", 1},
		{"../../common/defaults.sh\n../common/set_sysctls.py "
		 "/proc/sys/net/ipv4/tcp_wmem=\"4096 50000 4194304\" \\\n                         "
		 "/proc/sys/net/ipv4/tcp_min_tso_segs=10\n",
		 1},
		{"../common/defaults.sh\n ../common/set_sysctls.py "
		 "\\\n\t/proc/sys/net/ipv4/tcp_mtu_probing=2 "
		 "\\\n\t/proc/sys/net/ipv4/tcp_base_mss=512\n ip -6 route change 2001:DB8::1 via "
		 "fd3d:fa7b:d17d:8888::0 dev tun0 advmss 600 mtu lock 660 initcwnd 11\n ethtool -K "
		 "tun0 gso off tso off\n",
		 1},
		{"ip -6 route change 2001:DB8::1 via fd3d:fa7b:d17d:8888::0 dev tun0 advmss 1480 "
		 "mtu lock 1520",
		 1},
		{"../common/defaults.sh\n ../common/set_sysctls.py "
		 "\\\n\t/proc/sys/net/ipv4/tcp_mtu_probing=2 "
		 "\\\n\t/proc/sys/net/ipv4/tcp_base_mss=512\n ip route change 192.0.2.1 via "
		 "192.168.0.2 dev tun0 advmss 600 mtu lock 640 initcwnd 11\n ethtool -K tun0 gso "
		 "off tso off\n",
		 1},
		{"ip route change 192.0.2.1 via 192.168.0.2 dev tun0 advmss 1460 mtu lock 1500", 1},
		{"../../common/defaults.sh\n ../../common/set_sysctls.py "
		 "/proc/sys/net/ipv4/tcp_fastopen=2",
		 1},
		{"../../common/defaults.sh\n ../../common/set_sysctls.py  "
		 "/proc/sys/net/ipv4/tcp_fastopen=0x202",
		 1},
		{"../../common/set_sysctls.py /proc/sys/net/ipv4/tcp_fastopen=0x402", 1},
		{"../../common/defaults.sh\n ../../common/set_sysctls.py "
		 "/proc/sys/net/ipv4/tcp_fastopen_key=00000000-00000000-00000000-00000000",
		 1},
		{"../../common/defaults.sh\n ../../common/set_sysctls.py "
		 "/proc/sys/net/ipv4/tcp_fastopen=0x30003",
		 1},
		{"../../../common/defaults.sh\n sysctl -q net.ipv4.tcp_fastopen=2", 1},
		{"../../../common/defaults.sh\n sysctl -q net.ipv4.tcp_fastopen=0x202", 1},
		{"sysctl -q net.ipv4.tcp_fastopen=0x402", 1},
		{"sysctl -q net.ipv4.tcp_timestamps=1\n       sysctl -q "
		 "net.ipv4.tcp_fastopen_cookies=0 net.ipv4.tcp_fastopen_cookies=10 &> /dev/null "
		 "||\\\n       ip tcp_metrics flush all &> /dev/null",
		 1},
		{"ip tcp_metrics flush all > /dev/null 2>&1", 1},
		{"../../common/defaults.sh\n ../../common/set_sysctls.py "
		 "/proc/sys/net/ipv4/tcp_timestamps=0 \\\n                             "
		 "/proc/sys/net/ipv4/tcp_fastopen=5",
		 1},
		{"sysctl -q net.ipv4.tcp_timestamps=1", 1},
		{"../common/defaults.sh\n", 1},
		{"../common/defaults.sh\nsysctl -q net.ipv4.tcp_ecn=1  # fully enabled\n", 1},
	};
	int native = 0, n = (int)(sizeof(corpus) / sizeof(corpus[0]));
	for (int i = 0; i < n; i++) {
		struct res r = parse(corpus[i].text);
		if (r.r != corpus[i].r)
			printf("  corpus: got %d, want %d for `%s` (%s)\n", r.r, corpus[i].r,
			       corpus[i].text, r.err);
		CHECK_INT(r.r, corpus[i].r);
		native += r.r == 1;
		res_free(&r);
	}
	CHECK_INT(n, 52);
	CHECK_INT(native, 47);
}

/* defaults.sh itself, as shellcmd_run reads it. */
static void test_defaults_sh(void)
{
	const char *text =
		"#!/bin/bash\n# Set standard production config values that relate to TCP "
		"behavior.\n\n"
		"# Flush old cached data (fastopen cookies).\nip tcp_metrics flush all > /dev/null "
		"2>&1\n\n"
		"sysctl -q net.ipv4.tcp_rmem=\"4096 540000 $((15*1024*1024))\"\n"
		"sysctl -q net.ipv4.tcp_wmem=\"4096 $((256*1024)) 4194304\"\n"
		"sysctl -q net.ipv4.tcp_timestamps=1\n"
		"sysctl -q net.ipv4.tcp_early_retrans=4 net.ipv4.tcp_recovery=1\n"
		"sysctl -q net.ipv4.tcp_notsent_lowat=4294967295 > /dev/null 2>&1\n"
		"sysctl -q net.ipv4.tcp_fastopen_key=a1a1a1a1-b2b2b2b2-c3c3c3c3-d4d4d4d4\n"
		"# Override the default qdisc on the tun device.\ntc qdisc add dev tun0 root "
		"pfifo\n";
	NATIVE(text, "!ip tcp_metrics flush all\n"
		     "net.ipv4.tcp_rmem=4096 540000 15728640\n"
		     "net.ipv4.tcp_wmem=4096 262144 4194304\n"
		     "net.ipv4.tcp_timestamps=1\n"
		     "net.ipv4.tcp_early_retrans=4\nnet.ipv4.tcp_recovery=1\n"
		     "net.ipv4.tcp_notsent_lowat=4294967295\n"
		     "net.ipv4.tcp_fastopen_key=a1a1a1a1-b2b2b2b2-c3c3c3c3-d4d4d4d4\n"
		     "!tc qdisc add dev tun0 root pfifo\n");
}

/* Hostile text: never a crash, never native by accident. */
static void test_hostile(void)
{
	NOT_NATIVE("sysctl -q net.ipv4.x=1 ;; true");
	MALFORMED("sysctl -q net.ipv4.x=$((1", "unterminated $((");
	MALFORMED("sysctl -q net.ipv4.x=${PPID", "unterminated ${");
	NOT_NATIVE("sysctl -q net.ipv4.x=$((`id`))");
	NOT_NATIVE("sysctl -q net.ipv4.x=$(( $(id) ))");
	NATIVE("sysctl -q net.ipv4.x=1\\", "net.ipv4.x=1\\\n");
	struct sb big = SB_INIT;
	sb_addrep(&big, '(', 5000);
	struct res r = parse(big.buf);
	CHECK_INT(r.r, 0);
	res_free(&r);
	sb_reset(&big);
	sb_add(&big, "sysctl -q net.ipv4.x=");
	sb_addrep(&big, '"', 4001);
	r = parse(big.buf);
	CHECK_INT(r.r, -1);
	res_free(&r);
	sb_free(&big);
}

int main(void)
{
	RUN(test_sysctl_forms);
	RUN(test_sysctl_several);
	RUN(test_quoted_values);
	RUN(test_arithmetic);
	RUN(test_ppid);
	RUN(test_non_net_keys);
	RUN(test_operators);
	RUN(test_redirections);
	RUN(test_echo);
	RUN(test_set_sysctls);
	RUN(test_tools);
	RUN(test_harmless_lines);
	RUN(test_why_where);
	RUN(test_corpus);
	RUN(test_defaults_sh);
	RUN(test_hostile);
	CHECK_EXIT();
}
