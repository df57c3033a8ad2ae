/*
 * gen_packet_seeds DIR FILE...: writes one raw IP packet per packet line of
 * the given scripts (tests/scripts/*.pkt, tests/kernel/*.tcpsh) into DIR,
 * built with codec_build / codec_build_icmp as tcpsh would inject it: each
 * TCP line as IPv4 and IPv6 (with an HTTP-looking payload on port 8080 when
 * it carries data), each udp/icmp line as its datagram or ICMP error
 * quoting a TCP header. Used by tests/fuzz/make-seeds; not part of tcpsh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec.h"
#include "consts.h"
#include "sb.h"
#include "syntax.h"

static int nout;

static void put(const char *dir, const struct sb *b)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/pkt-%04d", dir, nout++);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(b->buf, 1, b->len, f) != b->len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

static void addr(struct pkt *p, int family, char dir)
{
	static const uint8_t a4[2][4] = {{192, 0, 2, 1}, {192, 168, 0, 1}};
	static const uint8_t a6[2][16] = {{0x20, 0x01, 0x0d, 0xb8, [15] = 1}, {0xfd, 0x3d, [15] = 1}};
	int peer = dir == '<' ? 0 : 1;
	p->family = family;
	memcpy(p->src, family == 4 ? a4[peer] : a6[peer], family == 4 ? 4 : 16);
	memcpy(p->dst, family == 4 ? a4[!peer] : a6[!peer], family == 4 ? 4 : 16);
	p->sport = dir == '<' ? 40000 : 8080;
	p->dport = dir == '<' ? 8080 : 40000;
}

static void one(const char *dir, const struct syn_packet *sp)
{
	static const char http[] = "GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n";
	for (int family = 4; family <= 6; family += 2) {
		struct pkt p;
		struct sb b = SB_INIT, err = SB_INIT;
		memset(&p, 0, sizeof p);
		addr(&p, family, sp->dir);
		p.ttl = 64;
		p.df = true;
		p.ip_id = 0x1234;
		if (sp->ecn >= 0 && sp->ecn <= 3)
			p.tos = (uint8_t)sp->ecn;
		int rc;
		if (sp->proto == SYN_PROTO_ICMP) {
			struct pkt in = p;
			addr(&in, family, sp->dir == '<' ? '>' : '<');
			in.seq = 1000 + sp->seq_start;
			in.payload_len = sp->len;
			in.flags = TCPF_ACK;
			struct sb q = SB_INIT;
			p.proto = family == 4 ? PKT_ICMP : PKT_ICMP6;
			int t = sp->icmp_type ? (family == 4 ? sp->icmp_type->v4 : sp->icmp_type->v6) : -1;
			int c = sp->icmp_code ? (family == 4 ? sp->icmp_code->v4 : sp->icmp_code->v6) : 0;
			p.icmp_type = t >= 0 ? (uint8_t)t : family == 4 ? 3 : 2;
			p.icmp_code = c >= 0 ? (uint8_t)c : 0;
			p.icmp_mtu = sp->icmp_mtu > 0 ? (uint16_t)sp->icmp_mtu : 1200;
			rc = codec_build_quote(&in, &q, &err);
			if (rc == 0)
				rc = codec_build_icmp(&p, (const uint8_t *)q.buf, q.len, &b, &err);
			sb_free(&q);
		} else {
			p.proto = sp->proto == SYN_PROTO_UDP ? PKT_UDP : PKT_TCP;
			p.flags = sp->flags;
			p.seq = 1000 + sp->seq_start;
			p.ack = sp->has_ack ? 5000 + sp->ack : 0;
			p.win = sp->has_win ? sp->win : 65535;
			p.urg = sp->has_urg ? sp->urg : 0;
			p.payload_len = sp->len > 1400 ? 1400 : sp->len;
			if (!sp->opts_any) {
				p.nopts = sp->nopts;
				if (sp->nopts)
					memcpy(p.opts, sp->opts, sizeof(p.opts[0]) * sp->nopts);
			}
			uint8_t *pl = calloc(1, p.payload_len + 1);
			if (p.payload_len)
				memcpy(pl, http, p.payload_len < sizeof http - 1 ? p.payload_len : sizeof http - 1);
			rc = codec_build(&p, pl, &b, &err);
			free(pl);
		}
		if (rc == 0)
			put(dir, &b);
		sb_free(&b);
		sb_free(&err);
	}
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: gen_packet_seeds DIR FILE...\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		FILE *f = fopen(argv[i], "r");
		if (!f) {
			perror(argv[i]);
			return 1;
		}
		char line[4096];
		int n = 0;
		while (fgets(line, sizeof line, f)) {
			struct syn_event ev;
			struct syn_error err;
			syntax_error_init(&err);
			if (syntax_parse_line(line, strcspn(line, "\n"), ++n, &ev, &err) == SYN_OK) {
				if (ev.kind == SYN_PACKET)
					one(argv[1], &ev.u.pkt);
				syntax_event_free(&ev);
			}
			syntax_error_free(&err);
		}
		fclose(f);
	}
	printf("%d packets\n", nout);
	return 0;
}
