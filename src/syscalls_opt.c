/*
 * syscalls_opt: setsockopt, getsockopt, fcntl and ioctl: the calls whose
 * third or fourth argument is a value in memory. An option value is [N] (an
 * int), a "string" (TCP_CONGESTION, TCP_FASTOPEN_KEY), a struct from the
 * table below ({l_onoff=1, l_linger=0}, or packetdrill's own spelling
 * {onoff=1, linger=0}; {tv_sec=1, tv_usec=0}) or NULL; for
 * getsockopt the value and [length] the line gives are what the kernel must
 * write, `...` leaves them unchecked.
 */
#include "syscalls_int.h"

#include <ctype.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>

#include "consts.h"

#define OPT_MAX 65536 /* bytes in one option value */

/* ---- struct-valued options: one row per struct ---- */

/* alias: packetdrill's name for the field, when it differs from the C one. */
struct opt_field {
	const char *name;
	size_t off, size;
	const char *alias;
};

struct opt_struct {
	const char *what;
	size_t size;
	struct opt_field f[2];
	const char *names[5]; /* for sys_fields_known */
};

static const struct opt_struct opt_structs[] = {
	{"struct linger",
	 sizeof(struct linger),
	 {{"l_onoff", offsetof(struct linger, l_onoff), sizeof(int), "onoff"},
	  {"l_linger", offsetof(struct linger, l_linger), sizeof(int), "linger"}},
	 {"l_onoff", "l_linger", "onoff", "linger", NULL}},
	{"struct timeval",
	 sizeof(struct timeval),
	 {{"tv_sec", offsetof(struct timeval, tv_sec), sizeof(time_t), NULL},
	  {"tv_usec", offsetof(struct timeval, tv_usec), sizeof(suseconds_t), NULL}},
	 {"tv_sec", "tv_usec", NULL}},
};

/* The value a struct gives for a field, under its C name or its alias. */
static const struct syn_expr *field_value(const struct syn_expr *st, const struct opt_field *f)
{
	const struct syn_expr *v = sys_field(st, f->name);
	return v || !f->alias ? v : sys_field(st, f->alias);
}

static const struct opt_struct *struct_form(const struct syn_expr *st)
{
	for (size_t i = 0; i < sizeof(opt_structs) / sizeof(opt_structs[0]); i++)
		if (field_value(st, &opt_structs[i].f[0]) || field_value(st, &opt_structs[i].f[1]))
			return &opt_structs[i];
	return NULL;
}

static void put_int(void *p, size_t size, long long v)
{
	if (size == sizeof(int)) {
		int x = (int)v;
		memcpy(p, &x, sizeof(x));
	} else {
		memcpy(p, &v, sizeof(v) < size ? sizeof(v) : size);
	}
}

static long long get_int(const void *p, size_t size)
{
	if (size == sizeof(int)) {
		int x;
		memcpy(&x, p, sizeof(x));
		return x;
	}
	long long v = 0;
	memcpy(&v, p, sizeof(v) < size ? sizeof(v) : size);
	return v;
}

static int struct_fill(const struct opt_struct *s, const struct syn_expr *st, void *buf, struct sb *err, int *col)
{
	if (sys_fields_known(st, s->names, s->what, err, col))
		return -1;
	for (int i = 0; i < 2; i++) {
		const struct syn_expr *v = field_value(st, &s->f[i]);
		if (v && !sys_is_int(v))
			return sys_fail(err, col, v, "%s must be a number", s->f[i].name);
		put_int((char *)buf + s->f[i].off, s->f[i].size, v ? v->num : 0);
	}
	return 0;
}

/* ---- the value and length arguments ---- */

/* The size the value's form has: what `...` as a length means. */
static size_t natural_size(const struct syn_expr *v)
{
	const struct opt_struct *s = v->kind == SYN_E_STRUCT ? struct_form(v) : NULL;
	if (s)
		return s->size;
	if (v->kind == SYN_E_STRING)
		return (size_t)v->num;
	return sizeof(int);
}

/* The length argument: N, [N] or `...` (the value's own size). */
static int optlen_arg(struct sys_job *j, const struct syn_expr *l, const struct syn_expr *v, struct sb *err,
		      int *col)
{
	long long n;
	if (l->kind == SYN_E_ELLIPSIS)
		n = (long long)natural_size(v);
	else if (!sys_list_int(l, &n) && !sys_is_int(l))
		return sys_fail(err, col, l, "%s: the option length must be N, [N] or ...", j->row->name);
	else if (sys_is_int(l))
		n = l->num;
	if (n < 0 || n > OPT_MAX)
		return sys_fail(err, col, l, "%s: the option length must be from 0 to %d", j->row->name, OPT_MAX);
	j->optlen = (socklen_t)n;
	return 0;
}

/* The buffer: as big as the value's form and the length, whichever is more,
 * zero-padded (so a short "" with length 16 reads zeros, not memory beyond). */
static int optval_arg(struct sys_job *j, const struct syn_expr *v, bool input, struct sb *err, int *col)
{
	long long n;
	if (v->kind == SYN_E_NULL)
		return 0;
	size_t size = natural_size(v) > j->optlen ? natural_size(v) : j->optlen;
	j->buflen = size ? size : 1;
	j->buf = xcalloc(1, j->buflen + 1);
	if (!input || v->kind == SYN_E_ELLIPSIS)
		return 0;
	if (sys_is_int(v) || sys_list_int(v, &n)) {
		const struct syn_expr *num = sys_is_int(v) ? v : v->items[0];
		/* An int option: a value that does not fit would be cut silently. */
		if (num->num < INT32_MIN || num->num > (long long)UINT32_MAX)
			return sys_fail(err, col, num, "%s: the option value %lld does not fit in an int (32 bits)",
					j->row->name, num->num);
		put_int(j->buf, sizeof(int), num->num);
	} else if (v->kind == SYN_E_STRING) {
		memcpy(j->buf, v->name, (size_t)v->num);
	} else if (v->kind == SYN_E_STRUCT && struct_form(v)) {
		return struct_fill(struct_form(v), v, j->buf, err, col);
	} else {
		return sys_fail(err, col, v,
				"%s: the option value must be [N], \"text\", {l_onoff=N, l_linger=N}, "
				"{tv_sec=N, tv_usec=N}, NULL or ...",
				j->row->name);
	}
	return 0;
}

static int fd_level_name(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	return sys_fd_arg(env, j, 0, &j->script_fd, &j->fd, err, col) || sys_int_arg(j, 1, err, col) ||
			       sys_int_arg(j, 2, err, col)
		       ? -1
		       : 0;
}

/* setsockopt(fd, level, name, value, length) */
int sys_prep_setsockopt(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	if (fd_level_name(env, j, err, col))
		return -1;
	const struct syn_expr *v = j->call->args[3];
	if (optlen_arg(j, j->call->args[4], v, err, col))
		return -1;
	return optval_arg(j, v, true, err, col);
}

/* getsockopt(fd, level, name, value, [length]) */
int sys_prep_getsockopt(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	if (fd_level_name(env, j, err, col))
		return -1;
	const struct syn_expr *v = j->call->args[3];
	long long n;
	if (optlen_arg(j, j->call->args[4], v, err, col))
		return -1;
	if (v->kind != SYN_E_NULL && v->kind != SYN_E_ELLIPSIS && v->kind != SYN_E_STRING && !sys_list_int(v, &n) &&
	    !(v->kind == SYN_E_STRUCT && struct_form(v)))
		return sys_fail(err, col, v,
				"getsockopt: the value to expect must be [N], \"text\", {l_onoff=N, l_linger=N}, "
				"{tv_sec=N, tv_usec=N} or ...");
	if (v->kind == SYN_E_STRUCT && sys_fields_known(v, struct_form(v)->names, struct_form(v)->what, err, col))
		return -1;
	return optval_arg(j, v, false, err, col);
}

long long sys_run_setsockopt(struct sys_job *j)
{
	return setsockopt(j->fd, (int)j->a[1], (int)j->a[2], j->buf, j->optlen);
}

long long sys_run_getsockopt(struct sys_job *j)
{
	socklen_t len = j->optlen;
	int r = getsockopt(j->fd, (int)j->a[1], (int)j->a[2], j->buf, &len);
	j->optlen = len;
	return r;
}

/* ---- what getsockopt wrote ---- */

static void printable(struct sb *out, const char *p, size_t n)
{
	sb_addc(out, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (isprint(c) && c != '"' && c != '\\')
			sb_addc(out, (char)c);
		else
			sb_addf(out, "\\x%02x", c);
	}
	sb_addc(out, '"');
}

/* A string option (TCP_CONGESTION) comes back NUL-padded: its text is up to the first NUL. */
static size_t text_len(const char *p, size_t n)
{
	const char *z = memchr(p, 0, n);
	return z ? (size_t)(z - p) : n;
}

static void check_struct(const struct syn_expr *v, const struct sys_job *j, struct sys_outcome *out)
{
	const struct opt_struct *s = struct_form(v);
	for (int i = 0; i < 2; i++) {
		const struct syn_expr *w = field_value(v, &s->f[i]);
		out->checked = out->checked || w;
		if (s->f[i].off + s->f[i].size > j->optlen) {
			if (w)
				sys_why(out, "optval: %s: expected %lld, the kernel wrote only %u bytes", s->f[i].name,
					w->num, (unsigned)j->optlen);
			continue;
		}
		long long got = get_int((const char *)j->buf + s->f[i].off, s->f[i].size);
		sb_addf(&out->detail, "%s%s=%lld", i ? ", " : "", s->f[i].name, got);
		if (w && w->num != got)
			sys_why(out, "optval: %s: expected %lld, the kernel wrote %lld", s->f[i].name, w->num, got);
	}
}

static void check_string(const struct syn_expr *v, const struct sys_job *j, struct sys_outcome *out)
{
	size_t n = text_len(j->buf, j->optlen);
	sb_add(&out->detail, "value ");
	printable(&out->detail, j->buf, n);
	out->checked = true;
	if ((size_t)v->num == n && !memcmp(v->name, j->buf, n))
		return;
	sb_add(&out->why, "optval: expected ");
	printable(&out->why, v->name, (size_t)v->num);
	sb_add(&out->why, ", the kernel wrote ");
	printable(&out->why, j->buf, n);
	sb_addc(&out->why, '\n');
}

void sys_check_getsockopt(const struct sys_env *env, struct sys_job *j, struct sys_outcome *out)
{
	(void)env;
	const struct syn_expr *v = j->call->args[3];
	sys_check_int(out, j->call->args[4], j->optlen, "optlen");
	if (!j->buf)
		return;
	if (v->kind == SYN_E_STRING) {
		check_string(v, j, out);
	} else if (v->kind == SYN_E_STRUCT) {
		check_struct(v, j, out);
	} else if (j->optlen <= sizeof(int) || v->kind != SYN_E_ELLIPSIS) {
		int x = 0;
		memcpy(&x, j->buf, j->optlen < sizeof(int) ? j->optlen : sizeof(int));
		sb_addf(&out->detail, "value %d", x);
		if (j->a[1] == SOL_SOCKET && j->a[2] == SO_ERROR && x && consts_errno_name(x))
			sb_addf(&out->detail, " %s", consts_errno_name(x));
		sys_check_int(out, v, x, "optval");
	} else {
		sb_addf(&out->detail, "%u bytes", (unsigned)j->optlen);
	}
}

/* ---- fcntl ---- */

/* fcntl(fd, cmd) or fcntl(fd, cmd, arg) */
int sys_prep_fcntl(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	return sys_fd_arg(env, j, 0, &j->script_fd, &j->fd, err, col) || sys_int_args(j, 1, err, col) ? -1 : 0;
}

long long sys_run_fcntl(struct sys_job *j)
{
	if (j->call->nargs < 3)
		return fcntl(j->fd, (int)j->a[1]);
	return fcntl(j->fd, (int)j->a[1], (long)j->a[2]);
}

static const char *const access_modes[] = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"};

void sys_check_fcntl(const struct sys_env *env, struct sys_job *j, struct sys_outcome *out)
{
	(void)env;
	if (j->a[1] == F_GETFL) {
		unsigned long long status = (unsigned long long)j->ret & ~(unsigned long long)O_ACCMODE;
		sb_addf(&out->detail, "flags %s", access_modes[j->ret & O_ACCMODE]);
		if (status) {
			sb_addc(&out->detail, '|');
			sys_flags_text(&out->detail, sys_open_flags, status);
		}
	} else if (j->a[1] == F_GETFD) {
		sb_add(&out->detail, j->ret & FD_CLOEXEC ? "flags FD_CLOEXEC" : "flags 0");
	}
}

/* ---- ioctl ---- */

/* ioctl(fd, request, [N]): the int is passed in and what the kernel leaves
 * there is compared with N (SIOCINQ, SIOCOUTQ, FIONREAD write it; FIONBIO
 * reads it and leaves it). `...` passes an int unchecked, NULL a NULL
 * pointer, a plain number the number itself. */
int sys_prep_ioctl(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	if (sys_fd_arg(env, j, 0, &j->script_fd, &j->fd, err, col) || sys_int_arg(j, 1, err, col))
		return -1;
	if (j->call->nargs < 3)
		return 0;
	const struct syn_expr *v = j->call->args[2];
	long long n;
	if (sys_list_int(v, &n))
		j->out_int = (int)n;
	else if (sys_is_int(v))
		j->a[2] = v->num;
	else if (v->kind != SYN_E_ELLIPSIS && v->kind != SYN_E_NULL)
		return sys_fail(err, col, v, "ioctl: the argument must be [N], ..., NULL or a number");
	return 0;
}

static bool ioctl_by_pointer(const struct sys_job *j)
{
	return j->call->nargs > 2 && (j->call->args[2]->kind == SYN_E_LIST || j->call->args[2]->kind == SYN_E_ELLIPSIS);
}

long long sys_run_ioctl(struct sys_job *j)
{
	if (ioctl_by_pointer(j))
		return ioctl(j->fd, (unsigned long)j->a[1], &j->out_int);
	if (j->call->nargs > 2 && j->call->args[2]->kind == SYN_E_NULL)
		return ioctl(j->fd, (unsigned long)j->a[1], NULL);
	return ioctl(j->fd, (unsigned long)j->a[1], (long)j->a[2]);
}

void sys_check_ioctl(const struct sys_env *env, struct sys_job *j, struct sys_outcome *out)
{
	(void)env;
	if (!ioctl_by_pointer(j))
		return;
	sb_addf(&out->detail, "value %d", j->out_int);
	sys_check_int(out, j->call->args[2], j->out_int, "value");
}
