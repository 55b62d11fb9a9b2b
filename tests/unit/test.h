/*
 * test.h - a TAP producer for the C unit tests: ok() per assertion, done()
 * prints the plan and gives main its exit status.  Header-only on purpose:
 * each unit test is one file and one program.
 */
#ifndef BP_TEST_H
#define BP_TEST_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int t_count, t_failed;

static void __attribute__((format(printf, 4, 5)))
t_ok(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++t_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond) {
		printf("#   failed at %s:%d\n", file, line);
		t_failed++;
	}
	fflush(stdout);
}

#define ok(cond, ...) t_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_str(got, want, ...) do { \
	const char *g_ = (got), *w_ = (want); \
	int c_ = g_ && w_ ? strcmp(g_, w_) == 0 : g_ == w_; \
	t_ok(c_, __FILE__, __LINE__, __VA_ARGS__); \
	if (!c_) \
		printf("#   got:  '%s'\n#   want: '%s'\n", g_ ? g_ : "(null)", \
		    w_ ? w_ : "(null)"); \
} while (0)

static int
done(void)
{
	printf("1..%d\n", t_count);
	return t_failed != 0;
}

#endif
