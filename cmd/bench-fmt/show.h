/*
 * show.h - how values read in a report: numbers to four significant
 * digits, percentages, p-values, times, memory sizes, params and metric
 * names.  Every writer that shows a value to a person uses these, so a
 * number reads the same in Markdown, HTML and the console.
 */
#ifndef BENCH_FMT_SHOW_H
#define BENCH_FMT_SHOW_H

#include <stddef.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "buf.h"

#define SHOW_LEN 64
#define SHOW_NONE "\xe2\x80\x94"	/* an em dash: no value */

/* 4 significant digits, thousands grouped from 1,000; SHOW_NONE for NaN. */
const char *show_num(char buf[SHOW_LEN], double v);
/* An integer count: "1,234". */
const char *show_int(char buf[SHOW_LEN], double v);
/* "+12.3%" */
const char *show_pct(char buf[SHOW_LEN], double v);
/* "0.0031", "<0.0001" */
const char *show_p(char buf[SHOW_LEN], double p);
/* "2026-11-28 10:00 UTC" */
const char *show_time(char buf[SHOW_LEN], double epoch);
/* "79.6 GiB", "512 MiB" */
const char *show_mib(char buf[SHOW_LEN], double mib);
/* A JSON scalar as text: strings as they are, numbers exactly. */
void show_scalar(struct bp_buf *b, const cJSON *v);
/* "batch=32, n=1024"; "" for no params. */
void show_params(struct bp_buf *b, const cJSON *params);
/* "latency (ms)", "TFLOP/s", "train loss". */
void show_metric(struct bp_buf *b, const char *name);
/* "SIGSEGV (11)" for a number, the string itself otherwise. */
void show_signal(struct bp_buf *b, const cJSON *sig);
/* A command array as one shell-quoted line. */
void show_command(struct bp_buf *b, const cJSON *argv);
/* Seconds since the epoch of an RFC 3339 field, NaN when absent. */
double show_ts_of(const cJSON *rec, const char *field);

#endif
