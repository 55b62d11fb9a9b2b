/*
 * params.c - swept params: each -p KEY=V1,V2,... adds a dimension, the
 * combinations are their cartesian product with the first -p varying
 * slowest, and {KEY} in a command is replaced by the combination's value.
 * Values stay the text the user gave; records show a value as a number
 * only where that text is a JSON number, so "007" stays a string.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-run.h"
#include "cli.h"
#include "json.h"

struct param *params;
int nparams;

static int
valid_key(const char *k, size_t n)
{
	size_t i;

	if (n == 0 || !(isalpha((unsigned char)k[0]) || k[0] == '_'))
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)k[i]) && k[i] != '_' &&
		    k[i] != '-' && k[i] != '.')
			return 0;
	return 1;
}

static void
param_free(struct param *p)
{
	int i;

	for (i = 0; i < p->nvals; i++)
		free(p->vals[i]);
	free(p->vals);
	free(p->key);
	memset(p, 0, sizeof *p);
}

/* Adds one KEY with its values to the sweep, or says why not. */
static int
param_push(struct param *p, char *err, size_t errlen)
{
	size_t j;
	int i;

	for (i = 0; i < nparams; i++)
		if (strcmp(params[i].key, p->key) == 0) {
			snprintf(err, errlen, "param '%s' given twice; give its "
			    "values in one -p %s=V1,V2,...", p->key, p->key);
			param_free(p);
			return -1;
		}
	p->env = bp_xmalloc(strlen(p->key) + sizeof "BENCH_PARAM_");
	strcpy(p->env, "BENCH_PARAM_");
	for (j = 0; p->key[j]; j++)
		p->env[12 + j] = isalnum((unsigned char)p->key[j]) ?
		    toupper((unsigned char)p->key[j]) : '_';
	p->env[12 + j] = '\0';
	params = bp_xrealloc(params, (nparams + 1) * sizeof *params);
	params[nparams++] = *p;
	memset(p, 0, sizeof *p);
	return 0;
}

/*
 * KEY=V1,V2,... and, as a shorthand, KEY=V1,KEY2=V2,...: an item that
 * starts with a key and = begins the next param.
 */
int
params_add(const char *arg, char *err, size_t errlen)
{
	char *copy = bp_xstrdup(arg), *s, *comma, *eq, *v;
	struct param p = { 0 };
	int rc = 0;

	for (s = copy;; s = comma + 1) {
		comma = strchr(s, ',');
		if (comma)
			*comma = '\0';
		eq = strchr(s, '=');
		if (eq && valid_key(s, eq - s)) {
			if (p.key && (rc = param_push(&p, err, errlen)) < 0)
				break;
			p.key = strndup(s, eq - s);
			v = eq + 1;
		} else if (!p.key) {
			snprintf(err, errlen, "param '%s' is not KEY=V1,V2,... with "
			    "KEY a letter or _ then letters, digits, _ . -", arg);
			rc = -1;
			break;
		} else {
			v = s;
		}
		if (!*v) {
			snprintf(err, errlen, "param '%s' has an empty value", p.key);
			param_free(&p);
			rc = -1;
			break;
		}
		p.vals = bp_xrealloc(p.vals, (p.nvals + 1) * sizeof *p.vals);
		p.vals[p.nvals++] = bp_xstrdup(v);
		if (!comma)
			break;
	}
	if (rc == 0)
		rc = param_push(&p, err, errlen);
	free(copy);
	return rc;
}

int
params_check_model(const struct model *m, char *err, size_t errlen)
{
	const struct model_param *mp;
	struct bp_buf names = { 0 };
	int i;

	for (i = 0; i < nparams; i++) {
		for (mp = m->params; mp && mp->name; mp++)
			if (strcmp(mp->name, params[i].key) == 0)
				break;
		if (mp && mp->name)
			continue;
		for (mp = m->params; mp && mp->name; mp++)
			bp_buf_addf(&names, "%s%s", names.len ? ", " : "",
			    mp->name);
		snprintf(err, errlen, "model %s has no param '%s' (its params: "
		    "%s)", m->name, params[i].key, names.len ? names.p : "none");
		bp_buf_free(&names);
		return -1;
	}
	return 0;
}

int
params_is_number(const char *s)
{
	/* JSON's grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (isdigit((unsigned char)*s))
			s++;
	else
		return 0;
	if (*s == '.') {
		if (!isdigit((unsigned char)*++s))
			return 0;
		while (isdigit((unsigned char)*s))
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!isdigit((unsigned char)*s))
			return 0;
		while (isdigit((unsigned char)*s))
			s++;
	}
	return *s == '\0';
}

static cJSON *
param_value(const char *s)
{
	double d;

	if (params_is_number(s) && bp_parse_double(s, &d) == 0)
		return cJSON_CreateNumber(d);
	return cJSON_CreateString(s);
}

struct combo *
params_combos(const struct model *m, int *n)
{
	const struct model_param *mp;
	struct combo *c;
	struct bp_buf desc = { 0 };
	int total = 1, i, k, rest;

	for (i = 0; i < nparams; i++)
		total *= params[i].nvals;
	c = bp_xmalloc(total * sizeof *c);
	for (k = 0; k < total; k++) {
		c[k].index = k;
		c[k].vals = bp_xmalloc((nparams + 1) * sizeof *c[k].vals);
		c[k].params = cJSON_CreateObject();
		c[k].mparams = cJSON_CreateObject();
		bp_buf_reset(&desc);
		/* the last -p varies fastest, as in nested loops */
		rest = k;
		for (i = nparams - 1; i >= 0; i--) {
			c[k].vals[i] = params[i].vals[rest % params[i].nvals];
			rest /= params[i].nvals;
		}
		for (i = 0; i < nparams; i++) {
			cJSON_AddItemToObject(c[k].params, params[i].key,
			    param_value(c[k].vals[i]));
			cJSON_AddStringToObject(c[k].mparams, params[i].key,
			    c[k].vals[i]);
			bp_buf_addf(&desc, "%s%s=%s", desc.len ? " " : "",
			    params[i].key, c[k].vals[i]);
		}
		/* a built-in's records name every param, defaults too, so
		 * that runs compare even when the defaults change */
		for (mp = m ? m->params : NULL; mp && mp->name; mp++) {
			if (!mp->def || cJSON_GetObjectItem(c[k].params, mp->name))
				continue;
			cJSON_AddItemToObject(c[k].params, mp->name,
			    param_value(mp->def));
			cJSON_AddStringToObject(c[k].mparams, mp->name, mp->def);
		}
		c[k].desc = bp_xstrdup(desc.len ? desc.p : "");
	}
	bp_buf_free(&desc);
	*n = total;
	return c;
}

void
params_free(struct combo *c, int n)
{
	int k;

	for (k = 0; k < n; k++) {
		free(c[k].vals);
		cJSON_Delete(c[k].params);
		cJSON_Delete(c[k].mparams);
		free(c[k].desc);
	}
	free(c);
}

char *
params_subst(const char *s, const struct combo *c)
{
	struct bp_buf b = { 0 };
	const char *open, *close;
	int i;

	bp_buf_adds(&b, "");
	while ((open = strchr(s, '{')) && (close = strchr(open, '}'))) {
		for (i = 0; i < nparams; i++)
			if (strlen(params[i].key) == (size_t)(close - open - 1) &&
			    !memcmp(params[i].key, open + 1, close - open - 1))
				break;
		if (i == nparams) {
			/* not a swept param: {} of find(1), awk code, ... */
			bp_buf_add(&b, s, open + 1 - s);
			s = open + 1;
			continue;
		}
		bp_buf_add(&b, s, open - s);
		bp_buf_adds(&b, c->vals[i]);
		s = close + 1;
	}
	bp_buf_adds(&b, s);
	return bp_buf_detach(&b);
}
