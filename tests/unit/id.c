/* id.c - ids: stable where they hash fields, unique where they must be. */
#include <ctype.h>

#include "id.h"
#include "test.h"

int
main(void)
{
	char a[BP_ID_LEN], b[BP_ID_LEN];
	uint64_t h1, h2;
	int i, hex = 1;

	h1 = bp_hash_str(bp_hash_str(BP_HASH_INIT, "ab"), "c");
	h2 = bp_hash_str(bp_hash_str(BP_HASH_INIT, "a"), "bc");
	ok(h1 != h2, "field boundaries are part of the hash");
	ok(bp_hash_str(BP_HASH_INIT, "x") == bp_hash_str(BP_HASH_INIT, "x"),
	    "the same fields hash the same");
	bp_id_format(a, 1);
	bp_id_format(b, 2);
	ok(strlen(a) == 16 && strcmp(a, b) != 0, "close hashes give distant ids");
	for (i = 0; i < 16; i++)
		hex &= isxdigit((unsigned char)a[i]) && !isupper((unsigned char)a[i]);
	ok(hex, "ids are lower-case hex");
	bp_id_format(a, 0xcbf29ce484222325ull);
	is_str(a, "efd01f60ba992926", "the formatting is fixed (ids in files stay valid)");
	bp_run_id(a);
	bp_run_id(b);
	ok(strcmp(a, b) != 0, "two run ids differ");
	return done();
}
