/*
 * test_view: the two packet printers as a specification. tcpdump lines for a
 * whole connection fed in order (relative numbering), SACK, TS, wscale, RST,
 * ECN flags, IPv6, odd options and the HTTP port; packetdrill lines as
 * packetdrill writes them. UDP and ICMP/ICMPv6 from bytes (view_tcpdump_any)
 * and from decoded packets, and their packetdrill notation, which the parser
 * must read back to the same numbers. tests/oracle/run checks the tcpdump
 * side against tcpdump itself on many more packets.
 */
#include <arpa/inet.h>
#include <stdlib.h>

#include "check.h"
#include "codec.h"
#include "consts.h"
#include "syntax.h"
#include "view.h"

static struct pkt seg(const char *src, uint16_t sport, const char *dst, uint16_t dport,
		      uint16_t flags, uint32_t seq, uint32_t ack, uint16_t win)
{
	struct pkt p;
	memset(&p, 0, sizeof(p));
	p.family = strchr(src, ':') ? 6 : 4;
	int af = p.family == 4 ? AF_INET : AF_INET6;
	inet_pton(af, src, p.src);
	inet_pton(af, dst, p.dst);
	p.sport = sport;
	p.dport = dport;
	p.flags = flags;
	p.seq = seq;
	p.ack = ack;
	p.win = win;
	return p;
}

static struct pkt_opt *add_opt(struct pkt *p, uint8_t kind, uint8_t len)
{
	struct pkt_opt *o = &p->opts[p->nopts++];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->len = len;
	return o;
}

static void add_ts(struct pkt *p, uint32_t val, uint32_t ecr)
{
	struct pkt_opt *o = add_opt(p, TCPOPT_TS, 10);
	o->u.ts.val = val;
	o->u.ts.ecr = ecr;
}

static void add_raw(struct pkt *p, uint8_t kind, uint8_t len, const char *data, uint8_t n)
{
	struct pkt_opt *o = add_opt(p, kind, len);
	o->u.raw.n = n;
	memcpy(o->u.raw.data, data, n);
}

static void add_sack(struct pkt *p, uint32_t l1, uint32_t r1, uint32_t l2, uint32_t r2)
{
	struct pkt_opt *o = add_opt(p, TCPOPT_SACK, l2 == r2 ? 10 : 18);
	o->u.sack.n = l2 == r2 ? 1 : 2;
	o->u.sack.blk[0].left = l1;
	o->u.sack.blk[0].right = r1;
	o->u.sack.blk[1].left = l2;
	o->u.sack.blk[1].right = r2;
}

/* Runs p through the tcpdump printer with memory v and checks the line. */
#define TD(v, p, want)                                       \
	do {                                                 \
		struct sb s_ = SB_INIT;                      \
		view_tcpdump_line((v), &(p), &s_);           \
		CHECK_STR(sb_str(&s_), (want));              \
		sb_free(&s_);                                \
	} while (0)

#define PD(dir, p, isn, want)                                \
	do {                                                 \
		struct sb s_ = SB_INIT;                      \
		view_pd_line((dir), &(p), (isn), &s_);       \
		CHECK_STR(sb_str(&s_), (want));              \
		sb_free(&s_);                                \
	} while (0)

#define K "192.168.0.1"
#define Y "192.0.2.1"
#define A TCPF_ACK

/* ---- tcpdump ------------------------------------------------------------ */

static void test_td_connection(void)
{
	struct view_tcpdump *v = view_tcpdump_new();
	struct pkt p = seg(Y, 40000, K, 5000, TCPF_SYN, 1530339812, 0, 1000);
	add_opt(&p, TCPOPT_MSS, 4)->u.mss = 1000;
	TD(v, p, "IP 192.0.2.1.40000 > 192.168.0.1.5000: Flags [S], seq 1530339812, win 1000, "
		 "options [mss 1000], length 0");
	p = seg(K, 5000, Y, 40000, TCPF_SYN | A, 3127751650u, 1530339813, 64240);
	add_opt(&p, TCPOPT_MSS, 4)->u.mss = 1460;
	add_opt(&p, TCPOPT_SACKOK, 2);
	add_ts(&p, 1, 0);
	add_opt(&p, TCPOPT_NOP, 1);
	add_opt(&p, TCPOPT_WSCALE, 3)->u.wscale = 7;
	TD(v, p, "IP 192.168.0.1.5000 > 192.0.2.1.40000: Flags [S.], seq 3127751650, ack 1530339813, "
		 "win 64240, options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0");
	p = seg(Y, 40000, K, 5000, A, 1530339813, 3127751651u, 1000);
	TD(v, p, "IP 192.0.2.1.40000 > 192.168.0.1.5000: Flags [.], ack 1, win 1000, length 0");
	p = seg(K, 5000, Y, 40000, TCPF_PSH | A, 3127751651u, 1530339813, 64240);
	p.payload_len = 10;
	TD(v, p, "IP 192.168.0.1.5000 > 192.0.2.1.40000: Flags [P.], seq 1:11, ack 1, win 64240, "
		 "length 10");
	TD(v, p, "IP 192.168.0.1.5000 > 192.0.2.1.40000: Flags [P.], seq 1:11, ack 1, win 64240, "
		 "length 10"); /* a retransmission looks the same */
	p = seg(Y, 40000, K, 5000, TCPF_FIN | A, 1530339813, 3127751661u, 1000);
	TD(v, p, "IP 192.0.2.1.40000 > 192.168.0.1.5000: Flags [F.], seq 1, ack 11, win 1000, length 0");
	p = seg(K, 5000, Y, 40000, TCPF_FIN | A, 3127751661u, 1530339814, 64240);
	TD(v, p, "IP 192.168.0.1.5000 > 192.0.2.1.40000: Flags [F.], seq 11, ack 2, win 64240, length 0");
	p = seg(Y, 40000, K, 5000, A, 1530339814, 3127751662u, 1000);
	TD(v, p, "IP 192.0.2.1.40000 > 192.168.0.1.5000: Flags [.], ack 12, win 1000, length 0");
	view_tcpdump_free(v);
}

/* Without a SYN-ACK the first ACK-bearing segment sets the bases; a SYN
 * alone changes nothing; a new SYN-ACK starts over. */
static void test_td_memory(void)
{
	struct view_tcpdump *v = view_tcpdump_new();
	struct pkt p = seg(Y, 7000, K, 7001, A, 500, 900, 100);
	TD(v, p, "IP 192.0.2.1.7000 > 192.168.0.1.7001: Flags [.], ack 900, win 100, length 0");
	p = seg(K, 7001, Y, 7000, TCPF_PSH | A, 900, 500, 100);
	p.payload_len = 20;
	TD(v, p, "IP 192.168.0.1.7001 > 192.0.2.1.7000: Flags [P.], seq 1:21, ack 0, win 100, length 20");
	p = seg(Y, 7000, K, 7001, TCPF_SYN, 42, 0, 100);
	TD(v, p, "IP 192.0.2.1.7000 > 192.168.0.1.7001: Flags [S], seq 42, win 100, length 0");
	p = seg(Y, 7000, K, 7001, A, 500, 920, 100);
	TD(v, p, "IP 192.0.2.1.7000 > 192.168.0.1.7001: Flags [.], ack 21, win 100, length 0");
	p = seg(K, 7001, Y, 7000, TCPF_SYN | A, 12, 43, 100);
	TD(v, p, "IP 192.168.0.1.7001 > 192.0.2.1.7000: Flags [S.], seq 12, ack 43, win 100, length 0");
	p = seg(Y, 7000, K, 7001, A, 43, 13, 100);
	TD(v, p, "IP 192.0.2.1.7000 > 192.168.0.1.7001: Flags [.], ack 1, win 100, length 0");
	view_tcpdump_free(v);
}

/* Thousands of connections: the table grows and keeps every base. */
static void test_td_many_connections(void)
{
	struct view_tcpdump *v = view_tcpdump_new();
	for (uint32_t i = 0; i < 3000; i++) {
		struct pkt p = seg(K, 5000, Y, (uint16_t)(10000 + i), TCPF_SYN | A, i * 1000, 7, 1);
		struct sb s = SB_INIT;
		view_tcpdump_line(v, &p, &s);
		sb_free(&s);
	}
	for (uint32_t i = 0; i < 3000; i += 999) {
		struct pkt p = seg(Y, (uint16_t)(10000 + i), K, 5000, A, 7, i * 1000 + 5, 1);
		struct sb s = SB_INIT, want = SB_INIT;
		view_tcpdump_line(v, &p, &s);
		sb_addf(&want, "IP 192.0.2.1.%u > 192.168.0.1.5000: Flags [.], ack 5, win 1, length 0",
			10000 + i);
		CHECK_STR(sb_str(&s), sb_str(&want));
		sb_free(&s);
		sb_free(&want);
	}
	view_tcpdump_free(v);
}

static void test_td_sack_ts(void)
{
	struct view_tcpdump *v = view_tcpdump_new();
	struct pkt p = seg(K, 5000, Y, 34567, TCPF_SYN | A, 100, 4000000001u, 65160);
	struct sb s = SB_INIT;
	view_tcpdump_line(v, &p, &s);
	sb_free(&s);
	p = seg(Y, 34567, K, 5000, A, 4000000001u, 101, 509);
	add_opt(&p, TCPOPT_NOP, 1);
	add_opt(&p, TCPOPT_NOP, 1);
	add_ts(&p, 120, 12350);
	add_sack(&p, 1101, 2101, 3101, 4101);
	TD(v, p, "IP 192.0.2.1.34567 > 192.168.0.1.5000: Flags [.], ack 1, win 509, "
		 "options [nop,nop,TS val 120 ecr 12350,sack 2 {1001:2001}{3001:4001},eol], length 0");
	p = seg(K, 5000, Y, 34567, A, 101, 4000000001u, 502);
	add_opt(&p, TCPOPT_NOP, 1);
	add_opt(&p, TCPOPT_NOP, 1);
	add_sack(&p, 4000000100u, 4000000200u, 0, 0);
	TD(v, p, "IP 192.168.0.1.5000 > 192.0.2.1.34567: Flags [.], ack 1, win 502, "
		 "options [nop,nop,sack 1 {100:200}], length 0");
	view_tcpdump_free(v);
}

static void test_td_flags(void)
{
	static const struct {
		uint16_t flags;
		const char *want;
	} cases[] = {
		{0, "none"},
		{TCPF_SYN, "S"},
		{TCPF_SYN | A, "S."},
		{TCPF_FIN | TCPF_PSH | A, "FP."},
		{TCPF_RST, "R"},
		{TCPF_RST | A, "R."},
		{TCPF_SYN | TCPF_ECE | TCPF_CWR, "SEW"},
		{TCPF_SYN | A | TCPF_ECE, "S.E"},
		{TCPF_URG | A, ".U"},
		{0xff, "FSRP.UEW"},
		{TCPF_AE, "none"},
		{TCPF_AE | A, "."},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sb s = SB_INIT;
		view_tcpdump_flags(cases[i].flags, &s);
		CHECK_STR(sb_str(&s), cases[i].want);
		sb_free(&s);
	}
}

static void test_td_rst_urg_ecn(void)
{
	struct view_tcpdump *v = view_tcpdump_new();
	struct pkt p = seg(Y, 6000, K, 6001, TCPF_RST, 78, 0, 0);
	TD(v, p, "IP 192.0.2.1.6000 > 192.168.0.1.6001: Flags [R], seq 78, win 0, length 0");
	p = seg(Y, 6000, K, 6001, TCPF_SYN | TCPF_ECE | TCPF_CWR, 7000, 0, 1000);
	p.tos = PKT_CE; /* the IP ECN field is not shown without -v */
	TD(v, p, "IP 192.0.2.1.6000 > 192.168.0.1.6001: Flags [SEW], seq 7000, win 1000, length 0");
	p = seg(K, 6001, Y, 6000, TCPF_URG | A, 1, 7001, 5);
	p.urg = 3;
	TD(v, p, "IP 192.168.0.1.6001 > 192.0.2.1.6000: Flags [.U], ack 7001, win 5, urg 3, length 0");
	p = seg(Y, 6000, K, 6001, TCPF_RST | A, 7001, 2, 0);
	TD(v, p, "IP 192.0.2.1.6000 > 192.168.0.1.6001: Flags [R.], seq 1, ack 1, win 0, length 0");
	view_tcpdump_free(v);
}

static void test_td_ipv6(void)
{
	static const char *const cases[][2] = {
		{"fd3d::1", "fd3d::1"},
		{"::1", "::1"},
		{"::", "::"},
		{"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},
		{"::ffff:192.0.2.1", "::ffff:192.0.2.1"},
		{"::192.0.2.33", "::192.0.2.33"},
		{"1:0:1::", "1:0:1::"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2:3:4:5:6"},
		{"fd3d:0a0b:17d6::1", "fd3d:a0b:17d6::1"}, /* the corpus's remote address */
		{"fd3d:fa7b:d17d::1", "fd3d:fa7b:d17d::1"}, /* and its local one */
		{"::ffff:192.168.0.1", "::ffff:192.168.0.1"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct view_tcpdump *v = view_tcpdump_new();
		struct pkt p = seg(cases[i][0], 40000, "fd3d::2", 5000, TCPF_SYN, 9, 0, 64800);
		add_opt(&p, TCPOPT_MSS, 4)->u.mss = 1440;
		struct sb want = SB_INIT;
		sb_addf(&want, "IP6 %s.40000 > fd3d::2.5000: Flags [S], seq 9, win 64800, options [mss 1440], length 0",
			cases[i][1]);
		TD(v, p, sb_str(&want));
		sb_free(&want);
		view_tcpdump_free(v);
	}
}

static void test_td_options(void)
{
	struct view_tcpdump *v = view_tcpdump_new();
	struct pkt p = seg(Y, 1111, K, 2222, TCPF_SYN, 1, 0, 1);
	add_raw(&p, TCPOPT_FASTOPEN, 2, "", 0);
	add_raw(&p, TCPOPT_EXP, 8, "\xf9\x89\xaa\xbb\xcc\xdd", 6);
	add_raw(&p, 99, 3, "\x42", 1);
	add_opt(&p, TCPOPT_WSCALE, 3)->u.wscale = 14;
	TD(v, p, "IP 192.0.2.1.1111 > 192.168.0.1.2222: Flags [S], seq 1, win 1, options "
		 "[tfo  cookiereq,exp-tfo cookie aabbccdd,unknown-99 0x42,wscale 14], length 0");
	p.nopts = 0;
	add_raw(&p, TCPOPT_MSS, 3, "\x05", 1); /* tcpdump reads two bytes anyway */
	add_opt(&p, TCPOPT_NOP, 1);
	TD(v, p, "IP 192.0.2.1.1111 > 192.168.0.1.2222: Flags [S], seq 1, win 1, options "
		 "[mss 1281[len 3]], length 0");
	p.nopts = 0;
	add_opt(&p, TCPOPT_NOP, 1);
	add_raw(&p, TCPOPT_TS, 1, "\x0a\x00", 2); /* length runs past the header */
	TD(v, p, "IP 192.0.2.1.1111 > 192.168.0.1.2222: Flags [S], seq 1, win 1, options "
		 "[nop,[bad opt]]");
	p.nopts = 0;
	add_raw(&p, TCPOPT_TS, 6, "\x00\x00\x00\x01", 4); /* first and bad: no "]" */
	TD(v, p, "IP 192.0.2.1.1111 > 192.168.0.1.2222: Flags [S], seq 1, win 1, options [TS[bad opt]");
	p.nopts = 0;
	for (int i = 0; i < 3; i++)
		add_opt(&p, TCPOPT_NOP, 1);
	add_raw(&p, 42, 1, "", 0); /* a kind byte ending the packet */
	TD(v, p, "IP 192.0.2.1.1111 > 192.168.0.1.2222: Flags [S], seq 1, win 1, options [nop,nop,nop, [|tcp]");
	view_tcpdump_free(v);
}

static void td_data(struct view_tcpdump *v, uint16_t sport, const char *text, const char *want)
{
	struct pkt p = seg(Y, sport, K, 8080, TCPF_PSH, 1, 0, 1);
	p.payload_len = (uint32_t)strlen(text);
	struct sb s = SB_INIT;
	view_tcpdump_line_data(v, &p, (const uint8_t *)text, &s);
	const char *tail = strstr(sb_str(&s), "length");
	CHECK_STR(tail, want);
	sb_free(&s);
}

static void test_td_http(void)
{
	struct view_tcpdump *v = view_tcpdump_new();
	td_data(v, 40000, "GET / HTTP/1.1\r\nHost: x\r\n", "length 25: HTTP: GET / HTTP/1.1");
	td_data(v, 40000, "HTTP/1.0 404 Not Found\n", "length 23: HTTP: HTTP/1.0 404 Not Found");
	td_data(v, 40000, "hello\r\n", "length 7: HTTP");
	td_data(v, 40000, "post /x", "length 7: HTTP: post /x [|http]");
	td_data(v, 40000, "GET /\rx\n", "length 8: HTTP");
	td_data(v, 22, "GET / HTTP/1.1\r\n", "length 16");
	struct pkt p = seg(Y, 40000, K, 8080, TCPF_PSH, 1, 0, 1);
	p.payload_len = 5;
	TD(v, p, "IP 192.0.2.1.40000 > 192.168.0.1.8080: Flags [P], seq 1:6, win 1, length 5: HTTP");
	view_tcpdump_free(v);
}

/* ---- packetdrill ---------------------------------------------------------- */

static void test_pd_lines(void)
{
	struct view_pd_isn out = {true, true, 5000, 1000}, in = {true, true, 1000, 5000};
	struct pkt p = seg(K, 8080, Y, 40000, TCPF_SYN | A, 5000, 1001, 64240);
	add_opt(&p, TCPOPT_MSS, 4)->u.mss = 1460;
	add_opt(&p, TCPOPT_SACKOK, 2);
	add_ts(&p, 12345, 0);
	add_opt(&p, TCPOPT_NOP, 1);
	add_opt(&p, TCPOPT_WSCALE, 3)->u.wscale = 7;
	PD('>', p, &out, "> S. 0:0(0) ack 1 win 64240 <mss 1460,sackOK,TS val 12345 ecr 0,nop,wscale 7>");
	p = seg(Y, 40000, K, 8080, A, 1001, 5001, 1000);
	PD('<', p, &in, "< . 1:1(0) ack 1 win 1000");
	p = seg(K, 8080, Y, 40000, TCPF_PSH | A, 5001, 1001, 502);
	p.payload_len = 10;
	add_opt(&p, TCPOPT_NOP, 1);
	add_opt(&p, TCPOPT_NOP, 1);
	add_ts(&p, 2, 3);
	PD('>', p, &out, "> P. 1:11(10) ack 1 win 502 <nop,nop,TS val 2 ecr 3>");
	p = seg(K, 8080, Y, 40000, TCPF_RST | A, 5000, 1001, 0);
	PD('>', p, &out, "> R. 0:0(0) ack 1 win 0");
	p = seg(Y, 40000, K, 8080, TCPF_SYN, 1000, 0, 1000);
	PD('<', p, &in, "< S 0:0(0) win 1000");
	p = seg(Y, 40000, K, 8080, TCPF_URG | A | TCPF_FIN, 1001, 5001, 1000);
	p.urg = 7;
	PD('<', p, &in, "< F.U 1:1(0) ack 1 win 1000 urg 7");
}

static void test_pd_unknown_isn(void)
{
	struct view_pd_isn none = {false, false, 0, 0}, half = {true, false, 100, 0};
	struct pkt p = seg(K, 8080, Y, 40000, TCPF_PSH | A, 3127751651u, 42, 1);
	p.payload_len = 3;
	add_sack(&p, 50, 60, 0, 0);
	PD('>', p, &none, "> P. 3127751651:3127751654(3) ack 42 win 1 <sack 50:60>");
	p.seq = 101;
	PD('>', p, &half, "> P. 1:4(3) ack 42 win 1 <sack 50:60>");
	struct view_pd_isn both = {true, true, 100, 40};
	PD('>', p, &both, "> P. 1:4(3) ack 2 win 1 <sack 10:20>");
}

static void test_pd_flags(void)
{
	static const struct {
		uint16_t flags;
		const char *want;
	} cases[] = {
		{TCPF_SYN | A, "S."}, {TCPF_PSH | A, "P."}, {TCPF_FIN | A, "F."}, {A, "."},
		{TCPF_RST, "R"}, {TCPF_SYN | TCPF_ECE | TCPF_CWR, "SEW"}, {0x1ff, "FSRP.UEWA"},
		{0, ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sb s = SB_INIT;
		view_pd_flags(cases[i].flags, &s);
		CHECK_STR(sb_str(&s), cases[i].want);
		sb_free(&s);
	}
}

static void test_pd_opts(void)
{
	struct pkt p = seg(Y, 1, K, 2, TCPF_SYN, 0, 0, 0);
	add_raw(&p, TCPOPT_FASTOPEN, 2, "", 0);
	add_raw(&p, TCPOPT_FASTOPEN, 6, "\x01\x02\xab\xcd", 4);
	add_raw(&p, TCPOPT_EXP, 4, "\xf9\x89", 2);
	add_raw(&p, TCPOPT_EXP, 6, "\xf9\x89\x10\x20", 4);
	add_raw(&p, TCPOPT_MD5, 4, "\x00\xff", 2);
	add_raw(&p, 99, 3, "\x42", 1);
	add_raw(&p, TCPOPT_EXP, 4, "\x12\x34", 2);
	add_raw(&p, TCPOPT_MSS, 3, "\x05", 1);
	add_opt(&p, TCPOPT_EOL, 1);
	add_raw(&p, TCPOPT_TS, 1, "\x0a\x01", 2);
	struct sb s = SB_INIT;
	view_pd_opts(&p, false, 0, &s);
	CHECK_STR(sb_str(&s), "FO,FO 0102abcd,FOEXP,FOEXP 1020,md5 00ff,unknown-99 0x42,"
			      "unknown-254 0x1234,unknown-2 0x05,eol,malformed-8 0x0a01");
	sb_free(&s);
	/* len 0 means the standard length, as the script parser may leave it. */
	p.nopts = 0;
	add_opt(&p, TCPOPT_MSS, 0)->u.mss = 1000;
	add_opt(&p, TCPOPT_SACK, 0)->u.sack.n = 1;
	p.opts[1].u.sack.blk[0].left = 1;
	p.opts[1].u.sack.blk[0].right = 2;
	view_pd_opts(&p, true, 0, &s);
	CHECK_STR(sb_str(&s), "mss 1000,sack 1:2");
	sb_free(&s);
}

/* ---- UDP, ICMP and bytes of any kind -------------------------------------- */

#define L6 "fd3d:fa7b:d17d::1"
#define R6 "fd3d:0a0b:17d6::1"

static struct pkt udp(const char *src, uint16_t sport, const char *dst, uint16_t dport, uint32_t len)
{
	struct pkt p = seg(src, sport, dst, dport, 0, 0, 0, 0);
	p.proto = PKT_UDP;
	p.payload_len = len;
	return p;
}

static struct pkt icmp(const char *src, const char *dst, uint8_t type, uint8_t code, uint16_t mtu)
{
	struct pkt p = seg(src, 0, dst, 0, 0, 0, 0, 0);
	p.proto = p.family == 4 ? PKT_ICMP : PKT_ICMP6;
	p.icmp_type = type;
	p.icmp_code = code;
	p.icmp_mtu = mtu;
	return p;
}

/* The bytes packetdrill injects: o quoting the kernel's segment (port 8080
 * to 40000, sequence number seq, len payload bytes). */
static void pd_bytes(const struct pkt *o, uint32_t seq, uint32_t len, struct sb *out)
{
	struct pkt in = seg("::", 8080, "::", 40000, TCPF_ACK, seq, 0, 0);
	in.family = o->family;
	memcpy(in.src, o->dst, 16);
	memcpy(in.dst, o->src, 16);
	in.payload_len = len;
	struct sb q = SB_INIT, err = SB_INIT;
	CHECK_INT(codec_build_quote(&in, &q, &err), 0);
	CHECK_INT(codec_build_icmp(o, (const uint8_t *)q.buf, q.len, out, &err), 0);
	sb_free(&q);
	sb_free(&err);
}

/* view_tcpdump_any on the bytes, and (when exact: the quote is packetdrill's)
 * view_tcpdump_line on what they decode to. */
static void check_any(const struct sb *bytes, bool exact, const char *want)
{
	struct view_tcpdump *v = view_tcpdump_new();
	struct sb s = SB_INIT, err = SB_INIT;
	view_tcpdump_any(v, (const uint8_t *)bytes->buf, bytes->len, &s);
	CHECK_STR(sb_str(&s), want);
	struct pkt q;
	if (exact && codec_decode((const uint8_t *)bytes->buf, bytes->len, &q, &err) >= 0) {
		sb_reset(&s);
		view_tcpdump_line(v, &q, &s);
		CHECK_STR(sb_str(&s), want);
	}
	sb_free(&s);
	sb_free(&err);
	view_tcpdump_free(v);
}

static void test_td_udp(void)
{
	struct view_tcpdump *v = view_tcpdump_new();
	struct pkt p = udp(Y, 8080, K, 8080, 100);
	TD(v, p, "IP 192.0.2.1.8080 > 192.168.0.1.8080: UDP, length 100");
	p = udp(L6, 5001, R6, 40000, 0);
	TD(v, p, "IP6 fd3d:fa7b:d17d::1.5001 > fd3d:a0b:17d6::1.40000: UDP, length 0");
	view_tcpdump_free(v);
}

/* The corpus's ICMP lines, as tcpdump prints what packetdrill injects. */
static void test_td_icmp(void)
{
	static const struct {
		const char *src, *dst;
		uint8_t type, code;
		uint16_t mtu;
		uint32_t seq, len;
		const char *want;
	} cases[] = {
		{Y, K, 3, 4, 800, 0, 0,
		 "IP 192.0.2.1 > 192.168.0.1: ICMP 192.0.2.1 unreachable - need to frag (mtu 800), length 36"},
		{Y, K, 3, 4, 840, 0, 1000,
		 "IP 192.0.2.1 > 192.168.0.1: ICMP 192.0.2.1 unreachable - need to frag (mtu 840), length 36"},
		{R6, L6, 2, 0, 1400, 0, 1440,
		 "IP6 fd3d:a0b:17d6::1 > fd3d:fa7b:d17d::1: ICMP6, packet too big, mtu 1400, length 56"},
		{Y, K, 3, 0, 0, 5000, 1000,
		 "IP 192.0.2.1 > 192.168.0.1: ICMP net 192.0.2.1 unreachable, length 36"},
		{Y, K, 3, 1, 0, 0, 10,
		 "IP 192.0.2.1 > 192.168.0.1: ICMP host 192.0.2.1 unreachable, length 36"},
		{Y, K, 3, 3, 0, 0, 0,
		 "IP 192.0.2.1 > 192.168.0.1: ICMP 192.0.2.1 tcp port 40000 unreachable, length 36"},
		{R6, L6, 1, 4, 0, 0, 0,
		 "IP6 fd3d:a0b:17d6::1 > fd3d:fa7b:d17d::1: ICMP6, destination unreachable, unreachable "
		 "port, fd3d:a0b:17d6::1 tcp port 40000, length 56"},
		{R6, L6, 1, 0, 0, 0, 0,
		 "IP6 fd3d:a0b:17d6::1 > fd3d:fa7b:d17d::1: ICMP6, destination unreachable, unreachable "
		 "route fd3d:a0b:17d6::1, length 56"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pkt o = icmp(cases[i].src, cases[i].dst, cases[i].type, cases[i].code, cases[i].mtu);
		struct sb b = SB_INIT;
		pd_bytes(&o, cases[i].seq, cases[i].len, &b);
		check_any(&b, true, cases[i].want);
		sb_free(&b);
	}
}

/* Bytes the codec refuses get a note; a message cut where tcpdump needs more
 * gets tcpdump's truncation mark. */
static void test_td_any_odd(void)
{
	struct sb b = SB_INIT;
	check_any(&b, false, "(a 0-byte packet tcpsh cannot decode: empty packet)");
	sb_addn(&b, "\x45\x00\x00\x14", 4);
	check_any(&b, false, "(a 4-byte packet tcpsh cannot decode: truncated IPv4 header: 4 of 20 bytes)");
	sb_reset(&b);
	struct pkt o = icmp(Y, K, 3, 1, 0);
	struct sb err = SB_INIT;
	CHECK_INT(codec_build_icmp(&o, (const uint8_t *)"abcd", 4, &b, &err), 0);
	check_any(&b, false, "IP 192.0.2.1 > 192.168.0.1:  [|icmp]");
	sb_reset(&b);
	o = icmp(R6, L6, 135, 0, 0);
	CHECK_INT(codec_build_icmp(&o, (const uint8_t *)"abcd", 4, &b, &err), 0);
	check_any(&b, false, "IP6 fd3d:a0b:17d6::1 > fd3d:fa7b:d17d::1: ICMP6, neighbor solicitation [|icmp6]");
	sb_reset(&b);
	o = icmp(R6, L6, 250, 0, 0);
	CHECK_INT(codec_build_icmp(&o, (const uint8_t *)"abc", 3, &b, &err), 0);
	check_any(&b, false, "IP6 fd3d:a0b:17d6::1 > fd3d:fa7b:d17d::1: ICMP6, unknown icmp6 type (250), "
		      "length 11\n\t0x0000:  fa00 58fe 0000 0000 6162 63");
	sb_free(&b);
	sb_free(&err);
}

/* TCP from bytes: the payload is read from them (tcpdump's HTTP line). */
static void test_td_any_tcp(void)
{
	struct pkt p = seg(Y, 40000, K, 8080, TCPF_PSH | A, 1, 2, 100);
	const char *get = "GET / HTTP/1.1\r\n";
	p.payload_len = (uint32_t)strlen(get);
	struct sb b = SB_INIT, err = SB_INIT;
	CHECK_INT(codec_build(&p, (const uint8_t *)get, &b, &err), 0);
	struct view_tcpdump *v = view_tcpdump_new();
	struct sb s = SB_INIT;
	view_tcpdump_any(v, (const uint8_t *)b.buf, b.len, &s);
	CHECK_STR(sb_str(&s), "IP 192.0.2.1.40000 > 192.168.0.1.8080: Flags [P.], seq 1:17, ack 2, "
			      "win 100, length 16: HTTP: GET / HTTP/1.1");
	sb_free(&s);
	sb_free(&b);
	sb_free(&err);
	view_tcpdump_free(v);
}

static void test_pd_udp_icmp(void)
{
	struct view_pd_isn isn = {true, true, 100, 1000};
	struct pkt p = udp(Y, 8080, K, 8080, 100);
	PD('<', p, &isn, "< udp (100)");
	p = icmp(Y, K, 3, 4, 1200);
	PD('<', p, &isn, "< icmp unreachable frag_needed mtu 1200");
	p.sport = 8080, p.dport = 40000, p.seq = 1000, p.payload_len = 1000;
	PD('<', p, &isn, "< icmp unreachable frag_needed mtu 1200 [0:1000(1000)]");
	p = icmp(R6, L6, 2, 0, 1400);
	p.sport = 8080, p.dport = 40000, p.seq = 1000, p.payload_len = 1440;
	PD('<', p, &isn, "< icmp packet_too_big mtu 1400 [0:1440(1440)]");
	struct view_pd_isn none = {0};
	PD('<', p, &none, "< icmp packet_too_big mtu 1400 [1000:2440(1440)]");
	p = icmp(Y, K, 3, 0, 0);
	PD('<', p, &isn, "< icmp unreachable net_unreachable");
	p = icmp(R6, L6, 1, 0, 0);
	PD('<', p, &isn, "< icmp unreachable no_route");
	p = icmp(Y, K, 11, 0, 0);
	PD('<', p, &isn, "< icmp time_exceeded");
	p = icmp(R6, L6, 3, 1, 0);
	PD('<', p, &isn, "< icmp time_exceeded exceeded_frag_time");
	p = icmp(Y, K, 3, 99, 0);
	PD('<', p, &isn, "< icmp unreachable code_99");
	p = icmp(R6, L6, 200, 3, 0);
	PD('>', p, &isn, "> icmp type_200 code_3");
	p = icmp(Y, K, 3, 1, 0);
	p.proto = CODEC_PROTO_OTHER;
	PD('<', p, &isn, "< (a packet that is neither TCP, UDP nor ICMP: scripts cannot write it)");
}

/* Every ICMP line the printer writes with names parses back to its numbers. */
static bool parses_back(const struct pkt *p, const char *line)
{
	struct syn_event ev;
	struct syn_error err;
	syntax_error_init(&err);
	int r = syntax_parse_line(line, strlen(line), 1, &ev, &err);
	CHECK_INT(r, SYN_OK);
	bool ok = r == SYN_OK && ev.kind == SYN_PACKET && ev.u.pkt.proto == SYN_PROTO_ICMP;
	if (ok) {
		const struct syn_packet *sp = &ev.u.pkt;
		int fam = p->family;
		int type = fam == 4 ? sp->icmp_type->v4 : sp->icmp_type->v6;
		int code = sp->icmp_code ? (fam == 4 ? sp->icmp_code->v4 : sp->icmp_code->v6) : 0;
		CHECK_INT(type, p->icmp_type);
		CHECK_INT(code, p->icmp_code);
		CHECK_INT(sp->icmp_mtu, p->icmp_mtu ? p->icmp_mtu : -1);
		ok = type == p->icmp_type && code == p->icmp_code;
	}
	if (r == SYN_OK)
		syntax_event_free(&ev);
	syntax_error_free(&err);
	return ok;
}

static void test_pd_icmp_parses_back(void)
{
	struct view_pd_isn isn = {0};
	int named = 0;
	for (int fam = 4; fam <= 6; fam += 2) {
		for (unsigned type = 0; type < 256; type++) {
			for (uint8_t code = 0; code < 20; code++) {
				struct pkt p = icmp(fam == 4 ? Y : R6, fam == 4 ? K : L6, (uint8_t)type, code, 1280);
				struct sb s = SB_INIT;
				view_pd_line('<', &p, &isn, &s);
				if (!strstr(sb_str(&s), "type_") && !strstr(sb_str(&s), "code_")) {
					if (!(fam == 4 ? type == 3 && code == 4 : type == 2))
						p.icmp_mtu = 0; /* only these carry one */
					named += parses_back(&p, sb_str(&s));
				}
				sb_free(&s);
			}
		}
	}
	/* IPv4: 12 types without codes, unreachable's 16; IPv6: unreachable's 5,
	 * packet_too_big, time_exceeded's 2, parameter_problem's 3, the echoes. */
	CHECK_INT(named, 12 + 16 + 5 + 1 + 2 + 3 + 2);
}

int main(void)
{
	RUN(test_td_connection);
	RUN(test_td_memory);
	RUN(test_td_many_connections);
	RUN(test_td_sack_ts);
	RUN(test_td_flags);
	RUN(test_td_rst_urg_ecn);
	RUN(test_td_ipv6);
	RUN(test_td_options);
	RUN(test_td_http);
	RUN(test_pd_lines);
	RUN(test_pd_unknown_isn);
	RUN(test_pd_flags);
	RUN(test_pd_opts);
	RUN(test_td_udp);
	RUN(test_td_icmp);
	RUN(test_td_any_odd);
	RUN(test_td_any_tcp);
	RUN(test_pd_udp_icmp);
	RUN(test_pd_icmp_parses_back);
	CHECK_EXIT();
}
