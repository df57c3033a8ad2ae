/*
 * test_tcpinfo_text: the words `info` prints for a tcp_info, on filled
 * structs: a fresh connection with every modern option, a classic one in
 * loss recovery, a short tcp_info from an older kernel (absent fields are
 * left out, not shown as 0), and no tcp_info at all.
 */
#include "check.h"
#include "tcpinfo.h"
#include "tcpinfo_int.h"

#include <stdlib.h>
#include <string.h>

static union {
	struct tcp_info ti;
	unsigned char bytes[512];
} info;

/* Sets tcp_info fields from "tcpi_snd_cwnd=10 tcpi_ca_state=3" (all others 0). */
static void set(const char *assignments)
{
	memset(&info, 0, sizeof(info));
	char *copy = xstrdup(assignments), *save = NULL;
	for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(w, '=');
		*eq = '\0';
		const struct ti_field *f = ti_field_find(w);
		CHECK(f != NULL);
		if (!f)
			continue;
		unsigned long long v = strtoull(eq + 1, NULL, 0);
		if (f->bits)
			info.bytes[f->off] |= (unsigned char)(v << f->shift);
		else
			memcpy(info.bytes + f->off, &v, f->size); /* little-endian, as the table assumes */
	}
	free(copy);
}

static void modern(void)
{
	set("tcpi_state=1 tcpi_ca_state=0 tcpi_snd_cwnd=10 tcpi_snd_ssthresh=0x7fffffff tcpi_rtt=1234 "
	    "tcpi_rttvar=617 tcpi_min_rtt=1000 tcpi_rto=201000 tcpi_ato=40000 tcpi_snd_mss=1000 "
	    "tcpi_rcv_mss=536 tcpi_advmss=1460 tcpi_pmtu=1500 tcpi_unacked=1 tcpi_options=7 "
	    "tcpi_snd_wscale=7 tcpi_rcv_wscale=10 tcpi_snd_wnd=128000 tcpi_rcv_wnd=64240 "
	    "tcpi_bytes_acked=10 tcpi_bytes_received=2 tcpi_segs_out=5 tcpi_segs_in=4 tcpi_total_rto=0");
	struct sb out = SB_INIT;
	tcpinfo_describe(&info.ti, 280, "  ", &out);
	CHECK_STR(sb_str(&out),
		  "  state        ESTABLISHED, congestion state Open (no loss or reordering seen)\n"
		  "  cwnd         10 segments; ssthresh infinite (slow start until the first loss)\n"
		  "  rtt          srtt 1.2 ms, rttvar 0.6 ms, min 1.0 ms; rto 201 ms, delayed-ACK timeout 40 ms\n"
		  "  mss          send 1000, receive 536, advertised 1460; path MTU 1500\n"
		  "  in flight    1 unacked, 0 sacked, 0 lost, 0 retransmitted (segments)\n"
		  "  retransmits  0 timeouts in a row (backoff 0: rto doubled 0 times); 0 retransmissions in all, 0 by timeout\n"
		  "  windows      scale: yours x128 (wscale 7), the kernel's x1024 (wscale 10); you offer 128000 bytes, the kernel 64240\n"
		  "  options      SACK yes, timestamps yes, window scaling yes, ECN no\n"
		  "  bytes        10 sent and acknowledged by you, 2 received from you; 5 segments out, 4 in\n");
	sb_reset(&out);
	tcpinfo_summary(&info.ti, 280, &out);
	CHECK_STR(sb_str(&out), "ESTABLISHED Open, cwnd 10, ssthresh inf, srtt 1.2 ms, rto 201 ms, unacked 1, retrans 0/0, "
				"mss 1000, options sack ts wscale");
	sb_free(&out);
}

static void classic_loss(void)
{
	set("tcpi_state=1 tcpi_ca_state=4 tcpi_snd_cwnd=1 tcpi_snd_ssthresh=5 tcpi_rto=1600000 "
	    "tcpi_retransmits=3 tcpi_backoff=3 tcpi_total_retrans=3 tcpi_unacked=5 tcpi_lost=5 tcpi_retrans=1 "
	    "tcpi_snd_mss=536 tcpi_rcv_mss=536 tcpi_advmss=1460 tcpi_options=0 tcpi_probes=0");
	struct sb out = SB_INIT;
	tcpinfo_describe(&info.ti, sizeof(struct tcp_info), "", &out);
	CHECK(strstr(sb_str(&out), "congestion state Loss (a retransmission timeout fired") != NULL);
	CHECK(strstr(sb_str(&out), "cwnd         1 segment; ssthresh 5 segments (below it: slow start)\n") != NULL);
	CHECK(strstr(sb_str(&out), "rtt          no sample yet; rto 1.6 s\n") == NULL); /* 1600000 is not whole seconds */
	CHECK(strstr(sb_str(&out), "rtt          no sample yet; rto 1600 ms\n") != NULL);
	CHECK(strstr(sb_str(&out), "3 timeouts in a row (backoff 3: rto doubled 3 times); 3 retransmissions in all") != NULL);
	CHECK(strstr(sb_str(&out), "in flight    5 unacked, 0 sacked, 5 lost, 1 retransmitted") != NULL);
	CHECK(strstr(sb_str(&out), "windows      not scaled (at most 65535 bytes)") != NULL);
	CHECK(strstr(sb_str(&out), "SACK no, timestamps no, window scaling no, ECN no\n") != NULL);
	sb_reset(&out);
	tcpinfo_summary(&info.ti, sizeof(struct tcp_info), &out);
	CHECK_STR(sb_str(&out), "ESTABLISHED Loss, cwnd 1, ssthresh 5, srtt none, rto 1600 ms, unacked 5, retrans 1/3, mss 536");
	sb_free(&out);
}

/* A kernel with a shorter tcp_info: the fields past its end are not shown. */
static void short_info(void)
{
	set("tcpi_state=10 tcpi_snd_cwnd=10 tcpi_bytes_acked=99 tcpi_snd_wnd=5 tcpi_total_rto=4");
	struct sb out = SB_INIT;
	tcpinfo_describe(&info.ti, offsetof(struct tcp_info, tcpi_bytes_acked), "", &out);
	CHECK(strstr(sb_str(&out), "state        LISTEN,") != NULL);
	CHECK(strstr(sb_str(&out), "\nbytes") == NULL);
	CHECK(strstr(sb_str(&out), "you offer") == NULL);
	CHECK(strstr(sb_str(&out), "by timeout") == NULL);
	sb_reset(&out);
	tcpinfo_summary(&info.ti, sizeof(struct tcp_info), &out);
	CHECK_STR(sb_str(&out), "LISTEN");
	sb_reset(&out);
	tcpinfo_describe(NULL, 0, "> ", &out);
	CHECK_STR(sb_str(&out), "> the kernel returned no tcp_info (0 bytes)\n");
	sb_free(&out);
}

int main(void)
{
	RUN(modern);
	RUN(classic_loss);
	RUN(short_info);
	CHECK_EXIT();
}
