/*
 * oracle_gen: writes a pcap (LINKTYPE_RAW) of about a hundred varied TCP
 * segments built by codec_build, and prints on stdout, one per line, what
 * view_tcpdump_line_data says about each after codec_decode. tests/oracle/run
 * compares that with `tcpdump -n -r` on the same file: tcpdump is the oracle.
 * Not a test by itself, and not for tcpsh at run time.
 * Usage: oracle_gen OUT.pcap
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
	struct view_tcpdump *view;
	struct timeval tv;
	int failures;
};

/* Builds p, writes it to the pcap, decodes it back and prints our line. */
static void emit(struct gen *g, const struct pkt *p, const char *payload)
{
	struct sb bytes = SB_INIT, err = SB_INIT, line = SB_INIT;
	if (codec_build(p, (const uint8_t *)payload, &bytes, &err) != 0) {
		fprintf(stderr, "oracle_gen: codec_build: %s\n", sb_str(&err));
		g->failures++;
		goto out;
	}
	g->tv.tv_usec += 1000;
	struct pcap_pkthdr h = {.ts = g->tv, .caplen = (bpf_u_int32)bytes.len,
				.len = (bpf_u_int32)bytes.len};
	pcap_dump((u_char *)g->dump, &h, (const u_char *)bytes.buf);
	struct pkt q;
	const uint8_t *b = (const uint8_t *)bytes.buf;
	if (codec_decode(b, bytes.len, &q, &err) != 0 || !q.tcp_csum_ok) {
		fprintf(stderr, "oracle_gen: codec_decode: %s\n", sb_str(&err));
		g->failures++;
		printf("(undecodable)\n");
		goto out;
	}
	view_tcpdump_line_data(g->view, &q, b + bytes.len - q.payload_len, &line);
	printf("%s\n", sb_str(&line));
out:
	sb_free(&bytes);
	sb_free(&err);
	sb_free(&line);
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

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: oracle_gen OUT.pcap\n");
		return 2;
	}
	pcap_t *dead = pcap_open_dead(DLT_RAW, 65535);
	struct gen g = {.view = view_tcpdump_new(), .tv = {1700000000, 0}};
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
	pcap_dump_close(g.dump);
	pcap_close(dead);
	view_tcpdump_free(g.view);
	return g.failures ? 1 : 0;
}
