/*
 * sut_openai.c - an OpenAI-compatible completions endpoint as the SUT
 * (--sut openai:URL): vLLM, SGLang, TGI, llama.cpp's server.  Each
 * sample is one streamed request (server-sent events); one thread drives
 * every request in flight through libcurl's multi interface, and issue()
 * only queues and wakes it.  Every chunk with text is a token (the first
 * one first_token); the count in "usage" when the server sends it, else
 * the number of chunks, is n_tokens.
 *
 * URL: a bare host ("http://h:8000") or one ending in /v1 gets
 * /v1/completions appended; any other path is used as it is.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "buf.h"
#include "json.h"
#include "sut.h"
#include "timeutil.h"

struct req {
	CURL *h;
	struct curl_slist *hdr;
	uint64_t id;
	struct oa *oa;
	struct bp_buf body;
	struct bp_buf sse;		/* bytes not yet a whole line */
	char head[512];			/* start of a non-SSE answer */
	long chunks, usage;
	int done_seen;
	char errbuf[CURL_ERROR_SIZE];
	struct req *next;
};

struct oa {
	CURLM *m;
	pthread_t th;
	pthread_mutex_t mu;
	struct req *queue;		/* issued, not yet added */
	struct req *live;		/* added to m */
	int stop;
	char *url;
	const char *model;
	long timeout_ms;
	const struct sut_events *ev;
};

static char *
endpoint(const char *u)
{
	const char *path = strstr(u, "://");
	struct bp_buf b = { 0 };
	size_t n = strlen(u);

	path = strchr(path ? path + 3 : u, '/');
	bp_buf_adds(&b, u);
	if (!path || strcmp(path, "/") == 0) {
		if (n && u[n - 1] == '/')
			b.p[--b.len] = '\0';
		bp_buf_adds(&b, "/v1/completions");
	} else if (n >= 3 && (strcmp(u + n - 3, "/v1") == 0)) {
		bp_buf_adds(&b, "/completions");
	} else if (n >= 4 && strcmp(u + n - 4, "/v1/") == 0) {
		bp_buf_adds(&b, "completions");
	}
	return bp_buf_detach(&b);
}

/* The text a chunk carries: completions' choices[0].text, or chat's
 * choices[0].delta.content. */
static const char *
chunk_text(const cJSON *j)
{
	const cJSON *c = cJSON_GetArrayItem(
	    cJSON_GetObjectItemCaseSensitive(j, "choices"), 0);
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(c, "text");

	if (!cJSON_IsString(t))
		t = bp_json_path(c, "delta.content");
	return cJSON_IsString(t) ? t->valuestring : NULL;
}

static void
sse_line(struct req *r, const char *line, size_t len, uint64_t t)
{
	const struct sut_events *ev = r->oa->ev;
	const char *text;
	cJSON *j;
	double n;

	if (len < 5 || strncmp(line, "data:", 5))
		return;
	line += 5;
	len -= 5;
	while (len && *line == ' ') {
		line++;
		len--;
	}
	if (len == 6 && strncmp(line, "[DONE]", 6) == 0) {
		r->done_seen = 1;
		return;
	}
	j = cJSON_ParseWithLength(line, len);
	if (!j)
		return;
	text = chunk_text(j);
	if (text && text[0]) {
		if (r->chunks++ == 0)
			ev->first_token(ev->ctx, r->id, t);
		else
			ev->token(ev->ctx, r->id, t);
	}
	if (bp_json_num(j, "usage.completion_tokens", &n) == 1 && n > 0)
		r->usage = (long)n;
	cJSON_Delete(j);
}

static size_t
on_data(char *data, size_t size, size_t nmemb, void *arg)
{
	struct req *r = arg;
	size_t n = size * nmemb, start = 0, len;
	uint64_t t = bp_mono_ns();
	const char *nl;
	char *s;

	if (r->sse.len == 0 && r->head[0] == '\0')
		snprintf(r->head, sizeof r->head, "%.*s",
		    (int)(n < sizeof r->head ? n : sizeof r->head - 1), data);
	bp_buf_add(&r->sse, data, n);
	s = r->sse.p;
	while ((nl = memchr(s + start, '\n', r->sse.len - start))) {
		len = (size_t)(nl - (s + start));
		if (len && s[start + len - 1] == '\r')
			len--;
		sse_line(r, s + start, len, t);
		start = (size_t)(nl - s) + 1;
	}
	memmove(s, s + start, r->sse.len - start);
	r->sse.len -= start;
	s[r->sse.len] = '\0';
	return n;
}

static void
req_free(struct req *r)
{
	if (r->h)
		curl_easy_cleanup(r->h);
	curl_slist_free_all(r->hdr);
	bp_buf_free(&r->body);
	bp_buf_free(&r->sse);
	free(r);
}

static void
finish(struct oa *o, struct req *r, CURLcode rc)
{
	const struct sut_events *ev = o->ev;
	uint64_t t = bp_mono_ns();
	char msg[700];
	long code = 0;

	curl_easy_getinfo(r->h, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_OPERATION_TIMEDOUT) {
		ev->error(ev->ctx, r->id, t, "timeout", r->errbuf);
	} else if (rc != CURLE_OK) {
		snprintf(msg, sizeof msg, "%s: %s", o->url, r->errbuf[0] ?
		    r->errbuf : curl_easy_strerror(rc));
		ev->error(ev->ctx, r->id, t, "execution_error", msg);
	} else if (code != 200) {
		snprintf(msg, sizeof msg, "%s: HTTP %ld: %s", o->url, code,
		    r->head);
		ev->error(ev->ctx, r->id, t, "execution_error", msg);
	} else if (r->chunks == 0 && !r->done_seen) {
		snprintf(msg, sizeof msg, "%s: not an event stream: %s",
		    o->url, r->head);
		ev->error(ev->ctx, r->id, t, "parse_error", msg);
	} else {
		ev->done(ev->ctx, r->id, t, r->usage > 0 ? r->usage :
		    r->chunks);
	}
}

static void
unlink_live(struct oa *o, struct req *r)
{
	struct req **p;

	for (p = &o->live; *p; p = &(*p)->next)
		if (*p == r) {
			*p = r->next;
			return;
		}
}

/* issue() pushes on the front; requests go out in issue order */
static struct req *
reversed(struct req *r)
{
	struct req *out = NULL, *next;

	for (; r; r = next) {
		next = r->next;
		r->next = out;
		out = r;
	}
	return out;
}

static void *
driver(void *arg)
{
	struct oa *o = arg;
	struct req *q, *r;
	CURLMsg *msg;
	int running, left, stop;

	for (;;) {
		pthread_mutex_lock(&o->mu);
		q = reversed(o->queue);
		o->queue = NULL;
		stop = o->stop;
		pthread_mutex_unlock(&o->mu);
		while (q) {
			r = q;
			q = q->next;
			r->next = o->live;
			o->live = r;
			curl_multi_add_handle(o->m, r->h);
		}
		if (stop)
			break;
		curl_multi_perform(o->m, &running);
		while ((msg = curl_multi_info_read(o->m, &left))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
			    (char **)&r);
			curl_multi_remove_handle(o->m, r->h);
			unlink_live(o, r);
			finish(o, r, msg->data.result);
			req_free(r);
		}
		curl_multi_poll(o->m, NULL, 0, 100, NULL);
	}
	while ((r = o->live)) {
		o->live = r->next;
		curl_multi_remove_handle(o->m, r->h);
		req_free(r);
	}
	return NULL;
}

static int
oa_start(struct sut *s, const struct sut_config *c, struct sut_exit *x)
{
	struct oa *o = calloc(1, sizeof *o);

	if (!o || curl_global_init(CURL_GLOBAL_DEFAULT)) {
		free(o);
		x->type = "execution_error";
		snprintf(x->message, sizeof x->message, "libcurl did not "
		    "start");
		return -1;
	}
	o->m = curl_multi_init();
	o->url = endpoint(c->url);
	o->model = c->model_name;
	o->timeout_ms = (long)(c->timeout_s * 1000) + 1000;
	o->ev = s->ev;
	pthread_mutex_init(&o->mu, NULL);
	curl_multi_setopt(o->m, CURLMOPT_MAXCONNECTS, 1024L);
	if (!o->m || pthread_create(&o->th, NULL, driver, o)) {
		if (o->m)
			curl_multi_cleanup(o->m);
		free(o->url);
		free(o);
		x->type = "execution_error";
		snprintf(x->message, sizeof x->message, "libcurl did not "
		    "start");
		return -1;
	}
	s->p = o;
	return 0;
}

static void
body(struct bp_buf *b, const struct oa *o, const struct sut_query *q)
{
	int i;

	bp_buf_adds(b, "{");
	if (o->model) {
		bp_buf_adds(b, "\"model\":");
		bp_json_write_str(b, o->model, strlen(o->model));
		bp_buf_addc(b, ',');
	}
	bp_buf_adds(b, "\"prompt\":");
	if (q->prompt) {
		bp_json_write_str(b, q->prompt, strlen(q->prompt));
	} else {
		bp_buf_addc(b, '[');
		for (i = 0; i < q->n_tokens; i++)
			bp_buf_addf(b, "%s%d", i ? "," : "", q->tokens[i]);
		bp_buf_addc(b, ']');
	}
	/* fixed lengths measure the server, not the text it likes to end */
	if (q->max_tokens > 0)
		bp_buf_addf(b, ",\"max_tokens\":%d,\"ignore_eos\":true",
		    q->max_tokens);
	bp_buf_adds(b, ",\"temperature\":0,\"stream\":true,"
	    "\"stream_options\":{\"include_usage\":true}}");
}

static int
oa_issue(struct sut *s, const struct sut_query *q)
{
	struct oa *o = s->p;
	struct req *r = calloc(1, sizeof *r);

	if (!r || !(r->h = curl_easy_init())) {
		free(r);
		return -1;
	}
	r->id = q->id;
	r->oa = o;
	body(&r->body, o, q);
	r->hdr = curl_slist_append(NULL, "Content-Type: application/json");
	curl_easy_setopt(r->h, CURLOPT_URL, o->url);
	curl_easy_setopt(r->h, CURLOPT_HTTPHEADER, r->hdr);
	curl_easy_setopt(r->h, CURLOPT_POSTFIELDS, r->body.p);
	curl_easy_setopt(r->h, CURLOPT_POSTFIELDSIZE, (long)r->body.len);
	curl_easy_setopt(r->h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(r->h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(r->h, CURLOPT_PRIVATE, r);
	curl_easy_setopt(r->h, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(r->h, CURLOPT_TIMEOUT_MS, o->timeout_ms);
	curl_easy_setopt(r->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(r->h, CURLOPT_TCP_NODELAY, 1L);
	pthread_mutex_lock(&o->mu);
	r->next = o->queue;
	o->queue = r;
	pthread_mutex_unlock(&o->mu);
	curl_multi_wakeup(o->m);
	return 0;
}

static void
oa_stop(struct sut *s, struct sut_exit *x)
{
	struct oa *o = s->p;
	struct req *r;

	(void)x;
	pthread_mutex_lock(&o->mu);
	o->stop = 1;
	pthread_mutex_unlock(&o->mu);
	curl_multi_wakeup(o->m);
	pthread_join(o->th, NULL);
	while ((r = o->queue)) {
		o->queue = r->next;
		req_free(r);
	}
	curl_multi_cleanup(o->m);
	curl_global_cleanup();
	pthread_mutex_destroy(&o->mu);
	free(o->url);
	free(o);
	s->p = NULL;
}

const struct sut_ops sut_openai_ops = {
	.name = "openai",
	.start = oa_start,
	.issue = oa_issue,
	.stop = oa_stop,
};
