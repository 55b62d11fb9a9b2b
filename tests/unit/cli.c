/* cli.c - strict number parsing and atomic report files. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "test.h"

int
main(void)
{
	static const struct {
		const char *s;
		int ok;
		double v;
	} dcases[] = {
		{ "1.5", 0, 1.5 }, { "-2e3", 0, -2000 }, { "0x10", 0, 16 },
		{ "", -1, 0 }, { "1.5x", -1, 0 }, { " ", -1, 0 },
		{ "nan", -1, 0 }, { "1e999", -1, 0 }, { "abc", -1, 0 },
	};
	static const struct {
		const char *s;
		int ok;
		long v;
	} lcases[] = {
		{ "10", 0, 10 }, { "-3", 0, -3 }, { "10s", -1, 0 },
		{ "", -1, 0 }, { "99999999999999999999", -1, 0 }, { "1.0", -1, 0 },
	};
	char dir[] = "/tmp/bp-cli-XXXXXX", path[256], tmpdir_list[512];
	struct bp_atomic a;
	struct stat st;
	size_t i;
	double d;
	long l;
	FILE *fp;

	for (i = 0; i < sizeof dcases / sizeof dcases[0]; i++)
		ok(bp_parse_double(dcases[i].s, &d) == dcases[i].ok &&
		    (dcases[i].ok || d == dcases[i].v), "double '%s'", dcases[i].s);
	for (i = 0; i < sizeof lcases / sizeof lcases[0]; i++)
		ok(bp_parse_long(lcases[i].s, &l) == lcases[i].ok &&
		    (lcases[i].ok || l == lcases[i].v), "long '%s'", lcases[i].s);

	if (!mkdtemp(dir))
		return 2;
	snprintf(path, sizeof path, "%s/report.html", dir);
	ok(bp_atomic_open(&a, path) == 0, "atomic open");
	fputs("<html>", a.fp);
	ok(stat(path, &st) != 0, "nothing at the path before commit");
	ok(bp_atomic_commit(&a) == 0, "commit");
	fp = fopen(path, "r");
	ok(fp && fgets(tmpdir_list, sizeof tmpdir_list, fp) &&
	    !strcmp(tmpdir_list, "<html>"), "the content is at the path after commit");
	if (fp)
		fclose(fp);
	ok(bp_atomic_open(&a, path) == 0, "a second report over it");
	fputs("partial", a.fp);
	bp_atomic_abort(&a);
	fp = fopen(path, "r");
	ok(fp && fgets(tmpdir_list, sizeof tmpdir_list, fp) &&
	    !strcmp(tmpdir_list, "<html>"), "an aborted report leaves the old one whole");
	if (fp)
		fclose(fp);
	unlink(path);
	ok(rmdir(dir) == 0, "no temp file is left behind");
	ok(bp_atomic_open(&a, "/nonexistent/dir/r.html") == -1,
	    "an unwritable directory fails at open");
	return done();
}
