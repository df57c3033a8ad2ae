/*
 * Tests of complete.c, Tab completion's pure core: given the line before the
 * cursor, the candidates it offers (sorted, space-separated) and whether file
 * names fit there.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "complete.h"
#include "sb.h"

static const char *const cmds[] = {"help", "quit", "set", "conn", "info", "profile", "state",
				   "diagram", "save", "pcap", "sysctl", NULL};

static const char *cmd_at(void *ctx, size_t i)
{
	(void)ctx;
	return cmds[i];
}

static const char *conn_at(void *ctx, size_t i)
{
	static const char *const names[] = {"c1", "c2", NULL};
	return *(int *)ctx ? names[i] : NULL;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool files;
static struct sb got;

/* The candidates for the cursor at the end of line: the word is what
 * follows the last break character, as readline splits it. */
static const char *comp(const char *line)
{
	static const char breaks[] = " \t\n(),[]{}|=<>";
	size_t start = strlen(line);
	while (start > 0 && !strchr(breaks, line[start - 1]))
		start--;
	int conns = 1;
	struct complete_src src = {cmd_at, conn_at, &conns};
	struct complete_out out = {0};
	complete_line(line, start, line + start, &src, &out);
	qsort(out.v, out.n, sizeof(out.v[0]), cmp);
	sb_truncate(&got, 0);
	for (size_t i = 0; i < out.n; i++)
		sb_addf(&got, "%s%s", i ? " " : "", out.v[i]);
	files = out.files;
	complete_out_free(&out);
	return sb_str(&got);
}

static bool has(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

static void test_first_word(void)
{
	CHECK_STR(comp("sock"), "socket(");
	CHECK_STR(comp("setso"), "setsockopt(");
	CHECK_STR(comp("0 acc"), "accept( accept4(");
	CHECK_STR(comp("+0.1 li"), "listen(");
	CHECK_STR(comp("@c2 +0 conn"), "conn  connect(");
	CHECK_STR(comp("he"), "help ");
	CHECK_STR(comp("pc"), "pcap ");
	CHECK(has(comp(""), "socket(") && has(comp(""), "quit "));
	CHECK(!files);
}

static void test_socket(void)
{
	CHECK(has(comp("socket("), "AF_INET") && has(comp("socket("), "AF_INET6"));
	CHECK(!has(comp("socket("), "SOCK_STREAM"));
	CHECK_STR(comp("socket(..., SOCK_ST"), "SOCK_STREAM");
	CHECK_STR(comp("0 socket(AF_INET, SOCK_STREAM, IPPROTO_T"), "IPPROTO_TCP");
	CHECK(!has(comp("socket(AF_INET, SOCK_STREAM, "), "SOCK_DGRAM"));
}

static void test_sockopt(void)
{
	const char *l = comp("setsockopt(3, ");
	CHECK(has(l, "SOL_SOCKET") && has(l, "SOL_TCP") && has(l, "IPPROTO_TCP") && !has(l, "SO_REUSEADDR"));
	l = comp("setsockopt(3, SOL_SOCKET, ");
	CHECK(has(l, "SO_REUSEADDR") && has(l, "SO_RCVBUF") && !has(l, "TCP_NODELAY") && !has(l, "SO_EE_ORIGIN_ICMP"));
	CHECK_STR(comp("setsockopt(3, SOL_SOCKET, SO_REUSEA"), "SO_REUSEADDR");
	l = comp("setsockopt(3, IPPROTO_TCP, ");
	CHECK(has(l, "TCP_NODELAY") && has(l, "TCP_MAXSEG") && !has(l, "SO_REUSEADDR"));
	CHECK(!has(l, "TCP_ESTABLISHED") && !has(l, "TCP_CA_Loss") && !has(l, "TCP_CLOSE_WAIT"));
	CHECK_STR(comp("getsockopt(3, SOL_TCP, TCP_NOD"), "TCP_NODELAY");
	l = comp("setsockopt(3, SOL_IP, IP_");
	CHECK(has(l, "IP_TOS") && !has(l, "IP_PMTUDISC_DO"));
	CHECK(has(comp("setsockopt(3, IPPROTO_IPV6, "), "IPV6_V6ONLY"));
	/* a level given as a number: every level's names */
	l = comp("setsockopt(3, 6, ");
	CHECK(has(l, "TCP_NODELAY") && has(l, "SO_REUSEADDR"));
	/* the value and the length take no constant of the level */
	CHECK(!has(comp("setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], "), "SO_REUSEADDR") ||
	      has(comp("setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], "), "SOCK_STREAM"));
}

static void test_other_calls(void)
{
	CHECK_STR(comp("shutdown(4, "), "SHUT_RD SHUT_RDWR SHUT_WR");
	CHECK(has(comp("fcntl(3, "), "F_SETFL") && !has(comp("fcntl(3, "), "O_NONBLOCK"));
	CHECK_STR(comp("fcntl(3, F_SETFL, O_NONB"), "O_NONBLOCK");
	CHECK_STR(comp("ioctl(4, "), "FIONBIO FIONREAD SIOCATMARK SIOCINQ SIOCOUTQ SIOCOUTQNSD");
	CHECK_STR(comp("send(4, ..., 10, MSG_DO"), "MSG_DONTROUTE MSG_DONTWAIT");
	CHECK(has(comp("poll([{fd=4, events=POLLIN"), "POLLIN") && has(comp("poll([{fd=4, events="), "POLLOUT"));
	CHECK_STR(comp("accept4(3, ..., ..., SOCK_"), "SOCK_CLOEXEC SOCK_NONBLOCK");
	/* a call without a rule for that position: every constant, no errno */
	CHECK(has(comp("write(4, ..., SO"), "SOCK_STREAM") && !has(comp("write(4, ..., E"), "EAGAIN"));
}

static void test_errno(void)
{
	CHECK_STR(comp("connect(3, ..., ...) = -1 ECONNR"), "ECONNREFUSED ECONNRESET");
	CHECK_STR(comp("0 read(4, ..., 10) = -1 EAGA"), "EAGAIN");
	CHECK_STR(comp("read(4, ..., 10) = 10 E"), "");
}

static void test_packets(void)
{
	const char *l = comp("< ");
	CHECK(has(l, "S") && has(l, "S.") && has(l, "P.") && has(l, "F.") && has(l, "R.") && has(l, "udp"));
	CHECK_STR(comp("0 > S"), "S S. S.E SEW");
	CHECK_STR(comp("+0 < S 0:0(0) "), "ack urg win");
	CHECK_STR(comp("< . 1:1(0) ack 1 w"), "win");
	CHECK_STR(comp("< . 1:1(0) ack "), "");
	l = comp("< S 0:0(0) win 1000 <");
	CHECK(has(l, "mss") && has(l, "wscale") && has(l, "sackOK") && has(l, "sack") && has(l, "TS") &&
	      has(l, "nop") && has(l, "eol") && has(l, "FO") && has(l, "FOEXP"));
	CHECK_STR(comp("< S 0:0(0) win 1000 <mss 1460,sa"), "sack sackOK");
	CHECK_STR(comp("< S 0:0(0) win 1000 <mss 1460,nop,TS "), "val");
	CHECK_STR(comp("< S 0:0(0) win 1000 <mss 1460,nop,TS val 100 "), "ecr");
	CHECK_STR(comp("< S 0:0(0) win 1000 <mss 1460,nop,w"), "wscale");
	CHECK_STR(comp("< S 0:0(0) win 1000 <mss 1460> "), "ack urg win");
	CHECK_STR(comp("@c2 0 > S. 0:0(0) ack 1 <m"), "md5 mss");
}

static void test_commands(void)
{
	CHECK_STR(comp("set "), "format");
	CHECK_STR(comp("set format "), "packetdrill tcpdump");
	CHECK_STR(comp("set format p"), "packetdrill");
	CHECK_STR(comp("profile "), "classic modern");
	CHECK_STR(comp("state "), "info");
	CHECK_STR(comp("conn "), "c1 c2 new");
	CHECK_STR(comp("info c"), "c1 c2");
	CHECK(has(comp("help "), "syntax") && has(comp("help "), "commands") && has(comp("help "), "conn"));
	CHECK(!files);
	comp("save ");
	CHECK(files);
	CHECK_STR(comp("pcap "), "off");
	CHECK(files);
	CHECK_STR(comp("diagram "), "--ascii");
	CHECK(files);
	CHECK_STR(comp("profile classic "), "");
	CHECK(!files);
	CHECK_STR(comp("quit "), "");
	CHECK_STR(comp("sysctl net.ipv4.tcp_sa"), "net.ipv4.tcp_sack");
	CHECK(has(comp("sysctl net.ipv4.tcp_sack=0 net.ipv4.tcp_t"), "net.ipv4.tcp_timestamps"));
}

int main(void)
{
	RUN(test_first_word);
	RUN(test_socket);
	RUN(test_sockopt);
	RUN(test_other_calls);
	RUN(test_errno);
	RUN(test_packets);
	RUN(test_commands);
	sb_free(&got);
	CHECK_EXIT();
}
