/* hostid.c - the host id: one algorithm for every command, fixed forever. */
#include <ctype.h>

#include "hostid.h"
#include "id.h"
#include "sysfile.h"
#include "test.h"

int
main(void)
{
	char a[BP_HOST_ID_LEN], b[BP_HOST_ID_LEN], want[BP_ID_LEN];
	char mid[128], model[256];
	uint64_t h;
	int i, hex = 1;

	/* the definition: FNV-1a over the fields, finalized, 12 digits */
	h = bp_hash_str(BP_HASH_INIT, "0123abcd");
	h = bp_hash_str(h, "node1");
	h = bp_hash_str(h, "AMD EPYC");
	bp_id_format(want, h);
	want[12] = '\0';
	bp_host_id_from(a, "0123abcd", "node1", "AMD EPYC");
	is_str(a, want, "the id hashes machine-id, hostname, CPU model in order");
	is_str(a, "e661d6ff1d42", "the id of fixed inputs never changes");
	for (i = 0; i < 12; i++)
		hex &= isxdigit((unsigned char)a[i]) && !isupper((unsigned char)a[i]);
	ok(hex && a[12] == '\0', "twelve lower-case hex digits");
	bp_host_id_from(b, "", "node1", "AMD EPYC");
	bp_host_id_from(a, NULL, "node1", "AMD EPYC");
	is_str(a, b, "an empty machine-id counts as none");
	bp_host_id_from(a, "0123abcd", NULL, "AMD EPYC");
	bp_host_id_from(b, "0123abcd", "", "AMD EPYC");
	ok(strcmp(a, b) != 0, "a missing hostname differs from an empty one");
	bp_host_id_from(a, "0123abcd", "node1", "AMD EPYC");
	bp_host_id_from(b, "0123abcd", "node2", "AMD EPYC");
	ok(strcmp(a, b) != 0, "clones of one image differ by hostname");

	if (bp_sysfile_read("/etc/machine-id", mid, sizeof mid) <= 0)
		mid[0] = '\0';
	bp_host_id(a, "node1", "AMD EPYC");
	bp_host_id_from(b, mid, "node1", "AMD EPYC");
	is_str(a, b, "bp_host_id reads /etc/machine-id");
	ok(bp_host_cpu_model(model, sizeof model) == 0 ? model[0] != '\0' : 1,
	    "the CPU model, when found, is not empty");
	return done();
}
