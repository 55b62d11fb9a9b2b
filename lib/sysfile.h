/* sysfile.h - reading the small files of /proc and /sys. */
#ifndef BP_SYSFILE_H
#define BP_SYSFILE_H

#include <stddef.h>

/* Reads up to len-1 bytes of path into buf, NUL-terminated, trailing
 * newline removed.  Returns the length, or -1 (errno set). */
long bp_sysfile_read(const char *path, char *buf, size_t len);
/* The file as an integer: 0, or -1 when unreadable or not a number. */
int bp_sysfile_long(const char *path, long long *out);
/* The value of "Key:" in a "Key: value" file such as /proc/meminfo or
 * /proc/cpuinfo (first occurrence), copied into buf; -1 when absent. */
int bp_sysfile_field(const char *path, const char *key, char *buf,
    size_t len);

#endif
