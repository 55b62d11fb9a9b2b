/*
 * hostid.c - the host id: a hash of /etc/machine-id (the system's own
 * stable identity), the host name and the CPU model (which separate clones
 * of one image).  Changing the inputs or their order changes every id
 * already in result files: don't.
 */
#include <stdio.h>
#include <string.h>

#include <hwloc.h>

#include "hostid.h"
#include "id.h"
#include "sysfile.h"

void
bp_host_id_from(char out[BP_HOST_ID_LEN], const char *machine_id,
    const char *hostname, const char *cpu_model)
{
	char id[BP_ID_LEN];
	uint64_t h = BP_HASH_INIT;

	if (machine_id && *machine_id)
		h = bp_hash_str(h, machine_id);
	if (hostname)
		h = bp_hash_str(h, hostname);
	if (cpu_model)
		h = bp_hash_str(h, cpu_model);
	bp_id_format(id, h);
	memcpy(out, id, BP_HOST_ID_LEN - 1);
	out[BP_HOST_ID_LEN - 1] = '\0';
}

void
bp_host_id(char out[BP_HOST_ID_LEN], const char *hostname,
    const char *cpu_model)
{
	char mid[128];

	if (bp_sysfile_read("/etc/machine-id", mid, sizeof mid) <= 0)
		mid[0] = '\0';
	bp_host_id_from(out, mid, hostname, cpu_model);
}

int
bp_host_cpu_model(char *buf, size_t len)
{
	hwloc_topology_t topo;
	hwloc_obj_t pkg;
	const char *s;
	int rc = -1;

	if (bp_sysfile_field("/proc/cpuinfo", "model name", buf, len) == 0)
		return 0;
	if (hwloc_topology_init(&topo) != 0)
		return -1;
	if (hwloc_topology_load(topo) == 0 &&
	    (pkg = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PACKAGE, 0)) &&
	    (s = hwloc_obj_get_info_by_name(pkg, "CPUModel"))) {
		snprintf(buf, len, "%s", s);
		rc = 0;
	}
	hwloc_topology_destroy(topo);
	return rc;
}
