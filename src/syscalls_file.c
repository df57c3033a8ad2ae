/*
 * syscalls_file: the calls about descriptors other than sockets: pipe
 * (pipe([5, 6]) = 0 numbers the two ends 5 and 6), splice, sendfile and
 * open (a path relative to the current directory, which the script runner
 * sets to the script's own).
 */
#include "syscalls_int.h"

#include <fcntl.h>
#include <sys/sendfile.h>
#include <unistd.h>

/* pipe([r, w]) */
int sys_prep_pipe(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	(void)env;
	const struct syn_expr *e = j->call->args[0];
	if (e->kind == SYN_E_NULL)
		return 0;
	if (e->kind != SYN_E_LIST || e->nitems != 2)
		return sys_fail(err, col, e, "pipe: the argument must be the two fds to number, [READ_FD, WRITE_FD]");
	for (int i = 0; i < 2; i++)
		if (!sys_is_int(e->items[i]) && e->items[i]->kind != SYN_E_ELLIPSIS)
			return sys_fail(err, col, e->items[i], "pipe: a descriptor number or ...");
	return 0;
}

void sys_pipe_wanted(const struct sys_job *j, int want[2])
{
	const struct syn_expr *e = j->call->args[0];
	for (int i = 0; i < 2; i++)
		want[i] = e->kind == SYN_E_LIST && sys_is_int(e->items[i]) && e->items[i]->num >= 0 &&
				  e->items[i]->num < SYS_MAX_FDS
			  ? (int)e->items[i]->num
			  : -1;
}

long long sys_run_pipe(struct sys_job *j)
{
	return pipe(j->call->args[0]->kind == SYN_E_NULL ? NULL : j->pipefd);
}

/* An offset: NULL (or 0) for none, [N] for a pointer to N. */
static int offset_arg(const struct sys_job *j, int i, loff_t *off, loff_t **ptr, struct sb *err, int *col)
{
	const struct syn_expr *e = j->call->args[i];
	long long n;
	*ptr = NULL;
	if (e->kind == SYN_E_NULL || (sys_is_int(e) && e->num == 0))
		return 0;
	if (!sys_list_int(e, &n))
		return sys_fail(err, col, e, "%s: an offset must be NULL or [N]", j->row->name);
	*off = n;
	*ptr = off;
	return 0;
}

/* splice(fd_in, off_in, fd_out, off_out, len, flags) */
int sys_prep_splice(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	if (sys_fd_arg(env, j, 0, &j->script_fd, &j->fd, err, col) ||
	    offset_arg(j, 1, &j->off_in, &j->off_in_ptr, err, col) ||
	    sys_fd_arg(env, j, 2, &j->script_fd2, &j->fd2, err, col) ||
	    offset_arg(j, 3, &j->off_out, &j->off_out_ptr, err, col) || sys_int_arg(j, 4, err, col) ||
	    sys_int_arg(j, 5, err, col))
		return -1;
	if (j->a[4] < 0)
		return sys_fail(err, col, j->call->args[4], "splice: the length must not be negative");
	j->want = (size_t)j->a[4];
	return 0;
}

long long sys_run_splice(struct sys_job *j)
{
	return splice(j->fd, j->off_in_ptr, j->fd2, j->off_out_ptr, (size_t)j->a[4], (unsigned)j->a[5]);
}

/* sendfile(out_fd, in_fd, [offset], count): blocks as a write to out_fd does. */
int sys_prep_sendfile(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	if (sys_fd_arg(env, j, 0, &j->script_fd, &j->fd, err, col) ||
	    sys_fd_arg(env, j, 1, &j->script_fd2, &j->fd2, err, col) ||
	    offset_arg(j, 2, &j->off_in, &j->off_in_ptr, err, col) || sys_int_arg(j, 3, err, col))
		return -1;
	if (j->a[3] < 0 || j->a[3] > SYS_MAX_BUF)
		return sys_fail(err, col, j->call->args[3], "sendfile: the count must be from 0 to %d", SYS_MAX_BUF);
	j->want = (size_t)j->a[3];
	j->nonblock = sys_fd_nonblocking(j->fd);
	return 0;
}

long long sys_run_sendfile(struct sys_job *j)
{
	return sendfile(j->fd, j->fd2, j->off_in_ptr, (size_t)j->a[3]);
}

/* open("path", flags[, mode]) */
int sys_prep_open(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	(void)env;
	const struct syn_expr *p = j->call->args[0];
	if (p->kind != SYN_E_STRING)
		return sys_fail(err, col, p, "open: the path must be a \"string\"");
	if (sys_int_args(j, 1, err, col))
		return -1;
	j->path = xstrndup(p->name, (size_t)p->num);
	return 0;
}

long long sys_run_open(struct sys_job *j)
{
	return open(j->path, (int)j->a[1], (mode_t)j->a[2]);
}
