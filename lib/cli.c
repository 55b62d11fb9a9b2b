/*
 * cli.c - small things every command's main() needs the same way, so that
 * every command behaves the same way.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "die.h"

const char bp_version[] = BP_VERSION;
const char bp_commit[] = BP_COMMIT;

void
bp_print_version(void)
{
	printf("%s (benchpipe) %s (commit %s)\n", bp_progname, bp_version,
	    bp_commit);
}

int
bp_stdout_status(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		bp_warn_errno("stdout");
		return BP_EXIT_USAGE;
	}
	return BP_EXIT_OK;
}

int
bp_parse_double(const char *s, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (*end || errno == ERANGE || isnan(v))
		return -1;
	*out = v;
	return 0;
}

int
bp_parse_long(const char *s, long *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end || errno == ERANGE)
		return -1;
	*out = v;
	return 0;
}

int
bp_stderr_is_tty(void)
{
	const char *nc = getenv("NO_COLOR");

	return isatty(STDERR_FILENO) && !(nc && *nc);
}

/* The directory of the running binary, or NULL. */
static const char *
exedir(void)
{
	static char dir[PATH_MAX];
	ssize_t n;
	char *slash;

	if (dir[0])
		return dir;
	n = readlink("/proc/self/exe", dir, sizeof dir - 1);
	if (n <= 0)
		return NULL;
	dir[n] = '\0';
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	return dir;
}

static const char *
finddir(const char *env, const char *rel, const char *installed)
{
	static char buf[2][PATH_MAX];
	const char *e = getenv(env), *d;
	char *out = buf[rel[0] == 'l'];
	struct stat st;

	if (e && *e)
		return e;
	d = exedir();
	if (d && (size_t)snprintf(out, PATH_MAX, "%.*s/%s", PATH_MAX / 2, d,
	    rel) < PATH_MAX) {
		if (stat(out, &st) == 0 && S_ISDIR(st.st_mode))
			return out;
	}
	return installed;
}

const char *
bp_datadir(void)
{
	/* build/bin/../../share/benchpipe: running from the source tree */
	return finddir("BENCHPIPE_DATADIR", "../../share/benchpipe", BP_DATADIR);
}

const char *
bp_libdir(void)
{
	/* build/bin/../lib/benchpipe holds the freshly built module */
	return finddir("BENCHPIPE_LIBDIR", "../lib/benchpipe", BP_LIBDIR);
}

int
bp_atomic_open(struct bp_atomic *a, const char *path)
{
	struct bp_buf b = { 0 };
	const char *slash = strrchr(path, '/');
	int fd;

	memset(a, 0, sizeof *a);
	if (slash)
		bp_buf_addf(&b, "%.*s/.%s.XXXXXX", (int)(slash - path), path,
		    slash + 1);
	else
		bp_buf_addf(&b, ".%s.XXXXXX", path);
	a->tmp = bp_buf_detach(&b);
	fd = mkstemp(a->tmp);
	if (fd < 0) {
		free(a->tmp);
		a->tmp = NULL;
		return -1;
	}
	a->fp = fdopen(fd, "w");
	if (!a->fp) {
		close(fd);
		unlink(a->tmp);
		free(a->tmp);
		a->tmp = NULL;
		return -1;
	}
	a->path = bp_xstrdup(path);
	return 0;
}

void
bp_atomic_abort(struct bp_atomic *a)
{
	if (a->fp)
		fclose(a->fp);
	if (a->tmp)
		unlink(a->tmp);
	free(a->tmp);
	free(a->path);
	memset(a, 0, sizeof *a);
}

int
bp_atomic_commit(struct bp_atomic *a)
{
	mode_t mask = umask(0);
	int e;

	umask(mask);
	if (fflush(a->fp) != 0 || ferror(a->fp) ||
	    fchmod(fileno(a->fp), 0666 & ~mask) != 0 ||
	    fsync(fileno(a->fp)) != 0)
		goto fail;
	if (fclose(a->fp) != 0) {
		a->fp = NULL;
		goto fail;
	}
	a->fp = NULL;
	if (rename(a->tmp, a->path) != 0)
		goto fail;
	free(a->tmp);
	free(a->path);
	memset(a, 0, sizeof *a);
	return 0;
fail:
	e = errno;
	bp_atomic_abort(a);
	errno = e;
	return -1;
}
