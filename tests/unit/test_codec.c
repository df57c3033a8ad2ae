/*
 * test_codec: the codec as a specification. Builds are checked against bytes
 * and checksums computed independently here; every option and both families
 * survive build -> decode; hostile bytes (every truncation, seeded random
 * corruption, crafted bad headers) never make decode read out of bounds
 * (run under valgrind) and the option representation round-trips any area.
 * UDP datagrams and ICMP/ICMPv6 errors likewise: bytes and checksums checked
 * independently, round trips, truncations and corruption.
 */
#include <arpa/inet.h>
#include <stdlib.h>

#include "check.h"
#include "codec.h"
#include "view.h"

/* ---- helpers ------------------------------------------------------------ */

static struct pkt base4(void)
{
	struct pkt p;
	memset(&p, 0, sizeof(p));
	p.family = 4;
	inet_pton(AF_INET, "192.0.2.1", p.src);
	inet_pton(AF_INET, "192.168.0.1", p.dst);
	p.sport = 40000;
	p.dport = 8080;
	p.seq = 0x01020304;
	p.ack = 0xa0b0c0d0;
	p.flags = TCPF_ACK | TCPF_PSH;
	p.win = 1000;
	p.ip_id = 0x1234;
	p.df = true;
	return p;
}

static struct pkt base6(void)
{
	struct pkt p = base4();
	p.family = 6;
	memset(p.src, 0, 16);
	memset(p.dst, 0, 16);
	inet_pton(AF_INET6, "fd3d::1", p.src);
	inet_pton(AF_INET6, "2001:db8::ffff:2", p.dst);
	p.flowlabel = 0xabcde;
	p.tos = 0x03;
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

static void add_raw(struct pkt *p, uint8_t kind, uint8_t len, const char *data, uint8_t n)
{
	struct pkt_opt *o = add_opt(p, kind, len);
	o->u.raw.n = n;
	memcpy(o->u.raw.data, data, n);
}

/* Builds p into a heap buffer of exactly the packet's size (so valgrind sees
 * any read past its end); *len gets the size. */
static uint8_t *build(const struct pkt *p, const uint8_t *payload, size_t *len)
{
	struct sb out = SB_INIT, err = SB_INIT;
	int r = codec_build(p, payload, &out, &err);
	CHECK_INT(r, 0);
	CHECK_STR(sb_str(&err), "");
	uint8_t *b = xmalloc(out.len);
	memcpy(b, out.buf, out.len);
	*len = out.len;
	sb_free(&out);
	sb_free(&err);
	return b;
}

static int decode(const uint8_t *b, size_t len, struct pkt *p)
{
	struct sb err = SB_INIT;
	int r = codec_decode(b, len, p, &err);
	CHECK(r == -1 ? err.len > 0 : true); /* a failure always says why */
	sb_free(&err);
	return r;
}

/* The checksum, written the plain way: 16-bit big-endian words, summed in
 * 64 bits, folded at the end. Independent of the codec's implementation. */
static uint16_t naive_sum(const uint8_t *const *parts, const size_t *lens, int nparts)
{
	uint64_t sum = 0;
	for (int k = 0; k < nparts; k++) {
		for (size_t i = 0; i < lens[k]; i++)
			sum += (i % 2 == 0) ? (uint64_t)parts[k][i] << 8 : parts[k][i];
	}
	while (sum > 0xffff)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)(~sum & 0xffff);
}

static uint16_t be16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

/* Checks the TCP checksum of the segment at seg (n bytes) independently. */
static void check_tcp_csum(int family, const uint8_t *src, const uint8_t *dst, const uint8_t *seg,
			   size_t n)
{
	size_t alen = family == 4 ? 4 : 16;
	uint8_t pseudo[12] = {0};
	size_t plen;
	if (family == 4) {
		pseudo[1] = 6;
		pseudo[2] = (uint8_t)(n >> 8);
		pseudo[3] = (uint8_t)n;
		plen = 4;
	} else {
		pseudo[0] = (uint8_t)(n >> 24);
		pseudo[1] = (uint8_t)(n >> 16);
		pseudo[2] = (uint8_t)(n >> 8);
		pseudo[3] = (uint8_t)n;
		pseudo[7] = 6;
		plen = 8;
	}
	uint8_t *copy = xmalloc(n);
	memcpy(copy, seg, n);
	copy[16] = copy[17] = 0;
	const uint8_t *parts[] = {src, dst, pseudo, copy};
	size_t lens[] = {alen, alen, plen, n};
	CHECK_INT(be16(seg + 16), naive_sum(parts, lens, 4));
	free(copy);
}

/* ---- building ----------------------------------------------------------- */

static void test_build_ipv4_header(void)
{
	struct pkt p = base4();
	p.tos = 0x02;
	p.payload_len = 5;
	size_t len;
	uint8_t *b = build(&p, (const uint8_t *)"hello", &len);
	CHECK_INT(len, 45);
	static const uint8_t want[20] = {0x45, 0x02, 0x00, 45,   0x12, 0x34, 0x40, 0x00, 64, 6,
					 0,    0,    192,  0,    2,    1,    192,  168,  0,  1};
	uint8_t hdr[20];
	memcpy(hdr, b, 20);
	hdr[10] = hdr[11] = 0;
	CHECK(memcmp(hdr, want, 20) == 0);
	const uint8_t *parts[] = {hdr};
	size_t lens[] = {20};
	CHECK_INT(be16(b + 10), naive_sum(parts, lens, 1));
	CHECK(memcmp(b + 40, "hello", 5) == 0);
	check_tcp_csum(4, p.src, p.dst, b + 20, 25);
	free(b);
}

static void test_build_tcp_header(void)
{
	struct pkt p = base4();
	p.flags = TCPF_SYN | TCPF_ECE | TCPF_CWR | TCPF_AE;
	p.urg = 0x0102;
	p.ttl = 7;
	p.df = false;
	add_opt(&p, TCPOPT_MSS, 4)->u.mss = 1460;
	add_opt(&p, TCPOPT_WSCALE, 3)->u.wscale = 7;
	size_t len;
	uint8_t *b = build(&p, NULL, &len);
	CHECK_INT(len, 20 + 28);
	CHECK_INT(b[8], 7);
	CHECK_INT(be16(b + 6), 0);
	const uint8_t *t = b + 20;
	static const uint8_t want[] = {0x9c, 0x40, 0x1f, 0x90, 1, 2, 3, 4, 0xa0, 0xb0, 0xc0, 0xd0,
				       0x71, 0xc2, 0x03, 0xe8};
	CHECK(memcmp(t, want, sizeof(want)) == 0);
	CHECK_INT(be16(t + 18), 0x0102);
	static const uint8_t opts[] = {2, 4, 0x05, 0xb4, 3, 3, 7, 0};
	CHECK(memcmp(t + 20, opts, sizeof(opts)) == 0);
	check_tcp_csum(4, p.src, p.dst, t, 28);
	free(b);
}

static void test_build_ipv6(void)
{
	struct pkt p = base6();
	p.payload_len = 3;
	add_opt(&p, TCPOPT_SACKOK, 2);
	size_t len;
	uint8_t *b = build(&p, (const uint8_t *)"abc", &len);
	CHECK_INT(len, 40 + 24 + 3);
	static const uint8_t want[8] = {0x60, 0x3a, 0xbc, 0xde, 0, 27, 6, 64};
	CHECK(memcmp(b, want, 8) == 0);
	CHECK(memcmp(b + 8, p.src, 16) == 0);
	CHECK(memcmp(b + 24, p.dst, 16) == 0);
	CHECK_INT(b[40 + 12] >> 4, 6);
	check_tcp_csum(6, p.src, p.dst, b + 40, 27);
	free(b);
}

/* Odd lengths, every payload byte value and a checksum that folds twice. */
static void test_checksum_many(void)
{
	for (uint32_t n = 0; n < 300; n += 7) {
		struct pkt p = n % 2 ? base6() : base4();
		p.payload_len = n;
		p.seq = n * 2654435761u;
		uint8_t *pay = xmalloc(n + 1);
		for (uint32_t i = 0; i < n; i++)
			pay[i] = (uint8_t)(0xff - i);
		size_t len;
		uint8_t *b = build(&p, pay, &len);
		size_t ip = p.family == 4 ? 20 : 40;
		check_tcp_csum(p.family, p.src, p.dst, b + ip, len - ip);
		struct pkt q;
		CHECK_INT(decode(b, len, &q), 0);
		CHECK(q.tcp_csum_ok);
		b[len - 1] ^= n ? 0x01 : 0x00;
		b[ip + 4] ^= n ? 0x00 : 0x80; /* with no payload, corrupt seq */
		CHECK_INT(decode(b, len, &q), 0);
		CHECK(!q.tcp_csum_ok);
		free(b);
		free(pay);
	}
}

static void test_build_errors(void)
{
	struct sb out = SB_INIT, err = SB_INIT;
	struct pkt p = base4();
	p.family = 5;
	CHECK_INT(codec_build(&p, NULL, &out, &err), -1);
	CHECK(strstr(sb_str(&err), "version") != NULL);
	p = base4();
	for (int i = 0; i < 5; i++) {
		struct pkt_opt *o = add_opt(&p, TCPOPT_TS, 10);
		o->u.ts.val = 1;
	}
	sb_reset(&err);
	CHECK_INT(codec_build(&p, NULL, &out, &err), -1);
	CHECK(strstr(sb_str(&err), "at most 40") != NULL);
	p = base4();
	add_opt(&p, TCPOPT_SACK, 0)->u.sack.n = 0;
	sb_reset(&err);
	CHECK_INT(codec_build(&p, NULL, &out, &err), -1);
	CHECK(strstr(sb_str(&err), "sack") != NULL);
	p = base4();
	add_opt(&p, TCPOPT_NOP, 2);
	sb_reset(&err);
	CHECK_INT(codec_build(&p, NULL, &out, &err), -1);
	p = base4();
	p.payload_len = 70000;
	sb_reset(&err);
	CHECK_INT(codec_build(&p, NULL, &out, &err), -1);
	CHECK_INT(out.len, 0);
	/* 40 bytes of options exactly fit. */
	p = base4();
	for (int i = 0; i < 40; i++)
		add_opt(&p, TCPOPT_NOP, 1);
	sb_reset(&err);
	CHECK_INT(codec_build(&p, NULL, &out, &err), 0);
	CHECK_INT(out.len, 80);
	sb_free(&out);
	sb_free(&err);
}

/* ---- round trips -------------------------------------------------------- */

static void roundtrip(const struct pkt *p, struct pkt *q)
{
	size_t len;
	uint8_t *b = build(p, NULL, &len);
	CHECK_INT(decode(b, len, q), 0);
	CHECK(q->tcp_csum_ok);
	free(b);
}

static void check_fields(const struct pkt *p, const struct pkt *q)
{
	size_t alen = p->family == 4 ? 4 : 16;
	CHECK_INT(q->family, p->family);
	CHECK(memcmp(q->src, p->src, alen) == 0 && memcmp(q->dst, p->dst, alen) == 0);
	CHECK_INT(q->sport, p->sport);
	CHECK_INT(q->dport, p->dport);
	CHECK_INT(q->seq, p->seq);
	CHECK_INT(q->ack, p->ack);
	CHECK_INT(q->flags, p->flags);
	CHECK_INT(q->win, p->win);
	CHECK_INT(q->urg, p->urg);
	CHECK_INT(q->tos, p->tos);
	CHECK_INT(q->ttl, p->ttl ? p->ttl : 64);
	CHECK_INT(q->payload_len, p->payload_len);
	if (p->family == 4) {
		CHECK_INT(q->ip_id, p->ip_id);
		CHECK_INT(q->df, p->df);
	} else {
		CHECK_INT(q->flowlabel, p->flowlabel);
	}
}

static void test_roundtrip_fields(void)
{
	for (int fam = 4; fam <= 6; fam += 2) {
		struct pkt p = fam == 4 ? base4() : base6(), q;
		p.flags = 0x1ff;
		p.urg = 65535;
		p.ttl = 1;
		p.tos = 0xff;
		p.payload_len = 1000;
		roundtrip(&p, &q);
		check_fields(&p, &q);
		CHECK_INT(q.nopts, 0);
	}
}

static void add_every_option(struct pkt *p)
{
	add_opt(p, TCPOPT_MSS, 4)->u.mss = 1460;
	add_opt(p, TCPOPT_NOP, 1);
	add_opt(p, TCPOPT_WSCALE, 3)->u.wscale = 14;
	add_opt(p, TCPOPT_SACKOK, 2);
	struct pkt_opt *o = add_opt(p, TCPOPT_TS, 10);
	o->u.ts.val = 0xdeadbeef;
	o->u.ts.ecr = 7;
	add_raw(p, TCPOPT_FASTOPEN, 6, "\x01\x02\x03\x04", 4);
	add_raw(p, TCPOPT_EXP, 4, "\xf9\x89", 2);
	add_raw(p, 99, 3, "\x42", 1);
	add_opt(p, TCPOPT_EOL, 1);
}

static void test_roundtrip_options(void)
{
	for (int fam = 4; fam <= 6; fam += 2) {
		struct pkt p = fam == 4 ? base4() : base6(), q;
		add_every_option(&p);
		roundtrip(&p, &q);
		check_fields(&p, &q);
		CHECK_INT(q.nopts, p.nopts);
		CHECK(memcmp(q.opts, p.opts, sizeof(p.opts[0]) * p.nopts) == 0);
	}
}

static void test_roundtrip_sack(void)
{
	for (int n = 1; n <= 4; n++) {
		struct pkt p = n % 2 ? base4() : base6(), q;
		add_opt(&p, TCPOPT_NOP, 1);
		add_opt(&p, TCPOPT_NOP, 1);
		struct pkt_opt *o = add_opt(&p, TCPOPT_SACK, (uint8_t)(2 + 8 * n));
		o->u.sack.n = (uint8_t)n;
		for (int i = 0; i < n; i++) {
			o->u.sack.blk[i].left = 1000u * (uint32_t)i + 0xfffff000u;
			o->u.sack.blk[i].right = 1000u * (uint32_t)i + 0xfffff100u;
		}
		roundtrip(&p, &q);
		CHECK_INT(q.nopts, 3);
		CHECK(memcmp(&q.opts[2], o, sizeof(*o)) == 0);
		CHECK(codec_opt_typed(&q.opts[2]));
	}
}

/* Padding to 4 bytes shows up as one EOL; len 0 means the standard length. */
static void test_padding_and_defaults(void)
{
	struct pkt p = base4(), q;
	add_opt(&p, TCPOPT_MSS, 0)->u.mss = 536;
	add_opt(&p, TCPOPT_WSCALE, 0)->u.wscale = 2;
	add_raw(&p, TCPOPT_FASTOPEN, 0, "\xaa\xbb", 2);
	CHECK_INT(codec_opts_len(&p), 4 + 3 + 4);
	roundtrip(&p, &q);
	CHECK_INT(q.nopts, 4);
	CHECK_INT(q.opts[0].len, 4);
	CHECK_INT(q.opts[0].u.mss, 536);
	CHECK_INT(q.opts[1].len, 3);
	CHECK_INT(q.opts[2].len, 4);
	CHECK_INT(q.opts[2].u.raw.n, 2);
	CHECK_INT(q.opts[3].kind, TCPOPT_EOL);
}

/* A known kind at another length is kept as bytes, not misread. */
static void test_nonstandard_lengths(void)
{
	struct pkt p = base4(), q;
	add_raw(&p, TCPOPT_MSS, 6, "\x05\xb4\x00\x00", 4);
	add_raw(&p, TCPOPT_SACK, 6, "\x00\x00\x00\x01", 4);
	add_raw(&p, TCPOPT_TS, 2, "", 0);
	roundtrip(&p, &q);
	CHECK_INT(q.nopts, 4); /* 14 bytes, padded with one EOL */
	CHECK_INT(q.opts[3].kind, TCPOPT_EOL);
	for (int i = 0; i < 3; i++) {
		CHECK(!codec_opt_typed(&q.opts[i]));
		CHECK(memcmp(&q.opts[i], &p.opts[i], sizeof(p.opts[i])) == 0);
	}
}

/* ---- option areas, byte for byte --------------------------------------- */

/* Decoding then encoding any area gives back every byte decoding used (all
 * of them, or up to the first EOL), then zeros (TCP ignores what follows an
 * EOL, and so does tcpdump). */
static void check_area(const uint8_t *area, size_t n)
{
	struct pkt p;
	memset(&p, 0, sizeof(p));
	codec_opts_decode(area, n, &p);
	uint8_t again[CODEC_OPTS_MAX];
	struct sb err = SB_INIT;
	int m = codec_opts_encode(&p, again, &err);
	CHECK_STR(sb_str(&err), "");
	sb_free(&err);
	size_t used = codec_opts_len(&p);
	CHECK(m >= 0 && (size_t)m <= n && used <= (size_t)m);
	CHECK(used == n || p.opts[p.nopts - 1].kind == TCPOPT_EOL);
	CHECK(memcmp(again, area, used) == 0);
	for (size_t i = used; i < (size_t)m; i++)
		CHECK_INT(again[i], 0);
}

static void test_malformed_tails(void)
{
	static const struct {
		uint8_t area[8];
		uint8_t kind, tail_n;
	} cases[] = {
		{{1, 1, 1, 2}, 2, 0},	      /* kind byte with no length */
		{{2, 0, 5, 6}, 2, 3},	      /* length 0 */
		{{8, 1, 0, 0}, 8, 3},	      /* length 1 */
		{{1, 8, 10, 1, 2, 3, 4, 5}, 8, 6}, /* length runs past the area */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = cases[i].area[0] == 1 && cases[i].area[1] == 8 ? 8 : 4;
		struct pkt p;
		memset(&p, 0, sizeof(p));
		codec_opts_decode(cases[i].area, n, &p);
		const struct pkt_opt *last = &p.opts[p.nopts - 1];
		CHECK_INT(last->kind, cases[i].kind);
		CHECK_INT(last->len, 1);
		CHECK_INT(last->u.raw.n, cases[i].tail_n);
		CHECK(!codec_opt_typed(last));
		check_area(cases[i].area, n);
	}
}

static void test_eol_stops(void)
{
	static const uint8_t area[8] = {1, 0, 2, 4, 5, 0xb4, 0, 0};
	struct pkt p;
	memset(&p, 0, sizeof(p));
	codec_opts_decode(area, 8, &p);
	CHECK_INT(p.nopts, 2);
	CHECK_INT(p.opts[1].kind, TCPOPT_EOL);
}

static void test_random_areas(void)
{
	srand(12345);
	for (int iter = 0; iter < 20000; iter++) {
		uint8_t area[CODEC_OPTS_MAX];
		size_t n = 4 * (size_t)(rand() % 11);
		for (size_t i = 0; i < n; i++) {
			int r = rand() % 8;
			/* Favour small kinds and lengths so well-formed runs are common. */
			area[i] = (uint8_t)(r < 3 ? 1 + rand() % 8 : r < 6 ? rand() % 12 : rand());
		}
		check_area(area, n);
	}
}

/* ---- hostile packets ---------------------------------------------------- */

static uint8_t *sample(int family, size_t *len)
{
	struct pkt p = family == 4 ? base4() : base6();
	add_every_option(&p);
	p.payload_len = 13;
	return build(&p, (const uint8_t *)"payload bytes", len);
}

static void test_every_truncation(void)
{
	for (int fam = 4; fam <= 6; fam += 2) {
		size_t len;
		uint8_t *b = sample(fam, &len);
		for (size_t n = 0; n < len; n++) {
			uint8_t *cut = xmalloc(n ? n : 1);
			memcpy(cut, b, n);
			struct pkt q;
			CHECK_INT(decode(cut, n, &q), -1);
			free(cut);
		}
		struct pkt q;
		CHECK_INT(decode(b, len, &q), 0);
		free(b);
	}
}

/* Anything decode accepts must build again and print without trouble. */
static void use_decoded(const struct pkt *q, struct view_tcpdump *v)
{
	struct sb s = SB_INIT;
	CHECK(q->nopts <= PKT_MAX_OPTS);
	CHECK(codec_build(q, NULL, &s, &s) == 0);
	sb_reset(&s);
	view_tcpdump_line(v, q, &s);
	struct view_pd_isn isn = {true, true, 1, 2};
	view_pd_line('>', q, &isn, &s);
	sb_free(&s);
}

static void test_random_corruption(void)
{
	struct view_tcpdump *v = view_tcpdump_new();
	int outcome[3] = {0};
	srand(4242);
	for (int iter = 0; iter < 20000; iter++) {
		size_t len;
		uint8_t *b = sample(iter % 2 ? 6 : 4, &len);
		int flips = 1 + rand() % 6;
		for (int k = 0; k < flips; k++)
			b[rand() % len] = (uint8_t)rand();
		size_t n = rand() % 4 ? len : (size_t)rand() % (len + 1);
		uint8_t *exact = xmalloc(n ? n : 1);
		memcpy(exact, b, n);
		struct pkt q;
		int r = decode(exact, n, &q);
		bool known = r >= -1 && r <= 1;
		CHECK(known);
		if (known)
			outcome[r + 1]++;
		if (r == 0)
			use_decoded(&q, v);
		free(exact);
		free(b);
	}
	CHECK(outcome[0] > 100 && outcome[1] > 100 && outcome[2] > 100);
	view_tcpdump_free(v);
}

/* Crafted headers: each must be refused (or reported as not TCP) cleanly. */
static void test_bad_ip4(void)
{
	size_t len;
	struct pkt q;
	uint8_t *b = sample(4, &len);
	b[0] = 0x44; /* IHL 4 */
	CHECK_INT(decode(b, len, &q), -1);
	b[0] = 0x4f; /* IHL 15: 60 bytes of IP header leave 17 for TCP */
	CHECK_INT(decode(b, len, &q), -1);
	b[0] = 0x45;
	b[2] = 0, b[3] = 19; /* total length below the header */
	CHECK_INT(decode(b, len, &q), -1);
	b[2] = 0xff, b[3] = 0xff; /* total length beyond the buffer */
	CHECK_INT(decode(b, len, &q), -1);
	b[2] = 0, b[3] = 39; /* TCP header cut by total length */
	CHECK_INT(decode(b, len, &q), -1);
	b[2] = (uint8_t)(len >> 8), b[3] = (uint8_t)len;
	b[9] = 17; /* UDP: the TCP header's bytes give it a length of 258 */
	CHECK_INT(decode(b, len, &q), -1);
	b[9] = 99; /* some other protocol */
	CHECK_INT(decode(b, len, &q), 1);
	CHECK_INT(q.family, 4);
	CHECK_INT(q.src[0], 192);
	CHECK_INT(q.proto, CODEC_PROTO_OTHER);
	b[9] = 6;
	b[6] = 0x20; /* more fragments */
	CHECK_INT(decode(b, len, &q), 1);
	CHECK_INT(q.proto, CODEC_PROTO_OTHER);
	b[6] = 0x00, b[7] = 0x01; /* offset 8 */
	CHECK_INT(decode(b, len, &q), 1);
	b[7] = 0;
	b[0] = 0x55; /* version 5 */
	CHECK_INT(decode(b, len, &q), -1);
	b[0] = 0x45;
	CHECK_INT(decode(b, len, &q), 0);
	free(b);
}

static void test_bad_tcp(void)
{
	size_t len;
	struct pkt q;
	uint8_t *b = sample(4, &len);
	uint8_t off = b[32];
	b[32] = 0x40; /* data offset 4 */
	CHECK_INT(decode(b, len, &q), -1);
	b[32] = 0xf0; /* data offset 15: 60 of the segment's 69 bytes */
	CHECK_INT(decode(b, len, &q), 0);
	CHECK_INT(q.payload_len, 9);
	CHECK(!q.tcp_csum_ok);
	b[2] = 0, b[3] = 20 + 59; /* cut the segment to 59 bytes: offset beyond it */
	CHECK_INT(decode(b, len, &q), -1);
	b[2] = 0, b[3] = (uint8_t)len;
	b[32] = off;
	/* An option whose length runs past the header. */
	b[40] = 2, b[41] = 40;
	CHECK_INT(decode(b, len, &q), 0);
	CHECK_INT(q.opts[0].len, 1);
	CHECK_INT(q.nopts, 1);
	free(b);
}

/* Wraps a TCP segment in IPv6 with the given extension headers. */
static uint8_t *with_ext(const uint8_t *ext, size_t extlen, uint8_t first, size_t *len)
{
	size_t tlen;
	uint8_t *t = sample(6, &tlen);
	*len = tlen + extlen;
	uint8_t *b = xmalloc(*len);
	memcpy(b, t, 40);
	memcpy(b + 40, ext, extlen);
	memcpy(b + 40 + extlen, t + 40, tlen - 40);
	size_t plen = *len - 40;
	b[4] = (uint8_t)(plen >> 8), b[5] = (uint8_t)plen;
	b[6] = first;
	free(t);
	return b;
}

static void test_ipv6_ext(void)
{
	/* hop-by-hop (8 bytes, PadN) -> routing (16) -> dest opts (8) -> TCP */
	static const uint8_t chain[32] = {43, 0, 1, 4, 0, 0, 0, 0, 60, 1, 0, 0, 0, 0, 0, 0,
					  0,  0, 0, 0, 0, 0, 0, 0, 6,  0, 1, 4, 0, 0, 0, 0};
	size_t len;
	struct pkt q;
	uint8_t *b = with_ext(chain, sizeof(chain), 0, &len);
	CHECK_INT(decode(b, len, &q), 0);
	CHECK_INT(q.payload_len, 13);
	CHECK_INT(q.sport, 40000);
	CHECK(q.tcp_csum_ok);
	free(b);
	static const uint8_t frag[8] = {6, 0, 0, 0, 1, 2, 3, 4};
	b = with_ext(frag, sizeof(frag), 44, &len);
	CHECK_INT(decode(b, len, &q), 1);
	CHECK_INT(q.family, 6);
	free(b);
	static const uint8_t huge[8] = {6, 200, 0, 0, 0, 0, 0, 0}; /* runs past */
	b = with_ext(huge, sizeof(huge), 0, &len);
	CHECK_INT(decode(b, len, &q), -1);
	free(b);
	static const uint8_t nonext[8] = {0};
	b = with_ext(nonext, sizeof(nonext), 59, &len); /* no next header */
	CHECK_INT(decode(b, len, &q), 1);
	/* An extension header cut by the payload length. */
	b[4] = 0, b[5] = 4;
	b[6] = 0;
	CHECK_INT(decode(b, 44, &q), -1);
	free(b);
}

static void test_ipv6_lengths(void)
{
	size_t len;
	struct pkt q;
	uint8_t *b = sample(6, &len);
	b[4] = 0xff; /* payload length beyond the buffer */
	CHECK_INT(decode(b, len, &q), -1);
	b[4] = 0, b[5] = 10; /* TCP cut by payload length */
	CHECK_INT(decode(b, len, &q), -1);
	b[5] = (uint8_t)(len - 40);
	/* Trailing bytes beyond the payload length are ignored. */
	uint8_t *pad = xmalloc(len + 6);
	memcpy(pad, b, len);
	memset(pad + len, 0xee, 6);
	CHECK_INT(decode(pad, len + 6, &q), 0);
	CHECK_INT(q.payload_len, 13);
	CHECK(q.tcp_csum_ok);
	free(pad);
	free(b);
}

/* ---- UDP and ICMP -------------------------------------------------------- */

static struct pkt udp_of(struct pkt p, uint32_t len)
{
	p.proto = PKT_UDP;
	p.payload_len = len;
	return p;
}

/* The UDP, ICMPv6 (or TCP) checksum of seg under the pseudo-header, checked
 * independently; csum_at is where the field is. */
static void check_l4_csum(int family, uint8_t proto, const uint8_t *src, const uint8_t *dst,
			  const uint8_t *seg, size_t n, size_t csum_at)
{
	size_t alen = family == 4 ? 4 : 16;
	uint8_t pseudo[8] = {0};
	size_t plen = family == 4 ? 4 : 8;
	if (family == 4) {
		pseudo[1] = proto;
		pseudo[2] = (uint8_t)(n >> 8), pseudo[3] = (uint8_t)n;
	} else {
		pseudo[2] = (uint8_t)(n >> 8), pseudo[3] = (uint8_t)n;
		pseudo[7] = proto;
	}
	uint8_t *copy = xmalloc(n);
	memcpy(copy, seg, n);
	copy[csum_at] = copy[csum_at + 1] = 0;
	const uint8_t *parts[] = {src, dst, pseudo, copy};
	size_t lens[] = {alen, alen, plen, n};
	uint16_t want = naive_sum(parts, lens, 4);
	CHECK_INT(be16(seg + csum_at), proto == PKT_UDP && want == 0 ? 0xffff : want);
	free(copy);
}

static void test_build_udp(void)
{
	for (int fam = 4; fam <= 6; fam += 2) {
		struct pkt p = udp_of(fam == 4 ? base4() : base6(), 5);
		p.sport = 8080;
		p.dport = 40000;
		size_t len, ip = fam == 4 ? 20 : 40;
		uint8_t *b = build(&p, (const uint8_t *)"hello", &len);
		CHECK_INT(len, ip + 8 + 5);
		CHECK_INT(fam == 4 ? b[9] : b[6], 17);
		CHECK_INT(fam == 4 ? be16(b + 2) : be16(b + 4), fam == 4 ? 33 : 13);
		static const uint8_t hdr[6] = {0x1f, 0x90, 0x9c, 0x40, 0, 13};
		CHECK(memcmp(b + ip, hdr, 6) == 0);
		CHECK(memcmp(b + ip + 8, "hello", 5) == 0);
		check_l4_csum(fam, PKT_UDP, p.src, p.dst, b + ip, 13, 6);
		free(b);
	}
}

/* A datagram whose checksum computes to 0 is sent as 0xffff (0 means none). */
static void test_udp_csum_zero(void)
{
	struct pkt p = udp_of(base4(), 0);
	bool found = false;
	for (uint32_t port = 0; port < 65536 && !found; port++) {
		p.sport = (uint16_t)port;
		size_t len;
		uint8_t *b = build(&p, NULL, &len);
		found = be16(b + 26) == 0xffff;
		if (found) {
			check_l4_csum(4, PKT_UDP, p.src, p.dst, b + 20, 8, 6);
			struct pkt q;
			CHECK_INT(decode(b, len, &q), 1);
			CHECK(q.tcp_csum_ok);
		}
		free(b);
	}
	CHECK(found);
}

static void test_roundtrip_udp(void)
{
	for (int fam = 4; fam <= 6; fam += 2) {
		struct pkt p = udp_of(fam == 4 ? base4() : base6(), 100), q;
		size_t len;
		uint8_t *b = build(&p, NULL, &len);
		CHECK_INT(decode(b, len, &q), 1);
		CHECK_INT(q.proto, PKT_UDP);
		CHECK_INT(q.sport, p.sport);
		CHECK_INT(q.dport, p.dport);
		CHECK_INT(q.payload_len, 100);
		CHECK_INT(q.family, fam);
		CHECK(memcmp(q.src, p.src, 16) == 0 && memcmp(q.dst, p.dst, 16) == 0);
		CHECK(q.tcp_csum_ok);
		b[len - 1] ^= 1;
		CHECK_INT(decode(b, len, &q), 1);
		CHECK(!q.tcp_csum_ok);
		free(b);
	}
	/* IPv4's "no checksum" is accepted. */
	struct pkt p = udp_of(base4(), 3), q;
	size_t len;
	uint8_t *b = build(&p, NULL, &len);
	b[26] = b[27] = 0;
	CHECK_INT(decode(b, len, &q), 1);
	CHECK(q.tcp_csum_ok);
	free(b);
}

/* The peer (192.0.2.1 / fd3d::1) tells the kernel about its segment. */
static struct pkt icmp_outer(int family, uint8_t type, uint8_t code, uint16_t mtu)
{
	struct pkt p = family == 4 ? base4() : base6();
	p.proto = family == 4 ? PKT_ICMP : PKT_ICMP6;
	p.icmp_type = type;
	p.icmp_code = code;
	p.icmp_mtu = mtu;
	return p;
}

static struct pkt icmp_inner(const struct pkt *outer, uint32_t seq, uint32_t len)
{
	struct pkt in = *outer;
	memcpy(in.src, outer->dst, 16);
	memcpy(in.dst, outer->src, 16);
	in.proto = PKT_TCP;
	in.sport = 8080;
	in.dport = 40000;
	in.seq = seq;
	in.payload_len = len;
	in.flags = TCPF_SYN;
	return in;
}

static uint8_t *build_icmp(const struct pkt *outer, const struct pkt *inner, size_t *len)
{
	struct sb q = SB_INIT, out = SB_INIT, err = SB_INIT;
	CHECK_INT(codec_build_quote(inner, &q, &err), 0);
	CHECK_INT(q.len, (inner->family == 4 ? 20 : 40) + CODEC_QUOTE_L4);
	CHECK_INT(codec_build_icmp(outer, (const uint8_t *)q.buf, q.len, &out, &err), 0);
	CHECK_STR(sb_str(&err), "");
	uint8_t *b = xmalloc(out.len);
	memcpy(b, out.buf, out.len);
	*len = out.len;
	sb_free(&q);
	sb_free(&out);
	sb_free(&err);
	return b;
}

static void test_build_icmp4(void)
{
	struct pkt o = icmp_outer(4, 3, 4, 1200);
	struct pkt in = icmp_inner(&o, 0xdeadbeef, 1000);
	size_t len;
	uint8_t *b = build_icmp(&o, &in, &len);
	CHECK_INT(len, 20 + 8 + 20 + 8);
	CHECK_INT(b[9], 1);
	CHECK_INT(be16(b + 2), 56);
	static const uint8_t want[8] = {3, 4, 0, 0, 0, 0, 0x04, 0xb0};
	uint8_t m[8];
	memcpy(m, b + 20, 8);
	m[2] = m[3] = 0;
	CHECK(memcmp(m, want, 8) == 0);
	const uint8_t *parts[] = {b + 20};
	size_t lens[] = {36};
	CHECK_INT(naive_sum(parts, lens, 1), 0); /* a right checksum sums to 0 */
	const uint8_t *q = b + 28;		 /* the quote: IP header + 8 bytes */
	CHECK_INT(q[0], 0x45);
	CHECK_INT(be16(q + 2), 20 + 20 + 1000);
	CHECK_INT(q[9], 6);
	CHECK(memcmp(q + 12, o.dst, 4) == 0 && memcmp(q + 16, o.src, 4) == 0);
	const uint8_t *iparts[] = {q};
	size_t ilens[] = {20};
	CHECK_INT(naive_sum(iparts, ilens, 1), 0);
	static const uint8_t tcp8[8] = {0x1f, 0x90, 0x9c, 0x40, 0xde, 0xad, 0xbe, 0xef};
	CHECK(memcmp(q + 20, tcp8, 8) == 0);
	free(b);
}

static void test_build_icmp6(void)
{
	struct pkt o = icmp_outer(6, 2, 0, 1400);
	struct pkt in = icmp_inner(&o, 7, 1440);
	size_t len;
	uint8_t *b = build_icmp(&o, &in, &len);
	CHECK_INT(len, 40 + 8 + 40 + 8);
	CHECK_INT(b[6], 58);
	CHECK_INT(be16(b + 4), 56);
	static const uint8_t want[8] = {2, 0, 0, 0, 0, 0, 0x05, 0x78};
	uint8_t m[8];
	memcpy(m, b + 40, 8);
	m[2] = m[3] = 0;
	CHECK(memcmp(m, want, 8) == 0);
	check_l4_csum(6, 58, o.src, o.dst, b + 40, 56, 2);
	const uint8_t *q = b + 48;
	CHECK_INT(q[0] >> 4, 6);
	CHECK_INT(be16(q + 4), 20 + 1440);
	CHECK_INT(q[6], 6);
	CHECK(memcmp(q + 8, o.dst, 16) == 0 && memcmp(q + 24, o.src, 16) == 0);
	free(b);
}

/* The MTU goes only where the message type has one; bytes 4-7 stay zero elsewhere. */
static void test_icmp_mtu_placement(void)
{
	static const struct {
		int family;
		uint8_t type, code;
		bool mtu;
	} cases[] = {{4, 3, 4, true}, {4, 3, 1, false}, {4, 11, 0, false},
		     {6, 2, 0, true}, {6, 1, 4, false}, {6, 3, 0, false}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pkt o = icmp_outer(cases[i].family, cases[i].type, cases[i].code, 1280), q;
		struct pkt in = icmp_inner(&o, 1, 0);
		size_t len;
		uint8_t *b = build_icmp(&o, &in, &len);
		const uint8_t *m = b + (cases[i].family == 4 ? 20 : 40);
		CHECK_INT(be16(m + 4) | be16(m + 6), cases[i].mtu ? 1280 : 0);
		CHECK_INT(decode(b, len, &q), 1);
		CHECK_INT(q.icmp_mtu, cases[i].mtu ? 1280 : 0);
		free(b);
	}
}

static void test_roundtrip_icmp(void)
{
	for (int fam = 4; fam <= 6; fam += 2) {
		struct pkt o = icmp_outer(fam, fam == 4 ? 3 : 2, fam == 4 ? 4 : 0, 1400), q;
		struct pkt in = icmp_inner(&o, 0x10203040, 1440);
		size_t len;
		uint8_t *b = build_icmp(&o, &in, &len);
		CHECK_INT(decode(b, len, &q), 1);
		CHECK_INT(q.proto, fam == 4 ? PKT_ICMP : PKT_ICMP6);
		CHECK_INT(q.icmp_type, o.icmp_type);
		CHECK_INT(q.icmp_code, o.icmp_code);
		CHECK_INT(q.icmp_mtu, 1400);
		CHECK_INT(q.sport, 8080);
		CHECK_INT(q.dport, 40000);
		CHECK_INT(q.seq, 0x10203040);
		CHECK_INT(q.payload_len, 1440);
		CHECK(q.tcp_csum_ok);
		CHECK(memcmp(q.src, o.src, 16) == 0 && memcmp(q.dst, o.dst, 16) == 0);
		b[len - 1] ^= 0x40;
		CHECK_INT(decode(b, len, &q), 1);
		CHECK(!q.tcp_csum_ok);
		free(b);
	}
}

/* A quote that is not an IP header of the family and 8 TCP bytes leaves the
 * quoted-segment fields 0; a big ICMPv6 MTU reads as 65535. */
static void test_icmp_odd_quotes(void)
{
	struct sb out = SB_INIT, err = SB_INIT;
	struct pkt o = icmp_outer(4, 3, 3, 0), q;
	CHECK_INT(codec_build_icmp(&o, NULL, 0, &out, &err), 0);
	CHECK_INT(codec_decode((const uint8_t *)out.buf, out.len, &q, &err), 1);
	CHECK_INT(q.sport | q.dport | q.seq | q.payload_len, 0);
	struct pkt in = icmp_inner(&o, 5, 0);
	in.proto = PKT_UDP;
	struct sb quote = SB_INIT;
	CHECK_INT(codec_build_quote(&in, &quote, &err), 0);
	sb_reset(&out);
	CHECK_INT(codec_build_icmp(&o, (const uint8_t *)quote.buf, quote.len, &out, &err), 0);
	CHECK_INT(codec_decode((const uint8_t *)out.buf, out.len, &q, &err), 1);
	CHECK_INT(q.sport | q.dport | q.seq, 0);
	struct pkt o6 = icmp_outer(6, 2, 0, 0);
	sb_reset(&out);
	CHECK_INT(codec_build_icmp(&o6, (const uint8_t *)quote.buf, quote.len, &out, &err), 0);
	uint8_t *m = (uint8_t *)out.buf + 40;
	m[4] = 0x7f; /* an MTU of 2 GB (the checksum is now wrong, which is fine here) */
	CHECK_INT(codec_decode((const uint8_t *)out.buf, out.len, &q, &err), 1);
	CHECK_INT(q.icmp_mtu, 65535);
	CHECK_INT(q.sport, 0); /* an IPv4 quote inside ICMPv6 */
	sb_free(&quote);
	sb_free(&out);
	sb_free(&err);
}

static void test_build_l4_errors(void)
{
	struct sb out = SB_INIT, err = SB_INIT;
	struct pkt p = icmp_outer(4, 3, 4, 0);
	CHECK_INT(codec_build(&p, NULL, &out, &err), -1);
	CHECK(strstr(sb_str(&err), "codec_build_icmp") != NULL);
	p = udp_of(base4(), 65535 - 28 + 1);
	sb_reset(&err);
	CHECK_INT(codec_build(&p, NULL, &out, &err), -1);
	p = udp_of(base4(), 65535 - 28);
	CHECK_INT(codec_build(&p, NULL, &out, &err), 0);
	CHECK_INT(out.len, 65535);
	sb_reset(&out);
	p = icmp_outer(6, 1, 4, 0);
	uint8_t *big = xcalloc(1, 70000);
	sb_reset(&err);
	CHECK_INT(codec_build_icmp(&p, big, 65535 - 8 + 1, &out, &err), -1);
	CHECK_INT(codec_build_icmp(&p, big, 65535 - 8, &out, &err), 0);
	p.family = 5;
	sb_reset(&err);
	CHECK_INT(codec_build_icmp(&p, NULL, 0, &out, &err), -1);
	CHECK(strstr(sb_str(&err), "version") != NULL);
	free(big);
	sb_free(&out);
	sb_free(&err);
}

/* Every cut of a UDP datagram or ICMP message is refused; so are lengths
 * that lie. */
static void test_l4_truncations(void)
{
	for (int k = 0; k < 4; k++) {
		int fam = k % 2 ? 6 : 4;
		size_t len, ip = fam == 4 ? 20 : 40;
		uint8_t *b;
		if (k < 2) {
			struct pkt p = udp_of(fam == 4 ? base4() : base6(), 9);
			b = build(&p, NULL, &len);
		} else {
			struct pkt o = icmp_outer(fam, 3, 4, 576);
			struct pkt in = icmp_inner(&o, 1, 0);
			b = build_icmp(&o, &in, &len);
		}
		for (size_t n = 0; n < len; n++) {
			uint8_t *cut = xmalloc(n ? n : 1);
			memcpy(cut, b, n);
			struct pkt q;
			CHECK_INT(decode(cut, n, &q), -1);
			/* The IP length says the same: the transport is cut short. */
			if (n >= ip && n < ip + 8) {
				memcpy(cut, b, n);
				if (fam == 4)
					cut[2] = 0, cut[3] = (uint8_t)n;
				else
					cut[4] = 0, cut[5] = (uint8_t)(n - ip);
				CHECK_INT(decode(cut, n, &q), -1);
			}
			free(cut);
		}
		free(b);
	}
	struct pkt p = udp_of(base4(), 9), q;
	size_t len;
	uint8_t *b = build(&p, NULL, &len);
	b[24] = 0, b[25] = 7; /* UDP length below its header */
	CHECK_INT(decode(b, len, &q), -1);
	b[25] = 18; /* beyond the datagram */
	CHECK_INT(decode(b, len, &q), -1);
	b[25] = 10; /* shorter than the IP packet: the rest is padding */
	CHECK_INT(decode(b, len, &q), 1);
	CHECK_INT(q.payload_len, 2);
	free(b);
}

static void test_span(void)
{
	struct pkt p = udp_of(base6(), 4), q;
	size_t len;
	uint8_t *b = build(&p, NULL, &len);
	uint8_t *e = xmalloc(len + 16);
	memcpy(e, b, 40);
	static const uint8_t ext[16] = {60, 0, 1, 4, 0, 0, 0, 0, 17, 0, 1, 4, 0, 0, 0, 0};
	memcpy(e + 40, ext, 16);
	memcpy(e + 56, b + 40, len - 40);
	e[5] = (uint8_t)(len - 40 + 16), e[6] = 0;
	struct codec_span s;
	struct sb err = SB_INIT;
	CHECK_INT(codec_decode_span(e, len + 16, &q, &s, &err), 1);
	CHECK_INT(q.proto, PKT_UDP);
	CHECK(q.tcp_csum_ok);
	CHECK_INT(s.start, 56);
	CHECK_INT(s.end, len + 16);
	CHECK_INT(s.proto, 17);
	CHECK_INT(s.next_n, 2);
	CHECK_INT(s.ext[0], 0);
	CHECK_INT(s.ext[1], 60);
	CHECK(!s.fragment);
	e[6] = 44; /* a fragment header */
	CHECK_INT(codec_decode_span(e, len + 16, &q, &s, &err), 1);
	CHECK(s.fragment);
	CHECK_INT(s.proto, 44);
	CHECK_INT(q.proto, CODEC_PROTO_OTHER);
	sb_free(&err);
	free(e);
	free(b);
}

/* Anything decode accepts prints without trouble, however odd. */
static void use_any(const uint8_t *b, size_t n, const struct pkt *q, int r, struct view_tcpdump *v)
{
	struct sb s = SB_INIT;
	view_tcpdump_any(v, b, n, &s);
	CHECK(s.len > 0);
	if (r >= 0) {
		sb_reset(&s);
		view_tcpdump_line(v, q, &s);
		struct view_pd_isn isn = {true, true, 1, 2};
		view_pd_line('<', q, &isn, &s);
	}
	sb_free(&s);
}

static uint8_t *l4_sample(int k, size_t *len)
{
	int fam = k % 2 ? 6 : 4;
	if (k % 4 < 2) {
		struct pkt p = udp_of(fam == 4 ? base4() : base6(), 11);
		return build(&p, (const uint8_t *)"udp payload", len);
	}
	static const uint8_t types[][2] = {{3, 3}, {1, 4}, {3, 4}, {2, 0}, {11, 0}, {4, 0},
					   {5, 1}, {135, 0}, {130, 0}, {1, 2}, {9, 0}, {14, 0}};
	const uint8_t *t = types[(k / 2) % 12];
	struct pkt o = icmp_outer(fam, t[0], t[1], 1000);
	struct pkt in = icmp_inner(&o, 3, 7);
	return build_icmp(&o, &in, len);
}

static void test_l4_corruption(void)
{
	struct view_tcpdump *v = view_tcpdump_new();
	int outcome[3] = {0};
	srand(777);
	for (int iter = 0; iter < 30000; iter++) {
		size_t len;
		uint8_t *b = l4_sample(iter, &len);
		int flips = 1 + rand() % 4;
		for (int k = 0; k < flips; k++) {
			size_t at = len > 8 && rand() % 2 ? len - 1 - (size_t)rand() % (len / 2) : (size_t)rand() % len;
			b[at] = (uint8_t)rand();
		}
		size_t n = rand() % 4 ? len : (size_t)rand() % (len + 1);
		uint8_t *exact = xmalloc(n ? n : 1);
		memcpy(exact, b, n);
		struct pkt q;
		int r = decode(exact, n, &q);
		CHECK(r >= -1 && r <= 1);
		outcome[r + 1]++;
		use_any(exact, n, &q, r, v);
		free(exact);
		free(b);
	}
	CHECK(outcome[0] > 100 && outcome[2] > 100);
	view_tcpdump_free(v);
}

int main(void)
{
	RUN(test_build_ipv4_header);
	RUN(test_build_tcp_header);
	RUN(test_build_ipv6);
	RUN(test_checksum_many);
	RUN(test_build_errors);
	RUN(test_roundtrip_fields);
	RUN(test_roundtrip_options);
	RUN(test_roundtrip_sack);
	RUN(test_padding_and_defaults);
	RUN(test_nonstandard_lengths);
	RUN(test_malformed_tails);
	RUN(test_eol_stops);
	RUN(test_random_areas);
	RUN(test_every_truncation);
	RUN(test_random_corruption);
	RUN(test_bad_ip4);
	RUN(test_bad_tcp);
	RUN(test_ipv6_ext);
	RUN(test_ipv6_lengths);
	RUN(test_build_udp);
	RUN(test_udp_csum_zero);
	RUN(test_roundtrip_udp);
	RUN(test_build_icmp4);
	RUN(test_build_icmp6);
	RUN(test_icmp_mtu_placement);
	RUN(test_roundtrip_icmp);
	RUN(test_icmp_odd_quotes);
	RUN(test_build_l4_errors);
	RUN(test_l4_truncations);
	RUN(test_span);
	RUN(test_l4_corruption);
	CHECK_EXIT();
}
