/*
 * tcpinfo_fields: the tables behind the names a %{ }% block can use: the
 * tcpi_* fields of struct tcp_info (where each lies, how wide it is), the
 * constants packetdrill defines for them, and the keywords. Adding a field
 * is one row. Not the evaluator (tcpinfo_eval.c).
 */
#include "tcpinfo.h"
#include "tcpinfo_int.h"

#include <string.h>

#include "consts_int.h"

#define FIELD(f) {#f, offsetof(struct tcp_info, f), sizeof(((struct tcp_info *)0)->f), 0, 0}

/*
 * Bitfields have no offsetof: their byte is fixed by the kernel ABI. GCC
 * and clang allocate bitfields from the least significant bit on
 * little-endian machines and from the most significant on big-endian ones;
 * test_tcpinfo checks these rows against the compiler's own layout.
 */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define BITS(name, byte, lsb, width) {name, byte, 1, lsb, width}
#else
#define BITS(name, byte, lsb, width) {name, byte, 1, 8 - (lsb) - (width), width}
#endif

/* Fields newer than this system's <linux/tcp.h>, at their kernel ABI
 * offsets: present when the caller's buffer and the kernel provided them. */
#define NEWER(name, off, size) {name, off, size, 0, 0}

_Static_assert(offsetof(struct tcp_info, tcpi_snd_wnd) == 228, "tcp_info layout changed");

static const struct ti_field fields[] = {
	FIELD(tcpi_state),
	FIELD(tcpi_ca_state),
	FIELD(tcpi_retransmits),
	FIELD(tcpi_probes),
	FIELD(tcpi_backoff),
	FIELD(tcpi_options),
	BITS("tcpi_snd_wscale", 6, 0, 4),
	BITS("tcpi_rcv_wscale", 6, 4, 4),
	BITS("tcpi_delivery_rate_app_limited", 7, 0, 1),
	BITS("tcpi_fastopen_client_fail", 7, 1, 2),
	FIELD(tcpi_rto),
	FIELD(tcpi_ato),
	FIELD(tcpi_snd_mss),
	FIELD(tcpi_rcv_mss),
	FIELD(tcpi_unacked),
	FIELD(tcpi_sacked),
	FIELD(tcpi_lost),
	FIELD(tcpi_retrans),
	FIELD(tcpi_fackets),
	FIELD(tcpi_last_data_sent),
	FIELD(tcpi_last_ack_sent),
	FIELD(tcpi_last_data_recv),
	FIELD(tcpi_last_ack_recv),
	FIELD(tcpi_pmtu),
	FIELD(tcpi_rcv_ssthresh),
	FIELD(tcpi_rtt),
	FIELD(tcpi_rttvar),
	FIELD(tcpi_snd_ssthresh),
	FIELD(tcpi_snd_cwnd),
	FIELD(tcpi_advmss),
	FIELD(tcpi_reordering),
	FIELD(tcpi_rcv_rtt),
	FIELD(tcpi_rcv_space),
	FIELD(tcpi_total_retrans),
	FIELD(tcpi_pacing_rate),
	FIELD(tcpi_max_pacing_rate),
	FIELD(tcpi_bytes_acked),
	FIELD(tcpi_bytes_received),
	FIELD(tcpi_segs_out),
	FIELD(tcpi_segs_in),
	FIELD(tcpi_notsent_bytes),
	FIELD(tcpi_min_rtt),
	FIELD(tcpi_data_segs_in),
	FIELD(tcpi_data_segs_out),
	FIELD(tcpi_delivery_rate),
	FIELD(tcpi_busy_time),
	FIELD(tcpi_rwnd_limited),
	FIELD(tcpi_sndbuf_limited),
	FIELD(tcpi_delivered),
	FIELD(tcpi_delivered_ce),
	FIELD(tcpi_bytes_sent),
	FIELD(tcpi_bytes_retrans),
	FIELD(tcpi_dsack_dups),
	FIELD(tcpi_reord_seen),
	FIELD(tcpi_rcv_ooopack),
	FIELD(tcpi_snd_wnd),
	NEWER("tcpi_rcv_wnd", 232, 4),             /* Linux 6.2 */
	NEWER("tcpi_rehash", 236, 4),              /* Linux 6.2 */
	NEWER("tcpi_total_rto", 240, 2),           /* Linux 6.7 */
	NEWER("tcpi_total_rto_recoveries", 242, 2),
	NEWER("tcpi_total_rto_time", 244, 4),
	NEWER("tcpi_received_ce", 248, 4),         /* Accurate ECN */
	NEWER("tcpi_delivered_e1_bytes", 252, 4),
	NEWER("tcpi_delivered_e0_bytes", 256, 4),
	NEWER("tcpi_delivered_ce_bytes", 260, 4),
	NEWER("tcpi_received_e1_bytes", 264, 4),
	NEWER("tcpi_received_e0_bytes", 268, 4),
	NEWER("tcpi_received_ce_bytes", 272, 4),
	NEWER("tcpi_accecn_fail_mode", 276, 2),
	NEWER("tcpi_accecn_opt_seen", 278, 2),
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

struct ti_const {
	const char *name;
	long long value;
};

/* The names packetdrill defines, and a few more that scripts define for
 * themselves or that newer kernels report. States: include/net/tcp_states.h. */
static const struct ti_const consts[] = {
	{"TCP_ESTABLISHED", 1},
	{"TCP_SYN_SENT", 2},
	{"TCP_SYN_RECV", 3},
	{"TCP_FIN_WAIT1", 4},
	{"TCP_FIN_WAIT2", 5},
	{"TCP_TIME_WAIT", 6},
	{"TCP_CLOSE", 7},
	{"TCP_CLOSE_WAIT", 8},
	{"TCP_LAST_ACK", 9},
	{"TCP_LISTEN", 10},
	{"TCP_CLOSING", 11},
	{"TCP_NEW_SYN_RECV", 12},
	{"TCP_CA_Open", TCP_CA_Open},
	{"TCP_CA_Disorder", TCP_CA_Disorder},
	{"TCP_CA_CWR", TCP_CA_CWR},
	{"TCP_CA_Recovery", TCP_CA_Recovery},
	{"TCP_CA_Loss", TCP_CA_Loss},
	{"TCPI_OPT_TIMESTAMPS", TCPI_OPT_TIMESTAMPS},
	{"TCPI_OPT_SACK", TCPI_OPT_SACK},
	{"TCPI_OPT_WSCALE", TCPI_OPT_WSCALE},
	{"TCPI_OPT_ECN", TCPI_OPT_ECN},
	{"TCPI_OPT_ECN_SEEN", TCPI_OPT_ECN_SEEN},
	{"TCPI_OPT_SYN_DATA", TCPI_OPT_SYN_DATA},
	{"TCPI_OPT_USEC_TS", 64},  /* Linux 6.7 */
	{"TCPI_OPT_TFO_CHILD", 128}, /* Linux 6.10 */
	{"TCP_INFINITE_SSTHRESH", 0x7fffffff},
	{"TFO_STATUS_UNSPEC", TFO_STATUS_UNSPEC},
	{"TFO_COOKIE_UNAVAILABLE", TFO_COOKIE_UNAVAILABLE},
	{"TFO_DATA_NOT_ACKED", TFO_DATA_NOT_ACKED},
	{"TFO_SYN_RETRANSMITTED", TFO_SYN_RETRANSMITTED},
};
#define NCONSTS (sizeof(consts) / sizeof(consts[0]))

/* Python keywords: the ones tcpsh runs, and the rest so that using one as
 * a variable is refused as Python would refuse it. */
static const char *const keywords[] = {
	"assert", "pass", "if", "elif", "else", "and", "or", "not", "True", "False", "None",
	"as", "async", "await", "break", "class", "continue", "def", "del", "except", "finally",
	"for", "from", "global", "import", "in", "is", "lambda", "nonlocal", "raise", "return",
	"try", "while", "with", "yield",
};
#define NKEYWORDS (sizeof(keywords) / sizeof(keywords[0]))
#define NRUN_KEYWORDS 11 /* the first ones: those tcpsh runs, offered by tcpinfo_name_at */

const struct ti_field *ti_field_find(const char *name)
{
	for (size_t i = 0; i < NFIELDS; i++)
		if (strcmp(fields[i].name, name) == 0)
			return &fields[i];
	return NULL;
}

bool ti_field_read(const struct ti_field *f, const void *ti, size_t ti_len, uint64_t *v)
{
	if (ti == NULL || f->off + f->size > ti_len)
		return false;
	const unsigned char *p = (const unsigned char *)ti + f->off;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	switch (f->size) {
	case 1:
		u8 = p[0];
		*v = f->bits ? (u8 >> f->shift) & ((1u << f->bits) - 1) : u8;
		return true;
	case 2:
		memcpy(&u16, p, 2);
		*v = u16;
		return true;
	case 4:
		memcpy(&u32, p, 4);
		*v = u32;
		return true;
	default:
		memcpy(v, p, 8);
		return true;
	}
}

size_t tcpinfo_field_end(const char *name)
{
	const struct ti_field *f = ti_field_find(name);
	return f ? f->off + f->size : 0;
}

bool ti_const_find(const char *name, long long *v)
{
	for (size_t i = 0; i < NCONSTS; i++)
		if (strcmp(consts[i].name, name) == 0) {
			*v = consts[i].value;
			return true;
		}
	return false;
}

bool ti_is_keyword(const char *s, size_t len)
{
	for (size_t i = 0; i < NKEYWORDS; i++)
		if (strlen(keywords[i]) == len && memcmp(keywords[i], s, len) == 0)
			return true;
	return false;
}

const char *tcpinfo_name_at(size_t i)
{
	if (i < NFIELDS)
		return fields[i].name;
	i -= NFIELDS;
	if (i < NCONSTS)
		return consts[i].name;
	i -= NCONSTS;
	size_t nbuiltins = 0;
	while (ti_builtin_name_at(nbuiltins))
		nbuiltins++;
	if (i < nbuiltins)
		return ti_builtin_name_at(i);
	i -= nbuiltins;
	return i < NRUN_KEYWORDS ? keywords[i] : NULL;
}

/* The candidates of ti_suggest: the known names, then the extra ones. */
struct suggest_ctx {
	size_t nknown;
	const char *const *extra;
};

static const char *suggest_name_at(const void *ctx, size_t i)
{
	const struct suggest_ctx *c = ctx;
	return i < c->nknown ? tcpinfo_name_at(i) : c->extra[i - c->nknown];
}

const char *ti_suggest(const char *name, const char *const *extra, size_t n)
{
	struct suggest_ctx c = {0, extra};
	while (tcpinfo_name_at(c.nknown))
		c.nknown++;
	return consts_closest(name, suggest_name_at, &c, c.nknown + (extra ? n : 0));
}
