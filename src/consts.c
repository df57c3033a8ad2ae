/*
 * consts: the system-call table, the ICMP name table, and the "did you mean"
 * search every consts table shares. The symbolic constants live in
 * consts_names.c and the errno names in consts_errno.c.
 */
#include "consts.h"
#include "consts_int.h"
#include "sb.h"

#include <ctype.h>
#include <netinet/icmp6.h>
#include <netinet/ip_icmp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- edit distance and the closest name ---- */

static int fold(char c, bool nocase)
{
	return nocase ? tolower((unsigned char)c) : (unsigned char)c;
}

static int min3(int a, int b, int c)
{
	int m = a < b ? a : b;
	return m < c ? m : c;
}

/*
 * Levenshtein distance, row by row; with swaps, a transposed pair of
 * neighbours ("TPC" for "TCP") counts as one edit, as typists make them.
 * Stops as soon as a whole row exceeds cap: the distance only grows.
 */
static int distance(const char *a, const char *b, int cap, bool nocase, bool swaps)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t diff = la > lb ? la - lb : lb - la;
	if (cap < 0)
		cap = 0;
	if (diff > (size_t)cap)
		return cap + 1;
	int *rows = xmalloc(3 * (lb + 1) * sizeof(int));
	int *older = rows, *prev = rows + lb + 1, *cur = rows + 2 * (lb + 1);
	for (size_t j = 0; j <= lb; j++)
		prev[j] = (int)j;
	int result = cap + 1;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = (int)i;
		int row_min = cur[0];
		for (size_t j = 1; j <= lb; j++) {
			int subst = fold(a[i - 1], nocase) != fold(b[j - 1], nocase);
			cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + subst);
			if (swaps && i > 1 && j > 1 && fold(a[i - 1], nocase) == fold(b[j - 2], nocase) &&
			    fold(a[i - 2], nocase) == fold(b[j - 1], nocase) && older[j - 2] + 1 < cur[j])
				cur[j] = older[j - 2] + 1;
			if (cur[j] < row_min)
				row_min = cur[j];
		}
		int *t = older;
		older = prev;
		prev = cur;
		cur = t;
		if (row_min > cap)
			goto out;
	}
	result = prev[lb] > cap ? cap + 1 : prev[lb];
out:
	free(rows);
	return result;
}

int consts_edit_distance(const char *a, const char *b, int cap)
{
	return distance(a, b, cap, false, false);
}

/* Length of the prefix family, up to and including the first underscore:
 * "SO_" of "SO_REUSEADDR"; 0 when there is none. */
static size_t family_len(const char *s)
{
	const char *u = strchr(s, '_');
	return u ? (size_t)(u - s) + 1 : 0;
}

static bool same_family(const char *a, const char *b)
{
	size_t fa = family_len(a);
	return fa > 0 && fa == family_len(b) && strncasecmp(a, b, fa) == 0;
}

const char *consts_closest(const char *name, const char *(*name_at)(const void *ctx, size_t i),
			   const void *ctx, size_t n)
{
	int cap = strlen(name) <= 3 ? 1 : 2;
	const char *best = NULL;
	int best_d = cap + 1;
	for (size_t i = 0; i < n; i++) {
		const char *cand = name_at(ctx, i);
		if (!cand)
			continue;
		int d = distance(name, cand, cap, true, true);
		if (d > cap || (size_t)d >= strlen(name))
			continue;
		if (d < best_d || (d == best_d && !same_family(name, best) && same_family(name, cand))) {
			best = cand;
			best_d = d;
		}
	}
	return best;
}

/* ---- system calls ---- */

static const struct consts_syscall syscalls[] = {
	{"socket", 3, 3},      {"bind", 3, 3},        {"listen", 2, 2},       {"accept", 3, 3},
	{"accept4", 4, 4},     {"connect", 3, 3},     {"read", 3, 3},         {"write", 3, 3},
	{"send", 4, 4},        {"recv", 4, 4},        {"sendto", 6, 6},       {"recvfrom", 6, 6},
	{"sendmsg", 3, 3},     {"recvmsg", 3, 3},     {"readv", 3, 3},        {"writev", 3, 3},
	{"setsockopt", 5, 5},  {"getsockopt", 5, 5},  {"fcntl", 2, 3},        {"ioctl", 3, 3},
	{"shutdown", 2, 2},    {"close", 1, 1},       {"poll", 3, 3},         {"getsockname", 3, 3},
	{"getpeername", 3, 3}, {"epoll_create", 1, 1}, {"epoll_create1", 1, 1}, {"epoll_ctl", 4, 4},
	{"epoll_wait", 4, 4},  {"pipe", 1, 1},        {"splice", 6, 6},       {"sendfile", 4, 4},
	{"open", 2, 3},
};

#define NSYSCALLS (sizeof(syscalls) / sizeof(syscalls[0]))

const struct consts_syscall *consts_syscall_lookup(const char *name)
{
	/* first byte before strcmp: a script looks up a call name every line */
	for (size_t i = 0; i < NSYSCALLS; i++)
		if (syscalls[i].name[0] == name[0] && strcmp(syscalls[i].name, name) == 0)
			return &syscalls[i];
	return NULL;
}

static const char *syscall_name_at(const void *ctx, size_t i)
{
	(void)ctx;
	return syscalls[i].name;
}

const char *consts_syscall_suggest(const char *name)
{
	return consts_closest(name, syscall_name_at, NULL, NSYSCALLS);
}

size_t consts_syscall_count(void)
{
	return NSYSCALLS;
}

const struct consts_syscall *consts_syscall_at(size_t i)
{
	return i < NSYSCALLS ? &syscalls[i] : NULL;
}

/* ---- ICMP names (packetdrill's spelling) ---- */

#define U "unreachable"
static const struct consts_icmp icmp[] = {
	{"echo_reply", NULL, ICMP_ECHOREPLY, ICMP6_ECHO_REPLY},
	{U, NULL, ICMP_DEST_UNREACH, ICMP6_DST_UNREACH},
	{"source_quench", NULL, ICMP_SOURCE_QUENCH, -1},
	{"redirect", NULL, ICMP_REDIRECT, -1},
	{"echo_request", NULL, ICMP_ECHO, ICMP6_ECHO_REQUEST},
	{"time_exceeded", NULL, ICMP_TIME_EXCEEDED, ICMP6_TIME_EXCEEDED},
	{"parameter_problem", NULL, ICMP_PARAMETERPROB, ICMP6_PARAM_PROB},
	{"timestamp_request", NULL, ICMP_TIMESTAMP, -1},
	{"timestamp_reply", NULL, ICMP_TIMESTAMPREPLY, -1},
	{"information_request", NULL, ICMP_INFO_REQUEST, -1},
	{"information_reply", NULL, ICMP_INFO_REPLY, -1},
	{"address_mask_request", NULL, ICMP_ADDRESS, -1},
	{"address_mask_reply", NULL, ICMP_ADDRESSREPLY, -1},
	{"packet_too_big", NULL, -1, ICMP6_PACKET_TOO_BIG},
	{"net_unreachable", U, ICMP_NET_UNREACH, ICMP6_DST_UNREACH_NOROUTE},
	{"host_unreachable", U, ICMP_HOST_UNREACH, -1},
	{"protocol_unreachable", U, ICMP_PROT_UNREACH, -1},
	{"port_unreachable", U, ICMP_PORT_UNREACH, ICMP6_DST_UNREACH_NOPORT},
	{"frag_needed", U, ICMP_FRAG_NEEDED, -1},
	{"source_route_failed", U, ICMP_SR_FAILED, -1},
	{"net_unknown", U, ICMP_NET_UNKNOWN, -1},
	{"host_unknown", U, ICMP_HOST_UNKNOWN, -1},
	{"source_host_isolated", U, ICMP_HOST_ISOLATED, -1},
	{"net_prohibited", U, ICMP_NET_ANO, -1},
	{"host_prohibited", U, ICMP_HOST_ANO, -1},
	{"net_unreachable_for_tos", U, ICMP_NET_UNR_TOS, -1},
	{"host_unreachable_for_tos", U, ICMP_HOST_UNR_TOS, -1},
	{"packet_filtered", U, ICMP_PKT_FILTERED, -1},
	{"precedence_violation", U, ICMP_PREC_VIOLATION, -1},
	{"precedence_cutoff", U, ICMP_PREC_CUTOFF, -1},
	{"no_route", U, -1, ICMP6_DST_UNREACH_NOROUTE},
	{"admin_prohibited", U, -1, ICMP6_DST_UNREACH_ADMIN},
	{"not_neighbour", U, -1, ICMP6_DST_UNREACH_BEYONDSCOPE},
	{"address_unreachable", U, -1, ICMP6_DST_UNREACH_ADDR},
	{"exceeded_hop_limit", "time_exceeded", -1, ICMP6_TIME_EXCEED_TRANSIT},
	{"exceeded_frag_time", "time_exceeded", -1, ICMP6_TIME_EXCEED_REASSEMBLY},
	{"header_field", "parameter_problem", -1, ICMP6_PARAMPROB_HEADER},
	{"unknown_next_header", "parameter_problem", -1, ICMP6_PARAMPROB_NEXTHEADER},
	{"unknown_option", "parameter_problem", -1, ICMP6_PARAMPROB_OPTION},
};
#undef U

#define NICMP (sizeof(icmp) / sizeof(icmp[0]))

/* type NULL matches message types; otherwise codes of that type. */
static bool icmp_row_is(const struct consts_icmp *row, const char *type)
{
	if (!type)
		return row->type == NULL;
	return row->type && strcmp(row->type, type) == 0;
}

static const struct consts_icmp *icmp_find(const char *type, const char *name)
{
	for (size_t i = 0; i < NICMP; i++)
		if (icmp_row_is(&icmp[i], type) && strcmp(icmp[i].name, name) == 0)
			return &icmp[i];
	return NULL;
}

const struct consts_icmp *consts_icmp_type(const char *name)
{
	return icmp_find(NULL, name);
}

const struct consts_icmp *consts_icmp_code(const char *type, const char *name)
{
	return type ? icmp_find(type, name) : NULL;
}

static const char *icmp_name_at(const void *ctx, size_t i)
{
	return icmp_row_is(&icmp[i], ctx) ? icmp[i].name : NULL;
}

const char *consts_icmp_suggest(const char *type, const char *name)
{
	return consts_closest(name, icmp_name_at, type, NICMP);
}
