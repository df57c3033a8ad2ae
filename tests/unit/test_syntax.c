/*
 * test_syntax: what valid lines and scripts parse into: the interactive
 * session of the brief, every time form, packet field and option, every
 * expression kind, commands, option lines, shell and code blocks, comments,
 * continuation (SYN_INCOMPLETE), -D symbols, and every corpus script when
 * TCPSH_CORPUS names the corpus directory. Errors are in test_syntax_errors.
 */
#include "check.h"
#include "syntax.h"
#include "syntax_dump.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The symbols packetdrill's own runner defines for IPv4 runs of the corpus. */
static const struct syn_define corpus_defs[] = {
	{"CMSG_LEVEL_IP", "SOL_IP"},
	{"CMSG_TYPE_RECVERR", "IP_RECVERR"},
	{"TFO_COOKIE", "3021b9d889017eeb"},
	{"CODE", "host_unreachable"},
};
static const struct syn_defines defs = {corpus_defs, sizeof(corpus_defs) / sizeof(corpus_defs[0])};

/* The dump of one parsed line, or "ERROR <msg>" / "INCOMPLETE". */
static char *parse1(const char *text, int lineno)
{
	struct syn_event ev;
	struct syn_error err;
	struct sb out = SB_INIT;
	syntax_error_init(&err);
	int rc = syntax_parse_line_defs(text, strlen(text), lineno, &defs, &ev, &err);
	if (rc == SYN_OK) {
		dump_event(&ev, lineno != 1, &out);
		syntax_event_free(&ev);
	} else if (rc == SYN_INCOMPLETE) {
		sb_add(&out, "INCOMPLETE");
	} else {
		sb_addf(&out, "ERROR %d:%d %s", err.line, err.col, sb_str(&err.msg));
	}
	syntax_error_free(&err);
	return sb_detach(&out);
}

#define CHECK_LINE(text, want)                \
	do {                                  \
		char *got_ = parse1(text, 1); \
		CHECK_STR(got_, want);        \
		free(got_);                   \
	} while (0)

/* One dump line per event, with line numbers; or "ERROR line:col msg". */
static char *parse_script(const char *text)
{
	struct syn_script s;
	struct syn_error err;
	struct sb out = SB_INIT;
	syntax_error_init(&err);
	if (syntax_parse_script_defs(text, strlen(text), &defs, &s, &err) == SYN_OK) {
		for (size_t i = 0; i < s.nev; i++) {
			dump_event(&s.ev[i], 1, &out);
			sb_addc(&out, '\n');
		}
		syntax_script_free(&s);
	} else {
		sb_addf(&out, "ERROR %d:%d %s", err.line, err.col, sb_str(&err.msg));
	}
	syntax_error_free(&err);
	return sb_detach(&out);
}

#define CHECK_SCRIPT(text, want)                \
	do {                                    \
		char *got_ = parse_script(text); \
		CHECK_STR(got_, want);          \
		free(got_);                     \
	} while (0)

static void test_session(void)
{
	CHECK_LINE("socket(..., SOCK_STREAM, IPPROTO_TCP) = 3",
		   "[none] call socket(..., SOCK_STREAM=1, IPPROTO_TCP=6) = 3");
	CHECK_LINE("setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0",
		   "[none] call setsockopt(3, SOL_SOCKET=1, SO_REUSEADDR=2, [1], 4) = 0");
	CHECK_LINE("bind(3, ..., ...) = 0", "[none] call bind(3, ..., ...) = 0");
	CHECK_LINE("listen(3, 1) = 0", "[none] call listen(3, 1) = 0");
	CHECK_LINE("< S 0:0(0) win 1000 <mss 1000>", "[none] pkt < S 0:0(0) win 1000 <mss 1000/4>");
	CHECK_LINE("> S. 0:0(0) ack 1 <...>", "[none] pkt > S. 0:0(0) ack 1 <...>");
	CHECK_LINE("< . 1:1(0) ack 1 win 1000", "[none] pkt < . 1:1(0) ack 1 win 1000");
	CHECK_LINE("accept(3, ..., ...) = 4", "[none] call accept(3, ..., ...) = 4");
	CHECK_LINE("write(4, ..., 10) = 10", "[none] call write(4, ..., 10) = 10");
	CHECK_LINE("> P. 1:11(10) ack 1", "[none] pkt > P. 1:11(10) ack 1");
	CHECK_LINE("< . 1:1(0) ack 11 win 1000", "[none] pkt < . 1:1(0) ack 11 win 1000");
	CHECK_LINE("< P. 1:3(2) ack 11 win 4000", "[none] pkt < P. 1:3(2) ack 11 win 4000");
	CHECK_LINE("read(4, ..., 1000) = 2", "[none] call read(4, ..., 1000) = 2");
	CHECK_LINE("< F. 3:3(0) ack 11 win 4000", "[none] pkt < F. 3:3(0) ack 11 win 4000");
	CHECK_LINE("close(4) = 0", "[none] call close(4) = 0");
	CHECK_LINE("> F. 11:11(0) ack 4", "[none] pkt > F. 11:11(0) ack 4");
	CHECK_LINE("< . 4:4(0) ack 12 win 4000", "[none] pkt < . 4:4(0) ack 12 win 4000");
	CHECK_LINE("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3",
		   "[abs 0] call socket(..., SOCK_STREAM=1, IPPROTO_TCP=6) = 3");
	CHECK_LINE("+0 bind(3, ..., ...) = 0", "[rel 0] call bind(3, ..., ...) = 0");
	CHECK_LINE("+.1 < S 0:0(0) win 1000 <mss 1000>", "[rel 0.1] pkt < S 0:0(0) win 1000 <mss 1000/4>");
	CHECK_LINE("+0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0",
		   "[rel 0] call fcntl(3, F_SETFL=4, (O_RDWR=2|O_NONBLOCK=2048)=2050) = 0");
	CHECK_LINE("0.100 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)",
		   "[abs 0.1] call connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)");
}

static void test_times(void)
{
	CHECK_LINE("0.100 close(3) = 0", "[abs 0.1] call close(3) = 0");
	CHECK_LINE("1 close(3) = 0", "[abs 1] call close(3) = 0");
	CHECK_LINE("+0.1 close(3) = 0", "[rel 0.1] call close(3) = 0");
	CHECK_LINE("+.1 close(3) = 0", "[rel 0.1] call close(3) = 0");
	CHECK_LINE("+0 close(3) = 0", "[rel 0] call close(3) = 0");
	CHECK_LINE("* > . 1:1(0) ack 1", "[any] pkt > . 1:1(0) ack 1");
	CHECK_LINE("0.1~0.3 > . 1:1(0) ack 1", "[abs 0.1 ~abs 0.3] pkt > . 1:1(0) ack 1");
	CHECK_LINE("+0~+.04 > . 1:1(0) ack 1", "[rel 0 ~rel 0.04] pkt > . 1:1(0) ack 1");
	CHECK_LINE("+.1...0.200 accept(3, ..., ...) = 4", "[rel 0.1 ...rel 0.2] call accept(3, ..., ...) = 4");
	CHECK_LINE("0...0.2 read(4, ..., 10) = 10", "[abs 0 ...abs 0.2] call read(4, ..., 10) = 10");
	CHECK_LINE("+0 ... .02 read(4, ..., 10) = 10", "[rel 0 ...rel 0.02] call read(4, ..., 10) = 10");
	CHECK_LINE("+.1 ...+.3 read(4, ..., 10) = 10", "[rel 0.1 ...rel 0.3] call read(4, ..., 10) = 10");
	CHECK_LINE("write(4, ..., 10) = 10", "[none] call write(4, ..., 10) = 10");
}

static void test_packets(void)
{
	CHECK_LINE("< SEW 0:0(0) win 65535", "[none] pkt < SEW 0:0(0) win 65535");
	CHECK_LINE("< FRPUA. 0:0(0) urg 7", "[none] pkt < FRPUA. 0:0(0) urg 7");
	CHECK_LINE("< - 0:0(0) win 0", "[none] pkt < - 0:0(0) win 0");
	CHECK_LINE("> [ect0] P. 1:2(1) ack 1", "[none] pkt > [ect0] P. 1:2(1) ack 1");
	CHECK_LINE("< [noecn] E. 1:1(0) ack 1 win 320", "[none] pkt < [noecn] E. 1:1(0) ack 1 win 320");
	CHECK_LINE("< [ce] . 1:1(0)", "[none] pkt < [ce] . 1:1(0)");
	CHECK_LINE("< [ect1] . 1:1(0)", "[none] pkt < [ect1] . 1:1(0)");
	CHECK_LINE("> [ect01] . 1:1(0)", "[none] pkt > [ect01] . 1:1(0)");
	CHECK_LINE("< . 4294967295:4294967295(0) ack 4294967295 win 65535",
		   "[none] pkt < . 4294967295:4294967295(0) ack 4294967295 win 65535");
	CHECK_LINE("< udp (1000)", "[none] pkt < udp (1000)");
	CHECK_LINE("< icmp unreachable frag_needed mtu 1200 [1:1461(1460)]",
		   "[none] pkt < icmp unreachable(3/1) frag_needed(4/-1) mtu 1200 [1:1461(1460)]");
	CHECK_LINE("< icmp packet_too_big mtu 1400 [0:1440(1440)]",
		   "[none] pkt < icmp packet_too_big(-1/2) mtu 1400 [0:1440(1440)]");
	CHECK_LINE("< icmp unreachable", "[none] pkt < icmp unreachable(3/1)");
	/* CODE is a -D symbol of the corpus runner. */
	CHECK_LINE("< icmp unreachable CODE", "[none] pkt < icmp unreachable(3/1) host_unreachable(1/-1)");
}

static void test_tcp_options(void)
{
	CHECK_LINE("< S 0:0(0) <mss 1000,sackOK,TS val 100 ecr 0,nop,wscale 7,sack 1:2 3:4,eol>",
		   "[none] pkt < S 0:0(0) <mss 1000/4,sackOK/2,TS val 100 ecr 0/10,nop/1,wscale 7/3,"
		   "sack 1:2 3:4/18,eol/1>");
	CHECK_LINE("< S 0:0(0) <FO abcd1234,FO,FOEXP abcd,FOEXP>",
		   "[none] pkt < S 0:0(0) <kind34 abcd1234/6,kind34/2,kind254 f989abcd/6,kind254 f989/4>");
	CHECK_LINE("< S 0:0(0) <FO TFO_COOKIE, FO 0123>",
		   "[none] pkt < S 0:0(0) <kind34 3021b9d889017eeb/10,kind34 0123/4>");
	CHECK_LINE("< . 1:1(0) <md5 000102030405060708090a0b0c0d0e0f,nop,nop>",
		   "[none] pkt < . 1:1(0) <kind19 000102030405060708090a0b0c0d0e0f/18,nop/1,nop/1>");
	CHECK_LINE("< . 1:1(0) <sack 1:2 3:4 5:6 7:8>", "[none] pkt < . 1:1(0) <sack 1:2 3:4 5:6 7:8/34>");
	CHECK_LINE("< S 0:0(0) <wscale 14,mss 65535>", "[none] pkt < S 0:0(0) <wscale 14/3,mss 65535/4>");
	CHECK_LINE("> S 0:0(0) < ... >", "[none] pkt > S 0:0(0) <...>");
}

static void test_expressions(void)
{
	CHECK_LINE("write(3, ..., 0x10) = -1", "[none] call write(3, ..., 16) = -1");
	CHECK_LINE("setsockopt(3, SOL_TCP, TCP_NOTSENT_LOWAT, [0xffffffff], 4) = 0",
		   "[none] call setsockopt(3, SOL_TCP=6, TCP_NOTSENT_LOWAT=25, [4294967295], 4) = 0");
	CHECK_LINE("pipe([]) = 0", "[none] call pipe([]) = 0");
	CHECK_LINE("pipe([5, 6]) = 0", "[none] call pipe([5, 6]) = 0");
	CHECK_LINE("sendto(3, NULL, 0, MSG_FASTOPEN|MSG_DONTWAIT|0x1, ..., ...) = -1 EFAULT",
		   "[none] call sendto(3, NULL, 0, ((MSG_FASTOPEN=536870912|MSG_DONTWAIT=64)=536870976|1)="
		   "536870977, ..., ...) = -1 EFAULT");
	CHECK_LINE("setsockopt(3, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=0}, 8) = 0",
		   "[none] call setsockopt(3, SOL_SOCKET=1, SO_LINGER=13, {l_onoff=1, l_linger=0}, 8) = 0");
	CHECK_LINE("poll([{fd=4, events=POLLIN|POLLOUT, revents=POLLIN}], 1, 0) = 1",
		   "[none] call poll([{fd=4, events=(POLLIN=1|POLLOUT=4)=5, revents=POLLIN=1}], 1, 0) = 1");
	CHECK_LINE("sendmsg(4, {msg_name(...)=..., msg_iov(2)=[{..., 1000}, {..., 500}], msg_flags=0}, 0) = 1500",
		   "[none] call sendmsg(4, {msg_name(...)#-1=..., msg_iov(2)#2=[{..., 1000}, {..., 500}], "
		   "msg_flags=0}, 0) = 1500");
	CHECK_LINE("recvmsg(4, {msg_name(...)=..., msg_iov(1)=[{...,0}], msg_flags=MSG_ERRQUEUE, msg_control=["
		   "{cmsg_level=CMSG_LEVEL_IP, cmsg_type=CMSG_TYPE_RECVERR, cmsg_data={ee_errno=ENOMSG}}]}, 0) = 0",
		   "[none] call recvmsg(4, {msg_name(...)#-1=..., msg_iov(1)#1=[{..., 0}], msg_flags=MSG_ERRQUEUE=8192, "
		   "msg_control=[{cmsg_level=SOL_IP=0, cmsg_type=IP_RECVERR=11, cmsg_data={ee_errno=ENOMSG=42}}]}, 0) = 0");
	CHECK_LINE("open(\"/tmp/f\\x41\\n\\101\\0\\\"\", O_RDONLY) = 5",
		   "[none] call open(\"/tmp/fA\\x0aA\\x00\"\", O_RDONLY=0) = 5");
	CHECK_LINE("write(3, \"\", 0) = 0", "[none] call write(3, \"\", 0) = 0");
	CHECK_LINE("epoll_wait(5, {events=EPOLLIN, ptr=0}, 1, 0) = 1",
		   "[none] call epoll_wait(5, {events=EPOLLIN=1, ptr=0}, 1, 0) = 1");
	CHECK_LINE("getsockopt(3, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]) = 0",
		   "[none] call getsockopt(3, SOL_SOCKET=1, SO_ERROR=4, [ECONNREFUSED=111], [4]) = 0");
	CHECK_LINE("setsockopt(3, SOL_IP, IP_MTU_DISCOVER, [IP_PMTUDISC_DONT], 4) = 0",
		   "[none] call setsockopt(3, SOL_IP=0, IP_MTU_DISCOVER=10, [IP_PMTUDISC_DONT=0], 4) = 0");
	CHECK_LINE("ioctl(4, SIOCINQ, [- 5]) = 0", "[none] call ioctl(4, SIOCINQ=21531, [-5]) = 0");
}

static void test_results(void)
{
	CHECK_LINE("fcntl(3, F_GETFL) = 0x2 (flags O_RDWR)", "[none] call fcntl(3, F_GETFL=3) = 2 (flags O_RDWR)");
	CHECK_LINE("fcntl(3, F_GETFL) = O_RDWR|O_NONBLOCK",
		   "[none] call fcntl(3, F_GETFL=3) = (O_RDWR=2|O_NONBLOCK=2048)=2050");
	CHECK_LINE("getsockopt(3, SOL_SOCKET, SO_TYPE, [1], [4]) = SOCK_STREAM",
		   "[none] call getsockopt(3, SOL_SOCKET=1, SO_TYPE=3, [1], [4]) = SOCK_STREAM=1");
	CHECK_LINE("close(3)", "[none] call close(3)");
	CHECK_LINE("close(3) = -1 EBADF", "[none] call close(3) = -1 EBADF");
	CHECK_LINE("read(3, ..., 1) = -1 EAGAIN(Resource temporarily unavailable)",
		   "[none] call read(3, ..., 1) = -1 EAGAIN (Resource temporarily unavailable)");
	CHECK_LINE("setsockopt(3, SOL_TCP, TCP_FASTOPEN_KEY, \"\", 0) = -1 (Invalid Argument)",
		   "[none] call setsockopt(3, SOL_TCP=6, TCP_FASTOPEN_KEY=33, \"\", 0) = -1 (Invalid Argument)");
	CHECK_LINE("close(3) = 0 (a note (with parens))", "[none] call close(3) = 0 (a note (with parens))");
	CHECK_LINE("epoll_create(1) = 5 // a comment", "[none] call epoll_create(1) = 5");
}

static void test_commands(void)
{
	CHECK_LINE("help", "[none] cmd help");
	CHECK_LINE("help syntax", "[none] cmd help [syntax]@6");
	CHECK_LINE("quit", "[none] cmd quit");
	CHECK_LINE("state", "[none] cmd state");
	CHECK_LINE("  save foo.pkt", "[none] cmd save [foo.pkt]@8");
	CHECK_LINE("sysctl net.ipv4.tcp_sack=0", "[none] cmd sysctl [net.ipv4.tcp_sack=0]@8");
	CHECK_LINE("set format packetdrill", "[none] cmd set [format]@5 [packetdrill]@12");
	CHECK_LINE("save \"my file.pkt\" x\"y z\"w // comment",
		   "[none] cmd save [my file.pkt]@6 [xy zw]@20");
	CHECK_LINE("echo \"a \\\"b\\\" \\\\c\"", "[none] cmd echo [a \"b\" \\c]@6");
	CHECK_LINE("--mss=1000", "[none] option mss=1000");
	CHECK_LINE("--strict_segments // comment", "[none] option strict_segments=(none)");
	CHECK_LINE("--define=CC=\"a b\"", "[none] option define=CC=a b");
	CHECK_LINE("--allow-shell", "[none] option allow-shell=(none)");
}

static void test_blocks_and_comments(void)
{
	CHECK_LINE("`sysctl -q net.ipv4.tcp_sack=0`", "[none] shell `sysctl -q net.ipv4.tcp_sack=0`");
	CHECK_LINE("+0 `echo \\` x`", "[rel 0] shell `echo \\` x`");
	CHECK_LINE("+0 %{ assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd }%",
		   "[rel 0] code {assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd}");
	CHECK_LINE("", "[none] empty");
	CHECK_LINE("   \t ", "[none] empty");
	CHECK_LINE("// only a comment", "[none] empty");
	CHECK_LINE("/* a */ close(3) /* b */ = /* c */ 0 // d", "[none] call close(3) = 0");
	char *got = parse1("close(3)\n", 7);
	CHECK_STR(got, "L7-7 [none] call close(3)");
	free(got);
}

/* At the prompt, text that stops inside something asks for another line. */
static void test_incomplete(void)
{
	static const char *const open[] = {
		"socket(...,",  "setsockopt(3, SOL_SOCKET, SO_LINGER, {l_onoff=1,", "poll([", "/* comment",
		"close(3) /* c", "`sysctl -q", "%{ assert 1", "close(3) = -1 EBADF (Bad", "< [",
	};
	for (size_t i = 0; i < sizeof(open) / sizeof(open[0]); i++)
		CHECK_LINE(open[i], "INCOMPLETE");
	char *got = parse1("socket(...,\n  SOCK_STREAM, IPPROTO_TCP) = 3", 4);
	CHECK_STR(got, "L4-5 [none] call socket(..., SOCK_STREAM=1, IPPROTO_TCP=6) = 3");
	free(got);
	got = parse1("+0 %{\nassert 1\n}%", 2);
	CHECK_STR(got, "L2-4 [rel 0] code {\nassert 1\n}");
	free(got);
	got = parse1("/* a\nb */ close(3)", 1);
	CHECK_STR(got, "[none] call close(3)");
	free(got);
}

static void test_script(void)
{
	CHECK_SCRIPT("// header\n"
		     "--tolerance_usecs=10000\n"
		     "--tcp_ts_ecr_scaled // used later\n"
		     "\n"
		     "`../common/defaults.sh\n"
		     "sysctl -q net.ipv4.tcp_sack=0`\n"
		     "/* a block\n   comment */\n"
		     "    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
		     "   +0 setsockopt(3, SOL_SOCKET, SO_TIMESTAMPING,\n"
		     "\t\t[SOF_TIMESTAMPING_SOFTWARE |\n"
		     "\t\t SOF_TIMESTAMPING_OPT_ID], 4) = 0\n"
		     "   +0 %{\n"
		     "assert tcpi_rtt > 0\n"
		     "}%\n"
		     "   +0 close(3) = 0\n"
		     "`/tmp/restore.sh`",
		     "L2-2 [none] option tolerance_usecs=10000\n"
		     "L3-3 [none] option tcp_ts_ecr_scaled=(none)\n"
		     "L5-6 [none] shell `../common/defaults.sh\nsysctl -q net.ipv4.tcp_sack=0`\n"
		     "L9-9 [abs 0] call socket(..., SOCK_STREAM=1, IPPROTO_TCP=6) = 3\n"
		     "L10-12 [rel 0] call setsockopt(3, SOL_SOCKET=1, SO_TIMESTAMPING=37, "
		     "[(SOF_TIMESTAMPING_SOFTWARE=16|SOF_TIMESTAMPING_OPT_ID=128)=144], 4) = 0\n"
		     "L13-15 [rel 0] code {\nassert tcpi_rtt > 0\n}\n"
		     "L16-16 [rel 0] call close(3) = 0\n"
		     "L17-17 [none] shell `/tmp/restore.sh`\n");
	CHECK_SCRIPT("", "");
	CHECK_SCRIPT("\n\n// nothing\n", "");
	CHECK_SCRIPT("0 close(3) = 0", "L1-1 [abs 0] call close(3) = 0\n");
	CHECK_SCRIPT("help\n0 close(3) = 0\r\n", "L1-1 [none] cmd help\nL2-2 [abs 0] call close(3) = 0\n");
}

/* Without -D, a corpus-only symbol is an unknown constant. */
static void test_defines(void)
{
	struct syn_event ev;
	struct syn_error err;
	const char *text = "recvmsg(4, {cmsg_level=CMSG_LEVEL_IP}, 0) = 0";
	syntax_error_init(&err);
	CHECK_INT(syntax_parse_line(text, strlen(text), 1, &ev, &err), SYN_ERR);
	CHECK_STR(sb_str(&err.msg), "unknown constant 'CMSG_LEVEL_IP'");
	static const struct syn_define six[] = {{"CMSG_LEVEL_IP", "SOL_IPV6"}, {"N", "0x10"}, {"S", "\"hi\""}};
	struct syn_defines d = {six, 3};
	text = "recvmsg(4, {cmsg_level=CMSG_LEVEL_IP, x=N, y=S}, 0) = 0";
	CHECK_INT(syntax_parse_line_defs(text, strlen(text), 1, &d, &ev, &err), SYN_OK);
	struct sb out = SB_INIT;
	dump_event(&ev, 0, &out);
	CHECK_STR(sb_str(&out), "[none] call recvmsg(4, {cmsg_level=SOL_IPV6=41, x=16, y=\"hi\"}, 0) = 0");
	sb_free(&out);
	syntax_event_free(&ev);
	syntax_error_free(&err);
}

/* ---- the corpus: every .pkt file under $TCPSH_CORPUS must parse ---- */

static bool read_file(const char *path, struct sb *out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_addn(out, buf, n);
	fclose(f);
	return true;
}

static void parse_corpus_file(const char *path, int *total, int *failed)
{
	struct sb text = SB_INIT, msg = SB_INIT;
	struct syn_script s;
	struct syn_error err;
	syntax_error_init(&err);
	(*total)++;
	if (!read_file(path, &text)) {
		printf("  %s: cannot read\n", path);
		(*failed)++;
	} else if (syntax_parse_script_defs(sb_str(&text), text.len, &defs, &s, &err) != SYN_OK) {
		const char *line;
		size_t n;
		syntax_find_line(sb_str(&text), text.len, 1, err.line, &line, &n);
		syntax_error_format(&err, path, line, n, &msg);
		printf("%s", sb_str(&msg));
		(*failed)++;
	} else {
		syntax_script_free(&s);
	}
	syntax_error_free(&err);
	sb_free(&text);
	sb_free(&msg);
}

static void walk(const char *dir, int *total, int *failed)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		struct sb path = SB_INIT;
		struct stat st;
		if (de->d_name[0] == '.')
			continue;
		sb_addf(&path, "%s/%s", dir, de->d_name);
		size_t len = strlen(de->d_name);
		if (stat(sb_str(&path), &st) == 0 && S_ISDIR(st.st_mode))
			walk(sb_str(&path), total, failed);
		else if (len > 4 && strcmp(de->d_name + len - 4, ".pkt") == 0)
			parse_corpus_file(sb_str(&path), total, failed);
		sb_free(&path);
	}
	closedir(d);
}

static void test_corpus(void)
{
	const char *dir = getenv("TCPSH_CORPUS");
	int total = 0, failed = 0;
	if (!dir || !*dir)
		return;
	walk(dir, &total, &failed);
	printf("  corpus: %d/%d scripts parse\n", total - failed, total);
	CHECK(total > 0);
	CHECK_INT(failed, 0);
}

int main(void)
{
	RUN(test_session);
	RUN(test_times);
	RUN(test_packets);
	RUN(test_tcp_options);
	RUN(test_expressions);
	RUN(test_results);
	RUN(test_commands);
	RUN(test_blocks_and_comments);
	RUN(test_incomplete);
	RUN(test_script);
	RUN(test_defines);
	RUN(test_corpus);
	CHECK_EXIT();
}
