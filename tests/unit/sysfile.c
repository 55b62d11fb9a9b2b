/* sysfile.c - small /proc files. */
#include <stdlib.h>
#include <unistd.h>

#include "sysfile.h"
#include "test.h"

int
main(void)
{
	char buf[64], path[] = "/tmp/bp-sysfile-XXXXXX";
	long long v;
	int fd;

	fd = mkstemp(path);
	if (fd < 0 || write(fd, "Key One:\t 42 kB\nOther: x\n", 25) != 25)
		return 2;
	close(fd);
	ok(bp_sysfile_field(path, "Key One", buf, sizeof buf) == 0 &&
	    !strcmp(buf, "42 kB"), "a Key: value field");
	ok(bp_sysfile_field(path, "Key", buf, sizeof buf) == -1,
	    "a prefix of a key is not the key");
	ok(bp_sysfile_field(path, "Missing", buf, sizeof buf) == -1, "absent key");
	ok(bp_sysfile_read(path, buf, 4) == 3 && !strcmp(buf, "Key"),
	    "reading stops at the buffer's end, NUL-terminated");
	ok(bp_sysfile_long(path, &v) == -1, "not a number");
	ok(bp_sysfile_long("/proc/sys/kernel/pid_max", &v) == 0 && v > 0,
	    "a number file");
	ok(bp_sysfile_read("/nonexistent", buf, sizeof buf) == -1, "absent file");
	unlink(path);
	return done();
}
