/* hostid.h - the host_id every record carries, computed one way for all
 * commands so that bench-detect's host record joins bench-run's results. */
#ifndef BP_HOSTID_H
#define BP_HOSTID_H

#include <stddef.h>

#define BP_HOST_ID_LEN 13	/* 12 hex digits and the NUL */

/*
 * The id of a machine from what identifies it: /etc/machine-id's content,
 * the host name and the CPU model.  A NULL or empty machine_id, and a NULL
 * hostname or cpu_model, are left out of the hash.
 */
void bp_host_id_from(char out[BP_HOST_ID_LEN], const char *machine_id,
    const char *hostname, const char *cpu_model);
/* The same, reading /etc/machine-id itself. */
void bp_host_id(char out[BP_HOST_ID_LEN], const char *hostname,
    const char *cpu_model);
/* The CPU model the way bench-detect finds it: "model name" of
 * /proc/cpuinfo, else hwloc's CPUModel of the first package.  0, or -1
 * when neither tells. */
int bp_host_cpu_model(char *buf, size_t len);

#endif
