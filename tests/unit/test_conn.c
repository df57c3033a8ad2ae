/*
 * Unit tests for conn (ISNs, relative numbers, the peer's inferred state)
 * and match (expectations against segments, and their explanations).
 */
#include <arpa/inet.h>
#include <string.h>

#include "check.h"
#include "conn.h"
#include "match.h"

static const uint8_t K[4] = {192, 168, 0, 1};
static const uint8_t P[4] = {192, 0, 2, 1};

static struct syn_packet seg(char dir, uint16_t flags, uint32_t start, uint32_t len, uint32_t ack)
{
	struct syn_packet s;
	memset(&s, 0, sizeof(s));
	s.dir = dir;
	s.flags = flags;
	s.seq_start = start;
	s.seq_end = start + len;
	s.len = len;
	s.has_ack = (flags & TCPF_ACK) != 0;
	s.ack = ack;
	s.ecn = SYN_ECN_UNSPEC;
	return s;
}

/* A segment the kernel sends on c, numbered relative to its ISN. */
static struct pkt kernel_pkt(const struct conn *c, uint16_t flags, uint32_t start, uint32_t len, uint32_t ack)
{
	struct pkt p;
	memset(&p, 0, sizeof(p));
	p.family = 4;
	memcpy(p.src, c->kaddr, 4);
	memcpy(p.dst, c->paddr, 4);
	p.sport = c->kport;
	p.dport = c->pport;
	p.seq = 5000 + start;
	p.ack = c->pisn + ack;
	p.flags = flags;
	p.win = 64240;
	p.payload_len = len;
	return p;
}

/* The peer injects sp on t's current connection; returns the state after. */
static enum conn_state inject(struct conn_table *t, struct syn_packet sp)
{
	struct conn *c = conn_for_inject(t, &sp, 4, K, 8080, P, 1000);
	struct pkt p;
	bool changed;
	conn_make_pkt(c, &sp, &p);
	conn_observe(t, &p, 0, &changed);
	return conn_current(t)->peer;
}

static enum conn_state kernel(struct conn_table *t, uint16_t flags, uint32_t start, uint32_t len, uint32_t ack)
{
	struct conn *c = conn_current(t);
	struct pkt p = kernel_pkt(c, flags, start, len, ack);
	bool changed;
	conn_observe(t, &p, 0, &changed);
	return c->peer;
}

static void test_passive_open_and_close(void)
{
	struct conn_table t;
	conn_table_init(&t, 40000);
	CHECK_INT(inject(&t, seg('<', TCPF_SYN, 0, 0, 0)), CONN_SYN_SENT);
	struct conn *c = conn_current(&t);
	CHECK_INT(c->pport, 40000);
	CHECK_INT(c->kport, 8080);
	CHECK_INT(kernel(&t, TCPF_SYN | TCPF_ACK, 0, 0, 1), CONN_SYN_SENT); /* not yet acknowledged by us */
	CHECK(c->has_kisn);
	CHECK_INT(c->kisn, 5000);
	CHECK_INT(inject(&t, seg('<', TCPF_ACK, 1, 0, 1)), CONN_ESTABLISHED);
	CHECK_INT(kernel(&t, TCPF_PSH | TCPF_ACK, 1, 10, 1), CONN_ESTABLISHED);
	/* A stray SYN on the established connection opens nothing. */
	CHECK_INT(inject(&t, seg('<', TCPF_SYN, 0, 0, 0)), CONN_ESTABLISHED);
	CHECK_INT(inject(&t, seg('<', TCPF_FIN | TCPF_ACK, 1, 0, 11)), CONN_FIN_WAIT_1);
	CHECK_INT(kernel(&t, TCPF_ACK, 11, 0, 2), CONN_FIN_WAIT_2);
	CHECK_INT(kernel(&t, TCPF_FIN | TCPF_ACK, 11, 0, 2), CONN_FIN_WAIT_2);
	CHECK_INT(inject(&t, seg('<', TCPF_ACK, 2, 0, 12)), CONN_TIME_WAIT);
	conn_table_free(&t);
}

static void test_kernel_closes_first(void)
{
	struct conn_table t;
	conn_table_init(&t, 40000);
	inject(&t, seg('<', TCPF_SYN, 0, 0, 0));
	kernel(&t, TCPF_SYN | TCPF_ACK, 0, 0, 1);
	inject(&t, seg('<', TCPF_ACK, 1, 0, 1));
	CHECK_INT(kernel(&t, TCPF_FIN | TCPF_ACK, 1, 0, 1), CONN_ESTABLISHED);
	CHECK_INT(inject(&t, seg('<', TCPF_ACK, 1, 0, 2)), CONN_CLOSE_WAIT);
	CHECK_INT(inject(&t, seg('<', TCPF_FIN | TCPF_ACK, 1, 0, 2)), CONN_LAST_ACK);
	CHECK_INT(kernel(&t, TCPF_ACK, 2, 0, 2), CONN_CLOSED);
	conn_table_free(&t);
}

static void test_active_open_by_kernel(void)
{
	struct conn_table t;
	conn_table_init(&t, 40000);
	struct pkt syn;
	memset(&syn, 0, sizeof(syn));
	syn.family = 4;
	memcpy(syn.src, K, 4);
	memcpy(syn.dst, P, 4);
	syn.sport = 45678;
	syn.dport = 8080;
	syn.seq = 777;
	syn.flags = TCPF_SYN;
	bool changed;
	struct conn *c = conn_observe(&t, &syn, 1000, &changed);
	CHECK(c != NULL);
	CHECK(changed);
	CHECK_INT(c->peer, CONN_LISTEN);
	CHECK_INT(c->kisn, 777);
	CHECK(conn_current(&t) == c);
	CHECK_INT(inject(&t, seg('<', TCPF_SYN | TCPF_ACK, 0, 0, 1)), CONN_SYN_RECEIVED);
	struct pkt p;
	struct syn_packet sa = seg('<', TCPF_SYN | TCPF_ACK, 0, 0, 1);
	conn_make_pkt(c, &sa, &p);
	CHECK_INT(p.ack, 778);
	CHECK_INT(p.dport, 45678);
	c->kisn = 5000 - 0; /* kernel_pkt numbers from 5000 */
	CHECK_INT(kernel(&t, TCPF_ACK, 1, 0, 1), CONN_ESTABLISHED);
	conn_table_free(&t);
}

static void test_simultaneous_open(void)
{
	struct conn_table t;
	conn_table_init(&t, 40000);
	CHECK_INT(inject(&t, seg('<', TCPF_SYN, 0, 0, 0)), CONN_SYN_SENT);
	CHECK_INT(kernel(&t, TCPF_SYN, 0, 0, 0), CONN_SYN_SENT);
	CHECK_INT(inject(&t, seg('<', TCPF_SYN | TCPF_ACK, 0, 0, 1)), CONN_SYN_RECEIVED);
	CHECK_INT(kernel(&t, TCPF_SYN | TCPF_ACK, 0, 0, 1), CONN_ESTABLISHED);
	conn_table_free(&t);
}

static void test_rst_and_new_connection(void)
{
	struct conn_table t;
	conn_table_init(&t, 40000);
	inject(&t, seg('<', TCPF_SYN, 0, 0, 0));
	CHECK_INT(kernel(&t, TCPF_RST | TCPF_ACK, 0, 0, 1), CONN_CLOSED);
	/* A new SYN after the old connection ended starts a new one on the next port. */
	inject(&t, seg('<', TCPF_SYN, 0, 0, 0));
	CHECK_INT(t.n, 2);
	CHECK_INT(conn_current(&t)->pport, 40001);
	conn_table_free(&t);
}

static void test_match_and_explain(void)
{
	struct conn_table t;
	conn_table_init(&t, 40000);
	inject(&t, seg('<', TCPF_SYN, 0, 0, 0));
	struct conn *c = conn_current(&t);
	struct pkt synack = kernel_pkt(c, TCPF_SYN | TCPF_ACK, 0, 0, 1);
	bool changed;
	conn_observe(&t, &synack, 0, &changed);
	struct syn_packet want = seg('>', TCPF_SYN | TCPF_ACK, 0, 0, 1);
	want.opts_any = want.has_opts = true;
	CHECK_INT(match_packet(&want, &synack, c, NULL), 0);
	struct syn_packet wrong = seg('>', TCPF_FIN | TCPF_ACK, 11, 0, 4);
	struct sb why = SB_INIT;
	CHECK_INT(match_packet(&wrong, &synack, c, &why), 3);
	CHECK(strstr(sb_str(&why), "flags: expected F. (FIN ACK), the kernel sent S. (SYN ACK)") != NULL);
	CHECK(strstr(sb_str(&why), "sequence: expected 11:11(0), the kernel sent 0:0(0)") != NULL);
	CHECK(strstr(sb_str(&why), "ack: expected 4, the kernel sent ack 1") != NULL);
	sb_free(&why);
	struct syn_packet win = seg('>', TCPF_SYN | TCPF_ACK, 0, 0, 1);
	win.has_win = true;
	win.win = 1000;
	CHECK_INT(match_packet(&win, &synack, c, NULL), 1);
	struct sb text = SB_INIT;
	match_expect_text(&want, &text);
	CHECK_STR(sb_str(&text), "> S. 0:0(0) ack 1 <...>");
	sb_free(&text);
	conn_table_free(&t);
}

static void test_options_compare(void)
{
	struct conn_table t;
	conn_table_init(&t, 40000);
	inject(&t, seg('<', TCPF_SYN, 0, 0, 0));
	struct conn *c = conn_current(&t);
	struct pkt synack = kernel_pkt(c, TCPF_SYN | TCPF_ACK, 0, 0, 1);
	synack.nopts = 1;
	synack.opts[0].kind = TCPOPT_MSS;
	synack.opts[0].len = 4;
	synack.opts[0].u.mss = 1460;
	bool changed;
	conn_observe(&t, &synack, 0, &changed);
	struct syn_packet want = seg('>', TCPF_SYN | TCPF_ACK, 0, 0, 1);
	struct pkt_opt want_opts[1]; /* a hand-built syn_packet brings its own option array */
	want.has_opts = true;
	want.nopts = 1;
	want.opts = want_opts;
	want.opts[0] = synack.opts[0];
	CHECK_INT(match_packet(&want, &synack, c, NULL), 0);
	want.opts[0].u.mss = 1000;
	struct sb why = SB_INIT;
	CHECK_INT(match_packet(&want, &synack, c, &why), 1);
	CHECK(strstr(sb_str(&why), "options: expected <mss 1000>, the kernel sent <mss 1460>") != NULL);
	sb_free(&why);
	conn_table_free(&t);
}

/* Several connections: names c1.., ports, `conn new` and its first SYN. */
static void test_several_connections(void)
{
	struct conn_table t;
	conn_table_init(&t, 40000);
	CHECK_INT(conn_lookup(&t, "c1"), -1);
	CHECK_INT(inject(&t, seg('<', TCPF_SYN, 0, 0, 0)), CONN_SYN_SENT);
	CHECK_INT(t.v[0].pport, 40000);
	/* A port given by hand takes 40001: the next automatic one skips it. */
	struct conn *c = conn_open_passive(&t, 4, K, 8080, P, 40001);
	CHECK(c->unopened);
	CHECK_INT(t.current, 1);
	CHECK_INT(inject(&t, seg('<', TCPF_SYN, 0, 0, 0)), CONN_SYN_SENT);
	CHECK(!t.v[1].unopened);
	CHECK_INT(t.v[1].pisn, 1000);
	CHECK_INT(t.v[1].pport, 40001);
	c = conn_open_passive(&t, 4, K, 8080, P, 0);
	CHECK_INT(c->pport, 40002);
	CHECK_INT(t.n, 3);
	/* Names and ports select; a port matches the peer's or the kernel's end, newest first. */
	CHECK_INT(conn_lookup(&t, "c1"), 0);
	CHECK_INT(conn_lookup(&t, "C3"), 2);
	CHECK_INT(conn_lookup(&t, "c4"), -1);
	CHECK_INT(conn_lookup(&t, "c0"), -1);
	CHECK_INT(conn_lookup(&t, "40001"), 1);
	CHECK_INT(conn_lookup(&t, "8080"), 2);
	CHECK_INT(conn_lookup(&t, "99999"), -1);
	CHECK_INT(conn_lookup(&t, "x1"), -1);
	uint16_t port = 0;
	CHECK(conn_name_is_port("65535", &port) && port == 65535);
	CHECK(!conn_name_is_port("0", &port) && !conn_name_is_port("", &port) && !conn_name_is_port("4a", &port));
	conn_table_free(&t);
}

int main(void)
{
	RUN(test_passive_open_and_close);
	RUN(test_kernel_closes_first);
	RUN(test_active_open_by_kernel);
	RUN(test_simultaneous_open);
	RUN(test_rst_and_new_connection);
	RUN(test_match_and_explain);
	RUN(test_options_compare);
	RUN(test_several_connections);
	CHECK_EXIT();
}
