/*
 * inputs.c - the list of a scenario's sampled inputs (inputs.h).
 */
#include "scenario/inputs.h"

#include <stdio.h>
#include <stdlib.h>

#include "scenario/dist.h"

int params_inputs(const hn_scenario *sc, hn_input **out)
{
    *out = NULL;
    int n = 0;
    for (int k = 0; k < sc->n_params; k++)
        for (int i = 0; i < sc->params[k]->n; i++) n += dist_is_random(&sc->params[k]->items[i]);
    if (n == 0) return 0;
    hn_input *in = calloc((size_t)n, sizeof *in);
    if (!in) return -1;
    int j = 0;
    for (int k = 0; k < sc->n_params; k++) {
        const hn_param *p = sc->params[k];
        for (int i = 0; i < p->n; i++) {
            if (!dist_is_random(&p->items[i])) continue;
            in[j].param = k;
            in[j].item = i;
            in[j].slot = p->slot + i;
            if (p->n == 1)
                snprintf(in[j].name, sizeof in[j].name, "%s", p->name);
            else
                snprintf(in[j].name, sizeof in[j].name, "%s[%d]", p->name, i + 1);
            j++;
        }
    }
    *out = in;
    return n;
}
