/*
 * complete: Tab completion's pure core (see complete.h). The line before
 * the word is read just far enough to know the position: the first word
 * (a call or a shell command), an argument of a call (which one, counting
 * commas outside brackets), a segment after '<' or '>' (flags, fields, or
 * inside its <...> option list), the result after ')', or an argument of a
 * shell command. What each position offers is a table below.
 */
#include "complete.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "consts.h"
#include "help.h"
#include "profile.h"
#include "sb.h"
#include "syntax.h"

/* ---- the tables ---- */

/* A name set: take lists prefixes or exact names (see in_set); skip lists
 * prefixes of names that share a prefix but are no
 * option (TCP_ESTABLISHED is a state, SO_EE_* an error origin). */
struct nameset {
	const char *const *take;
	const char *const *skip;
};

#define SET(...) ((const char *const[]){__VA_ARGS__, NULL})

static const char *const tcp_skip[] = {"TCP_ESTABLISHED", "TCP_SYN_", "TCP_FIN_WAIT", "TCP_TIME_WAIT", "TCP_CLOSE",
				       "TCP_LAST_ACK", "TCP_LISTEN", "TCP_CLOSING", "TCP_CA_", "TCP_INFINITE",
				       "TCP_REPAIR_O", NULL};

/* setsockopt/getsockopt: the option names of each level. */
static const struct {
	const char *level;
	struct nameset opts;
} levels[] = {
	{"SOL_SOCKET", {SET("SO_"), SET("SO_EE_")}},
	{"SOL_TCP", {SET("TCP_"), tcp_skip}},
	{"IPPROTO_TCP", {SET("TCP_"), tcp_skip}},
	{"SOL_IP", {SET("IP_"), SET("IP_PMTUDISC_")}},
	{"IPPROTO_IP", {SET("IP_"), SET("IP_PMTUDISC_")}},
	{"SOL_IPV6", {SET("IPV6_"), SET("IPV6_PMTUDISC_")}},
	{"IPPROTO_IPV6", {SET("IPV6_"), SET("IPV6_PMTUDISC_")}},
};

#define LEVEL_OPTS (-1) /* the option names of the level in argument 1 */
#define ANY_ARG (-2)

/* The constants each call takes at each argument (0 = the first). */
static const struct {
	const char *call;
	int arg;
	struct nameset names;
} call_args[] = {
	{"socket", 0, {SET("AF_"), NULL}},
	{"socket", 1, {SET("SOCK_"), NULL}},
	{"socket", 2, {SET("IPPROTO_TCP", "IPPROTO_UDP", "IPPROTO_ICMP", "IPPROTO_ICMPV6", "IPPROTO_IP",
			   "IPPROTO_MPTCP", "IPPROTO_RAW"), NULL}},
	{"setsockopt", 1, {SET("SOL_SOCKET", "SOL_TCP", "SOL_IP", "SOL_IPV6", "IPPROTO_TCP", "IPPROTO_IP",
			       "IPPROTO_IPV6"), NULL}},
	{"getsockopt", 1, {SET("SOL_SOCKET", "SOL_TCP", "SOL_IP", "SOL_IPV6", "IPPROTO_TCP", "IPPROTO_IP",
			       "IPPROTO_IPV6"), NULL}},
	{"setsockopt", 2, {NULL, NULL}}, /* LEVEL_OPTS */
	{"getsockopt", 2, {NULL, NULL}},
	{"accept4", 3, {SET("SOCK_NONBLOCK", "SOCK_CLOEXEC"), NULL}},
	{"fcntl", 1, {SET("F_"), NULL}},
	{"fcntl", 2, {SET("O_", "FD_CLOEXEC"), NULL}},
	{"open", 1, {SET("O_"), NULL}},
	{"shutdown", 1, {SET("SHUT_"), NULL}},
	{"ioctl", 1, {SET("SIOC", "FION"), NULL}},
	{"send", 3, {SET("MSG_"), NULL}},
	{"recv", 3, {SET("MSG_"), NULL}},
	{"sendto", 3, {SET("MSG_"), NULL}},
	{"recvfrom", 3, {SET("MSG_"), NULL}},
	{"sendmsg", 2, {SET("MSG_"), NULL}},
	{"recvmsg", 2, {SET("MSG_"), NULL}},
	{"poll", ANY_ARG, {SET("POLL"), NULL}},
	{"epoll_create1", 0, {SET("EPOLL_CLOEXEC"), NULL}},
	{"epoll_ctl", 1, {SET("EPOLL_CTL_"), NULL}},
	{"epoll_ctl", 3, {SET("EPOLL"), SET("EPOLL_CTL_", "EPOLL_CLOEXEC")}},
	{"splice", 5, {SET("SPLICE_F_"), NULL}},
};

/* Segment words: the flags first, then the fields after the sequence numbers. */
static const char *const pkt_flags[] = {"S", "S.", ".", "P.", "F.", "FP.", "R", "R.", "SEW", "S.E", "udp", "icmp", NULL};
static const char *const pkt_fields[] = {"ack", "win", "urg", NULL};

/* The shell commands' arguments: the words each takes at each position,
 * and whether a file name fits there. help's topics come from help.c. */
#define HELP_TOPICS ((const char *const *)1)
#define CONN_NAMES ((const char *const *)2)
#define SYSCTL_KEYS ((const char *const *)3) /* the keys profile.c's table knows */
#define EVERY_ARG (-1)
static const struct {
	const char *cmd;
	int arg;
	const char *const *words;
	bool files;
} cmd_args[] = {
	{"help", 0, HELP_TOPICS, false},
	{"set", 0, SET("format"), false},
	{"set", 1, SET("tcpdump", "packetdrill"), false},
	{"profile", 0, SET("classic", "modern"), false},
	{"state", 0, SET("info"), false},
	{"conn", 0, CONN_NAMES, false},
	{"info", 0, CONN_NAMES, false},
	{"diagram", 0, SET("--ascii"), true},
	{"save", 0, NULL, true},
	{"pcap", 0, SET("off"), true},
	{"sysctl", EVERY_ARG, SYSCTL_KEYS, false},
};

/* ---- candidates ---- */

static void add(struct complete_out *out, const char *word, const char *name, const char *suffix)
{
	if (strncmp(name, word, strlen(word)))
		return;
	for (size_t i = 0; i < out->n; i++) /* AF_LOCAL and PF_LOCAL, or a name twice in the tables */
		if (!strncmp(out->v[i], name, strlen(name)) && !strcmp(out->v[i] + strlen(name), suffix))
			return;
	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 16;
		out->v = xrealloc(out->v, out->cap * sizeof(out->v[0]));
	}
	struct sb s = SB_INIT;
	sb_addf(&s, "%s%s", name, suffix);
	out->v[out->n++] = sb_detach(&s);
}

static void add_list(struct complete_out *out, const char *word, const char *const *names)
{
	for (; names && *names; names++)
		add(out, word, *names, "");
}

static bool has_prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

/* An entry ending in '_' or with no '_' at all ("SIOC", "POLL") is a
 * prefix; any other is one exact name. */
static bool in_set(const char *name, const char *const *list, bool all_prefixes)
{
	for (; list && *list; list++) {
		size_t n = strlen(*list);
		bool prefix = all_prefixes || (n && ((*list)[n - 1] == '_' || !strchr(*list, '_')));
		if (prefix ? has_prefix(name, *list) : !strcmp(name, *list))
			return true;
	}
	return false;
}

static void add_consts(struct complete_out *out, const char *word, const struct nameset *set)
{
	for (size_t i = 0; i < consts_count(); i++) {
		const char *name = consts_name_at(i);
		bool is_errno = consts_errno_lookup(name) >= 0;
		if (set ? (in_set(name, set->take, false) && !in_set(name, set->skip, true)) : !is_errno)
			add(out, word, name, "");
	}
}

static void add_errnos(struct complete_out *out, const char *word)
{
	for (size_t i = 0; i < consts_count(); i++)
		if (consts_errno_lookup(consts_name_at(i)) >= 0)
			add(out, word, consts_name_at(i), "");
}

/* ---- reading the line before the word ---- */

/* The words of s[0..len) split at blanks, at most max, each owned. */
struct words {
	char *w[8];
	size_t n;
};

static void split(const char *s, size_t len, struct words *ws)
{
	ws->n = 0;
	size_t i = 0;
	while (i < len && ws->n < 8) {
		while (i < len && isspace((unsigned char)s[i]))
			i++;
		size_t b = i;
		while (i < len && !isspace((unsigned char)s[i]))
			i++;
		if (i > b)
			ws->w[ws->n++] = xstrndup(s + b, i - b);
	}
}

static void words_free(struct words *ws)
{
	for (size_t i = 0; i < ws->n; i++)
		free(ws->w[i]);
}

/* Past a time ("0", "+0.1", "*", "0.1~0.2") and a connection ("@c2"). */
static size_t skip_prefix(const char *s, size_t len)
{
	size_t i = 0;
	for (int round = 0; round < 2; round++) {
		while (i < len && isspace((unsigned char)s[i]))
			i++;
		size_t b = i;
		if (i < len && s[i] == '@') {
			while (i < len && !isspace((unsigned char)s[i]))
				i++;
		} else if (i < len && (isdigit((unsigned char)s[i]) || s[i] == '+' || s[i] == '*')) {
			while (i < len && !isspace((unsigned char)s[i]))
				i++;
		}
		if (i == b || i == len) /* a word still being typed is no prefix */
			return i == len && i > b ? b : i;
	}
	while (i < len && isspace((unsigned char)s[i]))
		i++;
	return i;
}

/* In "name(a, b, c": the argument index the end is in, or -1 when the
 * call's parentheses are closed (then *closed points after them). */
static int arg_index(const char *s, size_t len, size_t *closed)
{
	int depth = 0, arg = 0;
	bool quote = false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (quote) {
			if (c == '\\' && i + 1 < len)
				i++;
			else if (c == '"')
				quote = false;
		} else if (c == '"') {
			quote = true;
		} else if (c == '(' || c == '[' || c == '{') {
			depth++;
		} else if (c == ')' || c == ']' || c == '}') {
			if (--depth == 0 && c == ')') {
				*closed = i + 1;
				return -1;
			}
		} else if (c == ',' && depth == 1) {
			arg++;
		}
	}
	return arg;
}

/* The i-th argument of "name(a, b, ..." as written, trimmed, owned. */
static char *arg_text(const char *s, size_t len, int want)
{
	int depth = 0, arg = 0;
	size_t b = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '(' || c == '[' || c == '{') {
			if (++depth == 1)
				b = i + 1;
		} else if (c == ')' || c == ']' || c == '}') {
			depth--;
		} else if (c == ',' && depth == 1) {
			if (arg == want)
				break;
			arg++;
			b = i + 1;
			continue;
		} else {
			continue;
		}
		if (depth == 0)
			break;
	}
	if (arg != want)
		return NULL;
	size_t e = b;
	while (e < len && s[e] != ',' && s[e] != ')')
		e++;
	while (b < e && isspace((unsigned char)s[b]))
		b++;
	while (e > b && isspace((unsigned char)s[e - 1]))
		e--;
	return xstrndup(s + b, e - b);
}

static void complete_call(const char *call, const char *s, size_t len, const char *word, struct complete_out *out)
{
	size_t closed = 0;
	int arg = arg_index(s, len, &closed);
	if (arg < 0) { /* "... ) = -1 E" */
		struct words ws;
		split(s + closed, len - closed, &ws);
		if (ws.n >= 2 && !strcmp(ws.w[0], "=") && !strcmp(ws.w[ws.n - 1], "-1"))
			add_errnos(out, word);
		words_free(&ws);
		return;
	}
	bool ruled = false;
	for (size_t i = 0; i < sizeof(call_args) / sizeof(call_args[0]); i++) {
		if (strcmp(call_args[i].call, call) || (call_args[i].arg != arg && call_args[i].arg != ANY_ARG))
			continue;
		ruled = true;
		if (call_args[i].names.take) {
			add_consts(out, word, &call_args[i].names);
			continue;
		}
		char *level = arg_text(s, len, 1); /* LEVEL_OPTS */
		for (size_t l = 0; level && l < sizeof(levels) / sizeof(levels[0]); l++)
			if (!strcmp(levels[l].level, level))
				add_consts(out, word, &levels[l].opts);
		if (!out->n) { /* a level not known, or a number: every option name */
			for (size_t l = 0; l < sizeof(levels) / sizeof(levels[0]); l++)
				add_consts(out, word, &levels[l].opts);
		}
		free(level);
	}
	if (!ruled)
		add_consts(out, word, NULL);
}

/* After '<' or '>': s starts at that character. */
static void complete_packet(const char *s, size_t len, const char *word, struct complete_out *out)
{
	int open = 0;
	size_t last_open = 0;
	for (size_t i = 1; i < len; i++) {
		if (s[i] == '<' && ++open)
			last_open = i;
		else if (s[i] == '>' && open > 0)
			open--;
	}
	struct words ws;
	if (open > 0) { /* in the option list: the words since its last ',' */
		size_t b = last_open + 1;
		for (size_t i = b; i < len; i++)
			if (s[i] == ',')
				b = i + 1;
		split(s + b, len - b, &ws);
		if (ws.n >= 1 && !strcmp(ws.w[ws.n - 1], "TS"))
			add(out, word, "val", "");
		else if (ws.n >= 2 && !strcmp(ws.w[ws.n - 2], "val"))
			add(out, word, "ecr", "");
		else if (ws.n == 0)
			for (size_t i = 0; syntax_tcpopt_name_at(i); i++)
				add(out, word, syntax_tcpopt_name_at(i), "");
		words_free(&ws);
		return;
	}
	split(s + 1, len - 1, &ws);
	if (ws.n == 0)
		add_list(out, word, pkt_flags);
	else if (strcmp(ws.w[0], "udp") && strcmp(ws.w[0], "icmp") && ws.n >= 2 &&
		 (ws.n == 2 || (strcmp(ws.w[ws.n - 1], "ack") && strcmp(ws.w[ws.n - 1], "win") &&
				strcmp(ws.w[ws.n - 1], "urg"))))
		add_list(out, word, pkt_fields);
	words_free(&ws);
}

static void complete_command(const char *cmd, int arg, const char *word, const struct complete_src *src,
			     struct complete_out *out)
{
	for (size_t i = 0; i < sizeof(cmd_args) / sizeof(cmd_args[0]); i++) {
		if (strcmp(cmd_args[i].cmd, cmd) || (cmd_args[i].arg != arg && cmd_args[i].arg != EVERY_ARG))
			continue;
		out->files = cmd_args[i].files;
		if (cmd_args[i].words == HELP_TOPICS) {
			for (size_t t = 0; help_topic_at(t); t++)
				add(out, word, help_topic_at(t), "");
		} else if (cmd_args[i].words == SYSCTL_KEYS) {
			for (size_t k = 0; profile_setting_at(k); k++)
				add(out, word, profile_setting_at(k)->key, "");
		} else if (cmd_args[i].words == CONN_NAMES) {
			if (!strcmp(cmd, "conn"))
				add(out, word, "new", "");
			for (size_t c = 0; src && src->conn_at && src->conn_at(src->ctx, c); c++)
				add(out, word, src->conn_at(src->ctx, c), "");
		} else {
			add_list(out, word, cmd_args[i].words);
		}
	}
}

static bool is_command(const char *w, const struct complete_src *src)
{
	for (size_t i = 0; src && src->cmd_at && src->cmd_at(src->ctx, i); i++)
		if (!strcmp(src->cmd_at(src->ctx, i), w))
			return true;
	return false;
}

void complete_line(const char *line, size_t start, const char *word, const struct complete_src *src,
		   struct complete_out *out)
{
	size_t len = strnlen(line, start);
	size_t b = skip_prefix(line, len);
	const char *s = line + b;
	len -= b;
	if (len == 0) { /* the first word */
		for (size_t i = 0; i < consts_syscall_count(); i++)
			add(out, word, consts_syscall_at(i)->name, "(");
		for (size_t i = 0; src && src->cmd_at && src->cmd_at(src->ctx, i); i++)
			add(out, word, src->cmd_at(src->ctx, i), " ");
		return;
	}
	if (s[0] == '<' || s[0] == '>') {
		complete_packet(s, len, word, out);
		return;
	}
	size_t n = 0;
	while (n < len && (isalnum((unsigned char)s[n]) || s[n] == '_'))
		n++;
	char *first = xstrndup(s, n);
	if (n < len && s[n] == '(' && consts_syscall_lookup(first)) {
		complete_call(first, s, len, word, out);
	} else if (n < len && isspace((unsigned char)s[n]) && is_command(first, src)) {
		struct words ws;
		split(s + n, len - n, &ws);
		complete_command(first, (int)ws.n, word, src, out);
		words_free(&ws);
	}
	free(first);
}

void complete_out_add(struct complete_out *out, const char *s)
{
	add(out, "", s, "");
}

void complete_out_free(struct complete_out *out)
{
	for (size_t i = 0; i < out->n; i++)
		free(out->v[i]);
	free(out->v);
	*out = (struct complete_out){0};
}
