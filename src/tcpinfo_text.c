/*
 * tcpinfo_text: the kernel's struct tcp_info in words, for the shell's
 * `info` command: state, congestion state, cwnd and ssthresh, the RTT
 * estimator and RTO, the MSS values, what is in flight, retransmissions,
 * window scaling, the options negotiated and the byte counts. Pure: the
 * caller reads tcp_info from the kernel. Fields a kernel did not return
 * (an older, shorter tcp_info) are left out, never shown as 0. Not the
 * %{ }% evaluator (tcpinfo_eval.c), whose field table it reads through.
 */
#include "tcpinfo.h"
#include "tcpinfo_int.h"

#include <stdbool.h>
#include <stdint.h>

#define INFINITE_SSTHRESH 0x7fffffffu /* TCP_INFINITE_SSTHRESH: no loss seen yet */

/* TCPI_OPT_* bits of tcpi_options, as in <linux/tcp.h>. */
#define OPT_TIMESTAMPS 1u
#define OPT_SACK 2u
#define OPT_WSCALE 4u
#define OPT_ECN 8u
#define OPT_ECN_SEEN 16u
#define OPT_SYN_DATA 32u

struct text_ctx {
	const void *ti;
	size_t len;
	const char *indent;
	struct sb *out;
};

/* The field called name, if the kernel returned it. */
static bool get(const struct text_ctx *c, const char *name, uint64_t *v)
{
	const struct ti_field *f = ti_field_find(name);
	return f && ti_field_read(f, c->ti, c->len, v);
}

static uint64_t val(const struct text_ctx *c, const char *name)
{
	uint64_t v = 0;
	get(c, name, &v);
	return v;
}

static const char *state_name(uint64_t s)
{
	static const char *const names[] = {
		"?",         "ESTABLISHED", "SYN_SENT",   "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT",
		"CLOSE",     "CLOSE_WAIT",  "LAST_ACK",   "LISTEN",   "CLOSING",   "NEW_SYN_RECV",
	};
	return s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

/* The congestion-control states of tcp_ca_state, with what each means. */
static const char *ca_words(uint64_t s)
{
	static const char *const words[] = {
		"Open (no loss or reordering seen)",
		"Disorder (duplicate ACKs or SACKs seen, no loss decided yet)",
		"CWR (cwnd reduced after an ECN echo or a local drop)",
		"Recovery (fast retransmit done, in fast recovery)",
		"Loss (a retransmission timeout fired: cwnd restarts from 1)",
	};
	return s < sizeof(words) / sizeof(words[0]) ? words[s] : "unknown";
}

/* Microseconds as "212 ms", "1.5 ms" or "3 s". */
static void add_usecs(struct sb *out, uint64_t us)
{
	if (us >= 1000000 && us % 1000000 == 0)
		sb_addf(out, "%llu s", (unsigned long long)(us / 1000000));
	else if (us >= 10000)
		sb_addf(out, "%llu ms", (unsigned long long)((us + 500) / 1000));
	else
		sb_addf(out, "%.1f ms", (double)us / 1000.0);
}

static void line_start(const struct text_ctx *c, const char *label)
{
	sb_addf(c->out, "%s%-12s ", c->indent, label);
}

static void state_line(const struct text_ctx *c)
{
	line_start(c, "state");
	sb_addf(c->out, "%s, congestion state %s\n", state_name(val(c, "tcpi_state")),
		ca_words(val(c, "tcpi_ca_state")));
}

static void cwnd_line(const struct text_ctx *c)
{
	line_start(c, "cwnd");
	uint64_t cwnd = val(c, "tcpi_snd_cwnd");
	sb_addf(c->out, "%llu segment%s; ssthresh ", (unsigned long long)cwnd, cwnd == 1 ? "" : "s");
	uint64_t ss = val(c, "tcpi_snd_ssthresh");
	if (ss >= INFINITE_SSTHRESH)
		sb_add(c->out, "infinite (slow start until the first loss)\n");
	else
		sb_addf(c->out, "%llu segments (%s)\n", (unsigned long long)ss,
			cwnd < ss ? "below it: slow start" : "at or above it: congestion avoidance");
}

static void rtt_line(const struct text_ctx *c)
{
	uint64_t rtt = val(c, "tcpi_rtt"), min = 0;
	line_start(c, "rtt");
	if (rtt) {
		sb_add(c->out, "srtt ");
		add_usecs(c->out, rtt);
		sb_add(c->out, ", rttvar ");
		add_usecs(c->out, val(c, "tcpi_rttvar"));
		if (get(c, "tcpi_min_rtt", &min) && min && min != UINT32_MAX) {
			sb_add(c->out, ", min ");
			add_usecs(c->out, min);
		}
	} else {
		sb_add(c->out, "no sample yet");
	}
	sb_add(c->out, "; rto ");
	add_usecs(c->out, val(c, "tcpi_rto"));
	uint64_t ato = val(c, "tcpi_ato");
	if (ato) {
		sb_add(c->out, ", delayed-ACK timeout ");
		add_usecs(c->out, ato);
	}
	sb_addc(c->out, '\n');
}

static void mss_line(const struct text_ctx *c)
{
	line_start(c, "mss");
	sb_addf(c->out, "send %llu, receive %llu, advertised %llu", (unsigned long long)val(c, "tcpi_snd_mss"),
		(unsigned long long)val(c, "tcpi_rcv_mss"), (unsigned long long)val(c, "tcpi_advmss"));
	uint64_t pmtu = val(c, "tcpi_pmtu");
	if (pmtu)
		sb_addf(c->out, "; path MTU %llu", (unsigned long long)pmtu);
	sb_addc(c->out, '\n');
}

static void flight_line(const struct text_ctx *c)
{
	line_start(c, "in flight");
	sb_addf(c->out, "%llu unacked, %llu sacked, %llu lost, %llu retransmitted (segments)\n",
		(unsigned long long)val(c, "tcpi_unacked"), (unsigned long long)val(c, "tcpi_sacked"),
		(unsigned long long)val(c, "tcpi_lost"), (unsigned long long)val(c, "tcpi_retrans"));
}

static void retrans_line(const struct text_ctx *c)
{
	uint64_t n = val(c, "tcpi_retransmits"), total = 0, rtos = 0;
	line_start(c, "retransmits");
	sb_addf(c->out, "%llu timeout%s in a row (backoff %llu: rto doubled %llu time%s)",
		(unsigned long long)n, n == 1 ? "" : "s", (unsigned long long)val(c, "tcpi_backoff"),
		(unsigned long long)val(c, "tcpi_backoff"), val(c, "tcpi_backoff") == 1 ? "" : "s");
	if (get(c, "tcpi_total_retrans", &total))
		sb_addf(c->out, "; %llu retransmission%s in all", (unsigned long long)total, total == 1 ? "" : "s");
	if (get(c, "tcpi_total_rto", &rtos))
		sb_addf(c->out, ", %llu by timeout", (unsigned long long)rtos);
	uint64_t probes = val(c, "tcpi_probes");
	if (probes)
		sb_addf(c->out, "; %llu zero-window or keepalive probe%s unanswered", (unsigned long long)probes,
			probes == 1 ? "" : "s");
	sb_addc(c->out, '\n');
}

static void yes_no(struct sb *out, const char *what, bool on, bool last)
{
	sb_addf(out, "%s %s%s", what, on ? "yes" : "no", last ? "" : ", ");
}

static void options_line(const struct text_ctx *c)
{
	uint64_t o = val(c, "tcpi_options");
	line_start(c, "options");
	yes_no(c->out, "SACK", o & OPT_SACK, false);
	yes_no(c->out, "timestamps", o & OPT_TIMESTAMPS, false);
	yes_no(c->out, "window scaling", o & OPT_WSCALE, false);
	yes_no(c->out, "ECN", o & OPT_ECN, true);
	if (o & OPT_ECN_SEEN)
		sb_add(c->out, " (ECT seen)");
	if (o & OPT_SYN_DATA)
		sb_add(c->out, "; data in the SYN was acknowledged (Fast Open)");
	sb_addc(c->out, '\n');
}

static void window_line(const struct text_ctx *c)
{
	uint64_t o = val(c, "tcpi_options"), snd = 0, rcv = 0;
	bool has_snd = get(c, "tcpi_snd_wnd", &snd), has_rcv = get(c, "tcpi_rcv_wnd", &rcv);
	line_start(c, "windows");
	if (o & OPT_WSCALE) {
		uint64_t ss = val(c, "tcpi_snd_wscale"), rs = val(c, "tcpi_rcv_wscale");
		sb_addf(c->out, "scale: yours x%llu (wscale %llu), the kernel's x%llu (wscale %llu)",
			1ull << ss, (unsigned long long)ss, 1ull << rs, (unsigned long long)rs);
	} else {
		sb_add(c->out, "not scaled (at most 65535 bytes)");
	}
	if (has_snd)
		sb_addf(c->out, "; you offer %llu bytes", (unsigned long long)snd);
	if (has_rcv)
		sb_addf(c->out, ", the kernel %llu", (unsigned long long)rcv);
	sb_addc(c->out, '\n');
}

static void bytes_line(const struct text_ctx *c)
{
	uint64_t acked = 0, recvd = 0;
	if (!get(c, "tcpi_bytes_acked", &acked) || !get(c, "tcpi_bytes_received", &recvd))
		return;
	line_start(c, "bytes");
	sb_addf(c->out, "%llu sent and acknowledged by you, %llu received from you", (unsigned long long)acked,
		(unsigned long long)recvd);
	uint64_t out = 0, in = 0;
	if (get(c, "tcpi_segs_out", &out) && get(c, "tcpi_segs_in", &in))
		sb_addf(c->out, "; %llu segment%s out, %llu in", (unsigned long long)out, out == 1 ? "" : "s",
			(unsigned long long)in);
	sb_addc(c->out, '\n');
}

void tcpinfo_describe(const struct tcp_info *ti, size_t ti_len, const char *indent, struct sb *out)
{
	struct text_ctx c = {ti, ti_len, indent ? indent : "", out};
	uint64_t dummy;
	if (!get(&c, "tcpi_snd_cwnd", &dummy)) {
		sb_addf(out, "%sthe kernel returned no tcp_info (%zu bytes)\n", c.indent, ti_len);
		return;
	}
	state_line(&c);
	cwnd_line(&c);
	rtt_line(&c);
	mss_line(&c);
	flight_line(&c);
	retrans_line(&c);
	window_line(&c);
	options_line(&c);
	bytes_line(&c);
}

void tcpinfo_summary(const struct tcp_info *ti, size_t ti_len, struct sb *out)
{
	struct text_ctx c = {ti, ti_len, "", out};
	uint64_t dummy;
	if (!get(&c, "tcpi_snd_cwnd", &dummy)) {
		sb_add(out, "no tcp_info");
		return;
	}
	uint64_t ss = val(&c, "tcpi_snd_ssthresh"), o = val(&c, "tcpi_options"), st = val(&c, "tcpi_state");
	static const char *const ca[] = {"Open", "Disorder", "CWR", "Recovery", "Loss"};
	uint64_t cs = val(&c, "tcpi_ca_state");
	sb_addf(out, "%s", state_name(st));
	if (st == 10) /* LISTEN: its connections are its children's */
		return;
	sb_addf(out, " %s, cwnd %llu, ssthresh ", cs < 5 ? ca[cs] : "?", (unsigned long long)val(&c, "tcpi_snd_cwnd"));
	if (ss >= INFINITE_SSTHRESH)
		sb_add(out, "inf");
	else
		sb_addf(out, "%llu", (unsigned long long)ss);
	sb_add(out, ", srtt ");
	if (val(&c, "tcpi_rtt"))
		add_usecs(out, val(&c, "tcpi_rtt"));
	else
		sb_add(out, "none");
	sb_add(out, ", rto ");
	add_usecs(out, val(&c, "tcpi_rto"));
	sb_addf(out, ", unacked %llu, retrans %llu/%llu, mss %llu", (unsigned long long)val(&c, "tcpi_unacked"),
		(unsigned long long)val(&c, "tcpi_retrans"), (unsigned long long)val(&c, "tcpi_total_retrans"),
		(unsigned long long)val(&c, "tcpi_snd_mss"));
	if (o & (OPT_SACK | OPT_TIMESTAMPS | OPT_WSCALE | OPT_ECN))
		sb_addf(out, ", options%s%s%s%s", o & OPT_SACK ? " sack" : "", o & OPT_TIMESTAMPS ? " ts" : "",
			o & OPT_WSCALE ? " wscale" : "", o & OPT_ECN ? " ecn" : "");
}
