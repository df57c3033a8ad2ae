/*
 * test_codec: the codec as a specification. Builds are checked against bytes
 * and checksums computed independently here; every option and both families
 * survive build -> decode; hostile bytes (every truncation, seeded random
 * corruption, crafted bad headers) never make decode read out of bounds
 * (run under valgrind) and the option representation round-trips any area.
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
	b[9] = 17; /* UDP */
	CHECK_INT(decode(b, len, &q), 1);
	CHECK_INT(q.family, 4);
	CHECK_INT(q.src[0], 192);
	b[9] = 6;
	b[6] = 0x20; /* more fragments */
	CHECK_INT(decode(b, len, &q), 1);
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
	CHECK_EXIT();
}
