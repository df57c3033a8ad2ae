/*
 * shellcmd_parse: decides whether a backquoted command is made only of what
 * tcpsh runs natively, and if so turns it into a plan of steps (sysctl
 * assignments to net.* keys, set_sysctls.py and its restore script, helper
 * scripts, echo, set -e, and through shellcmd_tools.c tc, ip and ethtool)
 * joined by newlines, ;, && and ||. Pure: text in, plan out; reading helper
 * files and acting on the plan is shellcmd_run.c's job. Not a shell: what it
 * does not know is refused with a reason, never guessed.
 */
#include "shellcmd.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "shellcmd_lex.h"
#include "shellcmd_parse.h"

void shellcmd_strv_push(struct shellcmd_strv *s, const char *str)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 8;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = xstrdup(str);
}

void shellcmd_strv_free(struct shellcmd_strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* ---- messages ---- */

/* The text between start and end on one line, blanks squeezed. */
static void add_source(struct sb *out, const char *text, size_t start, size_t end)
{
	bool blank = false;
	for (size_t i = start; i < end; i++) {
		char c = text[i];
		if (c == '\\' && text[i + 1] == '\n') {
			i++;
			c = ' ';
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			blank = true;
			continue;
		}
		if (blank && out->len > 0)
			sb_addc(out, ' ');
		blank = false;
		sb_addc(out, c);
	}
}

static void add_where(const struct shellcmd_parser *p, struct sb *out, int line)
{
	if (p->origin)
		sb_addf(out, "%s:%d", p->origin, line);
	else if (p->multiline)
		sb_addf(out, "line %d", line);
}

int shellcmd_refuse(struct shellcmd_parser *p, const struct shellcmd_cmd *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(&p->reason, fmt, ap);
	va_end(ap);
	p->src_start = c->start;
	p->src_end = c->end;
	p->src_line = c->line;
	return 0;
}

int shellcmd_bad(struct shellcmd_parser *p, int line, const char *fmt, ...)
{
	struct sb where = SB_INIT;
	add_where(p, &where, line);
	if (where.len)
		sb_addf(p->err, "%s: ", where.buf);
	sb_free(&where);
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(p->err, fmt, ap);
	va_end(ap);
	return -1;
}

/* Reads the next token; a refusal or an error names the command it is in. */
static int next(struct shellcmd_parser *p)
{
	int r = shellcmd_lex_next(&p->lx, &p->tok);
	if (r == 0) {
		p->src_start = p->in_cmd ? p->src_start : p->tok.start;
		p->src_end = shellcmd_lex_line_end(&p->lx, p->lx.i);
		p->src_line = p->in_cmd ? p->src_line : p->tok.line;
	} else if (r < 0) {
		r = shellcmd_bad(p, p->lx.line, "%s", sb_str(&p->lexerr));
	}
	return r;
}

/* ---- keys ---- */

/* 1 when key ("net.ipv4.tcp_sack" or "net/ipv4/tcp_sack") is a net.* key
 * with sound parts, 0 when it is outside net, -1 when a part is empty,
 * "." or ".." or holds a blank or a control character. */
static int check_key(const char *key)
{
	const char *seps = strchr(key, '/') ? "/" : ".";
	if (strncmp(key, "net", 3) != 0 || key[3] != seps[0])
		return strcmp(key, "net") == 0 ? -1 : 0;
	for (const char *part = key;;) {
		size_t n = strcspn(part, seps);
		if (n == 0 || (n == 1 && part[0] == '.') ||
		    (n == 2 && part[0] == '.' && part[1] == '.'))
			return -1;
		for (size_t i = 0; i < n; i++)
			if (!isgraph((unsigned char)part[i]))
				return -1;
		part += n;
		if (*part == '\0')
			return 1;
		part++;
	}
}

/* The key in dotted form, or as given when a slash-separated part holds a
 * dot (an interface such as eth0.100). Caller frees. */
static char *dotted(const char *key)
{
	char *k = xstrdup(key);
	if (strchr(k, '/') && !strchr(k, '.'))
		for (char *c = k; *c; c++)
			if (*c == '/')
				*c = '.';
	return k;
}

static bool is_proc_net(const char *path)
{
	return strncmp(path, "/proc/sys/net/", 14) == 0;
}

/* ---- steps ---- */

struct shellcmd_step *shellcmd_add_step(struct shellcmd_parser *p, const struct shellcmd_cmd *c,
					enum shellcmd_op op, enum shellcmd_link link)
{
	struct shellcmd_plan *plan = p->plan;
	if (plan->n == plan->cap) {
		plan->cap = plan->cap ? 2 * plan->cap : 8;
		plan->steps = xrealloc(plan->steps, plan->cap * sizeof(*plan->steps));
	}
	struct shellcmd_step *s = &plan->steps[plan->n++];
	memset(s, 0, sizeof(*s));
	s->op = op;
	s->link = link;
	s->line = c->line;
	if (c->out && strcmp(c->out, "/dev/null") == 0)
		s->flags |= SHELLCMD_F_OUT_NULL;
	if (c->errt && strcmp(c->errt, "/dev/null") == 0)
		s->flags |= SHELLCMD_F_ERR_NULL;
	struct sb src = SB_INIT;
	add_source(&src, p->text, c->start, c->end);
	s->source = sb_detach(&src);
	s->argv = xcalloc(c->words.n + 1, sizeof(char *));
	for (size_t i = 0; i < c->words.n; i++)
		s->argv[i] = xstrdup(c->words.v[i]);
	s->argc = c->words.n;
	return s;
}

/* Replaces the step's words with v (taking its strings). */
void shellcmd_set_argv(struct shellcmd_step *s, struct shellcmd_strv *v)
{
	for (size_t i = 0; i < s->argc; i++)
		free(s->argv[i]);
	free(s->argv);
	s->argv = xrealloc(v->v, (v->n + 1) * sizeof(char *));
	s->argv[v->n] = NULL;
	s->argc = v->n;
	memset(v, 0, sizeof(*v));
}

static void add_kv(struct shellcmd_step *s, char *key, const char *value)
{
	s->kv = xrealloc(s->kv, (s->nkv + 1) * sizeof(*s->kv));
	s->kv[s->nkv].key = key;
	s->kv[s->nkv].value = value ? xstrdup(value) : NULL;
	s->nkv++;
}

/* ---- the commands ---- */

typedef int (*classify_fn)(struct shellcmd_parser *p, const struct shellcmd_cmd *c,
			   enum shellcmd_link link);

/* One sysctl argument: KEY or KEY=VALUE. */
static int sysctl_arg(struct shellcmd_parser *p, const struct shellcmd_cmd *c, const char *a,
		      bool write, struct shellcmd_step *s)
{
	const char *eq = strchr(a, '=');
	char *key = eq ? xstrndup(a, (size_t)(eq - a)) : xstrdup(a);
	int k = check_key(key);
	int r = 1;
	if (k == 0)
		r = shellcmd_refuse(p, c, "%s is not a net.* sysctl, so it would change the host",
				    key);
	else if (k < 0)
		r = shellcmd_bad(
			p, c->line,
			"sysctl %s: a key is net.PART.PART..., without empty, '.' or '..' parts",
			key);
	else if (write && !eq)
		r = shellcmd_bad(p, c->line, "sysctl -w %s: expected %s=VALUE", key, key);
	else if (eq && strchr(eq, '\n'))
		r = shellcmd_bad(p, c->line, "sysctl %s: a value may not hold a newline", key);
	if (r == 1)
		add_kv(s, dotted(key), eq ? eq + 1 : NULL);
	free(key);
	return r;
}

/* sysctl's options: -q -w -n -e, alone or together, and their long names. */
static int sysctl_option(struct shellcmd_parser *p, const struct shellcmd_cmd *c, const char *a,
			 unsigned *flags, bool *write)
{
	static const struct {
		char opt;
		const char *name;
		unsigned flag;
	} opts[] = {
		{'q', "--quiet", SHELLCMD_F_QUIET},
		{'n', "--values", SHELLCMD_F_VALUES},
		{'e', "--ignore", SHELLCMD_F_IGNORE},
		{'w', "--write", 0},
	};
	for (const char *o = a + 1; *o; o++) {
		size_t i = 0;
		while (i < sizeof(opts) / sizeof(opts[0]) &&
		       (a[1] == '-' ? strcmp(a, opts[i].name) != 0 : *o != opts[i].opt))
			i++;
		if (i == sizeof(opts) / sizeof(opts[0]))
			return shellcmd_refuse(
				p, c, "tcpsh understands only sysctl -q, -w, -n and -e, not %s", a);
		*flags |= opts[i].flag;
		*write |= opts[i].opt == 'w';
		if (a[1] == '-')
			break;
	}
	return 1;
}

static int classify_sysctl(struct shellcmd_parser *p, const struct shellcmd_cmd *c,
			   enum shellcmd_link link)
{
	unsigned flags = 0;
	bool write = false;
	int r = 1;
	for (size_t i = 1; r == 1 && i < c->words.n; i++)
		if (c->words.v[i][0] == '-' && c->words.v[i][1])
			r = sysctl_option(p, c, c->words.v[i], &flags, &write);
	if (r != 1)
		return r;
	struct shellcmd_step *s = shellcmd_add_step(p, c, SHELLCMD_SYSCTL, link);
	s->flags |= flags;
	for (size_t i = 1; r == 1 && i < c->words.n; i++)
		if (!(c->words.v[i][0] == '-' && c->words.v[i][1]))
			r = sysctl_arg(p, c, c->words.v[i], write, s);
	if (r == 1 && s->nkv == 0)
		r = shellcmd_bad(p, c->line, "sysctl: expected KEY=VALUE");
	return r;
}

/* echo WORDS, printed, or written to a /proc/sys/net file: a sysctl. */
static int classify_echo(struct shellcmd_parser *p, const struct shellcmd_cmd *c,
			 enum shellcmd_link link)
{
	struct sb text = SB_INIT;
	int r = 1;
	for (size_t i = 1; r == 1 && i < c->words.n; i++) {
		const char *w = c->words.v[i];
		if (w[0] == '-' && w[1] && strspn(w + 1, "neE") == strlen(w + 1))
			r = shellcmd_refuse(p, c, "echo's options differ between shells");
		else if (strchr(w, '\\'))
			r = shellcmd_refuse(p, c, "echo's backslash escapes differ between shells");
		sb_addf(&text, "%s%s", i > 1 ? " " : "", w);
	}
	if (r == 1 && c->out && is_proc_net(c->out)) {
		const char *key = c->out + 10;
		if (check_key(key) < 0) {
			r = shellcmd_bad(
				p, c->line,
				"%s: a sysctl file is /proc/sys/net/PART/..., without empty, "
				"'.' or '..' parts",
				c->out);
		} else if (strchr(sb_str(&text), '\n')) {
			r = shellcmd_bad(p, c->line, "%s: a value may not hold a newline", c->out);
		} else {
			struct shellcmd_step *s = shellcmd_add_step(p, c, SHELLCMD_SYSCTL, link);
			s->flags |= SHELLCMD_F_QUIET;
			add_kv(s, dotted(key), sb_str(&text));
		}
	} else if (r == 1) {
		shellcmd_add_step(p, c, SHELLCMD_ECHO, link);
	}
	sb_free(&text);
	return r;
}

static int classify_true(struct shellcmd_parser *p, const struct shellcmd_cmd *c,
			 enum shellcmd_link link)
{
	shellcmd_add_step(p, c, SHELLCMD_TRUE, link);
	return 1;
}

/* set -e / +e (stop at the first failure) and -u / +u (no variables here). */
static int classify_set(struct shellcmd_parser *p, const struct shellcmd_cmd *c,
			enum shellcmd_link link)
{
	for (size_t i = 1; i < c->words.n; i++) {
		const char *w = c->words.v[i];
		if ((w[0] != '-' && w[0] != '+') || !w[1] || strspn(w + 1, "eu") != strlen(w + 1))
			return shellcmd_refuse(
				p, c, "tcpsh follows only set -e and set -u, not set %s", w);
	}
	shellcmd_add_step(p, c, SHELLCMD_SET, link);
	return 1;
}

/* packetdrill's set_sysctls.py: each argument /proc/sys/net/KEY=VALUE. */
static int classify_set_sysctls(struct shellcmd_parser *p, const struct shellcmd_cmd *c,
				enum shellcmd_link link)
{
	struct shellcmd_step *s = shellcmd_add_step(p, c, SHELLCMD_SET_SYSCTLS, link);
	for (size_t i = 1; i < c->words.n; i++) {
		const char *a = c->words.v[i], *eq = strchr(a, '=');
		if (!eq)
			return shellcmd_bad(
				p, c->line,
				"set_sysctls.py: expected /proc/sys/net/KEY=VALUE, not %s", a);
		char *path = xstrndup(a, (size_t)(eq - a));
		int k = is_proc_net(path) ? check_key(path + 10) : 0;
		int r = 1;
		if (k == 0)
			r = shellcmd_refuse(
				p, c, "set_sysctls.py would write %s, outside /proc/sys/net", path);
		else if (k < 0 || strchr(eq, '\n'))
			r = shellcmd_bad(
				p, c->line,
				"set_sysctls.py: %s is not a sysctl file or its value holds "
				"a newline",
				path);
		else
			add_kv(s, dotted(path + 10), eq + 1);
		free(path);
		if (r != 1)
			return r;
	}
	return 1;
}

/* A command named by a path: set_sysctls.py, the restore script it
 * writes, or a helper script (read by shellcmd_run). */
static int classify_path(struct shellcmd_parser *p, const struct shellcmd_cmd *c,
			 enum shellcmd_link link)
{
	const char *path = c->words.v[0];
	const char *base = strrchr(path, '/') + 1;
	if (strcmp(base, "set_sysctls.py") == 0)
		return classify_set_sysctls(p, c, link);
	if (c->words.n > 1)
		return shellcmd_refuse(p, c, "it runs %s with arguments, which tcpsh cannot follow",
				       path);
	struct sb restore = SB_INIT;
	sb_addf(&restore, "/tmp/sysctl_restore_%ld.sh", p->cfg->ppid);
	shellcmd_add_step(p, c, strcmp(path, restore.buf) == 0 ? SHELLCMD_RESTORE : SHELLCMD_HELPER,
			  link);
	sb_free(&restore);
	return 1;
}

/* A program's name: itself, or its base name when it lives in a system
 * directory; NULL for another path (a script the caller names). */
static const char *tool_name(const char *word)
{
	static const char *const dirs[] = {"/bin/",	 "/sbin/",	    "/usr/bin/",
					   "/usr/sbin/", "/usr/local/bin/", "/usr/local/sbin/",
					   NULL};
	const char *slash = strrchr(word, '/');
	if (!slash)
		return word;
	for (const char *const *d = dirs; *d; d++)
		if (strncmp(word, *d, strlen(*d)) == 0 && slash == word + strlen(*d) - 1)
			return slash + 1;
	return NULL;
}

/* Where 1 and 2 go must be the terminal or /dev/null (or, for echo, a
 * /proc/sys/net file): anything else writes a file. */
static int check_targets(struct shellcmd_parser *p, const struct shellcmd_cmd *c, const char *name)
{
	const char *t[2] = {c->out, c->errt};
	for (int i = 0; i < 2; i++) {
		if (!t[i] || strcmp(t[i], "/dev/null") == 0)
			continue;
		if (i == 0 && strcmp(name, "echo") == 0 && is_proc_net(t[i]))
			continue;
		if (strncmp(t[i], "/proc/sys/", 10) == 0)
			return shellcmd_refuse(
				p, c,
				"it writes %s, outside /proc/sys/net, so it would change "
				"the host",
				t[i]);
		return shellcmd_refuse(p, c, "it writes %s", t[i]);
	}
	return 1;
}

static int classify(struct shellcmd_parser *p, const struct shellcmd_cmd *c,
		    enum shellcmd_link link)
{
	static const struct {
		const char *name;
		classify_fn fn;
	} tools[] = {
		{"sysctl", classify_sysctl},
		{"echo", classify_echo},
		{"ip", shellcmd_classify_ip},
		{"tc", shellcmd_classify_tc},
		{"ethtool", shellcmd_classify_ethtool},
		{"true", classify_true},
		{":", classify_true},
		{"set", classify_set},
	};
	const char *name = tool_name(c->words.v[0]);
	int r = check_targets(p, c, name ? name : "");
	if (r != 1)
		return r;
	if (!name)
		return classify_path(p, c, link);
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		if (strcmp(name, tools[i].name) == 0)
			return tools[i].fn(p, c, link);
	if (strchr(name, '='))
		return shellcmd_refuse(p, c, "it sets a shell variable");
	return shellcmd_refuse(p, c, "tcpsh does not run %s itself", name);
}

/* ---- the grammar ---- */

static void set_target(char **slot, const char *target)
{
	free(*slot);
	*slot = target ? xstrdup(target) : NULL;
}

static void apply_redir(struct shellcmd_cmd *c, const struct shellcmd_token *t)
{
	if (t->dup >= 0) {
		char *from = t->dup == 1 ? c->out : c->errt;
		char *copy = from ? xstrdup(from) : NULL;
		set_target(t->fd == 1 ? &c->out : &c->errt, copy);
		free(copy);
		return;
	}
	if (t->fd == 1 || t->fd == SHELLCMD_FD_BOTH)
		set_target(&c->out, sb_str(&t->text));
	if (t->fd == 2 || t->fd == SHELLCMD_FD_BOTH)
		set_target(&c->errt, sb_str(&t->text));
}

/* One simple command from the current token on; leaves the token after it. */
static int parse_command(struct shellcmd_parser *p, enum shellcmd_link link)
{
	struct shellcmd_cmd c = {0};
	c.start = p->tok.start;
	c.line = p->tok.line;
	p->in_cmd = true;
	p->src_start = c.start;
	p->src_line = c.line;
	int r = 1;
	while (r == 1 && (p->tok.kind == SHELLCMD_TK_WORD || p->tok.kind == SHELLCMD_TK_REDIR)) {
		if (p->tok.kind == SHELLCMD_TK_WORD)
			shellcmd_strv_push(&c.words, sb_str(&p->tok.text));
		else
			apply_redir(&c, &p->tok);
		c.end = p->lx.i;
		r = next(p);
	}
	p->in_cmd = false;
	if (r == 1)
		r = c.words.n ? classify(p, &c, link)
			      : shellcmd_refuse(p, &c, "it is a redirection without a command");
	shellcmd_strv_free(&c.words);
	free(c.out);
	free(c.errt);
	return r;
}

static int parse_list(struct shellcmd_parser *p)
{
	enum shellcmd_link link = SHELLCMD_SEQ;
	int r = next(p);
	while (r == 1 && p->tok.kind != SHELLCMD_TK_END) {
		enum shellcmd_tok k = p->tok.kind;
		if (k == SHELLCMD_TK_NEWLINE) {
			r = next(p);
			continue;
		}
		if (k != SHELLCMD_TK_WORD && k != SHELLCMD_TK_REDIR)
			return shellcmd_bad(p, p->tok.line, "unexpected %s",
					    k == SHELLCMD_TK_SEMI  ? ";"
					    : k == SHELLCMD_TK_AND ? "&&"
								   : "||");
		r = parse_command(p, link);
		if (r != 1)
			return r;
		k = p->tok.kind;
		link = k == SHELLCMD_TK_AND  ? SHELLCMD_AND
		       : k == SHELLCMD_TK_OR ? SHELLCMD_OR
					     : SHELLCMD_SEQ;
		if (k != SHELLCMD_TK_END)
			r = next(p);
	}
	if (r == 1 && link != SHELLCMD_SEQ)
		r = shellcmd_bad(p, p->tok.line, "expected a command after %s",
				 link == SHELLCMD_AND ? "&&" : "||");
	return r;
}

/* True when text holds a line break between two non-blank characters. */
static bool is_multiline(const char *text)
{
	const char *first = text + strspn(text, " \t\r\n");
	size_t len = strlen(first);
	while (len > 0 && strchr(" \t\r\n", first[len - 1]))
		len--;
	return memchr(first, '\n', len) != NULL;
}

int shellcmd_plan_parse(const char *text, const char *origin, const struct shellcmd_cfg *cfg,
			struct shellcmd_plan *plan, struct shellcmd_why *why, struct sb *err)
{
	struct shellcmd_parser p = {0};
	sb_init(&p.tok.text);
	sb_init(&p.reason);
	sb_init(&p.lexerr);
	shellcmd_lex_init(&p.lx, text, cfg->ppid, &p.reason, &p.lexerr);
	p.text = text;
	p.origin = origin;
	p.multiline = is_multiline(text);
	p.cfg = cfg;
	p.plan = plan;
	p.why = why;
	p.err = err;
	int r = parse_list(&p);
	if (r == 0) {
		add_source(&why->source, text, p.src_start, p.src_end);
		add_where(&p, &why->where, p.src_line);
		sb_add(&why->reason, sb_str(&p.reason));
	}
	sb_free(&p.tok.text);
	sb_free(&p.reason);
	sb_free(&p.lexerr);
	return r;
}

void shellcmd_why_free(struct shellcmd_why *why)
{
	sb_free(&why->source);
	sb_free(&why->where);
	sb_free(&why->reason);
}

void shellcmd_plan_free(struct shellcmd_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++) {
		struct shellcmd_step *s = &plan->steps[i];
		for (size_t j = 0; j < s->argc; j++)
			free(s->argv[j]);
		free(s->argv);
		for (size_t j = 0; j < s->nkv; j++) {
			free(s->kv[j].key);
			free(s->kv[j].value);
		}
		free(s->kv);
		free(s->source);
		if (s->sub) {
			shellcmd_plan_free(s->sub);
			free(s->sub);
		}
	}
	free(plan->steps);
	memset(plan, 0, sizeof(*plan));
}

void shellcmd_plan_render(const struct shellcmd_plan *plan, struct sb *out)
{
	for (size_t i = 0; i < plan->n; i++) {
		const struct shellcmd_step *s = &plan->steps[i];
		if (s->op == SHELLCMD_SYSCTL || s->op == SHELLCMD_SET_SYSCTLS) {
			for (size_t j = 0; j < s->nkv; j++)
				if (s->kv[j].value)
					sb_addf(out, "%s=%s\n", s->kv[j].key, s->kv[j].value);
				else
					sb_addf(out, "?%s\n", s->kv[j].key);
		} else if (s->op == SHELLCMD_HELPER && s->sub) {
			shellcmd_plan_render(s->sub, out);
		} else {
			sb_addc(out, '!');
			for (size_t j = 0; j < s->argc; j++)
				sb_addf(out, "%s%s", j ? " " : "", s->argv[j]);
			sb_addc(out, '\n');
		}
	}
}

int shellcmd_parse_native(const char *text, const struct shellcmd_cfg *cfg, struct sb *out,
			  struct sb *err)
{
	struct shellcmd_plan plan = {0};
	struct shellcmd_why why = {SB_INIT, SB_INIT, SB_INIT};
	int r = shellcmd_plan_parse(text, NULL, cfg, &plan, &why, err);
	if (r == 1)
		shellcmd_plan_render(&plan, out);
	shellcmd_plan_free(&plan);
	shellcmd_why_free(&why);
	return r;
}
