/*
 * models.c - the registry of built-in models.  Adding a model is one new
 * file, cmd/bench-run/model_NAME.c, and one line here.
 */
#include <string.h>

#include "model.h"

extern const struct model model_gemm, model_membw, model_mlp, model_tinylm;

const struct model *const models[] = {
	&model_gemm,
	&model_membw,
	&model_mlp,
	&model_tinylm,
	NULL,
};

const struct model *
model_find(const char *name)
{
	size_t i;

	for (i = 0; models[i]; i++)
		if (strcmp(models[i]->name, name) == 0)
			return models[i];
	return NULL;
}
