/*
 * lesson_check: judging what the student typed (see lesson.h). Answers are
 * compared loosely (case, blanks, number forms); a typed line is compared
 * with the lesson's by its effect, field by field, so that the explanation
 * can name the one field that is wrong rather than say "no".
 */
#include "lesson.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"

/* Lower case, runs of blanks as one space, no blanks at the ends, and no
 * final period ("SYN-ACK." is "syn-ack"). */
static char *normalize(const char *s)
{
	struct sb out = SB_INIT;
	bool space = false;
	for (; *s; s++) {
		if (isspace((unsigned char)*s)) {
			space = out.len > 0;
			continue;
		}
		if (space)
			sb_addc(&out, ' ');
		space = false;
		sb_addc(&out, (char)tolower((unsigned char)*s));
	}
	if (out.len && out.buf[out.len - 1] == '.')
		sb_truncate(&out, out.len - 1);
	sb_addc(&out, '\0');
	sb_truncate(&out, out.len - 1);
	return sb_detach(&out);
}

static bool as_number(const char *s, double *v)
{
	if (!*s)
		return false;
	char *end = NULL;
	errno = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		*v = (double)strtoull(s, &end, 16);
	else
		*v = strtod(s, &end);
	return !errno && end && !*end && isfinite(*v);
}

bool lesson_answer_ok(const struct lesson_question *q, const char *typed)
{
	char *t = normalize(typed);
	double tv = 0;
	bool tnum = as_number(t, &tv);
	bool ok = false;
	for (int i = 0; i < q->answers.n && !ok; i++) {
		char *a = normalize(q->answers.v[i]);
		double av = 0;
		if (tnum && as_number(a, &av))
			ok = tv == av;
		else
			ok = !strcmp(a, t);
		free(a);
	}
	free(t);
	return ok;
}

/* ---- packets ---- */

static void flags_text(uint16_t f, struct sb *out)
{
	view_pd_flags(f, out);
}

static void seq_text(const struct syn_packet *p, struct sb *out)
{
	sb_addf(out, "%u:%u(%u)", p->seq_start, p->seq_end, p->len);
}

static void opts_text(const struct syn_packet *p, struct sb *out)
{
	if (!p->has_opts) {
		sb_add(out, "none");
		return;
	}
	if (p->opts_any) {
		sb_add(out, "<...>");
		return;
	}
	sb_addc(out, '<');
	for (int i = 0; i < p->nopts; i++) {
		if (i)
			sb_add(out, ",");
		view_pd_opt(&p->opts[i], false, 0, out);
	}
	sb_addc(out, '>');
}

static bool opts_equal(const struct syn_packet *a, const struct syn_packet *b)
{
	if (a->opts_any)
		return true;
	if (a->has_opts != b->has_opts || a->opts_any != b->opts_any || a->nopts != b->nopts)
		return false;
	for (int i = 0; i < a->nopts; i++) {
		struct sb x = SB_INIT, y = SB_INIT;
		view_pd_opt(&a->opts[i], false, 0, &x);
		view_pd_opt(&b->opts[i], false, 0, &y);
		bool same = a->opts[i].kind == b->opts[i].kind && !strcmp(sb_str(&x), sb_str(&y));
		sb_free(&x);
		sb_free(&y);
		if (!same)
			return false;
	}
	return true;
}

static const char *plus_words(uint32_t n)
{
	static const char *const w[] = {"zero", "one", "two", "three", "four", "five"};
	return n < 6 ? w[n] : NULL;
}

static bool packet_same(const struct syn_packet *r, const struct syn_packet *t, struct sb *why)
{
	size_t before = why->len;
	if (r->proto != t->proto) {
		sb_add(why, "your line is not the same kind of packet as the lesson's (TCP, UDP or ICMP)\n");
		return false;
	}
	if (r->dir != t->dir) {
		sb_addf(why, "your line %s; this step %s\n",
			t->dir == '<' ? "injects a segment ('<')" : "expects a segment from the kernel ('>')",
			r->dir == '<' ? "injects one: you are the peer, start with '<'"
				      : "waits for the kernel's: start with '>'");
		return false;
	}
	if (r->flags != t->flags) {
		struct sb a = SB_INIT, b = SB_INIT;
		flags_text(t->flags, &a);
		flags_text(r->flags, &b);
		sb_addf(why, "your flags are %s; this step needs %s", sb_str(&a), sb_str(&b));
		if ((r->flags & TCPF_ACK) && !(t->flags & TCPF_ACK))
			sb_add(why, " ('.' is the ACK flag)");
		sb_addc(why, '\n');
		sb_free(&a);
		sb_free(&b);
	}
	if (r->seq_start != t->seq_start || r->seq_end != t->seq_end || r->len != t->len) {
		struct sb a = SB_INIT, b = SB_INIT;
		seq_text(t, &a);
		seq_text(r, &b);
		sb_addf(why, "your sequence range is %s; this step's is %s", sb_str(&a), sb_str(&b));
		if (r->len != t->len)
			sb_addf(why, " (%u bytes of data, not %u)", r->len, t->len);
		else if (r->seq_start && plus_words(r->seq_start))
			sb_addf(why, " (your ISN plus %s)", plus_words(r->seq_start));
		sb_addc(why, '\n');
		sb_free(&a);
		sb_free(&b);
	}
	if (r->has_ack != t->has_ack || (r->has_ack && r->ack != t->ack)) {
		if (!t->has_ack)
			sb_addf(why, "your segment has no ack; this step's acknowledges %u (write 'ack %u')\n", r->ack,
				r->ack);
		else if (!r->has_ack)
			sb_addf(why, "your segment has ack %u; this step's has none\n", t->ack);
		else if (plus_words(r->ack))
			sb_addf(why, "your ack is %u; the kernel's ISN plus %s is %u\n", t->ack, plus_words(r->ack),
				r->ack);
		else
			sb_addf(why, "your ack is %u; this step acknowledges %u (the kernel's ISN plus %u)\n", t->ack,
				r->ack, r->ack);
	}
	if (r->has_win != t->has_win || (r->has_win && r->win != t->win)) {
		if (!r->has_win)
			sb_addf(why, "your window is %u; this step gives none (the default)\n", t->win);
		else if (!t->has_win)
			sb_addf(why, "your segment gives no window; this step's is 'win %u'\n", r->win);
		else
			sb_addf(why, "your window is %u; this step's is %u\n", t->win, r->win);
	}
	if (!opts_equal(r, t)) {
		struct sb a = SB_INIT, b = SB_INIT;
		opts_text(t, &a);
		opts_text(r, &b);
		sb_addf(why, "your options are %s; this step's are %s (same options, same order)\n", sb_str(&a),
			sb_str(&b));
		sb_free(&a);
		sb_free(&b);
	}
	return why->len == before;
}

/* ---- calls ---- */

static bool expr_same(const struct syn_expr *r, const struct syn_expr *t)
{
	if (!r || r->kind == SYN_E_ELLIPSIS)
		return true;
	if (!t)
		return false;
	bool rnum = r->kind == SYN_E_INT || r->kind == SYN_E_SYMBOL || r->kind == SYN_E_OR;
	bool tnum = t->kind == SYN_E_INT || t->kind == SYN_E_SYMBOL || t->kind == SYN_E_OR;
	if (rnum || tnum)
		return rnum && tnum && r->num == t->num;
	if (r->kind != t->kind)
		return false;
	switch (r->kind) {
	case SYN_E_STRING:
		return r->num == t->num && !memcmp(r->name, t->name, (size_t)r->num);
	case SYN_E_NULL:
		return true;
	case SYN_E_FIELD:
		if ((r->name == NULL) != (t->name == NULL) || (r->name && strcmp(r->name, t->name)))
			return false;
		return expr_same(r->left, t->left);
	case SYN_E_LIST:
	case SYN_E_STRUCT:
		if (r->nitems != t->nitems)
			return false;
		for (int i = 0; i < r->nitems; i++)
			if (!expr_same(r->items[i], t->items[i]))
				return false;
		return true;
	default:
		return false;
	}
}

static void expr_text(const struct syn_expr *x, struct sb *out)
{
	if (!x) {
		sb_add(out, "nothing");
		return;
	}
	switch (x->kind) {
	case SYN_E_INT:
		sb_addf(out, "%lld", x->num);
		break;
	case SYN_E_ELLIPSIS:
		sb_add(out, "...");
		break;
	case SYN_E_SYMBOL:
		sb_addf(out, "%s (%lld)", x->name ? x->name : "?", x->num);
		break;
	case SYN_E_STRING:
		sb_addf(out, "\"%s\"", x->name ? x->name : "");
		break;
	case SYN_E_NULL:
		sb_add(out, "NULL");
		break;
	case SYN_E_OR:
		sb_addf(out, "%lld", x->num);
		break;
	default:
		sb_add(out, x->kind == SYN_E_LIST ? "a list [...]" : "a structure {...}");
		break;
	}
}

static bool call_same(const struct syn_syscall *r, const struct syn_syscall *t, struct sb *why)
{
	if (strcmp(r->name, t->name)) {
		sb_addf(why, "you called %s(); this step calls %s()\n", t->name, r->name);
		return false;
	}
	if (r->nargs != t->nargs) {
		sb_addf(why, "your %s() has %d argument%s; it takes %d here\n", t->name, t->nargs,
			t->nargs == 1 ? "" : "s", r->nargs);
		return false;
	}
	size_t before = why->len;
	for (int i = 0; i < r->nargs; i++) {
		if (expr_same(r->args[i], t->args[i]))
			continue;
		struct sb a = SB_INIT, b = SB_INIT;
		expr_text(t->args[i], &a);
		expr_text(r->args[i], &b);
		sb_addf(why, "argument %d of %s(): yours is %s; this step's is %s\n", i + 1, r->name, sb_str(&a),
			sb_str(&b));
		sb_free(&a);
		sb_free(&b);
	}
	return why->len == before;
}

static const char *kind_name(const struct syn_event *ev)
{
	switch (ev->kind) {
	case SYN_PACKET:
		return ev->u.pkt.dir == '<' ? "a segment you inject ('<')" : "an expected segment ('>')";
	case SYN_SYSCALL:
		return "a system call";
	case SYN_SHELL:
		return "a `command`";
	case SYN_CODE:
		return "a %{ }% block";
	case SYN_COMMAND:
		return "a shell command";
	default:
		return "an empty line";
	}
}

static bool words_same(const char *a, const char *b)
{
	char *x = normalize(a), *y = normalize(b);
	bool same = !strcmp(x, y);
	free(x);
	free(y);
	return same;
}

bool lesson_same_effect(const struct syn_event *ref, const struct syn_event *typed, struct sb *why)
{
	if (ref->kind != typed->kind) {
		sb_addf(why, "your line is %s; this step is %s\n", kind_name(typed), kind_name(ref));
		return false;
	}
	switch (ref->kind) {
	case SYN_PACKET:
		return packet_same(&ref->u.pkt, &typed->u.pkt, why);
	case SYN_SYSCALL:
		return call_same(&ref->u.call, &typed->u.call, why);
	case SYN_SHELL:
	case SYN_CODE:
		if (words_same(ref->u.str.text, typed->u.str.text))
			return true;
		sb_addf(why, "your command is `%s`; this step's is `%s`\n", typed->u.str.text, ref->u.str.text);
		return false;
	case SYN_COMMAND:
		if (!strcmp(ref->u.cmd.word, typed->u.cmd.word))
			return true;
		sb_addf(why, "your command is '%s'; this step's is '%s'\n", typed->u.cmd.word, ref->u.cmd.word);
		return false;
	default:
		return true;
	}
}
