/*
 * sb: the one growable string builder used for all formatting in tcpsh.
 * Not for binary packet bytes with embedded NULs (it always keeps a
 * terminating NUL, but the length is authoritative, so it may hold them).
 * Allocation failure aborts the process with a message: tcpsh cannot do
 * anything useful without memory, and no caller has to check.
 */
#ifndef TCPSH_SB_H
#define TCPSH_SB_H

#include <stdarg.h>
#include <stddef.h>

struct sb {
	char *buf; /* always NUL-terminated once anything is added; NULL when empty and fresh */
	size_t len;
	size_t cap;
};

#define SB_INIT {NULL, 0, 0}

void sb_init(struct sb *sb);
void sb_free(struct sb *sb);
void sb_reset(struct sb *sb);                 /* len = 0, keeps the allocation */
void sb_grow(struct sb *sb, size_t extra);    /* ensure room for extra more bytes + NUL */
void sb_addn(struct sb *sb, const void *data, size_t n);
void sb_add(struct sb *sb, const char *s);
void sb_addc(struct sb *sb, char c);
void sb_addf(struct sb *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vaddf(struct sb *sb, const char *fmt, va_list ap);
void sb_addrep(struct sb *sb, char c, size_t n); /* c repeated n times */
void sb_truncate(struct sb *sb, size_t len);
const char *sb_str(const struct sb *sb);      /* "" when empty; never NULL */
char *sb_detach(struct sb *sb);               /* caller owns the result (free()); sb is reset */

/* Memory helpers that abort with a message on failure. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
