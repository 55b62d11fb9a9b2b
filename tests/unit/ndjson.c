/* ndjson.c - the reader's every refusal, and the writer's one write. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "ndjson.h"
#include "test.h"

static char dir[] = "/tmp/bp-ndjson-XXXXXX";

static char *
file_with(const char *name, const void *data, size_t len)
{
	static char path[256];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	fp = fopen(path, "w");
	fwrite(data, 1, len, fp);
	fclose(fp);
	return path;
}

/* Reads every record of data; returns the count, or -(line) of the first
 * invalid one, with its message in err. */
static long
read_all(const char *data, size_t len, char *err, size_t errlen)
{
	char *names[1];
	struct bp_in in;
	cJSON *rec;
	long n = 0;
	int rc;

	names[0] = file_with("in.ndjson", data, len);
	bp_in_init(&in, names, 1, 0);
	while ((rc = bp_in_next(&in, &rec)) == BP_IN_OK) {
		cJSON_Delete(rec);
		n++;
	}
	if (rc != BP_IN_EOF) {
		snprintf(err, errlen, "%s", in.err);
		n = -(long)in.lineno;
	}
	bp_in_close(&in);
	return n;
}

#define S(x) x, sizeof(x) - 1

static void
test_invalid(void)
{
	static const struct {
		const char *name, *data;
		size_t len;
		long want;
		const char *msg;
	} cases[] = {
		{ "empty input", S(""), 0, NULL },
		{ "only blank lines", S("\n\n  \n\r\n"), 0, NULL },
		{ "no trailing newline", S("{\"kind\":\"a\"}\n{\"kind\":\"b\"}"), 2, NULL },
		{ "CRLF endings", S("{\"kind\":\"a\"}\r\n{\"kind\":\"b\"}\r\n"), 2, NULL },
		{ "blank lines counted in line numbers", S("\n\n{\"kind\":\"a\"}\n{x}\n"), -4,
		  "in.ndjson:4: invalid JSON: unexpected '}' at column 3 near '{x}'" },
		{ "truncated record", S("{\"kind\":\"a\"}\n{\"kind\":\"sam"), -2,
		  "in.ndjson:2: invalid JSON: unexpected end of input at column 13 near '{\"kind\":\"sam'" },
		{ "embedded NUL", S("{\"kind\":\"a\0\"}\n"), -1,
		  "in.ndjson:1: invalid JSON: NUL byte at column 11 near '{\"kind\":\"a\\x00\"}'" },
		{ "invalid UTF-8", S("{\"kind\":\"\xff\"}\n"), -1,
		  "in.ndjson:1: invalid JSON: invalid UTF-8 at column 10 near '{\"kind\":\"\\xff\"}'" },
		{ "UTF-8 surrogate", S("{\"kind\":\"\xed\xa0\x80\"}\n"), -1, NULL },
		{ "overlong UTF-8", S("{\"kind\":\"\xc0\xaf\"}\n"), -1, NULL },
		{ "valid UTF-8", S("{\"kind\":\"é€😀\"}\n"), 1, NULL },
		{ "an array is not a record", S("[1,2]\n"), -1,
		  "in.ndjson:1: not a record: a JSON array, not an object" },
		{ "a number is not a record", S("42\n"), -1, NULL },
		{ "no kind", S("{\"k\":1}\n"), -1, "in.ndjson:1: not a record: no \"kind\" field" },
		{ "kind not a string", S("{\"kind\":3}\n"), -1,
		  "in.ndjson:1: not a record: \"kind\" is not a non-empty string" },
		{ "trailing garbage", S("{\"kind\":\"a\"} x\n"), -1, NULL },
		{ "two records on a line", S("{\"kind\":\"a\"}{\"kind\":\"b\"}\n"), -1, NULL },
		{ "NaN literal", S("{\"kind\":\"a\",\"v\":NaN}\n"), -1, NULL },
		{ "huge and tiny numbers", S("{\"kind\":\"a\",\"v\":1e308,\"w\":-4.9e-324,\"x\":1e400}\n"), 1, NULL },
		{ "control character in string", S("{\"kind\":\"a\x01\"}\n"), -1, NULL },
	};
	char err[512];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		long n;

		err[0] = '\0';
		n = read_all(cases[i].data, cases[i].len, err, sizeof err);
		ok(n == cases[i].want, "%s: %ld (want %ld) %s", cases[i].name,
		    n, cases[i].want, err);
		if (cases[i].msg) {
			const char *e = strstr(err, "in.ndjson");

			is_str(e, cases[i].msg, "%s: message", cases[i].name);
		}
	}
}

static void
test_depth(void)
{
	struct bp_buf b = { 0 };
	char err[512] = "";
	int i;

	bp_buf_adds(&b, "{\"kind\":\"a\",\"v\":");
	for (i = 0; i < 400; i++)
		bp_buf_addc(&b, '[');
	for (i = 0; i < 400; i++)
		bp_buf_addc(&b, ']');
	bp_buf_adds(&b, "}\n");
	ok(read_all(b.p, b.len, err, sizeof err) == 1, "400 levels of nesting read");
	bp_buf_reset(&b);
	bp_buf_adds(&b, "{\"kind\":\"a\",\"v\":");
	for (i = 0; i < 100000; i++)
		bp_buf_addc(&b, '[');
	bp_buf_adds(&b, "\n");
	ok(read_all(b.p, b.len, err, sizeof err) == -1 &&
	    strstr(err, "nesting deeper than 512 levels"),
	    "100000 levels refused with a reason: %s", err);
	bp_buf_free(&b);
}

static void
test_huge_line(void)
{
	size_t n = 100u << 20, i;
	char *big = malloc(n + 64), err[512] = "";
	char *names[1];
	struct bp_in in;
	cJSON *rec;
	size_t len;

	len = (size_t)sprintf(big, "{\"kind\":\"big\",\"s\":\"");
	memset(big + len, 'x', n);
	len += n;
	len += sprintf(big + len, "\"}\n{\"kind\":\"after\"}\n");
	names[0] = file_with("big.ndjson", big, len);
	bp_in_init(&in, names, 1, 0);
	ok(bp_in_next(&in, &rec) == BP_IN_OK, "a 100 MB line is one record %s", err);
	ok(rec && strlen(cJSON_GetObjectItem(rec, "s")->valuestring) == n,
	    "with all of its 100 MB");
	cJSON_Delete(rec);
	ok(bp_in_next(&in, &rec) == BP_IN_OK && in.lineno == 2 &&
	    !strcmp(cJSON_GetObjectItem(rec, "kind")->valuestring, "after"),
	    "and the next line follows it");
	cJSON_Delete(rec);
	bp_in_close(&in);
	for (i = 0; i < 8; i++)
		big[i] = "01234567"[i];
	free(big);
}

static void
test_files(void)
{
	char *names[3];
	char a[256], b[256];
	struct bp_in in;
	cJSON *rec;
	int n = 0, rc;

	snprintf(a, sizeof a, "%s", file_with("a.ndjson", S("{\"kind\":\"a\"}\n")));
	snprintf(b, sizeof b, "%s", file_with("b.ndjson", S("{\"kind\":\"b\"}\n{\"kind\":\"c\"}\n")));
	names[0] = a;
	names[1] = b;
	bp_in_init(&in, names, 2, 0);
	while (bp_in_next(&in, &rec) == BP_IN_OK) {
		n++;
		if (n == 3)
			ok(!strcmp(in.name, b) && in.lineno == 2,
			    "file and line follow the files in order");
		cJSON_Delete(rec);
	}
	ok(n == 3, "several files read in order as one stream");
	bp_in_close(&in);

	names[0] = a;
	names[1] = "/nonexistent/x.ndjson";
	bp_in_init(&in, names, 2, 0);
	rc = bp_in_next(&in, &rec);
	cJSON_Delete(rec);
	rc = bp_in_next(&in, &rec);
	ok(rc == BP_IN_IOERR, "a missing file is an I/O error");
	is_str(in.err, "/nonexistent/x.ndjson: No such file or directory",
	    "naming the file and the reason");
	bp_in_close(&in);
}

static void
test_writer(void)
{
	struct bp_out out;
	cJSON *rec = cJSON_Parse("{\"kind\":\"s\",\"v\":0.1}");
	char path[256], buf[256];
	int fd;
	ssize_t n;

	snprintf(path, sizeof path, "%s/out.ndjson", dir);
	ok(bp_out_open(&out, path) == 0, "open for append");
	ok(bp_out_rec(&out, rec) == 0 && bp_out_rec(&out, rec) == 0, "two records written");
	ok(bp_out_close(&out) == 0, "closed");
	ok(bp_out_open(&out, path) == 0 && bp_out_line(&out, S("{\"kind\":\"raw\"}")) == 0 &&
	    bp_out_close(&out) == 0, "reopened, a raw line appended");
	fd = open(path, O_RDONLY);
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	is_str(buf, "{\"kind\":\"s\",\"v\":0.1}\n{\"kind\":\"s\",\"v\":0.1}\n{\"kind\":\"raw\"}\n",
	    "appended, one line per record");
	ok(bp_out_open(&out, "/nonexistent/dir/x") == -1 && errno == ENOENT,
	    "an unwritable path fails with errno");
	ok(bp_out_open(&out, "/dev/full") == 0, "/dev/full opens");
	ok(bp_out_rec(&out, rec) == -1 && errno == ENOSPC, "and a write to it fails with ENOSPC");
	bp_out_close(&out);
	cJSON_Delete(rec);
}

int
main(void)
{
	if (!mkdtemp(dir))
		return 2;
	test_invalid();
	test_depth();
	test_files();
	test_writer();
	test_huge_line();
	{
		char cmd[300];

		snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", dir);
	}
	return done();
}
