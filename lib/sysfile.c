/* sysfile.c - small /proc and /sys files: read once, whole, and parse. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sysfile.h"

long
bp_sysfile_read(const char *path, char *buf, size_t len)
{
	size_t n = 0;
	ssize_t r;
	int fd;

	if (len == 0)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (n < len - 1) {
		r = read(fd, buf + n, len - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		n += r;
	}
	close(fd);
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return (long)n;
}

int
bp_sysfile_long(const char *path, long long *out)
{
	char buf[64], *end;
	long long v;

	if (bp_sysfile_read(path, buf, sizeof buf) <= 0)
		return -1;
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (end == buf || errno || (*end && *end != ' ' && *end != '\n'))
		return -1;
	*out = v;
	return 0;
}

int
bp_sysfile_field(const char *path, const char *key, char *buf, size_t len)
{
	FILE *fp = fopen(path, "re");
	char *line = NULL, *p, *e;
	size_t cap = 0, klen = strlen(key);
	int rc = -1;

	if (!fp)
		return -1;
	while (getline(&line, &cap, fp) > 0) {
		if (strncmp(line, key, klen) != 0)
			continue;
		p = line + klen;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != ':')
			continue;
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		e = p + strlen(p);
		while (e > p && (e[-1] == '\n' || e[-1] == ' '))
			e--;
		snprintf(buf, len, "%.*s", (int)(e - p), p);
		rc = 0;
		break;
	}
	free(line);
	fclose(fp);
	return rc;
}
