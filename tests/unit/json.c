/* json.c - dotted paths and the writer's exact numbers. */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "json.h"
#include "test.h"

static char *
write_compact(const cJSON *j, int flags, int *bad, const char **where)
{
	struct bp_buf b = { 0 };

	*bad = bp_json_write(&b, j, flags, where);
	return bp_buf_detach(&b);
}

static void
test_paths(void)
{
	cJSON *j = cJSON_Parse("{\"kind\":\"sample\",\"params\":{\"batch\":8,"
	    "\"dtype\":\"fp32\",\"a\":{\"b\":{\"c\":null}}},\"x\":\"7\"}");
	double d = 0;

	ok(bp_json_num(j, "params.batch", &d) == 1 && d == 8, "number at a dotted path");
	ok(bp_json_num(j, "params.dtype", &d) == -1, "a string where a number is wanted is -1");
	ok(bp_json_num(j, "params.missing", &d) == 0, "an absent path is 0");
	ok(bp_json_num(j, "params.a.b.c", &d) == 0, "null counts as absent");
	ok(bp_json_num(j, "x.y", &d) == 0, "a path through a string is absent");
	is_str(bp_json_str(j, "params.dtype"), "fp32", "string at a dotted path");
	ok(bp_json_str(j, "params.batch") == NULL, "a number is not a string");
	ok(bp_json_path(j, "") == NULL, "the empty path finds nothing");
	ok(bp_json_path(j, "params.") == NULL, "a trailing dot finds nothing");
	ok(bp_json_set(j, "params.batch", cJSON_CreateNumber(16)) == 0 &&
	    bp_json_num(j, "params.batch", &d) == 1 && d == 16, "set replaces");
	ok(bp_json_set(j, "labels.commit", cJSON_CreateString("abc")) == 0,
	    "set creates the objects on the way");
	is_str(bp_json_str(j, "labels.commit"), "abc", "and the value is there");
	ok(bp_json_set(j, "kind.x", cJSON_CreateNumber(1)) == -1,
	    "set through a non-object fails");
	cJSON_Delete(j);
}

static void
test_numbers(void)
{
	static const double cases[] = {
		0, 1, -1, 0.1, 0.30000000000000004, 1e-300, 5e-324, DBL_MAX,
		-DBL_MIN, 123456789012345680000.0, 9007199254740993.0, 1e21,
		2.5e-8, 1.0 / 3, 12345.678, -0.0, 4294967296.5,
	};
	struct bp_buf b = { 0 };
	size_t i;
	int allok = 1;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		double back;

		bp_buf_reset(&b);
		bp_json_write_num(&b, cases[i]);
		back = strtod(b.p, NULL);
		if (memcmp(&back, &cases[i], sizeof back) != 0) {
			allok = 0;
			printf("# %.17g written as %s\n", cases[i], b.p);
		}
	}
	ok(allok, "edge-case numbers read back bit-identically");

	srand(42);
	allok = 1;
	for (i = 0; i < 100000; i++) {
		union { unsigned long long u; double d; } v;
		double back;

		v.u = (unsigned long long)rand() << 40 ^
		    (unsigned long long)rand() << 20 ^ (unsigned long long)rand();
		if (!isfinite(v.d))
			continue;
		bp_buf_reset(&b);
		bp_json_write_num(&b, v.d);
		back = strtod(b.p, NULL);
		if (memcmp(&back, &v.d, sizeof back) != 0 && allok) {
			allok = 0;
			printf("# %.17g written as %s\n", v.d, b.p);
		}
	}
	ok(allok, "100000 random bit patterns read back bit-identically");

	bp_buf_reset(&b);
	bp_json_write_num(&b, 0.1);
	is_str(b.p, "0.1", "the shortest form is used");
	bp_buf_reset(&b);
	bp_json_write_num(&b, 3);
	is_str(b.p, "3", "integers have no fraction");
	bp_buf_reset(&b);
	bp_json_write_num(&b, 1e300);
	ok(strtod(b.p, NULL) == 1e300, "huge numbers survive (%s)", b.p);
	bp_buf_reset(&b);
	bp_json_write_num(&b, NAN);
	is_str(b.p, "null", "NaN is written as null");
	bp_buf_reset(&b);
	bp_json_write_num(&b, -INFINITY);
	is_str(b.p, "null", "-Inf is written as null");
	bp_buf_free(&b);
}

static void
test_writer(void)
{
	cJSON *j = cJSON_CreateObject(), *p;
	const char *where = NULL;
	char *s;
	int bad;

	cJSON_AddStringToObject(j, "z", "a\"b\\c\n\t\x01 é");
	p = cJSON_AddObjectToObject(j, "params");
	cJSON_AddNumberToObject(p, "y", NAN);
	cJSON_AddNumberToObject(p, "b", 2);
	cJSON_AddItemToObject(j, "arr", cJSON_CreateIntArray((int[]){ 1, 2 }, 2));
	cJSON_AddItemToObject(j, "e", cJSON_CreateObject());
	cJSON_AddBoolToObject(j, "t", 1);
	s = write_compact(j, 0, &bad, &where);
	is_str(s, "{\"z\":\"a\\\"b\\\\c\\n\\t\\u0001 é\",\"params\":{\"y\":null,"
	    "\"b\":2},\"arr\":[1,2],\"e\":{},\"t\":true}",
	    "compact output escapes what JSON requires and keeps UTF-8");
	ok(bad == 1, "one non-finite number reported");
	is_str(where, "params.y", "and its path named");
	free(s);
	s = write_compact(j, BP_JSON_SORTED, &bad, NULL);
	is_str(s, "{\"arr\":[1,2],\"e\":{},\"params\":{\"b\":2,\"y\":null},"
	    "\"t\":true,\"z\":\"a\\\"b\\\\c\\n\\t\\u0001 é\"}",
	    "sorted output orders keys at every level");
	free(s);
	cJSON_Delete(j);
}

static void
test_indent(void)
{
	const char *in = "{\"a\":[1,{\"b\":\"x,{y}:\\\"\"}],\"c\":{},\"d\":[]}";
	struct bp_buf b = { 0 };
	cJSON *x, *y;

	bp_json_indent(&b, in, strlen(in));
	is_str(b.p, "{\n  \"a\": [\n    1,\n    {\n      \"b\": \"x,{y}:\\\"\"\n"
	    "    }\n  ],\n  \"c\": {},\n  \"d\": []\n}",
	    "indent leaves strings alone and empty containers closed");
	x = cJSON_Parse(in);
	y = cJSON_Parse(b.p);
	ok(cJSON_Compare(x, y, 1), "indented JSON is the same value");
	cJSON_Delete(x);
	cJSON_Delete(y);
	bp_buf_free(&b);
}

int
main(void)
{
	test_paths();
	test_numbers();
	test_writer();
	test_indent();
	return done();
}
