/*
 * outfile: the system edge for the files a session writes on request (see
 * outfile.h). Every call checked, close() included: on some file systems a
 * full disk shows only there.
 */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static int fail(const char *path, int e, struct sb *err)
{
	sb_addf(err, "%s: cannot write: %s", path, strerror(e));
	return -1;
}

int outfile_write(const char *path, const void *data, size_t len, struct sb *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd < 0)
		return fail(path, errno, err);
	const char *p = data;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			close(fd);
			return fail(path, e, err);
		}
		p += n;
		len -= (size_t)n;
	}
	if (close(fd) < 0)
		return fail(path, errno, err);
	return 0;
}
