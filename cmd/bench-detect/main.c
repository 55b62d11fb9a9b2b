/*
 * bench-detect - describe this machine as one "host" record: CPU topology,
 * memory, GPUs, available backends, software versions and noise checks.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "detect.h"
#include "die.h"
#include "json.h"
#include "ndjson.h"
#include "timeutil.h"

static const char usage[] =
"usage: bench-detect [-p] [-l KEY=VALUE] ... [-o FILE]\n"
"       bench-detect --check\n"
"       bench-detect --backends\n";

static const char help[] =
"\n"
"Describe this machine as one NDJSON host record.\n"
"\n"
"  -b, --backends         print the available backends, one per line\n"
"  -c, --check            print the noise checks; exit 1 if any fails\n"
"  -l, --label KEY=VALUE  add a label to the record (repeatable)\n"
"  -o, --output FILE      append the record to FILE instead of stdout\n"
"  -p, --pretty           indent the record\n"
"  -h, --help             show this help and exit\n"
"      --version          show the version and exit\n"
"\n"
"Exit status: 0 success, 1 a check failed (--check), 2 usage or system error.\n";

static cJSON *
build(cJSON *labels)
{
	cJSON *host = cJSON_CreateObject(), *notes;
	struct facts f = { 0 };
	char ts[BP_TS_LEN];

	bp_ts_now(ts);
	cJSON_AddStringToObject(host, "kind", "host");
	cJSON_AddNumberToObject(host, "schema", BP_SCHEMA);
	cJSON_AddStringToObject(host, "ts", ts);
	cJSON_AddStringToObject(host, "host_id", "");	/* known at the end */
	notes = cJSON_CreateArray();
	detect_os(host);
	detect_cpu(host, notes, &f);
	detect_gpus(host, notes, &f);
	detect_accelerators(host);
	detect_backends(host, &f);
	detect_software(host);
	detect_checks(host, &f);
	detect_host_id(host);
	cJSON_AddItemToObject(host, "labels", labels);
	cJSON_AddItemToObject(host, "notes", notes);
	return host;
}

static int
print_checks(const cJSON *host)
{
	const cJSON *c;
	int failed = 0;

	cJSON_ArrayForEach(c, cJSON_GetObjectItem(host, "checks")) {
		int ok = cJSON_IsTrue(cJSON_GetObjectItem(c, "ok"));

		printf("%-4s  %-18s %s\n", ok ? "ok" : "FAIL",
		    bp_json_str(c, "name"), bp_json_str(c, "detail"));
		failed += !ok;
	}
	return failed ? BP_EXIT_FOUND : BP_EXIT_OK;
}

static void
print_backends(const cJSON *host)
{
	const cJSON *b;

	cJSON_ArrayForEach(b, cJSON_GetObjectItem(host, "backends"))
		if (cJSON_IsTrue(cJSON_GetObjectItem(b, "available")))
			printf("%s\n", b->string);
}

static void
add_label(cJSON *labels, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char *key;

	if (!eq || eq == arg)
		bp_usage_error("label '%s' is not KEY=VALUE", arg);
	key = strndup(arg, eq - arg);
	cJSON_DeleteItemFromObjectCaseSensitive(labels, key);
	cJSON_AddStringToObject(labels, key, eq + 1);
	free(key);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "backends", no_argument, NULL, 'b' },
		{ "check", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "label", required_argument, NULL, 'l' },
		{ "output", required_argument, NULL, 'o' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int bflag = 0, cflag = 0, pflag = 0, c, rc = BP_EXIT_OK;
	const char *outpath = NULL;
	cJSON *host, *labels = cJSON_CreateObject();
	struct bp_out out;

	bp_setprogname(argv[0]);
	while ((c = getopt_long(argc, argv, "bchl:o:p", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			bflag = 1;
			break;
		case 'c':
			cflag = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			fputs(help, stdout);
			cJSON_Delete(labels);
			return bp_stdout_status();
		case 'l':
			add_label(labels, optarg);
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'p':
			pflag = 1;
			break;
		case 'V':
			bp_print_version();
			cJSON_Delete(labels);
			return bp_stdout_status();
		default:
			fputs(usage, stderr);
			cJSON_Delete(labels);
			return BP_EXIT_USAGE;
		}
	}
	if (optind < argc)
		bp_usage_error("unexpected argument '%s'", argv[optind]);
	if (bflag + cflag > 1)
		bp_usage_error("--backends and --check exclude each other");

	host = build(labels);
	if (bflag) {
		print_backends(host);
	} else if (cflag) {
		rc = print_checks(host);
	} else {
		if (bp_out_open(&out, outpath) < 0)
			bp_die_errno("%s", outpath);
		if (pflag) {
			struct bp_buf compact = { 0 }, pretty = { 0 };

			bp_json_write(&compact, host, 0, NULL);
			bp_json_indent(&pretty, compact.p, compact.len);
			bp_buf_addc(&pretty, '\n');
			if (bp_write_all(out.fd, pretty.p, pretty.len) < 0)
				bp_die_errno("%s", out.name);
			bp_buf_free(&compact);
			bp_buf_free(&pretty);
		} else if (bp_out_rec(&out, host) < 0) {
			bp_die_errno("%s", out.name);
		}
		if (bp_out_close(&out) < 0)
			bp_die_errno("%s", out.name);
	}
	cJSON_Delete(host);
	return bp_stdout_status() == BP_EXIT_OK ? rc : BP_EXIT_USAGE;
}
