/*
 * test_artefacts: the session journal and the views built on it, as a
 * specification. A journal of a whole connection (handshake, data, a
 * retransmission, close) built by hand, then: which segments are
 * retransmissions, state de-duplication, the ladder diagram as Unicode
 * text, ASCII text, cut to the last rows and as SVG (compared with golden
 * files under tests/unit/golden/; TCPSH_UPDATE_GOLDEN=1 rewrites them), the
 * saved packetdrill script (times, results, a call that blocked written
 * where it started in the blocking form, what cannot be replayed), and
 * XML escaping of hostile text.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>

#include "check.h"
#include "codec.h"
#include "diagram.h"
#include "journal.h"
#include "savepkt.h"
#include "syntax.h"

#define PEER "192.0.2.1"
#define KERNEL "192.168.0.1"

/* A segment entry with real wire bytes (the diagram names the ends from them). */
static void seg(struct journal *j, double t, char dir, uint16_t flags, uint32_t seq, uint32_t len,
		const char *pd)
{
	struct pkt p;
	memset(&p, 0, sizeof(p));
	p.family = 4;
	inet_pton(AF_INET, dir == '<' ? PEER : KERNEL, p.src);
	inet_pton(AF_INET, dir == '<' ? KERNEL : PEER, p.dst);
	p.sport = dir == '<' ? 40000 : 8080;
	p.dport = dir == '<' ? 8080 : 40000;
	p.flags = flags;
	p.seq = seq;
	p.payload_len = len;
	p.ttl = 64;
	struct sb bytes = SB_INIT, err = SB_INIT;
	CHECK(codec_build(&p, NULL, &bytes, &err) == 0);
	struct journal_entry e = {.kind = JOURNAL_SEGMENT, .t = t, .ts = {1700000000 + (time_t)t, 0},
				  .bytes = (uint8_t *)bytes.buf, .len = bytes.len, .dir = dir, .conn = 0,
				  .pport = 40000, .kport = 8080, .pd = (char *)pd, .seq = seq,
				  .seg_len = len + !!(flags & TCPF_SYN) + !!(flags & TCPF_FIN)};
	journal_add(j, &e);
	sb_free(&bytes);
	sb_free(&err);
}

static void call(struct journal *j, double t, const char *text, long long ret, int err, const char *result)
{
	struct journal_entry e = {.kind = JOURNAL_CALL, .t = t, .conn = -1, .call = (char *)text,
				  .result = (char *)result, .ret = ret, .err = err};
	journal_add(j, &e);
}

static void states(struct journal *j, double t, const char *kernel, const char *peer)
{
	if (kernel)
		journal_note_state(j, t, "c0k", JOURNAL_KERNEL, 0, 40000, kernel);
	if (peer)
		journal_note_state(j, t, "c0p", JOURNAL_PEER, 0, 40000, peer);
}

/* The lab session: passive open, 10 bytes out (retransmitted once), close. */
static struct journal *lab(void)
{
	struct journal *j = journal_new(PEER, KERNEL);
	call(j, 0.010, "socket(..., SOCK_STREAM, IPPROTO_TCP)", 3, 0, "= 3");
	journal_note_state(j, 0.010, "fd3", JOURNAL_KERNEL, -1, 0, "CLOSE (fd 3)");
	call(j, 0.011, "bind(3, ..., ...)", 0, 0, "= 0");
	call(j, 0.012, "listen(3, 1)", 0, 0, "= 0");
	journal_note_state(j, 0.012, "fd3", JOURNAL_KERNEL, -1, 0, "LISTEN (fd 3)");
	journal_note_state(j, 0.013, "fd3", JOURNAL_KERNEL, -1, 0, "LISTEN (fd 3)"); /* unchanged: not recorded */
	seg(j, 1.5004, '<', TCPF_SYN, 1000, 0, "S 0:0(0) win 1000 <mss 1000>");
	seg(j, 1.5005, '>', TCPF_SYN | TCPF_ACK, 5000, 0, "S. 0:0(0) ack 1 win 64240 <mss 1460>");
	states(j, 1.501, "SYN_RECV", "SYN_SENT");
	seg(j, 2.25, '<', TCPF_ACK, 1001, 0, ". 1:1(0) ack 1 win 1000");
	states(j, 2.251, "ESTABLISHED", "ESTABLISHED");
	call(j, 2.3, "accept(3, ..., ...)", 4, 0, "= 4");
	struct journal_entry *acc = (struct journal_entry *)journal_at(j, journal_count(j) - 1);
	acc->blocked = true; /* typed at 1.0 s, before the SYN: it returned with the handshake */
	acc->t_start = 1.0;
	call(j, 3.0, "write(4, ..., 10)", 10, 0, "= 10");
	seg(j, 3.0001, '>', TCPF_PSH | TCPF_ACK, 5001, 10, "P. 1:11(10) ack 1 win 64240");
	seg(j, 3.2201, '>', TCPF_PSH | TCPF_ACK, 5001, 10, "P. 1:11(10) ack 1 win 64240");
	seg(j, 3.9, '<', TCPF_ACK, 1001, 0, ". 1:1(0) ack 11 win 1000");
	call(j, 4.2, "read(4, ..., 1000)", -1, EINTR, "= -1 EINTR (Interrupted system call)");
	call(j, 5.0, "close(4)", 0, 0, "= 0");
	seg(j, 5.0002, '>', TCPF_FIN | TCPF_ACK, 5011, 0, "F. 11:11(0) ack 1 win 64240");
	states(j, 5.001, "FIN_WAIT1", "CLOSE_WAIT");
	struct journal_entry icmp = {.kind = JOURNAL_OTHER, .t = 5.5, .dir = '<', .conn = -1,
				     .line = "IP 192.0.2.1 > 192.168.0.1: ICMP echo request, id 1, seq 1, length 8"};
	journal_add(j, &icmp);
	return j;
}

static void test_journal_retransmissions(void)
{
	struct journal *j = lab();
	int retrans = 0, segs = 0, st = 0;
	for (size_t i = 0; i < journal_count(j); i++) {
		const struct journal_entry *e = journal_at(j, i);
		segs += e->kind == JOURNAL_SEGMENT;
		retrans += e->retrans;
		st += e->kind == JOURNAL_STATE;
	}
	CHECK_INT(segs, 7);
	CHECK_INT(retrans, 1); /* the second P. 1:11 only; pure ACKs never count */
	CHECK_INT(st, 8);       /* CLOSE, LISTEN, then three pairs: the repeated LISTEN is not recorded */
	CHECK(journal_at(j, 15)->retrans);
	CHECK(!journal_at(j, 14)->retrans);
	CHECK_INT(journal_conns(j), 1);
	journal_free(j);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	struct sb s = SB_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_addn(&s, buf, n);
	fclose(f);
	return sb_detach(&s);
}

/* Compares text with the golden file (or rewrites it when asked to). */
static void golden(const char *name, const char *text)
{
	struct sb path = SB_INIT;
	sb_addf(&path, "tests/unit/golden/%s", name);
	const char *update = getenv("TCPSH_UPDATE_GOLDEN");
	if (update && *update == '1') {
		FILE *f = fopen(sb_str(&path), "w");
		CHECK(f && fputs(text, f) >= 0 && fclose(f) == 0);
	}
	char *want = slurp(sb_str(&path));
	if (!want)
		printf("  %s: missing (TCPSH_UPDATE_GOLDEN=1 writes it)\n", sb_str(&path));
	CHECK(want != NULL);
	if (want && strcmp(want, text)) {
		printf("  %s differs; got:\n%s", sb_str(&path), text);
		check_failures++;
	}
	free(want);
	sb_free(&path);
}

static void test_diagram_text(void)
{
	struct journal *j = lab();
	struct sb out = SB_INIT;
	struct diagram_opts o = {true, false, 0};
	diagram_text(j, &o, &out);
	golden("diagram_lab.txt", sb_str(&out));
	/* every row has its two lifelines at the same columns */
	const char *line = sb_str(&out);
	size_t col = 0;
	for (const char *nl; (nl = strchr(line, '\n')); line = nl + 1) {
		const char *bar = strstr(line, "│");
		if (line == sb_str(&out) || !bar || (size_t)(nl - line) < 10)
			continue;
		struct sb prefix = SB_INIT;
		sb_addn(&prefix, line, (size_t)(bar - line));
		size_t c = diagram_width(sb_str(&prefix));
		CHECK(col == 0 || c == col);
		col = c;
		sb_free(&prefix);
	}
	sb_reset(&out);
	o.utf8 = false;
	diagram_text(j, &o, &out);
	golden("diagram_lab_ascii.txt", sb_str(&out));
	for (const char *s = sb_str(&out); *s; s++)
		CHECK((unsigned char)*s < 0x80);
	sb_reset(&out);
	o.max_rows = 4;
	diagram_text(j, &o, &out);
	golden("diagram_lab_last4.txt", sb_str(&out));
	sb_free(&out);
	journal_free(j);
}

static void test_diagram_empty_and_color(void)
{
	struct journal *j = journal_new(PEER, KERNEL);
	struct sb out = SB_INIT;
	struct diagram_opts o = {true, true, 0};
	diagram_text(j, &o, &out);
	CHECK(strstr(sb_str(&out), "you 192.0.2.1") && strstr(sb_str(&out), "kernel 192.168.0.1"));
	CHECK(strstr(sb_str(&out), "nothing yet"));
	seg(j, 0.1, '<', TCPF_SYN, 1, 0, "S 0:0(0) win 1000");
	seg(j, 0.2, '>', TCPF_RST | TCPF_ACK, 0, 0, "R. 0:0(0) ack 1 win 0");
	sb_reset(&out);
	diagram_text(j, &o, &out);
	CHECK(strstr(sb_str(&out), "\033[36m──") && strstr(sb_str(&out), "\033[33m◀"));
	sb_free(&out);
	journal_free(j);
}

static void test_diagram_svg(void)
{
	struct journal *j = lab();
	call(j, 6.0, "write(4, \"<&'\\\"\x01\xff\", 6)", -1, EPIPE, "= -1 EPIPE (Broken pipe)");
	struct sb out = SB_INIT;
	diagram_svg(j, &out);
	golden("diagram_lab.svg", sb_str(&out));
	const char *s = sb_str(&out);
	CHECK(strstr(s, "&lt;mss 1000&gt;"));
	CHECK(strstr(s, "write(4, &quot;&lt;&amp;&apos;\\&quot;??&quot;, 6) = -1 EPIPE"));
	CHECK(!strstr(s, "<mss"));
	CHECK(strstr(s, "stroke-dasharray") && strstr(s, ">retransmission</text>"));
	sb_free(&out);
	journal_free(j);
}

static void test_savepkt(void)
{
	struct journal *j = lab();
	struct sb out = SB_INIT;
	CHECK_INT(savepkt_script(j, &out), 13);
	golden("save_lab.pkt", sb_str(&out));
	CHECK(strstr(sb_str(&out), "\n+0.988...2.288 accept(3, ..., ...) = 4\n+0.500 < S 0:0(0)"));
	/* The saved script parses as a packetdrill script. */
	struct syn_script s = {0};
	struct syn_error err;
	syntax_error_init(&err);
	CHECK_INT(syntax_parse_script(out.buf, out.len, &s, &err), SYN_OK);
	if (err.msg.len)
		printf("  line %d: %s\n", err.line, sb_str(&err.msg));
	CHECK_INT(s.nev, 14); /* the 13 events and the --tolerance_usecs header line */
	syntax_script_free(&s);
	syntax_error_free(&err);
	sb_free(&out);
	journal_free(j);
}

/* Rounding each delta on its own would drift; rounding the times does not. */
static void test_savepkt_times_do_not_drift(void)
{
	struct journal *j = journal_new(PEER, KERNEL);
	for (int i = 0; i < 1000; i++)
		call(j, 0.0004 + 0.0014 * i, "getpid()", 1, 0, "= 1");
	struct sb out = SB_INIT;
	savepkt_script(j, &out);
	long long total_us = 0;
	for (const char *p = strstr(out.buf, "\n+"); p; p = strstr(p + 1, "\n+")) {
		long long a = 0, b = 0;
		if (sscanf(p + 2, "%lld.%lld", &a, &b) == 2)
			total_us += a * 1000000 + b * 1000;
	}
	CHECK(total_us >= 1398000 && total_us <= 1399000); /* 999 steps of 1.4 ms */
	sb_free(&out);
	journal_free(j);
}

int main(void)
{
	RUN(test_journal_retransmissions);
	RUN(test_diagram_text);
	RUN(test_diagram_empty_and_color);
	RUN(test_diagram_svg);
	RUN(test_savepkt);
	RUN(test_savepkt_times_do_not_drift);
	return check_tests_failed ? 1 : 0;
}
