/* buf.c - growable buffers. */
#include <stdlib.h>

#include "buf.h"
#include "test.h"

int
main(void)
{
	struct bp_buf b = { 0 };
	char *s;
	int i;

	bp_buf_adds(&b, "");
	ok(b.p && b.p[0] == '\0' && b.len == 0, "adding nothing leaves an empty string");
	for (i = 0; i < 10000; i++)
		bp_buf_addc(&b, 'a' + i % 26);
	ok(b.len == 10000 && b.p[10000] == '\0', "grows past many doublings, NUL-terminated");
	bp_buf_reset(&b);
	bp_buf_addf(&b, "%s-%d-%.1f", "x", 42, 2.5);
	is_str(b.p, "x-42-2.5", "formatted append");
	bp_buf_add(&b, "a\0b", 3);
	ok(b.len == 11 && b.p[9] == '\0' && b.p[10] == 'b', "embedded NUL kept, length exact");
	s = bp_buf_detach(&b);
	ok(b.p == NULL && b.len == 0, "detach empties the buffer");
	free(s);
	s = bp_buf_detach(&b);
	is_str(s, "", "detaching an empty buffer gives an empty string");
	free(s);
	bp_buf_free(&b);
	return done();
}
