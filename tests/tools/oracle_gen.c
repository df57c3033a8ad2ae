/*
 * oracle_gen: writes a pcap (LINKTYPE_RAW) of a few hundred varied packets:
 * TCP segments built by codec_build, UDP datagrams, ICMP and ICMPv6 messages
 * built by codec_build_icmp (packetdrill's as well as the kernel's), and raw
 * oddities (extension headers, fragments, other protocols, truncated
 * quotes); prints on stdout what view_tcpdump_any says about each. tests/oracle/run compares
 * that with `tcpdump -n -r` on the same file: tcpdump is the oracle. It also
 * writes to VERDICTS how many checksum verdicts ("(correct)", "sum ok")
 * `tcpdump -vv` should print, and fails when codec_decode does not read a
 * built packet back, or view_tcpdump_line_data on the decoded packet
 * disagrees with view_tcpdump_any on its bytes.
 * Not a test by itself, and not for tcpsh at run time.
 * Usage: oracle_gen OUT.pcap VERDICTS
 */
#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "view.h"

struct gen {
	pcap_dumper_t *dump;
	struct view_tcpdump *view;  /* prints the lines, from the bytes */
	struct view_tcpdump *shadow; /* the same from the decoded packets */
	struct timeval tv;
	int failures;
	int verdicts;
};

static void fail(struct gen *g, const char *what, const char *why)
{
	fprintf(stderr, "oracle_gen: %s: %s\n", what, why);
	g->failures++;
}

/* Writes the bytes to the pcap and prints our line for them; verdicts: how
 * many checksum verdicts tcpdump -vv prints for them. */
static void emit_raw(struct gen *g, const void *bytes, size_t n, int verdicts)
{
	struct sb line = SB_INIT;
	g->tv.tv_usec += 1000;
	struct pcap_pkthdr h = {.ts = g->tv, .caplen = (bpf_u_int32)n, .len = (bpf_u_int32)n};
	pcap_dump((u_char *)g->dump, &h, bytes);
	view_tcpdump_any(g->view, bytes, n, &line);
	printf("%s\n", sb_str(&line));
	g->verdicts += verdicts;
	sb_free(&line);
}

/* Decodes what the codec built: it must read back with a right checksum, and
 * the printer given the decoded packet must say what it says from the bytes
 * (exact: for ICMP, only when the quote is packetdrill's). */
static void check_decoded(struct gen *g, const struct sb *bytes, bool exact)
{
	struct pkt q;
	struct sb err = SB_INIT, ours = SB_INIT, again = SB_INIT;
	const uint8_t *b = (const uint8_t *)bytes->buf;
	int r = codec_decode(b, bytes->len, &q, &err);
	if (r < 0 || !q.tcp_csum_ok) {
		fail(g, "codec_decode", r < 0 ? sb_str(&err) : "wrong checksum");
	} else if (exact) {
		view_tcpdump_any(g->shadow, b, bytes->len, &ours);
		view_tcpdump_line_data(g->shadow, &q, b + bytes->len - q.payload_len, &again);
		if (exact && strcmp(sb_str(&ours), sb_str(&again)))
			fail(g, sb_str(&ours), sb_str(&again));
	}
	sb_free(&err);
	sb_free(&ours);
	sb_free(&again);
}

/* Builds p (TCP or UDP), writes it to the pcap and prints our line. */
static void emit(struct gen *g, const struct pkt *p, const char *payload)
{
	struct sb bytes = SB_INIT, err = SB_INIT;
	if (codec_build(p, (const uint8_t *)payload, &bytes, &err) != 0) {
		fail(g, "codec_build", sb_str(&err));
		printf("(not built)\n");
	} else {
		/* TCP is not compared: tcpdump's memory would move twice. */
		check_decoded(g, &bytes, p->proto == PKT_UDP);
		emit_raw(g, bytes.buf, bytes.len, 1);
	}
	sb_free(&bytes);
	sb_free(&err);
}

/* Builds an ICMP message from outer quoting q (n bytes), writes and prints it. */
static void emit_icmp(struct gen *g, const struct pkt *outer, const void *q, size_t n, bool exact,
		      int verdicts)
{
	struct sb bytes = SB_INIT, err = SB_INIT;
	if (codec_build_icmp(outer, q, n, &bytes, &err) != 0) {
		fail(g, "codec_build_icmp", sb_str(&err));
		printf("(not built)\n");
	} else {
		check_decoded(g, &bytes, exact);
		emit_raw(g, bytes.buf, bytes.len, verdicts + (outer->family == 6));
	}
	sb_free(&bytes);
	sb_free(&err);
}

/* The same with a text payload, its length taken from the text. */
static void emit_text(struct gen *g, struct pkt *p, const char *text)
{
	p->payload_len = (uint32_t)strlen(text);
	emit(g, p, text);
}

/* ---- building segments -------------------------------------------------- */

static struct pkt seg(const char *src, uint16_t sport, const char *dst, uint16_t dport,
		      uint16_t flags, uint32_t seq, uint32_t ack, uint16_t win)
{
	struct pkt p;
	memset(&p, 0, sizeof(p));
	p.family = strchr(src, ':') ? 6 : 4;
	int af = p.family == 4 ? AF_INET : AF_INET6;
	if (inet_pton(af, src, p.src) != 1 || inet_pton(af, dst, p.dst) != 1) {
		fprintf(stderr, "oracle_gen: bad address %s or %s\n", src, dst);
		exit(2);
	}
	p.sport = sport;
	p.dport = dport;
	p.flags = flags;
	p.seq = seq;
	p.ack = ack;
	p.win = win;
	p.df = true;
	return p;
}

static struct pkt_opt *opt(struct pkt *p, uint8_t kind, uint8_t len)
{
	struct pkt_opt *o = &p->opts[p->nopts++];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->len = len;
	return o;
}

static void nop(struct pkt *p)
{
	opt(p, TCPOPT_NOP, 1);
}

static void mss(struct pkt *p, uint16_t v)
{
	opt(p, TCPOPT_MSS, 4)->u.mss = v;
}

static void wscale(struct pkt *p, uint8_t v)
{
	opt(p, TCPOPT_WSCALE, 3)->u.wscale = v;
}

static void sackok(struct pkt *p)
{
	opt(p, TCPOPT_SACKOK, 2);
}

static void ts(struct pkt *p, uint32_t val, uint32_t ecr)
{
	struct pkt_opt *o = opt(p, TCPOPT_TS, 10);
	o->u.ts.val = val;
	o->u.ts.ecr = ecr;
}

/* n blocks given as left, right pairs. */
static void sack(struct pkt *p, int n, const uint32_t *edges)
{
	struct pkt_opt *o = opt(p, TCPOPT_SACK, (uint8_t)(2 + 8 * n));
	o->u.sack.n = (uint8_t)n;
	for (int i = 0; i < n; i++) {
		o->u.sack.blk[i].left = edges[2 * i];
		o->u.sack.blk[i].right = edges[2 * i + 1];
	}
}

/* Any kind with the given length byte and data bytes (len 1: a bare tail). */
static void raw(struct pkt *p, uint8_t kind, uint8_t len, const char *data, uint8_t n)
{
	struct pkt_opt *o = opt(p, kind, len);
	o->u.raw.n = n;
	memcpy(o->u.raw.data, data, n);
}

/* The Linux SYN option block. */
static void syn_opts(struct pkt *p, uint16_t m, uint32_t tsval, uint32_t tsecr, uint8_t ws)
{
	mss(p, m);
	sackok(p);
	ts(p, tsval, tsecr);
	nop(p);
	wscale(p, ws);
}

static void nop_ts(struct pkt *p, uint32_t val, uint32_t ecr)
{
	nop(p);
	nop(p);
	ts(p, val, ecr);
}

/* ---- scenarios ---------------------------------------------------------- */

#define C4 "192.0.2.1"
#define S4 "192.168.0.1"
#define A TCPF_ACK
#define P (TCPF_PSH | TCPF_ACK)

/* A peer connects to the kernel's port 8080 (tcpdump's HTTP port). */
static void http_conn(struct gen *g)
{
	const uint32_t c = 1530339812, s = 3127751650u;
	struct pkt p = seg(C4, 40000, S4, 8080, TCPF_SYN, c, 0, 1000);
	mss(&p, 1000);
	emit(g, &p, NULL);
	p = seg(S4, 8080, C4, 40000, TCPF_SYN | A, s, c + 1, 64240);
	mss(&p, 1460);
	emit(g, &p, NULL);
	p = seg(C4, 40000, S4, 8080, A, c + 1, s + 1, 1000);
	emit(g, &p, NULL);
	const char *get = "GET /index.html HTTP/1.1\r\nHost: tcpsh\r\n\r\n";
	p = seg(C4, 40000, S4, 8080, P, c + 1, s + 1, 1000);
	emit_text(g, &p, get);
	const char *ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
	p = seg(S4, 8080, C4, 40000, P, s + 1, c + 1 + (uint32_t)strlen(get), 64240);
	emit_text(g, &p, ok);
	p = seg(S4, 8080, C4, 40000, P, s + 1 + p.payload_len, c + 1 + (uint32_t)strlen(get), 64240);
	p.payload_len = 10;
	emit(g, &p, NULL); /* zeros: "HTTP" and nothing more */
	p.seq += 10;
	emit_text(g, &p, "hello world"); /* text but no method */
	p.seq += p.payload_len;
	emit_text(g, &p, "POST /x HTTP/1"); /* no line end: truncated */
	p.seq += p.payload_len;
	emit_text(g, &p, "get /a\rb\n"); /* CR without LF */
	p = seg(C4, 40000, S4, 8080, TCPF_FIN | A, c + 1 + (uint32_t)strlen(get), s + 56 + 44, 1000);
	emit(g, &p, NULL);
	p = seg(S4, 8080, C4, 40000, TCPF_FIN | A, s + 100, c + 2 + (uint32_t)strlen(get), 64240);
	emit(g, &p, NULL);
	p = seg(C4, 40000, S4, 8080, A, c + 2 + (uint32_t)strlen(get), s + 101, 1000);
	emit(g, &p, NULL);
}

/* Two connections on ordinary ports, interleaved, with Linux-style options,
 * retransmissions, SACK and a reset. */
static void linux_conns(struct gen *g)
{
	const uint32_t a = 100, b = 4000000000u, x = 77, y = 0xfffffff0u;
	struct pkt p = seg(S4, 5000, C4, 34567, TCPF_SYN, a, 0, 64240);
	syn_opts(&p, 1460, 12345, 0, 7);
	emit(g, &p, NULL);
	p = seg(C4, 6000, S4, 6001, TCPF_SYN, x, 0, 29200);
	syn_opts(&p, 1400, 1, 0, 9);
	emit(g, &p, NULL);
	p = seg(C4, 34567, S4, 5000, TCPF_SYN | A, b, a + 1, 65160);
	syn_opts(&p, 1460, 99, 12345, 7);
	emit(g, &p, NULL);
	p = seg(S4, 6001, C4, 6000, TCPF_SYN | A, y, x + 1, 28960);
	syn_opts(&p, 1460, 5, 1, 8);
	emit(g, &p, NULL);
	p = seg(S4, 5000, C4, 34567, A, a + 1, b + 1, 502);
	nop_ts(&p, 12346, 99);
	emit(g, &p, NULL);
	p = seg(C4, 6000, S4, 6001, A, x + 1, y + 1, 229);
	nop_ts(&p, 2, 5);
	emit(g, &p, NULL);
	p = seg(S4, 5000, C4, 34567, P, a + 1, b + 1, 502);
	nop_ts(&p, 12350, 99);
	p.payload_len = 1000;
	emit(g, &p, NULL);
	p = seg(S4, 6001, C4, 6000, P, y + 1, x + 1, 227);
	nop_ts(&p, 6, 2);
	p.payload_len = 100; /* crosses the 32-bit wrap */
	emit(g, &p, NULL);
	p = seg(S4, 5000, C4, 34567, P, a + 1001, b + 1, 502);
	nop_ts(&p, 12350, 99);
	p.payload_len = 1000;
	emit(g, &p, NULL);
	p = seg(C4, 34567, S4, 5000, A, b + 1, a + 1, 509);
	nop_ts(&p, 120, 12350);
	uint32_t e1[] = {a + 1001, a + 2001};
	sack(&p, 1, e1);
	emit(g, &p, NULL);
	p = seg(S4, 5000, C4, 34567, P, a + 1, b + 1, 502); /* retransmission */
	nop_ts(&p, 12400, 120);
	p.payload_len = 1000;
	emit(g, &p, NULL);
	p = seg(C4, 6000, S4, 6001, A, x + 1, y + 101, 229);
	uint32_t e2[] = {y + 201, y + 301, y + 401, y + 501, y + 601, y + 701};
	nop(&p);
	nop(&p);
	sack(&p, 3, e2);
	emit(g, &p, NULL);
	p = seg(C4, 34567, S4, 5000, A, b + 1, a + 2001, 520);
	nop_ts(&p, 130, 12400);
	emit(g, &p, NULL);
	p = seg(C4, 6000, S4, 6001, TCPF_RST | A, x + 1, y + 101, 0);
	emit(g, &p, NULL);
	p = seg(C4, 6000, S4, 6001, TCPF_RST, x + 1, 0, 0);
	emit(g, &p, NULL);
	p = seg(S4, 5000, C4, 34567, TCPF_FIN | P, a + 2001, b + 1, 502);
	nop_ts(&p, 12500, 130);
	p.payload_len = 5;
	emit(g, &p, NULL);
}

/* Segments that carry ACK before any SYN was seen, a SYN-ACK that starts a
 * new conversation over an old one, and equal ports on both ends. */
static void seq_memory(struct gen *g)
{
	struct pkt p = seg("10.0.0.2", 7000, "10.0.0.1", 7001, A, 500, 900, 100);
	emit(g, &p, NULL);
	p = seg("10.0.0.1", 7001, "10.0.0.2", 7000, P, 900, 500, 100);
	p.payload_len = 20;
	emit(g, &p, NULL);
	p = seg("10.0.0.2", 7000, "10.0.0.1", 7001, A, 500, 920, 100);
	emit(g, &p, NULL);
	p = seg("10.0.0.1", 7001, "10.0.0.2", 7000, TCPF_SYN | A, 12, 34, 100);
	emit(g, &p, NULL);
	p = seg("10.0.0.2", 7000, "10.0.0.1", 7001, A, 34, 13, 100);
	emit(g, &p, NULL);
	p = seg("10.0.0.9", 9000, "10.0.0.3", 9000, TCPF_SYN, 1000, 0, 100);
	emit(g, &p, NULL);
	p = seg("10.0.0.3", 9000, "10.0.0.9", 9000, TCPF_SYN | A, 2000, 1001, 100);
	emit(g, &p, NULL);
	p = seg("10.0.0.9", 9000, "10.0.0.3", 9000, A, 1001, 2001, 100);
	uint32_t e[] = {2101, 2201};
	sack(&p, 1, e);
	emit(g, &p, NULL);
	p = seg("10.0.0.3", 9000, "10.0.0.9", 9000, P, 2001, 1001, 100);
	uint32_t e2[] = {1201, 1301};
	sack(&p, 1, e2);
	p.payload_len = 100;
	emit(g, &p, NULL);
}

static void flag_mix(struct gen *g)
{
	static const uint16_t flags[] = {
		0, TCPF_SYN | TCPF_ECE | TCPF_CWR, TCPF_SYN | A | TCPF_ECE, A | TCPF_CWR,
		TCPF_FIN | TCPF_PSH | TCPF_URG, TCPF_URG | A, 0xff, TCPF_AE | A, TCPF_AE,
		TCPF_FIN, TCPF_PSH, TCPF_ECE,
	};
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		struct pkt p = seg("198.51.100.7", 1234, "203.0.113.9", 4321, flags[i],
				   (uint32_t)(1000 * i), 55, 7);
		p.urg = (uint16_t)(i * 3);
		p.tos = (uint8_t)(i & 3); /* ECN codepoints: tcpdump -n (no -v) hides them */
		emit(g, &p, NULL);
	}
}

/* Every option spelling tcpdump has, well-formed. */
static void options_good(struct gen *g)
{
	struct pkt p = seg("172.16.0.1", 1111, "172.16.0.2", 2222, TCPF_SYN, 1, 0, 1);
	raw(&p, TCPOPT_FASTOPEN, 2, "", 0);
	nop(&p);
	nop(&p);
	raw(&p, TCPOPT_FASTOPEN, 10, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	emit(g, &p, NULL);
	p = seg("172.16.0.1", 1111, "172.16.0.2", 2222, TCPF_SYN, 1, 0, 1);
	raw(&p, TCPOPT_EXP, 4, "\xf9\x89", 2);
	raw(&p, TCPOPT_EXP, 8, "\xf9\x89\xaa\xbb\xcc\xdd", 6);
	raw(&p, TCPOPT_EXP, 6, "\x12\x34\x56\x78", 4);
	emit(g, &p, NULL);
	p = seg("172.16.0.1", 1111, "172.16.0.2", 2222, TCPF_SYN, 1, 0, 1);
	raw(&p, TCPOPT_MD5, 18, "0123456789abcdef", 16);
	raw(&p, 99, 5, "\xde\xad\xbe", 3);
	raw(&p, 77, 2, "", 0);
	emit(g, &p, NULL);
	p = seg("172.16.0.1", 1111, "172.16.0.2", 2222, TCPF_SYN, 1, 0, 1);
	raw(&p, 6, 6, "\x00\x00\x01\x00", 4);
	raw(&p, 7, 6, "\x00\x00\x01\x01", 4);
	raw(&p, 11, 6, "\x00\x00\x02\x00", 4);
	raw(&p, 12, 6, "\x00\x00\x02\x01", 4);
	raw(&p, 13, 6, "\x00\x00\x02\x02", 4);
	raw(&p, 20, 4, "\xab\x07", 2);
	emit(g, &p, NULL);
	p = seg("172.16.0.1", 1111, "172.16.0.2", 2222, TCPF_SYN, 1, 0, 1);
	raw(&p, 28, 4, "\x00\x3d", 2);
	raw(&p, 28, 4, "\x00\x3c", 2);
	raw(&p, 29, 4, "\x05\x06", 2);
	raw(&p, 29, 8, "\x05\x06\x10\x20\x30\x40", 6);
	raw(&p, 29, 3, "\x05", 1);
	nop(&p);
	raw(&p, TCPOPT_EOL, 1, "", 0);
	emit(g, &p, NULL);
	p = seg("172.16.0.1", 1111, "172.16.0.2", 2222, A, 1, 1, 1);
	uint32_t e[] = {10, 20, 30, 40, 50, 60, 70, 80};
	sack(&p, 4, e);
	emit(g, &p, NULL);
	p = seg("172.16.0.1", 1111, "172.16.0.2", 2222, A, 1, 1, 1);
	sack(&p, 2, e);
	wscale(&p, 14);
	sackok(&p);
	emit(g, &p, NULL);
}

/* Options with lengths that lie, and malformed tails. */
static void options_bad(struct gen *g)
{
	static const struct {
		uint8_t kind, len, n;
		const char *data;
		uint32_t payload;
	} cases[] = {
		{TCPOPT_MSS, 3, 1, "\x05", 0},	/* too short: tcpdump reads on */
		{TCPOPT_MSS, 6, 4, "\x05\xb4\x01\x01", 0},
		{TCPOPT_SACKOK, 4, 2, "\x01\x01", 0},
		{TCPOPT_SACK, 6, 4, "\x00\x00\x00\x01", 0},
		{TCPOPT_SACK, 2, 0, "", 0},
		{TCPOPT_WSCALE, 4, 2, "\x07\x01", 0},
		{TCPOPT_TS, 6, 4, "\x00\x00\x00\x01", 0},
		{TCPOPT_FASTOPEN, 5, 3, "\x01\x02\x03", 0},
		{TCPOPT_FASTOPEN, 20, 18, "0123456789abcdefgh", 0},
		{TCPOPT_EXP, 3, 1, "\xf9", 0},
		{TCPOPT_MD5, 4, 2, "\x01\x02", 0},
		{TCPOPT_MSS, 1, 1, "\x00", 0},	    /* length byte 0 */
		{TCPOPT_TS, 1, 1, "\x01", 0},	    /* length byte 1 */
		{TCPOPT_TS, 1, 3, "\x0a\x00\x00", 0}, /* length 10, 3 bytes left */
		{42, 1, 0, "", 0},		    /* kind byte alone, nothing after */
		{42, 1, 0, "", 4},		    /* kind byte alone, payload after */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pkt p = seg("172.16.0.3", 3333, "172.16.0.4", 4444, TCPF_SYN, 7, 0, 9);
		/* Malformed tails must end the option area; pad in front of them. */
		size_t used = cases[i].len == 1 ? 1u + cases[i].n : 2u + cases[i].n;
		if (i % 2)
			mss(&p, 1460), used += 4;
		while (cases[i].len == 1 && used % 4)
			nop(&p), used++;
		raw(&p, cases[i].kind, cases[i].len, cases[i].data, cases[i].n);
		if (cases[i].len != 1)
			nop(&p);
		p.payload_len = cases[i].payload;
		emit(g, &p, NULL);
	}
}

static void ipv6(struct gen *g)
{
	static const char *const addrs[][2] = {
		{"fd3d::1", "fd3d::2"},
		{"2001:db8::ffff:0:1", "::ffff:192.0.2.1"},
		{"::1", "::"},
		{"2001:db8:0:0:1:0:0:1", "fe80::1:0:0:1"},
		{"::192.0.2.33", "2001:db8:1:2:3:4:5:6"},
		{"1::", "1:0:1::"},
	};
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		struct pkt p = seg(addrs[i][0], 8080, addrs[i][1], 40000, TCPF_SYN | A,
				   (uint32_t)i, 2, 64800);
		p.flowlabel = 0x12345;
		p.tos = 0x02;
		syn_opts(&p, 1440, 5, 6, 7);
		emit(g, &p, NULL);
		p = seg(addrs[i][1], 40000, addrs[i][0], 8080, P, 2, (uint32_t)i + 1, 500);
		nop_ts(&p, 7, 5);
		emit_text(g, &p, "HEAD / HTTP/1.0\n");
		p.seq += p.payload_len;
		p.payload_len = 0;
		p.flags = TCPF_FIN | A;
		emit(g, &p, NULL);
	}
}

static void odd_fields(struct gen *g)
{
	struct pkt p = seg("0.0.0.0", 0, "255.255.255.255", 65535, TCPF_SYN, 0xffffffffu, 0, 65535);
	emit(g, &p, NULL);
	p = seg("255.255.255.255", 65535, "0.0.0.0", 0, TCPF_SYN | A | TCPF_URG, 0, 0, 0);
	p.urg = 65535;
	emit(g, &p, NULL);
	p = seg("0.0.0.0", 0, "255.255.255.255", 65535, A, 0, 1, 65535);
	p.payload_len = 1460;
	emit(g, &p, NULL);
	p = seg("10.1.1.1", 80, "10.1.1.2", 22, P, 1, 1, 1); /* 22 wins over 80 */
	emit_text(g, &p, "abcd");
	p = seg("10.1.1.1", 80, "10.1.1.2", 50000, P, 1, 1, 1);
	emit_text(g, &p, "OPTIONS * HTTP/1.1\r\nHost: x\r\n");
	p = seg("10.1.1.2", 50000, "10.1.1.1", 80, P, 1, 1, 1);
	emit_text(g, &p, "x 404 y\r\n\r\n\r");
}

/* A SYN alone never touches tcpdump's memory; SYN data; RST data; a
 * retransmitted SYN-ACK resets the bases to the same values. */
static void syn_cases(struct gen *g)
{
	struct pkt p = seg(C4, 41000, S4, 8081, TCPF_SYN, 5000, 0, 1000);
	raw(&p, TCPOPT_FASTOPEN, 10, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
	emit_text(g, &p, "hi there"); /* TFO: data on a SYN */
	p = seg(S4, 8081, C4, 41000, TCPF_SYN | A, 9000, 5009, 2000);
	emit(g, &p, NULL);
	emit(g, &p, NULL);
	p = seg(C4, 41000, S4, 8081, TCPF_SYN, 6000, 0, 1000); /* a stray SYN */
	emit(g, &p, NULL);
	p = seg(C4, 41000, S4, 8081, A, 5009, 9001, 1000);
	emit(g, &p, NULL);
	p = seg(S4, 8081, C4, 41000, TCPF_RST | A, 9001, 5009, 0);
	emit_text(g, &p, "connection reset by peer");
	p = seg(C4, 41000, S4, 8081, TCPF_SYN | TCPF_ECE | TCPF_CWR, 7000, 0, 1000);
	syn_opts(&p, 536, 0xffffffffu, 0, 14);
	emit(g, &p, NULL);
	p = seg(S4, 8081, C4, 41000, TCPF_SYN | A | TCPF_ECE, 1, 7001, 0);
	emit(g, &p, NULL);
	p = seg(C4, 41000, S4, 8081, A | TCPF_ECE | TCPF_CWR, 7001, 2, 1000);
	emit(g, &p, NULL);
}

/* ---- IPv6 with the corpus's addresses --------------------------------- */

#define L6 "fd3d:fa7b:d17d::1" /* packetdrill's local (kernel) address */
#define R6 "fd3d:0a0b:17d6::1" /* and its remote (peer) address */

/* A handshake and some data over IPv6, as the corpus scripts run it, and
 * over IPv4-mapped IPv6 addresses. */
static void corpus6(struct gen *g)
{
	static const char *const pairs[][2] = {{R6, L6}, {"::ffff:192.0.2.1", "::ffff:192.168.0.1"}};
	for (size_t i = 0; i < 2; i++) {
		const char *r = pairs[i][0], *l = pairs[i][1];
		struct pkt p = seg(r, 8080, l, 8080, TCPF_SYN, 0, 0, 32792);
		mss(&p, 1460);
		sackok(&p);
		nop(&p);
		nop(&p);
		emit(g, &p, NULL);
		p = seg(l, 8080, r, 8080, TCPF_SYN | A, 2796262401u, 1, 65535);
		mss(&p, 1460);
		nop(&p);
		nop(&p);
		sackok(&p);
		emit(g, &p, NULL);
		p = seg(r, 8080, l, 8080, A, 1, 2796262402u, 257);
		emit(g, &p, NULL);
		p = seg(l, 8080, r, 8080, P, 2796262402u, 1, 65535);
		p.payload_len = 1440;
		emit(g, &p, NULL);
		p = seg(r, 8080, l, 8080, TCPF_FIN | A, 1, 2796263842u, 257);
		emit(g, &p, NULL);
	}
	/* Where tcpdump writes an IPv4 tail, and where it does not. */
	static const char *const odd[] = {
		"::ffff:0.0.0.1", "::1.2.3.4", "::2", "::ffff:0:c000:201", "0:0:0:0:0:1:c000:201",
		"64:ff9b::c000:201", "::ffff:ffff:ffff", "fd3d:0:0:1::", "fd3d::1:0:0:0:1",
	};
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		struct pkt p = seg(odd[i], 8080, L6, 40000, TCPF_RST, 5, 0, 0);
		emit(g, &p, NULL);
	}
}

/* ---- UDP ---------------------------------------------------------------- */

static struct pkt udp_pkt(const char *src, uint16_t sport, const char *dst, uint16_t dport,
			  uint32_t len)
{
	struct pkt p = seg(src, sport, dst, dport, 0, 0, 0, 0);
	p.proto = PKT_UDP;
	p.payload_len = len;
	return p;
}

static void udp(struct gen *g)
{
	struct pkt p = udp_pkt(C4, 8080, S4, 8080, 100); /* packetdrill's "< udp (100)" */
	emit(g, &p, NULL);
	p = udp_pkt(S4, 8080, C4, 8080, 0);
	emit(g, &p, NULL);
	p = udp_pkt(C4, 40000, S4, 5001, 0);
	emit_text(g, &p, "hello, udp");
	p = udp_pkt(R6, 8080, L6, 8080, 1000);
	emit(g, &p, NULL);
	p = udp_pkt(L6, 5001, R6, 40000, 1452);
	p.tos = 0x02;
	p.flowlabel = 0xfffff;
	emit(g, &p, NULL);
	p = udp_pkt("::ffff:192.0.2.1", 40001, "::ffff:192.168.0.1", 8080, 7);
	emit_text(g, &p, "odd len");
}

/* ---- ICMP as packetdrill injects it -------------------------------------- */

static struct pkt icmp_pkt(const char *src, const char *dst, uint8_t type, uint8_t code, uint16_t mtu)
{
	struct pkt p = seg(src, 0, dst, 0, 0, 0, 0, 0);
	p.proto = p.family == 4 ? PKT_ICMP : PKT_ICMP6;
	p.icmp_type = type;
	p.icmp_code = code;
	p.icmp_mtu = mtu;
	p.df = false;
	return p;
}

/* What packetdrill quotes: the kernel's segment back to the peer. */
static void quote(const struct pkt *outer, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t len,
		  uint8_t proto, struct sb *out)
{
	struct pkt in;
	memset(&in, 0, sizeof(in));
	in.family = outer->family;
	memcpy(in.src, outer->dst, 16);
	memcpy(in.dst, outer->src, 16);
	in.proto = proto;
	in.sport = sport;
	in.dport = dport;
	in.seq = seq;
	in.payload_len = len;
	struct sb err = SB_INIT;
	if (codec_build_quote(&in, out, &err))
		fprintf(stderr, "oracle_gen: codec_build_quote: %s\n", sb_str(&err));
	sb_free(&err);
}

/* An ICMP message from the peer about the kernel's segment (port 8080 to
 * 40000, ISN 1000; the quoted segment starts rel bytes after it). */
static void pd_icmp(struct gen *g, const char *peer, const char *kernel, uint8_t type, uint8_t code,
		    uint16_t mtu, uint32_t rel, uint32_t len)
{
	struct pkt p = icmp_pkt(peer, kernel, type, code, mtu);
	struct sb q = SB_INIT;
	quote(&p, 8080, 40000, 1000 + rel, len, PKT_TCP, &q);
	emit_icmp(g, &p, q.buf, q.len, true, 0);
	sb_free(&q);
}

static void icmp_packetdrill(struct gen *g)
{
	pd_icmp(g, C4, S4, 3, 4, 800, 0, 0);	   /* unreachable frag_needed mtu 800 */
	pd_icmp(g, C4, S4, 3, 4, 840, 0, 1000);	   /* ... mtu 840 [0:1000(1000)] */
	pd_icmp(g, R6, L6, 2, 0, 1400, 0, 1440);   /* packet_too_big mtu 1400 [0:1440(1440)] */
	pd_icmp(g, C4, S4, 3, 0, 0, 5000, 1000);   /* unreachable [5000:6000(1000)] */
	pd_icmp(g, C4, S4, 3, 1, 0, 0, 10);	   /* unreachable host_unreachable [0:10(10)] */
	pd_icmp(g, C4, S4, 3, 3, 0, 1, 0);	   /* port_unreachable */
	pd_icmp(g, "::ffff:192.0.2.1", "::ffff:192.168.0.1", 1, 4, 0, 1, 0);
	pd_icmp(g, R6, L6, 1, 3, 0, 1, 100);	   /* address_unreachable */
	pd_icmp(g, R6, L6, 3, 0, 0, 1, 0);	   /* time_exceeded exceeded_hop_limit */
	struct pkt p = icmp_pkt(C4, S4, 3, 3, 0);  /* about a UDP datagram */
	struct sb q = SB_INIT;
	quote(&p, 5001, 40000, 0, 100, PKT_UDP, &q);
	emit_icmp(g, &p, q.buf, q.len, false, 0);
	sb_reset(&q);
	p = icmp_pkt(R6, L6, 1, 4, 0);
	quote(&p, 5001, 40000, 0, 100, PKT_UDP, &q);
	emit_icmp(g, &p, q.buf, q.len, false, 0);
	sb_free(&q);
}

/* ---- ICMP of every kind, and as the kernel sends it ------------------------ */

/* The Internet checksum of n bytes after a sum of others. */
static uint16_t csum(uint32_t sum, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sum += i % 2 ? b[i] : (uint32_t)b[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void fix_ip4(uint8_t *b)
{
	b[10] = b[11] = 0;
	uint16_t c = csum(0, b, 20);
	b[10] = (uint8_t)(c >> 8), b[11] = (uint8_t)c;
}

/* Sets bytes 4-7 of the ICMP message in a built packet and its checksum. */
static void set_rest(struct sb *bytes, uint32_t rest)
{
	uint8_t *b = (uint8_t *)bytes->buf;
	bool v6 = b[0] >> 4 == 6;
	uint8_t *m = b + (v6 ? 40 : 20);
	size_t n = bytes->len - (size_t)(m - b);
	m[4] = (uint8_t)(rest >> 24), m[5] = (uint8_t)(rest >> 16);
	m[6] = (uint8_t)(rest >> 8), m[7] = (uint8_t)rest;
	m[2] = m[3] = 0;
	uint32_t sum = 0;
	if (v6) {
		uint8_t pseudo[8] = {0, 0, (uint8_t)(n >> 8), (uint8_t)n, 0, 0, 0, 58};
		sum = 0xffff & ~csum(0, b + 8, 32);
		sum += 0xffff & ~csum(0, pseudo, 8);
	}
	uint16_t c = csum(sum, m, n);
	m[2] = (uint8_t)(c >> 8), m[3] = (uint8_t)c;
}

/* A message of any type from src to dst with rest in bytes 4-7, quoting q. */
static void any_icmp(struct gen *g, const char *src, const char *dst, uint8_t type, uint8_t code,
		     uint32_t rest, const void *q, size_t n)
{
	struct pkt p = icmp_pkt(src, dst, type, code, 0);
	struct sb bytes = SB_INIT, err = SB_INIT;
	if (codec_build_icmp(&p, q, n, &bytes, &err) != 0)
		fail(g, "codec_build_icmp", sb_str(&err));
	set_rest(&bytes, rest);
	emit_raw(g, bytes.buf, bytes.len, p.family == 6);
	sb_free(&bytes);
	sb_free(&err);
}

/* The segment packetdrill quotes, for messages that quote one. */
static void tcp_quote(const char *kernel, const char *peer, struct sb *q)
{
	struct pkt outer = icmp_pkt(peer, kernel, 0, 0, 0);
	quote(&outer, 8080, 40000, 1000, 0, PKT_TCP, q);
}

static void icmp4_kinds(struct gen *g)
{
	struct sb q = SB_INIT;
	tcp_quote(S4, C4, &q);
	for (uint8_t code = 0; code <= 16; code++)
		any_icmp(g, "10.0.0.254", S4, 3, code, code == 4 ? 1500 : 0, q.buf, q.len);
	any_icmp(g, "10.0.0.254", S4, 3, 4, 0, q.buf, q.len); /* no MTU */
	static const struct {
		uint8_t type, code;
		uint32_t rest;
	} kinds[] = {
		{11, 0, 0}, {11, 1, 0}, {11, 7, 0}, {12, 0, 5u << 24}, {12, 2, 0}, {4, 0, 0},
		{5, 0, 0x0a000001}, {5, 1, 0x0a000002}, {5, 2, 3}, {5, 3, 4}, {5, 9, 5},
		{8, 0, 0x00070009}, {0, 0, 0x0007000a}, {10, 0, 0}, {15, 0, 0}, {16, 0, 0},
		{17, 0, 0}, {42, 3, 0}, {9, 0, 0x00021e00}, {9, 0, 0x0102003c}, {9, 0, 0x01011c20},
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		any_icmp(g, C4, S4, kinds[i].type, kinds[i].code, kinds[i].rest, q.buf, q.len);
	static const uint8_t ts[12] = {0, 0x38, 0xcf, 0x7c, 0x05, 0x26, 0x5c, 0x00, 0, 0, 0, 1};
	any_icmp(g, C4, S4, 13, 0, 0x00010002, ts, sizeof(ts));
	any_icmp(g, C4, S4, 14, 0, 0x00010002, ts, sizeof(ts));
	any_icmp(g, C4, S4, 14, 0, 0x00010002, ts, 11);	 /* too short */
	any_icmp(g, C4, S4, 18, 0, 0, "\xff\xff\xff\x00", 4);
	any_icmp(g, C4, S4, 18, 0, 0, "\xff\xff", 2);	 /* too short */
	any_icmp(g, C4, S4, 3, 1, 0, q.buf, 19);	 /* quote cut */
	any_icmp(g, C4, S4, 3, 3, 0, q.buf, 23);
	any_icmp(g, C4, S4, 11, 0, 0, q.buf, 10);
	any_icmp(g, C4, S4, 4, 0, 0, NULL, 0);
	uint8_t odd[28];
	memcpy(odd, q.buf, 28);
	odd[9] = 99; /* port unreachable about another protocol */
	fix_ip4(odd);
	any_icmp(g, C4, S4, 3, 3, 0, odd, sizeof(odd));
	sb_free(&q);
}

/* The kernel's own ICMP errors quote the whole offending packet. */
static void icmp_kernel(struct gen *g)
{
	struct pkt p = udp_pkt(C4, 40000, S4, 5001, 20);
	struct sb whole = SB_INIT, err = SB_INIT;
	codec_build(&p, NULL, &whole, &err);
	struct pkt o = icmp_pkt(S4, C4, 3, 3, 0);
	emit_icmp(g, &o, whole.buf, whole.len, false, 1); /* -vv checks the quoted UDP too */
	sb_reset(&whole);
	p = udp_pkt(R6, 40000, L6, 5001, 20);
	codec_build(&p, NULL, &whole, &err);
	o = icmp_pkt(L6, R6, 1, 4, 0);
	emit_icmp(g, &o, whole.buf, whole.len, false, 0);
	sb_free(&whole);
	sb_free(&err);
}

static void icmp6_kinds(struct gen *g)
{
	struct sb q = SB_INIT;
	tcp_quote(L6, R6, &q);
	for (uint8_t code = 0; code <= 7; code += code == 5 ? 2 : 1)
		any_icmp(g, "2001:db8::1", L6, 1, code, 0, q.buf, q.len);
	static const struct {
		uint8_t type, code;
		uint32_t rest;
	} kinds[] = {
		{2, 0, 1280}, {2, 0, 0xffffffffu}, {3, 0, 0}, {3, 1, 0}, {3, 2, 0}, {4, 0, 6},
		{4, 1, 40}, {4, 2, 42}, {4, 3, 0}, {4, 4, 0}, {128, 0, 0x00010002}, {129, 0, 0x00010003},
		{200, 0, 0}, {250, 1, 0},
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		any_icmp(g, R6, L6, kinds[i].type, kinds[i].code, kinds[i].rest, q.buf, q.len);
	any_icmp(g, R6, L6, 1, 4, 0, q.buf, 30); /* quote cut */
	any_icmp(g, R6, L6, 1, 0, 0, q.buf, 39);
	any_icmp(g, R6, L6, 3, 0, 0, q.buf, 20);
	any_icmp(g, R6, L6, 4, 0, 0, q.buf, 39);
	any_icmp(g, R6, L6, 255, 0, 0, "abc", 3); /* odd length hex dump */
	uint8_t hbh[56];
	memcpy(hbh, q.buf, 40);
	hbh[6] = 0; /* the quoted segment behind a hop-by-hop header */
	memcpy(hbh + 40, "\x06\x00\x01\x04\x00\x00\x00\x00", 8);
	memcpy(hbh + 48, q.buf + 40, 8);
	any_icmp(g, R6, L6, 1, 4, 0, hbh, sizeof(hbh));
	hbh[6] = 99;
	any_icmp(g, R6, L6, 1, 4, 0, hbh, sizeof(hbh));
	sb_free(&q);
}

/* Neighbour discovery and MLD, which the kernel sends on its own. */
static void icmp6_local(struct gen *g)
{
	uint8_t a[52] = {0}; /* two addresses, then room for an MLDv2 query's two sources */
	inet_pton(AF_INET6, "fd3d:fa7b:d17d::1", a);
	inet_pton(AF_INET6, "fe80::1", a + 16);
	static const struct {
		uint8_t type;
		uint32_t rest;
		size_t n;
	} kinds[] = {
		{133, 0, 0}, {134, 0x40000708, 8}, {135, 0, 16}, {136, 0xe0000000u, 16}, {137, 0, 32},
		{135, 0, 15}, {137, 0, 31}, {130, 0x03e80000, 16}, {130, 0x03e80000, 20},
		{130, 0, 17}, {131, 0, 16}, {132, 0, 16}, {131, 0, 15}, {143, 2, 0},
		{144, 0x12340000, 0}, {146, 0xabcd0000, 0}, {145, 0, 0}, {147, 0, 0}, {141, 0, 0},
		{142, 0, 0},
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		any_icmp(g, "fe80::1", "ff02::1", kinds[i].type, 0, kinds[i].rest, a, kinds[i].n);
	a[19] = 2; /* an MLDv2 query with two sources */
	any_icmp(g, "fe80::1", "ff02::1", 130, 0, 0, a, 20);
	any_icmp(g, "fe80::1", "ff02::1", 130, 0, 0, a, 20 + 32);
}

/* ---- the IP layer -------------------------------------------------------- */

/* Builds p and inserts extension headers (ext, n bytes; their first next-
 * header byte must name p's protocol) after its IPv6 header. */
static void with_ext(struct gen *g, const struct pkt *p, const uint8_t *ext, size_t n, uint8_t first,
		     int verdicts)
{
	struct sb b = SB_INIT, err = SB_INIT, out = SB_INIT;
	codec_build(p, NULL, &b, &err);
	sb_addn(&out, b.buf, 40);
	sb_addn(&out, ext, n);
	sb_addn(&out, b.buf + 40, b.len - 40);
	uint8_t *o = (uint8_t *)out.buf;
	size_t plen = out.len - 40;
	o[4] = (uint8_t)(plen >> 8), o[5] = (uint8_t)plen, o[6] = first;
	emit_raw(g, o, out.len, verdicts);
	sb_free(&b);
	sb_free(&err);
	sb_free(&out);
}

static void ip_oddities(struct gen *g)
{
	struct pkt p = udp_pkt(C4, 1, S4, 2, 20);
	struct sb b = SB_INIT, err = SB_INIT;
	codec_build(&p, NULL, &b, &err);
	uint8_t *v4 = (uint8_t *)b.buf;
	v4[9] = 99;
	fix_ip4(v4);
	emit_raw(g, v4, b.len, 0);
	v4[9] = 17, v4[6] = 0x20, v4[7] = 0x10; /* a later fragment */
	fix_ip4(v4);
	emit_raw(g, v4, b.len, 0);
	v4[9] = 6;
	fix_ip4(v4);
	emit_raw(g, v4, b.len, 0);
	sb_reset(&b);
	p = udp_pkt(R6, 1, L6, 2, 12);
	codec_build(&p, NULL, &b, &err);
	uint8_t *v6 = (uint8_t *)b.buf;
	v6[6] = 99;
	emit_raw(g, v6, b.len, 0);
	v6[6] = 59;
	emit_raw(g, v6, b.len, 0);
	v6[6] = 44; /* a fragment header, offset 24 */
	memcpy(v6 + 40, "\x11\x00\x00\x18\x00\x00\x00\x07", 8);
	emit_raw(g, v6, b.len, 0);
	static const uint8_t hbh_udp[8] = {17, 0, 5, 2, 0, 0, 1, 0};
	static const uint8_t dst_tcp[16] = {6, 1, 1, 12};
	p = udp_pkt(R6, 40000, L6, 8080, 4);
	with_ext(g, &p, hbh_udp, 8, 0, 1);
	struct pkt t = seg(R6, 40001, L6, 8080, TCPF_SYN, 7, 0, 100);
	with_ext(g, &t, dst_tcp, 16, 60, 1);
	static const uint8_t hbh_icmp[8] = {58, 0, 5, 2, 0, 0, 1, 0};
	struct pkt m = icmp_pkt("fe80::1", "ff02::16", 143, 0, 0);
	struct sb mld = SB_INIT;
	codec_build_icmp(&m, NULL, 0, &mld, &err);
	set_rest(&mld, 1);
	struct sb out = SB_INIT;
	sb_addn(&out, mld.buf, 40);
	sb_addn(&out, hbh_icmp, 8);
	sb_addn(&out, mld.buf + 40, mld.len - 40);
	((uint8_t *)out.buf)[5] = 16, ((uint8_t *)out.buf)[6] = 0;
	emit_raw(g, out.buf, out.len, 1);
	sb_free(&out);
	sb_free(&mld);
	sb_free(&b);
	sb_free(&err);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: oracle_gen OUT.pcap VERDICTS\n");
		return 2;
	}
	pcap_t *dead = pcap_open_dead(DLT_RAW, 65535);
	struct gen g = {.view = view_tcpdump_new(), .shadow = view_tcpdump_new(), .tv = {1700000000, 0}};
	g.dump = dead ? pcap_dump_open(dead, argv[1]) : NULL;
	if (!g.dump) {
		fprintf(stderr, "oracle_gen: %s: %s\n", argv[1], dead ? pcap_geterr(dead) : "pcap_open_dead failed");
		return 1;
	}
	http_conn(&g);
	linux_conns(&g);
	seq_memory(&g);
	flag_mix(&g);
	options_good(&g);
	options_bad(&g);
	ipv6(&g);
	odd_fields(&g);
	syn_cases(&g);
	corpus6(&g);
	udp(&g);
	icmp_packetdrill(&g);
	icmp4_kinds(&g);
	icmp_kernel(&g);
	icmp6_kinds(&g);
	icmp6_local(&g);
	ip_oddities(&g);
	pcap_dump_close(g.dump);
	pcap_close(dead);
	view_tcpdump_free(g.view);
	view_tcpdump_free(g.shadow);
	FILE *f = fopen(argv[2], "w");
	if (!f || fprintf(f, "%d\n", g.verdicts) < 0 || fclose(f) != 0) {
		fprintf(stderr, "oracle_gen: cannot write %s\n", argv[2]);
		return 1;
	}
	return g.failures ? 1 : 0;
}
